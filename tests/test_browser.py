"""Real-browser tests: Debian's chromium driven by Playwright against a live server."""

from __future__ import annotations

import contextlib
import re
import threading

import pytest
from conftest import SIGNATORY
from factories import MONTH, PASSWORD, build_org
from playwright.sync_api import expect
from werkzeug.serving import make_server

from csapp import create_app
from csapp.extensions import db

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@contextlib.contextmanager
def served(app):
    """Serve *app* on a free loopback port in a thread; yield its base URL; stop it and close its database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture()
def live_server(tmp_path):
    app = create_app({"SECRET_KEY": "browser", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        org = build_org()
        ids = {"a1": org["agents"][0].id, "a2": org["agents"][1].id}
        db.session.remove()
    with served(app) as base:
        yield base, ids


@pytest.fixture(scope="module")
def browser():
    """One chromium for all browser tests; each test gets its own context (cookies, storage).

    Module scope: Playwright's sync API keeps an event loop running while it is open, and pyHanko's
    signing (asyncio.run) in the other modules' tests must not see it.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


RESOURCE_STATUS = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")


@pytest.fixture()
def page(browser):
    """A page that fails its test on any CSP violation or console error.

    A test that provokes an error status on purpose lists it in ``page.expected_statuses``: Chromium's
    "Failed to load resource … status of N" for those is not an error.
    """
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.expected_statuses = set()
    problems: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    unexpected = [
        text
        for text in problems
        if not ((match := RESOURCE_STATUS.match(text)) and int(match.group(1)) in page.expected_statuses)
    ]
    assert unexpected == [], unexpected


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_supervisor_edits_a_cell_and_the_row_total_changes_in_place(live_server, page):
    base, ids = live_server
    log_in(page, base, "sup")
    page.goto(f"{base}/entry?month={MONTH}")
    total = page.locator(f"#c-{ids['a2']}-total")
    before = total.inner_text()
    page.evaluate("window.__stillHere = 'yes'")  # lost if the page reloads
    cell = page.locator(f"#in-{ids['a2']}-im_unprocessed")
    cell.fill("2")
    cell.press("Tab")  # change → htmx save; focus moves along the row
    expect(total).not_to_have_text(before)
    assert float(total.inner_text()) == float(before) - 4  # two unprocessed chats × −2
    assert page.evaluate("window.__stillHere") == "yes"
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"in-{ids['a2']}-avg_call_seconds"


def test_a_bad_value_shows_a_chinese_error_next_to_the_cell(live_server, page):
    base, ids = live_server
    page.expected_statuses.add(422)  # the refused save answers 422, swapped into the cell
    log_in(page, base, "sup")
    page.goto(f"{base}/entry?month={MONTH}")
    cell = page.locator(f"#in-{ids['a1']}-production")
    cell.fill("abc")
    cell.press("Tab")
    error = page.locator(f"#err-{ids['a1']}-production")
    error.wait_for()
    assert "须填数字" in error.inner_text()


@pytest.fixture(params=["sqlite", "pg"])
def promotion_server(request, tmp_path, pki_dir):
    """The whole promotion journey's server: on SQLite and, once, on PostgreSQL (issue 16)."""
    from factories import fill_cycle

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    if request.param == "pg":
        url = request.getfixturevalue("postgres").fresh("browser_journey")
    app = create_app(
        {
            "SECRET_KEY": "browser",
            "TODAY": "2026-11-03",
            "SQLALCHEMY_DATABASE_URI": url,
            "PKI_DIR": str(pki_dir),
            "ARCHIVE_DIR": str(tmp_path / "archive"),
            **SIGNATORY,
            "RENDER_WORKERS": 0,
        }
    )
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        fill_cycle(build_org())
        db.session.remove()
    with served(app) as base:
        yield base


