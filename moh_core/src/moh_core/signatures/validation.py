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

With a live :class:`~moh_core.signatures.revocation.RevocationPolicy`, a status the known data
does not settle is fetched (OCSP, else CRL; ``REVOCATION_UNREACHABLE`` when no source answers).

Document timestamps (``/DocTimeStamp``, PAdES B-LTA) are not reported as signatures.

:data:`DIFF_POLICY`, :func:`full_validation`, :func:`read_dss` and :func:`validation_context` are
internal to the package (the archive timestamps' validation uses them).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any, Protocol

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import (
    DEFAULT_DIFF_POLICY,
    FormUpdatingRule,
    GenericFieldModificationRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
)
from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    validate_pdf_signature,
)
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import AlgorithmUsagePolicy

from moh_core.signatures.certificates import load_certificates
from moh_core.signatures.errors import (
    EncryptedPdfError,
    InvalidPdfError,
    SignedByError,
    SignedByProblem,
)
from moh_core.signatures.material import ValidationMaterial
from moh_core.signatures.past import PastContextFactory, validate_at_timestamp
from moh_core.signatures.report import (
    CertificateInfo,
    Coverage,
    PdfValidationReport,
    SignatureProblem,
    SignatureReport,
    certificate_info,
    changed_after_signing,
    removed_report,
    signature_report,
    unreadable_report,
)
from moh_core.signatures.revocation import CLOCK_TOLERANCE, LiveSession, RevocationPolicy
from moh_core.signatures.signers import SIGNING_KEY_USAGES

