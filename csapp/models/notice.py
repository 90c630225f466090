"""The registry of issued notices (signed PDFs) and the batch jobs that print them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..policy.names import NOTICE_KIND_NAMES, NOTICE_STATUS_NAMES
from .monthly import _now
from .org import Employee
from .users import User

NOTICE_KINDS = NOTICE_KIND_NAMES


class IssuedNotice(db.Model):
    """A registry row: 预留 (number taken, not yet signed) → 有效 → 已被取代 (a successor) or 已作废.

    *identity* names what the notice is about (``pay:<employee>:<month>``, ``promotion:<application>``);
    *notice_key* is unique per issuance of it (``…:first`` or ``…:after:<number replaced>``), so two
    batches can never issue the same notice twice. *html* holds a reserved notice's content until it is
    signed, so a crash is finished with the same number and the same text.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # e.g. JS2026-00012
    kind: Mapped[str] = mapped_column(String(20), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_application.id"))
    pay_slip_id: Mapped[int | None] = mapped_column(ForeignKey("pay_slip.id"))
    status: Mapped[str] = mapped_column(String(12), default="valid", server_default="valid", index=True)
    identity: Mapped[str] = mapped_column(String(80), default="", server_default="", index=True)
    notice_key: Mapped[str] = mapped_column(String(120), unique=True)
    verification_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("issued_notice.id"))
    status_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    status_changed_at: Mapped[dt.datetime | None]
    html: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    revision_sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # the signed revision
    path: Mapped[str] = mapped_column(String(300))  # the store's key, relative to the instance folder
    signer: Mapped[str] = mapped_column(String(200))
    signatory: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[dt.datetime] = mapped_column(default=_now)  # reserved at, then signed at
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    employee: Mapped[Employee] = relationship()
    issued_by: Mapped[User | None] = relationship()
    supersedes: Mapped[IssuedNotice | None] = relationship(remote_side=[id])

    @property
    def kind_name(self) -> str:
        return NOTICE_KINDS[self.kind]

    @property
    def status_name(self) -> str:
        return NOTICE_STATUS_NAMES[self.status]

    @property
    def successor(self) -> IssuedNotice | None:
        from sqlalchemy import select

        return db.session.scalar(select(IssuedNotice).where(IssuedNotice.supersedes_id == self.id))


class NoticeCounter(db.Model):
    """The last number given out per notice kind and year; claimed with one UPDATE … RETURNING."""

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class BatchJob(db.Model):
    """Issuing notices on the task queue: the row is the truth, a queue message only carries its id.

    A consumer claims it with a conditional UPDATE and holds it by a lease (owner, heartbeat_at);
    a job queued without a message or running with an expired lease is enqueued again.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # pay | promotion | application | pay_corrections
    month: Mapped[str] = mapped_column(String(7))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("promotion_application.id"))
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    zip_path: Mapped[str | None] = mapped_column(String(300))  # unused since ZIPs are streamed
    error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[str] = mapped_column(Text, default="", server_default="")  # JSON: notices that failed
    owner: Mapped[str | None] = mapped_column(String(80))
    heartbeat_at: Mapped[dt.datetime | None]
    enqueued_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    finished_at: Mapped[dt.datetime | None]

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else int(100 * self.done / self.total) if self.total else 0

    @property
    def failed_notices(self) -> list[dict]:
        import json

        return json.loads(self.failures) if self.failures else []


class WorkerBeat(db.Model):
    """A queue consumer is alive while its row's beat is recent (the job pages say when none is)."""

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(default=_now)
    beat_at: Mapped[dt.datetime] = mapped_column(default=_now)


class NoticeFile(db.Model):
    """A notice's PDF kept in the database (NOTICE_STORE = "database"): inserted in the transaction that
    registers the notice, never updated — every app server reads the same bytes, no shared disk needed."""

    __tablename__ = "notice_file"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[dt.datetime] = mapped_column(default=_now)


class TrustFile(db.Model):
    """A public file of the trust store (a CA or signer certificate, a CRL, the revoked list), shared by
    every app server through the database so each verifies notices alike. Certificates are never
    replaced; a CRL only by a later one of the same CA."""

    __tablename__ = "trust_file"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now)
