"""Policy versions in the database: drafts, their review (four eyes) and the published book."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..db import partial_unique
from ..extensions import db
from ..policy.names import POLICY_STATUS_NAMES
from .monthly import _now
from .promotion import IllegalTransition
from .users import User


class PolicyStatus(enum.Enum):
    DRAFT = "draft"  # 草稿
    PENDING = "pending"  # 待审批
    PUBLISHED = "published"  # 已发布
    RETURNED = "returned"  # 已退回 (a draft again, with the reviewer's reason)
    WITHDRAWN = "withdrawn"  # 已撤回 (published, taken back before its month began)

    @property
    def label(self) -> str:
        return POLICY_STATUS_NAMES[self.value]

    @property
    def is_open(self) -> bool:
        """A draft still being worked on or reviewed (at most one per effective month)."""
        return self in OPEN_STATUSES


OPEN_STATUSES = (PolicyStatus.DRAFT, PolicyStatus.PENDING, PolicyStatus.RETURNED)
_OPEN_SQL = "status IN ('draft', 'pending', 'returned')"


class PolicyVersion(db.Model):
    """One version of the scheme: its TOML content (validated by csapp.policy.schema) and its review."""

    __table_args__ = (
        # at most one open draft per effective month, at most one published version per effective month
        partial_unique("uq_policy_version_open", "effective", where=_OPEN_SQL),
        partial_unique("uq_policy_version_published", "effective", where="status = 'published'"),
        UniqueConstraint("label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40))  # the content's `version`: what stored results are keyed by
    effective: Mapped[str] = mapped_column(String(7), index=True)
    status: Mapped[PolicyStatus] = mapped_column(
        Enum(PolicyStatus, native_enum=False, length=12, values_callable=lambda e: [m.value for m in e]),
        default=PolicyStatus.DRAFT,
    )
    schema_version: Mapped[int]
    content: Mapped[str] = mapped_column(Text)  # TOML, the whole version
    content_hash: Mapped[str] = mapped_column(String(64))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("policy_version.id"))  # the version the draft copied
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: shipped with the app
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # approved or returned it
    decided_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    return_reason: Mapped[str] = mapped_column(Text, default="")
    withdraw_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdraw_requested_at: Mapped[dt.datetime | None]
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[dt.datetime | None]
    lock: Mapped[int]

    base: Mapped[PolicyVersion | None] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    withdraw_requested_by: Mapped[User | None] = relationship(foreign_keys=[withdraw_requested_by_id])
    editors: Mapped[list[PolicyEditor]] = relationship(cascade="all, delete-orphan", back_populates="version")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.lock}

    # -- workflow -------------------------------------------------------------------------
    def _require(self, allowed: tuple[PolicyStatus, ...], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(f"该版本当前为“{self.status.label}”,不能{action}。")

    def edited_by(self, user: User) -> bool:
        return any(e.user_id == user.id for e in self.editors)

    def _not_an_editor(self, user: User, action: str) -> None:
        if self.edited_by(user):
            raise IllegalTransition(f"您编辑过这个草稿,不能{action}:须由未参与编辑的另一位政策管理员{action}。")

    def edit(self, user: User, content: str, content_hash: str, label: str, effective: str) -> None:
        """Take new content; an edit after submission returns the version to 草稿."""
        self._require(OPEN_STATUSES, "修改")
        self.content, self.content_hash, self.label, self.effective = content, content_hash, label, effective
        self.status = PolicyStatus.DRAFT
        self.submitted_by_id = self.submitted_at = None
        if not self.edited_by(user):
            self.editors.append(PolicyEditor(user_id=user.id))

    def submit(self, user: User) -> None:
        self._require((PolicyStatus.DRAFT, PolicyStatus.RETURNED), "提交审批")
        self.status, self.submitted_by_id, self.submitted_at = PolicyStatus.PENDING, user.id, _now()

    def send_back(self, user: User, reason: str) -> None:
        self._require((PolicyStatus.PENDING,), "退回")
        self._not_an_editor(user, "退回")
        self.status, self.return_reason = PolicyStatus.RETURNED, reason
        self.decided_by_id, self.decided_at = user.id, _now()

    def approve(self, user: User) -> None:
        self._require((PolicyStatus.PENDING,), "审批发布")
        self._not_an_editor(user, "审批发布")
        now = _now()
        self.status, self.decided_by_id, self.decided_at, self.published_at = PolicyStatus.PUBLISHED, user.id, now, now

    def request_withdrawal(self, user: User, reason: str) -> None:
        self._require((PolicyStatus.PUBLISHED,), "申请撤回")
        if self.withdraw_requested_by_id is not None:
            raise IllegalTransition("该版本的撤回申请已在等待审批。")
        self.withdraw_requested_by_id, self.withdraw_requested_at, self.withdraw_reason = user.id, _now(), reason

    def approve_withdrawal(self, user: User) -> None:
        self._require((PolicyStatus.PUBLISHED,), "撤回")
        if self.withdraw_requested_by_id is None:
            raise IllegalTransition("该版本没有待审批的撤回申请。")
        if self.withdraw_requested_by_id == user.id:
            raise IllegalTransition("撤回须由申请人以外的另一位政策管理员批准。")
        self.status, self.withdrawn_by_id, self.withdrawn_at = PolicyStatus.WITHDRAWN, user.id, _now()


class PolicyEditor(db.Model):
    """Who edited a draft: none of them may approve it."""

    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)

    version: Mapped[PolicyVersion] = relationship(back_populates="editors")
    user: Mapped[User] = relationship()


class PolicyGeneration(db.Model):
    """One row: bumped in every publishing transaction, so each process reloads its cached book."""

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=1)


class PolicyPreview(db.Model):
    """An impact preview computed on the queue: keyed by the draft's content hash and the months previewed."""

    __table_args__ = (UniqueConstraint("version_id", "content_hash", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    months: Mapped[str] = mapped_column(String(80))  # "2026-08,2026-09,2026-10"
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(Text, default="")  # JSON (csapp.services.policy_preview)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    finished_at: Mapped[dt.datetime | None]

    version: Mapped[PolicyVersion] = relationship()

    @property
    def month_list(self) -> list[str]:
        return self.months.split(",")

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(100 * self.done / self.total) if self.total else 0
