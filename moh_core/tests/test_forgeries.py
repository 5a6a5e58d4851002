"""Forged PDFs a court must not take as validly signed, each built from a real issued document of
the product (rendered, fields prepared, signed by the competent person, numbered and dated,
sealed: moh_core.testing.issuing) or, for a foreign file, a PDF signed with pyHanko directly.

Every forgery keeps the signed byte ranges intact (incremental updates) or uses a certificate or
an algorithm the product's own signing refuses (moh_core.testing.forgery). The validator must say
"not valid", with the reason first and no advisory beside it that says otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID

from moh_core.demo import make_pdf
from moh_core.signatures import (
    SignatureProblem,
    SignedByError,
    SignedByProblem,
    SigningProblem,
    check_signed_by,
    check_signer_certificate,
    signers,
    signing,
    validate_pdf_signatures,
)
from moh_core.signatures.report import ordered_problems
from moh_core.testing import make_timestamper, sign_pdf
from moh_core.testing.forgery import (
    add_shadow_field,
    issue_certificate,
    remove_signature,
    set_text_field,
    sign_directly,
)
from moh_core.testing.issuing import DATE, NUMBER, issue, issued_decision, prepare, sign_as_seal
from moh_core.testing.issuing import decision as sample_decision

P = SignatureProblem
#: Where the shadow field sits: over the body of the decision (Điều 1, Điều 2).
SHADOW_BOX = (70.0, 380.0, 530.0, 470.0)


@pytest.fixture(autouse=True)
def quiet_pyhanko(caplog):
    """pyHanko logs each rejected revision with a traceback; the assertions say what matters."""
    caplog.set_level(logging.CRITICAL, logger="pyhanko")


@pytest.fixture(scope="module")
def signer(pki):
    return signers.load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)


@pytest.fixture(scope="module")
def seal(pki):
    return signers.load_pkcs12_signer(pki.seal.p12_path.read_bytes(), pki.password)


@pytest.fixture(scope="module")
def issued(signer, seal, material):
    return issued_decision(signer, seal, material)


@pytest.fixture(scope="module")
def rendered():
    from moh_core.documents.layout import render_outgoing_document

    return render_outgoing_document(sample_decision())


@pytest.fixture(scope="module")
def shadowed(rendered, signer, seal, material):
    """A draft that came with an empty, invisible text field over its body, issued as usual."""
    draft = add_shadow_field(rendered.pdf, "ghi_chu", 0, SHADOW_BOX)
    return issue(prepare(draft, rendered), signer, seal, material)


def by_field(report):
    return {sig.field_name: sig for sig in report.signatures}


def assert_well_ordered(report):
    """Blocking reasons first, no advisory contradicting them, and valid iff no blocking one."""
    for sig in report.signatures:
        assert sig.problems == ordered_problems(sig.problems), sig.summary
        assert sig.valid == (not any(problem.is_blocking for problem in sig.problems)), sig.summary


# ------------------------------------------------------------------------ changes after signing


def test_the_issued_document_itself_is_valid(issued, material):
    report = validate_pdf_signatures(issued.sealed, material=material)
    assert report.all_valid, report.summary
    assert [sig.field_name for sig in report.signatures] == ["signer", "seal"]
    assert_well_ordered(report)


def test_register_number_changed_after_the_seal_is_rejected(pki, issued, material):
    """05 -> 99 in the number field, in a revision after the agency's signature."""
    renumbered = set_text_field(issued.sealed, "number", "99")
    report = validate_pdf_signatures(renumbered, material=material)
    sigs = by_field(report)
    assert not report.all_valid
    assert not sigs["seal"].valid and sigs["seal"].intact and sigs["seal"].trusted
    assert sigs["seal"].problems[0] is P.CHANGED_AFTER_SIGNING
    # the seal vouches for the number: the signer's lock left it to the records office
    assert sigs["signer"].valid
    assert_well_ordered(report)
    with pytest.raises(SignedByError) as refused:
        check_signed_by(renumbered, [pki.seal.der], material=material)
    assert refused.value.problem is SignedByProblem.NOT_WHOLE_FILE
    assert NUMBER == "05"


def test_shadow_field_filled_after_the_seal_is_rejected(shadowed, material):
    """The shadow attack: a hidden field over the body, signed empty, filled after signing."""
    forged = set_text_field(shadowed.sealed, "ghi_chu", "Dieu 1. Bai bo Ke hoach", cover=True)
    report = validate_pdf_signatures(forged, material=material)
    sigs = by_field(report)
    assert by_field(validate_pdf_signatures(shadowed.sealed, material=material))["seal"].valid
    assert sigs["seal"].problems[0] is P.CHANGED_AFTER_SIGNING
    assert not sigs["signer"].valid  # the signer's field locks every field but number, date, seal
    assert sigs["signer"].problems[0] is P.MODIFIED_AFTER_SIGNING
    assert_well_ordered(report)


