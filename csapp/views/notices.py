"""通知书: batches and the registry (HR), one's own notices, and 验证通知书 for everyone."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, abort, flash, redirect, render_template, send_file, stream_with_context, url_for
from flask_login import current_user, login_required

from ..notices.zipstream import stream_zip
from ..services import audit, issuing, jobs, notices
from ..services.access import require
from ..services.errors import ServiceError
from .common import htmx_render, month_arg, month_nav, refused, run_form
from .forms import BatchForm, EmptyForm, UploadForm
from .forms import RequiredReasonForm as VoidForm

bp = Blueprint("notices", __name__)


@bp.get("/notices")
@login_required
def index():
    require(current_user, "hr")
    month = month_arg()
    return render_template(
        "notices/index.html",
        jobs=jobs.recent_jobs(),
        kinds=jobs.KINDS,
        issued=notices.registry(month),
        **month_nav(month),
    )


@bp.post("/notices/batch")
@login_required
def start_batch():
    month = month_arg()
    form = BatchForm()
    job, error = run_form(form, lambda: jobs.create(current_user, form.kind.data, month))
    if error:
        return refused(index, error.message, error.status)
    flash("已交给后台签发,可以离开此页,稍后回来下载。")
    return redirect(url_for("notices.batch", job_id=job.id))


def job_context(job) -> dict:
    return {
        "job": job,
        "kinds": jobs.KINDS,
        "interrupted": jobs.interrupted(job),
        "consumer_alive": jobs.consumer_alive(),
    }


@bp.get("/notices/batch/<int:job_id>")
@login_required
def batch(job_id: int):
    job = jobs.job_for(current_user, job_id)
    return htmx_render("notices/batch.html", "notices/_progress.html", **job_context(job))


@bp.post("/notices/batch/<int:job_id>/resume")
@login_required
def resume(job_id: int):
    _, error = run_form(EmptyForm(), lambda: jobs.resume(current_user, job_id))
    if error:
        return refused(batch, error.message, error.status, job_id=job_id)
    flash("已重新交给后台继续签发。")
    return redirect(url_for("notices.batch", job_id=job_id))


@bp.get("/notices/batch/<int:job_id>.zip")
@login_required
def batch_zip(job_id: int):
    """The job's notices as one ZIP, built from the archive while it downloads (no ZIP file is kept)."""
    job = jobs.job_for(current_user, job_id)
    audit.downloaded(current_user, "notice.download_zip", f"{job.kind} {job.month} 第 {job.id} 批", job.month, job.id)
    store = notices.store()
    members = [(name, partial(store.open, key)) for name, key in jobs.zip_members(job)]
    if not members:
        abort(404)
    filename = f"{job.kind}-{job.month}-{job.id}.zip"
    return Response(
        stream_with_context(stream_zip(members)),  # a database store reads each notice while it streams
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.post("/notices/<int:notice_id>/void")
@login_required
def void(notice_id: int):
    form = VoidForm()
    _, error = run_form(form, lambda: issuing.void(current_user, notice_id, form.reason.data))
    if error:
        return refused(index, error.message, error.status)
    flash("通知书已作废;验证时会显示“签名有效,但已作废”。")
    return redirect(url_for("notices.index"))


@bp.get("/notices/<int:notice_id>.pdf")
@login_required
def download(notice_id: int):
    notice, file = notices.notice_file(current_user, notice_id)
    audit.downloaded(current_user, "notice.download", notice.number, entity_id=notice.id)
    return send_file(file, mimetype="application/pdf", as_attachment=True, download_name=f"{notice.number}.pdf")


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
