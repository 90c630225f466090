"""Pay runs: compute a month's pay from the DB as a draft, confirm it, keep every version.

States (PayRun.status): 草稿 → 已确认 → 已被更正; a draft replaced by a new computation is 已放弃.
Staff see only the confirmed run. One computation of a month at a time (a PayComputation claim).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, insert, select, update

from ... import clock
from ...db import write_transaction, writes
from ...extensions import db
from ...models import (
    Department,
    DepartmentMembership,
    DepartmentMonth,
    Employee,
    IllegalTransition,
    PayComputation,
    PayRun,
    PayRunStatus,
    PaySlip,
    User,
)
from ...models.org import dated_facts
from ...policy.months import add_months, days_in, first_day
from ...policy.pay import PAY_LINES, PayResult, compute_pay
from .. import audit
from ..access import require
from ..errors import Conflict, NotFound, ServiceError
from ..policy_book import policy_in
from .cases import PayCase, deductions_of, employed_days, paid_people, pay_cases  # noqa: F401 (re-exported)
from .counters import next_number
from .gaps import open_gaps

CLAIM_EXPIRES = dt.timedelta(minutes=10)  # a computation that crashed does not block the month for ever
LIVE = (PayRunStatus.DRAFT, PayRunStatus.CONFIRMED)


def with_slips():
    """Loader options: a run's slips and their people (with dated facts) in a fixed number of queries."""
    from sqlalchemy.orm import selectinload

    people = selectinload(PayRun.slips).joinedload(PaySlip.employee)
    return (people, *dated_facts(via=people))


def confirmed_run(month: str) -> PayRun | None:
    """The run staff see (notices are issued from it)."""
    return db.session.scalar(
        select(PayRun).where(PayRun.month == month, PayRun.status == PayRunStatus.CONFIRMED).options(*with_slips())
    )


def draft_run(month: str) -> PayRun | None:
    return db.session.scalar(
        select(PayRun).where(PayRun.month == month, PayRun.status == PayRunStatus.DRAFT).options(*with_slips())
    )


def current_run(month: str) -> PayRun | None:
    """The run HR works on: the draft if there is one, else the confirmed run."""
    return draft_run(month) or confirmed_run(month)


def runs_of(month: str) -> list[PayRun]:
    return list(db.session.scalars(select(PayRun).where(PayRun.month == month).order_by(PayRun.run_no.desc())))


def run_for(user: User, run_id: int, slips: bool = True) -> PayRun:
    """A run HR asks for; *slips*: with every slip and its person loaded (not for a page of them)."""
    require(user, "hr")
    run = db.session.get(PayRun, run_id, options=with_slips() if slips else ())
    if run is None:
        raise NotFound("没有这次核算。")
    return run


def mark_pay_stale(employee_id: int | None, month: str, reason: str, department_id: int | None = None) -> list[PayRun]:
    """Mark the month's draft and confirmed runs 已过期 when they hold the person or someone of the department.

    The caller commits. Without an employee or a department, every live run of the month goes stale.
    """
    marked = []
    for run in db.session.scalars(select(PayRun).where(PayRun.month == month, PayRun.status.in_(LIVE))):
        query = select(PaySlip.id).where(PaySlip.run_id == run.id)
        if employee_id is not None:
            query = query.where(PaySlip.employee_id == employee_id)
        elif department_id is not None:  # anyone who ever belonged to the department: stale errs on the safe side
            placed = select(DepartmentMembership.employee_id).where(DepartmentMembership.department_id == department_id)
            home = select(Employee.id).where(Employee.department_id == department_id)
            query = query.where(PaySlip.employee_id.in_(placed) | PaySlip.employee_id.in_(home))
        if db.session.scalar(query.limit(1)) is None:
            continue
        run.stale = True
        if reason not in run.stale_reason:
            run.stale_reason = ";".join(r for r in (run.stale_reason, reason) if r)
        marked.append(run)
    return marked


def mark_track_change(employee: Employee, month: str, reason: str) -> None:
    """A move into another track from *month* changes the department's agent ranking and averages:
    every live run of the department from that month on goes stale (the caller commits)."""
    mark_pay_stale_from(month, reason, department_id=employee.department_id)


