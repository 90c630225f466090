"""Saving one cell of an entry sheet (department × month grid): parsed, checked, compare-and-set per field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db import insert_or_select, writes
from ..extensions import db
from ..models import DepartmentMonth, Employee, User
from ..models.org import department_people
from ..policy.months import first_day, last_day
from ..policy.numbers import fmt
from . import audit
from .access import department_for, require, require_enter
from .errors import Conflict, NeedsConfirmation, ServiceError
from .month_lock import department_month, guard
from .policy_book import policy_in
from .results import data_changed
from .sheets import DEPARTMENT_COLUMNS, SHEETS, Column, Sheet  # noqa: F401  (the grid's callers import them here)


def parse_cell(column: Column, text: str) -> int | Decimal | None:
    """Parse a typed-in value, or raise a ServiceError in Chinese naming the column."""
    text = (text or "").strip().replace(",", "")
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ServiceError(f"“{column.label}”须填数字,不能是“{text}”。", column.field) from None
    return check_value(column, number)


def check_usual(column: Column, value, policy, confirmed: bool) -> None:
    """Ask for a confirmation of a value above the policy's soft limit of its column (not refused: confirmed once)."""
    soft = policy.soft_limits.get(column.field)
    if value is not None and soft is not None and value > soft and not confirmed:
        raise NeedsConfirmation(
            f"“{column.label}”{fmt(value)} 超出常见范围(通常 ≤ {fmt(soft)}),确认保存?", column.field
        )


def check_value(column: Column, number: Decimal | None) -> int | Decimal | None:
    """Check a number against its column (finite, not negative, maximum, whole or half or 2 decimals)."""
    if number is None:
        return None
    if not number.is_finite():
        raise ServiceError(f"“{column.label}”须填数字。", column.field)
    if number < 0:
        raise ServiceError(f"“{column.label}”不能为负数。", column.field)
    if column.maximum is not None and number > column.maximum:
        raise ServiceError(f"“{column.label}”不能超过 {column.maximum}。", column.field)
    if column.kind == "int":
        if number != number.to_integral_value():
            raise ServiceError(f"“{column.label}”须填整数。", column.field)
        return int(number)
    if column.kind == "half" and (number * 2) % 1 != 0:
        raise ServiceError(f"“{column.label}”按半天计,只能填 0.5 的倍数。", column.field)
    if number.as_tuple().exponent < -2:
        raise ServiceError(f"“{column.label}”最多两位小数。", column.field)
    return number


def sheet_people(sheet: Sheet, department_id: int, month: str) -> list[Employee]:
    """Return the people a sheet lists for a department and month."""
    return [e for e in department_people(department_id, month) if e.track_in(month) in sheet.tracks]


def on_sheet(sheet: Sheet, employee: Employee, department_id: int, month: str) -> bool:
    """Whether *employee* is a row of the sheet (as sheet_people would list them), without loading the others."""
    start, end = first_day(month), last_day(month)
    return (
        employee.employed_in(start, end)
        and employee.department_in(month) == department_id
        and employee.track_in(month) in sheet.tracks
    )


def sheet_records(sheet: Sheet, employees: list[Employee], month: str) -> dict[int, object]:
    ids = [e.id for e in employees]
    return {
        r.employee_id: r
        for r in db.session.scalars(
            select(sheet.model).where(sheet.model.employee_id.in_(ids), sheet.model.month == month)
        )
    }


def _display(value) -> str:
    return "" if value is None else str(value)


def _or_zero(value, nullable: bool):
    """A column that cannot be empty shows an unsaved row's empty cell as 0."""
    return 0 if value is None and not nullable else value


def _changed_meanwhile(record, column: Column, current) -> None:
    """Refuse a save whose field was changed by someone else since the user saw it (409, naming the field)."""
    who = record is not None and record.updated_by_id and db.session.get(User, record.updated_by_id)
    name = who.display_name if who else "他人"
    raise Conflict(
        f"“{column.label}”已被{name}修改,当前值为 {_display(current) or '空'};您的修改未保存,请核对后重新填写。",
        current=current,
        field=column.field,
    )


