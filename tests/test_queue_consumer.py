"""A real Huey consumer, killed with SIGKILL in the middle of a batch, then restarted (issue 10)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from factories import MONTH, confirmed_pay, employee
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice
from csapp.services import jobs

ROOT = Path(__file__).resolve().parent.parent


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _consumer(tmp_path: Path, log: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite'}",
        "CSAPP_SETTINGS": str(tmp_path / "settings.py"),
    }
    command = [sys.executable, "-m", "huey.bin.huey_consumer", "csapp.tasks.huey", "-w", "1", "-d", "0.1", "-m", "1"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(tmp_path / log, "w"), stderr=subprocess.STDOUT)


def _job(job_id: int) -> BatchJob:
    db.session.rollback()
    return db.session.get(BatchJob, job_id)


def _wait(predicate, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


def test_a_killed_consumer_leaves_nothing_half_done(db_app, org, pki_dir, tmp_path, monkeypatch):
    for index in range(30):  # enough notices to be killed in the middle of them
        employee(org["other"], f"K{index:03d}", f"批量{index:02d}")
    db.session.commit()
    slips = len(confirmed_pay(org).slips)
    (tmp_path / "settings.py").write_text(
        f"SECRET_KEY = 'consumer'\nSQLALCHEMY_DATABASE_URI = {db_app.config['SQLALCHEMY_DATABASE_URI']!r}\n"
        f"PKI_DIR = {str(pki_dir)!r}\nARCHIVE_DIR = {db_app.config['ARCHIVE_DIR']!r}\n"
        "RENDER_WORKERS = 1\nJOB_LEASE_SECONDS = 2\n"
        "NOTICE_SIGNATORY_TITLE = '人事部经理'\nNOTICE_SIGNATORY_NAME = '林晓'\n"
    )
    monkeypatch.setattr(jobs, "enqueue", lambda job_id: None)  # no message: the consumer finds the job itself
    job_id = jobs.create(org["users"]["hr"], "pay", MONTH).id
    assert _job(job_id).status == "queued"

    first = _consumer(tmp_path, "first.log")
    try:
        _wait(lambda: _job(job_id).done >= 3, 120, "the first notices", tmp_path / "first.log")
        renderers = _children(first.pid) - {first.pid}
        assert renderers, "the render pool runs in the consumer"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    done_at_kill = _job(job_id).done
    assert 3 <= done_at_kill < slips and _job(job_id).status == "running"
    _wait(lambda: not any(_alive(pid) for pid in renderers), 10, "render processes to exit", tmp_path / "first.log")

    time.sleep(2.5)  # the dead consumer's lease runs out
    second = _consumer(tmp_path, "second.log")
    try:
        job = _wait(
            lambda: (j := _job(job_id)).status == "done" and j, 180, "the job to finish", tmp_path / "second.log"
        )
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(30)
    assert job.done == job.total == slips

    db.session.rollback()
    issued = db.session.scalars(select(IssuedNotice).where(IssuedNotice.kind == "pay")).all()
    assert len(issued) == slips and len({n.identity for n in issued}) == slips  # nothing missing, no duplicate
    assert all(n.status == "valid" for n in issued)
    archive = Path(db_app.config["ARCHIVE_DIR"])
    for notice in issued:
        assert hashlib.sha256((archive / notice.path).read_bytes()).hexdigest() == notice.sha256
    assert list(archive.rglob("*.tmp")) == []
    assert not any(_alive(pid) for pid in _children(second.pid))


WEB_APPROVAL = """
import sys
from csapp import create_app
from csapp.queue import huey
from csapp.services import jobs

huey.immediate = False
sent = []
jobs.enqueue = sent.append  # what the web process does: send the job's id, nothing more
app = create_app({"TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "PKI_DIR": sys.argv[2], "ARCHIVE_DIR": sys.argv[3],
                  "NOTICE_SIGNATORY_TITLE": "人事部经理", "NOTICE_SIGNATORY_NAME": "林晓"})
client = app.test_client()
client.post("/login", data={"username": "hr", "password": "secret-pass"})
response = client.post(f"/promotions/{sys.argv[4]}/decide", data={"decision": "approve", "reason": "满足"})
print(response.status_code, len(sent), "weasyprint" in sys.modules, "pyhanko" in sys.modules)
"""


def test_an_approval_in_the_web_process_only_queues_its_notices(db_app, org, pki_dir, tmp_path):
    from factories import interviewed_application

    application = interviewed_application(org)
    db.session.commit()
    config = db_app.config
    result = subprocess.run(
        [sys.executable, "-c", WEB_APPROVAL, config["SQLALCHEMY_DATABASE_URI"], str(pki_dir), config["ARCHIVE_DIR"],
         str(application.id)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.stdout.split() == ["303", "1", "False", "False"], result.stderr[-2000:]
    db.session.rollback()
    assert db.session.scalar(select(BatchJob.status).where(BatchJob.application_id == application.id)) == "queued"
    assert db.session.scalars(select(IssuedNotice)).all() == []
