"""我的成绩 and an agent's score page: the month's breakdown, explained, and a 12-month trend."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..policy import names as names_module
from ..policy.pay import PAY_LINE_NAMES, PAY_LINES
from ..services.access import employee_for
from ..services.agent_kpi import agent_month, agent_trend, department_trend, months_up_to
from ..services.notices import current_notice
from ..services.pay.deductions import kinds as deduction_kinds
from ..services.pay.runs import pay_day, slip_for
from ..services.reviewed import items_for, reviewed_kpi
from .charts import trend
from .common import month_arg, month_nav

bp = Blueprint("agent", __name__)


def _page(employee_id: int):
    employee = employee_for(current_user, employee_id)
    month = month_arg()
    if employee.track_in(month) != "agent":
        return _reviewed_page(employee, month)
    kpi, row = agent_month(employee, month)
    chart = trend(agent_trend(employee, month), department_trend(employee, month))
    return render_template(
        "agent/scores.html",
        employee=employee,
        kpi=kpi,
        row=row,
        chart=chart,
        own=employee.id == current_user.employee_id,
        **month_nav(month),
    )


def _reviewed_page(employee, month: str):
    """Specialists, supervisors, managers: the reviewed item scores and their mean (D11)."""
    history = [(m, reviewed_kpi(employee, m)) for m in months_up_to(month)]
    chart = trend([(m, k.score) for m, k in history])
    return render_template(
        "agent/reviewed.html",
        employee=employee,
        current=history[-1][1],
        chart=chart,
        items=items_for(employee.track_in(month), month),
        own=employee.id == current_user.employee_id,
        **month_nav(month),
    )


@bp.get("/me/scores")
@login_required
def my_scores():
    if not current_user.employee_id:
        abort(404)
    return _page(current_user.employee_id)


@bp.get("/employees/<int:employee_id>/scores")
@login_required
def scores(employee_id: int):
    return _page(employee_id)


@bp.get("/me/pay")
@login_required
def my_pay():
    """我的工资: this month's pay slip, every line explained."""
    if not current_user.employee_id:
        abort(404)
    employee = employee_for(current_user, current_user.employee_id)
    month = month_arg()
    slip = slip_for(employee.id, month)
    notice = current_notice(f"pay:{slip.employee_id}:{month}") if slip else None
    return render_template(
        "agent/pay.html",
        employee=employee,
        slip=slip,
        notice=notice,
        lines=PAY_LINES,
        names=PAY_LINE_NAMES,
        names_module=names_module,
        deduction_kinds=deduction_kinds(month),
        pay_day=pay_day(month),
        **month_nav(month),
    )
