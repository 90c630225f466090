"""Recording things one by one: incidents, QA samples and dissatisfied cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import DissatisfiedCase, Employee, Incident, QaSample, User
from ..policy.months import month_of
from . import audit
from .access import require, subject_for
from .errors import NotFound, ServiceError
from .grid import Column, check_value
from .month_lock import guard
from .policy_book import policy_in
from .results import data_changed

QA_SCORE = Column("score", "质检分数", "decimal", "0–100", Decimal(100))


def _agent(user: User, employee_id: int, month: str) -> Employee:
    """The agent the event is about: someone who was an agent in that month (RULES.md D20)."""
    require(user, "supervisor", "hr")
    employee = subject_for(user, employee_id, month)
    if employee.track_in(month) != "agent":
        raise ServiceError("只有话务员登记管理指标项、质检与不满意录音。")
    return employee


@writes
def add_incident(user: User, employee_id: int, kind: str, day: dt.date, note: str, reason: str = "") -> Incident:
    """Record one management incident on its date."""
    employee = _agent(user, employee_id, month_of(day))
    if day > clock.today():
        raise ServiceError("日期不能晚于今天。", "occurred_on")
    month = month_of(day)
    incidents = policy_in(month).kpi.incidents
    if kind not in incidents:
        raise ServiceError("请选择事件类型。", "kind")
    correction = guard(user, employee.department_id, month, reason)
    data_changed([employee.department_in(month)], month, employees=[employee.id])
    incident = Incident(
        employee_id=employee.id,
        month=month,
        occurred_on=day,
        kind=kind,
        note=(note or "").strip(),
        recorded_by_id=user.id,
    )
    db.session.add(incident)
    db.session.flush()
    audit.record(
        user,
        "incident.add",
        "incident",
        incident.id,
        subject=audit.subject_of(employee),
        month=month,
        field=kind,
        new=f"{incidents[kind].name} {day} {incident.note}".strip(),
        reason=reason.strip(),
        correction=correction,
    )
    return incident


@writes
def remove_incident(user: User, incident_id: int, reason: str = "") -> None:
    """Delete a wrongly recorded incident."""
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("这条记录不存在或已删除。")
    employee = _agent(user, incident.employee_id, incident.month)
    correction = guard(user, employee.department_id, incident.month, reason)
    data_changed([employee.department_in(incident.month)], incident.month, employees=[employee.id])
    name = policy_in(incident.month).kpi.incidents[incident.kind].name
    audit.record(
        user,
        "incident.remove",
        "incident",
        incident.id,
        subject=audit.subject_of(employee),
        month=incident.month,
        field=incident.kind,
        old=f"{name} {incident.occurred_on} {incident.note}".strip(),
        reason=reason.strip(),
        correction=correction,
    )
    db.session.delete(incident)


@writes
def add_sample(
    user: User, employee_id: int, month: str, score: Decimal | None, recording_id: str, reason: str = ""
) -> QaSample:
    """Record one QA sample score of an agent's month."""
    employee = _agent(user, employee_id, month)
    value = check_value(QA_SCORE, score)
    if value is None:
        raise ServiceError("请填写质检分数。", "score")
    correction = guard(user, employee.department_id, month, reason)
    data_changed([employee.department_in(month)], month, employees=[employee.id])
    sample = QaSample(
        employee_id=employee.id,
        month=month,
        score=value,
        recording_id=(recording_id or "").strip(),
        reviewer_id=user.id,
    )
    db.session.add(sample)
    db.session.flush()
    audit.record(
        user,
        "qa.add",
        "qa_sample",
        sample.id,
        subject=audit.subject_of(employee),
        month=month,
        field="score",
        new=f"{value} {sample.recording_id}".strip(),
        reason=reason.strip(),
        correction=correction,
    )
    return sample


