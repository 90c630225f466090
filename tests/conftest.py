"""Shared fixtures: the spec folder, a CLI runner for `flask rules`, document builders."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from flask import g

from csapp import create_app
from csapp.queue import huey

SIGNATORY = {"NOTICE_SIGNATORY_TITLE": "人事部经理", "NOTICE_SIGNATORY_NAME": "林晓"}
huey.immediate = True  # tasks run at once, in the process that enqueues them (the kill test runs a consumer)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CSAPP_SHARED", REPO.parent / "shared"))
EXAMPLES = SHARED / "spec" / "examples"


@pytest.fixture(scope="session")
def app():
    """An app for the rules command only (no database use)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory):
    """The organisation's signing keys, created once for the test session."""
    from csapp.notices.pki import create_pki

    folder = tmp_path_factory.mktemp("pki")
    create_pki(folder, "测试客服中心", "测试客服中心 人事部")
    return folder


def _test_app(database: Path, pki_dir: Path, url: str | None = None, **config):  # the archive sits beside it
    """An app on a database file (or *url*), as the tests use it (no CSRF, PDFs rendered in-process)."""
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{database}",
            "PKI_DIR": str(pki_dir),
            "RENDER_WORKERS": 0,
            "ARCHIVE_DIR": str(database.parent / "archive"),
            **SIGNATORY,
            **config,
        }
    )

    # The fixture keeps an app context pushed, which Flask reuses for every test request; drop the
    # user Flask-Login cached in `g` so that each request loads its own client's user.
    def _forget_cached_user() -> None:
        g.pop("_login_user", None)

    application.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)  # before any hook reads it

    return application


# The backends the database tests run on: every test that uses the database runs on SQLite and on
# PostgreSQL (a throwaway cluster of the test session, tests/pg_server.py; one database put back to the
# organisation's state before each test). CSAPP_TEST_BACKENDS=sqlite runs SQLite only (a quick local
# pass). A module that sets BACKENDS = ("sqlite",) or ("pg",) is about that backend alone.
BACKENDS = tuple(b.strip() for b in os.environ.get("CSAPP_TEST_BACKENDS", "sqlite,pg").split(",") if b.strip())


_BACKEND_ID = re.compile(r"\[(?:[^\]]*-)?(sqlite|pg)(?:-[^\]]*)?\]$")
_TIME_PER_BACKEND: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Add up the time (setup, call, teardown) of the tests of each database backend."""
    found = _BACKEND_ID.search(report.nodeid)
    if found:
        _TIME_PER_BACKEND[found.group(1)] = _TIME_PER_BACKEND.get(found.group(1), 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if _TIME_PER_BACKEND:
        times = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in sorted(_TIME_PER_BACKEND.items()))
        terminalreporter.write_line(f"time of the tests per database backend: {times}")


def pytest_generate_tests(metafunc):
    if "template_database" in metafunc.fixturenames:
        wanted = getattr(metafunc.module, "BACKENDS", None)
        if wanted in (("sqlite",), ("pg",)):  # a module about one backend
            backends = list(wanted)
        else:
            backends = [b for b in ("sqlite", "pg") if b in (wanted or ()) or b in BACKENDS]
        metafunc.parametrize("template_database", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def postgres():
    from pg_server import ThrowawayPostgres

    server = ThrowawayPostgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def template_database(request, tmp_path_factory, pki_dir):
    """The schema and the small organisation, built once per backend; every test gets its own copy."""
    from factories import build_org, org_ids
    from pg_server import DatabaseReset

    from csapp.extensions import db

    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    url = reset = None
    if request.param == "pg":
        server = request.getfixturevalue("postgres")
        server.execute(f'CREATE DATABASE "{PG_TEST_DATABASE}"')
        url = server.url(PG_TEST_DATABASE)
    application = _test_app(path, pki_dir, url)
    with application.app_context():
        from csapp.services.policy_seed import create_schema

        create_schema()
        ids = org_ids(build_org())
        db.session.remove()
        if url is None:
            with db.engine.connect() as connection:  # everything into the main file before it is copied
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            reset = DatabaseReset(db.engine)  # every PostgreSQL test starts from this state of the one database
        db.engine.dispose()
    return request.param, path, ids, reset


PG_TEST_DATABASE = "csapp_test"


@pytest.fixture()
def db_app(request, tmp_path, template_database, pki_dir):
    """An app with its own database (a copy of the template) holding a small organisation (factories.build_org)."""
    from factories import load_org

    from csapp.extensions import db

    backend, template, ids, reset = template_database
    database = tmp_path / "test.sqlite"
    url = None
    if backend == "pg":
        url = request.getfixturevalue("postgres").url(PG_TEST_DATABASE)
    else:
        shutil.copyfile(template, database)
    application = _test_app(database, pki_dir, url)
    with application.app_context():
        if reset is not None:
            reset.run(db.engine)
        application.org = load_org(ids)
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def org(db_app):
    return db_app.org


@pytest.fixture()
def login(db_app):
    """Return a test client logged in as the given username."""
    from factories import PASSWORD

    def client_for(username: str):
        client = db_app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.data.decode()[:500]
        return client

    return client_for


@pytest.fixture()
def rules(app):
    """Run `flask rules KIND -` on a document; return (exit code, stdout, stderr)."""

    def run(kind: str, document, *args: str):
        text = document if isinstance(document, str) else json.dumps(document)
        result = app.test_cli_runner().invoke(args=["rules", kind, "-", *args], input=text)
        return result.exit_code, result.stdout, result.stderr

    return run


def agent_doc(id="A1", **overrides):
    """An agent entry of a score document with no deductions."""
    doc = {
        "id": id,
        "employment": "regular",
        "production": 1000,
        "qa_scores": [95],
        "dissatisfied": 0,
        "feedback_unprocessed": 0,
        "im_unprocessed": 0,
        "avg_call_seconds": 100,
        "plan_missed": 0,
        "knowledge_errors": 0,
        "operation_errors": 0,
        "discipline": 0,
        "cooperation": 0,
        "incidents": {},
    }
    doc.update(overrides)
    return doc


def score_doc(*agents, rate=96, month="2026-10"):
    return {"month": month, "department": {"connection_rate": rate}, "agents": list(agents) or [agent_doc()]}


@pytest.fixture()
def approved(org):
    """张三's approved promotion agent.1 → agent.2 in 2026-11 (its two notices issued on approval)."""
    from factories import interviewed_application

    from csapp.services import promotion

    application = interviewed_application(org)
    promotion.decide(org["users"]["hr"], application.id, True, "条件全部满足")
    return application
