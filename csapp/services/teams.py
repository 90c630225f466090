"""班组: teams of a department led by supervisors; membership is dated and read on the reference day.

Teams only narrow what a page shows (the grid, 事件登记, 质检抽样 open on the supervisor's own team);
ranks, averages and stars stay department-wide.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..db import insert_or_select, writes
from ..extensions import db
from ..models import Employee, Team, TeamMembership, User
from ..policy.months import month_of
from . import audit
from .access import require, subject_for
from .errors import BadRequest, ServiceError


def teams_of(department_id: int) -> list[Team]:
    return list(db.session.scalars(select(Team).where(Team.department_id == department_id).order_by(Team.name)))


def led_team(user: User, department_id: int) -> Team | None:
    """The team the user leads in the department, if any (a supervisor's default view)."""
    if not user.employee_id:
        return None
    return db.session.scalar(
        select(Team).where(Team.department_id == department_id, Team.leader_id == user.employee_id).limit(1)
    )


ALL_TEAMS_LIMIT = 100  # a department with more people than this is shown one team at a time


def shown_whole(department_id: int) -> bool:
    """Whether the department is small enough to show all its teams on one page."""
    from sqlalchemy import func

    count = db.session.scalar(select(func.count()).select_from(Employee).where(Employee.department_id == department_id))
    return count <= ALL_TEAMS_LIMIT


def pick_team(user: User, department_id: int, wanted: str, whole: bool | None = None) -> Team | None:
    """The team a page shows: "" → the user's own team (else all), "all" → all, an id → that team.

    A big department is never shown whole: it pages by team (the user's own, else the first). *whole*:
    shown_whole(department_id), when the caller has it already.
    """
    if whole is None:
        whole = shown_whole(department_id)
    if wanted in ("", "all") and not whole:
        team = led_team(user, department_id) if not wanted else None
        return team or next(iter(teams_of(department_id)), None)
    if wanted == "all":
        return None
    if not wanted:
        return led_team(user, department_id)
    if not wanted.isdigit():
        raise BadRequest("班组参数无效。")
    team = db.session.get(Team, int(wanted))
    if team is None or team.department_id != department_id:
        raise BadRequest("没有这个班组。")
    return team


def team_people(team: Team, month: str) -> list[Employee]:
    """The people of *team* in *month*, loaded alone (not the whole department), by 工号."""
    from ..models.org import dated_facts

    ids = select(TeamMembership.employee_id).where(TeamMembership.team_id == team.id)
    people = db.session.scalars(select(Employee).where(Employee.id.in_(ids)).options(*dated_facts()))
    found = [p for p in people if (t := p.team_in(month)) is not None and t.id == team.id]
    return sorted(found, key=lambda p: p.code)


def members(people: list[Employee], team: Team | None, month: str) -> list[Employee]:
    """The people of *team* in *month* (everyone when no team is picked)."""
    if team is None:
        return people
    return [p for p in people if (t := p.team_in(month)) is not None and t.id == team.id]


@writes
def assign(actor: User, employee_id: int, team_id: int, day: dt.date, reason: str = "") -> TeamMembership:
    """Move someone into a team from *day* on (HR); audited."""
    require(actor, "hr")
    employee = subject_for(actor, employee_id)
    team = db.session.get(Team, team_id)
    if team is None or team.department_id != employee.department_id:
        raise ServiceError("请选择本部门的班组。", "team")
    old = employee.team_in(month_of(day))
    row, created = insert_or_select(
        db.session,
        TeamMembership,
        {"team_id": team.id, "reason": reason.strip(), "created_by_id": actor.id},
        employee_id=employee.id,
        effective_on=day,
    )
    row.team_id, row.reason = team.id, reason.strip()
    audit.record(
        actor,
        "team.assign",
        "team_membership",
        row.id,
        subject=audit.subject_of(employee),
        month=month_of(day),
        field="team",
        old=old.name if old else None,
        new=team.name,
        reason=reason.strip(),
    )
    return row