def _check_version(record, version: int, column: Column) -> None:
    """Refuse a save of a record whose version moved on since the user loaded it."""
    if version != (record.version if record is not None else 0):
        _changed_meanwhile(record, column, getattr(record, column.field) if record is not None else None)


def _flush_or_conflict(column: Column) -> None:
    """Write the change; another save that got in between (same version) turns it into a Conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(f"“{column.label}”刚被他人修改,您的修改未保存,请刷新后重试。", field=column.field) from None


@writes
def save_cell(
    user: User,
    sheet_key: str,
    department_id: int,
    month: str,
    employee_id: int,
    field: str,
    text: str,
    expected: str | None,
    reason: str = "",
    confirmed: bool = False,
):
    """Save one cell of a sheet if it still holds *expected* (the value the user saw); refuse a locked month or a bad value.

    The check is per field: two people editing different fields of one row never conflict.
    """
    require(user, "supervisor", "hr")
    sheet = SHEETS.get(sheet_key)
    if sheet is None:
        raise ServiceError("没有这张表。")
    department = department_for(user, department_id)
    column = sheet.column(field)
    employee = db.session.get(Employee, employee_id)
    if employee is None or not on_sheet(sheet, employee, department.id, month):
        raise ServiceError("此人不在本部门本月的名单中。")
    require_enter(user, employee, month)
    value = parse_cell(column, text)
    if expected is None:
        raise ServiceError("保存请求缺少原值,请刷新页面后重试。", field)
    check_usual(column, value, policy_in(month), confirmed)
    nullable = sheet.model.__table__.c[field].nullable
    seen = _or_zero(parse_cell(column, expected), nullable)
    value = _or_zero(value, nullable)
    correction = guard(user, department.id, month, reason)
    data_changed([department.id], month, employees=[employee.id])
    record = db.session.scalar(
        select(sheet.model)
        .where(sheet.model.employee_id == employee.id, sheet.model.month == month)
        .with_for_update()  # compare and set: nobody writes the row between the check and the save
    )
    inserted = False
    if record is None and seen == _or_zero(None, nullable):  # the row's first save (savepoint, re-select on a clash)
        record, inserted = insert_or_select(
            db.session, sheet.model, {field: value, "updated_by_id": user.id}, employee_id=employee.id, month=month
        )
    current = _or_zero(getattr(record, field) if record is not None else None, nullable)
    if not inserted and current != seen:
        _changed_meanwhile(record, column, current)
    old = None if inserted else getattr(record, field)
    if old == value and not inserted:
        return record
    setattr(record, field, value)
    record.updated_by_id = user.id
    _flush_or_conflict(column)
    audit.record(
        user,
        f"{sheet.key}.update",
        sheet.model.__tablename__,
        record.id,
        subject=audit.subject_of(employee),
        month=month,
        field=field,
        old=old,
        new=value,
        reason=reason.strip(),
        correction=correction,
    )
    return record


@writes
def save_department_field(
    user: User,
    department_id: int,
    month: str,
    field: str,
    text: str,
    version: int | None,
    reason: str = "",
    confirmed: bool = False,
) -> DepartmentMonth:
    """Save one department-month figure (connection rate, service level, headcount, leavers)."""
    require(user, "supervisor", "hr")
    department = department_for(user, department_id)
    column = next((c for c in DEPARTMENT_COLUMNS if c.field == field), None)
    if column is None:
        raise ServiceError("没有这一项。")
    value = parse_cell(column, text)
    check_usual(column, value, policy_in(month), confirmed)
    if version is None:
        raise ServiceError("保存请求缺少版本号,请刷新页面后重试。", field)
    correction = guard(user, department.id, month, reason)
    data_changed([department.id], month)
    record = department_month(department.id, month)
    _check_version(record, version, column)
    record = record or department_month(department.id, month, create=True)
    old = getattr(record, field)
    setattr(record, field, value)
    record.updated_by_id = user.id
    _flush_or_conflict(column)
    audit.record(
        user,
        "department_month.update",
        "department_month",
        record.id,
        subject=department.name,
        month=month,
        field=field,
        old=old,
        new=value,
        reason=reason.strip(),
        correction=correction,
    )
    return record
