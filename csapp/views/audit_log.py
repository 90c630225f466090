"""审计日志: HR lists and filters every recorded change."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user, login_required

from .. import clock
from ..policy.months import is_month
from ..services import audit
from ..services.access import require
from ..services.errors import BadRequest
from ..services.policy_book import policy_in
from .common import htmx_render, page_arg

bp = Blueprint("audit_log", __name__)


@bp.get("/audit")
@login_required
def index():
    require(current_user, "hr", "admin")
    month = request.args.get("month", "").strip()
    if month and not is_month(month):
        raise BadRequest(f"月份“{month}”无效,请按 年-月 填写。")
    page = page_arg()
    filters = {
        "action": request.args.get("action", "").strip(),
        "month": month,
        "text": request.args.get("text", "").strip(),
        "corrections_only": request.args.get("corrections") == "1",
    }
    # the admin manages logins: he sees their events, never people's data
    accounts_only = not current_user.has("hr")
    entries = audit.search(**filters, accounts_only=accounts_only, limit=101, offset=(page - 1) * 100)
    policy = policy_in(clock.current_month())
    field_names = {key: kind.name for key, kind in policy.kpi.incidents.items()}
    return htmx_render(
        "audit/index.html",
        "audit/_rows.html",
        entries=entries[:100],
        more=len(entries) > 100,
        page=page,
        filters=filters,
        accounts_only=accounts_only,
        policy=policy,
        field_names=field_names,
    )
