"""Printed register of incoming documents (Sổ đăng ký văn bản đến).

Decree 30/2020/NĐ-CP, Art. 22.2.a: incoming documents registered in the system "must be printed
out with all the fields of the incoming-documents register form, and bound into a register".
The form is in Appendix IV ("Mẫu về quản lý văn bản", IV. Mẫu sổ đăng ký văn bản đến):

1. Cover and first page: the direct parent agency (TÊN CƠ QUAN CHỦ QUẢN TRỰC TIẾP), the agency
   (TÊN CƠ QUAN/ĐƠN VỊ), the title SỔ ĐĂNG KÝ VĂN BẢN ĐẾN, the year, "Từ ngày ... đến ngày ..."
   and "Từ số ... đến số ...".
2. Registered content, at least nine columns, numbered (1) to (9): Ngày đến | Số đến | Tác giả |
   Số, ký hiệu | Ngày tháng | Tên loại và trích yếu nội dung | Đơn vị hoặc người nhận | Ký nhận |
   Ghi chú.

Presentation follows Appendix I of the same decree where it applies to a register: Times New
Roman-compatible font (see :mod:`moh_core.fonts`), agency names in capitals (the agency in bold),
page numbers in Arabic numerals centred in the top margin and not shown on the first page, and
incoming numbers written with a leading zero below 10 ("01", "02", ...). The register is a wide
table, so it is printed on A4 landscape with 20 mm margins all round.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from moh_core.fonts import FONT_BOLD, FONT_REGULAR, nfc, register_fonts

__all__ = [
    "INCOMING_REGISTER_TITLE",
    "INCOMING_REGISTER_COLUMNS",
    "IncomingRegisterEntry",
    "format_register_number",
    "format_register_date",
    "render_incoming_register",
]

#: Title of the register (Decree 30/2020/NĐ-CP, Appendix IV).
INCOMING_REGISTER_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"

#: Column headings (1)-(9) of the incoming-documents register, Decree 30/2020/NĐ-CP, Appendix IV.
INCOMING_REGISTER_COLUMNS: tuple[str, ...] = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày tháng",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ký nhận",
    "Ghi chú",
)

_PAGE_SIZE = landscape(A4)
_MARGIN = 20 * mm
#: Column widths in mm; they sum to the 257 mm between the margins of A4 landscape.
_COLUMN_WIDTHS_MM: tuple[float, ...] = (21, 14, 36, 32, 21, 65, 30, 19, 19)
_BODY_SIZE = 11
_COVER_SIZE = 13
_TITLE_SIZE = 16
_PAGE_NUMBER_SIZE = 13


@dataclasses.dataclass(frozen=True)
class IncomingRegisterEntry:
    """One line of the incoming-documents register (Decree 30/2020/NĐ-CP, Appendix IV).

    ``number`` is the incoming number (số đến), counted from 1 each year; ``sender`` the author
    (tác giả, the issuing agency); ``number_symbol`` and ``issue_date`` the document's own number,
    symbol and date (``None`` when the document bears none); ``type_and_abstract`` its type and
    abstract; ``recipient`` the unit or person it was passed to.
    """

    received_date: dt.date
    number: int
    sender: str
    number_symbol: str
    issue_date: dt.date | None
    type_and_abstract: str
    recipient: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError(f"Incoming numbers start at 1, got {self.number}.")


def format_register_number(number: int) -> str:
    """Incoming number as registered: numbers below 10 get a leading zero ("01", "02", ...)."""
    return f"{number:02d}"


def format_register_date(value: dt.date | None) -> str:
    """Date as dd/mm/yyyy, the empty string for ``None``."""
    return value.strftime("%d/%m/%Y") if value else ""


def _markup(text: str) -> str:
    """NFC-normalised, XML-escaped Paragraph markup; line breaks are kept."""
    lines = nfc(text).strip().splitlines()
    return "<br/>".join(escape(line) for line in lines)


def _styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of the register, all in the MohSerif family."""
    base = ParagraphStyle(
        "moh_register_body",
        fontName=FONT_REGULAR,
        fontSize=_BODY_SIZE,
        leading=_BODY_SIZE * 1.2,
        alignment=TA_LEFT,
    )
    return {
        "body": base,
        "body_center": ParagraphStyle("moh_register_body_center", base, alignment=TA_CENTER),
        "head": ParagraphStyle(
            "moh_register_head", base, fontName=FONT_BOLD, alignment=TA_CENTER
        ),
        "parent_agency": ParagraphStyle(
            "moh_register_parent_agency",
            base,
            fontSize=_COVER_SIZE,
            leading=_COVER_SIZE * 1.2,
            alignment=TA_CENTER,
        ),
        "agency": ParagraphStyle(
            "moh_register_agency",
            base,
            fontName=FONT_BOLD,
            fontSize=_COVER_SIZE,
            leading=_COVER_SIZE * 1.2,
            alignment=TA_CENTER,
        ),
        "title": ParagraphStyle(
            "moh_register_title",
            base,
            fontName=FONT_BOLD,
            fontSize=_TITLE_SIZE,
            leading=_TITLE_SIZE * 1.3,
            alignment=TA_CENTER,
            spaceBefore=4 * mm,
            spaceAfter=1 * mm,
        ),
        "cover": ParagraphStyle(
            "moh_register_cover",
            base,
            fontSize=_COVER_SIZE,
            leading=_COVER_SIZE * 1.35,
            alignment=TA_CENTER,
        ),
    }


