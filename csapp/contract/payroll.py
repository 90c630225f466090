"""The `rules payroll` document: people's monthly pay inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from ..policy.months import days_in
from ..policy.pay import PAY_LINES, PayInput, PayResult, compute_pay
from ..policy.schema import Month, Policy
from .common import Count, HalfDays, InputError, NonNeg, Strict, out, validate


class LeaveIn(Strict):
    annual: HalfDays = Decimal(0)
    sick: HalfDays = Decimal(0)
    personal: HalfDays = Decimal(0)
    bereavement: HalfDays = Decimal(0)
    maternity: HalfDays = Decimal(0)
    marriage: HalfDays = Decimal(0)
    other: HalfDays = Decimal(0)


class PersonIn(Strict):
    id: str = Field(min_length=1)
    grade: str
    kpi_score: NonNeg | None = None
    late: Count
    absent: Count
    leave_days: LeaveIn = LeaveIn()
    books_delivered: Count = 0
    allowances: dict[str, NonNeg] = {}
    employed_days: Annotated[int, Field(strict=True, ge=1)] | None = None


class PayrollIn(Strict):
    month: Month
    people: list[PersonIn] = Field(min_length=1)


def run_payroll(data: Any, policy: Policy) -> dict:
    """Validate a payroll document, compute every person's pay, return the output document."""
    doc = validate(PayrollIn, data)
    days = days_in(doc.month)
    inputs = []
    seen: set[str] = set()
    for index, person in enumerate(doc.people):
        if person.id in seen:
            raise InputError(f"people[{index}].id", f"person id {person.id} appears twice")
        seen.add(person.id)
        if person.grade not in policy.grades:
            raise InputError(f"people[{index}].grade", f"unknown grade {person.grade!r}")
        if person.kpi_score is None and policy.grades[person.grade].performance != 0:
            raise InputError(f"people[{index}].kpi_score", f"is required for grade {person.grade}")
        if person.employed_days is not None and person.employed_days > days:
            raise InputError(f"people[{index}].employed_days", f"must be <= {days}, the days of {doc.month}")
        fields = person.model_dump()
        fields["kpi_score"] = person.kpi_score
        inputs.append(PayInput(**fields))
    return {
        "month": doc.month,
        "policy_version": policy.version,
        "people": [payroll_out(compute_pay(p, policy, days)) for p in inputs],
    }


def payroll_out(result: PayResult) -> dict:
    """Render one pay result as the contract's output entry."""
    entry: dict[str, Any] = {"id": result.id, "grade": result.grade}
    entry.update({key: out(result.lines[key].amount) for key in PAY_LINES})
    entry["gross"] = out(result.gross)
    entry["explanations"] = {key: line.explanation for key, line in result.lines.items()}
    return entry
