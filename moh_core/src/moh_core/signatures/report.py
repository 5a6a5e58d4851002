"""The verdicts of validation: one :class:`SignatureReport` per embedded signature (pyHanko's
bottom line, with the machine codes of :class:`SignatureProblem` the UI translates and an English
summary) and the document's :class:`PdfValidationReport`.

:func:`signature_report`, :func:`unreadable_report`, :func:`removed_report`,
:func:`changed_after_signing` and :func:`certificate_info` are internal to the package (the
validation module builds the reports with them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESSubIndic
from pyhanko.sign.validation import PdfSignatureStatus, SignatureCoverageLevel

from moh_core.errors import ProblemCode, register_texts
from moh_core.signatures.errors import SigningProblem
from moh_core.signatures.signers import key_info, key_usage_problem, policy_problem

__all__ = [
    "CertificateInfo",
    "Coverage",
    "PdfValidationReport",
    "SignatureProblem",
    "SignatureReport",
    "certificate_info",
    "changed_after_signing",
    "ordered_problems",
    "removed_report",
    "signature_report",
    "unreadable_report",
]


class SignatureProblem(ProblemCode):
    """Machine codes for why a signature is not (fully) acceptable; the UI translates them.

    Declared most fundamental first, the order a report lists them in (:func:`ordered_problems`):
    blocking codes, then the advisory ones (:attr:`is_blocking` False: ``NO_TIMESTAMP``,
    ``NOT_COVERING_WHOLE_FILE``), which never come with a blocking code they contradict. Every
    blocking code comes with ``valid`` False.
    """

    SIGNATURE_REMOVED = "signature_removed"
    """A signature an earlier revision of the file carries was removed (its value emptied or its
    field deleted) by a later revision; its stamp may still show on the page."""
    MALFORMED = "malformed"
    """The signature dictionary or its CMS structure could not be read."""
    ENCRYPTED = "encrypted"
    """The PDF is encrypted: its signatures cannot be checked without decrypting it."""
    UNSUPPORTED_FORMAT = "unsupported_format"
    """A signature format (SubFilter) pyHanko does not validate, e.g. ``adbe.pkcs7.sha1``."""
    TAMPERED = "tampered"
    """The signed bytes changed: their digest no longer matches the signed one."""
    SIGNATURE_INVALID = "signature_invalid"
    """The cryptographic signature does not verify with the signer's public key."""
    PARTIAL_COVERAGE = "partial_coverage"
    """The signature does not even cover the whole revision it belongs to."""
    CHANGED_AFTER_SIGNING = "changed_after_signing"
    """The last signature of the file is followed by changes other than timestamps and
    validation data (PAdES DSS and document timestamps): form filling, annotations, content."""
    MODIFIED_AFTER_SIGNING = "modified_after_signing"
    """A signature followed by other signatures: later revisions make changes its permissions
    (its field's /Lock, DocMDP) do not allow."""
    SEED_VALUE_VIOLATION = "seed_value_violation"
    """The signature breaks the constraints (seed values) of its signature field."""
    WEAK_ALGORITHM = "weak_algorithm"
    """A broken or too weak algorithm: an MD5 or SHA-1 digest, an RSA key under 2048 bits, an
    ECDSA key under 256 bits (the policy signing applies, Circular 15/2025/TT-BKHCN)."""
    KEY_USAGE = "key_usage"
    """The certificate is not one for signing documents: no digitalSignature/nonRepudiation key
    usage, or a time-stamping or OCSP certificate (the rule signing applies)."""
    REVOKED = "revoked"
    """The signer's certificate, or a CA certificate in its chain, is revoked."""
    UNTRUSTED = "untrusted"
    """No chain from the signer's certificate to one of the trust roots."""
    EXPIRED = "expired"
    """The signer's certificate (or a CA's) has expired at the validation time."""
    NOT_YET_VALID = "not_yet_valid"
    """The signer's certificate is not yet valid at the validation time."""
    CERTIFICATE_INVALID = "certificate_invalid"
    """Other certificate problems: broken chain constraints, unusable extensions."""
    REVOCATION_UNKNOWN = "revocation_unknown"
    """The revocation status could not be established (no or stale CRL/OCSP data)."""
    REVOCATION_UNREACHABLE = "revocation_unreachable"
    """The status could not be checked because no OCSP responder or CRL distribution point named
    by the certificate answered (:mod:`~moh_core.signatures.revocation`); try later."""
    TIMESTAMP_INVALID = "timestamp_invalid"
    """A signature timestamp is present but does not verify or is not trusted."""
    VALIDATION_FAILED = "validation_failed"
    """pyHanko rejected the signature for a reason none of the codes above describes."""
    NO_TIMESTAMP = "no_timestamp"
    """Advisory: no RFC 3161 timestamp (PAdES B-B); the signing time is only claimed."""
    NOT_COVERING_WHOLE_FILE = "not_covering_whole_file"
    """Advisory: revisions were added after the signature, allowed ones (never beside a code
    that says the changes are not allowed)."""

    @property
    def is_blocking(self) -> bool:
        """False for advisory codes, which do not by themselves make a signature invalid."""
        return self not in _CONTRADICTED_BY


