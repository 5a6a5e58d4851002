"""Long-term proof of signed records (PAdES B-LTA, ETSI EN 319 142-1 §6.4): archive timestamps.

A B-LT document (what the product signs) validates years later only as long as the TSA that
timestamped its signature can still be trusted, and its hash and signature algorithms are still
strong. Records kept five years or more outlive both: the TSA's certificate expires, SHA-1 went
and SHA-256 will go. PAdES B-LTA answers with a chain of *document timestamps*:

1. :func:`archive_timestamp`, when a file is closed for keeping: the revocation data of every
   signature and of its timestamps is written into the DSS, then a document timestamp covers the
   whole file (signatures, DSS and all).
2. :func:`renewal_due` tells, from the last document timestamp, whether it must be renewed: its
   TSA's certificate expires within a margin, or one of its algorithms is on the weak list
   (:data:`DEFAULT_WEAK_DIGESTS`; SHA-256 is added there the day it is retired).
3. :func:`renew_archive_timestamp`, before that happens: the revocation data of the previous
   document timestamp's TSA goes into the DSS, then a new document timestamp covers it.
4. :func:`validate_archival` checks the chain as a verifier does later: the newest document
   timestamp at the present time, each older one at the time of the next, and each signature at
   the time of the first document timestamp after it, with the revocation data the file carries.

Every step is an incremental update: the earlier bytes are a prefix of the new ones (checked:
:class:`ArchivalError` ``NOT_APPENDED`` otherwise). Nothing here imports Odoo.

pyHanko 0.38 no longer has ``validate_pdf_ltv_signature``; its successor, the AdES engine's
``ades_lta_validation``, also wants a proof of existence for the CA certificates that a document
timestamp alone does not give. :func:`validate_archival` therefore implements the classic PAdES
LTA walk with pyHanko's point-in-time validation contexts (the mechanism of
:mod:`~moh_core.signatures.past`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from io import BytesIO
from typing import Any

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    async_validate_pdf_timestamp,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import collect_validation_info
from pyhanko.sign.validation.status import DocumentTimestampStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError
from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms, AlgorithmUsagePolicy

from moh_core.signatures.errors import ArchivalError, ArchivalProblem
from moh_core.signatures.material import ValidationMaterial
from moh_core.signatures.past import PastContextFactory, validate_at_timestamp
from moh_core.signatures.revocation import RevocationPolicy
from moh_core.signatures.signing import install_log_filter
from moh_core.signatures.validation import DIFF_POLICY, full_validation, open_pdf, read_dss, validation_context

__all__ = [
    "DEFAULT_RENEWAL_MARGIN",
    "DEFAULT_WEAK_DIGESTS",
    "ArchivalError",
    "ArchivalProblem",
    "ArchivalValidation",
    "ArchiveTimestamp",
    "RenewalReason",
    "RenewalState",
    "SignatureCheck",
    "TimestampCheck",
    "archive_timestamp",
    "archive_timestamps",
    "renew_archive_timestamp",
    "renewal_due",
    "strong_digest",
    "validate_archival",
]

#: Renew this long before the last document timestamp's TSA certificate expires.
DEFAULT_RENEWAL_MARGIN = timedelta(days=180)
#: Digest algorithms no longer trusted to hold a timestamp (pyHanko/asn1crypto names). Add
#: ``"sha256"`` the day it is retired; renewals then use :func:`strong_digest`.
DEFAULT_WEAK_DIGESTS: frozenset[str] = frozenset({"md5", "sha1"})
#: Digests a new document timestamp may use, the preferred first.
_DIGEST_PREFERENCE = ("sha256", "sha384", "sha512", "sha3_256", "sha3_512")
#: Space for a document timestamp's token (hex: twice the DER size): no sizing pass is run.
_BYTES_RESERVED = 24 * 1024


# ---------------------------------------------------------------------------------------------
# What the last archive timestamp is, and whether it must be renewed
# ---------------------------------------------------------------------------------------------


class RenewalReason(StrEnum):
    """Why a document timestamp is (to be) added."""

    FILING = "filing"
    """The file has none yet (it is being filed for keeping)."""
    EXPIRY = "expiry"
    """The last one's TSA certificate expires within the margin."""
    ALGORITHM = "algorithm"
    """The last one uses an algorithm on the weak list."""


