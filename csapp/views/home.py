"""The home page: send each person to where their work is."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.has("supervisor", "hr"):
        return redirect(url_for("entry.grid"))
    if current_user.employee_id:
        return redirect(url_for("agent.my_scores"))
    if current_user.has("admin"):
        return redirect(url_for("admin.users"))
    return redirect(url_for("policy_page.index"))