#: The advisory codes, each with the blocking codes it would contradict (and is left out beside).
_CONTRADICTED_BY: dict[SignatureProblem, frozenset[SignatureProblem]] = {
    SignatureProblem.NO_TIMESTAMP: frozenset(),
    SignatureProblem.NOT_COVERING_WHOLE_FILE: frozenset(
        {
            SignatureProblem.SIGNATURE_REMOVED,
            SignatureProblem.PARTIAL_COVERAGE,
            SignatureProblem.CHANGED_AFTER_SIGNING,
            SignatureProblem.MODIFIED_AFTER_SIGNING,
        }
    ),
}
#: Blocking codes a more precise one makes wrong: a revoked certificate's status is known, a
#: weak or misused one is not merely "invalid".
_SUPERSEDED_BY: dict[SignatureProblem, frozenset[SignatureProblem]] = {
    SignatureProblem.REVOCATION_UNKNOWN: frozenset({SignatureProblem.REVOKED}),
    SignatureProblem.REVOCATION_UNREACHABLE: frozenset({SignatureProblem.REVOKED}),
    SignatureProblem.CERTIFICATE_INVALID: frozenset({SignatureProblem.WEAK_ALGORITHM, SignatureProblem.KEY_USAGE}),
    SignatureProblem.MODIFIED_AFTER_SIGNING: frozenset({SignatureProblem.CHANGED_AFTER_SIGNING}),
}
_RANK = {problem: index for index, problem in enumerate(SignatureProblem)}


def ordered_problems(problems: Iterable[SignatureProblem]) -> tuple[SignatureProblem, ...]:
    """``problems`` without repeats, most fundamental first (blocking before advisory), without
    an advisory that contradicts a blocking code nor a code a more precise one supersedes."""
    present = set(problems)
    kept = {
        problem
        for problem in present
        if not (_CONTRADICTED_BY.get(problem, frozenset()) | _SUPERSEDED_BY.get(problem, frozenset())) & present
    }
    return tuple(sorted(kept, key=_RANK.__getitem__))


