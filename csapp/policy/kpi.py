"""Monthly KPI of a department's agents (RULES.md §3): 12 items, ranks, stars, incidents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from .kpi_figures import (  # noqa: F401  (the rules' callers use them from here)
    DepartmentFigures,
    competition_ranks,
    department_figures,
    figures_of_keys,
    moved_standings,
    stars_of,
)
from .names import EMPLOYMENT_NAMES
from .numbers import exact, fmt, fmt2, mean
from .parameters import KPI_ITEMS

if TYPE_CHECKING:
    from .schema import KpiItem, Policy

# item key → (input field, what is counted) for the items scored "−x per occurrence"
COUNTED_ITEMS: dict[str, tuple[str, str]] = {
    "feedback": ("feedback_unprocessed", "未处理的用户反馈"),
    "satisfaction": ("dissatisfied", "不满意评价"),
    "im": ("im_unprocessed", "下班时未处理的环信消息"),
    "plan": ("plan_missed", "未达标的部门计划指标"),
    "knowledge": ("knowledge_errors", "业务解答错误/不专业"),
    "operations": ("operation_errors", "操作办理失误"),
    "discipline": ("discipline", "现场纪律/卫生问题"),
    "cooperation": ("cooperation", "工作配合度/执行力问题"),
}


@dataclass(frozen=True)
class AgentMonth:
    """One agent's recorded metrics for a month."""

    id: str
    employment: str
    production: int
    qa_scores: Sequence[Decimal]
    dissatisfied: int = 0
    feedback_unprocessed: int = 0
    im_unprocessed: int = 0
    avg_call_seconds: Decimal = Decimal(0)
    plan_missed: int = 0
    knowledge_errors: int = 0
    operation_errors: int = 0
    discipline: int = 0
    cooperation: int = 0
    incidents: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemScore:
    """One KPI item's score with its explanation."""

    key: str
    name: str
    weight: Decimal
    score: Decimal
    explanation: str


@dataclass(frozen=True)
class IncidentLine:
    key: str
    name: str
    count: int
    points: Decimal
    explanation: str


@dataclass(frozen=True)
class AgentScore:
    """An agent's monthly KPI: total, items, incident points, ranks and stars."""

    id: str
    total: Decimal
    items_sum: Decimal
    incident_points: Decimal
    qa_avg: Fraction
    qa_rank: int
    production_rank: int
    stars: tuple[str, ...]
    items: dict[str, ItemScore]
    incidents: tuple[IncidentLine, ...]
    warnings: tuple[str, ...]
    explanation: str
    production: int = 0


@dataclass(frozen=True)
class DepartmentScore:
    """The KPI of a department for a month."""

    month: str
    connection_rate: Decimal
    avg_production: Fraction | None
    avg_qa: Fraction | None
    agents: tuple[AgentScore, ...]
    policy_version: str
    qa_spread: bool = False  # enough agents and different values: ranks and averages count
    volume_spread: bool = False
    lowest_qa: Fraction | None = None


def _with_score(item: KpiItem, score: Decimal, text: str) -> str:
    """End an item's explanation with its score and weight."""
    return f"{text},得 {fmt2(score)} 分(满分 {fmt(item.weight)})"


def _connection(item: KpiItem, rate: Decimal) -> tuple[Decimal, str]:
    target = item.target_rate
    if rate >= target:
        return item.weight, _with_score(item, item.weight, f"部门接通率 {fmt2(rate)}% 达到 {fmt(target)}%")
    deduction = item.per_point * (target - rate)
    score = max(Decimal(0), item.weight - deduction)
    text = (
        f"部门接通率 {fmt2(rate)}% 低于 {fmt(target)}%,每低 1 个百分点扣 {fmt(item.per_point)} 分,"
        f"扣 {fmt2(deduction)} 分"
    )
    return score, _with_score(item, score, text)


