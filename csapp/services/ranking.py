"""排名: one page of a department-month's ranking, from the stored results (only that page decoded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..extensions import db
from ..models import Employee
from ..policy import kpi as kpi_rules
from . import results
from .kpi import department_kpi, derive_stored
from .month_lock import department_month
from .policy_book import policy_in

if TYPE_CHECKING:
    from ..policy.schema import Policy


@dataclass(frozen=True)
class RankingPage:
    rows: list  # results.RankedRow
    count: int
    result: kpi_rules.DepartmentScore | None
    policy: Policy
    page: int
    pages: int


def ranking(department_id: int, month: str, page: int, per_page: int) -> RankingPage:
    """One page of the department-month ranking: from the stored results (only that page decoded), or
    computed when not stored yet."""
    policy = policy_in(month)
    version = results.current_version(department_id, month)
    stored = results.ranking_page(department_id, month, version, policy, page, per_page)
    dept_month = department_month(department_id, month) if stored is None else None
    derived = derive_stored(department_id, month, version, policy, dept_month) if dept_month else None
    if stored is not None:
        rows, count, result = stored
    elif derived is not None:
        ranked = derived.ranked()
        start = (page - 1) * per_page
        shown = dict(ranked[start : start + per_page])
        scores = derived.scores(shown)
        people = {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(list(shown))))}
        rows = [results.RankedRow(rank, people[i], scores[i]) for i, rank in shown.items()]
        count, result = len(ranked), derived.department
    else:
        kpi = department_kpi(department_id, month)
        ranked = kpi.ranked()
        start = (page - 1) * per_page
        rows = [results.RankedRow(rank, row.employee, row.score) for rank, row in ranked[start : start + per_page]]
        count, result = len(ranked), kpi.result
    return RankingPage(rows, count, result, policy, page, max(1, -(-count // per_page)))
