"""Promotion eligibility (RULES.md §4): cycle, tenure, gates and criteria of every track."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from . import names
from .months import first_day, month_of, months_before
from .numbers import exact, fmt, mean

if TYPE_CHECKING:
    from .schema import Criterion, Policy

MonthValues = Mapping[str, Decimal]
DEPT_MEASURES = ("dept_mean", "dept_sum", "turnover")
GATE_NAMES = {
    "tenure": "任职时间",
    "window": "申请窗口",
    "data": "周期数据",
    "leave": "假期",
    "service_complaint": "有理由服务投诉",
    "serious_error": "严重工作失误",
}


class NotNextRung(ValueError):
    """The target is not the next rung of the person's ladder."""


@dataclass(frozen=True)
class Person:
    id: str
    grade: str
    grade_since: dt.date
    regularized_on: dt.date | None = None
    serious_error: bool = False


@dataclass(frozen=True)
class Application:
    """Everything eligibility depends on: the person, the target and the recorded months."""

    applied_on: dt.date
    person: Person
    target: str
    months: Mapping[str, MonthValues] = field(default_factory=dict)
    dept_months: Mapping[str, MonthValues] = field(default_factory=dict)
    written_test: Decimal | None = None
    interview: bool | None = None
    process: bool | None = None
    window_exception: str | None = None


@dataclass(frozen=True)
class CriterionResult:
    key: str
    name: str
    passed: bool | None
    required: str
    actual: str
    explanation: str


@dataclass(frozen=True)
class Eligibility:
    target: str
    status: str  # eligible | pending | ineligible
    cycle: tuple[str, ...]
    effective_month: str
    criteria: tuple[CriterionResult, ...]
    policy_version: str

    def as_dict(self) -> dict:
        """Return the verdict as the `rules promotion` output document (CONTRACT.md)."""
        return {
            "target": self.target,
            "status": self.status,
            "cycle": list(self.cycle),
            "effective_month": self.effective_month,
            "policy_version": self.policy_version,
            "criteria": [
                {
                    "key": c.key,
                    "name": c.name,
                    "passed": c.passed,
                    "required": c.required,
                    "actual": c.actual,
                    "explanation": c.explanation,
                }
                for c in self.criteria
            ],
        }


def _verdict(passed: bool | None) -> str:
    return names.VERDICT_NAMES[passed]


def _compare(op: str, actual: Fraction, threshold: Decimal) -> bool:
    return actual >= exact(threshold) if op == ">=" else actual <= exact(threshold)


def _tenure(app: Application, policy: Policy, cycle: list[str]) -> CriterionResult:
    kind = policy.promotion.targets[app.target].tenure
    start = first_day(cycle[0])
    person = app.person
    from_label = policy.grade_label(person.grade)
    if kind == "grade":
        passed = person.grade_since <= start
        text = f"自 {person.grade_since} 起任{from_label},要求不晚于周期首日 {start}:{_verdict(passed)}"
        return CriterionResult(
            "tenure", GATE_NAMES["tenure"], passed, names.not_later_than(start), str(person.grade_since), text
        )
    if person.regularized_on is None:
        return CriterionResult(
            "tenure",
            GATE_NAMES["tenure"],
            False,
            names.not_later_than(start),
            "未转正",
            f"尚未转正,晋升时间从转正起算,要求不晚于 {start} 转正:不满足",
        )
    passed = person.regularized_on <= start
    text = f"{person.regularized_on} 转正,要求不晚于周期首日 {start}"
    if kind == "regularized_cumulative":
        month_start = first_day(month_of(app.applied_on))
        holds = person.grade_since <= month_start
        text += f";申请当月 {month_start} 须已任{from_label}(自 {person.grade_since} 起)"
        passed = passed and holds
    return CriterionResult(
        "tenure",
        GATE_NAMES["tenure"],
        passed,
        names.not_later_than(start),
        str(person.regularized_on),
        f"{text}:{_verdict(passed)}",
    )


def _window(app: Application, policy: Policy) -> CriterionResult:
    first, last = policy.promotion.window_first_day, policy.promotion.window_last_day
    day = app.applied_on.day
    required = names.window_days(first, last)
    if first <= day <= last:
        return CriterionResult(
            "window",
            GATE_NAMES["window"],
            True,
            required,
            f"{day} 日",
            f"于 {app.applied_on} 申请,在每月 {first}–{last} 日的申请窗口内:满足",
        )
    if app.window_exception and app.window_exception.strip():
        return CriterionResult(
            "window",
            GATE_NAMES["window"],
            True,
            required,
            f"{day} 日",
            f"于 {app.applied_on} 申请,不在窗口内,人事已接受逾期申请:{app.window_exception.strip()}",
        )
    return CriterionResult(
        "window",
        GATE_NAMES["window"],
        False,
        required,
        f"{day} 日",
        f"于 {app.applied_on} 申请,不在每月 {first}–{last} 日的申请窗口内:不满足",
    )


