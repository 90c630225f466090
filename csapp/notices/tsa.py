"""The time-stamping authority (RFC 3161) a signature may use: TSA_URL and what makes its tokens trusted.

With ``TSA_URL`` each notice gets a signature timestamp (PAdES B-T) and, after its revocation data, a
document timestamp (B-LTA): third parties can then validate it long after our certificates expire.
``TSA_TRUST_ROOTS`` (PEM/DER files) anchor the TSA's certificate; its revocation data comes from
``TSA_CRL_FILES`` or, with ``TSA_ALLOW_FETCH``, from the addresses its certificates name.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_SECONDS = 10


class TimestampUnavailable(Exception):
    """The TSA did not answer with a time stamp (no number is lost: the notice stays reserved)."""


@dataclass(frozen=True)
class TsaSettings:
    url: str
    roots: tuple[str, ...]
    crls: tuple[str, ...] = ()
    fetch: bool = False


def _files(value) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str | Path):
        value = [value]
    return tuple(str(Path(item)) for item in value)


def tsa_settings(config: Mapping) -> TsaSettings | None:
    """Read the TSA settings; None without TSA_URL. Raise ValueError (English, for start-up) on an incomplete set."""
    url = (config.get("TSA_URL") or "").strip()
    roots = _files(config.get("TSA_TRUST_ROOTS"))
    crls = _files(config.get("TSA_CRL_FILES"))
    fetch = bool(config.get("TSA_ALLOW_FETCH"))
    if not url:
        if roots or crls or fetch:
            raise ValueError("TSA_TRUST_ROOTS, TSA_CRL_FILES and TSA_ALLOW_FETCH need TSA_URL")
        return None
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"TSA_URL must be an http(s) address, not {url!r}")
    if not roots:
        raise ValueError("TSA_URL needs TSA_TRUST_ROOTS: the certificate file(s) that anchor the TSA")
    if not crls and not fetch:
        raise ValueError("TSA_URL needs TSA_CRL_FILES or TSA_ALLOW_FETCH = True: the TSA's revocation data")
    missing = [name for name in (*roots, *crls) if not Path(name).is_file()]
    if missing:
        raise ValueError(f"TSA files not found: {', '.join(missing)}")
    return TsaSettings(url, roots, crls, fetch)


@functools.lru_cache(maxsize=2)
def timestamper(settings: TsaSettings):
    """pyHanko's HTTP client for the TSA, one per process (it asks once for a token to size its room)."""
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(settings.url, timeout=TIMEOUT_SECONDS)
