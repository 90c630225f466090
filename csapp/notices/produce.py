"""Render and sign one notice: the unit of work, run in the web process or in batch worker processes."""

from __future__ import annotations

from pathlib import Path

from .render import render_pdf
from .signing import load_signer, sign_pdf


def produce(html: str, p12_path: str, passphrase: bytes | None, reason: str) -> bytes:
    """Return the signed PDF of a notice's HTML (raises MissingGlyph for an unrenderable character)."""
    signer = load_signer(Path(p12_path), passphrase)
    return sign_pdf(render_pdf(html), signer, reason=reason)


def warm_up(p12_path: str, passphrase: bytes | None) -> None:
    """Load fonts and the signing key once in a worker process."""
    load_signer(Path(p12_path), passphrase)
    render_pdf("<p>预热</p>")
