"""Drafting a new policy version: copy the version in force, edit it, submit it for a second admin's review.

Publishing and withdrawing (what changes the book) are in csapp.services.policy_publishing.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..db import writes
from ..extensions import db
from ..models import IllegalTransition, PolicyStatus, PolicyVersion, User
from ..models.policy import OPEN_STATUSES
from ..policy.months import is_month
from ..policy.parameters import SCHEMA_VERSION, PolicyError, content_hash, policy_for, policy_text
from ..policy.schema_versions import upgrade_raw
from . import audit
from .access import require
from .errors import Conflict, NotFound, ServiceError
from .policy_book import load_published, parsed

if TYPE_CHECKING:  # the schema (pydantic) loads when a version is first read, not when the app starts
    from ..policy.checking import Problem
    from ..policy.fields import Path
    from ..policy.schema import Policy

ADMIN_ROLES = ("hr",)  # the policy admins by default; config POLICY_ADMIN_ROLES names others


class DraftInvalid(ServiceError):
    """The draft's new values break the schema: every problem, each at its path; nothing was saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"草稿有 {len(problems)} 处问题,未保存:" + ";".join(str(p) for p in problems))
        self.problems = problems


def admin_roles() -> tuple[str, ...]:
    from flask import current_app

    return tuple(current_app.config.get("POLICY_ADMIN_ROLES", ADMIN_ROLES))


def is_admin(user: User) -> bool:
    """Whether *user* administers the policy (drafts, previews, approvals)."""
    return user.has(*admin_roles())


def require_admin(user: User) -> None:
    require(user, *admin_roles())


def versions() -> list[PolicyVersion]:
    """Every stored version, newest effective month first."""
    return list(
        db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.effective.desc(), PolicyVersion.id.desc()))
    )


def version(version_id: int) -> PolicyVersion:
    found = db.session.get(PolicyVersion, version_id)
    if found is None:
        raise NotFound("没有这个政策版本。")
    return found


def policy_of(row: PolicyVersion) -> Policy:
    """The validated content of a stored version."""
    return parsed(row.content, row.id)


def awaiting_approval() -> list[PolicyVersion]:
    """Drafts submitted for approval, and published versions whose withdrawal waits for a second admin."""
    return list(
        db.session.scalars(
            select(PolicyVersion)
            .where(
                (PolicyVersion.status == PolicyStatus.PENDING)
                | (
                    (PolicyVersion.status == PolicyStatus.PUBLISHED)
                    & PolicyVersion.withdraw_requested_by_id.is_not(None)
                )
            )
            .order_by(PolicyVersion.effective)
        )
    )


def _check_month(effective: str) -> None:
    if not is_month(effective):
        raise ServiceError("生效月份须为“年-月”,如 2027-01。", "effective")


def _open_draft(effective: str) -> PolicyVersion | None:
    return db.session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.effective == effective,
            PolicyVersion.status.in_(OPEN_STATUSES),
        )
    )


def _new_draft(user: User, effective: str, policy: Policy, action: str) -> PolicyVersion:
    if (existing := _open_draft(effective)) is not None:
        raise Conflict(f"{effective} 已有一份未完成的草稿({existing.label}),请在那份草稿上修改。")
    base = _labelled(policy_for(effective, load_published()).version)
    row = PolicyVersion(
        label=f"draft-{effective}",
        effective=effective,
        status=PolicyStatus.DRAFT,
        schema_version=SCHEMA_VERSION,
        content="",
        content_hash="",
        base_id=base.id if base else None,
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()  # the id names the version
    label = f"{effective}-{row.id}"
    content = policy_text(policy.model_copy(update={"version": label, "effective": effective}))
    row.edit(user, content, content_hash(content), label, effective)
    audit.record(user, action, "policy_version", row.id, subject=label, month=effective, new=label)
    return row


def _labelled(label: str) -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).where(PolicyVersion.label == label))


@writes
def start_draft(user: User, effective: str) -> PolicyVersion:
    """Copy the version in force in *effective* into a new draft for that month."""
    require_admin(user)
    _check_month(effective)
    return _new_draft(user, effective, policy_for(effective, load_published()), "policy.draft")


@writes
def import_draft(user: User, text: str) -> PolicyVersion:
    """Create a draft from a TOML file (`policy import`): validated like any edit, never published."""
    require_admin(user)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ServiceError(f"不是有效的 TOML 文件:{exc}") from exc
    effective = raw.get("effective")
    if not isinstance(effective, str) or not is_month(effective):
        raise ServiceError("文件缺少有效的生效月份 effective(如 2027-01)。")
    base = policy_for(effective, load_published())
    try:
        raw = upgrade_raw(raw, int(raw.pop("schema_version", SCHEMA_VERSION)))
    except (PolicyError, ValueError, TypeError) as exc:
        raise ServiceError(f"文件的政策格式版本无法识别:{exc}") from exc
    from ..policy.checking import check

    policy, problems = check(raw, base)
    if problems:
        raise DraftInvalid(problems)
    return _new_draft(user, effective, policy, "policy.import")


