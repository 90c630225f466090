"""Uploaded tables (XLSX or CSV) read within bounds: a hostile file is refused before it is parsed.

An XLSX is a zip: its declared sizes are checked first (all members ≤ 20 MB unpacked, each ≤ 10 MB,
unpacked/packed ≤ 100), so a zip bomb never reaches openpyxl; openpyxl then reads it read-only, and
its XML goes through defusedxml (installed, so openpyxl uses it). Both formats stop at 5,000 data rows
and 60 columns; a CSV error names its row.
"""

from __future__ import annotations

import csv
import io
import zipfile

from .errors import ServiceError

MAX_ROWS = 5000  # data rows, the header not counted
MAX_COLUMNS = 60
MAX_UNPACKED = 20 * 1024 * 1024
MAX_MEMBER = 10 * 1024 * 1024
MAX_RATIO = 100


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Read the rows of a CSV (UTF-8 or GBK) or XLSX file as text cells, or refuse it in Chinese."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return _xlsx(data)
    if name.endswith(".csv"):
        return _csv(data)
    raise ServiceError("请上传 .xlsx 或 .csv 文件。")


def check_zip(data: bytes) -> None:
    """Refuse an XLSX whose declared contents are too big or too compressed (before any parsing)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ServiceError("无法读取这个 Excel 文件,请确认是 .xlsx 格式。") from None
    unpacked = sum(member.file_size for member in members)
    if any(member.file_size > MAX_MEMBER for member in members) or unpacked > MAX_UNPACKED:
        raise ServiceError(f"这个 Excel 文件解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB,不能导入;请拆分后上传。")
    if unpacked > MAX_RATIO * max(len(data), 1):
        raise ServiceError("这个 Excel 文件的压缩比异常,不能导入;请用 Excel 另存为 .xlsx 后再上传。")


def _xlsx(data: bytes) -> list[list[str]]:
    check_zip(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True):
            if len(row) > MAX_COLUMNS and any(value is not None for value in row[MAX_COLUMNS:]):
                raise ServiceError(f"表格超过 {MAX_COLUMNS} 列,不能导入。")
            rows.append(["" if v is None else _cell_text(v) for v in row[:MAX_COLUMNS]])
        book.close()
    except ServiceError:
        raise
    except Exception:  # openpyxl (and defusedxml) raise many kinds for a damaged or hostile file
        raise ServiceError("无法读取这个 Excel 文件,请确认是 .xlsx 格式。") from None
    return _bounded(rows)


def _csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ServiceError("无法识别 CSV 文件的编码,请另存为 UTF-8 格式。")
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise ServiceError(f"第 {reader.line_num} 行超过 {MAX_COLUMNS} 列,不能导入。")
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:  # the header and one row too many: refused below, nothing more read
                break
    except csv.Error:
        raise ServiceError(f"第 {reader.line_num} 行无法读取(格式错误或单元格过长),没有导入任何数据。") from None
    return _bounded(rows)


def _bounded(rows: list[list[str]]) -> list[list[str]]:
    if len(rows) > MAX_ROWS + 1:
        raise ServiceError(f"一次最多导入 {MAX_ROWS} 行数据,请拆分文件后分批上传。")
    return rows


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