def mark_pay_stale_from(
    month: str, reason: str, employee_id: int | None = None, department_id: int | None = None
) -> list[PayRun]:
    """mark_pay_stale for every month from *month* on that has a live run (a change dated in the past
    or lasting from a month on). The caller commits."""
    months = db.session.scalars(
        select(PayRun.month).where(PayRun.month >= month, PayRun.status.in_(LIVE)).distinct()
    ).all()
    return [run for later in months for run in mark_pay_stale(employee_id, later, reason, department_id=department_id)]


def pay_day(month: str) -> dt.date:
    """The day the month's pay is paid: PAY_DAY (default 15) of the following month."""
    day = int(current_app.config.get("PAY_DAY", 15))
    return first_day(add_months(month, 1)).replace(day=min(max(day, 1), 28))


def _claim(user: User, month: str) -> None:
    """Take the month's computation claim, or refuse: someone else is computing it right now."""
    try:
        with write_transaction():
            cutoff = clock.now_utc() - CLAIM_EXPIRES
            taken = db.session.execute(
                update(PayComputation)
                .where(PayComputation.month == month, PayComputation.started_at < cutoff)
                .values(holder_id=user.id, started_at=clock.now_utc())
            ).rowcount
            if not taken:
                db.session.add(PayComputation(month=month, holder_id=user.id, started_at=clock.now_utc()))
    except Conflict:
        holder = db.session.scalar(select(PayComputation).where(PayComputation.month == month))
        name = holder.holder.display_name if holder and holder.holder else "其他人事"
        raise Conflict(f"该月工资正在由{name}计算,请稍后。") from None


@writes
def _release(month: str) -> None:
    db.session.execute(delete(PayComputation).where(PayComputation.month == month))


def compute_run(user: User, month: str) -> PayRun:
    """Compute the month's pay as a new draft (a draft in the way becomes 已放弃); confirmed runs stay.

    One computation of a month at a time; it reads in one snapshot and writes in a short transaction.
    """
    require(user, "hr")
    _claim(user, month)
    try:
        policy = policy_in(month)
        deductions = deductions_of(month)
        slips, negative = [], []
        for case in pay_cases(month):
            result = compute_pay(case.inputs, policy, days_in(month))
            slip = _slip(case, result, deductions.get(case.employee.id, {}))
            if slip["net"] < 0:
                negative.append(f"{case.employee.code} {case.employee.name}(实发 {slip['net']})")
            slips.append(slip)
        if negative:
            raise ServiceError("扣款超过应发,实发不能为负数,未核算:" + "、".join(negative) + "。请核对扣款。")
        return _store_run(user, month, policy.version, slips)
    finally:
        _release(month)


@writes
def _store_run(user: User, month: str, policy_version: str, slips: list[dict]) -> PayRun:
    # the draft it replaces, without its slips: only its status changes
    previous = db.session.scalar(select(PayRun).where(PayRun.month == month, PayRun.status == PayRunStatus.DRAFT))
    if previous:
        previous.abandon()
        db.session.flush()  # the one-draft index sees the old draft gone before the new one arrives
    run = PayRun(month=month, run_no=next_number(month, "runs"), policy_version=policy_version, created_by_id=user.id)
    db.session.add(run)
    db.session.flush()
    if slips:  # one executemany, not one INSERT per person
        db.session.execute(insert(PaySlip), [{**slip, "run_id": run.id} for slip in slips])
    audit.record(
        user,
        "pay.run",
        "pay_run",
        run.id,
        subject=f"{month} 第 {run.run_no} 次核算",
        month=month,
        field="people",
        old=previous.run_no if previous else None,
        new=len(slips),
        reason=previous.stale_reason if previous and previous.stale else "",
    )
    return run


