"""Feed the rules core's promotion eligibility from the DB: the person, their months, the department's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..extensions import db
from ..models import Attendance, Employee, LeaderMonth, PromotionApplication, SpecialistMonth
from ..policy.promotion import Application, Person, cycle_of
from .agent_kpi import agent_month, agent_months
from .kpi import DepartmentKpi, department_kpi
from .month_lock import department_month
from .reviewed import reviewed_kpi

if TYPE_CHECKING:
    from ..policy.schema import Policy


def current_grade(
    employee: Employee, day: dt.date, known_at: dt.datetime | None = None
) -> tuple[str | None, dt.date | None]:
    """Return the grade in force on *day* and the date since which it has been held without a break.

    With *known_at*, only grade entries recorded by then count (what was true when an application was made).
    """
    history = [g for g in employee.grades if g.effective_on <= day and (known_at is None or g.created_at <= known_at)]
    if not history:
        return None, None
    grade = history[-1].grade
    since = history[-1].effective_on
    for change in reversed(history[:-1]):
        if change.grade != grade:
            break
        since = change.effective_on
    return grade, since


def _attendance(employee_id: int, months: list[str]) -> dict[str, Attendance]:
    return {
        a.month: a
        for a in db.session.scalars(
            select(Attendance).where(Attendance.employee_id == employee_id, Attendance.month.in_(months))
        )
    }


def _leave(row: Attendance | None) -> dict[str, Decimal]:
    if row is None:
        return {"leave_days": Decimal(0), "annual_leave_days": Decimal(0)}
    days = row.leave_days()
    return {"leave_days": sum(days.values(), Decimal(0)), "annual_leave_days": days["annual"]}


def agent_month_summary(
    employee: Employee, month: str, kpi: DepartmentKpi | None = None, known: tuple | None = None
) -> dict[str, Decimal] | None:
    """Return an agent's month as the rules core's promotion summary, or None without a score (*known*:
    the month as agent_months loaded it)."""
    if known is not None:
        kpi, row = known
    elif kpi is None:  # the agent's own stored month: no other agent is loaded
        kpi, row = agent_month(employee, month)
    else:
        row = kpi.row_for(employee.id)
    if row is None or row.score is None:
        return None
    counts = row.incident_counts
    return {
        "kpi": row.score.total,
        "production": Decimal(row.record.production),
        "dept_avg_production": kpi.result.avg_production,
        "qa_avg": row.score.qa_avg,
        "stars": Decimal(len(row.score.stars)),
        "justified_dissatisfied": Decimal(row.justified_cases),
        "work_errors": Decimal(counts["work_error"]),
        "refused": Decimal(counts["refused_arrangement"]),
        "service_complaints": Decimal(counts["service_complaint"]),
    }


def _specialist_summary(employee: Employee, month: str) -> dict[str, Decimal] | None:
    kpi = reviewed_kpi(employee, month)
    record = db.session.scalar(
        select(SpecialistMonth).where(SpecialistMonth.employee_id == employee.id, SpecialistMonth.month == month)
    )
    if kpi.score is None or record is None:
        return None
    return {
        "kpi": kpi.score,
        "audit_errors": Decimal(record.audit_errors),
        "delivery_data_errors": Decimal(record.delivery_data_errors),
        "shipping_errors": Decimal(record.shipping_errors),
    }


def _leader_summary(employee: Employee, month: str, kpi: DepartmentKpi) -> dict[str, Decimal] | None:
    record = db.session.scalar(
        select(LeaderMonth).where(LeaderMonth.employee_id == employee.id, LeaderMonth.month == month)
    )
    if employee.track_in(month) == "agent":  # an agent.3 applying for sup.1: the agent's own KPI total and work errors
        summary = agent_month_summary(employee, month, kpi)
        if summary is None:
            return None
        score, errors = summary["kpi"], summary["work_errors"]
    else:
        score = reviewed_kpi(employee, month).score
        if score is None:
            return None
        errors = Decimal(record.work_errors if record else 0)
    return {
        "kpi": score,
        "work_errors": errors,
        "coordination": Decimal(record.coordination_complaints if record else 0),
    }


def department_summary(department_id: int, month: str, kpi: DepartmentKpi | None = None) -> dict[str, Decimal] | None:
    """Return a department month for the supervisor/manager criteria, or None when incomplete."""
    record = department_month(department_id, month)
    kpi = kpi or department_kpi(department_id, month)
    if record is None or kpi.result is None or record.service_level is None or not record.headcount:
        return None
    complaints = sum(r.incident_counts["service_complaint"] for r in kpi.rows)
    return {
        "connection_rate": record.connection_rate,
        "qa_avg": kpi.result.avg_qa,
        "service_level": record.service_level,
        "service_complaints": Decimal(complaints),
        "headcount": Decimal(record.headcount),
        "leavers": Decimal(record.leavers or 0),
    }


def build_application(
    employee: Employee,
    target: str,
    applied_on: dt.date,
    policy: Policy,
    application: PromotionApplication | None = None,
) -> Application:
    """Return the rules core's Application for *employee* applying for *target* on *applied_on*."""
    grade, since = current_grade(employee, applied_on, application.created_at if application else None)
    cycle = cycle_of(applied_on, target, policy)
    track = policy.track_of(target)
    leave = _attendance(employee.id, cycle)
    months: dict[str, dict[str, Decimal]] = {}
    dept_months: dict[str, dict[str, Decimal]] = {}
    loaded = agent_months(employee, cycle) if track == "agent" else {}  # the whole cycle at once
    for m in cycle:
        if track == "agent":
            summary = agent_month_summary(employee, m, known=loaded[m])
        elif track == "spec":
            summary = _specialist_summary(employee, m)
        else:  # supervisors and managers: one department KPI a month serves the person and the department
            kpi = department_kpi(employee.department_in(m), m)
            summary = _leader_summary(employee, m, kpi)
            department = department_summary(employee.department_in(m), m, kpi)
            if department is not None:
                dept_months[m] = department
        if summary is not None:
            months[m] = {**summary, **_leave(leave.get(m))}
    person = Person(str(employee.id), grade, since, employee.regularized_on, employee.serious_error)
    recorded = (
        {}
        if application is None
        else {
            "written_test": application.written_test,
            "interview": application.interview_passed,
            "process": application.process_passed,
            "window_exception": application.late_reason or None,
        }
    )
    return Application(applied_on, person, target, months, dept_months, **recorded)
