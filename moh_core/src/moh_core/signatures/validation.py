"""Validation of the signatures embedded in a PDF (PAdES, ETSI EN 319 142).

Rules implemented:

* Circular 15/2025/TT-BKHCN requires a digital signature to be checked for its validity (the
  signed bytes are unchanged and the cryptographic signature verifies), for the chain of trust of
  the signer's certificate up to a trusted root, for the certificate's validity period and for its
  revocation status at the time of checking.
* ETSI EN 319 142 (PAdES) / ISO 32000: the signature covers a byte range of the file; anything
  appended after it in incremental updates must be an allowed modification. The measured pitfall
  (SIGNING.md): a forged revision appended after the signature leaves the signature's digest
  intact and passes naive checks and poppler's ``pdfsig``. Only pyHanko's difference analysis
  catches it, so a signature is reported valid exactly when pyHanko's ``bottom_line`` says so.

Everything is checked offline by default (``allow_fetching=False``) with revocation checking in
``hard-fail`` mode: a certificate that declares revocation information (CRL distribution point or
OCSP responder) and whose status cannot be established from the CRLs passed in, or the revocation
data embedded in the document's DSS (PAdES B-LT), is not trusted.

Document timestamps (``/DocTimeStamp``, PAdES B-LTA) are not reported as signatures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from io import BytesIO
from typing import Any, Protocol

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESSubIndic
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from moh_core.signatures.certificates import load_certificates as _load_certificates
from moh_core.signatures.certificates import pem_or_der as _pem_or_der

__all__ = [
    "CertificateInfo",
    "Coverage",
    "EncryptedPdfError",
    "InvalidPdfError",
    "PdfValidationReport",
    "SignatureProblem",
    "SignatureReport",
    "SignedByError",
    "SignedByProblem",
    "check_signed_by",
    "load_certificate_bytes",
    "validate_pdf_signatures",
    "decode_limits",
    "DEFAULT_MAX_INFLATED_BYTES",
]

logger = logging.getLogger(__name__)

#: Signature formats pyHanko validates; others are reported as UNSUPPORTED_FORMAT.
_SUPPORTED_SUBFILTERS = frozenset(
    {
        SigSeedSubFilter.ADOBE_PKCS7_DETACHED.value,
        SigSeedSubFilter.PADES.value,
        SigSeedSubFilter.PBAD_PADES.value,
    }
)

#: A person's signing certificate carries nonRepudiation, an agency seal's often only
#: digitalSignature: either is accepted (pyHanko's default demands nonRepudiation).
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


class InvalidPdfError(ValueError):
    """The input is not a PDF that can be read (garbage, truncated, corrupt)."""


class EncryptedPdfError(InvalidPdfError):
    """The PDF is encrypted; its signatures cannot be checked without decrypting it."""


class SignatureProblem(StrEnum):
    """Machine codes for why a signature is not (fully) acceptable; the UI translates them.

    All codes except the advisory ones (:attr:`is_blocking` False: ``NO_TIMESTAMP``,
    ``NOT_COVERING_WHOLE_FILE``) come with ``valid`` False.
    """

    MALFORMED = "malformed"
    """The signature dictionary or its CMS structure could not be read."""
    UNSUPPORTED_FORMAT = "unsupported_format"
    """A signature format (SubFilter) pyHanko does not validate, e.g. ``adbe.pkcs7.sha1``."""
    TAMPERED = "tampered"
    """The signed bytes changed: their digest no longer matches the signed one."""
    SIGNATURE_INVALID = "signature_invalid"
    """The cryptographic signature does not verify with the signer's public key."""
    UNTRUSTED = "untrusted"
    """No chain from the signer's certificate to one of the trust roots."""
    REVOKED = "revoked"
    """The signer's certificate, or a CA certificate in its chain, is revoked."""
    REVOCATION_UNKNOWN = "revocation_unknown"
    """The revocation status could not be established (no or stale CRL/OCSP data)."""
    EXPIRED = "expired"
    """The signer's certificate (or a CA's) has expired at the validation time."""
    NOT_YET_VALID = "not_yet_valid"
    """The signer's certificate is not yet valid at the validation time."""
    CERTIFICATE_INVALID = "certificate_invalid"
    """Other certificate problems: wrong key usage, weak algorithm, broken chain constraints."""
    TIMESTAMP_INVALID = "timestamp_invalid"
    """A signature timestamp is present but does not verify or is not trusted."""
    PARTIAL_COVERAGE = "partial_coverage"
    """The signature does not even cover the whole revision it belongs to."""
    MODIFIED_AFTER_SIGNING = "modified_after_signing"
    """Incremental updates after the signature make changes its permissions do not allow."""
    SEED_VALUE_VIOLATION = "seed_value_violation"
    """The signature breaks the constraints (seed values) of its signature field."""
    VALIDATION_FAILED = "validation_failed"
    """pyHanko rejected the signature for a reason none of the codes above describes."""
    NO_TIMESTAMP = "no_timestamp"
    """Advisory: no RFC 3161 timestamp (PAdES B-B); the signing time is only claimed."""
    NOT_COVERING_WHOLE_FILE = "not_covering_whole_file"
    """Advisory: revisions were added after the signature (allowed ones, if ``valid``)."""

    @property
    def is_blocking(self) -> bool:
        """False for advisory codes, which do not by themselves make a signature invalid."""
        return self not in _ADVISORY_PROBLEMS

    @property
    def description(self) -> str:
        """One English sentence, for logs and the English summary."""
        return _PROBLEM_DESCRIPTIONS[self]


