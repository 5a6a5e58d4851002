"""Records kept five years and more: PAdES B-LTA archive timestamps, their renewal, and the
validation years later after the first TSA's and the signer's certificates expired
(moh_core.signatures.archival)."""

from datetime import datetime, timedelta

import pytest

from moh_core.demo import demo_timestamper, generate_test_pki, make_pdf
from moh_core.demo.pki import issue_crl, issue_timestamping_unit
from moh_core.errors import is_vietnamese
from moh_core.signatures import ValidationMaterial, load_pkcs12_signer, sign, validate_pdf_signatures
from moh_core.signatures.archival import (
    DEFAULT_WEAK_DIGESTS,
    ArchivalError,
    ArchivalProblem,
    RenewalReason,
    archive_timestamp,
    archive_timestamps,
    renew_archive_timestamp,
    renewal_due,
    strong_digest,
    validate_archival,
)
from moh_core.signatures.errors import InvalidPdfError
from moh_core.testing.fixtures import sign_pdf

DAY = timedelta(days=1)
YEAR = 365 * DAY


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    pki = generate_test_pki(tmp_path_factory.mktemp("pki"))
    # TSA-1 is short-lived (one year), TSA-2 long-lived (eight years).
    issue_timestamping_unit(pki, "tsa1", not_before=pki.now - DAY, not_after=pki.now + YEAR)
    issue_timestamping_unit(pki, "tsa2", not_before=pki.now - DAY, not_after=pki.now + 8 * YEAR)
    return pki


@pytest.fixture(scope="module")
def material(pki):
    return ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls)


@pytest.fixture(scope="module")
def tsa1(pki):
    return demo_timestamper(pki.directory, pki.password, name="tsa1")


@pytest.fixture(scope="module")
def tsa2(pki):
    return demo_timestamper(pki.directory, pki.password, name="tsa2")


@pytest.fixture(scope="module")
def signed(pki, material, tsa1):
    """B-LT, the signature timestamped by the short-lived TSA-1 (as the product signs)."""
    signer = load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
    return sign(make_pdf(), signer, field="Signature1", level="B-LT", material=material, timestamper=tsa1).pdf


@pytest.fixture(scope="module")
def archived(signed, material, tsa1):
    return archive_timestamp(signed, timestamper=tsa1, material=material)


@pytest.fixture(scope="module")
def renewed(archived, material, tsa2):
    return renew_archive_timestamp(archived, timestamper=tsa2, material=material)


@pytest.fixture(scope="module")
def years_later(pki):
    """Three years on: TSA-1 expired two years ago, the signer's certificate a year ago; the
    verifier has the CAs' CRLs of that day."""
    at = pki.now + 3 * YEAR
    crls = [
        issue_crl(issuer, this_update=at - DAY, next_update=at + 30 * DAY, number=9)
        for issuer in (pki.root, pki.intermediate)
    ]
    return at, ValidationMaterial(trust_roots=pki.trust_roots, crls=crls)


def test_archive_timestamp_appends_a_document_timestamp(signed, archived, material):
    assert archived.startswith(signed) and len(archived) > len(signed)
    stamps = archive_timestamps(archived)
    assert len(stamps) == 1
    assert stamps[0].tsa_name.endswith("tsa1")
    assert stamps[0].digest_algorithm == "sha256"
    assert archive_timestamps(signed) == ()
    # the product's own validation still calls the signature valid, the timestamp is no change
    report = validate_pdf_signatures(archived, material=material)
    assert [signature.valid for signature in report.signatures] == [True]
    check = validate_archival(archived, material=material)
    assert check.valid, check


def test_renewal_appends_a_second_document_timestamp(archived, renewed):
    assert renewed.startswith(archived) and len(renewed) > len(archived)
    stamps = archive_timestamps(renewed)
    assert [stamp.tsa_name[-4:] for stamp in stamps] == ["tsa1", "tsa2"]
    assert stamps[0].time <= stamps[1].time


def test_renewed_chain_validates_after_the_first_tsa_and_the_signer_expired(renewed, years_later, pki):
    at, material = years_later
    assert at > pki.now + YEAR and at > pki.signer.certificate.not_valid_after_utc
    check = validate_archival(renewed, material=material, validation_time=at)
    assert check.valid, check
    assert [item.valid for item in check.timestamps] == [True, True]
    assert check.timestamps[-1].checked_at == at
    assert check.signatures[0].checked_at == check.timestamps[0].time


