"""Accessibility: axe-core on every page each role's navigation lists, plus the home pages — 0 critical, 0 serious.

One chromium for the module, one context per role (issue 14). axe-core is vendored under tests/vendor.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import PASSWORD, build_org, fill_cycle
from test_browser import browser, served  # noqa: F401  (one chromium for the module, as in the other browser tests)

from csapp import create_app
from csapp.extensions import db

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.10.2" / "axe.min.js").read_text(encoding="utf-8")
ROLES = ["agent", "sup", "head", "hr", "admin"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, pki_dir):
    folder = tmp_path_factory.mktemp("a11y")
    app = create_app(
        {
            "SECRET_KEY": "a11y",
            "TODAY": "2026-11-03",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'a.sqlite'}",
            "PKI_DIR": str(pki_dir),
            "ARCHIVE_DIR": str(folder / "archive"),
        }
    )
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        fill_cycle(build_org())
        db.session.remove()
    with served(app) as base:
        yield base


def _violations(page) -> list[str]:
    page.evaluate(AXE)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => v.impact === 'critical' || v.impact === 'serious')
             .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
    )
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_roles_navigation_has_no_serious_accessibility_violation(server, browser, role):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{server}/login")
    found = {"/login": _violations(page)}
    page.fill("#username", role)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    assert page.url == f"{server}/" and "待办" in page.inner_text("h1")  # every role lands on its 待办
    links = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    assert "/" in links and len(links) >= 3
    for link in dict.fromkeys(links):
        page.goto(f"{server}{link}")
        found[link] = _violations(page)
    context.close()
    problems = {url: v for url, v in found.items() if v}
    assert problems == {}


def test_the_policy_admin_pages_have_no_serious_accessibility_violation(server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("#username", "hr")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{server}/policy")
    page.fill("#effective", "2027-06")
    page.click("text=起草新版本")
    page.wait_for_url(lambda url: "/policy/versions/" in url)
    found = {"version": _violations(page)}
    page.fill("#months", "2026-10")
    page.click("text=开始预览")
    page.wait_for_url(lambda url: "/policy/previews/" in url)
    page.wait_for_selector("text=受影响")
    found["preview"] = _violations(page)
    page.goto(f"{server}/policy/diff?a=1&b=2")
    found["diff"] = _violations(page)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}
