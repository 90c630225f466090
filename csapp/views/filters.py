"""Jinja filters and globals: numbers with 2 decimals, money as ¥3,300.00, Beijing times, star titles."""

from __future__ import annotations

from flask import Flask

from .. import clock
from ..policy.kpi import STAR_NAMES
from ..policy.numbers import fmt, fmt2, money


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda v: "" if v is None else fmt2(v), "num2")
    app.add_template_filter(lambda v: "" if v is None else fmt(v), "num")
    app.add_template_filter(lambda v: "" if v is None else money(v), "money")
    app.add_template_filter(lambda v: "" if v is None else clock.local(v).strftime("%Y-%m-%d %H:%M"), "local_time")
    app.add_template_filter(lambda v: "" if v is None else clock.local(v).strftime("%Y-%m-%d %H:%M:%S"),
                            "local_seconds")
    app.add_template_filter(lambda v: "" if v is None else clock.local(v).strftime("%Y-%m-%d"), "local_date")
    app.jinja_env.globals["star_names"] = STAR_NAMES
