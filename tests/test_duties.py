"""Separation of duties: data about a person is entered only by someone above them (issue 13).

Every write service that records something about one person is tried by an actor on
themselves, on their superior, on a peer and on a subordinate; only the last may succeed
(an HR user's rows: another HR user may).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import MONTH, employee, user
from service_walk import write_services

from csapp.extensions import db
from csapp.models import ApplicationStatus, Incident, PromotionApplication, QaSample, Team
from csapp.models import DissatisfiedCase as Case
from csapp.policy.parameters import policy_for
from csapp.services import (
    accounts,
    allowances,
    events,
    grid,
    imports,
    people,
    person_corrections,
    promotion,
    reviewed,
    serious_errors,
    teams,
)
from csapp.services.errors import Forbidden
from csapp.services.pay import deductions, gaps
from csapp.services.policy_book import policy_book

DAY = dt.date(2026, 10, 15)


@pytest.fixture()
def staff(org):
    """Add a second supervisor, a second dept head, two HR users who are employees, and a team."""
    main = org["main"]
    people_ = {
        "sup2": employee(main, "S002", "孙主管", track="sup", grade="sup.1"),
        "head2": employee(main, "M002", "冯经理", track="mgr", grade="mgr.1"),
        "hr1": employee(main, "H001", "人事甲"),
        "hr2": employee(main, "H002", "人事乙"),
    }
    user("sup2", ["supervisor", "agent"], people_["sup2"])
    user("head2", ["dept_head", "agent"], people_["head2"])
    hr_user = user("hr_e", ["hr"], people_["hr1"])
    user("hr_e2", ["hr"], people_["hr2"])
    team = Team(department=main, name="一组", leader=org["sup"])
    db.session.add(team)
    db.session.commit()
    actors = {"supervisor": org["users"]["supervisor"], "dept_head": org["users"]["dept_head"], "hr": hr_user}
    relations = {
        "supervisor": {"self": org["sup"], "superior": org["head"], "peer": people_["sup2"]},
        "dept_head": {"self": org["head"], "superior": people_["hr1"], "peer": people_["head2"]},
        "hr": {"self": people_["hr1"]},
    }
    return {"actors": actors, "relations": relations, "team": team, "hr_peer": people_["hr2"], **people_}


def _application(person, status: ApplicationStatus) -> int:
    grade = person.grade_on(DAY)
    row = PromotionApplication(
        employee_id=person.id,
        from_grade=grade,
        target_grade=grade[:-1] + str(int(grade[-1]) + 1) if grade[-1].isdigit() else grade,
        applied_on=dt.date(2026, 11, 3),
        month="2026-11",
        status=status,
        policy_version="test",
        snapshot="{}",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def _incident(person) -> int:
    row = Incident(employee_id=person.id, month=MONTH, occurred_on=DAY, kind="work_error", note="")
    db.session.add(row)
    db.session.commit()
    return row.id


def _sample(person) -> int:
    row = QaSample(employee_id=person.id, month=MONTH, score=Decimal(90), recording_id="R-1")
    db.session.add(row)
    db.session.commit()
    return row.id


def _case(person) -> int:
    row = Case(employee_id=person.id, month=MONTH, recording_id="R-2", note="")
    db.session.add(row)
    db.session.commit()
    return row.id


def _event(org, person) -> int:
    return people.leave(org["users"]["hr"], person.id, dt.date(2026, 12, 31), "个人原因").id


# service → (actor role, its subordinate in `org`/`staff`, call(actor, person, org, staff))
MATRIX = {
    "grid.save_cell": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: grid.save_cell(a, "attendance", o["main"].id, MONTH, p.id, "late", "1", ""),
    ),
    "events.add_incident": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.add_incident(a, p.id, "work_error", DAY, ""),
    ),
    "events.remove_incident": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.remove_incident(a, _incident(p)),
    ),
    "events.add_sample": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.add_sample(a, p.id, MONTH, Decimal(88), "R-9"),
    ),
    "events.remove_sample": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.remove_sample(a, _sample(p)),
    ),
    "events.add_case": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.add_case(a, p.id, MONTH, "R-8"),
    ),
    "events.review_case": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.review_case(a, _case(p), True),
    ),
    "events.remove_case": (
        "supervisor",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: events.remove_case(a, _case(p)),
    ),
    "reviewed.save_score": (
        "dept_head",
        lambda o, s: o["sup"],
        lambda a, p, o, s: reviewed.save_score(a, p.id, MONTH, reviewed.items_for("sup", MONTH)[0], Decimal(90)),
    ),
    "serious_errors.set_serious_error": (
        "dept_head",
        lambda o, s: o["spec"],
        lambda a, p, o, s: serious_errors.set_serious_error(a, p.id, True, "泄露客户信息"),
    ),
    "promotion.record_interview": (
        "dept_head",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: promotion.record_interview(
            a, _application(p, ApplicationStatus.SUBMITTED), dt.date(2026, 11, 4), "好", "pass", Decimal(90), "pass"
        ),
    ),
    "promotion.decide": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: promotion.decide(a, _application(p, ApplicationStatus.INTERVIEWED), False, "未达要求"),
    ),
    "promotion.appoint": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: promotion.appoint(a, p.id, "agent.2", dt.date(2026, 11, 1), "任命"),
    ),
    "allowances.set_allowance": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: allowances.set_allowance(
            a, p.id, next(iter(policy_for(MONTH, policy_book()).pay.allowance_names)), Decimal(100), MONTH
        ),
    ),
    "pay.deductions.set_deductions": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: deductions.set_deductions(a, p.id, MONTH, {next(iter(deductions.kinds(MONTH))): Decimal(5)}),
    ),
    "pay.gaps.explain_gaps": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: gaps.explain_gaps(a, MONTH, [(p.id, "attendance")], "本月补录"),
    ),
    "teams.assign": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: teams.assign(a, p.id, s["team"].id, dt.date(2026, 10, 1)),
    ),
    "people.regularize": (
        "hr",
        lambda o, s: o["agents"][2],
        lambda a, p, o, s: people.regularize(a, p.id, dt.date(2026, 10, 1)),
    ),
    "people.leave": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: people.leave(a, p.id, dt.date(2026, 12, 31), "个人原因"),
    ),
    "people.transfer": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: people.transfer(a, p.id, o["other"].id, dt.date(2026, 11, 1), "支援"),
    ),
    "people.rehire": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: (
            people.leave(o["users"]["hr"], p.id, dt.date(2026, 10, 31), "离职"),
            people.rehire(a, p.id, dt.date(2026, 11, 20), "agent", "回来了"),
        ),
    ),
    "person_corrections.correct_event": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: person_corrections.correct_event(a, _event(o, p), dt.date(2026, 12, 30), "日期填错"),
    ),
    "accounts.issue_one_time_password": (
        "hr",
        lambda o, s: o["agents"][0],
        lambda a, p, o, s: accounts.issue_one_time_password(a, p.id),
    ),
}

# Write services that do not record something about one other person, and why.
NOT_ABOUT_ANOTHER = {
    "accounts.change_password": "one's own password",
    "accounts.log_out": "one's own sessions",
    "accounts.create_user": "admin: logins",
    "accounts.reset_password": "admin: logins, never his own (tested in test_login_throttle)",
    "accounts.set_active": "admin: logins, never his own (tested in test_login_throttle)",
    "accounts.set_roles": "admin: roles (never his own, tested below)",
    "accounts.issue_one_time_passwords": "calls issue_one_time_password per person",
    "promotion.submit": "one's own application (HR submitting for someone uses subject_for)",
    "promotion.withdraw": "the applicant himself",
    "grid.save_department_field": "department figures, supervisors",
    "imports.save_rows": "checked per row by parse_metrics and again as a batch (tested below)",
    "import_preview._keep": "a draft of the uploader",
    "import_preview._apply": "calls imports.save_rows",
    "pay.deductions._save_import": "checked per row and again as a batch (tested below)",
    "pay.deductions.mark_none": "the month, not a person",
    "pay.runs._release": "a run",
    "pay.runs._store_run": "a run",
    "pay.runs.confirm_run": "a run",
    "month_lock.lock": "a department-month",
    "month_lock.unlock": "a department-month",
    "notices.claim_number": "numbering of a notice HR issues",
    "issuing.void": "a notice",
    "jobs.create": "a background job",
    "jobs.resume": "a background job",
    "policy_drafts.start_draft": "a policy version (policy admins)",
    "policy_drafts.import_draft": "a policy version (policy admins)",
    "policy_drafts.save_values": "a policy version (policy admins)",
    "policy_drafts.set_effective": "a policy version (policy admins)",
    "policy_rows.add_row": "a policy version (policy admins)",
    "policy_rows.remove_row": "a policy version (policy admins)",
    "policy_drafts.submit": "a policy version (policy admins)",
    "policy_drafts.send_back": "a policy version (four eyes)",
    "policy_drafts.discard": "a policy version (policy admins)",
    "policy_preview.request": "a preview job",
    "policy_publishing.approve": "a policy version (four eyes)",
    "policy_publishing.request_withdrawal": "a policy version (policy admins)",
    "policy_publishing.approve_withdrawal": "a policy version (four eyes)",
    "people.hire": "a new person, nobody's own row yet",
}

CASES = [(name, relation) for name in MATRIX for relation in ("self", "superior", "peer", "subordinate")]


def test_every_write_service_is_in_the_matrix_or_known_not_to_touch_another_person():
    writes = set(write_services())
    assert writes - set(MATRIX) - set(NOT_ABOUT_ANOTHER) == set()
    assert (set(MATRIX) | set(NOT_ABOUT_ANOTHER)) - writes == set()  # no stale names


@pytest.mark.parametrize("name, relation", CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_data_about_a_person_is_entered_only_by_someone_above_them(org, staff, name, relation):
    role, subordinate, call = MATRIX[name]
    actor = staff["actors"][role]
    if relation == "subordinate":
        call(actor, subordinate(org, staff), org, staff)  # succeeds: no exception
        return
    person = staff["relations"][role].get(relation)
    if person is None:  # nobody is above HR
        assert role == "hr" and relation in ("superior", "peer")
        return
    with pytest.raises(Forbidden) as refused:
        call(actor, person, org, staff)
    assert ("自己" if relation == "self" else person.name) in refused.value.message


def test_an_hr_user_who_is_an_employee_is_entered_for_by_another_hr_user(org, staff):
    other_hr = db.session.scalar(db.select(accounts.User).where(accounts.User.username == "hr_e2"))
    row = allowances.set_allowance(
        other_hr, staff["hr1"].id, next(iter(policy_for(MONTH, policy_book()).pay.allowance_names)), Decimal(50), MONTH
    )
    assert row.employee_id == staff["hr1"].id and row.amount == Decimal(50)


def test_a_supervisor_may_not_import_the_rows_of_someone_above_him(org, staff):
    header = [imports.CODE, *imports.METRIC_COLUMNS]
    zeros = ",".join("0" for _ in imports.METRIC_COLUMNS)
    text = f"{','.join(header)}\nA001,{zeros}\nH001,{zeros}\n".encode()  # H001: an agent who is also HR
    department, result, parsed = imports.parse_metrics(org["users"]["supervisor"], org["main"].id, MONTH, "m.csv", text)
    assert [(p.row, p.message) for p in result.problems] == [(3, "工号 H001:不能录入自己或上级、同级人员的数据。")]
    with pytest.raises(Forbidden):
        imports.save_rows(org["users"]["supervisor"], department, MONTH, "m.csv", [(org["sup"], {}, [], [])])


def test_hr_may_not_import_his_own_deductions(org, staff):
    kind = next(iter(deductions.kinds(MONTH).values()))
    text = f"工号,{kind}\nA001,10\nH001,20\n".encode()
    result = deductions.import_deductions(staff["actors"]["hr"], MONTH, "d.csv", text)
    assert result.saved == 0 and [p.row for p in result.problems] == [3]
    assert "本人" in result.problems[0].message


def test_the_admin_may_not_change_his_own_roles(org):
    admin = org["users"]["admin"]
    with pytest.raises(accounts.ServiceError) as refused:
        accounts.set_roles(admin, admin.id, ["admin", "hr"])
    assert "自己的角色" in refused.value.message
    assert admin.roles == {"admin"}


def test_the_dept_head_cannot_post_his_own_reviewed_score(db_app, login, org, staff):
    head = login("head")
    response = head.post(
        f"/reviews?month={MONTH}", data={"employee_id": org["head"].id, "item": "综合表现", "value": "100"}
    )
    assert response.status_code == 403
    assert "不能录入或修改与自己有关的数据" in response.data.decode()
    page = head.get(f"/reviews?month={MONTH}").data.decode()
    rows = page[page.index('id="review-tables"') :]
    assert "钱主管" in rows and "赵经理" not in rows and "冯经理" not in rows  # a subordinate; not himself, not a peer


def test_the_grid_shows_the_supervisors_own_and_his_superiors_rows_as_text(db_app, login, org, staff):
    page = login("sup").get(f"/entry?month={MONTH}&sheet=attendance&team=all").data.decode()
    assert f'id="in-{org["agents"][0].id}-late"' in page  # an agent: an input
    for person in (org["sup"], org["head"], staff["sup2"]):  # himself, his superior, a peer: text
        assert f'id="cell-{person.id}-late"' in page and f'id="in-{person.id}-late"' not in page


def test_reviewed_track_pages_are_for_the_person_the_dept_head_and_hr(db_app, login, org):
    url = f"/employees/{org['spec'].id}/scores?month={MONTH}"
    assert login("sup").get(url).status_code == 403
    assert login("head").get(url).status_code == 200
    assert login("hr").get(url).status_code == 200
    assert login("sup").get(f"/employees/{org['agents'][0].id}/scores?month={MONTH}").status_code == 200


def test_the_admin_sees_account_events_only(db_app, login, org):
    events.add_sample(org["users"]["supervisor"], org["agents"][0].id, MONTH, Decimal(80), "R-77")
    login("agent")  # a login: an account event
    page = login("admin").get("/audit").data.decode()
    assert "R-77" not in page and "登录" in page
    assert "R-77" in login("hr").get("/audit").data.decode()


def test_the_rule_reads_the_same_as_a_predicate(org, staff):
    from csapp.services.access import may_enter_for

    supervisor = org["users"]["supervisor"]
    assert may_enter_for(supervisor, org["agents"][0]) is True
    assert may_enter_for(supervisor, org["sup"]) is False  # himself
    assert may_enter_for(supervisor, org["head"]) is False  # his superior
    assert may_enter_for(supervisor, staff["sup2"]) is False  # a peer
    assert may_enter_for(staff["actors"]["hr"], staff["hr_peer"]) is True  # another HR user
