"""Remote signing through a Cloud Signature Consortium service: certomancer-csc-dummy served over
real HTTP on 127.0.0.1 (moh_core.testing.csc), signing product PDFs with the product's sign() and
sign_many() and validating them with the product's validation."""

from __future__ import annotations

import base64
import socket

import pytest

from moh_core.signatures import (
    ApprovalStep,
    FieldBox,
    RemoteSigningService,
    SigningError,
    SigningProblem,
    ValidationMaterial,
    check_signer_certificate,
    load_csc_signer,
    prepare_fields,
    sign,
    sign_many,
    validate_pdf_signatures,
)
from moh_core.testing.csc import EC_CREDENTIAL, ENCIPHER_CREDENTIAL, SIGNER_CREDENTIAL, start_csc_service
from moh_core.testing.fixtures import make_pdf, make_timestamper

P = SigningProblem


@pytest.fixture(scope="module")
def csc(tmp_path_factory):
    service = start_csc_service(tmp_path_factory.mktemp("csc"), access_token="token-of-the-signer")
    yield service
    service.stop()


@pytest.fixture(scope="module")
def slow_csc(tmp_path_factory):
    """A service that keeps the approval pending twice before it authorizes."""
    service = start_csc_service(tmp_path_factory.mktemp("csc-slow"), approval_rounds=2, multisign=3)
    yield service
    service.stop()


@pytest.fixture(scope="module")
def remote_material(pki, csc):
    return ValidationMaterial(trust_roots=(*pki.trust_roots, csc.root_der), crls=(*pki.crls, *csc.crls))


@pytest.fixture(scope="module")
def with_fields():
    return prepare_fields(make_pdf("Công văn ký số từ xa"), [FieldBox("signer", 0, (330.0, 90.0, 530.0, 190.0))])


def service(csc, credential=SIGNER_CREDENTIAL, **kwargs):
    return RemoteSigningService(
        service_url=csc.url, credential_id=credential, access_token="token-of-the-signer", **kwargs
    )


def test_remote_key_signs_a_product_pdf_that_validates(csc, pki, remote_material, with_fields):
    steps = []
    signer = load_csc_signer(service(csc), on_approval=lambda step, n: steps.append((step, n)))
    assert signer.source == "csc"
    assert signer.certificate_der == csc.certificates["signer"]
    calls = len(csc.sign_hash_calls)
    result = sign(
        with_fields, signer, field="signer", level="B-LT", timestamper=make_timestamper(pki), material=remote_material
    )
    report = validate_pdf_signatures(result.pdf, material=remote_material)
    (signature,) = report.signatures
    assert signature.valid, signature.summary
    assert signature.signer.der == csc.certificates["signer"]
    assert signature.timestamp_valid
    # the service made the signature: one authorization (pinned to the hash), one signHash
    assert len(csc.sign_hash_calls) == calls + 1
    assert csc.authorize_calls[-1]["numSignatures"] == 1 and len(csc.authorize_calls[-1]["hash"]) == 1
    assert csc.sign_hash_calls[-1]["signAlgo"] == "1.2.840.113549.1.1.10"  # RSASSA-PSS, per the policy
    assert steps == [(ApprovalStep.REQUESTED, 1), (ApprovalStep.APPROVED, 1)]
    assert result.check.ok


def test_bulk_signing_asks_one_approval_per_batch(csc, remote_material, with_fields):
    signer = load_csc_signer(service(csc))
    assert signer.batch_size == 10  # the credential's multisign
    before_auth, before_sign = len(csc.authorize_calls), len(csc.sign_hash_calls)
    results = sign_many([with_fields] * 4, signer, field="signer", level="B-B", material=remote_material)
    assert len(csc.authorize_calls) == before_auth + 1
    assert len(csc.sign_hash_calls) == before_sign + 1
    assert csc.authorize_calls[-1]["numSignatures"] == 4
    assert len(set(csc.authorize_calls[-1]["hash"])) == 4
    for result in results:
        (signature,) = validate_pdf_signatures(result.pdf, material=remote_material).signatures
        assert signature.valid, signature.summary


