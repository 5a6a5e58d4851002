"""Live revocation checking (Circular 15/2025/TT-BKHCN, Appendix II 1.2) against a real local PKI
service: certomancer's animator serving OCSP, CRLs and a TSA over HTTP on 127.0.0.1, with the
requests counted at the server."""

from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore

from moh_core.demo import make_pdf
from moh_core.signatures import (
    SignatureProblem,
    SigningError,
    SigningProblem,
    ValidationMaterial,
    check_signed_by,
    check_signer_certificate,
    sign,
    validate_pdf_signatures,
)
from moh_core.signatures.revocation import OFFLINE, RevocationCache, RevocationPolicy
from moh_core.signatures.signers import load_pkcs12_signer
from moh_core.testing import sign_pdf
from moh_core.testing.live_pki import PkiServer, free_port, make_live_pki


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    return make_live_pki(tmp_path_factory.mktemp("live-pki"))


@pytest.fixture(scope="module")
def material(live):
    return ValidationMaterial(trust_roots=[live.root_der])


@pytest.fixture(scope="module")
def signed(live):
    """B-B PDFs signed by each end entity (pyHanko directly: no pre-signing check)."""
    return {
        label: sign_pdf(make_pdf(), live.write_pkcs12(label), live.password)
        for label in ("ocsp-signer", "ocsp-revoked", "crl-signer", "both-signer")
    }


@pytest.fixture
def server(live):
    with PkiServer(live) as running:
        yield running


def _policy(timeout=15.0):
    """A live policy with its own cache; the timeout generous where the service is up (a loaded
    test machine), short where the test wants it to expire."""
    return RevocationPolicy(cache=RevocationCache(), timeout=timeout)


def test_good_ocsp_answer_makes_the_signature_valid(server, material, signed):
    report = validate_pdf_signatures(signed["ocsp-signer"], material=material, revocation=_policy())
    signature = report.signatures[0]
    assert signature.valid, signature.summary
    assert signature.revocation_checked
    assert server.count("ocsp") == 1  # the signer's status came from the responder


def test_without_live_checking_the_status_stays_unknown_and_nothing_is_asked(server, material, signed):
    for policy in (None, OFFLINE):
        signature = validate_pdf_signatures(signed["ocsp-signer"], material=material, revocation=policy).signatures[0]
        assert not signature.valid
        assert SignatureProblem.REVOCATION_UNKNOWN in signature.problems
    assert sum(server.requests.values()) == 0


def test_historic_validation_time_is_never_checked_live(server, material, signed):
    moment = datetime.now(UTC) - timedelta(minutes=1)
    report = validate_pdf_signatures(
        signed["ocsp-signer"], material=material, validation_time=moment, revocation=_policy()
    )
    assert SignatureProblem.REVOCATION_UNKNOWN in report.signatures[0].problems
    assert sum(server.requests.values()) == 0


def test_certificate_revoked_by_ocsp_is_revoked(server, material, signed):
    signature = validate_pdf_signatures(signed["ocsp-revoked"], material=material, revocation=_policy()).signatures[0]
    assert not signature.valid
    assert signature.revoked
    assert SignatureProblem.REVOKED in signature.problems
    assert server.count("ocsp") == 1


def test_certificate_without_responder_is_checked_against_its_fetched_crl(server, material, signed):
    signature = validate_pdf_signatures(signed["crl-signer"], material=material, revocation=_policy()).signatures[0]
    assert signature.valid, signature.summary
    assert server.requests["/live/crls/interm/latest.crl"] == 1
    assert server.count("ocsp") == 0


def test_failing_responder_falls_back_to_the_crl(live, material, signed):
    with PkiServer(live, refuse=("ocsp",)) as failing:
        both = validate_pdf_signatures(signed["both-signer"], material=material, revocation=_policy()).signatures[0]
        only_ocsp = validate_pdf_signatures(
            signed["ocsp-signer"], material=material, revocation=RevocationPolicy(timeout=15.0)
        ).signatures[0]
    assert both.valid, both.summary  # OCSP first (HTTP 503), then the CRL of its distribution point
    assert failing.requests["/live/crls/interm/latest.crl"] == 1
    # A responder that answers with an error counts as not answering; no cache: nothing kept.
    assert only_ocsp.problems[0] is SignatureProblem.REVOCATION_UNREACHABLE
    assert failing.count("ocsp") == 2


