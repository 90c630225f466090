"""Signatures that last: certified, visible, B-LT — and the strict check restated (issue 11)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

from factories import confirmed_pay
from pypdf import PdfReader

from csapp.notices.render import render_pdf
from csapp.notices.signing import load_signer, sign_pdf, verify_pdf
from csapp.services import issuing, notices


def _issued(db_app, org) -> bytes:
    run = confirmed_pay(org)
    notice = issuing.issue_pay_notice(org["users"]["hr"], run.slips[0].id)
    return (Path(db_app.config["ARCHIVE_DIR"]) / notice.path).read_bytes()


def test_a_notice_is_certified_visible_and_carries_its_revocation_data(db_app, org, pki_dir):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm

    data = _issued(db_app, org)
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    assert signature.docmdp_level == MDPPerm.NO_CHANGES  # certified: no changes allowed
    reader = PdfReader(io.BytesIO(data))
    assert "/DSS" in reader.trailer["/Root"]  # the chain and the CRL, embedded (B-LT)
    widget = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object()["/FT"] == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert round((x2 - x1) / 72 * 25.4) == round((y2 - y1) / 72 * 25.4) == 34  # the seal, a visible field
    result = verify_pdf(data, [pki_dir / "ca.pem"])
    assert result.valid and not result.legacy and result.summary.startswith("签名有效:")


def test_a_fresh_notice_validates_offline_from_what_it_embeds(db_app, org, pki_dir):
    """PAdES validation with no fetching at all passes on the embedded chain and CRL. Without a trusted
    timestamp (no TSA_URL) a validation years from now cannot prove when it was signed: the simulated
    future validation says so (with a TSA it passes: test_timestamps), and the README says so too."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation, simulate_future_ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType
    from pyhanko_certvalidator.registry import SimpleTrustManager

    data = _issued(db_app, org)
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(str(pki_dir / "ca.pem"))]),
                revinfo_policy=CertRevTrustPolicy(
                    REQUIRE_REVINFO, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    now = asyncio.run(ades_lta_validation(signature, spec))
    assert now.api_status.bottom_line, now.api_status.pretty_print_details()  # valid, trusted, revocation checked
    assert "revocation" not in (now.failure_msg or "").lower()
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 5)
    later = asyncio.run(simulate_future_ades_lta_validation(signature, spec, future_validation_time=future))
    assert later.ades_subindic != AdESPassed.OK  # OK once notices carry a timestamp (TSA_URL)


def test_an_annotation_a_byte_or_a_second_signature_fail_the_strict_check(db_app, org, pki_dir):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    data = _issued(db_app, org)
    ca = [pki_dir / "ca.pem"]
    assert verify_pdf(data, ca).valid

    writer = IncrementalPdfFileWriter(io.BytesIO(data))  # a text annotation added after signing
    from pyhanko.pdf_utils import generic

    annotation = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Text"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (10, 10, 30, 30)]),
            generic.NameObject("/Contents"): generic.TextStringObject("改为 ¥9,999"),
        }
    )
    page = writer.root["/Pages"]["/Kids"][0]
    page = page.get_object()
    page["/Annots"].append(writer.add_object(annotation))
    writer.update_container(page["/Annots"])
    out = io.BytesIO()
    writer.write(out)
    annotated = verify_pdf(out.getvalue(), ca)
    assert not annotated.valid and "签署后文件被修改过" in annotated.summary

    assert not verify_pdf(data + b"\x00", ca).valid

    signer = load_signer(pki_dir / "signer.p12")  # pyHanko refuses to sign a certified notice again: use an early one
    early = sign_pdf(render_pdf("<p>早期的通知书</p>"), signer)
    second = IncrementalPdfFileWriter(io.BytesIO(early))
    out = io.BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Second", subfilter=fields.SigSeedSubFilter.PADES), signer=signer
    ).sign_pdf(second, output=out)
    twice = verify_pdf(out.getvalue(), ca)
    assert not twice.valid and "2 个签名" in twice.summary


def test_a_notice_signed_the_earlier_way_verifies_with_its_legacy_note(db_app, pki_dir):
    legacy = sign_pdf(render_pdf("<p>早期的通知书</p>"), load_signer(pki_dir / "signer.p12"))  # B-B, invisible
    result = verify_pdf(legacy, [pki_dir / "ca.pem"])
    assert result.valid and result.legacy and "早期签名,无吊销信息" in result.summary
    assert "早期签名" in notices.verify(legacy).verification.summary
