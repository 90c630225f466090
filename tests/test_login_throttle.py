"""The login throttle: counters per (name, address), per name and per address, claimed in one statement."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from factories import PASSWORD
from race import in_threads
from sqlalchemy import select, update

from csapp import create_app
from csapp.extensions import db
from csapp.models import AuditEntry, LoginAttempts, User
from csapp.services import login as login_service

BACKENDS = ("sqlite", "pg")  # concurrency-sensitive: every test here runs on both databases


def _post(app, username, password, address="10.0.0.1", **headers):
    client = app.test_client()
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def _count(scope: str, key: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(LoginAttempts.count).where(LoginAttempts.scope == scope, LoginAttempts.key == key))


@pytest.fixture()
def checks(monkeypatch):
    """Count password hash checks (a refused attempt checks nothing)."""
    counted = []
    real = login_service.check_password_hash

    def check(hashed, password):
        counted.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(login_service, "check_password_hash", check)
    return counted


def test_parallel_wrong_passwords_all_count_and_only_the_free_ones_are_checked(db_app, checks):
    free = db_app.config["LOGIN_THROTTLE_FREE_ATTEMPTS"]
    results = in_threads([lambda: _post(db_app, "agent", "wrong-password") for _ in range(40)])
    assert [r.status_code for r in results] == [401] * 40, [getattr(r, "trace", r) for r in results]
    assert _count("pair", "agent\n10.0.0.1") == 40  # no lost update
    assert len(checks) == free  # the other 35 were refused before any check
    refused = [r for r in results if "登录失败次数过多" in r.data.decode()]
    assert len(refused) == 40 - free
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.login_failed")).all()
    assert len(failures) == free


def test_a_locked_pair_does_not_lock_the_real_user_out_from_another_address(db_app):
    for _ in range(8):
        _post(db_app, "agent", "wrong-password", address="10.6.6.6")
    assert "登录失败次数过多" in _post(db_app, "agent", PASSWORD, address="10.6.6.6").data.decode()
    assert _post(db_app, "agent", PASSWORD, address="10.0.0.2").status_code == 303
    assert _count("name", "agent") == 5  # the refused attempts never reached the name counter; the success is taken off


def test_the_pair_is_free_again_after_its_window(db_app):
    for _ in range(6):
        _post(db_app, "agent", "wrong-password")
    response = _post(db_app, "agent", PASSWORD)
    assert response.status_code == 401 and "分钟后再试" in response.data.decode()
    db.session.execute(update(LoginAttempts).values(first_at=dt.datetime(2020, 1, 1)))
    db.session.commit()
    assert _post(db_app, "agent", PASSWORD).status_code == 303
    assert _count("pair", "agent\n10.0.0.1") is None  # a success starts the pair afresh


def test_a_name_has_a_ceiling_over_all_addresses_and_it_is_audited_once(db_app):
    db_app.config["LOGIN_NAME_CEILING"] = 6
    for i in range(6):
        assert _post(db_app, "agent", "wrong-password", address=f"10.1.0.{i}").status_code == 401
    for i in range(3):
        response = _post(db_app, "agent", PASSWORD, address=f"10.2.0.{i}")
        assert response.status_code == 401 and "此用户名登录失败次数过多" in response.data.decode()
    throttled = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.login_throttled")).all()
    assert [e.subject for e in throttled] == ["agent"]
    assert _post(db_app, "agent2", PASSWORD, address="10.2.0.9").status_code == 303  # other names work


def test_an_address_has_a_generous_limit_shared_by_every_name(db_app):
    db_app.config["LOGIN_ADDRESS_LIMIT"] = 4
    for name in ("a1", "a2", "a3", "a4"):
        _post(db_app, name, "wrong-password", address="10.9.9.9")
    response = _post(db_app, "agent", PASSWORD, address="10.9.9.9")
    assert response.status_code == 401 and "本机所在网络" in response.data.decode()
    assert _post(db_app, "agent", PASSWORD, address="10.9.9.10").status_code == 303


def test_known_and_unknown_names_get_the_same_answer_and_cost(db_app, checks):
    known = _post(db_app, "agent", "wrong-password")
    unknown = _post(db_app, "nobody-here", "wrong-password")
    assert (known.status_code, unknown.status_code) == (401, 401)
    assert "用户名或密码不正确" in known.data.decode() and "用户名或密码不正确" in unknown.data.decode()
    assert len(checks) == 2  # one hash check each, not two for an unknown name
    assert _count("pair", "nobody-here\n10.0.0.1") == 1  # unknown names are counted too


def test_the_client_address_comes_from_the_proxy_only_when_configured(db_app, tmp_path):
    _post(db_app, "agent", "wrong-password", X_Forwarded_For="192.0.2.7")
    assert _count("pair", "agent\n10.0.0.1") == 1  # not trusted by default
    proxied = create_app(
        {**db_app.config, "PROXY_FIX_X_FOR": 1, "SQLALCHEMY_DATABASE_URI": db_app.config["SQLALCHEMY_DATABASE_URI"]}
    )
    client = proxied.test_client()
    client.post(
        "/login",
        data={"username": "agent", "password": "wrong-password"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "192.0.2.7"},
    )
    assert _count("pair", "agent\n192.0.2.7") == 1


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "至少 8 位"),
        ("agent-user", None),
        ("woaini1314", "太常见"),
        ("5201314520", "太常见"),
        ("QQ123456", "太常见"),
        ("88888888", "太常见"),
        ("23456789", "太常见"),
        ("zzzzzzzzzz", "太常见"),
        ("AGENT-USER", None),
    ],
)
def test_new_passwords_are_long_not_the_username_and_not_common(password, message):
    problem = login_service.password_problem(password, "agent")
    if message is None:
        assert problem is None
    else:
        assert message in problem
    assert "与用户名相同" in login_service.password_problem("Agent-User", "agent-user")


def test_the_common_password_list_is_loaded_lazily_and_names_its_source():
    from importlib import resources

    text = resources.files("csapp").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    assert "Source:" in text and "licence" in text
    assert {
        "123456789",
        "5201314",
        "woaini1314",
        "qq123456",
        "1qaz2wsx",
        "88888888",
    } <= login_service.common_passwords()


def test_the_admin_resets_a_password_and_disables_a_login(db_app, login):
    admin = login("admin")
    agent = login("agent")
    user_id = db.session.scalar(select(User.id).where(User.username == "agent"))
    page = admin.post(f"/admin/users/{user_id}/reset").data.decode()
    password = re.search(r'<strong class="secret">([^<]+)</strong>', page).group(1)
    assert agent.get("/me/scores").status_code == 302  # the reset ended the agent's session
    assert _post(db_app, "agent", password, address="10.3.0.1").status_code == 303
    assert admin.post(f"/admin/users/{user_id}/active", data={"active": "0"}).status_code == 303
    response = _post(db_app, "agent", password, address="10.3.0.2")
    assert response.status_code == 401 and "已停用" in response.data.decode()
    own = db.session.scalar(select(User.id).where(User.username == "admin"))
    assert "不能停用自己的账号" in admin.post(f"/admin/users/{own}/active", data={"active": "0"}).data.decode()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.in_(["user.reset_password", "user.disable"]))
    )
    assert sorted(actions) == ["user.disable", "user.reset_password"]
