"""The scale series of `make bench`: departments of 30, 300, 1,000 and 3,000 agents, 12 months each.

Each size runs in a fresh child process: the department is generated (tests/scale_data.py), its results
warmed (`scores rebuild`, as after an import), then every operation is timed through the WSGI app
beside a bare Flask page reading one row, served the same way in the same process. The parent prints
one line per figure and each operation's growth exponent from 300 to 3,000 agents.
"""

from __future__ import annotations

import gc
import json
import math
import os
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
        size = len(response.get_data())
        times.append(time.perf_counter() - started)
        assert response.status_code in (200, 303), (response.status_code, response.get_data()[:300])
        response.close()
    return statistics.median(times[1:]), size


def _bare(folder: Path):
    """The floor: a bare Flask page reading one row (same SQLite settings), through the same test client."""
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

    app = Flask("bare")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'bare.sqlite'}"
    db = SQLAlchemy(app)

    class Row(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        text = db.Column(db.String(50))

    @app.get("/row")
    def row():
        return db.session.get(Row, 1).text

    with app.app_context():
        db.create_all()
        db.session.add(Row(id=1, text="一行"))
        db.session.commit()
    return app.test_client()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(agents: int) -> dict:
    """Generate one department of *agents*, then time every operation and its floor."""
    from scale_data import PASSWORD, build_department
    from sqlalchemy import func, select

    from csapp import create_app
    from csapp.extensions import db
    from csapp.models import AgentMonth, Employee, Team
    from csapp.services.kpi import rebuild_results

    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "TODAY": "2026-11-20",
         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'scale.sqlite'}", "PKI_DIR": str(folder / "pki")}
    )  # fmt: skip
    with app.app_context():
        db.create_all()
        ids = build_department(agents, MONTH, months=12)
        rebuild_results()
        first_team = db.session.get(Team, ids["teams"][0])
        agent = next(e for e in ids["agents"] if db.session.get(Employee, e).team_in(MONTH).id == first_team.id)
        mean = db.session.scalar(select(func.avg(AgentMonth.production)).where(AgentMonth.month == MONTH))
        db.session.remove()
    bare = _bare(folder)
    clients = {}
    for username in ("agent1", "sup1", "hr"):
        clients[username] = app.test_client()
        clients[username].post("/login", data={"username": username, "password": PASSWORD})
    rounds = 5 if agents <= 1000 else 3
    steps = iter(range(-9, 10))

    def save():  # a typical value: within ±10 % of the department's mean production
        value = round(mean * (1 + next(steps) / 100))
        return clients["sup1"].post(
            f"/entry/cell?month={MONTH}&team={first_team.id}",
            data={"sheet": "metrics", "employee_id": agent, "field": "production", "value": str(value), "version": ""},
            headers={"HX-Request": "true"},
        )

    operations = {
        "grid": lambda: clients["sup1"].get(f"/entry?month={MONTH}&team={first_team.id}"),
        "cell_save": save,
        "ranking": lambda: clients["hr"].get(f"/ranking?month={MONTH}"),
        "my_scores": lambda: clients["agent1"].get(f"/me/scores?month={MONTH}"),
        "precheck": lambda: clients["agent1"].get("/me/promotion"),
        "pay_run": lambda: clients["hr"].post(f"/pay?month={MONTH}"),
        "pay_sheet": lambda: clients["hr"].get(f"/pay?month={MONTH}"),
        "pay_export": lambda: clients["hr"].get(f"/pay.xlsx?month={MONTH}"),
    }
    found = {}
    for name, call in operations.items():
        floor, _ = _median(lambda: bare.get("/row"), rounds)
        value, size = _median(call, rounds if name != "pay_run" else 2)
        found[name] = {"value": value, "floor": floor, "bytes": size}
    gc.collect()
    found["rss_after_series_mb"] = _rss_mb()
    return found


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
