"""check_signed_by: the last signature of a file is by the expected person, valid, and covers
the whole file (the check before a signed document is numbered and sealed)."""

import pytest

from moh_core.signatures import SignedByError, SignedByProblem, ValidationMaterial, check_signed_by
from moh_core.testing.fixtures import append_forged_update, make_pdf, sign_pdf


@pytest.fixture(scope="module")
def document():
    return make_pdf("Quyết định thử nghiệm", pages=1)


@pytest.fixture(scope="module")
def signed(pki, document):
    return sign_pdf(document, pki.signer.p12_path, pki.password)


def check(pki, pdf, certificates=None):
    return check_signed_by(
        pdf, certificates or [pki.signer.der], material=ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls)
    )


def refusal(pki, pdf, certificates=None):
    with pytest.raises(SignedByError) as error:
        check(pki, pdf, certificates)
    return error.value.problem


def test_the_signers_own_valid_signature_passes(pki, signed):
    report = check(pki, signed)
    assert report.valid and report.signer.der == pki.signer.der


def test_a_pem_certificate_is_accepted_too(pki, signed):
    with open(pki.signer.cert_path, "rb") as handle:
        pem = handle.read()
    assert check(pki, signed, [pem]).valid


def test_an_unsigned_file_is_refused(pki, document):
    assert refusal(pki, document) is SignedByProblem.NOT_SIGNED


def test_garbage_is_refused_as_not_signed(pki):
    assert refusal(pki, b"not a pdf at all") is SignedByProblem.NOT_SIGNED


def test_another_persons_signature_is_refused(pki, document):
    other = sign_pdf(document, pki.seal.p12_path, pki.password)
    assert refusal(pki, other) is SignedByProblem.OTHER_SIGNER


def test_a_later_signature_by_someone_else_is_refused(pki, signed):
    countersigned = sign_pdf(signed, pki.seal.p12_path, pki.password, field_name="Signature2")
    assert refusal(pki, countersigned) is SignedByProblem.OTHER_SIGNER


def test_content_appended_after_the_signature_is_refused(pki, signed):
    assert refusal(pki, append_forged_update(signed)) is SignedByProblem.NOT_WHOLE_FILE
    assert refusal(pki, signed + b"\n% appended\n") is SignedByProblem.NOT_WHOLE_FILE


def test_changed_signed_bytes_are_refused(pki, signed):
    tampered = bytearray(signed)
    index = tampered.index(b"/Contents", 0) - 200  # in the signed content, before the signature
    tampered[index] ^= 0x01
    assert refusal(pki, bytes(tampered)) in (SignedByProblem.NOT_VALID, SignedByProblem.NOT_SIGNED)


def test_a_revoked_certificate_is_refused(pki, document):
    revoked = sign_pdf(document, pki.revoked_signer.p12_path, pki.password)
    assert refusal(pki, revoked, [pki.revoked_signer.der]) is SignedByProblem.NOT_VALID


def test_no_expected_certificate_is_a_programming_error(pki, signed):
    with pytest.raises(ValueError):
        check_signed_by(signed, [], material=ValidationMaterial(trust_roots=pki.trust_roots))


def test_long_term_validation_data_after_the_signature_is_accepted(pki, material):
    """PAdES B-LT adds the DSS in an update after the signature: allowed, nothing else is."""
    from moh_core.signatures import signers, signing
    from moh_core.testing import make_timestamper

    signer = signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
    with signer:
        result = signing.sign(
            make_pdf("Quyết định B-LT"),
            signer,
            field="signer",
            level="B-LT",
            timestamper=make_timestamper(pki),
            material=material,
        )
    report = check_signed_by(result.pdf, [pki.signer.der], material=ValidationMaterial(trust_roots=pki.trust_roots))
    assert report.valid
    assert refusal(pki, append_forged_update(result.pdf)) is SignedByProblem.NOT_WHOLE_FILE
