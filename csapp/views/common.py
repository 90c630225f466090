"""What every page needs: the month in view, the department in view, htmx-aware rendering."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, g, make_response, render_template, request
from flask_login import current_user

from .. import clock
from ..extensions import db
from ..policy.months import add_months, is_month
from ..services.access import departments_for
from ..services.errors import BadRequest, ServiceError
from .responses import error_response, is_htmx

T = TypeVar("T")


def default_month() -> str:
    """The month usually being worked on: the previous calendar month."""
    return clock.working_month()


def month_arg(name: str = "month") -> str:
    """Return the month asked for in the query string, or the default one."""
    value = request.args.get(name, "").strip()
    if not value:
        return default_month()
    if not is_month(value):
        raise BadRequest(f"月份“{value}”无效,请按 年-月 填写,例如 2026-10。")
    return value


def page_arg() -> int:
    """The page number asked for (?page=, default 1); anything else is a Chinese 400."""
    value = request.args.get("page", "").strip()
    if not value:
        return 1
    if not value.isdigit() or int(value) < 1 or int(value) > 100000:
        raise BadRequest(f"页码“{value}”无效。")
    return int(value)


def department_arg():
    """Return the department in view: ?dept= for those who see several, else one's own."""
    departments = departments_for(current_user)
    if not departments:
        abort(403)
    wanted = request.args.get("dept", "").strip()
    if wanted:
        if not wanted.isdigit():
            raise BadRequest("部门参数无效。")
        match = [d for d in departments if d.id == int(wanted)]
        if not match:
            abort(403)
        return match[0]
    return departments[0]


def htmx_render(page_template: str, partial: str, **context):
    """Render the page, or only its partial for an htmx request; vary the cache on HX-Request."""
    template = partial if is_htmx() else page_template
    response = make_response(render_template(template, **context))
    response.headers["Vary"] = "HX-Request"
    return response


def attempt(action: Callable[[], T], propagate: tuple[int, ...] = (403, 404)) -> tuple[T | None, ServiceError | None]:
    """Run one service call; a refusal rolls the transaction back and comes back as the error.

    Refusals with a status in *propagate* (forbidden, not found) go on to the error pages.
    """
    try:
        return action(), None
    except ServiceError as exc:
        db.session.rollback()
        if exc.status in propagate:
            raise
        return None, exc


def month_nav(month: str) -> dict:
    return {"month": month, "prev_month": add_months(month, -1), "next_month": add_months(month, 1)}


def refused(view: Callable, message: str, status: int = 422, **view_args):
    """Re-render the page of a refused plain POST with the reason at the top (no redirect, nothing saved)."""
    db.session.rollback()
    if is_htmx():
        return error_response(message, status)
    g.page_error = message
    response = make_response(view(**view_args))
    response.status_code = status
    return response


def run_form(form, action: Callable[[], T]) -> tuple[T | None, ServiceError | None]:
    """Validate a form, then run one service call; a bad form or a refusal comes back as the error."""
    from .forms import first_error

    if not form.validate():
        return None, ServiceError(first_error(form))
    return attempt(action)


def run_upload(form, action: Callable[[str, bytes], T]) -> tuple[T | None, str | None]:
    """Read a submitted file and hand it to one service call: (its result, None) or (None, the Chinese error).

    A refusal for lack of rights stays a 403; nothing is saved when the service refuses.
    """
    upload = form.file.data if form.validate() else None
    if upload is None or not upload.filename:
        return None, "请选择要导入的文件。"
    try:
        return action(upload.filename, upload.read()), None
    except ServiceError as exc:
        db.session.rollback()
        if exc.status == 403:
            raise
        return None, exc.message


def team_context(department, month: str) -> dict:
    """The team in view (?team=, default the supervisor's own) and the choices for the team picker."""
    from ..services import teams

    whole = teams.shown_whole(department.id)
    team = teams.pick_team(current_user, department.id, request.args.get("team", "").strip(), whole)
    return {
        "team": team,
        "teams": teams.teams_of(department.id),
        "team_key": str(team.id) if team else "all",
        "all_teams": team is None or whole,  # 全部班组 only for a department that fits one page
    }
