"""The verdict on a PDF anyone submits to the agency's public verification page.

A visitor without an account uploads a file and asks whether its digital signatures are valid
(Circular 15/2025/TT-BKHCN: validity, chain of trust, validity period and revocation of each
signer's certificate). The answer is the product's own validator,
:func:`moh_core.signatures.validate_pdf_signatures` (pyHanko's full validation with difference
analysis, revocation in hard-fail mode) against the agency's trust material, with the reasons of
every signature. The file is checked in memory and kept nowhere.

Because anyone may submit, the work one file can cost is bounded before validation starts
(:class:`SubmissionLimits`), each limit refused with its own message in English and Vietnamese
(:class:`SubmissionRefused`):

* its size (20 MiB by default: the portal's upload limit);
* its type, by content (:func:`moh_core.onestop.check_upload`, libmagic): only a PDF;
* what it may decompress to, all streams together (pyHanko's bounded decoders: a decompression
  bomb is refused, never inflated), and that it is readable and not encrypted;
* its number of pages (every page's content is decoded by the readability check), of
  signatures (each is validated, with its certificate chain) and of revisions (the difference
  analysis compares each revision with the next).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

from moh_core.errors import MohError, Problem, ProblemCode, register_texts
from moh_core.onestop import UploadProblem, check_upload
from moh_core.signatures import (
    DEFAULT_MAX_INFLATED_BYTES,
    InvalidPdfError,
    PdfValidationReport,
    ValidationMaterial,
    decode_limits,
    validate_pdf_signatures,
)

__all__ = [
    "SubmissionLimits",
    "SubmissionRefused",
    "VerificationProblem",
    "check_submitted_pdf",
]

MIB = 1024 * 1024


class VerificationProblem(ProblemCode):
    """Why a submitted file is not validated, besides the upload checks' own problems."""

    NOT_A_PDF = "not_a_pdf"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_MANY_SIGNATURES = "too_many_signatures"
    TOO_MANY_REVISIONS = "too_many_revisions"
    TOO_MANY_REQUESTS = "too_many_requests"


register_texts(
    VerificationProblem,
    {
        VerificationProblem.NOT_A_PDF: (
            "the file is not a PDF (its content is {detected}); only PDF files with digital signatures can be checked"
        ),
        VerificationProblem.TOO_MANY_PAGES: "the file has {pages} pages; at most {max_pages} are checked here",
        VerificationProblem.TOO_MANY_SIGNATURES: (
            "the file carries {signatures} signatures; at most {max_signatures} are checked here"
        ),
        VerificationProblem.TOO_MANY_REVISIONS: (
            "the file was saved in {revisions} successive revisions; at most {max_revisions} are checked here"
        ),
        VerificationProblem.TOO_MANY_REQUESTS: (
            "too many checks were made from your connection in the last minute; try again in {seconds} seconds"
        ),
    },
    {
        VerificationProblem.NOT_A_PDF: (
            "tệp không phải là tệp PDF (nội dung tệp có định dạng {detected}); chỉ kiểm tra được tệp PDF có chữ ký số"
        ),
        VerificationProblem.TOO_MANY_PAGES: "tệp có {pages} trang; trang này chỉ kiểm tra tệp có tối đa {max_pages} trang",
        VerificationProblem.TOO_MANY_SIGNATURES: (
            "tệp có {signatures} chữ ký; trang này chỉ kiểm tra tệp có tối đa {max_signatures} chữ ký"
        ),
        VerificationProblem.TOO_MANY_REVISIONS: (
            "tệp được lưu qua {revisions} phiên bản nối tiếp; trang này chỉ kiểm tra tệp có tối đa "
            "{max_revisions} phiên bản"
        ),
        VerificationProblem.TOO_MANY_REQUESTS: (
            "có quá nhiều lượt kiểm tra từ kết nối của bạn trong một phút qua; vui lòng thử lại sau {seconds} giây"
        ),
    },
)


