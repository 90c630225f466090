"""政策: the policy in force, rendered from the same data the rules use."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ..policy.parameters import policy_for, shipped_policies
from .common import month_arg

bp = Blueprint("policy_page", __name__)


@bp.get("/policy")
@login_required
def index():
    month = month_arg()
    policy = policy_for(month)
    return render_template("policy.html", policy=policy, month=month, versions=shipped_policies())
