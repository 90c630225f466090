"""The eligibility the app shows is the rules core's, fed from the DB: the spec's examples rebuilt as DB state."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from conftest import EXAMPLES
from factories import employee, metrics

from csapp.contract.promotion import promotion_out
from csapp.extensions import db
from csapp.models import Attendance, Department, DepartmentMonth, Incident
from csapp.policy.parameters import policy_for
from csapp.policy.promotion import evaluate
from csapp.services.policy_book import policy_book
from csapp.services.promotion_data import build_application

KPI_BASE = 80  # every item but 400电话接通率 at its weight (lone agent: no rank bonus or penalty)


def load(name):
    return (
        json.loads((EXAMPLES / f"{name}.in.json").read_text(encoding="utf-8")),
        json.loads((EXAMPLES / f"{name}.out.json").read_text(encoding="utf-8")),
    )


def verdicts(result):
    return result["status"], {c["key"]: c["passed"] for c in result["criteria"]}


def evaluate_from_db(person, target, applied_on):
    policy = policy_for(applied_on[:7], policy_book())
    day = dt.date.fromisoformat(applied_on)
    return promotion_out(evaluate(build_application(person, target, day, policy), policy))


def test_agent_one_star_with_too_much_leave(db_app):
    document, expected = load("promotion-agent1-leave")
    department = Department(name="一组")
    p = document["person"]
    person = employee(
        department,
        "X03",
        "申请人",
        grade="agent.p",
        hired=dt.date(2026, 3, 10),
        regularized=dt.date.fromisoformat(p["regularized_on"]),
        grade_since=dt.date.fromisoformat(p["grade_since"]),
    )
    other = employee(department, "X04", "同事", grade="agent.1")
    for month in document["months"]:
        m = month["month"]
        db.session.add(DepartmentMonth(department=department, month=m, connection_rate=Decimal(96)))
        # production 1500 vs 1300 → department average 1400; QA 94 for both (no spread).
        # Volume rank 1 +3; five unprocessed chats −10, one missed plan −1: total 92.
        metrics(person, m, production=month["production"], qa=(month["qa_avg"],), im_unprocessed=5, plan_missed=1)
        metrics(other, m, production=2 * month["dept_avg_production"] - month["production"], qa=(month["qa_avg"],))
        db.session.add(Attendance(employee=person, month=m, leave_sick=Decimal(str(month["leave_days"]))))
    db.session.commit()
    result = evaluate_from_db(person, document["target"], document["applied_on"])
    assert result["cycle"] == expected["cycle"]
    assert verdicts(result) == verdicts(expected)
    actual = {c["key"]: c["actual"] for c in result["criteria"]}
    assert (actual["kpi"], actual["qa"], actual["leave"], actual["production"]) == ("92 分", "94 分", "7 天", "3 个月")


def test_supervisor_application_from_an_agent(db_app):
    document, expected = load("promotion-sup1-pending")
    department = Department(name="二组")
    p = document["person"]
    person = employee(
        department,
        "X09",
        "三星坐席",
        grade="agent.3",
        hired=dt.date(2022, 10, 1),
        regularized=dt.date.fromisoformat(p["regularized_on"]),
        grade_since=dt.date.fromisoformat(p["grade_since"]),
    )
    dept = {d["month"]: d for d in document["dept_months"]}
    for month in document["months"]:
        m, d = month["month"], dept[month["month"]]
        rate = Decimal(str(d["connection_rate"]))
        connection = max(Decimal(0), 20 - 2 * (95 - rate))
        # reach the example's KPI total exactly: +2 per excellent recording, −1 per missed plan
        deficit = Decimal(month["kpi"]) - KPI_BASE - connection + 2 * month["work_errors"]
        bonus = int((deficit + 1) // 2) if deficit > 0 else 0
        db.session.add(
            DepartmentMonth(
                department=department,
                month=m,
                connection_rate=rate,
                service_level=Decimal(d["service_level"]),
                headcount=d["headcount"],
                leavers=d["leavers"],
            )
        )
        metrics(person, m, production=1500, qa=(d["qa_avg"],), plan_missed=int(2 * bonus - deficit))
        day = dt.date.fromisoformat(f"{m}-10")
        for _ in range(bonus):
            db.session.add(Incident(employee=person, month=m, occurred_on=day, kind="excellent_recording"))
        for _ in range(month["work_errors"]):
            db.session.add(Incident(employee=person, month=m, occurred_on=day, kind="work_error"))
    db.session.commit()
    result = evaluate_from_db(person, document["target"], document["applied_on"])
    assert verdicts(result) == verdicts(expected)
    actual = {c["key"]: c["actual"] for c in result["criteria"]}
    assert (actual["connection"], actual["dept_quality"], actual["work_errors"], actual["kpi"]) == (
        "87.46%",
        "91 分",
        "2 次",
        "93 分",
    )
