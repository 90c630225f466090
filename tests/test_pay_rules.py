"""Monthly pay at and around its boundaries (RULES.md §2, D3–D5)."""

from __future__ import annotations

import json

import pytest


def pay(rules, **person):
    entry = {"id": "P1", "grade": "agent.1", "kpi_score": 100, "late": 0, "absent": 0}
    entry.update(person)
    entry = {k: v for k, v in entry.items() if v is not None}
    code, out, err = rules("payroll", {"month": "2026-10", "people": [entry]})
    assert code == 0, err
    return json.loads(out)["people"][0]


@pytest.mark.parametrize("grade, base, performance", [
    ("agent.p", 2800, 0), ("agent.1", 3000, 500), ("agent.2", 3300, 500), ("agent.3", 3500, 500),
    ("spec.p", 2800, 0), ("spec.1", 2800, 800), ("spec.2", 3100, 800), ("spec.3", 3300, 800),
    ("sup.1", 4000, 500), ("sup.2", 4500, 500), ("sup.3", 5000, 500),
    ("mgr.1", 5000, 1000), ("mgr.2", 5800, 1200), ("mgr.3", 6800, 1200),
])
def test_salary_table(rules, grade, base, performance):
    result = pay(rules, grade=grade)
    assert result["base"] == base and result["performance"] == performance


@pytest.mark.parametrize("kpi, expected", [(100, 500.0), (120, 500.0), (99.99, 499.95), (0, 0.0), (88.25, 441.25)])
def test_performance_factor_is_linear_and_capped(rules, kpi, expected):
    assert pay(rules, kpi_score=kpi)["performance"] == expected


@pytest.mark.parametrize("leave, performance", [
    ({"sick": 9.5}, 500.0), ({"sick": 10}, 0.0), ({"sick": 5, "personal": 5}, 0.0),
    ({"annual": 15}, 500.0), ({"annual": 9, "other": 1}, 500.0), ({"maternity": 12}, 0.0),
])
def test_ten_leave_days_cost_performance_pay_but_annual_leave_does_not(rules, leave, performance):
    assert pay(rules, leave_days=leave)["performance"] == performance


@pytest.mark.parametrize("person, bonus", [
    ({}, 200.0), ({"late": 1}, 0.0), ({"absent": 1}, 0.0), ({"leave_days": {"sick": 0.5}}, 0.0),
    ({"leave_days": {"annual": 3}}, 200.0), ({"leave_days": {"bereavement": 1}}, 0.0),
])
def test_attendance_bonus(rules, person, bonus):
    result = pay(rules, **person)
    assert result["attendance_bonus"] == bonus
    assert result["explanations"]["attendance_bonus"]


def test_commission_for_every_specialist_grade_only(rules):
    assert pay(rules, grade="spec.p", books_delivered=100)["commission"] == 200.0
    assert pay(rules, grade="spec.3", books_delivered=512)["commission"] == 1024.0
    assert pay(rules, grade="agent.2", books_delivered=512)["commission"] == 0.0


def test_probation_needs_no_kpi_and_gross_adds_up(rules):
    result = pay(rules, grade="agent.p", kpi_score=None, allowances={"meal": 300.5})
    assert result["performance"] == 0.0
    assert result["gross"] == 2800 + 200 + 300.5


def test_explanation_shows_the_arithmetic(rules):
    result = pay(rules, kpi_score=88.25)
    assert "88.25" in result["explanations"]["performance"]
    assert "¥441.25" in result["explanations"]["performance"]
