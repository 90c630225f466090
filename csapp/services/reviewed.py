"""主管/专员考核: reviewed item scores of specialists, supervisors and managers (RULES.md D11)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ..db import writes
from ..extensions import db
from ..models import Employee, ReviewedScore, User
from ..policy.numbers import fmt2
from . import audit
from .access import REVIEWED_TRACKS, require, subject_for
from .errors import ServiceError
from .grid import Column, check_value
from .month_lock import guard
from .policy_book import policy_in

SCORE = Column("score", "考核分", "decimal", "0–100", Decimal(100))


@dataclass(frozen=True)
class ReviewedKpi:
    score: Decimal | None
    explanation: str
    items: dict[str, Decimal]


def items_for(track: str, month: str) -> list[str]:
    return policy_in(month).reviewed_scores[track].items


def scores_of(employee_ids: list[int], month: str) -> dict[int, dict[str, Decimal]]:
    result: dict[int, dict[str, Decimal]] = {i: {} for i in employee_ids}
    for row in db.session.scalars(
        select(ReviewedScore).where(ReviewedScore.employee_id.in_(employee_ids), ReviewedScore.month == month)
    ):
        result[row.employee_id][row.item] = row.score
    return result


def reviewed_kpi(employee: Employee, month: str, scores: dict[str, Decimal] | None = None) -> ReviewedKpi:
    """Return the month's score: the weighted mean of every item (equal weights by default)."""
    track = employee.track_in(month)
    if track not in REVIEWED_TRACKS:  # e.g. the months before an agent became 主管
        return ReviewedKpi(None, "本月为话务员,按话务员公式计分", {})
    setting = policy_in(month).reviewed_scores[track]
    scores = scores if scores is not None else scores_of([employee.id], month)[employee.id]
    missing = [item for item in setting.items if item not in scores]
    if missing:
        return ReviewedKpi(None, f"尚未评分:{'、'.join(missing)}", scores)
    weights = setting.weights or [Decimal(1)] * len(setting.items)
    total = sum(w * scores[i] for w, i in zip(weights, setting.items))
    value = total / sum(weights)
    parts = "、".join(f"{i} {fmt2(scores[i])}" for i in setting.items)
    kind = "等权平均" if not setting.weights else "加权平均"
    return ReviewedKpi(value, f"{parts};{kind} = {fmt2(value)}", scores)


@writes
def save_score(user: User, employee_id: int, month: str, item: str, value: Decimal | None, reason: str = "") -> None:
    """Save one item score (dept head or HR)."""
    require(user, "dept_head", "hr")
    employee = subject_for(user, employee_id, month)
    if employee.track_in(month) not in REVIEWED_TRACKS:
        raise ServiceError("话务员的成绩按公式计算,不在这里评分。")
    if item not in items_for(employee.track_in(month), month):
        raise ServiceError("没有这个考核项。")
    value = check_value(SCORE, value)
    correction = guard(user, employee.department_id, month, reason)
    row = db.session.scalar(
        select(ReviewedScore).where(
            ReviewedScore.employee_id == employee.id, ReviewedScore.month == month, ReviewedScore.item == item
        )
    )
    old = row.score if row else None
    if value is None:
        if row:
            db.session.delete(row)
    elif row:
        row.score, row.reviewer_id = value, user.id
    else:
        db.session.add(ReviewedScore(employee_id=employee.id, month=month, item=item, score=value, reviewer_id=user.id))
    audit.record(
        user,
        "reviewed.update",
        "reviewed_score",
        row.id if row else None,
        subject=audit.subject_of(employee),
        month=month,
        field=item,
        old=old,
        new=value,
        reason=reason.strip(),
        correction=correction,
    )
