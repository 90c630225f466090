"""Promotion applications and their workflow state (RULES.md §4.1)."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal

from sqlalchemy import Date, Enum, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from ..policy.names import APPLICATION_STATUS_NAMES
from .monthly import _now
from .org import Employee
from .users import User


class ApplicationStatus(enum.Enum):
    SUBMITTED = "submitted"  # 待面谈
    INTERVIEWED = "interviewed"  # 待评定
    APPROVED = "approved"  # 已通过
    REJECTED = "rejected"  # 未通过
    WITHDRAWN = "withdrawn"  # 已撤回

    @property
    def label(self) -> str:
        return APPLICATION_STATUS_NAMES[self.value]

    @property
    def is_open(self) -> bool:
        return self in (ApplicationStatus.SUBMITTED, ApplicationStatus.INTERVIEWED)


class IllegalTransition(Exception):
    """A workflow move that the application's state does not allow."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PromotionApplication(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    from_grade: Mapped[str] = mapped_column(String(10))
    target_grade: Mapped[str] = mapped_column(String(10))
    applied_on: Mapped[dt.date] = mapped_column(Date)
    month: Mapped[str] = mapped_column(String(7), index=True)  # application month M: effective month
    status: Mapped[ApplicationStatus] = mapped_column(
        Enum(ApplicationStatus, native_enum=False, length=12, values_callable=lambda e: [m.value for m in e]),
        default=ApplicationStatus.SUBMITTED,
        index=True,
    )
    policy_version: Mapped[str] = mapped_column(String(40))
    snapshot: Mapped[str] = mapped_column(Text)  # the evaluation at submit, JSON
    latest: Mapped[str | None] = mapped_column(Text)  # the evaluation after the interview, JSON
    late_reason: Mapped[str] = mapped_column(Text, default="")  # HR accepted a late application
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    interview_on: Mapped[dt.date | None] = mapped_column(Date)
    interview_notes: Mapped[str] = mapped_column(Text, default="")
    interview_passed: Mapped[bool | None]
    written_test: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    process_passed: Mapped[bool | None]  # managers: 流程优化
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    interviewed_at: Mapped[dt.datetime | None]
    # 已变化: the interview was changed while HR was deciding (when, and the dept head's reason)
    interview_changed_at: Mapped[dt.datetime | None]
    interview_change_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # 已变化: a policy version published for the application's month after it was made (HR checks again)
    policy_changed_at: Mapped[dt.datetime | None]
    policy_change_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[dt.datetime | None]
    version: Mapped[int]

    employee: Mapped[Employee] = relationship()
    interviewer: Mapped[User | None] = relationship(foreign_keys=[interviewer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

    # -- workflow -------------------------------------------------------------------------
    def _require(self, allowed: tuple[ApplicationStatus, ...], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(f"申请当前状态为“{self.status.label}”,不能{action}。")

    def record_interview(
        self,
        interviewer: User,
        on: dt.date,
        notes: str,
        passed: bool,
        written_test: Decimal | None,
        process_passed: bool | None,
        change_reason: str = "",
    ) -> None:
        """Record (or correct, until HR decides) the interview: submitted/interviewed → interviewed.

        A correction while HR is deciding needs a reason and marks the application 已变化 for HR.
        """
        self._require((ApplicationStatus.SUBMITTED, ApplicationStatus.INTERVIEWED), "记录面谈")
        if self.status == ApplicationStatus.INTERVIEWED:
            if not change_reason.strip():
                raise IllegalTransition("面谈结果已提交人事评定;修改须填写修改原因,人事会看到“已变化”。")
            self.interview_changed_at, self.interview_change_reason = _now(), change_reason.strip()
        self.interview_on, self.interview_notes, self.interview_passed = on, notes, passed
        self.written_test, self.process_passed = written_test, process_passed
        self.interviewer_id, self.interviewed_at = interviewer.id, _now()
        self.status = ApplicationStatus.INTERVIEWED

    def approve(self, hr: User, reason: str, eligible: bool) -> None:
        """interviewed → approved, only when the fresh evaluation is eligible."""
        self._require((ApplicationStatus.INTERVIEWED,), "批准")
        if not eligible:
            raise IllegalTransition("按当前数据,此申请不满足全部条件,不能批准;请查看下方未满足的条件。")
        self._decide(hr, reason, ApplicationStatus.APPROVED)

    def reject(self, hr: User, reason: str) -> None:
        """interviewed → rejected."""
        self._require((ApplicationStatus.INTERVIEWED,), "评定为不通过")
        self._decide(hr, reason, ApplicationStatus.REJECTED)

    def withdraw(self) -> None:
        """submitted → withdrawn (only before the interview)."""
        self._require((ApplicationStatus.SUBMITTED,), "撤回(面谈后不能撤回)")
        self.status = ApplicationStatus.WITHDRAWN
        self.withdrawn_at = _now()

    def _decide(self, hr: User, reason: str, status: ApplicationStatus) -> None:
        self.decided_by_id, self.decided_at, self.decision_reason = hr.id, _now(), reason
        self.status = status

    # -- stored evaluations ------------------------------------------------------------------
    @property
    def snapshot_data(self) -> dict:
        return json.loads(self.snapshot)

    @property
    def latest_data(self) -> dict | None:
        return json.loads(self.latest) if self.latest else None
