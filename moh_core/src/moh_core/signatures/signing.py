"""PAdES signing of PDF documents (ETSI EN 319 142) with pyHanko — the product's signing path.

Legal basis and what each rule becomes here:

* **Decree 23/2025/NĐ-CP** (digital signatures and trust services, in force 10 April 2025) and
  **Circular 15/2025/TT-BKHCN** (detailing its Art. 17) require signing software to *check the
  signer's certificate before allowing a signature* — validity period, a trust path to a
  configured root (NEAC, or the Government Cipher Committee under Decree 68/2024/NĐ-CP), the
  revocation status — and to *keep with the signature the certificate, the revocation data in
  force at signing time and the result of the check*. :func:`check_signer_certificate` does the
  check (revocation in hard-fail mode, offline by default); :func:`sign` refuses with
  :class:`SigningRefused` when it fails, and returns the check and the CRLs/OCSP responses used
  in :class:`SignResult`. PAdES B-LT (``level="B-LT"``) also writes them into the PDF's DSS.
* The Circular's **algorithm policy**: RSA keys of at least 2048 bits sign with RSASSA-PSS,
  ECDSA keys of at least 256 bits, both with SHA-256 (SHA-2). Anything else is refused with
  ``WEAK_KEY`` or ``UNSUPPORTED_ALGORITHM``. The PSS parameters are pinned to SHA-256, MGF1 with
  SHA-256 and a 32-byte salt (RFC 4055's recommendation and what hardware tokens and PKCS#11
  ``CKM_SHA256_RSA_PKCS_PSS`` expect), not pyHanko's ``prefer_pss`` default (maximum salt length).
* **ETSI EN 319 142-1** baseline levels: B-B (CMS ``ETSI.CAdES.detached`` over the byte range),
  B-T (plus an RFC 3161 signature timestamp; give a :class:`pyhanko.sign.timestamps.TimeStamper`,
  e.g. ``HTTPTimeStamper(url)`` for the configured TSA), B-LT (plus certificates and revocation
  data in the DSS). Every signature is an incremental update: earlier bytes are never re-saved.
* **Decree 30/2020/NĐ-CP, Appendix I** (visible signatures on administrative documents): the
  competent signer's stamp (:attr:`StampStyle.SIGNER`: name, position, time and optionally a blue
  picture of the handwritten signature), the agency seal (:attr:`StampStyle.SEAL`: the red seal
  picture, its field overlapping about a third of the signer's box on its left — the caller
  chooses the boxes, see :func:`prepare_fields`), and attachments signed with no picture
  (:attr:`StampStyle.TEXT_ONLY`: number and symbol and the ISO 8601 signing time with +07:00,
  10 pt, top right). Text is NFC-normalised and drawn with an embedded OpenType font that covers
  Vietnamese (Noto Serif from ``fonts-noto-core``) — pyHanko's default font has no Vietnamese
  glyphs. The Times New Roman look-alike Liberation Serif cannot be used in stamps: pyHanko 0.38
  mis-scales the widths of fonts whose ``unitsPerEm`` is not 1000 (Liberation has 2048).

Workflow::

    signer = load_pkcs12_signer(p12_bytes, password)          # key loaded once, reused
    pdf = prepare_fields(pdf, [FieldBox("signer", 0, (330, 90, 530, 190)),
                               FieldBox("seal", 0, (250, 80, 370, 200))])  # ALL fields, first
    result = sign(pdf, signer, field="signer", level="B-LT", timestamper=tsa,
                  trust_roots=roots, crls=crls, stamp=VisibleStamp(StampStyle.SIGNER, ...))
    result.pdf, result.check, result.revocation_data            # archive all three

Electronic issuing (Decree 30/2020/NĐ-CP): the competent person signs the draft, THEN
the records office gives it its register number and issue date and applies the agency's signature.
The number and the date go in AcroForm text fields created with the signature fields::

    pdf = prepare_fields(pdf, [FieldBox("signer", ...), FieldBox("seal", ...)],
                         [TextField("number", 0, (161, 721, 187, 737), 13, align="right"),
                          TextField("date", 0, (370, 720, 526, 737), 14, italic=True)])
    pdf = sign(pdf, signer, field="signer", ...).pdf
    pdf = fill_fields(pdf, {"number": "05", "date": "ngày 20 tháng 11 năm 2026"})
    pdf = sign(pdf, seal, field="seal", stamp=VisibleStamp(StampStyle.SEAL, ...), ...).pdf

Filling sets each field's value and appearance in one incremental update: pyHanko's difference
analysis classes it as FORM_FILLING, which an approval signature (no DocMDP) allows, so the
signer's signature stays valid; any other change after it (the body, a new annotation) does not.
The text is drawn with the document's own face (Liberation Serif, the Times New Roman metric
clone, rescaled to 1000 units per em, see :func:`_em1000_font`), Noto Serif when it is missing.

Create every signature field with :func:`prepare_fields` *before* the first signature: adding a
field after a signature is a modification that weakens the earlier signature's status. For the
same reason :func:`sign` creates a missing field (invisible) only in a document with no signature
yet, and :func:`prepare_fields` refuses a signed document.

Bulk signing: :func:`sign_many` checks the certificate once, builds the validation context once,
uses the fixed ``bytes_reserved`` of the level (no sizing pass) and signs every document in one
event loop with the already-loaded key.

Interrupted signing (a user's own USB token, which the server cannot reach)
--------------------------------------------------------------------------
1. The server calls :func:`prepare_interrupted` with the user's certificate. The certificate is
   checked (as above), the document is written in its final pre-signing state and the CMS signed
   attributes are built. The server keeps :attr:`PreparedSignature.state` (opaque bytes holding the
   prepared document; store it server-side, e.g. in the database, never trust a copy coming back
   from the client) and sends the client:

   * :attr:`PreparedSignature.digest` — SHA-256 of the DER-encoded signed attributes, to be signed
     by tokens/APIs that take a pre-computed hash, or
   * :attr:`PreparedSignature.signed_attrs` — the DER bytes themselves, for APIs that hash;
   * :attr:`PreparedSignature.signature_algorithm` — ``"rsassa_pss"`` (SHA-256, MGF1-SHA-256,
     salt length :attr:`PreparedSignature.pss_salt_length` = 32 bytes; PKCS#11
     ``CKM_RSA_PKCS_PSS`` over the digest or ``CKM_SHA256_RSA_PKCS_PSS`` over the DER) or
     ``"ecdsa"`` (ECDSA with SHA-256).

2. The client returns the raw signature value: for RSA the ``k``-byte PSS signature, for ECDSA
   either the DER ``ECDSA-Sig-Value`` or the raw ``r || s`` concatenation most tokens produce.

3. The server calls :func:`finish_interrupted` with the kept state and that value (and the TSA for
   B-T/B-LT). The value is verified against the certificate's public key *before* it is embedded
   (``SIGNATURE_MISMATCH`` otherwise), the certificate is checked again, and the CMS — with the
   signature timestamp, then the DSS for B-LT — is written into the reserved space.

Every failure is a :class:`SigningError` with a machine code (:class:`SigningProblem`) that the
Odoo side translates, and an English message. Nothing here imports Odoo.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import logging
import math
import os
import re
import struct
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from io import BytesIO
from pathlib import Path
from typing import Any, cast

from asn1crypto import algos, cms, keys
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from fontTools import subset as font_subset
from fontTools.ttLib import TTFont, TTLibError
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import content as pdf_content
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pdf_fields
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import (
    ExternalSigner,
    PdfSignatureMetadata,
    PdfSigner,
    SimpleSigner,
)
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    PdfTBSDocument,
    PostSignInstructions,
    PreSignValidationStatus,
)
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.stamp.base import BaseStamp, BaseStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from moh_core.fonts import FontNotFoundError, find_font_dir, nfc
from moh_core.signatures.certificates import load_certificates as _load_certificates
from moh_core.signatures.certificates import pem_or_der as _pem_or_der

__all__ = [
    "DEFAULT_BYTES_RESERVED",
    "DEFAULT_MAX_CHECK_AGE",
    "DIGEST_ALGORITHM",
    "MIN_EC_BITS",
    "MIN_RSA_BITS",
    "PSS_SALT_LENGTH",
    "STAMP_FONT_CANDIDATES",
    "VIETNAM_TZ",
    "CertificateCheck",
    "FieldBox",
    "MohSigner",
    "PreparedSignature",
    "RevocationData",
    "SignResult",
    "SignatureLevel",
    "SigningError",
    "SigningFailed",
    "SigningProblem",
    "SigningRefused",
    "StampStyle",
    "TextField",
    "VisibleStamp",
    "check_signer_certificate",
    "fill_fields",
    "finish_interrupted",
    "load_pkcs11_signer",
    "load_pkcs12_signer",
    "make_seal_image",
    "make_signature_image",
    "prepare_fields",
    "prepare_interrupted",
    "sign",
    "sign_many",
]

logger = logging.getLogger(__name__)

#: Circular 15/2025/TT-BKHCN minimum key sizes.
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
#: The only digest used for signing (SHA-2 family, Circular 15/2025/TT-BKHCN).
DIGEST_ALGORITHM = "sha256"
#: RSASSA-PSS salt length in bytes (= the SHA-256 output length, RFC 4055 §3.1).
PSS_SALT_LENGTH = 32
#: Viet Nam has no daylight saving time: a fixed +07:00 offset needs no tz database.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
#: A certificate check handed to :func:`sign` is reused only while it is this fresh.
DEFAULT_MAX_CHECK_AGE = timedelta(minutes=10)

#: Fonts with Vietnamese coverage for stamps, first found wins (fonts-noto-core, fonts-liberation2).
#: Only fonts with 1000 units per em (see :func:`_font_bytes`), hence no Liberation Serif.
STAMP_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
)
_SEAL_FONT_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    *STAMP_FONT_CANDIDATES,
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
)

_KEY_USAGES = ("non_repudiation", "digital_signature")
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


class SigningProblem(StrEnum):
    """Machine codes of :class:`SigningError`; the Odoo side translates them.

    The first seven are the certificate check's (:attr:`CertificateCheck.problems`).
    """

    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNTRUSTED = "untrusted"
    REVOCATION_UNKNOWN = "revocation_unknown"
    KEY_USAGE = "key_usage"
    WEAK_KEY = "weak_key"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    KEY_LOAD_FAILED = "key_load_failed"
    TOKEN_ERROR = "token_error"
    INVALID_PDF = "invalid_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    INVALID_FIELD = "invalid_field"
    FIELD_EXISTS = "field_exists"
    FIELD_NOT_FOUND = "field_not_found"
    FIELD_ALREADY_SIGNED = "field_already_signed"
    FIELD_ALREADY_FILLED = "field_already_filled"
    DOCUMENT_ALREADY_SIGNED = "document_already_signed"
    INVALID_STAMP = "invalid_stamp"
    FONT_NOT_FOUND = "font_not_found"
    TIMESTAMPER_REQUIRED = "timestamper_required"
    TIMESTAMP_FAILED = "timestamp_failed"
    SIGNATURE_TOO_LARGE = "signature_too_large"
    INVALID_STATE = "invalid_state"
    SIGNATURE_MISMATCH = "signature_mismatch"
    CHECK_MISMATCH = "check_mismatch"
    SIGNING_FAILED = "signing_failed"

    @property
    def description(self) -> str:
        """One English sentence, for logs and messages."""
        return _PROBLEM_DESCRIPTIONS[self]


_PROBLEM_DESCRIPTIONS: dict[SigningProblem, str] = {
    SigningProblem.EXPIRED: "the certificate has expired",
    SigningProblem.NOT_YET_VALID: "the certificate is not yet valid",
    SigningProblem.REVOKED: "the certificate (or a CA certificate in its chain) is revoked",
    SigningProblem.UNTRUSTED: "the certificate does not chain to a trusted root",
    SigningProblem.REVOCATION_UNKNOWN: "the revocation status could not be established",
    SigningProblem.KEY_USAGE: "the certificate may not sign documents (it needs key usage "
    "digitalSignature or nonRepudiation and must not be a time-stamping or OCSP certificate)",
    SigningProblem.WEAK_KEY: "the key is too weak (RSA needs at least 2048 bits, ECDSA at least 256 bits)",
    SigningProblem.UNSUPPORTED_ALGORITHM: "the key algorithm is not allowed (only RSA with RSASSA-PSS and ECDSA)",
    SigningProblem.KEY_LOAD_FAILED: "the key could not be loaded (wrong password or damaged file)",
    SigningProblem.TOKEN_ERROR: "the PKCS#11 token could not be used",
    SigningProblem.INVALID_PDF: "the file is not a PDF that can be signed",
    SigningProblem.ENCRYPTED_PDF: "the PDF is encrypted",
    SigningProblem.INVALID_FIELD: "the field description is invalid",
    SigningProblem.FIELD_EXISTS: "a field with this name already exists",
    SigningProblem.FIELD_NOT_FOUND: "the field does not exist",
    SigningProblem.FIELD_ALREADY_SIGNED: "the signature field is already signed",
    SigningProblem.FIELD_ALREADY_FILLED: "the text field already has a value",
    SigningProblem.DOCUMENT_ALREADY_SIGNED: "the document is already signed; "
    "fields must be created before the first signature",
    SigningProblem.INVALID_STAMP: "the visible stamp description is invalid",
    SigningProblem.FONT_NOT_FOUND: "no font with Vietnamese coverage was found for the stamp",
    SigningProblem.TIMESTAMPER_REQUIRED: "this signature level needs a time-stamping authority",
    SigningProblem.TIMESTAMP_FAILED: "the time-stamping authority did not return a timestamp",
    SigningProblem.SIGNATURE_TOO_LARGE: "the signature does not fit in the reserved space",
    SigningProblem.INVALID_STATE: "the saved signing state is damaged or unknown",
    SigningProblem.SIGNATURE_MISMATCH: "the returned signature does not match the certificate and the prepared data",
    SigningProblem.CHECK_MISMATCH: "the certificate check given is not for this signer",
    SigningProblem.SIGNING_FAILED: "the signature could not be created",
}


class SigningError(Exception):
    """Base of every error this module raises: a primary ``code``, all ``codes``, a message."""

    def __init__(
        self,
        code: SigningProblem,
        message: str | None = None,
        *,
        codes: Sequence[SigningProblem] | None = None,
    ) -> None:
        self.code = code
        self.codes: tuple[SigningProblem, ...] = tuple(codes) if codes else (code,)
        self.message = message or _describe(self.codes)
        super().__init__(self.message)


class SigningRefused(SigningError):
    """Signing is not allowed: the certificate check or the algorithm policy failed."""


class SigningFailed(SigningError):
    """Signing was attempted and failed (bad input, token, TSA, interrupted-signing state)."""


def _describe(codes: Sequence[SigningProblem]) -> str:
    text = "; ".join(code.description for code in codes)
    return text[:1].upper() + text[1:] + "."


# ---------------------------------------------------------------------------------------------
# Configuration and results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldBox:
    """A signature field to create: name, 0-based page index, box in PDF points or None.

    ``box`` is ``(x1, y1, x2, y2)`` — lower-left and upper-right corners in the page's default
    user space (points, origin bottom left). ``None`` makes an invisible field.
    """

    name: str
    page: int = 0
    box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class TextField:
    """A text field to create next to the signature fields, filled later by :func:`fill_fields`.

    For the register number and the issue date, which the records office writes on an
    electronic document after the competent person signed (see the module docstring);
    :class:`moh_core.documents.layout.TextBox` gives the boxes of a rendered draft.

    :param name: the field name (no dots).
    :param page: 0-based page index.
    :param box: ``(x1, y1, x2, y2)`` in PDF points, origin bottom left: as wide as the widest
        value (a wider one is drawn smaller to fit), as tall as the line.
    :param font_size: the text size in points.
    :param italic: the italic face (the date of Decree 30's box 4 is italic).
    :param align: ``"left"``, ``"center"`` or ``"right"`` in the box (PDF quadding /Q).
    """

    name: str
    page: int
    box: tuple[float, float, float, float]
    font_size: float = 13.0
    italic: bool = False
    align: str = "left"


@dataclass(frozen=True)
class RevocationData:
    """DER-encoded CRLs and OCSP responses used to establish revocation status."""

    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()

    def merged(self, other: RevocationData) -> RevocationData:
        return RevocationData(
            crls=tuple(dict.fromkeys((*self.crls, *other.crls))),
            ocsps=tuple(dict.fromkeys((*self.ocsps, *other.ocsps))),
        )


@dataclass(frozen=True)
class CertificateCheck:
    """Result of the pre-signing check of Circular 15/2025/TT-BKHCN; keep it with the signature."""

    ok: bool
    problems: tuple[SigningProblem, ...]
    checked_at: datetime
    """The moment the certificate was checked at (UTC)."""
    certificate_der: bytes = field(repr=False)
    subject: str
    common_name: str | None
    key_algorithm: str
    """``"rsa"``, ``"ec"`` or the unsupported algorithm's name."""
    key_size: int
    chain_der: tuple[bytes, ...] = field(default=(), repr=False)
    """The validated path, signer first and trust root last (empty if no path was validated)."""
    revocation: RevocationData = field(default_factory=RevocationData, repr=False)
    message: str = ""

    @property
    def summary(self) -> str:
        verdict = "certificate OK" if self.ok else "certificate REFUSED"
        return f"{self.common_name or self.subject}: {verdict}. {self.message}".strip()


class StampStyle(StrEnum):
    """Visible stamp kinds of Decree 30/2020/NĐ-CP, Appendix I."""

    SIGNER = "signer"
    """Competent signer: position, name, signing time and optionally the handwriting picture."""
    SEAL = "seal"
    """Agency signature: the red seal picture at the size of the field box."""
    TEXT_ONLY = "text_only"
    """Attachments/copies signed by the agency: number and symbol and ISO 8601 time, 10 pt."""


@dataclass(frozen=True)
class VisibleStamp:
    """What to draw in a visible signature field (invisible fields draw nothing).

    :param style: see :class:`StampStyle`.
    :param signer_name: SIGNER: the name shown; default the certificate's common name.
    :param position: SIGNER: authority and position, one line per ``\\n``
        (e.g. ``"KT. BỘ TRƯỞNG\\nTHỨ TRƯỞNG"``), drawn above the picture.
    :param image_png: SIGNER: the blue handwritten signature (optional); SEAL: the red seal
        (required). PNG with a transparent background.
    :param number_symbol: TEXT_ONLY (required): the document's number and symbol, e.g.
        ``"15/QĐ-BYT"``.
    :param font_path: OpenType/TrueType font with Vietnamese glyphs and 1000 units per em;
        default Noto Serif (see the module docstring on Liberation Serif).
    :param font_size: largest size in points (text shrinks to fit the box); TEXT_ONLY uses it as
        is (10 pt prescribed).
    """

    style: StampStyle = StampStyle.SIGNER
    signer_name: str | None = None
    position: str | None = None
    image_png: bytes | None = field(default=None, repr=False)
    number_symbol: str | None = None
    font_path: str | None = None
    font_size: float = 10.0

    def __post_init__(self) -> None:
        style = StampStyle(self.style)
        object.__setattr__(self, "style", style)
        if style is StampStyle.SEAL and not self.image_png:
            raise SigningFailed(SigningProblem.INVALID_STAMP, "A seal stamp needs the seal picture.")
        if style is StampStyle.TEXT_ONLY and not (self.number_symbol or "").strip():
            raise SigningFailed(SigningProblem.INVALID_STAMP, "A text-only stamp needs the number and symbol.")
        if not 2 <= self.font_size <= 72:
            raise SigningFailed(SigningProblem.INVALID_STAMP, "font_size must be 2-72 points.")


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


@dataclass(frozen=True)
class PreparedSignature:
    """What :func:`prepare_interrupted` returns; see the module docstring for the protocol."""

    digest: bytes
    """SHA-256 of :attr:`signed_attrs` — what a hash-signing client signs."""
    digest_algorithm: str
    signed_attrs: bytes = field(repr=False)
    """The DER-encoded CMS signed attributes (the to-be-signed bytes)."""
    signature_algorithm: str
    """``"rsassa_pss"`` or ``"ecdsa"``."""
    pss_salt_length: int | None
    state: bytes = field(repr=False)
    """Opaque, serialisable; keep it on the server until :func:`finish_interrupted`."""
    signing_time: datetime
    field_name: str
    certificate_der: bytes = field(repr=False)


# ---------------------------------------------------------------------------------------------
# Keys and the algorithm policy
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeyInfo:
    algorithm: str
    bits: int


def _key_info(cert: asn1_x509.Certificate) -> _KeyInfo:
    public_key: keys.PublicKeyInfo = cert.public_key
    algorithm = public_key.algorithm
    try:
        bits = int(public_key.bit_size)
    except Exception:  # noqa: BLE001 - unknown key types have no size
        bits = 0
    return _KeyInfo(algorithm=algorithm, bits=bits)


def _policy_problem(info: _KeyInfo) -> SigningProblem | None:
    """Circular 15/2025/TT-BKHCN: RSA >= 2048 bits or ECDSA >= 256 bits, nothing else."""
    if info.algorithm == "rsa":
        return SigningProblem.WEAK_KEY if info.bits < MIN_RSA_BITS else None
    if info.algorithm == "ec":
        return SigningProblem.WEAK_KEY if info.bits < MIN_EC_BITS else None
    return SigningProblem.UNSUPPORTED_ALGORITHM


def _refuse_by_policy(info: _KeyInfo) -> None:
    problem = _policy_problem(info)
    if problem is SigningProblem.WEAK_KEY:
        raise SigningRefused(
            problem,
            f"The {info.algorithm.upper()} key has {info.bits} bits; Circular 15/2025/TT-BKHCN "
            f"requires RSA of at least {MIN_RSA_BITS} bits or ECDSA of at least {MIN_EC_BITS}.",
        )
    if problem is not None:
        raise SigningRefused(
            problem,
            f"Keys of type {info.algorithm!r} are not allowed; Circular 15/2025/TT-BKHCN allows "
            "RSA (RSASSA-PSS) and ECDSA.",
        )


def _pss_mechanism() -> algos.SignedDigestAlgorithm:
    digest = algos.DigestAlgorithm({"algorithm": DIGEST_ALGORITHM})
    return algos.SignedDigestAlgorithm(
        {
            "algorithm": "rsassa_pss",
            "parameters": algos.RSASSAPSSParams(
                {
                    "hash_algorithm": digest,
                    "mask_gen_algorithm": algos.MaskGenAlgorithm({"algorithm": "mgf1", "parameters": digest}),
                    "salt_length": PSS_SALT_LENGTH,
                }
            ),
        }
    )


def _mechanism(info: _KeyInfo) -> algos.SignedDigestAlgorithm:
    _refuse_by_policy(info)
    if info.algorithm == "rsa":
        return _pss_mechanism()
    return algos.SignedDigestAlgorithm({"algorithm": f"{DIGEST_ALGORITHM}_ecdsa"})


class _LoadedKeySigner(SimpleSigner):
    """SimpleSigner that keeps the parsed private key.

    pyHanko's ``SimpleSigner.sign_raw`` re-parses the key from DER for every signature (with the
    RSA consistency check, tens of milliseconds); a bulk signer loads it once.
    """

    def __init__(
        self,
        *,
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        signing_cert: asn1_x509.Certificate,
        cert_registry: SimpleCertificateStore,
        signature_mechanism: algos.SignedDigestAlgorithm,
    ) -> None:
        key_info = keys.PrivateKeyInfo.load(
            private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        super().__init__(
            signing_cert=signing_cert,
            signing_key=key_info,
            cert_registry=cert_registry,
            signature_mechanism=signature_mechanism,
        )
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism.signature_algo
        key = self._private_key
        if algorithm == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            pss_padding, digest = process_pss_params(mechanism["parameters"])
            return key.sign(data, pss_padding, digest)
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        raise SigningRefused(SigningProblem.UNSUPPORTED_ALGORITHM)


@dataclass(frozen=True, eq=False)
class MohSigner:
    """A loaded signing key with its certificate, reusable for any number of documents.

    Not thread-safe: use one per thread (Odoo workers are processes). Call :meth:`close` (or use
    it as a context manager) to close a PKCS#11 session.
    """

    pyhanko_signer: Signer = field(repr=False)
    certificate: asn1_x509.Certificate = field(repr=False)
    chain: tuple[asn1_x509.Certificate, ...] = field(repr=False)
    """Other certificates that came with the key (PKCS#12 bag, token, ``chain`` argument)."""
    key_algorithm: str
    key_size: int
    source: str
    """``"pkcs12"`` or ``"pkcs11"``."""
    common_name: str | None
    _session: Any = field(default=None, repr=False)
    _closed: list[bool] = field(default_factory=lambda: [False], repr=False)

    @property
    def certificate_der(self) -> bytes:
        der: bytes = self.certificate.dump()
        return der

    @property
    def signature_algorithm(self) -> str:
        return "rsassa_pss" if self.key_algorithm == "rsa" else "ecdsa"

    def close(self) -> None:
        """Close the PKCS#11 session (no-op for PKCS#12 keys); idempotent."""
        if self._session is not None and not self._closed[0]:
            self._closed[0] = True
            try:
                self._session.close()
            except Exception:
                logger.warning("Closing the PKCS#11 session failed", exc_info=True)

    def __enter__(self) -> MohSigner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _common_name(cert: asn1_x509.Certificate) -> str | None:
    native = cert.subject.native
    value = native.get("common_name") or native.get("organization_name")
    if isinstance(value, list):
        value = value[0] if value else None
    name: str | None = value
    return name


def load_pkcs12_signer(data: bytes, password: bytes | str | None) -> MohSigner:
    """Load a PKCS#12 key once (e.g. decrypted from the database) for any number of signatures.

    :raises SigningFailed: ``KEY_LOAD_FAILED`` (wrong password, damaged file, no key or
        certificate in it).
    :raises SigningRefused: ``WEAK_KEY`` / ``UNSUPPORTED_ALGORITHM`` (algorithm policy).
    """
    if isinstance(password, str):
        password = password.encode()
    try:
        private_key, certificate, additional = pkcs12.load_key_and_certificates(bytes(data), password or None)
    except (ValueError, TypeError) as exc:
        raise SigningFailed(
            SigningProblem.KEY_LOAD_FAILED,
            f"The PKCS#12 file could not be opened (wrong password or damaged file): {exc}",
        ) from exc
    if private_key is None or certificate is None:
        raise SigningFailed(SigningProblem.KEY_LOAD_FAILED, "The PKCS#12 file holds no private key or certificate.")
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    info = _key_info(cert)
    mechanism = _mechanism(info)
    if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SigningRefused(SigningProblem.UNSUPPORTED_ALGORITHM)
    certificate_key = certificate.public_key()
    if (
        not isinstance(certificate_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
        or private_key.public_key().public_numbers() != certificate_key.public_numbers()
    ):
        raise SigningFailed(SigningProblem.KEY_LOAD_FAILED, "The private key does not match the certificate.")
    chain = tuple(asn1_x509.Certificate.load(extra.public_bytes(serialization.Encoding.DER)) for extra in additional)
    registry = SimpleCertificateStore.from_certs([cert, *chain])
    pyhanko_signer = _LoadedKeySigner(
        private_key=private_key,
        signing_cert=cert,
        cert_registry=registry,
        signature_mechanism=mechanism,
    )
    return MohSigner(
        pyhanko_signer=pyhanko_signer,
        certificate=cert,
        chain=chain,
        key_algorithm=info.algorithm,
        key_size=info.bits,
        source="pkcs12",
        common_name=_common_name(cert),
    )


def load_pkcs11_signer(
    lib_path: str,
    token_label: str,
    pin: str,
    key_label: str,
    cert_label: str,
    *,
    chain: Sequence[bytes] = (),
    environment: Mapping[str, str] | None = None,
) -> MohSigner:
    """Open a PKCS#11 session (an HSM; SoftHSM2 in tests) and keep it open for bulk signing.

    ``environment`` holds the variables the PKCS#11 module reads its configuration from when it
    initialises (``SOFTHSM2_CONF`` for SoftHSM2, ``ChrystokiConfigurationPath`` for Thales Luna,
    ...): they are set in this process before the module is used, and the module is initialised
    again if it was already running with other values.

    The certificate is read from the token by ``cert_label``; every other certificate on the
    token is pulled too (a CA chain stored there), and ``chain`` (DER or PEM) adds more. RSA keys
    sign with ``CKM_SHA256_RSA_PKCS_PSS``; EC keys with ``CKM_ECDSA`` over a host-computed SHA-256
    digest (SoftHSM2 and many HSMs lack ``CKM_ECDSA_SHA256``).

    :raises SigningFailed: ``TOKEN_ERROR`` (library, token, PIN, key or certificate not found).
    :raises SigningRefused: ``WEAK_KEY`` / ``UNSUPPORTED_ALGORITHM``.
    """
    try:  # PKCS#11 is loaded only when a token is used
        from pkcs11 import Attribute, ObjectClass  # noqa: PLC0415
        from pkcs11.exceptions import PKCS11Error, UserAlreadyLoggedIn  # noqa: PLC0415
        from pyhanko.config.pkcs11 import TokenCriteria  # noqa: PLC0415
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - python-pkcs11 is a dependency
        raise SigningFailed(SigningProblem.TOKEN_ERROR, f"PKCS#11 support missing: {exc}") from exc

    session = None
    try:
        _apply_pkcs11_environment(lib_path, environment or {})
        criteria = TokenCriteria(label=token_label)
        try:
            session = open_pkcs11_session(lib_path, token_criteria=criteria, user_pin=pin)
        except UserAlreadyLoggedIn:
            # PKCS#11 login state is per token and process: another open session (a second
            # MohSigner on the same token) already logged in; new sessions share that login.
            session = open_pkcs11_session(lib_path, token_criteria=criteria, user_pin=None)
        found = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: cert_label}))
        if len(found) != 1:
            raise SigningFailed(
                SigningProblem.TOKEN_ERROR,
                f"Expected one certificate labelled {cert_label!r} on token {token_label!r}, found {len(found)}.",
            )
        cert = asn1_x509.Certificate.load(found[0][Attribute.VALUE])
        info = _key_info(cert)
        mechanism = _mechanism(info)
        extra = _load_certificates(chain, "chain certificate")
        pyhanko_signer = PKCS11Signer(
            session,
            signing_cert=cert,
            key_label=key_label,
            ca_chain=extra,
            other_certs_to_pull=None,  # the whole chain stored on the token
            signature_mechanism=mechanism,
            use_raw_mechanism=info.algorithm == "ec",
        )
        asyncio.run(pyhanko_signer.ensure_objects_loaded())  # find the key now, not mid-batch
        registry_certs = tuple(other for other in pyhanko_signer.cert_registry if other.dump() != cert.dump())
    except SigningError:
        if session is not None:
            session.close()
        raise
    except (PKCS11Error, PyHankoSigningError, OSError, RuntimeError) as exc:
        if session is not None:
            session.close()
        raise SigningFailed(
            SigningProblem.TOKEN_ERROR,
            f"The PKCS#11 token {token_label!r} could not be used: {type(exc).__name__} {exc}",
        ) from exc
    return MohSigner(
        pyhanko_signer=pyhanko_signer,
        certificate=cert,
        chain=registry_certs,
        key_algorithm=info.algorithm,
        key_size=info.bits,
        source="pkcs11",
        common_name=_common_name(cert),
        _session=session,
    )


