"""Who may see and change what. Enforced here, not only by hiding links."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Department, Employee, User
from .errors import Forbidden, NotFound


def require(user: User, *roles: str) -> None:
    """Refuse unless the user holds one of *roles*."""
    if not user.has(*roles):
        raise Forbidden("您没有权限进行此操作。")


def sees_everything(user: User) -> bool:
    return user.has("hr", "admin")


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
        return employee
    raise Forbidden("您只能查看自己的数据。")
