"""事件登记 and 质检抽样: incidents, QA samples and dissatisfied cases, one by one."""

from __future__ import annotations


from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import DissatisfiedCase, Incident, QaSample
from ..policy.parameters import policy_for
from ..services import events as event_service
from ..services.access import employee_for, require
from ..services.errors import ServiceError
from ..services.kpi import department_agents, month_bounds
from ..services.month_lock import is_locked
from .common import attempt, department_arg, htmx_render, month_arg, month_nav

bp = Blueprint("events", __name__, url_prefix="/events")


def _optional_int(name: str) -> int | None:
    value = request.values.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ServiceError("请求参数无效。")
    return int(value)


def _incident_context(department, month: str, employee_id: int | None, error: str | None = None,
                      form: dict | None = None) -> dict:
    agents = department_agents(department.id, month)
    ids = [a.id for a in agents] if employee_id is None else [employee_id]
    incidents = list(db.session.scalars(select(Incident).where(Incident.employee_id.in_(ids), Incident.month == month)
                                        .order_by(Incident.occurred_on, Incident.id)))
    start, end = month_bounds(month)
    return {"department": department, "agents": agents, "incidents": incidents, "employee_id": employee_id,
            "kinds": policy_for(month).kpi.incidents, "error": error, "form": form or {},
            "default_day": min(end, clock.today()).isoformat(), "month_start": start.isoformat(),
            "month_end": end.isoformat(), "locked": is_locked(department.id, month),
            "can_correct": current_user.has("hr"), **month_nav(month)}


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
    target = _optional_int("person")
    if target is None:
        error = "请选择坐席。"
    else:
        _, refusal = attempt(lambda: event_service.add_incident(
            current_user, target, request.form.get("kind", ""), request.form.get("occurred_on", ""),
            request.form.get("note", ""), request.form.get("reason", "")), propagate=(403,))
        error = refusal.message if refusal else None
    form = dict(request.form) if error else {}
    return render_template("events/_incident_panel.html",
                           **_incident_context(department, month, employee_id, error, form))


@bp.post("/incidents/<int:incident_id>/delete")
@login_required
def remove_incident(incident_id: int):
    department = department_arg()
    month = month_arg()
    _, refusal = attempt(lambda: event_service.remove_incident(current_user, incident_id, request.form.get("reason", "")),
                         propagate=(403,))
    return render_template("events/_incident_panel.html", **_incident_context(
        department, month, _optional_int("employee_id"), refusal.message if refusal else None))


def _qa_context(employee, month: str, error: str | None = None) -> dict:
    samples = list(db.session.scalars(select(QaSample).where(QaSample.employee_id == employee.id,
                                                             QaSample.month == month).order_by(QaSample.id)))
    cases = list(db.session.scalars(select(DissatisfiedCase).where(DissatisfiedCase.employee_id == employee.id,
                                                                   DissatisfiedCase.month == month)
                                    .order_by(DissatisfiedCase.id)))
    policy = policy_for(month)
    return {"employee": employee, "samples": samples, "cases": cases, "error": error,
            "expected": policy.kpi.qa_expected_samples, "locked": is_locked(employee.department_id, month),
            "can_correct": current_user.has("hr"),
            "agents": department_agents(employee.department_id, month), **month_nav(month)}


@bp.get("/qa")
@login_required
def qa():
    require(current_user, "supervisor", "hr")
    month = month_arg()
    employee_id = _optional_int("employee_id")
    if employee_id is None:
        department = department_arg()
        agents = department_agents(department.id, month)
        return render_template("events/qa_pick.html", department=department, agents=agents, **month_nav(month))
    employee = employee_for(current_user, employee_id)
    return htmx_render("events/qa.html", "events/_qa_panel.html", **_qa_context(employee, month))


@bp.post("/qa/<int:employee_id>")
@login_required
def qa_action(employee_id: int):
    require(current_user, "supervisor", "hr")
    month = month_arg()
    employee = employee_for(current_user, employee_id)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")
    item = _optional_int("item_id") or 0
    verdict = {"yes": True, "no": False}.get(request.form.get("justified", ""))
    actions = {
        "add_sample": lambda: event_service.add_sample(current_user, employee.id, month, request.form.get("score", ""),
                                                       request.form.get("recording_id", ""), reason),
        "remove_sample": lambda: event_service.remove_sample(current_user, item, reason),
        "add_case": lambda: event_service.add_case(current_user, employee.id, month,
                                                   request.form.get("recording_id", ""), request.form.get("note", ""),
                                                   reason),
        "review_case": lambda: event_service.review_case(current_user, item, verdict, reason),
        "remove_case": lambda: event_service.remove_case(current_user, item, reason),
    }
    if action not in actions:
        raise ServiceError("未知的操作。")
    _, refusal = attempt(actions[action], propagate=(403,))
    error = refusal.message if refusal else None
    return render_template("events/_qa_panel.html", **_qa_context(employee, month, error))
