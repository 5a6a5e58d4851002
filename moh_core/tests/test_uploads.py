"""Checks of files uploaded to an online dossier, as a business would upload them."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from moh_core.onestop.completeness import ItemStatus, ProvidedFile, Requirement, completeness
from moh_core.onestop.uploads import DEFAULT_MAX_BYTES, DEFAULT_MAX_INFLATED_BYTES, UploadProblem, check_upload
from moh_core.signatures import InvalidPdfError, ValidationMaterial, validate_pdf_signatures
from moh_core.testing.fixtures import append_forged_update, inflating_pdf, make_pdf, raw_pdf, sign_pdf

P = UploadProblem


# ------------------------------------------------------------------------------------ inputs


@pytest.fixture(scope="module")
def pdf():
    return make_pdf("Đơn đề nghị cấp giấy phép hoạt động", pages=3)


@pytest.fixture(scope="module")
def png():
    buffer = io.BytesIO()
    Image.effect_noise((200, 120), 40).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def jpeg():
    buffer = io.BytesIO()
    Image.effect_noise((200, 120), 40).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def signed(pki, pdf):
    return sign_pdf(pdf, pki.signer.p12_path, pki.password)


@pytest.fixture(scope="module")
def validator(pki):
    def validate(data: bytes):
        return validate_pdf_signatures(data, material=ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls))

    return validate


MiB = 1024 * 1024


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def inflating_png(width: int, height: int) -> bytes:
    """A grey PNG of ``width`` x ``height`` zero pixels, compressed row by row."""
    compressor = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte + pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def peak_memory(function):
    """(result, peak bytes allocated by Python while ``function`` ran)."""
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def encrypt(pdf: bytes, user_password: str | None) -> bytes:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    writer.encrypt("owner-secret", user_password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def ooxml(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_rels/.rels", "<Relationships/>")  # not first: libmagic may see a zip
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ho-so/don.pdf", b"%PDF-1.7 not really")
    return buffer.getvalue()


#: The start of a Linux executable (ELF, x86-64) and of a Windows one (MZ/PE).
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(4000)
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(4000)


# ------------------------------------------------------------------------------ good files


def test_a_pdf_is_accepted_with_its_page_count(pdf):
    check = check_upload(pdf, "Don de nghi.PDF")
    assert check.ok and check.problem is None and check.message is None
    assert (check.detected_type, check.mimetype) == ("pdf", "application/pdf")
    assert check.pages == 3
    assert check.size == len(pdf)
    assert check.sha256 == hashlib.sha256(pdf).hexdigest()
    assert not check.signed and check.signature_count == 0 and check.signatures_valid is None


def test_images_are_accepted(png, jpeg):
    for data, name, kind in ((png, "anh-the.png", "png"), (jpeg, "CCCD.jpg", "jpeg"), (jpeg, "scan.jpeg", "jpeg")):
        check = check_upload(data, name)
        assert check.ok, check
        assert check.detected_type == kind and check.mimetype == f"image/{kind}"
        assert check.pages is None


def test_a_name_without_extension_is_judged_by_content(png, pdf):
    assert check_upload(png, "anh").detected_type == "png"
    assert check_upload(pdf, "").ok


# ----------------------------------------------------------------- type decided by content


def test_a_png_renamed_to_pdf_is_refused(png):
    check = check_upload(png, "giay-phep.pdf")
    assert not check.ok and check.problem is P.WRONG_TYPE
    assert check.detected_type == "png" and check.mimetype == "image/png"
    assert "png" in check.detail


@pytest.mark.parametrize(
    ("data", "mimetypes"),
    [
        (ELF, {"application/x-executable", "application/x-sharedlib", "application/x-pie-executable"}),
        (WINDOWS_EXE, {"application/x-dosexec", "application/vnd.microsoft.portable-executable"}),
    ],
)
def test_a_program_renamed_to_pdf_is_refused(data, mimetypes):
    check = check_upload(data, "ho-so.pdf")
    assert check.problem is P.WRONG_TYPE
    assert check.detected_type is None  # not a document type at all ...
    assert check.mimetype in mimetypes  # ... and what it really is is reported
    assert check.mimetype in check.detail


def test_a_zip_renamed_to_pdf_is_refused():
    check = check_upload(plain_zip(), "ho-so.pdf")
    assert check.problem is P.WRONG_TYPE
    assert check.detected_type == "zip"


def test_a_type_not_allowed_is_refused(png, pdf):
    check = check_upload(png, "anh.png", allowed={"pdf"})
    assert check.problem is P.TYPE_NOT_ALLOWED and check.detected_type == "png"
    # A program under its own name is not a wrong name but a refused type.
    assert check_upload(ELF, "setup").problem is P.TYPE_NOT_ALLOWED
    assert check_upload(plain_zip(), "ho-so.zip").problem is P.TYPE_NOT_ALLOWED
    assert check_upload(plain_zip(), "ho-so.zip", allowed={"zip"}).ok


def test_office_documents_are_recognised_from_their_parts():
    docx = check_upload(ooxml("word/document.xml"), "bao-cao.docx", allowed={"docx"})
    assert docx.ok and docx.detected_type == "docx"
    assert docx.mimetype.endswith("wordprocessingml.document")
    xlsx = check_upload(ooxml("xl/workbook.xml"), "so-lieu.xlsx")
    assert xlsx.problem is P.TYPE_NOT_ALLOWED and xlsx.detected_type == "xlsx"
    # A zip without the parts is not a Word document, whatever its name.
    assert check_upload(plain_zip(), "bao-cao.docx", allowed={"docx"}).problem is P.WRONG_TYPE


def test_unknown_allowed_types_are_a_programming_error(pdf):
    with pytest.raises(ValueError, match="jpg"):
        check_upload(pdf, "a.pdf", allowed={"pdf", "jpg"})


# --------------------------------------------------------------------------- size


def test_empty_and_oversize_files(pdf):
    empty = check_upload(b"", "trong.pdf")
    assert empty.problem is P.EMPTY and empty.size == 0
    big = check_upload(pdf, "lon.pdf", max_bytes=len(pdf) - 1)
    assert big.problem is P.TOO_LARGE
    assert big.detected_type == "pdf" and big.sha256 == hashlib.sha256(pdf).hexdigest()
    assert check_upload(pdf, "vua.pdf", max_bytes=len(pdf)).ok
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


# --------------------------------------------------------------------------- damaged PDFs


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_pdf_is_unreadable(pdf, cut):
    check = check_upload(pdf[: int(len(pdf) * cut)], "bi-cat.pdf")
    assert check.problem is P.UNREADABLE_PDF
    assert check.detected_type == "pdf"  # it starts like a PDF; it just cannot be read
    assert check.detail


def test_garbage_after_the_pdf_header_is_unreadable():
    check = check_upload(b"%PDF-1.7\n" + bytes(range(256)) * 20, "rac.pdf")
    assert check.problem is P.UNREADABLE_PDF


def test_a_damaged_page_content_is_unreadable(pdf):
    # Overwrite the middle of the first page's compressed content, keeping every offset valid
    # ("!" is a valid ASCII85 digit: what breaks is the deflated data under it).
    contents = int(re.search(rb"/Contents (\d+) 0 R", pdf).group(1))
    start = pdf.index(b"stream\n", pdf.index(b"\n%d 0 obj" % contents)) + len(b"stream\n")
    damaged = pdf[: start + 20] + b"!" * 40 + pdf[start + 60 :]
    assert len(damaged) == len(pdf)
    assert PdfFileReader(io.BytesIO(damaged)).root["/Pages"]["/Count"] == 3  # the structure is intact
    assert check_upload(damaged, "hong.pdf").problem is P.UNREADABLE_PDF


def test_a_pdf_without_pages_is_refused():
    no_pages = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    assert PdfFileReader(io.BytesIO(no_pages)).root["/Pages"]["/Count"] == 0  # a well-formed file
    check = check_upload(no_pages, "khong-trang.pdf")
    assert check.problem is P.NO_PAGES


def test_a_pdf_with_a_page_tree_cycle_is_unreadable():
    cycle = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )
    assert check_upload(cycle, "vong.pdf").problem is P.UNREADABLE_PDF


def test_a_hand_made_pdf_with_one_page_is_fine():
    one_page = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )
    check = check_upload(one_page, "mot-trang.pdf")
    assert check.ok and check.pages == 1


@pytest.mark.parametrize("user_password", ["mat-khau", None])
def test_an_encrypted_pdf_is_refused(pdf, user_password):
    # With a password to open it, or only an owner password restricting what may be done.
    check = check_upload(encrypt(pdf, user_password), "bao-mat.pdf")
    assert check.problem is P.ENCRYPTED_PDF
    assert check.detected_type == "pdf"


def test_damaged_images_are_refused(png, jpeg):
    assert check_upload(png[: len(png) // 2], "anh.png").problem is P.UNREADABLE_IMAGE
    assert check_upload(jpeg[: len(jpeg) // 2], "anh.jpg").problem is P.UNREADABLE_IMAGE


# --------------------------------------------------------------------------- signatures


def test_a_signed_pdf_is_counted_and_validated_by_the_callback(signed, validator):
    unchecked = check_upload(signed, "giay-phep-ky-so.pdf")
    assert unchecked.ok and unchecked.signed and unchecked.signature_count == 1
    assert unchecked.signatures_valid is None  # no trust roots given: no verdict
    checked = check_upload(signed, "giay-phep-ky-so.pdf", validate_signatures=validator)
    assert checked.ok and checked.signatures_valid is True
    assert checked.signature_report.all_valid
    assert checked.pages == 3


def test_a_signed_pdf_changed_after_signing_is_reported_invalid(signed, validator):
    forged = append_forged_update(signed, "DA BI SUA")
    check = check_upload(forged, "giay-phep-ky-so.pdf", validate_signatures=validator)
    # Still a readable PDF, but the dossier's completeness check flags its signature.
    assert check.ok and check.signed
    assert check.signatures_valid is False
    report = completeness([Requirement("licence", "Giấy phép")], [ProvidedFile("licence", check.filename, check)])
    assert report.status_of("licence") is ItemStatus.BAD_SIGNATURE
    assert not report.complete


def test_the_validator_gets_the_pdf_as_the_check_opened_it(signed, pki, monkeypatch):
    """One parse per file: the callback receives the check's reader, validation opens nothing."""
    from pyhanko.pdf_utils import reader as pyhanko_reader

    from moh_core.signatures import OpenedPdf, ValidationMaterial, validate_pdf_signatures

    opened_readers = []
    original = pyhanko_reader.PdfFileReader.__init__

    def counting(self, *args, **kwargs):
        opened_readers.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(pyhanko_reader.PdfFileReader, "__init__", counting)
    received = []

    def validate(opened):
        received.append(opened)
        return validate_pdf_signatures(opened, material=ValidationMaterial(trust_roots=pki.trust_roots, crls=pki.crls))

    check = check_upload(signed, "giay-phep-ky-so.pdf", validate_signatures=validate)
    assert check.signatures_valid is True
    assert len(opened_readers) == 1
    assert isinstance(received[0], OpenedPdf) and received[0].reader is opened_readers[0]


