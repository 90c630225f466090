"""csapp — appraisal, pay and promotion for a call-centre department."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the Flask app: instance-relative config, templates and static at the repo root."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("CSAPP_INSTANCE") or None,  # another instance folder (several on one host)
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=None,  # config, else instance/secret_key (created on the first request that needs it)
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(app.instance_path) / 'csapp.sqlite'}",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=10),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        LOGIN_THROTTLE_FREE_ATTEMPTS=5,  # per (name, client address) in 15 minutes
        LOGIN_NAME_CEILING=50,  # failures per typed name in an hour, from all addresses together
        LOGIN_ADDRESS_LIMIT=300,  # failures per client address in 10 minutes (a call-centre floor shares one NAT)
        PROXY_FIX_X_FOR=0,  # reverse proxies in front that set X-Forwarded-For (0: none, trust nothing)
        ORGANISATION_NAME="客服中心",
        RENDER_WORKERS=2,
        RENDER_IDLE_SECONDS=180,
        JOB_LEASE_SECONDS=30,
        RATELIMIT_STORAGE_URI="memory://",
        PAPER_CHECK_LIMIT="30 per minute",
        CRL_REFRESH_DAYS=1,
        MIGRATIONS_DIR=str(MIGRATIONS),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_envvar("CSAPP_SETTINGS", silent=True)  # a consumer or a test server on another config
    else:
        app.config.from_mapping(test_config)

    from .notices.tsa import tsa_settings

    try:
        tsa_settings(app.config)
    except ValueError as error:
        raise RuntimeError(f"csapp will not start: {error}") from error

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # One snapshot per transaction, reads included (a result computed from data_version V reads V's data);
        # write transactions switch to READ COMMITTED behind row locks (csapp/db.py).
        engine = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        engine.setdefault("isolation_level", "REPEATABLE READ")

    from . import db as transactions  # noqa: F401  (SQLite: snapshot reads, BEGIN IMMEDIATE writes)
    from . import models  # noqa: F401  (register the tables)
    from .extensions import csrf, db, limiter, login_manager, migrate_cli

    db.init_app(app)
    app.cli.add_command(migrate_cli)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The user of a session id "<id>:<token>", only while the token is still the user's."""
        import hmac

        user_id, _, token = session_id.partition(":")
        user = db.session.get(models.User, int(user_id)) if user_id.isdigit() else None
        if user is None or not token or not hmac.compare_digest(user.session_token, token) or not user.is_active:
            return None
        return user

    from .cli import register_commands
    from .views import register_views

    register_commands(app)
    register_views(app)
    if app.config["PROXY_FIX_X_FOR"]:  # the client address of the login throttle comes from the proxy
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]))
    _secret_key_on_first_request(app)
    return app


def _secret_key_on_first_request(app: Flask) -> None:
    """Read (or create once) instance/secret_key before the first request when SECRET_KEY is not set.

    Commands that serve no request (`rules`, `pdf verify`) neither need nor create it. Without a usable
    key the app refuses to serve, saying why, rather than sign sessions with a known key.
    """
    if app.config.get("SECRET_KEY"):
        return
    from werkzeug.wrappers import Response

    from .secret_key import SecretKeyUnavailable, instance_secret_key

    serve = app.wsgi_app

    def wsgi_app(environ, start_response):
        if not app.config.get("SECRET_KEY"):  # before the session is opened: it is signed with this key
            try:
                app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
            except SecretKeyUnavailable as exc:
                app.logger.error("refusing to serve: %s", exc)
                refusal = Response(
                    "服务器缺少会话密钥,暂停服务。请管理员查看日志并设置 SECRET_KEY 或修复 instance 目录的权限。",
                    status=503,
                    mimetype="text/plain",
                )
                return refusal(environ, start_response)
        return serve(environ, start_response)

    app.wsgi_app = wsgi_app
