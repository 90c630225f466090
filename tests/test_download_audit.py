"""Files taken out of the system — notices and exports — leave an audit row naming who took what."""

from __future__ import annotations

from factories import MONTH
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import AuditEntry, IssuedNotice


def _rows(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_notice_download_is_audited_with_its_number(db_app, login, org, approved):
    notice = db.session.scalars(select(IssuedNotice).where(IssuedNotice.employee_id == org["agents"][0].id)).first()
    response = login("agent").get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    [row] = _rows("notice.download")
    assert (row.subject, row.user_id, row.entity_id) == (notice.number, org["users"]["agent"].id, notice.id)


def test_exports_are_audited_and_a_refused_one_is_not(db_app, login, org):
    hr = login("hr")
    hr.post(f"/pay?month={MONTH}")
    for url in (f"/pay.xlsx?month={MONTH}", f"/ranking.xlsx?month={MONTH}", "/staff/roster.xlsx"):
        response = hr.get(url)
        response.get_data()
        response.close()
        assert response.status_code == 200, url
    assert [r.subject for r in _rows("export.pay")] == [f"{MONTH} 工资表"]
    assert [r.subject for r in _rows("export.ranking")] == [f"客服部 {MONTH} 排名"]
    assert len(_rows("export.roster")) == 1
    assert login("agent").get(f"/pay.xlsx?month={MONTH}").status_code == 403
    assert len(_rows("export.pay")) == 1
