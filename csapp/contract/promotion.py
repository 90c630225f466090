"""The `rules promotion` document: one application with the person's recorded months."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, create_model

from ..policy.promotion import Application, Eligibility, NotNextRung, Person, check_target, evaluate
from ..policy.schema import Month, Policy
from .common import Count, HalfDays, InputError, NonNeg, Percent, Strict, validate


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


Date = Annotated[dt.date, BeforeValidator(_date)]

# Every field a person's month may carry, and which of them each target track requires.
MONTH_FIELDS: dict[str, Any] = {
    "kpi": NonNeg,
    "production": Count,
    "dept_avg_production": NonNeg,
    "qa_avg": Percent,
    "stars": Count,
    "justified_dissatisfied": Count,
    "work_errors": Count,
    "refused": Count,
    "service_complaints": Count,
    "leave_days": HalfDays,
    "annual_leave_days": HalfDays,
    "audit_errors": Count,
    "delivery_data_errors": Count,
    "shipping_errors": Count,
    "coordination": Count,
}
REQUIRED_BY_TRACK = {
    "agent": (
        "kpi",
        "production",
        "dept_avg_production",
        "qa_avg",
        "stars",
        "justified_dissatisfied",
        "work_errors",
        "refused",
        "service_complaints",
        "leave_days",
        "annual_leave_days",
    ),
    "spec": ("kpi", "audit_errors", "delivery_data_errors", "shipping_errors", "leave_days", "annual_leave_days"),
    "sup": ("kpi", "coordination", "work_errors"),
    "mgr": ("kpi", "work_errors"),
}


def _month_model(track: str) -> type[Strict]:
    required = REQUIRED_BY_TRACK[track]
    fields: dict[str, Any] = {"month": (Month, ...)}
    for name, kind in MONTH_FIELDS.items():
        fields[name] = (kind, ...) if name in required else (kind | None, None)
    return create_model(f"{track.capitalize()}MonthIn", __base__=Strict, **fields)


MONTH_MODELS = {track: _month_model(track) for track in REQUIRED_BY_TRACK}


class DeptMonthIn(Strict):
    month: Month
    connection_rate: Percent
    qa_avg: Percent
    service_level: Percent
    service_complaints: Count
    headcount: Annotated[int, Field(strict=True, ge=1)]
    leavers: Count


class PersonIn(Strict):
    id: str = Field(min_length=1)
    grade: str
    grade_since: Date
    regularized_on: Date | None = None
    serious_error: Annotated[bool, Field(strict=True)] = False


class PromotionIn(Strict):
    applied_on: Date
    person: PersonIn
    target: str
    months: list[dict[str, Any]]
    dept_months: list[DeptMonthIn] = []
    written_test: Percent | None = None
    interview: Literal["pass", "fail"] | None = None
    process: Literal["pass", "fail"] | None = None
    window_exception: str | None = None


def _unique(rows: list, path: str) -> None:
    seen = set()
    for index, row in enumerate(rows):
        if row.month in seen:
            raise InputError(f"{path}[{index}].month", f"month {row.month} appears twice")
        seen.add(row.month)


def _verdict(value: str | None) -> bool | None:
    return None if value is None else value == "pass"


def parse_application(data: Any, policy: Policy) -> Application:
    """Validate a promotion document into an Application, or raise InputError."""
    doc = validate(PromotionIn, data)
    if doc.person.grade not in policy.grades:
        raise InputError("person.grade", f"unknown grade {doc.person.grade!r}")
    if doc.target not in policy.grades:
        raise InputError("target", f"unknown grade {doc.target!r}")
    try:
        check_target(doc.person.grade, doc.target, policy)
    except NotNextRung as exc:
        raise InputError("target", str(exc)) from exc
    model = MONTH_MODELS[policy.track_of(doc.target)]
    months = []
    for index, raw in enumerate(doc.months):
        try:
            months.append(validate(model, raw))
        except InputError as exc:
            raise InputError(f"months[{index}]" + (f".{exc.path}" if exc.path else ""), exc.message) from exc
    _unique(months, "months")
    _unique(doc.dept_months, "dept_months")
    for index, row in enumerate(months):
        if row.leave_days is not None and row.annual_leave_days is not None and row.annual_leave_days > row.leave_days:
            raise InputError(f"months[{index}].annual_leave_days", "must not be more than leave_days")
    person = Person(
        doc.person.id, doc.person.grade, doc.person.grade_since, doc.person.regularized_on, doc.person.serious_error
    )
    return Application(
        applied_on=doc.applied_on,
        person=person,
        target=doc.target,
        months={m.month: {k: v for k, v in m.model_dump().items() if k != "month" and v is not None} for m in months},
        dept_months={d.month: {k: v for k, v in d.model_dump().items() if k != "month"} for d in doc.dept_months},
        written_test=doc.written_test,
        interview=_verdict(doc.interview),
        process=_verdict(doc.process),
        window_exception=doc.window_exception,
    )


def run_promotion(data: Any, policy: Policy) -> dict:
    """Validate a promotion document, evaluate it and return the output document."""
    return promotion_out(evaluate(parse_application(data, policy), policy))


def promotion_out(result: Eligibility) -> dict:
    """Render an eligibility verdict as the contract's output document."""
    return result.as_dict()