_ADVISORY_PROBLEMS = frozenset({SignatureProblem.NO_TIMESTAMP, SignatureProblem.NOT_COVERING_WHOLE_FILE})

_PROBLEM_DESCRIPTIONS: dict[SignatureProblem, str] = {
    SignatureProblem.MALFORMED: "the signature could not be read",
    SignatureProblem.UNSUPPORTED_FORMAT: "the signature format is not supported",
    SignatureProblem.TAMPERED: "the signed content was changed",
    SignatureProblem.SIGNATURE_INVALID: "the cryptographic signature does not verify",
    SignatureProblem.UNTRUSTED: "the certificate does not chain to a trusted root",
    SignatureProblem.REVOKED: "the certificate is revoked",
    SignatureProblem.REVOCATION_UNKNOWN: "the revocation status could not be established",
    SignatureProblem.EXPIRED: "the certificate has expired",
    SignatureProblem.NOT_YET_VALID: "the certificate is not yet valid",
    SignatureProblem.CERTIFICATE_INVALID: "the certificate is not acceptable for signing",
    SignatureProblem.TIMESTAMP_INVALID: "the timestamp is invalid or untrusted",
    SignatureProblem.PARTIAL_COVERAGE: "the signature does not cover its whole revision",
    SignatureProblem.MODIFIED_AFTER_SIGNING: "the document was modified after signing",
    SignatureProblem.SEED_VALUE_VIOLATION: "the signature violates its field's constraints",
    SignatureProblem.VALIDATION_FAILED: "the signature failed validation",
    SignatureProblem.NO_TIMESTAMP: "no timestamp (the signing time is only claimed)",
    SignatureProblem.NOT_COVERING_WHOLE_FILE: "later revisions were added after signing",
}

#: AdES sub-indications (ETSI EN 319 102-1) reported by pyHanko -> our codes.
_TRUST_PROBLEMS: dict[AdESSubIndic, SignatureProblem] = {
    AdESFailure.REVOKED: SignatureProblem.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE: SignatureProblem.REVOKED,
    AdESIndeterminate.REVOKED_CA_NO_POE: SignatureProblem.REVOKED,
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND: SignatureProblem.UNTRUSTED,
    AdESIndeterminate.EXPIRED: SignatureProblem.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE: SignatureProblem.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED: SignatureProblem.EXPIRED,
    AdESFailure.NOT_YET_VALID: SignatureProblem.NOT_YET_VALID,
    AdESIndeterminate.NOT_YET_VALID: SignatureProblem.NOT_YET_VALID,
    AdESIndeterminate.TRY_LATER: SignatureProblem.REVOCATION_UNKNOWN,
    AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE: SignatureProblem.REVOCATION_UNKNOWN,
}


