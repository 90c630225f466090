"""Fixed monthly allowances per person (RULES.md §2.4), set by HR."""

from __future__ import annotations

from decimal import Decimal

from ..db import upsert, writes
from ..extensions import db
from ..models import PersonAllowance, User
from ..models.org import allowances_in
from . import audit
from .access import require, subject_for
from .errors import ServiceError
from .grid import Column, check_value
from .pay.runs import mark_pay_stale_from
from .policy_book import policy_in

AMOUNT = Column("amount", "金额", "decimal", "元/月", Decimal(100000))


@writes
def set_allowance(user: User, employee_id: int, kind: str, amount: Decimal | None, month: str) -> PersonAllowance:
    """Set one allowance of a person from *month* on (an empty amount or 0 ends it from that month).

    Earlier months keep what was in force then; pay runs of *month* and later go stale.
    """
    require(user, "hr")
    employee = subject_for(user, employee_id)
    names = policy_in(month).pay.allowance_names
    if kind not in names:
        raise ServiceError("请选择补贴类型。", "kind")
    value = check_value(AMOUNT, amount) or Decimal(0)
    rows = [a for a in employee.allowances if a.kind == kind]
    old = allowances_in(rows, month).get(employee.id, {}).get(kind)
    row = upsert(
        db.session, PersonAllowance, {"amount": value}, employee_id=employee.id, kind=kind, effective_month=month
    )
    mark_pay_stale_from(month, f"{names[kind]}自 {month} 起调整", employee_id=employee.id)
    audit.record(
        user,
        "allowance.update",
        "person_allowance",
        row.id,
        subject=audit.subject_of(employee),
        month=month,
        field=kind,
        old=old,
        new=value,
    )
    return row
