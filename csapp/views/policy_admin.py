"""政策管理 (policy admins): a version's page — its editor, the changes against its base, the impact preview
and the four-eyes workflow. Every POST calls one service and redirects."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from .. import clock
from ..policy.names import FIELD_NAMES
from ..services import audit, policy_drafts, policy_preview, policy_publishing, policy_rows
from ..services.errors import BadRequest
from ..services.exports import workbook_chunks
from ..services.policy_preview_sheet import SORTS, rows, workbook
from .common import attempt, htmx_render, refused, run_form
from .forms import EmptyForm
from .policy_forms import (
    AddRowForm,
    EffectiveForm,
    NewDraftForm,
    PreviewForm,
    RemoveRowForm,
    ReturnForm,
    WithdrawForm,
    draft_form,
)

bp = Blueprint("policy_admin", __name__, url_prefix="/policy")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _admin():
    policy_drafts.require_admin(current_user)


def _add_row_form(policy) -> AddRowForm:
    form = AddRowForm()
    grid = _grid_fields()
    form.key.choices = [("", "—")] + [
        (k, v) for k, v in FIELD_NAMES.items() if k not in policy.soft_limits and k in grid
    ]
    return form


def _grid_fields() -> set[str]:
    """The fields the entry grid has (a soft limit on anything else would never be read)."""
    from ..services.sheets import DEPARTMENT_COLUMNS, SHEETS

    return {c.field for sheet in SHEETS.values() for c in sheet.columns} | {c.field for c in DEPARTMENT_COLUMNS}


def _diff(old, new):
    from ..policy.fields import diff  # the schema (pydantic) loads with the first policy page, not at start

    return diff(old, new)


@bp.get("/versions/<int:version_id>")
@login_required
def version(version_id: int, form=None, problems=()):
    _admin()
    row = policy_drafts.version(version_id)
    policy = policy_drafts.policy_of(row)
    base = policy_drafts.policy_of(row.base) if row.base else None
    months = policy_preview.default_months()
    preview = policy_preview.latest_preview(row)
    return render_template(
        "policy/version.html",
        row=row,
        policy=policy,
        changes=_diff(base, policy) if base else [],
        form=form or draft_form(policy, row.lock),
        problems=problems,
        effective_form=EffectiveForm(effective=row.effective),
        add_form=_add_row_form(policy),
        return_form=ReturnForm(),
        withdraw_form=WithdrawForm(),
        preview_form=PreviewForm(months=",".join(preview.month_list if preview else months)),
        preview=preview,
        stale=preview is not None and preview.content_hash != row.content_hash,
        publish_problems=policy_publishing.publish_problems(row) if row.status.value == "pending" else [],
        edited_by_me=row.edited_by(current_user),
        protected=policy_rows.protected_keys("incidents"),
        empty=EmptyForm(),
        current_month=clock.current_month(),
        field_names=FIELD_NAMES,
    )


@bp.post("/versions")
@login_required
def new_draft():
    form = NewDraftForm()
    row, error = run_form(form, lambda: policy_drafts.start_draft(current_user, form.effective.data))
    if error:
        return _refused_index(error)
    flash(f"已起草新版本 {row.label}(自 {row.effective} 起生效),内容复制自当时现行的版本。")
    return redirect(url_for("policy_admin.version", version_id=row.id))


def _refused_index(error):
    from .policy_page import index

    return refused(index, error.message, error.status)


@bp.post("/versions/<int:version_id>/save")
@login_required
def save(version_id: int):
    _admin()
    row = policy_drafts.version(version_id)
    form = draft_form(policy_drafts.policy_of(row), row.lock, posted=True)
    valid = form.validate() & form.validate_ints()
    if not valid:
        g.page_error = "草稿有未填或填错的项目,未保存。请看各项下方的提示。"
        return make_response(version(version_id, form=form), 422)
    lock = int(form.lock.data) if (form.lock.data or "").isdigit() else None
    _, error = attempt(lambda: policy_drafts.save_values(current_user, version_id, form.values(), lock))
    if isinstance(error, policy_drafts.DraftInvalid):
        unplaced = form.place(error.problems)
        g.page_error = f"草稿有 {len(error.problems)} 处问题,未保存。请看各项下方的提示。"
        return make_response(version(version_id, form=form, problems=unplaced), 422)
    if error:
        return refused(version, error.message, error.status, version_id=version_id)
    flash(
        "草稿已保存。"
        + ("提交后的修改已使草稿回到“草稿”状态,需要重新提交审批。" if row.status.value != "draft" else "")
    )
    return redirect(url_for("policy_admin.version", version_id=version_id))


def _act(version_id: int, form, action, done: str):
    """Run one workflow action of the version page: a flash and a redirect, or the page with the reason."""
    _, error = run_form(form, action)
    if error:
        return refused(version, error.message, error.status, version_id=version_id)
    flash(done)
    return redirect(url_for("policy_admin.version", version_id=version_id))


@bp.post("/versions/<int:version_id>/effective")
@login_required
def effective(version_id: int):
    form = EffectiveForm()
    return _act(
        version_id,
        form,
        lambda: policy_drafts.set_effective(current_user, version_id, form.effective.data),
        "生效月份已修改。",
    )


@bp.post("/versions/<int:version_id>/rows")
@login_required
def add_row(version_id: int):
    _admin()
    form = _add_row_form(policy_drafts.policy_of(policy_drafts.version(version_id)))
    return _act(
        version_id,
        form,
        lambda: policy_rows.add_row(
            current_user, version_id, form.table.data, form.name.data, form.amount.data, form.key.data or None
        ),
        "已新增一行。",
    )


@bp.post("/versions/<int:version_id>/rows/remove")
@login_required
def remove_row(version_id: int):
    form = RemoveRowForm()
    return _act(
        version_id,
        form,
        lambda: policy_rows.remove_row(current_user, version_id, form.table.data, form.key.data),
        "已删除这一行。",
    )


@bp.post("/versions/<int:version_id>/submit")
@login_required
def submit(version_id: int):
    return _act(
        version_id,
        EmptyForm(),
        lambda: policy_drafts.submit(current_user, version_id),
        "已提交审批:须由未参与编辑的另一位政策管理员批准。",
    )


@bp.post("/versions/<int:version_id>/return")
@login_required
def send_back(version_id: int):
    form = ReturnForm()
    return _act(
        version_id, form, lambda: policy_drafts.send_back(current_user, version_id, form.reason.data), "已退回草稿。"
    )


@bp.post("/versions/<int:version_id>/approve")
@login_required
def approve(version_id: int):
    return _act(
        version_id,
        EmptyForm(),
        lambda: policy_publishing.approve(current_user, version_id),
        "已批准并发布。相关月份的成绩正在后台重新计算,未确认的工资核算已标为过期,相关晋升申请已标为“已变化”。",
    )


@bp.post("/versions/<int:version_id>/withdraw-request")
@login_required
def withdraw_request(version_id: int):
    form = WithdrawForm()
    return _act(
        version_id,
        form,
        lambda: policy_publishing.request_withdrawal(current_user, version_id, form.reason.data),
        "已申请撤回,待另一位政策管理员批准。",
    )


@bp.post("/versions/<int:version_id>/withdraw")
@login_required
def withdraw(version_id: int):
    return _act(
        version_id,
        EmptyForm(),
        lambda: policy_publishing.approve_withdrawal(current_user, version_id),
        "已撤回该版本,之前的版本重新适用。",
    )


@bp.post("/versions/<int:version_id>/discard")
@login_required
def discard(version_id: int):
    form = EmptyForm()
    _, error = run_form(form, lambda: policy_drafts.discard(current_user, version_id))
    if error:
        return refused(version, error.message, error.status, version_id=version_id)
    flash("草稿已删除。")
    return redirect(url_for("policy_page.index"))


@bp.post("/versions/<int:version_id>/preview")
@login_required
def preview(version_id: int):
    form = PreviewForm()
    _admin()

    def ask():
        return policy_preview.request(current_user, version_id, policy_preview.parse_months(form.months.data))

    found, error = run_form(form, ask)
    if error:
        return refused(version, error.message, error.status, version_id=version_id)
    flash("影响预览已开始计算,可以离开本页,稍后回来查看。")
    return redirect(url_for("policy_admin.preview_page", preview_id=found.id))


def _preview(preview_id: int):
    _admin()
    return policy_preview.preview(preview_id)


@bp.get("/previews/<int:preview_id>")
@login_required
def preview_page(preview_id: int):
    found = _preview(preview_id)
    sort = request.args.get("sort", "department")
    if sort not in SORTS:
        raise BadRequest("排序参数无效。")
    everyone = request.args.get("all") == "1"
    result = policy_preview.result_of(found)
    return htmx_render(
        "policy/preview.html",
        "policy/_preview.html",
        preview=found,
        row=found.version,
        result=result,
        people=rows(result, sort, everyone) if result else [],
        sort=sort,
        sorts=SORTS,
        everyone=everyone,
        stale=found.content_hash != found.version.content_hash,
    )


@bp.get("/previews/<int:preview_id>.xlsx")
@login_required
def preview_export(preview_id: int):
    found = _preview(preview_id)
    result = policy_preview.result_of(found)
    if result is None:
        raise BadRequest("预览尚未完成,完成后才能导出。")
    title = f"政策草稿 {found.version.label} 影响预览({'、'.join(found.month_list)})"
    audit.downloaded(current_user, "export.policy_preview", title)
    return Response(
        stream_with_context(workbook_chunks(workbook(result, title))),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename=policy-preview-{found.id}.xlsx"},
    )
