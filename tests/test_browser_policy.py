"""In Chromium: HR edits the 接通率 threshold, previews 3 months, a second HR approves and publishes (issue 15)."""

from __future__ import annotations

import pytest
from factories import build_org, fill_cycle, user
from playwright.sync_api import expect
from test_browser import browser, log_in, page, served  # noqa: F401  (the fixtures of the browser tests)

from csapp import create_app
from csapp.extensions import db


@pytest.fixture()
def policy_server(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "browser",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
            "TODAY": "2026-11-16",
        }
    )
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        org = build_org()
        fill_cycle(org)
        user("hr2", ["hr"])
        db.session.commit()
        db.session.remove()
    with served(app) as base:
        yield base


def test_hr_edits_the_connection_target_previews_three_months_and_hr2_publishes(policy_server, page):  # noqa: F811
    base = policy_server
    log_in(page, base, "hr")
    page.goto(f"{base}/policy")
    page.fill("#effective", "2026-12")
    page.click("text=起草新版本")
    expect(page.locator("h1")).to_contain_text("草稿")
    page.click("summary:has-text('坐席绩效')")
    target = page.locator("[name='f__kpi__items__connection__target_rate']")
    expect(target).to_have_value("95")
    target.fill("97")
    page.click("text=保存草稿")
    expect(page.locator("#flash")).to_contain_text("草稿已保存")
    changed = page.locator("section[aria-labelledby='changes-h'] tbody tr")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("400电话接通率 › 达标接通率(%)")

    expect(page.locator("#months")).to_have_value("2026-08,2026-09,2026-10")  # the last 3 closed months
    page.click("text=开始预览")
    expect(page.locator("#policy-preview")).to_contain_text("受影响", timeout=30000)
    summary = page.locator("#policy-preview > p").first
    expect(summary).to_contain_text("受影响 3 人")
    expect(page.locator("table.preview")).to_contain_text("张三")
    page.click("text=应发变化")
    expect(page.locator("table.preview")).to_be_visible()

    page.goto(f"{base}/policy")
    page.click("text=编辑与审批")
    page.click("text=提交审批")
    expect(page.locator("#flash")).to_contain_text("已提交审批")
    expect(page.locator("text=须由另一位政策管理员审批")).to_be_visible()
    page.click("text=退出")

    log_in(page, base, "hr2")
    page.goto(base + "/")
    page.click("text=待审批发布")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=批准并发布")
    expect(page.locator("#flash")).to_contain_text("已批准并发布")
    expect(page.locator("h1")).to_contain_text("已发布")
    page.goto(f"{base}/policy?month=2026-12")
    expect(page.locator("h1")).to_contain_text("2026-12 适用版本 2026-12-")
    page.goto(f"{base}/policy?month=2026-11")
    expect(page.locator("h1")).to_contain_text("2026-11 适用版本 default-1")
