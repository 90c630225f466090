"""Promotion eligibility at and around its boundaries (RULES.md §4, D12–D18)."""

from __future__ import annotations

import json

import pytest

from csapp.policy.months import add_months, months_before

AGENT_MONTH = {
    "kpi": 99,
    "production": 1500,
    "dept_avg_production": 1400,
    "qa_avg": 99,
    "stars": 1,
    "justified_dissatisfied": 0,
    "work_errors": 0,
    "refused": 0,
    "service_complaints": 0,
    "leave_days": 0,
    "annual_leave_days": 0,
}
SPEC_MONTH = {
    "kpi": 99.5,
    "audit_errors": 0,
    "delivery_data_errors": 0,
    "shipping_errors": 0,
    "leave_days": 0,
    "annual_leave_days": 0,
}
SUP_MONTH = {"kpi": 99, "coordination": 0, "work_errors": 0}
DEPT_MONTH = {
    "connection_rate": 96,
    "qa_avg": 96,
    "service_level": 96,
    "service_complaints": 0,
    "headcount": 40,
    "leavers": 0,
}
TEMPLATES = {"agent": AGENT_MONTH, "spec": SPEC_MONTH, "sup": SUP_MONTH, "mgr": SUP_MONTH}
FROM = {
    "agent.1": "agent.p",
    "agent.2": "agent.1",
    "agent.3": "agent.2",
    "spec.1": "spec.p",
    "spec.2": "spec.1",
    "spec.3": "spec.2",
    "sup.1": "agent.3",
    "sup.2": "sup.1",
    "sup.3": "sup.2",
    "mgr.1": "sup.3",
    "mgr.2": "mgr.1",
    "mgr.3": "mgr.2",
}
PERIOD = {"agent.1": 3, "agent.2": 6, "agent.3": 6, "spec.1": 6, "spec.2": 12, "spec.3": 18}


def application(target="agent.2", applied_on="2026-11-03", months=None, per_month=None, **extra):
    """A document that passes every criterion unless told otherwise."""
    track = target.split(".")[0]
    period = PERIOD.get(target, 12)
    cycle = months_before(applied_on[:7], period)
    rows = [{"month": m, **TEMPLATES[track], **(per_month or {}).get(m, {})} for m in cycle]
    doc = {
        "applied_on": applied_on,
        "person": {
            "id": "X1",
            "grade": FROM[target],
            "grade_since": "2020-01-01",
            "regularized_on": "2020-01-01",
            "serious_error": False,
        },
        "target": target,
        "months": rows if months is None else months,
        "dept_months": [{"month": m, **DEPT_MONTH} for m in cycle] if track in ("sup", "mgr") else [],
        "interview": "pass",
    }
    if track == "agent":
        doc["written_test"] = 100
    if track == "mgr":
        doc["process"] = "pass"
    for key, value in extra.items():
        if key in ("grade_since", "regularized_on", "serious_error"):
            doc["person"][key] = value
        else:
            doc[key] = value
    return doc


def evaluate(rules, doc):
    code, out, err = rules("promotion", doc)
    assert code == 0, err
    result = json.loads(out)
    return result, {c["key"]: c["passed"] for c in result["criteria"]}


@pytest.mark.parametrize("target", list(FROM))
def test_a_good_record_is_eligible_on_every_track(rules, target):
    result, passed = evaluate(rules, application(target))
    assert result["status"] == "eligible", result
    assert all(passed.values())


@pytest.mark.parametrize("day, ok", [("01", True), ("05", True), ("06", False), ("28", False)])
def test_window(rules, day, ok):
    result, passed = evaluate(rules, application(applied_on=f"2026-11-{day}"))
    assert passed["window"] is ok
    assert result["status"] == ("eligible" if ok else "ineligible")


