"""How a stored KPI result is written into rows and read back (issue 12): an agent's numbers in
``agent_result``, their texts in a shared ``agent_explanation``; the QA and volume texts name the
department's averages, so they are built when read, from the department's stored figures."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ..models import AgentResult, DepartmentResult
from ..policy import kpi as kpi_rules

if TYPE_CHECKING:
    from ..policy.schema import Policy


def figures_of(head: DepartmentResult) -> kpi_rules.DepartmentFigures:
    """The department's figures a stored head holds (without the rank lists: each agent row has its ranks)."""
    return figures_of_score(department_score(head, []))


def figures_of_score(score: kpi_rules.DepartmentScore) -> kpi_rules.DepartmentFigures:
    return kpi_rules.DepartmentFigures(
        [], [], score.avg_qa, score.avg_production, score.lowest_qa, score.qa_spread, score.volume_spread
    )


def department_score(head: DepartmentResult, agents: list[kpi_rules.AgentScore]) -> kpi_rules.DepartmentScore:
    return kpi_rules.DepartmentScore(
        head.month,
        head.connection_rate,
        text_fraction(head.avg_production),
        text_fraction(head.avg_qa),
        tuple(agents),
        head.policy_version,
        head.qa_spread,
        head.volume_spread,
        text_fraction(head.lowest_qa),
    )


def numbers_of(score: kpi_rules.AgentScore) -> tuple:
    """What an agent's computed cells show: total, QA mean, incident points, ranks, stars."""
    return (score.total, score.qa_avg, score.incident_points, score.qa_rank, score.production_rank, score.stars)


def stored_numbers_of(row) -> tuple:
    """What numbers_of gives, from a stored agent row (or any row with its columns): nothing decoded."""
    return (
        row.total,
        Fraction(row.qa_numerator, row.qa_denominator),
        row.incident_points,
        row.qa_rank,
        row.production_rank,
        stars_from(row.stars),
    )


def stars_from(text: str) -> tuple[str, ...]:
    """The stars a row stores as "production,qa" (empty: none)."""
    return tuple(filter(None, text.split(",")))


def explanation_body(score: kpi_rules.AgentScore) -> str:
    """The agent's own texts; the QA and volume items keep only their scores (their texts are built when read)."""
    explanation = {
        "items": [
            [
                item.key,
                item.name,
                str(item.weight),
                str(item.score),
                None if item.key in BUILT_WHEN_READ else item.explanation,
            ]
            for item in score.items.values()
        ],
        "incidents": [
            [line.key, line.name, line.count, str(line.points), line.explanation] for line in score.incidents
        ],
        "warnings": list(score.warnings),
        "text": score.explanation,
        "exact": [str(score.total), str(score.items_sum), str(score.incident_points)],  # as computed
    }
    return json.dumps(explanation, ensure_ascii=False)


BUILT_WHEN_READ = ("qa", "volume")  # items whose texts name the department's averages


def agent_row(result_id: int, agent: kpi_rules.AgentScore, made: dict[int, int]) -> dict:
    """An agent_result row of a new scoring, with its explanation just *made* (employee id → explanation id)."""
    qa = Fraction(agent.qa_avg)
    return {
        "result_id": result_id,
        "employee_id": int(agent.id),
        "total": agent.total,
        "items_sum": agent.items_sum,
        "incident_points": agent.incident_points,
        "qa_numerator": qa.numerator,
        "qa_denominator": qa.denominator,
        "qa_rank": agent.qa_rank,
        "production_rank": agent.production_rank,
        "production": agent.production,
        "stars": ",".join(agent.stars),
        "explanation_id": made[int(agent.id)],
    }


KEPT_COLUMNS = (
    "employee_id",
    "total",
    "items_sum",
    "incident_points",
    "qa_numerator",
    "qa_denominator",
    "qa_rank",
    "production_rank",
    "production",
    "stars",
    "explanation_id",
)


def agent_score(
    row: AgentResult, body: str, figures: kpi_rules.DepartmentFigures, policy: Policy
) -> kpi_rules.AgentScore:
    """Rebuild an agent's scoring from its stored row, its explanation and the department's figures."""
    data = json.loads(body)
    qa = Fraction(row.qa_numerator, row.qa_denominator)
    built = {
        "qa": kpi_rules.qa_item(policy, qa, row.qa_rank, figures),
        "volume": kpi_rules.volume_item(policy, row.production, row.production_rank, figures),
    }
    items = {}
    for key, name, weight, score, text in data["items"]:
        score, text = built[key] if key in built else (Decimal(score), text)
        items[key] = kpi_rules.ItemScore(key, name, Decimal(weight), score, text)
    incidents = tuple(
        kpi_rules.IncidentLine(key, name, count, Decimal(points), text)
        for key, name, count, points, text in data["incidents"]
    )
    total, items_sum, incident_points = (Decimal(value) for value in data["exact"])
    return kpi_rules.AgentScore(
        str(row.employee_id),
        total,
        items_sum,
        incident_points,
        qa,
        row.qa_rank,
        row.production_rank,
        stars_from(row.stars),
        items,
        incidents,
        tuple(data["warnings"]),
        data["text"],
        row.production,
    )


def fraction_text(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def text_fraction(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


@dataclass(frozen=True)
class AgentSummary:
    """An agent's month as pay reads it: the total and its one-line explanation (no items decoded)."""

    total: Decimal
    explanation: str


def agent_summary(row: AgentResult, body: str, figures: kpi_rules.DepartmentFigures, policy: Policy) -> AgentSummary:
    """Decode only an agent's total and summary text (a pay run reads a thousand of them)."""
    data = json.loads(body)
    return AgentSummary(Decimal(data["exact"][0]), data["text"])
