"""Logins: change password, manage users and roles, one-time passwords (signing in: services.login)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import ROLES, Employee, User, UserRole
from . import audit
from .access import require, subject_for
from .errors import Forbidden, NotFound, ServiceError
from .login import password_problem, user_named


def _check_new_password(password: str, username: str = "", field: str = "new_password") -> None:
    if problem := password_problem(password, username):
        raise ServiceError(problem, field)


@writes
def change_password(user: User, current: str, new: str, repeat: str) -> None:
    """Change one's own password."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ServiceError("当前密码不正确。", "current_password")
    _check_new_password(new, user.username)
    if new != repeat:
        raise ServiceError("两次输入的新密码不一致。", "repeat_password")
    if new == current:
        raise ServiceError("新密码不能与当前密码相同。", "new_password")
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    user.end_sessions()  # every other device signs in again (the view re-logs the one that changed it)
    audit.record(user, "user.password", "user", user.id, subject=user.username, field="password", old="***", new="***")


@writes
def log_out(user: User) -> None:
    """End every session of the user (a cookie copied before still gets nothing); audited."""
    user.end_sessions()
    audit.record(user, "user.logout", "user", user.id, subject=user.username)


@writes
def create_user(
    actor: User | None,
    username: str,
    display_name: str,
    password: str,
    roles: list[str],
    employee: Employee | None = None,
) -> User:
    """Create a login with roles (admin only; `actor` None for set-up commands)."""
    if actor is not None:
        require(actor, "admin")
    username = (username or "").strip()
    if not username or len(username) > 40:
        raise ServiceError("请填写用户名(最多 40 个字符)。", "username")
    if user_named(username):
        raise ServiceError(f"用户名“{username}”已被使用。", "username")
    _check_new_password(password, username, "password")
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ServiceError("请至少选择一个有效的角色。", "roles")
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=generate_password_hash(password),
        employee=employee,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor, "user.create", "user", user.id, subject=username, field="roles", new=",".join(sorted(set(roles)))
    )
    return user


@writes
def set_roles(actor: User, user_id: int, roles: list[str]) -> User:
    """Replace a user's roles (admin only)."""
    require(actor, "admin")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("没有这个用户。")
    roles = sorted(set(roles))
    if not roles or set(roles) - set(ROLES):
        raise ServiceError("请至少选择一个有效的角色。", "roles")
    if user.id == actor.id:
        raise ServiceError("不能修改自己的角色,请由另一位管理员操作。", "roles")
    old = ",".join(sorted(user.roles))
    for row in [r for r in user.role_rows if r.role not in roles]:
        user.role_rows.remove(row)
    db.session.flush()
    user.role_rows.extend(UserRole(role=r) for r in roles if r not in user.roles)
    audit.record(
        actor, "user.roles", "user", user.id, subject=user.username, field="roles", old=old, new=",".join(roles)
    )
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


# No 0/O, 1/l/I: read aloud or typed from paper without mistakes.
OTP_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
OTP_LENGTH = 10


@writes
def issue_one_time_password(actor: User, employee_id: int) -> tuple[User, str]:
    """Give a person a one-time password (HR); return their login and the password, shown once.

    Only its hash is stored; the login must change it at the first sign-in. A person without a
    login gets one (username = 工号 in lower case) with the role 坐席/专员; other roles stay with admin.
    """
    require(actor, "hr")
    if actor.employee_id == employee_id:
        raise Forbidden("不能为自己生成一次性密码,请使用“修改密码”。")
    employee = subject_for(actor, employee_id)
    if employee.separated_on is not None and employee.separated_on < clock.today():
        raise ServiceError(f"{employee.name} 已于 {employee.separated_on} 离职,不能再登录。")
    user = login_of(employee.id)
    created = user is None
    if created:
        username = employee.code.lower()
        if user_named(username) is not None:
            raise ServiceError(f"用户名 {username} 已被使用,请联系管理员。")
        user = User(username=username, display_name=employee.name, employee=employee, password_hash="")
        user.role_rows = [UserRole(role="agent")]
        db.session.add(user)
    password = _give_one_time_password(user)
    user.active = True
    db.session.flush()
    audit.record(
        actor,
        "user.one_time_password",
        "user",
        user.id,
        subject=audit.subject_of(employee),
        field="password",
        old="***" if not created else None,
        new="***",
    )
    return user, password


@writes
def issue_one_time_passwords(actor: User, employee_ids: list[int]) -> list[tuple[User, str]]:
    """One-time passwords for several people at once, all or none (one transaction)."""
    if len(set(employee_ids)) > 200:
        raise ServiceError("一次最多为 200 人生成一次性密码。")
    return [issue_one_time_password(actor, employee_id) for employee_id in sorted(set(employee_ids))]


def login_of(employee_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.employee_id == employee_id))


TRACK_ROLES = {"agent": "agent", "spec": "agent", "sup": "supervisor", "mgr": "dept_head"}


def role_mismatches() -> list[tuple[User, str, str]]:
    """Logins whose person's track (this month) calls for a role they do not hold: (login, track, role).

    Roles never change by themselves when a promotion or appointment moves someone to another
    track; the admin sees them here and decides.
    """
    found = []
    for user in db.session.scalars(select(User).where(User.employee_id.is_not(None)).order_by(User.username)):
        track = user.employee.track
        role = TRACK_ROLES.get(track)
        if role and not user.has(role):
            found.append((user, track, role))
    return found


def _give_one_time_password(user: User) -> str:
    """Set a fresh one-time password (only its hash is kept) that must be changed at the first sign-in."""
    password = "".join(secrets.choice(OTP_ALPHABET) for _ in range(OTP_LENGTH))
    user.password_hash = generate_password_hash(password)
    user.must_change_password = True
    user.end_sessions()  # a reset ends every session of the old password
    return password


def _other_login(actor: User, user_id: int, own: str) -> User:
    require(actor, "admin")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("没有这个用户。")
    if user.id == actor.id:
        raise ServiceError(own)
    return user


@writes
def reset_password(actor: User, user_id: int) -> tuple[User, str]:
    """The admin gives a login a one-time password, shown once; every session of the login ends."""
    user = _other_login(actor, user_id, "不能重置自己的密码,请使用“修改密码”。")
    password = _give_one_time_password(user)
    audit.record(actor, "user.reset_password", "user", user.id, subject=user.username, field="password", new="***")
    return user, password


@writes
def set_active(actor: User, user_id: int, active: bool) -> User:
    """The admin disables a login (every session ends at once) or enables it again."""
    user = _other_login(actor, user_id, "不能停用自己的账号。")
    if user.active == active:
        raise ServiceError("账号已是启用状态。" if active else "账号已停用。")
    user.active = active
    if not active:
        user.end_sessions()
    audit.record(
        actor, "user.enable" if active else "user.disable", "user", user.id, subject=user.username, field="active",
        old=str(not active), new=str(active),
    )  # fmt: skip
    return user
