"""Signed PDF notices: their text, their fonts, and strict verification of their signatures."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from factories import confirmed_pay, employee, metrics
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from csapp.extensions import db
from csapp.notices.pki import create_pki
from csapp.notices.render import FACES, FONT_DIR, MissingGlyph, render_pdf
from csapp.notices.signing import load_signer, sign_pdf, verify_pdf
from csapp.services import issuing, notices

RARE = "堃喆珺瑄昇龑堉䶮"


SHIPPED = {"CSAppSans", "CSAppSans-Bold", "CSAppSymbols"}  # the @font-face families of csapp.notices.render


def pdf_text(data: bytes) -> str:
    """The PDF's text without white space (letter-spacing and line breaks put it anywhere)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font.get("/FontDescriptor")
            )
            assert descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (
                f"font {font['/BaseFont']} is not embedded"
            )
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
    return fonts


def stored(app, notice) -> bytes:
    return (Path(app.config["ARCHIVE_DIR"]) / notice.path).read_bytes()


def test_every_gbk_character_is_in_the_shipped_fonts():
    covered = set()
    for _, name, _ in FACES:
        covered |= set(TTFont(FONT_DIR / name).getBestCmap())
    missing = []
    for first in range(0x81, 0xFF):
        for second in [*range(0x40, 0x7F), *range(0x80, 0xFF)]:
            try:
                char = bytes([first, second]).decode("gbk")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(char) <= 0xF8FF and ord(char) not in covered:  # user-defined areas map to PUA
                missing.append(char)
    assert missing == []
    assert all(ord(c) in covered for c in RARE + ",。:;“”()《》、—…¥")


def test_rare_names_punctuation_and_money_render_with_the_shipped_fonts_only():
    html = f"<h1>晋升通知书</h1><p>{RARE} 同志:工资 ¥3,300.00(含绩效)。“合格”;《方案》、第一条……≒</p>"
    data = render_pdf(html)
    text = pdf_text(data)
    assert RARE in text and "¥3,300.00" in text and "(含绩效)" in text
    assert pdf_fonts(data) <= SHIPPED and "CSAppSans" in pdf_fonts(data), pdf_fonts(data)


def test_a_character_no_font_has_fails_instead_of_printing_a_box():
    with pytest.raises(MissingGlyph, match="notdef"):
        render_pdf("<p>私用区字符 \ue000</p>")


def test_promotion_and_salary_change_notices(db_app, org, approved):
    promotion_notice, salary_notice = issuing.issue_for_application(org["users"]["hr"], approved.id)
    text = pdf_text(stored(db_app, promotion_notice))
    assert "晋升通知书" in text and "张三" in text and "A001" in text
    assert "话务员·一星" in text and "话务员·二星" in text and "2026年11月1日" in text
    assert "agent." not in text
    assert promotion_notice.number in text and "签发人:人事部经理林晓" in text and "电子签名" in text
    assert "绩效评分" in text and "笔试" in text  # the criteria met
    text = pdf_text(stored(db_app, salary_notice))
    assert "调薪通知单" in text and "¥3,000.00" in text and "¥3,300.00" in text and "¥300.00" in text
    assert pdf_fonts(stored(db_app, salary_notice)) <= SHIPPED
    again = issuing.issue_for_application(org["users"]["hr"], approved.id)
    assert [n.id for n in again] == [promotion_notice.id, salary_notice.id]  # issued once


def test_pay_notice_has_every_line_and_a_rare_name(db_app, org, approved):
    person = employee(org["main"], "A099", "张" + RARE[:2], grade="agent.1")
    metrics(person, "2026-10", production=900, qa=(91,))
    db.session.commit()
    run = confirmed_pay(org, "2026-10")
    slip = next(s for s in run.slips if s.employee_id == person.id)
    notice = issuing.issue_pay_notice(org["users"]["hr"], slip.id)
    text = pdf_text(stored(db_app, notice))
    assert "工资通知单" in text and "张" + RARE[:2] in text and "2026年10月" in text
    for amount in (slip.base, slip.performance, slip.attendance_bonus, slip.gross):
        assert f"¥{amount:,.2f}" in text
    assert "基本工资" in text and "绩效工资" in text and "全勤奖" in text and "应发合计" in text


