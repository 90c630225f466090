"""The home page."""

from flask import Blueprint, render_template

from ..policy.parameters import shipped_policies

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    return render_template("home.html", policy=shipped_policies()[-1])
