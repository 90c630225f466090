"""A person's whole working life on one list (员工档案): events, grades, teams and allowances, dated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Employee, PersonEvent
from ..policy.months import first_day
from .person_corrections import CANCELLABLE
from .policy_book import policy_in

GRADE_KINDS = {"appointment": "任命", "promotion": "晋升"}


@dataclass(frozen=True)
class Entry:
    on: dt.date
    what: str
    detail: str
    by: str = ""
    event: PersonEvent | None = None  # correctable when set
    cancellable: bool = False
    cancelled: bool = False
    correction: str = ""


def timeline(employee: Employee) -> list[Entry]:
    """Every dated fact of *employee*, newest first; events of the current period can be corrected."""
    entries = []
    kinds = set()
    for event in employee.events:
        kinds.add(event.kind)
        current = not event.cancelled and event.on >= employee.hired_on
        entries.append(
            Entry(
                event.on,
                event.name,
                event.note,
                event.created_by.display_name if event.created_by else "",
                event if current else None,
                current and event.kind in CANCELLABLE,
                event.cancelled,
                event.correction,
            )
        )
    for kind, day, what in (
        ("hire", employee.periods[0].hired_on, "入职"),
        ("regularize", employee.regularized_on, "转正"),
        ("leave", employee.separated_on, "离职"),
    ):
        if day is not None and kind not in kinds:
            entries.append(Entry(day, what, "系统启用前的记录"))
    for change in employee.grades:
        if change.kind in GRADE_KINDS:
            label = policy_in(f"{change.effective_on:%Y-%m}").grade_label(change.grade)
            entries.append(Entry(change.effective_on, GRADE_KINDS[change.kind], f"{label}:{change.reason}"))
    events_on = {e.on for e in employee.events}
    for membership in employee.memberships:
        if membership.effective_on not in events_on:
            detail = f"{membership.team.name}" + (f":{membership.reason}" if membership.reason else "")
            entries.append(Entry(membership.effective_on, "调整班组", detail))
    for allowance in employee.allowances:
        names = policy_in(allowance.effective_month).pay.allowance_names
        amount = f"¥{allowance.amount:,.2f}/月" if allowance.amount else "停发"
        name = names.get(allowance.kind, "其他补贴")
        entries.append(Entry(first_day(allowance.effective_month), "补贴", f"{name} {amount}"))
    return sorted(entries, key=lambda e: e.on, reverse=True)
