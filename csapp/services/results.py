"""KPI results computed once per data version and stored; the database is the cache (issue 12).

Every write that can change a department-month's results calls :func:`data_changed` in its own
transaction. A reader reads the data version before the data, in the same snapshot; on a miss it
computes and stores the result in a separate short transaction (insert-or-ignore on the key), never
from inside a write transaction, so a stored result always matches a committed version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select

from .. import clock
from ..db import insert_on_conflict
from ..extensions import db
from ..models import AgentExplanation, AgentResult, DataChange, DataVersion, DepartmentResult, Employee
from ..policy import kpi as kpi_rules
from ..policy.months import add_months
from .policy_book import scratch
from .result_rows import agent_score, department_score, figures_of, stored_numbers_of

if TYPE_CHECKING:
    from ..policy.schema import Policy


def data_changed(
    department_ids: Iterable[int], month: str, onward: bool = False, employees: Iterable[int] | None = None
) -> None:
    """Raise the data version of each department's *month* — with *onward*, of every month from it to
    the latest one with stored results or the current month (people events, track changes: D20).

    *employees*: the only people whose own data changed (a cell, a QA sample, an incident); a reader may
    then derive the new result from the stored one. Without it the next reader scores the department."""
    session = db.session()
    departments = sorted({d for d in department_ids if d is not None})
    if not departments:
        return
    months = [month]
    if onward:
        latest = session.scalar(select(func.max(DataVersion.month)).where(DataVersion.department_id.in_(departments)))
        last = max(filter(None, [latest, clock.today().strftime("%Y-%m"), month]))
        while months[-1] < last:
            months.append(add_months(months[-1], 1))
    who = sorted(set(employees)) if employees is not None and not onward else [None]
    for department_id in departments:
        for each in months:
            version = session.scalar(_bump(department_id, each))
            session.execute(
                insert(DataChange),
                [{"department_id": department_id, "month": each, "version": version, "employee_id": e} for e in who],
            )


def person_changed(employee, month: str) -> None:
    """A people event or a track change from *month* on: every department the person was ever placed in."""
    departments = {placement.department_id for placement in employee.placements} | {employee.department_id}
    data_changed(departments, month, onward=True)


def _bump(department_id: int, month: str):
    """One statement: insert the version row at 1, or raise it by one; returns the new version."""
    table = DataVersion.__table__
    statement = insert_on_conflict(table).values(department_id=department_id, month=month, version=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.department_id, table.c.month], set_={"version": table.c.version + 1}
    ).returning(table.c.version)


def current_version(department_id: int, month: str) -> int:
    """The department-month's data version as this snapshot sees it (0 before any tracked write)."""
    version = db.session.scalar(
        select(DataVersion.version).where(DataVersion.department_id == department_id, DataVersion.month == month)
    )
    return version or 0


def _key(department_id: int, month: str, version: int, policy_version: str):
    return (
        DepartmentResult.department_id == department_id,
        DepartmentResult.month == month,
        DepartmentResult.data_version == version,
        DepartmentResult.policy_version == policy_version,
    )


def stored_department(department_id: int, month: str, version: int, policy_version: str) -> DepartmentResult | None:
    if scratch() is not None:  # a computation with a book of its own (an impact preview) reads nothing stored
        return None
    return db.session.scalar(select(DepartmentResult).where(*_key(department_id, month, version, policy_version)))


def stored_score(department_id: int, month: str, version: int, policy: Policy) -> kpi_rules.DepartmentScore | None:
    """The stored scoring of this key, rebuilt exactly as computed; None on a miss."""
    head = stored_department(department_id, month, version, policy.version)
    if head is None:
        return None
    figures = figures_of(head)
    rows = db.session.execute(
        _agent_rows(head.id).join(Employee, Employee.id == AgentResult.employee_id).order_by(Employee.code)
    )
    return department_score(head, [agent_score(row, body, figures, policy) for row, body in rows])


def _agent_rows(result_id: int):
    return _agent_rows_of([result_id])


def _agent_rows_of(result_ids: list[int]):
    return (
        select(AgentResult, AgentExplanation.body)
        .join(AgentExplanation, AgentExplanation.id == AgentResult.explanation_id)
        .where(AgentResult.result_id.in_(result_ids))
    )


def stored_people(
    department_id: int, month: str, version: int, policy: Policy, employee_ids: list[int], decode=agent_score
) -> tuple[kpi_rules.DepartmentScore, dict[int, kpi_rules.AgentScore], int] | None:
    """Some agents' stored months (one query, each decoded by *decode*), the department's figures and how
    many were scored."""
    head = stored_department(department_id, month, version, policy.version)
    if head is None:
        return None
    figures = figures_of(head)
    rows = db.session.execute(_agent_rows(head.id).where(AgentResult.employee_id.in_(employee_ids)))
    scores = {row.employee_id: decode(row, body, figures, policy) for row, body in rows}
    return department_score(head, []), scores, head.scored


