"""XLSX exports of a department month's KPI results (explanations included)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

from ..policy.names import STAR_NAMES
from ..policy.numbers import round2
from ..policy.parameters import KPI_ITEMS
from .kpi import DepartmentKpi

CHUNK = 64 * 1024


def kpi_workbook(kpi: DepartmentKpi, department_name: str):
    """The ranking sheet and an explanations sheet, as a write-only workbook (rows go to disk as written)."""
    from openpyxl import Workbook  # imported lazily: the web worker stays small until needed

    items = kpi.policy.kpi.items
    book = Workbook(write_only=True)
    sheet = book.create_sheet("排名")
    sheet.freeze_panes = "D3"  # the title and header rows, 排名/工号/姓名 stay in view
    set_widths(sheet, [6, 9, 10, *[9] * len(KPI_ITEMS), 10, 9, 9, 9, 9, 14])
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
    sheet.append([bold(sheet, f"{department_name} {kpi.month} 绩效结果(政策版本 {kpi.policy.version})")])
    sheet.append([bold(sheet, text) for text in header])
    ranked = kpi.ranked()
    for rank, row in ranked:
        s = row.score
        scores = [*[s.items[k].score for k in KPI_ITEMS], s.incident_points, s.total, s.qa_avg]
        sheet.append(
            cells(
                sheet,
                [
                    rank,
                    row.employee.code,
                    row.employee.name,
                    *[_number(sheet, round2(value)) for value in scores],
                    s.qa_rank,
                    s.production_rank,
                    "、".join(STAR_NAMES[x] for x in s.stars),
                ],
            )
        )
    explained = book.create_sheet("说明")
    explained.freeze_panes = "A2"
    set_widths(explained, [9, 10, 14, 8, 90])
    explained.append([bold(explained, text) for text in ("工号", "姓名", "考核项", "得分", "说明")])
    for _, row in ranked:
        lines = [
            (row.score.items[key].name, row.score.items[key].score, row.score.items[key].explanation)
            for key in KPI_ITEMS
        ]
        lines += [(line.name, line.points, line.explanation) for line in row.score.incidents]
        lines.append(("总分", row.score.total, row.score.explanation))
        for name, value, text in lines:
            explained.append(
                cells(explained, [row.employee.code, row.employee.name, name, round2(value), _wrapped(explained, text)])
            )
    return book


def cells(sheet, values) -> list:
    """A row of write-only cells in which every string is text: a name starting with "=" never becomes a
    formula in HR's spreadsheet; dates read as dates."""
    import datetime as dt

    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    row = []
    for value in values:
        if isinstance(value, Cell):  # made already (bold, number format)
            row.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        row.append(cell)
    return row


def bold(sheet, value):
    """A bold text cell (titles, headers, totals)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


MONEY_FORMAT = '"¥"#,##0.00'


def money_cell(sheet, value, bold: bool = False):
    """An amount of money, shown as ¥3,300.00 (the number stays a number: sums work)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = MONEY_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def set_widths(sheet, widths: list[float]) -> None:
    """Column widths in characters, set before the first row is written (write-only sheets need that)."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _number(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "0.00"
    return cell


def _wrapped(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.alignment = Alignment(wrap_text=True)
    return cell


def workbook_chunks(book) -> Iterator[bytes]:
    """Save a (write-only) workbook to a temporary file and yield it in chunks: memory stays flat."""
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            yield chunk
