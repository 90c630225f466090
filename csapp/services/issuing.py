"""Issue a notice in three steps, so that a number is never lost, reused or attached to two files.

1. ``reserve``: check every character against the shipped fonts (before any number is taken), then
   in one short transaction claim the number (``UPDATE … RETURNING``) and insert the registry row as
   预留 with its content, its notice key (unique) and its verification code.
2. ``complete`` renders and signs outside any transaction,
3. then in one short transaction records the hash and 有效 (and 已被取代 on the notice it replaces);
   the store links the file into its final name only after that commit.

``sweep`` (consumer start) finishes what a crash left: 预留 rows are signed with their own number
and text; temp files are linked when their hash was committed, deleted otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..db import write_transaction, writes
from ..extensions import db
from ..models import IssuedNotice, PayRunStatus, PaySlip, PromotionApplication, User
from ..notices.glyphs import missing_characters
from ..notices.render import MissingGlyph
from ..notices.signing import revision_sha256
from ..notices.store import StoreConflict
from ..notices.tsa import TimestampUnavailable
from . import audit, paper_check
from .access import require
from .errors import Conflict, NotFound, ServiceError
from .notices import PREFIX, NoticeSpec, application_specs, claim_number, pay_spec, prepare, signer_common_name, store

Producer = Callable[[str, str], bytes]  # (html, reason) → signed PDF


class UnprintableName(ServiceError):
    """The shipped fonts lack a character of this notice: it takes no number and HR hands it out on paper."""


class TsaUnavailable(ServiceError):
    """The time-stamping service did not answer: the notice keeps its reserved number for the next try."""


@dataclass(frozen=True)
class Item:
    """What a job covers, cheaply: the notice's identity and content hash; ``build`` makes its spec."""

    identity: str
    fingerprint: str
    build: Callable[[], NoticeSpec]


class Work:
    """One notice to issue, and the notice it replaces (a correction) if any; the spec is built on first use."""

    def __init__(
        self, item: Item | NoticeSpec, replaces: IssuedNotice | None = None, after: str | None = None, key: str = ""
    ) -> None:
        if isinstance(item, NoticeSpec):
            item = Item(item.identity, item.fingerprint, lambda spec=item: spec)
        self.item, self.replaces, self.after, self._key = item, replaces, after, key

    @functools.cached_property
    def spec(self) -> NoticeSpec:
        return self.item.build()

    @property
    def key(self) -> str:
        """Unique per issuance: the first of an identity, or the one after its latest number."""
        return self._key or (
            f"{self.item.identity}:after:{self.after}" if self.after else f"{self.item.identity}:first"
        )


def plan(item: Item, current: IssuedNotice | None, latest: IssuedNotice | None, only_replace: bool = False):
    """The Work an item needs, or None when its 有效 notice still says the same.

    *current* is the identity's 有效 notice, *latest* its newest of any state: a 预留 one is finished
    under its own key; otherwise the next issuance comes after the latest number.
    """
    if current is not None and current.fingerprint in (item.fingerprint, ""):
        return None  # issued already and still says the same (a notice from before fingerprints: kept)
    if only_replace and current is None:
        return None
    if latest is not None and latest.status == "reserved":
        return Work(item, current, key=latest.notice_key)
    return Work(item, current, after=latest.number if latest else None)


def notices_by_identity(month: str) -> tuple[dict[str, IssuedNotice], dict[str, IssuedNotice]]:
    """The month's 有效 notice and newest notice of each identity, in one query."""
    current, latest = {}, {}
    for notice in db.session.scalars(select(IssuedNotice).where(IssuedNotice.month == month).order_by(IssuedNotice.id)):
        latest[notice.identity] = notice
        if notice.status == "valid":
            current[notice.identity] = notice
    return current, latest


NUMBER_SLOT = "NOTICE-NUMBER-SLOT"  # ASCII, so the font check of the draft holds for the final text
QR_SLOT = "NOTICE-QR-SLOT"  # the template's place for the QR code of the paper check


