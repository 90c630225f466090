"""Sessions end when they should: logout, a password change, a reset and 离职 end every copy of the cookie;
a login starts from an empty session (issue 13)."""

from __future__ import annotations

import datetime as dt
import re

from factories import PASSWORD

from csapp.extensions import db
from csapp.models import AuditEntry


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(db_app, value: str):
    other = db_app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_copied_before_logout_gets_nothing_after_it(db_app, login):
    hr = login("hr")
    copied = _cookie(hr)
    assert _with_cookie(db_app, copied).get("/pay").status_code == 200  # the copy works while signed in
    assert hr.post("/logout").status_code == 303
    assert _with_cookie(db_app, copied).get("/pay").status_code == 302  # → the login page
    assert db.session.query(AuditEntry).filter_by(action="user.logout").count() == 1


def test_a_password_change_ends_other_sessions_but_not_the_one_that_made_it(db_app, login):
    here, elsewhere = login("agent"), login("agent")
    response = here.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": "新的密码-2026", "repeat_password": "新的密码-2026"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert here.get("/me/scores").status_code == 200
    assert elsewhere.get("/me/scores").status_code == 302


def test_a_reset_and_a_past_leaving_day_end_the_sessions(db_app, login, org):
    from csapp.services import accounts, people

    agent = login("agent2")
    accounts.issue_one_time_password(org["users"]["hr"], org["agents"][1].id)
    assert agent.get("/me/scores").status_code == 302
    leaver = login("agent")
    people.leave(org["users"]["hr"], org["agents"][0].id, dt.date(2026, 10, 31), "个人原因")
    assert leaver.get("/me/scores").status_code == 302


def test_a_login_starts_from_an_empty_session_with_a_new_csrf_token(db_app):
    client = db_app.test_client()
    client.get("/login")
    with client.session_transaction() as before:
        before["csrf_token"] = "planted-before-login"
        before["planted"] = "x"
    assert client.post("/login", data={"username": "hr", "password": PASSWORD}).status_code == 303
    with client.session_transaction() as after:
        assert "planted" not in after and after.get("csrf_token") != "planted-before-login"
        assert re.fullmatch(r"\d+:[0-9a-f]{32}", after["_user_id"])  # the id carries the session token


def test_logins_and_failed_logins_are_audited_without_the_password(db_app):
    client = db_app.test_client()
    typed = "某个很长的登录名" * 8
    client.post("/login", data={"username": typed, "password": "猜的密码-123"})
    client.post("/login", data={"username": "hr", "password": "错误的密码-456"})
    client.post("/login", data={"username": "hr", "password": PASSWORD})
    rows = db.session.query(AuditEntry).filter(AuditEntry.action.like("user.login%")).order_by(AuditEntry.id).all()
    assert [(r.action, r.subject) for r in rows] == [
        ("user.login_failed", typed[:40]),
        ("user.login_failed", "hr"),
        ("user.login", "hr"),
    ]
    stored = " ".join(f"{r.subject} {r.old_value} {r.new_value} {r.reason}" for r in rows)
    assert "猜的密码" not in stored and "错误的密码" not in stored
