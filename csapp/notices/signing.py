"""Sign a PDF (PAdES) with the organisation's certificate and verify a signed PDF strictly."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

FIELD_NAME = "CSAppSignature"


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


def sign_pdf(pdf: bytes, signer, reason: str = "人事通知书", location: str = "") -> bytes:
    """Return *pdf* with a PAdES signature by *signer* covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    output = io.BytesIO()
    signers.PdfSigner(meta, signer=signer).sign_pdf(writer, output=output)
    return output.getvalue()


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

    @property
    def summary(self) -> str:
        if self.valid:
            return f"签名有效:由“{self.signer}”签署,签署后文件未被修改。"
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


def verify_pdf(data: bytes, ca_certs: Path | list[Path]) -> Verification:
    """Verify strictly: one intact signature, by a certificate of one of our CAs, covering the entire file."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    digest = sha256(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        return Verification(False, False, sha256=digest, problems=(f"不是可读取的 PDF 文件({type(exc).__name__})",))
    if not signatures:
        return Verification(False, False, sha256=digest, problems=("文件中没有数字签名",))
    paths = ca_certs if isinstance(ca_certs, list) else [ca_certs]
    roots = [_trust_root(str(path), path.stat().st_mtime) for path in paths]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, context)
    except (ValueError, KeyError, TypeError) as exc:  # pyHanko's validation errors are ValueErrors
        return Verification(False, True, sha256=digest, problems=(f"签名无法校验({type(exc).__name__})",))
    signer = status.signing_cert.subject.native.get("common_name", "") if status.signing_cert else ""
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    problems = []
    if not status.intact:
        problems.append("签名后文件内容被修改(摘要不符)")
    if not status.valid:
        problems.append("签名值无效")
    if not status.trusted:
        problems.append(f"签署人“{signer}”不是本单位证书签发的(未知签署人)")
    if not whole:
        problems.append("签名没有覆盖整个文件:签署后文件被追加或修改过")
    if len(signatures) > 1:
        problems.append("文件含有多个签名")
    return Verification(
        not problems,
        True,
        status.intact,
        status.trusted,
        whole,
        signer,
        status.signer_reported_dt,
        digest,
        tuple(problems),
    )
