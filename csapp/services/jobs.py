"""Issuing notices on the task queue: a month's pay notices, a month's promotions, one approval, corrections.

The job row is the truth; a queue message carries only its id and is sent after the row commits. A
consumer claims the job with one conditional UPDATE and holds it by a lease (owner + heartbeat); it
issues at most CHUNK notices per task and enqueues the next chunk, so a stop or a kill loses little.
A job queued without a message, or running with an expired lease, is enqueued again (consumer start
and every minute). Each notice is issued in three steps (services.issuing), so a retry never issues
one twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

from flask import current_app
from sqlalchemy import or_, select, update

from .. import clock
from ..db import on_commit, write_transaction, writes
from ..extensions import db
from ..models import ApplicationStatus, BatchJob, PromotionApplication, User, WorkerBeat
from ..notices.render import MissingGlyph
from . import audit, issuing
from .access import require
from .errors import NotFound, ServiceError
from .issuing import Item, TsaUnavailable, UnprintableName, Work
from .notices import (
    application_specs,
    issuing_problem,
    pay_fingerprint,
    pay_identity,
    pay_spec,
    signer_common_name,
)
from .pay.runs import confirmed_run

KINDS = {
    "pay": "工资通知单",
    "promotion": "晋升与调薪通知",
    "application": "晋升通知书与调薪通知单",
    "pay_corrections": "更正后的工资通知单",
}
CHUNK = 10


def lease_seconds() -> float:
    return float(current_app.config.get("JOB_LEASE_SECONDS", 30))


def items_of(job: BatchJob) -> list[Item]:
    """Every notice the job covers, issued or not (a spec is built only for what gets issued)."""
    if job.kind in ("pay", "pay_corrections"):
        run = confirmed_run(job.month)
        if run is None:
            raise ServiceError(f"{job.month} 的工资还没有确认,请先在“工资核算”中计算并确认。")
        return [Item(pay_identity(slip), pay_fingerprint(slip), lambda slip=slip: pay_spec(slip)) for slip in run.slips]
    elif job.kind == "promotion":
        approved = db.session.scalars(
            select(PromotionApplication)
            .where(PromotionApplication.month == job.month, PromotionApplication.status == ApplicationStatus.APPROVED)
            .order_by(PromotionApplication.id)
        )
        specs = [spec for application in approved for spec in application_specs(application)]
    elif job.kind == "application":
        specs = application_specs(db.session.get(PromotionApplication, job.application_id))
    else:
        raise ServiceError("未知的批量类型。")
    return [Item(spec.identity, spec.fingerprint, lambda spec=spec: spec) for spec in specs]


def work_of(job: BatchJob) -> list[Work]:
    """What the job still has to issue, each with the notice it would replace; unchanged notices are left out."""
    current, latest = issuing.notices_by_identity(job.month)
    works = []
    for item in items_of(job):
        work = issuing.plan(item, current.get(item.identity), latest.get(item.identity), job.kind == "pay_corrections")
        if work is not None:
            works.append(work)
    return works


@writes
def create(user: User, kind: str, month: str, application_id: int | None = None) -> BatchJob:
    """Queue a job; its message is sent once the row is committed."""
    require(user, "hr")
    problem = issuing_problem()  # fail now, in Chinese: no signing key, no 签发人
    if problem:
        raise ServiceError(problem)
    if kind == "application":
        application = db.session.get(PromotionApplication, application_id)
        if application is None:
            raise NotFound("没有这份申请。")
        if application.status != ApplicationStatus.APPROVED:
            raise ServiceError("只有已通过的晋升申请才能签发通知书。")
        month = application.month
    job = BatchJob(kind=kind, month=month, application_id=application_id, created_by_id=user.id)
    if kind in ("pay", "pay_corrections"):
        run = confirmed_run(month)
        if run is not None and run.stale:
            raise ServiceError(f"{month} 已确认的工资已过期({run.stale_reason}),请先重新计算并确认更正。")
    job.total = len(work_of(job))
    if job.total == 0:
        raise ServiceError(f"{month} 没有需要签发的{KINDS.get(kind, '通知书')}(已签发的通知书内容未变)。")
    db.session.add(job)
    db.session.flush()
    audit.record(
        user, "notice.batch", "batch_job", job.id, subject=KINDS[kind], month=month, field="total", new=job.total
    )
    queue_after_commit(job)
    return job


def queue_after_commit(job: BatchJob) -> None:
    job.enqueued_at = clock.now_utc()
    job_id = job.id
    on_commit(lambda: enqueue(job_id))


def enqueue(job_id: int) -> None:
    from ..tasks import run_chunk  # the task module imports the services, not the other way round

    run_chunk(job_id)


def claim(job_id: int, owner: str) -> bool:
    """Take (or keep) the job: queued, or running under this owner, or running on an expired lease."""
    now = clock.now_utc()
    expired = now - dt.timedelta(seconds=lease_seconds())
    with write_transaction() as session:
        taken = session.scalar(
            update(BatchJob)
            .where(
                BatchJob.id == job_id,
                or_(
                    BatchJob.status == "queued",
                    (BatchJob.status == "running") & ((BatchJob.owner == owner) | (BatchJob.heartbeat_at < expired)),
                ),
            )
            .values(status="running", owner=owner, heartbeat_at=now)
            .returning(BatchJob.id)
        )
    return taken is not None


def run_chunk(job_id: int, owner: str) -> bool:
    """Issue up to CHUNK notices of the job; True when more remain (the caller enqueues the next chunk).

    The chunk's notices are reserved first, then rendered side by side in the pool, then recorded.
    """
    from . import render_pool  # the queue worker's: the web process never starts render processes

    if not claim(job_id, owner):
        return False
    job = db.session.get(BatchJob, job_id)
    user = db.session.get(User, job.created_by_id)
    failed = {f["identity"] for f in job.failed_notices}
    pending = [w for w in work_of(job) if w.item.identity not in failed]
    signer = signer_common_name()
    db.session.commit()
    reserved, failures = [], []
    for work in pending[:CHUNK]:  # each render starts as soon as its number is reserved
        try:
            notice = issuing.reserve(user, work, signer)
        except UnprintableName as exc:
            failures.append((work, exc.message))
            continue
        started = render_pool.start(notice.html, issuing.reason_of(notice)) if notice.status == "reserved" else None
        reserved.append((work, notice, started))
    burned = 0  # numbers voided because the archive already held such a file: issued again next chunk
    for work, notice, started in reserved:
        try:
            produce = functools.partial(render_pool.produce_signed, started=started)
            burned += issuing.complete(notice.id, produce, audited=False).status == "voided"
        except TsaUnavailable as exc:
            failures.append((work, exc.message))
        except (UnprintableName, MissingGlyph) as exc:
            message = getattr(exc, "message", None) or f"{work.spec.context['employee'].name} 的通知书无法生成:{exc}"
            failures.append((work, message))
    _progress(job_id, len(pending[:CHUNK]) - burned, failures)
    more = len(pending) > CHUNK or burned > 0
    with write_transaction() as session:
        job = session.get(BatchJob, job_id)
        if more:
            job.enqueued_at = clock.now_utc()
        else:
            job.status, job.finished_at, job.owner = "done", clock.now_utc(), None
            job.done = job.total
    return more


def _progress(job_id: int, count: int, failures: list[tuple[Work, str]]) -> None:
    """After a chunk: progress, the lease renewed, the notices that failed (named, in Chinese)."""
    with write_transaction() as session:
        job = session.get(BatchJob, job_id)
        job.done = min(job.done + count, job.total)
        job.heartbeat_at = clock.now_utc()
        if failures:
            listed = job.failed_notices + [{"identity": w.item.identity, "message": m} for w, m in failures]
            job.failures = json.dumps(listed, ensure_ascii=False)


def stalled(queued_for: dt.timedelta = dt.timedelta(minutes=1)) -> list[int]:
    """Jobs to enqueue again: queued for a while (its message lost) or running on an expired lease."""
    now = clock.now_utc()
    rows = db.session.scalars(
        select(BatchJob.id).where(
            or_(
                (BatchJob.status == "queued") & (BatchJob.enqueued_at <= now - queued_for),
                (BatchJob.status == "running") & (BatchJob.heartbeat_at < now - dt.timedelta(seconds=lease_seconds())),
            )
        )
    ).all()
    db.session.commit()
    return list(rows)


def zip_members(job: BatchJob) -> list[tuple[str, str]]:
    """The job's notices as (member name ``编号-工号-姓名.pdf``, store key): the 有效 one of each."""
    current, _ = issuing.notices_by_identity(job.month)
    members = []
    for item in items_of(job):
        notice = current.get(item.identity)
        if notice is not None:
            members.append((f"{notice.number}-{notice.employee.code}-{notice.employee.name}.pdf", notice.path))
    return members