def _apply_pkcs11_environment(lib_path: str, environment: Mapping[str, str]) -> None:
    """Set the module's configuration variables; re-initialise a module loaded with others."""
    changed = {name: value for name, value in environment.items() if os.environ.get(name) != value}
    if not changed:
        return
    os.environ.update(changed)
    import pkcs11  # noqa: PLC0415 - after the environment it reads is set

    try:
        pkcs11.lib(lib_path).reinitialize()  # re-reads its configuration (a no-op cost if fresh)
    except pkcs11.exceptions.PKCS11Error:
        pass


# ---------------------------------------------------------------------------------------------
# Validation material and the certificate check
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Material:
    """Parsed trust roots, CRLs, OCSP responses and certificates (cached by content)."""

    trust_roots: tuple[asn1_x509.Certificate, ...]
    other_certs: tuple[asn1_x509.Certificate, ...]
    crls: tuple[asn1_crl.CertificateList, ...]
    ocsps: tuple[asn1_ocsp.OCSPResponse, ...]
    source: tuple[tuple[bytes, ...], ...]

    def context(self, moment: datetime | None = None, allow_fetching: bool = False) -> ValidationContext:
        return ValidationContext(
            trust_roots=list(self.trust_roots),
            other_certs=list(self.other_certs),
            crls=list(self.crls),
            ocsps=list(self.ocsps),
            moment=moment,
            allow_fetching=allow_fetching,
            revocation_mode="hard-fail",
        )


