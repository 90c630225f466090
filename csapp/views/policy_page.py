"""政策: the version in force per month (or any version, by the picker), the history, and the diff."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..policy.months import add_months
from ..policy.parameters import policy_for
from ..services import policy_drafts
from ..services.errors import BadRequest
from ..services.policy_book import policy_book, policy_in
from .common import month_arg
from .policy_forms import DiffForm, NewDraftForm

bp = Blueprint("policy_page", __name__)


def _version_arg():
    value = request.args.get("version", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise BadRequest("版本参数无效。")
    return policy_drafts.version(int(value))


@bp.get("/policy")
@login_required
def index():
    month = month_arg()
    admin = policy_drafts.is_admin(current_user)
    row = _version_arg()
    if row is not None and not admin and row.status.value != "published":
        row = None  # drafts are for policy admins only
    policy = policy_drafts.policy_of(row) if row is not None else policy_in(month)
    versions = policy_drafts.versions()
    shown = versions if admin else [v for v in versions if v.status.value == "published"]
    book = policy_book()
    months = [add_months(month, n) for n in range(-6, 7)]
    return render_template(
        "policy.html",
        policy=policy,
        row=row,
        month=month,
        versions=shown,
        in_force=_ranges([(m, policy_for(m, book)) for m in months]),
        admin=admin,
        new_form=NewDraftForm(),
        awaiting=policy_drafts.awaiting_approval() if admin else [],
        all_values=_sections(policy),
    )


def _sections(policy) -> list[tuple[str, list]]:
    """Every editable value of *policy*, grouped by its first label (the same leaves as the draft form)."""
    from ..policy.fields import leaves  # the schema (pydantic) loads with the first policy page, not at start

    grouped: dict[str, list] = {}
    for leaf in leaves(policy):
        if leaf.editable:
            grouped.setdefault(leaf.labels[0], []).append(leaf)
    return list(grouped.items())


def _ranges(months: list) -> list[tuple[str, str, object]]:
    """Consecutive months under the same version as (first, last, version)."""
    found: list[list] = []
    for month, policy in months:
        if found and found[-1][2].version == policy.version:
            found[-1][1] = month
        else:
            found.append([month, month, policy])
    return [tuple(r) for r in found]


@bp.get("/policy/diff")
@login_required
def compare():
    """Any two versions side by side: only what changed, in Chinese."""
    admin = policy_drafts.is_admin(current_user)
    versions = [v for v in policy_drafts.versions() if admin or v.status.value == "published"]
    form = DiffForm(request.args)
    choices = [SelectChoice(str(v.id), f"{v.label}(自 {v.effective},{v.status.label})") for v in versions]
    form.a.choices = form.b.choices = choices
    changes, titles = None, ("", "")
    if request.args and form.validate():
        a, b = policy_drafts.version(int(form.a.data)), policy_drafts.version(int(form.b.data))
        from ..policy.fields import diff

        changes = diff(policy_drafts.policy_of(a), policy_drafts.policy_of(b))
        titles = (f"{a.label}(自 {a.effective})", f"{b.label}(自 {b.effective})")
    return render_template("policy/diff.html", form=form, changes=changes, titles=titles)
