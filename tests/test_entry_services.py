"""Saving grid cells: values, recompute, optimistic locking, the month lock and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import MONTH
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import AgentMonth, Attendance, AuditEntry
from csapp.services import grid, month_lock
from csapp.services.errors import Conflict, Forbidden, MonthLocked, ServiceError
from csapp.services.kpi import department_kpi

BACKENDS = ("sqlite", "pg")  # concurrency-sensitive: every test here runs on both databases


def record(person, month=MONTH):
    return db.session.scalar(select(AgentMonth).where(AgentMonth.employee_id == person.id, AgentMonth.month == month))


def audits(action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def test_saving_a_cell_recomputes_the_month(org):
    sup, (a1, a2, _) = org["users"]["supervisor"], org["agents"]
    before = department_kpi(org["main"].id, MONTH)
    assert before.row_for(a2.id).score.items["volume"].score == Decimal(11)  # rank 2 +2, ≤ mean 1000 −1
    grid.save_cell(sup, "metrics", org["main"].id, MONTH, a2.id, "production", "1500", "1000")
    after = department_kpi(org["main"].id, MONTH)
    assert after.row_for(a2.id).score.production_rank == 1
    assert after.row_for(a2.id).score.items["volume"].score == Decimal(13)
    assert after.row_for(a1.id).score.production_rank == 2
    entry = audits("metrics.update")[-1]
    assert (entry.field, entry.old_value, entry.new_value, entry.user_id) == ("production", "1000", "1500", sup.id)


def test_a_new_record_is_created_for_an_empty_cell(org):
    sup, spec = org["users"]["supervisor"], org["spec"]
    grid.save_cell(sup, "attendance", org["main"].id, MONTH, spec.id, "leave_sick", "1.5", "")
    row = db.session.scalar(select(Attendance).where(Attendance.employee_id == spec.id))
    assert row.leave_sick == Decimal("1.5") and row.version == 1


@pytest.mark.parametrize(
    "field, text, message",
    [
        ("production", "abc", "须填数字"),
        ("production", "-3", "不能为负数"),
        ("production", "1.5", "须填整数"),
        ("avg_call_seconds", "99999", "不能超过"),
        ("avg_call_seconds", "100.123", "最多两位小数"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(org, field, text, message):
    sup, a1 = org["users"]["supervisor"], org["agents"][0]
    old = getattr(record(a1), field)
    count = len(audits())
    with pytest.raises(ServiceError) as raised:
        grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, field, text, str(old))
    assert message in raised.value.message
    db.session.rollback()
    assert getattr(record(a1), field) == old and len(audits()) == count


def test_half_days_only_for_leave(org):
    sup, spec = org["users"]["supervisor"], org["spec"]
    with pytest.raises(ServiceError, match="0.5 的倍数"):
        grid.save_cell(sup, "attendance", org["main"].id, MONTH, spec.id, "leave_sick", "0.3", "")


def test_a_save_of_a_field_changed_since_the_user_saw_it_is_refused_with_the_current_value(org):
    sup, head, a1 = org["users"]["supervisor"], org["users"]["dept_head"], org["agents"][0]
    grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "production", "1300", "1200")
    with pytest.raises(Conflict) as raised:
        grid.save_cell(head, "metrics", org["main"].id, MONTH, a1.id, "production", "1250", "1200")
    assert raised.value.current == 1300 and raised.value.field == "production"
    assert "“接线量”已被钱主管修改,当前值为 1300" in raised.value.message
    db.session.rollback()
    assert record(a1).production == 1300


def test_two_users_editing_different_fields_of_one_row_do_not_conflict(org):
    sup, head, a1 = org["users"]["supervisor"], org["users"]["dept_head"], org["agents"][0]
    grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "production", "1300", "1200")
    grid.save_cell(head, "metrics", org["main"].id, MONTH, a1.id, "im_unprocessed", "2", "0")  # saw the row before
    row = record(a1)
    assert (row.production, row.im_unprocessed) == (1300, 2)


def test_a_cell_save_without_the_value_the_user_saw_is_refused(org):
    sup, a1 = org["users"]["supervisor"], org["agents"][0]
    with pytest.raises(ServiceError, match="缺少原值"):
        grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "production", "1300", None)
    db.session.rollback()
    assert record(a1).production == 1200


def test_a_department_figure_saved_without_its_version_is_refused(org):
    with pytest.raises(ServiceError, match="缺少版本号"):
        grid.save_department_field(org["users"]["supervisor"], org["main"].id, MONTH, "connection_rate", "95", None)


def test_other_departments_and_agents_cannot_save(org):
    a1 = org["agents"][0]
    with pytest.raises(Forbidden):
        grid.save_cell(
            org["users"]["far_supervisor"], "metrics", org["main"].id, MONTH, a1.id, "production", "1", "1200"
        )
    with pytest.raises(Forbidden):
        grid.save_cell(org["users"]["agent"], "metrics", org["main"].id, MONTH, a1.id, "production", "1", "1200")
    with pytest.raises(ServiceError, match="不在本部门"):
        grid.save_cell(
            org["users"]["supervisor"], "metrics", org["main"].id, MONTH, org["far_agent"].id, "production", "1", ""
        )


def test_locked_month_needs_hr_and_a_reason_and_keeps_a_correction(org):
    sup, hr, a1 = org["users"]["supervisor"], org["users"]["hr"], org["agents"][0]
    month_lock.lock(sup, org["main"].id, MONTH)
    with pytest.raises(MonthLocked, match="已锁定"):
        grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "production", "1", "1200")
    db.session.rollback()
    with pytest.raises(MonthLocked, match="原因"):
        grid.save_cell(hr, "metrics", org["main"].id, MONTH, a1.id, "production", "1", "1200")
    db.session.rollback()
    assert record(a1).production == 1200
    grid.save_cell(hr, "metrics", org["main"].id, MONTH, a1.id, "production", "1210", "1200", reason="呼叫系统数据更正")
    correction = audits("metrics.update")[-1]
    assert correction.is_correction and correction.reason == "呼叫系统数据更正"
    assert (correction.old_value, correction.new_value, correction.user_id) == ("1200", "1210", hr.id)
    assert audits("month.lock")[-1].user_id == sup.id


def test_department_connection_rate_drives_every_total(org):
    sup = org["users"]["supervisor"]
    dept_month = month_lock.department_month(org["main"].id, MONTH)
    grid.save_department_field(sup, org["main"].id, MONTH, "connection_rate", "93.5", dept_month.version)
    kpi = department_kpi(org["main"].id, MONTH)
    assert all(r.score.items["connection"].score == Decimal("17.00") for r in kpi.scored_rows)
    with pytest.raises(ServiceError, match="不能超过"):
        grid.save_department_field(sup, org["main"].id, MONTH, "connection_rate", "101", dept_month.version + 1)


def test_a_value_above_its_usual_range_needs_a_confirmation_then_saves(org):
    from csapp.services.errors import NeedsConfirmation

    sup, a1 = org["users"]["supervisor"], org["agents"][0]
    with pytest.raises(NeedsConfirmation) as asked:
        grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "im_unprocessed", "21", "0")
    assert asked.value.status == 422
    assert asked.value.message == "“未处理环信”21 超出常见范围(通常 ≤ 20),确认保存?"
    db.session.rollback()
    assert record(a1).im_unprocessed == 0
    grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "im_unprocessed", "21", "0", confirmed=True)
    assert record(a1).im_unprocessed == 21
    grid.save_cell(sup, "metrics", org["main"].id, MONTH, a1.id, "im_unprocessed", "20", "21")  # within: no question


def test_the_usual_range_is_policy_data_shown_in_the_hint(org):
    from csapp.policy.parameters import policy_for
    from csapp.services.policy_book import policy_book

    column = grid.SHEETS["metrics"].column("im_unprocessed")
    assert policy_for(MONTH, policy_book()).soft_limits["im_unprocessed"] == Decimal(20)
    assert column.hint_for(policy_for(MONTH, policy_book())).endswith("(通常 ≤ 20)")
