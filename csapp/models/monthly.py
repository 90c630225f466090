"""Per-month records: department months, agent metrics, attendance, specialist data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .. import clock
from ..extensions import db
from .org import Department, Employee


def _now() -> dt.datetime:
    return clock.now_utc()


class Versioned:
    """A shared record edited by several people: optimistic locking on `version`."""

    version: Mapped[int]
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class DepartmentMonth(Versioned, db.Model):
    __table_args__ = (UniqueConstraint("department_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    month: Mapped[str] = mapped_column(String(7))
    connection_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # 400电话接通率 %
    service_level: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # D18 %
    headcount: Mapped[int | None]
    leavers: Mapped[int | None]
    locked_at: Mapped[dt.datetime | None]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    department: Mapped[Department] = relationship()


class AgentMonth(Versioned, db.Model):
    """An agent's counters for a month (QA samples, cases and incidents are rows of their own)."""

    __table_args__ = (UniqueConstraint("employee_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    production: Mapped[int | None]
    feedback_unprocessed: Mapped[int] = mapped_column(default=0)
    im_unprocessed: Mapped[int] = mapped_column(default=0)
    avg_call_seconds: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    plan_missed: Mapped[int] = mapped_column(default=0)
    knowledge_errors: Mapped[int] = mapped_column(default=0)
    operation_errors: Mapped[int] = mapped_column(default=0)
    discipline: Mapped[int] = mapped_column(default=0)
    cooperation: Mapped[int] = mapped_column(default=0)

    employee: Mapped[Employee] = relationship()


class Attendance(Versioned, db.Model):
    """Late, absent and leave days (half days allowed) of a person in a month."""

    __table_args__ = (UniqueConstraint("employee_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    late: Mapped[int] = mapped_column(default=0)
    absent: Mapped[int] = mapped_column(default=0)
    leave_annual: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))
    leave_sick: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))
    leave_personal: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))
    leave_bereavement: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))
    leave_maternity: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))
    leave_marriage: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))
    leave_other: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal(0))

    employee: Mapped[Employee] = relationship()

    def leave_days(self) -> dict[str, Decimal]:
        """Return leave days by type key (RULES.md §2)."""
        return {
            key: getattr(self, f"leave_{key}")
            for key in ("annual", "sick", "personal", "bereavement", "maternity", "marriage", "other")
        }


class SpecialistMonth(Versioned, db.Model):
    """A growth-archive specialist's month: books delivered and errors."""

    __table_args__ = (UniqueConstraint("employee_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    books_delivered: Mapped[int] = mapped_column(default=0)
    audit_errors: Mapped[int] = mapped_column(default=0)
    delivery_data_errors: Mapped[int] = mapped_column(default=0)
    shipping_errors: Mapped[int] = mapped_column(default=0)

    employee: Mapped[Employee] = relationship()


class LeaderMonth(Versioned, db.Model):
    """A supervisor's or manager's counted events of a month (RULES.md §4.5)."""

    __table_args__ = (UniqueConstraint("employee_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    work_errors: Mapped[int] = mapped_column(default=0)
    coordination_complaints: Mapped[int] = mapped_column(default=0)

    employee: Mapped[Employee] = relationship()
