"""`make bench`: each figure beside its floor, measured in the same run (this machine is noisy: only ratios hold).

Prints one line per figure — ``bench <name> value=<v> floor=<f> ratio=<r> target=<t> ok|MISS`` — and
asserts nothing. Every measurement runs in a fresh child process so that timings and RSS figures do
not pollute one another.
"""

from __future__ import annotations

import json
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


def rss_mb(pid: int | str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def report(name: str, value: float, floor: float, target: float, unit: str = "") -> None:
    ratio = value / floor if floor else float("inf")
    verdict = "ok" if ratio <= target else "MISS"
    print(f"bench {name} value={value:.3f}{unit} floor={floor:.3f}{unit} ratio={ratio:.2f} target={target} {verdict}")


# ---------------------------------------------------------------- set-up
def _config(workdir: Path) -> dict:
    return {
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite'}",
        "PKI_DIR": str(workdir / "pki"),
        "ARCHIVE_DIR": str(workdir / "archive"),
        "WTF_CSRF_ENABLED": False,
        "RENDER_WORKERS": 2,
        "RENDER_IDLE_SECONDS": 3,
        "NOTICE_SIGNATORY_TITLE": "人事部经理",
        "NOTICE_SIGNATORY_NAME": "林晓",
    }


def child_setup(workdir: str, people: int) -> dict:
    """The database: a department of *people* with a confirmed October run, and an approvable application."""

    from factories import build_org, confirmed_pay, employee, interviewed_application, metrics

    from csapp import create_app
    from csapp.extensions import db
    from csapp.notices.pki import create_pki

    folder = Path(workdir)
    create_pki(folder / "pki", "基准测试中心", "基准测试中心 人事部")
    (folder / "settings.py").write_text("".join(f"{k} = {v!r}\n" for k, v in _config(folder).items()))
    app = create_app({**_config(folder), "PKI_DIR": str(folder / "no-keys")})  # approve without issuing
    names = "堃喆珺瑄昇龑堉䶮伟芳娜敏静丽强磊洋艳勇军杰娟涛明超霞平刚"
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        org = build_org()
        for index in range(people - 8):
            person = employee(org["other"], f"B{index:04d}", "王" + names[index % 28] + names[(index * 7) % 28])
            metrics(person, MONTH, production=900 + index, qa=(90 + index % 10,))
        db.session.commit()
        slips = len(confirmed_pay(org).slips)
        application = interviewed_application(org)
        from csapp.services.kpi import rebuild_results

        rebuild_results()  # as HR's look at the application would have stored its months' results
        return {"slips": slips, "application": application.id}


# ---------------------------------------------------------------- children
def child_bare_post(workdir: str, count: int) -> dict:
    """The floor of a request: a bare Flask POST that commits one row (same SQLite settings as the app)."""
    from bare_app import create_app

    app = create_app(Path(workdir) / "bare.sqlite")
    return {"times": [_time_request(app, "/rows", {}) for _ in range(count)]}


def _time_request(app, path: str, form: dict, headers: dict | None = None) -> float:
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, method="POST", data=form, headers=headers or {}).get_environ()
    status = []
    started = time.perf_counter()
    b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    elapsed = time.perf_counter() - started
    assert status[0].startswith("303") or status[0].startswith("302"), status
    return elapsed


def child_approval(workdir: str, count: int, application_id: int) -> dict:
    """The approval request (HR approves; its two notices go to the queue), reset between rounds."""
    from sqlalchemy import text

    from csapp import create_app
    from csapp.extensions import db

    app = create_app(_config(Path(workdir)))
    client = app.test_client()
    client.post("/login", data={"username": "hr", "password": "secret-pass"})
    cookie = client.get_cookie("session").value
    headers = {"Cookie": f"session={cookie}"}
    times = []
    for _ in range(count):
        times.append(
            _time_request(
                app, f"/promotions/{application_id}/decide", {"decision": "approve", "reason": "满足"}, headers
            )
        )
        with app.app_context():  # put the application back before the next round (not timed)
            db.session.execute(
                text("UPDATE promotion_application SET status='interviewed' WHERE id=:i"), {"i": application_id}
            )
            db.session.execute(text("DELETE FROM grade_change WHERE kind='promotion'"))
            db.session.execute(text("DELETE FROM batch_job"))
            db.session.commit()
    return {"times": times, "heavy": sorted(m for m in ("weasyprint", "pyhanko") if m in sys.modules)}


