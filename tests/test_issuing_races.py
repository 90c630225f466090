"""Two pay batches and two issuings of one approval at once, in separate processes (issue 10)."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from conftest import SIGNATORY
from factories import MONTH, confirmed_pay
from race import in_processes, issue_job
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import IssuedNotice

BACKENDS = ("sqlite", "pg")  # concurrency-sensitive: every test here runs on both databases


def test_concurrent_batches_and_approvals_issue_each_notice_once(db_app, org, pki_dir, monkeypatch):
    from factories import interviewed_application

    from csapp.services import promotion

    monkeypatch.setattr(promotion, "issuing_problem", lambda: "not now")  # approve now, issue in the race below
    hr = org["users"]["hr"]
    application = interviewed_application(org)
    promotion.decide(hr, application.id, True, "条件全部满足")
    run = confirmed_pay(org)
    slips = len(run.slips)
    db.session.commit()
    if db.engine.dialect.name == "sqlite":  # everything into the main file before other processes open it
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    config = {
        "SQLALCHEMY_DATABASE_URI": db_app.config["SQLALCHEMY_DATABASE_URI"],
        "PKI_DIR": str(pki_dir),
        "ARCHIVE_DIR": db_app.config["ARCHIVE_DIR"],
        **SIGNATORY,
    }
    results = in_processes(
        issue_job,
        [(config, "pay", MONTH, None), (config, "pay", MONTH, None)]
        + [(config, "application", "", application.id)] * 2,
    )
    assert all(r.endswith(": done") or r.startswith("refused: ") for r in results), results

    db.session.rollback()
    issued = db.session.scalars(select(IssuedNotice)).all()
    assert len(issued) == slips + 2, [n.number for n in issued]  # each notice once: no duplicate, none missing
    assert all(n.status == "valid" for n in issued)
    assert Counter(n.identity for n in issued).most_common(1)[0][1] == 1
    assert len({n.number for n in issued}) == len(issued)
    archive = Path(db_app.config["ARCHIVE_DIR"])
    for notice in issued:  # every archived file is the one the registry vouches for
        assert hashlib.sha256((archive / notice.path).read_bytes()).hexdigest() == notice.sha256, notice.number
    assert list(archive.rglob("*.tmp")) == []
    assert len(list(archive.rglob("*.pdf"))) == len(issued)