def _slip(case: PayCase, result: PayResult, deductions: dict[str, Decimal]) -> dict:
    """The slip's column values."""
    explanations = {key: line.explanation for key, line in result.lines.items()}
    if case.kpi_note:
        explanations["kpi"] = case.kpi_note
    amounts = {key: result.lines[key].amount for key in PAY_LINES}
    total = sum(deductions.values(), Decimal(0))
    return {
        "employee_id": case.employee.id,
        "grade": result.grade,
        "gross": result.gross,
        "deductions_total": total,
        "net": result.gross - total,
        "employed_days": case.inputs.employed_days,
        "kpi_score": case.inputs.kpi_score,
        "explanations_json": json.dumps(explanations, ensure_ascii=False),
        "deductions_json": json.dumps({k: str(v) for k, v in deductions.items()}),
        "gaps_json": json.dumps([(g.kind, g.detail) for g in case.gaps], ensure_ascii=False),
        **amounts,
    }


@writes
def confirm_run(user: User, run_id: int) -> PayRun:
    """Confirm a draft: it must be current, its months locked, every gap explained.

    In one transaction the draft becomes 已确认 and the confirmed run before it 已被更正.
    """
    run = run_for(user, run_id)
    departments = sorted({slip.employee.department_in(run.month) for slip in run.slips})
    locked = {
        d.department_id
        for d in db.session.scalars(
            select(DepartmentMonth).where(DepartmentMonth.month == run.month, DepartmentMonth.locked_at.is_not(None))
        )
    }
    unlocked = [d for d in departments if d not in locked]
    if unlocked:
        names = "、".join(db.session.get(Department, d).name for d in unlocked)
        raise ServiceError(f"{names} {run.month} 尚未锁定,锁定后才能确认工资。")
    unexplained = open_gaps(run)
    if unexplained:
        raise ServiceError(f"还有 {len(unexplained)} 处数据缺失没有说明原因,请先填写原因(见下方“数据缺失”)。")
    previous = confirmed_run(run.month)
    try:
        if previous:
            previous.supersede(run)
            db.session.flush()  # one confirmed run a month: the old one steps aside first
        run.confirm(user, next_number(run.month, "confirms"))
        db.session.flush()
    except IllegalTransition as exc:
        raise ServiceError(exc.message) from None
    db.session.refresh(run)
    audit.record(
        user,
        "pay.confirm",
        "pay_run",
        run.id,
        subject=f"{run.month} 第 {run.confirm_no} 次确认",
        month=run.month,
        field="status",
        old=f"第 {previous.run_no} 次核算" if previous else None,
        new=f"第 {run.run_no} 次核算",
    )
    if previous is not None:  # the notices issued from the run it corrects follow it
        from ..notice_corrections import follow_confirmed_run  # (it builds on the pay services)

        follow_confirmed_run(user, run)
    return run


def slip_for(employee_id: int, month: str) -> PaySlip | None:
    """A person's slip of the confirmed run (what staff see)."""
    run = confirmed_run(month)
    if run is None:
        return None
    return db.session.scalar(select(PaySlip).where(PaySlip.run_id == run.id, PaySlip.employee_id == employee_id))


@dataclass(frozen=True)
class SlipDifference:
    employee: Employee
    lines: list[tuple[str, Decimal | None, Decimal | None]]  # (line key, in the older run, in the newer run)


def compare_runs(user: User, older_id: int, newer_id: int) -> tuple[PayRun, PayRun, list[SlipDifference]]:
    """Person by person, line by line: what differs between two runs of a month (only what changed)."""
    older, newer = run_for(user, older_id), run_for(user, newer_id)
    if older.month != newer.month:
        raise ServiceError("只能比较同一个月的两次核算。")
    keys = (*PAY_LINES, "gross", "deductions_total", "net")
    before = {s.employee_id: s for s in older.slips}
    after = {s.employee_id: s for s in newer.slips}
    differences = []
    for employee_id in sorted(before.keys() | after.keys(), key=lambda i: (before.get(i) or after[i]).employee.code):
        old, new = before.get(employee_id), after.get(employee_id)
        lines = [
            (key, getattr(old, key) if old else None, getattr(new, key) if new else None)
            for key in keys
            if (getattr(old, key) if old else None) != (getattr(new, key) if new else None)
        ]
        if lines:
            differences.append(SlipDifference((old or new).employee, lines))
    return older, newer, differences