def draft(user: User, work: Work, signer: str, code: str = ""):
    """The notice's text with a slot for its number, checked against the fonts before any number is taken."""
    spec = work.spec
    replaces = work.replaces.number if work.replaces else None
    prepared = prepare(spec, user, NUMBER_SLOT, signer, replaces, code)
    missing = missing_characters(prepared.html)
    if missing:
        chars = "、".join(f"“{c}”(U+{ord(c):04X})" for c in missing)
        name = spec.context["employee"].name if "employee" in spec.context else ""
        raise UnprintableName(
            f"{name}({spec.context['employee'].code})的通知书含有字体无法显示的字符 {chars},未签发、未占用编号;"
            "请人事为其出具纸质通知书。"
        )
    return prepared


def reserve(user: User, work: Work, signer: str) -> IssuedNotice:
    """Step 1: the registry row 预留 with its number and content (or the row this work already has)."""
    found = db.session.scalar(select(IssuedNotice).where(IssuedNotice.notice_key == work.key))
    if found is not None:
        return found
    code = paper_check.new_code()
    prepared = draft(user, work, signer, code)
    try:
        with write_transaction() as session:
            found = session.scalar(select(IssuedNotice).where(IssuedNotice.notice_key == work.key))
            if found is not None:  # another consumer reserved it meanwhile
                return found
            spec = work.spec
            number = claim_number(spec.kind, clock.issue_date().year)
            notice = IssuedNotice(
                number=number,
                kind=spec.kind,
                employee_id=spec.employee_id,
                month=spec.month,
                status="reserved",
                identity=spec.identity,
                notice_key=work.key,
                verification_code=code,
                fingerprint=spec.fingerprint,
                supersedes_id=work.replaces.id if work.replaces else None,
                html=_with_qr(prepared.html.replace(NUMBER_SLOT, number), paper_check.verify_url(number, code)),
                path=f"notices/{number.split('-')[0]}/{number}.pdf",
                signer=prepared.signer,
                signatory=prepared.signatory,
                issued_by_id=user.id,
                issued_at=clock.now_utc(),
                **spec.keys,
            )
            session.add(notice)
    except Conflict:  # another consumer inserted this notice's row first (PostgreSQL: no write lock to queue on)
        found = db.session.scalar(select(IssuedNotice).where(IssuedNotice.notice_key == work.key))
        if found is None:
            raise
        return found
    return notice


def _with_qr(html: str, url: str | None) -> str:
    """Put the QR code of the paper-check address in its slot (inline SVG, no text to draw)."""
    if QR_SLOT not in html:
        return html
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=2, border=0, dark="#111") if url else ""
    return html.replace(QR_SLOT, svg)


def reason_of(notice: IssuedNotice) -> str:
    """The signature's stated reason."""
    return f"{PREFIX[notice.kind]} 通知书 {notice.number}"


def complete(notice_id: int, produce: Producer, audited: bool = True) -> IssuedNotice:
    """Steps 2 and 3: render and sign a reserved notice outside any transaction, then record it."""
    notice = db.session.get(IssuedNotice, notice_id)
    db.session.commit()  # end the read snapshot: nothing is held while rendering
    if notice.status != "reserved":
        return notice
    try:
        pdf = produce(notice.html, reason_of(notice))
    except MissingGlyph as exc:  # the cmap check should have caught it: the number is spent, never reused
        with write_transaction() as session:
            session.refresh(notice)
            notice.status, notice.html, notice.status_changed_at = "voided", None, clock.now_utc()
            notice.status_reason = "字体无法显示其中的字符,未能生成"
        raise UnprintableName(
            f"{notice.employee.name} 的通知书含有字体无法显示的字符,未签发;请出具纸质通知书。"
        ) from exc
    except TimestampUnavailable as exc:
        current_app.logger.error("time-stamping service unavailable: %s", exc)
        raise TsaUnavailable(
            f"时间戳服务暂时无法访问,{notice.employee.name} 的通知书 {notice.number} 已预留编号但未签发;"
            "请稍后重试,或请管理员检查 TSA_URL。"
        ) from None
    with write_transaction() as session:
        session.refresh(notice, with_for_update=True)  # a second consumer waits here, then sees it finished
        if notice.status != "reserved":  # finished by someone else meanwhile: keep theirs
            return notice
        try:
            notice.sha256 = store().put_new(session, notice.path, pdf)
        except StoreConflict:  # a file of another database has this name: burn the number, never overwrite
            current_app.logger.error("archive already holds %s; number voided, the notice gets a new one", notice.path)
            notice.status, notice.html, notice.status_changed_at = "voided", None, clock.now_utc()
            notice.status_reason = "归档中已有同编号的文件(可能来自其他数据库),此编号作废,改用新编号重新签发"
            return notice
        notice.revision_sha256 = revision_sha256(pdf)
        notice.status, notice.html, notice.issued_at = "valid", None, clock.now_utc()
        old = notice.supersedes
        if old is not None and old.status == "valid":
            old.status, old.status_changed_at = "superseded", clock.now_utc()
            old.status_reason = f"工资更正后由 {notice.number} 取代"
            audit.record(
                notice.issued_by, "notice.supersede", "issued_notice", old.id, subject=old.number, month=old.month,
                field="status", old="valid", new=notice.number,
            )  # fmt: skip
        if audited:
            session.flush()
            audit.record(
                notice.issued_by, "notice.issue", "issued_notice", notice.id, subject=notice.number,
                month=notice.month, field=notice.kind, new=notice.sha256,
            )  # fmt: skip
    return notice


