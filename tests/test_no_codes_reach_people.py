"""No code reaches a person: every main page of every role, the exports and the PDFs read in Chinese.

Machine patterns that fail: grade codes (agent.1), dotted audit codes (notice.batch), <= and >=,
"all months", "day 1-5", snake_case field names, and English status words.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from csapp import create_app
from csapp.extensions import db

DEMO_DAY = "2026-11-03"  # inside the application window, so every promotion page has something
PATTERNS = {
    "grade code": re.compile(r"\b(agent|spec|sup|mgr)\.[p123]\b"),
    "dotted code": re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b(?<!\.pdf)(?<!\.xlsx)(?<!\.zip)(?<!\.csv)"),
    "ascii comparison": re.compile(r"<=|>="),
    "all months": re.compile(r"all months"),
    "day 1-5": re.compile(r"day \d"),
    "snake_case": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "english word": re.compile(
        r"\b(ok|missing|pending|eligible|ineligible|regular|intern|queued|running|done|"
        r"failed|pass|fail|true|false|None)\b"
    ),
}
# Text that may hold Latin letters on purpose: file names, e-mail-like logins, the policy version id.
ALLOWED = [
    re.compile(p)
    for p in (
        r"\b[\w-]+\.(pdf|xlsx|zip|csv|py|p12|pem)\b",
        r"flask --app csapp [^\n]*",
        r"(?:/[\w.-]+)*/?instance/[\w/.-]*",  # the instance folder, with the server's own path before it
        r"[A-Z_]{3,}",
        r"https?://\S+",
    )
]


class _Text(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles; title attributes included."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def machine_text(text: str) -> list[str]:
    for pattern in ALLOWED:
        text = pattern.sub(" ", text)
    found = []
    for name, pattern in PATTERNS.items():
        found += [
            f"{name}: {m.group(0)!r} in …{text[max(0, m.start() - 40) : m.end() + 40]!r}…"
            for m in pattern.finditer(text)
        ]
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory, pki_dir):
    from csapp.services.demo import create_demo

    folder = tmp_path_factory.mktemp("demo")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "TODAY": DEMO_DAY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}",
            "PKI_DIR": str(pki_dir),
            "ARCHIVE_DIR": str(folder / "archive"),
            "NOTICE_SIGNATORY_TITLE": "人事部经理",
            "NOTICE_SIGNATORY_NAME": "林晓",
            "RENDER_WORKERS": 0,
        }
    )
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        create_demo(today=dt.date.fromisoformat(DEMO_DAY))
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def _client(app, username: str):
    from csapp.services.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 303
    return client


def _links(html: str) -> list[str]:
    return [
        href
        for href in re.findall(r'href="(/[^"#]*)"', html)
        if not href.startswith("/static") and not href.endswith((".pdf", ".xlsx", ".zip"))
    ]


def _crawl(client, start: list[str], limit: int = 60) -> dict[str, str]:
    """Visit the start pages and every same-site link on them (one level), return url → visible text."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or "/logout" in url:
            continue
        response = client.get(url)
        response.get_data()
        response.close()  # as a WSGI server does: a streamed export's contexts end here
        assert response.status_code in (200, 302, 303, 403, 404), (url, response.status_code)
        if response.status_code != 200 or response.mimetype != "text/html":
            seen[url] = ""
            continue
        html = response.data.decode()
        seen[url] = visible_text(html)
        if url in start:
            queue += [link for link in _links(html) if link not in seen]
    return seen


ROLES = {
    "agent01": ["/me/scores", "/me/pay", "/me/promotion", "/me/notices", "/policy", "/verify", "/password"],
    "spec01": ["/me/scores", "/me/pay", "/me/promotion"],
    "sup1": [
        "/",
        "/entry",
        "/entry?sheet=attendance",
        "/entry?sheet=specialist",
        "/entry?sheet=leader",
        "/events/incidents",
        "/events/qa",
        "/ranking",
        "/import",
    ],
    "manager": ["/promotions/interviews", "/reviews", "/me/scores", "/me/promotion"],
    "hr": ["/promotions/decisions", "/pay", "/notices", "/staff", "/audit", "/entry"],
    "admin": ["/admin/users", "/admin/settings"],
}


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_of_every_role_reads_in_chinese(demo, username):
    client = _client(demo, username)
    pages = _crawl(client, ROLES[username])
    assert len([text for text in pages.values() if text]) >= len(ROLES[username])
    problems = {url: found for url, text in pages.items() if (found := machine_text(text))}
    assert problems == {}


