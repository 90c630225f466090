"""When a corrected pay run is confirmed, the month's issued pay notices follow it.

Per person: the same content (fingerprint) → the notice stays 有效 and points to the new slip; other
content → a queue job issues a replacement ("本通知取代 GZ…") and the old one becomes 已被取代 in the
transaction that registers it; no slip any more → 已作废 (更正后无工资单). Runs in the confirming
transaction (the caller commits).
"""

from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import IssuedNotice, PayRun, User
from . import audit, jobs
from .notices import pay_spec


def follow_confirmed_run(user: User, run: PayRun) -> dict[str, int]:
    """Relink unchanged notices, void orphaned ones, queue replacements for changed ones."""
    slips = {slip.employee_id: slip for slip in run.slips}
    counts = {"kept": 0, "replaced": 0, "voided": 0}
    issued = db.session.scalars(
        select(IssuedNotice).where(
            IssuedNotice.kind == "pay", IssuedNotice.month == run.month, IssuedNotice.status == "valid"
        )
    )
    for notice in issued:
        slip = slips.get(notice.employee_id)
        if slip is None:
            notice.status, notice.status_changed_at = "voided", clock.now_utc()
            notice.status_reason = "更正后无工资单"
            audit.record(
                user, "notice.void", "issued_notice", notice.id, subject=notice.number, month=notice.month,
                field="status", old="valid", new="voided", reason=notice.status_reason,
            )  # fmt: skip
            counts["voided"] += 1
        elif notice.fingerprint in (pay_spec(slip).fingerprint, ""):
            notice.pay_slip_id = slip.id
            counts["kept"] += 1
        else:
            counts["replaced"] += 1
    if counts["replaced"]:
        db.session.flush()
        jobs.create(user, "pay_corrections", run.month)
    return counts
