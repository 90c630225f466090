"""Log in, log out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..services import accounts
from ..services import login as login_service
from ..services.errors import ServiceError

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。")])
    password = PasswordField("密码", validators=[DataRequired("请填写密码。")])


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请填写当前密码。")])
    new_password = PasswordField("新密码(至少 8 位)", validators=[DataRequired("请填写新密码。")])
    repeat_password = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码。")])


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = login_service.authenticate(form.username.data, form.password.data, request.remote_addr)
        except ServiceError as exc:
            error = exc.message
        else:
            target = _safe_next(request.args.get("next"))
            session.clear()  # nothing of the session before the login survives it: a new CSRF token too
            login_user(user)
            return redirect(target)
    status = 401 if error else 422 if form.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    accounts.log_out(current_user)  # ends this session and every copy of its cookie
    logout_user()
    flash("您已退出登录。")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.new_password.data, form.repeat_password.data
            )
        except ServiceError as exc:
            getattr(form, exc.field or "new_password").errors.append(exc.message)
        else:
            login_user(current_user._get_current_object())  # this session goes on under the new token
            flash("密码已修改。")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
