"""Checking a file a citizen or business uploads to an online dossier.

Decree 118/2025/NĐ-CP (Art. 17.2.c) gives the agency 8 working hours to accept an online dossier or
send it back; Decree 45/2020/NĐ-CP (electronic administrative procedures) lets applicants submit
electronic copies and digitally signed originals. What an officer needs to know of every file
before that decision, and what the portal can tell the applicant at once:

* its **real type**, decided by its content, not by its name: a ``.pdf`` that is really a PNG or
  a program is refused (``WRONG_TYPE``) and what it really is is reported. Types are detected with
  libmagic, the database of ``file(1)``, through the ``python-magic`` binding (Odoo depends on it
  too, and the official Odoo image ships libmagic). A zip that libmagic does not recognise as an
  Office document is recognised from its parts when the name says docx/xlsx.
* its **size** against the portal's limit, and whether it is **empty**;
* for a PDF, that it can be **read** (parsed with pyHanko, the reader the signature validator
  uses, every page reached and its content decoded: truncated files, garbage after ``%PDF-`` and
  documents without pages are caught), that it is **not encrypted** (a password-protected file can
  be neither read by the officer nor validated), its **number of pages**, and its **signatures**:
  how many filled signature fields it has (document timestamps are not signatures) and, when the
  caller passes a validator, whether they are all valid;
* for a PNG or JPEG, that the image decodes (a truncated scan is caught);
* that checking it does not **inflate** more than a budget: everything the check decompresses
  (a PDF's cross-reference and object streams, its pages' content streams, an image's pixels)
  counts against ``max_inflated_bytes`` (default 100 MiB for the whole file, a quarter of it for
  one stream). Decoding stops as soon as the budget is reached (pyHanko's bounded decoders:
  ``zlib`` with a maximum output length, never an unbounded inflate) and the file is refused
  (``INFLATES_TOO_MUCH``): a small "decompression bomb" cannot fill the server's memory;
* its SHA-256, for the dossier's audit trail.

Signature validation needs the agency's trust roots and CRLs, which the Odoo side holds, so it is
a callback: typically ``lambda pdf: validate_pdf_signatures(pdf, material=ValidationMaterial(...))``
(:func:`moh_core.signatures.validate_pdf_signatures`). It receives the PDF as the check opened
it (:class:`~moh_core.signatures.OpenedPdf`), so the file is parsed once. Its
:class:`~moh_core.signatures.PdfValidationReport` is kept in the result. A file whose
signatures are not valid is still a readable file (``ok``); :func:`moh_core.onestop.completeness.completeness`
treats it as ``bad_signature``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from collections.abc import Callable, Collection, Mapping
from io import BytesIO
from pathlib import PurePath

import magic
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfDecodeLimitError, PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from moh_core.errors import MohError, ProblemCode, register_texts
from moh_core.signatures import (
    DEFAULT_MAX_INFLATED_BYTES,
    EncryptedPdfError,
    InvalidPdfError,
    OpenedPdf,
    PdfValidationReport,
    open_pdf,
)

__all__ = [
    "DEFAULT_ALLOWED_TYPES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_INFLATED_BYTES",
    "FILE_TYPES",
    "SignatureValidator",
    "UploadCheck",
    "UploadProblem",
    "UploadRefused",
    "check_upload",
]

#: Types accepted by default: what applicants scan or print to.
DEFAULT_ALLOWED_TYPES: frozenset[str] = frozenset({"pdf", "png", "jpeg"})
#: Default size limit of one file: 20 MiB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Default budget of the bytes the check may decompress from one file, all streams together:
#: 100 MiB (five times the default size limit; ordinary scans and office PDFs need far less,
#: since the images of a PDF are not decoded by the check).

#: Type names this module knows -> their MIME type. Names are what ``allowed`` and
#: :attr:`UploadCheck.detected_type` use.
FILE_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
    "xml": "text/xml",
}
_TYPE_BY_MIME: dict[str, str] = {
    **{mime: name for name, mime in FILE_TYPES.items()},
    "application/xml": "xml",
    "application/x-zip-compressed": "zip",
}
#: File name extensions -> the type the name promises.
_TYPE_BY_EXTENSION: dict[str, str] = {
    **{name: name for name in FILE_TYPES},
    "jpg": "jpeg",
    "jpe": "jpeg",
    "jfif": "jpeg",
    "tif": "tiff",
}
#: A zip holding these parts is the Office document the name says it is.
_OOXML_PARTS: dict[str, str] = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_IMAGE_TYPES = frozenset({"png", "jpeg"})

#: Receives the PDF as the check opened it (an :class:`~moh_core.signatures.OpenedPdf`, which
#: :func:`~moh_core.signatures.validate_pdf_signatures` takes as it is, without parsing the file
#: again), returns the validation report (raises InvalidPdfError if unreadable).
SignatureValidator = Callable[[OpenedPdf], PdfValidationReport]


class UploadProblem(ProblemCode):
    """Why an uploaded file is refused; the Odoo side translates the codes."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    UNREADABLE_PDF = "unreadable_pdf"
    ENCRYPTED_PDF = "encrypted_pdf"
    NO_PAGES = "no_pages"
    UNREADABLE_IMAGE = "unreadable_image"
    INFLATES_TOO_MUCH = "inflates_too_much"


