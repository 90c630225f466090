"""Notices kept in the database (NOTICE_STORE = "database", issue 16): inserted with their registry row,
never overwritten, served to any app server without a shared disk."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from factories import MONTH, confirmed_pay
from sqlalchemy import func, select

from csapp.db import write_transaction
from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice, NoticeFile
from csapp.notices.store import DatabaseStore, StoreConflict
from csapp.services import jobs, notices

BACKENDS = ("sqlite", "pg")


@pytest.fixture
def in_database(db_app):
    db_app.config["NOTICE_STORE"] = "database"
    return db_app


def test_the_database_store_never_overwrites_and_keeps_nothing_of_a_rolled_back_transaction(in_database):
    store = DatabaseStore()
    with write_transaction() as session:
        digest = store.put_new(session, "notices/GZ/GZ2026-00001.pdf", b"first")
    assert store.read("notices/GZ/GZ2026-00001.pdf") == b"first" and digest == hashlib.sha256(b"first").hexdigest()
    with pytest.raises(StoreConflict), write_transaction() as session:
        store.put_new(session, "notices/GZ/GZ2026-00001.pdf", b"second")
    db.session.rollback()
    assert store.read("notices/GZ/GZ2026-00001.pdf") == b"first"
    with pytest.raises(RuntimeError), write_transaction() as session:
        store.put_new(session, "notices/GZ/GZ2026-00002.pdf", b"lost")
        raise RuntimeError("the registry row failed")
    assert not store.exists("notices/GZ/GZ2026-00002.pdf")
    assert store.sweep({}) == (0, 0)


def test_a_batch_issued_into_the_database_downloads_alone_and_as_a_zip(in_database, org, login):
    assert isinstance(notices.store(), DatabaseStore)
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    job = jobs.create(hr, "pay", MONTH)
    db.session.rollback()
    assert db.session.get(BatchJob, job.id).status == "done"
    issued = db.session.scalars(select(IssuedNotice).where(IssuedNotice.kind == "pay")).all()
    assert len(issued) == len(run.slips) == db.session.scalar(select(func.count()).select_from(NoticeFile))
    for notice in issued:
        row = db.session.get(NoticeFile, notice.path)
        assert row.sha256 == notice.sha256 == hashlib.sha256(row.data).hexdigest()
        assert row.data.startswith(b"%PDF")
    assert not list(Path(in_database.config["ARCHIVE_DIR"]).rglob("*.pdf*"))  # nothing on disk
    client = login("hr")
    first = issued[0]
    response = client.get(f"/notices/{first.id}.pdf")
    assert response.status_code == 200 and hashlib.sha256(response.data).hexdigest() == first.sha256
    response = client.get(f"/notices/batch/{job.id}.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        digests = sorted(hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist())
    assert digests == sorted(n.sha256 for n in issued)
