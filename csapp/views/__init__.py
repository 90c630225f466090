"""Blueprints: parse input, call one service, render."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..services.access import departments_for
from ..services.errors import ServiceError
from .filters import register_filters
from .navigation import navigation


def register_views(app: Flask) -> None:
    from . import (admin, agent, audit_log, auth, entry, events, home, imports, notices, pay, policy_page,
                   promotions, ranking, reviews, staff)

    for module in (admin, agent, audit_log, auth, entry, events, home, imports, notices, pay, policy_page,
                   promotions, ranking, reviews, staff):
        app.register_blueprint(module.bp)
    register_filters(app)

    # a global, not a context variable, so that imported macros (the month picker) see it too
    app.jinja_env.globals["visible_departments"] = lambda: departments_for(current_user) if current_user else []

    @app.context_processor
    def _navigation() -> dict:
        # a callable: only base.html calls it, so htmx partials (a grid cell save) run no queue counts
        user = current_user  # None outside a request (PDFs rendered by a batch thread)
        return {"nav": lambda: navigation(user) if user and user.is_authenticated else []}

    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        if request.headers.get("HX-Request"):
            return f'<p class="error" role="alert">{error.message}</p>', error.status
        return render_template("error.html", message=error.message), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = "页面已过期或请求无效,请刷新页面后重试。"
        if request.headers.get("HX-Request"):
            return f'<p class="error" role="alert">{message}</p>', 400
        return render_template("error.html", message=message), 400

    @app.errorhandler(404)
    def _not_found(error):
        return render_template("error.html", message="找不到这个页面。"), 404

    @app.errorhandler(403)
    def _forbidden(error):
        return render_template("error.html", message="您没有权限查看此页面。"), 403