def test_second_validation_is_answered_from_the_cache(server, material, signed):
    policy = _policy()
    for label in ("ocsp-signer", "crl-signer"):
        assert validate_pdf_signatures(signed[label], material=material, revocation=policy).all_valid
    asked = sum(server.requests.values())
    assert asked == 3  # the signer's OCSP, the issuing CA's CRL, the root's CRL for the issuing CA
    for label in ("ocsp-signer", "crl-signer"):
        assert validate_pdf_signatures(signed[label], material=material, revocation=policy).all_valid
    assert sum(server.requests.values()) == asked
    assert policy.cache is not None and policy.cache.hits >= 3 and len(policy.cache) == 3


def test_responder_down_gives_the_unreachable_warning(tmp_path, signed):
    down = make_live_pki(tmp_path, port=free_port())  # nothing ever listens on its port
    pdf = sign_pdf(make_pdf(), down.write_pkcs12("ocsp-signer"), down.password)
    material = ValidationMaterial(trust_roots=[down.root_der])
    signature = validate_pdf_signatures(pdf, material=material, revocation=_policy(timeout=1)).signatures[0]
    assert not signature.valid
    assert signature.problems[0] is SignatureProblem.REVOCATION_UNREACHABLE
    assert SignatureProblem.REVOCATION_UNKNOWN not in signature.problems
    assert "did not answer" in SignatureProblem.REVOCATION_UNREACHABLE.description
    assert "không phản hồi" in SignatureProblem.REVOCATION_UNREACHABLE.description_vi
    # signing with that certificate is refused with the same reason
    check = check_signer_certificate(down.signer("ocsp-signer"), material=material, revocation=_policy(timeout=1))
    assert check.problems == (SigningProblem.REVOCATION_UNREACHABLE,)
    assert f"127.0.0.1:{down.port}" in check.message  # which source failed, for the log
    with pytest.raises(SigningError) as refused:
        sign(make_pdf(), down.signer("ocsp-signer"), field="sig", level="B-B", material=material, revocation=_policy())
    assert refused.value.code is SigningProblem.REVOCATION_UNREACHABLE


def test_slow_responder_times_out_into_the_unreachable_warning(live, material, signed):
    with PkiServer(live, delay=2.0) as slow:
        signature = validate_pdf_signatures(
            signed["ocsp-signer"], material=material, revocation=RevocationPolicy(timeout=0.3)
        ).signatures[0]
        assert slow.count("ocsp") + slow.count("crls") >= 1  # it was asked, and too slow
    assert signature.problems[0] is SignatureProblem.REVOCATION_UNREACHABLE


def test_b_lt_document_validates_offline_with_the_service_stopped(live, material):
    with PkiServer(live) as server:
        result = sign(
            make_pdf(),
            live.signer("ocsp-signer"),
            field="sig",
            level="B-LT",
            material=material,
            timestamper=live.timestamper(),
            revocation=_policy(),
        )
        assert server.count("ocsp") == 1 and server.count("tsa") >= 1
    assert result.check.ok and result.revocation_data.ocsps
    dss = DocumentSecurityStore.read_dss(PdfFileReader(__import__("io").BytesIO(result.pdf)))
    assert len(dss.ocsps) >= 1 and len(dss.crls) >= 1  # the signer's OCSP answer, the root's CRL
    assert dss.certs
    # Later, the services gone: the embedded data settles the status, offline or live.
    for policy in (OFFLINE, _policy(timeout=0.5)):
        report = validate_pdf_signatures(result.pdf, material=material, revocation=policy)
        assert report.all_valid, report.summary
        assert report.signatures[0].timestamp_valid
    assert check_signed_by(result.pdf, [live.der("ocsp-signer")], material=material).valid
    # Years later, the OCSP answer stale and the certificate expired: validated, offline, at the
    # time the timestamp proves (moh_core.signatures.past).
    for later in (timedelta(days=400), timedelta(days=5 * 365)):
        at = datetime.now(UTC) + later
        report = validate_pdf_signatures(result.pdf, material=material, validation_time=at, revocation=OFFLINE)
        assert report.all_valid, report.summary
        signature = report.signatures[0]
        assert signature.validated_at == signature.timestamp_time < at
    assert signature.signer.not_after < at  # at +5 years, beyond the signer's certificate