def _needs_dept(rules_criteria: list[Criterion]) -> bool:
    return any(c.measure in DEPT_MEASURES for c in rules_criteria)


def _data(app: Application, cycle: list[str], needs_dept: bool) -> CriterionResult:
    missing = [m for m in cycle if m not in app.months]
    missing_dept = [m for m in cycle if needs_dept and m not in app.dept_months]
    if not missing and not missing_dept:
        return CriterionResult(
            "data",
            GATE_NAMES["data"],
            True,
            "各月数据齐全",
            "齐全",
            f"考核周期 {cycle[0]} 至 {cycle[-1]} 每月均有数据:满足",
        )
    parts = []
    if missing:
        parts.append(f"个人数据缺少 {'、'.join(missing)}")
    if missing_dept:
        parts.append(f"部门数据缺少 {'、'.join(missing_dept)}")
    return CriterionResult(
        "data",
        GATE_NAMES["data"],
        False,
        "各月数据齐全",
        "缺 " + "、".join(missing + missing_dept),
        f"考核周期 {cycle[0]} 至 {cycle[-1]}:{';'.join(parts)}:不满足",
    )


def _total(app: Application, cycle: list[str], key: str) -> Fraction:
    return sum((exact(app.months[m][key]) for m in cycle), Fraction(0))


def _leave(app: Application, policy: Policy, cycle: list[str]) -> CriterionResult:
    days = _total(app, cycle, "leave_days") - _total(app, cycle, "annual_leave_days")
    limit = policy.promotion.leave_gate_days
    passed = days < exact(limit)
    return CriterionResult(
        "leave",
        GATE_NAMES["leave"],
        passed,
        names.less_than(limit, "天"),
        names.amount(days, "天"),
        f"周期内累计假期 {fmt(days)} 天(不含年假),{fmt(limit)} 天及以上不参与晋升评定:{_verdict(passed)}",
    )


def _service_complaint(app: Application, cycle: list[str]) -> CriterionResult:
    count = _total(app, cycle, "service_complaints")
    passed = count == 0
    return CriterionResult(
        "service_complaint",
        GATE_NAMES["service_complaint"],
        passed,
        "0 例",
        names.amount(count, "例"),
        f"周期内有理由服务投诉 {fmt(count)} 例,有 1 例及以上不能参与晋升:{_verdict(passed)}",
    )


def _serious_error(app: Application) -> CriterionResult:
    passed = not app.person.serious_error
    actual = "有" if app.person.serious_error else "无"
    return CriterionResult(
        "serious_error",
        GATE_NAMES["serious_error"],
        passed,
        "无",
        actual,
        f"严重工作失误记录:{actual}(有则不再参与晋升,直至人事解除):{_verdict(passed)}",
    )


def _measure(app: Application, crit: Criterion, cycle: list[str]) -> tuple[Fraction, str]:
    if crit.measure == "mean":
        value = mean(app.months[m][crit.field] for m in cycle)
        return value, f"周期内月均 {fmt(value)}"
    if crit.measure == "sum":
        value = _total(app, cycle, crit.field)
        return value, f"周期内合计 {fmt(value)}"
    if crit.measure == "dept_mean":
        value = mean(app.dept_months[m][crit.field] for m in cycle)
        return value, f"部门周期内月均 {fmt(value)}"
    if crit.measure == "dept_sum":
        value = sum((exact(app.dept_months[m][crit.field]) for m in cycle), Fraction(0))
        return value, f"部门周期内合计 {fmt(value)}"
    if crit.measure == "turnover":
        leavers = sum((exact(app.dept_months[m]["leavers"]) for m in cycle), Fraction(0))
        headcount = mean(app.dept_months[m]["headcount"] for m in cycle)
        value = leavers / headcount * 100
        return value, f"周期内流失 {fmt(leavers)} 人 ÷ 平均人数 {fmt(headcount)} × 100 = {fmt(value)}%"
    raise ValueError(crit.measure)


