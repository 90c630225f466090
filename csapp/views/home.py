"""待办: each person lands on what needs them now (UI.md); the list refreshes itself every minute."""

from flask import Blueprint
from flask_login import current_user, login_required

from ..services import todo
from .common import htmx_render

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return htmx_render("home/todo.html", "home/_todo.html", sections=todo.sections(current_user))


@bp.get("/todo")
@login_required
def items():
    """The list alone, for the page's periodic refresh."""
    return htmx_render("home/todo.html", "home/_todo.html", sections=todo.sections(current_user))