def test_certificate_check_before_signing_goes_live_only_when_needed(server, live, material, pki):
    offline = check_signer_certificate(live.signer("ocsp-signer"), material=material)
    assert offline.problems == (SigningProblem.REVOCATION_UNKNOWN,)
    checked = check_signer_certificate(live.signer("ocsp-signer"), material=material, revocation=_policy())
    assert checked.ok and checked.revocation.ocsps and checked.revocation.crls
    revoked = check_signer_certificate(live.signer("ocsp-revoked"), material=material, revocation=_policy())
    assert revoked.problems == (SigningProblem.REVOKED,)
    asked = sum(server.requests.values())
    # The demo PKI's CRLs settle its status: nothing is fetched (its .test URLs are never asked).
    demo = ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls)
    demo_signer = load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
    assert check_signer_certificate(demo_signer, material=demo, revocation=_policy()).ok
    assert sum(server.requests.values()) == asked


# -- the cache on its own ---------------------------------------------------------------------


def _ocsp_response(live, label, this_update, next_update):
    """A signed OCSP answer for ``label`` from the live PKI's responder, with chosen times."""
    from certomancer.registry import CertLabel, ServiceLabel

    responder = live.arch.service_registry.summon_responder(ServiceLabel("interm"), this_update)
    responder.validity = None if next_update is None else next_update - this_update
    cert = live.arch.get_cert(CertLabel(label))
    issuer = live.arch.get_cert(CertLabel("interm"))
    request = asn1_ocsp.OCSPRequest(
        {
            "tbs_request": {
                "request_list": [
                    {
                        "req_cert": {
                            "hash_algorithm": {"algorithm": "sha1"},
                            "issuer_name_hash": cert.issuer.sha1,
                            "issuer_key_hash": issuer.public_key.sha1,
                            "serial_number": cert.serial_number,
                        }
                    }
                ]
            }
        }
    )
    return cert, responder.build_ocsp_response(request)


def test_cache_keeps_an_ocsp_answer_until_next_update(live):
    now = datetime.now(UTC)
    cache = RevocationCache()
    cert, fresh = _ocsp_response(live, "ocsp-signer", now, now + timedelta(minutes=10))
    assert cache.put_ocsp(cert, fresh, timedelta(minutes=5))
    assert cache.ocsp_for(cert) is fresh
    assert cache.ocsp_for(cert, now + timedelta(minutes=11)) is None  # expired: dropped
    assert cache.ocsp_for(cert) is None
    _, stale = _ocsp_response(live, "ocsp-signer", now - timedelta(hours=1), now - timedelta(minutes=1))
    assert not cache.put_ocsp(cert, stale, timedelta(minutes=5))


def test_cache_keeps_an_answer_without_next_update_for_the_policy_age(live):
    now = datetime.now(UTC)
    cache = RevocationCache()
    cert, response = _ocsp_response(live, "ocsp-signer", now, None)
    assert cache.put_ocsp(cert, response, timedelta(minutes=5))
    assert cache.ocsp_for(cert, now + timedelta(minutes=4)) is response
    assert cache.ocsp_for(cert, now + timedelta(minutes=6)) is None
    assert not cache.put_ocsp(cert, response, timedelta(0))


def test_cache_refuses_unsuccessful_answers_and_crls_without_next_update(live):
    cache = RevocationCache()
    cert = live.arch.get_cert(__import__("certomancer.registry", fromlist=["CertLabel"]).CertLabel("crl-signer"))
    refused = asn1_ocsp.OCSPResponse({"response_status": "try_later"})
    assert not cache.put_ocsp(cert, refused, timedelta(minutes=5))
    current = live.arch.service_registry.get_crl(
        __import__("certomancer.registry", fromlist=["ServiceLabel"]).ServiceLabel("interm"), datetime.now(UTC)
    )
    assert cache.put_crls(cert, [current])
    assert cache.crls_for(cert) == (current,)
    undated = asn1_crl.CertificateList.load(current.dump())
    del undated["tbs_cert_list"]["next_update"]  # type: ignore[attr-defined]
    assert not cache.put_crls(cert, [current, undated])
    assert not cache.put_crls(cert, [])
    assert len(cache) == 1
    cache.clear()
    assert len(cache) == 0 and cache.crls_for(cert) is None


def test_policy_refuses_a_non_positive_timeout():
    with pytest.raises(ValueError, match="timeout"):
        RevocationPolicy(timeout=0)
