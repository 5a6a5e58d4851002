"""PAdES signing of PDF documents (ETSI EN 319 142) with pyHanko — the product's signing path.

Legal basis and what each rule becomes here:

* **Decree 23/2025/NĐ-CP** (digital signatures and trust services, in force 10 April 2025) and
  **Circular 15/2025/TT-BKHCN** (detailing its Art. 17) require signing software to *check the
  signer's certificate before allowing a signature* and to *keep with the signature the
  certificate, the revocation data in force at signing time and the result of the check*.
  :func:`~moh_core.signatures.certificate_check.check_signer_certificate` does the check;
  :func:`sign` refuses with :class:`~moh_core.signatures.errors.SigningRefused` when it fails, and
  returns the check and the CRLs/OCSP responses used in :class:`SignResult`. PAdES B-LT
  (``level="B-LT"``) also writes them into the PDF's DSS.
* The Circular's **algorithm policy** (RSA with RSASSA-PSS, ECDSA, SHA-256): see
  :mod:`moh_core.signatures.signers`.
* **ETSI EN 319 142-1** baseline levels: B-B (CMS ``ETSI.CAdES.detached`` over the byte range),
  B-T (plus an RFC 3161 signature timestamp; give a :class:`pyhanko.sign.timestamps.TimeStamper`,
  e.g. ``HTTPTimeStamper(url)`` for the configured TSA), B-LT (plus certificates and revocation
  data in the DSS). Every signature is an incremental update: earlier bytes are never re-saved.
* **Decree 30/2020/NĐ-CP, Appendix I** (visible signatures on administrative documents): see
  :mod:`moh_core.signatures.stamps` and, for the fields and electronic issuing,
  :mod:`moh_core.signatures.fields`.

Workflow::

    signer = load_pkcs12_signer(p12_bytes, password)          # key loaded once, reused
    pdf = prepare_fields(pdf, [FieldBox("signer", 0, (330, 90, 530, 190)),
                               FieldBox("seal", 0, (250, 80, 370, 200))])  # ALL fields, first
    material = ValidationMaterial(trust_roots=roots, crls=crls)
    result = sign(pdf, signer, field="signer", level="B-LT", timestamper=tsa,
                  material=material, stamp=VisibleStamp(StampStyle.SIGNER, ...))
    result.pdf, result.check, result.revocation_data            # archive all three

Bulk signing: :func:`sign_many` checks the certificate once, builds the validation context once,
uses the fixed ``bytes_reserved`` of the level (no sizing pass) and signs every document in one
event loop with the already-loaded key.

Signing with a key the server cannot reach (a user's own USB token) is
:mod:`moh_core.signatures.interrupted`.

Every failure is a :class:`~moh_core.signatures.errors.SigningError` with a machine code
(:class:`~moh_core.signatures.errors.SigningProblem`) that the Odoo side translates, and an
English message. Nothing here imports Odoo.

:func:`parse_level`, :func:`signing_time_now`, :func:`install_log_filter` and
:func:`pyhanko_errors` are internal to the package (interrupted signing uses them).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from io import BytesIO
from typing import cast

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.csc_signer import CSCSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko_certvalidator import ValidationContext

from moh_core.fonts import nfc
from moh_core.signatures.certificate_check import (
    CertificateCheck,
    RevocationData,
    check_certificate_with_policy,
    key_usage_for,
    refuse_failed_check,
)
from moh_core.signatures.errors import (
    SigningError,
    SigningFailed,
    SigningProblem,
    SigningRefused,
)
from moh_core.signatures.fields import field_target, open_writer
from moh_core.signatures.material import ParsedMaterial, ValidationMaterial
from moh_core.signatures.revocation import RevocationPolicy
from moh_core.signatures.signers import DIGEST_ALGORITHM, MohSigner
from moh_core.signatures.stamps import VisibleStamp, stamp_style

__all__ = [
    "DEFAULT_BYTES_RESERVED",
    "DEFAULT_MAX_CHECK_AGE",
    "SignResult",
    "SignatureLevel",
    "install_log_filter",
    "parse_level",
    "pyhanko_errors",
    "sign",
    "sign_many",
    "signing_time_now",
]

#: A certificate check handed to :func:`sign` is reused only while it is this fresh.
DEFAULT_MAX_CHECK_AGE = timedelta(minutes=10)
_PYHANKO_DSS_WARNING = "Validation/revocation info will be embedded, but fetching is not allowed"


class SignatureLevel(StrEnum):
    """PAdES baseline levels (ETSI EN 319 142-1 §6)."""

    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"

    @property
    def timestamped(self) -> bool:
        return self is not SignatureLevel.B_B


#: Space reserved for the CMS (hex, so twice its DER size), per level: no sizing pass is run.
DEFAULT_BYTES_RESERVED: dict[SignatureLevel, int] = {
    SignatureLevel.B_B: 16 * 1024,
    SignatureLevel.B_T: 24 * 1024,
    SignatureLevel.B_LT: 32 * 1024,
}


@dataclass(frozen=True)
class SignResult:
    """A signed PDF and the evidence to archive with it (Circular 15/2025/TT-BKHCN)."""

    pdf: bytes = field(repr=False)
    signing_time: datetime
    """The signing time claimed in the signature dictionary (/M), UTC."""
    certificate_der: bytes = field(repr=False)
    revocation_data: RevocationData = field(repr=False)
    check: CertificateCheck
    level: SignatureLevel
    field_name: str

    @property
    def sha256(self) -> str:
        """Checksum of the signed bytes, to archive with them (never re-save a signed PDF)."""
        return hashlib.sha256(self.pdf).hexdigest()


# ---------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------


class _DropNoise(logging.Filter):
    """Drop two warnings repeated on every signature: pyHanko's "fetching is not allowed" for
    offline B-LT (offline is what we want) and fontTools' "FFTM NOT subset" (a font-forge
    timestamp table the subsetter rightly drops)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not (message.startswith(_PYHANKO_DSS_WARNING) or "NOT subset; don't know how" in message)


