"""我的晋升, 待面谈, 待评定: the promotion workflow pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import clock
from ..models import ApplicationStatus
from ..services import jobs, notices
from ..services import promotion as service
from ..services.access import require
from .common import attempt, htmx_render, refused, run_form
from .forms import DecisionForm, EmptyForm, InterviewForm, first_error
from .responses import is_htmx

bp = Blueprint("promotions", __name__)


@bp.get("/me/promotion")
@login_required
def mine():
    if not current_user.employee_id:
        abort(404)
    outlook = service.outlook(current_user, current_user.employee_id, clock.today())
    return render_template(
        "promotions/mine.html",
        outlook=outlook,
        today=clock.today(),
        precheck=outlook.precheck.as_dict() if outlook.precheck else None,
        history=service.applications_of(current_user.employee_id),
    )


@bp.post("/me/promotion")
@login_required
def submit():
    application, error = run_form(EmptyForm(), lambda: service.submit(current_user, clock.today()))
    if error:
        return refused(mine, error.message, error.status)
    flash("晋升申请已提交,等待部门负责人面谈。")
    return redirect(url_for("promotions.detail", application_id=application.id))


@bp.post("/promotions/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    _, error = run_form(EmptyForm(), lambda: service.withdraw(current_user, application_id))
    if error:
        return refused(detail, error.message, error.status, application_id=application_id)
    flash("申请已撤回。")
    return redirect(url_for("promotions.detail", application_id=application_id))


def _detail_context(application, error: str | None = None, field: str | None = None) -> dict:
    fresh = service.evaluate_application(application).as_dict()
    snapshot = application.snapshot_data
    changed = [
        c["key"]
        for c, s in zip(fresh["criteria"], snapshot.get("criteria", []))
        if c["key"] == s["key"]
        and c["key"] not in ("interview", "written_test", "process")
        and (c["passed"], c["actual"]) != (s["passed"], s["actual"])
    ]
    return {
        "application": application,
        "snapshot": snapshot,
        "fresh": fresh,
        "changed": changed,
        "error": error,
        "error_field": field,
        "statuses": ApplicationStatus,
        "can_interview": current_user.has("dept_head")
        and application.status.is_open
        and current_user.department_id == application.employee.department_id
        and current_user.employee_id != application.employee_id,
        "can_decide": current_user.has("hr") and application.status == ApplicationStatus.INTERVIEWED,
        "issued": [
            n for n in (notices.current_notice(f"{k}:{application.id}") for k in ("promotion", "salary_change")) if n
        ],
        "notice_job": jobs.latest_for_application(application.id) if current_user.has("hr") else None,
        "today": clock.today(),
    }


@bp.get("/promotions/<int:application_id>")
@login_required
def detail(application_id: int):
    application = service.visible_application(current_user, application_id)
    return htmx_render("promotions/detail.html", "promotions/_workflow.html", **_detail_context(application))


@bp.post("/promotions/<int:application_id>/interview")
@login_required
def interview(application_id: int):
    form = InterviewForm()
    refusal = None
    if form.validate():
        _, refusal = attempt(
            lambda: service.record_interview(
                current_user,
                application_id,
                form.interview_on.data,
                form.notes.data or "",
                form.interview_result.data,
                form.written_test.data,
                form.process_result.data or None,
                form.change_reason.data or "",
            )
        )
        error, field = (refusal.message, refusal.field) if refusal else (None, None)
    else:
        field = form[next(iter(form.errors))].name
        error = first_error(form)
    if not is_htmx():
        if error:
            return refused(detail, error, refusal.status if refusal else 422, application_id=application_id)
        flash("面谈结果已保存。")
        return redirect(url_for("promotions.detail", application_id=application_id))
    application = service.visible_application(current_user, application_id)
    context = _detail_context(application, error, field)
    context["form"] = {f.name: f._value() if hasattr(f, "_value") else f.data for f in form} if error else {}
    context["saved"] = error is None
    return render_template("promotions/_workflow.html", **context), (
        refusal.status if refusal else 422
    ) if error else 200


@bp.post("/promotions/<int:application_id>/decide")
@login_required
def decide(application_id: int):
    form = DecisionForm()
    approve = form.decision.data == "approve"
    _, error = run_form(form, lambda: service.decide(current_user, application_id, approve, form.reason.data))
    if error:
        return refused(detail, error.message, error.status, application_id=application_id)
    flash("已批准晋升,新职级自申请当月 1 日起生效;两份通知书正在后台签发。" if approve else "已评定为不通过。")
    return redirect(url_for("promotions.detail", application_id=application_id))


@bp.post("/promotions/<int:application_id>/notices")
@login_required
def issue_notices(application_id: int):
    """Hand the two notices of an approved application to the queue (again, if the first try failed)."""
    job, error = run_form(
        EmptyForm(), lambda: jobs.create(current_user, "application", "", application_id=application_id)
    )
    if error:
        return refused(detail, error.message, error.status, application_id=application_id)
    flash("两份通知书正在后台签发。")
    return redirect(url_for("promotions.detail", application_id=application_id))


@bp.get("/promotions/interviews")
@login_required
def interviews():
    require(current_user, "dept_head")
    return render_template(
        "promotions/queue.html",
        title="待面谈",
        applications=service.queue(current_user, ApplicationStatus.SUBMITTED),
        empty="目前没有等待面谈的晋升申请。",
    )


@bp.get("/promotions/decisions")
@login_required
def decisions():
    require(current_user, "hr")
    return render_template(
        "promotions/queue.html",
        title="待评定",
        applications=service.queue(current_user, ApplicationStatus.INTERVIEWED),
        empty="目前没有等待人事评定的晋升申请。",
    )
