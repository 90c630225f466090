"""The organisation's signing keys: its own CA (key kept), a signing certificate, and every one ever used.

``instance/pki/``: ``ca.pem`` and ``ca-key.pem`` (0600, encrypted with PKI_PASSPHRASE when set) — the
current CA; ``signer.p12`` — the current signing key and certificate; ``trust/`` — every CA and signer
certificate ever used (and the CRLs), so a notice signed before a rotation verifies for ever.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SIGNER_P12 = "signer.p12"
SIGNER_NAME = "signer-name.txt"  # the signing certificate's common name, readable without pyHanko
SIGNER_SERIAL = "signer-serial.txt"  # its serial (hex), to refuse signing once it is revoked
TRUST = "trust"


@dataclass(frozen=True)
class PkiPaths:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / CA_CERT

    @property
    def ca_key(self) -> Path:
        return self.folder / CA_KEY

    @property
    def signer_p12(self) -> Path:
        return self.folder / SIGNER_P12

    @property
    def signer_name(self) -> Path:
        return self.folder / SIGNER_NAME

    @property
    def trust(self) -> Path:
        return self.folder / TRUST

    def exists(self) -> bool:
        return self.ca_cert.exists() and self.signer_p12.exists()

    def trusted_cas(self) -> list[Path]:
        """Every CA certificate this install ever signed under (the current one included)."""
        found = sorted(self.trust.glob("ca-*.pem")) if self.trust.exists() else []
        known = {path.read_bytes() for path in found}
        if self.ca_cert.exists() and self.ca_cert.read_bytes() not in known:
            found.append(self.ca_cert)
        return found


def _name(common_name: str, organisation: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(signing: bool):
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _new_ca(organisation: str, years: int):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"{organisation} 内部证书颁发机构 {now:%Y%m%d%H%M}", organisation)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _new_signer(ca_key, ca_cert, organisation: str, signer_name: str, years: int, crl_url: str | None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(min(now + dt.timedelta(days=365 * years - 1), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def ca_label(ca_cert) -> str:
    """A short, stable file name part for a CA: the start of its key identifier."""
    from cryptography import x509

    return x509.SubjectKeyIdentifier.from_public_key(ca_cert.public_key()).digest.hex()[:16]


def _write(paths: PkiPaths, ca_key, ca_cert, key, cert, signer_name: str, passphrase: bytes | None) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    paths.folder.mkdir(parents=True, exist_ok=True)
    paths.trust.mkdir(exist_ok=True)
    pem = serialization.Encoding.PEM
    paths.ca_cert.write_bytes(ca_cert.public_bytes(pem))
    (paths.trust / f"ca-{ca_label(ca_cert)}.pem").write_bytes(ca_cert.public_bytes(pem))
    (paths.trust / f"signer-{cert.serial_number:x}.pem").write_bytes(cert.public_bytes(pem))
    paths.ca_key.write_bytes(ca_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, encryption))
    paths.ca_key.chmod(0o600)
    temporary = paths.signer_p12.with_suffix(".p12.new")
    temporary.write_bytes(pkcs12.serialize_key_and_certificates(b"signer", key, cert, [ca_cert], encryption))
    temporary.chmod(0o600)
    temporary.replace(paths.signer_p12)  # never a half-written signing key
    paths.signer_name.write_text(signer_name, encoding="utf-8")
    (paths.folder / SIGNER_SERIAL).write_text(f"{cert.serial_number:x}", encoding="utf-8")


def create_pki(
    folder: Path,
    organisation: str,
    signer_name: str,
    passphrase: bytes | None = None,
    years: int = 10,
    crl_base: str | None = None,
) -> PkiPaths:
    """Create a CA (its key kept) and a signing certificate in *folder*; refuse to overwrite."""
    paths = PkiPaths(Path(folder))
    if paths.ca_cert.exists() or paths.signer_p12.exists():
        raise FileExistsError(f"{paths.folder} already holds keys")
    ca_key, ca_cert = _new_ca(organisation, years)
    _issue_signer(paths, ca_key, ca_cert, organisation, signer_name, passphrase, years, crl_base)
    return paths


def rotate_pki(
    folder: Path,
    organisation: str,
    signer_name: str,
    passphrase: bytes | None = None,
    years: int = 10,
    crl_base: str | None = None,
) -> tuple[PkiPaths, bool]:
    """A new signing certificate from the kept CA key — or, without one, a new CA too (returned True).

    The old certificates stay in ``trust/``, so everything signed before verifies as before.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    paths = PkiPaths(Path(folder))
    paths.trust.mkdir(parents=True, exist_ok=True)
    if paths.ca_cert.exists():  # an install from before trust/ existed: keep its CA and signer for verifying
        old_ca = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
        (paths.trust / f"ca-{ca_label(old_ca)}.pem").write_bytes(paths.ca_cert.read_bytes())
    if paths.signer_p12.exists():  # its certificate (never its key) stays for verifying
        from cryptography.hazmat.primitives.serialization import pkcs12

        _, old_cert, _ = pkcs12.load_key_and_certificates(paths.signer_p12.read_bytes(), passphrase)
        pem = old_cert.public_bytes(serialization.Encoding.PEM)
        (paths.trust / f"signer-{old_cert.serial_number:x}.pem").write_bytes(pem)
    new_ca = not paths.ca_key.exists()
    if new_ca:
        ca_key, ca_cert = _new_ca(organisation, years)
    else:
        ca_key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), passphrase)
        ca_cert = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
    _issue_signer(paths, ca_key, ca_cert, organisation, signer_name, passphrase, years, crl_base)
    return paths, new_ca


def _issue_signer(paths, ca_key, ca_cert, organisation, signer_name, passphrase, years, crl_base) -> None:
    """A signing certificate under the CA (naming its CRL when there is a public address), all files written."""
    crl_url = f"{crl_base.rstrip('/')}/pki/{ca_label(ca_cert)}.crl" if crl_base else None
    key, cert = _new_signer(ca_key, ca_cert, organisation, signer_name, years, crl_url)
    _write(paths, ca_key, ca_cert, key, cert, signer_name, passphrase)
