"""The Decree 30 page kit (moh_core.documents.pagekit), block by block, as printed: where the
national title, the motto, the agency, the number and the date land on an A4 page; the space the
signature block leaves; the recipients listed; the page and its page numbers. And the modules
drawn with the kit take its public names, not another module's private ones."""

from __future__ import annotations

import ast
import datetime as dt
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from moh_core.documents import pagekit
from moh_core.documents.pagekit import (
    CLOSING_LEFT,
    HEADER_LEFT,
    MOTTO,
    NATIONAL_TITLE,
    SIGNATURE_SPACE_MM,
    TEXT_WIDTH,
    Signer,
    closing_table,
    draw_page_number,
    number_line,
    page_styles,
    page_template,
    place_date_line,
    recipients_block,
    signature_block,
    title_block,
)
from moh_core.fonts import FONT_BOLD_ITALIC

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")

#: Where the blocks start: the margins, plus the 6 pt padding of reportlab's page frame.
FRAME_PADDING = 6
LEFT_MARGIN = 30 * mm + FRAME_PADDING
TOP_MARGIN = 20 * mm + FRAME_PADDING
#: Centres of the title block's columns: the agency's (70 mm) and the national title's (95 mm).
AGENCY_CENTRE = LEFT_MARGIN + HEADER_LEFT / 2
NATIONAL_CENTRE = LEFT_MARGIN + HEADER_LEFT + (TEXT_WIDTH - HEADER_LEFT) / 2
SIGNER = Signer(authority="KT.", authority_position="Bộ trưởng", position="Thứ trưởng", name="Nguyễn Văn An")

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points, from the top left


def _render(story: list, *, later_pages=None) -> bytes:
    buffer = io.BytesIO()
    template = page_template(buffer, title="Thử", author="Bộ Y tế", font_size=14)
    if later_pages:
        template.build(story, onLaterPages=later_pages)
    else:
        template.build(story)
    return buffer.getvalue()


def _pages(tmp_path: Path, pdf: bytes) -> list[list[tuple[str, Box]]]:
    """Each page's words with their boxes, as poppler's ``pdftotext -bbox`` reads them."""
    path = tmp_path / "kit.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)
        pages.append([(html.unescape(w), (float(a), float(b), float(c), float(d))) for a, b, c, d, w in words])
    return pages


def _line(words: list[tuple[str, Box]], text: str) -> Box:
    """The box of the consecutive words that spell ``text``."""
    wanted = text.split()
    for i in range(len(words) - len(wanted) + 1):
        run = words[i : i + len(wanted)]
        if [w for w, _ in run] == wanted:
            boxes = [b for _, b in run]
            return (boxes[0][0], min(b[1] for b in boxes), boxes[-1][2], max(b[3] for b in boxes))
    raise AssertionError(f"{text!r} is not printed; words: {[w for w, _ in words]}")


def _centre(box: Box) -> float:
    return (box[0] + box[2]) / 2


def _title_page(tmp_path: Path) -> list[tuple[str, Box]]:
    st = page_styles()
    block = title_block(
        ["Bộ Y tế"],
        "Cục Quản lý Dược",
        st,
        left=[number_line(5, "QLD-VP", st)],
        right=[place_date_line("Hà Nội", dt.date(2027, 2, 5), st)],
    )
    return _pages(tmp_path, _render([block]))[0]


def test_title_block_puts_the_national_title_and_motto_top_right_and_the_agency_top_left(tmp_path):
    words = _title_page(tmp_path)
    national, motto = _line(words, NATIONAL_TITLE), _line(words, MOTTO)
    parent, agency = _line(words, "BỘ Y TẾ"), _line(words, "CỤC QUẢN LÝ DƯỢC")
    # Box 1: centred over the right-hand column, the motto right under the title.
    assert abs(_centre(national) - NATIONAL_CENTRE) < 1.5
    assert abs(_centre(motto) - NATIONAL_CENTRE) < 1.5
    assert 0 < motto[1] - national[3] < 6
    # Box 2: centred over the left-hand column (70 mm), the parent agency above the agency.
    assert abs(_centre(parent) - AGENCY_CENTRE) < 1.5
    assert abs(_centre(agency) - AGENCY_CENTRE) < 1.5
    assert agency[1] > parent[3] - 1
    # Both start on the first line, at the top margin.
    assert abs(national[1] - parent[1]) < 3
    assert TOP_MARGIN <= national[1] < TOP_MARGIN + 6
    # Nothing of the right column spills into the left one.
    assert national[0] > LEFT_MARGIN + HEADER_LEFT and agency[2] < LEFT_MARGIN + HEADER_LEFT


