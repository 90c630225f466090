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


@pytest.mark.parametrize(
    "grade, base, performance",
    [
        ("agent.p", 2800, 0),
        ("agent.1", 3000, 500),
        ("agent.2", 3300, 500),
        ("agent.3", 3500, 500),
        ("spec.p", 2800, 0),
        ("spec.1", 2800, 800),
        ("spec.2", 3100, 800),
        ("spec.3", 3300, 800),
        ("sup.1", 4000, 500),
        ("sup.2", 4500, 500),
        ("sup.3", 5000, 500),
        ("mgr.1", 5000, 1000),
        ("mgr.2", 5800, 1200),
        ("mgr.3", 6800, 1200),
    ],
)
def test_salary_table(rules, grade, base, performance):
    result = pay(rules, grade=grade)
    assert result["base"] == base and result["performance"] == performance


@pytest.mark.parametrize("kpi, expected", [(100, 500.0), (120, 500.0), (99.99, 499.95), (0, 0.0), (88.25, 441.25)])
def test_performance_factor_is_linear_and_capped(rules, kpi, expected):
    assert pay(rules, kpi_score=kpi)["performance"] == expected


@pytest.mark.parametrize(
    "leave, performance",
    [
        ({"sick": 9.5}, 500.0),
        ({"sick": 10}, 0.0),
        ({"sick": 5, "personal": 5}, 0.0),
        ({"annual": 15}, 500.0),
        ({"annual": 9, "other": 1}, 500.0),
        ({"maternity": 12}, 0.0),
    ],
)
def test_ten_leave_days_cost_performance_pay_but_annual_leave_does_not(rules, leave, performance):
    assert pay(rules, leave_days=leave)["performance"] == performance


@pytest.mark.parametrize(
    "person, bonus",
    [
        ({}, 200.0),
        ({"late": 1}, 0.0),
        ({"absent": 1}, 0.0),
        ({"leave_days": {"sick": 0.5}}, 0.0),
        ({"leave_days": {"annual": 3}}, 200.0),
        ({"leave_days": {"bereavement": 1}}, 0.0),
    ],
)
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


@pytest.mark.parametrize("kpi, expected", [(94.265, 471.35), (94.264, 471.3), (99.995, 500.0)])
def test_factor_uses_the_score_rounded_to_two_decimals(rules, kpi, expected):
    # D4: ¥500 × 94.27 ÷ 100 = 471.35, not ¥500 × 94.265 ÷ 100 = 471.325 → 471.33
    result = pay(rules, kpi_score=kpi)
    assert result["performance"] == expected
    assert f"¥{expected:,.2f}" in result["explanations"]["performance"]


def test_part_month_prorates_base_performance_and_allowances_once(rules):
    # D19: 2026-10 has 31 days; 10 employed days
    result = pay(rules, grade="sup.1", kpi_score=94.27, employed_days=10, allowances={"meal": 300})
    assert result["base"] == 1290.32  # 4000 × 10 / 31 = 1290.322…
    assert result["performance"] == 152.05  # 471.35 × 10 / 31 = 152.048…
    assert result["allowances"] == 96.77  # 300 × 10 / 31 = 96.774…
    assert result["attendance_bonus"] == 0.0  # only for a whole month
    assert result["gross"] == 1539.14  # the sum of the rounded lines
    assert "10/31" in result["explanations"]["base"]
    assert "只在职 10/31 天" in result["explanations"]["attendance_bonus"]


def test_commission_is_not_prorated(rules):
    result = pay(rules, grade="spec.1", kpi_score=100, employed_days=5, books_delivered=100)
    assert result["commission"] == 200.0


def test_whole_month_of_employed_days_is_a_whole_month(rules):
    assert pay(rules, employed_days=31) == pay(rules)


@pytest.mark.parametrize("days, message", [(32, "must be <= 31"), (0, "must be >= 1")])
def test_employed_days_outside_the_month_are_refused(rules, days, message):
    code, out, err = rules(
        "payroll",
        {
            "month": "2026-10",
            "people": [{"id": "P1", "grade": "agent.p", "late": 0, "absent": 0, "employed_days": days}],
        },
    )
    assert code == 2 and out == ""
    assert "people[0].employed_days" in err and message in err


def test_february_has_28_days(rules):
    code, out, err = rules(
        "payroll",
        {"month": "2026-02", "people": [{"id": "P1", "grade": "agent.p", "late": 0, "absent": 0, "employed_days": 29}]},
    )
    assert code == 2 and "must be <= 28" in err
