"""Why an archive package cannot be built or read (:class:`ArchiveError` with an
:class:`ArchiveProblem` code); the Odoo side shows ``message`` / ``message_vi``."""

from __future__ import annotations

from moh_core.errors import MohError, ProblemCode, register_texts

__all__ = ["ArchiveError", "ArchiveProblem"]

_MAX_DETAIL = 400


class ArchiveProblem(ProblemCode):
    """Machine codes of :class:`ArchiveError`."""

    # Building
    EMPTY_FILE = "empty_file"
    INVALID_INPUT = "invalid_input"
    DUPLICATE_ITEM = "duplicate_item"
    REPORT_REQUIRED = "report_required"
    REPORT_UNEXPECTED = "report_unexpected"
    PDFA_FAILED = "pdfa_failed"
    FIXITY_MISMATCH = "fixity_mismatch"
    # Reading
    NOT_A_ZIP = "not_a_zip"
    TOO_LARGE = "too_large"
    TOO_MANY_ENTRIES = "too_many_entries"
    UNSAFE_PATH = "unsafe_path"
    NO_ROOT_FOLDER = "no_root_folder"
    MISSING_METS = "missing_mets"
    MALFORMED_METS = "malformed_mets"


_TEXTS: dict[ArchiveProblem, str] = {
    ArchiveProblem.EMPTY_FILE: "the records file has no document to archive",
    ArchiveProblem.INVALID_INPUT: "the records file or one of its documents is incomplete: {what}",
    ArchiveProblem.DUPLICATE_ITEM: "two documents of the records file have the same identifier {identifier}",
    ArchiveProblem.REPORT_REQUIRED: "the signed file {name} has no signature validation report from filing time",
    ArchiveProblem.REPORT_UNEXPECTED: "the file {name} is not signed but comes with a signature validation report",
    ArchiveProblem.PDFA_FAILED: "the file {name} could not be converted to PDF/A-2b",
    ArchiveProblem.FIXITY_MISMATCH: "the file {name} is no longer the one filed: its SHA-256 digest changed",
    ArchiveProblem.NOT_A_ZIP: "the package is not a ZIP archive",
    ArchiveProblem.TOO_LARGE: "the package or one of its files is larger than allowed",
    ArchiveProblem.TOO_MANY_ENTRIES: "the package contains more files than allowed",
    ArchiveProblem.UNSAFE_PATH: "the package contains a file with an unsafe path {path}",
    ArchiveProblem.NO_ROOT_FOLDER: "the package does not have exactly one root folder",
    ArchiveProblem.MISSING_METS: "the package has no METS.xml file {path}",
    ArchiveProblem.MALFORMED_METS: "the METS file {path} of the package cannot be read",
}

_TEXTS_VI: dict[ArchiveProblem, str] = {
    ArchiveProblem.EMPTY_FILE: "hồ sơ không có tài liệu nào để nộp lưu",
    ArchiveProblem.INVALID_INPUT: "hồ sơ hoặc một tài liệu trong hồ sơ thiếu thông tin: {what}",
    ArchiveProblem.DUPLICATE_ITEM: "hai tài liệu trong hồ sơ có cùng mã định danh {identifier}",
    ArchiveProblem.REPORT_REQUIRED: "tệp đã ký số {name} không có báo cáo xác thực chữ ký tại thời điểm lập hồ sơ",
    ArchiveProblem.REPORT_UNEXPECTED: "tệp {name} không được ký số nhưng lại kèm báo cáo xác thực chữ ký",
    ArchiveProblem.PDFA_FAILED: "không chuyển được tệp {name} sang định dạng PDF/A-2b",
    ArchiveProblem.FIXITY_MISMATCH: "tệp {name} không còn là tệp đã lưu khi lập hồ sơ: mã băm SHA-256 đã thay đổi",
    ArchiveProblem.NOT_A_ZIP: "gói tin không phải là tệp nén ZIP",
    ArchiveProblem.TOO_LARGE: "gói tin hoặc một tệp trong gói vượt quá dung lượng cho phép",
    ArchiveProblem.TOO_MANY_ENTRIES: "gói tin chứa nhiều tệp hơn mức cho phép",
    ArchiveProblem.UNSAFE_PATH: "gói tin chứa tệp có đường dẫn không an toàn {path}",
    ArchiveProblem.NO_ROOT_FOLDER: "gói tin không có đúng một thư mục gốc",
    ArchiveProblem.MISSING_METS: "gói tin thiếu tệp METS.xml {path}",
    ArchiveProblem.MALFORMED_METS: "không đọc được tệp METS {path} của gói tin",
}
register_texts(ArchiveProblem, _TEXTS, _TEXTS_VI)


class ArchiveError(MohError):
    """A package refused (malformed, unsafe, too large) or not built (bad input)."""

    frame = "The archive package was refused: {reason}."
    frame_vi = "Gói hồ sơ nộp lưu bị từ chối: {reason}."

    def __init__(self, code: ArchiveProblem, detail: str | None = None, **params: str) -> None:
        super().__init__(code, params, detail=detail[:_MAX_DETAIL] if detail else None)