def test_without_renewal_the_same_validation_fails(archived, years_later):
    at, material = years_later
    check = validate_archival(archived, material=material, validation_time=at)
    assert not check.valid
    assert [item.valid for item in check.timestamps] == [False]
    assert not check.signatures[0].valid


def test_b_lt_alone_is_not_archival(signed, material):
    check = validate_archival(signed, material=material)
    assert not check.valid
    assert check.timestamps == ()
    assert "no valid archive timestamp" in check.signatures[0].summary


def test_broken_newest_timestamp_breaks_the_older_ones(renewed, years_later, pki):
    _at, material = years_later
    later = pki.now + 9 * YEAR  # TSA-2 expired as well
    check = validate_archival(renewed, material=material, validation_time=later)
    assert [item.valid for item in check.timestamps] == [False, False]
    assert check.timestamps[0].summary == "an archive timestamp after it is not valid"
    assert not check.valid


def test_renewal_due_for_filing(signed):
    state = renewal_due(signed)
    assert state.due and state.reasons == (RenewalReason.FILING,) and state.last is None
    assert state.reason is RenewalReason.FILING


def test_renewal_not_due_while_the_tsa_is_far_from_expiry(renewed, pki):
    state = renewal_due(renewed, now=pki.now, margin=180 * DAY)
    assert not state.due and state.reasons == () and state.reason is None
    assert state.last is not None and state.last.tsa_name.endswith("tsa2")


def test_renewal_due_for_expiry_within_the_margin(archived, pki):
    # TSA-1 expires a year after pki.now
    assert not renewal_due(archived, now=pki.now, margin=180 * DAY).due
    state = renewal_due(archived, now=pki.now + 200 * DAY, margin=180 * DAY)
    assert state.due and state.reasons == (RenewalReason.EXPIRY,)
    assert state.last is not None
    assert state.last.tsa_certificate_expiry == pki.now + YEAR


def test_renewal_due_for_a_weak_algorithm(signed, archived, material, tsa1, pki):
    weak = archive_timestamp(signed, timestamper=tsa1, material=material, md_algorithm="sha1")
    state = renewal_due(weak, now=pki.now)
    assert state.due and state.reasons == (RenewalReason.ALGORITHM,)
    assert state.weak_algorithms == ("sha1",)
    # SHA-256 retired later: a setting, no code change
    later = renewal_due(archived, now=pki.now, weak_digests={*DEFAULT_WEAK_DIGESTS, "sha256"})
    assert later.reasons == (RenewalReason.ALGORITHM,)
    assert "sha256" in later.weak_algorithms
    # a renewal for the algorithm uses a strong digest
    renewed = renew_archive_timestamp(weak, timestamper=tsa1, material=material, md_algorithm=strong_digest())
    assert archive_timestamps(renewed)[-1].digest_algorithm == "sha256"
    assert not renewal_due(renewed, now=pki.now).due


def test_strong_digest_skips_the_weak_ones():
    assert strong_digest() == "sha256"
    assert strong_digest({"sha1", "sha256"}) == "sha384"
    with pytest.raises(ValueError, match="weak"):
        strong_digest({"sha256", "sha384", "sha512", "sha3_256", "sha3_512"})


def test_renewal_due_refuses_bad_arguments(archived):
    with pytest.raises(ValueError, match="timezone"):
        renewal_due(archived, now=datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="negative"):
        renewal_due(archived, margin=-DAY)
    with pytest.raises(ValueError, match="timezone"):
        validate_archival(archived, material=None, validation_time=datetime(2030, 1, 1))


def test_unsigned_pdf_is_not_archived(material, tsa1):
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(make_pdf(), timestamper=tsa1, material=material)
    assert caught.value.code is ArchivalProblem.NOT_SIGNED
    assert caught.value.message == "Archive timestamp not added: the PDF carries no signature."
    assert caught.value.message_vi.startswith("Không gắn được dấu thời gian lưu trữ")
    assert is_vietnamese("vi_VN")
    with pytest.raises(InvalidPdfError):
        archive_timestamp(b"not a pdf", timestamper=tsa1, material=material)


