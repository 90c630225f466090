"""Logging in and out, changing password, slowing down failed logins, CSRF and cookie flags."""

from __future__ import annotations

import datetime as dt
import io

from factories import PASSWORD
from sqlalchemy import func, select

from csapp import create_app
from csapp.extensions import db
from csapp.models import Employee, User


def test_login_logout(db_app, login):
    client = login("agent")
    assert client.get("/me/scores").status_code == 200
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    client.post("/logout")
    assert client.get("/me/scores").status_code == 302


def test_wrong_password_is_refused_in_chinese(db_app):
    response = db_app.test_client().post("/login", data={"username": "agent", "password": "nope"})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.data.decode()


def test_change_password(db_app, login):
    client = login("agent")
    response = client.post(
        "/password",
        data={"current_password": "bad", "new_password": "new-password-1", "repeat_password": "new-password-1"},
    )
    assert "当前密码不正确" in response.data.decode()
    response = client.post(
        "/password", data={"current_password": PASSWORD, "new_password": "short", "repeat_password": "short"}
    )
    assert "至少 8 位" in response.data.decode()
    response = client.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": "new-password-1", "repeat_password": "new-password-1"},
    )
    assert response.status_code == 303
    fresh = db_app.test_client()
    assert fresh.post("/login", data={"username": "agent", "password": "new-password-1"}).status_code == 303


