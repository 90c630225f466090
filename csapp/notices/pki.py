"""The organisation's signing keys: a self-signed CA and a signing certificate for an intranet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

CA_CERT = "ca.pem"
SIGNER_P12 = "signer.p12"
SIGNER_NAME = "signer-name.txt"  # the signing certificate's common name, readable without pyHanko


@dataclass(frozen=True)
class PkiPaths:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / CA_CERT

    @property
    def signer_p12(self) -> Path:
        return self.folder / SIGNER_P12

    @property
    def signer_name(self) -> Path:
        return self.folder / SIGNER_NAME

    def exists(self) -> bool:
        return self.ca_cert.exists() and self.signer_p12.exists()


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


def create_pki(
    folder: Path, organisation: str, signer_name: str, passphrase: bytes | None = None, years: int = 10
) -> PkiPaths:
    """Create a CA and a signing certificate (PKCS#12) in *folder*; refuse to overwrite."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12

    paths = PkiPaths(Path(folder))
    if paths.ca_cert.exists() or paths.signer_p12.exists():
        raise FileExistsError(f"{paths.folder} already holds keys")
    paths.folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{organisation} 内部证书颁发机构", organisation)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name, organisation))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * years - 1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    paths.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths.signer_p12.write_bytes(pkcs12.serialize_key_and_certificates(b"signer", key, cert, [ca], encryption))
    paths.signer_p12.chmod(0o600)
    paths.signer_name.write_text(signer_name, encoding="utf-8")
    return paths