def child_bare_notices(workdir: str, count: int) -> dict:
    """The floor: WeasyPrint renders the same HTML with the same fonts, pyHanko signs it with the same settings
    (certified, B-LT with the CA and its CRL, the seal as a visible field, the same reserved size)."""
    import io
    import logging

    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator import ValidationContext
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)  # as the app does
    fonts = ROOT / "static" / "fonts"
    config = FontConfiguration()
    css = CSS(
        string=(
            f"@font-face {{ font-family: S; src: url({(fonts / 'NotoSansSC-Regular.ttf').as_uri()}); }}"
            f"@font-face {{ font-family: S; font-weight: bold; src: url({(fonts / 'NotoSansSC-Bold.ttf').as_uri()}); }}"
            f"@font-face {{ font-family: Y; src: url({(fonts / 'DejaVuSans.ttf').as_uri()}); }}"
            "html { font-family: S, Y; } #seal { width: 34mm; height: 34mm; }"
        ),
        font_config=config,
    )
    notice_css = CSS(filename=str(ROOT / "static" / "pdf" / "notice.css"), font_config=config)
    html = (Path(workdir) / "sample.html").read_text(encoding="utf-8")
    pki = Path(workdir) / "pki"
    signer = signers.SimpleSigner.load_pkcs12(str(pki / "signer.p12"), passphrase=None)
    ca = x509.Certificate.load(pem.unarmor((pki / "ca.pem").read_bytes())[2])
    crls = [p.read_bytes() for p in (pki / "trust").glob("*.crl")]
    context = ValidationContext(trust_roots=[ca], crls=crls, allow_fetching=False, revocation_mode="require")
    meta = signers.PdfSignatureMetadata(
        field_name="Sig",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        embed_validation_info=True,
        validation_context=context,
    )
    seal = StaticStampStyle.from_pdf_file(str(Path(workdir) / "seal.pdf"), border_width=0)
    box = fields.SigFieldSpec("Sig", on_page=0, box=(400, 150, 496, 246))
    times = []
    for _ in range(count):
        started = time.perf_counter()
        pdf = HTML(string=html).write_pdf(stylesheets=[css, notice_css], font_config=config)
        out = io.BytesIO()
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=seal, new_field_spec=box)
        pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out, bytes_reserved=24 * 1024)
        times.append(time.perf_counter() - started)
    return {"times": times, "rss": rss_mb()}


def child_app_notices(workdir: str, count: int) -> dict:
    """One notice through the app's own path (template, font check, render, sign), in-process."""
    from sqlalchemy import select

    from csapp import create_app
    from csapp.extensions import db
    from csapp.models import PayRun, PayRunStatus, User
    from csapp.notices.glyphs import missing_characters
    from csapp.services import notices, render_pool

    app = create_app({**_config(Path(workdir)), "RENDER_WORKERS": 0})
    times = []
    with app.test_request_context():
        hr = db.session.scalar(select(User).where(User.username == "hr"))
        slips = db.session.scalar(select(PayRun).where(PayRun.status == PayRunStatus.CONFIRMED)).slips
        for index in range(count):
            started = time.perf_counter()
            prepared = notices.prepare(notices.pay_spec(slips[index % len(slips)]), hr, f"GZ2026-{index:05d}", "基准")
            assert not missing_characters(prepared.html)
            assert render_pool.produce_signed(prepared.html, "bench").startswith(b"%PDF")
            times.append(time.perf_counter() - started)
        (Path(workdir) / "sample.html").write_text(prepared.html, encoding="utf-8")
        import shutil

        from csapp.notices.render import seal_pdf

        shutil.copyfile(seal_pdf(app.config.get("ORGANISATION_NAME", "客服中心")), Path(workdir) / "seal.pdf")
    return {"times": times}


