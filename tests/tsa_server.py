"""A local RFC 3161 time-stamping service for tests: pyHanko's DummyTimeStamper behind a loopback http.server.

Its RSA key is certified by a test CA for time stamping only (EKU timeStamping, critical), and the CA
publishes a CRL, so a signature can embed the TSA's revocation data without any network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "测试时间戳服务"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_tsa_pki(folder: Path):
    """Write the TSA's CA (tsa-ca.pem) and its CRL (tsa-ca.crl); return the TSA's certificate and key."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("测试时间戳根证书"))
        .issuer_name(_name("测试时间戳根证书"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name("测试时间戳服务器"))
        .issuer_name(ca.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3000))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=7))
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "tsa-ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "tsa-ca.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return tsa, tsa_key, ca


def _stamper(tsa, tsa_key, ca):
    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    der = serialization.Encoding.DER
    key_der = tsa_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(key_der),
        certs_to_embed=[asn1_x509.Certificate.load(ca.public_bytes(der))],
    )


@contextlib.contextmanager
def tsa_service(folder: Path):
    """Serve time stamps on 127.0.0.1 while the block runs; yield the app settings that use it."""
    from asn1crypto import tsp

    stamper = _stamper(*make_tsa_pki(folder))
    requests_seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            requests_seen.append(request)
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            "TSA_URL": f"http://127.0.0.1:{server.server_address[1]}/tsa",
            "TSA_TRUST_ROOTS": [str(folder / "tsa-ca.pem")],
            "TSA_CRL_FILES": [str(folder / "tsa-ca.crl")],
            "requests": requests_seen,
        }
    finally:
        server.shutdown()
        server.server_close()