@functools.lru_cache(maxsize=32)
def _parse_material(
    trust_roots: tuple[bytes, ...],
    crls: tuple[bytes, ...],
    other_certs: tuple[bytes, ...],
    ocsps: tuple[bytes, ...],
) -> _Material:
    parsed_crls = []
    for index, item in enumerate(crls):
        try:
            for der in _pem_or_der(item):
                crl = asn1_crl.CertificateList.load(der)
                crl.native  # noqa: B018
                parsed_crls.append(crl)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"CRL #{index + 1} is not a DER or PEM CRL: {exc}") from exc
    parsed_ocsps = []
    for index, item in enumerate(ocsps):
        try:
            response = asn1_ocsp.OCSPResponse.load(bytes(item))
            response.native  # noqa: B018
            parsed_ocsps.append(response)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"OCSP response #{index + 1} is not DER: {exc}") from exc
    return _Material(
        trust_roots=tuple(_load_certificates(trust_roots, "trust root")),
        other_certs=tuple(_load_certificates(other_certs, "certificate")),
        crls=tuple(parsed_crls),
        ocsps=tuple(parsed_ocsps),
        source=(trust_roots, crls, other_certs, ocsps),
    )


def _material(
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes],
    other_certs: Sequence[bytes],
    ocsps: Sequence[bytes] = (),
) -> _Material:
    def freeze(items: Sequence[bytes] | bytes | bytearray) -> tuple[bytes, ...]:
        if isinstance(items, bytes | bytearray):
            raise TypeError("pass a sequence of DER/PEM items, not a single bytes object")
        return tuple(bytes(item) for item in items)

    return _parse_material(freeze(trust_roots), freeze(crls), freeze(other_certs), freeze(ocsps))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _revocation_for(context: ValidationContext, certs: Sequence[asn1_x509.Certificate]) -> RevocationData:
    """The CRLs issued by the CAs of ``certs`` and the OCSP responses known to the context."""
    issuers = {cert.issuer.dump() for cert in certs}
    crls = tuple(dict.fromkeys(crl.dump() for crl in context.crls if crl.issuer.dump() in issuers))
    ocsps = tuple(dict.fromkeys(response.dump() for response in context.ocsps))
    return RevocationData(crls=crls, ocsps=ocsps)


