"""Fixed monthly allowances per person (RULES.md §2.4), set by HR."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from ..db import writes
from ..extensions import db
from ..models import PersonAllowance, User
from ..policy.months import month_of
from ..policy.parameters import policy_for
from . import audit
from .access import employee_for, require
from .errors import ServiceError
from .grid import Column, check_value

AMOUNT = Column("amount", "金额", "decimal", "元/月", Decimal(100000))


@writes
def set_allowance(user: User, employee_id: int, kind: str, amount: Decimal | None, today) -> PersonAllowance | None:
    """Set (or, with an empty amount or 0, remove) one allowance of a person."""
    require(user, "hr")
    employee = employee_for(user, employee_id)
    names = policy_for(month_of(today)).pay.allowance_names
    if kind not in names:
        raise ServiceError("请选择补贴类型。", "kind")
    value = check_value(AMOUNT, amount)
    row = db.session.scalar(
        select(PersonAllowance).where(PersonAllowance.employee_id == employee.id, PersonAllowance.kind == kind)
    )
    old = row.amount if row else None
    if not value:
        if row:
            db.session.delete(row)
        row = None
    elif row:
        row.amount = value
    else:
        row = PersonAllowance(employee_id=employee.id, kind=kind, amount=value)
        db.session.add(row)
    audit.record(
        user,
        "allowance.update",
        "person_allowance",
        row.id if row else None,
        subject=f"{employee.code} {employee.name}",
        field=kind,
        old=old,
        new=value,
    )
    return row
