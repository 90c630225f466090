"""工资表 as XLSX: title rows, a frozen header, money formatted as ¥, widths, totals; streamed write-only."""

from __future__ import annotations

from decimal import Decimal

from .. import clock
from ..models import PayRun
from ..policy import names
from ..policy.pay import PAY_LINE_NAMES, PAY_LINES
from .exports import bold, cells, money_cell, set_widths
from .pay import deductions as deduction_service
from .policy_book import policy_in

FIXED = ["工号", "姓名", "部门", "职级", "在职天数", "绩效总分"]


def pay_workbook(run: PayRun):
    """The run's slips (one row a person, a totals row) and a sheet of explanations."""
    from openpyxl import Workbook

    month = run.month
    kinds = deduction_service.kinds(month)
    header = [*FIXED, *[PAY_LINE_NAMES[k] for k in PAY_LINES], "应发合计", *kinds.values(), "扣款合计", "实发合计"]
    money_from = len(FIXED)  # every column from here on is money
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工资表")
    sheet.freeze_panes = "C4"  # the title rows and header stay, and so do 工号 and 姓名
    set_widths(sheet, [9, 10, 10, 14, 9, 9] + [12] * (len(header) - money_from))
    sheet.append([bold(sheet, f"工资表 · {month}")])
    status = run.status.label + (f"(第 {run.confirm_no} 次确认)" if run.confirm_no else "")
    sheet.append(
        cells(sheet, [f"第 {run.run_no} 次核算 · {status} · 政策版本 {run.policy_version} · 导出于 "
                      f"{clock.now_local():%Y-%m-%d %H:%M}(北京时间)"])
    )  # fmt: skip
    sheet.append([bold(sheet, text) for text in header])
    policy = policy_in(month)
    totals = [Decimal(0)] * (len(header) - money_from)
    for slip in run.slips:
        grade = names.grade_name(policy, slip.grade, slip.employee.employment_in(month) == "regular")
        money = [
            *[getattr(slip, k) for k in PAY_LINES],
            slip.gross,
            *[Decimal(slip.deductions.get(k, 0)) for k in kinds],
            slip.deductions_total,
            slip.net,
        ]
        totals = [t + (m or 0) for t, m in zip(totals, money)]
        fixed = [
            slip.employee.code,
            slip.employee.name,
            slip.employee.department.name,
            grade,
            slip.employed_days or "全月",
            slip.kpi_score,
        ]
        sheet.append(cells(sheet, [*fixed, *[money_cell(sheet, m) for m in money]]))
    label = f"合计({len(run.slips)} 人)"
    sheet.append([bold(sheet, label), *[None] * (money_from - 1), *[money_cell(sheet, t, bold=True) for t in totals]])
    notes = book.create_sheet("说明")
    notes.freeze_panes = "A2"
    set_widths(notes, [9, 10, 12, 90])
    notes.append([bold(notes, text) for text in ("工号", "姓名", "项目", "说明")])
    for slip in run.slips:
        for key, text in slip.explanations.items():
            notes.append(
                cells(notes, [slip.employee.code, slip.employee.name, PAY_LINE_NAMES.get(key, "绩效总分"), text])
            )
    return book
