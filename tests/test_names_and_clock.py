"""Names of codes, hints from the policy data, and the one clock (TODAY moves business dates only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from csapp import clock
from csapp.extensions import db
from csapp.models import AuditEntry
from csapp.policy import names
from csapp.policy.parameters import shipped_policies
from csapp.services.grid import DEPARTMENT_COLUMNS, SHEETS

POLICY = shipped_policies()[-1]


@pytest.mark.parametrize(
    "grade, regularized, expected",
    [
        ("agent.p", False, "话务员(试用期)"),
        ("agent.p", True, "话务员(未定星)"),
        ("agent.1", True, "话务员 · 一星"),
        ("agent.3", None, "话务员 · 三星"),
        ("spec.p", True, "见习专员"),
        ("mgr.2", None, "经理"),
        (None, None, "—"),
    ],
)
def test_grade_names(grade, regularized, expected):
    assert names.grade_name(POLICY, grade, regularized) == expected


def test_requirements_read_in_chinese():
    assert names.at_least(Decimal("93"), "分") == "≥ 93 分"
    assert names.at_most(Decimal("2"), "次") == "≤ 2 次"
    assert names.at_most(Decimal("0"), "次") == "0 次"
    assert names.at_least(Decimal("85"), "%") == "≥ 85%"
    assert names.less_than(Decimal("7"), "天") == "少于 7 天"
    assert names.window_days(1, 5) == "每月 1–5 日"
    assert names.not_later_than(dt.date(2026, 8, 1)) == "不晚于 2026-08-01"


def test_every_audit_action_the_services_write_has_a_name():
    import re

    from conftest import REPO

    written = set()
    for path in (REPO / "csapp" / "services").glob("*.py"):
        written |= set(re.findall(r'audit\.record\([^,]+, "([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    written |= {f"{key}.update" for key in SHEETS}
    assert written and written <= set(names.AUDIT_ACTION_NAMES), written - set(names.AUDIT_ACTION_NAMES)
    assert all(not name.isascii() for name in names.AUDIT_ACTION_NAMES.values())


def test_every_grid_column_and_audit_field_has_a_chinese_name():
    fields = {c.field for sheet in SHEETS.values() for c in sheet.columns} | {c.field for c in DEPARTMENT_COLUMNS}
    assert {f: names.field_name(f) for f in fields if names.field_name(f).isascii()} == {}


def test_audit_values_name_grades_roles_and_yes_no():
    assert names.audit_value("grade", "agent.2", POLICY) == "话务员 · 二星"
    assert names.audit_value("roles", "hr,supervisor", POLICY) == "人事、主管"
    assert names.audit_value("serious_error", "True", POLICY) == "是"


def test_screen_hints_come_from_the_policy_data():
    feedback = next(c for c in SHEETS["metrics"].columns if c.field == "feedback_unprocessed")
    calls = next(c for c in SHEETS["metrics"].columns if c.field == "avg_call_seconds")
    assert feedback.hint_for(POLICY) == "用户反馈未处理的例数,每例 −1 分(通常 ≤ 10)"
    assert calls.hint_for(POLICY) == "正式员工上限 120 秒,实习 180 秒(通常 ≤ 600)"
    items = dict(POLICY.kpi.items)
    items["feedback"] = items["feedback"].model_copy(update={"per_count": Decimal("1.5")})
    items["call_length"] = items["call_length"].model_copy(
        update={"limit_seconds": {"regular": Decimal(100), "intern": Decimal(150)}}
    )
    changed = POLICY.model_copy(update={"kpi": POLICY.kpi.model_copy(update={"items": items})})
    assert feedback.hint_for(changed) == "用户反馈未处理的例数,每例 −1.5 分(通常 ≤ 10)"
    assert calls.hint_for(changed) == "正式员工上限 100 秒,实习 150 秒(通常 ≤ 600)"
    books = next(c for c in SHEETS["specialist"].columns if c.field == "books_delivered")
    assert books.hint_for(POLICY) == "佣金 = 本数 × 2 元(通常 ≤ 500)"
    level = next(c for c in DEPARTMENT_COLUMNS if c.field == "service_level")
    assert level.hint_for(POLICY).startswith("20 秒内")


def test_business_dates_follow_today_and_proofs_of_time_stay_real(db_app, org, login):
    db_app.config["TODAY"] = "2026-03-02"
    try:
        assert clock.today() == dt.date(2026, 3, 2)
        assert clock.working_month() == "2026-02" and clock.issue_date() == dt.date(2026, 3, 2)
        real = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert abs((clock.now_utc() - real).total_seconds()) < 5
        page = login("sup").get("/entry").data.decode()
        assert "培训模式:系统日期为 2026-03-02" in page
        assert 'value="2026-02"' in page  # the month worked on follows the training day
        login("sup").post(f"/entry/lock?dept={org['main'].id}&month=2026-02")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "month.lock"))
        assert abs((entry.at - real).total_seconds()) < 60  # the audit keeps the real time
    finally:
        db_app.config["TODAY"] = None
    assert clock.training_day() is None
    assert "培训模式" not in login("sup").get("/entry").data.decode()


def test_stored_times_are_shown_in_beijing_time():
    stored = dt.datetime(2026, 11, 29, 16, 30)  # naive UTC, as stored
    assert clock.local(stored).strftime("%Y-%m-%d %H:%M") == "2026-11-30 00:30"


def _notice_head(app) -> str:
    from flask import render_template

    with app.test_request_context():
        return render_template(
            "pdf/_base.html",
            number="GZ2026-00001",
            issued_on=clock.issue_date(),
            signed_at=clock.now_local(),
            organisation="客服中心",
            signatory_title="人事部",
            signatory_name="林晓",
            signer_name="客服中心",
        )


def test_a_notice_made_in_training_mode_says_so_and_carries_the_training_day(db_app):
    db_app.config["TODAY"] = "2026-03-02"
    try:
        html = _notice_head(db_app)
        assert "培训用样张" in html and "2026年03月02日" in html
    finally:
        db_app.config["TODAY"] = None
    assert "培训用样张" not in _notice_head(db_app)


def test_the_trend_axis_fits_the_data_and_carries_the_department_average():
    from csapp.views.charts import trend

    points = [("2026-09", Decimal("89.50")), ("2026-10", Decimal("100.00")), ("2026-11", None)]
    chart = trend(points, {"2026-09": Decimal("92"), "2026-10": Decimal("94")})
    assert [g["value"] for g in chart["grid"]][0] == Decimal(85) and chart["grid"][-1]["value"] == Decimal(105)
    assert len(chart["lines"]) == 1 and len(chart["average_lines"]) == 1 and chart["has_average"]
    flat = trend([("2026-10", Decimal("95"))])
    assert flat["grid"][-1]["value"] - flat["grid"][0]["value"] >= 10
