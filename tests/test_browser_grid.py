"""The entry grid in a real browser: keyboard-only entry like a spreadsheet, ≥ 12 rows at 1366×768 (issue 14)."""

from __future__ import annotations

import pytest
from factories import MONTH, build_org, employee, metrics
from playwright.sync_api import expect
from test_browser import browser, log_in, page, served  # noqa: F401  (fixtures shared with the other browser tests)

from csapp import create_app
from csapp.extensions import db


@pytest.fixture()
def grid_server(tmp_path):
    """The small organisation plus 15 agents, so the grid has more rows than a screen."""
    app = create_app({"SECRET_KEY": "browser", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'g.sqlite'}"})
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        org = build_org()
        for index in range(15):
            metrics(employee(org["main"], f"A1{index:02d}", f"坐席{index:02d}"), production=900 + index)
        db.session.commit()
        ids = [a.id for a in org["agents"]]
        db.session.remove()
    with served(app) as base:
        yield base, ids


def test_at_least_twelve_rows_show_at_1366_by_768_with_nothing_wrapped(grid_server, page):  # noqa: F811
    base, _ = grid_server
    log_in(page, base, "sup")
    page.goto(f"{base}/entry?month={MONTH}&team=all")
    visible = page.evaluate(
        """() => [...document.querySelectorAll('table.grid tbody tr')]
              .filter(r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }).length"""
    )
    assert visible >= 12
    heights = page.evaluate("() => [...document.querySelectorAll('table.grid tbody tr')].map(r => r.offsetHeight)")
    assert max(heights) < 40  # one line per row: no name or "5 条 · 93.00" wraps
    header = page.locator("table.grid thead th").first
    page.locator("table.grid tbody tr").last.scroll_into_view_if_needed()
    assert header.bounding_box()["y"] >= 0  # the header stays (sticky)


def test_keyboard_only_entry_with_enter_arrows_and_escape(grid_server, page):  # noqa: F811
    base, (a1, a2, _a3) = grid_server
    log_in(page, base, "sup")
    page.goto(f"{base}/entry?month={MONTH}&team=all")
    page.keyboard.press("Tab")  # the skip link is the first stop
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    first = page.locator(f"#in-{a1}-production")
    expect(first).to_be_focused()
    page.keyboard.type("1300")
    page.keyboard.press("Enter")  # saves the cell left, moves down the same column
    expect(page.locator(f"#in-{a2}-production")).to_be_focused()
    expect(page.locator(f"#in-{a1}-production")).to_have_attribute("data-saved", "1300")
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")  # caret at the end: the next cell of the row
    expect(page.locator(f"#in-{a1}-feedback_unprocessed")).to_be_focused()
    page.keyboard.type("7")
    page.keyboard.press("Escape")  # back to the saved value, nothing sent
    expect(page.locator(f"#in-{a1}-feedback_unprocessed")).to_have_value("0")
    page.keyboard.press("Tab")  # Tab goes to the next input, never to a link of the row
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    expect(page.locator(f"#in-{a1}-feedback_unprocessed")).to_have_attribute("data-saved", "0")


def test_a_value_above_its_usual_range_asks_and_the_confirm_button_saves_it(grid_server, page):  # noqa: F811
    base, (a1, _a2, _a3) = grid_server
    page.expected_statuses.add(422)  # the question answers 422, swapped into the cell
    log_in(page, base, "sup")
    page.goto(f"{base}/entry?month={MONTH}&team=all")
    cell = page.locator(f"#in-{a1}-im_unprocessed")
    cell.fill("100000")
    cell.press("Tab")
    error = page.locator(f"#err-{a1}-im_unprocessed")
    expect(error).to_contain_text("超出常见范围(通常 ≤ 20),确认保存?")
    expect(page.locator(f"#in-{a1}-im_unprocessed")).to_have_attribute("data-saved", "0")  # nothing saved yet
    error.get_by_role("button", name="确认保存").click()
    expect(page.locator(f"#in-{a1}-im_unprocessed")).to_have_attribute("data-saved", "100000")
    expect(page.locator(f"#err-{a1}-im_unprocessed")).to_have_count(0)


def test_my_scores_fits_a_phone_and_the_trend_axis_fits_the_data(grid_server, page):  # noqa: F811
    base, _ = grid_server
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "agent")
    page.goto(f"{base}/me/scores?month={MONTH}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    labels = page.locator("figure.chart text.axis")
    heights = [box["height"] for box in (labels.nth(i).bounding_box() for i in range(labels.count()))]
    assert min(heights) >= 9  # readable, not 4 px
