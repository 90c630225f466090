"""The month's KPI of a department, fed from the DB into the rules core."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import AgentMonth, DepartmentMonth, DissatisfiedCase, Employee, Incident, QaSample
from ..models.org import department_people
from ..policy import kpi as kpi_rules
from ..policy.months import add_months, first_day, months_before
from ..policy.parameters import Policy, policy_for
from .month_lock import department_month


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    start = first_day(month)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


@dataclass
class AgentRow:
    """One agent's recorded month and, when complete, its score."""

    employee: Employee
    record: AgentMonth | None
    qa_samples: list[QaSample] = field(default_factory=list)
    cases: list[DissatisfiedCase] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    score: kpi_rules.AgentScore | None = None

    @property
    def missing(self) -> list[str]:
        """Say what keeps this agent out of the month's scoring."""
        gaps = []
        if self.record is None or self.record.production is None:
            gaps.append("接线量")
        if self.record is None or self.record.avg_call_seconds is None:
            gaps.append("通话均长")
        if not self.qa_samples:
            gaps.append("质检样本")
        return gaps

    @property
    def incident_counts(self) -> Counter:
        return Counter(i.kind for i in self.incidents)

    @property
    def justified_cases(self) -> int:
        return sum(1 for c in self.cases if c.justified)


@dataclass
class DepartmentKpi:
    department_id: int
    month: str
    policy: Policy
    dept_month: DepartmentMonth | None
    rows: list[AgentRow]
    result: kpi_rules.DepartmentScore | None

    @property
    def scored_rows(self) -> list[AgentRow]:
        return [r for r in self.rows if r.score is not None]

    @property
    def locked(self) -> bool:
        return bool(self.dept_month and self.dept_month.locked_at)

    def row_for(self, employee_id: int) -> AgentRow | None:
        return next((r for r in self.rows if r.employee.id == employee_id), None)


def department_agents(department_id: int, month: str) -> list[Employee]:
    """Return the department's agents employed during *month*, by 工号."""
    return [e for e in department_people(department_id, month) if e.track_in(month) == "agent"]


def _by_employee(model, ids: list[int], month: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    rows = db.session.scalars(select(model).where(model.employee_id.in_(ids), model.month == month).order_by(model.id))
    for row in rows:
        grouped[row.employee_id].append(row)
    return grouped


def department_kpi(department_id: int, month: str) -> DepartmentKpi:
    """Load a department's month and score every agent whose data is complete."""
    policy = policy_for(month)
    agents = department_agents(department_id, month)
    ids = [a.id for a in agents]
    records = {
        r.employee_id: r
        for r in db.session.scalars(
            select(AgentMonth).where(AgentMonth.employee_id.in_(ids), AgentMonth.month == month)
        )
    }
    samples = _by_employee(QaSample, ids, month)
    cases = _by_employee(DissatisfiedCase, ids, month)
    incidents = _by_employee(Incident, ids, month)
    rows = [AgentRow(a, records.get(a.id), samples[a.id], cases[a.id], incidents[a.id]) for a in agents]
    dept_month = department_month(department_id, month)
    complete = [r for r in rows if not r.missing]
    result = None
    if dept_month and dept_month.connection_rate is not None and complete:
        inputs = [_agent_input(r) for r in complete]
        result = kpi_rules.score_department(month, dept_month.connection_rate, inputs, policy)
        for row, score in zip(complete, result.agents):
            row.score = score
    return DepartmentKpi(department_id, month, policy, dept_month, rows, result)


def _agent_input(row: AgentRow) -> kpi_rules.AgentMonth:
    record = row.record
    return kpi_rules.AgentMonth(
        id=str(row.employee.id),
        employment=row.employee.employment_in(row.record.month),
        production=record.production,
        qa_scores=[s.score for s in row.qa_samples],
        dissatisfied=len(row.cases),
        feedback_unprocessed=record.feedback_unprocessed,
        im_unprocessed=record.im_unprocessed,
        avg_call_seconds=record.avg_call_seconds,
        plan_missed=record.plan_missed,
        knowledge_errors=record.knowledge_errors,
        operation_errors=record.operation_errors,
        discipline=record.discipline,
        cooperation=record.cooperation,
        incidents=dict(row.incident_counts),
    )


def months_up_to(last_month: str, count: int = 12) -> list[str]:
    """Return the *count* months ending with *last_month*, oldest first."""
    return months_before(add_months(last_month, 1), count)


def agent_history(employee: Employee, last_month: str, count: int = 12) -> list[tuple[DepartmentKpi, AgentRow | None]]:
    """Return the department's month and the employee's row in it, for *count* months up to *last_month*."""
    history = []
    for month in months_up_to(last_month, count):
        kpi = department_kpi(employee.department_id, month)
        history.append((kpi, kpi.row_for(employee.id)))
    return history