class Coverage(StrEnum):
    """How much of the file the signature's byte range covers."""

    ENTIRE_FILE = "entire_file"
    """Nothing was appended after the signature."""
    ENTIRE_REVISION = "entire_revision"
    """Incremental updates follow; their acceptability is ``modification_level``/``docmdp_ok``."""
    PARTIAL = "partial"
    """Not even the signature's own revision is covered: not a legitimate PDF signature."""


@dataclass(frozen=True)
class CertificateInfo:
    """The signer's certificate as shown to people and archived with the check."""

    subject: str
    issuer: str
    serial_number: int
    not_before: datetime
    not_after: datetime
    common_name: str | None
    organisation: str | None
    der: bytes = field(repr=False)


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one embedded signature; ``valid`` is pyHanko's ``bottom_line``."""

    field_name: str
    signer: CertificateInfo | None
    """None only when the signature could not be read (``MALFORMED``/``UNSUPPORTED_FORMAT``)."""
    signing_time: datetime | None
    """Claimed signing time (UTC): the CMS signingTime attribute, else the PDF's ``/M``."""
    timestamp_present: bool
    timestamp_valid: bool
    timestamp_time: datetime | None
    """Time attested by the RFC 3161 timestamp token (UTC), if there is one."""
    intact: bool
    """The digest of the signed byte ranges matches the signed digest."""
    signature_valid: bool
    """The cryptographic signature over the signed attributes verifies."""
    trusted: bool
    """The certificate chains to a trust root and passed validity and revocation checks."""
    revoked: bool
    revocation_checked: bool
    """The signer certificate's revocation status was established (it declares CRL/OCSP data
    and the chain passed hard-fail checking, or it was found revoked)."""
    coverage: Coverage | None
    modification_level: str | None
    """pyHanko's ModificationLevel name: NONE, LTA_UPDATES, FORM_FILLING, ANNOTATIONS, OTHER."""
    docmdp_ok: bool | None
    valid: bool
    problems: tuple[SignatureProblem, ...]
    summary: str

    @property
    def signer_common_name(self) -> str | None:
        return self.signer.common_name if self.signer else None

    @property
    def signer_organisation(self) -> str | None:
        return self.signer.organisation if self.signer else None

    @property
    def integrity_ok(self) -> bool:
        """Digest and cryptographic signature both check out (says nothing of later updates)."""
        return self.intact and self.signature_valid


@dataclass(frozen=True)
class PdfValidationReport:
    """All signatures of a document, in signing order (unreadable ones last)."""

    signatures: tuple[SignatureReport, ...]
    validation_time: datetime

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def all_valid(self) -> bool:
        return self.signed and all(sig.valid for sig in self.signatures)

    @property
    def summary(self) -> str:
        if not self.signatures:
            return "The document is not signed."
        count = len(self.signatures)
        noun = "signature" if count == 1 else "signatures"
        invalid = [sig for sig in self.signatures if not sig.valid]
        head = f"{count} {noun}, all valid." if not invalid else f"{count} {noun}, {len(invalid)} not valid."
        return " ".join([head, *(sig.summary for sig in self.signatures)])


#: What one foreign PDF may decompress to, all its streams together (a decompression bomb is
#: refused beyond it); one stream takes at most a quarter of it.
DEFAULT_MAX_INFLATED_BYTES = 100 * 1024 * 1024
_STREAM_SHARE = 4


def decode_limits(max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES) -> DecodeLimits:
    """pyHanko's decoding limits for foreign bytes: all streams together decode to at most
    ``max_inflated_bytes``, one stream to at most a quarter of it (zlib's bounded output briefly
    holds a stream twice, so the memory a refused bomb takes stays about half the budget);
    pyHanko's own stricter per-purpose limits and its ratio limit still apply."""
    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=max(1, max_inflated_bytes // _STREAM_SHARE)),
        per_purpose=dict(DEFAULT_PURPOSE_LIMITS),
        document_budget=DocumentDecodeBudget(base_allowance=max_inflated_bytes, max_ratio=0),
    )


