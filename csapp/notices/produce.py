"""Render and sign one notice: the unit of work, run in the queue worker's render processes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .render import render_notice, render_pdf, seal_pdf
from .signing import Seal, load_signer, sign_pdf
from .tsa import TimestampUnavailable, TsaSettings, timestamper


@dataclass(frozen=True)
class Trust:
    """What a lasting signature embeds: the CA certificates and the current CRLs (files), and the seal's name."""

    ca_files: tuple[str, ...] = ()
    crl_files: tuple[str, ...] = ()
    organisation: str = ""
    tsa: TsaSettings | None = None


def produce(html: str, p12_path: str, passphrase: bytes | None, reason: str, trust: Trust | None = None) -> bytes:
    """Return the signed PDF of a notice's HTML (raises MissingGlyph for an unrenderable character,
    TimestampUnavailable when the TSA does not answer)."""
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    signer = load_signer(Path(p12_path), passphrase)
    if trust is None:  # the earlier form: B-B, invisible (kept for tests of notices signed before)
        return sign_pdf(render_pdf(html), signer, reason=reason)
    pdf, page, box = render_notice(html)
    seal = Seal(page, box, seal_pdf(trust.organisation)) if box else None
    tsa = trust.tsa
    ca_files = (*trust.ca_files, *(tsa.roots if tsa else ()))
    crl_files = (*trust.crl_files, *(tsa.crls if tsa else ()))
    versions = tuple(Path(name).stat().st_mtime for name in (*ca_files, *crl_files))
    context = _context(ca_files, crl_files, versions, bool(tsa and tsa.fetch))
    stamper = timestamper(tsa) if tsa else None
    try:
        return sign_pdf(pdf, signer, reason, seal=seal, context=context, timestamper=stamper)
    except TimestampRequestError as exc:  # raised again as our own: it crosses the process boundary
        raise TimestampUnavailable(f"{tsa.url}: {exc}") from None


@functools.lru_cache(maxsize=4)
def _context(ca_files: tuple[str, ...], crl_files: tuple[str, ...], versions: tuple[float, ...], fetch: bool):
    """One validation context per CA and CRL version and process: it keeps what it has checked.

    It fetches nothing unless the TSA's revocation data must be fetched (TSA_ALLOW_FETCH).
    """
    from asn1crypto import pem, x509
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for name in ca_files:
        data = Path(name).read_bytes()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        roots.append(x509.Certificate.load(data))
    crls = [Path(name).read_bytes() for name in crl_files]
    return ValidationContext(trust_roots=roots, crls=crls, allow_fetching=fetch, revocation_mode="require")


def warm_up(p12_path: str, passphrase: bytes | None) -> None:
    """Load fonts and the signing key once in a worker process."""
    load_signer(Path(p12_path), passphrase)
    render_pdf("<p>预热</p>")
