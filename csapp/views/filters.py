"""Jinja filters and globals: numbers with 2 decimals, money as ¥3,300.00, Beijing times, star titles."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from .. import clock
from ..policy import names
from ..policy.names import STAR_NAMES
from ..policy.numbers import fmt, fmt2, money, rmb_capitals
from ..services.policy_book import policy_in


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda v: "" if v is None else fmt2(v), "num2")
    app.add_template_filter(lambda v: "" if v is None else fmt(v), "num")
    # amounts kept as text in a job's JSON result (an impact preview) read as Decimal
    app.add_template_filter(lambda v: "" if v is None else money(Decimal(v) if isinstance(v, str) else v), "money")
    app.add_template_filter(lambda v: "" if v is None else rmb_capitals(v), "capitals")
    app.add_template_filter(lambda v: "" if v is None else clock.local(v).strftime("%Y-%m-%d %H:%M"), "local_time")
    app.add_template_filter(
        lambda v: "" if v is None else clock.local(v).strftime("%Y-%m-%d %H:%M:%S"), "local_seconds"
    )
    app.add_template_filter(lambda v: "" if v is None else clock.local(v).strftime("%Y-%m-%d"), "local_date")
    app.jinja_env.globals["star_names"] = STAR_NAMES
    app.jinja_env.globals["names"] = names
    app.jinja_env.globals["grade_name"] = _grade_name
    app.add_template_filter(names.audit_action_name, "action_name")


def _grade_name(code: str | None, employee=None, month: str | None = None) -> str:
    """A grade as people read it; with the employee, agent.p says 未定星 once they are regularised (in *month*)."""
    month = month or clock.current_month()
    regularized = bool(employee is not None and employee.employment_in(month) == "regular")
    return names.grade_name(policy_in(month), code, regularized)