def issue_now(user: User, spec: NoticeSpec, produce: Producer | None = None) -> IssuedNotice:
    """Issue one notice in this process and wait for it (CLI, tests); the 有效 one if it says the same."""
    from .render_pool import produce_signed

    for _ in range(3):  # a number burned by an archive clash is followed by a fresh one
        current, latest = notices_by_identity(spec.month)
        work = plan(Work(spec).item, current.get(spec.identity), latest.get(spec.identity))
        if work is None:
            return current[spec.identity]
        notice = complete(reserve(user, work, signer_common_name()).id, produce or produce_signed)
        if notice.status == "valid":
            return notice
    raise ServiceError("通知书归档目录中已有同编号的文件,未能签发;请联系管理员检查归档目录。")


def issue_for_application(user: User, application_id: int) -> list[IssuedNotice]:
    """Issue the promotion notice and the salary-change notice of an approved application, and wait."""
    require(user, "hr")
    application = db.session.get(PromotionApplication, application_id)
    if application is None:
        raise NotFound("没有这份申请。")
    return [issue_now(user, spec) for spec in application_specs(application)]


def issue_pay_notice(user: User, slip_id: int) -> IssuedNotice:
    """Issue the monthly pay notice of one slip of a confirmed run, and wait."""
    require(user, "hr")
    slip = db.session.get(PaySlip, slip_id)
    if slip is None:
        raise NotFound("没有这张工资单。")
    if slip.run.status != PayRunStatus.CONFIRMED:
        raise ServiceError("只能为已确认的工资签发工资通知单。")
    return issue_now(user, pay_spec(slip))


@writes
def void(user: User, notice_id: int, reason: str) -> IssuedNotice:
    """作废 a notice with a reason (no successor): it still verifies as signed, but says 已作废."""
    require(user, "hr")
    notice = db.session.get(IssuedNotice, notice_id)
    if notice is None:
        raise NotFound("没有这份通知书。")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("作废须填写原因。", "reason")
    if notice.status != "valid":
        raise ServiceError(f"{notice.number} 现为“{notice.status_name}”,不能作废。")
    notice.status, notice.status_reason, notice.status_changed_at = "voided", reason, clock.now_utc()
    audit.record(
        user, "notice.void", "issued_notice", notice.id, subject=notice.number, month=notice.month,
        field="status", old="valid", new="voided", reason=reason,
    )  # fmt: skip
    return notice


def sweep(produce: Producer) -> dict:
    """Finish what a crash left: 预留 rows signed with their own number; temp files linked or deleted."""
    reserved = db.session.scalars(select(IssuedNotice.id).where(IssuedNotice.status == "reserved")).all()
    for notice_id in reserved:
        complete(notice_id, produce)
    committed = dict(
        db.session.execute(select(IssuedNotice.path, IssuedNotice.sha256).where(IssuedNotice.sha256.is_not(None))).all()
    )
    db.session.commit()
    finished, deleted = store().sweep(committed)
    return {"signed": len(reserved), "linked": finished, "deleted": deleted}
