"""待办: each person lands on what needs them now (UI.md); the list refreshes itself every minute."""

from flask import Blueprint
from flask_login import current_user, login_required

from ..services import todo
from .common import htmx_render

bp = Blueprint("home", __name__)


@bp.get("/")
@bp.get("/todo", endpoint="items")  # the page's periodic refresh: the same view, which answers htmx with the list
@login_required
def index():
    return htmx_render("home/todo.html", "home/_todo.html", sections=todo.sections(current_user))
