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
