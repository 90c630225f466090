"""Pay runs: a month's computed pay, versioned, with a lifecycle: 草稿 → 已确认 → 已被更正 (or 已放弃)."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import partial_unique
from ..extensions import db
from ..policy.names import PAY_RUN_STATUS_NAMES
from .monthly import _now
from .org import Employee
from .promotion import IllegalTransition
from .users import User


class PayRunStatus(enum.Enum):
    DRAFT = "draft"  # 草稿: HR only, may be recomputed (the old draft is abandoned)
    CONFIRMED = "confirmed"  # 已确认: what staff see and notices are issued from
    SUPERSEDED = "superseded"  # 已被更正: a later confirmation replaced it
    ABANDONED = "abandoned"  # 已放弃: a draft replaced by a new computation

    @property
    def label(self) -> str:
        return PAY_RUN_STATUS_NAMES[self.value]


class PayCounter(db.Model):
    """The last run number and the last confirmation number given out per month; claimed with one UPDATE … RETURNING."""

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    runs: Mapped[int] = mapped_column(default=0)
    confirms: Mapped[int] = mapped_column(default=0)


class PayRun(db.Model):
    """One computation of a month's pay; every run is kept.

    A month has at most one draft and one confirmed run (partial unique indexes).
    """

    __table_args__ = (
        UniqueConstraint("month", "run_no"),
        partial_unique("uq_pay_run_one_draft", "month", where="status = 'DRAFT'"),
        partial_unique("uq_pay_run_one_confirmed", "month", where="status = 'CONFIRMED'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    run_no: Mapped[int]  # 第 n 次核算 of the month
    status: Mapped[PayRunStatus] = mapped_column(Enum(PayRunStatus, length=12), default=PayRunStatus.DRAFT)
    confirm_no: Mapped[int | None]  # 第 k 次确认 of the month
    stale: Mapped[bool] = mapped_column(default=False)  # 已过期: an input changed after the computation
    stale_reason: Mapped[str] = mapped_column(Text, default="")
    policy_version: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[dt.datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("pay_run.id"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    slips: Mapped[list[PaySlip]] = relationship(
        back_populates="run", order_by="PaySlip.id", cascade="all, delete-orphan"
    )

    def confirm(self, user: User, number: int) -> None:
        """草稿 → 已确认; refused for a stale draft or any other state."""
        if self.status != PayRunStatus.DRAFT:
            raise IllegalTransition(f"第 {self.run_no} 次核算{self.status.label},不能确认。")
        if self.stale:
            raise IllegalTransition(f"第 {self.run_no} 次核算已过期({self.stale_reason}),请重新计算后再确认。")
        self.status, self.confirm_no = PayRunStatus.CONFIRMED, number
        self.confirmed_by_id, self.confirmed_at = user.id, _now()

    def supersede(self, successor: PayRun) -> None:
        """已确认 → 已被更正, pointing to the run that replaces it."""
        if self.status != PayRunStatus.CONFIRMED:
            raise IllegalTransition(f"第 {self.run_no} 次核算{self.status.label},不能被更正。")
        self.status, self.superseded_by_id = PayRunStatus.SUPERSEDED, successor.id

    def abandon(self) -> None:
        """草稿 → 已放弃 (a new computation replaces the draft)."""
        if self.status != PayRunStatus.DRAFT:
            raise IllegalTransition(f"只有草稿可以放弃,第 {self.run_no} 次核算{self.status.label}。")
        self.status = PayRunStatus.ABANDONED

    @property
    def is_draft(self) -> bool:
        return self.status == PayRunStatus.DRAFT


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
    deductions_total: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))
    net: Mapped[Decimal] = mapped_column(Numeric(10, 2))  # 实发 = 应发 − deductions
    employed_days: Mapped[int | None]  # None: the whole month (RULES.md D19)
    kpi_score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    explanations_json: Mapped[str] = mapped_column(Text)
    deductions_json: Mapped[str] = mapped_column(Text, default="{}")  # kind → amount, copied at computation
    gaps_json: Mapped[str] = mapped_column(Text, default="[]")  # [[kind, detail], …]: missing data

    run: Mapped[PayRun] = relationship(back_populates="slips")
    employee: Mapped[Employee] = relationship()

    @property
    def explanations(self) -> dict[str, str]:
        return json.loads(self.explanations_json)

    @property
    def deductions(self) -> dict[str, Decimal]:
        return {kind: Decimal(amount) for kind, amount in json.loads(self.deductions_json or "{}").items()}

    @property
    def gaps(self) -> list[tuple[str, str]]:
        return [tuple(gap) for gap in json.loads(self.gaps_json or "[]")]


class PayComputation(db.Model):
    """The claim on a month's computation: one at a time (the primary key is the month)."""

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=_now)

    holder: Mapped[User | None] = relationship()


class Deduction(db.Model):
    """One deduction of a person's month (社保个人部分 …), typed in or imported; an input, never computed."""

    __table_args__ = (UniqueConstraint("employee_id", "month", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    employee: Mapped[Employee] = relationship()


class DeductionMonth(db.Model):
    """That a month's deductions are complete: imported from the provider, or 本月无扣款 with a reason."""

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    source: Mapped[str] = mapped_column(String(12))  # import | none
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[dt.datetime] = mapped_column(default=_now)


class PayGapReason(db.Model):
    """HR's reason for one gap of a person's month; kept across recomputations."""

    __table_args__ = (UniqueConstraint("month", "employee_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))  # None: the whole month
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[dt.datetime] = mapped_column(default=_now)
