"""The organisation's keys over the years: the CA key is kept, rotation never orphans a notice (issue 11)."""

from __future__ import annotations

import shutil
import stat
import time
from pathlib import Path

import pytest
from factories import MONTH, confirmed_pay

from csapp.notices.pki import create_pki
from csapp.services import issuing, notices


def _archive(db_app, notice) -> bytes:
    return (Path(db_app.config["ARCHIVE_DIR"]) / notice.path).read_bytes()


def test_sign_rotate_sign_and_both_verify(db_app, org, tmp_path):
    folder = tmp_path / "pki"
    create_pki(folder, "测试客服中心", "测试客服中心 人事部", passphrase=b"s3cret")
    assert stat.S_IMODE((folder / "ca-key.pem").stat().st_mode) == 0o600
    assert b"ENCRYPTED" in (folder / "ca-key.pem").read_bytes()
    db_app.config.update(PKI_DIR=str(folder), PKI_PASSPHRASE="s3cret")
    hr = org["users"]["hr"]
    run = confirmed_pay(org)
    before = issuing.issue_pay_notice(hr, run.slips[0].id)
    ca_before = (folder / "ca.pem").read_bytes()

    result = db_app.test_cli_runner().invoke(args=["pki", "rotate"])
    assert result.exit_code == 0 and "from the kept CA" in result.output, result.output
    assert (folder / "ca.pem").read_bytes() == ca_before  # same CA, new signing certificate
    after = issuing.issue_pay_notice(hr, run.slips[1].id)
    assert notices.verify(_archive(db_app, before)).standing == "valid"
    assert notices.verify(_archive(db_app, after)).standing == "valid"
    assert len(list((folder / "trust").glob("signer-*.pem"))) == 2
    assert not list((folder / "trust").glob("*.p12"))  # certificates only, never an old key


def test_rotating_an_install_without_a_ca_key_makes_a_new_ca_and_keeps_the_old_one_trusted(
    db_app, org, pki_dir, tmp_path
):
    folder = tmp_path / "legacy"
    shutil.copytree(pki_dir, folder)
    (folder / "ca-key.pem").unlink()  # as `pki init` left it before: the CA key thrown away
    shutil.rmtree(folder / "trust")
    db_app.config["PKI_DIR"] = str(folder)
    hr = org["users"]["hr"]
    run = confirmed_pay(org, MONTH)
    old = issuing.issue_pay_notice(hr, run.slips[0].id)
    result = db_app.test_cli_runner().invoke(args=["pki", "rotate"])
    assert result.exit_code == 0 and "a new CA" in result.output, result.output
    assert (folder / "ca-key.pem").exists() and len(list((folder / "trust").glob("ca-*.pem"))) == 2
    new = issuing.issue_pay_notice(hr, run.slips[1].id)
    assert notices.verify(_archive(db_app, old)).standing == "valid"
    assert notices.verify(_archive(db_app, new)).standing == "valid"
    assert db_app.test_cli_runner().invoke(args=["pki", "rotate"]).output.startswith("Issued a new signing certificate")


def test_revoking_the_signer_stops_signing_until_rotated_and_the_crl_is_served(db_app, org, tmp_path):
    from cryptography import x509

    from csapp.services.errors import ServiceError

    folder = tmp_path / "pki"
    create_pki(folder, "测试客服中心", "测试客服中心 人事部", crl_base="https://hr.example.cn")
    db_app.config["PKI_DIR"] = str(folder)
    signer = x509.load_pem_x509_certificate(next((folder / "trust").glob("signer-*.pem")).read_bytes())
    points = signer.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    url = points[0].full_name[0].value
    assert url.startswith("https://hr.example.cn/pki/") and url.endswith(".crl")
    label = url.rsplit("/", 1)[1].removesuffix(".crl")

    served = db_app.test_client().get(f"/pki/{label}.crl")  # no login
    assert served.status_code == 200 and served.mimetype == "application/pkix-crl"
    assert len(list(x509.load_der_x509_crl(served.data))) == 0

    runner = db_app.test_cli_runner()
    result = runner.invoke(args=["pki", "revoke", f"{signer.serial_number:x}", "--reason", "密钥泄露"])
    assert result.exit_code == 0, result.output
    listed = x509.load_der_x509_crl(db_app.test_client().get(f"/pki/{label}.crl").data)
    assert [entry.serial_number for entry in listed] == [signer.serial_number]
    run = confirmed_pay(org)
    with pytest.raises(ServiceError, match="已被吊销"):
        issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    assert runner.invoke(args=["pki", "rotate"]).exit_code == 0
    assert issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id).status == "valid"
    assert db_app.test_client().get("/pki/../ca-key.pem").status_code == 404


def test_with_an_external_ca_signing_stops_once_its_imported_crl_is_out_of_date(db_app, org, tmp_path):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    from csapp.services.errors import ServiceError

    folder = tmp_path / "pki"
    create_pki(folder, "测试客服中心", "测试客服中心 人事部")
    key = serialization.load_pem_private_key((folder / "ca-key.pem").read_bytes(), None)
    (folder / "ca-key.pem").unlink()  # the CA lives elsewhere; only its CRLs come here
    ca = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    old = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(past)
        .next_update(past + dt.timedelta(days=7))
        .sign(key, hashes.SHA256())
    )
    crl_file = tmp_path / "external.crl"
    crl_file.write_bytes(old.public_bytes(serialization.Encoding.PEM))
    db_app.config["PKI_DIR"] = str(folder)
    assert db_app.test_cli_runner().invoke(args=["pki", "crl", "--import", str(crl_file)]).exit_code == 0
    run = confirmed_pay(org)
    with pytest.raises(ServiceError, match="吊销列表已于.*过期"):
        issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)


def test_a_notice_issued_before_its_signer_was_revoked_stays_valid(db_app, org, tmp_path):
    """The registry's issue time proves the notice existed before the revocation (AdES past validation);
    the same signer's file the registry never recorded has no such proof and fails as revoked."""
    from csapp.notices.produce import produce

    folder = tmp_path / "pki"
    create_pki(folder, "测试客服中心", "测试客服中心 人事部")
    db_app.config["PKI_DIR"] = str(folder)
    run = confirmed_pay(org)
    issued = issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    p12, passphrase = notices.signer_file()
    stray = produce("<p>未登记的通知书</p>", p12, passphrase, "人事通知书", notices.signing_trust())
    serial = (folder / "signer-serial.txt").read_text()
    time.sleep(1.1)  # a CRL states the revocation to the second

    assert db_app.test_cli_runner().invoke(args=["pki", "revoke", serial, "--reason", "密钥泄露"]).exit_code == 0
    report = notices.verify(_archive(db_app, issued))
    assert report.standing == "valid", report.verification.problems
    unregistered = notices.verify(stray)
    assert unregistered.standing == "invalid"
    assert "签署人证书已被吊销" in unregistered.verification.summary