@writes
def remove_sample(user: User, sample_id: int, reason: str = "") -> None:
    sample = db.session.get(QaSample, sample_id)
    if sample is None:
        raise NotFound("这条记录不存在或已删除。")
    employee = _agent(user, sample.employee_id, sample.month)
    correction = guard(user, employee.department_id, sample.month, reason)
    data_changed([employee.department_in(sample.month)], sample.month, employees=[employee.id])
    audit.record(
        user,
        "qa.remove",
        "qa_sample",
        sample.id,
        subject=audit.subject_of(employee),
        month=sample.month,
        field="score",
        old=f"{sample.score} {sample.recording_id}".strip(),
        reason=reason.strip(),
        correction=correction,
    )
    db.session.delete(sample)


@writes
def add_case(
    user: User, employee_id: int, month: str, recording_id: str, note: str = "", reason: str = ""
) -> DissatisfiedCase:
    """Record one dissatisfied rating (reviewed later: justified or not)."""
    employee = _agent(user, employee_id, month)
    correction = guard(user, employee.department_id, month, reason)
    data_changed([employee.department_in(month)], month, employees=[employee.id])
    case = DissatisfiedCase(
        employee_id=employee.id, month=month, recording_id=(recording_id or "").strip(), note=(note or "").strip()
    )
    db.session.add(case)
    db.session.flush()
    audit.record(
        user,
        "case.add",
        "dissatisfied_case",
        case.id,
        subject=audit.subject_of(employee),
        month=month,
        field="recording_id",
        new=case.recording_id,
        reason=reason.strip(),
        correction=correction,
    )
    return case


@writes
def review_case(user: User, case_id: int, justified: bool | None, reason: str = "") -> DissatisfiedCase:
    """Record the review of a dissatisfied case: justified (有理由) or not."""
    case = db.session.get(DissatisfiedCase, case_id)
    if case is None:
        raise NotFound("这条记录不存在或已删除。")
    employee = _agent(user, case.employee_id, case.month)
    correction = guard(user, employee.department_id, case.month, reason)
    data_changed([employee.department_in(case.month)], case.month, employees=[employee.id])
    names = {True: "有理由", False: "无理由", None: "未复核"}
    old = case.justified
    case.justified = justified
    audit.record(
        user,
        "case.review",
        "dissatisfied_case",
        case.id,
        subject=audit.subject_of(employee),
        month=case.month,
        field="justified",
        old=names[old],
        new=names[justified],
        reason=reason.strip(),
        correction=correction,
    )
    return case


@writes
def remove_case(user: User, case_id: int, reason: str = "") -> None:
    case = db.session.get(DissatisfiedCase, case_id)
    if case is None:
        raise NotFound("这条记录不存在或已删除。")
    employee = _agent(user, case.employee_id, case.month)
    correction = guard(user, employee.department_id, case.month, reason)
    data_changed([employee.department_in(case.month)], case.month, employees=[employee.id])
    audit.record(
        user,
        "case.remove",
        "dissatisfied_case",
        case.id,
        subject=audit.subject_of(employee),
        month=case.month,
        field="recording_id",
        old=case.recording_id,
        reason=reason.strip(),
        correction=correction,
    )
    db.session.delete(case)


def qa_overview(employee_ids: list[int], month: str) -> dict[int, tuple[int, Decimal | None, int]]:
    """Per agent of the month: (QA samples, their mean, dissatisfied cases), in two grouped queries."""
    from sqlalchemy import func, select

    found = {i: (0, None, 0) for i in employee_ids}
    samples = (
        select(QaSample.employee_id, func.count(), func.avg(QaSample.score))
        .where(QaSample.employee_id.in_(employee_ids), QaSample.month == month)
        .group_by(QaSample.employee_id)
    )
    for employee_id, count, mean in db.session.execute(samples):
        found[employee_id] = (count, Decimal(str(mean)), 0)
    cases = (
        select(DissatisfiedCase.employee_id, func.count())
        .where(DissatisfiedCase.employee_id.in_(employee_ids), DissatisfiedCase.month == month)
        .group_by(DissatisfiedCase.employee_id)
    )
    for employee_id, count in db.session.execute(cases):
        found[employee_id] = (*found[employee_id][:2], count)
    return found
