"""员工档案 (HR): hire, 转正, transfer, leaving, rehire, corrections; the 花名册 export and import."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import clock
from ..services import audit, people, person_corrections
from ..services.access import require
from ..services.roster import roster_workbook
from ..services.roster_import import OPTIONAL, REQUIRED, import_roster
from .common import refused, run_form, run_upload
from .forms import UploadForm
from .people_forms import CorrectionForm, HireForm, LeaveForm, RegularizeForm, RehireForm, TransferForm
from .ranking import XLSX
from .staff import index, person

bp = Blueprint("personnel", __name__, url_prefix="/staff")


def _done(employee_id: int, message: str):
    flash(message)
    return redirect(url_for("staff.person", employee_id=employee_id))


@bp.post("/hire")
@login_required
def hire():
    """入职: the employee, their first grade, department, team and login (then a one-time password)."""
    form = HireForm()
    employee, error = run_form(
        form,
        lambda: people.hire(
            current_user,
            form.code.data,
            form.name.data,
            form.department.data,
            form.track.data,
            form.hired_on.data,
            form.team.data,
        ),
    )
    if error:
        return refused(index, error.message, error.status)
    return _done(employee.id, f"{employee.name}({employee.code})已入职;请为其生成一次性密码。")


@bp.post("/<int:employee_id>/regularize")
@login_required
def regularize(employee_id: int):
    form = RegularizeForm()
    _, error = run_form(form, lambda: people.regularize(current_user, employee_id, form.on.data, form.note.data or ""))
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    return _done(employee_id, "已记录转正。")


@bp.post("/<int:employee_id>/transfer")
@login_required
def transfer(employee_id: int):
    form = TransferForm()
    _, error = run_form(
        form,
        lambda: people.transfer(
            current_user, employee_id, form.department.data, form.on.data, form.reason.data, form.team.data
        ),
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    return _done(employee_id, f"已记录调动,自 {form.on.data} 起生效;此前的月份仍按原部门计算。")


@bp.post("/<int:employee_id>/leave")
@login_required
def leave(employee_id: int):
    form = LeaveForm()
    _, error = run_form(form, lambda: people.leave(current_user, employee_id, form.on.data, form.reason.data))
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    return _done(employee_id, "已记录离职;离职日之后该账号不能再登录。")


@bp.post("/<int:employee_id>/rehire")
@login_required
def rehire(employee_id: int):
    form = RehireForm()
    _, error = run_form(
        form,
        lambda: people.rehire(
            current_user, employee_id, form.on.data, form.track.data, form.reason.data or "", form.team.data
        ),
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    return _done(employee_id, "已办理再次入职:工号不变,重新试用;请为其生成一次性密码。")


@bp.post("/<int:employee_id>/events/<int:event_id>/correct")
@login_required
def correct(employee_id: int, event_id: int):
    form = CorrectionForm()
    done, error = run_form(
        form,
        lambda: person_corrections.correct_event(
            current_user, event_id, form.on.data, form.reason.data, cancel=form.cancel.data
        ),
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    stale = f";{done.stale_runs} 次工资核算已标记为已过期,请重新核算" if done.stale_runs else ""
    return _done(employee_id, f"已更正{done.event.name}记录{stale}。")


@bp.get("/roster.xlsx")
@login_required
def roster():
    """花名册: everyone with department, team, track, grade, employment, dates and login, as XLSX."""
    require(current_user, "hr")
    day = clock.today()
    audit.downloaded(current_user, "export.roster", f"花名册 {day.isoformat()}")
    return Response(
        roster_workbook(day),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=roster-{day.isoformat()}.xlsx"},
    )


@bp.route("/roster-import", methods=["GET", "POST"])
@login_required
def roster_import():
    """导入花名册: every row right → everyone new hired at once; otherwise the row errors and nothing saved."""
    require(current_user, "hr")
    form, result, error = UploadForm(), None, None
    if form.is_submitted():
        result, error = run_upload(form, lambda name, data: import_roster(current_user, name, data))
        if result is not None and not result.problems:
            kept = f";{result.unchanged} 人已在档,未改动" if result.unchanged else ""
            flash(f"已导入 {len(result.hired)} 名新员工{kept}。请为他们生成一次性密码。")
            return redirect(url_for("staff.index"))
    status = 422 if error or (result and result.problems) else 200
    return render_template(
        "staff/roster_import.html", result=result, error=error, required=REQUIRED, optional=OPTIONAL
    ), status