def test_a_pdf_whose_only_signature_was_removed_is_reported_invalid(signed, validator):
    from moh_core.testing.forgery import remove_signature

    check = check_upload(remove_signature(signed, "Signature1"), "giay-phep.pdf", validate_signatures=validator)
    assert check.ok and not check.signed  # no signature left in it ...
    assert check.signatures_valid is False  # ... but one was removed
    assert check.signature_report.signatures[0].problems[0].value == "signature_removed"
    report = completeness([Requirement("licence", "Giấy phép")], [ProvidedFile("licence", check.filename, check)])
    assert report.status_of("licence") is ItemStatus.BAD_SIGNATURE


def test_an_unsigned_pdf_of_several_revisions_is_checked_and_stays_unsigned(pdf, validator):
    from moh_core.testing import append_forged_update

    check = check_upload(append_forged_update(pdf), "a.pdf", validate_signatures=validator)
    assert check.ok and not check.signed and check.signatures_valid is None


def test_the_callback_is_not_called_for_unsigned_pdfs(pdf):
    def fail(data):
        raise AssertionError("called for an unsigned PDF")

    assert check_upload(pdf, "a.pdf", validate_signatures=fail).signatures_valid is None


def test_a_pdf_the_validator_cannot_read_is_unreadable(signed):
    def refuse(data):
        raise InvalidPdfError("cannot read")

    check = check_upload(signed, "a.pdf", validate_signatures=refuse)
    assert check.problem is P.UNREADABLE_PDF