async def _check(
    cert: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    context: ValidationContext,
) -> tuple[CertificateCheck, ValidationPath | None]:
    problems: list[SigningProblem] = []
    notes: list[str] = []
    moment = _utc(context.moment)
    info = _key_info(cert)
    policy = _policy_problem(info)
    if policy is not None:
        problems.append(policy)
        notes.append(f"{info.algorithm.upper()} key of {info.bits} bits")
    validity = cert["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if moment < not_before:
        problems.append(SigningProblem.NOT_YET_VALID)
        notes.append(f"valid from {not_before.isoformat()}")
    if moment > not_after:
        problems.append(SigningProblem.EXPIRED)
        notes.append(f"expired on {not_after.isoformat()}")
    usage = cert.key_usage_value
    usages = set(usage.native) if usage is not None else set()
    if not usages & set(_KEY_USAGES):
        problems.append(SigningProblem.KEY_USAGE)
    extended = cert.extended_key_usage_value
    if extended is not None and set(extended.native) & {"time_stamping", "ocsp_signing"}:
        # RFC 3161 / RFC 6960 certificates are for timestamps and OCSP responses only
        problems.append(SigningProblem.KEY_USAGE)
        notes.append("a time-stamping or OCSP certificate cannot sign documents")

    path: ValidationPath | None = None
    validator = CertificateValidator(cert, intermediate_certs=list(intermediates), validation_context=context)
    try:
        path = await validator.async_validate_path()
    except RevokedError as exc:
        problems.append(SigningProblem.REVOKED)
        notes.append(str(exc))
    except InsufficientRevinfoError as exc:
        problems.append(SigningProblem.REVOCATION_UNKNOWN)
        notes.append(str(exc))
    except ExpiredError as exc:
        problems.append(SigningProblem.EXPIRED)
        notes.append(str(exc))
    except NotYetValidError as exc:
        problems.append(SigningProblem.NOT_YET_VALID)
        notes.append(str(exc))
    except (
        PathBuildingError,
        InvalidCertificateError,
        PathValidationError,
        ValidationError,
    ) as exc:
        problems.append(SigningProblem.UNTRUSTED)
        notes.append(str(exc))

    unique = tuple(dict.fromkeys(problems))
    chain_certs = list(path.iter_certs(include_root=True)) if path is not None else []
    known = [cert, *intermediates, *chain_certs]
    check = CertificateCheck(
        ok=not unique,
        problems=unique,
        checked_at=moment,
        certificate_der=cert.dump(),
        subject=cert.subject.human_friendly,
        common_name=_common_name(cert),
        key_algorithm=info.algorithm,
        key_size=info.bits,
        chain_der=tuple(c.dump() for c in reversed(chain_certs)) if chain_certs else (),
        revocation=_revocation_for(context, known),
        message=(_describe(unique) + (" " + "; ".join(notes) + "." if notes else ""))
        if unique
        else "Valid, trusted, not revoked, usable for signing.",
    )
    return check, path


def check_signer_certificate(
    signer: MohSigner | bytes,
    *,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    moment: datetime | None = None,
    allow_fetching: bool = False,
) -> CertificateCheck:
    """Check a signer's certificate before signing (Circular 15/2025/TT-BKHCN).

    Checks the algorithm policy (``WEAK_KEY``/``UNSUPPORTED_ALGORITHM``), the validity period
    (``EXPIRED``/``NOT_YET_VALID``), key usage digitalSignature or nonRepudiation (``KEY_USAGE``),
    the chain to ``trust_roots`` (``UNTRUSTED``) and revocation in hard-fail mode (``REVOKED``,
    ``REVOCATION_UNKNOWN`` when no CRL/OCSP data covers a certificate that declares some).

    :param signer: a loaded :class:`MohSigner` or a certificate (DER or PEM).
    :param trust_roots: trust anchors (DER or PEM); never the operating system's store.
    :param crls: CRLs (DER or PEM) in force now; with ``allow_fetching`` pyHanko may download more.
    :param other_certs: intermediate certificates not shipped with the key.
    :param moment: timezone-aware time to check at (default now; not with ``allow_fetching``).
    """
    if moment is not None and moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    if isinstance(signer, MohSigner):
        cert, intermediates = signer.certificate, list(signer.chain)
    else:
        loaded = _load_certificates([signer], "signer certificate")
        if not loaded:
            raise ValueError("no certificate given")
        cert, intermediates = loaded[0], loaded[1:]
    material = _material(trust_roots, crls, other_certs, ocsps)
    context = material.context(moment, allow_fetching)
    check, _ = asyncio.run(_check_and_release(cert, intermediates, context))
    return check


async def _check_and_release(
    cert: asn1_x509.Certificate,
    intermediates: Sequence[asn1_x509.Certificate],
    context: ValidationContext,
) -> tuple[CertificateCheck, ValidationPath | None]:
    try:
        return await _check(cert, intermediates, context)
    finally:
        await context.aclose()


def _refuse_failed_check(check: CertificateCheck) -> None:
    if not check.ok:
        raise SigningRefused(
            check.problems[0],
            f"Signing refused for {check.common_name or check.subject}: {check.message}",
            codes=check.problems,
        )


# ---------------------------------------------------------------------------------------------
# PDF helpers and fields
# ---------------------------------------------------------------------------------------------


def _open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if not isinstance(pdf, bytes | bytearray | memoryview):
        raise TypeError(f"pdf must be bytes, not {type(pdf).__name__}")
    data = bytes(pdf)
    if b"%PDF-" not in data[:1024]:
        raise SigningFailed(SigningProblem.INVALID_PDF, "The file is not a PDF (no %PDF- header).")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        writer.root  # noqa: B018 - resolve the catalog now
    except Exception as exc:
        raise SigningFailed(SigningProblem.INVALID_PDF, f"The PDF cannot be read: {exc}") from exc
    if writer.prev.encrypted:
        raise SigningFailed(SigningProblem.ENCRYPTED_PDF, "Encrypted PDFs are not signed.")
    return writer


def _signature_fields(writer: IncrementalPdfFileWriter) -> dict[str, bool]:
    """Signature field name -> filled."""
    return {name: value is not None for name, value, _ in pdf_fields.enumerate_sig_fields(writer.prev)}


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


def _field_names(writer: IncrementalPdfFileWriter) -> set[str]:
    """Fully qualified names of every form field (any type)."""
    names: set[str] = set()
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return names

    def walk(items: Any, parent: str, depth: int) -> None:
        if depth > 16:
            return
        for item in items:
            node = item.get_object()
            if not isinstance(node, generic.DictionaryObject) or "/T" not in node:
                continue
            name = f"{parent}.{node['/T']}" if parent else str(node["/T"])
            names.add(name)
            if "/Kids" in node:
                walk(node["/Kids"], name, depth + 1)

    walk(fields, "", 0)
    return names


def _checked_box(name: str, box: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        x1, y1, x2, y2 = (float(v) for v in box)
    except (TypeError, ValueError) as exc:
        raise SigningFailed(SigningProblem.INVALID_FIELD, f"Field {name!r}: box {box!r} is not four numbers.") from exc
    if not (x2 > x1 and y2 > y1) or any(math.isnan(v) for v in (x1, y1, x2, y2)):
        raise SigningFailed(
            SigningProblem.INVALID_FIELD,
            f"Field {name!r}: box {box} must be (x1, y1, x2, y2) with x2 > x1 and y2 > y1.",
        )
    return x1, y1, x2, y2


def prepare_fields(pdf: bytes, boxes: Sequence[FieldBox], text_fields: Sequence[TextField] = ()) -> bytes:
    """Create all fields (signer, seal, ...; number, date) in ONE incremental update, first.

    Later boxes are drawn above earlier ones (widget order), so list the seal after the signer
    whose box it overlaps.

    ``text_fields`` become read-only AcroForm text fields (FT /Tx, one widget each, empty value,
    no border or background, printed) whose default appearance (/DA) names a font with the
    Vietnamese letters kept in the form's default resources (/AcroForm /DR); fill them after
    signing with :func:`fill_fields`.

    :raises SigningFailed: ``INVALID_FIELD`` (bad name, page, box, size or alignment; duplicate
        names; nothing to create), ``FIELD_EXISTS``, ``DOCUMENT_ALREADY_SIGNED`` (SIGNING.md: a
        field added after a signature weakens it), ``INVALID_PDF``/``ENCRYPTED_PDF``,
        ``FONT_NOT_FOUND``.
    """
    boxes = list(boxes)
    text_fields = list(text_fields)
    if not boxes and not text_fields:
        raise SigningFailed(SigningProblem.INVALID_FIELD, "No field to create.")
    names = [box.name for box in boxes] + [text.name for text in text_fields]
    if len(set(names)) != len(names):
        raise SigningFailed(SigningProblem.INVALID_FIELD, f"Duplicate field names in {names}.")
    writer = _open_writer(pdf)
    existing = _signature_fields(writer)
    if any(existing.values()):
        raise SigningFailed(SigningProblem.DOCUMENT_ALREADY_SIGNED)
    all_existing = _field_names(writer) | set(existing)
    pages = _page_count(writer)
    for name, page in [(box.name, box.page) for box in boxes] + [(text.name, text.page) for text in text_fields]:
        if not name or "." in name or not name.isprintable():
            raise SigningFailed(SigningProblem.INVALID_FIELD, f"Invalid field name {name!r} (no dots).")
        if name in all_existing:
            raise SigningFailed(SigningProblem.FIELD_EXISTS, f"The field {name!r} already exists.")
        if not 0 <= page < pages:
            raise SigningFailed(
                SigningProblem.INVALID_FIELD,
                f"Field {name!r}: page index {page} outside 0..{pages - 1}.",
            )
    specs = [
        pdf_fields.SigFieldSpec(
            box.name,
            on_page=box.page,
            # pyHanko annotates the box as ints; it writes any PDF number, and the layout's boxes are exact.
            box=None if box.box is None else _checked_box(box.name, box.box),  # type: ignore[arg-type]
        )
        for box in boxes
    ]
    checked_text = []
    for text in text_fields:
        rect = _checked_box(text.name, text.box)
        if not 4 <= float(text.font_size) <= 72:
            raise SigningFailed(SigningProblem.INVALID_FIELD, f"Field {text.name!r}: font_size must be 4-72 points.")
        if text.align not in _QUADDING:
            raise SigningFailed(
                SigningProblem.INVALID_FIELD,
                f"Field {text.name!r}: align must be one of {', '.join(_QUADDING)}.",
            )
        checked_text.append((text, rect))
    for spec in specs:
        pdf_fields.append_signature_field(writer, spec)
    if checked_text:
        _add_text_fields(writer, checked_text)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# Text fields filled after signing (number and date)
# ---------------------------------------------------------------------------------------------

#: PDF quadding (/Q) of the alignments.
_QUADDING: dict[str, int] = {"left": 0, "center": 1, "right": 2}
_ALIGNMENTS = {value: key for key, value in _QUADDING.items()}
#: Field flags: ReadOnly (bit 1), DoNotSpellCheck (bit 23), DoNotScroll (bit 24).
_TEXT_FIELD_FLAGS = 1 | 1 << 22 | 1 << 23
#: Annotation flags: Print.
_TEXT_WIDGET_FLAGS = 4
#: /DR resource names of the two faces.
_FIELD_FONT_NAMES = {False: "/MohSerif", True: "/MohSerif-Italic"}
_NOTO_SERIF = {
    False: Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    True: Path("/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf"),
}
_LIBERATION_SERIF = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Italic.ttf"}
#: What the fonts keep: ASCII, Latin-1, Latin Extended-A/B (Đ, Ă, Ơ, Ư, ...), combining marks,
#: the Vietnamese letters with two marks (Latin Extended Additional), punctuation and the đồng.
_FIELD_FONT_UNICODES: tuple[int, ...] = (
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2010, 0x2030),
    0x20AB,
)
_VIETNAMESE_LETTERS = "".join(
    nfc(base + mark)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for mark in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
)
#: What the /DR fonts cover: enough for a viewer to show any Vietnamese number or date.
_DR_REPERTOIRE = "".join(chr(c) for c in range(0x20, 0x7F)) + "đĐ" + _VIETNAMESE_LETTERS
#: Shaping like reportlab draws the page text: no kerning, no ligatures.
_FIELD_FEATURES = {"kern": False, "liga": False}
_DA_FONT = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+([0-9.]+)\s+Tf")


def _field_font_file(italic: bool) -> Path:
    """The document's face (Liberation Serif) if installed, else Noto Serif."""
    candidates: list[Path] = []
    try:
        candidates.append(find_font_dir() / _LIBERATION_SERIF[italic])
    except FontNotFoundError:
        pass
    candidates.append(_NOTO_SERIF[italic])
    return _find_font(candidates)


@functools.lru_cache(maxsize=8)
def _em1000_font(path: str) -> tuple[bytes, float]:
    """The font at ``path`` cut to Latin and Vietnamese, at 1000 units per em, and its cap
    height in em.

    pyHanko 0.38 writes glyph widths in font units (see :func:`_font_bytes`), right only for
    1000 units per em; Liberation Serif has 2048, so it is rescaled with fontTools (outlines,
    metrics, kerning) and its hinting, meaningless after rescaling, dropped. Cut first to the
    few hundred glyphs Vietnamese text needs, which also makes the rescaling quick.
    """
    try:
        font = TTFont(path)
        options = font_subset.Options()
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.drop_tables += ["FFTM"]
        subsetter = font_subset.Subsetter(options=options)
        subsetter.populate(unicodes=_FIELD_FONT_UNICODES)
        subsetter.subset(font)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        output = BytesIO()
        font.save(output)
        cap_height = getattr(font["OS/2"], "sCapHeight", 0) or 700
    except (OSError, KeyError, TTLibError) as exc:
        raise SigningFailed(SigningProblem.FONT_NOT_FOUND, f"The field font {path} cannot be read: {exc}") from exc
    return output.getvalue(), cap_height / 1000


def _field_engine(writer: IncrementalPdfFileWriter, italic: bool, size: float) -> GlyphAccumulator:
    data, _ = _em1000_font(str(_field_font_file(italic)))
    return GlyphAccumulator(
        writer=writer,
        font_handle=BytesIO(data),
        font_size=size,
        features=_FIELD_FEATURES,
        obj_stream=writer.prepare_object_stream() if writer.stream_xrefs else None,
    )


def _indirect_dict(
    writer: IncrementalPdfFileWriter, parent: generic.DictionaryObject, key: str
) -> generic.DictionaryObject:
    """``parent[key]`` as a dictionary to modify (created direct if missing); an indirect one
    is marked as updated."""
    if key not in parent:
        parent[generic.pdf_name(key)] = generic.DictionaryObject()
    raw = parent.raw_get(key)
    if isinstance(raw, generic.IndirectObject):
        writer.mark_update(raw)
        target: generic.DictionaryObject = raw.get_object()
        return target
    direct: generic.DictionaryObject = raw
    return direct


def _add_text_fields(
    writer: IncrementalPdfFileWriter,
    texts: Sequence[tuple[TextField, tuple[float, float, float, float]]],
) -> None:
    root = writer.root
    if "/AcroForm" not in root:
        root[generic.pdf_name("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({generic.pdf_name("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    raw_form = root.raw_get("/AcroForm")
    if isinstance(raw_form, generic.IndirectObject):
        writer.mark_update(raw_form)
        form = raw_form.get_object()
    else:
        writer.update_root()
        form = raw_form
    if "/Fields" not in form:
        form[generic.pdf_name("/Fields")] = generic.ArrayObject()
    raw_fields = form.raw_get("/Fields")
    if isinstance(raw_fields, generic.IndirectObject):
        writer.mark_update(raw_fields)
    fields = raw_fields.get_object()
    resources = _indirect_dict(writer, form, "/DR")
    fonts = _indirect_dict(writer, resources, "/Font")
    for italic in sorted({text.italic for text, _ in texts}):
        engine = _field_engine(writer, italic, 10)
        engine.shape(_DR_REPERTOIRE, with_actual_text=False)
        fonts[generic.pdf_name(_FIELD_FONT_NAMES[italic])] = engine.as_resource()
    first_da = None
    for text, (x1, y1, x2, y2) in texts:
        page_ref = writer.find_page_for_modification(text.page)[0]
        da = f"{_FIELD_FONT_NAMES[text.italic]} {float(text.font_size):g} Tf 0 g"
        first_da = first_da or da
        empty = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                generic.pdf_name("/BBox"): generic.ArrayObject(
                    [
                        generic.FloatObject(0),
                        generic.FloatObject(0),
                        generic.FloatObject(x2 - x1),
                        generic.FloatObject(y2 - y1),
                    ]
                ),
                generic.pdf_name("/Resources"): generic.DictionaryObject(),
            },
            stream_data=b"/Tx BMC EMC",
        )
        widget = generic.DictionaryObject(
            {
                generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
                generic.pdf_name("/T"): generic.pdf_string(text.name),
                generic.pdf_name("/Ff"): generic.NumberObject(_TEXT_FIELD_FLAGS),
                generic.pdf_name("/V"): generic.pdf_string(""),
                generic.pdf_name("/DA"): generic.pdf_string(da),
                generic.pdf_name("/Q"): generic.NumberObject(_QUADDING[text.align]),
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
                generic.pdf_name("/F"): generic.NumberObject(_TEXT_WIDGET_FLAGS),
                generic.pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x1, y1, x2, y2)]),
                generic.pdf_name("/P"): page_ref,
                generic.pdf_name("/AP"): generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(empty)}),
            }
        )
        widget_ref = writer.add_object(widget)
        fields.append(widget_ref)
        writer.register_annotation(page_ref, widget_ref)
    if "/DA" not in form and first_da:
        form[generic.pdf_name("/DA")] = generic.pdf_string(first_da)


