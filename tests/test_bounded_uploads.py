"""Hostile uploads are refused in Chinese before they are parsed, and change nothing (issue 13)."""

from __future__ import annotations

import io
import zipfile

import pytest

from csapp.notices.signing import verify_pdf
from csapp.services.errors import ServiceError
from csapp.services.table_files import MAX_ROWS, read_table


def _bomb() -> bytes:
    """A small XLSX-named zip whose one member unpacks to 30 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_openpyxl_ever_sees_it(monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was called for the bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    data = _bomb()
    assert len(data) < 100_000
    with pytest.raises(ServiceError, match="解压后超过"):
        read_table("m.xlsx", data)


def test_a_highly_compressed_small_file_is_refused_too(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"a" * (5 * 1024 * 1024))  # 5 MB → a few KB
    with pytest.raises(ServiceError, match="压缩比异常"):
        read_table("m.xlsx", buffer.getvalue())


def test_csv_limits_name_the_row():
    long_field = "工号,接线量\nA001," + "9" * 200_000 + "\n"
    with pytest.raises(ServiceError, match="第 2 行无法读取"):
        read_table("m.csv", long_field.encode())
    too_many = "工号,接线量\n" + "".join(f"A{i},1\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ServiceError, match=f"最多导入 {MAX_ROWS} 行"):
        read_table("m.csv", too_many.encode())
    just_enough = "工号,接线量\n" + "".join(f"A{i},1\n" for i in range(MAX_ROWS))
    assert len(read_table("m.csv", just_enough.encode())) == MAX_ROWS + 1


def test_an_import_of_a_bomb_through_the_page_is_a_chinese_422_and_saves_nothing(db_app, login, org):
    from csapp.extensions import db
    from csapp.models import AgentMonth

    before = db.session.query(AgentMonth).count()
    response = login("sup").post(
        f"/import?dept={org['main'].id}&month=2026-11",
        data={"file": (io.BytesIO(_bomb()), "m.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "解压后超过" in response.get_data(as_text=True)
    assert db.session.query(AgentMonth).count() == before


def test_a_deeply_nested_pdf_gets_a_chinese_answer_not_a_500(pki_dir):
    nested = b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"]" * 100_000 + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    result = verify_pdf(nested, [pki_dir / "ca.pem"])
    assert result.summary == "签名无效:不是可读取的 PDF 文件(文件已损坏或不是 PDF)"
