"""Gaps: data a pay run needed and did not have. Each must be explained before the run is confirmed.

A gap is (kind, person): 考勤未录入, 绩效数据不全, 考核评分未录入, 部门数据缺失 per person, and one
扣款未录入 for the month (cleared by importing the deductions or by 本月无扣款 with a reason). Reasons
are kept per (month, person, kind), so a recomputation keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...db import upsert, writes
from ...extensions import db
from ...models import DeductionMonth, Employee, PayGapReason, PayRun, User
from ...models.org import dated_facts
from ...policy.names import PAY_GAP_NAMES
from .. import audit
from ..access import require, require_enter_all
from ..errors import ServiceError


@dataclass(frozen=True)
class Gap:
    kind: str
    employee_id: int | None  # None: the whole month
    detail: str

    @property
    def name(self) -> str:
        return PAY_GAP_NAMES[self.kind]


def run_gaps(run: PayRun) -> list[Gap]:
    """Every gap of a run: those found per person at computation, and the month's deductions."""
    gaps = [Gap(kind, slip.employee_id, detail) for slip in run.slips for kind, detail in slip.gaps]
    if db.session.get(DeductionMonth, run.month) is None:
        gaps.append(Gap("deductions", None, "本月扣款尚未导入,也未标记“本月无扣款”"))
    return gaps


def reasons_of(month: str) -> dict[tuple[int | None, str], PayGapReason]:
    return {
        (r.employee_id, r.kind): r for r in db.session.scalars(select(PayGapReason).where(PayGapReason.month == month))
    }


def open_gaps(run: PayRun) -> list[Gap]:
    """The gaps of a run that nobody has explained yet."""
    reasons = reasons_of(run.month)
    return [g for g in run_gaps(run) if g.kind == "deductions" or (g.employee_id, g.kind) not in reasons]


@writes
def explain_gaps(user: User, month: str, gaps: list[tuple[int, str]], reason: str) -> int:
    """Write one reason for several gaps (person, kind) of a month; return how many were explained."""
    require(user, "hr")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写原因。", "reason")
    if not gaps:
        raise ServiceError("请勾选要说明的数据缺失。")
    people = db.session.scalars(
        select(Employee).where(Employee.id.in_({e for e, _ in gaps})).options(*dated_facts())
    ).all()
    require_enter_all(user, list(people), month)
    for employee_id, kind in gaps:
        if kind not in PAY_GAP_NAMES or kind == "deductions":
            raise ServiceError("未知的缺失类型。")
        upsert(
            db.session,
            PayGapReason,
            {"reason": reason, "by_id": user.id},
            month=month,
            employee_id=employee_id,
            kind=kind,
        )
    audit.record(
        user,
        "pay.gap_reason",
        "pay_gap_reason",
        None,
        subject=f"{month} {len(gaps)} 处",
        month=month,
        field="reason",
        new=reason,
    )
    return len(gaps)
