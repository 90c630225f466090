"""Issue notices as signed PDFs: promotion, salary change and monthly pay; keep a registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select, update

from .. import clock
from ..db import insert_or_select, writes
from ..extensions import db
from ..models import (
    ApplicationStatus,
    IssuedNotice,
    NoticeCounter,
    PayRunStatus,
    PaySlip,
    PromotionApplication,
    User,
)
from ..notices import signing
from ..notices.pki import PkiPaths
from ..notices.render import MissingGlyph
from ..policy.parameters import policy_for
from ..policy.pay import PAY_LINE_NAMES, PAY_LINES
from . import audit, render_pool
from .access import employee_for, require
from .errors import Forbidden, NotFound, ServiceError

PREFIX = {"promotion": "JS", "salary_change": "TX", "pay": "GZ"}


def pki_paths() -> PkiPaths:
    return PkiPaths(Path(current_app.config.get("PKI_DIR") or Path(current_app.instance_path) / "pki"))


def signer_file() -> tuple[str, bytes | None]:
    paths = pki_paths()
    if not paths.exists():
        raise ServiceError("尚未配置单位签名证书,无法签发通知书。请管理员运行 flask --app csapp pki init。")
    passphrase = current_app.config.get("PKI_PASSPHRASE")
    return str(paths.signer_p12), passphrase.encode() if passphrase else None


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
    """What one notice is: its kind, template, person, month, registry keys and template context."""

    kind: str
    template: str
    employee_id: int
    month: str
    keys: dict
    context: dict


def prepare(spec: NoticeSpec, user: User, number: str, signer: str) -> Prepared:
    """Render the notice's HTML with its number (signatory, seal and signature text included).

    The issue date is a business date (training mode moves it); the signing time is real.
    """
    now = clock.now_local()
    name = current_app.config.get("NOTICE_SIGNATORY_NAME") or user.display_name
    title = current_app.config.get("NOTICE_SIGNATORY_TITLE") or "人事部"
    html = render_template(
        f"pdf/{spec.template}",
        number=number,
        issued_on=clock.issue_date(),
        signed_at=now,
        organisation=current_app.config.get("ORGANISATION_NAME", "客服中心"),
        signatory_name=name,
        signatory_title=title,
        signer_name=signer,
        **spec.context,
    )
    return Prepared(spec.kind, number, html, f"{title} {name}", signer, spec.employee_id, spec.month, spec.keys)


def finish(prepared: Prepared, pdf: bytes, user: User, audited: bool = True) -> IssuedNotice:
    """Store a signed notice and enter it in the registry (the caller commits).

    A batch passes audited=False: its one audit row and the registry record every notice it issues.
    """
    relative = Path("notices") / prepared.number.split("-")[0] / f"{prepared.number}.pdf"
    target = Path(current_app.instance_path) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    notice = IssuedNotice(
        number=prepared.number,
        kind=prepared.kind,
        employee_id=prepared.employee_id,
        month=prepared.month,
        sha256=signing.sha256(pdf),
        path=str(relative),
        signer=prepared.signer,
        signatory=prepared.signatory,
        issued_by_id=user.id,
        **prepared.keys,
    )
    db.session.add(notice)
    if audited:
        db.session.flush()
        audit.record(
            user,
            "notice.issue",
            "issued_notice",
            notice.id,
            subject=notice.number,
            month=prepared.month,
            field=prepared.kind,
            new=notice.sha256,
        )
    return notice


def existing(kind: str, **keys) -> IssuedNotice | None:
    query = select(IssuedNotice).where(IssuedNotice.kind == kind)
    for name, value in keys.items():
        query = query.where(getattr(IssuedNotice, name) == value)
    return db.session.scalar(query)


def produce_signed(prepared: Prepared) -> bytes:
    """Render and sign one notice in the render pool; a missing glyph becomes a Chinese message."""
    path, passphrase = signer_file()
    try:
        return render_pool.submit(prepared.html, path, passphrase, prepared.reason).result()
    except MissingGlyph as exc:
        raise ServiceError(f"通知书中有字体无法显示的字符,未签发:{exc}") from exc


def issue(user: User, spec: NoticeSpec) -> IssuedNotice:
    """Issue one notice and wait for it (or return the one already issued for the same keys)."""
    found = existing(spec.kind, **spec.keys)
    if found:
        return found
    prepared = prepare(spec, user, claim_number(spec.kind, clock.issue_date().year), signer_common_name())
    return finish(prepared, produce_signed(prepared), user)


def application_specs(application: PromotionApplication) -> list[NoticeSpec]:
    """The promotion notice and the salary-change notice of an approved application."""
    if application.status != ApplicationStatus.APPROVED:
        raise ServiceError("只有已通过的晋升申请才能签发通知书。")
    policy = policy_for(application.month)
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
    return [
        NoticeSpec("promotion", "promotion.html", application.employee_id, application.month, keys, context),
        NoticeSpec("salary_change", "salary_change.html", application.employee_id, application.month, keys, context),
    ]


def pay_spec(slip: PaySlip) -> NoticeSpec:
    """The monthly pay notice of one pay slip: every line with its explanation."""
    policy = policy_for(slip.run.month)
    explanations = slip.explanations
    lines = [(PAY_LINE_NAMES[key], getattr(slip, key), explanations.get(key, "")) for key in PAY_LINES]
    context = {
        "slip": slip,
        "employee": slip.employee,
        "lines": lines,
        "grade_label": policy.grade_label(slip.grade),
        "kpi_note": explanations.get("kpi", ""),
        "pay_month": slip.run.month,
    }
    return NoticeSpec("pay", "pay.html", slip.employee_id, slip.run.month, {"pay_slip_id": slip.id}, context)


@writes
def issue_for_application(user: User, application_id: int) -> list[IssuedNotice]:
    """Issue the promotion notice and the salary-change notice of an approved application."""
    require(user, "hr")
    application = db.session.get(PromotionApplication, application_id)
    if application is None:
        raise NotFound("没有这份申请。")
    notices = [issue(user, spec) for spec in application_specs(application)]
    return notices


@writes
def issue_pay_notice(user: User, slip_id: int) -> IssuedNotice:
    """Issue the monthly pay notice of one pay slip."""
    require(user, "hr")
    slip = db.session.get(PaySlip, slip_id)
    if slip is None:
        raise NotFound("没有这张工资单。")
    if slip.run.status != PayRunStatus.CONFIRMED:
        raise ServiceError("只能为已确认的工资签发工资通知单。")
    notice = issue(user, pay_spec(slip))
    return notice


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


def notice_file(user: User, notice_id: int) -> tuple[IssuedNotice, Path]:
    """Return a notice the user may download (one's own, or HR) and its file."""
    notice = db.session.get(IssuedNotice, notice_id)
    if notice is None:
        raise NotFound("没有这份通知书。")
    if notice.employee_id != user.employee_id and not user.has("hr"):
        raise Forbidden("您只能下载自己的通知书。")
    return notice, Path(current_app.instance_path) / notice.path


@dataclass(frozen=True)
class VerifyReport:
    verification: signing.Verification
    notice: IssuedNotice | None

    @property
    def valid(self) -> bool:
        return self.verification.valid and self.notice is not None


def verify(data: bytes) -> VerifyReport:
    """Verify an uploaded PDF strictly and find it in the registry of issued notices."""
    paths = pki_paths()
    if not paths.exists():
        raise ServiceError("尚未配置单位签名证书,无法校验。")
    result = signing.verify_pdf(data, paths.ca_cert)
    notice = db.session.scalar(select(IssuedNotice).where(IssuedNotice.sha256 == result.sha256))
    return VerifyReport(result, notice)