def test_open_redirect_is_refused(db_app):
    response = db_app.test_client().post(
        "/login?next=https://evil.example/", data={"username": "agent", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_state_changes_need_the_csrf_token(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"})
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        from factories import build_org

        build_org()
        client = app.test_client()
        assert client.post("/login", data={"username": "sup", "password": PASSWORD}).status_code == 400
        page = client.get("/login").data.decode()
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert (
            client.post("/login", data={"username": "sup", "password": PASSWORD, "csrf_token": token}).status_code
            == 303
        )
        htmx = client.post("/entry/cell", data={"month": "2026-10"}, headers={"HX-Request": "true"})
        assert htmx.status_code == 400 and "页面已过期" in htmx.data.decode()
        db.session.remove()
        db.engine.dispose()


def test_admin_creates_a_user_and_sets_roles(db_app, login, org):
    client = login("admin")
    response = client.post(
        "/admin/users",
        data={
            "username": "newsup",
            "display_name": "新主管",
            "password": "long-enough-1",
            "employee": "",
            "roles": ["supervisor"],
        },
    )
    assert response.status_code == 303
    created = db.session.scalar(select(User).where(User.username == "newsup"))
    assert created.roles == {"supervisor"}
    response = client.post(
        "/admin/users", data={"username": "newsup", "password": "long-enough-1", "employee": "", "roles": ["agent"]}
    )
    assert "已被使用" in response.data.decode()
    client.post(f"/admin/users/{created.id}/roles", data={"roles": ["supervisor", "hr"]})
    db.session.expire_all()
    assert db.session.get(User, created.id).roles == {"supervisor", "hr"}
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    client.post(f"/admin/users/{admin.id}/roles", data={"roles": ["hr"]})
    db.session.expire_all()
    assert db.session.get(User, admin.id).roles == {"admin"}  # cannot drop one's own admin role


def test_hr_issues_a_one_time_password_that_must_be_changed_at_first_login(db_app, login, org):
    from csapp.models import AuditEntry

    newcomer = org["spec"]  # 孙专员 has no login yet
    hr = login("hr")
    page = hr.post(f"/staff/{newcomer.id}/one-time-password")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.data.decode()
    password = html.split('<strong class="secret">')[1].split("<")[0]
    assert len(password) == 10 and "p001" in html
    created = db.session.scalar(select(User).where(User.employee_id == newcomer.id))
    assert created.roles == {"agent"} and created.must_change_password
    assert password not in created.password_hash  # only the hash is stored
    audit_row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.one_time_password"))
    assert password not in f"{audit_row.old_value}{audit_row.new_value}{audit_row.subject}"

    person = db_app.test_client()
    assert person.post("/login", data={"username": "p001", "password": password}).status_code == 303
    redirected = person.get("/me/scores")
    assert redirected.status_code == 302 and redirected.headers["Location"].endswith("/password")
    htmx = person.get("/me/scores", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/password"
    assert "一次性密码" in person.get("/password").data.decode()
    same = person.post(
        "/password", data={"current_password": password, "new_password": password, "repeat_password": password}
    )
    assert same.status_code == 422 and "不能与当前密码相同" in same.data.decode()
    done = person.post(
        "/password",
        data={"current_password": password, "new_password": "my-own-pass-1", "repeat_password": "my-own-pass-1"},
    )
    assert done.status_code == 303
    assert person.get("/me/scores").status_code == 200

    again = hr.post(f"/staff/{newcomer.id}/one-time-password").data.decode()  # a reset: same login, new password
    assert db.session.scalar(select(func.count()).select_from(User).where(User.employee_id == newcomer.id)) == 1
    assert again.split('<strong class="secret">')[1].split("<")[0] != password
    assert login("agent").post(f"/staff/{newcomer.id}/one-time-password").status_code == 403


def test_admin_sees_people_whose_track_changed_without_the_matching_role(db_app, login, org):
    import datetime as dt

    from csapp.services import promotion

    hr, agent = org["users"]["hr"], org["agents"][0]
    assert "职级与角色不符" not in login("admin").get("/admin/users").data.decode()
    promotion.appoint(hr, agent.id, "sup.1", dt.date(2026, 1, 1), "主管岗位空缺")
    page = login("admin").get("/admin/users").data.decode()
    assert "职级与角色不符(1)" in page and "现为客服主管,但没有“主管”角色" in page


def test_hr_issues_one_time_passwords_for_several_people_at_once(db_app, login, org):
    a1, a2 = org["agents"][0], org["agents"][1]
    hr = login("hr")
    page = hr.post("/staff/one-time-passwords", data={"people": [a1.id, a2.id]})
    assert page.status_code == 200
    html = page.data.decode()
    assert "一次性密码(2 人)" in html and html.count('class="secret"') == 2 and "张三" in html and "李四" in html
    db.session.rollback()
    assert all(
        u.must_change_password for u in db.session.scalars(select(User).where(User.employee_id.in_([a1.id, a2.id])))
    )
    nothing = hr.post("/staff/one-time-passwords", data={})
    assert nothing.status_code == 422 and "请先勾选人员" in nothing.data.decode()
    before = db.session.scalar(select(User).where(User.employee_id == org["head"].id)).password_hash
    refused = hr.post("/staff/one-time-passwords", data={"people": [org["head"].id, 9999]})  # 9999: nobody
    assert refused.status_code == 404
    db.session.rollback()
    after = db.session.scalar(select(User).where(User.employee_id == org["head"].id))
    assert after.password_hash == before and not after.must_change_password  # all or none


def test_hr_exports_the_roster_with_names_never_formulas(db_app, login, org):
    from openpyxl import load_workbook

    org["agents"][0].name = "=HYPERLINK(1)"
    db.session.commit()
    response = login("hr").get("/staff/roster.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("工号", "姓名", "部门")
    first = next(r for r in rows if r[0] == "A001")
    assert first[1] == "=HYPERLINK(1)" and sheet.cell(row=rows.index(first) + 1, column=2).data_type == "s"
    assert first[4] == "话务员" and first[5] == "话务员 · 一星" and first[6] == "正式" and first[10] == "agent"
    assert login("agent").get("/staff/roster.xlsx").status_code == 403


def test_hr_hires_regularises_and_records_a_leaver(db_app, login, org):
    from csapp.models import AuditEntry, PersonEvent
    from csapp.services.pay import runs

    hr = login("hr")
    hired = hr.post(
        "/staff/hire",
        data={
            "code": "A100",
            "name": "新同事",
            "department": org["main"].id,
            "track": "agent",
            "hired_on": "2026-10-20",
            "team": "",
        },
    )
    assert hired.status_code == 303
    person = db.session.scalar(select(Employee).where(Employee.code == "A100"))
    assert person.grade_on(dt.date(2026, 10, 20)) == "agent.p" and person.employment_in("2026-11") == "intern"
    account = db.session.scalar(select(User).where(User.employee_id == person.id))
    assert account.username == "a100" and account.roles == {"agent"} and account.must_change_password
    assert db_app.test_client().post("/login", data={"username": "a100", "password": "!"}).status_code == 401
    slip = next(s for s in runs.compute_run(org["users"]["hr"], "2026-10").slips if s.employee_id == person.id)
    assert slip.employed_days == 12  # hired on the 20th: paid for 12 of 31 days
    again = hr.post(
        "/staff/hire",
        data={"code": "A100", "name": "x", "department": org["main"].id, "track": "agent", "hired_on": "2026-10-20"},
    )
    assert again.status_code == 422 and "已经存在" in again.data.decode()
    boss = hr.post(
        "/staff/hire",
        data={"code": "S900", "name": "x", "department": org["main"].id, "track": "sup", "hired_on": "2026-10-20"},
    )
    assert boss.status_code == 422

    assert hr.post(f"/staff/{person.id}/regularize", data={"on": "2027-01-20"}).status_code == 303
    db.session.refresh(person)
    assert person.employment_in("2026-12") == "intern" and person.employment_on(dt.date(2027, 1, 20)) == "regular"
    assert "已于 2027-01-20 转正" in hr.post(f"/staff/{person.id}/regularize", data={"on": "2027-02-01"}).data.decode()

    agent = org["agents"][1]
    refused = hr.post(f"/staff/{agent.id}/leave", data={"on": "2026-10-10", "reason": ""})
    assert refused.status_code == 422 and "离职原因" in refused.data.decode()
    assert hr.post(f"/staff/{agent.id}/leave", data={"on": "2026-10-10", "reason": "个人原因"}).status_code == 303
    assert db_app.test_client().post("/login", data={"username": "agent2", "password": PASSWORD}).status_code == 401
    kinds = [e.kind for e in db.session.scalars(select(PersonEvent).order_by(PersonEvent.id))]
    assert kinds == ["hire", "regularize", "leave"]
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"person.hire", "person.regularize", "person.leave"} <= actions
    page = hr.get(f"/staff/{agent.id}").data.decode()
    assert "<td>离职</td><td>个人原因" in page and "已于 2026-10-10 离职" in page
