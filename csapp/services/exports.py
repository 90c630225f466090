"""XLSX exports of a department month's KPI results (explanations included)."""

from __future__ import annotations

import io

from ..policy.kpi import competition_ranks
from ..policy.names import STAR_NAMES
from ..policy.numbers import round2
from ..policy.parameters import KPI_ITEMS
from .kpi import DepartmentKpi


def kpi_workbook(kpi: DepartmentKpi, department_name: str) -> bytes:
    """Return an XLSX with the ranking sheet and an explanations sheet."""
    from openpyxl import Workbook  # imported lazily: the web worker stays small until needed
    from openpyxl.styles import Alignment, Font

    items = kpi.policy.kpi.items
    book = Workbook()
    sheet = book.active
    sheet.title = "排名"
    header = [
        "排名",
        "工号",
        "姓名",
        *[items[k].name for k in KPI_ITEMS],
        "管理指标项",
        "总分",
        "质检平均",
        "质检名次",
        "产量名次",
        "明星",
    ]
    sheet.append([f"{department_name} {kpi.month} 绩效结果(政策版本 {kpi.policy.version})"])
    sheet.append(header)
    rows = sorted(kpi.scored_rows, key=lambda r: (-r.score.total, r.employee.code))
    ranks = competition_ranks([r.score.total for r in rows])
    for rank, row in zip(ranks, rows):
        s = row.score
        sheet.append(
            [
                rank,
                row.employee.code,
                row.employee.name,
                *[round2(s.items[k].score) for k in KPI_ITEMS],
                round2(s.incident_points),
                round2(s.total),
                round2(s.qa_avg),
                s.qa_rank,
                s.production_rank,
                "、".join(STAR_NAMES[x] for x in s.stars),
            ]
        )
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, (int, float)) or cell.data_type == "n":
                cell.number_format = "0.00" if not isinstance(cell.value, int) else "0"
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    explained = book.create_sheet("说明")
    explained.append(["工号", "姓名", "考核项", "得分", "说明"])
    for row in rows:
        for key in KPI_ITEMS:
            item = row.score.items[key]
            explained.append([row.employee.code, row.employee.name, item.name, round2(item.score), item.explanation])
        for line in row.score.incidents:
            explained.append([row.employee.code, row.employee.name, line.name, round2(line.points), line.explanation])
        explained.append([row.employee.code, row.employee.name, "总分", round2(row.score.total), row.score.explanation])
    explained.column_dimensions["E"].width = 90
    for cells in explained.iter_rows(min_row=2):
        cells[4].alignment = Alignment(wrap_text=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
