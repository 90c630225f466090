"""Blueprints: parse input, call one service, render."""

from __future__ import annotations

from importlib import import_module

from flask import Flask, redirect, url_for
from flask_login import current_user

from .. import clock
from ..services.access import departments_for
from .filters import register_filters
from .navigation import navigation
from .responses import login_redirect, register_responses

BLUEPRINT_MODULES = (
    "admin",
    "agent",
    "audit_log",
    "auth",
    "entry",
    "events",
    "home",
    "imports",
    "notices",
    "paper_check",
    "pay",
    "personnel",
    "policy_admin",
    "policy_page",
    "promotions",
    "ranking",
    "reviews",
    "staff",
)


def register_views(app: Flask) -> None:

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)
    register_filters(app)

    # a global, not a context variable, so that imported macros (the month picker) see it too
    app.jinja_env.globals["visible_departments"] = lambda: departments_for(current_user) if current_user else []

    @app.context_processor
    def _training() -> dict:
        return {"training_day": clock.training_day()}

    from ..extensions import login_manager

    login_manager.unauthorized_handler(login_redirect)

    @app.context_processor
    def _navigation() -> dict:
        # a callable: only base.html calls it, so htmx partials (a grid cell save) run no queue counts
        user = current_user  # None outside a request (PDFs rendered by a batch thread)
        return {"nav": lambda: navigation(user) if user and user.is_authenticated else []}

    register_responses(app)

    @app.get("/favicon.ico")
    def favicon():
        """Browsers ask for /favicon.ico whatever the page links: send them to the shipped icon."""
        return redirect(url_for("static", filename="favicon.svg"), 301)
