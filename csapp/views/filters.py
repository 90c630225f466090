"""Jinja filters: numbers with 2 decimals, money as ¥3,300.00, verdict marks."""

from __future__ import annotations

from flask import Flask

from ..policy.kpi import STAR_NAMES
from ..policy.numbers import fmt, fmt2, money


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda v: "" if v is None else fmt2(v), "num2")
    app.add_template_filter(lambda v: "" if v is None else fmt(v), "num")
    app.add_template_filter(lambda v: "" if v is None else money(v), "money")
    app.add_template_filter(lambda v: {True: "✔", False: "✘", None: "待定"}[v], "mark")
    app.jinja_env.globals["star_names"] = STAR_NAMES