_PROBLEM_DESCRIPTIONS: dict[UploadProblem, str] = {
    UploadProblem.EMPTY: "the file is empty",
    UploadProblem.TOO_LARGE: "the file is larger than the {limit_mb} MB allowed",
    UploadProblem.WRONG_TYPE: (
        "the file is not accepted: its content is {detected} whatever its name says; upload a PDF "
        "(or a picture where allowed)"
    ),
    UploadProblem.TYPE_NOT_ALLOWED: (
        "the file is a {detected} file; this document is accepted as a PDF (or a picture where allowed)"
    ),
    UploadProblem.UNREADABLE_PDF: "the file is not a readable PDF (damaged or incomplete)",
    UploadProblem.ENCRYPTED_PDF: "the file is protected by a password; upload it without protection",
    UploadProblem.NO_PAGES: "the file is a PDF without any page",
    UploadProblem.UNREADABLE_IMAGE: "the file is a damaged or incomplete picture",
    UploadProblem.INFLATES_TOO_MUCH: (
        "the file decompresses to more than the {inflate_limit_mb} MB of data allowed (it may be a "
        "decompression bomb); upload an ordinary copy of the document"
    ),
}

_PROBLEM_DESCRIPTIONS_VI: dict[UploadProblem, str] = {
    UploadProblem.EMPTY: "tệp không có nội dung",
    UploadProblem.TOO_LARGE: "tệp vượt quá dung lượng cho phép {limit_mb} MB",
    UploadProblem.WRONG_TYPE: (
        "tệp không được chấp nhận: nội dung tệp có định dạng {detected}, bất kể tên tệp; hãy tải lên "
        "tệp PDF (hoặc hình ảnh nếu được phép)"
    ),
    UploadProblem.TYPE_NOT_ALLOWED: (
        "tệp có định dạng {detected}; thành phần hồ sơ này chỉ nhận tệp PDF (hoặc hình ảnh nếu được phép)"
    ),
    UploadProblem.UNREADABLE_PDF: "tệp không phải là tệp PDF đọc được (bị hỏng hoặc không đầy đủ)",
    UploadProblem.ENCRYPTED_PDF: "tệp được bảo vệ bằng mật khẩu; hãy tải lên tệp không đặt mật khẩu",
    UploadProblem.NO_PAGES: "tệp PDF không có trang nào",
    UploadProblem.UNREADABLE_IMAGE: "hình ảnh bị hỏng hoặc không đầy đủ",
    UploadProblem.INFLATES_TOO_MUCH: (
        "tệp khi giải nén vượt quá {inflate_limit_mb} MB dữ liệu cho phép (có thể là tệp độc hại dạng bom "
        "giải nén); vui lòng tải lên một bản thông thường của tài liệu"
    ),
}
register_texts(UploadProblem, _PROBLEM_DESCRIPTIONS, _PROBLEM_DESCRIPTIONS_VI)


class UploadRefused(MohError):
    """An uploaded file refused: the problem's text, filled with the file's name, the limits it was
    checked against and the type its content shows (:meth:`UploadCheck.error`)."""

    frame = "{file}: {reason}."
    frame_vi = "{file}: {reason}."
    capitalise = False  # the message starts with the file's name, as the applicant gave it

    def __init__(
        self, code: UploadProblem, params: Mapping[str, object] | None = None, *, detail: str | None = None
    ) -> None:
        known = {"file": "?", "detected": "?", "limit_mb": "?", "inflate_limit_mb": "?"}
        super().__init__(code, {**known, **(params or {})}, detail=detail)


