"""The session key: never a known default; created once per instance, even by processes starting at once
(issue 13)."""

from __future__ import annotations

from pathlib import Path

from factories import MONTH
from race import in_processes, start_on_empty_instance

from csapp import create_app


def _app(tmp_path: Path, instance: Path, **config):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.sqlite'}", **config})
    app.instance_path = str(instance)
    return app


def test_eight_processes_starting_at_once_create_one_key_and_accept_each_others_cookies(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    started = in_processes(start_on_empty_instance, [(str(instance), f"sqlite:///{tmp_path / 'k.sqlite'}")] * 8)
    assert {s["status"] for s in started} == {200}
    assert len({s["key"] for s in started}) == 1 and len(started[0]["key"]) == 64
    assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary file left behind
    assert oct((instance / "secret_key").stat().st_mode & 0o777) == "0o600"
    later = _app(tmp_path, instance)
    assert later.test_client().get("/login").status_code == 200
    serializer = later.session_interface.get_signing_serializer(later)
    assert len({serializer.loads(s["cookie"])["from"] for s in started}) == 8  # every cookie accepted


def test_a_cookie_forged_with_the_old_default_key_gets_nothing(db_app, org, tmp_path):
    from flask.sessions import SecureCookieSessionInterface

    app = _app(tmp_path, tmp_path / "instance", SQLALCHEMY_DATABASE_URI=db_app.config["SQLALCHEMY_DATABASE_URI"])
    forger = create_app({"TESTING": True, "SECRET_KEY": "dev-only-change-me", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    hr = org["users"]["hr"]
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"_user_id": str(hr.get_id())})
    client = app.test_client()
    client.set_cookie("session", forged)
    response = client.get(f"/pay?month={MONTH}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_a_usable_key_the_app_refuses_to_serve_and_says_why(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    response = _app(tmp_path, blocker / "instance").test_client().get("/login")
    assert response.status_code == 503 and "会话密钥" in response.get_data(as_text=True)


def test_a_configured_key_wins_and_the_rules_command_creates_none(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    configured = _app(tmp_path, instance, SECRET_KEY="k" * 64)
    assert configured.test_client().get("/login").status_code == 200
    example = Path(__file__).resolve().parents[2] / "shared" / "spec" / "examples" / "score-tie.in.json"
    rules = _app(tmp_path, instance).test_cli_runner().invoke(args=["rules", "score", str(example)])
    assert rules.exit_code == 0, rules.output
    assert not (instance / "secret_key").exists()
