"""KPI items at and around their boundaries (RULES.md §3, D6–D10)."""

from __future__ import annotations

import json

import pytest
from conftest import agent_doc, score_doc


def scored(rules, doc):
    code, out, err = rules("score", doc)
    assert code == 0, err
    return {a["id"]: a for a in json.loads(out)["agents"]}


@pytest.mark.parametrize(
    "rate, expected",
    [
        (100, 20.0),
        (95, 20.0),
        (94.99, 19.98),
        (93.5, 17.0),
        (90, 10.0),
        (85, 0.0),
        (50, 0.0),
    ],
)
def test_connection(rules, rate, expected):
    agent = scored(rules, score_doc(agent_doc(), rate=rate))["A1"]
    assert agent["items"]["connection"] == expected


def test_connection_explanation_says_why(rules):
    agent = scored(rules, score_doc(agent_doc(), rate=93.5))["A1"]
    assert "93.50%" in agent["explanations"]["connection"]
    assert "扣 3.00 分" in agent["explanations"]["connection"]


@pytest.mark.parametrize(
    "employment, seconds, expected",
    [
        ("regular", 120, 5.0),
        ("regular", 120.2, 4.8),
        ("regular", 122.4, 2.6),
        ("regular", 125, 0.0),
        ("regular", 200, 0.0),
        ("intern", 180, 5.0),
        ("intern", 181.5, 3.5),
        ("intern", 130, 5.0),
    ],
)
def test_call_length(rules, employment, seconds, expected):
    agent = scored(rules, score_doc(agent_doc(employment=employment, avg_call_seconds=seconds)))["A1"]
    assert agent["items"]["call_length"] == expected


@pytest.mark.parametrize(
    "field, item, count, expected",
    [
        ("feedback_unprocessed", "feedback", 1, 9.0),
        ("feedback_unprocessed", "feedback", 10, 0.0),
        ("feedback_unprocessed", "feedback", 11, 0.0),
        ("dissatisfied", "satisfaction", 1, 0.0),
        ("dissatisfied", "satisfaction", 2, 0.0),
        ("im_unprocessed", "im", 4, 2.0),
        ("im_unprocessed", "im", 5, 0.0),
        ("im_unprocessed", "im", 6, 0.0),
        ("plan_missed", "plan", 2, 3.0),
        ("knowledge_errors", "knowledge", 2, 1.0),
        ("knowledge_errors", "knowledge", 3, 0.0),
        ("operation_errors", "operations", 1, 3.0),
        ("discipline", "discipline", 5, 0.0),
        ("cooperation", "cooperation", 4, 1.0),
    ],
)
def test_counted_items_floor_at_zero(rules, field, item, count, expected):
    agent = scored(rules, score_doc(agent_doc(**{field: count})))["A1"]
    assert agent["items"][item] == expected


def test_lone_agent_gets_no_rank_bonus_and_no_star(rules):
    agent = scored(rules, score_doc(agent_doc(production=5000, qa_scores=[100])))["A1"]
    assert agent["items"]["qa"] == 10.0 and agent["items"]["volume"] == 10.0
    assert agent["stars"] == [] and agent["qa_rank"] == 1 and agent["production_rank"] == 1


def test_all_equal_is_no_spread(rules):
    agents = [agent_doc(f"A{i}", production=1000, qa_scores=[90]) for i in range(3)]
    result = scored(rules, score_doc(*agents))
    for agent in result.values():
        assert agent["items"]["qa"] == 10.0 and agent["items"]["volume"] == 10.0 and agent["stars"] == []


def test_qa_first_last_and_average_stack(rules):
    # averages: 100, 90, 80 → mean 90; 90 is "at or below" (−1); 80 last (−3) and below (−1)
    agents = [agent_doc("A", qa_scores=[100]), agent_doc("B", qa_scores=[90]), agent_doc("C", qa_scores=[80])]
    result = scored(rules, score_doc(*agents))
    assert [result[k]["items"]["qa"] for k in "ABC"] == [13.0, 9.0, 6.0]
    assert [result[k]["qa_rank"] for k in "ABC"] == [1, 2, 3]
    assert result["A"]["stars"] == ["qa"]


def test_qa_tie_at_first_and_last(rules):
    agents = [
        agent_doc("A", qa_scores=[100]),
        agent_doc("B", qa_scores=[100]),
        agent_doc("C", qa_scores=[80]),
        agent_doc("D", qa_scores=[80]),
    ]
    result = scored(rules, score_doc(*agents))
    assert [result[k]["qa_rank"] for k in "ABCD"] == [1, 1, 3, 3]
    assert [result[k]["items"]["qa"] for k in "ABCD"] == [13.0, 13.0, 6.0, 6.0]
    assert result["B"]["stars"] == ["qa"]


def test_qa_exactly_at_average_with_repeating_fractions(rules):
    # A = 1/3-ish average, C = mean of A and B exactly; C equals the department mean exactly.
    agents = [
        agent_doc("A", qa_scores=[90, 91, 91]),
        agent_doc("B", qa_scores=[95, 96, 96]),
        agent_doc("C", qa_scores=[92.5, 93.5, 93.5]),
    ]
    result = scored(rules, score_doc(*agents))
    assert result["C"]["items"]["qa"] == 9.0  # at the average counts as "以下": −1


def test_volume_rank_bonuses_and_average(rules):
    # production 100, 10, 10, 10: mean 32.5; rank 1 +3; the three 10s share rank 2: +2 and −1
    agents = [agent_doc("A", production=100)] + [agent_doc(k, production=10) for k in "BCD"]
    result = scored(rules, score_doc(*agents))
    assert result["A"]["items"]["volume"] == 13.0
    assert [result[k]["production_rank"] for k in "BCD"] == [2, 2, 2]
    assert [result[k]["items"]["volume"] for k in "BCD"] == [11.0, 11.0, 11.0]
    assert result["B"]["stars"] == []


def test_volume_above_average_without_rank_bonus_gets_one(rules):
    agents = [
        agent_doc("A", production=400),
        agent_doc("B", production=300),
        agent_doc("C", production=260),
        agent_doc("D", production=40),
    ]
    result = scored(rules, score_doc(*agents))
    # mean = 250: C is rank 3 and above average → +1; D below → −1
    assert [result[k]["items"]["volume"] for k in "ABCD"] == [13.0, 12.0, 11.0, 9.0]


def test_incidents_are_added_uncapped_and_total_floors_at_zero(rules):
    agent = agent_doc(incidents={"service_complaint": 30})
    result = scored(rules, score_doc(agent))["A1"]
    assert result["incident_points"] == -150.0
    assert result["total"] == 0.0
    bonus = scored(rules, score_doc(agent_doc(incidents={"excellent_recording": 3})))["A1"]
    assert bonus["total"] == 106.0 and bonus["incident_points"] == 6.0


def test_fewer_qa_samples_warn(rules):
    result = scored(rules, score_doc(agent_doc(qa_scores=[90, 92])))["A1"]
    assert result["qa_avg"] == 91.0
    assert any("2 条" in w for w in result["warnings"])
    assert scored(rules, score_doc(agent_doc(qa_scores=[90] * 5)))["A1"]["warnings"] == []
