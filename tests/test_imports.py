"""Importing a month's metrics: all rows valid → all saved; any row invalid → nothing saved."""

from __future__ import annotations

import io

import pytest
from factories import MONTH
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from csapp.extensions import db
from csapp.models import AgentMonth, AuditEntry, DissatisfiedCase, QaSample
from csapp.services.imports import HEADERS, import_metrics

GOOD_ROWS = [
    ["A001", "张三", "1500", "1", "0", "110.5", "0", "0", "0", "0", "0", "95", "96", "97", "98", "99", "R-9;R-10"],
    ["A002", "李四", "1300", "0", "2", "125", "1", "0", "1", "0", "0", "90", "91", "", "", "", ""],
]


def csv_bytes(rows, header=HEADERS, encoding="utf-8-sig"):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows, header=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot():
    rows = db.session.execute(
        select(AgentMonth.employee_id, AgentMonth.production, AgentMonth.im_unprocessed).order_by(
            AgentMonth.employee_id
        )
    ).all()
    return (
        rows,
        db.session.scalar(select(func.count()).select_from(QaSample)),
        db.session.scalar(select(func.count()).select_from(DissatisfiedCase)),
    )


@pytest.mark.parametrize(
    "name, data",
    [
        ("m.csv", csv_bytes(GOOD_ROWS)),
        ("m.xlsx", xlsx_bytes(GOOD_ROWS)),
        ("gbk.csv", csv_bytes(GOOD_ROWS, encoding="gb18030")),
    ],
)
def test_a_valid_file_saves_every_row(org, name, data):
    sup, (a1, _, _) = org["users"]["supervisor"], org["agents"]
    result = import_metrics(sup, org["main"].id, MONTH, name, data, replace_qa=True)
    assert result.ok and result.saved == 2
    first = db.session.scalar(select(AgentMonth).where(AgentMonth.employee_id == a1.id))
    assert first.production == 1500 and str(first.avg_call_seconds) == "110.50"
    samples = db.session.scalars(select(QaSample.score).where(QaSample.employee_id == a1.id)).all()
    assert sorted(int(s) for s in samples) == [95, 96, 97, 98, 99]
    cases = db.session.scalars(select(DissatisfiedCase.recording_id).where(DissatisfiedCase.employee_id == a1.id)).all()
    assert sorted(cases) == ["R-10", "R-9"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import.metrics")) is not None


def _bad(rows=None, header=HEADERS):
    return csv_bytes(rows if rows is not None else GOOD_ROWS, header)


BAD = [
    ("bad header", _bad(header=[h if h != "接线量" else "产量" for h in HEADERS]), 1, "产量"),
    ("missing column", _bad(header=[h for h in HEADERS if h != "通话均长(秒)"]), 1, "通话均长(秒)"),
    ("text in number", _bad([GOOD_ROWS[0], ["A002", "李四", "很多", *GOOD_ROWS[1][3:]]]), 3, "接线量"),
    ("unknown employee", _bad([GOOD_ROWS[0], ["Z999", "无名", *GOOD_ROWS[1][2:]]]), 3, "工号"),
    ("other department", _bad([GOOD_ROWS[0], ["B001", "周六", *GOOD_ROWS[1][2:]]]), 3, "工号"),
    ("duplicate row", _bad([GOOD_ROWS[0], GOOD_ROWS[0]]), 3, "工号"),
    ("negative count", _bad([GOOD_ROWS[0], ["A002", "李四", "1300", "-1", *GOOD_ROWS[1][4:]]]), 3, "未处理反馈"),
    ("qa over 100", _bad([GOOD_ROWS[0], ["A002", "李四", *GOOD_ROWS[1][2:11], "101", *GOOD_ROWS[1][12:]]]), 3, "质检1"),
]


@pytest.mark.parametrize("label, data, row, column", BAD, ids=[b[0] for b in BAD])
def test_any_bad_row_saves_nothing(org, label, data, row, column):
    before = snapshot()
    result = import_metrics(org["users"]["supervisor"], org["main"].id, MONTH, "m.csv", data)
    assert not result.ok
    assert any(p.row == row and p.column == column for p in result.problems), result.problems
    db.session.rollback()
    assert snapshot() == before


def test_not_a_spreadsheet_is_refused(org):
    from csapp.services.errors import ServiceError

    with pytest.raises(ServiceError, match="xlsx 或 .csv"):
        import_metrics(org["users"]["supervisor"], org["main"].id, MONTH, "m.pdf", b"%PDF")
    with pytest.raises(ServiceError, match="无法读取"):
        import_metrics(org["users"]["supervisor"], org["main"].id, MONTH, "m.xlsx", b"not a zip")


def test_upload_page_shows_the_errors_table(db_app, login):
    client = login("sup")
    data = {"file": (io.BytesIO(BAD[2][1]), "m.csv")}
    response = client.post(f"/import?month={MONTH}", data=data, content_type="multipart/form-data")
    page = response.data.decode()
    assert response.status_code == 422
    assert "没有保存任何数据" in page and "“接线量”须填数字" in page


def test_template_lists_the_departments_agents(db_app, login):
    response = login("sup").get(f"/import/template.xlsx?month={MONTH}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    assert [r[0] for r in rows[1:]] == ["A001", "A002", "A003"]


def test_export_has_every_scored_agent_with_explanations(db_app, login):
    response = login("sup").get(f"/ranking.xlsx?month={MONTH}")
    book = load_workbook(io.BytesIO(response.data))
    ranking = list(book["排名"].iter_rows(values_only=True))
    assert [r[1] for r in ranking[2:]] == ["A001", "A002", "A003"]
    assert ranking[1][0] == "排名" and ranking[1][-3] == "质检名次"
    explanations = [r[4] for r in book["说明"].iter_rows(values_only=True)]
    assert any("部门接通率 96.00% 达到 95%" in (e or "") for e in explanations)


def test_recorded_qa_samples_are_kept_unless_replacing_them_is_chosen(org):
    sup, a1 = org["users"]["supervisor"], org["agents"][0]
    sample = db.session.scalar(select(QaSample).where(QaSample.employee_id == a1.id))
    sample.recording_id = "REC-HAND-1"
    db.session.commit()
    assert import_metrics(sup, org["main"].id, MONTH, "m.csv", csv_bytes(GOOD_ROWS)).ok
    kept = db.session.scalars(select(QaSample).where(QaSample.employee_id == a1.id)).all()
    assert sorted(int(s.score) for s in kept) == [96, 98] and "REC-HAND-1" in {s.recording_id for s in kept}
    first = db.session.scalar(select(AgentMonth).where(AgentMonth.employee_id == a1.id))
    assert first.production == 1500  # the metrics themselves were imported


def test_the_web_import_shows_a_preview_and_saves_only_on_confirmation(db_app, login, org):
    from csapp.models import ImportDraft

    sup, a1 = login("sup"), org["agents"][0]
    before = db.session.scalar(select(AgentMonth.production).where(AgentMonth.employee_id == a1.id))
    response = sup.post(
        f"/import?dept={org['main'].id}&month={MONTH}", data={"file": (io.BytesIO(csv_bytes(GOOD_ROWS)), "m.csv")}
    )
    assert response.status_code == 303 and "/import/drafts/" in response.headers["Location"]
    db.session.rollback()
    assert db.session.scalar(select(AgentMonth.production).where(AgentMonth.employee_id == a1.id)) == before
    page = sup.get(response.headers["Location"]).data.decode()
    assert "尚未保存" in page and f"接线量:{before} → 1500" in page and "替换已登记的质检样本" in page
    assert login("hr").get(response.headers["Location"]).status_code == 403  # someone else's upload
    done = sup.post(response.headers["Location"], data={"month": MONTH, "dept": org["main"].id})
    assert done.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(AgentMonth.production).where(AgentMonth.employee_id == a1.id)) == 1500
    samples = db.session.scalars(select(QaSample.score).where(QaSample.employee_id == a1.id)).all()
    assert sorted(int(s) for s in samples) == [96, 98]  # not ticked: the recorded samples stay
    assert db.session.scalar(select(ImportDraft)) is None
    assert sup.get(response.headers["Location"]).status_code == 404  # applied once, then gone
