"""员工档案: HR hires people, records 转正, transfers, leaving and rehires. Each is a dated PersonEvent, audited.

A hire creates the employee with the first grade of the track (话务员(试用期), 见习专员), the department
and team from the hire date, and a login (role 坐席/专员) without a usable password: HR then issues a
one-time password. Other roles stay with the admin. Leaving ends the login from the day after 离职日;
a rehire keeps the 工号 and starts a new employment period (RULES.md D21). Corrections: person_corrections.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import (
    Department,
    DepartmentMembership,
    Employee,
    EmploymentPeriod,
    GradeChange,
    PersonEvent,
    Team,
    TeamMembership,
    User,
    UserRole,
)
from ..policy.months import month_of
from . import audit
from .access import require, subject_for
from .errors import ServiceError
from .login import user_named
from .pay.runs import mark_pay_stale, mark_pay_stale_from
from .policy_book import policy_in
from .results import person_changed

HIRE_TRACKS = ("agent", "spec")  # 主管 and 经理 come by promotion or appointment


@writes
def hire(
    actor: User, code: str, name: str, department_id: int, track: str, hired_on: dt.date, team_id: int | None = None
) -> Employee:
    """Hire someone: the employee, the track's first grade from the hire date, the team and a login."""
    require(actor, "hr")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not code.isalnum() or len(code) > 20:
        raise ServiceError("工号须为 1–20 位字母或数字。", "code")
    if not name:
        raise ServiceError("请填写姓名。", "name")
    if db.session.scalar(select(Employee).where(Employee.code == code)) is not None:
        raise ServiceError(f"工号 {code} 已经存在;再次入职请在原档案上办理。", "code")
    if track not in HIRE_TRACKS:
        raise ServiceError("只能招聘话务员或成长档案专员;主管和经理由晋升或任命产生。", "track")
    department = db.session.get(Department, department_id)
    if department is None:
        raise ServiceError("请选择部门。", "department")
    month = month_of(hired_on)
    grade = policy_in(month).tracks[track].ladder[0]
    employee = Employee(code=code, name=name, department=department, hired_on=hired_on)
    employee.grades.append(
        GradeChange(grade=grade, effective_on=hired_on, kind="hire", reason="入职", created_by_id=actor.id)
    )
    employee.placements.append(
        DepartmentMembership(department=department, effective_on=hired_on, reason="入职", created_by_id=actor.id)
    )
    _join_team(actor, employee, team_id, department.id, hired_on, "入职")
    db.session.add(employee)
    db.session.flush()
    login = User(
        username=code.lower(), display_name=name, employee=employee, password_hash="!", must_change_password=True
    )  # no usable password until HR issues a one-time one
    if user_named(login.username) is not None:
        raise ServiceError(f"登录名 {login.username} 已被使用,请换一个工号。", "code")
    login.role_rows = [UserRole(role="agent")]
    db.session.add(login)
    _event(actor, employee, "hire", hired_on, f"{department.name} {policy_in(month).grade_label(grade)}")
    mark_pay_stale(None, month, f"{name} 入职", department_id=department.id)
    return employee


@writes
def regularize(actor: User, employee_id: int, day: dt.date, note: str = "") -> PersonEvent:
    """转正 on *day*: 实习/试用 until then, 正式 from it (D21); the promotion clock starts."""
    require(actor, "hr")
    employee = subject_for(actor, employee_id)
    if employee.regularized_on is not None:
        raise ServiceError(f"{employee.name} 已于 {employee.regularized_on} 转正。")
    if day < employee.hired_on:
        raise ServiceError("转正日期不能早于入职日期。", "on")
    employee.regularized_on = day
    mark_pay_stale_from(month_of(day), f"{employee.name} 转正", employee_id=employee.id)
    return _event(actor, employee, "regularize", day, note)


