"""Timestamps when configured: B-T signatures plus a document timestamp (B-LTA) from a local TSA (issue 11)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import SIGNATORY
from factories import confirmed_pay
from tsa_server import tsa_service

from csapp import create_app
from csapp.notices.signing import verify_pdf
from csapp.services import issuing, notices


@pytest.fixture
def tsa(tmp_path):
    with tsa_service(tmp_path) as settings:
        yield settings


def test_start_up_refuses_an_incomplete_tsa_setting(tmp_path, pki_dir):
    (tmp_path / "root.pem").write_text("x")
    base = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}", **SIGNATORY}
    incomplete = [
        {"TSA_URL": "http://127.0.0.1:1/tsa"},  # no trust roots
        {"TSA_URL": "http://127.0.0.1:1/tsa", "TSA_TRUST_ROOTS": [str(tmp_path / "root.pem")]},  # no revinfo
        {"TSA_URL": "http://127.0.0.1:1/tsa", "TSA_TRUST_ROOTS": ["/nowhere.pem"], "TSA_ALLOW_FETCH": True},
        {"TSA_TRUST_ROOTS": [str(tmp_path / "root.pem")], "TSA_ALLOW_FETCH": True},  # no URL
    ]
    for settings in incomplete:
        with pytest.raises(RuntimeError, match="csapp will not start: TSA"):
            create_app({**base, **settings})
    complete = {"TSA_URL": "http://127.0.0.1:1/tsa", "TSA_TRUST_ROOTS": [str(tmp_path / "root.pem")]}
    assert create_app({**base, **complete, "TSA_ALLOW_FETCH": True}).config["TSA_ALLOW_FETCH"] is True


def _validation_spec(pki_dir: Path, tsa_settings: dict):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType
    from pyhanko_certvalidator.registry import SimpleTrustManager

    def policy(root: str):
        return CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(root)]),
            revinfo_policy=CertRevTrustPolicy(
                REQUIRE_REVINFO, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION
            ),
        )

    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy(str(pki_dir / "ca.pem")),
            ts_cert_validation_policy=policy(tsa_settings["TSA_TRUST_ROOTS"][0]),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )


def test_with_a_tsa_a_notice_reaches_b_lta_passes_the_strict_check_and_lasts(db_app, org, pki_dir, tsa):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation, simulate_future_ades_lta_validation
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    db_app.config.update({key: value for key, value in tsa.items() if key.startswith("TSA_")})
    run = confirmed_pay(org)
    issuing.issue_pay_notice(org["users"]["hr"], run.slips[1].id)  # the client sizes its tokens once
    asked = len(tsa["requests"])
    notice = issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    data = (Path(db_app.config["ARCHIVE_DIR"]) / notice.path).read_bytes()
    assert len(tsa["requests"]) - asked == 2  # the signature's timestamp, then the document timestamp

    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    kinds = [signature.sig_object["/Type"] for signature in signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]
    ours = signatures[0]
    tokens = list(extract_tst_data_iter(ours.signer_info, signed=False))
    assert len(tokens) == 1  # B-T: the signature carries a timestamp token

    strict = verify_pdf(data, [pki_dir / "ca.pem"])
    assert strict.valid and not strict.legacy, strict.problems
    assert notices.verify(data).standing == "valid"
    assert not verify_pdf(data + b"%", [pki_dir / "ca.pem"]).valid

    spec = _validation_spec(pki_dir, tsa)
    now = asyncio.run(ades_lta_validation(ours, spec))
    assert now.ades_subindic == AdESPassed.OK, now.failure_msg
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 5)
    later = asyncio.run(simulate_future_ades_lta_validation(ours, spec, future_validation_time=future))
    assert later.ades_subindic == AdESPassed.OK, later.failure_msg  # offline, from what the file embeds


def test_an_unreachable_tsa_stops_issuing_with_a_clear_message(db_app, org, tsa):
    from csapp.services.errors import ServiceError

    settings = {key: value for key, value in tsa.items() if key.startswith("TSA_")}
    db_app.config.update({**settings, "TSA_URL": "http://127.0.0.1:9/tsa"})
    run = confirmed_pay(org)
    with pytest.raises(ServiceError, match="时间戳服务暂时无法访问") as raised:
        issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    [waiting] = notices.registry(run.month)
    assert waiting.status == "reserved" and waiting.number in raised.value.message  # the number is kept

    db_app.config["TSA_URL"] = settings["TSA_URL"]  # the service is back: the same number is signed
    issued = issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    assert (issued.number, issued.status) == (waiting.number, "valid")
