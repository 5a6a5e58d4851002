"""The incoming-documents register of Decree 30/2020/NĐ-CP, Appendix IV, rendered as PDF.

The PDFs are read back with poppler-utils (``pdftotext``, ``pdffonts``, ``pdftoppm``), so the
checks see what a reader of the printed register sees: Vietnamese text in NFC, numbers with a
leading zero, the heading repeated on every page, and the Liberation Serif font embedded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from moh_core.documents.registers import (
    INCOMING_REGISTER_COLUMNS,
    IncomingRegisterEntry,
    format_register_date,
    format_register_number,
    render_incoming_register,
)
from moh_core.fonts import (
    FONT_BOLD,
    FONT_FAMILY,
    FONT_REGULAR,
    FontNotFoundError,
    find_font_dir,
    font_search_dirs,
    nfc,
    register_fonts,
)
from moh_core.testing.fixtures import pdftotext as _text

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm) is not installed",
)

D = dt.date
LONG_ABSTRACT = (
    "Công văn về việc gia hạn giấy đăng ký lưu hành thuốc, nguyên liệu làm thuốc đợt 1 "
    "năm 2026 đối với các cơ sở sản xuất trong nước và nước ngoài có hồ sơ đầy đủ"
)
COVER = {
    "agency": "Cục Quản lý Dược",
    "parent_agency": "Bộ Y tế",
    "register_name": "Sổ văn bản đến – Văn bản hành chính",
    "year": 2026,
}


def _three_entries() -> list[IncomingRegisterEntry]:
    return [
        IncomingRegisterEntry(
            received_date=D(2026, 1, 5),
            number=1,
            sender="Cục Quản lý Dược",
            number_symbol="125/QLD-ĐK",
            issue_date=D(2026, 1, 2),
            type_and_abstract=LONG_ABSTRACT,
            recipient="Vụ Pháp chế",
        ),
        IncomingRegisterEntry(
            received_date=D(2026, 1, 5),
            number=2,
            sender="Sở Y tế tỉnh Quảng Ngãi",
            number_symbol="07/SYT-NVY",
            issue_date=D(2026, 1, 3),
            type_and_abstract="Báo cáo tình hình dịch bệnh",
            recipient="Cục Phòng bệnh",
            note="Khẩn",
        ),
        IncomingRegisterEntry(
            received_date=D(2026, 1, 6),
            number=3,
            sender="Bệnh viện Bạch Mai",
            number_symbol="",
            issue_date=None,
            type_and_abstract="Giấy mời họp",
            recipient="Văn phòng Bộ",
        ),
    ]


def _many_entries(count: int) -> list[IncomingRegisterEntry]:
    return [
        IncomingRegisterEntry(
            received_date=D(2026, 1, 1) + dt.timedelta(days=i // 10),
            number=i + 1,
            sender="Sở Y tế Hà Nội",
            number_symbol=f"{i + 1}/SYT-KHTC",
            issue_date=D(2026, 1, 1),
            type_and_abstract="Tờ trình phê duyệt kế hoạch lựa chọn nhà thầu " * (1 + i % 3),
            recipient="Vụ Kế hoạch - Tài chính",
        )
        for i in range(count)
    ]


def _write(tmp_path: Path, pdf: bytes, name: str = "register.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def three_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = render_incoming_register(_three_entries(), **COVER)
    return _write(tmp_path_factory.mktemp("register3"), pdf)


@pytest.fixture(scope="module")
def many_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf = render_incoming_register(_many_entries(120), **COVER)
    return _write(tmp_path_factory.mktemp("register120"), pdf)


# --- formatting -------------------------------------------------------------------------------


def test_numbers_below_ten_have_a_leading_zero():
    assert [format_register_number(n) for n in (1, 2, 9, 10, 120)] == [
        "01",
        "02",
        "09",
        "10",
        "120",
    ]


def test_dates_are_dd_mm_yyyy():
    assert format_register_date(D(2026, 1, 5)) == "05/01/2026"
    assert format_register_date(None) == ""


def test_entry_is_frozen_and_numbers_start_at_one():
    entry = _three_entries()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.number = 5  # type: ignore[misc]
    with pytest.raises(ValueError):
        IncomingRegisterEntry(D(2026, 1, 1), 0, "A", "", None, "B", "C")


# --- fonts ------------------------------------------------------------------------------------


def test_font_registration_is_idempotent():
    assert register_fonts() == FONT_FAMILY
    assert register_fonts() == FONT_FAMILY
    from reportlab.pdfbase import pdfmetrics

    assert {FONT_REGULAR, FONT_BOLD} <= set(pdfmetrics.getRegisteredFontNames())


def test_font_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = find_font_dir()
    for ttf in real.glob("LiberationSerif-*.ttf"):
        (tmp_path / ttf.name).symlink_to(ttf)
    monkeypatch.setenv("MOH_FONT_DIR", str(tmp_path))
    assert font_search_dirs() == (tmp_path,)
    assert find_font_dir() == tmp_path


def test_missing_font_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MOH_FONT_DIR", str(tmp_path))
    with pytest.raises(FontNotFoundError, match="fonts-liberation2"):
        find_font_dir()


def test_nfc_composes_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Dược")
    assert len(decomposed) > len("Dược")
    assert nfc(decomposed) == "Dược"


# --- the rendered register --------------------------------------------------------------------


def test_three_entries_read_back(three_pdf: Path):
    text = _text(three_pdf)
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "BỘ Y TẾ",
        "CỤC QUẢN LÝ DƯỢC",
        "Sổ văn bản đến – Văn bản hành chính",
        "Năm: 2026",
        "Từ ngày 05/01/2026 đến ngày 06/01/2026",
        "Từ số 01 đến số 03",
        "Cục Quản lý Dược",
        "Báo cáo tình hình dịch bệnh",
        "Giấy mời họp",
        "125/QLD-ĐK",
    ):
        assert expected in text, expected
    # First row: date received, number with its leading zero, author, symbol, document date.
    assert re.search(r"05/01/2026\s+01\s+Cục Quản lý Dược\s+125/QLD-ĐK\s+02/01/2026", text)
    assert re.search(r"06/01/2026\s+03\s+Bệnh viện Bạch Mai", text)
    # Column numbers (1)-(9) of the form.
    assert re.search(r"\(1\)\s+\(2\)\s+\(3\)\s+\(4\)\s+\(5\)\s+\(6\)\s+\(7\)\s+\(8\)\s+\(9\)", text)


def test_long_abstract_wraps_inside_its_cell(three_pdf: Path):
    lines = _text(three_pdf).splitlines()
    start = next(i for i, line in enumerate(lines) if "Công văn về việc gia hạn" in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("05/01/2026") and i > start)
    assert end - start > 2  # the abstract takes several lines of its row
    # Read the abstract's column (between its own start and the recipient column) row by row:
    # it holds the whole abstract, and nothing of it spills into the neighbouring columns.
    left = lines[start].index("Công văn")
    right = lines[start].index("Vụ Pháp chế")
    cell = " ".join(line[left:right] for line in lines[start:end])
    assert _squash(cell) == LONG_ABSTRACT


def test_header_has_the_nine_columns(three_pdf: Path):
    text = _squash(_text(three_pdf))
    for word in ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ký nhận", "Ghi chú"):
        assert word in text, word
    # Multi-line headings: every word is there.
    for title in INCOMING_REGISTER_COLUMNS:
        for word in title.split():
            assert word in text, word


def test_font_is_embedded_liberation_serif(three_pdf: Path):
    out = subprocess.run(["pdffonts", str(three_pdf)], capture_output=True, check=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, out
    for row in rows:
        name = row.split()[0]
        assert re.fullmatch(r"[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", name), row
        # Columns from the right: object id, generation, uni, sub, emb.
        assert row.split()[-5] == "yes", row


def test_multi_page_header_repeats_and_pages_are_numbered(many_pdf: Path):
    info = subprocess.run(["pdfinfo", str(many_pdf)], capture_output=True, check=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 2
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d", info)  # A4 landscape
    page1 = _text(many_pdf, 1, 1)
    page2 = _text(many_pdf, 2, 2)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in page1
    assert "Từ số 01 đến số 120" in page1
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" not in page2  # the cover block is printed once
    for word in ("Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ký nhận", "Ghi chú"):
        assert word in page2, word
    assert re.search(r"\(1\)\s+\(2\)\s+\(3\)", page2)
    # Page number centred at the top from page 2 on, not on page 1.
    assert page2.lstrip().splitlines()[0].strip() == "2"
    assert not page1.lstrip().splitlines()[0].strip().isdigit()
    everything = _text(many_pdf)
    assert re.search(r"\s09\s+Sở Y tế Hà Nội", everything)
    assert re.search(r"\s120\s+Sở Y tế Hà Nội\s+120/SYT-KHTC", everything)


def test_nfd_input_comes_out_nfc(tmp_path: Path):
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    entry = IncomingRegisterEntry(
        received_date=D(2026, 3, 2),
        number=7,
        sender=nfd("Cục Quản lý Dược"),
        number_symbol=nfd("45/QLD-ĐK"),
        issue_date=D(2026, 2, 27),
        type_and_abstract=nfd("Thông báo thu hồi thuốc không đạt tiêu chuẩn chất lượng"),
        recipient=nfd("Thanh tra Bộ"),
        note=nfd("Hỏa tốc"),
    )
    pdf = render_incoming_register(
        [entry],
        agency=nfd("Cục Quản lý Dược"),
        parent_agency=nfd("Bộ Y tế"),
        register_name=nfd("Sổ văn bản đến"),
        year=2026,
    )
    text = _text(_write(tmp_path, pdf))
    assert unicodedata.is_normalized("NFC", text)
    assert not any(unicodedata.combining(ch) for ch in text)
    for expected in (
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "CỤC QUẢN LÝ DƯỢC",
        "Cục Quản lý Dược",
        "Thông báo thu hồi thuốc",
        "Hỏa tốc",
        "Thanh tra Bộ",
    ):
        assert expected in text, expected
    assert re.search(r"02/03/2026\s+07\s+Cục Quản lý Dược", text)


def test_markup_characters_are_escaped(tmp_path: Path):
    entry = IncomingRegisterEntry(D(2026, 1, 2), 1, "A & B <TNHH>", "1/CV", None, "Đề nghị <khẩn> & gấp", "Vụ X")
    text = _text(_write(tmp_path, render_incoming_register([entry], **COVER)))
    assert "A & B <TNHH>" in text
    assert "Đề nghị <khẩn> & gấp" in text


def test_empty_register_still_renders(tmp_path: Path):
    text = _text(_write(tmp_path, render_incoming_register([], **COVER)))
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text
    assert "Ngày đến" in text


def test_output_is_deterministic():
    entries = _three_entries()
    assert render_incoming_register(entries, **COVER) == render_incoming_register(entries, **COVER)


def test_first_page_renders_to_png(three_pdf: Path, tmp_path: Path):
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(three_pdf), str(prefix)],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5_000
