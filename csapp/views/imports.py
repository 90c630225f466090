"""导入: upload a month's metrics as CSV/XLSX; download the template."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from ..extensions import db
from ..services import imports as import_service
from ..services.access import require
from ..services.errors import ServiceError
from ..services.kpi import department_agents
from .common import department_arg, month_arg, month_nav
from .forms import UploadForm
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
        upload = form.file.data if form.validate() else None
        if upload is None or not upload.filename:
            error = "请选择要导入的文件。"
        else:
            try:
                result = import_service.import_metrics(
                    current_user, department.id, month, upload.filename, upload.read()
                )
            except ServiceError as exc:
                db.session.rollback()
                if exc.status == 403:
                    raise
                error = exc.message
            if result and not result.ok:
                db.session.rollback()
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
