"""The promotion workflow: every transition and every refusal, the effect of approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import fill_cycle
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import ApplicationStatus, AuditEntry, GradeChange, PayRun, PaySlip, PromotionApplication
from csapp.services import promotion
from csapp.services.errors import Forbidden, ServiceError
from csapp.services.promotion_data import current_grade

APPLIED = dt.date(2026, 11, 3)


@pytest.fixture()
def ready(org):
    fill_cycle(org)
    return org


def submit(org, day=APPLIED):
    return promotion.submit(org["users"]["agent"], day)


def interview(org, application, result="pass", test=Decimal("95")):
    return promotion.record_interview(
        org["users"]["dept_head"], application.id, dt.date(2026, 11, 4), "沟通顺畅", result, test, None
    )


def test_submit_stores_a_snapshot_of_the_evaluation(ready):
    application = submit(ready)
    assert application.status == ApplicationStatus.SUBMITTED
    assert (application.from_grade, application.target_grade, application.month) == ("agent.1", "agent.2", "2026-11")
    snapshot = application.snapshot_data
    assert snapshot["status"] == "pending" and snapshot["cycle"][0] == "2026-05"
    passed = {c["key"]: c["passed"] for c in snapshot["criteria"]}
    assert passed["kpi"] and passed["qa"] and passed["stars"] and passed["interview"] is None
    assert application.policy_version == "default-1"


def test_outside_the_window_the_next_window_is_named(ready):
    with pytest.raises(ServiceError, match="2026-12-01 至 2026-12-05"):
        submit(ready, dt.date(2026, 11, 6))


def test_one_open_application_per_person(ready):
    submit(ready)
    with pytest.raises(ServiceError, match="未完成的晋升申请"):
        submit(ready, dt.date(2026, 11, 4))


def test_hr_accepts_a_late_application_only_with_a_reason(ready):
    hr, a1 = ready["users"]["hr"], ready["agents"][0]
    with pytest.raises(ServiceError, match="原因"):
        promotion.submit(hr, dt.date(2026, 11, 12), "", employee_id=a1.id)
    application = promotion.submit(hr, dt.date(2026, 11, 12), "系统故障未能按时提交", employee_id=a1.id)
    window = next(c for c in application.snapshot_data["criteria"] if c["key"] == "window")
    assert window["passed"] is True and "系统故障" in window["explanation"]
    with pytest.raises(Forbidden):
        promotion.submit(ready["users"]["supervisor"], dt.date(2026, 11, 12), "x", employee_id=a1.id)


def test_withdraw_only_by_the_applicant_and_only_before_the_interview(ready):
    application = submit(ready)
    with pytest.raises(Forbidden):
        promotion.withdraw(ready["users"]["agent2"], application.id)
    promotion.withdraw(ready["users"]["agent"], application.id)
    assert application.status == ApplicationStatus.WITHDRAWN
    second = submit(ready, dt.date(2026, 11, 4))  # a withdrawn one is no longer open
    interview(ready, second)
    with pytest.raises(ServiceError, match="面谈后不能撤回"):
        promotion.withdraw(ready["users"]["agent"], second.id)


def test_interview_rules(ready):
    application = submit(ready)
    with pytest.raises(Forbidden):  # a supervisor is not the department head
        promotion.record_interview(
            ready["users"]["supervisor"], application.id, dt.date(2026, 11, 4), "", "pass", Decimal("95"), None
        )
    with pytest.raises(ServiceError, match="笔试成绩"):
        promotion.record_interview(
            ready["users"]["dept_head"], application.id, dt.date(2026, 11, 4), "", "pass", None, None
        )
    with pytest.raises(ServiceError, match="面谈结果"):
        promotion.record_interview(
            ready["users"]["dept_head"], application.id, dt.date(2026, 11, 4), "", "", Decimal("95"), None
        )
    with pytest.raises(ServiceError, match="面谈日期"):
        promotion.record_interview(
            ready["users"]["dept_head"], application.id, dt.date(2026, 10, 1), "", "pass", Decimal("95"), None
        )
    db.session.rollback()
    assert db.session.get(PromotionApplication, application.id).status == ApplicationStatus.SUBMITTED
    interview(ready, application)
    assert application.status == ApplicationStatus.INTERVIEWED
    assert application.latest_data["status"] == "eligible"


def test_decision_needs_hr_a_reason_and_an_interviewed_application(ready):
    application = submit(ready)
    with pytest.raises(ServiceError, match="待面谈"):
        promotion.decide(ready["users"]["hr"], application.id, True, "好")
    interview(ready, application)
    with pytest.raises(Forbidden):
        promotion.decide(ready["users"]["dept_head"], application.id, True, "好")
    with pytest.raises(ServiceError, match="评定理由"):
        promotion.decide(ready["users"]["hr"], application.id, True, " ")


def test_approval_puts_the_grade_in_force_from_the_first_of_the_month_and_stales_pay(ready):
    hr, a1 = ready["users"]["hr"], ready["agents"][0]
    run = PayRun(month="2026-11", run_no=1, policy_version="default-1")
    run.slips.append(
        PaySlip(
            employee_id=a1.id,
            grade="agent.1",
            base=3000,
            performance=500,
            commission=0,
            attendance_bonus=200,
            allowances=0,
            gross=3700,
            net=3700,
            explanations_json="{}",
        )
    )
    db.session.add(run)
    db.session.commit()
    application = submit(ready)
    interview(ready, application)
    promotion.decide(hr, application.id, True, "各项条件均满足")
    assert application.status == ApplicationStatus.APPROVED
    change = db.session.scalar(select(GradeChange).where(GradeChange.kind == "promotion"))
    assert (change.grade, change.effective_on) == ("agent.2", dt.date(2026, 11, 1))
    assert current_grade(a1, dt.date(2026, 11, 1))[0] == "agent.2"
    assert current_grade(a1, dt.date(2026, 10, 31))[0] == "agent.1"
    assert run.stale and "话务员 · 一星 → 话务员 · 二星" in run.stale_reason
    with pytest.raises(ServiceError, match="已通过"):
        promotion.decide(hr, application.id, False, "再议")
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-4:] == ["promotion.submit", "promotion.interview", "promotion.decide", "notice.batch"]


def test_an_ineligible_application_cannot_be_approved_but_can_be_rejected(ready):
    application = submit(ready)
    interview(ready, application, test=Decimal("60"))
    with pytest.raises(ServiceError, match="不能批准"):
        promotion.decide(ready["users"]["hr"], application.id, True, "好")
    promotion.decide(ready["users"]["hr"], application.id, False, "笔试未达标")
    assert application.status == ApplicationStatus.REJECTED
    assert current_grade(ready["agents"][0], dt.date(2026, 11, 1))[0] == "agent.1"


def test_queues_follow_the_state(ready):
    head, hr = ready["users"]["dept_head"], ready["users"]["hr"]
    application = submit(ready)
    assert promotion.queue(head, ApplicationStatus.SUBMITTED) == [application]
    assert promotion.queue(ready["users"]["far_supervisor"], ApplicationStatus.SUBMITTED) == []
    assert promotion.queue(hr, ApplicationStatus.INTERVIEWED) == []
    interview(ready, application)
    assert promotion.queue(head, ApplicationStatus.SUBMITTED) == []
    assert promotion.queue(hr, ApplicationStatus.INTERVIEWED) == [application]


def test_appointment_is_audited_and_needs_a_reason(ready):
    hr, a3 = ready["users"]["hr"], ready["agents"][2]
    with pytest.raises(ServiceError, match="原因"):
        promotion.appoint(hr, a3.id, "agent.1", dt.date(2026, 11, 1), "")
    promotion.appoint(hr, a3.id, "agent.1", dt.date(2026, 11, 1), "转正定级")
    assert current_grade(a3, dt.date(2026, 11, 2))[0] == "agent.1"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "grade.appoint"))
    assert (entry.old_value, entry.new_value, entry.reason) == ("agent.p", "agent.1", "转正定级")
    with pytest.raises(Forbidden):
        promotion.appoint(ready["users"]["dept_head"], a3.id, "agent.2", dt.date(2026, 11, 1), "x")


def test_pages_for_each_role(ready, login):
    application = submit(ready)
    page = login("agent").get("/me/promotion").data.decode()
    assert "待面谈" in page and "我的晋升" in page
    head = login("head")
    assert "待面谈 (1)" in head.get("/promotions/interviews").data.decode()
    html = head.post(
        f"/promotions/{application.id}/interview",
        headers={"HX-Request": "true"},
        data={"interview_on": "2026-11-04", "interview_result": "pass", "written_test": "abc", "notes": "x"},
    ).data.decode()
    assert "“笔试成绩”须填数字" in html
    head.post(
        f"/promotions/{application.id}/interview",
        headers={"HX-Request": "true"},
        data={"interview_on": "2026-11-04", "interview_result": "pass", "written_test": "96", "notes": "x"},
    )
    hr = login("hr")
    detail = hr.get(f"/promotions/{application.id}").data.decode()
    assert "待评定 (1)" in detail and "批准晋升" in detail and "提交时的评定" in detail
    assert login("agent2").get(f"/promotions/{application.id}").status_code == 403
    response = hr.post(f"/promotions/{application.id}/decide", data={"decision": "approve", "reason": "满足"})
    assert response.status_code == 303, response.data.decode()[-600:]
    decided = hr.get(response.headers["Location"]).data.decode()
    assert "已批准晋升" in decided, decided[decided.find("flash") : decided.find("flash") + 300]
    assert "已通过" in login("agent").get("/me/promotion").data.decode()


def test_serious_error_is_recorded_with_a_reason_and_only_hr_lifts_it(org):
    from csapp.services.serious_errors import set_serious_error

    head, hr, spec = org["users"]["dept_head"], org["users"]["hr"], org["spec"]
    with pytest.raises(ServiceError, match="原因"):
        set_serious_error(head, spec.id, True, "")
    set_serious_error(head, spec.id, True, "客户档案寄错,造成投诉")
    assert spec.serious_error
    with pytest.raises(Forbidden):
        set_serious_error(head, spec.id, False, "已整改")
    set_serious_error(hr, spec.id, False, "已整改并复核")
    assert not spec.serious_error
    lifted = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "serious_error.lift"))
    assert lifted.reason == "已整改并复核" and lifted.user_id == hr.id
    with pytest.raises(ServiceError, match="只适用于成长档案专员"):
        set_serious_error(hr, org["agents"][0].id, True, "x")
