"""PDF signature validation against the offline test PKI (no network).

Each case checks pyHanko's verdict *and* the reason code the addons translate; the forged
appended revision is the measured pitfall of SIGNING.md.
"""

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from reportlab.pdfgen import canvas

from moh_core.demo import generate_test_pki
from moh_core.signatures import ValidationMaterial
from moh_core.signatures.errors import EncryptedPdfError, InvalidPdfError
from moh_core.signatures.report import Coverage, SignatureProblem
from moh_core.signatures.validation import validate_pdf_signatures
from moh_core.testing.fixtures import append_forged_update, make_pdf, make_timestamper, sign_pdf

P = SignatureProblem


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return generate_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def document():
    return make_pdf("Quyết định về việc thử nghiệm chữ ký số", pages=2)


@pytest.fixture(scope="module")
def signed(pki, document):
    return sign_pdf(document, pki.signer.p12_path, pki.password)


def validate(pki, pdf, *, trust_roots=None, crls=None, other_certs=(), **kwargs):
    material = ValidationMaterial(
        trust_roots=pki.trust_roots if trust_roots is None else trust_roots,
        crls=pki.crls if crls is None else crls,
        other_certs=other_certs,
    )
    return validate_pdf_signatures(pdf, material=material, **kwargs)


def only_signature(report):
    assert len(report.signatures) == 1, report.summary
    return report.signatures[0]


def test_valid_signature(pki, signed):
    report = validate(pki, signed)
    assert report.signed and report.all_valid, report.summary
    sig = only_signature(report)
    assert sig.valid and sig.trusted and sig.intact and sig.signature_valid
    assert sig.field_name == "Signature1"
    assert sig.signer_common_name == "Nguyễn Văn An"
    assert sig.signer_organisation == "Bộ Y tế (thử nghiệm)"
    assert sig.signer.serial_number == pki.signer.serial_number
    assert sig.signer.der == pki.signer.der
    assert sig.signer.not_after > pki.now > sig.signer.not_before
    assert "Issuing CA" in sig.signer.issuer
    assert sig.coverage is Coverage.ENTIRE_FILE
    assert sig.modification_level == "NONE" and sig.docmdp_ok is True
    assert not sig.revoked and sig.revocation_checked
    assert sig.signing_time.tzinfo is not None and sig.signing_time.utcoffset() == timedelta(0)
    assert abs(sig.signing_time - datetime.now(UTC)) < timedelta(minutes=10)
    # B-B: valid, with only the advisory code
    assert sig.problems == (P.NO_TIMESTAMP,) and not sig.timestamp_present
    assert "valid" in sig.summary and "Nguyễn Văn An" in report.summary


def test_timestamped_seal_has_no_problem(pki, document):
    sealed = sign_pdf(document, pki.seal.p12_path, pki.password, field_name="Seal", timestamper=make_timestamper(pki))
    sig = only_signature(validate(pki, sealed))
    assert sig.valid and sig.problems == ()
    assert sig.field_name == "Seal" and sig.signer_common_name == pki.organisation
    assert sig.timestamp_present and sig.timestamp_valid
    assert abs(sig.timestamp_time - sig.signing_time) < timedelta(minutes=1)


def test_pem_inputs_are_accepted(pki, signed):
    report = validate(
        pki,
        signed,
        trust_roots=[pki.root.cert_path.read_bytes()],
        crls=[pki.root_crl_path.read_bytes(), pki.intermediate_crl_path.read_bytes()],
        other_certs=[pki.intermediate.cert_path.read_bytes()],
    )
    assert report.all_valid


def test_bad_arguments_are_value_errors(pki, signed):
    with pytest.raises(ValueError, match="trust root #1"):
        validate(pki, signed, trust_roots=[b"not a certificate"])
    with pytest.raises(ValueError, match="CRL #2"):
        validate(pki, signed, crls=[pki.crls[0], b"nope"])
    with pytest.raises(ValueError, match="timezone-aware"):
        validate(pki, signed, validation_time=datetime(2030, 1, 1))


