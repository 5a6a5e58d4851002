"""The Decree 30/2020/NĐ-CP page kit: the parts every page moh_core prints shares.

Decree 30/2020/NĐ-CP on clerical work, Art. 8 and Appendix I, fixes the format (thể thức) of an
administrative document. The outgoing documents (:mod:`moh_core.documents.layout`), their copies
(:mod:`moh_core.documents.copies`), the one-stop shop's slips (:mod:`moh_core.onestop.slips`) and
the registers (:mod:`moh_core.documents.registers`) are drawn with the parts below:

* The page (Appendix I, Part I, §II): A4 portrait, margins 20 mm top and bottom, 30 mm left,
  15 mm right; page numbers 13 pt, top centre, from page 2 on (:func:`page_template`,
  :func:`draw_page_number`).
* The fonts: Decree 30 prescribes Times New Roman; the PDFs embed the metric-compatible
  Liberation Serif, registered through :mod:`moh_core.fonts` when the styles are made
  (:func:`page_styles`). All text is NFC-normalised.
* The title block (boxes 1-4, :func:`title_block`): on the left the parent agency (caps, 13 pt)
  and the agency (caps, bold, 13 pt) with a rule of about 1/3-1/2 of the agency line below; on
  the right the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (caps, bold, 12 pt) and the
  motto "Độc lập - Tự do - Hạnh phúc" (bold, 13 pt) with a rule as long as the motto below. Under
  them, on one row: the number and symbol "Số: 05/QĐ-BYT" (13 pt; numbers below 10 get a leading
  zero, :func:`number_line`) on the left, the place and date in italics (14 pt; days below 10 and
  the months January and February get a leading zero, :func:`place_date_line`) on the right.
* The signature block (boxes 7a-7c, :func:`signature_block`): the authority and position lines
  of a :class:`Signer` (caps, bold), a space for the signature, the signer's name (bold).
* The recipients (box 9b, :func:`recipients_block`): "Nơi nhận:" (bold italic, 12 pt), then the
  recipients (11 pt), one per line starting with "- ".
* The table that sets blocks side by side, without padding or rules (:func:`plain_table`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from moh_core.fonts import (
    FONT_BOLD,
    FONT_BOLD_ITALIC,
    FONT_ITALIC,
    FONT_REGULAR,
    nfc,
    register_fonts,
)

__all__ = [
    "AUTHORITIES",
    "CLOSING_LEFT",
    "CLOSING_RIGHT",
    "DATE_SIZE",
    "DEPUTY_AUTHORITIES",
    "HEADER_LEFT",
    "HEADER_RIGHT",
    "LINE_SPACING",
    "MOTTO",
    "NATIONAL_TITLE",
    "NUMBER_SIZE",
    "PAGE_SIZE",
    "SIGNATURE_SPACE_MM",
    "TEXT_WIDTH",
    "Rule",
    "Signer",
    "agency_lines",
    "caps_markup",
    "closing_table",
    "dashed_lines",
    "draw_page_number",
    "format_document_number",
    "format_issue_date",
    "format_number_symbol",
    "format_place_date",
    "header_table",
    "number_line",
    "page_styles",
    "page_template",
    "paragraph_style",
    "place_date_line",
    "plain_table",
    "recipients_block",
    "signature_block",
    "text_markup",
    "title_block",
]

#: Box 1: national title (Quốc hiệu) and motto (Tiêu ngữ).
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

#: Signing authorities written before the position (Decree 30, Art. 13 and Appendix I).
AUTHORITIES: tuple[str, ...] = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
#: Authorities a unit's deputy or acting head writes under "TL." (Appendix I §II.7.b).
DEPUTY_AUTHORITIES: tuple[str, ...] = ("KT.", "Q.")

#: Height of the space left between the position line and the signer's name, in mm.
SIGNATURE_SPACE_MM = 38.0

PAGE_SIZE = A4
_MARGIN_TOP = 20 * mm
_MARGIN_BOTTOM = 20 * mm
_MARGIN_LEFT = 30 * mm
_MARGIN_RIGHT = 15 * mm
#: The width between the margins (165 mm).
TEXT_WIDTH = PAGE_SIZE[0] - _MARGIN_LEFT - _MARGIN_RIGHT
#: The title block's columns: the agency's, and the national title's.
HEADER_LEFT = 70 * mm
HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT
#: The closing's columns: the recipients', and the signature block's.
CLOSING_LEFT = 75 * mm
CLOSING_RIGHT = TEXT_WIDTH - CLOSING_LEFT

LINE_SPACING = 1.2
NUMBER_SIZE = 13
DATE_SIZE = 14
_AGENCY_SIZE = 13
_NATIONAL_TITLE_SIZE = 12
_MOTTO_SIZE = 13
_SIGN_SIZE = 14
_RECIPIENTS_HEAD_SIZE = 12
_RECIPIENTS_SIZE = 11
_PAGE_NUMBER_SIZE = 13
_RULE_WIDTH = 0.6

_NBSP = "\u00a0"
#: Blank left for the number in a draft ("Số:      /QĐ-BYT").
_BLANK_NUMBER = _NBSP * 12
#: Blank left for the day and the month in a draft's date.
_BLANK_DAY = _NBSP * 10


# --- the signer -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class Signer:
    """Boxes 7a/7b: who signs, and with which authority (Decree 30, Art. 13; Appendix I §II.7.b).

    ``authority`` is one of :data:`AUTHORITIES` ("KT.", "TM.", ...) or empty when the head signs
    in their own name; ``authority_position`` is what follows it ("BỘ TRƯỞNG" in "KT. BỘ
    TRƯỞNG"); ``position`` is the signer's own position ("THỨ TRƯỞNG"), ``name`` their full name.
    ``deputy_authority`` ("KT." or "Q.") with ``deputy_authority_position`` is the second line
    of a "TL." block signed by a unit's deputy or acting head ("TL. BỘ TRƯỞNG" / "KT. CỤC
    TRƯỞNG" / "PHÓ CỤC TRƯỞNG").

    The printed lines (:attr:`lines`): TM., KT., TL. and TUQ. put the signer's position on the
    next line; "Q." and the position it holds are one line ("Q. CỤC TRƯỞNG"), without the
    signer's substantive position.
    """

    authority: str = ""
    authority_position: str = ""
    position: str
    name: str
    deputy_authority: str = ""
    deputy_authority_position: str = ""

    def __post_init__(self) -> None:
        authority = _authority_mark(self.authority)
        deputy = _authority_mark(self.deputy_authority)
        if authority and not self.authority_position.strip():
            raise ValueError(f"The authority {authority} needs the position it signs for.")
        if deputy:
            if authority != "TL.":
                raise ValueError(
                    f"{deputy} {self.deputy_authority_position} may follow TL. only (Decree 30, Appendix I §II.7.b)."
                )
            if deputy not in DEPUTY_AUTHORITIES:
                raise ValueError(f"Under TL., a unit's deputy signs KT. and its acting head Q., not {deputy}.")
            if not self.deputy_authority_position.strip():
                raise ValueError(f"The authority {deputy} needs the position it signs for.")
        if not self.position.strip() or not self.name.strip():
            raise ValueError("The signer needs a position and a name.")
        object.__setattr__(self, "authority", authority)
        object.__setattr__(self, "deputy_authority", deputy)

    @property
    def authority_lines(self) -> tuple[str, ...]:
        """The authority lines, upper case, e.g. ("TL. BỘ TRƯỞNG", "KT. CỤC TRƯỞNG"); for Q.
        the one line with the position it holds ("Q. CỤC TRƯỞNG")."""
        lines = []
        if self.authority:
            lines.append(_caps(f"{self.authority} {self.authority_position}"))
        if self.deputy_authority:
            lines.append(_caps(f"{self.deputy_authority} {self.deputy_authority_position}"))
        return tuple(lines)

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line printed above the signature, upper case: the authority lines, then the
        signer's position unless the last authority is Q. (one line)."""
        last = self.deputy_authority or self.authority
        if last == "Q.":
            return self.authority_lines
        return (*self.authority_lines, _caps(self.position))


def _authority_mark(value: str) -> str:
    authority = (value or "").strip().upper()
    if authority and not authority.endswith("."):
        authority += "."
    if authority and authority not in AUTHORITIES:
        raise ValueError(f"Unknown signing authority {value!r}; expected one of {', '.join(AUTHORITIES)}.")
    return authority


def _caps(text: str) -> str:
    return " ".join(nfc(text).upper().split())


# --- formatting -------------------------------------------------------------------------------


def format_document_number(number: int) -> str:
    """Document number as written: numbers below 10 get a leading zero ("05", "15", "125")."""
    if number < 1:
        raise ValueError(f"Document numbers start at 1, got {number}.")
    return f"{number:02d}"


def format_number_symbol(number: int | None, symbol: str) -> str:
    """Box 3: "Số: 05/QĐ-BYT"; for an unnumbered draft "Số:" and a blank before "/QĐ-BYT"."""
    shown = _BLANK_NUMBER if number is None else format_document_number(number)
    return nfc(f"Số: {shown}/{symbol.strip()}")


def format_issue_date(date: dt.date) -> str:
    """The date part of box 4, "ngày 05 tháng 02 năm 2026": what fills a draft's date box.

    Days below 10 and the months 1 and 2 take a leading zero (Decree 30, Appendix I).
    """
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def format_place_date(place: str, date: dt.date | None) -> str:
    """Box 4: "Hà Nội, ngày 05 tháng 02 năm 2026".

    Days below 10 and the months 1 and 2 take a leading zero (Decree 30, Appendix I). A ``None``
    date leaves the day and month blank and the year as "20.." (a rendered draft of
    :mod:`moh_core.documents.layout` leaves the whole date part blank instead).
    """
    place = nfc(place.strip())
    if date is None:
        return f"{place}, ngày{_BLANK_DAY}tháng{_BLANK_DAY}năm 20.."
    return f"{place}, {format_issue_date(date)}"


def text_markup(value: str) -> str:
    """Paragraph markup of plain text: NFC-normalised, XML-escaped, whitespace runs collapsed."""
    return escape(" ".join(nfc(value).split()))


def caps_markup(value: str) -> str:
    """:func:`text_markup` of the text in capitals (agency names, the signer's lines)."""
    return text_markup(nfc(value).upper())


def dashed_lines(lines: Sequence[str]) -> list[str]:
    """The non-blank lines, each starting with "- " (added when missing), whitespace collapsed."""
    out = []
    for line in lines:
        text = " ".join(nfc(line).split())
        if not text:
            continue
        out.append(text if text.startswith(("-", "–")) else f"- {text}")
    return out


# --- the page ---------------------------------------------------------------------------------


def paragraph_style(name: str, size: float, font: str = FONT_REGULAR, **kw: Any) -> ParagraphStyle:
    """A paragraph style in the embedded serif: centred, line spacing 1.2 unless told."""
    kw.setdefault("alignment", TA_CENTER)
    kw.setdefault("leading", size * LINE_SPACING)
    return ParagraphStyle(f"moh_page_{name}", fontName=font, fontSize=size, **kw)


def page_styles() -> dict[str, ParagraphStyle]:
    """The styles of the kit's blocks, by name; registers the fonts (:mod:`moh_core.fonts`).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    register_fonts()
    return {
        "parent": paragraph_style("parent", _AGENCY_SIZE),
        "agency": paragraph_style("agency", _AGENCY_SIZE, FONT_BOLD),
        "national": paragraph_style("national", _NATIONAL_TITLE_SIZE, FONT_BOLD),
        "motto": paragraph_style("motto", _MOTTO_SIZE, FONT_BOLD),
        "number": paragraph_style("number", NUMBER_SIZE),
        "date": paragraph_style("date", DATE_SIZE, FONT_ITALIC),
        "sign": paragraph_style("sign", _SIGN_SIZE, FONT_BOLD),
        "recipients_head": paragraph_style(
            "recipients_head",
            _RECIPIENTS_HEAD_SIZE,
            FONT_BOLD_ITALIC,
            alignment=TA_LEFT,
            leading=_RECIPIENTS_HEAD_SIZE * 1.15,
        ),
        "recipients": paragraph_style(
            "recipients", _RECIPIENTS_SIZE, alignment=TA_LEFT, leading=_RECIPIENTS_SIZE * 1.15
        ),
    }


def page_template(
    buffer: io.BytesIO,
    *,
    title: str,
    author: str,
    subject: str | None = None,
    font_size: float,
    pagesize: tuple[float, float] = PAGE_SIZE,
    margin: float | None = None,
) -> SimpleDocTemplate:
    """A document template writing to ``buffer``: Decree 30's A4 page and margins (or
    ``pagesize`` with ``margin`` on every side), PDF metadata in Vietnamese, deterministic
    output. ``font_size`` is the body's."""
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=_MARGIN_LEFT if margin is None else margin,
        rightMargin=_MARGIN_RIGHT if margin is None else margin,
        topMargin=_MARGIN_TOP if margin is None else margin,
        bottomMargin=_MARGIN_BOTTOM if margin is None else margin,
        title=title,
        author=author,
        subject=subject,
        creator="moh_core",
        lang="vi-VN",
        invariant=True,
        # Otherwise every page starts in (unembedded) Helvetica.
        initialFontName=FONT_REGULAR,
        initialFontSize=font_size,
    )


