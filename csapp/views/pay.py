"""工资核算 (HR): compute a month's pay, see every line explained, recompute when stale, export."""

from __future__ import annotations

import io

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..policy import names
from ..policy.parameters import policy_for
from ..policy.pay import PAY_LINE_NAMES, PAY_LINES
from ..services import pay_runs
from ..services.access import require
from ..services.errors import ServiceError
from .common import month_arg, month_nav, refused, run_form
from .forms import EmptyForm
from .ranking import XLSX

bp = Blueprint("pay", __name__)


@bp.get("/pay")
@login_required
def sheet():
    require(current_user, "hr")
    month = month_arg()
    run = pay_runs.current_run(month)
    return render_template(
        "pay/sheet.html",
        run=run,
        runs=pay_runs.runs_of(month),
        lines=PAY_LINES,
        names=PAY_LINE_NAMES,
        **month_nav(month),
    )


@bp.post("/pay")
@login_required
def compute():
    month = month_arg()
    run, error = run_form(EmptyForm(), lambda: pay_runs.compute_run(current_user, month))
    if error:
        return refused(sheet, error.message, error.status)
    flash(f"{month} 工资已完成第 {run.run_no} 次核算,共 {len(run.slips)} 人。")
    return redirect(url_for("pay.sheet", month=month))


@bp.get("/pay.xlsx")
@login_required
def export():
    require(current_user, "hr")
    month = month_arg()
    run = pay_runs.current_run(month)
    if run is None:
        raise ServiceError(f"{month} 还没有核算工资。")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工资表"
    sheet.append(["工号", "姓名", "部门", "职级", "绩效总分", *[PAY_LINE_NAMES[k] for k in PAY_LINES], "应发合计"])
    policy = policy_for(month)
    for slip in run.slips:
        grade = names.grade_name(policy, slip.grade, slip.employee.regularized_on is not None)
        sheet.append(
            [
                slip.employee.code,
                slip.employee.name,
                slip.employee.department.name,
                grade,
                slip.kpi_score,
                *[getattr(slip, k) for k in PAY_LINES],
                slip.gross,
            ]
        )
    notes = book.create_sheet("说明")
    notes.append(["工号", "姓名", "项目", "说明"])
    for slip in run.slips:
        for key, text in slip.explanations.items():
            notes.append([slip.employee.code, slip.employee.name, PAY_LINE_NAMES.get(key, "绩效总分"), text])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=pay-{month}-run{run.run_no}.xlsx"},
    )
