"""Publishing a policy version (four eyes) and withdrawing one before its month: the book changes.

Publishing, in one transaction: the version becomes 已发布, ``policy_generation`` is bumped (every process
reloads its book on its next request or job), draft pay runs of the months it governs go stale, open
promotion applications of those months are flagged 已变化 for HR, and a ``scores rebuild`` of those months
is queued once the transaction has committed.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from .. import clock
from ..db import on_commit, writes
from ..extensions import db
from ..models import (
    ApplicationStatus,
    DepartmentMonth,
    PayRun,
    PayRunStatus,
    PolicyGeneration,
    PolicyStatus,
    PolicyVersion,
    PromotionApplication,
    User,
)
from ..policy.parameters import policy_for
from . import audit
from .errors import ServiceError
from .pay.runs import mark_pay_stale_from
from .policy_book import forget, load_published
from .policy_drafts import policy_of, require_admin, required_reason, transition, version


def closed_from(month: str) -> str | None:
    """The first month from *month* on that a department has locked or whose pay run is confirmed."""
    locked = db.session.scalar(
        select(func.min(DepartmentMonth.month)).where(
            DepartmentMonth.month >= month, DepartmentMonth.locked_at.is_not(None)
        )
    )
    confirmed = db.session.scalar(
        select(func.min(PayRun.month)).where(
            PayRun.month >= month, PayRun.status.in_([PayRunStatus.CONFIRMED, PayRunStatus.SUPERSEDED])
        )
    )
    found = [m for m in (locked, confirmed) if m]
    return min(found) if found else None


def publish_problems(row: PolicyVersion) -> list[str]:
    """Why the version cannot take effect now (empty: it can)."""
    problems = []
    if (closed := closed_from(row.effective)) is not None:
        problems.append(f"{closed} 已锁定或已确认工资,新版本不能从 {row.effective} 起生效。请改为更晚的生效月份。")
    in_force = policy_for(row.effective, load_published())
    base = row.base.label if row.base else None
    if base is not None and in_force.version != base:
        problems.append(f"草稿基于版本 {base},但 {row.effective} 现行的是 {in_force.version}。请基于现行版本重新起草。")
    return problems


def _book_changed(user: User, row: PolicyVersion, reason: str) -> None:
    """What every change of the book does: bump the generation, stale drafts, flag applications, rebuild."""
    db.session.execute(
        update(PolicyGeneration).where(PolicyGeneration.id == 1).values(value=PolicyGeneration.value + 1)
    )
    mark_pay_stale_from(row.effective, reason)
    now = clock.now_utc()
    db.session.execute(
        update(PromotionApplication)
        .where(
            PromotionApplication.month >= row.effective,
            PromotionApplication.status.in_([ApplicationStatus.SUBMITTED, ApplicationStatus.INTERVIEWED]),
        )
        .values(policy_changed_at=now, policy_change_note=reason, version=PromotionApplication.version + 1)
    )
    since = row.effective
    on_commit(forget)
    on_commit(lambda: _enqueue_rebuild(since))


def _enqueue_rebuild(since: str) -> None:
    from ..tasks import rebuild_scores  # the task module imports the services, not the other way round

    rebuild_scores(since)


@writes
def approve(user: User, version_id: int) -> PolicyVersion:
    """Approve and publish a submitted draft (another admin than its editors)."""
    require_admin(user)
    row = version(version_id)
    policy_of(row)
    if problems := publish_problems(row):
        raise ServiceError(" ".join(problems))
    transition(row.approve, user)
    db.session.flush()  # the partial unique index: one published version per month
    _book_changed(user, row, f"政策版本 {row.label} 自 {row.effective} 起生效")
    audit.record(user, "policy.publish", "policy_version", row.id, subject=row.label, month=row.effective)
    return row


@writes
def request_withdrawal(user: User, version_id: int, reason: str) -> PolicyVersion:
    """Ask to take back a published version whose month has not started (a second admin approves)."""
    require_admin(user)
    reason = required_reason(reason, "撤回原因")
    row = version(version_id)
    _not_started(row)
    transition(row.request_withdrawal, user, reason)
    audit.record(user, "policy.withdraw_request", "policy_version", row.id, subject=row.label, reason=reason)
    return row


@writes
def approve_withdrawal(user: User, version_id: int) -> PolicyVersion:
    """Withdraw a published version before its month: the version before it applies again."""
    require_admin(user)
    row = version(version_id)
    _not_started(row)
    if row.base_id is None and row.created_by_id is None:
        raise ServiceError("随系统提供的初始版本不能撤回。")
    transition(row.approve_withdrawal, user)
    if not load_published_without(row):
        raise ServiceError("撤回后将没有任何已发布的版本,不能撤回。")
    _book_changed(user, row, f"政策版本 {row.label} 已撤回")
    audit.record(user, "policy.withdraw", "policy_version", row.id, subject=row.label, reason=row.withdraw_reason)
    return row


def load_published_without(row: PolicyVersion) -> list[int]:
    db.session.flush()
    return list(
        db.session.scalars(
            select(PolicyVersion.id).where(PolicyVersion.status == PolicyStatus.PUBLISHED, PolicyVersion.id != row.id)
        )
    )


def _not_started(row: PolicyVersion) -> None:
    if row.effective <= clock.current_month():
        raise ServiceError(f"{row.effective} 已开始,已生效的版本不能撤回;请起草一个新版本。")