def validate_pdf_signatures(
    pdf_bytes: bytes,
    *,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    validation_time: datetime | None = None,
    allow_fetching: bool = False,
    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES,
) -> PdfValidationReport:
    """Validate every signature in ``pdf_bytes`` with pyHanko.

    :param trust_roots: trust anchor certificates, DER or PEM. No operating-system trust store
        is ever used: with no roots, every signature is UNTRUSTED.
    :param crls: CRLs (DER or PEM), used together with any revocation data in the PDF's DSS.
    :param other_certs: intermediate certificates (DER or PEM) the signature may not embed.
    :param validation_time: timezone-aware moment to validate at; default: now.
    :param allow_fetching: let pyHanko download CRLs/OCSP responses and certificates named in
        the certificates. Off by default so validation is offline and reproducible.
    :param max_inflated_bytes: what the file's streams may decompress to, together
        (:func:`decode_limits`); beyond it the file is refused, never inflated without bound.
    :raises InvalidPdfError: the bytes are not a readable PDF (:class:`EncryptedPdfError` when
        encrypted). A readable PDF without signatures gives an empty report.
    :raises ValueError: a trust root, CRL or certificate argument cannot be parsed, or
        ``validation_time`` is naive.
    """
    if validation_time is not None and validation_time.utcoffset() is None:
        raise ValueError("validation_time must be timezone-aware")
    roots = _load_certificates(trust_roots, "trust root")
    extra_certs = _load_certificates(other_certs, "certificate")
    crl_list = _load_crls(crls)
    checked_at = (validation_time or datetime.now(UTC)).astimezone(UTC)

    reader = _open_pdf(pdf_bytes, max_inflated_bytes)
    try:
        filled_fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # trust boundary: any parse failure of foreign bytes
        raise InvalidPdfError(f"The PDF's form fields cannot be read: {exc}") from exc
    dss = _read_dss(reader)

    def context(revocation_mode: str = "hard-fail") -> ValidationContext:
        return _validation_context(
            dss,
            trust_roots=roots,
            other_certs=extra_certs,
            crls=crl_list,
            moment=validation_time,
            allow_fetching=allow_fetching,
            revocation_mode=revocation_mode,
        )

    ordered: list[tuple[int, SignatureReport]] = []
    for position, (name, sig_ref, sig_field) in enumerate(filled_fields):
        report, revision = _check_field(name, sig_ref, sig_field, reader, context)
        if report is not None:
            ordered.append((revision if revision is not None else 10**9 + position, report))
    ordered.sort(key=lambda item: item[0])
    return PdfValidationReport(signatures=tuple(report for _, report in ordered), validation_time=checked_at)


#: pyHanko modification levels that only add long-term validation data (DSS, document timestamps).
_LTA_LEVELS = frozenset({"LTA_UPDATES"})


class SignedByProblem(StrEnum):
    """Why a PDF is not the one a given person signed (:func:`check_signed_by`)."""

    NOT_SIGNED = "not_signed"
    """The file carries no signature (or is not a readable PDF)."""
    OTHER_SIGNER = "other_signer"
    """The last signature was made with a certificate other than the expected ones."""
    NOT_VALID = "not_valid"
    """The last signature is not valid (pyHanko's bottom line: altered, untrusted, revoked...)."""
    NOT_WHOLE_FILE = "not_whole_file"
    """Something other than long-term validation data was added after the last signature."""


class SignedByError(ValueError):
    """The PDF is not signed last, validly and over the whole file, by an expected certificate."""

    def __init__(self, problem: SignedByProblem, detail: str, report: SignatureReport | None = None):
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail
        self.report = report


