"""The errors of the signatures package.

Signing raises :class:`SigningError` (:class:`SigningRefused` or :class:`SigningFailed`) with the
machine codes of :class:`SigningProblem`, which the Odoo side translates. Validation raises
:class:`InvalidPdfError` (:class:`EncryptedPdfError`) for bytes that are not a readable PDF, and
:func:`~moh_core.signatures.validation.check_signed_by` raises :class:`SignedByError`. Archive
timestamps (:mod:`~moh_core.signatures.archival`) raise :class:`ArchivalError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from moh_core.errors import MohError, ProblemCode, register_texts

if TYPE_CHECKING:
    from moh_core.signatures.report import SignatureReport

__all__ = [
    "ArchivalError",
    "ArchivalProblem",
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


class SigningProblem(ProblemCode):
    """Machine codes of :class:`SigningError`; the Odoo side translates them.

    The first eight are the certificate check's (:attr:`CertificateCheck.problems`).
    """

    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    UNTRUSTED = "untrusted"
    REVOCATION_UNKNOWN = "revocation_unknown"
    REVOCATION_UNREACHABLE = "revocation_unreachable"
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
    REMOTE_UNAVAILABLE = "remote_unavailable"
    REMOTE_CREDENTIAL = "remote_credential"
    REMOTE_REFUSED = "remote_refused"
    APPROVAL_TIMEOUT = "approval_timeout"


_PROBLEM_DESCRIPTIONS: dict[SigningProblem, str] = {
    SigningProblem.EXPIRED: "the certificate has expired",
    SigningProblem.NOT_YET_VALID: "the certificate is not yet valid",
    SigningProblem.REVOKED: "the certificate (or a CA certificate in its chain) is revoked",
    SigningProblem.UNTRUSTED: "the certificate does not chain to a trusted root",
    SigningProblem.REVOCATION_UNKNOWN: "the revocation status could not be established",
    SigningProblem.REVOCATION_UNREACHABLE: "the revocation status could not be checked: the certificate "
    "authority's OCSP responder and CRL did not answer (try again later)",
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
    SigningProblem.REMOTE_UNAVAILABLE: "the remote signing service could not be reached or answered wrongly",
    SigningProblem.REMOTE_CREDENTIAL: "the remote signing service does not know this credential, or it is disabled",
    SigningProblem.REMOTE_REFUSED: "the remote signing service refused the request (access token or approval)",
    SigningProblem.APPROVAL_TIMEOUT: "the signature was not approved in the remote signing service in time",
}

_PROBLEM_DESCRIPTIONS_VI: dict[SigningProblem, str] = {
    SigningProblem.EXPIRED: "chứng thư số đã hết hạn",
    SigningProblem.NOT_YET_VALID: "chứng thư số chưa có hiệu lực",
    SigningProblem.REVOKED: "chứng thư số (hoặc chứng thư của tổ chức chứng thực trong chuỗi) đã bị thu hồi",
    SigningProblem.UNTRUSTED: "chứng thư số không dẫn về tổ chức chứng thực tin cậy",
    SigningProblem.REVOCATION_UNKNOWN: "không xác định được tình trạng thu hồi của chứng thư số",
    SigningProblem.REVOCATION_UNREACHABLE: "không kiểm tra được tình trạng thu hồi của chứng thư số: dịch vụ "
    "OCSP và danh sách thu hồi (CRL) của tổ chức chứng thực không phản hồi (hãy thử lại sau)",
    SigningProblem.KEY_USAGE: "chứng thư số không dùng để ký văn bản (cần mục đích sử dụng khóa "
    "digitalSignature hoặc nonRepudiation, không phải chứng thư dấu thời gian hay OCSP)",
    SigningProblem.WEAK_KEY: "khóa quá yếu (tối thiểu RSA 2048 bit hoặc ECDSA 256 bit)",
    SigningProblem.UNSUPPORTED_ALGORITHM: "thuật toán của khóa không được phép (chỉ RSA với RSASSA-PSS và ECDSA)",
    SigningProblem.KEY_LOAD_FAILED: "không mở được khóa (sai mật khẩu hoặc tệp bị hỏng)",
    SigningProblem.TOKEN_ERROR: "không sử dụng được thiết bị ký PKCS#11",
    SigningProblem.INVALID_PDF: "tệp không phải là PDF ký được",
    SigningProblem.ENCRYPTED_PDF: "tệp PDF được mã hóa",
    SigningProblem.INVALID_FIELD: "mô tả trường không hợp lệ",
    SigningProblem.FIELD_EXISTS: "đã có trường cùng tên",
    SigningProblem.FIELD_NOT_FOUND: "trường không tồn tại",
    SigningProblem.FIELD_ALREADY_SIGNED: "trường chữ ký đã được ký",
    SigningProblem.FIELD_ALREADY_FILLED: "trường văn bản đã có giá trị",
    SigningProblem.DOCUMENT_ALREADY_SIGNED: "văn bản đã được ký; các trường phải được tạo trước chữ ký đầu tiên",
    SigningProblem.INVALID_STAMP: "mô tả hình ảnh chữ ký không hợp lệ",
    SigningProblem.FONT_NOT_FOUND: "không tìm thấy phông chữ tiếng Việt cho hình ảnh chữ ký",
    SigningProblem.TIMESTAMPER_REQUIRED: "mức chữ ký này cần dịch vụ cấp dấu thời gian",
    SigningProblem.TIMESTAMP_FAILED: "dịch vụ cấp dấu thời gian không trả về dấu thời gian",
    SigningProblem.SIGNATURE_TOO_LARGE: "chữ ký vượt quá vùng dành sẵn",
    SigningProblem.INVALID_STATE: "trạng thái ký đã lưu bị hỏng hoặc không xác định",
    SigningProblem.SIGNATURE_MISMATCH: "chữ ký nhận về không khớp với chứng thư số và dữ liệu đã chuẩn bị",
    SigningProblem.CHECK_MISMATCH: "kết quả kiểm tra chứng thư số không phải của người ký này",
    SigningProblem.SIGNING_FAILED: "không tạo được chữ ký",
    SigningProblem.REMOTE_UNAVAILABLE: "không kết nối được dịch vụ ký số từ xa hoặc dịch vụ trả lời sai",
    SigningProblem.REMOTE_CREDENTIAL: "dịch vụ ký số từ xa không có chứng thư (credential) này hoặc chứng thư đã bị khóa",
    SigningProblem.REMOTE_REFUSED: "dịch vụ ký số từ xa từ chối yêu cầu (mã truy cập hoặc xác nhận ký)",
    SigningProblem.APPROVAL_TIMEOUT: "yêu cầu ký chưa được xác nhận trên dịch vụ ký số từ xa trong thời gian cho phép",
}
register_texts(SigningProblem, _PROBLEM_DESCRIPTIONS, _PROBLEM_DESCRIPTIONS_VI)


class SigningError(MohError):
    """Base of every error this module raises: a primary ``code``, all ``codes``, a message;
    ``message`` (the legacy second argument) is the technical ``detail``."""

    frame = "Signing refused: {reason}."
    frame_vi = "Từ chối ký: {reason}."

    def __init__(
        self,
        code: SigningProblem,
        message: str | None = None,
        *,
        codes: Sequence[SigningProblem] | None = None,
    ) -> None:
        super().__init__(code, codes=codes, detail=message)


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


class InvalidPdfError(MohError, ValueError):
    """The input is not a PDF that can be read (garbage, truncated, corrupt)."""

    text = "the file is not a readable PDF (damaged or incomplete)"
    text_vi = "tệp không phải là PDF đọc được (bị hỏng hoặc không đầy đủ)"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__("invalid_pdf", detail=detail)


class EncryptedPdfError(InvalidPdfError):
    """The PDF is encrypted; its signatures cannot be checked without decrypting it."""

    text = "the PDF is encrypted or protected by a password"
    text_vi = "tệp PDF được mã hóa hoặc đặt mật khẩu"

    def __init__(self, detail: str | None = None) -> None:
        MohError.__init__(self, "encrypted_pdf", detail=detail)


class SignedByProblem(ProblemCode):
    """Why a PDF is not the one a given person signed (:func:`check_signed_by`)."""

    NOT_SIGNED = "not_signed"
    """The file carries no signature (or is not a readable PDF)."""
    OTHER_SIGNER = "other_signer"
    """The last signature was made with a certificate other than the expected ones."""
    NOT_VALID = "not_valid"
    """The last signature is not valid (pyHanko's bottom line: altered, untrusted, revoked...)."""
    NOT_WHOLE_FILE = "not_whole_file"
    """Something other than long-term validation data was added after the last signature."""


_SIGNED_BY_DESCRIPTIONS: dict[SignedByProblem, str] = {
    SignedByProblem.NOT_SIGNED: "the PDF carries no signature",
    SignedByProblem.OTHER_SIGNER: "the PDF's last signature was made with another person's certificate",
    SignedByProblem.NOT_VALID: "the signature is not valid",
    SignedByProblem.NOT_WHOLE_FILE: "the PDF was changed after it was signed",
}

_SIGNED_BY_DESCRIPTIONS_VI: dict[SignedByProblem, str] = {
    SignedByProblem.NOT_SIGNED: "tệp PDF không có chữ ký",
    SignedByProblem.OTHER_SIGNER: "chữ ký cuối cùng của tệp PDF được tạo bằng chứng thư số của người khác",
    SignedByProblem.NOT_VALID: "chữ ký không hợp lệ",
    SignedByProblem.NOT_WHOLE_FILE: "tệp PDF đã bị thay đổi sau khi ký",
}
register_texts(SignedByProblem, _SIGNED_BY_DESCRIPTIONS, _SIGNED_BY_DESCRIPTIONS_VI)


class SignedByError(MohError, ValueError):
    """The PDF is not signed last, validly and over the whole file, by an expected certificate."""

    def __init__(self, problem: SignedByProblem, detail: str, report: SignatureReport | None = None):
        super().__init__(problem, detail=detail)
        self.problem = problem
        self.report = report


# ---------------------------------------------------------------------------------------------
# Archive timestamps (moh_core.signatures.archival)
# ---------------------------------------------------------------------------------------------


class ArchivalProblem(ProblemCode):
    """Why a document timestamp could not be added (:class:`ArchivalError`)."""

    NOT_SIGNED = "not_signed"
    NO_ARCHIVE_TIMESTAMP = "no_archive_timestamp"
    CHAIN_BROKEN = "chain_broken"
    VALIDATION_DATA = "validation_data"
    TIMESTAMP_FAILED = "timestamp_failed"
    NOT_APPENDED = "not_appended"
    FAILED = "failed"


_ARCHIVAL_TEXTS = {
    ArchivalProblem.NOT_SIGNED: "the PDF carries no signature",
    ArchivalProblem.NO_ARCHIVE_TIMESTAMP: "the PDF has no archive timestamp to renew",
    ArchivalProblem.CHAIN_BROKEN: "the last archive timestamp is no longer valid: it can no longer be renewed",
    ArchivalProblem.VALIDATION_DATA: "the certificates or revocation data of a signature or timestamp "
    "could not be established",
    ArchivalProblem.TIMESTAMP_FAILED: "the time-stamping authority did not return a timestamp",
    ArchivalProblem.NOT_APPENDED: "the timestamped file does not keep the signed bytes unchanged",
    ArchivalProblem.FAILED: "the archive timestamp could not be added",
}
_ARCHIVAL_TEXTS_VI = {
    ArchivalProblem.NOT_SIGNED: "tệp PDF không có chữ ký",
    ArchivalProblem.NO_ARCHIVE_TIMESTAMP: "tệp PDF chưa có dấu thời gian lưu trữ để gia hạn",
    ArchivalProblem.CHAIN_BROKEN: "dấu thời gian lưu trữ cuối cùng không còn hợp lệ nên không gia hạn được",
    ArchivalProblem.VALIDATION_DATA: "không xác lập được chứng thư số hoặc dữ liệu thu hồi của một chữ ký "
    "hay dấu thời gian",
    ArchivalProblem.TIMESTAMP_FAILED: "dịch vụ cấp dấu thời gian không trả về dấu thời gian",
    ArchivalProblem.NOT_APPENDED: "tệp sau khi gắn dấu thời gian không giữ nguyên các byte đã ký",
    ArchivalProblem.FAILED: "không gắn được dấu thời gian lưu trữ",
}
register_texts(ArchivalProblem, _ARCHIVAL_TEXTS, _ARCHIVAL_TEXTS_VI)


class ArchivalError(MohError):
    """An archive timestamp was not added; the input bytes are untouched."""

    frame = "Archive timestamp not added: {reason}."
    frame_vi = "Không gắn được dấu thời gian lưu trữ: {reason}."

    def __init__(self, code: ArchivalProblem, detail: str | None = None) -> None:
        super().__init__(code, detail=detail)
