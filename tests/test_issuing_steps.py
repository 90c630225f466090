"""The three issuing steps, the archive's create-exclusive store and the crash sweep (issue 10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from factories import MONTH, confirmed_pay
from sqlalchemy import select

from csapp.db import write_transaction
from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice, NoticeCounter, WorkerBeat
from csapp.notices.store import FolderStore, StoreConflict
from csapp.services import issuing, jobs, notices
from csapp.services.errors import ServiceError
from csapp.services.notices import pay_spec, signer_common_name
from csapp.services.render_pool import produce_signed


def test_the_store_never_overwrites_and_links_only_after_commit(db_app, tmp_path):
    store = FolderStore(tmp_path)
    with write_transaction() as session:
        digest = store.put_new(session, "notices/GZ/GZ2026-00001.pdf", b"first")
        assert not store.exists("notices/GZ/GZ2026-00001.pdf")  # staged only, until the commit
        assert (tmp_path / "notices/GZ/GZ2026-00001.pdf.tmp").read_bytes() == b"first"
    assert store.read("notices/GZ/GZ2026-00001.pdf") == b"first" and digest == hashlib.sha256(b"first").hexdigest()
    with pytest.raises(StoreConflict), write_transaction() as session:
        store.put_new(session, "notices/GZ/GZ2026-00001.pdf", b"second")
    assert store.read("notices/GZ/GZ2026-00001.pdf") == b"first"
    with pytest.raises(RuntimeError), write_transaction() as session:  # a rolled-back row leaves no final file
        store.put_new(session, "notices/GZ/GZ2026-00002.pdf", b"lost")
        raise RuntimeError("the INSERT failed")
    assert not store.exists("notices/GZ/GZ2026-00002.pdf")
    with pytest.raises(ValueError):
        store.path("../outside.pdf")


def test_the_sweep_finishes_reserved_notices_and_settles_temp_files(db_app, org):
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    reserved = issuing.reserve(hr, issuing.Work(pay_spec(run.slips[0])), signer_common_name())
    assert reserved.status == "reserved" and reserved.sha256 is None and "GZ2026-" in reserved.number
    number = reserved.number
    store = notices.store()
    done = issuing.issue_now(hr, pay_spec(run.slips[1]))
    final = store.path(done.path)
    orphan = final.with_name(final.name + ".tmp")
    final.rename(orphan)  # a crash after the commit, before the link
    garbage = final.with_name("GZ2026-99999.pdf.tmp")
    garbage.write_bytes(b"half a render")
    result = issuing.sweep(produce_signed)
    assert result == {"signed": 1, "linked": 1, "deleted": 1}
    db.session.refresh(reserved)
    assert reserved.status == "valid" and reserved.number == number and reserved.html is None  # same number
    assert hashlib.sha256(store.read(reserved.path)).hexdigest() == reserved.sha256
    assert final.exists() and not orphan.exists() and not garbage.exists()
    counter = db.session.scalar(select(NoticeCounter.last).where(NoticeCounter.kind == "pay"))
    assert counter == 2  # the sweep took no new number


def test_a_name_the_fonts_lack_fails_only_that_notice_and_takes_no_number(db_app, org):
    hr = org["users"]["hr"]
    org["agents"][2].name = "王𪚥"
    db.session.commit()
    run = confirmed_pay(org)
    job = jobs.create(hr, "pay", MONTH)
    db.session.rollback()
    job = db.session.get(BatchJob, job.id)
    assert job.status == "done" and job.done == job.total == len(run.slips)
    failures = job.failed_notices
    assert len(failures) == 1 and "王𪚥(A003)" in failures[0]["message"] and "U+2A6A5" in failures[0]["message"]
    assert "纸质通知书" in failures[0]["message"]
    issued = db.session.scalars(select(IssuedNotice)).all()
    assert len(issued) == len(run.slips) - 1 and org["agents"][2].id not in {n.employee_id for n in issued}
    numbers = sorted(int(n.number.split("-")[1]) for n in issued)
    assert numbers == list(range(1, len(issued) + 1))  # the failed notice took no number
    slip = next(s for s in run.slips if s.employee_id == org["agents"][2].id)
    with pytest.raises(ServiceError, match="字体无法显示的字符"):
        issuing.issue_pay_notice(hr, slip.id)


def test_the_job_page_says_when_no_worker_runs_and_offers_to_resume(db_app, org, login, monkeypatch):
    confirmed_pay(org)
    monkeypatch.setattr(jobs, "enqueue", lambda job_id: None)  # a worker that never comes
    job = jobs.create(org["users"]["hr"], "pay", MONTH)
    client = login("hr")
    page = client.get(f"/notices/batch/{job.id}").data.decode()
    assert "后台任务服务未运行" in page
    db.session.add(WorkerBeat(name="w1", pid=1))
    job.status, job.owner, job.heartbeat_at = "running", "w0:1", dt.datetime(2026, 1, 1)
    db.session.commit()
    page = client.get(f"/notices/batch/{job.id}").data.decode()
    assert "已中断" in page and "继续" in page
    assert jobs.stalled() == [job.id]
    sent = []
    monkeypatch.setattr(jobs, "enqueue", sent.append)
    assert client.post(f"/notices/batch/{job.id}/resume").status_code == 303 and sent == [job.id]
    assert json.loads(job.failures or "[]") == []


def test_a_file_already_in_the_archive_burns_the_number_and_the_notice_gets_the_next(db_app, org):
    """An archive that outlived its database (a restore, a reused folder): nothing is overwritten."""
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    stale = notices.store().path("notices/GZ2026/GZ2026-00001.pdf")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"a notice of another database")
    job = jobs.create(hr, "pay", MONTH)
    db.session.rollback()
    job = db.session.get(BatchJob, job.id)
    assert job.status == "done" and job.done == job.total == len(run.slips)
    assert stale.read_bytes() == b"a notice of another database"
    first = db.session.scalar(select(IssuedNotice).where(IssuedNotice.number == "GZ2026-00001"))
    assert first.status == "voided" and "此编号作废" in first.status_reason
    valid = db.session.scalars(select(IssuedNotice).where(IssuedNotice.status == "valid")).all()
    assert len(valid) == len(run.slips) and first.employee_id in {n.employee_id for n in valid}
