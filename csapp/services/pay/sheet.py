"""工资核算 on screen: a run's slips a page at a time (100 people), its totals and each run's counts from the
database — a department of 1,000 is not one 1.3 MB table (issue 12)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Employee, PayRun, PayRunStatus, PaySlip
from ...models.org import dated_facts
from ..errors import NotFound

PER_PAGE = 100


@dataclass(frozen=True)
class SheetPage:
    slips: list[PaySlip]
    page: int
    pages: int
    count: int


def current_head(month: str) -> PayRun | None:
    """The run HR works on (the draft, else the confirmed run), without loading its slips."""
    for status in (PayRunStatus.DRAFT, PayRunStatus.CONFIRMED):
        run = db.session.scalar(select(PayRun).where(PayRun.month == month, PayRun.status == status))
        if run is not None:
            return run
    return None


def slips_page(run: PayRun, page: int, count: int) -> SheetPage:
    """One page of a run's slips (in the order they were computed), with their people and dated facts."""
    pages = max(1, -(-count // PER_PAGE))
    if page > pages:
        raise NotFound(f"这次核算共 {pages} 页,没有第 {page} 页。")
    people = joinedload(PaySlip.employee)
    query = (
        select(PaySlip)
        .where(PaySlip.run_id == run.id)
        .order_by(PaySlip.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .options(people, *dated_facts(via=people))
    )
    return SheetPage(list(db.session.scalars(query).unique()), page, pages, count)


def run_totals(month: str) -> dict[int, tuple[int, Decimal, Decimal]]:
    """Each run of the month: its number of slips, gross and net totals, in one query."""
    rows = db.session.execute(
        select(
            PaySlip.run_id,
            func.count(),
            func.coalesce(func.sum(PaySlip.gross), 0),
            func.coalesce(func.sum(PaySlip.net), 0),
        )
        .join(PayRun, PayRun.id == PaySlip.run_id)
        .where(PayRun.month == month)
        .group_by(PaySlip.run_id)
    )
    return {run_id: (count, Decimal(gross), Decimal(net)) for run_id, count, gross, net in rows}


def people_of(ids: set[int]) -> dict[int, Employee]:
    """The people some gaps name, in one query."""
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))}
