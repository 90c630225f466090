"""The 政策 pages: history and picker, the draft editor with every error beside its field, preview, XLSX."""

from __future__ import annotations

import io

import pytest
from factories import MONTH, PASSWORD, user

from csapp.extensions import db
from csapp.models import PolicyStatus, PolicyVersion
from csapp.policy.fields import leaves
from csapp.policy.parameters import shipped_policies
from csapp.services import policy_drafts
from csapp.views.policy_forms import draft_form

FIELD = "f__kpi__items__connection__target_rate"


@pytest.fixture()
def hr2(org):
    login = user("hr2", ["hr"])
    db.session.commit()
    return login


def _new_draft(client, effective="2026-12") -> PolicyVersion:
    response = client.post("/policy/versions", data={"effective": effective})
    assert response.status_code == 303, response.data.decode()[:400]
    return db.session.scalar(db.select(PolicyVersion).where(PolicyVersion.status == PolicyStatus.DRAFT))


def _form_data(row: PolicyVersion, **changes) -> dict:
    form = draft_form(policy_drafts.policy_of(row), row.lock)
    data = {
        field.name: field._value() if hasattr(field, "_value") else field.data
        for field in form
        if field.name != "csrf_token"
    }
    data.update(changes)
    return data


def test_every_editable_leaf_has_a_form_field_with_a_chinese_label(app):
    policy = shipped_policies()[0]
    editable = [leaf for leaf in leaves(policy) if leaf.editable]
    assert len(editable) > 200
    with app.test_request_context():
        form = draft_form(policy, 1)
        for leaf in editable:
            assert form[leaf.name].label.text, leaf.path
            assert not any(ch.isascii() and ch.isalpha() for ch in leaf.label), leaf.label  # no code in a label
    fixed = {leaf.path[:1] for leaf in leaves(policy) if not leaf.editable}
    assert {("career",), ("version",), ("effective",)} <= fixed


def test_a_policy_admin_drafts_edits_and_sees_the_change(login, org):
    client = login("hr")
    row = _new_draft(client)
    page = client.get(f"/policy/versions/{row.id}").data.decode()
    assert "400电话接通率 › 达标接通率(%)" in page
    response = client.post(f"/policy/versions/{row.id}/save", data=_form_data(row, **{FIELD: "97"}))
    assert response.status_code == 303
    page = client.get(f"/policy/versions/{row.id}").data.decode()
    assert "坐席绩效 › 考核项目 › 400电话接通率 › 达标接通率(%)</th><td>95</td><td>97</td>" in page


def test_every_error_shows_beside_its_field_and_nothing_is_saved(login, org):
    client = login("hr")
    row = _new_draft(client)
    before = row.content
    data = _form_data(row, **{FIELD: "-3", "f__pay__attendance_bonus": "abc", "f__promotion__window_last_day": "40"})
    response = client.post(f"/policy/versions/{row.id}/save", data=data)
    assert response.status_code == 422
    page = response.data.decode()
    assert "“全勤奖(元)”须填数字,不能是“abc”。" in page
    db.session.expire_all()
    assert db.session.get(PolicyVersion, row.id).content == before
    # the form's own checks passed for these two: the schema refuses both, each under its field
    data = _form_data(row, **{FIELD: "-3", "f__promotion__window_last_day": "40"})
    page = client.post(f"/policy/versions/{row.id}/save", data=data).data.decode()
    assert "坐席绩效 › 考核项目 › 400电话接通率 › 达标接通率(%):须大于 0" in page
    assert "晋升 › 申请窗口末日(日):须 ≤ 28" in page
    assert "草稿有 2 处问题,未保存" in page


def test_others_see_published_versions_only(login, org):
    hr = login("hr")
    row = _new_draft(hr)
    agent = login("agent")
    page = agent.get("/policy").data.decode()
    assert "default-1" in page and row.label not in page
    assert agent.get(f"/policy/versions/{row.id}").status_code == 403
    page = agent.get(f"/policy?version={row.id}").data.decode()
    assert "适用版本 default-1" in page  # a draft's id in the address shows the version in force instead


