"""Run and confirmation numbers of a month's pay: claimed with one UPDATE … RETURNING, never max() + 1."""

from __future__ import annotations

from sqlalchemy import update

from ...db import insert_or_select
from ...extensions import db
from ...models import PayCounter


def next_number(month: str, which: str) -> int:
    """Give out the month's next run (*which* = "runs") or confirmation ("confirms") number."""
    column = getattr(PayCounter, which)
    claim = update(PayCounter).where(PayCounter.month == month).values({which: column + 1}).returning(column)
    number = db.session.scalar(claim)
    if number is None:  # the month's first: its row is inserted (savepoint, re-select on a clash), then claimed
        insert_or_select(db.session, PayCounter, {"runs": 0, "confirms": 0}, month=month)
        number = db.session.scalar(claim)
    return number
