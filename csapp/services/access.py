"""Who may see and change what. Enforced here, not only by hiding links."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Department, Employee, User, UserRole
from .errors import Forbidden, NotFound


def require(user: User, *roles: str) -> None:
    """Refuse unless the user holds one of *roles*."""
    if not user.has(*roles):
        raise Forbidden("您没有权限进行此操作。")


def sees_everything(user: User) -> bool:
    """HR sees every person; the admin manages logins and settings, not people's data."""
    return user.has("hr")


def departments_for(user: User) -> list[Department]:
    """Return the departments whose data the user may manage or view as a whole."""
    if sees_everything(user):
        return list(db.session.scalars(select(Department).order_by(Department.id)))
    if user.has("supervisor") and user.employee:
        return [user.employee.department]
    return []


def department_for(user: User, department_id: int) -> Department:
    """Return a department the user may work on, or refuse."""
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound("没有这个部门。")
    if department not in departments_for(user):
        raise Forbidden("您只能查看和录入本部门的数据。")
    return department


def employee_for(user: User, employee_id: int) -> Employee:
    """Return an employee whose data the user may see: oneself, one's department, or everyone."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("没有这名员工。")
    if user.employee_id == employee.id or sees_everything(user):
        return employee
    if user.has("supervisor") and user.employee and user.employee.department_id == employee.department_id:
        if employee.track in REVIEWED_TRACKS and not user.has("dept_head"):
            raise Forbidden("主管和专员的考核数据只有本人、部门负责人和人事可以查看。")
        return employee
    raise Forbidden("您只能查看自己的数据。")


REVIEWED_TRACKS = ("spec", "sup", "mgr")

# Separation of duties: data about a person is entered only by someone above them.
TRACK_RANKS = {"agent": 0, "spec": 0, "sup": 1, "mgr": 2}
ROLE_RANKS = {"supervisor": 1, "dept_head": 2, "hr": 3}
SELF_REFUSED = "不能录入或修改与自己有关的数据,须由您的上级或人事录入。"
ABOVE_REFUSED = "您不能录入或修改{name}的数据:只有其上级或人事可以录入。"


def ranks_of(employees: list[Employee], month: str | None = None) -> dict[int, int]:
    """Return each person's rank (0 agent/specialist, 1 supervisor, 2 dept head, 3 HR), track and login roles."""
    if not employees:
        return {}
    roles: dict[int, set[str]] = {}
    rows = db.session.execute(
        select(User.employee_id, UserRole.role)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.employee_id.in_([e.id for e in employees]))
    )
    for employee_id, role in rows:
        roles.setdefault(employee_id, set()).add(role)
    ranks = {}
    for employee in employees:
        track = employee.track_in(month) if month else employee.track
        held = [ROLE_RANKS.get(r, 0) for r in roles.get(employee.id, ())]
        ranks[employee.id] = max([TRACK_RANKS.get(track or "agent", 0), *held])
    return ranks


def actor_rank(user: User) -> int:
    return max([ROLE_RANKS.get(r, 0) for r in user.roles] or [0])


def refusal(user: User, employee: Employee, rank: int, month: str | None = None) -> str | None:
    """Say why *user* may not enter data about *employee* (whose rank is *rank*), or None if they may.

    Nobody acts on their own rows; HR acts on everyone else (an HR user's rows: another HR user);
    the dept head on the supervisors and agents of the department; a supervisor on its agents and
    specialists. Peers never act on each other.
    """
    if user.employee_id is not None and user.employee_id == employee.id:
        return SELF_REFUSED
    if user.has("hr"):
        return None
    department = employee.department_in(month) if month else employee.department_id
    if user.employee is None or user.employee.department_id != department:
        return "您只能录入本部门人员的数据。"
    if actor_rank(user) > rank:
        return None
    return ABOVE_REFUSED.format(name=employee.name)


def refusal_for(user: User, employee: Employee, month: str | None = None) -> str | None:
    """Say why *user* may not enter data about *employee*, or None."""
    return refusal(user, employee, ranks_of([employee], month)[employee.id], month)


def may_enter_for(user: User, employee: Employee, month: str | None = None) -> bool:
    """Tell whether *user* may enter data about *employee* (in *month*)."""
    return refusal_for(user, employee, month) is None


def enterable(user: User, employees: list[Employee], month: str | None = None) -> set[int]:
    """Return the ids among *employees* whose data *user* may enter (one query for all)."""
    ranks = ranks_of(employees, month)
    return {e.id for e in employees if refusal(user, e, ranks[e.id], month) is None}


def subject_for(user: User, employee_id: int, month: str | None = None) -> Employee:
    """Return the person whose data *user* is about to enter, or refuse (see `refusal`)."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("没有这名员工。")
    return require_enter(user, employee, month)


def require_enter(user: User, employee: Employee, month: str | None = None) -> Employee:
    """Refuse unless *user* may enter data about *employee* (in *month*); return the employee."""
    if reason := refusal_for(user, employee, month):
        raise Forbidden(reason)
    return employee


def require_enter_all(user: User, employees: list[Employee], month: str | None = None) -> None:
    """Refuse the whole batch when any of *employees* is someone *user* may not enter data about."""
    ranks = ranks_of(employees, month)
    for employee in employees:
        reason = refusal(user, employee, ranks[employee.id], month)
        if reason:
            raise Forbidden(f"{employee.code} {employee.name}:{reason}")