def check_signed_by(
    pdf_bytes: bytes,
    certificates: Sequence[bytes],
    *,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    validation_time: datetime | None = None,
) -> SignatureReport:
    """Check that the *last* signature of ``pdf_bytes`` was made with one of ``certificates``,
    is valid (pyHanko's bottom line, hard-fail revocation checking, offline) and covers the
    whole file: nothing follows it but long-term validation data (PAdES B-LT/B-LTA: the DSS and
    document timestamps, pyHanko's LTA_UPDATES).

    This is the check before a signed file moves on (e.g. is numbered and sealed): the file is
    exactly what that person signed, not a file without a signature, signed by someone else, or
    changed after the signature.

    :param certificates: the accepted signer certificates, DER or PEM.
    :returns: the report of the last signature.
    :raises SignedByError: with the :class:`SignedByProblem` and a readable detail.
    :raises ValueError: ``certificates`` is empty or holds something that is not a certificate.
    """
    expected = {cert.dump() for cert in _load_certificates(certificates, "certificate")}
    if not expected:
        raise ValueError("no expected signer certificate given")
    try:
        report = validate_pdf_signatures(
            pdf_bytes,
            trust_roots=trust_roots,
            crls=crls,
            other_certs=other_certs,
            validation_time=validation_time,
        )
    except InvalidPdfError as exc:
        raise SignedByError(SignedByProblem.NOT_SIGNED, f"not a readable PDF: {exc}") from exc
    if not report.signatures:
        raise SignedByError(SignedByProblem.NOT_SIGNED, "the file carries no signature")
    last = report.signatures[-1]
    if last.signer is None or last.signer.der not in expected:
        who = (last.signer.common_name or last.signer.subject) if last.signer else "unreadable"
        raise SignedByError(SignedByProblem.OTHER_SIGNER, f"the last signature is by {who}", last)
    # After the last signature, only long-term validation data may follow (PAdES B-LT/B-LTA:
    # the DSS with certificates and revocation data, document timestamps).
    lta_only = (
        last.coverage is Coverage.ENTIRE_REVISION
        and last.modification_level in _LTA_LEVELS
        and last.docmdp_ok is not False
    )
    if last.coverage is not Coverage.ENTIRE_FILE and not lta_only:
        raise SignedByError(
            SignedByProblem.NOT_WHOLE_FILE,
            f"the last signature covers {last.coverage.value if last.coverage else 'nothing'}",
            last,
        )
    if not last.valid:
        raise SignedByError(SignedByProblem.NOT_VALID, last.summary, last)
    return last


def load_certificate_bytes(data: bytes) -> CertificateInfo:
    """Read one certificate (DER or PEM), e.g. a trust root an administrator uploads.

    :raises ValueError: the bytes hold no readable certificate.
    """
    certificates = _load_certificates([data], "certificate")
    if not certificates:
        raise ValueError("no certificate found")
    return _certificate_info(certificates[0])


def _open_pdf(pdf_bytes: bytes, max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES) -> PdfFileReader:
    """Open foreign bytes leniently (``strict=False``: hybrid-reference files exist), or refuse."""
    if not isinstance(pdf_bytes, bytes | bytearray | memoryview):
        raise TypeError(f"pdf_bytes must be bytes, not {type(pdf_bytes).__name__}")
    data = bytes(pdf_bytes)
    if not data:
        raise InvalidPdfError("The file is empty.")
    if b"%PDF-" not in data[:1024]:
        raise InvalidPdfError("The file is not a PDF (no %PDF- header).")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False, decode_limits=decode_limits(max_inflated_bytes))
        encrypted = reader.encrypted
        reader.root  # noqa: B018 - forces the catalog to be resolved now
    except Exception as exc:  # trust boundary: pyHanko raises many kinds on corrupt input
        raise InvalidPdfError(f"The PDF is corrupt or truncated and cannot be read: {exc}") from exc
    if encrypted:
        raise EncryptedPdfError("The PDF is encrypted; decrypt it before checking its signatures.")
    return reader


def _read_dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    """The document's DSS (PAdES B-LT revocation data), if any; an unreadable one is ignored,
    which can only make hard-fail revocation checking stricter."""
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - trust boundary: any failure to read a hostile PDF is a finding
        logger.warning("Ignoring unreadable DSS in PDF: %s", exc)
        return None


def _validation_context(
    dss: DocumentSecurityStore | None,
    *,
    trust_roots: list[asn1_x509.Certificate],
    other_certs: list[asn1_x509.Certificate],
    crls: list[asn1_crl.CertificateList],
    moment: datetime | None,
    allow_fetching: bool,
    revocation_mode: str,
) -> ValidationContext:
    """A fresh context per signature: pyHanko caches path results in it and closes it after use."""
    kwargs: dict[str, Any] = {
        "trust_roots": list(trust_roots),
        "other_certs": list(other_certs),
        "crls": list(crls),
        "ocsps": [],
        "moment": moment,
        "allow_fetching": allow_fetching,
        "revocation_mode": revocation_mode,
    }
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