def _counted(item: KpiItem, what: str, count: int) -> tuple[Decimal, str]:
    if count == 0:
        return item.weight, _with_score(item, item.weight, f"无{what}")
    deduction = item.per_count * count
    score = max(Decimal(0), item.weight - deduction)
    text = f"{what} {count} 次 × {fmt(item.per_count)} 分,扣 {fmt2(deduction)} 分"
    return score, _with_score(item, score, text)


def _call_length(item: KpiItem, employment: str, seconds: Decimal) -> tuple[Decimal, str]:
    limit = item.limit_seconds[employment]
    who = f"{EMPLOYMENT_NAMES[employment]}员工"
    if seconds <= limit:
        return item.weight, _with_score(
            item, item.weight, f"通话均长 {fmt(seconds)} 秒,未超过{who}上限 {fmt(limit)} 秒"
        )
    deduction = item.per_second * (seconds - limit)
    score = max(Decimal(0), item.weight - deduction)
    text = (
        f"通话均长 {fmt(seconds)} 秒,超过{who}上限 {fmt(limit)} 秒 {fmt(seconds - limit)} 秒,"
        f"每秒扣 {fmt(item.per_second)} 分,扣 {fmt2(deduction)} 分"
    )
    return score, _with_score(item, score, text)


def _qa(
    item: KpiItem, value: Fraction, rank: int, lowest: Fraction, spread: bool, average: Fraction
) -> tuple[Decimal, str]:
    parts = [f"本月质检平均 {fmt2(value)} 分"]
    if not spread:
        parts.append("部门内无可比较的差异(人数不足 2 人或全部相同),不计名次与平均分加减")
        return item.weight, _with_score(item, item.weight, ",".join(parts))
    bonus = Decimal(0)
    deduction = Decimal(0)
    if rank == 1:
        bonus += item.rank1_bonus
        parts.append(f"部门第 1 名 +{fmt(item.rank1_bonus)}")
    if value == lowest:
        deduction += item.last_place_penalty
        parts.append(f"部门最后一名 −{fmt(item.last_place_penalty)}")
    if value <= average:
        deduction += item.at_or_below_average_penalty
        parts.append(f"不高于部门平均 {fmt2(average)} 分 −{fmt(item.at_or_below_average_penalty)}")
    else:
        parts.append(f"高于部门平均 {fmt2(average)} 分")
    score = max(Decimal(0), item.weight - deduction) + bonus
    return score, _with_score(item, score, ",".join(parts))


def _volume(item: KpiItem, value: int, rank: int, spread: bool, average: Fraction) -> tuple[Decimal, str]:
    parts = [f"本月接线量 {value}"]
    if not spread:
        parts.append("部门内无可比较的差异(人数不足 2 人或全部相同),不计名次与均产加减")
        return item.weight, _with_score(item, item.weight, ",".join(parts))
    bonus = Decimal(0)
    deduction = Decimal(0)
    rank_bonus = item.rank_bonuses[rank - 1] if rank <= len(item.rank_bonuses) else None
    if rank_bonus is not None:
        bonus += rank_bonus
        parts.append(f"产量第 {rank} 名 +{fmt(rank_bonus)}")
    if value <= average:
        deduction += item.at_or_below_average_penalty
        parts.append(f"不高于人均产量 {fmt2(average)} −{fmt(item.at_or_below_average_penalty)}")
    elif rank_bonus is None:
        bonus += item.above_average_bonus
        parts.append(f"高于人均产量 {fmt2(average)} +{fmt(item.above_average_bonus)}")
    else:
        parts.append(f"高于人均产量 {fmt2(average)},均产以上 +{fmt(item.above_average_bonus)} 与名次奖励不同享")
    score = max(Decimal(0), item.weight - deduction) + bonus
    return score, _with_score(item, score, ",".join(parts))


def _incidents(policy: Policy, counts: Mapping[str, int]) -> tuple[IncidentLine, ...]:
    lines = []
    for key, incident in policy.kpi.incidents.items():
        count = counts.get(key, 0)
        if count:
            points = incident.points * count
            sign = "+" if points > 0 else ""
            lines.append(
                IncidentLine(
                    key,
                    incident.name,
                    count,
                    points,
                    f"{incident.name} {count} 次 × {fmt(incident.points)} 分 = {sign}{fmt2(points)} 分",
                )
            )
    return tuple(lines)


