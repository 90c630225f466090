"""Moving an installation from SQLite to PostgreSQL (`flask --app csapp migrate-to URL`, issue 16)."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask_migrate import upgrade
from sqlalchemy import func, select

from csapp import create_app
from csapp.extensions import db, init_migrate
from csapp.models import AuditEntry, IssuedNotice, NoticeFile, PayRun, PayRunStatus, User
from csapp.services import issuing, notices
from csapp.services.demo import DEMO_PASSWORD, create_demo


def _settings(url: str, tmp_path, pki_dir, **more) -> dict:
    return {"TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": url,
            "PKI_DIR": str(pki_dir), "ARCHIVE_DIR": str(tmp_path / "archive"), "TODAY": "2026-11-26",
            "NOTICE_SIGNATORY_TITLE": "人事部经理", "NOTICE_SIGNATORY_NAME": "林晓", **more}  # fmt: skip


def test_the_demo_moves_from_sqlite_to_postgresql_with_every_notice_verifying(postgres, tmp_path, pki_dir):
    source = create_app(_settings(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path, pki_dir))
    with source.app_context():
        init_migrate(source)
        upgrade()
        create_demo(today=dt.date(2026, 11, 26))
        db.session.commit()
        hr = db.session.scalar(select(User).where(User.username == "hr"))
        run = db.session.scalar(select(PayRun).where(PayRun.status == PayRunStatus.CONFIRMED).limit(1))
        issued = [issuing.issue_now(hr, notices.pay_spec(slip)) for slip in run.slips[:3]]
        hashes = {n.number: n.sha256 for n in issued}
        db.session.remove()
    name = "moved"
    url = postgres.fresh(name)
    runner = source.test_cli_runner()
    result = runner.invoke(args=["migrate-to", url, "--notices-into-database"])
    assert result.exit_code == 0, result.output
    assert "3 notices match" in result.output and "3 copied into the database" in result.output

    again = runner.invoke(args=["migrate-to", url])
    assert again.exit_code != 0 and "already holds data" in again.output

    target = create_app(_settings(url, tmp_path / "elsewhere", pki_dir, NOTICE_STORE="database"))
    with target.app_context():
        with source.app_context():
            before = {"audit_log": db.session.scalar(select(func.count()).select_from(AuditEntry))}
            db.session.remove()
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before["audit_log"]
        for number, digest in hashes.items():
            notice = db.session.scalar(select(IssuedNotice).where(IssuedNotice.number == number))
            data = db.session.get(NoticeFile, notice.path).data
            assert hashlib.sha256(data).hexdigest() == digest
            assert notices.verify(data).valid, number  # the signature still verifies on the new install
        db.session.remove()
        client = target.test_client()  # and it serves: a login writes rows with new ids (sequences moved on)
        response = client.post("/login", data={"username": "agent01", "password": DEMO_PASSWORD})
        assert response.status_code == 303
        assert client.get("/me/scores").status_code == 200
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before["audit_log"] + 1
        db.session.remove()
        db.engine.dispose()
    postgres.drop(name)