@dataclass(frozen=True)
class ArchiveTimestamp:
    """One document timestamp of a PDF, as read from its token (not validated)."""

    time: datetime
    tsa_name: str
    tsa_certificate_expiry: datetime
    digest_algorithm: str
    """The hash of the timestamped bytes (the token's message imprint)."""
    algorithms: tuple[str, ...]
    """Every hash the token relies on: message imprint, the token's signature, the TSA certificate's signature."""
    signature_algorithm: str
    revision: int


@dataclass(frozen=True)
class RenewalState:
    """:func:`renewal_due`'s answer."""

    due: bool
    reasons: tuple[RenewalReason, ...]
    last: ArchiveTimestamp | None
    weak_algorithms: tuple[str, ...] = ()

    @property
    def reason(self) -> RenewalReason | None:
        """The main reason: filing, else algorithm, else expiry."""
        return self.reasons[0] if self.reasons else None


def _hash_of(algorithm: Any) -> str | None:
    try:
        return str(algorithm.hash_algo)
    except (ValueError, KeyError):  # e.g. RSASSA-PSS without parameters, EdDSA
        return None


def _timestamp_info(embedded: EmbeddedPdfSignature) -> ArchiveTimestamp:
    signed_data: cms.SignedData = embedded.signed_data
    tst_info = signed_data["encap_content_info"]["content"].parsed
    signer_info = signed_data["signer_infos"][0]
    tsa_cert = embedded.signer_cert
    imprint = str(tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native)
    hashes = [imprint, str(signer_info["digest_algorithm"]["algorithm"].native)]
    for algorithm in (signer_info["signature_algorithm"], tsa_cert["signature_algorithm"]):
        found = _hash_of(algorithm)
        if found is not None:
            hashes.append(found)
    name = tsa_cert.subject.native.get("common_name") or tsa_cert.subject.human_friendly
    return ArchiveTimestamp(
        time=tst_info["gen_time"].native,
        tsa_name=str(name),
        tsa_certificate_expiry=tsa_cert.not_valid_after,
        digest_algorithm=imprint,
        algorithms=tuple(dict.fromkeys(hashes)),
        signature_algorithm=str(signer_info["signature_algorithm"].signature_algo),
        revision=embedded.signed_revision,
    )


def _reader(pdf: bytes) -> PdfFileReader:
    return open_pdf(pdf).reader


def archive_timestamps(pdf: bytes) -> tuple[ArchiveTimestamp, ...]:
    """The document timestamps of ``pdf``, oldest first (read, not validated).

    :raises InvalidPdfError: not a readable PDF.
    """
    return tuple(_timestamp_info(item) for item in _reader(pdf).embedded_timestamp_signatures)


def renewal_due(
    pdf: bytes,
    *,
    now: datetime | None = None,
    margin: timedelta = DEFAULT_RENEWAL_MARGIN,
    weak_digests: Collection[str] = DEFAULT_WEAK_DIGESTS,
) -> RenewalState:
    """Whether the last archive timestamp of ``pdf`` must be renewed, and why.

    Due with :attr:`RenewalReason.FILING` when there is none yet; with ``ALGORITHM`` when a hash
    it relies on is in ``weak_digests``; with ``EXPIRY`` when its TSA certificate expires before
    ``now + margin`` (or has expired: then the renewal comes too late, and
    :func:`renew_archive_timestamp` refuses with ``CHAIN_BROKEN``).

    :raises InvalidPdfError: not a readable PDF.
    :raises ValueError: ``now`` is naive or ``margin`` negative.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if margin < timedelta(0):
        raise ValueError("margin must not be negative")
    moment = now or datetime.now(UTC)
    stamps = archive_timestamps(pdf)
    if not stamps:
        return RenewalState(due=True, reasons=(RenewalReason.FILING,), last=None)
    last = stamps[-1]
    weak = {name.lower() for name in weak_digests}
    weak_used = tuple(name for name in last.algorithms if name.lower() in weak)
    reasons: list[RenewalReason] = []
    if weak_used:
        reasons.append(RenewalReason.ALGORITHM)
    if last.tsa_certificate_expiry <= moment + margin:
        reasons.append(RenewalReason.EXPIRY)
    return RenewalState(due=bool(reasons), reasons=tuple(reasons), last=last, weak_algorithms=weak_used)


def strong_digest(weak_digests: Collection[str] = DEFAULT_WEAK_DIGESTS) -> str:
    """The preferred digest for a new document timestamp that is not in ``weak_digests``.

    :raises ValueError: every digest known here is weak.
    """
    weak = {name.lower() for name in weak_digests}
    for name in _DIGEST_PREFERENCE:
        if name not in weak:
            return name
    raise ValueError("every digest algorithm is on the weak list")


# ---------------------------------------------------------------------------------------------
# Adding document timestamps
# ---------------------------------------------------------------------------------------------


def _context(
    reader: PdfFileReader,
    material: ValidationMaterial,
    *,
    moment: datetime | None = None,
    retroactive: bool = False,
    revocation: RevocationPolicy | None = None,
    algorithm_policy: AlgorithmUsagePolicy | None = None,
) -> ValidationContext:
    """A hard-fail context over the material and the file's DSS (live fetching when allowed)."""
    parsed = material.parsed()
    live = revocation.session() if revocation is not None and revocation.live else None
    return validation_context(
        read_dss(reader),
        trust_roots=parsed.trust_roots,
        other_certs=parsed.other_certs,
        crls=parsed.crls,
        ocsps=parsed.ocsps,
        moment=moment,
        allow_fetching=False,
        revocation_mode="hard-fail",
        live=live,
        retroactive=retroactive,
        algorithm_policy=algorithm_policy,
    )


