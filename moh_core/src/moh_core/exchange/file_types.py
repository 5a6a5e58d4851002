"""The type of an attachment, detected from its content's magic bytes (no libmagic needed), its
file name or a MIME type: what a file sent in an edXML message really is, whatever it is called.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO
from pathlib import PurePath

__all__ = [
    "FILE_TYPES",
    "ZIP_ERRORS",
    "same_type",
    "sniff",
    "type_of_mime",
    "type_of_name",
]

#: Type names this module detects -> MIME type.
FILE_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "ole": "application/x-ole-storage",
    "rtf": "application/rtf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "gzip": "application/gzip",
    "xml": "application/xml",
    "txt": "text/plain",
}
_TYPE_BY_MIME: dict[str, str] = {
    **{mime: name for name, mime in FILE_TYPES.items()},
    "text/xml": "xml",
    "application/x-zip-compressed": "zip",
    "application/x-pdf": "pdf",
    "image/jpg": "jpeg",
    "application/x-rar-compressed": "rar",
}
_TYPE_BY_EXTENSION: dict[str, str] = {
    **{name: name for name in FILE_TYPES if name != "ole"},
    "jpg": "jpeg",
    "jpe": "jpeg",
    "tif": "tiff",
    "gz": "gzip",
    "edxml": "xml",
}
#: An OLE2 compound file is whichever of these its name says.
_OLE_TYPES = frozenset({"doc", "xls", "ppt"})
#: Zip-based formats: a zip declared as application/zip may be one of these.
_ZIP_BASED = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
_OOXML_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
)
#: What a damaged or unusual zip makes zipfile raise (encrypted entries: RuntimeError;
#: unknown compression: NotImplementedError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
)


def type_of_name(name: str | None) -> str | None:
    return _TYPE_BY_EXTENSION.get(PurePath(name or "").suffix.lower().lstrip("."))


def type_of_mime(mime: str | None) -> str | None:
    return _TYPE_BY_MIME.get((mime or "").split(";")[0].strip().lower())


def sniff(data: bytes, name: str | None = None) -> str | None:
    """The type of ``data`` by its magic bytes; ``name`` only tells OLE2 files apart."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(data)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if kind == "ole":
                named = type_of_name(name)
                return named if named in _OLE_TYPES else "ole"
            return kind
    # Readers accept a PDF header anywhere in the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:4096]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        return "xml"
    if data and _is_text(head, truncated=len(data) > len(head)):
        return "txt"
    return None


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                for part, kind in _OOXML_PARTS.items():
                    if part in names:
                        return kind
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    return _ODF_MIMETYPES.get(entry.read(100).strip(), "zip")
    except ZIP_ERRORS:
        pass
    return "zip"


def _is_text(head: bytes, *, truncated: bool) -> bool:
    # A cut multi-byte character at the end of a truncated head is not a reason to say "binary".
    for cut in range(4 if truncated else 1):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
    return False


def same_type(declared: str, actual: str | None) -> bool:
    if actual is None:
        return False
    if declared == actual:
        return True
    if declared == "zip" and actual in _ZIP_BASED:
        return True
    return {declared, actual} <= _OLE_TYPES | {"ole"}
