"""The public trust store in the database (issue 16): an app server without the keys verifies notices
exactly as the one that signed them, revocations included."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import _test_app
from cryptography import x509
from factories import confirmed_pay
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import TrustFile
from csapp.notices.pki import create_pki
from csapp.services import issuing, notices, trust_store
from csapp.services.notices import pki_paths

BACKENDS = ("sqlite", "pg")


def _other_server(db_app, tmp_path):
    """A second app on the same database, with no pki folder of its own."""
    other = _test_app(tmp_path / "unused.sqlite", tmp_path / "no-pki", db_app.config["SQLALCHEMY_DATABASE_URI"])
    if not db_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        other.config["SQLALCHEMY_DATABASE_URI"] = db_app.config["SQLALCHEMY_DATABASE_URI"]
    other.instance_path = str(tmp_path / "other-instance")
    return other


def test_a_server_without_the_keys_verifies_and_sees_a_revocation(db_app, org, tmp_path):
    folder = tmp_path / "pki"
    create_pki(folder, "测试客服中心", "测试客服中心 人事部", crl_base="https://hr.example.cn")
    db_app.config["PKI_DIR"] = str(folder)
    run = confirmed_pay(org)
    notice = issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    data = (Path(db_app.config["ARCHIVE_DIR"]) / notice.path).read_bytes()
    assert notices.verify(data).standing == "valid"  # publishes this machine's trust files
    names = set(db.session.scalars(select(TrustFile.name)))
    assert any(n.startswith("ca-") for n in names) and any(n.startswith("signer-") for n in names)
    db.session.remove()

    other = _other_server(db_app, tmp_path)
    with other.app_context():
        assert not pki_paths().folder.exists()
        assert notices.verify(data).standing == "valid"  # from the database's trust store alone
        db.session.remove()

    signer = x509.load_pem_x509_certificate(next((folder / "trust").glob("signer-*.pem")).read_bytes())
    time.sleep(1.1)  # revoked a second after the notice was issued (revocation times have whole seconds)
    result = db_app.test_cli_runner().invoke(
        args=["pki", "revoke", f"{signer.serial_number:x}", "--reason", "密钥泄露"]
    )
    assert result.exit_code == 0, result.output
    db.session.remove()
    with other.app_context():
        report = notices.verify(data)  # the new CRL reached the other server through the database
        crl_files = list((Path(other.instance_path) / "trust-cache").glob("*.crl"))
        revoked = [entry.serial_number for f in crl_files for entry in x509.load_der_x509_crl(f.read_bytes())]
        assert signer.serial_number in revoked
        assert report.standing == "valid"  # issued before the revocation: it stays valid (registry time)
        db.session.remove()
        db.engine.dispose()


def test_a_certificate_is_never_replaced_and_an_older_crl_never_wins(db_app, tmp_path):
    folder = tmp_path / "pki"
    create_pki(folder, "测试客服中心", "测试客服中心 人事部")
    paths = pki_paths().__class__(folder)
    from csapp.notices import crl

    first = crl.make_crl(paths, None).read_bytes()
    assert trust_store.publish(paths) >= 3
    name = next(folder.glob("trust/signer-*.pem")).name
    stored = db.session.get(TrustFile, name).data
    (folder / "trust" / name).write_bytes(b"-----BEGIN CERTIFICATE-----\nforged\n")
    time.sleep(1.1)  # a CRL's lastUpdate has whole seconds
    newer = crl.make_crl(paths, None).read_bytes()
    assert trust_store.publish(paths) == 1  # only the later CRL
    db.session.rollback()
    assert db.session.get(TrustFile, name).data == stored
    crl_name = crl.crl_path(paths).name
    assert db.session.get(TrustFile, crl_name).data == newer != first
    crl.crl_path(paths).write_bytes(first)  # an old copy on some machine
    assert trust_store.publish(paths) == 0
    db.session.rollback()
    assert db.session.get(TrustFile, crl_name).data == newer
