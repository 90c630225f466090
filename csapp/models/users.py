"""Logins and their roles."""

from __future__ import annotations

import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..extensions import db
from ..policy.names import ROLE_NAMES
from .org import Employee

ROLES = ROLE_NAMES


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)  # after a one-time password
    # part of every session's id: a new token ends every session of the user, on every device
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16), server_default="")

    employee: Mapped[Employee | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled login, or one past its 离职日, serves nothing
        separated = self.employee.separated_on if self.employee else None
        return self.active and not (separated is not None and clock.today() > separated)

    def get_id(self) -> str:  # Flask-Login: what the session cookie holds
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Give the user a new session token: every session signed in before stops working."""
        self.session_token = secrets.token_hex(16)

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has(self, *roles: str) -> bool:
        """Tell whether the user holds any of *roles* (a dept head is also a supervisor)."""
        held = self.roles
        if "dept_head" in held:
            held = held | {"supervisor"}
        return bool(held & set(roles))

    @property
    def department_id(self) -> int | None:
        return self.employee.department_id if self.employee else None


class UserRole(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginAttempts(db.Model):
    """Login attempts counted in a window: per (name, address) pair, per typed name, per client address.

    Keyed by what was typed, known user or not, so the counters say nothing about which names exist.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(8))  # pair | name | address
    key: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[dt.datetime]  # the window runs from here