_filter_lock = threading.Lock()
_filter_installed = False


def install_log_filter() -> None:
    global _filter_installed  # noqa: PLW0603 - the filters are installed once per process
    with _filter_lock:
        if not _filter_installed:
            noise = _DropNoise()
            logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(noise)
            logging.getLogger("fontTools.subset").addFilter(noise)
            _filter_installed = True


@contextmanager
def pyhanko_errors() -> Iterator[None]:
    """Translate pyHanko/PKCS#11 exceptions into :class:`SigningError` codes."""
    try:
        from pkcs11.exceptions import PKCS11Error  # noqa: PLC0415 - optional (PKCS#11 tokens)
    except ImportError:  # pragma: no cover
        PKCS11Error = ()  # type: ignore[assignment,misc]  # without python-pkcs11 nothing is caught
    try:
        yield
    except SigningError:
        raise
    except TimestampRequestError as exc:
        raise SigningFailed(SigningProblem.TIMESTAMP_FAILED, f"The time-stamping authority failed: {exc}") from exc
    except PKCS11Error as exc:
        raise SigningFailed(
            SigningProblem.TOKEN_ERROR, f"The PKCS#11 token failed: {type(exc).__name__} {exc}"
        ) from exc
    except PyHankoSigningError as exc:
        if "larger than expected" in str(exc):
            raise SigningFailed(
                SigningProblem.SIGNATURE_TOO_LARGE,
                f"The signature does not fit in the reserved space; raise bytes_reserved. {exc}",
            ) from exc
        raise SigningFailed(SigningProblem.SIGNING_FAILED, f"Signing failed: {exc}") from exc
    except PdfError as exc:
        raise SigningFailed(SigningProblem.INVALID_PDF, f"The PDF cannot be signed: {exc}") from exc


def parse_level(level: SignatureLevel | str) -> SignatureLevel:
    try:
        return SignatureLevel(level)
    except ValueError as exc:
        raise ValueError(f"level must be one of B-B, B-T, B-LT, not {level!r}") from exc


