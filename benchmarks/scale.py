"""The scale series of `make bench`: departments of 30, 300, 1,000 and 3,000 agents, 12 months each.

Each size runs in a fresh child process: the department is generated (tests/scale_data.py), its results
warmed (`scores rebuild`, as after an import), then the app and a bare Flask page reading one row are
each served by gunicorn (one sync worker) and every operation is timed over HTTP beside that floor.
The parent prints one line per figure and each operation's growth exponent from 300 to 3,000 agents.
"""

from __future__ import annotations

import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
MONTH = "2026-10"
SIZES = (30, 300, 1000, 3000)
OPERATIONS = ("grid", "cell_save", "ranking", "my_scores", "precheck", "pay_run", "pay_sheet", "pay_export")


def _median(call, rounds: int) -> tuple[float, int]:
    """Median seconds of *call* (the first round is a warm-up) and the size of its last response."""
    times, size = [], 0
    for _ in range(rounds + 1):
        started = time.perf_counter()
        response = call()
        size = len(response.content)
        times.append(time.perf_counter() - started)
        assert response.status_code in (200, 303), (response.status_code, response.text[:300])
    return statistics.median(times[1:]), size


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(factory: str, env: dict) -> tuple[subprocess.Popen, str]:
    """Start gunicorn (one sync worker, benchmarks/gunicorn_bench.py) on *factory*; wait until it answers."""
    import requests

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "benchmarks" / "gunicorn_bench.py"),
         "-b", f"127.0.0.1:{port}", factory],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/__gc", timeout=5)
            return server, base
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn did not start for {factory}")


def _worker_rss_mb(master: int) -> float:
    """RSS of the gunicorn master's (only) worker."""
    from run import child_pids, rss_mb

    return sum(rss_mb(worker) for worker in child_pids(master))


def child(agents: int) -> dict:
    """Generate one department of *agents*, serve it with gunicorn, then time every operation over HTTP
    beside the bare page, served the same way."""
    import requests
    from scale_data import PASSWORD, build_department
    from sqlalchemy import func, select

    from csapp import create_app
    from csapp.extensions import db
    from csapp.models import AgentMonth, Employee
    from csapp.services.kpi import rebuild_results

    folder = Path(tempfile.mkdtemp())
    settings = {
        "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "TODAY": "2026-11-20", "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'scale.sqlite'}", "PKI_DIR": str(folder / "pki"),
    }  # fmt: skip
    (folder / "settings.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
    app = create_app(settings)
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        ids = build_department(agents, MONTH, months=12)
        rebuild_results()
        team = ids["teams"][0]
        agent = next(e for e in ids["agents"] if db.session.get(Employee, e).team_in(MONTH).id == team)
        mean = float(db.session.scalar(select(func.avg(AgentMonth.production)).where(AgentMonth.month == MONTH)))
        shown = [str(db.session.scalar(select(AgentMonth.production).where(AgentMonth.employee_id == agent,
                                                                           AgentMonth.month == MONTH)))]  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    bare, bare_base = _serve("bare_app:create_app()", {"BARE_DB": str(folder / "bare.sqlite"),
                                                        "PYTHONPATH": str(ROOT / "benchmarks")})  # fmt: skip
    server, base = _serve("csapp:create_app()", {"CSAPP_SETTINGS": str(folder / "settings.py")})
    try:
        sessions = {}
        for username in ("agent1", "sup1", "hr"):
            sessions[username] = requests.Session()
            sessions[username].post(f"{base}/login", data={"username": username, "password": PASSWORD})
        requests.get(f"{base}/__gc")
        idle = _worker_rss_mb(server.pid)
        rounds = 5 if agents <= 1000 else 3
        steps = iter(range(-9, 10))

        def save():  # a typical value: within ±10 % of the department's mean production
            value = str(round(mean * (1 + next(steps) / 100)))
            response = sessions["sup1"].post(
                f"{base}/entry/cell?month={MONTH}&team={team}",
                data={"sheet": "metrics", "employee_id": agent, "field": "production", "value": value,
                      "expected": shown[0]},
                headers={"HX-Request": "true"},
            )  # fmt: skip
            shown[0] = value  # what the cell now shows: the next save expects it
            return response

        get = {name: (lambda path, who=who: sessions[who].get(f"{base}{path}", allow_redirects=False))
               for name, who in (("sup", "sup1"), ("hr", "hr"), ("agent", "agent1"))}  # fmt: skip
        operations = {
            "grid": lambda: get["sup"](f"/entry?month={MONTH}&team={team}"),
            "cell_save": save,
            "ranking": lambda: get["hr"](f"/ranking?month={MONTH}"),
            "my_scores": lambda: get["agent"](f"/me/scores?month={MONTH}"),
            "precheck": lambda: get["agent"]("/me/promotion"),
            "pay_run": lambda: sessions["hr"].post(f"{base}/pay?month={MONTH}", allow_redirects=False),
            "pay_sheet": lambda: get["hr"](f"/pay?month={MONTH}"),
            "pay_export": lambda: get["hr"](f"/pay.xlsx?month={MONTH}"),
        }
        found = {}
        for name, call in operations.items():
            floor, _ = _median(lambda: requests.get(f"{bare_base}/row"), rounds)
            value, size = _median(call, rounds if name != "pay_run" else 2)
            found[name] = {"value": value, "floor": floor, "bytes": size}
        requests.get(f"{base}/__gc")
        found["worker_idle_mb"] = idle
        found["worker_after_series_mb"] = _worker_rss_mb(server.pid)
        return found
    finally:
        for process in (server, bare):
            process.terminate()
            process.wait(30)


def series() -> dict[int, dict]:
    results = {}
    for agents in SIZES:
        started = time.perf_counter()
        output = subprocess.run(
            [sys.executable, __file__, str(agents)], capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )  # fmt: skip
        if output.returncode:
            raise SystemExit(f"scale child {agents} failed:\n{output.stderr[-3000:]}")
        results[agents] = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"      (scale {agents} agents: {time.perf_counter() - started:.0f} s)", flush=True)
    return results


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    return math.log(large / small) / math.log(n_large / n_small)


if __name__ == "__main__":
    print(json.dumps(child(int(sys.argv[1]))))
