"""Department months: their record, the month lock and the rule for changing a locked month."""

from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..db import insert_or_select, writes
from ..extensions import db
from ..models import DepartmentMonth, User
from . import audit
from .access import department_for, require
from .errors import MonthLocked, ServiceError


def department_month(department_id: int, month: str, create: bool = False) -> DepartmentMonth | None:
    """Return the department's record of *month* (inserted first when asked: savepoint, re-select on a clash)."""
    if create:
        return insert_or_select(db.session, DepartmentMonth, department_id=department_id, month=month)[0]
    return db.session.scalar(
        select(DepartmentMonth).where(DepartmentMonth.department_id == department_id, DepartmentMonth.month == month)
    )


def is_locked(department_id: int, month: str) -> bool:
    row = department_month(department_id, month)
    return bool(row and row.locked_at)


def guard(user: User, department_id: int, month: str, reason: str = "") -> bool:
    """Allow a change to a department month; return True when it is a correction of a locked month.

    Open months: anyone allowed to enter the data. Locked months: HR only, with a written reason.
    Either way, pay already computed for the month goes stale.
    """
    from .pay.runs import mark_pay_stale

    if not is_locked(department_id, month):
        mark_pay_stale(None, month, "核算后数据有修改", department_id=department_id)
        return False
    if not user.has("hr"):
        raise MonthLocked(f"{month} 已锁定,不能再修改;如需更正,请联系人事并说明原因。")
    if not reason.strip():
        raise MonthLocked(f"{month} 已锁定,更正必须填写原因。", field="reason")
    mark_pay_stale(None, month, f"锁定后更正:{reason.strip()}", department_id=department_id)
    return True


@writes
def lock(user: User, department_id: int, month: str) -> DepartmentMonth:
    """Close a month: later changes need HR and a written reason."""
    require(user, "supervisor", "hr")
    department = department_for(user, department_id)
    row = department_month(department.id, month, create=True)
    if row.locked_at:
        raise ServiceError(f"{month} 已经锁定。")
    row.locked_at = clock.now_utc()
    row.locked_by_id = user.id
    audit.record(
        user,
        "month.lock",
        "department_month",
        row.id,
        subject=department.name,
        month=month,
        field="locked",
        old="否",
        new="是",
    )
    return row


@writes
def unlock(user: User, department_id: int, month: str, reason: str) -> DepartmentMonth:
    """Reopen a locked month (HR only, with a reason)."""
    require(user, "hr")
    department = department_for(user, department_id)
    row = department_month(department.id, month)
    if not row or not row.locked_at:
        raise ServiceError(f"{month} 没有锁定。")
    if not reason.strip():
        raise ServiceError("解锁必须填写原因。", field="reason")
    row.locked_at = None
    row.locked_by_id = None
    audit.record(
        user,
        "month.unlock",
        "department_month",
        row.id,
        subject=department.name,
        month=month,
        field="locked",
        old="是",
        new="否",
        reason=reason.strip(),
    )
    return row