def test_one_changed_byte_in_the_signed_range_is_tampering(pki, signed):
    # The document information dictionary lies in the first (signed) revision.
    position = signed.index(b"ReportLab PDF Library")
    tampered = signed[:position] + b"X" + signed[position + 1 :]
    sig = only_signature(validate(pki, tampered))
    assert not sig.valid and not sig.intact
    assert P.TAMPERED in sig.problems


def test_forged_revision_after_signing_is_caught_by_difference_analysis(pki, signed):
    forged = append_forged_update(signed, "DA BI SUA - forged")
    report = validate(pki, forged)
    sig = only_signature(report)
    # The naive checks all pass: digest intact, signature verifies, certificate trusted ...
    assert sig.intact and sig.signature_valid and sig.integrity_ok and sig.trusted
    # ... only the difference analysis of the appended revision rejects it.
    assert sig.coverage is Coverage.ENTIRE_REVISION
    assert sig.modification_level == "OTHER" and sig.docmdp_ok is False
    assert not sig.valid and not report.all_valid
    assert sig.problems[0] is P.CHANGED_AFTER_SIGNING  # the only, so the last, signature
    assert P.NOT_COVERING_WHOLE_FILE not in sig.problems


def test_a_second_signature_is_an_allowed_update(pki, signed):
    countersigned = sign_pdf(signed, pki.seal.p12_path, pki.password, field_name="Seal")
    report = validate(pki, countersigned)
    assert report.all_valid, report.summary
    first, second = report.signatures
    assert (first.field_name, second.field_name) == ("Signature1", "Seal")
    assert first.coverage is Coverage.ENTIRE_REVISION and first.modification_level == "FORM_FILLING"
    assert P.NOT_COVERING_WHOLE_FILE in first.problems
    assert not any(problem.is_blocking for problem in first.problems)
    assert second.coverage is Coverage.ENTIRE_FILE


def test_unknown_root_is_untrusted(pki, signed, tmp_path):
    stranger = generate_test_pki(tmp_path / "other", organisation="Tổ chức khác")
    sig = only_signature(validate(pki, signed, trust_roots=stranger.trust_roots, crls=stranger.crls))
    assert not sig.valid and not sig.trusted and sig.intact
    assert P.UNTRUSTED in sig.problems


def test_no_trust_roots_trusts_nothing(pki, signed):
    sig = only_signature(validate(pki, signed, trust_roots=()))
    assert not sig.valid and P.UNTRUSTED in sig.problems


def test_missing_crl_fails_hard(pki, signed):
    sig = only_signature(validate(pki, signed, crls=()))
    assert not sig.valid and not sig.revocation_checked
    assert P.REVOCATION_UNKNOWN in sig.problems


def test_revoked_signer(pki, document):
    pdf = sign_pdf(document, pki.revoked_signer.p12_path, pki.password)
    sig = only_signature(validate(pki, pdf))
    assert not sig.valid and sig.intact
    assert sig.revoked and sig.revocation_checked
    assert P.REVOKED in sig.problems


def test_expired_signer(pki, document):
    pdf = sign_pdf(document, pki.expired_signer.p12_path, pki.password)
    sig = only_signature(validate(pki, pdf))
    assert not sig.valid and sig.intact
    assert sig.signer.not_after < datetime.now(UTC)
    assert P.EXPIRED in sig.problems


def test_unreadable_signature_is_malformed_not_an_exception(pki, signed):
    contents = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed)
    zeroed = signed[: contents.start(1)] + b"0" * len(contents.group(1)) + signed[contents.end(1) :]
    sig = only_signature(validate(pki, zeroed))
    assert not sig.valid and sig.signer is None
    assert sig.problems == (P.MALFORMED,)