class _ContextFactory(Protocol):
    def __call__(self, revocation_mode: str = "hard-fail") -> ValidationContext: ...


def _check_field(
    name: str,
    sig_ref: generic.PdfObject,
    sig_field: generic.PdfObject,
    reader: PdfFileReader,
    context: _ContextFactory,
) -> tuple[SignatureReport | None, int | None]:
    """Validate one filled signature field; returns (report or None, signed revision)."""
    try:
        sig_object = sig_ref.get_object()
        sig_type = sig_object.get("/Type", "/Sig")
        subfilter = sig_object.get("/SubFilter")
    except Exception as exc:  # noqa: BLE001 - trust boundary: any failure to read a hostile PDF is a finding
        return _unreadable(name, SignatureProblem.MALFORMED, str(exc)), None
    if sig_type == "/DocTimeStamp":
        return None, None
    if subfilter not in _SUPPORTED_SUBFILTERS:
        return _unreadable(name, SignatureProblem.UNSUPPORTED_FORMAT, f"SubFilter {subfilter}"), None
    try:
        # enumerate_sig_fields yields the field's dictionary, typed as any PDF object.
        embedded = EmbeddedPdfSignature(reader, sig_field, name)  # type: ignore[arg-type]
        status = validate_pdf_signature(embedded, context(), key_usage_settings=_KEY_USAGE)
        revocation_unknown = (
            status.trust_problem_indic == AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE
            and _trusted_without_revocation(embedded, context("soft-fail"))
        )
        return _report(name, status, revocation_unknown), embedded.signed_revision
    except Exception as exc:  # trust boundary: CMS/PDF/X.509 structures from the file itself
        logger.info("Unreadable signature in field %s", name, exc_info=True)
        return _unreadable(name, SignatureProblem.MALFORMED, str(exc)), None


def _trusted_without_revocation(embedded: EmbeddedPdfSignature, context: ValidationContext) -> bool:
    """Would the chain be trusted if missing revocation data were tolerated (soft-fail)?

    pyHanko reports a hard-fail for missing CRLs with the same generic AdES sub-indication as
    other chain failures; this second opinion tells REVOCATION_UNKNOWN apart from the rest.
    """
    status = validate_pdf_signature(embedded, context, key_usage_settings=_KEY_USAGE, skip_diff=True)
    return status.trusted


def _unreadable(name: str, problem: SignatureProblem, detail: str) -> SignatureReport:
    return SignatureReport(
        field_name=name,
        signer=None,
        signing_time=None,
        timestamp_present=False,
        timestamp_valid=False,
        timestamp_time=None,
        intact=False,
        signature_valid=False,
        trusted=False,
        revoked=False,
        revocation_checked=False,
        coverage=None,
        modification_level=None,
        docmdp_ok=None,
        valid=False,
        problems=(problem,),
        summary=f"Signature '{name}': NOT VALID - {problem.description} ({detail}).",
    )


def _report(name: str, status: PdfSignatureStatus, revocation_unknown: bool) -> SignatureReport:
    signer = _certificate_info(status.signing_cert)
    timestamp = status.timestamp_validity
    timestamp_valid = bool(timestamp is not None and timestamp.intact and timestamp.valid and timestamp.trusted)
    coverage = _coverage(status.coverage)
    level = status.modification_level
    problems = _problems(status, coverage, timestamp_valid, revocation_unknown)
    valid = status.bottom_line
    if not valid and not any(problem.is_blocking for problem in problems):
        problems.append(SignatureProblem.VALIDATION_FAILED)
    report_problems = tuple(problems)
    return SignatureReport(
        field_name=name,
        signer=signer,
        signing_time=_utc(status.signer_reported_dt),
        timestamp_present=timestamp is not None,
        timestamp_valid=timestamp_valid,
        timestamp_time=_utc(timestamp.timestamp) if timestamp is not None else None,
        intact=status.intact,
        signature_valid=status.valid,
        trusted=status.trusted,
        revoked=status.revoked,
        revocation_checked=status.revoked or (status.trusted and _declares_revocation_info(status.signing_cert)),
        coverage=coverage,
        modification_level=level.name if level is not None else None,
        docmdp_ok=status.docmdp_ok,
        valid=valid,
        problems=report_problems,
        summary=_signature_summary(name, signer, valid, report_problems),
    )