def signing_time_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class _Run:
    """One signing operation or bulk run: checked signer, material, context, settings."""

    signer: MohSigner
    level: SignatureLevel
    material: ParsedMaterial
    check: CertificateCheck
    context: ValidationContext | None
    timestamper: TimeStamper | None
    bytes_reserved: int
    key_usage: set[str]

    async def sign_one(
        self,
        pdf: bytes,
        *,
        field: str,
        stamp: VisibleStamp | None,
        reason: str | None,
        location: str | None,
    ) -> SignResult:
        writer = open_writer(pdf)
        exists = field_target(writer, field)
        signing_time = signing_time_now()
        lt = self.level is SignatureLevel.B_LT
        metadata = PdfSignatureMetadata(
            field_name=field,
            md_algorithm=DIGEST_ALGORITHM,
            subfilter=pdf_fields.SigSeedSubFilter.PADES,
            reason=nfc(reason) if reason else None,
            location=nfc(location) if location else None,
            validation_context=self.context if lt else None,
            embed_validation_info=lt,
            signer_key_usage=self.key_usage,
            # The field's /Lock sets the permissions (prepare_fields); pyHanko takes None as "no
            # request" (its default would be logged as conflicting with the seal's lock).
            docmdp_permissions=None,  # type: ignore[arg-type]
        )
        pdf_signer = PdfSigner(
            metadata,
            signer=self.signer.pyhanko_signer,
            timestamper=self.timestamper if self.level.timestamped else None,
            stamp_style=stamp_style(stamp, self.signer.common_name, signing_time),
        )
        with pyhanko_errors():
            session = pdf_signer.init_signing_session(writer, existing_fields_only=exists)
            session.system_time = signing_time
            validation_info = await session.perform_presign_validation(writer)
            tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=self.bytes_reserved)
            prepared, output = tbs.digest_tbs_document()
            post_sign = await tbs.perform_signature(
                document_digest=prepared.document_digest,
                pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=signing_time),
            )
            await post_sign.post_signature_processing(output)
        revocation = self.check.revocation
        if validation_info is not None:
            revocation = revocation.merged(
                RevocationData(
                    crls=tuple(crl.dump() for crl in validation_info.crls_to_embed),
                    ocsps=tuple(resp.dump() for resp in validation_info.ocsps_to_embed),
                )
            )
        return SignResult(
            pdf=cast(BytesIO, output).getvalue(),  # digest_tbs_document writes to a new BytesIO
            signing_time=signing_time,
            certificate_der=self.signer.certificate_der,
            revocation_data=revocation,
            check=self.check,
            level=self.level,
            field_name=field,
        )


async def _start_run(
    signer: MohSigner,
    *,
    level: SignatureLevel | str,
    material: ValidationMaterial,
    timestamper: TimeStamper | None,
    bytes_reserved: int | None,
    check: CertificateCheck | None,
    max_check_age: timedelta,
    revocation: RevocationPolicy | None = None,
) -> _Run:
    lvl = parse_level(level)
    if lvl.timestamped and timestamper is None:
        raise SigningFailed(
            SigningProblem.TIMESTAMPER_REQUIRED,
            f"PAdES {lvl.value} needs a time-stamping authority (timestamper=...).",
        )
    reserved = DEFAULT_BYTES_RESERVED[lvl] if bytes_reserved is None else int(bytes_reserved)
    if reserved < 4096 or reserved % 2:
        raise ValueError("bytes_reserved must be an even number of at least 4096")
    parsed = material.parsed()
    reuse = (
        check is not None
        and check.ok
        and check.certificate_der == signer.certificate_der
        and signing_time_now() - check.checked_at <= max_check_age
    )
    if check is not None and check.certificate_der != signer.certificate_der:
        raise SigningRefused(SigningProblem.CHECK_MISMATCH)
    if not reuse:
        check = await check_certificate_with_policy(signer.certificate, signer.chain, parsed, revocation)
    assert check is not None
    refuse_failed_check(check)
    # Revocation data the check fetched live is embedded from here (B-LT), not fetched again.
    parsed = parsed.with_revocation(check.revocation.crls, check.revocation.ocsps)
    context = parsed.context()
    return _Run(
        signer=signer,
        level=lvl,
        material=parsed,
        check=check,
        context=context,
        timestamper=timestamper,
        bytes_reserved=reserved,
        key_usage=key_usage_for(signer.certificate),
    )


