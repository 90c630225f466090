"""Stored KPI results: one row per department-month and per agent-month, keyed by the data's version.

A (department, month) has a ``data_version`` raised in the same transaction as any write that can
change its results; a result is stored under (department, month, data_version, policy_version) and
read only while that key is current. The database is the cache: no process keeps results in memory.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..extensions import db


class DataVersion(db.Model):
    """The version of a department-month's data: raised by every write that can change its results."""

    __tablename__ = "data_version"

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class DataChange(db.Model):
    """Whose data one raise of a department-month's version changed (NULL: anything, e.g. the department's
    figures or a people event): a reader can derive the new result from an older one for a few agents."""

    __tablename__ = "data_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    month: Mapped[str] = mapped_column(String(7))
    version: Mapped[int]
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    __table_args__ = (Index("ix_data_change_department_month_version", "department_id", "month", "version"),)


class DepartmentResult(db.Model):
    """A department-month's scoring as computed from one data version under one policy version."""

    __tablename__ = "department_result"
    __table_args__ = (UniqueConstraint("department_id", "month", "data_version", "policy_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    month: Mapped[str] = mapped_column(String(7))
    data_version: Mapped[int]
    policy_version: Mapped[str] = mapped_column(String(40))
    connection_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    avg_production: Mapped[str | None] = mapped_column(String(80))  # an exact fraction, "n/d"
    avg_qa: Mapped[str | None] = mapped_column(String(80))
    qa_spread: Mapped[bool] = mapped_column(default=False)
    volume_spread: Mapped[bool] = mapped_column(default=False)
    lowest_qa: Mapped[str | None] = mapped_column(String(80))
    scored: Mapped[int] = mapped_column(default=0)  # agents in the scoring
    computed_at: Mapped[dt.datetime] = mapped_column(default=clock.now_utc)


class AgentResult(db.Model):
    """One agent's month within a department result."""

    __tablename__ = "agent_result"
    __table_args__ = (UniqueConstraint("result_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("department_result.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 6))  # exact here; ranks are sorted on it
    items_sum: Mapped[Decimal] = mapped_column(Numeric(12, 6))
    incident_points: Mapped[Decimal] = mapped_column(Numeric(12, 6))
    qa_numerator: Mapped[int] = mapped_column(BigInteger)  # the exact QA mean (D10)
    qa_denominator: Mapped[int] = mapped_column(BigInteger)
    qa_rank: Mapped[int]
    production_rank: Mapped[int]
    production: Mapped[int]
    stars: Mapped[str] = mapped_column(String(40), default="")
    explanation_id: Mapped[int] = mapped_column(ForeignKey("agent_explanation.id"))


class AgentExplanation(db.Model):
    """An agent's explanation (JSON: items, incidents, warnings, text), shared by the results of later data
    versions while the agent's own data and standing stay the same. The QA and volume texts name the
    department's averages, so they are built when read."""

    __tablename__ = "agent_explanation"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_for: Mapped[int] = mapped_column(index=True)  # the department result it was first stored with
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    month: Mapped[str] = mapped_column(String(7))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))

    __table_args__ = (Index("ix_agent_explanation_department_month", "department_id", "month"),)
    body: Mapped[str] = mapped_column(Text)