__all__ = [
    "DEFAULT_MAX_INFLATED_BYTES",
    "OpenedPdf",
    "check_signed_by",
    "decode_limits",
    "load_certificate_bytes",
    "open_pdf",
    "validate_pdf_signatures",
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

#: Either signing key usage is accepted (pyHanko's default demands nonRepudiation); the rest of
#: the rule signing applies (no time-stamping or OCSP certificate) is the report's KEY_USAGE.
_KEY_USAGE = KeyUsageConstraints(key_usage=set(SIGNING_KEY_USAGES), match_all_key_usages=False)


#: pyHanko's difference analysis, without in-place rewrites of an existing appearance stream
#: (a forger's tool, never the product's: filling and signing make new streams). pyHanko's
#: check of such rewrites also mistakes a locked field's appearance, set before the signature,
#: for one rewritten after it, so any later revision (a B-LT DSS included) would break the seal.
DIFF_POLICY = StandardDiffPolicy(
    global_rules=DEFAULT_DIFF_POLICY.global_rules,
    form_rule=FormUpdatingRule(
        field_rules=[
            SigFieldCreationRule(),
            SigFieldModificationRule(allow_in_place_appearance_stream_changes=False),
            GenericFieldModificationRule(allow_in_place_appearance_stream_changes=False),
        ],
    ),
)


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


@dataclass(frozen=True)
class OpenedPdf:
    """Foreign bytes opened once by :func:`open_pdf`: a caller that reads the file itself (the
    upload check) hands this to :func:`validate_pdf_signatures`, which then does not parse the
    file again. The reader keeps its decoding budget: what the caller decoded counts against it."""

    reader: PdfFileReader
    max_inflated_bytes: int


def open_pdf(pdf_bytes: bytes, max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES) -> OpenedPdf:
    """Open foreign bytes leniently (``strict=False``: hybrid-reference files exist) within the
    decoding budget (:func:`decode_limits`), or refuse them.

    :raises InvalidPdfError: not a readable PDF (a decoding limit reached while opening it is its
        cause); :class:`EncryptedPdfError` when encrypted.
    """
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
    return OpenedPdf(reader, max_inflated_bytes)


def validate_pdf_signatures(
    pdf: bytes | OpenedPdf,
    *,
    material: ValidationMaterial,
    validation_time: datetime | None = None,
    allow_fetching: bool = False,
    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES,
    revocation: RevocationPolicy | None = None,
) -> PdfValidationReport:
    """Validate every signature in ``pdf`` with pyHanko, and what the revisions after them do.

    A signature is valid when pyHanko's bottom line says so and, in addition:

    * it is not the file's last signature, or nothing but timestamps and validation data (PAdES
      DSS, document timestamps) follows it (else ``CHANGED_AFTER_SIGNING``); what may change
      between two signatures is each one's own permissions (its field's /Lock, DocMDP: see
      :func:`~moh_core.signatures.fields.prepare_fields`), checked by pyHanko's difference analysis
      (``MODIFIED_AFTER_SIGNING``);
    * its certificate is one for signing documents and its algorithms are not weak, by the
      rules signing applies (``KEY_USAGE``, ``WEAK_ALGORITHM``).

    A signature an earlier revision carries and the file no longer does is reported too, not
    valid (``SIGNATURE_REMOVED``), in its place in signing order.

    :param pdf: the file's bytes, or the :class:`OpenedPdf` a caller made of them with
        :func:`open_pdf` (it is not parsed again; ``max_inflated_bytes`` is then the one it was
        opened with).
    :param material: the trust anchors (no operating-system trust store is ever used: with no
        roots, every signature is UNTRUSTED), the CRLs and OCSP responses (used together with any
        revocation data in the PDF's DSS) and intermediate certificates the signature may not
        embed.
    :param validation_time: timezone-aware moment to validate at; default: now.
    :param allow_fetching: let pyHanko download CRLs/OCSP responses and certificates named in
        the certificates. Off by default so validation is offline and reproducible.
    :param max_inflated_bytes: what the file's streams may decompress to, together
        (:func:`decode_limits`); beyond it the file is refused, never inflated without bound.
    :param revocation: fetch a revocation status the material and the DSS do not settle
        (:mod:`~moh_core.signatures.revocation`; only when validating at the present time).
    :raises InvalidPdfError: the bytes are not a readable PDF (:class:`EncryptedPdfError` when
        encrypted). A readable PDF without signatures gives an empty report.
    :raises ValueError: an item of ``material`` cannot be parsed, or
        ``validation_time`` is naive.
    """
    if validation_time is not None and validation_time.utcoffset() is None:
        raise ValueError("validation_time must be timezone-aware")
    parsed = material.parsed()
    checked_at = (validation_time or datetime.now(UTC)).astimezone(UTC)

    reader = (pdf if isinstance(pdf, OpenedPdf) else open_pdf(pdf, max_inflated_bytes)).reader
    try:
        filled_fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as exc:  # trust boundary: any parse failure of foreign bytes
        raise InvalidPdfError(f"The PDF's form fields cannot be read: {exc}") from exc
    dss = read_dss(reader)

    def context(
        revocation_mode: str = "hard-fail",
        live: LiveSession | None = None,
        moment: datetime | None = validation_time,
        retroactive: bool = False,
    ) -> ValidationContext:
        return validation_context(
            dss,
            trust_roots=parsed.trust_roots,
            other_certs=parsed.other_certs,
            crls=parsed.crls,
            ocsps=parsed.ocsps,
            moment=moment,
            allow_fetching=allow_fetching,
            revocation_mode=revocation_mode,
            live=live,
            retroactive=retroactive,
        )

    def past_context(moment: datetime) -> ValidationContext:
        return context(moment=moment, retroactive=True)

    live = revocation if revocation is not None and revocation.live and validation_time is None else None
    signed: list[tuple[int, SignatureReport]] = []
    unreadable: list[SignatureReport] = []
    for name, sig_ref, sig_field in filled_fields:
        report, revision = _check_field(name, sig_ref, sig_field, reader, context, live, (checked_at, past_context))
        if report is not None and revision is not None:
            signed.append((revision, report))
        elif report is not None:
            unreadable.append(report)
    signed.sort(key=lambda item: item[0])
    if signed and _changed_after(signed[-1][1]):
        signed[-1] = (signed[-1][0], changed_after_signing(signed[-1][1]))
    present = {_contents(sig_ref) for _, sig_ref, _ in filled_fields}
    ordered = sorted([*signed, *_removed_signatures(reader, present)], key=lambda item: item[0])
    return PdfValidationReport(signatures=(*(report for _, report in ordered), *unreadable), validation_time=checked_at)


#: What may follow the file's last signature: nothing, or long-term validation data only.
_UNCHANGED_LEVELS = frozenset({"NONE", "LTA_UPDATES"})


def _changed_after(report: SignatureReport) -> bool:
    """Whether revisions after this signature change more than long-term validation data."""
    return report.coverage is Coverage.ENTIRE_REVISION and report.modification_level not in _UNCHANGED_LEVELS


def _contents(sig_ref: generic.PdfObject) -> bytes | None:
    """A signature's identity across revisions: its CMS bytes (/Contents)."""
    try:
        return bytes(sig_ref.get_object()["/Contents"])
    except Exception:  # noqa: BLE001 - trust boundary: a hostile PDF may raise anything
        return None


def _removed_signatures(reader: PdfFileReader, present: set[bytes | None]) -> list[tuple[int, SignatureReport]]:
    """Signatures an earlier revision carries and the file does not (by their CMS bytes), each
    with the first revision that has it."""
    removed: dict[bytes, tuple[int, SignatureReport]] = {}
    for revision in range(reader.xrefs.total_revisions - 1):
        try:
            resolver = reader.get_historical_resolver(revision)
            fields = list(enumerate_sig_fields(resolver, filled_status=True))
        except Exception:
            logger.info("Unreadable form fields in revision %d", revision, exc_info=True)
            continue
        for name, sig_ref, sig_field in fields:
            contents = _contents(sig_ref)
            if contents is None or contents in present or contents in removed:
                continue
            if sig_ref.get_object().get("/Type", "/Sig") == "/DocTimeStamp":
                continue
            removed[contents] = (revision, _removed_report(reader, name, sig_field))
    return list(removed.values())


def _removed_report(reader: PdfFileReader, name: str, sig_field: generic.PdfObject) -> SignatureReport:
    """The report of a removed signature, naming its signer if its CMS can still be read."""
    try:
        embedded = EmbeddedPdfSignature(reader, sig_field, name)  # type: ignore[arg-type]
        return removed_report(name, embedded.signer_cert, embedded.self_reported_timestamp)
    except Exception:  # noqa: BLE001 - trust boundary: a hostile PDF may raise anything
        return removed_report(name, None, None)


#: pyHanko modification levels that only add long-term validation data (DSS, document timestamps).
_LTA_LEVELS = frozenset({"LTA_UPDATES"})


def check_signed_by(
    pdf_bytes: bytes,
    certificates: Sequence[bytes],
    *,
    material: ValidationMaterial,
    validation_time: datetime | None = None,
    revocation: RevocationPolicy | None = None,
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
    expected = {cert.dump() for cert in load_certificates(certificates, "certificate")}
    if not expected:
        raise ValueError("no expected signer certificate given")
    try:
        report = validate_pdf_signatures(
            pdf_bytes,
            material=material,
            validation_time=validation_time,
            revocation=revocation,
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
    certificates = load_certificates([data], "certificate")
    if not certificates:
        raise ValueError("no certificate found")
    return certificate_info(certificates[0])


def read_dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    """The document's DSS (PAdES B-LT revocation data), if any; an unreadable one is ignored,
    which can only make hard-fail revocation checking stricter."""
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - trust boundary: a hostile PDF may raise anything
        logger.warning("Ignoring unreadable DSS in PDF: %s", exc)
        return None


def validation_context(
    dss: DocumentSecurityStore | None,
    *,
    trust_roots: Sequence[asn1_x509.Certificate],
    other_certs: Sequence[asn1_x509.Certificate],
    crls: Sequence[asn1_crl.CertificateList],
    ocsps: Sequence[asn1_ocsp.OCSPResponse],
    moment: datetime | None,
    allow_fetching: bool,
    revocation_mode: str,
    live: LiveSession | None = None,
    retroactive: bool = False,
    algorithm_policy: AlgorithmUsagePolicy | None = None,
) -> ValidationContext:
    """A fresh context per signature: pyHanko caches path results in it and closes it after use.
    ``retroactive``: revocation data issued after ``moment`` counts (past validation);
    ``algorithm_policy``: instead of pyHanko's default (which refuses SHA-1)."""
    kwargs: dict[str, Any] = {
        "trust_roots": list(trust_roots),
        "other_certs": list(other_certs),
        "crls": list(crls),
        "ocsps": list(ocsps),
        "moment": moment,
        "allow_fetching": allow_fetching or live is not None,
        "revocation_mode": revocation_mode,
        "fetcher_backend": live,
        "retroactive_revinfo": retroactive,
    }
    if live is not None:
        kwargs["time_tolerance"] = CLOCK_TOLERANCE
    if algorithm_policy is not None:
        kwargs["algorithm_usage_policy"] = algorithm_policy
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


class _ContextFactory(Protocol):
    def __call__(self, revocation_mode: str = "hard-fail", live: LiveSession | None = None) -> ValidationContext: ...


def _check_field(
    name: str,
    sig_ref: generic.PdfObject,
    sig_field: generic.PdfObject,
    reader: PdfFileReader,
    context: _ContextFactory,
    live: RevocationPolicy | None = None,
    past: tuple[datetime, PastContextFactory] | None = None,
) -> tuple[SignatureReport | None, int | None]:
    """Validate one filled signature field; returns (report or None, signed revision).

    ``past``: the present validation time and the contexts at the time a signature timestamp
    proves (:mod:`~moh_core.signatures.past`), used when the present-time verdict does not pass."""
    try:
        sig_object = sig_ref.get_object()
        sig_type = sig_object.get("/Type", "/Sig")
        subfilter = sig_object.get("/SubFilter")
    except Exception as exc:  # noqa: BLE001 - trust boundary: a hostile PDF may raise anything
        return unreadable_report(name, SignatureProblem.MALFORMED, str(exc)), None
    if sig_type == "/DocTimeStamp":
        return None, None
    if subfilter not in _SUPPORTED_SUBFILTERS:
        return unreadable_report(name, SignatureProblem.UNSUPPORTED_FORMAT, f"SubFilter {subfilter}"), None
    try:
        # enumerate_sig_fields yields the field's dictionary, typed as any PDF object.
        embedded = EmbeddedPdfSignature(reader, sig_field, name)  # type: ignore[arg-type]
        status = full_validation(embedded, context())
        revocation_unknown = (
            status.trust_problem_indic == AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE
            and _trusted_without_revocation(embedded, context("soft-fail"))
        )
        unreachable = False
        if revocation_unknown and live is not None:
            status, revocation_unknown, unreachable = _check_live(embedded, status, context, live)
        validated_at = past[0] if past is not None else None
        at_timestamp = validate_at_timestamp(embedded, status, *past, full_validation) if past is not None else None
        if at_timestamp is not None:
            (status, validated_at), revocation_unknown, unreachable = at_timestamp, False, False
        report = signature_report(name, status, revocation_unknown, unreachable, validated_at)
        return report, embedded.signed_revision
    except Exception as exc:  # trust boundary: CMS/PDF/X.509 structures from the file itself
        logger.info("Unreadable signature in field %s", name, exc_info=True)
        return unreadable_report(name, SignatureProblem.MALFORMED, str(exc)), None


def full_validation(embedded: EmbeddedPdfSignature, context: ValidationContext) -> PdfSignatureStatus:
    """pyHanko's validation with the product's difference policy and key usage rule."""
    return validate_pdf_signature(embedded, context, diff_policy=DIFF_POLICY, key_usage_settings=_KEY_USAGE)


def _trusted_without_revocation(embedded: EmbeddedPdfSignature, context: ValidationContext) -> bool:
    """Would the chain be trusted if missing revocation data were tolerated (soft-fail)?

    pyHanko reports a hard-fail for missing CRLs with the same generic AdES sub-indication as
    other chain failures; this second opinion tells REVOCATION_UNKNOWN apart from the rest.
    """
    status = validate_pdf_signature(embedded, context, key_usage_settings=_KEY_USAGE, skip_diff=True)
    return status.trusted


def _check_live(
    embedded: EmbeddedPdfSignature, offline: PdfSignatureStatus, context: _ContextFactory, policy: RevocationPolicy
) -> tuple[PdfSignatureStatus, bool, bool]:
    """Validate again, fetching the revocation status the known data did not settle; returns
    the status, whether revocation is still unknown, and whether no source answered."""
    session = policy.session()
    status = full_validation(embedded, context(live=session))
    if status.trusted or status.revoked:
        return status, False, False
    if session.unreachable:
        return offline, True, True
    return status, status.trust_problem_indic == AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE, False