_NOT_ESTABLISHED = (PathBuildingError, PathValidationError, ValidationError)


def _run[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one archival step, its pyHanko failures as :class:`ArchivalError`."""
    install_log_filter()
    try:
        return asyncio.run(coroutine)
    except ArchivalError:
        raise
    except TimestampRequestError as exc:
        raise ArchivalError(ArchivalProblem.TIMESTAMP_FAILED, str(exc)) from exc
    except _NOT_ESTABLISHED as exc:
        raise ArchivalError(ArchivalProblem.VALIDATION_DATA, str(exc)) from exc
    except Exception as exc:  # pyHanko raises many kinds on a file it cannot extend
        raise ArchivalError(ArchivalProblem.FAILED, f"{type(exc).__name__}: {exc}") from exc


def _signature_time(embedded: EmbeddedPdfSignature) -> datetime | None:
    """The time a signature's own RFC 3161 timestamp attests (not validated here), or None."""
    attributes = embedded.signer_info["unsigned_attrs"]
    if isinstance(attributes, cms.CMSAttributes):
        for attribute in attributes:
            if attribute["type"].native == "signature_time_stamp_token":
                token = attribute["values"][0]["content"]
                moment: datetime = token["encap_content_info"]["content"].parsed["gen_time"].native
                return moment
    return None


async def _collect(
    embedded: EmbeddedPdfSignature,
    context: ValidationContext,
    past: PastContextFactory | None,
) -> tuple[list[Any], ValidationContext]:
    """The validation paths of a signature (and its timestamps) and the context holding their
    revocation data: at the present time, else, for a signer whose certificate has expired since,
    at the time its signature timestamp proves (revocation data issued later accepted)."""
    try:
        return await collect_validation_info(embedded, context), context
    except _NOT_ESTABLISHED:
        moment = _signature_time(embedded) if past is not None else None
        if past is None or moment is None:
            raise
    then = past(moment)
    try:
        return await collect_validation_info(embedded, then), then
    except BaseException:
        await then.aclose()
        raise


async def _extend(
    pdf: bytes,
    covered: Sequence[EmbeddedPdfSignature],
    *,
    timestamper: TimeStamper,
    context: ValidationContext,
    md_algorithm: str,
    check: ValidationContext | None,
    past: PastContextFactory | None = None,
) -> bytes:
    """The revocation data of ``covered`` into the DSS, then a document timestamp, appended;
    with ``check``, the last of ``covered`` must first be a valid document timestamp; with
    ``past``, a signature not established now is collected at its signature timestamp's time."""
    try:
        if check is not None:
            status = await async_validate_pdf_timestamp(covered[-1], validation_context=check, diff_policy=DIFF_POLICY)
            await check.aclose()
            if not _timestamp_ok(status):
                raise ArchivalError(ArchivalProblem.CHAIN_BROKEN, status.summary())
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        for embedded in covered:
            paths, used = await _collect(embedded, context, past)
            DocumentSecurityStore.supply_dss_in_writer(writer, None, paths=paths, validation_context=used)
            if used is not context:
                await used.aclose()
        output = await PdfTimeStamper(timestamper).async_timestamp_pdf(
            writer, md_algorithm, validation_context=context, bytes_reserved=_BYTES_RESERVED
        )
    finally:
        await context.aclose()
    extended: bytes = output.getvalue()
    if not extended.startswith(pdf) or len(extended) <= len(pdf):
        raise ArchivalError(ArchivalProblem.NOT_APPENDED)
    return extended


def archive_timestamp(
    pdf: bytes,
    *,
    timestamper: TimeStamper,
    material: ValidationMaterial,
    revocation: RevocationPolicy | None = None,
    md_algorithm: str = "sha256",
) -> bytes:
    """Bring a signed PDF to PAdES B-LTA: the certificates and revocation data of every signature,
    of its timestamps and of any earlier document timestamp into the DSS, then a document
    timestamp (and its TSA's revocation data after it), in incremental updates.

    :param timestamper: the TSA (the one signing uses: ``HTTPTimeStamper(url)``, or the demo's).
    :param material: trust roots, CRLs, OCSP responses, intermediates; with the file's own DSS
        they must settle every certificate's status (hard-fail), unless ``revocation`` may fetch.
    :param revocation: live revocation checking (:mod:`~moh_core.signatures.revocation`).
    :param md_algorithm: the document timestamp's digest.
    :returns: the extended file; ``pdf`` is a prefix of it.
    :raises InvalidPdfError: not a readable PDF.
    :raises ArchivalError: nothing to timestamp (``NOT_SIGNED``), a status not established
        (``VALIDATION_DATA``), the TSA failed (``TIMESTAMP_FAILED``), or another failure.
    """
    reader = _reader(pdf)
    covered = list(reader.embedded_signatures)
    if not reader.embedded_regular_signatures:
        raise ArchivalError(ArchivalProblem.NOT_SIGNED)
    context = _context(reader, material, revocation=revocation)

    def past(moment: datetime) -> ValidationContext:
        return _context(reader, material, moment=moment, retroactive=True)

    return _run(
        _extend(
            pdf,
            covered,
            timestamper=timestamper,
            context=context,
            md_algorithm=md_algorithm,
            check=None,
            past=past,
        )
    )


def renew_archive_timestamp(
    pdf: bytes,
    *,
    timestamper: TimeStamper,
    material: ValidationMaterial,
    revocation: RevocationPolicy | None = None,
    md_algorithm: str = "sha256",
) -> bytes:
    """Renew the archive timestamp chain (pyHanko's LTV update): check that the last document
    timestamp is still valid now, add its TSA's certificates and revocation data to the DSS, then
    a new document timestamp over everything, in incremental updates.

    Arguments as for :func:`archive_timestamp`; give ``md_algorithm`` from :func:`strong_digest`
    when the renewal is for a weak algorithm.

    :raises ArchivalError: no document timestamp yet (``NO_ARCHIVE_TIMESTAMP``: use
        :func:`archive_timestamp`), the last one no longer valid (``CHAIN_BROKEN``: its TSA
        certificate expired or was revoked before the renewal), or as :func:`archive_timestamp`.
    """
    reader = _reader(pdf)
    stamps = list(reader.embedded_timestamp_signatures)
    if not stamps:
        raise ArchivalError(ArchivalProblem.NO_ARCHIVE_TIMESTAMP)
    context = _context(reader, material, revocation=revocation)
    # The last timestamp's algorithms are judged by renewal_due (a renewal may be for them).
    check = _context(reader, material, revocation=revocation, algorithm_policy=AcceptAllAlgorithms())
    return _run(
        _extend(
            pdf,
            stamps[-1:],
            timestamper=timestamper,
            context=context,
            md_algorithm=md_algorithm,
            check=check,
        )
    )


# ---------------------------------------------------------------------------------------------
# Validation of the chain (what a verifier does years later)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimestampCheck:
    """One document timestamp of the chain, validated at ``checked_at``."""

    time: datetime
    tsa_name: str
    checked_at: datetime
    valid: bool
    summary: str


@dataclass(frozen=True)
class SignatureCheck:
    """One signature, validated at ``checked_at`` (the first trusted document timestamp after it)."""

    field_name: str
    checked_at: datetime
    valid: bool
    summary: str


@dataclass(frozen=True)
class ArchivalValidation:
    """:func:`validate_archival`'s verdict: valid when the whole chain and every signature are."""

    timestamps: tuple[TimestampCheck, ...]
    signatures: tuple[SignatureCheck, ...]

    @property
    def valid(self) -> bool:
        return (
            bool(self.timestamps)
            and bool(self.signatures)
            and all(item.valid for item in self.timestamps)
            and all(item.valid for item in self.signatures)
        )


def validate_archival(
    pdf: bytes,
    *,
    material: ValidationMaterial,
    validation_time: datetime | None = None,
) -> ArchivalValidation:
    """Validate a B-LTA file as a verifier does years later (offline, hard-fail):

    the newest document timestamp at ``validation_time`` (with ``material``, e.g. the CAs'
    current CRLs, and the DSS), each older one at the time the next one proves (with the
    revocation data the file carries, accepted retroactively), then each signature, with its
    own timestamps, at the time of the first document timestamp after it. Once a document
    timestamp fails, the older ones and the signatures they protect are not valid.

    :raises InvalidPdfError: not a readable PDF.
    :raises ValueError: ``validation_time`` is naive.
    """
    if validation_time is not None and validation_time.utcoffset() is None:
        raise ValueError("validation_time must be timezone-aware")
    now = (validation_time or datetime.now(UTC)).astimezone(UTC)
    reader = _reader(pdf)
    install_log_filter()
    checks: list[TimestampCheck] = []
    proven: list[tuple[int, datetime]] = []  # (revision covered, time proven)
    moment, retroactive, broken = now, False, False
    for embedded in reversed(reader.embedded_timestamp_signatures):
        info = _timestamp_info(embedded)
        ok, summary = False, "an archive timestamp after it is not valid"
        if not broken:
            context = _context(reader, material, moment=moment, retroactive=retroactive)
            ok, summary = _check(_validate_timestamp, embedded, context)
        checks.append(TimestampCheck(info.time, info.tsa_name, moment, ok, summary))
        if ok:
            proven.append((embedded.signed_revision, info.time))
            moment, retroactive = info.time, True
        broken = broken or not ok
    signatures: list[SignatureCheck] = []
    for embedded in reader.embedded_regular_signatures:
        after = [time for revision, time in proven if revision > embedded.signed_revision]
        if not after:
            signatures.append(SignatureCheck(embedded.field_name, now, False, "no valid archive timestamp covers it"))
            continue
        checked_at = min(after)

        def past(moment: datetime) -> ValidationContext:
            return _context(reader, material, moment=moment, retroactive=True)

        def at_proven_time(
            signature: EmbeddedPdfSignature, context: ValidationContext, at: datetime = checked_at
        ) -> Any:
            # At the archive timestamp's time, else (a signer's certificate expired before it)
            # at the time the signature's own timestamp proves, as signatures are validated.
            status = full_validation(signature, context)
            earlier = validate_at_timestamp(signature, status, at, past, full_validation)
            return status if earlier is None else earlier[0]

        ok, summary = _check(at_proven_time, embedded, past(checked_at))
        signatures.append(SignatureCheck(embedded.field_name, checked_at, ok, summary))
    return ArchivalValidation(timestamps=tuple(reversed(checks)), signatures=tuple(signatures))


_UNCHANGED = frozenset({ModificationLevel.NONE, ModificationLevel.LTA_UPDATES})


def _timestamp_ok(status: DocumentTimestampStatus) -> bool:
    """Intact, trusted, and nothing but validation data and timestamps after it."""
    return bool(
        status.intact
        and status.valid
        and status.trusted
        and status.coverage is not None
        and status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level in _UNCHANGED
    )


class _TimestampVerdict:
    """A document timestamp's status with the bottom line :func:`_check` reads."""

    def __init__(self, status: DocumentTimestampStatus) -> None:
        self.bottom_line = _timestamp_ok(status)
        self._status = status

    def summary(self) -> str:
        return str(self._status.summary())


def _validate_timestamp(embedded: EmbeddedPdfSignature, context: ValidationContext) -> _TimestampVerdict:
    return _TimestampVerdict(validate_pdf_timestamp(embedded, context, diff_policy=DIFF_POLICY))


def _check(
    validate: Callable[[EmbeddedPdfSignature, ValidationContext], Any],
    embedded: EmbeddedPdfSignature,
    context: ValidationContext,
) -> tuple[bool, str]:
    try:
        status = validate(embedded, context)
    except Exception as exc:  # noqa: BLE001 - trust boundary: structures from the file itself
        return False, f"{type(exc).__name__}: {exc}"
    return bool(status.bottom_line), str(status.summary())
