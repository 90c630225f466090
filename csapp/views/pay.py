"""工资核算 (HR): compute a month's pay, see every line explained, recompute when stale, export."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import DeductionMonth
from ..policy.pay import PAY_LINE_NAMES, PAY_LINES
from ..services import audit
from ..services.access import require
from ..services.errors import ServiceError
from ..services.exports import workbook_chunks
from ..services.pay import deductions as deduction_service
from ..services.pay import runs as pay_runs
from ..services.pay import sheet as pay_sheet
from ..services.pay.gaps import explain_gaps as explain_service
from ..services.pay.gaps import reasons_of, run_gaps
from ..services.pay_export import pay_workbook
from .common import month_arg, month_nav, page_arg, refused, run_form
from .forms import EmptyForm, GapReasonForm, RequiredReasonForm, UploadForm, deduction_form
from .ranking import XLSX

bp = Blueprint("pay", __name__)


def _sheet_context(month: str, run) -> dict:
    """The pay sheet of *run*, one page of its slips (?page=)."""
    gaps = run_gaps(run) if run else []
    totals = pay_sheet.run_totals(month)
    return {
        "run": run,
        "runs": pay_runs.runs_of(month),
        "run_totals": totals,
        "sheet": pay_sheet.slips_page(run, page_arg(), totals.get(run.id, (0,))[0]) if run else None,
        "lines": PAY_LINES,
        "names": PAY_LINE_NAMES,
        "gaps": gaps,
        "reasons": reasons_of(month),
        "people": pay_sheet.people_of({gap.employee_id for gap in gaps if gap.employee_id}),
        "deduction_kinds": deduction_service.kinds(month),
        "pay_day": pay_runs.pay_day(month),
        **month_nav(month),
    }


@bp.get("/pay")
@login_required
def sheet():
    """工资核算: the draft (or the confirmed run), its gaps, confirmation and the history of runs."""
    require(current_user, "hr")
    month = month_arg()
    return render_template("pay/sheet.html", **_sheet_context(month, pay_sheet.current_head(month)))


@bp.get("/pay/runs/<int:run_id>")
@login_required
def run_page(run_id: int):
    """Any run of a month, old ones included, as it was computed."""
    run = pay_runs.run_for(current_user, run_id, slips=False)  # the sheet loads one page of them
    return render_template("pay/sheet.html", viewing=True, **_sheet_context(run.month, run))


@bp.get("/pay/compare")
@login_required
def compare():
    """Two runs of a month side by side: only the people and lines that differ."""
    ids = [request.args.get(name, "") for name in ("older", "newer")]
    if not all(i.isdigit() for i in ids):
        raise ServiceError("请选择要比较的两次核算。")
    older, newer, differences = pay_runs.compare_runs(current_user, int(ids[0]), int(ids[1]))
    return render_template(
        "pay/compare.html",
        older=older,
        newer=newer,
        differences=differences,
        names={**PAY_LINE_NAMES, "deductions_total": "扣款合计", "net": "实发合计"},
        month=older.month,
    )


@bp.post("/pay")
@login_required
def compute():
    month = month_arg()
    run, error = run_form(EmptyForm(), lambda: pay_runs.compute_run(current_user, month))
    if error:
        return refused(sheet, error.message, error.status)
    flash(f"{month} 工资已完成第 {run.run_no} 次核算(草稿),共 {len(run.slips)} 人。核对无误并说明数据缺失后请确认。")
    return redirect(url_for("pay.sheet", month=month))


@bp.post("/pay/runs/<int:run_id>/confirm")
@login_required
def confirm(run_id: int):
    run, error = run_form(EmptyForm(), lambda: pay_runs.confirm_run(current_user, run_id))
    if error:
        return refused(sheet, error.message, error.status)
    flash(f"{run.month} 工资已确认(第 {run.confirm_no} 次确认),员工现在可以看到工资单。")
    return redirect(url_for("pay.sheet", month=run.month))


@bp.post("/pay/gaps")
@login_required
def explain_gaps():
    month = month_arg()
    form = GapReasonForm()

    def explain():
        try:
            keys = form.gap_keys()
        except ValueError as exc:
            raise ServiceError(str(exc)) from None
        return explain_service(current_user, month, keys, form.reason.data)

    count, error = run_form(form, explain)
    if error:
        return refused(sheet, error.message, error.status)
    flash(f"已为 {count} 处数据缺失填写原因。")
    return redirect(url_for("pay.sheet", month=month))


@bp.get("/pay/deductions")
@login_required
def deductions():
    """扣款: typed per person, imported from the payroll provider, or 本月无扣款."""
    require(current_user, "hr")
    month = month_arg()
    people = pay_runs.paid_people(month)  # the names only: no need to compute anyone's pay
    return render_template(
        "pay/deductions.html",
        people=people,
        kinds=deduction_service.kinds(month),
        amounts=pay_runs.deductions_of(month),
        state=db.session.get(DeductionMonth, month),
        result=getattr(g, "import_result", None),
        **month_nav(month),
    )


@bp.post("/pay/deductions")
@login_required
def save_deductions():
    month = month_arg()
    kinds = deduction_service.kinds(month)
    form = deduction_form(kinds)
    _, error = run_form(
        form,
        lambda: deduction_service.set_deductions(
            current_user, form.employee_id.data, month, {key: form[f"d_{key}"].data for key in kinds}
        ),
    )
    if error:
        return refused(deductions, error.message, error.status)
    flash("扣款已保存;已核算的工资标记为已过期,请重新计算。")
    return redirect(url_for("pay.deductions", month=month))


@bp.post("/pay/deductions/import")
@login_required
def import_deductions():
    month = month_arg()
    form = UploadForm()
    upload = form.file.data if form.validate() else None
    if upload is None or not upload.filename:
        return refused(deductions, "请选择要导入的文件。")
    result, error = run_form(
        EmptyForm(), lambda: deduction_service.import_deductions(current_user, month, upload.filename, upload.read())
    )
    if error:
        return refused(deductions, error.message, error.status)
    if not result.ok:
        g.import_result = result
        return refused(deductions, f"文件有 {len(result.problems)} 处问题,没有导入任何一行。")
    flash(f"已导入 {result.saved} 人的扣款。")
    return redirect(url_for("pay.deductions", month=month))


@bp.post("/pay/deductions/none")
@login_required
def no_deductions():
    month = month_arg()
    form = RequiredReasonForm()
    _, error = run_form(form, lambda: deduction_service.mark_none(current_user, month, form.reason.data))
    if error:
        return refused(deductions, error.message, error.status)
    flash(f"已记录 {month} 无扣款。")
    return redirect(url_for("pay.deductions", month=month))


@bp.get("/pay.xlsx")
@login_required
def export():
    require(current_user, "hr")
    month = month_arg()
    audit.downloaded(current_user, "export.pay", f"{month} 工资表", month)
    run = pay_runs.current_run(month)
    if run is None:
        raise ServiceError(f"{month} 还没有核算工资。")
    book = pay_workbook(run)
    return Response(
        stream_with_context(workbook_chunks(book)),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=pay-{month}-run{run.run_no}.xlsx"},
    )