def test_unsigned_pdf_gives_an_empty_report(pki, document):
    report = validate(pki, document)
    assert report.signatures == () and not report.signed and not report.all_valid
    assert report.summary == "The document is not signed."


@pytest.mark.parametrize(
    "make_bad",
    [
        pytest.param(lambda pdf: b"", id="empty"),
        pytest.param(lambda pdf: b"this is not a PDF at all \x00\x01\x02", id="garbage"),
        pytest.param(lambda pdf: b"%PDF-1.7\n1 0 obj garbage", id="header-only"),
        pytest.param(lambda pdf: pdf[: len(pdf) // 2], id="truncated-half"),
        pytest.param(lambda pdf: pdf[:-40], id="truncated-tail"),
    ],
)
def test_unreadable_input_raises_invalid_pdf_error(pki, signed, make_bad):
    with pytest.raises(InvalidPdfError) as caught:
        validate(pki, make_bad(signed))
    assert isinstance(caught.value, ValueError) and str(caught.value)


def test_encrypted_pdf_is_refused_clearly(pki):
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, encrypt="bí mật")
    pdf.drawString(72, 720, "encrypted")
    pdf.showPage()
    pdf.save()
    with pytest.raises(EncryptedPdfError, match="encrypted"):
        validate(pki, buffer.getvalue())


# --- poppler's pdfsig as an independent opinion (its exit code is no verdict: parse lines) ---

PDFSIG = shutil.which("pdfsig")
needs_pdfsig = pytest.mark.skipif(PDFSIG is None, reason="poppler's pdfsig is not installed")


def pdfsig_signatures(pdf, tmp_path):
    """pdfsig's per-signature fields, e.g. {'Signature Field Name': 'Signature1', ...}."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    home = tmp_path / "home"  # keep NSS away from the real home directory
    home.mkdir(exist_ok=True)
    output = subprocess.run(
        [PDFSIG, "-nocert", str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(home)},
    ).stdout
    signatures = []
    for line in output.splitlines():
        if re.match(r"^Signature #\d+:", line):
            signatures.append({})
        elif signatures and line.startswith("  - "):
            key, _, value = line[4:].partition(": ")
            signatures[-1][key.strip()] = value.strip() if value else key.strip()
    return signatures


@needs_pdfsig
def test_pdfsig_agrees_on_the_valid_file(pki, signed, tmp_path):
    ours = only_signature(validate(pki, signed))
    (theirs,) = pdfsig_signatures(signed, tmp_path)
    assert theirs["Signature Field Name"] == ours.field_name
    assert theirs["Signer Certificate Common Name"] == ours.signer_common_name
    assert theirs["Signature Validation"] == "Signature is Valid."
    assert "Total document signed" in theirs
    assert ours.valid and ours.coverage is Coverage.ENTIRE_FILE


@needs_pdfsig
def test_pdfsig_misses_the_forged_revision(pki, signed, tmp_path):
    """The pitfall itself: pdfsig still says "valid" where pyHanko's bottom line says no."""
    forged = append_forged_update(signed)
    (theirs,) = pdfsig_signatures(forged, tmp_path)
    assert theirs["Signature Validation"] == "Signature is Valid."
    assert "Not total document signed" in theirs
    assert not only_signature(validate(pki, forged)).valid


# --- the helpers themselves ---


def test_make_pdf_is_reproducible(document):
    assert document.startswith(b"%PDF-")
    assert make_pdf("Quyết định về việc thử nghiệm chữ ký số", pages=2) == document
    with pytest.raises(ValueError):
        make_pdf(pages=0)


def test_sign_pdf_reports_a_wrong_password(pki, document):
    with pytest.raises(ValueError, match="PKCS#12"):
        sign_pdf(document, pki.signer.p12_path, "wrong")
    with pytest.raises(ValueError, match="not both"):
        sign_pdf(
            document,
            pki.signer.p12_path,
            pki.password,
            timestamp_url="http://tsa.test/",
            timestamper=make_timestamper(pki),
        )
