"""用户与角色: the admin creates logins and sets their roles."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired

from ..extensions import db
from ..models import ROLES, Employee
from ..services import accounts
from ..services.access import require
from ..services.errors import ServiceError
from .common import refused, run_form
from .forms import EmptyForm, RolesField, RolesForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。")])
    display_name = StringField("显示名称")
    password = PasswordField("初始密码(至少 8 位)", validators=[DataRequired("请填写初始密码。")])
    employee = SelectField("对应员工(可不选)", coerce=str)
    roles = RolesField("角色", choices=[SelectChoice(key, label) for key, label in ROLES.items()])


class ActiveForm(FlaskForm):
    active = SelectField("账号", choices=[SelectChoice("1", "启用"), SelectChoice("0", "停用")])


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    require(current_user, "admin")
    form = UserForm()
    employees = db.session.scalars(select(Employee).order_by(Employee.code))
    form.employee.choices = [SelectChoice("", "—")] + [SelectChoice(str(e.id), f"{e.code} {e.name}") for e in employees]
    if form.validate_on_submit():
        employee = db.session.get(Employee, int(form.employee.data)) if form.employee.data else None
        try:
            accounts.create_user(
                current_user,
                form.username.data,
                form.display_name.data,
                form.password.data,
                form.roles.data or [],
                employee,
            )
        except ServiceError as exc:
            db.session.rollback()
            getattr(form, exc.field or "username").errors.append(exc.message)
        else:
            flash(f"已创建用户 {form.username.data}。")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html", form=form, users=accounts.list_users(), roles=ROLES, mismatches=accounts.role_mismatches()
    ), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/roles")
@login_required
def set_roles(user_id: int):
    form = RolesForm()
    form.roles.choices = [SelectChoice(key, label) for key, label in ROLES.items()]
    user, error = run_form(form, lambda: accounts.set_roles(current_user, user_id, form.roles.data or []))
    if error:
        return refused(users, error.message, error.status)
    flash(f"已更新 {user.username} 的角色。")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reset")
@login_required
def reset_password(user_id: int):
    """Give a login a one-time password and show it this once (never stored in clear, never in a cookie)."""
    issued, error = run_form(EmptyForm(), lambda: accounts.reset_password(current_user, user_id))
    if error:
        return refused(users, error.message, error.status)
    return render_template("staff/one_time_password.html", issued=[issued], back=url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@login_required
def set_active(user_id: int):
    form = ActiveForm()
    user, error = run_form(form, lambda: accounts.set_active(current_user, user_id, form.active.data == "1"))
    if error:
        return refused(users, error.message, error.status)
    flash(f"已{'启用' if user.active else '停用'}账号 {user.username}。")
    return redirect(url_for("admin.users"))


@bp.get("/settings")
@login_required
def settings():
    """系统设置: what this installation runs with (edited in instance/config.py)."""
    require(current_user, "admin")
    from ..services.notices import pki_paths
    from ..services.policy_book import policy_book

    paths = pki_paths()
    config = current_app.config
    rows = [
        ("单位名称 ORGANISATION_NAME", config.get("ORGANISATION_NAME")),
        ("通知书签发人 NOTICE_SIGNATORY_NAME", config.get("NOTICE_SIGNATORY_NAME") or "(未设置:不能签发通知书)"),
        ("签发人职务 NOTICE_SIGNATORY_TITLE", config.get("NOTICE_SIGNATORY_TITLE") or "(未设置:不能签发通知书)"),
        ("签名证书", f"{paths.signer_p12}(已配置)" if paths.exists() else "未配置:运行 flask --app csapp pki init"),
        ("PDF 工作进程 RENDER_WORKERS", config.get("RENDER_WORKERS")),
        ("数据库", config.get("SQLALCHEMY_DATABASE_URI", "").split("///")[0] + "…"),
        (
            "同一用户名、同一地址 15 分钟内可尝试 LOGIN_THROTTLE_FREE_ATTEMPTS",
            config.get("LOGIN_THROTTLE_FREE_ATTEMPTS"),
        ),
        ("同一用户名 1 小时内最多失败 LOGIN_NAME_CEILING", config.get("LOGIN_NAME_CEILING")),
        ("同一地址 10 分钟内最多失败 LOGIN_ADDRESS_LIMIT", config.get("LOGIN_ADDRESS_LIMIT")),
        ("反向代理层数 PROXY_FIX_X_FOR", config.get("PROXY_FIX_X_FOR")),
    ]
    return render_template(
        "admin/settings.html",
        rows=rows,
        policies=policy_book(),
        config_file=f"{current_app.instance_path}/config.py",
    )
