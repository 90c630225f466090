"""Calendar months as ``YYYY-MM`` strings and their arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@cache  # pure, and called for every person and month
def parse_month(text: str) -> tuple[int, int]:
    """Return (year, month) of a ``YYYY-MM`` text, or raise ValueError."""
    match = _MONTH.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"not a month YYYY-MM: {text!r}")
    return int(match.group(1)), int(match.group(2))


def is_month(text: object) -> bool:
    """Tell whether *text* is a valid ``YYYY-MM`` month."""
    return isinstance(text, str) and bool(_MONTH.match(text))


def add_months(month: str, count: int) -> str:
    """Return the month *count* months after *month* (negative goes back)."""
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(day: dt.date) -> str:
    """Return the ``YYYY-MM`` month a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


@cache  # pure, and called for every person and month
def first_day(month: str) -> dt.date:
    """Return the 1st of *month*."""
    year, mon = parse_month(month)
    return dt.date(year, mon, 1)


def months_before(month: str, count: int) -> list[str]:
    """Return the *count* months before *month*, oldest first (M−N … M−1)."""
    return [add_months(month, -count + i) for i in range(count)]


@cache  # pure, and called for every person and month
def days_in(month: str) -> int:
    """Return the number of calendar days of *month*."""
    return calendar.monthrange(*parse_month(month))[1]


@cache  # pure, and called for every person and month
def last_day(month: str) -> dt.date:
    """Return the last calendar day of *month*."""
    year, mon = parse_month(month)
    return dt.date(year, mon, days_in(month))