async def _sign_together(
    run: _Run,
    pdfs: list[bytes],
    *,
    field: str,
    stamp: VisibleStamp | None,
    reason: str | None,
    location: str | None,
) -> list[SignResult]:
    """Sign ``pdfs`` at once: a remote signer (CSC) queues their hashes and asks for one
    approval and one signature call for all of them (pyHanko's batch: it commits when the
    batch is full). If one document fails before its hash is queued, the others stop."""
    batched = isinstance(run.signer.pyhanko_signer, CSCSigner) and len(pdfs) > 1
    if not batched:
        return [await run.sign_one(pdf, field=field, stamp=stamp, reason=reason, location=location) for pdf in pdfs]
    remote = cast(CSCSigner, run.signer.pyhanko_signer)
    remote.batch_size = len(pdfs)
    tasks = [
        asyncio.create_task(run.sign_one(pdf, field=field, stamp=stamp, reason=reason, location=location))
        for pdf in pdfs
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            task.cancel()  # no-op for the finished ones
        await asyncio.gather(*tasks, return_exceptions=True)
        failures: list[BaseException] = [
            exc for task in tasks if not task.cancelled() and (exc := task.exception()) is not None
        ]
        if failures:
            # the cause (e.g. the service refused) rather than the others' "no result"
            causes = (
                exc
                for exc in failures
                if isinstance(exc, SigningError) and exc.code is not SigningProblem.SIGNING_FAILED
            )
            raise next(causes, failures[0])
        return [task.result() for task in tasks]
    finally:
        remote.batch_size = 1


def sign(
    pdf: bytes,
    signer: MohSigner,
    *,
    field: str,
    level: SignatureLevel | str,
    material: ValidationMaterial,
    timestamper: TimeStamper | None = None,
    stamp: VisibleStamp | None = None,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
    check: CertificateCheck | None = None,
    max_check_age: timedelta = DEFAULT_MAX_CHECK_AGE,
    revocation: RevocationPolicy | None = None,
) -> SignResult:
    """Add one PAdES signature in an incremental update (earlier bytes are kept as they are).

    :param field: the signature field (made by :func:`~.fields.prepare_fields`); in a document with no
        signature yet, a missing field is created invisible.
    :param level: ``"B-B"``, ``"B-T"`` (needs ``timestamper``) or ``"B-LT"`` (needs
        ``timestamper``; writes the certificates and the CRLs/OCSP responses into the DSS).
        A ``timestamper`` given for B-B is not used.
    :param material: trust roots, CRLs, OCSP responses and intermediates for the mandatory
        certificate check (and B-LT's DSS).
    :param stamp: what to draw in a visible field (default: a signer stamp with name and time).
    :param bytes_reserved: space for the CMS (hex); default :data:`DEFAULT_BYTES_RESERVED`.
    :param check: a passed :class:`CertificateCheck` of this signer, reused if not older than
        ``max_check_age`` (bulk callers check once); otherwise the certificate is checked now.
    :param revocation: live revocation checking for that check when the material does not
        settle the status (:mod:`~moh_core.signatures.revocation`); what it fetches is embedded.
    :raises SigningRefused: the certificate check failed (all codes in ``codes``).
    :raises SigningFailed: bad PDF/field, TSA or token failure, signature too large.
    """
    return sign_many(
        [pdf],
        signer,
        field=field,
        level=level,
        material=material,
        timestamper=timestamper,
        stamp=stamp,
        reason=reason,
        location=location,
        bytes_reserved=bytes_reserved,
        check=check,
        max_check_age=max_check_age,
        revocation=revocation,
    )[0]


def sign_many(
    pdfs: Iterable[bytes],
    signer: MohSigner,
    *,
    field: str,
    level: SignatureLevel | str,
    material: ValidationMaterial,
    timestamper: TimeStamper | None = None,
    stamp: VisibleStamp | None = None,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
    check: CertificateCheck | None = None,
    max_check_age: timedelta = DEFAULT_MAX_CHECK_AGE,
    revocation: RevocationPolicy | None = None,
) -> list[SignResult]:
    """Sign many documents with one loaded key: one certificate check, one validation context,
    fixed ``bytes_reserved``, one event loop. Arguments as for :func:`sign`; every document gets
    a signature in ``field``. Stops at the first failing document (raising its error). With a
    remote signer (:func:`~moh_core.signatures.remote.load_csc_signer`) the documents are signed
    ``signer.batch_size`` at a time, each run with one approval by the signer."""
    install_log_filter()

    async def run() -> list[SignResult]:
        session = await _start_run(
            signer,
            level=level,
            material=material,
            timestamper=timestamper,
            bytes_reserved=bytes_reserved,
            check=check,
            max_check_age=max_check_age,
            revocation=revocation,
        )
        documents = list(pdfs)
        size = max(1, signer.batch_size)
        results: list[SignResult] = []
        try:
            for start in range(0, len(documents), size):
                results += await _sign_together(
                    session, documents[start : start + size], field=field, stamp=stamp, reason=reason, location=location
                )
            return results
        finally:
            if session.context is not None:
                await session.context.aclose()

    return asyncio.run(run())