def test_title_block_puts_the_number_under_the_agency_and_the_date_under_the_motto_on_one_row(tmp_path):
    words = _title_page(tmp_path)
    number, date = _line(words, "Số: 05/QLD-VP"), _line(words, "Hà Nội, ngày 05 tháng 02 năm 2027")
    motto, agency = _line(words, MOTTO), _line(words, "CỤC QUẢN LÝ DƯỢC")
    assert abs(_centre(number) - AGENCY_CENTRE) < 1.5
    assert abs(_centre(date) - NATIONAL_CENTRE) < 1.5
    assert number[1] > agency[3] and date[1] > motto[3]
    # Boxes 3 and 4 share the second row: their lines start together.
    assert abs(number[1] - date[1]) < 3


def test_signature_block_leaves_the_signature_space_between_the_position_and_the_name(tmp_path):
    st = page_styles()
    block = closing_table(
        recipients_block(["Như trên;", "Lưu: VT."], st),
        signature_block(SIGNER, st["sign"], SIGNATURE_SPACE_MM * mm),
    )
    words = _pages(tmp_path, _render([block]))[0]
    authority, position, name = (_line(words, t) for t in ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Nguyễn Văn An"))
    assert authority[3] < position[1]
    # One 14 pt line (leading 1.2) and the 38 mm space between the position's and the name's lines.
    assert abs((name[3] - position[3]) - (SIGNATURE_SPACE_MM * mm + 14 * 1.2)) < 1
    # The block is centred in the right-hand column (75 mm from the left margin to the end).
    right_centre = LEFT_MARGIN + CLOSING_LEFT + (TEXT_WIDTH - CLOSING_LEFT) / 2
    for line in (authority, position, name):
        assert abs(_centre(line) - right_centre) < 1.5
    # "Nơi nhận" starts at the left margin, level with the first authority line.
    heading = _line(words, "Nơi nhận:")
    assert abs(heading[0] - LEFT_MARGIN) < 1 and abs(heading[1] - authority[1]) < 3


def test_signature_block_puts_a_note_before_the_space_and_takes_a_flowable_space():
    st = page_styles()
    note = Paragraph("(Ký và ghi rõ họ tên)", st["sign"])
    space = Spacer(0, 10 * mm)
    block = signature_block(
        Signer(authority="Q.", authority_position="Cục trưởng", position="Phó Cục trưởng", name="Lê Văn Cường"),
        st["sign"],
        space,
        note=note,
    )
    assert [getattr(f, "text", None) for f in block] == ["Q. CỤC TRƯỞNG", "(Ký và ghi rõ họ tên)", None, "Lê Văn Cường"]
    assert block[1] is note and block[2] is space


def test_recipients_block_lists_each_recipient_on_its_own_dashed_line():
    st = page_styles()
    block = recipients_block(["Như trên;", "- Bộ trưởng (để b/c);", "   ", "Lưu:   VT, KHTC & PC."], st)
    assert [p.text for p in block] == [
        "Nơi nhận:",
        "- Như trên;",
        "- Bộ trưởng (để b/c);",
        "- Lưu: VT, KHTC &amp; PC.",
    ]
    assert block[0].style.fontName == FONT_BOLD_ITALIC and block[0].style.fontSize == 12
    assert all(p.style.fontSize == 11 for p in block[1:])
    assert recipients_block(["", "  "], st) == []


def test_the_page_is_a4_with_decree_30_margins_and_numbers_from_page_two(tmp_path):
    template = page_template(io.BytesIO(), title="t", author="a", font_size=14)
    assert template.pagesize == A4
    assert (template.topMargin, template.bottomMargin, template.leftMargin, template.rightMargin) == (
        20 * mm,
        20 * mm,
        30 * mm,
        15 * mm,
    )
    st = page_styles()
    pdf = _render(
        [Paragraph("Trang một", st["date"]), PageBreak(), Paragraph("Trang hai", st["date"])],
        later_pages=draw_page_number,
    )
    first, second = _pages(tmp_path, pdf)
    assert "1" not in [w for w, _ in first]
    number = _line(second, "2")
    assert abs(_centre(number) - A4[0] / 2) < 1 and number[3] < 20 * mm


def test_the_kit_s_users_import_no_private_name_of_another_module():
    root = Path(pagekit.__file__).resolve().parent.parent
    users = [root / "documents" / name for name in ("layout.py", "copies.py", "registers.py", "boxes.py")]
    users += sorted((root / "onestop" / "slips").glob("*.py"))
    assert len(users) > 5
    offenders = [
        f"{path.name}: from {node.module} import {alias.name}"
        for path in users
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert not offenders
