"""The file-type sniffing an attachment's declared type is checked against (edXML attachments,
portal uploads): office formats are told apart by their zip parts, a damaged zip stays a zip,
and a declared type matches only the types it can really be."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

from moh_core.exchange.file_types import same_type, sniff


def _zip(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first))
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "docx"),
        ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}, "xlsx"),
        ({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}, "pptx"),
        ({"[Content_Types].xml": b"<Types/>", "other.xml": b"<o/>"}, "zip"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<c/>"}, "odt"),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, "ods"),
        ({"mimetype": b"application/vnd.oasis.opendocument.presentation"}, "odp"),
        ({"mimetype": b"application/epub+zip"}, "zip"),
        ({"readme.txt": b"hello"}, "zip"),
    ],
)
def test_zip_based_formats_are_told_apart_by_their_parts(entries, expected):
    assert sniff(_zip(dict(entries))) == expected


def test_a_damaged_zip_is_still_a_zip():
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert sniff(data[:40]) == "zip"


def test_ole_files_are_named_by_their_extension_only_when_it_is_an_ole_type():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert sniff(ole, "to-trinh.doc") == "doc"
    assert sniff(ole, "bang-tinh.xls") == "xls"
    assert sniff(ole, "anh.png") == "ole"
    assert sniff(ole) == "ole"


@pytest.mark.parametrize(
    ("declared", "actual", "expected"),
    [
        ("pdf", "pdf", True),
        ("pdf", None, False),
        ("pdf", "docx", False),
        ("zip", "docx", True),
        ("zip", "odt", True),
        ("docx", "zip", False),
        ("doc", "ole", True),
        ("xls", "doc", True),
        ("doc", "pdf", False),
    ],
)
def test_a_declared_type_matches_only_what_the_bytes_can_be(declared, actual, expected):
    assert same_type(declared, actual) is expected
