"""Issuing on the queue (immediate mode here): progress, one signed PDF a person, a streamed ZIP; refusals."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from factories import MONTH, confirmed_pay

from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice
from csapp.notices.signing import verify_pdf
from csapp.services import issuing, jobs
from csapp.services.errors import ServiceError
from csapp.services.pay import runs as pay_runs


def wait(job_id: int) -> BatchJob:
    db.session.rollback()  # end the read snapshot to see what the task committed
    return db.session.get(BatchJob, job_id)


def zip_of(client, job_id: int) -> zipfile.ZipFile:
    download = client.get(f"/notices/batch/{job_id}.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(download.data))


def test_pay_batch_makes_one_signed_pdf_per_person(db_app, org, pki_dir, login):
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    first = issuing.issue_pay_notice(hr, run.slips[0].id)  # already issued: left out of the job
    job = wait(jobs.create(hr, "pay", MONTH).id)
    assert job.status == "done", job.error
    assert (job.done, job.total, job.percent) == (len(run.slips) - 1, len(run.slips) - 1, 100)
    archive = zip_of(login("hr"), job.id)
    names = archive.namelist()
    assert len(names) == len(run.slips) == len(set(names))
    assert f"{first.number}-{first.employee.code}-{first.employee.name}.pdf" in names  # UTF-8 member names
    registry = {n.number: n.sha256 for n in db.session.query(IssuedNotice).filter_by(kind="pay")}
    for name in names:
        data = archive.read(name)
        assert verify_pdf(data, pki_dir / "ca.pem").valid, name
        assert registry[name.split("-")[0] + "-" + name.split("-")[1]] == hashlib.sha256(data).hexdigest()
    assert db.session.query(IssuedNotice).filter_by(kind="pay", status="valid").count() == len(run.slips)
    with pytest.raises(ServiceError, match="内容未变"):  # nothing left to issue: no second notice for anyone
        jobs.create(hr, "pay", MONTH)


def test_batch_refusals(db_app, org):
    hr = org["users"]["hr"]
    with pytest.raises(ServiceError, match="还没有确认"):
        jobs.create(hr, "pay", MONTH)
    with pytest.raises(ServiceError, match="没有需要签发"):
        jobs.create(hr, "promotion", MONTH)
    pay_runs.compute_run(hr, MONTH)
    with pytest.raises(ServiceError, match="还没有确认"):  # a draft is not what staff get
        jobs.create(hr, "pay", MONTH)
    run = confirmed_pay(org)
    run.stale, run.stale_reason = True, "测试"
    db.session.commit()
    with pytest.raises(ServiceError, match="已过期"):
        jobs.create(hr, "pay", MONTH)


def test_progress_partial_polls_until_done(db_app, org, login):
    confirmed_pay(org)
    client = login("hr")
    response = client.post(f"/notices/batch?month={MONTH}", data={"kind": "pay"})
    job_url = response.headers["Location"]
    job_id = int(job_url.rsplit("/", 1)[1])
    wait(job_id)
    partial = client.get(job_url, headers={"HX-Request": "true"}).data.decode()
    assert "<html" not in partial and "hx-trigger" not in partial and "下载 ZIP" in partial
    assert zip_of(client, job_id).testzip() is None
    assert login("agent").get(job_url).status_code == 403
