"""Pay runs: compute a month's pay from the DB, keep every version, mark a run stale on change."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import PayRun, PaySlip


def current_run(month: str) -> PayRun | None:
    return db.session.scalar(select(PayRun).where(PayRun.month == month, PayRun.current.is_(True)))


def mark_pay_stale(employee_id: int, month: str, reason: str) -> PayRun | None:
    """Mark the month's current run stale when it holds the person (the caller commits)."""
    run = current_run(month)
    if run is None:
        return None
    holds = db.session.scalar(select(PaySlip.id).where(PaySlip.run_id == run.id, PaySlip.employee_id == employee_id))
    if holds is None:
        return None
    run.stale = True
    run.stale_reason = "; ".join(r for r in (run.stale_reason, reason) if r)
    return run
