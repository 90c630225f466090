"""Dated events in a person's working life (员工档案): hire, 转正, transfer, leaving, rehire. Each is audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .monthly import _now
from .org import Employee
from .users import User

EVENT_NAMES = {"hire": "入职", "regularize": "转正", "transfer": "调动部门", "leave": "离职", "rehire": "再次入职"}


class PersonEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # hire | regularize | transfer | leave | rehire
    on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(default=False)  # 已撤销 by a correction (kept, never deleted)
    correction: Mapped[str] = mapped_column(Text, default="")  # the corrections so far, for the timeline
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)

    employee: Mapped[Employee] = relationship(backref=db.backref("events", order_by="PersonEvent.on"))
    created_by: Mapped[User | None] = relationship()

    @property
    def name(self) -> str:
        return EVENT_NAMES[self.kind]