@dataclasses.dataclass(frozen=True)
class UploadCheck:
    """The verdict on one uploaded file. ``ok`` when ``problem`` is None."""

    filename: str
    size: int
    sha256: str
    """Hex SHA-256 of the bytes."""
    detected_type: str | None
    """The type the content shows (a key of :data:`FILE_TYPES`), None for an unknown type."""
    mimetype: str
    """libmagic's MIME type of the content, also for unknown types (e.g. ``application/x-dosexec``)."""
    problem: UploadProblem | None = None
    detail: str | None = None
    """Technical detail of the problem, in English, for logs (e.g. the parser's error)."""
    pages: int | None = None
    """Number of pages of a readable PDF."""
    signature_count: int = 0
    """Filled signature fields of a readable PDF (document timestamps not counted)."""
    signatures_valid: bool | None = None
    """The validator's ``all_valid``; None when the file carries no signature (nor one a later
    revision removed, which the validator reports) or when no validator was given."""
    signature_report: PdfValidationReport | None = dataclasses.field(default=None, repr=False, compare=False)
    max_bytes: int | None = None
    """The size limit the file was checked against."""
    max_inflated_bytes: int | None = None
    """The decompression budget the file was checked against."""

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def signed(self) -> bool:
        return self.signature_count > 0

    def error(self) -> UploadRefused | None:
        """The refusal to show the user (in English or Vietnamese), or None for an accepted file."""
        if self.problem is None:
            return None
        mib = 1024 * 1024
        params = {
            "file": self.filename,
            "detected": self.detected_type or self.mimetype or "?",
            "limit_mb": self.max_bytes // mib if self.max_bytes else "?",
            "inflate_limit_mb": self.max_inflated_bytes // mib if self.max_inflated_bytes else "?",
        }
        return UploadRefused(self.problem, params, detail=self.detail)

    @property
    def message(self) -> str | None:
        """The problem in one English sentence, or None."""
        error = self.error()
        return error.message if error else None


def check_upload(
    data: bytes,
    filename: str,
    *,
    allowed: Collection[str] = DEFAULT_ALLOWED_TYPES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES,
    validate_signatures: SignatureValidator | None = None,
) -> UploadCheck:
    """Check an uploaded file; see the module's docstring for what is checked.

    The first problem found is reported, in this order: empty, too large, content not matching
    the name's extension, type not in ``allowed``, then the content checks. A name without a
    known extension is judged by its content alone.

    :param allowed: type names from :data:`FILE_TYPES`.
    :param max_inflated_bytes: the most bytes the check decompresses from the file, all streams
        (or an image's pixels) together, one PDF stream at most a quarter of it; beyond that the
        file is refused as ``INFLATES_TOO_MUCH`` without decompressing further.
    :param validate_signatures: called with a signed, readable PDF (or one of several revisions,
        where a signature may have been removed) as the check opened it, an
        :class:`~moh_core.signatures.OpenedPdf`; its report's ``all_valid`` becomes
        :attr:`UploadCheck.signatures_valid`. If it raises
        :class:`~moh_core.signatures.InvalidPdfError` the PDF is unreadable; other exceptions
        (a bad trust-root configuration) propagate.
    :raises ValueError: ``allowed`` names an unknown type, or ``max_inflated_bytes`` is not
        positive.
    """
    if max_inflated_bytes < 1:
        raise ValueError("max_inflated_bytes must be positive")
    unknown = set(allowed) - FILE_TYPES.keys()
    if unknown:
        raise ValueError(f"Unknown file types {sorted(unknown)}; known: {', '.join(sorted(FILE_TYPES))}.")
    data = bytes(data)
    size = len(data)
    mimetype = magic.from_buffer(data, mime=True) if data else "application/x-empty"
    detected = _TYPE_BY_MIME.get(mimetype)
    expected = _TYPE_BY_EXTENSION.get(PurePath(filename or "").suffix.lower().lstrip("."))
    if detected == "zip" and expected in _OOXML_PARTS and _zip_has(data, _OOXML_PARTS[expected]):
        detected, mimetype = expected, FILE_TYPES[expected]
    check = UploadCheck(
        filename=filename,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        detected_type=detected,
        mimetype=mimetype,
        max_bytes=max_bytes,
        max_inflated_bytes=max_inflated_bytes,
    )

    def refuse(problem: UploadProblem, detail: str | None = None) -> UploadCheck:
        return dataclasses.replace(check, problem=problem, detail=detail)

    if not size:
        return refuse(UploadProblem.EMPTY)
    if size > max_bytes:
        return refuse(UploadProblem.TOO_LARGE, f"{size} bytes, at most {max_bytes} allowed")
    if expected is not None and detected != expected:
        return refuse(
            UploadProblem.WRONG_TYPE,
            f"named as {expected}, the content is {detected or mimetype}",
        )
    if detected not in allowed:
        return refuse(UploadProblem.TYPE_NOT_ALLOWED, f"{detected or mimetype} is not accepted")
    if detected == "pdf":
        return _check_pdf(check, data, validate_signatures, max_inflated_bytes)
    if detected in _IMAGE_TYPES:
        problem = _image_problem(data, max_inflated_bytes)
        if isinstance(problem, UploadProblem):
            return refuse(problem, f"the image decodes to more than {max_inflated_bytes} bytes")
        if problem:
            return refuse(UploadProblem.UNREADABLE_IMAGE, problem)
    return check


