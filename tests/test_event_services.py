"""Incidents, QA samples and dissatisfied cases: recorded one by one, each change audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import MONTH
from sqlalchemy import func, select

from csapp.extensions import db
from csapp.models import AuditEntry, Incident
from csapp.services import events, month_lock
from csapp.services.errors import Forbidden, MonthLocked, ServiceError
from csapp.services.kpi import department_kpi


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_incident_counts_in_the_total_and_can_be_removed(org):
    sup, a1 = org["users"]["supervisor"], org["agents"][0]
    before = department_kpi(org["main"].id, MONTH).row_for(a1.id).score.total
    incident = events.add_incident(sup, a1.id, "refused_arrangement", dt.date(2026, 10, 12), "拒绝调班")
    after = department_kpi(org["main"].id, MONTH).row_for(a1.id).score
    assert after.total == before - 3 and after.incident_points == Decimal(-3)
    assert incident.month == MONTH and incident.recorded_by_id == sup.id
    events.remove_incident(sup, incident.id)
    assert department_kpi(org["main"].id, MONTH).row_for(a1.id).score.total == before
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-2:] == ["incident.add", "incident.remove"]


@pytest.mark.parametrize(
    "kind, day, message",
    [
        ("nonsense", dt.date(2026, 10, 12), "事件类型"),
        ("work_error", dt.date(2999, 1, 1), "晚于今天"),
    ],
)
def test_bad_incidents_are_refused(org, kind, day, message):
    with pytest.raises(ServiceError, match=message):
        events.add_incident(org["users"]["supervisor"], org["agents"][0].id, kind, day, "")
    db.session.rollback()
    assert count(Incident) == 0


@pytest.mark.parametrize(
    "kind, day, message, status",
    [
        ("nonsense", "2026-10-12", "请从列表中选择", 422),
        ("work_error", "2026-13-01", "年-月-日", 422),
        ("work_error", "", "请填写日期", 422),
        ("work_error", "2999-01-01", "晚于今天", 422),
    ],
)
def test_bad_incidents_typed_in_the_form_are_refused_in_place(org, login, kind, day, message, status):
    response = login("sup").post(
        f"/events/incidents?dept={org['main'].id}&month={MONTH}",
        headers={"HX-Request": "1"},
        data={"person": org["agents"][0].id, "kind": kind, "occurred_on": day, "note": "x"},
    )
    assert response.status_code == status
    page = response.data.decode()
    assert message in page and 'id="incident-panel"' in page
    assert count(Incident) == 0


def test_incidents_only_for_agents_of_ones_department(org):
    with pytest.raises(Forbidden):
        events.add_incident(org["users"]["supervisor"], org["far_agent"].id, "work_error", dt.date(2026, 10, 2), "")
    with pytest.raises(ServiceError, match="只有话务员"):
        events.add_incident(org["users"]["supervisor"], org["spec"].id, "work_error", dt.date(2026, 10, 2), "")
    with pytest.raises(Forbidden):
        events.add_incident(org["users"]["agent"], org["agents"][0].id, "work_error", dt.date(2026, 10, 2), "")


def test_qa_samples_average_and_cases(org):
    sup, a2 = org["users"]["supervisor"], org["agents"][1]
    events.add_sample(sup, a2.id, MONTH, Decimal("100"), "R1")
    row = department_kpi(org["main"].id, MONTH).row_for(a2.id)
    assert row.score.qa_avg == 95  # (90 + 100) / 2
    with pytest.raises(ServiceError, match="不能超过"):
        events.add_sample(sup, a2.id, MONTH, Decimal("101"), "R2")
    db.session.rollback()
    case = events.add_case(sup, a2.id, MONTH, "D-1")
    row = department_kpi(org["main"].id, MONTH).row_for(a2.id)
    assert row.score.items["satisfaction"].score == 0 and row.justified_cases == 0
    events.review_case(sup, case.id, True)
    assert department_kpi(org["main"].id, MONTH).row_for(a2.id).justified_cases == 1


def test_locked_month_refuses_incidents_unless_hr_gives_a_reason(org):
    sup, hr, a1 = org["users"]["supervisor"], org["users"]["hr"], org["agents"][0]
    month_lock.lock(sup, org["main"].id, MONTH)
    with pytest.raises(MonthLocked):
        events.add_incident(sup, a1.id, "work_error", dt.date(2026, 10, 2), "")
    db.session.rollback()
    incident = events.add_incident(hr, a1.id, "work_error", dt.date(2026, 10, 2), "", reason="漏登")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "incident.add"))
    assert incident.id and entry.is_correction and entry.reason == "漏登"