def test_sign_and_verify_strictly(db_app, org, approved, pki_dir, tmp_path):
    notice = issuing.issue_for_application(org["users"]["hr"], approved.id)[0]
    data = stored(db_app, notice)
    ca = pki_dir / "ca.pem"
    good = verify_pdf(data, ca)
    assert good.valid and good.intact and good.trusted and good.covers_whole_file
    assert good.signer == "测试客服中心 人事部" and good.signed_at is not None
    report = notices.verify(data)
    assert report.valid and report.notice.number == notice.number

    flipped = bytearray(data)
    position = data.index(b"stream") + 40
    flipped[position] ^= 0x01
    assert not verify_pdf(bytes(flipped), ca).valid

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    changed = verify_pdf(buffer.getvalue(), ca)
    assert not changed.valid and "签署后文件被修改过" in changed.summary
    assert not verify_pdf(data + b"x", ca).valid  # one byte appended
    assert "末尾被追加" in verify_pdf(data + b"\n% junk\n", ca).summary

    other = create_pki(tmp_path / "other", "别的公司", "别的公司 人事部")
    foreign = sign_pdf(render_pdf("<p>伪造的通知书</p>"), load_signer(other.signer_p12))
    result = verify_pdf(foreign, ca)
    assert not result.valid and not result.trusted and "不是本单位证书颁发机构签发的" in result.summary
    assert not verify_pdf(render_pdf("<p>没有签名</p>"), ca).signed
    assert not verify_pdf(b"not a pdf", ca).valid


def test_verify_command_exit_codes(db_app, org, approved, tmp_path):
    notice = issuing.issue_for_application(org["users"]["hr"], approved.id)[0]
    good = tmp_path / "good.pdf"
    good.write_bytes(stored(db_app, notice))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes() + b"\n% appended\n")
    runner = db_app.test_cli_runner()
    result = runner.invoke(args=["pdf", "verify", str(good)])
    assert result.exit_code == 0 and "签名有效" in result.output and notice.number in result.output
    result = runner.invoke(args=["pdf", "verify", str(bad)])
    assert result.exit_code == 1 and "签名无效" in result.output and "末尾被追加" in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + b"[" * 100000)
    result = runner.invoke(args=["pdf", "verify", str(garbage)])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1


def test_verify_page_and_own_notices(db_app, org, approved, login):
    notice = issuing.issue_for_application(org["users"]["hr"], approved.id)[0]
    data = stored(db_app, notice)
    page = (
        login("agent2")
        .post("/verify", data={"file": (io.BytesIO(data), "n.pdf")}, content_type="multipart/form-data")
        .data.decode()
    )
    assert "✔ 真实有效" in page and notice.number in page
    page = (
        login("agent2")
        .post("/verify", data={"file": (io.BytesIO(data[:-200]), "n.pdf")}, content_type="multipart/form-data")
        .data.decode()
    )
    assert "✘ 未通过验证" in page
    agent = login("agent")
    assert notice.number in agent.get("/me/notices").data.decode()
    response = agent.get(f"/notices/{notice.id}.pdf")
    assert response.status_code == 200 and response.data == data
    assert login("agent2").get(f"/notices/{notice.id}.pdf").status_code == 403


def test_issuing_refuses_without_a_configured_signatory(db_app, org, approved):
    from csapp.services import jobs
    from csapp.services.errors import ServiceError

    db_app.config["NOTICE_SIGNATORY_NAME"] = ""
    with pytest.raises(ServiceError, match="尚未设置通知书签发人"):
        jobs.create(org["users"]["hr"], "application", "", application_id=approved.id)


def test_the_pay_notice_reads_as_hr_writes_it(db_app, org):
    from factories import MONTH, confirmed_pay

    from csapp.services.pay import deductions

    hr = org["users"]["hr"]
    deductions.set_deductions(hr, org["agents"][0].id, MONTH, {"income_tax": Decimal("12.35")})
    run = confirmed_pay(org)
    slip = next(s for s in run.slips if s.employee_id == org["agents"][0].id)
    notice = issuing.issue_pay_notice(hr, slip.id)
    text = pdf_text(stored(db_app, notice))
    assert "个人所得税" in text and "−¥12.35" in text and "实发合计" in text and f"¥{slip.net:,.2f}" in text
    assert "发薪日2026年11月15日" in text and "签发人:人事部经理林晓" in text
    assert "实发金额(大写):人民币" in text and "第1页/共1页" in text