def _text_fields(writer: IncrementalPdfFileWriter) -> dict[str, generic.IndirectObject]:
    """Top-level text fields with a single widget (the ones :func:`prepare_fields` makes)."""
    result: dict[str, generic.IndirectObject] = {}
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return result
    for item in fields:
        if not isinstance(item, generic.IndirectObject):
            continue
        node = item.get_object()
        if isinstance(node, generic.DictionaryObject) and node.get("/FT") == "/Tx":
            result[str(node.get("/T", ""))] = item
    return result


def _field_appearance(
    writer: IncrementalPdfFileWriter,
    field_dict: generic.DictionaryObject,
    text: str,
    engines: dict[bool, GlyphAccumulator],
) -> generic.StreamObject:
    x1, y1, x2, y2 = (float(v) for v in field_dict["/Rect"])
    width, height = abs(x2 - x1), abs(y2 - y1)
    match = _DA_FONT.search(str(field_dict.get("/DA", "")).encode("latin-1", "replace"))
    font_name = "/" + match.group(1).decode("ascii") if match else _FIELD_FONT_NAMES[False]
    size = float(match.group(2)) if match else 13.0
    italic = font_name == _FIELD_FONT_NAMES[True]
    align = _ALIGNMENTS.get(int(field_dict.get("/Q", 0)), "left")
    if italic not in engines:
        engines[italic] = _field_engine(writer, italic, size)
    engine = engines[italic]
    _, cap_height = _em1000_font(str(_field_font_file(italic)))
    em_width = engine.shape(text, with_actual_text=False).x_advance or 1.0
    if em_width * size > width:  # a value wider than the box is drawn smaller, never clipped
        size = width / em_width
    engine.font_size = size  # type: ignore[assignment]  # pyHanko annotates an int; any size works
    text_width = em_width * size
    if align == "right":
        x = width - text_width
    elif align == "center":
        x = (width - text_width) / 2
    else:
        x = 0.0
    baseline = (height - cap_height * size) / 2  # capitals centred in the box
    ops = b"/Tx BMC q BT %s %g Tf 0 g 1 0 0 1 %g %g Tm %s ET Q EMC" % (
        font_name.encode("ascii"),
        size,
        x,
        baseline,
        engine.shape(text).graphics_ops,
    )
    return generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(
                [
                    generic.FloatObject(0),
                    generic.FloatObject(0),
                    generic.FloatObject(width),
                    generic.FloatObject(height),
                ]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name(font_name): engine.as_resource()}
                    )
                }
            ),
        },
        stream_data=ops,
    )


