"""How every response goes out: errors in one place, htmx conventions, security headers.

- A refusal (the service error family) becomes its status (400/403/404/409/422/423). For htmx, the
  message goes to the page's ``#flash`` region (``HX-Retarget``), unless the view renders it into
  the field's own slot; a full page gets the error page.
- An htmx request from someone not logged in gets 401 with ``HX-Redirect`` to the login page.
- A successful plain POST answers 303 (see other); every response carries the CSP and friends.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from ..db import conflict_for
from ..extensions import db
from ..services.errors import ServiceError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

HTTP_MESSAGES = {
    400: "请求无效,请刷新页面后重试。",
    403: "您没有权限进行这项操作。",
    404: "找不到这个页面或这条记录。",
    405: "不支持这种请求方式。",
    413: "上传的文件太大。",
    429: "请求过于频繁,请稍后再试。",
    500: "系统出错了,您的操作未完成。管理员可在服务器日志中查看原因。",
}


def is_htmx() -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def error_response(message: str, status: int) -> Response:
    """The one way an error leaves the app: an escaped fragment into #flash for htmx, else the error page."""
    if is_htmx():
        response = make_response(render_template("_error.html", message=message), status)
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return make_response(render_template("error.html", message=message, status=status), status)


def _login_url() -> str:
    """The login page, coming back to the page the user was on (same origin only)."""
    target = request.headers.get("HX-Current-URL") or request.full_path
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return url_for("auth.login")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return url_for("auth.login", next=path)


def login_redirect() -> Response:
    """Someone not logged in: htmx gets 401 + HX-Redirect (never the login page inside a cell)."""
    if request.headers.get("HX-Request"):
        response = make_response(render_template("_error.html", message="登录已过期,请重新登录。"), 401)
        response.headers["HX-Redirect"] = _login_url()
        return response
    flash("请先登录。")
    return redirect(_login_url())


def register_responses(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError):
        db.session.rollback()
        return error_response(error.message, error.status)

    @app.errorhandler(IntegrityError)
    @app.errorhandler(StaleDataError)
    def _conflict(error: Exception):
        db.session.rollback()
        conflict = conflict_for(error)
        return error_response(conflict.message, conflict.status)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        if not current_user.is_authenticated and request.headers.get("HX-Request"):
            return login_redirect()
        return error_response("页面已过期或请求无效,请刷新页面后重试。", 400)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return error_response(f"上传的文件太大(不能超过 {limit // (1024 * 1024)} MB)。", 413)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):
        db.session.rollback()
        return error_response(HTTP_MESSAGES[500], 500)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        message = HTTP_MESSAGES.get(error.code, error.description or "请求无法完成。")
        return error_response(message, error.code)

    @app.before_request
    def _password_change_first():
        """After a one-time password, every page leads to 修改密码 until the person has set their own."""
        if request.endpoint in ("auth.password", "auth.logout", "static") or not current_user.is_authenticated:
            return None
        if not getattr(current_user, "must_change_password", False):
            return None
        target = url_for("auth.password")
        if request.headers.get("HX-Request"):
            response = make_response("", 204)
            response.headers["HX-Redirect"] = target
            return response
            flash("请先设置您自己的新密码。")
        return redirect(target)

    @app.after_request
    def _conventions(response: Response) -> Response:
        if request.method == "POST" and response.status_code == 302:
            response.status_code = 303  # after a POST, always GET the next page
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"  # personal pages and downloads stay out of every cache
        if request.headers.get("HX-Request") or response.mimetype == "text/html":
            vary = headers.get("Vary", "")
            if "HX-Request" not in vary:
                headers["Vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
        return response
