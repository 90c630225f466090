"""Two app servers and two queue consumers on one PostgreSQL (issue 16), each with its own instance folder:
HR asks both app servers for the month's 200 pay notices at the same moment. Every number is unique,
every notice is in the database and verifies on an app server that has no keys, and no machine's folder
holds a file another one needs."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from conftest import SIGNATORY
from factories import MONTH, PASSWORD, confirmed_pay, employee
from race import in_threads
from sqlalchemy import func, select

from csapp import create_app
from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice, NoticeFile
from csapp.notices.pki import PkiPaths
from csapp.services import notices, trust_store

BACKENDS = ("pg",)
ROOT = Path(__file__).resolve().parent.parent
NOTICES = 200


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _machine(folder: Path, url: str, pki: Path | None) -> dict:
    """One machine's instance folder and settings (a worker gets its own copy of the signing keys)."""
    instance = folder / "instance"
    instance.mkdir(parents=True)
    keys = instance / "pki"
    if pki is not None:
        shutil.copytree(pki, keys)
    settings = {"SECRET_KEY": "the-same-on-every-app-server", "SQLALCHEMY_DATABASE_URI": url, "NOTICE_STORE": "database",
                "PKI_DIR": str(keys), "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "RENDER_WORKERS": 1,
                **SIGNATORY}  # fmt: skip
    (instance / "config.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
    env = {**os.environ, "CSAPP_INSTANCE": str(instance), "QUEUE_URL": url.replace("+psycopg", "")}
    return {"instance": instance, "env": env, "settings": settings}


def _wait(predicate, seconds: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.25)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-1500:]}" for log in logs if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def test_two_app_servers_and_two_workers_issue_200_notices_once_each(db_app, org, pki_dir, tmp_path):
    for index in range(NOTICES - 8):  # with the organisation's own eight paid people: 200 slips
        employee(org["other"], f"K{index:03d}", f"批量{index:03d}")
    db.session.commit()
    run = confirmed_pay(org)
    assert len(run.slips) == NOTICES
    trust_store.publish(PkiPaths(pki_dir))  # what `pki init` on the keys' machine does
    db.session.commit()
    url = db_app.config["SQLALCHEMY_DATABASE_URI"]
    apps = [_machine(tmp_path / f"app{i}", url, None) for i in (1, 2)]
    workers = [_machine(tmp_path / f"worker{i}", url, pki_dir) for i in (1, 2)]
    processes, logs, bases = [], [], []
    try:
        for i, machine in enumerate(apps, start=1):
            port = _port()
            log = tmp_path / f"app{i}.log"
            command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "csapp:create_app()"]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=machine["env"], stdout=open(log, "w"),
                                              stderr=subprocess.STDOUT))  # fmt: skip
            logs.append(log)
            bases.append(f"http://127.0.0.1:{port}")
        for i, machine in enumerate(workers, start=1):
            log = tmp_path / f"worker{i}.log"
            command = [sys.executable, "-m", "huey.bin.huey_consumer", "csapp.tasks.huey", "-w", "1", "-d", "0.1"]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=machine["env"], stdout=open(log, "w"),
                                              stderr=subprocess.STDOUT))  # fmt: skip
            logs.append(log)
        sessions = []
        for base in bases:
            session = requests.Session()
            _wait(lambda b=base: _up(b), 60, f"{base} to serve", logs)
            response = session.post(f"{base}/login", data={"username": "hr", "password": PASSWORD},
                                    allow_redirects=False)  # fmt: skip
            assert response.status_code == 303, response.text[:300]
            sessions.append(session)

        def ask(session, base):
            return lambda: session.post(f"{base}/notices/batch?month={MONTH}", data={"kind": "pay"},
                                        allow_redirects=False).status_code  # fmt: skip

        answers = in_threads([ask(s, b) for s, b in zip(sessions, bases)])
        assert all(answer in (303, 409) for answer in answers), answers  # accepted (or told it is under way)

        def finished():
            db.session.rollback()
            jobs = db.session.scalars(select(BatchJob).where(BatchJob.kind == "pay")).all()
            return jobs and all(job.status in ("done", "failed") for job in jobs) and jobs

        jobs = _wait(finished, 300, "the batches to finish", logs)
        assert all(job.status == "done" for job in jobs), [(j.status, j.error) for j in jobs]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)

    issued = db.session.scalars(select(IssuedNotice).where(IssuedNotice.kind == "pay")).all()
    assert len(issued) == NOTICES and len({n.number for n in issued}) == NOTICES  # every number once
    assert len({n.identity for n in issued}) == NOTICES and all(n.status == "valid" for n in issued)
    assert db.session.scalar(select(func.count()).select_from(NoticeFile)) == NOTICES
    for machine in apps + workers:  # nothing on any machine's disk that another would need
        assert not list(machine["instance"].rglob("*.pdf*")), machine["instance"]

    server = create_app(apps[1]["settings"])  # an app server: no signing keys, trust from the database
    server.instance_path = str(apps[1]["instance"])
    with server.app_context():
        assert not notices.pki_paths().exists()
        for notice in issued:
            data = db.session.get(NoticeFile, notice.path).data
            assert hashlib.sha256(data).hexdigest() == notice.sha256
            assert notices.verify(data).standing == "valid", notice.number
        db.session.remove()
        db.engine.dispose()


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/login", timeout=10).status_code == 200
    except requests.RequestException:  # not listening yet, or a worker still starting
        return False
