"""The `rules score` document: one department's month of agent metrics."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ..policy.kpi import AgentMonth, DepartmentScore, score_department
from ..policy.schema import Month, Policy
from .common import Count, InputError, NonNeg, Percent, Strict, out, validate


class DepartmentIn(Strict):
    connection_rate: Percent


class AgentIn(Strict):
    id: str = Field(min_length=1)
    employment: Literal["regular", "intern"]
    production: Count
    qa_scores: list[Percent] = Field(min_length=1)
    dissatisfied: Count
    feedback_unprocessed: Count
    im_unprocessed: Count
    avg_call_seconds: NonNeg
    plan_missed: Count
    knowledge_errors: Count
    operation_errors: Count
    discipline: Count
    cooperation: Count
    incidents: dict[str, Count] = {}


class ScoreIn(Strict):
    month: Month
    department: DepartmentIn
    agents: list[AgentIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> ScoreIn:
        seen: set[str] = set()
        for agent in self.agents:
            if agent.id in seen:
                raise ValueError(f"agent id {agent.id} appears twice")
            seen.add(agent.id)
        return self


def check_incident_keys(doc: ScoreIn, policy: Policy) -> None:
    """Refuse incident keys the policy does not know."""
    for index, agent in enumerate(doc.agents):
        for key in agent.incidents:
            if key not in policy.kpi.incidents:
                raise InputError(f"agents[{index}].incidents.{key}", "unknown incident type")


def run_score(data: Any, policy: Policy) -> dict:
    """Validate a score document, score it and return the output document."""
    doc = validate(ScoreIn, data)
    check_incident_keys(doc, policy)
    agents = [AgentMonth(**a.model_dump()) for a in doc.agents]
    result = score_department(doc.month, doc.department.connection_rate, agents, policy)
    return score_out(result)


def score_out(result: DepartmentScore) -> dict:
    """Render a department score as the contract's output document."""
    return {
        "month": result.month,
        "policy_version": result.policy_version,
        "department": out(
            {
                "connection_rate": result.connection_rate,
                "avg_production": result.avg_production,
                "avg_qa": result.avg_qa,
            }
        ),
        "agents": [
            {
                "id": a.id,
                "total": out(a.total),
                "incident_points": out(a.incident_points),
                "qa_avg": out(a.qa_avg),
                "qa_rank": a.qa_rank,
                "production_rank": a.production_rank,
                "stars": list(a.stars),
                "items": {k: out(i.score) for k, i in a.items.items()},
                "explanations": {k: i.explanation for k, i in a.items.items()},
                "incidents": [
                    {"key": line.key, "count": line.count, "points": out(line.points), "explanation": line.explanation}
                    for line in a.incidents
                ],
                "warnings": list(a.warnings),
                "explanation": a.explanation,
            }
            for a in result.agents
        ],
    }
