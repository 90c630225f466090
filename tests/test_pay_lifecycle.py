"""The pay-run lifecycle: draft → confirmed → superseded, gaps, deductions, part months, one computation at a time."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from factories import MONTH, confirmed_pay, employee
from race import in_threads
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from csapp.extensions import db
from csapp.models import Attendance, PayComputation, PayRun, PayRunStatus
from csapp.services import month_lock
from csapp.services.errors import Conflict, ServiceError
from csapp.services.pay import deductions, gaps, runs


def slip_of(run, person):
    return next(s for s in run.slips if s.employee_id == person.id)


def test_confirming_needs_locked_months_and_a_reason_for_every_gap(org):
    hr = org["users"]["hr"]
    draft = runs.compute_run(hr, MONTH)
    assert draft.status == PayRunStatus.DRAFT and runs.slip_for(org["agents"][0].id, MONTH) is None
    with pytest.raises(ServiceError, match="尚未锁定"):
        runs.confirm_run(hr, draft.id)
    db.session.rollback()
    for department in (org["main"], org["other"]):
        month_lock.lock(hr, department.id, MONTH)
    open_gaps = gaps.open_gaps(draft)
    kinds = {g.kind for g in open_gaps}
    assert {"attendance", "deductions", "reviewed"} <= kinds  # nobody entered attendance; the spec has no score
    with pytest.raises(ServiceError, match=f"还有 {len(open_gaps)} 处数据缺失"):
        runs.confirm_run(hr, draft.id)
    db.session.rollback()
    person_gaps = [(g.employee_id, g.kind) for g in open_gaps if g.employee_id]
    assert gaps.explain_gaps(hr, MONTH, person_gaps, "考勤表月底补交") == len(person_gaps)
    assert [g.kind for g in gaps.open_gaps(draft)] == ["deductions"]
    deductions.mark_none(hr, MONTH, "本月由服务商下月一并扣除")
    confirmed = runs.confirm_run(hr, draft.id)
    assert (confirmed.status, confirmed.confirm_no) == (PayRunStatus.CONFIRMED, 1)
    assert runs.slip_for(org["agents"][0].id, MONTH).run_id == confirmed.id


def test_a_correction_supersedes_the_confirmed_run_and_keeps_the_gap_reasons(org):
    hr = org["users"]["hr"]
    first = confirmed_pay(org)
    db.session.add(Attendance(employee=org["agents"][0], month=MONTH, late=2))
    db.session.commit()
    second = runs.compute_run(hr, MONTH)
    assert runs.slip_for(org["agents"][0].id, MONTH).run_id == first.id  # staff still see the confirmed run
    assert gaps.open_gaps(second) == []  # the reasons written for the first run still hold
    runs.confirm_run(hr, second.id)
    db.session.refresh(first)
    assert (first.status, first.superseded_by_id) == (PayRunStatus.SUPERSEDED, second.id)
    assert (second.status, second.confirm_no) == (PayRunStatus.CONFIRMED, 2)
    assert slip_of(second, org["agents"][0]).attendance_bonus == 0
    assert [r.run_no for r in runs.runs_of(MONTH)] == [2, 1]


def test_a_new_computation_abandons_the_draft_and_a_stale_draft_cannot_be_confirmed(org):
    hr = org["users"]["hr"]
    confirmed_pay(org)
    draft = runs.compute_run(hr, MONTH)
    newer = runs.compute_run(hr, MONTH)
    db.session.refresh(draft)
    assert draft.status == PayRunStatus.ABANDONED and newer.is_draft
    runs.mark_pay_stale(None, MONTH, "测试:数据有修改")
    db.session.commit()
    with pytest.raises(ServiceError, match="已过期"):
        runs.confirm_run(hr, newer.id)
    db.session.rollback()
    assert runs.confirmed_run(MONTH).stale  # the confirmed run is marked too and stays visible


def test_one_draft_and_one_confirmed_run_a_month_are_constraints(org):
    runs.compute_run(org["users"]["hr"], MONTH)
    db.session.add(PayRun(month=MONTH, run_no=99, policy_version="x", status=PayRunStatus.DRAFT))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add_all(
        [
            PayRun(month="2026-01", run_no=1, policy_version="x", status=PayRunStatus.CONFIRMED),
            PayRun(month="2026-01", run_no=2, policy_version="x", status=PayRunStatus.CONFIRMED),
        ]
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_second_computation_of_the_month_at_once_is_refused_with_a_409(db_app, org, login):
    """Two HR users press 计算工资 at the same moment: one computes, the other is told who is computing."""
    hr = org["users"]["hr"]
    db.session.add(PayComputation(month=MONTH, holder_id=hr.id))  # someone is computing right now
    db.session.commit()
    with pytest.raises(Conflict, match="正在由.*计算"):
        runs.compute_run(hr, MONTH)
    db.session.execute(text("DELETE FROM pay_computation"))
    db.session.commit()
    clients = [login("hr"), login("hr")]
    db.session.rollback()
    results = in_threads([lambda c=c: c.post(f"/pay?month={MONTH}", headers={"HX-Request": "true"}) for c in clients])
    codes = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert 500 not in codes
    drafts = db.session.scalars(select(PayRun).where(PayRun.status == PayRunStatus.DRAFT)).all()
    assert len(drafts) == 1
    if codes == [303, 409]:  # they overlapped: the loser was told, in Chinese
        loser = next(r for r in results if r.status_code == 409)
        assert "正在由" in loser.data.decode()
    else:  # one finished before the other began: two runs, the first abandoned
        assert codes == [303, 303]
    assert db.session.scalar(select(PayComputation)) is None  # the claim is released


def test_an_expired_claim_does_not_block_the_month(org):
    hr = org["users"]["hr"]
    db.session.add(PayComputation(month=MONTH, holder_id=hr.id, started_at=dt.datetime(2020, 1, 1)))
    db.session.commit()
    assert runs.compute_run(hr, MONTH).is_draft


def test_deductions_give_net_pay_and_a_change_makes_the_runs_stale(org, login):
    hr, a1 = org["users"]["hr"], org["agents"][0]
    deductions.set_deductions(hr, a1.id, MONTH, {"social_insurance": Decimal("320.50"), "income_tax": Decimal("12")})
    run = confirmed_pay(org)
    slip = slip_of(run, a1)
    assert slip.deductions_total == Decimal("332.50") and slip.net == slip.gross - Decimal("332.50")
    assert slip.deductions == {"social_insurance": Decimal("320.50"), "income_tax": Decimal("12.00")}
    page = login("agent").get(f"/me/pay?month={MONTH}").data.decode()
    assert "社保个人部分" in page and "−¥320.50" in page and "实发合计" in page and f"¥{slip.net:,.2f}" in page
    deductions.set_deductions(hr, a1.id, MONTH, {"income_tax": Decimal("15")})
    db.session.refresh(run)
    assert run.stale and "扣款" in run.stale_reason


def test_a_negative_net_pay_is_refused(org):
    hr, a3 = org["users"]["hr"], org["agents"][2]
    deductions.set_deductions(hr, a3.id, MONTH, {"other": Decimal("99999")})
    with pytest.raises(ServiceError, match="实发不能为负数.*A003"):
        runs.compute_run(hr, MONTH)
    db.session.rollback()
    assert runs.draft_run(MONTH) is None


def test_bad_deductions_are_refused(org):
    hr, a1 = org["users"]["hr"], org["agents"][0]
    with pytest.raises(ServiceError, match="不能为负数"):
        deductions.set_deductions(hr, a1.id, MONTH, {"income_tax": Decimal("-1")})
    db.session.rollback()
    with pytest.raises(ServiceError, match="未知的扣款类型"):
        deductions.set_deductions(hr, a1.id, MONTH, {"bonus": Decimal("1")})
    db.session.rollback()
    assert runs.deductions_of(MONTH) == {}


def test_a_deductions_import_is_all_or_nothing(db_app, org, login):
    client = login("hr")
    bad = "工号,社保个人部分,个人所得税\nA001,300,10\nA999,1,1\nA002,abc,1\n".encode()
    response = client.post(f"/pay/deductions/import?month={MONTH}", data={"file": (io.BytesIO(bad), "d.csv")})
    assert response.status_code == 422
    page = response.data.decode()
    assert "A999" in page and "须填数字" in page and "没有导入任何一行" in page
    assert runs.deductions_of(MONTH) == {}
    good = "工号,社保个人部分,个人所得税\nA001,300,10\nA002,280.5,0\n".encode()
    response = client.post(f"/pay/deductions/import?month={MONTH}", data={"file": (io.BytesIO(good), "d.csv")})
    assert response.status_code == 303
    found = runs.deductions_of(MONTH)
    assert found[org["agents"][0].id] == {"social_insurance": Decimal("300.00"), "income_tax": Decimal("10.00")}
    assert found[org["agents"][1].id] == {"social_insurance": Decimal("280.50")}
    run = runs.compute_run(org["users"]["hr"], MONTH)
    assert "deductions" not in {g.kind for g in gaps.open_gaps(run)}  # the import cleared the month's gap


def test_someone_hired_mid_month_gets_a_prorated_slip_on_the_grade_of_the_hire_day(org):
    """D19/D20: hired 2026-10-20 → 12 of 31 days; the grade is the one of the hire date."""
    newcomer = employee(org["main"], "A050", "新人", grade="agent.p", hired=dt.date(2026, 10, 20), regularized=None)
    leaver = org["agents"][1]
    leaver.separated_on = dt.date(2026, 10, 10)
    db.session.add(Attendance(employee=newcomer, month=MONTH))
    db.session.commit()
    run = runs.compute_run(org["users"]["hr"], MONTH)
    slip = slip_of(run, newcomer)
    assert slip.employed_days == 12 and slip.grade == "agent.p"
    assert slip.base == Decimal("1083.87")  # 2800 × 12 ÷ 31 = 1083.870…
    assert slip.attendance_bonus == 0 and "只在职 12/31 天" in slip.explanations["attendance_bonus"]
    assert slip_of(run, leaver).employed_days == 10
    assert slip_of(run, org["agents"][0]).employed_days is None  # the whole month


def test_pay_sheet_pages_show_state_gaps_and_old_runs(db_app, org, login):
    client = login("hr")
    client.post(f"/pay?month={MONTH}")
    page = client.get(f"/pay?month={MONTH}").data.decode()
    assert "草稿" in page and "数据缺失" in page and "确认工资" in page and "扣款未录入" in page
    run = runs.draft_run(MONTH)
    refused = client.post(f"/pay/runs/{run.id}/confirm?month={MONTH}")
    assert refused.status_code == 422 and "尚未锁定" in refused.data.decode()
    gap = next(g for g in gaps.open_gaps(run) if g.employee_id)
    done = client.post(f"/pay/gaps?month={MONTH}", data={"gaps": [f"{gap.employee_id}:{gap.kind}"], "reason": "已核实"})
    assert done.status_code == 303
    assert gaps.reasons_of(MONTH)[(gap.employee_id, gap.kind)].reason == "已核实"
    assert client.get(f"/pay/runs/{run.id}").status_code == 200
    assert client.get("/pay/runs/9999").status_code == 404
    assert login("agent").get(f"/pay/runs/{run.id}").status_code == 403
    deduction_page = client.get(f"/pay/deductions?month={MONTH}").data.decode()
    assert "社保个人部分" in deduction_page and "张三" in deduction_page


def test_two_runs_compare_person_by_person_line_by_line(db_app, org, login):
    hr, a1 = org["users"]["hr"], org["agents"][0]
    first = confirmed_pay(org)
    db.session.add(Attendance(employee=a1, month=MONTH))  # the missing attendance sheet arrives: 全勤
    db.session.commit()
    deductions.set_deductions(hr, a1.id, MONTH, {"income_tax": Decimal("20")})
    second = runs.compute_run(hr, MONTH)
    older, newer, differences = runs.compare_runs(hr, first.id, second.id)
    assert [d.employee.code for d in differences] == ["A001"]  # nobody else changed
    lines = {key: (old, new) for key, old, new in differences[0].lines}
    assert set(lines) == {"attendance_bonus", "gross", "deductions_total", "net"}
    assert lines["deductions_total"] == (Decimal("0.00"), Decimal("20.00"))
    assert lines["attendance_bonus"] == (Decimal("0.00"), Decimal("200.00"))
    page = login("hr").get(f"/pay/compare?older={first.id}&newer={second.id}").data.decode()
    assert "1 人有变化" in page and "扣款合计" in page and "张三" in page and "李四" not in page
    assert login("hr").get(f"/pay/compare?older={first.id}").status_code == 422
    assert login("agent").get(f"/pay/compare?older={first.id}&newer={second.id}").status_code == 403
