"""Outgoing administrative documents (văn bản đi) laid out as Decree 30/2020/NĐ-CP prescribes.

Decree 30/2020/NĐ-CP on clerical work (công tác văn thư), Art. 8 and Appendix I, fixes the nine
components of an administrative document's format (thể thức) and where each goes on the page
(Appendix I, Part I, §IV, boxes 1-14). :func:`render_outgoing_document` draws them with reportlab:

* A4 portrait, margins 20 mm top and bottom, 30 mm left, 15 mm right (Appendix I, Part I,
  §II).
* Box 1, top right: the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (caps, bold, 12 pt),
  the motto "Độc lập - Tự do - Hạnh phúc" (bold, 13 pt) with a rule as long as the motto below.
* Box 2, top left: the parent agency (caps, not bold) and the agency (caps, bold), 13 pt, with a
  rule of about 1/3-1/2 of the agency line below it.
* Box 3, under the agency: "Số: 05/QĐ-BYT" (13 pt; numbers below 10 get a leading zero); box
  5b, for a công văn, the "V/v ..." abstract (12 pt) under it.
* Box 4, under the motto and on the same row as the number: place and date in italics (14 pt);
  days below 10 and the months January and February get a leading zero ("ngày 05 tháng 02").
* Box 5a: the type name (caps, bold, 14 pt) and the abstract (bold, 14 pt), centred, with a short
  rule below.
* Box 9a: "Kính gửi:" and its recipients (14 pt), one line each ("- ...") when there are several.
* Box 6: the body, 14 pt, justified, first lines indented 10 mm, line spacing 1.2, 6 pt between
  paragraphs. Plain text, paragraphs separated by blank lines, with three conventions of
  Appendix I: a paragraph all in capitals ("QUYẾT ĐỊNH:", "BỘ TRƯỞNG BỘ Y TẾ") is centred and
  bold, a paragraph opening with "Căn cứ" (the legal bases) is italic, and the "Điều 1." that
  opens an article is bold.
* Boxes 7a/7b/7c and 8, on the right: the authority and position (caps, bold, 14 pt), a space
  of 38 mm for the signer's signature picture (7c) and the agency seal (8), then the signer's
  name (bold, 14 pt).
* Box 9b, on the left at the height of the authority line: "Nơi nhận:" (bold italic, 12 pt), the
  recipients (11 pt, one per line starting with "- "); box 12 below it: the drafter's initials
  (caps) and the number of copies, 11 pt ("PL.300").
* Boxes 10a/10b, under the number (or the "V/v" abstract): the confidentiality mark ("MẬT", ...)
  and then the urgency mark ("HỎA TỐC", ...), bold caps 13 pt framed in a single-line rectangle
  (20/30/40 × 8 mm) in bright red, as the stamps are struck.
* Page numbers: 13 pt, top centre, from page 2 on.

Electronic issuing (Decree 30): the competent person signs first, then the records office gives
the document its register number and issue date and applies the agency's signature. For a
draft (``number``/``date`` None) only the static parts around those values are drawn: "Số: "
and "/QĐ-BYT" around a blank as wide as a four-digit number, and "Hà Nội, " before a blank as
wide as the longest date part ("ngày 28 tháng 12 năm 2026").
:attr:`RenderedDocument.text_boxes` gives the blanks (the number right-aligned against the
slash, the date left-aligned after the place; each as tall as the line, with the capitals of
the line centred in it), where the signing code creates the form fields filled after the
signer's signature (:func:`moh_core.signatures.signing.prepare_fields`, :func:`moh_core.signatures.signing.fill_fields`).
A numbered rendering draws each line in one piece, as before. A filled draft's date line is the
same to the pixel; its number line differs only by the blank's unused width (two digits for
"05") after "Số:".

The signature picture and the seal are not drawn here: the signing code creates visible
signature fields at the rectangles returned in :attr:`RenderedDocument.signature_boxes`. The
signer's box (7c) is centred in the space between the position and the name; the seal's box (8)
overlaps a third of it on its left side (Appendix I: the agency's seal picture "overlapping
about one third of the signer's picture on its left side"). The boxes are measured where the
space is actually drawn, so they are right when a long body pushes the signature onto a later
page. The closing paragraph of the body is never left apart from the signature block: when the
block does not fit, at least the last two lines of that paragraph move with it.

Decree 30 prescribes Times New Roman; the PDF embeds the metric-compatible Liberation Serif
(:mod:`moh_core.fonts`). All text is NFC-normalised, and the output is deterministic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
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
    "NATIONAL_TITLE",
    "MOTTO",
    "AUTHORITIES",
    "DEPUTY_AUTHORITIES",
    "URGENCY_LEVELS",
    "CONFIDENTIALITY_LEVELS",
    "SIGNER_BOX_SIZE_MM",
    "SEAL_BOX_SIZE_MM",
    "SIGNATURE_SPACE_MM",
    "Signer",
    "OutgoingDocument",
    "SignatureBox",
    "TextBox",
    "RenderedDocument",
    "format_document_number",
    "format_issue_date",
    "format_number_symbol",
    "format_place_date",
    "render_outgoing_document",
]

#: Box 1: national title (Quốc hiệu) and motto (Tiêu ngữ).
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

#: Signing authorities written before the position (Decree 30, Art. 13 and Appendix I).
AUTHORITIES: tuple[str, ...] = ("TM.", "KT.", "Q.", "TL.", "TUQ.")

#: Urgency marks (box 10b) and the width of their stamp frame in mm (height 8 mm).
URGENCY_LEVELS: dict[str, float] = {"HỎA TỐC": 30, "THƯỢNG KHẨN": 40, "KHẨN": 20}
#: Confidentiality marks (box 10a; Law on Protection of State Secrets 2018) and their frame width.
CONFIDENTIALITY_LEVELS: dict[str, float] = {"TUYỆT MẬT": 40, "TỐI MẬT": 30, "MẬT": 20}

#: Width and height of the signer's signature box (7c), in mm.
SIGNER_BOX_SIZE_MM: tuple[float, float] = (60.0, 36.0)
#: Side of the (square) box for the agency's seal (8), in mm.
SEAL_BOX_SIZE_MM = 36.0
#: Height of the space left between the position line and the signer's name, in mm.
SIGNATURE_SPACE_MM = 38.0

_PAGE_SIZE = A4
_MARGIN_TOP = 20 * mm
_MARGIN_BOTTOM = 20 * mm
_MARGIN_LEFT = 30 * mm
_MARGIN_RIGHT = 15 * mm
_TEXT_WIDTH = _PAGE_SIZE[0] - _MARGIN_LEFT - _MARGIN_RIGHT  # 165 mm
_HEADER_LEFT = 70 * mm
_HEADER_RIGHT = _TEXT_WIDTH - _HEADER_LEFT
_CLOSING_LEFT = 75 * mm
_CLOSING_RIGHT = _TEXT_WIDTH - _CLOSING_LEFT

_AGENCY_SIZE = 13
_NATIONAL_TITLE_SIZE = 12
_MOTTO_SIZE = 13
_NUMBER_SIZE = 13
_DATE_SIZE = 14
_TITLE_SIZE = 14
_CV_ABSTRACT_SIZE = 12
_BODY_SIZE = 14
_SIGN_SIZE = 14
_RECIPIENTS_HEAD_SIZE = 12
_RECIPIENTS_SIZE = 11
_MARK_SIZE = 13
_PAGE_NUMBER_SIZE = 13
_LINE_SPACING = 1.2
_RULE_WIDTH = 0.6
_MARK_COLOR = colors.HexColor("#E00000")

_NBSP = "\u00a0"
#: Blank left for the number in a draft ("Số:      /QĐ-BYT").
_BLANK_NUMBER = _NBSP * 12
#: Blank left for the day and the month in a draft's date.
_BLANK_DAY = _NBSP * 10
#: The widest values the records office fills in a draft (all digits are equally wide):
#: numbers up to four digits, and the date part with a two-digit month.
_NUMBER_PLACEHOLDER = "0000"
_DATE_PLACEHOLDER = "ngày 00 tháng 00 năm 0000"


# --- input and output -------------------------------------------------------------------------


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


#: Authorities a unit's deputy or acting head writes under "TL." (Appendix I §II.7.b).
DEPUTY_AUTHORITIES: tuple[str, ...] = ("KT.", "Q.")


def _authority_mark(value: str) -> str:
    authority = (value or "").strip().upper()
    if authority and not authority.endswith("."):
        authority += "."
    if authority and authority not in AUTHORITIES:
        raise ValueError(f"Unknown signing authority {value!r}; expected one of {', '.join(AUTHORITIES)}.")
    return authority


def _caps(text: str) -> str:
    return " ".join(nfc(text).upper().split())


@dataclasses.dataclass(frozen=True, kw_only=True)
class OutgoingDocument:
    """An outgoing administrative document (Decree 30/2020/NĐ-CP, Art. 8 and Appendix I).

    ``number`` and ``date`` are ``None`` on a draft that the clerk has not numbered yet; the
    rendering then leaves them blank. ``symbol`` is the part after the slash: "QĐ-BYT" for a
    typed document, "BYT-KHTC" for a công văn. ``type_name`` is the document type ("Quyết
    định"); ``None`` or empty means a công văn, whose ``abstract`` is printed as "V/v ..." under
    the number. ``body`` is plain text, paragraphs separated by blank lines. ``kinh_gui`` are
    the addressees of box 9a, ``recipients`` the "Nơi nhận" lines of box 9b (the last is
    normally "Lưu: VT, KHTC."). ``urgency`` / ``confidentiality`` are the marks of boxes 10b/10a.
    ``drafter_initials`` and ``copies`` fill box 12.
    """

    agency_parent: str = ""
    agency: str
    number: int | None
    symbol: str
    place: str
    date: dt.date | None
    type_name: str | None = None
    abstract: str
    body: str
    signer: Signer
    kinh_gui: Sequence[str] = ()
    recipients: Sequence[str] = ()
    urgency: str | None = None
    confidentiality: str | None = None
    drafter_initials: str = ""
    copies: int | None = None

    def __post_init__(self) -> None:
        if self.number is not None and self.number < 1:
            raise ValueError(f"Document numbers start at 1, got {self.number}.")
        if not self.symbol.strip():
            raise ValueError("A document needs a symbol (ký hiệu), e.g. 'QĐ-BYT'.")
        if not self.agency.strip():
            raise ValueError("A document needs the issuing agency.")
        if self.copies is not None and self.copies < 1:
            raise ValueError(f"The number of copies must be positive, got {self.copies}.")
        object.__setattr__(self, "kinh_gui", tuple(self.kinh_gui))
        object.__setattr__(self, "recipients", tuple(self.recipients))

    @property
    def is_cong_van(self) -> bool:
        """A công văn has no type name; its abstract goes under the number."""
        return not (self.type_name or "").strip()


@dataclasses.dataclass(frozen=True)
class SignatureBox:
    """Where a signature picture goes: ``page`` is 0-based, ``box`` is (x1, y1, x2, y2) in PDF
    points from the bottom-left corner of the page. ``name`` is "signer" (box 7c) or "seal"
    (box 8)."""

    name: Literal["signer", "seal"]
    page: int
    box: tuple[float, float, float, float]


@dataclasses.dataclass(frozen=True)
class TextBox:
    """Where a value filled in after signing goes on a draft (electronic issuing).

    ``name`` is "number" (box 3: the register number, e.g. "05", between "Số: " and "/QĐ-BYT")
    or "date" (box 4: the date part, e.g. "ngày 20 tháng 11 năm 2026", after "Hà Nội, ").
    ``page`` is 0-based, ``box`` is (x1, y1, x2, y2) in PDF points from the bottom-left corner of
    the page, ``font_size`` the size the text around it is set in, ``italic`` whether it is (the
    date is), ``align`` how the value sits in the box ("right" for the number, against the
    slash; "left" for the date, after the place). The box is as wide as the widest value and as
    tall as the line; the surrounding text's capitals are centred in it.
    """

    name: Literal["number", "date"]
    page: int
    box: tuple[float, float, float, float]
    font_size: float
    italic: bool = False
    align: Literal["left", "center", "right"] = "left"


@dataclasses.dataclass(frozen=True)
class RenderedDocument:
    """The PDF and the rectangles where the signing code puts the visible signatures.

    ``text_boxes`` are the blanks of a draft for the number and the date (empty when both are
    known at rendering time), see :class:`TextBox`.
    """

    pdf: bytes
    signature_boxes: tuple[SignatureBox, ...]
    text_boxes: tuple[TextBox, ...] = ()

    def box(self, name: str) -> SignatureBox:
        """The signature box called ``name`` ("signer" or "seal")."""
        for item in self.signature_boxes:
            if item.name == name:
                return item
        raise KeyError(name)

    def text_box(self, name: str) -> TextBox:
        """The text box called ``name`` ("number" or "date")."""
        for item in self.text_boxes:
            if item.name == name:
                return item
        raise KeyError(name)


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
    date leaves the day and month blank and the year as "20.." (the rendered draft leaves the
    whole date part blank instead, see :class:`TextBox`).
    """
    place = nfc(place.strip())
    if date is None:
        return f"{place}, ngày{_BLANK_DAY}tháng{_BLANK_DAY}năm 20.."
    return f"{place}, {format_issue_date(date)}"


# --- flowables --------------------------------------------------------------------------------


class _Rule(Flowable):
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


class _StampMark(Flowable):
    """Urgency or confidentiality mark: bold caps in a single-line red frame, centred."""

    def __init__(self, text: str, frame_width: float, space_before: float = 2 * mm):
        super().__init__()
        self.text = text
        self.frame_width = max(frame_width, stringWidth(text, FONT_BOLD, _MARK_SIZE) + 4 * mm)
        self.frame_height = 8 * mm
        self.space_before = space_before
        self._width = self.frame_width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._width = availWidth
        return availWidth, self.frame_height + self.space_before

    def draw(self) -> None:
        canv = self.canv
        x = (self._width - self.frame_width) / 2
        canv.saveState()
        canv.setStrokeColor(_MARK_COLOR)
        canv.setFillColor(_MARK_COLOR)
        canv.setLineWidth(1)
        canv.rect(x, 0, self.frame_width, self.frame_height, stroke=1, fill=0)
        canv.setFont(FONT_BOLD, _MARK_SIZE)
        baseline = (self.frame_height - _MARK_SIZE * 0.66) / 2
        canv.drawCentredString(self._width / 2, baseline, self.text)
        canv.restoreState()


class _SignatureSpace(Flowable):
    """The blank between the position and the signer's name (boxes 7c and 8).

    When drawn it records, in absolute page coordinates, the signer's box (centred in the
    space) and the seal's box (overlapping the left third of the signer's box), and the page.
    """

    def __init__(self, sink: list[SignatureBox]):
        super().__init__()
        self.sink = sink
        self.height = SIGNATURE_SPACE_MM * mm
        self.width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        page = canv.getPageNumber() - 1
        sign_w, sign_h = (v * mm for v in SIGNER_BOX_SIZE_MM)
        seal = SEAL_BOX_SIZE_MM * mm
        sx1 = (self.width - sign_w) / 2
        sy1 = (self.height - sign_h) / 2
        seal_x2 = sx1 + sign_w / 3
        seal_y1 = (self.height - seal) / 2
        self.sink[:] = [
            SignatureBox("signer", page, _absolute(canv, sx1, sy1, sx1 + sign_w, sy1 + sign_h)),
            SignatureBox("seal", page, _absolute(canv, seal_x2 - seal, seal_y1, seal_x2, seal_y1 + seal)),
        ]


class _FillLine(Flowable):
    """A centred line with a blank a value is filled in later: ``prefix``, blank, ``suffix``.

    Drawn as the one-line Paragraph of the same style would draw the whole line (same height
    and baseline). When drawn it records the blank as a :class:`TextBox`: as wide as
    ``blank_width``, as tall as the line (font size x line spacing), placed so that the text's
    capitals are centred in it. A line too wide for the column puts the blank and the suffix
    on a second line.
    """

    def __init__(
        self,
        name: Literal["number", "date"],
        prefix: str,
        suffix: str,
        *,
        font: str,
        size: float,
        blank_width: float,
        align: Literal["left", "center", "right"],
        sink: list[TextBox],
    ):
        super().__init__()
        self.name = name
        self.prefix = nfc(prefix)
        self.suffix = nfc(suffix)
        self.font = font
        self.size = size
        self.blank_width = blank_width
        self.align = align
        self.sink = sink
        self.leading = size * _LINE_SPACING
        self.width = 0.0
        self.height = self.leading

    def _widths(self) -> tuple[float, float]:
        return (
            stringWidth(self.prefix, self.font, self.size),
            stringWidth(self.suffix, self.font, self.size),
        )

    def _split(self) -> bool:
        prefix_w, suffix_w = self._widths()
        return prefix_w + self.blank_width + suffix_w > self.width + 0.01

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = self.leading * (2 if self._split() else 1)
        return availWidth, self.height

    def draw(self) -> None:
        canv = self.canv
        prefix_w, suffix_w = self._widths()
        # where a Paragraph puts its first baseline (reportlab.platypus.paragraph.drawPara)
        if rl_config.paraFontSizeHeightOffset:
            first_baseline = self.height - self.size
        else:
            first_baseline = self.height - getAscentDescent(self.font, self.size)[0]
        if self._split():
            prefix_x = (self.width - prefix_w) / 2
            blank_x = (self.width - self.blank_width - suffix_w) / 2
            blank_baseline = first_baseline - self.leading
        else:
            prefix_x = (self.width - prefix_w - self.blank_width - suffix_w) / 2
            blank_x = prefix_x + prefix_w
            blank_baseline = first_baseline
        canv.saveState()
        canv.setFillColor(colors.black)
        canv.setFont(self.font, self.size)
        if self.prefix:
            canv.drawString(prefix_x, first_baseline, self.prefix)
        if self.suffix:
            canv.drawString(blank_x + self.blank_width, blank_baseline, self.suffix)
        canv.restoreState()
        cap_height = getFont(self.font).face.capHeight * self.size / 1000
        bottom = blank_baseline - (self.leading - cap_height) / 2
        self.sink.append(
            TextBox(
                self.name,
                canv.getPageNumber() - 1,
                _absolute(canv, blank_x, bottom, blank_x + self.blank_width, bottom + self.leading),
                self.size,
                italic=self.font in (FONT_ITALIC, FONT_BOLD_ITALIC),
                align=self.align,
            )
        )


def _absolute(canv: Canvas, x1: float, y1: float, x2: float, y2: float) -> tuple[float, float, float, float]:
    ax1, ay1 = canv.absolutePosition(x1, y1)
    ax2, ay2 = canv.absolutePosition(x2, y2)
    return (
        round(min(ax1, ax2), 2),
        round(min(ay1, ay2), 2),
        round(max(ax1, ax2), 2),
        round(max(ay1, ay2), 2),
    )


class _Closing(Flowable):
    """The body's last paragraph followed by the signature block, kept together.

    When the two do not fit on the page, the paragraph is split so that at least its last two
    lines go to the next page with the signature block (a paragraph of three lines or fewer
    moves whole): the signature never starts a page on its own.
    """

    _GAP: float = 4 * mm

    def __init__(self, last: Paragraph | None, block: Flowable):
        super().__init__()
        self.last = last
        self.block = block
        self._heights = (0.0, 0.0)
        self.width = 0.0

    def _last_height(self, aw: float, ah: float) -> float:
        if self.last is None:
            return 0.0
        return float(self.last.wrap(aw, ah)[1]) + self._GAP

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        h_last = self._last_height(availWidth, availHeight)
        h_block = self.block.wrap(availWidth, availHeight)[1]
        self._heights = (h_last, h_block)
        return availWidth, h_last + h_block

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self.last is None:
            return []
        self.wrap(availWidth, availHeight)
        lines = getattr(getattr(self.last, "blPara", None), "lines", ())
        leading = self.last.style.leading
        if len(lines) <= 3:
            return []
        room = min(availHeight, self._heights[0] - self._GAP - 2 * leading - 0.5)
        parts = self.last.split(availWidth, room)
        if len(parts) != 2:
            return []
        head, tail = parts
        return [head, _Closing(tail, self.block)]

    def draw(self) -> None:
        h_block = self._heights[1]
        if self.last is not None:
            self.last.drawOn(self.canv, 0, h_block + self._GAP)
        self.block.drawOn(self.canv, 0, 0)


# --- styles and blocks ------------------------------------------------------------------------


def _style(name: str, size: float, font: str = FONT_REGULAR, **kw: Any) -> ParagraphStyle:
    kw.setdefault("alignment", TA_CENTER)
    kw.setdefault("leading", size * _LINE_SPACING)
    return ParagraphStyle(f"moh_layout_{name}", fontName=font, fontSize=size, **kw)


def _styles() -> dict[str, ParagraphStyle]:
    body = _style(
        "body",
        _BODY_SIZE,
        alignment=TA_JUSTIFY,
        firstLineIndent=10 * mm,
        spaceAfter=6,
    )
    return {
        "parent": _style("parent", _AGENCY_SIZE),
        "agency": _style("agency", _AGENCY_SIZE, FONT_BOLD),
        "national": _style("national", _NATIONAL_TITLE_SIZE, FONT_BOLD),
        "motto": _style("motto", _MOTTO_SIZE, FONT_BOLD),
        "number": _style("number", _NUMBER_SIZE),
        "date": _style("date", _DATE_SIZE, FONT_ITALIC),
        "cv_abstract": _style("cv_abstract", _CV_ABSTRACT_SIZE, leading=_CV_ABSTRACT_SIZE * 1.15),
        "type": _style("type", _TITLE_SIZE, FONT_BOLD, spaceBefore=6 * mm),
        "abstract": _style("abstract", _TITLE_SIZE, FONT_BOLD),
        "kinh_gui": _style("kinh_gui", _BODY_SIZE, alignment=TA_LEFT),
        "body": body,
        "heading": ParagraphStyle(
            "moh_layout_heading",
            body,
            fontName=FONT_BOLD,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=3,
        ),
        "basis": ParagraphStyle("moh_layout_basis", body, fontName=FONT_ITALIC),
        "sign": _style("sign", _SIGN_SIZE, FONT_BOLD),
        "recipients_head": _style(
            "recipients_head",
            _RECIPIENTS_HEAD_SIZE,
            FONT_BOLD_ITALIC,
            alignment=TA_LEFT,
            leading=_RECIPIENTS_HEAD_SIZE * 1.15,
        ),
        "recipients": _style("recipients", _RECIPIENTS_SIZE, alignment=TA_LEFT, leading=_RECIPIENTS_SIZE * 1.15),
    }


def _text(value: str) -> str:
    """NFC-normalised, XML-escaped, whitespace runs collapsed to single spaces."""
    return escape(" ".join(nfc(value).split()))


def _upper(value: str) -> str:
    return _text(nfc(value).upper())


def _table(rows: list[list[Any]], widths: Sequence[float], extra: Sequence[tuple[Any, ...]] = ()) -> Table:
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


def _agency_rule_length(lines: Sequence[str]) -> float:
    """1/3-1/2 of the agency line (Decree 30, Appendix I), at least 15 mm."""
    widest: float = max(stringWidth(line, FONT_BOLD, _AGENCY_SIZE) for line in lines)
    shortest: float = 15 * mm
    return min(widest, max(widest * 0.45, shortest))


def _header(doc: OutgoingDocument, st: dict[str, ParagraphStyle], text_sink: list[TextBox]) -> list[Flowable]:
    """Boxes 1-4, 5b, 10a and 10b: the two-column header (a draft's blanks go to text_sink)."""
    agency_lines = [nfc(doc.agency).upper().strip()]
    left_top: list[Flowable] = []
    if doc.agency_parent.strip():
        left_top.append(Paragraph(_upper(doc.agency_parent), st["parent"]))
    left_top.append(Paragraph(_upper(doc.agency), st["agency"]))
    left_top.append(_Rule(_agency_rule_length(agency_lines)))

    right_top: list[Flowable] = [
        Paragraph(escape(NATIONAL_TITLE), st["national"]),
        Paragraph(escape(MOTTO), st["motto"]),
        _Rule(stringWidth(MOTTO, FONT_BOLD, _MOTTO_SIZE)),
    ]

    left_bottom: list[Flowable]
    if doc.number is None:
        left_bottom = [
            _FillLine(
                "number",
                "Số: ",
                f"/{doc.symbol.strip()}",
                font=FONT_REGULAR,
                size=_NUMBER_SIZE,
                blank_width=stringWidth(_NUMBER_PLACEHOLDER, FONT_REGULAR, _NUMBER_SIZE),
                align="right",
                sink=text_sink,
            )
        ]
    else:
        left_bottom = [Paragraph(escape(format_number_symbol(doc.number, doc.symbol)), st["number"])]
    if doc.is_cong_van and doc.abstract.strip():
        abstract = nfc(doc.abstract).strip()
        if not abstract.lower().startswith("v/v"):
            abstract = f"V/v {abstract}"
        left_bottom += [Spacer(0, 1.5 * mm), Paragraph(_text(abstract), st["cv_abstract"])]
    if doc.confidentiality and doc.confidentiality.strip():
        mark = nfc(doc.confidentiality).strip().upper()
        left_bottom.append(_StampMark(mark, CONFIDENTIALITY_LEVELS.get(mark, 20) * mm))
    if doc.urgency and doc.urgency.strip():
        mark = nfc(doc.urgency).strip().upper()
        left_bottom.append(_StampMark(mark, URGENCY_LEVELS.get(mark, 20) * mm))

    right_bottom: list[Flowable]
    if doc.date is None:
        right_bottom = [
            _FillLine(
                "date",
                f"{' '.join(nfc(doc.place).split())}, ",
                "",
                font=FONT_ITALIC,
                size=_DATE_SIZE,
                blank_width=stringWidth(_DATE_PLACEHOLDER, FONT_ITALIC, _DATE_SIZE),
                align="left",
                sink=text_sink,
            )
        ]
    else:
        right_bottom = [Paragraph(escape(format_place_date(doc.place, doc.date)), st["date"])]
    return [
        _table(
            [[left_top, right_top], [left_bottom, right_bottom]],
            (_HEADER_LEFT, _HEADER_RIGHT),
            [("TOPPADDING", (0, 1), (-1, 1), 2 * mm)],
        )
    ]


def _title(doc: OutgoingDocument, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Box 5a: type name and abstract with a short rule, or nothing for a công văn."""
    if doc.is_cong_van:
        return [Spacer(0, 6 * mm)]
    parts: list[Flowable] = [Paragraph(_upper(doc.type_name or ""), st["type"])]
    abstract_lines = [line for line in nfc(doc.abstract).splitlines() if line.strip()]
    for line in abstract_lines:
        parts.append(Paragraph(_text(line), st["abstract"]))
    if abstract_lines:
        widest = max(stringWidth(" ".join(line.split()), FONT_BOLD, _TITLE_SIZE) for line in abstract_lines)
        parts.append(_Rule(max(min(widest, _TEXT_WIDTH) / 3, 20 * mm), 4, 0))
    parts.append(Spacer(0, 5 * mm))
    return [KeepTogether(parts)]


def _dashed(lines: Sequence[str]) -> list[str]:
    """Each line starting with "- " (added when missing)."""
    out = []
    for line in lines:
        text = " ".join(nfc(line).split())
        if not text:
            continue
        out.append(text if text.startswith(("-", "–")) else f"- {text}")
    return out


def _kinh_gui(doc: OutgoingDocument, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Box 9a: "Kính gửi:" then one addressee on the same line, or several, one a line."""
    names = [" ".join(nfc(n).split()) for n in doc.kinh_gui if n.strip()]
    if not names:
        return []
    style = st["kinh_gui"]
    label = "Kính gửi:"
    label_w = stringWidth(label, FONT_REGULAR, _BODY_SIZE) + 2 * mm
    lines = names if len(names) == 1 else _dashed(names)
    widest = max(stringWidth(line, FONT_REGULAR, _BODY_SIZE) for line in lines) + 1
    names_w = min(widest, _TEXT_WIDTH - label_w - 15 * mm)
    rows = [[Paragraph(label if i == 0 else "", style), Paragraph(escape(line), style)] for i, line in enumerate(lines)]
    table = _table(rows, (label_w, names_w))
    table.hAlign = "CENTER"
    return [table, Spacer(0, 5 * mm)]


_ARTICLE = re.compile(r"^(Điều\s+\d+[a-zđ]?\.)(\s.*)?$", re.DOTALL)


def _body(doc: OutgoingDocument, st: dict[str, ParagraphStyle]) -> list[Paragraph]:
    """Box 6: the body's paragraphs (see the module docstring for the conventions)."""
    paragraphs = re.split(r"\n\s*\n", nfc(doc.body).strip())
    out: list[Paragraph] = []
    for raw in paragraphs:
        text = " ".join(raw.split())
        if not text:
            continue
        letters = [c for c in text if c.isalpha()]
        article = _ARTICLE.match(text)
        if letters and text == text.upper() and len(text) <= 120:
            out.append(Paragraph(escape(text), st["heading"]))
        elif text.startswith("Căn cứ"):
            out.append(Paragraph(escape(text), st["basis"]))
        elif article:
            rest = escape(article.group(2) or "")
            out.append(Paragraph(f"<b>{escape(article.group(1))}</b>{rest}", st["body"]))
        else:
            out.append(Paragraph(escape(text), st["body"]))
    return out


def _signature_block(doc: OutgoingDocument, st: dict[str, ParagraphStyle], sink: list[SignatureBox]) -> Table:
    """Boxes 7a-7c, 8 on the right, 9b and 12 on the left, starting on the same line."""
    signer = doc.signer
    right: list[Flowable] = [Paragraph(_upper(line), st["sign"]) for line in signer.lines]
    right.append(_SignatureSpace(sink))
    right.append(Paragraph(_text(signer.name), st["sign"]))

    left: list[Flowable] = []
    recipients = _dashed(doc.recipients)
    if recipients:
        left.append(Paragraph("Nơi nhận:", st["recipients_head"]))
        left += [Paragraph(escape(line), st["recipients"]) for line in recipients]
    initials = nfc(doc.drafter_initials).strip().upper()
    if initials or doc.copies:
        mark = ".".join(p for p in (_text(initials), str(doc.copies or "")) if p)
        left += [Spacer(0, 3 * mm), Paragraph(mark, st["recipients"])]
    if not left:
        left = [Spacer(0, 0)]
    return _table(
        [[left, right]],
        (_CLOSING_LEFT, _CLOSING_RIGHT),
        [("RIGHTPADDING", (0, 0), (0, 0), 3 * mm), ("TOPPADDING", (0, 0), (-1, -1), 2 * mm)],
    )


def _draw_page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    """Page number centred in the top margin, from page 2 on (Decree 30, Appendix I)."""
    canvas.saveState()
    canvas.setFont(FONT_REGULAR, _PAGE_NUMBER_SIZE)
    width, height = doc.pagesize
    canvas.drawCentredString(width / 2, height - 12 * mm, str(doc.page))
    canvas.restoreState()


# --- entry point ------------------------------------------------------------------------------


def render_outgoing_document(doc: OutgoingDocument) -> RenderedDocument:
    """Lay ``doc`` out as Decree 30/2020/NĐ-CP, Appendix I prescribes and render it as PDF.

    Returns the PDF and the boxes where the signer's signature picture (7c) and the agency's
    seal (8) go, on the page where the signature block actually landed, and for a draft the
    boxes where the number and the date are filled in after signing (:class:`TextBox`). The
    output is deterministic for a given input.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    register_fonts()
    st = _styles()
    sink: list[SignatureBox] = []
    text_sink: list[TextBox] = []
    buffer = io.BytesIO()
    title = " ".join(p for p in ((doc.type_name or "").strip(), nfc(doc.abstract).strip()) if p)
    template = SimpleDocTemplate(
        buffer,
        pagesize=_PAGE_SIZE,
        leftMargin=_MARGIN_LEFT,
        rightMargin=_MARGIN_RIGHT,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=nfc(title),
        author=nfc(doc.agency),
        subject=nfc(format_number_symbol(doc.number, doc.symbol)),
        creator="moh_core",
        lang="vi-VN",
        invariant=True,
        # Otherwise every page starts in (unembedded) Helvetica.
        initialFontName=FONT_REGULAR,
        initialFontSize=_BODY_SIZE,
    )
    body = _body(doc, st)
    last = body.pop() if body else None
    story: list[Flowable] = [
        *_header(doc, st, text_sink),
        *_title(doc, st),
        *_kinh_gui(doc, st),
        *body,
        _Closing(last, _signature_block(doc, st, sink)),
    ]
    template.build(story, onLaterPages=_draw_page_number)
    if len(sink) != 2:  # pragma: no cover - the block is always drawn
        raise RuntimeError("The signature block was not drawn.")
    # one box per name (the last drawn, should a flowable ever be drawn twice)
    text_boxes = {box.name: box for box in text_sink}
    return RenderedDocument(
        pdf=buffer.getvalue(),
        signature_boxes=tuple(sink),
        text_boxes=tuple(text_boxes[name] for name in ("number", "date") if name in text_boxes),
    )