def raw_of(row: PolicyVersion) -> dict:
    return policy_of(row).model_dump(mode="json", exclude_none=True)


def save_raw(user: User, row: PolicyVersion, raw: dict, lock: int | None, what: str) -> PolicyVersion:
    if lock is not None and lock != row.lock:
        raise Conflict("这份草稿刚被他人修改,您的修改未保存。请刷新页面,核对后重试。")
    from ..policy.checking import check

    policy, problems = check(raw, policy_of(row))
    if problems:
        raise DraftInvalid(problems)
    content = policy_text(policy)
    if content == row.content and row.status is PolicyStatus.DRAFT:
        return row
    before = row.status
    transition(row.edit, user, content, content_hash(content), row.label, row.effective)
    reason = "提交后修改,已退回草稿" if before is not PolicyStatus.DRAFT else ""
    audit.record(
        user, "policy.edit", "policy_version", row.id, subject=row.label, month=row.effective, new=what, reason=reason
    )
    return row


@writes
def save_values(user: User, version_id: int, values: dict[Path, Any], lock: int | None = None) -> PolicyVersion:
    """Write the form's typed values (path → value) into the draft; every problem is refused at once."""
    require_admin(user)
    row = version(version_id)
    raw = raw_of(row)
    changed = 0
    for path, value in values.items():
        if isinstance(value, Decimal):
            value = format(value, "f")
        try:
            node = raw
            for part in path[:-1]:
                node = node[part]
            old = node[path[-1]] if isinstance(node, list) else node.get(path[-1])
        except (KeyError, IndexError, TypeError) as exc:
            raise ServiceError("表单与草稿的结构不一致,请刷新页面后重试。") from exc
        changed += old != value
        node[path[-1]] = value
    return save_raw(user, row, raw, lock, f"修改 {changed} 项")


@writes
def set_effective(user: User, version_id: int, effective: str) -> PolicyVersion:
    """Move the draft to another effective month (its content's month too)."""
    require_admin(user)
    _check_month(effective)
    row = version(version_id)
    if effective != row.effective and _open_draft(effective) is not None:
        raise Conflict(f"{effective} 已有一份未完成的草稿。", field="effective")
    raw = raw_of(row)
    raw["effective"] = effective
    row.effective = effective
    return save_raw(user, row, raw, None, f"生效月份改为 {effective}")


def required_reason(reason: str | None, what: str) -> str:
    """The reason typed for a workflow step (退回, 撤回), trimmed; refused when empty."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(f"请填写{what}。", "reason")
    return reason


def transition(move, *args) -> None:
    """Run a workflow move of a version; an illegal one becomes a ServiceError."""
    try:
        move(*args)
    except IllegalTransition as exc:
        raise ServiceError(exc.message) from exc


@writes
def submit(user: User, version_id: int) -> PolicyVersion:
    """Send the draft for approval by another policy admin."""
    require_admin(user)
    row = version(version_id)
    policy_of(row)  # stored drafts are always valid; this is the last check
    transition(row.submit, user)
    audit.record(user, "policy.submit", "policy_version", row.id, subject=row.label, month=row.effective)
    return row


@writes
def send_back(user: User, version_id: int, reason: str) -> PolicyVersion:
    """Return a submitted draft to its authors with a reason."""
    require_admin(user)
    reason = required_reason(reason, "退回原因")
    row = version(version_id)
    transition(row.send_back, user, reason)
    audit.record(user, "policy.return", "policy_version", row.id, subject=row.label, month=row.effective, reason=reason)
    return row


@writes
def discard(user: User, version_id: int) -> None:
    """Delete a draft that was never published (its previews go with it)."""
    from ..models import PolicyPreview

    require_admin(user)
    row = version(version_id)
    if not row.status.is_open:
        raise ServiceError(f"“{row.status.label}”的版本不能删除。")
    for preview in db.session.scalars(select(PolicyPreview).where(PolicyPreview.version_id == row.id)):
        db.session.delete(preview)
    audit.record(user, "policy.discard", "policy_version", row.id, subject=row.label, month=row.effective)
    db.session.delete(row)


def export_text(label: str | None = None, month: str | None = None) -> str:
    """A stored version as a TOML file: the one labelled *label*, else the one in force in *month*
    (default: the current month); the schema version goes first."""
    from .. import clock

    if label is None:
        month = month or clock.current_month()
        _check_month(month)
        label = policy_for(month, load_published()).version
    row = _labelled(label)
    if row is None:
        raise NotFound(f"没有版本 {label}。")
    return f"schema_version = {row.schema_version}\n{row.content}"