_PROBLEM_DESCRIPTIONS: dict[SignatureProblem, str] = {
    SignatureProblem.SIGNATURE_REMOVED: "a signature was removed from the document after it was signed",
    SignatureProblem.MALFORMED: "the signature could not be read",
    SignatureProblem.ENCRYPTED: "the PDF is encrypted, so its signatures cannot be checked",
    SignatureProblem.UNSUPPORTED_FORMAT: "the signature format is not supported",
    SignatureProblem.TAMPERED: "the signed content was changed",
    SignatureProblem.SIGNATURE_INVALID: "the cryptographic signature does not verify",
    SignatureProblem.PARTIAL_COVERAGE: "the signature does not cover its whole revision",
    SignatureProblem.CHANGED_AFTER_SIGNING: "the document was changed after its last signature",
    SignatureProblem.MODIFIED_AFTER_SIGNING: "the document was modified after signing",
    SignatureProblem.SEED_VALUE_VIOLATION: "the signature violates its field's constraints",
    SignatureProblem.WEAK_ALGORITHM: "the signature uses a weak algorithm (SHA-1 or MD5, or a key that is too short)",
    SignatureProblem.KEY_USAGE: "the certificate is not for signing documents (wrong key usage, "
    "or a time-stamping or OCSP certificate)",
    SignatureProblem.REVOKED: "the certificate is revoked",
    SignatureProblem.UNTRUSTED: "the certificate does not chain to a trusted root",
    SignatureProblem.EXPIRED: "the certificate has expired",
    SignatureProblem.NOT_YET_VALID: "the certificate is not yet valid",
    SignatureProblem.CERTIFICATE_INVALID: "the certificate is not acceptable for signing",
    SignatureProblem.REVOCATION_UNKNOWN: "the revocation status could not be established",
    SignatureProblem.REVOCATION_UNREACHABLE: "the revocation status could not be checked: "
    "the certificate authority's OCSP responder and CRL did not answer",
    SignatureProblem.TIMESTAMP_INVALID: "the timestamp is invalid or untrusted",
    SignatureProblem.VALIDATION_FAILED: "the signature failed validation",
    SignatureProblem.NO_TIMESTAMP: "no timestamp (the signing time is only claimed)",
    SignatureProblem.NOT_COVERING_WHOLE_FILE: "later revisions were added after signing",
}

