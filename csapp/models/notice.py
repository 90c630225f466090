"""The registry of issued notices (signed PDFs) and the batch jobs that print them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..policy.names import NOTICE_KIND_NAMES
from .monthly import _now
from .org import Employee
from .users import User

NOTICE_KINDS = NOTICE_KIND_NAMES


class IssuedNotice(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # e.g. JS2026-00012
    kind: Mapped[str] = mapped_column(String(20), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_application.id"))
    pay_slip_id: Mapped[int | None] = mapped_column(ForeignKey("pay_slip.id"))
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    path: Mapped[str] = mapped_column(String(300))  # relative to the instance folder
    signer: Mapped[str] = mapped_column(String(200))
    signatory: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[dt.datetime] = mapped_column(default=_now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    employee: Mapped[Employee] = relationship()
    issued_by: Mapped[User | None] = relationship()

    @property
    def kind_name(self) -> str:
        return NOTICE_KINDS[self.kind]


class NoticeCounter(db.Model):
    """The last number given out per notice kind and year; claimed with one UPDATE … RETURNING."""

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class BatchJob(db.Model):
    """Printing many notices off the request: progress, then one ZIP."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # pay | promotion
    month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    zip_path: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    finished_at: Mapped[dt.datetime | None]

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(100 * self.done / self.total) if self.total else 0
