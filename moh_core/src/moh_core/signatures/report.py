"""The verdicts of validation: one :class:`SignatureReport` per embedded signature (pyHanko's
bottom line, with the machine codes of :class:`SignatureProblem` the UI translates and an English
summary) and the document's :class:`PdfValidationReport`.

:func:`signature_report`, :func:`unreadable_report` and :func:`certificate_info` are internal to
the package (the validation module builds the reports with them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESSubIndic
from pyhanko.sign.validation import PdfSignatureStatus, SignatureCoverageLevel

from moh_core.errors import ProblemCode, register_texts

__all__ = [
    "CertificateInfo",
    "Coverage",
    "PdfValidationReport",
    "SignatureProblem",
    "SignatureReport",
    "certificate_info",
    "signature_report",
    "unreadable_report",
]


class SignatureProblem(ProblemCode):
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
    REVOCATION_UNREACHABLE = "revocation_unreachable"
    """A warning: the status could not be checked because no OCSP responder or CRL distribution
    point named by the certificate answered (:mod:`~moh_core.signatures.revocation`); try later."""
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


_ADVISORY_PROBLEMS = frozenset({SignatureProblem.NO_TIMESTAMP, SignatureProblem.NOT_COVERING_WHOLE_FILE})

_PROBLEM_DESCRIPTIONS: dict[SignatureProblem, str] = {
    SignatureProblem.MALFORMED: "the signature could not be read",
    SignatureProblem.UNSUPPORTED_FORMAT: "the signature format is not supported",
    SignatureProblem.TAMPERED: "the signed content was changed",
    SignatureProblem.SIGNATURE_INVALID: "the cryptographic signature does not verify",
    SignatureProblem.UNTRUSTED: "the certificate does not chain to a trusted root",
    SignatureProblem.REVOKED: "the certificate is revoked",
    SignatureProblem.REVOCATION_UNKNOWN: "the revocation status could not be established",
    SignatureProblem.REVOCATION_UNREACHABLE: "the revocation status could not be checked: "
    "the certificate authority's OCSP responder and CRL did not answer",
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

_PROBLEM_DESCRIPTIONS_VI: dict[SignatureProblem, str] = {
    SignatureProblem.MALFORMED: "không đọc được chữ ký",
    SignatureProblem.UNSUPPORTED_FORMAT: "định dạng chữ ký không được hỗ trợ",
    SignatureProblem.TAMPERED: "nội dung đã ký bị thay đổi",
    SignatureProblem.SIGNATURE_INVALID: "chữ ký số không kiểm tra được về mặt mật mã",
    SignatureProblem.UNTRUSTED: "chứng thư số không dẫn về tổ chức chứng thực tin cậy",
    SignatureProblem.REVOKED: "chứng thư số đã bị thu hồi",
    SignatureProblem.REVOCATION_UNKNOWN: "không xác định được tình trạng thu hồi của chứng thư số",
    SignatureProblem.REVOCATION_UNREACHABLE: "không kiểm tra được tình trạng thu hồi của chứng thư số: "
    "dịch vụ OCSP và danh sách thu hồi (CRL) của tổ chức chứng thực không phản hồi",
    SignatureProblem.EXPIRED: "chứng thư số đã hết hạn",
    SignatureProblem.NOT_YET_VALID: "chứng thư số chưa có hiệu lực",
    SignatureProblem.CERTIFICATE_INVALID: "chứng thư số không đủ điều kiện để ký",
    SignatureProblem.TIMESTAMP_INVALID: "dấu thời gian không hợp lệ hoặc không tin cậy",
    SignatureProblem.PARTIAL_COVERAGE: "chữ ký không bao trùm toàn bộ phiên bản của tệp",
    SignatureProblem.MODIFIED_AFTER_SIGNING: "văn bản đã bị thay đổi sau khi ký",
    SignatureProblem.SEED_VALUE_VIOLATION: "chữ ký vi phạm ràng buộc của trường chữ ký",
    SignatureProblem.VALIDATION_FAILED: "chữ ký không qua được kiểm tra",
    SignatureProblem.NO_TIMESTAMP: "không có dấu thời gian (thời điểm ký chỉ do người ký khai)",
    SignatureProblem.NOT_COVERING_WHOLE_FILE: "có phiên bản được thêm vào sau khi ký",
}
register_texts(SignatureProblem, _PROBLEM_DESCRIPTIONS, _PROBLEM_DESCRIPTIONS_VI)

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


def unreadable_report(name: str, problem: SignatureProblem, detail: str) -> SignatureReport:
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


def signature_report(
    name: str, status: PdfSignatureStatus, revocation_unknown: bool, revocation_unreachable: bool = False
) -> SignatureReport:
    signer = certificate_info(status.signing_cert)
    timestamp = status.timestamp_validity
    timestamp_valid = bool(timestamp is not None and timestamp.intact and timestamp.valid and timestamp.trusted)
    coverage = _coverage(status.coverage)
    level = status.modification_level
    problems = _problems(status, coverage, timestamp_valid, revocation_unknown)
    if revocation_unreachable:
        problems = [
            SignatureProblem.REVOCATION_UNREACHABLE if p is SignatureProblem.REVOCATION_UNKNOWN else p for p in problems
        ]
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


def certificate_info(cert: asn1_x509.Certificate) -> CertificateInfo:
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