def stalled_now() -> list[int]:
    """At consumer start every queued job is enqueued again (a duplicate message is harmless: jobs are claimed)."""
    return stalled(dt.timedelta(0))


def job_for(user: User, job_id: int) -> BatchJob:
    require(user, "hr")
    job = db.session.get(BatchJob, job_id)
    if job is None:
        raise NotFound("没有这个批量任务。")
    return job


@writes
def resume(user: User, job_id: int) -> BatchJob:
    """继续 an interrupted job (its consumer died): send its message again."""
    job = job_for(user, job_id)
    if job.status not in ("queued", "running"):
        raise ServiceError("这个任务已经结束。")
    queue_after_commit(job)
    return job


def latest_for_application(application_id: int) -> BatchJob | None:
    return db.session.scalar(
        select(BatchJob).where(BatchJob.application_id == application_id).order_by(BatchJob.id.desc()).limit(1)
    )


def recent_jobs(limit: int = 10) -> list[BatchJob]:
    return list(db.session.scalars(select(BatchJob).order_by(BatchJob.id.desc()).limit(limit)))


def interrupted(job: BatchJob) -> bool:
    """Running, but its consumer stopped renewing the lease."""
    if job.status != "running" or job.heartbeat_at is None:
        return False
    return job.heartbeat_at < clock.now_utc() - dt.timedelta(seconds=lease_seconds())


def consumer_alive() -> bool:
    """Some queue worker has beaten within the last 90 seconds (it beats every minute and after each task)."""
    recent = clock.now_utc() - dt.timedelta(seconds=90)
    return db.session.scalar(select(WorkerBeat.name).where(WorkerBeat.beat_at >= recent).limit(1)) is not None


def beat(name: str, pid: int) -> None:
    from ..db import upsert

    with write_transaction() as session:
        upsert(session, WorkerBeat, {"pid": pid, "beat_at": clock.now_utc()}, name=name)
