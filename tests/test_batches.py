"""Batch printing off the request: progress, one signed PDF a person, one ZIP; refusals in Chinese."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from factories import MONTH, confirmed_pay

from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice
from csapp.notices.signing import verify_pdf
from csapp.services import batches, notices
from csapp.services.errors import ServiceError
from csapp.services.pay import runs as pay_runs


def wait(job_id: int, seconds: float = 60) -> BatchJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # end the read snapshot to see the batch thread's commits
        job = db.session.get(BatchJob, job_id)
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("batch did not finish")


def test_pay_batch_makes_one_signed_pdf_per_person(db_app, org, pki_dir):
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    first = notices.issue_pay_notice(hr, run.slips[0].id)  # already issued: reused, not issued twice
    job = wait(batches.start(hr, "pay", MONTH).id)
    assert job.status == "done", job.error
    assert (job.done, job.total, job.percent) == (len(run.slips), len(run.slips), 100)
    with zipfile.ZipFile(batches.zip_file(job)) as archive:
        names = archive.namelist()
        assert len(names) == len(run.slips) == len(set(names))
        assert f"{first.number}-{first.employee_id}.pdf" in names
        for name in names:
            assert verify_pdf(archive.read(name), pki_dir / "ca.pem").valid, name
    assert db.session.query(IssuedNotice).filter_by(kind="pay").count() == len(run.slips)


def test_batch_refusals(db_app, org):
    hr = org["users"]["hr"]
    with pytest.raises(ServiceError, match="还没有确认"):
        batches.start(hr, "pay", MONTH)
    with pytest.raises(ServiceError, match="没有需要打印"):
        batches.start(hr, "promotion", MONTH)
    pay_runs.compute_run(hr, MONTH)
    with pytest.raises(ServiceError, match="还没有确认"):  # a draft is not what staff get
        batches.start(hr, "pay", MONTH)
    run = confirmed_pay(org)
    run.stale, run.stale_reason = True, "测试"
    db.session.commit()
    with pytest.raises(ServiceError, match="已过期"):
        batches.start(hr, "pay", MONTH)


def test_progress_partial_polls_until_done(db_app, org, login):
    confirmed_pay(org)
    client = login("hr")
    response = client.post(f"/notices/batch?month={MONTH}", data={"kind": "pay"})
    job_url = response.headers["Location"]
    job_id = int(job_url.rsplit("/", 1)[1])
    wait(job_id)
    partial = client.get(job_url, headers={"HX-Request": "true"}).data.decode()
    assert "<html" not in partial and "hx-trigger" not in partial and "下载 ZIP" in partial
    download = client.get(f"{job_url}.zip")
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(download.data)).testzip() is None
    assert login("agent").get(job_url).status_code == 403