def fill_fields(pdf: bytes, values: Mapping[str, str]) -> bytes:
    """Fill text fields made by :func:`prepare_fields` in ONE incremental update.

    Each field gets its value (/V, NFC, whitespace runs collapsed) and a new normal appearance
    (/AP /N): the text in the field's font and size (/DA; shrunk only if it does not fit the
    box), aligned as its /Q says, capitals centred vertically, black, no border or background.
    Nothing else changes, so pyHanko's difference analysis classes the update as FORM_FILLING:
    earlier approval signatures stay valid (a certification signature allowing only signing
    would not). Use it after the competent person's signature and before the agency's seal.

    :param values: field name -> text, e.g. ``{"number": "05", "date": "ngày 20 tháng 11 năm
        2026"}``.
    :raises SigningFailed: ``FIELD_NOT_FOUND`` (no text field of that name),
        ``FIELD_ALREADY_FILLED`` (an issued number or date is never rewritten), ``INVALID_FIELD``
        (empty value, nothing to fill), ``INVALID_PDF``/``ENCRYPTED_PDF``, ``FONT_NOT_FOUND``.
    """
    if not values:
        raise SigningFailed(SigningProblem.INVALID_FIELD, "No field value to fill in.")
    writer = _open_writer(pdf)
    fields = _text_fields(writer)
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        if name not in fields:
            raise SigningFailed(SigningProblem.FIELD_NOT_FOUND, f"There is no text field named {name!r}.")
        text = " ".join(nfc(str(value)).split())
        if not text:
            raise SigningFailed(SigningProblem.INVALID_FIELD, f"Field {name!r}: empty value.")
        if str(fields[name].get_object().get("/V", "")).strip():
            raise SigningFailed(SigningProblem.FIELD_ALREADY_FILLED, f"The field {name!r} is already filled in.")
        cleaned[name] = text
    engines: dict[bool, GlyphAccumulator] = {}
    for name, text in cleaned.items():
        ref = fields[name]
        field_dict = ref.get_object()
        appearance = _field_appearance(writer, field_dict, text, engines)
        field_dict[generic.pdf_name("/V")] = generic.pdf_string(text)
        field_dict[generic.pdf_name("/AP")] = generic.DictionaryObject(
            {generic.pdf_name("/N"): writer.add_object(appearance)}
        )
        writer.mark_update(ref)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# Visible stamps
# ---------------------------------------------------------------------------------------------


def _find_font(candidates: Sequence[Path]) -> Path:
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SigningFailed(
        SigningProblem.FONT_NOT_FOUND,
        "No font with Vietnamese glyphs found (looked for "
        + ", ".join(str(c) for c in candidates)
        + "); install the Debian package fonts-noto-core.",
    )


@functools.lru_cache(maxsize=8)
def _font_bytes(path: str) -> bytes:
    """The font file, read once; refuses fonts pyHanko 0.38 would draw with wrong spacing.

    pyHanko 0.38 writes the CID font's /W widths in font units without scaling them to 1/1000
    em, so a font with ``unitsPerEm`` other than 1000 (Liberation Serif has 2048) is drawn with
    letters spread apart. Noto Serif/Sans use 1000.
    """
    try:
        data = Path(path).read_bytes()
        units_per_em = TTFont(BytesIO(data), lazy=True)["head"].unitsPerEm
    except (OSError, KeyError, TTLibError) as exc:
        raise SigningFailed(SigningProblem.FONT_NOT_FOUND, f"The stamp font {path} cannot be read: {exc}") from exc
    if units_per_em != 1000:
        raise SigningFailed(
            SigningProblem.INVALID_STAMP,
            f"The stamp font {path} has {units_per_em} units per em; pyHanko's embedding needs "
            "1000 (use Noto Serif or Noto Sans from fonts-noto-core).",
        )
    return data


@functools.lru_cache(maxsize=16)
def _decode_image(data: bytes) -> Image.Image:
    """Decoded, RGBA, at most 800 px on its longer side (bounds the per-document encoding)."""
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except Exception as exc:
        raise SigningFailed(SigningProblem.INVALID_STAMP, f"The stamp picture is not a readable image: {exc}") from exc
    image = image.convert("RGBA")
    longest = max(image.size)
    if longest > 800:
        scale = 800 / longest
        image = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.LANCZOS,
        )
    return image


def _display_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M:%S +07:00")


def _iso_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class _StampStyle(BaseStampStyle):
    """A pyHanko stamp style drawing :class:`VisibleStamp` content (internal)."""

    border_width: int = 0
    spec: VisibleStamp | None = None
    top_lines: tuple[str, ...] = ()
    bottom_lines: tuple[str, ...] = ()
    font_file: str | None = None
    """None: the first of :data:`STAMP_FONT_CANDIDATES`, looked up only when text is drawn."""

    def create_stamp(self, writer: Any, box: BoxConstraints, text_params: dict[str, Any]) -> _Stamp:
        return _Stamp(writer=writer, style=self, box=box)


class _Stamp(BaseStamp):
    _LEADING = 1.25
    _MARGIN = 2.0

    def __init__(self, writer: Any, style: _StampStyle, box: BoxConstraints) -> None:
        super().__init__(writer=writer, style=style, box=box)
        self._engine: GlyphAccumulator | None = None

    def _font(self) -> GlyphAccumulator:
        if self._engine is None:
            style: _StampStyle = self.style
            writer = self.writer
            if writer is None:  # not reached: create_stamp gives every stamp its writer
                raise ValueError("a stamp needs the document's writer")
            obj_stream = writer.prepare_object_stream() if writer.stream_xrefs else None
            font_file = style.font_file or str(_find_font(STAMP_FONT_CANDIDATES))
            self._engine = GlyphAccumulator(
                writer=writer,
                font_handle=BytesIO(_font_bytes(font_file)),
                font_size=10,
                obj_stream=obj_stream,
            )
            self.set_resource(
                category=pdf_content.ResourceType.FONT,
                name=generic.pdf_name("/F1"),
                value=self._engine.as_resource(),
            )
        return self._engine

    def _text(
        self,
        lines: Sequence[str],
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        size: float,
        align: str,
        valign: str,
        exact: bool = False,
    ) -> tuple[bytes, float]:
        """Draw ``lines`` in the rectangle; returns the operators and the block height."""
        lines = [line for line in lines if line is not None]
        if not lines:
            return b"", 0.0
        engine = self._font()
        widths = [engine.shape(line, with_actual_text=False).x_advance for line in lines]
        widest = max(widths) or 1.0
        font_size = size
        if widest * font_size > width:
            font_size = width / widest
        if not exact and len(lines) * font_size * self._LEADING > height:
            font_size = height / (len(lines) * self._LEADING)
        font_size = max(font_size, 3.0)
        engine.font_size = font_size  # type: ignore[assignment]  # pyHanko annotates an int; any size works
        line_height = font_size * self._LEADING
        block = len(lines) * line_height
        if valign == "top":
            top = y + height
        elif valign == "bottom":
            top = y + block
        else:
            top = y + (height + block) / 2
        ops = [b"BT", b"/F1 %g Tf" % font_size, b"0 0 0 rg"]
        for index, (line, em_width) in enumerate(zip(lines, widths, strict=True)):
            line_width = em_width * font_size
            if align == "right":
                left = x + width - line_width
            elif align == "left":
                left = x
            else:
                left = x + (width - line_width) / 2
            baseline = top - index * line_height - font_size * 0.95
            shaped = engine.shape(line).graphics_ops
            ops.append(b"1 0 0 1 %g %g Tm %s" % (left, baseline, shaped))
        ops.append(b"ET")
        return b" ".join(ops), block

    def _image(self, data: bytes, x: float, y: float, width: float, height: float) -> bytes:
        image = _decode_image(data)
        if width <= 0 or height <= 0:
            return b""
        scale = min(width / image.width, height / image.height)
        img_w, img_h = image.width * scale, image.height * scale
        pdf_image = PdfImage(
            image,
            writer=self.writer,
            resources=self.resources,
            box=BoxConstraints(width=img_w, height=img_h),
        )
        left, bottom = x + (width - img_w) / 2, y + (height - img_h) / 2
        return b"q 1 0 0 1 %g %g cm %s Q" % (left, bottom, pdf_image.render())

    def _render_inner_content(self) -> list[bytes]:
        style: _StampStyle = self.style
        spec = style.spec
        assert spec is not None
        m = self._MARGIN
        width, height = self.box.width - 2 * m, self.box.height - 2 * m
        commands: list[bytes] = [b"q"]
        if spec.style is StampStyle.SEAL:
            assert spec.image_png is not None
            commands.append(self._image(spec.image_png, m, m, width, height))
        elif spec.style is StampStyle.TEXT_ONLY:
            text, _ = self._text(
                style.top_lines,
                m,
                m,
                width,
                height,
                size=spec.font_size,
                align="right",
                valign="top",
                exact=True,
            )
            commands.append(text)
        else:
            top, bottom = list(style.top_lines), list(style.bottom_lines)
            if spec.image_png:
                # text blocks take at most 45 % of the height; the picture gets the rest
                share = len(top) + len(bottom)
                line_budget = 0.45 * height / max(share, 1) / self._LEADING
                size = min(spec.font_size, line_budget)
                top_ops, top_h = self._text(top, m, m, width, height, size=size, align="center", valign="top")
                bottom_ops, bottom_h = self._text(
                    bottom, m, m, width, height, size=size, align="center", valign="bottom"
                )
                commands.append(self._image(spec.image_png, m, m + bottom_h, width, height - top_h - bottom_h))
                commands += [top_ops, bottom_ops]
            else:
                text, _ = self._text(
                    [*top, *bottom],
                    m,
                    m,
                    width,
                    height,
                    size=spec.font_size,
                    align="center",
                    valign="middle",
                )
                commands.append(text)
        commands.append(b"Q")
        return [command for command in commands if command]


def _stamp_style(stamp: VisibleStamp | None, signer_name: str | None, signing_time: datetime) -> _StampStyle:
    """The pyHanko style for a signature; None stamp = a plain signer stamp (visible fields)."""
    spec = stamp or VisibleStamp(StampStyle.SIGNER)
    if spec.style is StampStyle.TEXT_ONLY:
        top: tuple[str, ...] = (nfc(spec.number_symbol or "").strip(), _iso_time(signing_time))
        bottom: tuple[str, ...] = ()
    elif spec.style is StampStyle.SEAL:
        top, bottom = (), ()
    else:
        top = tuple(nfc(line).strip() for line in (spec.position or "").split("\n") if line.strip())
        name = nfc(spec.signer_name or signer_name or "").strip()
        bottom = tuple(line for line in (name, f"Ký ngày: {_display_time(signing_time)}") if line)
    return _StampStyle(spec=spec, top_lines=top, bottom_lines=bottom, font_file=spec.font_path)