class SubmissionRefused(MohError):
    """A submitted file (or attempt) refused before validation: the problem's text, filled with
    the file's figures and the limits (a :class:`VerificationProblem` or a
    :class:`~moh_core.onestop.UploadProblem`)."""

    def __init__(self, code: Problem, params: Mapping[str, object] | None = None, *, detail: str | None = None):
        known = {"file": "?", "detected": "?", "limit_mb": "?", "inflate_limit_mb": "?", "seconds": "?"}
        super().__init__(code, {**known, **(params or {})}, detail=detail)


@dataclasses.dataclass(frozen=True)
class SubmissionLimits:
    """What one submitted file may cost."""

    max_bytes: int = 20 * MIB
    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES
    max_pages: int = 300
    max_signatures: int = 10
    max_revisions: int = 20

    def __post_init__(self) -> None:
        if min(self.max_bytes, self.max_inflated_bytes, self.max_pages, self.max_signatures, self.max_revisions) < 1:
            raise ValueError("every limit must be positive")

    @property
    def params(self) -> dict[str, object]:
        """The limits as the messages name them."""
        return {
            "limit_mb": self.max_bytes // MIB,
            "inflate_limit_mb": self.max_inflated_bytes // MIB,
            "max_pages": self.max_pages,
            "max_signatures": self.max_signatures,
            "max_revisions": self.max_revisions,
        }


_TYPE_PROBLEMS = frozenset({UploadProblem.WRONG_TYPE, UploadProblem.TYPE_NOT_ALLOWED})


def check_submitted_pdf(
    data: bytes,
    filename: str,
    *,
    material: ValidationMaterial,
    limits: SubmissionLimits = SubmissionLimits(),
    validation_time: datetime | None = None,
) -> PdfValidationReport:
    """Validate the signatures of a submitted PDF within ``limits``.

    :returns: the validator's report (an unsigned PDF gives a report without signatures).
    :raises SubmissionRefused: the file is refused before validation, with the first problem
        found: empty, too large, not a PDF, unreadable or encrypted, decompressing beyond the
        budget, too many pages, signatures or revisions.
    """
    upload = check_upload(
        data,
        filename,
        allowed={"pdf"},
        max_bytes=limits.max_bytes,
        max_inflated_bytes=limits.max_inflated_bytes,
    )
    params = {**limits.params, "file": filename, "detected": upload.detected_type or upload.mimetype}
    if upload.problem in _TYPE_PROBLEMS:
        raise SubmissionRefused(VerificationProblem.NOT_A_PDF, params, detail=upload.detail)
    if upload.problem is not None:
        raise SubmissionRefused(upload.problem, params, detail=upload.detail)
    pages = upload.pages or 0
    if pages > limits.max_pages:
        raise SubmissionRefused(VerificationProblem.TOO_MANY_PAGES, {**params, "pages": pages})
    if upload.signature_count > limits.max_signatures:
        raise SubmissionRefused(
            VerificationProblem.TOO_MANY_SIGNATURES, {**params, "signatures": upload.signature_count}
        )
    # Readable a moment ago with the same budget (check_upload): the revisions are in the
    # cross-reference sections already read.
    reader = PdfFileReader(BytesIO(data), strict=False, decode_limits=decode_limits(limits.max_inflated_bytes))
    revisions = reader.xrefs.total_revisions
    if revisions > limits.max_revisions:
        raise SubmissionRefused(VerificationProblem.TOO_MANY_REVISIONS, {**params, "revisions": revisions})
    try:
        return validate_pdf_signatures(
            data,
            material=material,
            validation_time=validation_time,
            max_inflated_bytes=limits.max_inflated_bytes,
        )
    except InvalidPdfError as exc:  # pragma: no cover - check_upload opened it with the same reader
        raise SubmissionRefused(UploadProblem.UNREADABLE_PDF, params, detail=str(exc)) from exc