def child_bare_import() -> dict:
    """The floor: the third-party packages a web worker must import to serve any page — Flask-Limiter
    included, since its check runs before every request."""
    import flask  # noqa: F401
    import flask_limiter  # noqa: F401
    import flask_login  # noqa: F401
    import flask_sqlalchemy  # noqa: F401
    import flask_wtf  # noqa: F401

    return {"rss": rss_mb()}


def child_app_idle(workdir: str) -> dict:
    from csapp import create_app

    app = create_app(_config(Path(workdir)))
    assert app.test_client().get("/login").status_code == 200
    return {"rss": rss_mb()}


CHILDREN = {
    "setup": child_setup,
    "bare_post": child_bare_post,
    "approval": child_approval,
    "bare_notices": child_bare_notices,
    "app_notices": child_app_notices,
    "bare_import": child_bare_import,
    "app_idle": child_app_idle,
}


def run_child(name: str, *args, env: dict | None = None) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", name, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
    )
    if output.returncode:
        raise SystemExit(f"benchmark child {name} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def queue_batch(folder: Path, slips: int) -> tuple[float, float, float]:
    """200 pay notices through the real queue and worker; returns (wall s, pool MB busy, pool MB after idle)."""
    env = {
        **os.environ,
        "QUEUE_URL": f"sqlite:///{folder / 'queue.sqlite'}",
        "CSAPP_SETTINGS": str(folder / "settings.py"),
    }
    consumer = subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "csapp.tasks.huey", "-w", "1", "-d", "0.1", "-m", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        script = (
            "import json,time,sys\nfrom csapp import create_app\nfrom csapp.extensions import db\n"
            "from csapp.models import BatchJob, User\nfrom csapp.services import jobs\n"
            "app = create_app()\nwith app.app_context():\n"
            "    hr = db.session.query(User).filter_by(username='hr').one()\n"
            "    started = time.perf_counter(); job_id = jobs.create(hr, 'pay', '2026-10').id\n"
            "    while True:\n        db.session.rollback(); job = db.session.get(BatchJob, job_id)\n"
            "        if job.status in ('done', 'failed'): break\n        time.sleep(0.05)\n"
            "    print(json.dumps({'wall': time.perf_counter() - started, 'status': job.status, 'done': job.done}))\n"
        )
        time.sleep(2)  # the worker is up before the job is handed to it
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        assert outcome["status"] == "done" and outcome["done"] == slips, (outcome, result.stderr[-2000:])
        busy = _children_rss(consumer.pid)
        ticks = os.sysconf("SC_CLK_TCK")
        fields = Path(f"/proc/{consumer.pid}/stat").read_text().rsplit(")", 1)[1].split()
        print(f"      (the worker process itself used {(int(fields[11]) + int(fields[12])) / ticks:.1f} s of CPU)")
        deadline = time.monotonic() + 75  # RENDER_IDLE_SECONDS = 3 here; the worker checks every minute
        while (idle := _children_rss(consumer.pid)) and time.monotonic() < deadline:
            time.sleep(1)
        return outcome["wall"], busy, idle
    finally:
        consumer.send_signal(2)
        consumer.wait(30)


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is *pid* (multiprocessing's resource tracker left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if parent == pid and b"resource_tracker" not in command:
                found.append(int(entry.name))
    return found


def _children_rss(pid: int) -> float:
    """RSS of the worker's render processes."""
    return sum(rss_mb(child) for child in child_pids(pid))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        name, args = sys.argv[2], [int(a) if a.isdigit() else a for a in sys.argv[3:]]
        print(json.dumps(CHILDREN[name](*args)))
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print(f"csapp benchmarks on {os.cpu_count()} cores; each figure beside its floor, measured in this run")
        setup = run_child("setup", folder, 200)
        queue_env = {"QUEUE_URL": f"sqlite:///{folder / 'queue.sqlite'}"}

        app_one = statistics.median(run_child("app_notices", folder, 15)["times"][1:])
        bare_one = statistics.median(run_child("bare_notices", folder, 15)["times"][1:])
        report("one_signed_notice_s", app_one, bare_one, 1.3, "s")

        approval = run_child("approval", folder, 15, setup["application"], env=queue_env)
        bare_post = statistics.median(run_child("bare_post", folder, 15)["times"][1:])
        report("approval_request_s", statistics.median(approval["times"][1:]), bare_post, 3.0, "s")
        print(f"      (web process loaded for the approval: {approval['heavy'] or 'neither weasyprint nor pyhanko'})")

        half = setup["slips"] // 2
        started = time.perf_counter()
        floors = [
            subprocess.Popen([sys.executable, __file__, "--child", "bare_notices", str(folder), str(n)], cwd=ROOT,
                             stdout=subprocess.DEVNULL)
            for n in (half, setup["slips"] - half)
        ]  # fmt: skip
        for process in floors:
            process.wait()
        floor_wall = time.perf_counter() - started
        wall, busy, idle = queue_batch(folder, setup["slips"])
        report(f"queue_{setup['slips']}_pay_notices_s", wall, floor_wall, 1.3, "s")
        print(f"bench render_pool_after_idle_mb value={idle:.1f} floor={busy:.1f} ratio={idle / busy if busy else 0:.2f} "
              f"target=0.05 {'ok' if busy and idle / busy <= 0.05 else 'MISS'}")  # fmt: skip

        bare_idle = run_child("bare_import")["rss"]
        app_idle = run_child("app_idle", folder)["rss"]
        report("web_worker_idle_rss_mb", app_idle, bare_idle, 1.2, "MB")

        from uploads import upload_report

        upload_report(report)

    from policy_preview import preview_report

    preview_report(report)
    scale_report()


def scale_report() -> None:
    """The scale series (benchmarks/scale.py): targets at 1,000 agents and growth from 300 to 3,000."""
    from scale import OPERATIONS, SIZES, exponent, series

    results = series()
    for agents in SIZES:
        for name in OPERATIONS:
            figure = results[agents][name]
            print(f"      (scale{agents} {name}: {figure['value'] * 1000:.1f} ms, {figure['value'] / figure['floor']:.1f}× "
                  f"the bare page, {figure['bytes'] / 1024:.1f} KB)")  # fmt: skip
    at_1000 = results[1000]
    for name, target in (("my_scores", 10), ("precheck", 10), ("cell_save", 10), ("pay_run", 200)):
        report(f"scale1000_{name}_s", at_1000[name]["value"], at_1000[name]["floor"], target, "s")
    print(f"bench scale1000_cell_save_bytes value={at_1000['cell_save']['bytes']} floor=10240 "
          f"ratio={at_1000['cell_save']['bytes'] / 10240:.2f} target=1.0 "
          f"{'ok' if at_1000['cell_save']['bytes'] <= 10240 else 'MISS'}")  # fmt: skip
    for name in OPERATIONS:
        small, large = results[300][name]["value"], results[3000][name]["value"]
        grow = exponent(small, large, 300, 3000)
        print(f"bench exponent_{name} value={grow:.2f} floor=1.00 ratio={grow:.2f} target=1.15 "
              f"{'ok' if grow <= 1.15 else 'MISS'}")  # fmt: skip
    report("worker_rss_after_scale1000_mb", at_1000["worker_after_series_mb"], at_1000["worker_idle_mb"], 1.3, "MB")


if __name__ == "__main__":
    main()
