"""Monthly pay (RULES.md §2): base + performance + commission + attendance bonus + allowances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .names import grade_name
from .numbers import fmt, fmt2, money, round2

if TYPE_CHECKING:
    from .schema import Policy

PAY_LINES = ("base", "performance", "commission", "attendance_bonus", "allowances")
PAY_LINE_NAMES = {
    "base": "基本工资",
    "performance": "绩效工资",
    "commission": "佣金",
    "attendance_bonus": "全勤奖",
    "allowances": "补贴",
    "gross": "应发合计",
}


@dataclass(frozen=True)
class PayInput:
    """What a person's monthly pay depends on."""

    id: str
    grade: str
    late: int = 0
    absent: int = 0
    kpi_score: Decimal | None = None
    leave_days: Mapping[str, Decimal] = field(default_factory=dict)
    books_delivered: int = 0
    allowances: Mapping[str, Decimal] = field(default_factory=dict)
    employed_days: int | None = None
    """Calendar days of the month the person was employed (RULES.md D19); None: the whole month."""
    attendance_recorded: bool = True
    """False: nobody entered the month's attendance; missing attendance is never perfect attendance."""
    regularized: bool | None = None
    """转正 on the reference day: an unrated agent's lines then say 话务员(未定星), not (试用期)."""


@dataclass(frozen=True)
class PayLine:
    key: str
    name: str
    amount: Decimal
    explanation: str


@dataclass(frozen=True)
class PayResult:
    """A person's monthly pay, line by line, with explanations."""

    id: str
    grade: str
    lines: dict[str, PayLine]
    gross: Decimal
    policy_version: str


def _leave_text(policy: Policy, leave: Mapping[str, Decimal], kinds: list[str]) -> str:
    names = policy.pay.leave_type_names
    return "、".join(f"{names[k]} {fmt(leave[k])} 天" for k in kinds if leave.get(k))


def _performance(policy: Policy, person: PayInput, counted_leave: Decimal) -> tuple[Decimal | None, str]:
    """Return the whole month's performance pay (unrounded) and its arithmetic (D4, 10-day rule).

    None instead of an amount: no performance pay, and the text says why.
    """
    standard = policy.grades[person.grade].performance
    if standard == 0:
        return None, f"{grade_name(policy, person.grade, person.regularized)}无绩效工资标准,绩效工资 0"
    limit = policy.pay.performance_zero_leave_days
    if counted_leave >= limit:
        return None, (f"本月计入的假期共 {fmt(counted_leave)} 天(不含年假),达到 {fmt(limit)} 天,不享受绩效工资")
    if person.kpi_score is None:
        return None, "本月绩效总分尚未完成,绩效工资暂按 0 计;补齐数据后请重新核算"
    kpi = round2(person.kpi_score)  # D4: the factor uses the score as shown, 2 decimals
    cap = policy.pay.kpi_cap
    factor_kpi = min(kpi, cap)
    amount = standard * factor_kpi / Decimal(100)
    capped = f",超过 {fmt(cap)} 按 {fmt(cap)} 计" if kpi > cap else ""
    return amount, f"绩效标准 {money(standard)} × 绩效总分 {fmt2(kpi)}{capped} ÷ 100"


def _prorated(amount: Decimal, text: str, employed: int | None, days: int | None) -> tuple[Decimal, str]:
    """Scale a whole-month amount to the employed days (D19), round once, and finish its explanation.

    *text* states the whole month's figure; the result reads "… = ¥x" (whole month) or
    "… = ¥x;本月在职 e/d 天,¥x × e ÷ d = ¥y" (part of a month).
    """
    whole = f"{text} = {money(amount)}" if text else money(amount)
    if employed is None or days is None or employed >= days:
        return round2(amount), whole
    rounded = round2(amount * employed / days)
    return rounded, f"{whole};本月在职 {employed}/{days} 天,{money(amount)} × {employed} ÷ {days} = {money(rounded)}"


def compute_pay(person: PayInput, policy: Policy, days_in_month: int | None = None) -> PayResult:
    """Compute one person's monthly pay under *policy*.

    *days_in_month* is needed only when ``person.employed_days`` is set (D19: base, performance and
    allowances are prorated and rounded once; commission is not; the attendance bonus needs a whole month).
    """
    if person.employed_days is not None and days_in_month is None:
        raise ValueError("days_in_month is needed for a part month")
    grade = policy.grades[person.grade]
    employed, days = person.employed_days, days_in_month
    part_month = employed is not None and days is not None and employed < days
    counted_types = policy.pay.counted_leave_types
    counted_leave = sum((person.leave_days.get(k, Decimal(0)) for k in counted_types), Decimal(0))
    lines: dict[str, PayLine] = {}

    if part_month:
        amount, text = _prorated(
            grade.base, f"{grade_name(policy, person.grade, person.regularized)}基本工资", employed, days
        )
    else:
        amount, text = grade.base, f"{grade_name(policy, person.grade, person.regularized)}基本工资 {money(grade.base)}"
    lines["base"] = PayLine("base", PAY_LINE_NAMES["base"], amount, text)
    perf, perf_text = _performance(policy, person, counted_leave)
    if perf is None:
        perf = Decimal(0)
    else:
        perf, perf_text = _prorated(perf, perf_text, employed, days)
    lines["performance"] = PayLine("performance", PAY_LINE_NAMES["performance"], perf, perf_text)

    if grade.commission_per_book:
        commission = round2(grade.commission_per_book * person.books_delivered)
        text = f"当月交付 {person.books_delivered} 本 × {money(grade.commission_per_book)} = {money(commission)}"
    else:
        commission = Decimal(0)
        text = "本岗位无佣金"
    lines["commission"] = PayLine("commission", PAY_LINE_NAMES["commission"], commission, text)

    reasons = []
    if not person.attendance_recorded:
        reasons.append("考勤未录入(数据缺失)")
    if part_month:
        reasons.append(f"只在职 {employed}/{days} 天")
    if person.late:
        reasons.append(f"迟到 {person.late} 次")
    if person.absent:
        reasons.append(f"旷工 {person.absent} 次")
    leave_text = _leave_text(policy, person.leave_days, counted_types)
    if leave_text:
        reasons.append(f"请假({leave_text})")
    if reasons:
        bonus = Decimal(0)
        text = f"本月{'、'.join(reasons)},不享受全勤奖"
    else:
        bonus = round2(policy.pay.attendance_bonus)
        annual = "(年假不影响全勤)" if person.leave_days.get("annual") else ""
        text = f"本月无迟到、旷工及请假,全勤奖 {money(bonus)}{annual}"
    lines["attendance_bonus"] = PayLine("attendance_bonus", PAY_LINE_NAMES["attendance_bonus"], bonus, text)

    allowances = {**policy.pay.grade_allowances.get(person.grade, {}), **person.allowances}
    names = policy.pay.allowance_names
    if allowances:
        total = sum(allowances.values(), Decimal(0))
        listed = "、".join(f"{names.get(k, k)} {money(v)}" for k, v in allowances.items())
        if part_month:
            amount, text = _prorated(total, listed, employed, days)
        else:
            amount, text = total, listed if len(allowances) == 1 else f"{listed},合计 {money(total)}"
    else:
        amount, text = Decimal(0), "无固定补贴"
    lines["allowances"] = PayLine("allowances", PAY_LINE_NAMES["allowances"], amount, text)

    gross = sum((line.amount for line in lines.values()), Decimal(0))
    return PayResult(person.id, person.grade, lines, gross, policy.version)
