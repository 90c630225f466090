"""通知书: batches and the registry (HR), one's own notices, and 验证通知书 for everyone."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from ..services import batches, notices
from ..services.access import require
from ..services.errors import ServiceError
from .common import htmx_render, month_arg, month_nav, refused, run_form
from .forms import BatchForm, EmptyForm, UploadForm

bp = Blueprint("notices", __name__)


@bp.get("/notices")
@login_required
def index():
    require(current_user, "hr")
    month = month_arg()
    return render_template(
        "notices/index.html",
        jobs=batches.recent_jobs(),
        kinds=batches.KINDS,
        issued=notices.registry(month),
        **month_nav(month),
    )


@bp.post("/notices/batch")
@login_required
def start_batch():
    month = month_arg()
    form = BatchForm()
    job, error = run_form(form, lambda: batches.start(current_user, form.kind.data, month))
    if error:
        return refused(index, error.message, error.status)
    flash("已开始打印,可以离开此页,稍后回来查看。")
    return redirect(url_for("notices.batch", job_id=job.id))


@bp.get("/notices/batch/<int:job_id>")
@login_required
def batch(job_id: int):
    job = batches.job_for(current_user, job_id)
    return htmx_render("notices/batch.html", "notices/_progress.html", job=job, kinds=batches.KINDS)


@bp.get("/notices/batch/<int:job_id>.zip")
@login_required
def batch_zip(job_id: int):
    job = batches.job_for(current_user, job_id)
    return send_file(batches.zip_file(job), as_attachment=True, download_name=f"{job.kind}-{job.month}.zip")


@bp.post("/promotions/<int:application_id>/notices")
@login_required
def issue_for_application(application_id: int):
    _, error = run_form(EmptyForm(), lambda: notices.issue_for_application(current_user, application_id))
    if error:
        from .promotions import detail

        return refused(detail, error.message, error.status, application_id=application_id)
    flash("已签发晋升通知书和调薪通知单。")
    return redirect(url_for("promotions.detail", application_id=application_id))


@bp.get("/notices/<int:notice_id>.pdf")
@login_required
def download(notice_id: int):
    notice, path = notices.notice_file(current_user, notice_id)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{notice.number}.pdf")


@bp.get("/me/notices")
@login_required
def mine():
    if not current_user.employee_id:
        abort(404)
    return render_template("notices/mine.html", issued=notices.notices_of(current_user, current_user.employee_id))


@bp.route("/verify", methods=["GET", "POST"])
@login_required
def verify():
    report, error = None, None
    form = UploadForm()
    if form.is_submitted():
        data = form.file.data.read() if form.validate() and form.file.data else b""
        if not data:
            error = "请选择要验证的 PDF 文件。"
        else:
            try:
                report = notices.verify(data)
            except ServiceError as exc:
                error = exc.message
    return render_template("notices/verify.html", report=report, error=error), 200 if error is None else 422