def test_waiting_for_approval_then_signing_continues(slow_csc, pki, with_fields):
    material = ValidationMaterial(trust_roots=(slow_csc.root_der,), crls=slow_csc.crls)
    steps = []
    signer = load_csc_signer(service(slow_csc, poll_interval=0.05), on_approval=lambda step, n: steps.append((step, n)))
    assert signer.batch_size == 3
    results = sign_many([with_fields] * 4, signer, field="signer", level="B-B", material=material)
    # 4 documents, 3 per approval: two approvals, each pending twice before the service authorized
    assert steps == [
        (ApprovalStep.REQUESTED, 3),
        (ApprovalStep.WAITING, 3),
        (ApprovalStep.APPROVED, 3),
        (ApprovalStep.REQUESTED, 1),
        (ApprovalStep.WAITING, 1),
        (ApprovalStep.APPROVED, 1),
    ]
    assert len(slow_csc.authorize_calls) == 6
    assert all(validate_pdf_signatures(r.pdf, material=material).signatures[0].valid for r in results)


def test_approval_that_never_comes_times_out(slow_csc, with_fields):
    material = ValidationMaterial(trust_roots=(slow_csc.root_der,), crls=slow_csc.crls)
    signer = load_csc_signer(service(slow_csc, poll_interval=0.05, approval_timeout=0.01))
    with pytest.raises(SigningError) as caught:
        sign(with_fields, signer, field="signer", level="B-B", material=material)
    assert caught.value.code is P.APPROVAL_TIMEOUT
    assert "xác nhận" in caught.value.message_vi


def test_unknown_credential_is_a_clear_refusal(csc):
    with pytest.raises(SigningError) as caught:
        load_csc_signer(service(csc, credential="moh-csc/nobody"))
    assert caught.value.code is P.REMOTE_CREDENTIAL
    assert "credential" in str(caught.value)
    assert "chứng thư" in caught.value.message_vi


def test_refused_access_token_is_a_clear_refusal(csc):
    with pytest.raises(SigningError) as caught:
        load_csc_signer(RemoteSigningService(service_url=csc.url, credential_id=SIGNER_CREDENTIAL, access_token="old"))
    assert caught.value.code is P.REMOTE_REFUSED
    assert "từ chối" in caught.value.message_vi


def test_a_bad_document_stops_the_batch_before_the_service_signs(csc, remote_material, with_fields):
    signer = load_csc_signer(service(csc))
    calls = len(csc.sign_hash_calls)
    with pytest.raises(SigningError) as caught:
        sign_many(
            [with_fields, b"%PDF-1.7 broken", with_fields],
            signer,
            field="signer",
            level="B-B",
            material=remote_material,
        )
    assert caught.value.code is P.INVALID_PDF
    assert len(csc.sign_hash_calls) == calls


def test_batch_without_approval_reports_the_timeout(slow_csc, with_fields):
    material = ValidationMaterial(trust_roots=(slow_csc.root_der,), crls=slow_csc.crls)
    signer = load_csc_signer(service(slow_csc, poll_interval=0.05, approval_timeout=0.01))
    with pytest.raises(SigningError) as caught:
        sign_many([with_fields] * 2, signer, field="signer", level="B-B", material=material)
    assert caught.value.code is P.APPROVAL_TIMEOUT


def test_unreachable_service_is_a_clear_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SigningError) as caught:
        load_csc_signer(RemoteSigningService(service_url=f"http://127.0.0.1:{port}", credential_id=SIGNER_CREDENTIAL))
    assert caught.value.code is P.REMOTE_UNAVAILABLE


def test_remote_certificate_without_signing_usage_is_refused_by_the_same_check(csc, remote_material, with_fields):
    signer = load_csc_signer(service(csc, credential=ENCIPHER_CREDENTIAL))
    check = check_signer_certificate(signer, material=remote_material)
    assert P.KEY_USAGE in check.problems
    calls = len(csc.sign_hash_calls)
    with pytest.raises(SigningError) as caught:
        sign(with_fields, signer, field="signer", level="B-B", material=remote_material)
    assert P.KEY_USAGE in caught.value.codes
    assert len(csc.sign_hash_calls) == calls  # refused before the service was asked


def test_v2_service_gets_v2_urls_and_names(csc, remote_material, with_fields):
    signer = load_csc_signer(service(csc, api_version="v2"))
    result = sign(with_fields, signer, field="signer", level="B-B", material=remote_material)
    assert validate_pdf_signatures(result.pdf, material=remote_material).signatures[0].valid
    authorize, sign_hash = csc.authorize_calls[-1], csc.sign_hash_calls[-1]
    assert authorize["hashes"] == authorize["hash"] and authorize["hashAlgorithmOID"] == "2.16.840.1.101.3.4.2.1"
    assert sign_hash["hashes"] == sign_hash["hash"] and sign_hash["hashAlgorithmOID"] == "2.16.840.1.101.3.4.2.1"


