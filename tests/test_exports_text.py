"""A name starting with "=" stays text in every XLSX export, never a live formula (issue 13)."""

from __future__ import annotations

import io

from factories import MONTH, confirmed_pay
from openpyxl import load_workbook

from csapp.db import write_transaction


def _cells(data: bytes, sheet: str) -> list:
    return [cell for row in load_workbook(io.BytesIO(data))[sheet].iter_rows() for cell in row]


def test_a_formula_like_name_is_written_as_text_in_the_pay_and_ranking_exports(db_app, org, login):
    with write_transaction():
        org["agents"][0].name = '=HYPERLINK("http://evil.example","张三")'
    confirmed_pay(org)
    hr = login("hr")
    for url, sheet in ((f"/pay.xlsx?month={MONTH}", "工资表"), (f"/ranking.xlsx?month={MONTH}", "排名")):
        found = [c for c in _cells(hr.get(url).get_data(), sheet) if str(c.value).startswith("=HYPERLINK")]
        assert found and all(c.data_type == "s" for c in found), url


def test_the_pay_export_has_title_rows_a_frozen_header_money_format_widths_and_totals(db_app, login, org):
    from decimal import Decimal

    hr = login("hr")
    hr.post(f"/pay?month={MONTH}")
    book = load_workbook(io.BytesIO(hr.get(f"/pay.xlsx?month={MONTH}").data))
    sheet = book["工资表"]
    assert (
        sheet["A1"].value == f"工资表 · {MONTH}"
        and "第 1 次核算" in sheet["A2"].value
        and "政策版本" in sheet["A2"].value
    )
    assert sheet["A3"].value == "工号" and sheet["A3"].font.bold
    assert sheet.freeze_panes == "C4"
    header = [c.value for c in sheet[3]]
    net = header.index("实发合计") + 1
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    people, total = rows[:-1], rows[-1]
    assert total[0].startswith("合计") and Decimal(str(total[net - 1])) == sum(Decimal(str(r[net - 1])) for r in people)
    assert sheet.cell(row=4, column=net).number_format == '"¥"#,##0.00'
    assert sheet.column_dimensions["B"].width == 10
    ranking = load_workbook(io.BytesIO(hr.get(f"/ranking.xlsx?month={MONTH}").data))["排名"]
    assert ranking.freeze_panes == "D3" and "政策版本" in ranking["A1"].value
