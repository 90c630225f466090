"""Entry sheets (department × month grids) and saving one cell with optimistic locking."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db import insert_or_select, writes
from ..extensions import db
from ..models import AgentMonth, Attendance, DepartmentMonth, Employee, LeaderMonth, SpecialistMonth, User
from ..models.org import department_people
from ..policy.months import first_day, last_day
from ..policy.numbers import fmt
from ..policy.parameters import policy_for
from . import audit
from .access import department_for, require, require_enter
from .errors import Conflict, NeedsConfirmation, ServiceError
from .month_lock import department_month, guard
from .results import data_changed


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    kind: str  # int | decimal | half (half days)
    hint: str = ""  # may name policy numbers: {per_count}, {limit_regular}, {limit_intern}, {commission}, {seconds}
    maximum: Decimal | None = None
    item: str | None = None  # the KPI item whose numbers the hint shows

    def hint_for(self, policy) -> str:
        """The hint with the numbers of the policy in force (never typed twice), and the usual range."""
        soft = policy.soft_limits.get(self.field)
        usual = f"(通常 ≤ {fmt(soft)})" if soft is not None else ""
        return self._hint(policy) + usual

    def _hint(self, policy) -> str:
        if "{" not in self.hint:
            return self.hint
        item = policy.kpi.items[self.item] if self.item else None
        limits = item.limit_seconds if item and item.limit_seconds else {}
        spec = next((g for g in policy.grades.values() if g.commission_per_book), None)
        return self.hint.format(
            per_count=fmt(item.per_count) if item and item.per_count else "",
            limit_regular=fmt(limits.get("regular", 0)),
            limit_intern=fmt(limits.get("intern", 0)),
            commission=fmt(spec.commission_per_book) if spec else "",
            seconds=policy.promotion.service_level_seconds,
        )


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    model: type
    tracks: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        for column in self.columns:
            if column.field == field:
                return column
        raise ServiceError("没有这一列。")


SHEETS = {
    "metrics": Sheet(
        "metrics",
        "绩效数据",
        AgentMonth,
        ("agent",),
        (
            Column("production", "接线量", "int", "本月接听的电话数"),
            Column(
                "feedback_unprocessed",
                "未处理反馈",
                "int",
                "用户反馈未处理的例数,每例 −{per_count} 分",
                item="feedback",
            ),
            Column("im_unprocessed", "未处理环信", "int", "下班时未处理的环信消息,每条 −{per_count} 分", item="im"),
            Column(
                "avg_call_seconds",
                "通话均长(秒)",
                "decimal",
                "正式员工上限 {limit_regular} 秒,实习 {limit_intern} 秒",
                Decimal(3600),
                item="call_length",
            ),
            Column("plan_missed", "计划未达标", "int", "未达标的部门计划指标,每项 −{per_count} 分", item="plan"),
            Column(
                "knowledge_errors",
                "业务知识差错",
                "int",
                "解答错误或不专业,每次 −{per_count} 分;属于管理指标项的请在事件登记",
                item="knowledge",
            ),
            Column(
                "operation_errors",
                "操作失误",
                "int",
                "操作办理失误,每次 −{per_count} 分;属于“工作差错”的请在事件登记",
                item="operations",
            ),
            Column(
                "discipline",
                "纪律/卫生",
                "int",
                "现场纪律、办公环境卫生,每次 −{per_count} 分;辖区卫生问题请在事件登记",
                item="discipline",
            ),
            Column(
                "cooperation",
                "配合度",
                "int",
                "工作配合度/执行力,每次 −{per_count} 分;不执行工作安排请在事件登记",
                item="cooperation",
            ),
        ),
    ),
    "attendance": Sheet(
        "attendance",
        "考勤",
        Attendance,
        ("agent", "spec", "sup", "mgr"),
        (
            Column("late", "迟到", "int", "次数"),
            Column("absent", "旷工", "int", "次数"),
            Column("leave_annual", "年假", "half", "天,可填半天"),
            Column("leave_sick", "病假", "half", "天"),
            Column("leave_personal", "事假", "half", "天"),
            Column("leave_bereavement", "丧假", "half", "天"),
            Column("leave_maternity", "产假", "half", "天"),
            Column("leave_marriage", "婚假", "half", "天"),
            Column("leave_other", "其他假", "half", "天"),
        ),
    ),
    "specialist": Sheet(
        "specialist",
        "专员数据",
        SpecialistMonth,
        ("spec",),
        (
            Column("books_delivered", "交付本数", "int", "佣金 = 本数 × {commission} 元"),
            Column("audit_errors", "审核差错", "int", "次数"),
            Column("delivery_data_errors", "数据交付失误", "int", "次数"),
            Column("shipping_errors", "配送失误", "int", "次数"),
        ),
    ),
    "leader": Sheet(
        "leader",
        "主管/经理数据",
        LeaderMonth,
        ("sup", "mgr"),
        (
            Column("work_errors", "工作差错", "int", "次数,晋升条件“工作差错”按此统计"),
            Column("coordination_complaints", "部门协调投诉", "int", "主管:部门协调方面的投诉次数"),
        ),
    ),
}

DEPARTMENT_COLUMNS = (
    Column("connection_rate", "400电话接通率(%)", "decimal", "部门当月接通率,0–100", Decimal(100)),
    Column("service_level", "服务水平(%)", "decimal", "{seconds} 秒内接起的来电占比,0–100", Decimal(100)),
    Column("headcount", "在册人数", "int", "月末人数"),
    Column("leavers", "流失人数", "int", "本月离职人数"),
)


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
    check_usual(column, value, policy_for(month), confirmed)
    nullable = sheet.model.__table__.c[field].nullable
    seen = _or_zero(parse_cell(column, expected), nullable)
    value = _or_zero(value, nullable)
    correction = guard(user, department.id, month, reason)
    data_changed([department.id], month)
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
    check_usual(column, value, policy_for(month), confirmed)
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
