"""The queue on PostgreSQL (issue 16): QUEUE_URL postgresql://… gives PostgresHuey, its tables in the app's
database beside the schema, which Alembic leaves alone; a consumer on another machine needs only the URL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from factories import MONTH, confirmed_pay
from sqlalchemy import inspect, select, text

from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice
from csapp.queue import PostgresHuey, include_object, make_huey
from csapp.services import jobs

BACKENDS = ("pg",)
ROOT = Path(__file__).resolve().parent.parent


def test_queue_url_chooses_the_storage(tmp_path):
    assert type(make_huey(f"sqlite:///{tmp_path / 'q.sqlite'}")).__name__ == "SqliteHuey"
    with pytest.raises(ValueError, match="QUEUE_URL"):
        make_huey("mysql://somewhere/db")


def test_a_consumer_runs_jobs_from_a_queue_in_postgresql(db_app, org, pki_dir, tmp_path, monkeypatch):
    url = db_app.config["SQLALCHEMY_DATABASE_URI"]
    queue = make_huey(url)
    assert isinstance(queue, PostgresHuey)
    assert {"huey_kv", "huey_task", "huey_schedule", "huey_counter"} <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:  # the queue's tables are not part of the app's schema
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        assert compare_metadata(context, db.metadata) == []

    slips = len(confirmed_pay(org).slips)
    (tmp_path / "settings.py").write_text(
        f"SECRET_KEY = 'consumer'\nSQLALCHEMY_DATABASE_URI = {url!r}\n"
        f"PKI_DIR = {str(pki_dir)!r}\nARCHIVE_DIR = {db_app.config['ARCHIVE_DIR']!r}\nRENDER_WORKERS = 1\n"
        "NOTICE_SIGNATORY_TITLE = '人事部经理'\nNOTICE_SIGNATORY_NAME = '林晓'\n"
    )
    monkeypatch.setattr(jobs, "enqueue", lambda job_id: None)  # the consumer's start-up enqueues it into PostgreSQL
    job_id = jobs.create(org["users"]["hr"], "pay", MONTH).id
    env = {**os.environ, "QUEUE_URL": url, "CSAPP_SETTINGS": str(tmp_path / "settings.py")}
    command = [sys.executable, "-m", "huey.bin.huey_consumer", "csapp.tasks.huey", "-w", "1", "-d", "0.1", "-m", "1"]
    log = tmp_path / "consumer.log"
    consumer = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            db.session.rollback()
            if db.session.get(BatchJob, job_id).status == "done":
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the job did not finish:\n{log.read_text()[-3000:]}")
    finally:
        consumer.terminate()
        consumer.wait(30)
    db.session.rollback()
    issued = db.session.scalars(select(IssuedNotice).where(IssuedNotice.kind == "pay")).all()
    assert len(issued) == slips and all(n.status == "valid" for n in issued)
    used = db.session.execute(text("SELECT last_value, is_called FROM huey_task_id_seq")).one()
    assert used.is_called and used.last_value >= 1  # the chunks went through the queue's table in PostgreSQL
