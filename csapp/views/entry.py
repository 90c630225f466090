"""成绩录入: the department × month entry grids, saved cell by cell with htmx."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Employee
from ..services import grid as grid_service
from ..services import kpi as kpi_service
from ..services import month_lock, results, teams
from ..services.access import enterable, require
from ..services.errors import BadRequest, Conflict, NeedsConfirmation, ServiceError
from ..services.kpi import people_kpi
from ..services.policy_book import policy_in
from .common import attempt, department_arg, htmx_render, month_arg, month_nav, refused, run_form, team_context
from .forms import EmptyForm, RequiredReasonForm

bp = Blueprint("entry", __name__, url_prefix="/entry")


def _int_arg(name: str) -> int:
    value = request.values.get(name, "").strip()
    if not value.isdigit():
        raise BadRequest("请求参数无效。")
    return int(value)


def _on_screen(sheet_key: str, department, month: str):
    """The sheet, the team in view (team_context) and the sheet's people of that team."""
    sheet = grid_service.SHEETS.get(sheet_key)
    if sheet is None:
        raise ServiceError("没有这张表。")
    picked = team_context(department, month)
    if picked["team"] is None:
        people = grid_service.sheet_people(sheet, department.id, month)
    else:  # only the team is loaded: a big department's grid costs what one team does
        team_people = teams.team_people(picked["team"], month)
        people = [p for p in team_people if grid_service.on_sheet(sheet, p, department.id, month)]
    return sheet, picked, people


def grid_context(sheet_key: str, department, month: str) -> dict:
    """Everything the grid templates need for one department-month sheet."""
    sheet, picked, people = _on_screen(sheet_key, department, month)
    records = grid_service.sheet_records(sheet, people, month)
    kpi = people_kpi(department.id, month, people) if sheet.key == "metrics" else None
    dept_month = month_lock.department_month(department.id, month)
    return {
        "sheet": sheet,
        "sheets": grid_service.SHEETS,
        "department": department,
        "people": people,
        "records": records,
        "kpi": kpi,
        "dept_month": dept_month,
        "locked": bool(dept_month and dept_month.locked_at),
        "dept_columns": grid_service.DEPARTMENT_COLUMNS,
        "can_correct": current_user.has("hr"),
        "enterable": enterable(current_user, people, month),
        "policy": policy_in(month),
        **picked,
        **month_nav(month),
    }


def _save(save) -> tuple[ServiceError | None, object]:
    """Run one cell save with the posted value, version and reason; return (refusal, value to show).

    On a conflict the cell shows the current value; on a bad value, what was typed.
    """
    text = request.form.get("value", "")
    _, error = attempt(lambda: save(text, request.form.get("reason", "")))
    if error is None:
        return None, text
    return error, error.current if isinstance(error, Conflict) else text


def _version() -> int | None:
    """The version of the record the page was showing (None when the request has none)."""
    version = request.form.get("version", "").strip()
    return int(version) if version.isdigit() else None


def _status(refusal: ServiceError | None) -> int:
    return refusal.status if refusal else 200


@bp.get("")
@login_required
def grid():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    month = month_arg()
    context = grid_context(request.args.get("sheet", "metrics"), department, month)
    return htmx_render("entry/grid.html", "entry/_grid.html", **context)


@bp.post("/cell")
@login_required
def save_cell():
    department = department_arg()
    month = month_arg()
    sheet_key = request.form.get("sheet", "")
    employee_id = _int_arg("employee_id")
    field = request.form.get("field", "")
    version = results.current_version(department.id, month)  # what the page showed was computed from it
    refusal, text = _save(
        lambda text, reason: grid_service.save_cell(
            current_user,
            sheet_key,
            department.id,
            month,
            employee_id,
            field,
            text,
            request.form.get("expected"),
            reason,
            confirmed=request.form.get("confirm") == "1",
        )
    )
    employee = db.session.get(Employee, employee_id)
    context = saved_context(sheet_key, department, month, employee, version)
    return render_template(
        "entry/_cell_saved.html",
        person=employee,
        field=field,
        error=refusal.message if refusal else None,
        needs_confirm=isinstance(refusal, NeedsConfirmation),
        typed=text,
        **context,
    ), _status(refusal)


def saved_context(sheet_key: str, department, month: str, employee: Employee | None, version: int) -> dict:
    """What a cell save sends back: the cell, the summary and the computed cells of the rows on screen that
    moved since *version* (what the page showed) — only those rows are loaded and decoded."""
    sheet, picked, people = _on_screen(sheet_key, department, month)
    if employee is None:
        raise ServiceError("没有这名员工。")
    kpi, changed = None, []
    if sheet.key == "metrics":
        saved = kpi_service.saved_rows(department.id, month, version, people, employee.id)
        if saved is None:  # no result to compare (no connection rate yet, say): every row, as the grid shows it
            kpi, changed = people_kpi(department.id, month, people), people
        else:
            kpi, changed = saved
    dept_month = kpi.dept_month if kpi else month_lock.department_month(department.id, month)
    return {
        "sheet": sheet,
        "department": department,
        "records": grid_service.sheet_records(sheet, [employee], month),
        "kpi": kpi,
        "changed": changed,
        "locked": bool(dept_month and dept_month.locked_at),
        "can_correct": current_user.has("hr"),
        "enterable": enterable(current_user, [employee], month),
        "month": month,
        "team_key": picked["team_key"],
    }


@bp.post("/department")
@login_required
def save_department():
    department = department_arg()
    month = month_arg()
    field = request.form.get("field", "")
    refusal, text = _save(
        lambda text, reason: grid_service.save_department_field(
            current_user, department.id, month, field, text, _version(), reason, request.form.get("confirm") == "1"
        )
    )
    context = grid_context(request.form.get("sheet", "metrics"), department, month)
    return render_template(
        "entry/_department_saved.html",
        field=field,
        error=refusal.message if refusal else None,
        needs_confirm=isinstance(refusal, NeedsConfirmation),
        typed=text,
        **context,
    ), _status(refusal)


@bp.post("/lock")
@login_required
def lock():
    department = department_arg()
    month = month_arg()
    _, error = run_form(EmptyForm(), lambda: month_lock.lock(current_user, department.id, month))
    if error:
        return refused(grid, error.message, error.status)
    flash(f"{month} 已锁定。之后的修改需由人事填写原因,并作为更正记录保存。")
    return redirect(url_for("entry.grid", dept=department.id, month=month))


@bp.post("/unlock")
@login_required
def unlock():
    department = department_arg()
    month = month_arg()
    form = RequiredReasonForm()
    _, error = run_form(form, lambda: month_lock.unlock(current_user, department.id, month, form.reason.data))
    if error:
        return refused(grid, error.message, error.status)
    flash(f"{month} 已解锁。")
    return redirect(url_for("entry.grid", dept=department.id, month=month))
