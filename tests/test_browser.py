"""Real-browser tests: Debian's chromium driven by Playwright against a live server."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from csapp import create_app
from csapp.extensions import db
from factories import MONTH, PASSWORD, build_org

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]


@pytest.fixture()
def live_server(tmp_path):
    app = create_app({"SECRET_KEY": "browser", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    with app.app_context():
        db.create_all()
        org = build_org()
        ids = {"a1": org["agents"][0].id, "a2": org["agents"][1].id}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture()
def page():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        yield page
        browser.close()


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
    page.wait_for_function(f"document.querySelector('#c-{ids['a2']}-total').innerText !== {before!r}")
    assert float(total.inner_text()) == float(before) - 4  # two unprocessed chats × −2
    assert page.evaluate("window.__stillHere") == "yes"
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"in-{ids['a2']}-avg_call_seconds"


def test_a_bad_value_shows_a_chinese_error_next_to_the_cell(live_server, page):
    base, ids = live_server
    log_in(page, base, "sup")
    page.goto(f"{base}/entry?month={MONTH}")
    cell = page.locator(f"#in-{ids['a1']}-production")
    cell.fill("abc")
    cell.press("Tab")
    error = page.locator(f"#err-{ids['a1']}-production")
    error.wait_for()
    assert "须填数字" in error.inner_text()
