"""Who is paid for a month and with what inputs: each person's pay case, read from the DB in one snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ...extensions import db
from ...models import Attendance, Deduction, Department, DepartmentMonth, Employee, PersonAllowance, SpecialistMonth
from ...models.org import allowances_in, dated_facts
from ...policy.months import days_in
from ...policy.pay import PayInput
from ..kpi import month_bounds, scored_or_missing
from ..policy_book import policy_in
from ..reviewed import reviewed_kpi, scores_of
from .gaps import Gap


@dataclass(frozen=True)
class PayCase:
    employee: Employee
    inputs: PayInput
    kpi_note: str
    gaps: list[Gap] = field(default_factory=list)


def employed_days(person: Employee, month: str) -> int | None:
    """Days of *month* the person was employed (hire date and last day both count); None: the whole month."""
    days = person.employed_days_in(*month_bounds(month))
    return None if days >= days_in(month) else days


def paid_people(month: str) -> list[Employee]:
    """Everyone who gets a slip for *month*: employed on any day of it, with a grade on its reference day."""
    start, end = month_bounds(month)
    return [
        e
        for e in db.session.scalars(
            select(Employee).options(*dated_facts()).order_by(Employee.department_id, Employee.code)
        )
        if e.employed_in(start, end) and e.grade_on(e.reference_day(month))
    ]


def deductions_of(month: str) -> dict[int, dict[str, Decimal]]:
    """Per person, the month's deductions by kind (as typed or imported)."""
    found: dict[int, dict[str, Decimal]] = {}
    for row in db.session.scalars(select(Deduction).where(Deduction.month == month)):
        found.setdefault(row.employee_id, {})[row.kind] = row.amount
    return found


def pay_cases(month: str) -> list[PayCase]:
    """Everyone employed on any day of *month*, with their pay inputs and the data that is missing."""
    policy = policy_in(month)
    people = paid_people(month)
    attendance = {a.employee_id: a for a in db.session.scalars(select(Attendance).where(Attendance.month == month))}
    books = {
        s.employee_id: s.books_delivered
        for s in db.session.scalars(select(SpecialistMonth).where(SpecialistMonth.month == month))
    }
    allowances = allowances_in(list(db.session.scalars(select(PersonAllowance))), month)
    rates = {
        d.department_id: d.connection_rate
        for d in db.session.scalars(select(DepartmentMonth).where(DepartmentMonth.month == month))
    }
    reviewed_scores = scores_of([person.id for person in people], month)  # one query, not one per reviewed person
    kpis: dict[int, object] = {}
    cases = []
    for person in people:
        grade = person.grade_on(person.reference_day(month))
        kpi_score, note, gaps = None, "", []
        if policy.grades[grade].performance:
            if person.track_in(month) == "agent":
                department_id = person.department_in(month)
                if rates.get(department_id) is None:
                    name = db.session.get(Department, department_id).name
                    gaps.append(Gap("department", person.id, f"{name}本月接通率未录入"))
                if department_id not in kpis:  # stored scores; rows only for the agents without one
                    agents = [
                        p for p in people if p.department_in(month) == department_id and p.track_in(month) == "agent"
                    ]
                    kpis[department_id] = scored_or_missing(department_id, month, agents)
                score, missing = kpis[department_id].get(person.id, (None, []))
                if score:
                    kpi_score, note = score.total, score.explanation
                else:
                    missing = "、".join(missing) if missing else "全部"
                    note = f"绩效数据不全(缺{missing}),绩效工资暂按 0 计"
                    gaps.append(Gap("agent_data", person.id, f"缺{missing}"))
            else:
                reviewed = reviewed_kpi(person, month, reviewed_scores[person.id])
                kpi_score, note = reviewed.score, reviewed.explanation
                if reviewed.score is None:
                    gaps.append(Gap("reviewed", person.id, reviewed.explanation))
        record = attendance.get(person.id)
        if record is None:
            gaps.append(Gap("attendance", person.id, "本月考勤未录入,全勤奖暂按 0 计"))
        inputs = PayInput(
            id=str(person.id),
            grade=grade,
            late=record.late if record else 0,
            absent=record.absent if record else 0,
            kpi_score=kpi_score,
            leave_days=record.leave_days() if record else {},
            books_delivered=books.get(person.id, 0),
            allowances=allowances.get(person.id, {}),
            employed_days=employed_days(person, month),
            attendance_recorded=record is not None,
            regularized=person.employment_in(month) == "regular",
        )
        cases.append(PayCase(person, inputs, note, gaps))
    return cases
