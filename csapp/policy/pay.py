"""Monthly pay (RULES.md §2): base + performance + commission + attendance bonus + allowances."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from .numbers import fmt, fmt2, money
from .parameters import Policy

PAY_LINES = ("base", "performance", "commission", "attendance_bonus", "allowances")
PAY_LINE_NAMES = {"base": "基本工资", "performance": "绩效工资", "commission": "佣金",
                  "attendance_bonus": "全勤奖", "allowances": "补贴", "gross": "应发合计"}


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


def _performance(policy: Policy, person: PayInput, counted_leave: Decimal) -> tuple[Decimal, str]:
    standard = policy.grades[person.grade].performance
    if standard == 0:
        return Decimal(0), f"{policy.grade_label(person.grade)}无绩效工资标准,绩效工资 0"
    limit = policy.pay.performance_zero_leave_days
    if counted_leave >= limit:
        return Decimal(0), (f"本月计入的假期共 {fmt(counted_leave)} 天(不含年假),达到 {fmt(limit)} 天,"
                            "不享受绩效工资")
    kpi = person.kpi_score
    if kpi is None:
        return Decimal(0), "本月绩效总分尚未完成,绩效工资暂按 0 计;补齐数据后请重新核算"
    cap = policy.pay.kpi_cap
    factor_kpi = min(kpi, cap)
    amount = standard * factor_kpi / Decimal(100)
    capped = f",超过 {fmt(cap)} 按 {fmt(cap)} 计" if kpi > cap else ""
    return amount, (f"绩效标准 {money(standard)} × 绩效总分 {fmt2(kpi)}{capped} ÷ 100 = {money(amount)}")


def compute_pay(person: PayInput, policy: Policy) -> PayResult:
    """Compute one person's monthly pay under *policy*."""
    grade = policy.grades[person.grade]
    counted_types = policy.pay.counted_leave_types
    counted_leave = sum((person.leave_days.get(k, Decimal(0)) for k in counted_types), Decimal(0))
    lines: dict[str, PayLine] = {}

    lines["base"] = PayLine("base", PAY_LINE_NAMES["base"], grade.base,
                            f"{policy.grade_label(person.grade)}基本工资 {money(grade.base)}")
    perf, perf_text = _performance(policy, person, counted_leave)
    lines["performance"] = PayLine("performance", PAY_LINE_NAMES["performance"], perf, perf_text)

    if grade.commission_per_book:
        commission = grade.commission_per_book * person.books_delivered
        text = f"当月交付 {person.books_delivered} 本 × {money(grade.commission_per_book)} = {money(commission)}"
    else:
        commission = Decimal(0)
        text = "本岗位无佣金"
    lines["commission"] = PayLine("commission", PAY_LINE_NAMES["commission"], commission, text)

    reasons = []
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
        bonus = policy.pay.attendance_bonus
        annual = " (年假不影响全勤)" if person.leave_days.get("annual") else ""
        text = f"本月无迟到、旷工及请假,全勤奖 {money(bonus)}{annual}"
    lines["attendance_bonus"] = PayLine("attendance_bonus", PAY_LINE_NAMES["attendance_bonus"], bonus, text)

    allowances = {**policy.pay.grade_allowances.get(person.grade, {}), **person.allowances}
    total_allowances = sum(allowances.values(), Decimal(0))
    names = policy.pay.allowance_names
    text = ("、".join(f"{names.get(k, k)} {money(v)}" for k, v in allowances.items()) or "无固定补贴")
    lines["allowances"] = PayLine("allowances", PAY_LINE_NAMES["allowances"], total_allowances, text)

    gross = sum((line.amount for line in lines.values()), Decimal(0))
    return PayResult(person.id, person.grade, lines, gross, policy.version)
