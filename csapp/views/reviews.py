"""主管/专员考核 (dept head, HR): monthly item scores of specialists, supervisors and managers (D11)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..models.org import department_people
from ..services import reviewed
from ..services.access import enterable, require
from ..services.month_lock import is_locked
from .common import department_arg, htmx_render, month_arg, month_nav, run_form
from .forms import ReviewScoreForm

bp = Blueprint("reviews", __name__)


def _context(department, month: str) -> dict:
    reviewed_people = [
        p for p in department_people(department.id, month) if p.track_in(month) in reviewed.REVIEWED_TRACKS
    ]
    allowed = enterable(current_user, reviewed_people, month)  # never oneself, a superior or a peer
    people = [p for p in reviewed_people if p.id in allowed]
    scores = reviewed.scores_of([p.id for p in people], month)
    tracks = []
    for track in reviewed.REVIEWED_TRACKS:
        members = [p for p in people if p.track_in(month) == track]
        if members:
            tracks.append(
                (
                    track,
                    reviewed.items_for(track, month),
                    [(p, scores[p.id], reviewed.reviewed_kpi(p, month, scores[p.id])) for p in members],
                )
            )
    return {
        "department": department,
        "tracks": tracks,
        "locked": is_locked(department.id, month),
        "can_correct": current_user.has("hr"),
        **month_nav(month),
    }


@bp.get("/reviews")
@login_required
def index():
    require(current_user, "dept_head", "hr")
    department = department_arg()
    return htmx_render("reviews/index.html", "reviews/_tables.html", **_context(department, month_arg()))


@bp.post("/reviews")
@login_required
def save():
    require(current_user, "dept_head", "hr")
    department = department_arg()
    month = month_arg()
    form = ReviewScoreForm()
    _, refusal = run_form(
        form,
        lambda: reviewed.save_score(
            current_user, form.employee_id.data, month, form.item.data, form.value.data, form.reason.data or ""
        ),
    )
    if refusal and refusal.status in (403, 404):
        raise refusal
    return render_template(
        "reviews/_tables.html", error=refusal.message if refusal else None, **_context(department, month)
    ), refusal.status if refusal else 200
