"""The app's conventions: errors in one place, htmx behaviour, headers, no inline script, one way to read input."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from conftest import REPO
from factories import MONTH

TEMPLATES = REPO / "templates"
VIEWS = REPO / "csapp" / "views"


def _page_templates() -> list[Path]:
    return [p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.parts]


def test_htmx_config_swaps_the_apps_4xx_and_allows_no_eval(db_app, login):
    page = login("sup").get("/entry").data.decode()
    config = json.loads(re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page).group(1))
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0
    swapped = next(rule for rule in config["responseHandling"] if rule.get("error") is False)
    for status in (400, 403, 404, 409, 413, 422, 423, 429):
        assert re.fullmatch(swapped["code"], str(status)), status
    assert not re.fullmatch(swapped["code"], "500")
    assert '<div id="flash"' in page


def test_a_refusal_for_htmx_goes_to_the_flash_region_escaped(db_app, login):
    response = login("sup").get("/ranking?month=<img src=x onerror=alert(1)>", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"
    body = response.data.decode()
    assert "<img" not in body and "&lt;img" in body and "月份" in body


def test_a_field_refusal_stays_in_its_cell_with_its_status(db_app, login, org):
    response = login("sup").post(
        f"/entry/cell?dept={org['main'].id}&month={MONTH}",
        headers={"HX-Request": "true"},
        data={
            "sheet": "metrics",
            "employee_id": org["agents"][0].id,
            "field": "production",
            "value": "abc",
            "expected": "1200",
        },
    )
    assert response.status_code == 422
    assert "HX-Retarget" not in response.headers  # the cell is the target already
    assert "须填数字" in response.data.decode()


def test_an_anonymous_htmx_request_is_sent_to_the_login_page_and_back(db_app):
    client = db_app.test_client()
    response = client.post(
        "/entry/cell?month=2026-10",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/entry?month=2026-10"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/entry?month%3D2026-10"
    foreign = client.get("/entry", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"})
    assert foreign.status_code == 401 and foreign.headers["HX-Redirect"] == "/login"


def test_a_history_restore_gets_the_whole_page(db_app, login):
    client = login("sup")
    partial = client.get("/entry", headers={"HX-Request": "true"}).data.decode()
    whole = client.get("/entry", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}).data.decode()
    assert "<html" not in partial and "<html" in whole


def test_a_refused_plain_post_re_renders_its_page_with_422_and_a_good_one_answers_303(db_app, login):
    client = login("hr")
    refused = client.post("/staff/1/appoint", data={"grade": "agent.9", "effective_on": "2026-11-01", "reason": "x"})
    assert refused.status_code == 422
    page = refused.data.decode()
    assert "请从列表中选择" in page and "<h1>" in page
    done = client.post("/pay?month=2026-10")
    assert done.status_code == 303 and done.headers["Location"].startswith("/pay")


def test_every_response_carries_the_security_headers(db_app, login):
    client = login("agent")
    for url in ("/me/scores", "/login", "/static/app.css", "/nowhere"):
        response = client.get(url)
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/me/scores").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


@pytest.mark.parametrize("template", _page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_inline_script_or_style_in_templates(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert " style=" not in text and "<style" not in text, "inline style"
    assert "hx-on" not in text and "javascript:" not in text
    assert not re.search(r"hx-vals='js:|hx-vals=\"js:", text)
    assert not re.search(r'hx-trigger="[^"]*\[', text), "hx-trigger filters need eval"
    assert not re.search(r"<script(?![^>]*\ssrc=)", text), "inline <script>"


def test_views_read_input_only_through_forms():
    """request.form / request.values only in the grid's cell endpoints (entry.py)."""
    offenders = []
    for path in VIEWS.glob("*.py"):
        if path.name == "entry.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"request\.(form|values|files)\b", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_a_server_error_is_logged_with_its_traceback_and_shown_in_chinese(db_app, login, caplog):
    @db_app.get("/boom-for-test")
    def boom():
        raise RuntimeError("kaput")

    db_app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        with caplog.at_level(logging.ERROR):
            response = login("sup").get("/boom-for-test")
    finally:
        db_app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "系统出错了" in response.data.decode()
    record = next(r for r in caplog.records if "Exception on /boom-for-test" in r.getMessage())
    assert record.exc_info and "kaput" in str(record.exc_info[1])


def test_an_expired_csrf_token_is_a_chinese_message_in_place(tmp_path):
    from factories import PASSWORD, build_org

    from csapp import create_app
    from csapp.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.db"})
    with app.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        build_org()
        client = app.test_client()
        token = client.get("/login").data.decode().split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login", data={"username": "sup", "password": PASSWORD, "csrf_token": token})
        response = client.post("/entry/cell?month=2026-10", data={"value": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 400 and response.headers["HX-Retarget"] == "#flash"
        assert "页面已过期" in response.data.decode()
        db.session.remove()
        db.engine.dispose()


def test_no_number_is_made_with_max_plus_one():
    """Counters and claims are single statements on a counter row (UPDATE … RETURNING), never max() + 1."""
    import re

    offenders = []
    for path in (REPO / "csapp").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"func\.max\((?:[^()]|\([^()]*\))*\)[^\n]{0,40}\+\s*1", text):
            offenders.append(f"{path.name}: {match.group(0)}")
    assert offenders == []


COUNTERS = {  # counter tables and the columns they count: changed only by one statement (UPDATE … RETURNING)
    "NoticeCounter": ("last",),
    "PayCounter": ("runs", "confirms"),
    "LoginAttempts": ("count",),
    "DataVersion": ("version",),
}


def test_no_counter_is_read_then_updated_in_python():
    """A counter is never loaded, changed on the object and flushed (two requests would both read 7 and
    both write 8): no attribute assignment to a counting column anywhere in the app."""
    import re

    columns = sorted({column for names in COUNTERS.values() for column in names})
    pattern = re.compile(r"\.(" + "|".join(columns) + r")\s*(?:\+|-)?=(?!=)")
    offenders = []
    for path in (REPO / "csapp").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
    claims = (REPO / "csapp/services/notices.py").read_text() + (REPO / "csapp/services/pay/counters.py").read_text()
    assert "NoticeCounter.last + 1" in claims and "column + 1" in claims  # the claims are statements
    from sqlalchemy import inspect as inspect_model

    import csapp.models as models

    for name, counted in COUNTERS.items():  # the columns named are the models' (a rename fails here)
        assert set(counted) <= {c.key for c in inspect_model(getattr(models, name)).columns}, name


def test_a_page_that_reads_no_policy_never_loads_the_policy_schema(tmp_path):
    """The pydantic schema (≈ 8 MB of a worker) loads with the first policy read, not when the app starts;
    a SQLite worker never loads the PostgreSQL dialect (2.4 MB: the partial indexes name it only on PostgreSQL)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from csapp import create_app\n"
        f"app = create_app({{'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/a.sqlite'}})\n"
        "assert app.test_client().get('/login').status_code == 200\n"
        "print('csapp.policy.schema' in sys.modules, 'pydantic' in sys.modules,\n"
        "      'sqlalchemy.dialects.postgresql' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "False", "False"], result.stderr[-2000:]
