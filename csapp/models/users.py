"""Logins and their roles."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    failed_logins: Mapped[int] = mapped_column(default=0)
    must_change_password: Mapped[bool] = mapped_column(default=False)  # after a one-time password
    last_failed_at: Mapped[dt.datetime | None]

    employee: Mapped[Employee | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

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
