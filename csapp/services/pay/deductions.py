"""Deductions (社保个人部分, 公积金个人部分, 个人所得税, 其他扣款): inputs from the payroll provider.

The app computes none of them. They are typed on the pay sheet or imported (XLSX/CSV, all or
nothing), copied into a run when it is computed, and any change marks the month's runs 已过期.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ...db import insert_or_select, upsert, writes
from ...extensions import db
from ...models import Deduction, DeductionMonth, Employee, User
from ...models.org import dated_facts
from .. import audit
from ..access import enterable, require, require_enter_all, subject_for
from ..errors import ServiceError
from ..grid import Column, check_value, parse_cell
from ..imports import ImportProblem, ImportResult
from ..policy_book import policy_in
from ..table_files import read_table
from .runs import mark_pay_stale

AMOUNT = Column("amount", "扣款金额", "decimal", "元", Decimal(1000000))
CODE = "工号"


def kinds(month: str) -> dict[str, str]:
    """The deduction kinds of the policy in force: key → Chinese name."""
    return dict(policy_in(month).pay.deduction_kinds)


def _store(user: User, employee: Employee, month: str, kind: str, amount: Decimal | None) -> None:
    row = db.session.scalar(
        select(Deduction).where(Deduction.employee_id == employee.id, Deduction.month == month, Deduction.kind == kind)
    )
    old = row.amount if row else None
    if not amount:
        if row:
            db.session.delete(row)
    elif row:
        row.amount, row.updated_by_id = amount, user.id
    else:
        insert_or_select(
            db.session,
            Deduction,
            {"amount": amount, "updated_by_id": user.id},
            employee_id=employee.id,
            month=month,
            kind=kind,
        )
    if (old or 0) != (amount or 0):
        audit.record(
            user,
            "deduction.update",
            "deduction",
            row.id if row else None,
            subject=audit.subject_of(employee),
            month=month,
            field=kind,
            old=old,
            new=amount,
        )


@writes
def set_deductions(user: User, employee_id: int, month: str, amounts: dict[str, Decimal | None]) -> None:
    """Set one person's deductions of a month (an empty amount removes it)."""
    require(user, "hr")
    employee = subject_for(user, employee_id, month)
    names = kinds(month)
    for kind, amount in amounts.items():
        if kind not in names:
            raise ServiceError("未知的扣款类型。")
        _store(user, employee, month, kind, check_value(AMOUNT, amount))
    mark_pay_stale(employee.id, month, "扣款有修改")


@writes
def mark_none(user: User, month: str, reason: str) -> DeductionMonth:
    """本月无扣款: the month has no deductions to import, for the written reason."""
    require(user, "hr")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写本月无扣款的原因。", "reason")
    row = upsert(db.session, DeductionMonth, {"source": "none", "note": reason, "by_id": user.id}, month=month)
    audit.record(
        user, "deduction.none", "deduction_month", None, subject=month, month=month, field="reason", new=reason
    )
    return row


def import_deductions(user: User, month: str, filename: str, data: bytes) -> ImportResult:
    """Read a provider's file (工号 + one column per kind); save every row, or none when any has a problem."""
    require(user, "hr")
    names = kinds(month)
    by_label = {label: key for key, label in names.items()}
    rows = read_table(filename, data)
    result = ImportResult()
    if not rows or CODE not in [c.strip() for c in rows[0]]:
        result.problems.append(ImportProblem(1, CODE, f"表头须有“{CODE}”和扣款列({'、'.join(names.values())})。"))
        return result
    header = [c.strip() for c in rows[0]]
    columns = {label: i for i, label in enumerate(header) if label in by_label}
    if not columns:
        result.problems.append(ImportProblem(1, "", f"没有可识别的扣款列,列名应为:{'、'.join(names.values())}。"))
        return result
    at = header.index(CODE)
    codes = {row[at].strip() for row in rows[1:] if len(row) > at and row[at].strip()}
    # only the people the file names, with their dated facts in four queries (the rank check reads the track)
    people = {
        e.code: e for e in db.session.scalars(select(Employee).where(Employee.code.in_(codes)).options(*dated_facts()))
    }
    allowed = enterable(user, list(people.values()), month)
    parsed: list[tuple[Employee, dict[str, Decimal | None]]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + [""] * len(header)
        code = cells[header.index(CODE)]
        if not any(cells):
            continue
        if code in seen:
            result.problems.append(ImportProblem(number, CODE, f"工号 {code} 与第 {seen[code]} 行重复。"))
            continue
        seen[code] = number
        if code not in people:
            result.problems.append(ImportProblem(number, CODE, f"没有工号为“{code}”的员工。"))
            continue
        if people[code].id not in allowed:
            result.problems.append(ImportProblem(number, CODE, f"工号 {code} 是您本人:本人的扣款须由另一位人事录入。"))
            continue
        amounts = {}
        for label, index in columns.items():
            try:
                amounts[by_label[label]] = parse_cell(
                    Column("amount", label, "decimal", "", AMOUNT.maximum), cells[index]
                )
            except ServiceError as exc:
                result.problems.append(ImportProblem(number, label, exc.message))
        parsed.append((people[code], amounts))
    if not result.problems and not parsed:
        result.problems.append(ImportProblem(2, "", "文件里没有数据行。"))
    if result.problems:
        return result
    _save_import(user, month, filename, parsed)
    result.saved = len(parsed)
    return result


@writes
def _save_import(user: User, month: str, filename: str, parsed: list) -> None:
    require_enter_all(user, [employee for employee, _ in parsed], month)
    for employee, amounts in parsed:
        for kind, amount in amounts.items():
            _store(user, employee, month, kind, amount)
        mark_pay_stale(employee.id, month, "扣款已导入")
    upsert(db.session, DeductionMonth, {"source": "import", "note": filename, "by_id": user.id}, month=month)
    audit.record(
        user,
        "deduction.import",
        "deduction_month",
        None,
        subject=month,
        month=month,
        field="rows",
        new=f"{filename}:{len(parsed)} 行",
    )