def test_late_application_accepted_by_hr(rules):
    _, passed = evaluate(rules, application(applied_on="2026-11-12", window_exception="系统故障,人事同意"))
    assert passed["window"] is True
    _, passed = evaluate(rules, application(applied_on="2026-11-12", window_exception="   "))
    assert passed["window"] is False


@pytest.mark.parametrize("since, ok", [("2026-05-01", True), ("2026-05-02", False), ("2026-04-30", True)])
def test_tenure_from_grade_starts_on_the_first(rules, since, ok):
    # agent.2 applied 2026-11: cycle 2026-05 … 2026-10
    result, passed = evaluate(rules, application(grade_since=since))
    assert result["cycle"][0] == "2026-05"
    assert passed["tenure"] is ok


@pytest.mark.parametrize("regularized, ok", [("2026-08-01", True), ("2026-08-02", False), (None, False)])
def test_tenure_for_one_star_counts_from_regularisation(rules, regularized, ok):
    doc = application("agent.1", grade_since="2026-10-01", regularized_on=regularized)
    _, passed = evaluate(rules, doc)
    assert passed["tenure"] is ok


def test_specialist_tenure_is_cumulative_since_regularisation(rules):
    # spec.2 applied 2026-11 needs 转正 ≤ 2025-11-01 and spec.1 held on 2026-11-01 (D13)
    _, passed = evaluate(rules, application("spec.2", regularized_on="2025-11-01", grade_since="2026-09-01"))
    assert passed["tenure"] is True
    _, passed = evaluate(rules, application("spec.2", regularized_on="2025-11-02", grade_since="2026-09-01"))
    assert passed["tenure"] is False
    _, passed = evaluate(
        rules, application("spec.2", applied_on="2026-11-03", regularized_on="2020-01-01", grade_since="2026-11-02")
    )
    assert passed["tenure"] is False


@pytest.mark.parametrize("leave, annual, ok", [(6.5, 0, True), (7, 0, False), (10, 3.5, True), (10, 3, False)])
def test_leave_gate(rules, leave, annual, ok):
    doc = application(per_month={"2026-06": {"leave_days": leave, "annual_leave_days": annual}})
    result, passed = evaluate(rules, doc)
    assert passed["leave"] is ok
    assert result["status"] == ("eligible" if ok else "ineligible")


def test_leave_outside_the_cycle_does_not_count(rules):
    doc = application(per_month={"2026-04": {"leave_days": 20}})  # cycle starts 2026-05
    doc["months"].append({"month": "2026-04", **AGENT_MONTH, "leave_days": 20, "annual_leave_days": 0})
    _, passed = evaluate(rules, doc)
    assert passed["leave"] is True


def test_missing_month_fails_data_and_names_it(rules):
    doc = application()
    doc["months"] = [m for m in doc["months"] if m["month"] != "2026-08"]
    result, passed = evaluate(rules, doc)
    assert passed["data"] is False and result["status"] == "ineligible"
    data = next(c for c in result["criteria"] if c["key"] == "data")
    assert "2026-08" in data["explanation"] and "2026-08" in data["actual"]


def test_missing_department_month_fails_data_for_supervisors(rules):
    doc = application("sup.2")
    doc["dept_months"] = doc["dept_months"][1:]
    _, passed = evaluate(rules, doc)
    assert passed["data"] is False


def test_one_service_complaint_bars_promotion(rules):
    _, passed = evaluate(rules, application(per_month={"2026-07": {"service_complaints": 1}}))
    assert passed["service_complaint"] is False


@pytest.mark.parametrize("qa, ok", [(95, True), (94.99, False)])
def test_agent_qa_mean_threshold(rules, qa, ok):
    doc = application(per_month={m: {"qa_avg": qa} for m in months_before("2026-11", 6)})
    _, passed = evaluate(rules, doc)
    assert passed["qa"] is ok


