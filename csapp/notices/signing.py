"""Sign a PDF (PAdES) with the organisation's certificate and verify a signed PDF strictly."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

FIELD_NAME = "CSAppSignature"
# pyHanko warns on every signature that fetching is off: by design here, the CRL is handed to it
logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)


@functools.lru_cache(maxsize=4)
def _signer(p12_path: str, passphrase: bytes | None, mtime: float):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(p12_path, passphrase=passphrase)
    if signer is None:
        raise ValueError(f"cannot load the signing key {p12_path}")
    return signer


def load_signer(p12_path: Path, passphrase: bytes | None = None):
    """Load (once per file version) the signer from a PKCS#12 file."""
    return _signer(str(p12_path), passphrase, p12_path.stat().st_mtime)


def signer_name(signer) -> str:
    """Return the signing certificate's common name."""
    return signer.signing_cert.subject.native.get("common_name", "")


@dataclass(frozen=True)
class Seal:
    """Where and how the signature shows: the page, the box (PDF points) and the seal's vector PDF."""

    page: int
    box: tuple[float, ...]
    stamp_pdf: str


def sign_pdf(
    pdf: bytes,
    signer,
    reason: str = "人事通知书",
    location: str = "",
    seal: Seal | None = None,
    context=None,
    timestamper=None,
) -> bytes:
    """Return *pdf* signed (PAdES) by *signer*.

    With a validation *context* (our CA and its CRL): a certification signature (DocMDP: no changes) with
    the chain and its revocation data embedded (B-LT), verifiable offline. With *seal*:
    the signature field shows the seal at its place on the page. With a *timestamper* (a TSA client, and
    the TSA's trust in *context*): a signature timestamp and, after the revocation data, a document
    timestamp (B-LTA). Without them: the earlier B-B form.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    lasting = {}
    if context is not None:
        lasting = {
            "certify": True,
            "docmdp_permissions": fields.MDPPerm.NO_CHANGES,
            "embed_validation_info": True,
            "validation_context": context,
        }
    if timestamper is not None:
        lasting["use_pades_lta"] = True
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        **lasting,
    )
    visible = {}
    if seal is not None:
        visible = {
            "new_field_spec": fields.SigFieldSpec(FIELD_NAME, on_page=seal.page, box=seal.box),
            "stamp_style": _stamp(seal.stamp_pdf),
        }
    output = io.BytesIO()
    # room for the chain and the CRL reserved up front: pyHanko need not sign twice to measure it
    reserved = RESERVED + (TIMESTAMP_RESERVED if timestamper is not None else 0)
    signers.PdfSigner(meta, signer=signer, timestamper=timestamper, **visible).sign_pdf(
        writer, output=output, bytes_reserved=reserved
    )
    return output.getvalue()


RESERVED = 24 * 1024
TIMESTAMP_RESERVED = 16 * 1024  # the token and the TSA's chain


@functools.lru_cache(maxsize=4)
def _stamp(stamp_pdf: str):
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle.from_pdf_file(stamp_pdf, border_width=0)


@dataclass(frozen=True)
class Verification:
    """The outcome of a strict verification, with a Chinese summary."""

    valid: bool
    signed: bool
    intact: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None
    sha256: str = ""
    problems: tuple[str, ...] = ()
    legacy: bool = False  # signed before lasting signatures: B-B, no revocation data
    revision_sha256: str = ""

    @property
    def summary(self) -> str:
        if self.valid:
            early = "(早期签名,无吊销信息)" if self.legacy else ""
            return f"签名有效{early}:由“{self.signer}”签署,签署后文件未被修改。"
        return "签名无效:" + ";".join(self.problems)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=4)
def _trust_root(ca_path: str, mtime: float):
    from asn1crypto import pem, x509

    data = Path(ca_path).read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def verify_pdf(
    data: bytes, ca_certs: Path | list[Path], crls: list[Path] = (), existed_at: dt.datetime | None = None
) -> Verification:
    """Verify strictly (issue 11's rule).

    Exactly one /Sig signature — ours: certified with no changes allowed, intact, valid, by one of our
    CAs — followed only by document timestamps; later revisions at most LTA updates (DSS, timestamps,
    metadata); nothing but whitespace after the last %%EOF. The certificate is judged by pyHanko's AdES
    engine with the embedded and the current *crls*, now or — for a notice on file — at *existed_at*, the
    registry's issue time. A notice signed before this rule (B-B, not certified) must instead cover the
    entire file: 早期签名(无吊销信息).
    """
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    from .validation import certificate_problem

    digest = sha256(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, MemoryError, IndexError):
        return Verification(False, False, sha256=digest, problems=("不是可读取的 PDF 文件(文件已损坏或不是 PDF)",))
    ours = [sig for sig in signatures if sig.sig_object.get("/Type", "/Sig") != "/DocTimeStamp"]
    if not ours:
        return Verification(False, False, sha256=digest, problems=("文件中没有数字签名",))
    problems = []
    if len(ours) > 1:
        problems.append(f"文件含有 {len(ours)} 个签名,本单位的通知书只有一个")
    signature = ours[0]
    if any(later.signed_revision < signature.signed_revision for later in signatures if later not in ours):
        problems.append("文件在签署前就带有时间戳,不是本系统签发的通知书")
    paths = ca_certs if isinstance(ca_certs, list) else [ca_certs]
    roots = [_trust_root(str(path), path.stat().st_mtime) for path in paths]
    certified = signature.docmdp_level == MDPPerm.NO_CHANGES
    legacy = not certified and signature.docmdp_level is None
    moment = None
    if legacy and existed_at is not None:  # no revocation data: the chain as it stood when issued
        moment = existed_at if existed_at.tzinfo else existed_at.replace(tzinfo=dt.UTC)
    try:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=moment)
        status = validate_pdf_signature(signature, context)
        trust_problem = None
        if not legacy and status.intact and status.valid:
            crl_data = [path.read_bytes() for path in crls]
            trust_problem = certificate_problem(signature, roots, crl_data, existed_at)
    except (ValueError, KeyError, TypeError, RecursionError, MemoryError, IndexError):  # pyHanko's are ValueErrors
        return Verification(False, True, sha256=digest, problems=("签名数据已损坏,无法校验",))
    signer = status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    trusted = status.trusted if legacy else trust_problem is None
    if not status.intact:
        problems.append("签署后文件内容被修改(摘要不符)")
    elif not status.valid:
        problems.append("签名值无效")
    elif trust_problem:
        problems.append(trust_problem)
    elif not trusted:
        problems.append(f"签署人“{signer}”的证书不是本单位证书颁发机构签发的")
    if legacy:
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        if not whole:
            problems.append("早期签名之后文件被追加或修改过")
    else:
        whole = status.coverage in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)
        if not certified:
            problems.append("签名不是本单位的认证签名(允许修改)")
        level = status.modification_level
        if level is None or level > ModificationLevel.LTA_UPDATES:
            problems.append("签署后文件被修改过(增加了注释、表单或其他内容)")
    if data.rstrip()[-5:] != b"%%EOF":
        problems.append("文件末尾被追加了内容")
    return Verification(
        not problems,
        True,
        status.intact,
        trusted,
        whole,
        signer,
        status.signer_reported_dt,
        digest,
        tuple(problems),
        legacy,
        revision_sha256(data, signature.byte_range),
    )


def revision_sha256(data: bytes, byte_range=None) -> str:
    """The digest of the signed revision (the file up to the end of our signature's byte range).

    A lawful later update (DSS, timestamps) leaves it unchanged, so the registry still knows the notice.
    """
    if byte_range is None:
        ranges = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
        if not ranges:
            return ""
        byte_range = [int(x) for x in ranges[0]]
    return sha256(data[: byte_range[2] + byte_range[3]])
