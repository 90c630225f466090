"""Signing in: counted attempts per (name, address), per name and per address; one password check each.

Every attempt is claimed before the password is checked, in one statement per counter, so parallel
attempts all count and an attempt over a limit is refused without checking anything. A wrong
password costs the same for a known and an unknown name (one hash check, against a dummy hash for
an unknown one) and gets the same answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from importlib import resources

from flask import current_app
from sqlalchemy import delete, update
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..db import insert_on_conflict, write_transaction
from ..extensions import db
from ..models import LoginAttempts, User
from . import audit
from .errors import ServiceError

WRONG = "用户名或密码不正确。"
WINDOWS = {"pair": dt.timedelta(minutes=15), "name": dt.timedelta(hours=1), "address": dt.timedelta(minutes=10)}


@functools.cache
def _dummy_hash() -> str:
    """A hash to check an unknown name's password against: the same method and cost as a real one."""
    return generate_password_hash("not-a-password")


def _name_key(typed: str) -> str:
    return typed.strip().lower()[:40]


def _claim(rows: list[tuple[str, str]], now: dt.datetime) -> dict[str, tuple[int, dt.datetime]]:
    """Count one attempt on each (scope, key) in one statement; return scope → (count, window start).

    A counter whose window (WINDOWS) has passed starts again at 1.
    """
    table = LoginAttempts.__table__
    statement = insert_on_conflict(table).values([{"scope": s, "key": k, "count": 1, "first_at": now} for s, k in rows])
    expired = db.or_(
        *((table.c.scope == scope) & (table.c.first_at < now - WINDOWS[scope]) for scope in {s for s, _ in rows})
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.key],
        set_={
            "count": db.case((expired, 1), else_=table.c.count + 1),
            "first_at": db.case((expired, now), else_=table.c.first_at),
        },
    ).returning(table.c.scope, table.c.count, table.c.first_at)
    return {scope: (count, first_at) for scope, count, first_at in db.session.execute(statement)}


def _wait_text(until: dt.datetime, now: dt.datetime) -> str:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return f"{seconds} 秒" if seconds < 120 else f"{math.ceil(seconds / 60)} 分钟"


def _admit(name: str, address: str, typed: str) -> None:
    """Claim this attempt on the three counters, or refuse it with the time to wait (nothing is checked)."""
    config = current_app.config
    now = clock.now_utc()
    with write_transaction():
        count, since = _claim([("pair", f"{name}\n{address}")], now)["pair"]
    if count > config["LOGIN_THROTTLE_FREE_ATTEMPTS"]:
        raise ServiceError(f"登录失败次数过多,请 {_wait_text(since + WINDOWS['pair'], now)}后再试。")
    with write_transaction():  # a refused pair never reaches these: one address cannot lock a name out
        claimed = _claim([("name", name), ("address", address)], now)
        name_count, name_since = claimed["name"]
        address_count, address_since = claimed["address"]
        if name_count == config["LOGIN_NAME_CEILING"] + 1:  # the first refusal of the window is audited
            audit.record(None, "user.login_throttled", "user", None, subject=typed[:40], field="name")
    if name_count > config["LOGIN_NAME_CEILING"]:
        raise ServiceError(f"此用户名登录失败次数过多,请 {_wait_text(name_since + WINDOWS['name'], now)}后再试。")
    if address_count > config["LOGIN_ADDRESS_LIMIT"]:
        wait = _wait_text(address_since + WINDOWS["address"], now)
        raise ServiceError(f"本机所在网络登录失败次数过多,请 {wait}后再试。")


def _forget(name: str, address: str) -> None:
    """A successful login: the pair starts afresh, and the attempt no longer counts against name and address."""
    table = LoginAttempts.__table__
    db.session.execute(delete(table).where(table.c.scope == "pair", table.c.key == f"{name}\n{address}"))
    db.session.execute(
        update(table)
        .where(
            ((table.c.scope == "name") & (table.c.key == name))
            | ((table.c.scope == "address") & (table.c.key == address)),
            table.c.count > 0,
        )
        .values(count=table.c.count - 1)
    )


def user_named(username: str) -> User | None:
    """The login called *username* (exactly as stored), if any."""
    return db.session.scalar(db.select(User).where(User.username == username))


def authenticate(username: str, password: str, address: str) -> User:
    """Return the user for a correct username and password from *address*, or raise a ServiceError."""
    typed = (username or "").strip()
    name = _name_key(typed)
    _admit(name, address or "-", typed)
    user = user_named(typed) if typed else None
    correct = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if not correct or user is None:
        with write_transaction():
            audit.record(None, "user.login_failed", "user", user.id if user else None, subject=typed[:40])
        raise ServiceError(WRONG)
    if not user.is_active:
        raise ServiceError("此账号已停用,请联系管理员。")
    with write_transaction():
        _forget(name, address or "-")
        audit.record(user, "user.login", "user", user.id, subject=user.username)
    return user


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to allow (loaded on first use)."""
    text = resources.files("csapp").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


MIN_PASSWORD = 8


def password_problem(password: str, username: str = "") -> str | None:
    """Say what is wrong with a new password, or None: ≥ 8 characters, not the username, not a common one."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"新密码至少 {MIN_PASSWORD} 位。"
    lowered = password.lower()
    if username and lowered == username.strip().lower():
        return "新密码不能与用户名相同。"
    if lowered in common_passwords() or len(set(lowered)) == 1 or _is_run(lowered):
        return "这个密码太常见,很容易被猜中,请换一个。"
    return None


def _is_run(text: str) -> bool:
    """Tell whether *text* is a run of consecutive digits or letters (12345678, 87654321, abcdefgh)."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return steps in ({1}, {-1})
