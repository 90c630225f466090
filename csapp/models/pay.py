"""Pay runs: a month's computed pay, versioned; a run goes stale when its inputs change."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .monthly import _now
from .org import Employee
from .users import User


class PayRun(db.Model):
    """One computation of a month's pay; recomputing adds a new run and keeps the old one."""

    __table_args__ = (UniqueConstraint("month", "run_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    run_no: Mapped[int]
    current: Mapped[bool] = mapped_column(default=True)  # the latest run of the month
    stale: Mapped[bool] = mapped_column(default=False)
    stale_reason: Mapped[str] = mapped_column(Text, default="")
    policy_version: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    created_by: Mapped[User | None] = relationship()
    slips: Mapped[list[PaySlip]] = relationship(
        back_populates="run", order_by="PaySlip.id", cascade="all, delete-orphan"
    )


class PaySlip(db.Model):
    """A person's pay in a run: every line with its explanation."""

    __table_args__ = (UniqueConstraint("run_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pay_run.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    grade: Mapped[str] = mapped_column(String(10))
    base: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    performance: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    commission: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    attendance_bonus: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    allowances: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    gross: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    kpi_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    explanations_json: Mapped[str] = mapped_column(Text)

    run: Mapped[PayRun] = relationship(back_populates="slips")
    employee: Mapped[Employee] = relationship()

    @property
    def explanations(self) -> dict[str, str]:
        return json.loads(self.explanations_json)
