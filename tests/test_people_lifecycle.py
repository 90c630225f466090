"""员工档案: transfers, rehires and corrections are dated facts; past months do not move (D20, D21)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from factories import MONTH, confirmed_pay
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import AuditEntry, DepartmentMembership, Employee, PayRun, PersonEvent, User
from csapp.services import people, person_corrections
from csapp.services.errors import ServiceError
from csapp.services.kpi import department_agents, department_kpi
from csapp.services.pay.runs import employed_days, paid_people
from csapp.services.roster import roster_workbook
from csapp.services.roster_import import import_roster


def _total(org, person, month=MONTH):
    return department_kpi(org["main"].id, month).row_for(person.id).score.total


def test_a_transfer_moves_the_person_from_the_next_reference_day_and_leaves_past_months(org):
    hr, person, stays = org["users"]["hr"], org["agents"][1], org["agents"][0]
    october = _total(org, stays)
    people.transfer(hr, person.id, org["other"].id, dt.date(2026, 10, 10), "支援售后")
    db.session.refresh(person)
    assert person.department_in("2026-10") == org["main"].id  # October reads its 1st: still 客服部
    assert person.department_in("2026-11") == org["other"].id
    assert person.department_id == org["other"].id  # the file now belongs to 售后部
    assert person in department_agents(org["main"].id, "2026-10")
    assert person not in department_agents(org["main"].id, "2026-11")
    assert person in department_agents(org["other"].id, "2026-11")
    assert _total(org, stays) == october  # the past month's ranking and scores are as they were
    placements = db.session.scalars(
        select(DepartmentMembership).where(DepartmentMembership.employee_id == person.id)
    ).all()
    assert [(p.department_id, p.effective_on) for p in placements] == [
        (org["main"].id, person.hired_on),
        (org["other"].id, dt.date(2026, 10, 10)),
    ]
    event = db.session.scalar(select(PersonEvent).where(PersonEvent.kind == "transfer"))
    assert event.note == "客服部 → 售后部:支援售后"
    with pytest.raises(ServiceError, match="已属于售后部"):
        people.transfer(hr, person.id, org["other"].id, dt.date(2026, 12, 1), "再调")
    with pytest.raises(ServiceError, match="调动原因"):
        people.transfer(hr, person.id, org["main"].id, dt.date(2026, 12, 1), " ")


def test_a_transfer_on_the_first_takes_effect_that_month_and_both_departments_runs_go_stale(org):
    hr, person = org["users"]["hr"], org["agents"][1]
    run = confirmed_pay(org)
    people.transfer(hr, person.id, org["other"].id, dt.date(2026, 10, 1), "调岗")
    db.session.refresh(run)
    assert person.department_in("2026-10") == org["other"].id
    assert run.stale and "调动部门" in run.stale_reason
    assert run.status.value == "confirmed"  # marked, never edited


def test_a_rehire_keeps_the_code_and_starts_a_new_period(org):
    hr, person = org["users"]["hr"], org["agents"][0]  # 张三: regularised long ago
    people.leave(hr, person.id, dt.date(2026, 5, 31), "个人原因")
    with pytest.raises(ServiceError, match="须晚于上次离职日"):
        people.rehire(hr, person.id, dt.date(2026, 5, 31), "agent", "")
    people.rehire(hr, person.id, dt.date(2026, 9, 16), "agent", "回来了")
    db.session.refresh(person)
    assert person.code == "A001" and person.hired_on == dt.date(2026, 9, 16)
    assert person.regularized_on is None and person.separated_on is None
    assert [(p.hired_on, p.separated_on) for p in person.past_periods] == [(dt.date(2024, 1, 1), dt.date(2026, 5, 31))]
    assert person.employment_in("2026-04") == "regular"  # the old period keeps its 转正
    assert person.employment_in("2026-09") == "intern"  # a new period: 试用 again (D21)
    assert person.reference_day("2026-09") == dt.date(2026, 9, 16)
    assert person.reference_day("2026-05") == dt.date(2026, 5, 1)
    assert person.grade_on(dt.date(2026, 4, 1)) == "agent.1" and person.grade_on(dt.date(2026, 9, 16)) == "agent.p"
    assert person in paid_people("2026-05") and person not in paid_people("2026-07")
    assert person in paid_people("2026-09") and employed_days(person, "2026-09") == 15
    login = db.session.scalar(select(User).where(User.employee_id == person.id))
    assert login.active and login.must_change_password and login.password_hash == "!"
    with pytest.raises(ServiceError, match="仍在职"):
        people.rehire(hr, person.id, dt.date(2026, 12, 1), "agent", "")


def test_a_correction_needs_a_reason_moves_the_fact_and_marks_later_runs_stale(org):
    hr, person = org["users"]["hr"], org["agents"][1]
    run = confirmed_pay(org)
    slips = {(s.employee_id, s.gross) for s in run.slips}
    event = people.leave(hr, person.id, dt.date(2026, 12, 31), "合同到期")
    with pytest.raises(ServiceError, match="须填写原因"):
        person_corrections.correct_event(hr, event.id, dt.date(2026, 10, 20), "")
    done = person_corrections.correct_event(hr, event.id, dt.date(2026, 10, 20), "离职日登记错了")
    db.session.refresh(person)
    db.session.refresh(run)
    assert person.separated_on == dt.date(2026, 10, 20) and done.event.on == dt.date(2026, 10, 20)
    assert done.stale_runs == 1 and run.stale and run.status.value == "confirmed"
    assert {(s.employee_id, s.gross) for s in run.slips} == slips  # a confirmed run is never edited
    assert "日期由 2026-12-31 改为 2026-10-20(原因:离职日登记错了)" in done.event.correction
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.correct"))
    assert (row.old_value, row.new_value, row.reason) == ("2026-12-31", "2026-10-20", "离职日登记错了")
    login = db.session.scalar(select(User).where(User.employee_id == person.id))
    assert not login.active  # the corrected 离职日 is past
    person_corrections.correct_event(hr, event.id, None, "其实没有离职", cancel=True)
    db.session.refresh(person)
    assert person.separated_on is None and login.active and event.cancelled
    with pytest.raises(ServiceError, match="已撤销"):
        person_corrections.correct_event(hr, event.id, dt.date(2026, 11, 1), "再改")


def test_a_hire_date_correction_moves_the_first_grade_department_and_team_too(org):
    hr = org["users"]["hr"]
    person = people.hire(hr, "A050", "新人", org["main"].id, "agent", dt.date(2026, 11, 9))
    event = db.session.scalar(select(PersonEvent).where(PersonEvent.employee_id == person.id))
    with pytest.raises(ServiceError, match="不能撤销"):
        person_corrections.correct_event(hr, event.id, None, "录错了", cancel=True)
    person_corrections.correct_event(hr, event.id, dt.date(2026, 11, 2), "入职日期录错了")
    db.session.refresh(person)
    assert person.hired_on == dt.date(2026, 11, 2)
    assert person.grades[0].effective_on == dt.date(2026, 11, 2)
    assert person.placements[0].effective_on == dt.date(2026, 11, 2)
    assert person.grade_on(dt.date(2026, 11, 2)) == "agent.p"


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(["工号,姓名,部门,班组,岗位,入职日期,转正日期", *rows]) + "\n").encode()


def test_a_roster_import_hires_everyone_new_or_nothing(org):
    hr = org["users"]["hr"]
    bad = _csv(
        [
            "C001,新一,客服部,,话务员,2026-11-02,",
            "C002,新二,不存在部,,话务员,2026-11-31,",
            "A001,别人,客服部,,话务员,2020-01-01,",
        ]
    )
    result = import_roster(hr, "roster.csv", bad)
    assert [(p.row, p.column) for p in result.problems] == [(3, "部门"), (3, "入职日期"), (4, "姓名")]
    assert db.session.scalar(select(Employee).where(Employee.code == "C001")) is None  # nothing saved
    good = _csv(
        [
            "C001,新一,客服部,,话务员,2026-11-02,",
            "C002,新二,售后部,,成长档案专员,2026-06-01,2026-09-01",
            "A001,张三,客服部,,话务员,2024-01-01,",
        ]
    )
    result = import_roster(hr, "roster.csv", good)
    assert not result.problems and result.unchanged == 1 and [e.code for e in result.hired] == ["C001", "C002"]
    second = db.session.scalar(select(Employee).where(Employee.code == "C002"))
    assert second.department_in("2026-11") == org["other"].id and second.track_in("2026-11") == "spec"
    assert second.regularized_on == dt.date(2026, 9, 1)
    logins = db.session.scalars(select(User).where(User.username.in_(["c001", "c002"]))).all()
    assert len(logins) == 2 and all(u.password_hash == "!" and u.must_change_password for u in logins)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.import")).new_value == "2"


def test_the_exported_roster_imports_back_as_unchanged(org):
    hr = org["users"]["hr"]
    before = db.session.scalar(select(db.func.count(Employee.id)))
    with pytest.raises(ServiceError, match="没有新员工"):
        import_roster(hr, "roster.xlsx", roster_workbook(dt.date(2026, 11, 29)))
    assert db.session.scalar(select(db.func.count(Employee.id))) == before


def test_the_roster_import_page_lists_row_errors_and_saves_nothing(login, org):
    hr = login("hr")
    data = _csv(["C009,新九,客服部,三组,话务员,2026-11-02,"])
    page = hr.post(
        "/staff/roster-import", data={"file": (io.BytesIO(data), "r.csv")}, content_type="multipart/form-data"
    )
    assert page.status_code == 422
    assert "客服部没有名为“三组”的班组" in page.data.decode()
    ok = hr.post(
        "/staff/roster-import",
        data={"file": (io.BytesIO(_csv(["C009,新九,客服部,,话务员,2026-11-02,"])), "r.csv")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 303 and db.session.scalar(select(Employee).where(Employee.code == "C009"))
    assert login("agent").get("/staff/roster-import").status_code == 403


def test_the_file_page_shows_the_timeline_with_corrections(login, org):
    hr = login("hr")
    person = org["agents"][1]
    assert (
        hr.post(
            f"/staff/{person.id}/transfer", data={"department": org["other"].id, "on": "2026-11-16", "reason": "支援"}
        ).status_code
        == 303
    )
    event = db.session.scalar(select(PersonEvent).where(PersonEvent.kind == "transfer"))
    refused = hr.post(f"/staff/{person.id}/events/{event.id}/correct", data={"on": "2026-11-20", "reason": ""})
    assert refused.status_code == 422 and "请填写原因" in refused.data.decode()
    moved = hr.post(f"/staff/{person.id}/events/{event.id}/correct", data={"on": "2026-11-01", "reason": "按月初"})
    assert moved.status_code == 303
    db.session.refresh(person)
    assert person.department_in("2026-11") == org["other"].id
    page = hr.get(f"/staff/{person.id}").data.decode()
    assert "<td>调动部门</td><td>客服部 → 售后部:支援" in page and "日期由 2026-11-16 改为 2026-11-01" in page
    assert "员工档案" in page
    assert (
        hr.post(f"/staff/{person.id}/events/{event.id}/correct", data={"reason": "调动取消", "cancel": "y"}).status_code
        == 303
    )
    db.session.refresh(person)
    assert person.department_in("2026-12") == org["main"].id and person.department_id == org["main"].id
    assert db.session.scalars(select(PayRun)).all() == []


def test_a_hire_then_regularisation_opens_the_one_star_path(org):
    """Hired 2026-05-04, 转正 2026-07-01: applying 2026-10-02 (cycle 07–09) the tenure gate passes only after 转正."""
    from factories import metrics

    from csapp.models import DepartmentMonth
    from csapp.policy.parameters import policy_for
    from csapp.policy.promotion import evaluate
    from csapp.services.policy_book import policy_book
    from csapp.services.promotion_data import build_application

    hr = org["users"]["hr"]
    person = people.hire(hr, "A061", "新秀", org["main"].id, "agent", dt.date(2026, 5, 4))
    for month in ("2026-07", "2026-08", "2026-09"):
        db.session.add(DepartmentMonth(department=org["main"], month=month, connection_rate=96))
        metrics(person, month, production=1500, qa=(97,))
        metrics(org["agents"][0], month, production=1000, qa=(97,))
    db.session.commit()

    def tenure():
        policy = policy_for("2026-10", policy_book())
        result = evaluate(build_application(person, "agent.1", dt.date(2026, 10, 2), policy), policy)
        return next(c for c in result.criteria if c.key == "tenure")

    assert not tenure().passed and "未转正" in tenure().actual
    people.regularize(hr, person.id, dt.date(2026, 7, 1), "试用期满")
    db.session.refresh(person)
    assert tenure().passed
    assert person.employment_in("2026-07") == "regular" and person.employment_in("2026-06") == "intern"


def test_a_regularised_unrated_agents_pay_says_unrated_not_probation(org):
    from csapp.services.pay import runs

    person = org["agents"][2]  # 王五: agent.p, not regularised
    hr = org["users"]["hr"]
    line = {c.employee.id: c for c in runs.pay_cases(MONTH)}[person.id].inputs
    assert line.regularized is False
    people.regularize(hr, person.id, dt.date(2026, 9, 1), "试用期满")
    case = {c.employee.id: c for c in runs.pay_cases(MONTH)}[person.id]
    from csapp.policy.parameters import policy_for
    from csapp.policy.pay import compute_pay
    from csapp.services.policy_book import policy_book

    base = compute_pay(case.inputs, policy_for(MONTH, policy_book())).lines["base"]
    assert base.explanation.startswith("话务员(未定星)基本工资")
