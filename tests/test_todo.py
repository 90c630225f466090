"""待办: every role lands on its own list of what needs it now (UI.md, issues 13 and 14)."""

from __future__ import annotations

import datetime as dt

from factories import PASSWORD
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import User
from csapp.services import accounts
from csapp.services.pay import runs as pay_runs


def _home(client) -> str:
    page = client.get("/").data.decode()
    return page[page.index('id="todo"') :]


def test_each_role_lands_on_its_todo_after_login(db_app, org):
    client = db_app.test_client()
    response = client.post("/login", data={"username": "hr", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    assert "待评定的晋升申请" in _home(client)


def test_the_agent_sees_his_score_and_the_application_window(db_app, login, org):
    page = _home(login("agent"))
    assert "绩效总分" in page or "成绩尚未录入完整" in page
    assert "晋升申请窗口" in page


def test_the_supervisor_is_reminded_of_months_not_locked(db_app, login, org):
    page = _home(login("sup"))
    assert "尚未锁定" in page
    assert "待评定" not in page  # HR's queue is not his


def test_the_dept_head_sees_his_interview_queue_with_its_count(db_app, login, org):
    from factories import fill_cycle

    from csapp.services import promotion

    fill_cycle(org)
    promotion.submit(org["users"]["agent"], dt.date(2026, 11, 3))
    page = _home(login("head"))
    assert "待面谈的晋升申请" in page and '<strong class="todo-count">1</strong>' in page


def test_hr_sees_a_draft_pay_run_and_a_new_hr_grant(db_app, login, org):
    pay_runs.compute_run(org["users"]["hr"], "2026-10")
    target = db.session.scalar(select(User).where(User.username == "agent2"))
    accounts.set_roles(org["users"]["admin"], target.id, ["agent", "hr"])
    page = _home(login("hr"))
    assert "2026-10 第 1 次工资核算待确认" in page
    assert "管理员授予 agent2 “人事”角色,请核实" in page


def test_the_admin_sees_role_mismatches_and_nothing_of_people_data(db_app, login, org):
    page = _home(login("admin"))
    assert "管理员" in page and "绩效总分" not in page and "工资核算" not in page


def test_the_list_refreshes_itself_from_one_small_endpoint(db_app, login, org):
    client = login("hr")
    page = client.get("/").data.decode()
    assert 'hx-get="/todo" hx-trigger="every 60s"' in page
    fragment = client.get("/todo", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.data.decode()
