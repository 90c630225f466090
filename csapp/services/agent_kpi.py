"""One agent's KPI months: read from the stored results (the agent's own rows only, never the whole
department), one month or a whole cycle at once (issue 12)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import AgentMonth, DepartmentMonth, DissatisfiedCase, Employee, Incident, QaSample
from ..policy.months import add_months, months_before
from . import result_rows, results
from .kpi import AgentRow, DepartmentKpi, _rows, _stored, department_kpi, month_bounds
from .policy_book import policy_in, scratch


def agent_month(employee: Employee, month: str) -> tuple[DepartmentKpi, AgentRow | None]:
    """One agent's month: only their own records and their stored score (plus the department's figures);
    the department is loaded and scored only when its result is not stored yet."""
    start, end = month_bounds(month)
    department_id = employee.department_in(month)
    policy = policy_in(month)
    if not employee.employed_in(start, end) or employee.track_in(month) != "agent":
        return DepartmentKpi(department_id, month, policy, None, [], None), None
    if scratch() is not None:  # an impact preview: the department's month is computed once for all its agents
        kpi = department_kpi(department_id, month)
        return kpi, kpi.row_for(employee.id)
    dept_month, stored = _stored(department_id, month, [employee.id])
    [row] = _rows([employee], month)
    if dept_month is None or dept_month.connection_rate is None or row.missing:
        return DepartmentKpi(department_id, month, policy, dept_month, [row], None), row
    if stored is None:  # not computed yet for this version: score the department once, for everyone
        kpi = department_kpi(department_id, month)
        return kpi, kpi.row_for(employee.id)
    result, scores, _ = stored
    row.score = scores.get(employee.id)
    return DepartmentKpi(department_id, month, policy, dept_month, [row], result), row


def agent_months(employee: Employee, months: list[str]) -> dict[str, tuple[DepartmentKpi, AgentRow | None]]:
    """agent_month for several months in a fixed number of queries (a promotion cycle, a pre-check); a
    month whose result is not stored yet goes through agent_month (which scores it)."""
    wanted = _agent_months(employee, months)
    found: dict[str, tuple[DepartmentKpi, AgentRow | None]] = {}
    for month in months:
        if month not in wanted:
            found[month] = (
                DepartmentKpi(employee.department_in(month), month, policy_in(month), None, [], None),
                None,
            )
    if not wanted:
        return found
    departments = {department for department, _ in wanted.values()}
    listed = list(wanted)
    dept_months = {
        (row.department_id, row.month): row
        for row in db.session.scalars(
            select(DepartmentMonth).where(
                DepartmentMonth.department_id.in_(departments), DepartmentMonth.month.in_(listed)
            )
        )
    }
    heads = results.current_heads(wanted)  # month → stored head of its current data version
    scores = results.agent_rows_in(employee.id, list(heads.values()))  # result id → (row, body)
    records = _by_month(AgentMonth, employee.id, listed)
    samples, cases, incidents = (
        _by_month(m, employee.id, listed, many=True) for m in (QaSample, DissatisfiedCase, Incident)
    )
    for month, (department_id, _) in wanted.items():
        policy = policy_in(month)
        dept_month = dept_months.get((department_id, month))
        row = AgentRow(
            employee, records.get(month), samples.get(month, []), cases.get(month, []), incidents.get(month, [])
        )
        if dept_month is None or dept_month.connection_rate is None or row.missing:
            found[month] = DepartmentKpi(department_id, month, policy, dept_month, [row], None), row
            continue
        head = heads.get(month)
        if head is None:  # not stored for the current version: score (and store) it
            found[month] = agent_month(employee, month)
            continue
        stored = scores.get(head.id)
        figures = result_rows.figures_of(head)
        row.score = result_rows.agent_score(*stored, figures, policy) if stored else None
        found[month] = (
            DepartmentKpi(department_id, month, policy, dept_month, [row], result_rows.department_score(head, [])),
            row,
        )
    return found


def _by_month(model, employee_id: int, months: list[str], many: bool = False) -> dict:
    grouped = defaultdict(list) if many else {}
    query = select(model).where(model.employee_id == employee_id, model.month.in_(months)).order_by(model.id)
    for record in db.session.scalars(query):
        if many:
            grouped[record.month].append(record)
        else:
            grouped[record.month] = record
    return grouped


def months_up_to(last_month: str, count: int = 12) -> list[str]:
    """Return the *count* months ending with *last_month*, oldest first."""
    return months_before(add_months(last_month, 1), count)


def agent_trend(employee: Employee, last_month: str, count: int = 12) -> list[tuple[str, Decimal | None]]:
    """The agent's monthly totals for *count* months up to *last_month*: read from the stored results in
    three queries; a month not stored yet is scored (and stored) on the way."""
    months = months_up_to(last_month, count)
    wanted = _agent_months(employee, months)
    totals = results.stored_totals(employee.id, wanted)
    trend = []
    for month in months:
        if month in wanted and month not in totals:  # not stored for the current version: score it now
            _, row = agent_month(employee, month)
            totals[month] = row.score.total if row and row.score else None
        trend.append((month, totals.get(month)))
    return trend


def _agent_months(employee: Employee, months: list[str]) -> dict[str, tuple[int, str]]:
    """The months in which *employee* was an agent: month → (department, policy version)."""
    wanted = {}
    for month in months:
        start, end = month_bounds(month)
        if employee.employed_in(start, end) and employee.track_in(month) == "agent":
            wanted[month] = (employee.department_in(month), policy_in(month).version)
    return wanted


def department_trend(employee: Employee, last_month: str, count: int = 12) -> dict[str, Decimal]:
    """The mean total of the agent's department in each month the agent was scored (stored results)."""
    return results.average_totals(_agent_months(employee, months_up_to(last_month, count)))
