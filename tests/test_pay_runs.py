"""Pay runs from the DB: every line, versions kept, stale after a promotion or a data change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import MONTH, confirmed_pay, fill_cycle, metrics
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import AgentMonth, Attendance, PayRun, PayRunStatus, PersonAllowance, SpecialistMonth
from csapp.services import grid, promotion
from csapp.services.errors import Forbidden
from csapp.services.pay import runs as pay_runs


def slip_of(run, person):
    return next(s for s in run.slips if s.employee_id == person.id)


def test_a_run_pays_everyone_with_explanations(org):
    hr, (a1, a2, a3) = org["users"]["hr"], org["agents"]
    spec = org["spec"]
    db.session.add(Attendance(employee=a1, month=MONTH))
    db.session.add(Attendance(employee=a2, month=MONTH, late=1))
    db.session.add(SpecialistMonth(employee=spec, month=MONTH, books_delivered=300))
    db.session.add(PersonAllowance(employee=a1, kind="meal", amount=Decimal("300")))
    db.session.commit()
    run = pay_runs.compute_run(hr, MONTH)
    assert run.run_no == 1 and run.status == PayRunStatus.DRAFT and not run.stale
    people = {s.employee_id for s in run.slips}
    assert {a1.id, a2.id, a3.id, spec.id, org["far_agent"].id} <= people
    one = slip_of(run, a1)
    total = one.kpi_score
    assert one.grade == "agent.1" and one.base == Decimal("3000.00")
    assert one.performance == Decimal("500.00") * min(total, Decimal(100)) / 100
    assert one.allowances == Decimal("300.00") and one.attendance_bonus == Decimal("200.00")
    assert one.gross == one.base + one.performance + one.commission + one.attendance_bonus + one.allowances
    assert slip_of(run, a2).attendance_bonus == 0 and "迟到 1 次" in slip_of(run, a2).explanations["attendance_bonus"]
    assert slip_of(run, a3).performance == 0 and slip_of(run, a3).grade == "agent.p"
    # missing attendance is never perfect attendance: no bonus, and a gap HR must explain
    assert slip_of(run, a3).attendance_bonus == 0 and "考勤未录入" in slip_of(run, a3).explanations["attendance_bonus"]
    assert ("attendance", "本月考勤未录入,全勤奖暂按 0 计") in slip_of(run, a3).gaps
    assert not any(kind == "attendance" for kind, _ in slip_of(run, a1).gaps)
    specialist = slip_of(run, spec)
    assert specialist.commission == Decimal("600.00")
    assert specialist.performance == 0 and "尚未完成" in specialist.explanations["performance"]
    far = slip_of(run, org["far_agent"])
    assert far.performance == 0 and "绩效数据不全" in far.explanations["kpi"]


def test_only_hr_runs_pay(org):
    with pytest.raises(Forbidden):
        pay_runs.compute_run(org["users"]["supervisor"], MONTH)


def test_approved_promotion_stales_the_run_and_a_recompute_uses_the_new_grade(org):
    fill_cycle(org)
    hr, a1 = org["users"]["hr"], org["agents"][0]
    metrics(a1, "2026-11", production=1200, qa=(98,))
    db.session.commit()
    first = pay_runs.compute_run(hr, "2026-11")
    assert slip_of(first, a1).grade == "agent.1" and slip_of(first, a1).base == Decimal("3000.00")
    application = promotion.submit(org["users"]["agent"], dt.date(2026, 11, 3))
    promotion.record_interview(
        org["users"]["dept_head"], application.id, dt.date(2026, 11, 4), "", "pass", Decimal("95"), None
    )
    promotion.decide(hr, application.id, True, "满足")
    db.session.refresh(first)
    assert first.stale and "话务员 · 一星 → 话务员 · 二星" in first.stale_reason
    second = pay_runs.compute_run(hr, "2026-11")
    assert second.run_no == 2 and second.is_draft and not second.stale
    assert slip_of(second, a1).grade == "agent.2" and slip_of(second, a1).base == Decimal("3300.00")
    db.session.refresh(first)
    assert first.status == PayRunStatus.ABANDONED and slip_of(first, a1).base == Decimal("3000.00")  # kept
    assert [r.run_no for r in pay_runs.runs_of("2026-11")] == [2, 1]


def test_a_data_change_after_the_run_makes_it_stale(org):
    hr, sup, a1 = org["users"]["hr"], org["users"]["supervisor"], org["agents"][0]
    run = pay_runs.compute_run(hr, MONTH)
    row = db.session.scalar(select(AgentMonth).where(AgentMonth.employee_id == a1.id))
    grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "im_unprocessed", "3", str(row.im_unprocessed))
    db.session.refresh(run)
    assert run.stale and "修改" in run.stale_reason


def test_pay_pages(db_app, login, org):
    hr = login("hr")
    assert "尚未核算" in hr.get(f"/pay?month={MONTH}").data.decode()
    hr.post(f"/pay?month={MONTH}")
    page = hr.get(f"/pay?month={MONTH}").data.decode()
    assert "第 1 次核算" in page and "¥3,000.00" in page and "草稿" in page
    assert hr.get(f"/pay.xlsx?month={MONTH}").status_code == 200
    assert "尚未确认" in login("agent").get(f"/me/pay?month={MONTH}").data.decode()  # a draft is HR's only
    confirmed_pay(org)
    mine = login("agent").get(f"/me/pay?month={MONTH}").data.decode()
    assert "我的工资 · 张三" in mine and "应发合计" in mine and "实发合计" in mine and "李四" not in mine
    assert login("agent").get(f"/pay?month={MONTH}").status_code == 403
    assert db.session.scalar(select(PayRun).where(PayRun.month == MONTH)) is not None
    runs = db.session.scalars(select(PayRun).where(PayRun.month == MONTH).order_by(PayRun.run_no)).all()
    history = hr.get(f"/pay?month={MONTH}").data.decode().split("历次核算")[-1]
    for run in runs:  # the history's counts and totals, summed by the database for every run
        gross = sum(slip.gross for slip in run.slips)
        assert f"{len(run.slips)} 人 · 应发合计 ¥{gross:,.2f}" in history, run.run_no


def test_hr_sets_an_allowance_that_the_next_run_pays(db_app, login, org):
    a2 = org["agents"][1]
    response = login("hr").post(
        f"/staff/{a2.id}/allowance", data={"kind": "phone", "amount": "100", "effective_month": MONTH}
    )
    assert response.status_code == 303
    run = pay_runs.compute_run(org["users"]["hr"], MONTH)
    assert slip_of(run, a2).allowances == Decimal("100.00")
    assert "通讯补助 ¥100.00" in slip_of(run, a2).explanations["allowances"]
    login("hr").post(f"/staff/{a2.id}/allowance", data={"kind": "phone", "amount": "-5", "effective_month": MONTH})
    assert db.session.scalar(select(PersonAllowance.amount).where(PersonAllowance.employee_id == a2.id)) == 100


def test_an_allowance_changed_today_does_not_move_a_past_month(db_app, login, org):
    """D20: a raise from 2026-11 leaves October as it was; October's run stays current."""
    hr, a2 = org["users"]["hr"], org["agents"][1]
    client = login("hr")
    client.post(f"/staff/{a2.id}/allowance", data={"kind": "meal", "amount": "300", "effective_month": "2026-01"})
    october = pay_runs.compute_run(hr, MONTH)
    assert slip_of(october, a2).allowances == Decimal("300.00")
    client.post(f"/staff/{a2.id}/allowance", data={"kind": "meal", "amount": "400", "effective_month": "2026-11"})
    db.session.refresh(october)
    assert not october.stale
    again = pay_runs.compute_run(hr, MONTH)
    assert slip_of(again, a2).allowances == Decimal("300.00")
    november = pay_runs.compute_run(hr, "2026-11")
    assert slip_of(november, a2).allowances == Decimal("400.00")
    client.post(f"/staff/{a2.id}/allowance", data={"kind": "meal", "amount": "0", "effective_month": "2026-11"})
    db.session.refresh(november)
    assert november.stale and "餐补自 2026-11 起调整" in november.stale_reason
    assert slip_of(pay_runs.compute_run(hr, "2026-11"), a2).allowances == 0
    bad = client.post(f"/staff/{a2.id}/allowance", data={"kind": "meal", "amount": "1", "effective_month": "2026-13"})
    assert bad.status_code == 422 and "年-月" in bad.data.decode()
