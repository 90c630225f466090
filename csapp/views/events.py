"""事件登记 and 质检抽样: incidents, QA samples and dissatisfied cases, one by one."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import DissatisfiedCase, Incident, QaSample
from ..services import events as event_service
from ..services import teams
from ..services.access import employee_for, require
from ..services.errors import BadRequest, NotFound
from ..services.kpi import department_agents, month_bounds
from ..services.month_lock import is_locked
from ..services.policy_book import policy_in
from .common import attempt, department_arg, htmx_render, month_arg, month_nav, team_context
from .forms import CaseForm, CaseReviewForm, IncidentForm, ItemForm, QaSampleForm, ReasonForm, first_error

bp = Blueprint("events", __name__, url_prefix="/events")


def _optional_int(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise BadRequest("请求参数无效。")
    return int(value)


def _incident_context(
    department, month: str, employee_id: int | None, error: str | None = None, form: dict | None = None
) -> dict:
    picked = team_context(department, month)
    agents = teams.members(department_agents(department.id, month), picked["team"], month)
    ids = [a.id for a in agents] if employee_id is None else [employee_id]
    incidents = list(
        db.session.scalars(
            select(Incident)
            .where(Incident.employee_id.in_(ids), Incident.month == month)
            .order_by(Incident.occurred_on, Incident.id)
        )
    )
    start, end = month_bounds(month)
    return {
        "department": department,
        "agents": agents,
        "incidents": incidents,
        "employee_id": employee_id,
        "kinds": policy_in(month).kpi.incidents,
        "error": error,
        "form": form or {},
        "default_day": min(end, clock.today()).isoformat(),
        "month_start": start.isoformat(),
        "month_end": end.isoformat(),
        "locked": is_locked(department.id, month),
        "can_correct": current_user.has("hr"),
        **picked,
        **month_nav(month),
    }


@bp.get("/incidents")
@login_required
def incidents():
    require(current_user, "supervisor", "hr")
    department = department_arg()
    context = _incident_context(department, month_arg(), _optional_int("employee_id"))
    return htmx_render("events/incidents.html", "events/_incident_panel.html", **context)


@bp.post("/incidents")
@login_required
def add_incident():
    department = department_arg()
    month = month_arg()
    employee_id = _optional_int("employee_id")
    form = IncidentForm()
    form.kind.choices = list(policy_in(month).kpi.incidents)
    refusal = None
    if form.validate():
        _, refusal = attempt(
            lambda: event_service.add_incident(
                current_user,
                form.person.data,
                form.kind.data,
                form.occurred_on.data,
                form.note.data or "",
                form.reason.data or "",
            ),
            propagate=(403,),
        )
        error = refusal.message if refusal else None
    else:
        error = first_error(form)
    typed = {
        "person": form.person.raw_data[0] if form.person.raw_data else "",
        "kind": form.kind.data,
        "occurred_on": form.occurred_on._value(),
        "note": form.note.data,
    }
    status = refusal.status if refusal else (422 if error else 200)
    done = None if error else f"已登记:{policy_in(month).kpi.incidents[form.kind.data].name},{form.occurred_on.data}。"
    return render_template(
        "events/_incident_panel.html",
        **_incident_context(department, month, employee_id, error, typed if error else {}),
        done=done,
    ), status


@bp.post("/incidents/<int:incident_id>/delete")
@login_required
def remove_incident(incident_id: int):
    department = department_arg()
    month = month_arg()
    form = ReasonForm()
    if not form.validate():
        raise BadRequest(first_error(form))
    _, refusal = attempt(
        lambda: event_service.remove_incident(current_user, incident_id, form.reason.data or ""), propagate=(403,)
    )
    return render_template(
        "events/_incident_panel.html",
        **_incident_context(department, month, _optional_int("employee_id"), refusal.message if refusal else None),
    ), refusal.status if refusal else 200


def _qa_context(employee, month: str, error: str | None = None) -> dict:
    samples = list(
        db.session.scalars(
            select(QaSample).where(QaSample.employee_id == employee.id, QaSample.month == month).order_by(QaSample.id)
        )
    )
    cases = list(
        db.session.scalars(
            select(DissatisfiedCase)
            .where(DissatisfiedCase.employee_id == employee.id, DissatisfiedCase.month == month)
            .order_by(DissatisfiedCase.id)
        )
    )
    policy = policy_in(month)
    return {
        "employee": employee,
        "samples": samples,
        "cases": cases,
        "error": error,
        "expected": policy.kpi.qa_expected_samples,
        "satisfaction_points": policy.kpi.items["satisfaction"].per_count,
        "locked": is_locked(employee.department_id, month),
        "can_correct": current_user.has("hr"),
        "agents": department_agents(employee.department_id, month),
        **month_nav(month),
    }


@bp.get("/qa")
@login_required
def qa():
    require(current_user, "supervisor", "hr")
    month = month_arg()
    employee_id = _optional_int("employee_id")
    if employee_id is None:
        department = department_arg()
        picked = team_context(department, month)
        agents = teams.members(department_agents(department.id, month), picked["team"], month)
        return render_template(
            "events/qa_pick.html",
            department=department,
            agents=agents,
            stats=event_service.qa_overview([a.id for a in agents], month),
            expected=policy_in(month).kpi.qa_expected_samples,
            **picked,
            **month_nav(month),
        )
    employee = employee_for(current_user, employee_id)
    return htmx_render("events/qa.html", "events/_qa_panel.html", **_qa_context(employee, month))


QA_ACTIONS = {
    "add_sample": (
        QaSampleForm,
        lambda user, employee, month, f: event_service.add_sample(
            user, employee.id, month, f.score.data, f.recording_id.data or "", f.reason.data or ""
        ),
    ),
    "remove_sample": (
        ItemForm,
        lambda user, employee, month, f: event_service.remove_sample(user, f.item_id.data, f.reason.data or ""),
    ),
    "add_case": (
        CaseForm,
        lambda user, employee, month, f: event_service.add_case(
            user, employee.id, month, f.recording_id.data or "", f.note.data or "", f.reason.data or ""
        ),
    ),
    "review_case": (
        CaseReviewForm,
        lambda user, employee, month, f: event_service.review_case(
            user, f.item_id.data, {"yes": True, "no": False}.get(f.justified.data), f.reason.data or ""
        ),
    ),
    "remove_case": (
        ItemForm,
        lambda user, employee, month, f: event_service.remove_case(user, f.item_id.data, f.reason.data or ""),
    ),
}


@bp.post("/qa/<int:employee_id>/<action>")
@login_required
def qa_action(employee_id: int, action: str):
    require(current_user, "supervisor", "hr")
    if action not in QA_ACTIONS:
        raise NotFound("未知的操作。")
    month = month_arg()
    employee = employee_for(current_user, employee_id)
    form_class, run = QA_ACTIONS[action]
    form = form_class()
    refusal = None
    if form.validate():
        _, refusal = attempt(lambda: run(current_user, employee, month, form), propagate=(403,))
        error = refusal.message if refusal else None
    else:
        error = first_error(form)
    status = refusal.status if refusal else (422 if error else 200)
    done = None if error else "已保存。"
    return render_template("events/_qa_panel.html", **_qa_context(employee, month, error), done=done), status