def _problems(
    status: PdfSignatureStatus,
    coverage: Coverage | None,
    timestamp_valid: bool,
    revocation_unknown: bool,
) -> list[SignatureProblem]:
    """The codes, most fundamental first, derived from the same fields ``bottom_line`` uses."""
    problems: list[SignatureProblem] = []
    if not status.intact:
        problems.append(SignatureProblem.TAMPERED)
    if not status.valid:
        problems.append(SignatureProblem.SIGNATURE_INVALID)
    indication = status.trust_problem_indic
    if status.intact and status.valid and not status.trusted:
        if revocation_unknown:
            problems.append(SignatureProblem.REVOCATION_UNKNOWN)
        elif indication is None:  # not trusted without an indication: no path was found
            problems.append(SignatureProblem.UNTRUSTED)
        else:
            problems.append(_TRUST_PROBLEMS.get(indication, SignatureProblem.CERTIFICATE_INVALID))
    if status.timestamp_validity is None:
        problems.append(SignatureProblem.NO_TIMESTAMP)
    elif not timestamp_valid:
        problems.append(SignatureProblem.TIMESTAMP_INVALID)
    if coverage is Coverage.PARTIAL:
        problems.append(SignatureProblem.PARTIAL_COVERAGE)
    elif coverage is Coverage.ENTIRE_REVISION:
        problems.append(SignatureProblem.NOT_COVERING_WHOLE_FILE)
    if status.modification_level is not None and not status.docmdp_ok:
        problems.append(SignatureProblem.MODIFIED_AFTER_SIGNING)
    if not status.seed_value_ok:
        problems.append(SignatureProblem.SEED_VALUE_VIOLATION)
    return problems


def _signature_summary(
    name: str,
    signer: CertificateInfo,
    valid: bool,
    problems: tuple[SignatureProblem, ...],
) -> str:
    who = signer.common_name or signer.subject
    verdict = "valid" if valid else "NOT VALID"
    text = f"Signature '{name}' by {who}: {verdict}"
    if problems:
        text += " - " + "; ".join(problem.description for problem in problems)
    return text + "."


def _coverage(level: SignatureCoverageLevel | None) -> Coverage | None:
    if level is None:
        return None
    if level == SignatureCoverageLevel.ENTIRE_FILE:
        return Coverage.ENTIRE_FILE
    if level == SignatureCoverageLevel.ENTIRE_REVISION:
        return Coverage.ENTIRE_REVISION
    return Coverage.PARTIAL


def _certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
    subject = cert.subject.native
    validity = cert["tbs_certificate"]["validity"]
    return CertificateInfo(
        subject=cert.subject.human_friendly,
        issuer=cert.issuer.human_friendly,
        serial_number=cert.serial_number,
        # A certificate's validity always has both dates (RFC 5280, 4.1.2.5).
        not_before=_utc(validity["not_before"].native),  # type: ignore[arg-type]
        not_after=_utc(validity["not_after"].native),  # type: ignore[arg-type]
        common_name=_first(subject.get("common_name")),
        organisation=_first(subject.get("organization_name")),
        der=cert.dump(),
    )


def _first(value: str | list[str] | None) -> str | None:
    """asn1crypto gives a list when a name attribute repeats."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _declares_revocation_info(cert: asn1_x509.Certificate) -> bool:
    return bool(cert.crl_distribution_points or cert.ocsp_urls)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _load_crls(items: Sequence[bytes]) -> list[asn1_crl.CertificateList]:
    crls = []
    for index, item in enumerate(items):
        try:
            for der in _pem_or_der(bytes(item)):
                crl = asn1_crl.CertificateList.load(der)
                crl.native  # noqa: B018
                crls.append(crl)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"CRL #{index + 1} is not a DER or PEM CRL: {exc}") from exc
    return crls
