"""A corrected pay run re-issues only what changed; registry states and their verification (issue 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import MONTH, confirmed_pay
from pypdf import PdfReader
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import BatchJob, IssuedNotice
from csapp.services import issuing, jobs, notices, people
from csapp.services.errors import ServiceError
from csapp.services.pay import deductions


def _pay_notices() -> dict[int, IssuedNotice]:
    db.session.rollback()
    rows = db.session.scalars(select(IssuedNotice).where(IssuedNotice.kind == "pay").order_by(IssuedNotice.id))
    return {n.id: n for n in rows}


def _archive(db_app, notice) -> bytes:
    from pathlib import Path

    return (Path(db_app.config["ARCHIVE_DIR"]) / notice.path).read_bytes()


def test_a_corrected_run_supersedes_exactly_the_changed_notices(db_app, org):
    hr = org["users"]["hr"]
    first = confirmed_pay(org)
    jobs.create(hr, "pay", MONTH)
    before = {n.employee_id: (n.id, n.number) for n in _pay_notices().values()}
    assert len(before) == len(first.slips) and all(n.status == "valid" for n in _pay_notices().values())

    changed, gone = org["agents"][0], org["agents"][1]
    deductions.set_deductions(hr, changed.id, MONTH, {"income_tax": Decimal("12.34")})
    people.leave(hr, gone.id, dt.date(2026, 9, 30), "离职日补录")  # no slip for October any more
    second = confirmed_pay(org)
    assert second.id != first.id

    after = _pay_notices()
    by_id = {n.id: n for n in after.values()}
    for employee_id, (notice_id, number) in before.items():
        notice = by_id[notice_id]
        if employee_id == changed.id:
            successor = notice.successor
            assert notice.status == "superseded" and successor.status == "valid"
            assert successor.number != number and successor.supersedes_id == notice_id
            text = "".join(p.extract_text() for p in PdfReader(_pdf_path(db_app, successor)).pages)
            assert f"本通知取代 {number}" in text and "12.34" in text
        elif employee_id == gone.id:
            assert (notice.status, notice.status_reason) == ("voided", "更正后无工资单")
        else:  # unchanged: same number, still 有效, now pointing at the new run's slip
            assert notice.status == "valid" and notice.number == number
            assert notice.pay_slip_id in {s.id for s in second.slips}
    assert len(after) == len(before) + 1  # exactly one new notice
    job = db.session.scalar(select(BatchJob).where(BatchJob.kind == "pay_corrections"))
    assert (job.status, job.total, job.done) == ("done", 1, 1)


def _pdf_path(db_app, notice):
    from pathlib import Path

    return Path(db_app.config["ARCHIVE_DIR"]) / notice.path


def test_verification_says_superseded_or_voided_and_the_cli_exit_codes(db_app, org, approved, tmp_path):
    from csapp.cli.pdf import pdf_cli

    hr = org["users"]["hr"]
    promotion_notice, salary_notice = issuing.issue_for_application(hr, approved.id)
    current = _archive(db_app, promotion_notice)
    assert notices.verify(current).standing == "valid"
    issuing.void(hr, salary_notice.id, "发错对象")
    voided = notices.verify(_archive(db_app, salary_notice))
    assert voided.valid and voided.standing == "voided" and voided.headline.startswith("签名有效,但已作废")
    assert "发错对象" in voided.headline
    with pytest.raises(ServiceError, match="不能作废"):
        issuing.void(hr, salary_notice.id, "再作废一次")

    runner = db_app.test_cli_runner()
    files = {}
    for name, data in {"valid": current, "voided": _archive(db_app, salary_notice)}.items():
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(data)
    broken = bytearray(current)
    broken[current.index(b"stream") + 40] ^= 0x01
    files["invalid"] = tmp_path / "invalid.pdf"
    files["invalid"].write_bytes(bytes(broken))
    promotion_notice.status, promotion_notice.status_reason = "superseded", "测试"
    db.session.commit()
    superseded = tmp_path / "superseded.pdf"
    superseded.write_bytes(current)
    codes = {
        name: runner.invoke(pdf_cli, ["verify", str(path)]).exit_code
        for name, path in {"voided": files["voided"], "invalid": files["invalid"], "superseded": superseded}.items()
    }
    promotion_notice.status = "valid"
    db.session.commit()
    codes["valid"] = runner.invoke(pdf_cli, ["verify", str(files["valid"])]).exit_code
    assert codes == {"valid": 0, "invalid": 1, "superseded": 3, "voided": 4}


def test_my_notices_mark_superseded_and_voided(db_app, org, approved, login):
    hr = org["users"]["hr"]
    promotion_notice, salary_notice = issuing.issue_for_application(hr, approved.id)
    issuing.void(hr, salary_notice.id, "调薪标准有误")
    page = login("agent").get("/me/notices").data.decode()
    assert "已作废:调薪标准有误" in page and "有效" in page
    registry = login("hr").get(f"/notices?month={approved.month}").data.decode()
    assert "已作废:调薪标准有误" in registry and f"/notices/{promotion_notice.id}/void" in registry
