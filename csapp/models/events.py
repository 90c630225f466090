"""Things recorded one by one: QA samples, dissatisfied cases, incidents, reviewed item scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .monthly import _now
from .org import Employee
from .users import User


class QaSample(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    recording_id: Mapped[str] = mapped_column(String(60), default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    employee: Mapped[Employee] = relationship()
    reviewer: Mapped[User | None] = relationship()


class DissatisfiedCase(db.Model):
    """A dissatisfied customer rating; `justified` is set after review (None = not yet reviewed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    recording_id: Mapped[str] = mapped_column(String(60), default="")
    justified: Mapped[bool | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    employee: Mapped[Employee] = relationship()


class Incident(db.Model):
    """A management incident (管理指标项) of RULES.md §3."""

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    employee: Mapped[Employee] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class ReviewedScore(db.Model):
    """A reviewer's 0–100 score of one item for a specialist, supervisor or manager (D11)."""

    __table_args__ = (UniqueConstraint("employee_id", "month", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    item: Mapped[str] = mapped_column(String(40))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)

    employee: Mapped[Employee] = relationship()


class ImportDraft(db.Model):
    """A checked metrics file waiting for 确认导入: what it would add, replace or leave unchanged is shown first."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    month: Mapped[str] = mapped_column(String(7))
    filename: Mapped[str] = mapped_column(String(200))
    rows_json: Mapped[str] = mapped_column(Text)  # [{employee_id, values, scores, recordings}], values as text
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
