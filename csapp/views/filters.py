"""Jinja filters and globals: numbers with 2 decimals, money as ¥3,300.00, star titles."""

from __future__ import annotations

from flask import Flask

from ..policy.kpi import STAR_NAMES
from ..policy.numbers import fmt, fmt2, money


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda v: "" if v is None else fmt2(v), "num2")
    app.add_template_filter(lambda v: "" if v is None else fmt(v), "num")
    app.add_template_filter(lambda v: "" if v is None else money(v), "money")
    app.jinja_env.globals["star_names"] = STAR_NAMES
