"""严重工作失误 of a specialist (RULES.md §4.4): recorded by the department head or HR, lifted by HR."""

from __future__ import annotations

from ..db import writes
from ..models import User
from . import audit
from .access import require, subject_for
from .errors import ServiceError


@writes
def set_serious_error(user: User, employee_id: int, flagged: bool, reason: str) -> None:
    """Record a serious work error (bars promotion on the track) or lift it; both need a reason."""
    if flagged:
        require(user, "dept_head", "hr")
    else:
        require(user, "hr")
    employee = subject_for(user, employee_id)
    if employee.track != "spec":
        raise ServiceError("严重工作失误只适用于成长档案专员。")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写原因。", "reason")
    if employee.serious_error == flagged:
        raise ServiceError("已记录严重工作失误。" if flagged else "此人没有未解除的严重工作失误。")
    employee.serious_error = flagged
    audit.record(
        user,
        "serious_error.record" if flagged else "serious_error.lift",
        "employee",
        employee.id,
        subject=audit.subject_of(employee),
        field="serious_error",
        old=not flagged,
        new=flagged,
        reason=reason,
    )