@writes
def leave(actor: User, employee_id: int, last_day: dt.date, reason: str) -> PersonEvent:
    """离职: *last_day* is the last day of employment; the login ends after it."""
    require(actor, "hr")
    employee = subject_for(actor, employee_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写离职原因。", "reason")
    if employee.separated_on is not None:
        raise ServiceError(f"{employee.name} 已于 {employee.separated_on} 离职。")
    if last_day < employee.hired_on:
        raise ServiceError("离职日不能早于入职日期。", "on")
    employee.separated_on = last_day
    login = db.session.scalar(select(User).where(User.employee_id == employee.id))
    if login is not None and last_day < clock.today():
        login.active = False
        login.end_sessions()  # (a future last day ends them then: the login is inactive after it)
    mark_pay_stale_from(month_of(last_day), f"{employee.name} 离职", employee_id=employee.id)
    return _event(actor, employee, "leave", last_day, reason)


@writes
def transfer(
    actor: User, employee_id: int, department_id: int, day: dt.date, reason: str, team_id: int | None = None
) -> PersonEvent:
    """调动部门 from *day* on. Months whose reference day is before *day* stay in the old department (D20)."""
    require(actor, "hr")
    employee = subject_for(actor, employee_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写调动原因。", "reason")
    target = db.session.get(Department, department_id)
    if target is None:
        raise ServiceError("请选择调入部门。", "department")
    if day < employee.hired_on:
        raise ServiceError("调动日期不能早于入职日期。", "on")
    if employee.separated_on is not None and day > employee.separated_on:
        raise ServiceError(f"{employee.name} 已于 {employee.separated_on} 离职,不能调动。", "on")
    source_id = employee.department_on(day)
    if source_id == target.id:
        raise ServiceError(f"{employee.name} 在 {day} 已属于{target.name}。", "department")
    if any(p.effective_on == day for p in employee.placements):
        raise ServiceError(f"{day} 已有一条部门调动记录,请更正那一条。", "on")
    ensure_first_placement(employee)
    employee.placements.append(
        DepartmentMembership(department_id=target.id, effective_on=day, reason=reason, created_by_id=actor.id)
    )
    employee.department_id = current_placement(employee)
    _join_team(actor, employee, team_id, target.id, day, reason)
    source = db.session.get(Department, source_id)
    for department_id_ in (source_id, target.id):  # both rankings change from that month on
        mark_pay_stale_from(month_of(day), f"{employee.name} 调动部门", department_id=department_id_)
    return _event(actor, employee, "transfer", day, f"{source.name} → {target.name}:{reason}")


@writes
def rehire(
    actor: User, employee_id: int, day: dt.date, track: str, reason: str, team_id: int | None = None
) -> PersonEvent:
    """再次入职 (D21): same 工号, a new employment period — 试用 again, tenure from the new 转正."""
    require(actor, "hr")
    employee = subject_for(actor, employee_id)
    if employee.separated_on is None:
        raise ServiceError(f"{employee.name} 仍在职,不能再次入职。")
    if day <= employee.separated_on:
        raise ServiceError(f"再次入职日期须晚于上次离职日 {employee.separated_on}。", "on")
    if track not in HIRE_TRACKS:
        raise ServiceError("只能招聘话务员或成长档案专员;主管和经理由晋升或任命产生。", "track")
    employee.past_periods.append(
        EmploymentPeriod(
            hired_on=employee.hired_on, regularized_on=employee.regularized_on, separated_on=employee.separated_on
        )
    )
    employee.hired_on, employee.regularized_on, employee.separated_on = day, None, None
    month = month_of(day)
    grade = policy_in(month).tracks[track].ladder[0]
    employee.grades.append(
        GradeChange(grade=grade, effective_on=day, kind="hire", reason="再次入职", created_by_id=actor.id)
    )
    _join_team(actor, employee, team_id, employee.department_id, day, "再次入职")
    login = db.session.scalar(select(User).where(User.employee_id == employee.id))
    if login is not None:  # back, but only with a new one-time password from HR
        login.active, login.password_hash, login.must_change_password = True, "!", True
    mark_pay_stale(None, month, f"{employee.name} 再次入职", department_id=employee.department_id)
    return _event(actor, employee, "rehire", day, f"{policy_in(month).grade_label(grade)}:{reason}".rstrip(":"))


def current_placement(employee: Employee) -> int:
    """The department of the latest placement: where the person's file belongs (access, lists)."""
    latest = max(employee.placements, key=lambda p: p.effective_on, default=None)
    return latest.department_id if latest else employee.department_id


def ensure_first_placement(employee: Employee) -> None:
    """Record the department from the first hire date when no placement exists yet (older records)."""
    if not employee.placements:
        first = employee.periods[0].hired_on
        employee.placements.append(
            DepartmentMembership(department_id=employee.department_id, effective_on=first, reason="入职")
        )


def _join_team(actor: User, employee: Employee, team_id: int | None, department_id: int, day: dt.date, why: str):
    if team_id is None:
        return
    team = db.session.get(Team, team_id)
    if team is None or team.department_id != department_id:
        raise ServiceError("请选择该部门的班组。", "team")
    for membership in employee.memberships:
        if membership.effective_on == day:
            membership.team, membership.reason = team, why
            return
    employee.memberships.append(TeamMembership(team=team, effective_on=day, reason=why, created_by_id=actor.id))


def _event(actor: User, employee: Employee, kind: str, day: dt.date, note: str) -> PersonEvent:
    event = PersonEvent(employee=employee, kind=kind, on=day, note=note, created_by_id=actor.id)
    db.session.add(event)
    db.session.flush()
    person_changed(employee, month_of(day))  # rankings and averages of every month from it on
    audit.record(
        actor,
        f"person.{kind}",
        "person_event",
        event.id,
        subject=audit.subject_of(employee),
        month=month_of(day),
        field=kind,
        new=f"{day} {note}".strip(),
        reason=note,
    )
    return event