def test_remote_ecdsa_key_signs(csc, remote_material, with_fields):
    signer = load_csc_signer(service(csc, credential=EC_CREDENTIAL))
    assert signer.key_algorithm == "ec"
    result = sign(with_fields, signer, field="signer", level="B-B", material=remote_material)
    assert validate_pdf_signatures(result.pdf, material=remote_material).signatures[0].valid
    assert "signAlgoParams" not in csc.sign_hash_calls[-1]


@pytest.fixture
def faulty(csc):
    yield csc
    csc.faults.clear()


@pytest.mark.parametrize(
    ("endpoint", "status", "body", "code"),
    [
        ("signatures/signHash", 200, {"signatures": []}, P.REMOTE_UNAVAILABLE),
        ("signatures/signHash", 200, {"signatures": ["not base64!"]}, P.REMOTE_UNAVAILABLE),
        ("signatures/signHash", 500, {"error": "server_error", "error_description": "HSM down"}, P.REMOTE_UNAVAILABLE),
        ("signatures/signHash", 502, "<html>Bad gateway</html>", P.REMOTE_UNAVAILABLE),
        ("signatures/signHash", 400, {"error": "invalid_request"}, P.REMOTE_REFUSED),
        (
            "credentials/authorize",
            403,
            {"error": "access_denied", "error_description": "User refused"},
            P.REMOTE_REFUSED,
        ),
        ("credentials/authorize", 200, {"no": "SAD"}, P.REMOTE_UNAVAILABLE),
    ],
)
def test_misbehaving_service_is_reported_not_embedded(
    faulty, remote_material, with_fields, endpoint, status, body, code
):
    signer = load_csc_signer(service(faulty))
    faulty.faults[endpoint] = (status, body)
    with pytest.raises(SigningError) as caught:
        sign(with_fields, signer, field="signer", level="B-B", material=remote_material)
    assert caught.value.code is code
    if isinstance(body, dict) and "error_description" in body:
        assert body["error_description"] in str(caught.value.detail)


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        ({"key": {"status": "disabled", "algo": ["1.2.840.113549.1.1.10"]}}, 200, P.REMOTE_CREDENTIAL),
        ({"key": {"status": "enabled", "algo": ["1.2.840.113549.1.1.11"]}}, 200, P.UNSUPPORTED_ALGORITHM),
        ({"key": {"status": "enabled", "algo": []}}, 200, P.REMOTE_UNAVAILABLE),  # no certificates
        ({"error": "server_error"}, 500, P.REMOTE_UNAVAILABLE),
        ("not json", 200, P.REMOTE_UNAVAILABLE),
    ],
)
def test_credential_the_product_cannot_use(faulty, body, status, problem):
    if isinstance(body, dict) and "key" in body:
        body = {
            **body,
            "cert": {"certificates": [base64.b64encode(faulty.certificates["signer"]).decode()]}
            if body["key"].get("algo")
            else {},
            "multisign": 1,
        }
    faulty.faults["credentials/info"] = (status, body)
    with pytest.raises(SigningError) as caught:
        load_csc_signer(service(faulty))
    assert caught.value.code is problem


def test_service_configuration_is_checked():
    with pytest.raises(ValueError):
        RemoteSigningService(service_url="ftp://x", credential_id="a")
    with pytest.raises(ValueError):
        RemoteSigningService(service_url="https://x", credential_id="")
    with pytest.raises(ValueError):
        RemoteSigningService(service_url="https://x", credential_id="a", api_version="v3")
    assert "token" not in repr(RemoteSigningService(service_url="https://x", credential_id="a", access_token="token"))


def test_slow_service_times_out(faulty):
    faulty.faults["credentials/info"] = (200, 3)
    with pytest.raises(SigningError) as caught:
        load_csc_signer(service(faulty, request_timeout=1))
    assert caught.value.code is P.REMOTE_UNAVAILABLE


def test_service_gone_between_loading_and_signing(tmp_path, with_fields):
    gone = start_csc_service(tmp_path)
    material = ValidationMaterial(trust_roots=(gone.root_der,), crls=gone.crls)
    signer = load_csc_signer(service(gone))
    gone.stop()
    with pytest.raises(SigningError) as caught:
        sign(with_fields, signer, field="signer", level="B-B", material=material)
    assert caught.value.code is P.REMOTE_UNAVAILABLE
