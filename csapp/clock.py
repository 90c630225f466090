"""The one clock: business dates follow ``TODAY`` when set; audit, signing and timestamps are always real.

Business dates are what the rules read: today, the current month, the printed issue date, the
month usually worked on. ``TODAY = "2026-11-03"`` in ``instance/config.py`` moves them all
(training mode; every page then says so). Times that prove when something happened — audit rows,
signing times, locks, job times — always come from the real clock, stored naive in UTC and shown
in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .policy.months import add_months, month_of

LOCAL = ZoneInfo("Asia/Shanghai")


def training_day() -> dt.date | None:
    """The date set as ``TODAY`` (training mode), or None."""
    if not has_app_context():
        return None
    fixed = current_app.config.get("TODAY")
    if not fixed:
        return None
    return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(str(fixed))


def today() -> dt.date:
    """The business date: ``TODAY`` when set, else today in Asia/Shanghai."""
    return training_day() or dt.datetime.now(LOCAL).date()


def current_month() -> str:
    return month_of(today())


def working_month() -> str:
    """The month usually being worked on: the one before the current month."""
    return add_months(current_month(), -1)


def now_utc() -> dt.datetime:
    """The real time, naive UTC, as stored in the database (audit, locks, jobs)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def now_local() -> dt.datetime:
    """The real time in Asia/Shanghai (signing times printed on notices)."""
    return dt.datetime.now(LOCAL)


def local(stored: dt.datetime | None) -> dt.datetime | None:
    """A stored naive-UTC time as Asia/Shanghai time."""
    if stored is None:
        return None
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=dt.UTC)
    return stored.astimezone(LOCAL)


def issue_date() -> dt.date:
    """The date printed on a notice: a business date, so training notices carry the training day."""
    return today()
