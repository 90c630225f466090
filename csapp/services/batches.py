"""Print a month's notices in the background: progress in the DB, one signed PDF a person, one ZIP."""

from __future__ import annotations

import threading
import time
import zipfile
from collections import deque
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import ApplicationStatus, BatchJob, PromotionApplication, User
from . import audit, render_pool
from .access import require
from .errors import NotFound, ServiceError
from .notices import (
    NoticeSpec,
    application_specs,
    claim_number,
    existing,
    finish,
    pay_spec,
    prepare,
    signer_common_name,
    signer_file,
)
from .pay.runs import confirmed_run

KINDS = {"pay": "工资通知单", "promotion": "晋升与调薪通知"}


def _specs(kind: str, month: str) -> list[NoticeSpec]:
    if kind == "pay":
        run = confirmed_run(month)
        if run is None:
            raise ServiceError(f"{month} 的工资还没有确认,请先在“工资核算”中计算并确认。")
        if run.stale:
            raise ServiceError(f"{month} 已确认的工资已过期({run.stale_reason}),请先重新计算并确认更正。")
        return [pay_spec(slip) for slip in run.slips]
    if kind == "promotion":
        approved = db.session.scalars(
            select(PromotionApplication)
            .where(PromotionApplication.month == month, PromotionApplication.status == ApplicationStatus.APPROVED)
            .order_by(PromotionApplication.id)
        )
        return [spec for application in approved for spec in application_specs(application)]
    raise ServiceError("未知的批量类型。")


def start(user: User, kind: str, month: str) -> BatchJob:
    """Queue a batch and start it off the request, once its row is committed."""
    job = _create_job(user, kind, month)
    app = current_app._get_current_object()
    threading.Thread(target=run_job, args=(app, job.id), daemon=True, name=f"batch-{job.id}").start()
    return job


@writes
def _create_job(user: User, kind: str, month: str) -> BatchJob:
    require(user, "hr")
    specs = _specs(kind, month)
    if not specs:
        raise ServiceError(f"{month} 没有需要打印的{KINDS.get(kind, '通知书')}。")
    signer_file()  # fail now, in Chinese, when there is no signing key
    job = BatchJob(kind=kind, month=month, total=len(specs), created_by_id=user.id)
    db.session.add(job)
    db.session.flush()
    audit.record(
        user, "notice.batch", "batch_job", job.id, subject=KINDS[kind], month=month, field="total", new=len(specs)
    )
    return job


def job_for(user: User, job_id: int) -> BatchJob:
    require(user, "hr")
    job = db.session.get(BatchJob, job_id)
    if job is None:
        raise NotFound("没有这个批量任务。")
    return job


def recent_jobs(limit: int = 10) -> list[BatchJob]:
    return list(db.session.scalars(select(BatchJob).order_by(BatchJob.id.desc()).limit(limit)))


def zip_file(job: BatchJob) -> Path:
    if job.status != "done" or not job.zip_path:
        raise ServiceError("批量任务尚未完成。")
    return Path(current_app.instance_path) / job.zip_path


def run_job(app: Flask, job_id: int) -> None:
    """Issue every notice of a job, renders and signatures spread over worker processes."""
    with app.app_context():
        job = db.session.get(BatchJob, job_id)
        try:
            _run(app, job)
        except Exception as exc:  # report any failure on the job instead of losing it in a thread
            db.session.rollback()
            job = db.session.get(BatchJob, job_id)
            job.status, job.error = "failed", str(getattr(exc, "message", exc)) or type(exc).__name__
            job.finished_at = clock.now_utc()
            db.session.commit()
        finally:
            db.session.remove()


def _run(app: Flask, job: BatchJob) -> None:
    user = db.session.get(User, job.created_by_id)
    job.status = "running"
    db.session.commit()
    specs = _specs(job.kind, job.month)
    relative = Path("batches") / f"{job.kind}-{job.month}-{job.id}.zip"
    target = Path(app.instance_path) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    path, passphrase = signer_file()
    signer = signer_common_name()
    year = clock.issue_date().year
    in_flight: deque = deque()
    last_commit = time.monotonic()

    def collect(block: bool) -> None:
        nonlocal last_commit
        while in_flight and (block or in_flight[0][1].done()):
            prepared, future = in_flight.popleft()
            pdf = future.result()
            notice = finish(prepared, pdf, user, audited=False)
            archive.writestr(_member(notice.number, prepared.employee_id), pdf)
            job.done += 1
            if time.monotonic() - last_commit > 0.3:  # progress for the page, without a commit a notice
                db.session.commit()
                last_commit = time.monotonic()

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for spec in specs:  # renders run in the pool while the next notices are prepared here
            found = existing(spec.kind, **spec.keys)
            if found:
                archive.write(Path(app.instance_path) / found.path, _member(found.number, spec.employee_id))
                job.done += 1
                continue
            db.session.commit()  # progress and finished notices; the number is claimed in its own transaction
            prepared = prepare(spec, user, claim_number(spec.kind, year), signer)
            in_flight.append((prepared, render_pool.submit(prepared.html, path, passphrase, prepared.reason)))
            collect(block=False)
        collect(block=True)
    job.zip_path = str(relative)
    job.status = "done"
    job.finished_at = clock.now_utc()
    db.session.commit()


def _member(number: str, employee_id: int) -> str:
    return f"{number}-{employee_id}.pdf"
