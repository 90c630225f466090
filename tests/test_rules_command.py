"""The `rules` command refuses bad input: exit 2, nothing on stdout, one line naming the path."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES, agent_doc, score_doc
from test_promotion_rules import application

PAYROLL = {"month": "2026-10", "people": [{"id": "P1", "grade": "agent.1", "kpi_score": 90, "late": 0, "absent": 0}]}


def with_change(doc, change):
    doc = json.loads(json.dumps(doc))
    change(doc)
    return doc


def _set(path, value):
    def change(doc):
        target = doc
        for part in path[:-1]:
            target = target[part]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


BAD = [
    ("score", "{not json", "not valid JSON"),
    ("score", "[1, 2]", "must be a JSON object"),
    ("score", with_change(score_doc(), _set(["agents", 0, "qa_scores"], [90, "x"])), "agents[0].qa_scores[1]:"),
    (
        "score",
        with_change(
            score_doc(agent_doc(), agent_doc("A2"), agent_doc("A3"), agent_doc("A4")),
            _set(["agents", 3, "qa_scores"], [95, 101]),
        ),
        "agents[3].qa_scores[1]: must be <= 100",
    ),
    (
        "score",
        with_change(score_doc(), _set(["agents", 0, "production"], KeyError)),
        "agents[0].production: is required",
    ),
    ("score", with_change(score_doc(), _set(["agents", 0, "colour"], "red")), "agents[0].colour: unknown key"),
    (
        "score",
        with_change(score_doc(), _set(["agents", 0, "im_unprocessed"], -1)),
        "agents[0].im_unprocessed: must be >= 0",
    ),
    (
        "score",
        with_change(score_doc(), _set(["agents", 0, "plan_missed"], 1.5)),
        "agents[0].plan_missed: must be an integer",
    ),
    (
        "score",
        with_change(score_doc(), _set(["agents", 0, "discipline"], True)),
        "agents[0].discipline: must be an integer",
    ),
    ("score", with_change(score_doc(), _set(["agents", 0, "production"], "1500")), "agents[0].production"),
    ("score", with_change(score_doc(), _set(["agents", 0, "employment"], "temp")), "agents[0].employment"),
    ("score", with_change(score_doc(), _set(["agents", 0, "qa_scores"], [])), "agents[0].qa_scores"),
    ("score", with_change(score_doc(), _set(["agents", 0, "incidents"], {"arson": 1})), "agents[0].incidents.arson"),
    (
        "score",
        with_change(score_doc(), _set(["agents", 0, "incidents"], {"work_error": -1})),
        "agents[0].incidents.work_error",
    ),
    ("score", with_change(score_doc(), _set(["month"], "2026-13")), "month: must be a month"),
    ("score", with_change(score_doc(), _set(["department", "connection_rate"], 100.5)), "department.connection_rate"),
    ("score", score_doc(agent_doc("A1"), agent_doc("A1")), "appears twice"),
    ("payroll", with_change(PAYROLL, _set(["people", 0, "grade"], "agent.9")), "people[0].grade: unknown grade"),
    ("payroll", with_change(PAYROLL, _set(["people", 0, "kpi_score"], KeyError)), "people[0].kpi_score: is required"),
    ("payroll", with_change(PAYROLL, _set(["people", 0, "late"], -2)), "people[0].late"),
    (
        "payroll",
        with_change(PAYROLL, _set(["people", 0, "leave_days"], {"holiday": 1})),
        "people[0].leave_days.holiday",
    ),
    (
        "payroll",
        with_change(PAYROLL, _set(["people", 0, "leave_days"], {"sick": 0.3})),
        "people[0].leave_days.sick: must be counted in half days",
    ),
    ("payroll", with_change(PAYROLL, _set(["month"], "2026-1")), "month"),
    ("payroll", with_change(PAYROLL, lambda d: d["people"].append(dict(d["people"][0]))), "people[1].id"),
    (
        "promotion",
        with_change(application(), _set(["target"], "agent.3")),
        "target: target agent.3 is not the next rung",
    ),
    ("promotion", with_change(application(), _set(["target"], "agent.p")), "target"),
    ("promotion", with_change(application(), _set(["target"], "boss")), "target: unknown grade"),
    ("promotion", with_change(application(), _set(["applied_on"], "2026-02-30")), "applied_on: must be a date"),
    ("promotion", with_change(application(), _set(["months", 2, "qa_avg"], KeyError)), "months[2].qa_avg: is required"),
    ("promotion", with_change(application(), _set(["months", 2, "bogus"], 1)), "months[2].bogus: unknown key"),
    ("promotion", with_change(application(), _set(["months", 1, "month"], "2026-05")), "appears twice"),
    (
        "promotion",
        with_change(application(), _set(["months", 1, "annual_leave_days"], 1)),
        "months[1].annual_leave_days",
    ),
    ("promotion", with_change(application(), _set(["interview"], "maybe")), "interview"),
    (
        "promotion",
        with_change(application("sup.1"), _set(["dept_months", 0, "headcount"], 0)),
        "dept_months[0].headcount",
    ),
]


@pytest.mark.parametrize("kind, document, message", BAD, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)])
def test_bad_input_exits_2_and_names_the_path(rules, kind, document, message):
    code, out, err = rules(kind, document)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert message in lines[0]
    assert "Traceback" not in err


def test_file_argument_and_stdin_agree(app, rules):
    path = EXAMPLES / "score-tie.in.json"
    by_file = app.test_cli_runner().invoke(args=["rules", "score", str(path)])
    assert by_file.exit_code == 0
    assert by_file.stdout == rules("score", path.read_text(encoding="utf-8"))[1]


def test_missing_file_is_an_error(app):
    result = app.test_cli_runner().invoke(args=["rules", "score", "/nonexistent.json"])
    assert result.exit_code == 2 and result.stdout == ""
