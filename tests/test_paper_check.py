"""Checking a printed notice without logging in: number + code, no amount, misses all look alike (issue 11)."""

from __future__ import annotations

import re

from factories import confirmed_pay
from pypdf import PdfReader

from csapp.extensions import db
from csapp.services import issuing
from csapp.services.paper_check import ALPHABET, mask_name, normalise


def _archive(db_app, notice):
    from pathlib import Path

    return Path(db_app.config["ARCHIVE_DIR"]) / notice.path


def test_masked_names_and_codes():
    assert [mask_name(n) for n in ("张三丰", "张三", "欧阳堃喆", "王")] == ["张*丰", "张*", "欧**喆", "*"]
    assert normalise(" abcd-efil ") == "ABCDEF11" and normalise("o0") == "00"


def test_a_printed_notice_is_checked_by_number_and_code_without_login(db_app, org, login):
    db_app.config["PUBLIC_BASE_URL"] = "https://hr.example.cn/"
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    slip = next(s for s in run.slips if s.employee_id == org["agents"][0].id)
    notice = issuing.issue_pay_notice(hr, slip.id)
    code = notice.verification_code
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    text = "".join(page.extract_text() for page in PdfReader(_archive(db_app, notice)).pages)
    text = re.sub(r"\s", "", text)
    assert f"核验码{code[:4]}-{code[4:]}" in text and f"https://hr.example.cn/v/{notice.number}/{code}" in text
    assert b"<svg" not in _archive(db_app, notice).read_bytes()  # drawn as vector paths, not left as markup

    anonymous = db_app.test_client()
    page = anonymous.get(f"/v/{notice.number}/{code.lower()}")
    body = page.data.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert page.status_code == 200 and "有效" in body and notice.number in body and "张*" in body
    assert "张三" not in main and not re.search(r"¥|\d+\.\d\d", main), main  # never an amount
    wrong = anonymous.get(f"/v/{notice.number}/{'0' * 8 if code != '0' * 8 else '1' * 8}")
    unknown = anonymous.get(f"/v/GZ2099-99999/{code}")
    strip = lambda r: r.data.decode().replace(notice.number, "").replace("GZ2099-99999", "")  # noqa: E731
    assert wrong.status_code == unknown.status_code == 404 and strip(wrong) == strip(unknown)
    assert anonymous.get(f"/v?number={notice.number}&code={code[:4]}-{code[4:]}").status_code == 200

    issuing.void(hr, notice.id, "发放对象有误")
    assert "已作废" in anonymous.get(f"/v/{notice.number}/{code}").data.decode()


def test_the_paper_check_is_rate_limited_in_chinese(db_app, org):
    db_app.config["PAPER_CHECK_LIMIT"] = "3 per minute"
    client = db_app.test_client()
    answers = [client.get("/v/GZ2026-00001/ABCDEFGH", environ_base={"REMOTE_ADDR": "10.9.9.9"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert "请求过于频繁" in answers[-1].data.decode()
    db.session.rollback()
