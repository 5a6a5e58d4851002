"""The errors of the signatures package.

Signing raises :class:`SigningError` (:class:`SigningRefused` or :class:`SigningFailed`) with the
machine codes of :class:`SigningProblem`, which the Odoo side translates. Validation raises
:class:`InvalidPdfError` (:class:`EncryptedPdfError`) for bytes that are not a readable PDF, and
:func:`~moh_core.signatures.validation.check_signed_by` raises :class:`SignedByError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moh_core.signatures.report import SignatureReport

__all__ = [
    "EncryptedPdfError",
    "InvalidPdfError",
    "SignedByError",
    "SignedByProblem",
    "SigningError",
    "SigningFailed",
    "SigningProblem",
    "SigningRefused",
    "describe",
]


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
    SigningProblem.WEAK_KEY: "the key is too weak (RSA needs at least 2048 bits, "
    "ECDSA at least 256 bits)",
    SigningProblem.UNSUPPORTED_ALGORITHM: "the key algorithm is not allowed "
    "(only RSA with RSASSA-PSS and ECDSA)",
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
    SigningProblem.SIGNATURE_MISMATCH: "the returned signature does not match the "
    "certificate and the prepared data",
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


def describe(codes: Sequence[SigningProblem]) -> str:
    """The English sentence naming ``codes`` that a :class:`SigningError` gets by default
    (the certificate check's message starts with it too)."""
    return _describe(codes)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


class InvalidPdfError(ValueError):
    """The input is not a PDF that can be read (garbage, truncated, corrupt)."""


class EncryptedPdfError(InvalidPdfError):
    """The PDF is encrypted; its signatures cannot be checked without decrypting it."""


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
