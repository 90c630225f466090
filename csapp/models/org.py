"""The organisation: departments, employees and their grade history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from ..policy.months import first_day, month_of
from ..policy.names import EMPLOYMENT_NAMES, TRACK_NAMES


class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    employees: Mapped[list[Employee]] = relationship(back_populates="department", order_by="Employee.code")


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 工号
    name: Mapped[str] = mapped_column(String(80))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    hired_on: Mapped[dt.date] = mapped_column(Date)
    regularized_on: Mapped[dt.date | None] = mapped_column(Date)  # 转正
    separated_on: Mapped[dt.date | None] = mapped_column(Date)
    serious_error: Mapped[bool] = mapped_column(default=False)  # 严重工作失误 (specialists)

    department: Mapped[Department] = relationship(back_populates="employees")
    grades: Mapped[list[GradeChange]] = relationship(back_populates="employee", order_by="GradeChange.effective_on")
    memberships: Mapped[list[TeamMembership]] = relationship(order_by="TeamMembership.effective_on")

    @property
    def track(self) -> str | None:
        """The track (agent | spec | sup | mgr) of this month's grade; see track_in."""
        return self.track_in(month_of(clock.today()))

    def track_in(self, month: str) -> str | None:
        """The track of the grade in force on the month's reference day (RULES.md §3, D11, D20).

        An agent promoted to 主管 is scored on the supervisors' items from the promotion's month on.
        Before the hire month: the track of the first grade.
        """
        from ..policy.parameters import policy_for

        change = self.grade_change_on(self.reference_day(month)) or (self.grades[0] if self.grades else None)
        return policy_for(month).track_of(change.grade) if change else None

    @property
    def track_name(self) -> str:
        return TRACK_NAMES.get(self.track, "—")

    @property
    def employment_name(self) -> str:
        return EMPLOYMENT_NAMES[self.employment_on(clock.today())]

    def employment_on(self, day: dt.date) -> str:
        """RULES.md D21: 实习/试用 (intern) until the 转正 date, 正式 (regular) from it — one fact, not two."""
        return "regular" if self.regularized_on is not None and self.regularized_on <= day else "intern"

    def reference_day(self, month: str) -> dt.date:
        """RULES.md D20: the day a month reads dated facts on — the 1st, or the hire date if later."""
        return max(first_day(month), self.hired_on)

    def team_in(self, month: str) -> Team | None:
        """The 班组 on the month's reference day (RULES.md D20)."""
        day = self.reference_day(month)
        current = None
        for membership in self.memberships:
            if membership.effective_on <= day:
                current = membership
        return current.team if current else None

    def employment_in(self, month: str) -> str:
        return self.employment_on(self.reference_day(month))

    def grade_change_on(self, day: dt.date) -> GradeChange | None:
        """Return the grade entry in force on *day*."""
        current = None
        for change in self.grades:
            if change.effective_on <= day:
                current = change
        return current

    def grade_on(self, day: dt.date) -> str | None:
        change = self.grade_change_on(day)
        return change.grade if change else None

    def employed_in(self, month_start: dt.date, month_end: dt.date) -> bool:
        """Tell whether the person worked at some point of the period."""
        return self.hired_on <= month_end and (self.separated_on is None or self.separated_on >= month_start)


class GradeChange(db.Model):
    """A grade in force from a date: on hiring, by appointment or by promotion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    grade: Mapped[str] = mapped_column(String(10))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))  # hire | appointment | promotion
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now_utc)

    employee: Mapped[Employee] = relationship(back_populates="grades")


class PersonAllowance(db.Model):
    """A fixed monthly allowance of one person (餐补、车补、通讯补助…), in force from a month (D20).

    Each change is a new row from its month on; an amount of 0 ends the allowance from that month.
    """

    __table_args__ = (db.UniqueConstraint("employee_id", "kind", "effective_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # meal | transport | phone | …
    amount: Mapped[Decimal] = mapped_column(db.Numeric(10, 2))
    effective_month: Mapped[str] = mapped_column(String(7), default="2000-01")

    employee: Mapped[Employee] = relationship(
        backref=db.backref("allowances", order_by="(PersonAllowance.kind, PersonAllowance.effective_month)")
    )


class Team(db.Model):
    """A 班组 of a department, led by a supervisor."""

    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    department: Mapped[Department] = relationship()
    leader: Mapped[Employee | None] = relationship(foreign_keys=[leader_id])


class TeamMembership(db.Model):
    """Someone belongs to a team from a date on (dated, like every fact the rules read)."""

    __table_args__ = (UniqueConstraint("employee_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    team: Mapped[Team] = relationship()


def allowances_in(rows: list[PersonAllowance], month: str) -> dict[int, dict[str, Decimal]]:
    """Per person, the allowances in force in *month*: the latest row of each kind not after it."""
    latest: dict[tuple[int, str], PersonAllowance] = {}
    for row in rows:
        key = (row.employee_id, row.kind)
        if row.effective_month <= month and (key not in latest or row.effective_month > latest[key].effective_month):
            latest[key] = row
    found: dict[int, dict[str, Decimal]] = {}
    for (employee_id, kind), row in latest.items():
        if row.amount:
            found.setdefault(employee_id, {})[kind] = row.amount
    return found