# ------------------------------------------------------------------------ decompression bombs


@pytest.fixture(scope="module")
def pdf_bomb():
    return inflating_pdf([200 * MiB])


def test_a_small_pdf_inflating_to_200_mib_is_refused_in_bounded_memory(pdf_bomb):
    assert len(pdf_bomb) < 250 * 1024, "a file far below the upload limit"
    check, peak = peak_memory(lambda: check_upload(pdf_bomb, "don.pdf"))
    assert check.problem is P.INFLATES_TOO_MUCH, check
    assert check.pages is None
    assert "decompress" in check.message
    # The check stopped long before 200 MiB: about half the budget at most was ever held.
    assert peak < 64 * MiB, f"{peak / MiB:.0f} MiB"
    # A smaller budget holds less still.
    check, peak = peak_memory(lambda: check_upload(pdf_bomb, "don.pdf", max_inflated_bytes=8 * MiB))
    assert check.problem is P.INFLATES_TOO_MUCH
    assert peak < 16 * MiB, f"{peak / MiB:.0f} MiB"


def test_many_streams_share_one_budget():
    # Each page's stream alone is within a quarter of the budget; together they exceed it.
    many = inflating_pdf([3 * MiB] * 6)
    assert check_upload(many, "don.pdf", max_inflated_bytes=16 * MiB).problem is P.INFLATES_TOO_MUCH
    assert check_upload(many, "don.pdf", max_inflated_bytes=80 * MiB).pages == 6


