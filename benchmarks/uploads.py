"""Refusal times of hostile uploads, each beside a normal small import (read_table of a 30-row XLSX).

The files are those the security issue measured: a 527 KB XLSX expanding to 131 MB, a CSV with a
200,000-character field, a CSV one row over the limit, a PDF nested 100,000 deep on 验证通知书.
"""

from __future__ import annotations

import io
import statistics
import time
import zipfile
from collections.abc import Callable


def _xlsx_rows(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "接线量", "通话均长"])
    for index in range(rows):
        sheet.append([f"A{index:04d}", 1000 + index, 100])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        row = b'<row><c t="inlineStr"><is><t>' + b"x" * 200 + b"</t></is></c></row>"
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"<sheetData>" + row * (131 * 1024 * 1024 // len(row)) + b"</sheetData>"
        )
    return buffer.getvalue()


def _median(call: Callable[[], object], rounds: int = 7) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _refused(call: Callable[[], object]) -> Callable[[], None]:
    from csapp.services.errors import ServiceError

    def run() -> None:
        try:
            call()
        except ServiceError:
            return
        raise AssertionError("the hostile upload was not refused")

    return run


def upload_report(report) -> None:
    """Print one bench line per hostile upload: refusal time against the normal import's time."""
    from csapp.notices.signing import verify_pdf
    from csapp.services.table_files import MAX_ROWS, read_table

    normal = _xlsx_rows(30)
    floor = _median(lambda: read_table("m.xlsx", normal))
    bomb = _bomb()
    print(f"      (the bomb: {len(bomb) / 1024:.0f} KB, 131 MB unpacked)")
    long_field = ("工号,接线量\nA001," + "9" * 200_000 + "\n").encode()
    too_many = ("工号,接线量\n" + "".join(f"A{i},1\n" for i in range(MAX_ROWS + 1))).encode()
    nested = b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"]" * 100_000 + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    cases = {
        "xlsx_bomb": _refused(lambda: read_table("m.xlsx", bomb)),
        "csv_long_field": _refused(lambda: read_table("m.csv", long_field)),
        "csv_too_many_rows": _refused(lambda: read_table("m.csv", too_many)),
        "nested_pdf": lambda: verify_pdf(nested, []),
    }
    for name, call in cases.items():
        report(f"upload_refusal_{name}_ms", _median(call) * 1000, floor * 1000, 1.0, "ms")
