"""The audit trail: who changed what, when, from which value to which, and why."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .monthly import _now
from .users import User


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # e.g. score.update, incident.add
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    subject: Mapped[str] = mapped_column(String(120), default="")  # whom/what it is about, readable
    month: Mapped[str | None] = mapped_column(String(7), index=True)
    field: Mapped[str] = mapped_column(String(40), default="")
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    is_correction: Mapped[bool] = mapped_column(default=False)  # a change to a locked month

    user: Mapped[User | None] = relationship()