def make_seal_image(agency_name: str, *, size: int = 600, color: tuple[int, int, int] = (210, 24, 32)) -> bytes:
    """A placeholder red round seal (PNG, transparent background) for demos and tests.

    Not a real seal: the centre reads "MẪU" (specimen). The agency name runs around the ring.
    """
    if size < 120:
        raise ValueError("size must be at least 120 pixels")
    ink = (*color, 235)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    outer = size * 0.47
    inner = size * 0.33
    draw.ellipse(
        [centre - outer, centre - outer, centre + outer, centre + outer],
        outline=ink,
        width=max(3, size // 40),
    )
    draw.ellipse(
        [centre - inner, centre - inner, centre + inner, centre + inner],
        outline=ink,
        width=max(2, size // 90),
    )
    font_path = str(_find_font(_SEAL_FONT_CANDIDATES))
    text = nfc(agency_name).upper().strip() or "CƠ QUAN"
    ring_radius = (outer + inner) / 2
    font_size = int(size * 0.075)
    font = ImageFont.truetype(font_path, font_size)
    widths = [font.getlength(char) for char in text]
    total = sum(widths) * 1.08
    # shrink until the text fits in 300 degrees of the ring
    while total / ring_radius > math.radians(300) and font_size > 8:
        font_size -= 1
        font = ImageFont.truetype(font_path, font_size)
        widths = [font.getlength(char) for char in text]
        total = sum(widths) * 1.08
    angle = -total / ring_radius / 2  # radians, 0 = top, clockwise
    for char, char_width in zip(text, widths, strict=True):
        step = char_width * 1.08 / ring_radius
        mid = angle + step / 2
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), char, font=font, fill=ink, anchor="mm")
        rotated = glyph.rotate(-math.degrees(mid), resample=Image.Resampling.BICUBIC)
        gx = centre + ring_radius * math.sin(mid) - rotated.width / 2
        gy = centre - ring_radius * math.cos(mid) - rotated.height / 2
        image.alpha_composite(rotated, (round(gx), round(gy)))
        angle += step
    # five-pointed star and the specimen mark in the centre
    star_r, star_inner = size * 0.12, size * 0.048
    points = []
    for k in range(10):
        radius = star_r if k % 2 == 0 else star_inner
        theta = math.pi / 5 * k
        points.append((centre + radius * math.sin(theta), centre - size * 0.04 - radius * math.cos(theta)))
    draw.polygon(points, fill=ink)
    mark_font = ImageFont.truetype(font_path, int(size * 0.07))
    draw.text((centre, centre + size * 0.16), "MẪU", font=mark_font, fill=ink, anchor="mm")
    output = BytesIO()
    image.save(output, format="PNG", optimize=False)
    return output.getvalue()


def make_signature_image(name: str, *, width: int = 480, height: int = 200) -> bytes:
    """A placeholder blue 'handwritten' signature (PNG, transparent) for demos and tests."""
    ink = (20, 40, 160, 255)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (
            width * (0.08 + 0.84 * t / 60),
            height * (0.55 - 0.25 * math.sin(t / 3.0) * math.exp(-t / 90)),
        )
        for t in range(61)
    ]
    draw.line(points, fill=ink, width=max(3, height // 45), joint="curve")
    last = nfc(name).split()[-1] if name.split() else "Ký"
    try:
        italic = Path("/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf")
        font_path = italic if italic.is_file() else _find_font(STAMP_FONT_CANDIDATES)
        font = ImageFont.truetype(str(font_path), int(height * 0.3))
        draw.text((width * 0.5, height * 0.78), last, font=font, fill=ink, anchor="mm")
    except SigningFailed:
        pass
    output = BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


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


def _install_log_filter() -> None:
    global _filter_installed  # noqa: PLW0603 - the filters are installed once per process
    with _filter_lock:
        if not _filter_installed:
            noise = _DropNoise()
            logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(noise)
            logging.getLogger("fontTools.subset").addFilter(noise)
            _filter_installed = True


@contextmanager
def _pyhanko_errors() -> Iterator[None]:
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


def _level(level: SignatureLevel | str) -> SignatureLevel:
    try:
        return SignatureLevel(level)
    except ValueError as exc:
        raise ValueError(f"level must be one of B-B, B-T, B-LT, not {level!r}") from exc


def _key_usage_for(cert: asn1_x509.Certificate) -> set[str]:
    """The usage pyHanko's pre-sign validation must demand (it requires *all* listed)."""
    usage = cert.key_usage_value
    present = set(usage.native) if usage is not None else set()
    for name in _KEY_USAGES:
        if name in present:
            return {name}
    return {"digital_signature"}


def _field_target(writer: IncrementalPdfFileWriter, name: str) -> bool:
    """Whether ``name`` exists (True) or may be created (False); refuse otherwise."""
    if not name or "." in name:
        raise SigningFailed(SigningProblem.INVALID_FIELD, f"Invalid field name {name!r}.")
    existing = _signature_fields(writer)
    if name in existing:
        if existing[name]:
            raise SigningFailed(SigningProblem.FIELD_ALREADY_SIGNED, f"The field {name!r} is already signed.")
        return True
    if any(existing.values()):
        raise SigningFailed(
            SigningProblem.FIELD_NOT_FOUND,
            f"The field {name!r} does not exist and the document is already signed: create all "
            "fields with prepare_fields() before the first signature.",
        )
    return False


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class _Run:
    """One signing operation or bulk run: checked signer, material, context, settings."""

    signer: MohSigner
    level: SignatureLevel
    material: _Material
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
        writer = _open_writer(pdf)
        exists = _field_target(writer, field)
        signing_time = _now()
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
        )
        pdf_signer = PdfSigner(
            metadata,
            signer=self.signer.pyhanko_signer,
            timestamper=self.timestamper if self.level.timestamped else None,
            stamp_style=_stamp_style(stamp, self.signer.common_name, signing_time),
        )
        with _pyhanko_errors():
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
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes],
    other_certs: Sequence[bytes],
    ocsps: Sequence[bytes],
    timestamper: TimeStamper | None,
    bytes_reserved: int | None,
    check: CertificateCheck | None,
    max_check_age: timedelta,
) -> _Run:
    lvl = _level(level)
    if lvl.timestamped and timestamper is None:
        raise SigningFailed(
            SigningProblem.TIMESTAMPER_REQUIRED,
            f"PAdES {lvl.value} needs a time-stamping authority (timestamper=...).",
        )
    reserved = DEFAULT_BYTES_RESERVED[lvl] if bytes_reserved is None else int(bytes_reserved)
    if reserved < 4096 or reserved % 2:
        raise ValueError("bytes_reserved must be an even number of at least 4096")
    material = _material(trust_roots, crls, other_certs, ocsps)
    context = material.context()
    reuse = (
        check is not None
        and check.ok
        and check.certificate_der == signer.certificate_der
        and _now() - check.checked_at <= max_check_age
    )
    if check is not None and check.certificate_der != signer.certificate_der:
        raise SigningRefused(SigningProblem.CHECK_MISMATCH)
    if not reuse:
        check, _ = await _check(signer.certificate, signer.chain, context)
    assert check is not None
    _refuse_failed_check(check)
    return _Run(
        signer=signer,
        level=lvl,
        material=material,
        check=check,
        context=context,
        timestamper=timestamper,
        bytes_reserved=reserved,
        key_usage=_key_usage_for(signer.certificate),
    )


def sign(
    pdf: bytes,
    signer: MohSigner,
    *,
    field: str,
    level: SignatureLevel | str,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    timestamper: TimeStamper | None = None,
    stamp: VisibleStamp | None = None,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
    check: CertificateCheck | None = None,
    max_check_age: timedelta = DEFAULT_MAX_CHECK_AGE,
) -> SignResult:
    """Add one PAdES signature in an incremental update (earlier bytes are kept as they are).

    :param field: the signature field (made by :func:`prepare_fields`); in a document with no
        signature yet, a missing field is created invisible.
    :param level: ``"B-B"``, ``"B-T"`` (needs ``timestamper``) or ``"B-LT"`` (needs
        ``timestamper``; writes the certificates and the CRLs/OCSP responses into the DSS).
        A ``timestamper`` given for B-B is not used.
    :param trust_roots: trust anchors for the mandatory certificate check (and B-LT's DSS);
        ``crls``/``other_certs``/``ocsps``: its revocation data and intermediates (DER or PEM).
    :param stamp: what to draw in a visible field (default: a signer stamp with name and time).
    :param bytes_reserved: space for the CMS (hex); default :data:`DEFAULT_BYTES_RESERVED`.
    :param check: a passed :class:`CertificateCheck` of this signer, reused if not older than
        ``max_check_age`` (bulk callers check once); otherwise the certificate is checked now.
    :raises SigningRefused: the certificate check failed (all codes in ``codes``).
    :raises SigningFailed: bad PDF/field, TSA or token failure, signature too large.
    """
    return sign_many(
        [pdf],
        signer,
        field=field,
        level=level,
        trust_roots=trust_roots,
        crls=crls,
        other_certs=other_certs,
        ocsps=ocsps,
        timestamper=timestamper,
        stamp=stamp,
        reason=reason,
        location=location,
        bytes_reserved=bytes_reserved,
        check=check,
        max_check_age=max_check_age,
    )[0]


def sign_many(
    pdfs: Iterable[bytes],
    signer: MohSigner,
    *,
    field: str,
    level: SignatureLevel | str,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    timestamper: TimeStamper | None = None,
    stamp: VisibleStamp | None = None,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
    check: CertificateCheck | None = None,
    max_check_age: timedelta = DEFAULT_MAX_CHECK_AGE,
) -> list[SignResult]:
    """Sign many documents with one loaded key: one certificate check, one validation context,
    fixed ``bytes_reserved``, one event loop. Arguments as for :func:`sign`; every document gets
    a signature in ``field``. Stops at the first failing document (raising its error)."""
    _install_log_filter()

    async def run() -> list[SignResult]:
        session = await _start_run(
            signer,
            level=level,
            trust_roots=trust_roots,
            crls=crls,
            other_certs=other_certs,
            ocsps=ocsps,
            timestamper=timestamper,
            bytes_reserved=bytes_reserved,
            check=check,
            max_check_age=max_check_age,
        )
        try:
            return [
                await session.sign_one(pdf, field=field, stamp=stamp, reason=reason, location=location) for pdf in pdfs
            ]
        finally:
            if session.context is not None:
                await session.context.aclose()

    return asyncio.run(run())


# ---------------------------------------------------------------------------------------------
# Interrupted signing (user's own token)
# ---------------------------------------------------------------------------------------------

