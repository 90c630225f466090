"""Correct a person event (员工档案): a new date, or 撤销 for 转正, transfer and leaving — always with a reason.

The event keeps its row (marked 已撤销, or with its new date) and says what was corrected; the audit log
has old and new. The effect reaches back to the earlier of the two dates: every live pay run from that
month on goes 已过期 (never edited), so a locked month or a confirmed run is redone openly, not silently.
Only the current employment period can be corrected (RULES.md D21).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import PersonEvent, User
from ..policy.months import month_of
from . import audit
from .access import require, subject_for
from .accounts import login_of
from .errors import NotFound, ServiceError
from .pay.runs import mark_pay_stale_from
from .people import current_placement
from .results import data_changed

CANCELLABLE = ("regularize", "transfer", "leave")


@dataclass(frozen=True)
class Corrected:
    event: PersonEvent
    stale_runs: int


@writes
def correct_event(actor: User, event_id: int, day: dt.date | None, reason: str, cancel: bool = False) -> Corrected:
    """Give an event a new date (or 撤销 it); the person's facts follow, later pay runs go 已过期."""
    require(actor, "hr")
    event = db.session.get(PersonEvent, event_id)
    if event is None:
        raise NotFound("没有这条记录。")
    employee = subject_for(actor, event.employee_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("更正须填写原因。", "reason")
    if event.cancelled:
        raise ServiceError("这条记录已撤销,不能再更正。")
    if cancel and event.kind not in CANCELLABLE:
        raise ServiceError(f"“{event.name}”不能撤销,只能更正日期。")
    if not cancel and (day is None or day == event.on):
        raise ServiceError("请填写与原日期不同的新日期。", "on")
    if event.on < employee.hired_on:
        raise ServiceError("只能更正本次任职期内的记录。")
    old = event.on
    departments = {employee.department_on(old)}
    _APPLY[event.kind](employee, event, None if cancel else day)
    if not cancel:
        event.on = day
    event.cancelled = cancel
    when = clock.now_local().strftime("%Y-%m-%d")
    change = "撤销" if cancel else f"日期由 {old} 改为 {day}"
    event.correction = ";".join(
        x for x in (event.correction, f"{when} {actor.display_name}{change}(原因:{reason})") if x
    )
    reach = month_of(min(old, day or old))
    stale = set()
    concerned = {employee.department_on(old), current_placement(employee), *departments}
    for department_id in concerned:
        stale |= set(mark_pay_stale_from(reach, f"更正{employee.name}的{event.name}记录", department_id=department_id))
    data_changed(concerned, reach, onward=True)
    audit.record(
        actor,
        "person.correct",
        "person_event",
        event.id,
        subject=audit.subject_of(employee),
        month=reach,
        field=event.kind,
        old=str(old),
        new="撤销" if cancel else str(day),
        reason=reason,
    )
    return Corrected(event, len(stale))


def _hire(employee, event, day):
    if employee.regularized_on and day > employee.regularized_on:
        raise ServiceError(f"入职日期不能晚于转正日期 {employee.regularized_on}。", "on")
    if employee.separated_on and day > employee.separated_on:
        raise ServiceError(f"入职日期不能晚于离职日 {employee.separated_on}。", "on")
    if any(p.separated_on >= day for p in employee.past_periods):
        raise ServiceError("入职日期须晚于上一次离职日。", "on")
    later = [g for g in employee.grades if g.effective_on > event.on]
    if later and day >= later[0].effective_on:
        raise ServiceError(f"入职日期须早于下一次职级变动 {later[0].effective_on}。", "on")
    for fact in (*employee.grades, *employee.memberships, *employee.placements):
        if fact.effective_on == event.on:
            fact.effective_on = day
    employee.hired_on = day


def _regularize(employee, event, day):
    if day is not None and day < employee.hired_on:
        raise ServiceError("转正日期不能早于入职日期。", "on")
    employee.regularized_on = day


def _leave(employee, event, day):
    if day is not None and day < employee.hired_on:
        raise ServiceError("离职日不能早于入职日期。", "on")
    employee.separated_on = day
    login = login_of(employee.id)
    if login is not None:
        login.active = day is None or day >= clock.today()
        if not login.active:
            login.end_sessions()


def _transfer(employee, event, day):
    placement = next((p for p in employee.placements if p.effective_on == event.on), None)
    if placement is None:
        raise ServiceError("找不到这次调动的部门记录。")
    if day is None:
        employee.placements.remove(placement)
        db.session.delete(placement)
        for membership in [m for m in employee.memberships if m.effective_on == event.on]:
            employee.memberships.remove(membership)
            db.session.delete(membership)
    else:
        if day < employee.hired_on:
            raise ServiceError("调动日期不能早于入职日期。", "on")
        if any(p.effective_on == day for p in employee.placements):
            raise ServiceError(f"{day} 已有一条部门调动记录。", "on")
        placement.effective_on = day
        for membership in employee.memberships:
            if membership.effective_on == event.on:
                membership.effective_on = day
    employee.department_id = current_placement(employee)


_APPLY = {"hire": _hire, "rehire": _hire, "regularize": _regularize, "leave": _leave, "transfer": _transfer}
