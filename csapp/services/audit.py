"""Write and read the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEntry, User


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def subject_of(employee) -> str:
    """How an audit row names a person: 工号 and name."""
    return f"{employee.code} {employee.name}"


def record(
    user: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    subject: str = "",
    month: str | None = None,
    field: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    correction: bool = False,
) -> AuditEntry:
    """Add an audit row to the current transaction (the caller commits)."""
    entry = AuditEntry(
        user_id=user.id if user else None,
        action=action,
        entity=entity,
        entity_id=entity_id,
        subject=subject,
        month=month,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        reason=reason,
        is_correction=correction,
    )
    db.session.add(entry)
    return entry


def downloaded(user: User, action: str, subject: str, month: str | None = None, entity_id: int | None = None) -> None:
    """Record that *user* took a file out of the system (a notice, an export), in its own short transaction.

    Called before the file is read or built, so the download that follows reads a snapshot of its own.
    """
    from ..db import write_transaction

    with write_transaction():
        record(user, action, action.split(".")[0], entity_id, subject=subject, month=month)


def search(
    *,
    action: str = "",
    month: str = "",
    user_id: int | None = None,
    text: str = "",
    corrections_only: bool = False,
    accounts_only: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEntry]:
    """Return audit rows, newest first, filtered (*accounts_only*: logins and account changes, the admin's view)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if accounts_only:
        query = query.where(AuditEntry.action.startswith("user."))
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if month:
        query = query.where(AuditEntry.month == month)
    if user_id:
        query = query.where(AuditEntry.user_id == user_id)
    if text:
        query = query.where(AuditEntry.subject.contains(text))
    if corrections_only:
        query = query.where(AuditEntry.is_correction.is_(True))
    return list(db.session.scalars(query.limit(limit).offset(offset)))