def qa_item(policy: Policy, value: Fraction, rank: int, figures: DepartmentFigures) -> tuple[Decimal, str]:
    """The QA item of one agent (score and explanation) against the department's figures."""
    return _qa(policy.kpi.items["qa"], value, rank, figures.lowest_qa, figures.qa_spread, figures.avg_qa)


def volume_item(policy: Policy, production: int, rank: int, figures: DepartmentFigures) -> tuple[Decimal, str]:
    """The volume item of one agent (score and explanation) against the department's figures."""
    return _volume(policy.kpi.items["volume"], production, rank, figures.volume_spread, figures.avg_production)


def score_agent(
    agent: AgentMonth,
    qa_rank: int,
    production_rank: int,
    connection: tuple[Decimal, str],
    figures: DepartmentFigures,
    policy: Policy,
) -> AgentScore:
    """Score one agent against the department's figures (ranks as computed for the whole department)."""
    items = policy.kpi.items
    qa_value = mean(agent.qa_scores)
    scored: dict[str, tuple[Decimal, str]] = {"connection": connection}
    for key, (attr, what) in COUNTED_ITEMS.items():
        scored[key] = _counted(items[key], what, getattr(agent, attr))
    scored["qa"] = qa_item(policy, qa_value, qa_rank, figures)
    scored["volume"] = volume_item(policy, agent.production, production_rank, figures)
    scored["call_length"] = _call_length(items["call_length"], agent.employment, agent.avg_call_seconds)
    item_scores = {key: ItemScore(key, items[key].name, items[key].weight, *scored[key]) for key in KPI_ITEMS}
    incident_lines = _incidents(policy, agent.incidents)
    incident_points = sum((line.points for line in incident_lines), Decimal(0))
    items_sum = sum((s.score for s in item_scores.values()), Decimal(0))
    raw_total = items_sum + incident_points
    total = max(Decimal(0), raw_total)
    warnings = []
    if len(agent.qa_scores) < policy.kpi.qa_expected_samples:
        warnings.append(
            f"质检样本仅 {len(agent.qa_scores)} 条(应为 {policy.kpi.qa_expected_samples} 条),仍按已有样本平均"
        )
    explanation = f"12 项合计 {fmt2(items_sum)} 分,管理指标项 {fmt2(incident_points)} 分"
    explanation += f",合计 {fmt2(raw_total)} 分,低于 0 按 0 分计" if raw_total < 0 else f",本月总分 {fmt2(total)} 分"
    return AgentScore(
        agent.id,
        total,
        items_sum,
        incident_points,
        qa_value,
        qa_rank,
        production_rank,
        stars_of(qa_rank, production_rank, figures),
        item_scores,
        incident_lines,
        tuple(warnings),
        explanation,
        agent.production,
    )


def connection_item(policy: Policy, connection_rate: Decimal) -> tuple[Decimal, str]:
    """The department's connection-rate item, the same for every agent."""
    return _connection(policy.kpi.items["connection"], connection_rate)


def score_department(
    month: str, connection_rate: Decimal, agents: Sequence[AgentMonth], policy: Policy
) -> DepartmentScore:
    """Score every agent of one department for one month."""
    figures = department_figures([mean(a.qa_scores) for a in agents], [exact(a.production) for a in agents], policy)
    connection = connection_item(policy, connection_rate)
    results = tuple(
        score_agent(agent, figures.qa_ranks[index], figures.production_ranks[index], connection, figures, policy)
        for index, agent in enumerate(agents)
    )
    return DepartmentScore(
        month,
        connection_rate,
        figures.avg_production,
        figures.avg_qa,
        results,
        policy.version,
        figures.qa_spread,
        figures.volume_spread,
        figures.lowest_qa,
    )
