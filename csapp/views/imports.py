"""导入: upload a month's metrics as CSV/XLSX; download the template."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Department
from ..services import import_preview as preview_service
from ..services import imports as import_service
from ..services.access import require
from ..services.kpi import department_agents
from .common import department_arg, month_arg, month_nav, refused, run_form, run_upload
from .forms import ImportApplyForm, UploadForm
from .ranking import XLSX

bp = Blueprint("imports", __name__, url_prefix="/import")


@bp.route("", methods=["GET", "POST"])
@login_required
def upload():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    result, error = None, None
    form = UploadForm()
    if form.is_submitted():
        checked, error = run_upload(
            form, lambda name, data: preview_service.upload(current_user, department.id, month, name, data)
        )
        if checked is not None:
            result, draft_id = checked
            if draft_id is not None:  # every row is right: show what it would change before saving
                return redirect(url_for("imports.preview", draft_id=draft_id))
    status = 200 if error is None and (result is None or result.ok) else 422
    return render_template(
        "imports/upload.html",
        department=department,
        result=result,
        error=error,
        headers=import_service.HEADERS,
        **month_nav(month),
    ), status


@bp.get("/template.xlsx")
@login_required
def template():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    data = import_service.template_workbook(department_agents(department.id, month), month)
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename=import-template-{month}.xlsx"}
    )


@bp.get("/drafts/<int:draft_id>")
@login_required
def preview(draft_id: int):
    """What the checked file would add, replace (old → new) and leave unchanged; nothing is saved yet."""
    found = preview_service.preview(current_user, draft_id)
    department = db.session.get(Department, found.draft.department_id)
    return render_template("imports/preview.html", preview=found, department=department, month=found.draft.month)


@bp.post("/drafts/<int:draft_id>")
@login_required
def apply(draft_id: int):
    form = ImportApplyForm()
    count, error = run_form(form, lambda: preview_service.apply(current_user, draft_id, form.replace_qa.data))
    if error:
        return refused(preview, error.message, error.status, draft_id=draft_id)
    draft_month, draft_dept = form.month.data, form.dept.data
    flash(f"已导入 {count} 行。")
    return redirect(url_for("entry.grid", dept=draft_dept, month=draft_month))
