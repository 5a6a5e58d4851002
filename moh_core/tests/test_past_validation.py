"""Issued documents validate offline years later: a signature with a trusted signature timestamp
is validated at the time the timestamp proves, with the revocation data the file carries
(moh_core.signatures.past, ETSI EN 319 102-1 past signature validation)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from moh_core.demo import generate_test_pki
from moh_core.signatures import SignatureProblem, ValidationMaterial, load_pkcs12_signer, validate_pdf_signatures
from moh_core.signatures.past import validate_at_timestamp
from moh_core.testing.fixtures import append_forged_update, make_timestamper
from moh_core.testing.issuing import issued_decision

DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    # Anchored two years back: the signer's certificate (two years) expires tomorrow, so a
    # document signed today is checked beyond the signer's expiry at +400 days and at +5 years.
    return generate_test_pki(tmp_path_factory.mktemp("pki"), now=datetime.now(UTC) - 2 * 365 * DAY + DAY)


@pytest.fixture(scope="module")
def signing_crls(pki):
    # Fresh CRLs at signing time (the generated ones were issued two years ago).
    signed_at = datetime.now(UTC)
    root = _crl(pki.root, (), signed_at - DAY, signed_at + 30 * DAY, number=2)
    interm = _crl(pki.intermediate, (), signed_at - DAY, signed_at + 30 * DAY, number=2)
    return (root, interm)


@pytest.fixture(scope="module")
def material(pki, signing_crls):
    return ValidationMaterial(trust_roots=pki.trust_roots, crls=signing_crls)


def _crl(issuer, revoked, this_update, next_update, *, number):
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.certificate.public_key()), critical=False
        )
    )
    for serial, revoked_at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at).build()
        )
    return builder.sign(issuer.private_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _signers(pki):
    signer = load_pkcs12_signer(pki.signer.p12_path.read_bytes(), pki.password)
    seal = load_pkcs12_signer(pki.seal.p12_path.read_bytes(), pki.password)
    return signer, seal


@pytest.fixture(scope="module")
def issued_lt(pki, material):
    signer, seal = _signers(pki)
    return issued_decision(signer, seal, material, level="B-LT", timestamper=make_timestamper(pki)).sealed


@pytest.fixture(scope="module")
def issued_bb(pki, material):
    signer, seal = _signers(pki)
    return issued_decision(signer, seal, material).sealed


def _stamped_at(report):
    return [signature.timestamp_time for signature in report.signatures]


def test_b_lt_document_validates_today_at_the_present_time(issued_lt, pki):
    report = validate_pdf_signatures(issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots))
    assert report.all_valid, report.summary
    assert all(signature.validated_at == report.validation_time for signature in report.signatures)


@pytest.mark.parametrize("later", [400 * DAY, 5 * 365 * DAY])
def test_b_lt_document_validates_offline_years_later(issued_lt, pki, later):
    at = datetime.now(UTC) + later
    # Only the trust roots: the revocation data is the file's own, stale at that time, and the
    # signer's certificate has expired.
    report = validate_pdf_signatures(
        issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots), validation_time=at
    )
    assert report.all_valid, report.summary
    assert report.validation_time == at
    for signature in report.signatures:
        assert signature.timestamp_valid and signature.revocation_checked
        assert signature.validated_at == signature.timestamp_time < signature.signer.not_after < at
    assert len(report.signatures) == 2


def test_b_b_document_is_not_valid_years_later(issued_bb, pki, material):
    at = datetime.now(UTC) + 400 * DAY
    report = validate_pdf_signatures(issued_bb, material=material, validation_time=at)
    assert not report.all_valid
    for signature in report.signatures:
        assert not signature.valid
        assert {SignatureProblem.EXPIRED, SignatureProblem.REVOCATION_UNKNOWN} & set(signature.problems)
        assert signature.validated_at == at


def test_revoked_after_the_timestamp_does_not_invalidate_the_signature(issued_lt, pki, signing_crls):
    stamped = min(
        _stamped_at(validate_pdf_signatures(issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots)))
    )
    later_crl = _crl(
        pki.intermediate,
        ((pki.signer.serial_number, stamped + 5 * DAY),),
        stamped + 10 * DAY,
        stamped + 40 * DAY,
        number=3,
    )
    material = ValidationMaterial(trust_roots=pki.trust_roots, crls=(*signing_crls, later_crl))
    # At the present time (once the CRL is out) the certificate is revoked...
    now = validate_pdf_signatures(issued_lt, material=material, validation_time=stamped + 20 * DAY)
    assert now.all_valid, now.summary  # ...but the signature was made before it was.
    signer = now.signatures[0]
    assert signer.validated_at == signer.timestamp_time and not signer.revoked
    later = validate_pdf_signatures(issued_lt, material=material, validation_time=stamped + 400 * DAY)
    assert later.all_valid, later.summary


def test_revoked_before_the_timestamp_is_revoked(issued_lt, pki, signing_crls):
    stamped = min(
        _stamped_at(validate_pdf_signatures(issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots)))
    )
    revoking = _crl(
        pki.intermediate,
        ((pki.signer.serial_number, stamped - timedelta(hours=1)),),
        stamped,
        stamped + 40 * DAY,
        number=3,
    )
    material = ValidationMaterial(trust_roots=pki.trust_roots, crls=(*signing_crls, revoking))
    for at in (stamped + 20 * DAY, stamped + 400 * DAY):
        report = validate_pdf_signatures(issued_lt, material=material, validation_time=at)
        signer = report.signatures[0]
        assert not signer.valid and signer.revoked
        assert SignatureProblem.REVOKED in signer.problems
        assert signer.validated_at == signer.timestamp_time  # expired by then: judged at the timestamp


def test_tsa_revoked_after_the_timestamp_proves_nothing(issued_lt, pki, signing_crls):
    stamped = min(
        _stamped_at(validate_pdf_signatures(issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots)))
    )
    revoking = _crl(
        pki.intermediate,
        ((pki.tsa.serial_number, stamped + 5 * DAY),),
        stamped + 10 * DAY,
        stamped + 40 * DAY,
        number=3,
    )
    material = ValidationMaterial(trust_roots=pki.trust_roots, crls=(*signing_crls, revoking))
    at = stamped + 20 * DAY
    report = validate_pdf_signatures(issued_lt, material=material, validation_time=at)
    for signature in report.signatures:
        assert not signature.valid and not signature.timestamp_valid
        assert SignatureProblem.TIMESTAMP_INVALID in signature.problems
        assert signature.validated_at == at


def test_untrusted_timestamp_keeps_the_present_time(issued_lt, pki, tmp_path):
    # The TSA's chain is not trusted: the timestamp proves nothing, validation stays at "now".
    other = generate_test_pki(tmp_path / "other")
    at = datetime.now(UTC) + 400 * DAY
    roots = ValidationMaterial(trust_roots=(*other.trust_roots,))
    report = validate_pdf_signatures(issued_lt, material=roots, validation_time=at)
    assert not report.all_valid
    assert all(signature.validated_at == at for signature in report.signatures)


def test_forged_revision_after_a_b_lt_document_is_still_refused_years_later(issued_lt, pki):
    at = datetime.now(UTC) + 400 * DAY
    forged = append_forged_update(issued_lt)
    report = validate_pdf_signatures(
        forged, material=ValidationMaterial(trust_roots=pki.trust_roots), validation_time=at
    )
    last = report.signatures[-1]
    assert not last.valid and SignatureProblem.CHANGED_AFTER_SIGNING in last.problems


# -- the rule on its own, with stand-in statuses ----------------------------------------------


def _status(*, trusted=False, revoked=False, intact=True, token=True, token_trusted=True, token_revoked=False, at=None):
    stamp = SimpleNamespace(
        intact=True,
        valid=True,
        trusted=token_trusted,
        revoked=token_revoked,
        timestamp=at or datetime(2026, 1, 1, tzinfo=UTC),
    )
    return SimpleNamespace(
        trusted=trusted, revoked=revoked, intact=intact, valid=True, timestamp_validity=stamp if token else None
    )


def _past(now_status, past_status, checked_at=datetime(2027, 1, 1, tzinfo=UTC)):
    moments = []

    def validate(embedded, context):
        moments.append(context)
        return past_status

    return validate_at_timestamp(None, now_status, checked_at, lambda moment: moment, validate), moments


def test_past_verdict_replaces_the_present_one_only_when_it_settles_the_signer():
    stamped = datetime(2026, 1, 1, tzinfo=UTC)
    # Trusted (or revoked) at the timestamp's time: that verdict, at that time.
    for settled in (_status(trusted=True), _status(revoked=True)):
        result, moments = _past(_status(), settled)
        assert result == (settled, stamped) and moments == [stamped]
    # Neither trusted nor revoked then (e.g. no revocation data for that time): today's stands.
    assert _past(_status(), _status())[0] is None
    # The timestamp untrusted at its own time, or a different time: today's stands.
    assert _past(_status(), _status(trusted=True, token_trusted=False))[0] is None
    other = _status(trusted=True, at=datetime(2026, 2, 1, tzinfo=UTC))
    assert _past(_status(), other)[0] is None


def test_present_verdict_stands_without_asking_the_past():
    cases = [
        _status(trusted=True),  # valid today, timestamp too
        _status(intact=False),  # the signed bytes changed
        _status(token=False),  # no timestamp (B-B)
        _status(token_revoked=True),  # the TSA is known revoked
        _status(at=datetime(2028, 1, 1, tzinfo=UTC)),  # a timestamp after the validation time
    ]
    for now_status in cases:
        result, moments = _past(now_status, _status(trusted=True))
        assert result is None and moments == []


def test_validation_before_the_timestamp_stays_at_that_time(issued_lt, pki):
    stamped = min(
        _stamped_at(validate_pdf_signatures(issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots)))
    )
    at = stamped - DAY
    report = validate_pdf_signatures(
        issued_lt, material=ValidationMaterial(trust_roots=pki.trust_roots), validation_time=at
    )
    assert all(signature.validated_at == at for signature in report.signatures)
