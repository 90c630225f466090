"""Dated facts are read on the month's reference day (RULES.md D20), and 转正 is the one employment fact (D21)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from factories import MONTH

from csapp.db import write_transaction
from csapp.extensions import db
from csapp.models import AgentMonth
from csapp.services.kpi import department_kpi
from csapp.services.results import person_changed


def _call_length_item(org, person):
    return department_kpi(org["main"].id, MONTH).row_for(person.id).score.items["call_length"]


def test_an_agent_is_an_intern_until_the_regularisation_date(org):
    person = org["agents"][0]
    person.regularized_on = dt.date(2026, 10, 15)  # 转正 in the middle of October
    assert person.employment_on(dt.date(2026, 10, 14)) == "intern"
    assert person.employment_on(dt.date(2026, 10, 15)) == "regular"
    assert person.employment_in("2026-10") == "intern"  # October reads its 1st
    assert person.employment_in("2026-11") == "regular"
    person.regularized_on = None
    assert person.employment_in("2030-01") == "intern"


def test_the_reference_day_is_the_first_or_a_later_hire_date(org):
    person = org["agents"][0]
    assert person.reference_day("2026-10") == dt.date(2026, 10, 1)
    person.hired_on = dt.date(2026, 10, 20)
    assert person.reference_day("2026-10") == dt.date(2026, 10, 20)


def test_regularising_today_does_not_move_a_past_months_score(org):
    """150 s of average call length: −30 for a regular agent (limit 120 s), nothing for an intern (180 s)."""
    intern = org["agents"][2]  # 王五, not regularised
    record = db.session.query(AgentMonth).filter_by(employee_id=intern.id, month=MONTH).one()
    record.avg_call_seconds = Decimal(150)
    db.session.commit()
    before = _call_length_item(org, intern)
    assert before.score == 5 and "实习" in before.explanation
    with write_transaction():  # as the people services write it: the stored results' version moves on
        intern.regularized_on = dt.date(2026, 11, 29)  # 转正 recorded today
        person_changed(intern, "2026-11")
    after = _call_length_item(org, intern)
    assert (after.score, after.explanation) == (before.score, before.explanation)
    with write_transaction():
        intern.regularized_on = dt.date(2026, 10, 1)  # regular from October's reference day on: October changes
        person_changed(intern, "2026-10")
    assert _call_length_item(org, intern).score == 0


def test_a_move_into_another_track_takes_effect_from_its_month(org):
    """An agent appointed 主管 from 2026-11-01: October keeps them in the agent grid and ranking,
    November lists them with the reviewed tracks; the department's pay runs from November go stale."""
    from csapp.services import promotion
    from csapp.services.grid import SHEETS, sheet_people
    from csapp.services.kpi import department_agents
    from csapp.services.pay import runs
    from csapp.services.reviewed import reviewed_kpi

    hr, person, other = org["users"]["hr"], org["agents"][0], org["agents"][1]
    november = runs.compute_run(hr, "2026-11")
    promotion.appoint(hr, person.id, "sup.1", dt.date(2026, 11, 1), "主管岗位空缺")
    assert person.track_in("2026-10") == "agent" and person.track_in("2026-11") == "sup"
    assert person in department_agents(org["main"].id, "2026-10")
    assert person not in department_agents(org["main"].id, "2026-11")
    assert person in sheet_people(SHEETS["leader"], org["main"].id, "2026-11")
    assert person not in sheet_people(SHEETS["metrics"], org["main"].id, "2026-11")
    assert "按话务员公式" in reviewed_kpi(person, "2026-10").explanation
    assert reviewed_kpi(person, "2026-11").score is None  # now scored on the supervisors' items
    db.session.refresh(november)
    assert november.stale and "本部门排名与平均值随之变化" in november.stale_reason
    assert department_kpi(org["main"].id, MONTH).row_for(other.id).score is not None  # October unchanged