def test_shadow_field_filled_before_the_seal_breaks_the_signers_lock(shadowed, seal, material):
    """Filled by whoever holds the file between the two signatures, then sealed in good faith."""
    forged = sign_as_seal(set_text_field(shadowed.filled, "ghi_chu", "Bai bo", cover=True), seal, material)
    report = validate_pdf_signatures(forged, material=material)
    sigs = by_field(report)
    assert not report.all_valid
    assert not sigs["signer"].valid and sigs["signer"].problems[0] is P.MODIFIED_AFTER_SIGNING
    assert sigs["seal"].valid  # the seal signed what it saw
    assert_well_ordered(report)


def test_shadow_field_of_a_foreign_pdf_filled_after_its_signature_is_rejected(pki, material):
    """A citizen's file signed elsewhere, with no field locks: form filling after its (last)
    signature, which pyHanko alone allows, is not valid either."""
    signed = sign_pdf(
        add_shadow_field(make_pdf("Giấy phép"), "ghi_chu", 0, SHADOW_BOX), pki.signer.p12_path, pki.password
    )
    assert validate_pdf_signatures(signed, material=material).all_valid
    forged = set_text_field(signed, "ghi_chu", "Het han", cover=True)
    (sig,) = validate_pdf_signatures(forged, material=material).signatures
    assert sig.modification_level == "FORM_FILLING" and sig.docmdp_ok  # what pyHanko allows
    assert not sig.valid and sig.problems[0] is P.CHANGED_AFTER_SIGNING
    assert P.NOT_COVERING_WHOLE_FILE not in sig.problems


def test_long_term_validation_data_after_the_seal_stays_valid(pki, signer, seal, rendered, material):
    """PAdES B-LT: the DSS the seal's signing appends is validation data, allowed."""
    prepared = prepare(rendered.pdf, rendered)
    from moh_core.signatures import fill_fields

    filled = fill_fields(
        signing.sign(prepared, signer, field="signer", level="B-B", material=material).pdf,
        {"number": NUMBER, "date": DATE},
    )
    sealed = signing.sign(
        filled, seal, field="seal", level="B-LT", timestamper=make_timestamper(pki), material=material
    )
    report = validate_pdf_signatures(sealed.pdf, material=material)
    assert report.all_valid, report.summary
    assert by_field(report)["seal"].modification_level == "LTA_UPDATES"


# ------------------------------------------------------------------------ removed signatures


def test_removed_seal_is_reported_not_forgotten(pki, issued, material):
    """The seal's value emptied in a later revision: its stamp still shows, no signature behind it."""
    stripped = remove_signature(issued.sealed, "seal")
    report = validate_pdf_signatures(stripped, material=material)
    sigs = by_field(report)
    assert [sig.field_name for sig in report.signatures] == ["signer", "seal"]
    assert sigs["seal"].problems == (P.SIGNATURE_REMOVED,) and not sigs["seal"].valid
    assert sigs["seal"].signer_common_name == pki.seal.common_name
    assert not report.all_valid
    assert_well_ordered(report)


def test_a_deleted_only_signature_is_still_a_signed_file(pki, material):
    signed = sign_pdf(make_pdf("Giấy phép"), pki.signer.p12_path, pki.password)
    stripped = remove_signature(signed, "Signature1", delete_field=True)
    report = validate_pdf_signatures(stripped, material=material)
    assert report.signed and not report.all_valid
    (sig,) = report.signatures
    assert sig.problems == (P.SIGNATURE_REMOVED,)
    assert sig.signer_common_name == pki.signer.common_name and sig.signing_time is not None
    assert "removed" in sig.summary


# ------------------------------------------------------------------------ certificates and algorithms


def test_a_time_stamping_certificate_is_refused_by_the_rule_signing_applies(pki, rendered, material):
    """Extended key usage time-stamping only: signing refuses it, so does validation."""
    prepared = prepare(rendered.pdf, rendered)
    forged = sign_pdf(prepared, pki.tsa.p12_path, pki.password, field_name="signer")
    sig = by_field(validate_pdf_signatures(forged, material=material))["signer"]
    assert sig.intact and sig.signature_valid and sig.trusted  # pyHanko alone accepts it
    assert not sig.valid and sig.problems[0] is P.KEY_USAGE
    assert signers.key_usage_problem(signers.load_certificates([pki.tsa.der], "tsa")[0]) is not None
    check = check_signer_certificate(pki.tsa.der, material=replace(material, other_certs=[pki.intermediate.der]))
    assert check.problems == (SigningProblem.KEY_USAGE,)