def _check_pdf(
    check: UploadCheck,
    data: bytes,
    validate_signatures: SignatureValidator | None,
    max_inflated_bytes: int,
) -> UploadCheck:
    def refuse(problem: UploadProblem, detail: str | None = None) -> UploadCheck:
        return dataclasses.replace(check, problem=problem, detail=detail)

    def too_much(exc: Exception) -> UploadCheck:
        return refuse(
            UploadProblem.INFLATES_TOO_MUCH,
            f"decompressing stopped at the budget of {max_inflated_bytes} bytes: {exc}",
        )

    try:
        opened = open_pdf(data, max_inflated_bytes)
    except EncryptedPdfError as exc:
        return refuse(UploadProblem.ENCRYPTED_PDF, str(exc))
    except InvalidPdfError as exc:
        if _caused_by_decode_limit(exc):
            return too_much(exc)
        return refuse(UploadProblem.UNREADABLE_PDF, str(exc))
    reader = opened.reader
    try:
        pages = _read_pages(reader)
        signature_count = sum(
            1
            for _, sig, _ in enumerate_sig_fields(reader, filled_status=True)
            if sig.get_object().get("/Type") != "/DocTimeStamp"
        )
    except PdfDecodeLimitError as exc:
        return too_much(exc)
    # Trust boundary: pyHanko raises many kinds of exception on corrupt input.
    except Exception as exc:  # noqa: BLE001
        if _caused_by_decode_limit(exc):
            return too_much(exc)
        return refuse(UploadProblem.UNREADABLE_PDF, f"{type(exc).__name__}: {exc}")
    if not pages:
        return refuse(UploadProblem.NO_PAGES)
    check = dataclasses.replace(check, pages=pages, signature_count=signature_count)
    # A file of several revisions may have carried a signature a later revision removed.
    if validate_signatures is None or not (signature_count or reader.xrefs.total_revisions > 1):
        return check
    try:
        report = validate_signatures(opened)
    except InvalidPdfError as exc:
        return dataclasses.replace(check, problem=UploadProblem.UNREADABLE_PDF, detail=str(exc))
    if not report.signed:
        return check
    return dataclasses.replace(check, signatures_valid=report.all_valid, signature_report=report)


#: Deeper page trees than this are not produced by any real writer; they are refused as damaged.
_MAX_PAGE_TREE_DEPTH = 64


def _read_pages(reader: PdfFileReader) -> int:
    """Walk the page tree, decoding every page's content streams; return the number of pages.

    Raises on any unreadable object or stream (the caller reports the PDF as unreadable).
    """
    pages = 0
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[generic.PdfObject, int]] = [(reader.root.raw_get("/Pages"), 0)]
    while stack:
        node_ref, depth = stack.pop()
        if isinstance(node_ref, generic.IndirectObject):
            key = (node_ref.idnum, node_ref.generation)
            if key in seen:
                raise PdfReadError("the page tree has a cycle")
            seen.add(key)
        if depth > _MAX_PAGE_TREE_DEPTH:
            raise PdfReadError("the page tree is too deep")
        node = node_ref.get_object()
        if not isinstance(node, generic.DictionaryObject):
            raise PdfReadError("a page tree node is not a dictionary")
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            kids = node["/Kids"]
            stack.extend((kid, depth + 1) for kid in reversed(kids))
            continue
        contents = node.get("/Contents")
        streams = contents if isinstance(contents, generic.ArrayObject) else [contents]
        for stream in streams:
            if stream is not None:
                stream.get_object().data  # noqa: B018 - decodes the filters, fails on damage
        pages += 1
    return pages


def _caused_by_decode_limit(exc: BaseException | None) -> bool:
    """Whether pyHanko's decoding limit is the cause of ``exc`` (some callers wrap errors)."""
    seen = 0
    while exc is not None and seen < 16:
        if isinstance(exc, PdfDecodeLimitError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _image_problem(data: bytes, max_inflated_bytes: int) -> str | UploadProblem | None:
    """Decode the image (JPEG at 1/8 scale: enough to reach its end); a reason if that fails,
    ``INFLATES_TOO_MUCH`` if its pixels would take more than the budget (checked from its
    header, before anything is decoded)."""
    try:
        with Image.open(BytesIO(data)) as image:
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            bands = len(image.getbands())
            bits = 16 if image.mode.startswith("I;16") else 32 if image.mode in ("I", "F") else 8
            if image.width * image.height * bands * bits // 8 > max_inflated_bytes:
                return UploadProblem.INFLATES_TOO_MUCH
            image.load()
    except Image.DecompressionBombError:
        return UploadProblem.INFLATES_TOO_MUCH
    except (OSError, ValueError, SyntaxError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _zip_has(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and part in names
