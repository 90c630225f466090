"""纸质通知书核验: no login; the number and the code printed on the notice (or its QR code) give its state."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..extensions import limiter
from ..services import paper_check

bp = Blueprint("paper_check", __name__)


def _limit() -> str:
    return current_app.config["PAPER_CHECK_LIMIT"]


@bp.get("/v")
@limiter.limit(_limit)
def form():
    """Type the number and code from a printed notice."""
    number, code = request.args.get("number", ""), request.args.get("code", "")
    if not (number or code):
        return render_template("notices/paper_check.html", asked=False, found=None)
    return _answer(number, code)


@bp.get("/v/<number>/<code>")
@limiter.limit(_limit)
def direct(number: str, code: str):
    """Where the QR code leads."""
    return _answer(number, code)


def _answer(number: str, code: str):
    found = paper_check.check(number[:40], code[:40])
    status = 200 if found else 404
    return render_template("notices/paper_check.html", asked=True, found=found, number=number[:40]), status
