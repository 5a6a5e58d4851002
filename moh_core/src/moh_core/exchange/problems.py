"""Why an edXML message is refused or cannot be built (:class:`EdxmlError` with an
:class:`EdxmlProblem` code), and the quirks of senders that were tolerated (:class:`Notice` with an
:class:`EdxmlNotice` code). The Odoo side translates the codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from moh_core.errors import MohError, ProblemCode, register_texts

__all__ = [
    "EdxmlError",
    "EdxmlNotice",
    "EdxmlProblem",
    "Notice",
]

_MAX_DETAIL = 400


class EdxmlProblem(ProblemCode):
    """Why a message is refused or cannot be built; the Odoo side translates the codes."""

    TOO_LARGE = "too_large"
    ATTACHMENT_TOO_LARGE = "attachment_too_large"
    DOCTYPE_FORBIDDEN = "doctype_forbidden"
    MALFORMED = "malformed"
    NAMESPACE_ERROR = "namespace_error"
    NOT_EDXML = "not_edxml"
    NOT_CONFORMANT = "not_conformant"
    INVALID_DATE = "invalid_date"
    BAD_ATTACHMENT_ENCODING = "bad_attachment_encoding"
    MISSING_ATTACHMENT = "missing_attachment"
    DUPLICATE_ATTACHMENT = "duplicate_attachment"


_PROBLEM_DESCRIPTIONS: dict[EdxmlProblem, str] = {
    EdxmlProblem.TOO_LARGE: "the message is larger than allowed",
    EdxmlProblem.ATTACHMENT_TOO_LARGE: "an attachment is larger than allowed",
    EdxmlProblem.DOCTYPE_FORBIDDEN: ("the message contains a document type declaration or entities, which are refused"),
    EdxmlProblem.MALFORMED: "the message is not well-formed XML",
    EdxmlProblem.NAMESPACE_ERROR: "the message uses an XML namespace prefix it does not declare",
    EdxmlProblem.NOT_EDXML: "the message is not an edXML message",
    EdxmlProblem.NOT_CONFORMANT: "the message does not have the structure of an edXML message",
    EdxmlProblem.INVALID_DATE: "the message contains a date that does not exist or cannot be read",
    EdxmlProblem.BAD_ATTACHMENT_ENCODING: "an attachment is not valid base64",
    EdxmlProblem.MISSING_ATTACHMENT: ("the manifest lists an attachment the message does not contain"),
    EdxmlProblem.DUPLICATE_ATTACHMENT: "two attachments have the same content identifier",
}

_PROBLEM_DESCRIPTIONS_VI: dict[EdxmlProblem, str] = {
    EdxmlProblem.TOO_LARGE: "gói tin vượt quá dung lượng cho phép",
    EdxmlProblem.ATTACHMENT_TOO_LARGE: "một tệp đính kèm vượt quá dung lượng cho phép",
    EdxmlProblem.DOCTYPE_FORBIDDEN: ("gói tin khai báo DOCTYPE hoặc thực thể, điều bị cấm (có thể là tấn công)"),
    EdxmlProblem.MALFORMED: "gói tin không phải là XML hợp lệ",
    EdxmlProblem.NAMESPACE_ERROR: "gói tin dùng tiền tố XML chưa được khai báo",
    EdxmlProblem.NOT_EDXML: "tệp không phải là gói tin edXML",
    EdxmlProblem.NOT_CONFORMANT: "gói tin không có cấu trúc theo yêu cầu của edXML",
    EdxmlProblem.INVALID_DATE: "gói tin có ngày tháng không tồn tại hoặc không đọc được",
    EdxmlProblem.BAD_ATTACHMENT_ENCODING: "một tệp đính kèm không được mã hóa base64 đúng",
    EdxmlProblem.MISSING_ATTACHMENT: "gói tin liệt kê một tệp đính kèm mà nó không chứa",
    EdxmlProblem.DUPLICATE_ATTACHMENT: "hai tệp đính kèm có cùng mã định danh nội dung",
}
register_texts(EdxmlProblem, _PROBLEM_DESCRIPTIONS, _PROBLEM_DESCRIPTIONS_VI)


class EdxmlNotice(StrEnum):
    """A quirk of the sender that was tolerated; the Odoo side translates the codes."""

    DATE_FORMAT = "date_format"
    UNQUALIFIED_SIGNATURE = "unqualified_signature"
    UNKNOWN_TRACE_ORGAN = "unknown_trace_organ"
    DECLARED_TYPE_MISMATCH = "declared_type_mismatch"
    MANIFEST_TYPE_MISMATCH = "manifest_type_mismatch"
    NAME_TYPE_MISMATCH = "name_type_mismatch"
    DAMAGED_ATTACHMENT = "damaged_attachment"
    UNLISTED_ATTACHMENT = "unlisted_attachment"

    @property
    def description(self) -> str:
        """One English sentence, for logs and messages."""
        return _NOTICE_DESCRIPTIONS[self]


_NOTICE_DESCRIPTIONS: dict[EdxmlNotice, str] = {
    EdxmlNotice.DATE_FORMAT: "a date was not written as yyyy/MM/dd and was converted",
    EdxmlNotice.UNQUALIFIED_SIGNATURE: ("the signature element is not in the XML signature namespace"),
    EdxmlNotice.UNKNOWN_TRACE_ORGAN: ("a trace header does not say which organisation relayed the message"),
    EdxmlNotice.DECLARED_TYPE_MISMATCH: ("an attachment's declared type is not the type of its content"),
    EdxmlNotice.MANIFEST_TYPE_MISMATCH: ("the manifest gives an attachment a type its content does not have"),
    EdxmlNotice.NAME_TYPE_MISMATCH: "an attachment's content does not match its file name",
    EdxmlNotice.DAMAGED_ATTACHMENT: "an attachment was damaged by the sender's software",
    EdxmlNotice.UNLISTED_ATTACHMENT: ("the message contains an attachment its manifest does not list"),
}


class EdxmlError(MohError):
    """A message refused or not built: ``code``, the English ``message``, a technical ``detail``."""

    def __init__(self, code: EdxmlProblem, detail: str | None = None) -> None:
        super().__init__(code, detail=detail[:_MAX_DETAIL] if detail else None)


@dataclass(frozen=True)
class Notice:
    """One tolerated quirk; ``content_id`` names the attachment it concerns, if any."""

    code: EdxmlNotice
    detail: str
    content_id: str | None = None

    @property
    def message(self) -> str:
        return f"{self.code.description}: {self.detail}"