_STATE_MAGIC = b"MOH-PADES-STATE\x01"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _encode_state(header: dict[str, Any], document: bytes) -> bytes:
    header = {**header, "document_sha256": hashlib.sha256(document).hexdigest()}
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return _STATE_MAGIC + struct.pack(">I", len(raw)) + raw + document


def _decode_state(state: bytes) -> tuple[dict[str, Any], bytes]:
    try:
        if not bytes(state[: len(_STATE_MAGIC)]) == _STATE_MAGIC:
            raise ValueError("unknown format")
        offset = len(_STATE_MAGIC)
        (length,) = struct.unpack(">I", state[offset : offset + 4])
        header = json.loads(bytes(state[offset + 4 : offset + 4 + length]))
        document = bytes(state[offset + 4 + length :])
        if hashlib.sha256(document).hexdigest() != header["document_sha256"]:
            raise ValueError("document checksum mismatch")
        return header, document
    except (ValueError, KeyError, TypeError, struct.error) as exc:
        raise SigningFailed(SigningProblem.INVALID_STATE, f"The saved signing state is unusable: {exc}") from exc


def prepare_interrupted(
    pdf: bytes,
    *,
    field: str,
    signer_cert_der: bytes,
    level: SignatureLevel | str,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    chain_der: Sequence[bytes] = (),
    stamp: VisibleStamp | None = None,
    reason: str | None = None,
    location: str | None = None,
    bytes_reserved: int | None = None,
) -> PreparedSignature:
    """First half of signing with a key the server cannot reach (see the module docstring).

    The certificate (``signer_cert_der``, plus ``chain_der`` intermediates from the token) is
    checked exactly as in :func:`sign`; the document is put in its final pre-signing state with
    the visible stamp drawn and ``bytes_reserved`` (default for ``level``) reserved.

    :raises SigningRefused: certificate check or algorithm policy failed.
    :raises SigningFailed: bad PDF or field.
    """
    lvl = _level(level)
    reserved = DEFAULT_BYTES_RESERVED[lvl] if bytes_reserved is None else int(bytes_reserved)
    certs = _load_certificates([signer_cert_der], "signer certificate")
    if not certs:
        raise ValueError("no signer certificate given")
    cert = certs[0]
    chain = [*certs[1:], *_load_certificates(chain_der, "chain certificate")]
    info = _key_info(cert)
    mechanism = _mechanism(info)
    material = _material(trust_roots, crls, other_certs, ocsps)

    async def run() -> PreparedSignature:
        context = material.context()
        try:
            check, path = await _check(cert, chain, context)
        finally:
            await context.aclose()
        _refuse_failed_check(check)
        path_certs = list(path.iter_certs(include_root=True)) if path is not None else []
        external = ExternalSigner(
            signing_cert=cert,
            cert_registry=SimpleCertificateStore.from_certs([cert, *chain, *path_certs]),
            signature_value=bytes(max(info.bits // 8 + 8, 72)),
            signature_mechanism=mechanism,
        )
        writer = _open_writer(pdf)
        exists = _field_target(writer, field)
        signing_time = _now()
        metadata = PdfSignatureMetadata(
            field_name=field,
            md_algorithm=DIGEST_ALGORITHM,
            subfilter=pdf_fields.SigSeedSubFilter.PADES,
            reason=nfc(reason) if reason else None,
            location=nfc(location) if location else None,
        )
        pdf_signer = PdfSigner(
            metadata,
            signer=external,
            stamp_style=_stamp_style(stamp, _common_name(cert), signing_time),
        )
        with _pyhanko_errors():
            session = pdf_signer.init_signing_session(writer, existing_fields_only=exists)
            session.system_time = signing_time
            tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
            prepared, output = tbs.digest_tbs_document()
            signed_attrs = await external.signed_attrs(
                prepared.document_digest,
                DIGEST_ALGORITHM,
                attr_settings=PdfCMSSignedAttributes(signing_time=signing_time),
                use_pades=True,
            )
        attrs_der = signed_attrs.dump()
        header = {
            "version": 1,
            "level": lvl.value,
            "field": field,
            "signing_time": signing_time.isoformat(),
            "document_digest": _b64(prepared.document_digest),
            "reserved_region_start": prepared.reserved_region_start,
            "reserved_region_end": prepared.reserved_region_end,
            "signed_attrs": _b64(attrs_der),
            "certificate": _b64(cert.dump()),
            "chain": [_b64(c.dump()) for c in chain],
            "trust_roots": [_b64(c) for c in material.source[0]],
            "crls": [_b64(c) for c in material.source[1]],
            "other_certs": [_b64(c) for c in material.source[2]],
            "ocsps": [_b64(c) for c in material.source[3]],
        }
        return PreparedSignature(
            digest=hashlib.sha256(attrs_der).digest(),
            digest_algorithm=DIGEST_ALGORITHM,
            signed_attrs=attrs_der,
            signature_algorithm="rsassa_pss" if info.algorithm == "rsa" else "ecdsa",
            pss_salt_length=PSS_SALT_LENGTH if info.algorithm == "rsa" else None,
            state=_encode_state(header, cast(BytesIO, output).getvalue()),  # a new BytesIO, as above
            signing_time=signing_time,
            field_name=field,
            certificate_der=cert.dump(),
        )

    return asyncio.run(run())


def _ecdsa_der(signature: bytes, bits: int) -> bytes:
    """Accept DER ECDSA-Sig-Value or raw r||s (PKCS#11 CKM_ECDSA, WebCrypto)."""
    try:
        parsed = algos.DSASignature.load(signature, strict=True)
        parsed.native  # noqa: B018
        if parsed.dump(force=True) == signature:
            return signature
    except (ValueError, TypeError):
        pass
    size = (bits + 7) // 8
    if len(signature) == 2 * size:
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        der: bytes = algos.DSASignature({"r": r, "s": s}).dump()
        return der
    raise SigningFailed(SigningProblem.SIGNATURE_MISMATCH, "The ECDSA signature is neither DER nor r||s.")


def _verify_client_signature(cert: asn1_x509.Certificate, info: _KeyInfo, tbs: bytes, signature: bytes) -> bytes:
    public_key = serialization.load_der_public_key(cert.public_key.dump())
    try:
        if info.algorithm == "rsa" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(
                signature,
                tbs,
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=PSS_SALT_LENGTH),
                hashes.SHA256(),
            )
            return signature
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            der = _ecdsa_der(signature, info.bits)
            public_key.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
            return der
    except InvalidSignature as exc:
        expected = "RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32" if info.algorithm == "rsa" else "ECDSA with SHA-256"
        raise SigningFailed(
            SigningProblem.SIGNATURE_MISMATCH,
            "The returned signature does not verify with the certificate's key over the prepared "
            f"data (expected {expected}).",
        ) from exc
    raise SigningRefused(SigningProblem.UNSUPPORTED_ALGORITHM)


def finish_interrupted(
    state: bytes,
    signature_value: bytes,
    *,
    timestamper: TimeStamper | None = None,
) -> SignResult:
    """Second half: embed the client's signature value and finish the PAdES signature.

    :param state: :attr:`PreparedSignature.state` as kept by the server.
    :param signature_value: the raw signature the client's token made over the signed attributes.
    :param timestamper: the TSA, required for B-T and B-LT.
    :raises SigningFailed: ``INVALID_STATE``, ``SIGNATURE_MISMATCH``, ``TIMESTAMPER_REQUIRED``,
        ``TIMESTAMP_FAILED``.
    :raises SigningRefused: the certificate no longer passes the check (e.g. revoked meanwhile).
    """
    _install_log_filter()
    header, document = _decode_state(state)
    try:
        if header["version"] != 1:
            raise ValueError(f"unsupported state version {header['version']}")
        lvl = SignatureLevel(header["level"])
        cert = asn1_x509.Certificate.load(_unb64(header["certificate"]))
        chain = [asn1_x509.Certificate.load(_unb64(c)) for c in header["chain"]]
        attrs_der = _unb64(header["signed_attrs"])
        signed_attrs = cms.CMSAttributes.load(attrs_der)
        prepared = PreparedByteRangeDigest(
            document_digest=_unb64(header["document_digest"]),
            reserved_region_start=int(header["reserved_region_start"]),
            reserved_region_end=int(header["reserved_region_end"]),
        )
        signing_time = datetime.fromisoformat(header["signing_time"])
        material = _material(
            [_unb64(c) for c in header["trust_roots"]],
            [_unb64(c) for c in header["crls"]],
            [_unb64(c) for c in header["other_certs"]],
            [_unb64(c) for c in header["ocsps"]],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise SigningFailed(SigningProblem.INVALID_STATE, f"The saved signing state is unusable: {exc}") from exc
    if lvl.timestamped and timestamper is None:
        raise SigningFailed(
            SigningProblem.TIMESTAMPER_REQUIRED,
            f"PAdES {lvl.value} needs a time-stamping authority (timestamper=...).",
        )
    info = _key_info(cert)
    mechanism = _mechanism(info)
    signature = _verify_client_signature(cert, info, attrs_der, bytes(signature_value))

    async def run() -> SignResult:
        context = material.context()
        try:
            check, path = await _check(cert, chain, context)
            _refuse_failed_check(check)
            assert path is not None
            path_certs = list(path.iter_certs(include_root=True))
            external = ExternalSigner(
                signing_cert=cert,
                cert_registry=SimpleCertificateStore.from_certs([cert, *chain, *path_certs]),
                signature_value=signature,
                signature_mechanism=mechanism,
            )
            with _pyhanko_errors():
                signature_cms = await external.async_sign_prescribed_attributes(
                    DIGEST_ALGORITHM,
                    signed_attrs=signed_attrs,
                    timestamper=timestamper if lvl.timestamped else None,
                )
                post_sign = None
                revocation = check.revocation
                if lvl is SignatureLevel.B_LT:
                    assert timestamper is not None
                    ts_paths = [p async for p in timestamper.validation_paths(context)]
                    validation_info = PreSignValidationStatus(
                        signer_path=path,
                        validation_paths=[path, *ts_paths],
                        ts_validation_paths=ts_paths,
                        ocsps_to_embed=list(context.ocsps),
                        crls_to_embed=list(context.crls),
                    )
                    post_sign = PostSignInstructions(
                        validation_info=validation_info,
                        timestamp_md_algorithm=DIGEST_ALGORITHM,
                        dss_settings=DSSContentSettings(),
                        strict=False,
                    )
                    revocation = revocation.merged(
                        RevocationData(
                            crls=tuple(crl.dump() for crl in context.crls),
                            ocsps=tuple(resp.dump() for resp in context.ocsps),
                        )
                    )
                output = BytesIO(document)
                await PdfTBSDocument.async_finish_signing(
                    output,
                    prepared_digest=prepared,
                    signature_cms=signature_cms,
                    post_sign_instr=post_sign,
                    validation_context=context,
                )
        finally:
            await context.aclose()
        return SignResult(
            pdf=output.getvalue(),
            signing_time=signing_time,
            certificate_der=cert.dump(),
            revocation_data=revocation,
            check=check,
            level=lvl,
            field_name=header["field"],
        )

    return asyncio.run(run())