def stored_numbers(
    department_id: int, month: str, version: int, policy: Policy, employee_ids: list[int]
) -> dict[int, tuple] | None:
    """The computed cells (numbers_of) of some agents in the stored result of *version*, nothing decoded;
    None when that version is not stored."""
    head = stored_department(department_id, month, version, policy.version)
    if head is None:
        return None
    rows = db.session.execute(
        select(
            AgentResult.employee_id,
            AgentResult.total,
            AgentResult.qa_numerator,
            AgentResult.qa_denominator,
            AgentResult.incident_points,
            AgentResult.qa_rank,
            AgentResult.production_rank,
            AgentResult.stars,
        ).where(AgentResult.result_id == head.id, AgentResult.employee_id.in_(employee_ids))
    )
    return {row.employee_id: stored_numbers_of(row) for row in rows}


@dataclass(frozen=True)
class RankedRow:
    rank: int
    employee: Employee
    score: kpi_rules.AgentScore


def ranking_page(
    department_id: int, month: str, version: int, policy: Policy, page: int, per_page: int
) -> tuple[list[RankedRow], int, kpi_rules.DepartmentScore] | None:
    """One page of the stored ranking (by total, then 工号; competition ranks) and the number of rows;
    None on a miss. Only the page's rows are decoded."""
    head = stored_department(department_id, month, version, policy.version)
    if head is None:
        return None
    totals = db.session.execute(
        select(AgentResult.employee_id, AgentResult.total, Employee.code)
        .join(Employee, Employee.id == AgentResult.employee_id)
        .where(AgentResult.result_id == head.id)
    ).all()
    ordered = sorted(totals, key=lambda row: (-row.total, row.code))
    ranks = kpi_rules.competition_ranks([row.total for row in ordered])
    start = (page - 1) * per_page
    shown = dict(zip((row.employee_id for row in ordered[start : start + per_page]), ranks[start : start + per_page]))
    rows = db.session.execute(_agent_rows(head.id).where(AgentResult.employee_id.in_(list(shown))))
    people = {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(list(shown))))}
    figures = figures_of(head)
    found = [
        RankedRow(shown[row.employee_id], people[row.employee_id], agent_score(row, body, figures, policy))
        for row, body in rows
    ]
    return sorted(found, key=lambda r: (r.rank, r.employee.code)), len(ordered), department_score(head, [])


def stored_totals(employee_id: int, wanted: dict[str, tuple[int, str]]) -> dict[str, Decimal | None]:
    """An agent's stored totals by month, for months → (department, policy version); a month whose
    current version is not stored is left out (None: stored, but the agent was not scored)."""
    heads = _current_heads(wanted)
    found = dict.fromkeys(heads.values())
    rows = (
        select(AgentResult.result_id, AgentExplanation.body)
        .join(AgentExplanation, AgentExplanation.id == AgentResult.explanation_id)
        .where(AgentResult.employee_id == employee_id, AgentResult.result_id.in_(list(heads)))
    )
    for result_id, body in db.session.execute(rows):
        found[heads[result_id]] = Decimal(json.loads(body)["exact"][0])
    return found


def average_totals(wanted: dict[str, tuple[int, str]]) -> dict[str, Decimal]:
    """The department's mean total of the scored agents by month (stored results of the current version only)."""
    heads = _current_heads(wanted)
    rows = (
        select(AgentResult.result_id, func.avg(AgentResult.total))
        .where(AgentResult.result_id.in_(list(heads)))
        .group_by(AgentResult.result_id)
    )
    return {heads[result_id]: Decimal(str(mean)) for result_id, mean in db.session.execute(rows) if mean is not None}


def _current_heads(wanted: dict[str, tuple[int, str]]) -> dict[int, str]:
    """The stored department results that are current for months → (department, policy version): id → month."""
    return {head.id: month for month, head in current_heads(wanted).items()}


def current_heads(wanted: dict[str, tuple[int, str]]) -> dict[str, DepartmentResult]:
    """The stored department result current for each month → (department, policy version), by month (two queries)."""
    if not wanted or scratch() is not None:
        return {}
    departments = {department for department, _ in wanted.values()}
    versions = {
        (row.department_id, row.month): row.version
        for row in db.session.scalars(
            select(DataVersion).where(DataVersion.department_id.in_(departments), DataVersion.month.in_(list(wanted)))
        )
    }
    heads = {}
    for head in db.session.scalars(
        select(DepartmentResult).where(
            DepartmentResult.department_id.in_(departments), DepartmentResult.month.in_(list(wanted))
        )
    ):
        department, policy_version = wanted[head.month]
        current = versions.get((head.department_id, head.month), 0)
        if (head.department_id, head.data_version, head.policy_version) == (department, current, policy_version):
            heads[head.month] = head
    return heads


def agent_rows_in(employee_id: int, heads: list[DepartmentResult]) -> dict[int, tuple[AgentResult, str]]:
    """One agent's stored rows (with their explanations) in these results: result id → (row, body)."""
    if not heads:
        return {}
    query = _agent_rows_of([head.id for head in heads]).where(AgentResult.employee_id == employee_id)
    return {row.result_id: (row, body) for row, body in db.session.execute(query)}