def test_production_passes_by_months_or_by_cycle_mean(rules):
    low = {"production": 1300}
    # 3 of 6 months below average: 3 months at/above < 4 required, mean (1500*3+1300*3)/6 = 1400 ≥ 1400
    per_month = {m: low for m in months_before("2026-11", 6)[:3]}
    _, passed = evaluate(rules, application(per_month=per_month))
    assert passed["production"] is True
    per_month = {m: {"production": 1299} for m in months_before("2026-11", 6)[:3]}
    _, passed = evaluate(rules, application(per_month=per_month))
    assert passed["production"] is False


@pytest.mark.parametrize("errors, ok", [(2, True), (3, False)])
def test_one_star_allows_two_work_errors(rules, errors, ok):
    doc = application("agent.1", per_month={"2026-09": {"work_errors": errors}}, grade_since="2026-01-01")
    _, passed = evaluate(rules, doc)
    assert passed["work_errors"] is ok


@pytest.mark.parametrize("score, ok", [(90, True), (89.5, False)])
def test_written_test(rules, score, ok):
    _, passed = evaluate(rules, application(written_test=score))
    assert passed["written_test"] is ok


def test_pending_when_interview_and_test_are_not_held(rules):
    doc = application()
    del doc["interview"], doc["written_test"]
    result, passed = evaluate(rules, doc)
    assert result["status"] == "pending"
    assert passed["interview"] is None and passed["written_test"] is None


def test_failed_interview_is_ineligible(rules):
    result, _ = evaluate(rules, application(interview="fail"))
    assert result["status"] == "ineligible"


def test_specialist_serious_error_and_error_counts(rules):
    _, passed = evaluate(rules, application("spec.1", serious_error=True))
    assert passed["serious_error"] is False
    _, passed = evaluate(rules, application("spec.2", per_month={"2026-03": {"delivery_data_errors": 1}}))
    assert passed["delivery_data_errors"] is True
    _, passed = evaluate(rules, application("spec.3", per_month={"2026-03": {"delivery_data_errors": 1}}))
    assert passed["delivery_data_errors"] is False


def test_supervisor_criteria(rules):
    cycle = months_before("2026-11", 12)
    doc = application("sup.1")
    for row in doc["dept_months"]:
        row["connection_rate"] = 85
    doc["months"][0]["work_errors"] = 3
    result, passed = evaluate(rules, doc)
    assert passed["connection"] is True and passed["work_errors"] is True
    assert "leave" not in passed  # D15: no leave gate for supervisors
    doc["dept_months"][0]["connection_rate"] = 84.99
    doc["months"][1]["work_errors"] = 1
    _, passed = evaluate(rules, doc)
    assert passed["connection"] is False and passed["work_errors"] is False
    doc = application("sup.3", per_month={cycle[4]: {"coordination": 1}})
    _, passed = evaluate(rules, doc)
    assert passed["coordination"] is False


def test_manager_turnover_service_level_and_process(rules):
    doc = application("mgr.1")
    doc["dept_months"][0]["leavers"] = 8  # 8 / 40 × 100 = 20% → passes "≤ 20%"
    result, passed = evaluate(rules, doc)
    assert passed["turnover"] is True
    doc["dept_months"][1]["leavers"] = 1
    _, passed = evaluate(rules, doc)
    assert passed["turnover"] is False
    doc = application("mgr.2")
    for row in doc["dept_months"]:
        row["service_level"] = 92.99
        row["qa_avg"] = 100  # the supervisors' measure must not be used for managers
    _, passed = evaluate(rules, doc)
    assert passed["dept_quality"] is False
    doc = application("mgr.3")
    del doc["process"]
    result, passed = evaluate(rules, doc)
    assert passed["process"] is None and result["status"] == "pending"


def test_cycle_and_effective_month(rules):
    result, _ = evaluate(rules, application("agent.1", applied_on="2026-01-04", grade_since="2025-01-01"))
    assert result["cycle"] == ["2025-10", "2025-11", "2025-12"]
    assert result["effective_month"] == "2026-01"
    assert add_months("2026-01", -1) == "2025-12"
