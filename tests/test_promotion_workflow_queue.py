"""Queues: 待评定 shows the interview and the current verdict; an interview changed while HR decides is flagged."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from factories import interviewed_application

from csapp.extensions import db
from csapp.services import promotion
from csapp.services.errors import ServiceError


def test_the_decision_queue_shows_the_interview_and_the_current_verdict(db_app, login, org):
    interviewed_application(org)
    page = login("hr").get("/promotions/decisions").data.decode()
    assert "✔ 合格 · 笔试 96.00" in page
    assert page.count("✔ 符合") >= 1 and "已变化" not in page


def test_changing_an_interview_while_hr_decides_needs_a_reason_and_flags_it(db_app, login, org):
    application = interviewed_application(org)
    head = org["users"]["dept_head"]
    with pytest.raises(ServiceError, match="修改须填写修改原因"):
        promotion.record_interview(head, application.id, dt.date(2026, 11, 4), "好", "pass", Decimal("90"), None)
    db.session.rollback()
    promotion.record_interview(
        head, application.id, dt.date(2026, 11, 4), "好", "pass", Decimal("90"), None, change_reason="笔试复核后更正"
    )
    page = login("hr").get("/promotions/decisions").data.decode()
    assert "已变化" in page and "笔试 90.00" in page
    detail = login("hr").get(f"/promotions/{application.id}").data.decode()
    assert "已变化:部门负责人于" in detail and "笔试复核后更正" in detail


def test_a_saved_interview_says_so_and_the_queue_count_moves(db_app, login, org):
    from factories import fill_cycle

    fill_cycle(org)
    application = promotion.submit(org["users"]["agent"], dt.date(2026, 11, 3))
    head = login("head")
    assert "待面谈 (1)" in head.get("/promotions/interviews").data.decode()
    response = head.post(
        f"/promotions/{application.id}/interview",
        data={"interview_on": "2026-11-04", "interview_result": "pass", "written_test": "95", "notes": "好"},
        headers={"HX-Request": "true"},
    )
    html = response.data.decode()
    assert response.status_code == 200 and "面谈结果已保存,申请已转给人事评定。" in html
    assert 'id="main-nav" hx-swap-oob="true"' in html and "待面谈 (0)" in html


def test_a_failing_pre_check_comes_before_the_button_and_the_confirm_names_it(db_app, login, org):
    from factories import fill_cycle

    fill_cycle(org)
    db_app.config["TODAY"] = "2026-11-03"
    page = login("agent2").get("/me/promotion").data.decode()
    failed = page.index("以下条件不满足")
    assert page.index("晋升条件预审") < failed < page.index("仍然提交申请")
    confirm = re.search(r'data-confirm="(预审有 \d+ 项条件不满足[^"]*)"', page).group(1)
    assert "仍要提交晋升申请吗?" in confirm
    good = login("agent").get("/me/promotion").data.decode()
    assert "以下条件不满足" not in good and ">提交申请</button>" in good