def test_the_preview_page_and_its_xlsx(login, org):
    from openpyxl import load_workbook

    client = login("hr")
    row = _new_draft(client)
    client.post(f"/policy/versions/{row.id}/save", data=_form_data(row, **{FIELD: "97"}))
    response = client.post(f"/policy/versions/{row.id}/preview", data={"months": MONTH})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).data.decode()
    assert "受影响 3 人" in page  # 客服部's three agents lose points; nobody in 售后部 moves
    assert "张三" in page and "周六" not in page  # only the people whose result changes
    everyone = client.get(response.headers["Location"] + "?all=1&sort=gross").data.decode()
    assert "周六" in everyone
    book = load_workbook(io.BytesIO(client.get(response.headers["Location"] + ".xlsx").data))
    sheet = book["影响预览"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert {r[2] for r in rows if r[15] == "是"} == {"张三", "李四", "王五"}


def test_bad_preview_months_are_refused_in_chinese(login, org):
    client = login("hr")
    row = _new_draft(client)
    response = client.post(f"/policy/versions/{row.id}/preview", data={"months": "2026-13"})
    assert response.status_code == 422
    assert "月份格式不对" in response.data.decode()


def test_approval_by_a_second_admin_through_the_pages(login, org, hr2):
    client = login("hr")
    row = _new_draft(client)
    client.post(f"/policy/versions/{row.id}/save", data=_form_data(row, **{FIELD: "97"}))
    assert client.post(f"/policy/versions/{row.id}/submit").status_code == 303
    refused = client.post(f"/policy/versions/{row.id}/approve")
    assert refused.status_code == 422 and "另一位政策管理员" in refused.data.decode()
    other = login("hr2")
    home = other.get("/").data.decode()
    assert row.label in home  # HR's 待办 lists drafts awaiting approval
    assert other.post(f"/policy/versions/{row.id}/approve").status_code == 303
    db.session.expire_all()
    assert db.session.get(PolicyVersion, row.id).status is PolicyStatus.PUBLISHED
    page = other.get("/policy?month=2026-12").data.decode()
    assert f"2026-12 适用版本 {row.label}" in page
    diff = other.get(f"/policy/diff?a={row.base_id}&b={row.id}").data.decode()
    assert "达标接通率(%)</th><td>95</td><td>97</td>" in diff


def test_hr_sees_applications_flagged_after_a_publish(login, org, hr2):
    from factories import interviewed_application

    from csapp.services import policy_publishing

    application = interviewed_application(org)
    row = policy_drafts.start_draft(org["users"]["hr"], application.month)
    policy_drafts.submit(org["users"]["hr"], row.id)
    policy_publishing.approve(hr2, row.id)
    client = login("hr")
    queue = client.get("/promotions/decisions").data.decode()
    assert "已变化" in queue
    detail = client.get(f"/promotions/{application.id}").data.decode()
    assert f"政策版本 {row.label} 自 {application.month} 起生效" in detail


def test_two_admins_drafting_the_same_month_at_once_get_one_draft_and_a_chinese_409(login, org, hr2):
    from race import in_threads

    clients = [login("hr"), login("hr2")]
    db.session.rollback()
    results = in_threads([lambda c=c: c.post("/policy/versions", data={"effective": "2027-04"}) for c in clients])
    codes = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert codes == [303, 409], codes  # whether they overlapped or not: the second is refused, never a 500
    loser = next(r for r in results if r.status_code == 409).data.decode()
    assert "未完成的草稿" in loser or "同样的记录刚刚已由他人保存" in loser
    db.session.rollback()
    drafts = db.session.scalars(db.select(PolicyVersion).where(PolicyVersion.effective == "2027-04")).all()
    assert len(drafts) == 1


def test_two_approvals_at_once_publish_once(login, org, hr2):
    from race import in_threads

    third = user("hr3", ["hr"])
    db.session.commit()
    row = policy_drafts.start_draft(org["users"]["hr"], "2027-05")
    policy_drafts.submit(org["users"]["hr"], row.id)
    url = f"/policy/versions/{row.id}/approve"
    clients = [login("hr2"), login("hr3")]
    db.session.rollback()
    results = in_threads([lambda c=c: c.post(url) for c in clients])
    codes = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert codes in ([303, 409], [303, 422]), codes
    db.session.rollback()
    from csapp.models import AuditEntry

    published = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "policy.publish")).all()
    assert len(published) == 1 and third.id


def test_a_failed_preview_says_so_on_its_page(login, org, monkeypatch):
    from csapp.services import policy_preview

    def broken(*args, **kwargs):
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(policy_preview, "compute", broken)
    client = login("hr")
    row = _new_draft(client)
    response = client.post(f"/policy/versions/{row.id}/preview", data={"months": MONTH})
    assert response.status_code == 303  # the request only queued it
    page = client.get(response.headers["Location"]).data.decode()
    assert "计算失败:数据库连接中断" in page


def test_another_server_reloads_its_book_on_its_next_request_after_a_publish(
    db_app, login, org, hr2, tmp_path, pki_dir
):
    """Two app servers on one database: the one that did not publish sees the new version on its next request."""
    from conftest import _test_app

    from csapp.services import policy_publishing

    other = _test_app(tmp_path / "unused.sqlite", pki_dir, db_app.config["SQLALCHEMY_DATABASE_URI"])
    other.config["SQLALCHEMY_DATABASE_URI"] = db_app.config["SQLALCHEMY_DATABASE_URI"]
    with other.app_context():
        agent = other.test_client()
        assert agent.post("/login", data={"username": "agent", "password": PASSWORD}).status_code == 303
        assert "2026-12 适用版本 default-1" in agent.get("/policy?month=2026-12").data.decode()  # its book is cached
        db.session.remove()
    row = policy_drafts.start_draft(org["users"]["hr"], "2026-12")
    policy_drafts.submit(org["users"]["hr"], row.id)
    policy_publishing.approve(hr2, row.id)  # in this server, which forgets its own book
    label = row.label
    db.session.remove()
    with other.app_context():
        page = agent.get("/policy?month=2026-12").data.decode()
        db.session.remove()
        db.engine.dispose()
    assert f"2026-12 适用版本 {label}" in page
