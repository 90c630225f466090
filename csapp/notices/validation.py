"""Judge our signer's certificate with pyHanko's AdES engine: at the current time, else at the registry's time.

The registry's record of when a notice was issued is the proof of existence (POE) of everything in the
archived file — the signature, the embedded chain and CRLs — so a notice issued before its certificate
expired or was revoked stays valid, and one "signed" after a revocation does not. Nothing is fetched.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from asn1crypto import crl as asn1_crl
from asn1crypto import x509

# AdES sub-indications for which an earlier proof of existence can still make the signature hold
_PAST_CAN_HELP = frozenset(
    {
        "REVOKED_NO_POE",
        "REVOKED_CA_NO_POE",
        "OUT_OF_BOUNDS_NO_POE",
        "OUT_OF_BOUNDS_NOT_REVOKED",
        "TRY_LATER",
        "REVOCATION_OUT_OF_BOUNDS_NO_POE",
        "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
    }
)

_REASONS = {
    "REVOKED_NO_POE": "签署人证书已被吊销,且无法证明通知书签发于吊销之前",
    "REVOKED_CA_NO_POE": "证书颁发机构的证书已被吊销,且无法证明通知书签发于吊销之前",
    "REVOKED": "签署人证书已被吊销",
    "OUT_OF_BOUNDS_NO_POE": "签署人证书不在有效期内,且无法证明通知书签发于有效期内",
    "OUT_OF_BOUNDS_NOT_REVOKED": "签署人证书不在有效期内,且无法证明通知书签发于有效期内",
    "EXPIRED": "签署人证书不在有效期内",
    "NOT_YET_VALID": "通知书的签署时间早于签署人证书的生效时间",
    "TRY_LATER": "没有足够新的吊销信息,无法确认签署人证书未被吊销",
    "REVOCATION_OUT_OF_BOUNDS_NO_POE": "没有足够新的吊销信息,无法确认签署人证书未被吊销",
    "NO_POE": "签署人证书已失效,且无法证明通知书签发于失效之前",
}


def certificate_problem(
    signature, roots: list[x509.Certificate], crls: list[bytes], existed_at: dt.datetime | None
) -> str | None:
    """Return None when the signer's chain to one of *roots* holds (with revocation checked), else why not.

    *signature* is pyHanko's EmbeddedPdfSignature; *crls* are the current CRLs (DER) besides those the
    file embeds; *existed_at* is the registry's issue time, when the notice is on file.
    """
    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_basic_validation, ades_past_signature_validation

    embedded = _embedded(signature)
    spec = _spec(roots, [*crls, *embedded["crls"]])
    now = asyncio.run(
        ades_basic_validation(signature.signed_data, spec, raw_digest=signature.compute_digest())
    ).ades_subindic
    if now == AdESPassed.OK:
        return None
    if existed_at is not None and now.name in _PAST_CAN_HELP:
        poe = _proofs_of_existence(signature, embedded, existed_at)
        past = asyncio.run(ades_past_signature_validation(signature.signed_data, spec, poe, now))
        if past == AdESPassed.OK:
            return None
        now = past if past.name in _REASONS else now
    signer = signature.signer_cert.subject.native.get("common_name", "")
    return _REASONS.get(now.name, f"签署人“{signer}”的证书不是本单位证书颁发机构签发的,或证书链无法验证")


def _embedded(signature) -> dict[str, list[bytes]]:
    """The CRLs and certificates in the file's document security store (DER)."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(signature.reader)
    except NoDSSFoundError:
        return {"crls": [], "certs": []}
    return {  # references to streams, as read from the file
        "crls": [ref.get_object().data for ref in dss.crls],
        "certs": [ref.get_object().data for ref in dss.certs.values()],
    }


def _proofs_of_existence(signature, embedded: dict[str, list[bytes]], existed_at: dt.datetime):
    """Everything the archived file holds existed when the registry recorded it."""
    from pyhanko_certvalidator.ltv.poe import POEManager, POEType

    when = existed_at if existed_at.tzinfo else existed_at.replace(tzinfo=dt.UTC)
    manager = POEManager()
    manager.register(signature.signer_info["signature"].native, POEType.PROVIDED, when)
    for data in [*embedded["crls"], *embedded["certs"]]:
        manager.register(data, POEType.PROVIDED, when)
    for choice in signature.signed_data["certificates"]:
        manager.register(choice.chosen.dump(), POEType.PROVIDED, when)
    return manager


def _spec(roots: list[x509.Certificate], crls: list[bytes]):
    """Require revocation data for every certificate, from the given CRLs only."""
    from pyhanko.sign.validation.policy_decl import (
        LocalKnowledge,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType
    from pyhanko_certvalidator.registry import SimpleTrustManager
    from pyhanko_certvalidator.revinfo.archival import CRLContainer

    unique = list(dict.fromkeys(crls))
    return SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=roots),
            revinfo_policy=CertRevTrustPolicy(
                REQUIRE_REVINFO, freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION
            ),
        ),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY),
        local_knowledge=LocalKnowledge(
            known_crls=[CRLContainer(asn1_crl.CertificateList.load(data)) for data in unique]
        ),
    )