_PROBLEM_DESCRIPTIONS_VI: dict[SignatureProblem, str] = {
    SignatureProblem.SIGNATURE_REMOVED: "một chữ ký đã bị gỡ khỏi văn bản sau khi ký",
    SignatureProblem.MALFORMED: "không đọc được chữ ký",
    SignatureProblem.ENCRYPTED: "tệp PDF được mã hóa nên không kiểm tra được chữ ký",
    SignatureProblem.UNSUPPORTED_FORMAT: "định dạng chữ ký không được hỗ trợ",
    SignatureProblem.TAMPERED: "nội dung đã ký bị thay đổi",
    SignatureProblem.SIGNATURE_INVALID: "chữ ký số không kiểm tra được về mặt mật mã",
    SignatureProblem.PARTIAL_COVERAGE: "chữ ký không bao trùm toàn bộ phiên bản của tệp",
    SignatureProblem.CHANGED_AFTER_SIGNING: "văn bản đã bị thay đổi sau chữ ký cuối cùng",
    SignatureProblem.MODIFIED_AFTER_SIGNING: "văn bản đã bị thay đổi sau khi ký",
    SignatureProblem.SEED_VALUE_VIOLATION: "chữ ký vi phạm ràng buộc của trường chữ ký",
    SignatureProblem.WEAK_ALGORITHM: "chữ ký dùng thuật toán yếu (SHA-1 hoặc MD5, hoặc khóa quá ngắn)",
    SignatureProblem.KEY_USAGE: "chứng thư số không dùng để ký văn bản (sai mục đích sử dụng khóa, "
    "hoặc là chứng thư dấu thời gian hay OCSP)",
    SignatureProblem.REVOKED: "chứng thư số đã bị thu hồi",
    SignatureProblem.UNTRUSTED: "chứng thư số không dẫn về tổ chức chứng thực tin cậy",
    SignatureProblem.EXPIRED: "chứng thư số đã hết hạn",
    SignatureProblem.NOT_YET_VALID: "chứng thư số chưa có hiệu lực",
    SignatureProblem.CERTIFICATE_INVALID: "chứng thư số không đủ điều kiện để ký",
    SignatureProblem.REVOCATION_UNKNOWN: "không xác định được tình trạng thu hồi của chứng thư số",
    SignatureProblem.REVOCATION_UNREACHABLE: "không kiểm tra được tình trạng thu hồi của chứng thư số: "
    "dịch vụ OCSP và danh sách thu hồi (CRL) của tổ chức chứng thực không phản hồi",
    SignatureProblem.TIMESTAMP_INVALID: "dấu thời gian không hợp lệ hoặc không tin cậy",
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
    validated_at: datetime | None = None
    """The time the signature was validated at (UTC): the time its trusted signature timestamp
    proves when the present-time check did not pass (past signature validation,
    :mod:`~moh_core.signatures.past`), else the report's validation time; None when unreadable."""

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


def removed_report(name: str, signer: asn1_x509.Certificate | None, signing_time: datetime | None) -> SignatureReport:
    """A signature an earlier revision carries and the file no longer does (``SIGNATURE_REMOVED``);
    ``signer`` and ``signing_time`` as that revision's CMS tells them, when it can be read."""
    report = dataclasses.replace(
        unreadable_report(name, SignatureProblem.SIGNATURE_REMOVED, "present in an earlier revision"),
        signer=certificate_info(signer) if signer is not None else None,
        signing_time=_utc(signing_time),
    )
    return _with_problems(report, report.problems)


def changed_after_signing(report: SignatureReport) -> SignatureReport:
    """``report`` of the file's last signature, followed by changes that are not long-term
    validation data: not valid, ``CHANGED_AFTER_SIGNING``."""
    return _with_problems(report, (*report.problems, SignatureProblem.CHANGED_AFTER_SIGNING))


def _with_problems(report: SignatureReport, problems: Iterable[SignatureProblem]) -> SignatureReport:
    ordered = ordered_problems(problems)
    valid = report.valid and not any(problem.is_blocking for problem in ordered)
    who = report.signer.common_name or report.signer.subject if report.signer is not None else None
    summary = _signature_summary(report.field_name, who, valid, ordered)
    return dataclasses.replace(report, valid=valid, problems=ordered, summary=summary)


def signature_report(
    name: str,
    status: PdfSignatureStatus,
    revocation_unknown: bool,
    revocation_unreachable: bool = False,
    validated_at: datetime | None = None,
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
    if not status.bottom_line and not any(problem.is_blocking for problem in problems):
        problems.append(SignatureProblem.VALIDATION_FAILED)
    report = SignatureReport(
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
        valid=status.bottom_line,
        problems=(),
        summary="",
        validated_at=_utc(validated_at),
    )
    return _with_problems(report, problems)


def _problems(
    status: PdfSignatureStatus,
    coverage: Coverage | None,
    timestamp_valid: bool,
    revocation_unknown: bool,
) -> list[SignatureProblem]:
    """The codes derived from the same fields ``bottom_line`` uses, and the rules signing
    applies to the signer's certificate and algorithms (:mod:`moh_core.signatures.signers`)."""
    problems: list[SignatureProblem] = []
    if not status.intact:
        problems.append(SignatureProblem.TAMPERED)
    if not status.valid:
        problems.append(SignatureProblem.SIGNATURE_INVALID)
    if _weak_algorithm(status):
        problems.append(SignatureProblem.WEAK_ALGORITHM)
    if key_usage_problem(status.signing_cert) is not None:
        problems.append(SignatureProblem.KEY_USAGE)
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


#: Digests no longer collision-resistant (SHA-1: SHAttered, 2017); signing uses SHA-256 only.
_WEAK_DIGESTS = frozenset({"md2", "md5", "sha1"})


def _weak_algorithm(status: PdfSignatureStatus) -> bool:
    """A broken digest or a key below the signing policy's sizes (pyHanko's own algorithm policy
    says so with CRYPTO_CONSTRAINTS_FAILURE; the product's rule is checked too)."""
    if status.trust_problem_indic == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE:
        return True
    if str(status.md_algorithm).lower() in _WEAK_DIGESTS:
        return True
    return policy_problem(key_info(status.signing_cert)) is SigningProblem.WEAK_KEY


def _signature_summary(
    name: str,
    who: str | None,
    valid: bool,
    problems: tuple[SignatureProblem, ...],
) -> str:
    verdict = "valid" if valid else "NOT VALID"
    text = f"Signature '{name}' by {who}: {verdict}" if who else f"Signature '{name}': {verdict}"
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
