"""The public trust store in the database (issue 16): every app server verifies notices against the same
CA and signer certificates and CRLs, whichever machine made them.

The machine that holds the keys (``instance/pki``) keeps working in its folder; whatever its ``trust/``
holds that the database lacks is published — a certificate once (never replaced), a CRL when it is a later
list of its CA, the revoked list from the machine with the CA key. A verifier reads the database's set
into a local cache folder (``instance/trust-cache``), rewritten only where it differs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..db import write_transaction
from ..extensions import db
from ..models import TrustFile
from ..notices.pki import PkiPaths

PUBLIC = ("ca-*.pem", "signer-*.pem", "*.crl", "revoked.json")


def publish(paths: PkiPaths) -> int:
    """Put this machine's trust files into the database where they are new or later; return how many."""
    files = _local_files(paths)
    known = dict(db.session.execute(select(TrustFile.name, TrustFile.sha256)).all())
    if all(known.get(name) == hashlib.sha256(data).hexdigest() for name, data in files.items()):
        return 0  # the usual case: nothing new, no write lock taken by a verification
    changed = 0
    with write_transaction() as session:
        stored = {row.name: row for row in session.scalars(select(TrustFile).with_for_update())}
        for name, data in files.items():
            row = stored.get(name)
            digest = hashlib.sha256(data).hexdigest()
            if row is None:
                session.add(TrustFile(name=name, data=data, sha256=digest))
                changed += 1
            elif row.sha256 != digest and _replaces(name, data, row.data, paths):
                row.data, row.sha256 = data, digest
                changed += 1
    return changed


def _local_files(paths: PkiPaths) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    if paths.trust.exists():
        for pattern in PUBLIC:
            for file in paths.trust.glob(pattern):
                found[file.name] = file.read_bytes()
    if paths.ca_cert.exists():  # an install from before trust/ existed
        from cryptography import x509

        from ..notices.pki import ca_label

        ca = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
        found.setdefault(f"ca-{ca_label(ca)}.pem", paths.ca_cert.read_bytes())
    return found


def _replaces(name: str, mine: bytes, stored: bytes, paths: PkiPaths) -> bool:
    """Whether this machine's file is the later one: a CRL issued after the stored one; the revoked list
    from the machine that holds the CA key. A certificate is never replaced."""
    if name.endswith(".crl"):
        from cryptography import x509

        def order(data: bytes) -> tuple:  # later list first; in the same second, the one revoking more
            found = x509.load_der_x509_crl(data)
            return found.last_update_utc, len(found)

        return order(mine) > order(stored)
    if name == "revoked.json":
        return paths.ca_key.exists()
    return False


def local_trust(paths: PkiPaths) -> Path:
    """Publish what this machine has, then return a folder holding exactly the database's trust files."""
    publish(paths)
    folder = Path(current_app.instance_path) / "trust-cache"
    folder.mkdir(parents=True, exist_ok=True)
    rows = dict(db.session.execute(select(TrustFile.name, TrustFile.data)).all())
    for name, data in rows.items():
        target = folder / name
        if not target.exists() or target.read_bytes() != data:
            temporary = folder / f".{name}.tmp"
            temporary.write_bytes(data)
            temporary.replace(target)  # a reader never sees half a file
    for stale in folder.iterdir():
        if stale.name not in rows and not stale.name.startswith("."):
            stale.unlink(missing_ok=True)
    return folder


def has_signer() -> bool:
    """Whether the shared trust store holds a signing certificate (published by the machine with the keys)."""
    return db.session.scalar(select(TrustFile.name).where(TrustFile.name.like("signer-%")).limit(1)) is not None