def test_a_pdf_with_ordinary_content_is_within_the_budget(pdf):
    assert DEFAULT_MAX_INFLATED_BYTES >= 100 * MiB
    assert check_upload(inflating_pdf([2 * MiB]), "don.pdf").pages == 1
    assert check_upload(pdf, "don.pdf", max_inflated_bytes=MiB).ok


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_png_whose_pixels_exceed_the_budget_is_refused_before_decoding():
    bomb = inflating_png(12_000, 10_000)  # 120 MB of pixels in a ~120 KB file
    assert len(bomb) < 1024 * 1024
    check, peak = peak_memory(lambda: check_upload(bomb, "nhan.png"))
    assert check.problem is P.INFLATES_TOO_MUCH, check
    assert peak < 16 * MiB, f"{peak / MiB:.0f} MiB"
    small = inflating_png(300, 200)
    assert check_upload(small, "nhan.png").ok
    assert check_upload(small, "nhan.png", max_inflated_bytes=1000).problem is P.INFLATES_TOO_MUCH


def test_the_budget_must_be_positive(pdf):
    with pytest.raises(ValueError):
        check_upload(pdf, "don.pdf", max_inflated_bytes=0)


def test_problem_codes_have_descriptions():
    for problem in UploadProblem:
        assert problem.description


def test_the_signature_validator_reads_foreign_pdfs_within_the_same_budget(pdf_bomb):
    """validate_pdf_signatures opens foreign bytes with the decoding budget too: whatever stream
    it happens to read, it never inflates one without bound."""
    from io import BytesIO

    from pyhanko.pdf_utils.misc import PdfDecodeLimitError
    from pyhanko.pdf_utils.reader import PdfFileReader

    from moh_core.signatures import ValidationMaterial, decode_limits, validate_pdf_signatures

    reader = PdfFileReader(BytesIO(pdf_bomb), strict=False, decode_limits=decode_limits(8 * MiB))
    page = reader.root["/Pages"]["/Kids"][0]
    with pytest.raises(PdfDecodeLimitError):
        page["/Contents"].data  # noqa: B018 - decoding is the point
    report, peak = peak_memory(
        lambda: validate_pdf_signatures(
            pdf_bomb, material=ValidationMaterial(trust_roots=[]), max_inflated_bytes=8 * MiB
        )
    )
    assert not report.signed
    assert peak < 32 * MiB, f"{peak / MiB:.0f} MiB"


def test_a_refusal_names_the_file_and_the_limits_in_both_languages():
    refused = check_upload(b"x" * (3 * 1024 * 1024), "don.pdf", max_bytes=2 * 1024 * 1024)
    error = refused.error()
    assert error.code is UploadProblem.TOO_LARGE
    assert error.message == "don.pdf: the file is larger than the 2 MB allowed."
    assert error.message_vi == "don.pdf: tệp vượt quá dung lượng cho phép 2 MB."
    assert refused.message == error.message
    assert check_upload(make_pdf(), "ok.pdf").error() is None


def test_a_bomb_s_refusal_states_the_decompression_budget():
    refused = check_upload(inflating_pdf([8 * 1024 * 1024]), "bom.pdf", max_inflated_bytes=4 * 1024 * 1024)
    assert refused.problem is UploadProblem.INFLATES_TOO_MUCH
    assert "more than the 4 MB of data allowed" in refused.error().message
    assert "vượt quá 4 MB dữ liệu cho phép" in refused.error().message_vi