def test_whole_promotion_flow(promotion_server, page):
    base = promotion_server
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, base, "agent")
    page.goto(f"{base}/me/promotion")
    assert "话务员 · 二星" in page.inner_text("main")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/promotions/*")
    assert "待面谈" in page.inner_text(".status")
    page.context.clear_cookies()

    log_in(page, base, "head")
    page.get_by_role("link", name="待面谈 (1)").click()
    page.get_by_role("link", name="处理").click()
    page.check("input[name=interview_result][value=pass]")
    page.fill("#iv-test", "95")
    page.fill("#iv-notes", "表达清晰,业务熟练。")
    page.get_by_role("button", name="保存面谈结果").click()
    expect(page.locator(".status")).to_contain_text("待评定")
    expect(page.locator("#main-nav")).to_contain_text("待面谈 (0)")  # the count moved without a reload
    page.fill("#iv-test", "92")  # a change while HR decides: needs a reason, and HR is told
    page.fill("#iv-change", "笔试复核后更正")
    page.get_by_role("button", name="保存面谈结果").click()
    expect(page.locator("#workflow")).to_contain_text("已变化")
    page.context.clear_cookies()

    log_in(page, base, "hr")
    expect(page.locator("h1")).to_contain_text("待办")  # HR lands on its own list
    expect(page.locator("#todo")).to_contain_text("待评定的晋升申请")
    page.get_by_role("link", name="待评定 (1)").click()
    expect(page.locator("table.data")).to_contain_text("已变化")
    page.get_by_role("link", name="处理").click()
    page.fill("#decision-reason", "各项条件均满足,同意晋升。")
    page.get_by_role("button", name="批准晋升").click()
    page.wait_for_selector("text=已批准晋升")
    expect(page.locator("#workflow")).to_contain_text("晋升通知书 JS")  # issued on the queue, then listed
    expect(page.locator("#workflow")).to_contain_text("调薪通知单 TX")
    page.context.clear_cookies()

    log_in(page, base, "agent")
    page.goto(f"{base}/me/promotion")
    text = page.inner_text("main")
    assert "当前职级:话务员 · 二星" in text and "已通过" in text


@pytest.fixture()
def batch_server(tmp_path, pki_dir):
    app = create_app(
        {
            "SECRET_KEY": "browser",
            "PKI_DIR": str(pki_dir),
            "RENDER_WORKERS": 2,
            "ARCHIVE_DIR": str(tmp_path / "archive"),
            **SIGNATORY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'n.sqlite'}",
        }
    )
    with app.app_context():
        from factories import confirmed_pay

        from csapp.services.policy_seed import create_schema

        create_schema()
        org = build_org()
        slips = len(confirmed_pay(org, MONTH).slips)
        db.session.remove()
    with served(app) as base:
        yield base, slips


def test_hr_prints_a_months_pay_notices_as_one_zip(batch_server, page, tmp_path):
    import zipfile

    base, slips = batch_server
    log_in(page, base, "hr")
    page.goto(f"{base}/notices?month={MONTH}")
    page.select_option("#kind", "pay")
    page.get_by_role("button", name="开始签发").click()
    page.wait_for_url("**/notices/batch/*")
    assert page.locator("#batch-bar").count() == 1  # the progress bar
    link = page.locator("#batch-download")
    link.wait_for(timeout=60000)  # htmx polls the progress until the ZIP is ready
    assert f"共 {slips} 份" in page.inner_text("#batch-progress")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "notices.zip"
    download.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == slips
        assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())


@pytest.fixture()
def pay_server(tmp_path):
    app = create_app({"SECRET_KEY": "browser", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pay.sqlite'}"})
    with app.app_context():
        from csapp.services import month_lock
        from csapp.services.pay import deductions
        from csapp.services.policy_seed import create_schema

        create_schema()
        org = build_org()
        hr = org["users"]["hr"]
        for department in (org["main"], org["other"]):
            month_lock.lock(hr, department.id, MONTH)
        deductions.mark_none(hr, MONTH, "服务商下月一并扣除")
        spec_id = org["spec"].id
        db.session.remove()
    with served(app) as base:
        yield base, spec_id


def test_a_hire_a_one_time_password_then_a_confirmed_slip_with_net_pay(pay_server, page):
    """HR hires 林新 on 10-12 and gives her a one-time password; she must set her own; HR explains the
    gaps and confirms; she then sees her confirmed, prorated slip with 实发."""
    base, _ = pay_server
    page.on("dialog", lambda dialog: dialog.accept())
    page.expected_statuses.add(422)  # the first confirmation is refused while gaps are unexplained
    log_in(page, base, "hr")
    page.goto(f"{base}/staff")
    page.get_by_text("办理入职", exact=True).first.click()
    page.fill("#h-code", "A070")
    page.fill("#h-name", "林新")
    page.select_option("#h-dept", label="客服部")
    page.select_option("#h-track", label="话务员")
    page.fill("#h-date", f"{MONTH}-12")
    page.get_by_role("button", name="办理入职").click()
    expect(page.locator("#flash")).to_contain_text("林新(A070)已入职")
    expect(page.locator("table.timeline")).to_contain_text("入职")
    page.get_by_role("button", name="生成一次性密码").click()
    password = page.locator(".secret").inner_text()
    page.context.clear_cookies()

    page.goto(f"{base}/login")
    page.fill("#username", "a070")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/password")
    expect(page.locator("main")).to_contain_text("一次性密码")
    page.fill("#current_password", password)
    page.fill("#new_password", "my-own-pass-1")
    page.fill("#repeat_password", "my-own-pass-1")
    page.get_by_role("button", name="修改密码").click()
    page.goto(f"{base}/me/pay?month={MONTH}")
    expect(page.locator("main")).to_contain_text("尚未确认")
    page.context.clear_cookies()

    log_in(page, base, "hr")
    page.goto(f"{base}/pay?month={MONTH}")
    page.get_by_role("button", name="计算工资").click()
    page.get_by_role("button", name="确认工资").click()
    expect(page.locator("#flash")).to_contain_text("数据缺失没有说明原因")
    page.fill("#gap-reason", "考勤表月底补交,已核实")  # every unexplained gap is ticked already
    page.get_by_role("button", name="保存原因").click()
    expect(page.locator("#flash")).to_contain_text("处数据缺失填写原因")
    page.get_by_role("button", name="确认工资").click()
    expect(page.locator("#flash")).to_contain_text("第 1 次确认")
    page.context.clear_cookies()

    page.goto(f"{base}/login")
    page.fill("#username", "a070")
    page.fill("#password", "my-own-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{base}/me/pay?month={MONTH}")
    main = page.locator("main")
    expect(main).to_contain_text("实发合计")
    expect(main).to_contain_text("第 1 次确认")
    expect(main).to_contain_text("数据缺失说明")
    expect(main).to_contain_text("本月在职 20 天")  # 10-12 … 10-31 (D19)
