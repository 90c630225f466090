"""The organisation: departments, employees and their grade history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from ..policy.months import first_day, last_day, month_of
from ..policy.names import EMPLOYMENT_NAMES, TRACK_NAMES


class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    employees: Mapped[list[Employee]] = relationship(back_populates="department", order_by="Employee.code")


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # 工号
    name: Mapped[str] = mapped_column(String(80))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)  # the latest placement
    hired_on: Mapped[dt.date] = mapped_column(Date)
    regularized_on: Mapped[dt.date | None] = mapped_column(Date)  # 转正
    separated_on: Mapped[dt.date | None] = mapped_column(Date)
    serious_error: Mapped[bool] = mapped_column(default=False)  # 严重工作失误 (specialists)

    department: Mapped[Department] = relationship(back_populates="employees")
    grades: Mapped[list[GradeChange]] = relationship(back_populates="employee", order_by="GradeChange.effective_on")
    memberships: Mapped[list[TeamMembership]] = relationship(order_by="TeamMembership.effective_on")
    placements: Mapped[list[DepartmentMembership]] = relationship(order_by="DepartmentMembership.effective_on")
    past_periods: Mapped[list[EmploymentPeriod]] = relationship(order_by="EmploymentPeriod.hired_on")

    @property
    def track(self) -> str | None:
        """The track (agent | spec | sup | mgr) of this month's grade; see track_in."""
        return self.track_in(month_of(clock.today()))

    def track_in(self, month: str) -> str | None:
        """The track of the grade in force on the month's reference day (RULES.md §3, D11, D20).

        An agent promoted to 主管 is scored on the supervisors' items from the promotion's month on.
        Before the hire month: the track of the first grade.
        """
        from ..services.policy_book import policy_in

        change = self.grade_change_on(self.reference_day(month)) or (self.grades[0] if self.grades else None)
        return policy_in(month).track_of(change.grade) if change else None

    @property
    def track_name(self) -> str:
        return TRACK_NAMES.get(self.track, "—")

    @property
    def employment_name(self) -> str:
        return EMPLOYMENT_NAMES[self.employment_on(clock.today())]

    @property
    def periods(self) -> list[Period]:
        """Every employment period, oldest first; the last is the current one (RULES.md D21)."""
        past = [Period(p.hired_on, p.regularized_on, p.separated_on) for p in self.past_periods]
        return [*past, Period(self.hired_on, self.regularized_on, self.separated_on)]

    def period_on(self, day: dt.date) -> Period:
        """The employment period *day* falls in, or else the last one begun by then (else the first)."""
        periods = self.periods
        found = periods[0]
        for period in periods:
            if period.hired_on <= day:
                found = period
        return found

    def employment_on(self, day: dt.date) -> str:
        """RULES.md D21: 实习/试用 (intern) until the 转正 date, 正式 (regular) from it — one fact, not two.

        A rehire starts a new period: 实习/试用 again until its own 转正.
        """
        regularized = self.period_on(day).regularized_on
        return "regular" if regularized is not None and regularized <= day else "intern"

    def reference_day(self, month: str) -> dt.date:
        """RULES.md D20: the day a month reads dated facts on — the 1st, or the hire date if later."""
        start, end = first_day(month), last_day(month)
        for period in self.periods:
            if period.hired_on <= end and (period.separated_on is None or period.separated_on >= start):
                return max(start, period.hired_on)
        return max(start, self.period_on(end).hired_on)

    def department_in(self, month: str) -> int:
        """The department id on the month's reference day: a transfer never splits a month (D20)."""
        return self.department_on(self.reference_day(month))

    def department_on(self, day: dt.date) -> int:
        """The department id on *day* (before the first placement: the first one)."""
        current = self.placements[0] if self.placements else None
        for placement in self.placements:
            if placement.effective_on <= day:
                current = placement
        return current.department_id if current else self.department_id

    def team_in(self, month: str) -> Team | None:
        """The 班组 on the month's reference day (RULES.md D20), if it belongs to that month's department."""
        day = self.reference_day(month)
        current = None
        for membership in self.memberships:
            if membership.effective_on <= day:
                current = membership
        if current is None or current.team.department_id != self.department_in(month):
            return None
        return current.team

    def employed_days_in(self, month_start: dt.date, month_end: dt.date) -> int:
        """Calendar days of the period the person was employed (hire date and last day both count)."""
        days = 0
        for period in self.periods:
            first = max(month_start, period.hired_on)
            last = min(month_end, period.separated_on) if period.separated_on else month_end
            days += max((last - first).days + 1, 0)
        return days

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
        """Tell whether the person worked at some point of the period (in any employment period)."""
        return any(
            p.hired_on <= month_end and (p.separated_on is None or p.separated_on >= month_start) for p in self.periods
        )


class Period(NamedTuple):
    hired_on: dt.date
    regularized_on: dt.date | None
    separated_on: dt.date | None


class EmploymentPeriod(db.Model):
    """A closed employment period of someone who left and was hired again (RULES.md D21)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    hired_on: Mapped[dt.date] = mapped_column(Date)
    regularized_on: Mapped[dt.date | None] = mapped_column(Date)
    separated_on: Mapped[dt.date] = mapped_column(Date)


class DepartmentMembership(db.Model):
    """Someone belongs to a department from a date on; read on each month's reference day (D20)."""

    __table_args__ = (UniqueConstraint("employee_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    department: Mapped[Department] = relationship()


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


def dated_facts(via=None):
    """Loader options: a person's dated facts in four queries for any number of people, not four per person.

    *via*: a loader chain that ends at Employee (e.g. a run's slips → their employee).
    """
    from sqlalchemy.orm import selectinload

    load = via.selectinload if via is not None else selectinload
    return (
        load(Employee.grades),
        load(Employee.placements),
        load(Employee.past_periods),
        load(Employee.memberships).joinedload(TeamMembership.team),
    )


def department_people(department_id: int, month: str) -> list[Employee]:
    """Everyone employed during *month* whose department on its reference day is *department_id*, by 工号
    (loaded once per transaction)."""
    from ..db import transaction_memo

    return list(transaction_memo(("department_people", department_id, month), lambda: _people(department_id, month)))


def _people(department_id: int, month: str) -> list[Employee]:
    start, end = first_day(month), last_day(month)
    placed = select(DepartmentMembership.employee_id).where(DepartmentMembership.department_id == department_id)
    people = db.session.scalars(
        select(Employee)
        .where((Employee.id.in_(placed)) | (Employee.department_id == department_id))
        .options(*dated_facts())
        .order_by(Employee.code)
    )
    return [p for p in people if p.employed_in(start, end) and p.department_in(month) == department_id]


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
