"""The public verification of issued documents: the code and QR code printed in the bottom
margin of the first page (never over a box of Decree 30's layout), the bounded check of a PDF
anyone submits, and the rate limiter of the public page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from moh_core.demo.samples import make_pdf
from moh_core.documents import (
    VerificationMark,
    format_verification_code,
    new_verification_code,
    normalise_verification_code,
    verification_url,
)
from moh_core.documents.layout import OutgoingDocument, Signer, render_outgoing_document
from moh_core.documents.verification import (
    CODE_ALPHABET,
    CODE_LENGTH,
    qr_module_rects,
    qr_widget,
    verification_block_box,
)
from moh_core.onestop import UploadProblem
from moh_core.signatures import SignatureProblem
from moh_core.testing.fixtures import append_forged_update, inflating_pdf, sign_pdf
from moh_core.verification import (
    RateLimiter,
    SubmissionLimits,
    SubmissionRefused,
    VerificationProblem,
    check_submitted_pdf,
)

BASE = "https://dichvucong.moh.gov.vn"


def _document(body: str = "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm.", **kw: object):
    values: dict[str, object] = {
        "agency": "BỘ Y TẾ",
        "number": None,
        "symbol": "QĐ-BYT",
        "place": "Hà Nội",
        "date": None,
        "type_name": "QUYẾT ĐỊNH",
        "abstract": "Ban hành Danh mục thuốc hiếm",
        "body": body,
        "signer": Signer(authority="KT.", authority_position="BỘ TRƯỞNG", position="THỨ TRƯỞNG", name="Trần Văn B"),
        "recipients": ["Như Điều 3;", "Lưu: VT, QLD."],
        "urgency": "HỎA TỐC",
        "confidentiality": None,
    }
    values.update(kw)
    return OutgoingDocument(**values)  # type: ignore[arg-type]


def _intersects(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --- the code --------------------------------------------------------------------------------


def test_codes_are_twelve_unambiguous_characters_drawn_at_random():
    codes = {new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000, "60 bits: no collision among a few thousand"
    assert len(CODE_ALPHABET) == 32 and len(set(CODE_ALPHABET)) == 32
    assert not set("01IO") & set(CODE_ALPHABET)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    # Every symbol is used about equally (secrets.choice over the whole alphabet).
    counts = Counter("".join(codes))
    expected = 2000 * CODE_LENGTH / 32
    assert set(counts) == set(CODE_ALPHABET)
    assert all(abs(count - expected) < 6 * math.sqrt(expected) for count in counts.values())


def test_a_typed_code_is_read_whatever_its_case_grouping_and_spaces():
    code = "7K3MQ9XH2TWP"
    assert format_verification_code(code) == "7K3M-Q9XH-2TWP"
    for typed in ("7K3M-Q9XH-2TWP", " 7k3m q9xh 2twp ", "7k3mq9xh2twp"):
        assert normalise_verification_code(typed) == code
    for wrong in ("", None, "7K3M-Q9XH-2TW", "7K3M-Q9XH-2TWPA", "7K3M-Q9XH-2TW0", "7K3M/Q9XH/2TWP", "../../etc/passwd"):
        assert normalise_verification_code(wrong) is None


def test_the_mark_needs_a_code_and_an_absolute_base_url():
    mark = VerificationMark("7K3MQ9XH2TWP", BASE + "/")
    assert mark.url == verification_url(BASE, "7K3MQ9XH2TWP") == f"{BASE}/verify/7K3MQ9XH2TWP"
    with pytest.raises(ValueError, match="Not a verification code"):
        VerificationMark("7k3m-q9xh-2twp", BASE)
    with pytest.raises(ValueError, match="absolute"):
        VerificationMark("7K3MQ9XH2TWP", "/verify")


def test_the_qr_code_encodes_the_verification_url():
    mark = VerificationMark("7K3MQ9XH2TWP", BASE)
    widget = qr_widget(mark)
    assert widget.value == f"{BASE}/verify/7K3MQ9XH2TWP"
    assert widget.barLevel == "M"
    assert widget.barWidth == widget.barHeight == 15 * mm
    # What is drawn on the page is the widget's own matrix, as the widget would draw it.
    drawn = widget.draw().contents[1:]  # the first shape is the (unfilled) frame
    assert len(drawn) > 50
    expected = sorted(tuple(round(v, 6) for v in (r.x, r.y, r.width, r.height)) for r in drawn)
    assert sorted(tuple(round(v, 6) for v in rect) for rect in qr_module_rects(widget)) == expected


# --- where it is drawn -----------------------------------------------------------------------

pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


def _words_on_page(pdf: bytes, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Words of ``page`` (1-based) with their boxes in PDF points from the bottom-left corner."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    import re

    height = A4[1]
    words = []
    for match in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html
    ):
        x1, y1, x2, y2 = (float(v) for v in match.groups()[:4])
        words.append((match.group(5), (x1, height - y2, x2, height - y1)))
    return words


@pdftotext
@pytest.mark.parametrize("paragraphs", [1, 12, 40])
def test_the_block_is_in_the_first_pages_bottom_margin_clear_of_every_box(paragraphs):
    body = "\n\n".join(
        f"Điều {i}. Nội dung điều {i} của quyết định, đủ dài để chiếm một dòng." for i in range(1, paragraphs + 1)
    )
    mark = VerificationMark(new_verification_code(), BASE)
    rendered = render_outgoing_document(_document(body=body, verification=mark))
    assert rendered.verification_box is not None
    assert rendered.verification_box.page == 0
    box = rendered.verification_box.box
    assert box == verification_block_box(A4)
    width = A4[0]
    # Inside the page, inside the bottom margin (20 mm), between the left and right margins.
    assert 0 < box[0] < box[2] <= width and 0 < box[1] < box[3] <= 20 * mm
    assert box[0] >= 30 * mm - 0.01 and box[2] <= width - 15 * mm + 0.01
    # Never over a signature or a filled-in box, whichever page the block landed on.
    for other in (*rendered.signature_boxes, *rendered.text_boxes):
        assert other.page != 0 or not _intersects(box, other.box), other
    # Every word of the first page is either in the block (the mark's) or above the margin.
    words = _words_on_page(rendered.pdf, 1)
    inside = [word for word, wbox in words if _intersects(wbox, box)]
    assert format_verification_code(mark.code) in inside
    assert mark.url in inside
    for word, wbox in words:
        if word not in inside:
            assert wbox[1] >= 20 * mm - 1, (word, wbox)
    # Later pages carry no mark.
    if paragraphs == 40:
        later = [word for word, _ in _words_on_page(rendered.pdf, 2)]
        assert mark.url not in later and "xác" not in later


def test_a_draft_has_no_block_and_the_rest_of_the_page_is_unchanged():
    mark = VerificationMark(new_verification_code(), BASE)
    plain = render_outgoing_document(_document())
    marked = render_outgoing_document(_document(verification=mark))
    assert plain.verification_box is None
    assert marked.signature_boxes == plain.signature_boxes
    assert marked.text_boxes == plain.text_boxes
    assert mark.url.encode() not in plain.pdf


def test_a_long_base_url_is_shortened_in_print_only():
    mark = VerificationMark(new_verification_code(), "https://" + "a" * 150 + ".gov.vn")
    rendered = render_outgoing_document(_document(verification=mark))
    assert rendered.verification_box is not None
    assert qr_widget(mark).value == mark.url


# --- a submitted PDF -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed(pki):
    return sign_pdf(make_pdf(), pki.signer.p12_path, pki.password, field_name="signer")


def test_a_valid_signed_pdf_gets_the_validators_verdict(signed, material, pki):
    report = check_submitted_pdf(signed, "van-ban.pdf", material=material)
    assert report.all_valid
    assert [sig.signer_common_name for sig in report.signatures] == [pki.signer.common_name]


def test_a_tampered_copy_is_not_valid_and_says_why(signed, material):
    report = check_submitted_pdf(append_forged_update(signed), "van-ban.pdf", material=material)
    assert not report.all_valid
    assert SignatureProblem.CHANGED_AFTER_SIGNING in report.signatures[0].problems


def test_an_unsigned_pdf_gives_an_empty_report(material):
    report = check_submitted_pdf(make_pdf(), "van-ban.pdf", material=material)
    assert not report.signed


def _refusal(data: bytes, material, filename="van-ban.pdf", **limits) -> SubmissionRefused:
    with pytest.raises(SubmissionRefused) as caught:
        check_submitted_pdf(data, filename, material=material, limits=SubmissionLimits(**limits))
    return caught.value


def test_each_limit_is_refused_with_its_message_in_both_languages(signed, material):
    too_large = _refusal(signed + b"\0" * (21 * 1024 * 1024), material)
    assert too_large.code is UploadProblem.TOO_LARGE
    assert too_large.message_vi == "Tệp vượt quá dung lượng cho phép 20 MB."
    assert _refusal(signed, material, max_bytes=1024).code is UploadProblem.TOO_LARGE
    not_pdf = _refusal(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, material, filename="anh.png")
    assert not_pdf.code is VerificationProblem.NOT_A_PDF
    assert "không phải là tệp PDF" in not_pdf.message_vi
    renamed = _refusal(b"Hello, this is text\n" * 10, material, filename="van-ban.pdf")
    assert renamed.code is VerificationProblem.NOT_A_PDF
    assert "its content is text/" in renamed.message
    assert _refusal(b"", material).code is UploadProblem.EMPTY
    assert _refusal(b"%PDF-1.7\n garbage", material).code is UploadProblem.UNREADABLE_PDF
    bomb = _refusal(inflating_pdf([8 * 1024 * 1024]), material, max_inflated_bytes=4 * 1024 * 1024)
    assert bomb.code is UploadProblem.INFLATES_TOO_MUCH
    assert "4 MB" in bomb.message
    pages = _refusal(make_pdf(pages=3), material, max_pages=2)
    assert pages.code is VerificationProblem.TOO_MANY_PAGES
    assert pages.message_vi == "Tệp có 3 trang; trang này chỉ kiểm tra tệp có tối đa 2 trang."
    revisions = _refusal(signed, material, max_revisions=1)
    assert revisions.code is VerificationProblem.TOO_MANY_REVISIONS
    assert "2 successive revisions; at most 1" in revisions.message


def test_too_many_signatures_are_refused_before_validation(signed, material, pki):
    twice = sign_pdf(signed, pki.signer.p12_path, pki.password, field_name="seal")
    refusal = _refusal(twice, material, max_signatures=1)
    assert refusal.code is VerificationProblem.TOO_MANY_SIGNATURES
    assert refusal.message == "The file carries 2 signatures; at most 1 are checked here."
    assert check_submitted_pdf(twice, "van-ban.pdf", material=material).all_valid


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        SubmissionLimits(max_pages=0)
    assert dataclasses.asdict(SubmissionLimits())["max_bytes"] == 20 * 1024 * 1024


def test_the_rate_message_names_the_wait():
    refusal = SubmissionRefused(VerificationProblem.TOO_MANY_REQUESTS, {"seconds": 42})
    assert refusal.message_vi.endswith("vui lòng thử lại sau 42 giây.")
    assert refusal.message.startswith("Too many checks")


# --- the rate limiter ------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limiter_counts_per_key_in_a_sliding_window():
    clock = _Clock()
    limiter = RateLimiter(window=60, clock=clock)
    assert [limiter.hit("a", 3) for _ in range(3)] == [None, None, None]
    assert limiter.hit("a", 3) == pytest.approx(60)
    assert limiter.hit("b", 3) is None, "another client is not affected"
    clock.now += 30
    assert limiter.hit("a", 3) == pytest.approx(30), "a refused attempt is not counted"
    clock.now += 30
    assert limiter.hit("a", 3) is None, "the first attempts left the window"
    assert limiter.hit("a", 5) is None, "a higher limit applies at once"
    limiter.clear()
    assert len(limiter) == 0
    assert limiter.hit("a", 1) is None


def test_the_limiter_forgets_the_oldest_keys_beyond_its_size():
    clock = _Clock()
    limiter = RateLimiter(window=60, max_keys=2, clock=clock)
    limiter.hit("a", 1)
    limiter.hit("b", 1)
    limiter.hit("c", 1)
    assert len(limiter) == 2
    assert limiter.hit("a", 1) is None, "a was forgotten"
    assert limiter.hit("c", 1) is not None


def test_the_limiter_refuses_nonsense():
    with pytest.raises(ValueError):
        RateLimiter(window=0)
    with pytest.raises(ValueError):
        RateLimiter().hit("a", 0)


def test_a_numbered_document_with_a_mark_renders(tmp_path):
    mark = VerificationMark(new_verification_code(), BASE)
    rendered = render_outgoing_document(_document(number=5, date=dt.date(2026, 12, 3), verification=mark))
    assert rendered.text_boxes == ()
    assert rendered.verification_box is not None
