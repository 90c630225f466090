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
from fractions import Fraction

from sqlalchemy import func, insert, select

from .. import clock
from ..db import BEGIN_OPTION, insert_on_conflict, is_writing
from ..extensions import db
from ..models import AgentResult, DataVersion, DepartmentResult, Employee
from ..policy import kpi as kpi_rules
from ..policy.months import add_months


def data_changed(department_ids: Iterable[int], month: str, onward: bool = False) -> None:
    """Raise the data version of each department's *month* — with *onward*, of every month from it to
    the latest one with stored results or the current month (people events, track changes: D20)."""
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
    for department_id in departments:
        for each in months:
            session.execute(_bump(department_id, each))


def person_changed(employee, month: str) -> None:
    """A people event or a track change from *month* on: every department the person was ever placed in."""
    departments = {placement.department_id for placement in employee.placements} | {employee.department_id}
    data_changed(departments, month, onward=True)


def _bump(department_id: int, month: str):
    """One statement: insert the version row at 1, or raise it by one."""
    table = DataVersion.__table__
    statement = insert_on_conflict(table).values(department_id=department_id, month=month, version=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.department_id, table.c.month], set_={"version": table.c.version + 1}
    )


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
    return db.session.scalar(select(DepartmentResult).where(*_key(department_id, month, version, policy_version)))


def stored_score(department_id: int, month: str, version: int, policy_version: str) -> kpi_rules.DepartmentScore | None:
    """The stored scoring of this key, rebuilt exactly as computed; None on a miss."""
    head = stored_department(department_id, month, version, policy_version)
    if head is None:
        return None
    rows = db.session.scalars(select(AgentResult).where(AgentResult.result_id == head.id).order_by(AgentResult.id))
    return _department_score(head, [agent_score(row) for row in rows])


def _department_score(head: DepartmentResult, agents: list[kpi_rules.AgentScore]) -> kpi_rules.DepartmentScore:
    return kpi_rules.DepartmentScore(
        head.month,
        head.connection_rate,
        _fraction(head.avg_production),
        _fraction(head.avg_qa),
        tuple(agents),
        head.policy_version,
        head.qa_spread,
        head.volume_spread,
    )


def stored_people(
    department_id: int, month: str, version: int, policy_version: str, employee_ids: list[int]
) -> tuple[kpi_rules.DepartmentScore, dict[int, kpi_rules.AgentScore], int] | None:
    """Some agents' stored months (one query), the department's figures and how many were scored."""
    head = stored_department(department_id, month, version, policy_version)
    if head is None:
        return None
    rows = db.session.scalars(
        select(AgentResult).where(AgentResult.result_id == head.id, AgentResult.employee_id.in_(employee_ids))
    )
    return _department_score(head, []), {row.employee_id: agent_score(row) for row in rows}, head.scored


@dataclass(frozen=True)
class RankedRow:
    rank: int
    employee: Employee
    score: kpi_rules.AgentScore


def ranking_page(
    department_id: int, month: str, version: int, policy_version: str, page: int, per_page: int
) -> tuple[list[RankedRow], int, kpi_rules.DepartmentScore] | None:
    """One page of the stored ranking (by total, then 工号; competition ranks) and the number of rows;
    None on a miss. Only the page's rows are decoded."""
    head = stored_department(department_id, month, version, policy_version)
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
    rows = db.session.scalars(
        select(AgentResult).where(AgentResult.result_id == head.id, AgentResult.employee_id.in_(list(shown)))
    )
    people = {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(list(shown))))}
    found = [RankedRow(shown[row.employee_id], people[row.employee_id], agent_score(row)) for row in rows]
    return sorted(found, key=lambda r: (r.rank, r.employee.code)), len(ordered), _department_score(head, [])


def stored_totals(employee_id: int, wanted: dict[str, tuple[int, str]]) -> dict[str, Decimal | None]:
    """An agent's stored totals by month, for months → (department, policy version); a month whose
    current version is not stored is left out (None: stored, but the agent was not scored)."""
    heads = _current_heads(wanted)
    found = dict.fromkeys(heads.values())
    rows = select(AgentResult.result_id, AgentResult.explanation).where(
        AgentResult.employee_id == employee_id, AgentResult.result_id.in_(list(heads))
    )
    for result_id, explanation in db.session.execute(rows):
        found[heads[result_id]] = Decimal(json.loads(explanation)["exact"][0])
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
    if not wanted:
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
            heads[head.id] = head.month
    return heads


def store(department_id: int, version: int, result: kpi_rules.DepartmentScore) -> None:
    """Keep a freshly computed result under its key, in a short transaction of its own; a key already
    stored (by another reader) is left alone. Skipped inside a write transaction: its data may still
    roll back."""
    if is_writing():
        return
    head = {
        "department_id": department_id,
        "month": result.month,
        "data_version": version,
        "policy_version": result.policy_version,
        "connection_rate": result.connection_rate,
        "avg_production": _text(result.avg_production),
        "avg_qa": _text(result.avg_qa),
        "qa_spread": result.qa_spread,
        "volume_spread": result.volume_spread,
        "scored": len(result.agents),
        "computed_at": clock.now_utc(),
    }
    with db.engine.connect().execution_options(**{BEGIN_OPTION: "IMMEDIATE"}) as connection:
        with connection.begin():
            statement = insert_on_conflict(DepartmentResult).values(**head).on_conflict_do_nothing()
            result_id = connection.scalar(statement.returning(DepartmentResult.id))  # a row only if this one inserted
            if result_id is None:
                return  # stored meanwhile by another reader
            if result.agents:
                connection.execute(insert(AgentResult), [_agent_row(result_id, agent) for agent in result.agents])


def _agent_row(result_id: int, score: kpi_rules.AgentScore) -> dict:
    qa = Fraction(score.qa_avg)
    explanation = {
        "items": [
            [item.key, item.name, str(item.weight), str(item.score), item.explanation] for item in score.items.values()
        ],
        "incidents": [
            [line.key, line.name, line.count, str(line.points), line.explanation] for line in score.incidents
        ],
        "warnings": list(score.warnings),
        "text": score.explanation,
        "exact": [str(score.total), str(score.items_sum), str(score.incident_points)],  # as computed
    }
    return {
        "result_id": result_id,
        "employee_id": int(score.id),
        "total": score.total,
        "items_sum": score.items_sum,
        "incident_points": score.incident_points,
        "qa_numerator": qa.numerator,
        "qa_denominator": qa.denominator,
        "qa_rank": score.qa_rank,
        "production_rank": score.production_rank,
        "production": score.production,
        "stars": ",".join(score.stars),
        "explanation": json.dumps(explanation, ensure_ascii=False),
    }


def agent_score(row: AgentResult) -> kpi_rules.AgentScore:
    """Rebuild an agent's scoring from its stored row."""
    data = json.loads(row.explanation)
    items = {
        key: kpi_rules.ItemScore(key, name, Decimal(weight), Decimal(score), text)
        for key, name, weight, score, text in data["items"]
    }
    incidents = tuple(
        kpi_rules.IncidentLine(key, name, count, Decimal(points), text)
        for key, name, count, points, text in data["incidents"]
    )
    total, items_sum, incident_points = (Decimal(value) for value in data["exact"])
    return kpi_rules.AgentScore(
        str(row.employee_id),
        total,
        items_sum,
        incident_points,
        Fraction(row.qa_numerator, row.qa_denominator),
        row.qa_rank,
        row.production_rank,
        tuple(filter(None, row.stars.split(","))),
        items,
        incidents,
        tuple(data["warnings"]),
        data["text"],
        row.production,
    )


def _text(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _fraction(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)