def test_renewal_needs_a_first_archive_timestamp(signed, material, tsa2):
    with pytest.raises(ArchivalError) as caught:
        renew_archive_timestamp(signed, timestamper=tsa2, material=material)
    assert caught.value.code is ArchivalProblem.NO_ARCHIVE_TIMESTAMP


def test_missing_revocation_data_is_an_error(pki, material, tsa1):
    signer = load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
    b_t = sign(make_pdf(), signer, field="Signature1", level="B-T", material=material, timestamper=tsa1).pdf
    bare = ValidationMaterial(trust_roots=pki.trust_roots)  # no CRL, and a B-T file has no DSS
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(b_t, timestamper=tsa1, material=bare)
    assert caught.value.code is ArchivalProblem.VALIDATION_DATA


def test_untrusted_last_timestamp_cannot_be_renewed(archived, tsa2, tmp_path):
    other = generate_test_pki(tmp_path / "other")
    stranger = ValidationMaterial(trust_roots=other.trust_roots, crls=other.crls)
    with pytest.raises(ArchivalError) as caught:
        renew_archive_timestamp(archived, timestamper=tsa2, material=stranger)
    assert caught.value.code is ArchivalProblem.CHAIN_BROKEN


class _FailingTsa:
    async def async_dummy_response(self, md_algorithm):  # pragma: no cover - bytes_reserved is fixed
        raise AssertionError

    async def validation_paths(self, context):
        return
        yield  # an async generator without items

    async def async_timestamp(self, digest, md_algorithm):
        from pyhanko.sign.timestamps import TimestampRequestError

        raise TimestampRequestError("service down")


class _BrokenTsa(_FailingTsa):
    async def async_timestamp(self, digest, md_algorithm):
        raise RuntimeError("garbled answer")


def test_tsa_failure_keeps_nothing(signed, material):
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(signed, timestamper=_FailingTsa(), material=material)
    assert caught.value.code is ArchivalProblem.TIMESTAMP_FAILED
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(signed, timestamper=_BrokenTsa(), material=material)
    assert caught.value.code is ArchivalProblem.FAILED


def test_a_result_that_drops_bytes_is_refused(signed, material, tsa1, monkeypatch):
    from io import BytesIO

    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    async def rewritten(self, writer, md_algorithm, **kwargs):
        return BytesIO(b"%PDF-1.7 rewritten")

    monkeypatch.setattr(PdfTimeStamper, "async_timestamp_pdf", rewritten)
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(signed, timestamper=tsa1, material=material)
    assert caught.value.code is ArchivalProblem.NOT_APPENDED


def test_an_unreadable_structure_is_not_valid():
    from moh_core.signatures.archival import _check

    def broken(embedded, context):
        raise KeyError("/Contents")

    assert _check(broken, None, None) == (False, "KeyError: '/Contents'")


def test_a_signer_whose_certificate_expired_since_is_archived_at_its_timestamp(pki, material):
    # signed and timestamped two months ago, when the certificate (expired a month ago) was valid
    tsa = demo_timestamper(pki.directory, pki.password)
    tsa.fixed_dt = pki.now - 60 * DAY
    signed = sign_pdf(make_pdf(), pki.expired_signer.p12_path, pki.password, timestamper=tsa)
    archived = archive_timestamp(signed, timestamper=demo_timestamper(pki.directory, pki.password), material=material)
    assert archived.startswith(signed)
    check = validate_archival(archived, material=material)
    assert check.valid, check


def test_a_signer_expired_without_a_signature_timestamp_cannot_be_archived(pki, material, tsa1):
    signed = sign_pdf(make_pdf(), pki.expired_signer.p12_path, pki.password)
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(signed, timestamper=tsa1, material=material)
    assert caught.value.code is ArchivalProblem.VALIDATION_DATA


def test_a_revoked_signer_is_not_archived(pki, material, tsa1):
    signed = sign_pdf(make_pdf(), pki.revoked_signer.p12_path, pki.password, timestamper=tsa1)
    with pytest.raises(ArchivalError) as caught:
        archive_timestamp(signed, timestamper=tsa1, material=material)
    assert caught.value.code is ArchivalProblem.VALIDATION_DATA