def test_the_exports_read_in_chinese(demo):
    from openpyxl import load_workbook

    client = _client(demo, "hr")
    month = "2026-10"
    for url in (
        f"/ranking.xlsx?month={month}",
        f"/pay.xlsx?month={month}",
        "/pay.xlsx?month=2026-09",
        f"/import/template.xlsx?month={month}",
        "/staff/roster.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        text = "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
        assert machine_text(text) == [], url


def test_the_notices_read_in_chinese(demo):
    from pypdf import PdfReader

    from csapp.models import PayRun, PayRunStatus, PaySlip, PromotionApplication, User
    from csapp.services import issuing, notices, promotion

    with demo.app_context():
        hr = db.session.scalar(select(User).where(User.username == "hr"))
        run = db.session.scalar(select(PayRun).where(PayRun.status == PayRunStatus.CONFIRMED))
        slip = db.session.scalar(select(PaySlip).where(PaySlip.run_id == run.id).limit(1))
        texts = [issuing.issue_pay_notice(hr, slip.id)]
        application = db.session.scalar(select(PromotionApplication).limit(1))
        manager = db.session.scalar(select(User).where(User.username == "manager"))
        from decimal import Decimal

        promotion.record_interview(
            manager, application.id, dt.date.fromisoformat(DEMO_DAY), "好", "pass", Decimal("99"), None
        )
        decided = (
            promotion.decide(hr, application.id, True, "同意")
            if promotion.evaluate_application(application).status == "eligible"
            else None
        )
        if decided:
            texts += issuing.issue_for_application(hr, application.id)
        for notice in texts:
            _, file = notices.notice_file(hr, notice.id)
            with file:
                text = "\n".join(page.extract_text() for page in PdfReader(file).pages)
            assert machine_text(text) == [], notice.number
        db.session.remove()


def test_the_policy_admin_pages_read_in_chinese(demo):
    """A draft with a changed 接通率 target, its version page, its preview and the diff: no code shows."""
    client = _client(demo, "hr")
    response = client.post("/policy/versions", data={"effective": "2027-02"})
    assert response.status_code == 303
    version = response.headers["Location"]
    page = client.get(version).data.decode()
    assert "f__kpi__items__connection__target_rate" in page
    form = dict(re.findall(r'name="(f__[^"]+)"[^>]*value="([^"]*)"', page))
    form.update(
        {name: text for name, text in re.findall(r'<textarea[^>]*name="(f__[^"]+)"[^>]*>\s*([^<]*)</textarea>', page)}
    )
    form["f__kpi__items__connection__target_rate"] = "97"
    form["lock"] = re.search(r'name="lock"[^>]*value="(\d+)"', page).group(1)
    for name, value in re.findall(
        r'<select[^>]*name="(f__[^"]+)"[^>]*>.*?<option selected value="([^"]*)"', page, re.S
    ):
        form[name] = value
    saved = client.post(version + "/save", data=form)
    assert saved.status_code == 303, saved.data.decode()[:2000]
    preview = client.post(version + "/preview", data={"months": "2026-09,2026-10"})
    assert preview.status_code == 303
    version_id = version.rsplit("/", 1)[1]
    pages = _crawl(client, [version, preview.headers["Location"], "/policy", f"/policy/diff?a=1&b={version_id}"])
    assert "受影响" in pages[preview.headers["Location"]]
    problems = {url: found for url, text in pages.items() if (found := machine_text(text))}
    assert problems == {}
    assert client.post(version + "/discard").status_code == 303  # the other tests of the module see no draft
