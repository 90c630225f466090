"""员工档案 (HR): the list of people, one page per person with the whole timeline, appointments,
allowances, teams, one-time passwords and accepted late applications. Life events: views.personnel."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import Employee
from ..policy.months import month_of
from ..services import accounts, allowances, serious_errors, teams
from ..services import promotion as service
from ..services.access import departments_for, employee_for, require
from ..services.errors import ServiceError
from ..services.policy_book import policy_in
from ..services.promotion_data import current_grade
from ..services.timeline import timeline
from .common import refused, run_form
from .forms import (
    AllowanceForm,
    AppointForm,
    EmptyForm,
    LateApplicationForm,
    PeopleForm,
    SeriousErrorForm,
)
from .people_forms import TeamForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("")
@login_required
def index():
    require(current_user, "hr")
    day = clock.today()
    everyone = db.session.scalars(select(Employee).order_by(Employee.department_id, Employee.code)).all()
    return render_template(
        "staff/index.html",
        people=[(p, current_grade(p, day)[0]) for p in everyone],
        policy=policy_in(month_of(day)),
        departments=departments_for(current_user),
        teams=[t for d in departments_for(current_user) for t in teams.teams_of(d.id)],
        today=day,
    )


@bp.get("/<int:employee_id>")
@login_required
def person(employee_id: int):
    require(current_user, "hr")
    employee = employee_for(current_user, employee_id)
    day = clock.today()
    return render_template(
        "staff/person.html",
        employee=employee,
        grade=current_grade(employee, day)[0],
        policy=policy_in(month_of(day)),
        applications=service.applications_of(employee.id),
        open_application=service.open_application(employee.id),
        login=accounts.login_of(employee.id),
        teams=teams.teams_of(employee.department_id),
        team=employee.team_in(month_of(day)),
        timeline=timeline(employee),
        departments=departments_for(current_user),
        all_teams=[t for d in departments_for(current_user) for t in teams.teams_of(d.id)],
        today=day,
    )


@bp.post("/<int:employee_id>/appoint")
@login_required
def appoint(employee_id: int):
    form = AppointForm()
    form.grade.choices = list(policy_in(clock.current_month()).grades)
    _, error = run_form(
        form,
        lambda: service.appoint(current_user, employee_id, form.grade.data, form.effective_on.data, form.reason.data),
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    flash("任命已保存。")
    return redirect(url_for("staff.person", employee_id=employee_id))


@bp.post("/<int:employee_id>/late-application")
@login_required
def late_application(employee_id: int):
    form = LateApplicationForm()
    application, error = run_form(
        form, lambda: service.submit(current_user, clock.today(), form.late_reason.data, employee_id=employee_id)
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    flash("已接受逾期申请。")
    return redirect(url_for("promotions.detail", application_id=application.id))


@bp.post("/<int:employee_id>/allowance")
@login_required
def allowance(employee_id: int):
    form = AllowanceForm()
    form.kind.choices = list(policy_in(clock.current_month()).pay.allowance_names)
    _, error = run_form(
        form,
        lambda: allowances.set_allowance(
            current_user, employee_id, form.kind.data, form.amount.data, form.effective_month.data
        ),
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    flash(f"补贴已保存,自 {form.effective_month.data} 起生效;之前的月份不变。")
    return redirect(url_for("staff.person", employee_id=employee_id))


@bp.post("/one-time-passwords")
@login_required
def one_time_passwords():
    """One-time passwords for the people ticked on the list, shown this once."""
    form = PeopleForm()

    def issue():
        try:
            ids = form.ids()
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        return accounts.issue_one_time_passwords(current_user, ids)

    issued, error = run_form(form, issue)
    if error:
        return refused(index, error.message, error.status)
    return render_template("staff/one_time_password.html", issued=issued)


@bp.post("/<int:employee_id>/one-time-password")
@login_required
def one_time_password(employee_id: int):
    """Issue a one-time password and show it this once (never stored in clear, never redirected through a cookie)."""
    issued, error = run_form(EmptyForm(), lambda: accounts.issue_one_time_password(current_user, employee_id))
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    return render_template("staff/one_time_password.html", issued=[issued])


@bp.post("/<int:employee_id>/team")
@login_required
def team(employee_id: int):
    form = TeamForm()
    _, error = run_form(
        form,
        lambda: teams.assign(current_user, employee_id, form.team.data, form.effective_on.data, form.reason.data or ""),
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    flash("班组已调整。")
    return redirect(url_for("staff.person", employee_id=employee_id))


@bp.post("/<int:employee_id>/serious-error")
@login_required
def serious_error(employee_id: int):
    form = SeriousErrorForm()
    flagged = form.flagged.data == "1"
    _, error = run_form(
        form, lambda: serious_errors.set_serious_error(current_user, employee_id, flagged, form.reason.data)
    )
    if error:
        return refused(person, error.message, error.status, employee_id=employee_id)
    flash("已记录严重工作失误。" if flagged else "已解除严重工作失误。")
    return redirect(url_for("staff.person", employee_id=employee_id))
