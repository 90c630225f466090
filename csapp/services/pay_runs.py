"""Pay runs: compute a month's pay from the DB, keep every version, mark a run stale on change."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from ..db import writes
from ..extensions import db
from ..models import Attendance, Employee, PayRun, PaySlip, PersonAllowance, SpecialistMonth, User
from ..policy.months import days_in, first_day
from ..policy.parameters import policy_for
from ..policy.pay import PAY_LINES, PayInput, PayResult, compute_pay
from . import audit
from .access import require
from .kpi import department_kpi, month_bounds
from .reviewed import reviewed_kpi


def current_run(month: str) -> PayRun | None:
    return db.session.scalar(select(PayRun).where(PayRun.month == month, PayRun.current.is_(True)))


def runs_of(month: str) -> list[PayRun]:
    return list(db.session.scalars(select(PayRun).where(PayRun.month == month).order_by(PayRun.run_no.desc())))


def mark_pay_stale(employee_id: int | None, month: str, reason: str, department_id: int | None = None) -> PayRun | None:
    """Mark the month's current run stale when it holds the person or someone of the department.

    The caller commits. Without an employee or a department, any current run of the month goes stale.
    """
    run = current_run(month)
    if run is None:
        return None
    query = select(PaySlip.id).join(Employee).where(PaySlip.run_id == run.id)
    if employee_id is not None:
        query = query.where(PaySlip.employee_id == employee_id)
    elif department_id is not None:
        query = query.where(Employee.department_id == department_id)
    if db.session.scalar(query.limit(1)) is None:
        return None
    run.stale = True
    if reason not in run.stale_reason:
        run.stale_reason = "; ".join(r for r in (run.stale_reason, reason) if r)
    return run


@dataclass(frozen=True)
class PayCase:
    employee: Employee
    inputs: PayInput
    kpi_note: str


def pay_cases(month: str) -> list[PayCase]:
    """Gather everyone's pay inputs for *month*: grade on the 1st, KPI, attendance, books, allowances."""
    start, end = month_bounds(month)
    policy = policy_for(month)
    people = [
        e
        for e in db.session.scalars(select(Employee).order_by(Employee.department_id, Employee.code))
        if e.employed_in(start, end) and e.grade_on(start)
    ]
    attendance = {a.employee_id: a for a in db.session.scalars(select(Attendance).where(Attendance.month == month))}
    books = {
        s.employee_id: s.books_delivered
        for s in db.session.scalars(select(SpecialistMonth).where(SpecialistMonth.month == month))
    }
    allowances: dict[int, dict] = {}
    for row in db.session.scalars(select(PersonAllowance)):
        allowances.setdefault(row.employee_id, {})[row.kind] = row.amount
    kpis: dict[int, object] = {}
    cases = []
    for person in people:
        grade = person.grade_on(first_day(month))
        kpi_score, note = None, ""
        if policy.grades[grade].performance:
            if person.track == "agent":
                if person.department_id not in kpis:
                    kpis[person.department_id] = department_kpi(person.department_id, month)
                row = kpis[person.department_id].row_for(person.id)
                if row and row.score:
                    kpi_score, note = row.score.total, row.score.explanation
                else:
                    note = "绩效数据不全" + (f"(缺{'、'.join(row.missing)})" if row else "")
            else:
                reviewed = reviewed_kpi(person, month)
                kpi_score, note = reviewed.score, reviewed.explanation
        record = attendance.get(person.id)
        inputs = PayInput(
            id=str(person.id),
            grade=grade,
            late=record.late if record else 0,
            absent=record.absent if record else 0,
            kpi_score=kpi_score,
            leave_days=record.leave_days() if record else {},
            books_delivered=books.get(person.id, 0),
            allowances=allowances.get(person.id, {}),
        )
        cases.append(PayCase(person, inputs, note))
    return cases


def compute_run(user: User, month: str) -> PayRun:
    """Compute the month's pay for everyone as a new run; the previous run is kept, no longer current.

    The computation reads in one snapshot; the run is written in a second, short transaction.
    """
    require(user, "hr")
    policy = policy_for(month)
    slips = [_slip(case, compute_pay(case.inputs, policy, days_in(month))) for case in pay_cases(month)]
    return _store_run(user, month, policy.version, slips)


@writes
def _store_run(user: User, month: str, policy_version: str, slips: list[PaySlip]) -> PayRun:
    previous = current_run(month)
    if previous:
        previous.current = False
    # the run's number in the INSERT itself, not read first and written later
    number = select(func.coalesce(func.max(PayRun.run_no), 0) + 1).where(PayRun.month == month).scalar_subquery()
    run = PayRun(
        month=month, run_no=number, current=True, policy_version=policy_version, created_by_id=user.id, slips=slips
    )
    db.session.add(run)
    db.session.flush()
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


def _slip(case: PayCase, result: PayResult) -> PaySlip:
    explanations = {key: line.explanation for key, line in result.lines.items()}
    if case.kpi_note:
        explanations["kpi"] = case.kpi_note
    amounts = {key: result.lines[key].amount for key in PAY_LINES}
    return PaySlip(
        employee_id=case.employee.id,
        grade=result.grade,
        gross=result.gross,
        kpi_score=case.inputs.kpi_score,
        explanations_json=json.dumps(explanations, ensure_ascii=False),
        **amounts,
    )


def slip_for(employee_id: int, month: str) -> PaySlip | None:
    run = current_run(month)
    if run is None:
        return None
    return db.session.scalar(select(PaySlip).where(PaySlip.run_id == run.id, PaySlip.employee_id == employee_id))
