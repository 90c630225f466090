"""Backup while the app writes, restore elsewhere: every write committed before the backup began is there
and every issued notice still verifies (issue 13)."""

from __future__ import annotations

import stat
import threading
from decimal import Decimal
from pathlib import Path

from conftest import _test_app
from factories import confirmed_pay
from race import in_threads
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import IssuedNotice, QaSample, User
from csapp.services import events, issuing, notices

BACKENDS = ("sqlite", "pg")  # SQLite's online backup; pg_dump -Fc / pg_restore on PostgreSQL


def test_a_backup_taken_during_writes_restores_elsewhere_with_every_earlier_write_and_valid_notices(
    request, db_app, org, pki_dir, tmp_path
):
    run = confirmed_pay(org)
    issued = [issuing.issue_pay_notice(org["users"]["hr"], slip.id).number for slip in run.slips[:2]]
    supervisor_id, agent_id = org["users"]["supervisor"].id, org["agents"][2].id
    committed, stop, finished = [], threading.Event(), threading.Event()
    target = tmp_path / "backup.tar.gz"

    def writer():
        with db_app.app_context():
            supervisor = db.session.get(User, supervisor_id)
            step = 0
            try:
                while not stop.is_set() and step < 400:  # November: October is locked by its confirmed pay
                    sample = events.add_sample(supervisor, agent_id, "2026-11", Decimal(80 + step % 20), f"B-{step}")
                    committed.append(sample.id)
                    step += 1
            finally:
                finished.set()

    def backer():
        with db_app.app_context():
            while len(committed) < 5 and not finished.is_set():  # writes are under way
                stop.wait(0.01)
            before = list(committed)
            result = db_app.test_cli_runner().invoke(args=["backup", str(target)])
            stop.set()
            return before, result

    outcome = in_threads([writer, backer], timeout=120)
    assert not any(isinstance(o, BaseException) for o in outcome), [getattr(o, "trace", o) for o in outcome]
    before, result = outcome[1]
    assert len(before) >= 5  # the backup ran while samples were being written
    assert result.exit_code == 0 and "backup written" in result.output, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert db_app.test_cli_runner().invoke(args=["backup", str(target)]).exit_code == 1  # never overwritten

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    restored = _test_app(elsewhere / "restored.sqlite", elsewhere / "pki", _empty_database(request, db_app))
    restored.instance_path = str(elsewhere / "instance")
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(target)])
        assert result.exit_code == 0 and "match its manifest" in result.output, result.output
        ids = set(db.session.scalars(select(QaSample.id)))
        assert set(before) <= ids  # every write committed before the backup began
        for number in issued:
            notice = db.session.scalar(select(IssuedNotice).where(IssuedNotice.number == number))
            data = (Path(restored.config["ARCHIVE_DIR"]) / notice.path).read_bytes()
            assert notices.verify(data).standing == "valid"
        again = restored.test_cli_runner().invoke(args=["restore", str(target)])
        assert again.exit_code == 1 and "already holds data" in again.output
        db.session.remove()
        db.engine.dispose()


def _empty_database(request, app) -> str | None:
    """On PostgreSQL a new empty database to restore into (None: a new SQLite file)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return None
    return request.getfixturevalue("postgres").fresh("restored")


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(db_app, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    result = db_app.test_cli_runner().invoke(args=["restore", "--force", str(bogus)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert db.session.scalar(select(User).limit(1)) is not None  # the database is untouched