def _agency_block(
    agency: str, parent_agency: str, styles: dict[str, ParagraphStyle]
) -> Table:
    """Top-left agency block: parent agency in capitals, agency in bold capitals, a short rule.

    Appendix I, item (2) of Decree 30/2020/NĐ-CP: the direct parent agency above the agency,
    both centred over each other, with a rule of 1/3 to 1/2 of the agency name's length below.
    """
    rows: list[list[Flowable]] = []
    if parent_agency.strip():
        rows.append([Paragraph(_markup(nfc(parent_agency).upper()), styles["parent_agency"])])
    rows.append([Paragraph(_markup(nfc(agency).upper()), styles["agency"])])
    block_width = 110 * mm
    rule = Table([[Spacer(0, 0)]], colWidths=[block_width / 3], rowHeights=[1.5 * mm])
    rule.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, colors.black),
            ]
        )
    )
    rows.append([rule])
    block = Table(rows, colWidths=[block_width], hAlign="LEFT")
    block.setStyle(
        TableStyle(
            [
                # Tables select their cell font even around Paragraphs: keep it embedded.
                ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return block


def _cover(
    entries: Sequence[IncomingRegisterEntry],
    *,
    agency: str,
    parent_agency: str,
    register_name: str,
    year: int,
    styles: dict[str, ParagraphStyle],
) -> list[Flowable]:
    """Cover block of Appendix IV: agencies, title, register name, year, date and number span."""
    dots = "." * 20
    if entries:
        first_day = format_register_date(min(e.received_date for e in entries))
        last_day = format_register_date(max(e.received_date for e in entries))
        first_number = format_register_number(min(e.number for e in entries))
        last_number = format_register_number(max(e.number for e in entries))
    else:
        first_day = last_day = first_number = last_number = dots
    flowables: list[Flowable] = [
        _agency_block(agency, parent_agency, styles),
        Paragraph(escape(INCOMING_REGISTER_TITLE), styles["title"]),
    ]
    if register_name.strip():
        flowables.append(Paragraph(f"<b>{_markup(register_name)}</b>", styles["cover"]))
    flowables += [
        Paragraph(f"Năm: {year}", styles["cover"]),
        Paragraph(f"Từ ngày {first_day} đến ngày {last_day}", styles["cover"]),
        Paragraph(f"Từ số {first_number} đến số {last_number}", styles["cover"]),
        Spacer(0, 5 * mm),
    ]
    return flowables


def _register_table(
    entries: Sequence[IncomingRegisterEntry], styles: dict[str, ParagraphStyle]
) -> Table:
    """The nine-column table of Appendix IV; its two heading rows repeat on every page."""
    body, center, head = styles["body"], styles["body_center"], styles["head"]
    data: list[list[Flowable]] = [
        [Paragraph(escape(title), head) for title in INCOMING_REGISTER_COLUMNS],
        [Paragraph(f"({i})", center) for i in range(1, len(INCOMING_REGISTER_COLUMNS) + 1)],
    ]
    for entry in entries:
        data.append(
            [
                Paragraph(format_register_date(entry.received_date), center),
                Paragraph(format_register_number(entry.number), center),
                Paragraph(_markup(entry.sender), body),
                Paragraph(_markup(entry.number_symbol), body),
                Paragraph(format_register_date(entry.issue_date), center),
                Paragraph(_markup(entry.type_and_abstract), body),
                Paragraph(_markup(entry.recipient), body),
                Paragraph("", body),  # Ký nhận: signed by hand on the printed register.
                Paragraph(_markup(entry.note), body),
            ]
        )
    table = Table(
        data,
        colWidths=[w * mm for w in _COLUMN_WIDTHS_MM],
        repeatRows=2,
        hAlign="CENTER",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
                ("VALIGN", (0, 2), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _draw_page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Page number centred in the top margin (Decree 30/2020/NĐ-CP, Appendix I), page 2 on."""
    canvas.saveState()
    canvas.setFont(FONT_REGULAR, _PAGE_NUMBER_SIZE)
    width, height = doc.pagesize
    canvas.drawCentredString(width / 2, height - _MARGIN / 2 - _PAGE_NUMBER_SIZE / 3, str(doc.page))
    canvas.restoreState()


def render_incoming_register(
    entries: Iterable[IncomingRegisterEntry],
    *,
    agency: str,
    parent_agency: str = "",
    register_name: str,
    year: int,
) -> bytes:
    """Render the incoming-documents register of Decree 30/2020/NĐ-CP, Appendix IV, as PDF.

    Entries are printed in the order given. The cover block names ``parent_agency`` (optional)
    and ``agency`` in capitals, the title, ``register_name``, ``year`` and the span of dates and
    numbers covered; the nine-column table follows, with its heading repeated on each page.
    All text is NFC-normalised. The output is deterministic for a given input.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    register_fonts()
    rows = tuple(entries)
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=_PAGE_SIZE,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=nfc(f"{INCOMING_REGISTER_TITLE} {year} - {register_name}".strip(" -")),
        author=nfc(agency),
        subject=INCOMING_REGISTER_TITLE,
        creator="moh_core",
        lang="vi-VN",
        invariant=True,
        # Otherwise every page starts in (unembedded) Helvetica.
        initialFontName=FONT_REGULAR,
        initialFontSize=_BODY_SIZE,
    )
    story: list[Flowable] = _cover(
        rows,
        agency=agency,
        parent_agency=parent_agency,
        register_name=register_name,
        year=year,
        styles=styles,
    )
    story.append(_register_table(rows, styles))
    doc.build(story, onLaterPages=_draw_page_number)
    return buffer.getvalue()