def _production(app: Application, crit: Criterion, cycle: list[str], threshold: Decimal) -> CriterionResult:
    months = [app.months[m] for m in cycle]
    count = sum(1 for m in months if exact(m["production"]) >= exact(m["dept_avg_production"]))
    own_mean = mean(m["production"] for m in months)
    dept_mean = mean(m["dept_avg_production"] for m in months)
    by_count = count >= threshold
    by_mean = own_mean >= dept_mean
    text = f"产量达到部门均产的月份 {count} 个,要求至少 {fmt(threshold)} 个"
    if not by_count:
        text += (
            f";周期平均产量 {fmt(own_mean)},部门月均产量平均 {fmt(dept_mean)},"
            f"{'达到' if by_mean else '未达到'}部门均产(方案备注 3)"
        )
    passed = by_count or by_mean
    return CriterionResult(
        crit.key,
        crit.name,
        passed,
        names.at_least(threshold, "个月"),
        names.amount(count, "个月"),
        f"{text}:{_verdict(passed)}",
    )


def _input(app: Application, crit: Criterion, target: str) -> CriterionResult:
    value = getattr(app, crit.field)
    if crit.op == "pass":
        required = crit.texts.get(target, "")
        required_text = f"合格:{required}" if required else "合格"
        if value is None:
            return CriterionResult(crit.key, crit.name, None, required_text, "待定", f"{crit.name}尚未进行:待定")
        actual = "合格" if value else "不合格"
        return CriterionResult(
            crit.key, crit.name, value, required_text, actual, f"{crit.name}结果 {actual}:{_verdict(value)}"
        )
    threshold = crit.thresholds[target]
    if value is None:
        return CriterionResult(
            crit.key,
            crit.name,
            None,
            names.at_least(threshold, "分"),
            "待定",
            f"{crit.name}尚无成绩,要求 ≥ {fmt(threshold)} 分:待定",
        )
    passed = _compare(crit.op, exact(value), threshold)
    return CriterionResult(
        crit.key,
        crit.name,
        passed,
        names.at_least(threshold, "分"),
        names.amount(value, "分"),
        f"{crit.name} {fmt(value)} 分,要求 ≥ {fmt(threshold)} 分:{_verdict(passed)}",
    )


def _criterion(app: Application, crit: Criterion, cycle: list[str], track: str) -> CriterionResult:
    if crit.measure == "input":
        return _input(app, crit, app.target)
    threshold = crit.thresholds[app.target]
    if crit.measure == "months_at_or_above":
        return _production(app, crit, cycle, threshold)
    value, text = _measure(app, crit, cycle)
    passed = _compare(crit.op, value, threshold)
    sign = "≥" if crit.op == ">=" else "≤"
    unit = names.unit_of(crit.key, track)
    required = names.at_least(threshold, unit) if crit.op == ">=" else names.at_most(threshold, unit)
    return CriterionResult(
        crit.key,
        crit.name,
        passed,
        required,
        names.amount(value, unit),
        f"{crit.name}:{text},要求 {sign} {fmt(threshold)}:{_verdict(passed)}",
    )


def check_target(person_grade: str, target: str, policy: Policy) -> None:
    """Refuse a target that is not the next rung above *person_grade*."""
    if target not in policy.promotion.targets or policy.previous_grade(target) != person_grade:
        expected = policy.next_grade(person_grade) if person_grade in policy.grades else None
        raise NotNextRung(
            f"target {target} is not the next rung above {person_grade}"
            + (f" (next is {expected})" if expected else "")
        )


def cycle_of(applied_on: dt.date, target: str, policy: Policy) -> list[str]:
    """Return the assessment cycle M−N … M−1 of an application in the month of *applied_on*."""
    return months_before(month_of(applied_on), policy.promotion.targets[target].months)


def evaluate(app: Application, policy: Policy) -> Eligibility:
    """Evaluate every gate and criterion of an application."""
    check_target(app.person.grade, app.target, policy)
    track = policy.track_of(app.target)
    rules = policy.promotion.tracks[track]
    cycle = cycle_of(app.applied_on, app.target, policy)
    results = [_tenure(app, policy, cycle), _window(app, policy), _data(app, cycle, _needs_dept(rules.criteria))]
    if results[-1].passed:
        for gate in rules.gates:
            if gate == "leave":
                results.append(_leave(app, policy, cycle))
            elif gate == "service_complaint":
                results.append(_service_complaint(app, cycle))
            elif gate == "serious_error":
                results.append(_serious_error(app))
        results.extend(_criterion(app, crit, cycle, track) for crit in rules.criteria)
    outcomes = [r.passed for r in results]
    status = "ineligible" if False in outcomes else "pending" if None in outcomes else "eligible"
    return Eligibility(app.target, status, tuple(cycle), month_of(app.applied_on), tuple(results), policy.version)
