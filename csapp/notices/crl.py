"""Certificate revocation lists of the organisation's CA: made from the kept CA key, served at /pki/<ca>.crl.

Revoked serials live in ``trust/revoked.json``; a CRL is valid for 7 days and made again when older
than CRL_REFRESH_DAYS. With an external CA (no key here) its CRL is imported instead, and signing
refuses once that CRL is past its nextUpdate.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .pki import PkiPaths, ca_label

VALID_DAYS = 7


def _ca(paths: PkiPaths):
    from cryptography import x509

    return x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())


def crl_path(paths: PkiPaths) -> Path:
    return paths.trust / f"{ca_label(_ca(paths))}.crl"


def revoked(paths: PkiPaths) -> dict[str, dict]:
    file = paths.trust / "revoked.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}


def make_crl(paths: PkiPaths, passphrase: bytes | None) -> Path:
    """Sign a fresh CRL with the kept CA key (every revoked serial, nextUpdate in 7 days)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    if not paths.ca_key.exists():
        raise FileNotFoundError("no CA key here: import the external CA's CRL instead (pki crl --import FILE)")
    key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), passphrase)
    ca = _ca(paths)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=VALID_DAYS))
    )
    for serial, entry in revoked(paths).items():
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(serial, 16))
            .revocation_date(dt.datetime.fromisoformat(entry["at"]))
            .build()
        )
    target = crl_path(paths)
    target.write_bytes(builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
    return target


def revoke(paths: PkiPaths, serial_hex: str, reason: str, passphrase: bytes | None) -> Path:
    """Add a signing certificate's serial to the revoked list and sign a new CRL."""
    serial = serial_hex.lower().removeprefix("0x")
    int(serial, 16)  # a hexadecimal serial, or ValueError
    entries = revoked(paths)
    entries.setdefault(serial, {"at": dt.datetime.now(dt.UTC).isoformat(), "reason": reason})
    (paths.trust / "revoked.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    return make_crl(paths, passphrase)


def import_crl(paths: PkiPaths, data: bytes) -> Path:
    """Keep an external CA's CRL (DER or PEM) as the current one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    crl = x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----") else x509.load_der_x509_crl(data)
    target = crl_path(paths)
    target.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return target


def next_update(paths: PkiPaths) -> dt.datetime | None:
    from cryptography import x509

    path = crl_path(paths)
    return x509.load_der_x509_crl(path.read_bytes()).next_update_utc if path.exists() else None


def current_crl(paths: PkiPaths, passphrase: bytes | None, refresh_days: float) -> bytes:
    """The CRL to serve, made again first when older than *refresh_days* (only with the CA key here)."""
    from cryptography import x509

    path = crl_path(paths)
    if paths.ca_key.exists():
        stale = True
        if path.exists():
            issued = x509.load_der_x509_crl(path.read_bytes()).last_update_utc
            stale = dt.datetime.now(dt.UTC) - issued > dt.timedelta(days=refresh_days)
        if stale:
            make_crl(paths, passphrase)
    return path.read_bytes()
