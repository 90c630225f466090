"""Issue notices as signed PDFs: promotion, salary change and monthly pay; keep a registry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app, render_template
from sqlalchemy import select, update

from .. import clock
from ..db import insert_or_select, writes
from ..extensions import db
from ..models import (
    ApplicationStatus,
    IssuedNotice,
    NoticeCounter,
    PaySlip,
    PromotionApplication,
    User,
)
from ..notices import crl, signing
from ..notices.pki import SIGNER_SERIAL, PkiPaths
from ..notices.produce import Trust
from ..notices.store import DatabaseStore, FolderStore
from ..notices.tsa import tsa_settings
from ..policy.names import grade_name
from ..policy.pay import PAY_LINE_NAMES, PAY_LINES
from . import paper_check, trust_store
from .access import employee_for
from .errors import Forbidden, NotFound, ServiceError
from .pay.runs import pay_day
from .policy_book import policy_in

PREFIX = {"promotion": "JS", "salary_change": "TX", "pay": "GZ"}


def store() -> FolderStore | DatabaseStore:
    """The notice archive: NOTICE_STORE = "folder" (default: ARCHIVE_DIR or the instance folder, files
    under notices/<prefix>/; several app servers need it on a shared disk) or "database" (table notice_file)."""
    kind = current_app.config.get("NOTICE_STORE", "folder")
    if kind == "database":
        return DatabaseStore()
    if kind != "folder":
        raise ValueError(f"NOTICE_STORE must be 'folder' or 'database', not {kind!r}")
    return FolderStore(Path(current_app.config.get("ARCHIVE_DIR") or current_app.instance_path))


def pki_paths() -> PkiPaths:
    return PkiPaths(Path(current_app.config.get("PKI_DIR") or Path(current_app.instance_path) / "pki"))


def signer_file() -> tuple[str, bytes | None]:
    paths = pki_paths()
    if not paths.exists():
        raise ServiceError("尚未配置单位签名证书,无法签发通知书。请管理员运行 flask --app csapp pki init。")
    serial = paths.folder / SIGNER_SERIAL
    if serial.exists() and serial.read_text(encoding="utf-8").strip() in crl.revoked(paths):
        raise ServiceError("当前签名证书已被吊销,不能再签发。请管理员运行 flask --app csapp pki rotate 换发新证书。")
    if (
        not paths.ca_key.exists()
        and (until := crl.next_update(paths)) is not None
        and until.replace(tzinfo=None) < clock.now_utc()
    ):
        raise ServiceError(
            f"外部证书颁发机构的吊销列表已于 {clock.local(until.replace(tzinfo=None)):%Y-%m-%d %H:%M} 过期,"
            "请管理员导入新的吊销列表(pki crl --import)后再签发。"
        )
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    return str(paths.signer_p12), passphrase.encode() if passphrase else None


def signing_trust() -> Trust | None:
    """What each signature embeds for lasting validation: our CA and its current CRL (made again when due).

    None on an install from before the CA key was kept and with no CRL: it signs the earlier way (B-B)
    until the admin runs `pki rotate` (or imports an external CA's CRL).
    """
    paths = pki_paths()
    _refresh_crl(paths)
    crl_file = crl.crl_path(paths)
    if not crl_file.exists():
        current_app.logger.warning("no CA key and no CRL in %s: signing without revocation data", paths.folder)
        return None
    organisation = current_app.config.get("ORGANISATION_NAME", "客服中心")
    return Trust((str(paths.ca_cert),), (str(crl_file),), organisation, tsa_settings(current_app.config))


def signatory() -> tuple[str, str]:
    """签发人 (title, name) as configured; never the clicking HR user."""
    title = (current_app.config.get("NOTICE_SIGNATORY_TITLE") or "").strip()
    name = (current_app.config.get("NOTICE_SIGNATORY_NAME") or "").strip()
    if not (title and name):
        raise ServiceError(
            "尚未设置通知书签发人,不能签发通知书。请管理员在 instance/config.py 中设置 "
            "NOTICE_SIGNATORY_TITLE(职务)和 NOTICE_SIGNATORY_NAME(姓名)。"
        )
    return title, name


def issuing_problem() -> str | None:
    """Why notices cannot be issued on this install right now (Chinese), or None.

    An app server without the signing key (it stays on the worker machines) only needs the shared trust
    store to hold a signing certificate: the worker that signs checks its key itself."""
    try:
        signatory()
        if pki_paths().exists() or not trust_store.has_signer():
            signer_file()
    except ServiceError as exc:
        return exc.message
    return None


def signer_common_name() -> str:
    """The signing certificate's name, from the file `pki init` writes (else from the key itself)."""
    paths = pki_paths()
    if paths.signer_name.exists():
        return paths.signer_name.read_text(encoding="utf-8").strip()
    path, passphrase = signer_file()
    return signing.signer_name(signing.load_signer(Path(path), passphrase))


@writes
def claim_number(kind: str, year: int) -> str:
    """Give out the next number of a kind and year (``JS2026-00012``) with one UPDATE … RETURNING.

    A number once claimed is never given out again, even if its notice then fails.
    """
    claim = (
        update(NoticeCounter)
        .where(NoticeCounter.kind == kind, NoticeCounter.year == year)
        .values(last=NoticeCounter.last + 1)
        .returning(NoticeCounter.last)
    )
    sequence = db.session.scalar(claim)
    if sequence is None:  # the first notice of this kind this year
        insert_or_select(db.session, NoticeCounter, {"last": 0}, kind=kind, year=year)
        sequence = db.session.scalar(claim)
    return f"{PREFIX[kind]}{year}-{sequence:05d}"


@dataclass(frozen=True)
class Prepared:
    """A notice ready to be rendered and signed: its number, HTML and registry keys."""

    kind: str
    number: str
    html: str
    signatory: str
    signer: str
    employee_id: int
    month: str
    keys: dict

    @property
    def reason(self) -> str:
        return f"{PREFIX[self.kind]} 通知书 {self.number}"


@dataclass(frozen=True)
class NoticeSpec:
    """What one notice is: its kind, template, person, month, registry keys and template context.

    *identity* names what it is about (one pay notice per person and month; two notices per approved
    application); *fingerprint* hashes what it says, so a recomputed run re-issues only what changed.
    """

    kind: str
    template: str
    employee_id: int
    month: str
    keys: dict
    context: dict
    identity: str = ""
    fingerprint: str = ""


def prepare(
    spec: NoticeSpec, user: User, number: str, signer: str, replaces: str | None = None, code: str = ""
) -> Prepared:
    """Render the notice's HTML with its number (signatory, seal and signature text included).

    The issue date is a business date (training mode moves it); the signing time is real. A correction
    names the number it replaces.
    """
    now = clock.now_local()
    title, name = signatory()
    html = render_template(
        f"pdf/{spec.template}",
        number=number,
        issued_on=clock.issue_date(),
        signed_at=now,
        organisation=current_app.config.get("ORGANISATION_NAME", "客服中心"),
        signatory_name=name,
        signatory_title=title,
        signer_name=signer,
        replaces=replaces,
        verification_code=paper_check.shown(code),
        verify_url=paper_check.verify_url(number, code) if code else None,
        **spec.context,
    )
    return Prepared(spec.kind, number, html, f"{title} {name}", signer, spec.employee_id, spec.month, spec.keys)


def application_specs(application: PromotionApplication) -> list[NoticeSpec]:
    """The promotion notice and the salary-change notice of an approved application."""
    if application.status != ApplicationStatus.APPROVED:
        raise ServiceError("只有已通过的晋升申请才能签发通知书。")
    policy = policy_in(application.month)
    old, new = policy.grades[application.from_grade], policy.grades[application.target_grade]
    evaluation = application.latest_data or application.snapshot_data
    context = {
        "application": application,
        "employee": application.employee,
        "policy": policy,
        "from_label": policy.grade_label(application.from_grade),
        "to_label": policy.grade_label(application.target_grade),
        "old": old,
        "new": new,
        "criteria": [c for c in evaluation["criteria"] if c["passed"]],
    }
    keys = {"application_id": application.id}
    content = _fingerprint(
        {"from": application.from_grade, "to": application.target_grade, "month": application.month, "base": new.base}
    )
    return [
        NoticeSpec(
            kind,
            f"{kind}.html",
            application.employee_id,
            application.month,
            keys,
            context,
            f"{kind}:{application.id}",
            content,
        )
        for kind in ("promotion", "salary_change")
    ]


def pay_spec(slip: PaySlip) -> NoticeSpec:
    """The monthly pay notice of one pay slip: every line with its explanation."""
    policy = policy_in(slip.run.month)
    explanations = slip.explanations
    lines = [(PAY_LINE_NAMES[key], getattr(slip, key), explanations.get(key, "")) for key in PAY_LINES]
    paid_on = pay_day(slip.run.month)
    deduction_names = policy.pay.deduction_kinds
    deductions = [(deduction_names.get(kind, "其他扣款"), amount) for kind, amount in slip.deductions.items()]
    context = {
        "slip": slip,
        "employee": slip.employee,
        "lines": lines,
        "deductions": deductions,
        "pay_day": paid_on,
        "grade_label": grade_name(policy, slip.grade, slip.employee.employment_in(slip.run.month) == "regular"),
        "kpi_note": explanations.get("kpi", ""),
        "pay_month": slip.run.month,
    }
    return NoticeSpec(
        "pay", "pay.html", slip.employee_id, slip.run.month, {"pay_slip_id": slip.id}, context,
        pay_identity(slip), pay_fingerprint(slip),
    )  # fmt: skip


def pay_identity(slip: PaySlip) -> str:
    return f"pay:{slip.employee_id}:{slip.run.month}"


def pay_fingerprint(slip: PaySlip) -> str:
    """What a pay notice says: grade, every line, every deduction, 应发, 实发, pay date (not the explanations)."""
    content = {
        "grade": slip.grade,
        "lines": {key: str(getattr(slip, key)) for key in PAY_LINES},
        "deductions": {kind: str(amount) for kind, amount in slip.deductions.items()},
        "gross": str(slip.gross),
        "net": str(slip.net),
        "pay_day": pay_day(slip.run.month).isoformat(),
    }
    return _fingerprint(content)


def _fingerprint(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def current_notice(identity: str) -> IssuedNotice | None:
    """The 有效 notice of an identity (one pay notice per person and month), if any."""
    return db.session.scalar(
        select(IssuedNotice).where(IssuedNotice.identity == identity, IssuedNotice.status == "valid")
    )


def notices_of(user: User, employee_id: int) -> list[IssuedNotice]:
    employee_for(user, employee_id)
    return list(
        db.session.scalars(
            select(IssuedNotice).where(IssuedNotice.employee_id == employee_id).order_by(IssuedNotice.issued_at.desc())
        )
    )


def registry(month: str | None = None) -> list[IssuedNotice]:
    query = select(IssuedNotice).order_by(IssuedNotice.id.desc())
    if month:
        query = query.where(IssuedNotice.month == month)
    return list(db.session.scalars(query.limit(500)))


def notice_file(user: User, notice_id: int) -> tuple[IssuedNotice, BinaryIO]:
    """Return a notice the user may download (one's own, or HR) and its file, open for reading."""
    notice = db.session.get(IssuedNotice, notice_id)
    if notice is None:
        raise NotFound("没有这份通知书。")
    if notice.employee_id != user.employee_id and not user.has("hr"):
        raise Forbidden("您只能下载自己的通知书。")
    if notice.sha256 is None:
        raise NotFound("这份通知书还在签发中。")
    return notice, store().open(notice.path)


@dataclass(frozen=True)
class VerifyReport:
    verification: signing.Verification
    notice: IssuedNotice | None

    @property
    def valid(self) -> bool:
        """Signed by us, unaltered and in the registry (it may still be superseded or voided)."""
        return self.verification.valid and self.notice is not None

    @property
    def standing(self) -> str:
        """valid (and current) | superseded | voided | invalid — the CLI's exit codes 0, 3, 4, 1."""
        if not self.valid:
            return "invalid"
        return self.notice.status if self.notice.status in ("superseded", "voided") else "valid"

    @property
    def headline(self) -> str:
        notice = self.notice
        if self.standing == "invalid":
            return "✘ 未通过验证"
        if self.standing == "valid":
            return "✔ 真实有效"
        when = clock.local(notice.status_changed_at).strftime("%Y-%m-%d") if notice.status_changed_at else ""
        if self.standing == "superseded":
            successor = notice.successor
            return (
                f"签名有效,但已被 {successor.number if successor else '新通知书'} 取代({when},{notice.status_reason})"
            )
        return f"签名有效,但已作废({when},{notice.status_reason})"


def verify(data: bytes) -> VerifyReport:
    """Verify an uploaded PDF strictly and find it in the registry of issued notices.

    The registry's issue time is the notice's proof of existence: a certificate revoked or expired since
    then does not make it invalid.
    """
    paths = pki_paths()
    _refresh_crl(paths)
    trust = trust_store.local_trust(paths)  # the database's trust store: the same on every app server
    cas = sorted(trust.glob("ca-*.pem"))
    if not cas:
        raise ServiceError("尚未配置单位签名证书,无法校验。")
    notice = db.session.scalar(select(IssuedNotice).where(IssuedNotice.sha256 == signing.sha256(data)))
    revision = signing.revision_sha256(data)
    if notice is None and revision:  # the same signed notice after a lawful LTV update
        notice = db.session.scalar(select(IssuedNotice).where(IssuedNotice.revision_sha256 == revision).limit(1))
    existed_at = notice.issued_at if notice is not None and notice.sha256 else None
    result = signing.verify_pdf(data, cas, sorted(trust.glob("*.crl")), existed_at)
    return VerifyReport(result, notice)


def _refresh_crl(paths: PkiPaths) -> None:
    """Make our CA's CRL again when it is older than CRL_REFRESH_DAYS (only with the CA key here)."""
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    if paths.ca_key.exists() and paths.ca_cert.exists():
        crl.current_crl(
            paths, passphrase.encode() if passphrase else None, float(current_app.config["CRL_REFRESH_DAYS"])
        )