def test_another_purpose_than_time_stamping_is_refused_too(pki, material):
    key, cert = issue_certificate(pki, "OCSP", extended_key_usage=[ExtendedKeyUsageOID.OCSP_SIGNING])
    (sig,) = validate_pdf_signatures(sign_directly(make_pdf(), key, cert, pki), material=material).signatures
    assert sig.problems[0] is P.KEY_USAGE and P.CERTIFICATE_INVALID not in sig.problems


@pytest.mark.parametrize(
    ("bits", "digest"),
    [(1024, "sha256"), (2048, "sha1")],
    ids=["rsa-1024", "sha-1"],
)
def test_weak_algorithms_have_their_own_reason(pki, rendered, material, bits, digest):
    key, cert = issue_certificate(pki, f"Yếu {bits} {digest}", key_bits=bits)
    prepared = prepare(rendered.pdf, rendered)
    forged = sign_directly(prepared, key, cert, pki, field_name="signer", md_algorithm=digest)
    report = validate_pdf_signatures(forged, material=material)
    sig = by_field(report)["signer"]
    assert sig.intact and not sig.valid
    assert sig.problems[0] is P.WEAK_ALGORITHM
    assert P.CERTIFICATE_INVALID not in sig.problems
    assert_well_ordered(report)


def test_a_sound_certificate_of_the_same_kind_is_accepted(pki, material):
    """The helpers make a valid signature when nothing is wrong: the refusals above are theirs."""
    key, cert = issue_certificate(pki, "Hợp lệ")
    (sig,) = validate_pdf_signatures(sign_directly(make_pdf(), key, cert, pki), material=material).signatures
    assert sig.valid, sig.summary


# ------------------------------------------------------------------------ order of reasons


def test_reasons_are_ordered_and_never_contradicted():
    assert ordered_problems([P.NOT_COVERING_WHOLE_FILE, P.CHANGED_AFTER_SIGNING, P.NO_TIMESTAMP]) == (
        P.CHANGED_AFTER_SIGNING,
        P.NO_TIMESTAMP,
    )
    assert ordered_problems([P.NO_TIMESTAMP, P.REVOCATION_UNKNOWN, P.REVOKED]) == (P.REVOKED, P.NO_TIMESTAMP)
    assert ordered_problems([P.CERTIFICATE_INVALID, P.WEAK_ALGORITHM]) == (P.WEAK_ALGORITHM,)
    assert ordered_problems([P.MODIFIED_AFTER_SIGNING, P.CHANGED_AFTER_SIGNING]) == (P.CHANGED_AFTER_SIGNING,)
    assert ordered_problems([P.NOT_COVERING_WHOLE_FILE, P.UNTRUSTED]) == (P.UNTRUSTED, P.NOT_COVERING_WHOLE_FILE)
    blocking = [problem for problem in P if problem.is_blocking]
    assert list(P)[: len(blocking)] == blocking  # declared blocking first
    for problem in P:
        assert problem.description and problem.description_vi


def test_the_product_s_weak_algorithm_rule_applies_beyond_pyhanko_s(pki):
    """The digest and the key sizes are the signing policy's, whatever pyHanko's own says."""
    from types import SimpleNamespace

    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    from moh_core.signatures import report

    def status(md, cert):
        der = cert.public_bytes(serialization.Encoding.DER)
        return SimpleNamespace(trust_problem_indic=None, md_algorithm=md, signing_cert=asn1_x509.Certificate.load(der))

    _, weak_key = issue_certificate(pki, "RSA 1024", key_bits=1024)
    assert report._weak_algorithm(status("sha1", pki.signer.certificate))
    assert report._weak_algorithm(status("sha256", weak_key))
    assert not report._weak_algorithm(status("sha256", pki.signer.certificate))


def test_unreadable_earlier_revisions_do_not_stop_validation(pki, material, monkeypatch):
    """A removed signature whose CMS cannot be read is still reported; a revision whose form
    cannot be read is skipped, the rest of the file is still validated."""
    from moh_core.signatures import validation

    signed = sign_pdf(make_pdf("Giấy phép"), pki.signer.p12_path, pki.password)
    stripped = remove_signature(signed, "Signature1")

    def unreadable(*args, **kwargs):
        raise ValueError("damaged CMS")

    monkeypatch.setattr(validation, "EmbeddedPdfSignature", unreadable)
    (sig,) = validate_pdf_signatures(stripped, material=material).signatures
    assert sig.problems == (P.SIGNATURE_REMOVED,) and sig.signer is None
    monkeypatch.undo()

    def damaged(self, revision):
        raise ValueError("damaged revision")

    monkeypatch.setattr(validation.PdfFileReader, "get_historical_resolver", damaged)
    assert validate_pdf_signatures(stripped, material=material).signatures == ()