def draw_page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Page number centred in the top margin; pass as ``onLaterPages`` (page 2 on)."""
    canvas.saveState()
    canvas.setFont(FONT_REGULAR, _PAGE_NUMBER_SIZE)
    width, height = doc.pagesize
    canvas.drawCentredString(width / 2, height - 12 * mm, str(doc.page))
    canvas.restoreState()


def plain_table(rows: list[list[Any]], widths: Sequence[float], extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """Blocks side by side: no padding, no rules, cells top-aligned; ``extra`` style commands."""
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                # Tables select a cell font even around Paragraphs: keep it the embedded one.
                ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                *extra,
            ]
        )
    )
    return table


class Rule(Flowable):
    """A horizontal solid rule of ``length``, centred in the available width."""

    def __init__(self, length: float, space_before: float = 3.5, space_after: float = 1.5):
        super().__init__()
        self.length = length
        self.space_before = space_before
        self.space_after = space_after
        self._width = length

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._width = availWidth
        return availWidth, self.space_before + self.space_after + _RULE_WIDTH

    def draw(self) -> None:
        x = (self._width - self.length) / 2
        y = self.space_after + _RULE_WIDTH / 2
        self.canv.saveState()
        self.canv.setLineWidth(_RULE_WIDTH)
        self.canv.setStrokeColor(colors.black)
        self.canv.line(x, y, x + self.length, y)
        self.canv.restoreState()


# --- the title block --------------------------------------------------------------------------


def _agency_rule_length(agency: str) -> float:
    """1/3-1/2 of the agency line (Decree 30, Appendix I), at least 15 mm."""
    widest: float = stringWidth(" ".join(nfc(agency).upper().split()), FONT_BOLD, _AGENCY_SIZE)
    shortest: float = 15 * mm
    return min(widest, max(widest * 0.45, shortest))


def agency_lines(
    parents: Sequence[str], agency: str, st: dict[str, ParagraphStyle], *, rule: bool = True
) -> list[Flowable]:
    """Box 2: the non-blank ``parents`` in capitals, ``agency`` in bold capitals, the rule."""
    out: list[Flowable] = [Paragraph(caps_markup(p), st["parent"]) for p in parents if p.strip()]
    out.append(Paragraph(caps_markup(agency), st["agency"]))
    if rule:
        out.append(Rule(_agency_rule_length(agency)))
    return out


def header_table(
    top_left: Sequence[Flowable],
    top_right: Sequence[Flowable],
    bottom_left: Sequence[Flowable],
    bottom_right: Sequence[Flowable],
) -> Table:
    """The two columns of the title block (70 mm and the rest), 2 mm between the rows."""
    return plain_table(
        [[list(top_left), list(top_right)], [list(bottom_left), list(bottom_right)]],
        (HEADER_LEFT, HEADER_RIGHT),
        [("TOPPADDING", (0, 1), (-1, 1), 2 * mm)],
    )


def title_block(
    parents: Sequence[str],
    agency: str,
    st: dict[str, ParagraphStyle],
    *,
    left: Sequence[Flowable] = (),
    right: Sequence[Flowable] = (),
) -> Table:
    """Boxes 1 and 2 on the first row (agency left, national title and motto right), ``left``
    (the number line, ...) and ``right`` (the place and date) on the second."""
    national: list[Flowable] = [
        Paragraph(escape(NATIONAL_TITLE), st["national"]),
        Paragraph(escape(MOTTO), st["motto"]),
        Rule(stringWidth(MOTTO, FONT_BOLD, _MOTTO_SIZE)),
    ]
    return header_table(agency_lines(parents, agency, st), national, left or [Spacer(0, 0)], right or [Spacer(0, 0)])


def number_line(number: int | None, symbol: str, st: dict[str, ParagraphStyle]) -> Paragraph:
    """Box 3: "Số: 05/QĐ-BYT" (see :func:`format_number_symbol`)."""
    return Paragraph(escape(format_number_symbol(number, symbol)), st["number"])


def place_date_line(place: str, date: dt.date | None, st: dict[str, ParagraphStyle]) -> Paragraph:
    """Box 4: "Hà Nội, ngày 05 tháng 02 năm 2026" in italics (see :func:`format_place_date`)."""
    return Paragraph(escape(format_place_date(place, date)), st["date"])


# --- the closing ------------------------------------------------------------------------------


def signature_block(
    signer: Signer, style: ParagraphStyle, space: float | Flowable, *, note: Flowable | None = None
) -> list[Flowable]:
    """Boxes 7a-7c: the signer's lines (authority, position), ``note`` if any, the space for
    the signature (a height, or a flowable that draws it), the signer's name."""
    out: list[Flowable] = [Paragraph(caps_markup(line), style) for line in signer.lines]
    if note is not None:
        out.append(note)
    out.append(space if isinstance(space, Flowable) else Spacer(0, space))
    out.append(Paragraph(text_markup(signer.name), style))
    return out


def recipients_block(lines: Sequence[str], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Box 9b: "Nơi nhận:" and the recipients, one a line with "- "; nothing without any."""
    dashed = dashed_lines(lines)
    if not dashed:
        return []
    return [
        Paragraph("Nơi nhận:", st["recipients_head"]),
        *(Paragraph(text_markup(line), st["recipients"]) for line in dashed),
    ]


def closing_table(
    left: Sequence[Flowable],
    right: Sequence[Flowable],
    widths: tuple[float, float] = (CLOSING_LEFT, CLOSING_RIGHT),
) -> Table:
    """The recipients (or another block) left and the signature block right, on one row."""
    return plain_table(
        [[list(left) or [Spacer(0, 0)], list(right)]],
        widths,
        [("RIGHTPADDING", (0, 0), (0, 0), 3 * mm), ("TOPPADDING", (0, 0), (-1, -1), 2 * mm)],
    )
