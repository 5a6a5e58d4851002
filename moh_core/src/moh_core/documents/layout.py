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

The parts every Decree 30 page shares (the page, the title block, the signature block, the
recipients) are those of :mod:`moh_core.documents.pagekit`; the signature space and the draft's
blanks, which record where the signing code works, are in :mod:`moh_core.documents.boxes`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from moh_core.documents.boxes import (
    SEAL_BOX_SIZE_MM,
    SIGNER_BOX_SIZE_MM,
    FillLine,
    SignatureBox,
    SignatureSpace,
    TextBox,
)
from moh_core.documents.pagekit import (
    DATE_SIZE,
    NUMBER_SIZE,
    TEXT_WIDTH,
    Rule,
    Signer,
    caps_markup,
    closing_table,
    dashed_lines,
    draw_page_number,
    format_number_symbol,
    number_line,
    page_styles,
    page_template,
    paragraph_style,
    place_date_line,
    plain_table,
    recipients_block,
    signature_block,
    text_markup,
    title_block,
)
from moh_core.documents.verification import VerificationBox, VerificationMark, draw_verification_block
from moh_core.fonts import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, nfc

__all__ = [
    "URGENCY_LEVELS",
    "CONFIDENTIALITY_LEVELS",
    "SIGNER_BOX_SIZE_MM",
    "SEAL_BOX_SIZE_MM",
    "OutgoingDocument",
    "Signer",
    "SignatureBox",
    "TextBox",
    "RenderedDocument",
    "VerificationBox",
    "VerificationMark",
    "render_outgoing_document",
    "TYPE_NAMES",
    "URGENCY_MARKS",
    "CONFIDENTIALITY_MARKS",
]

#: The names of the types of administrative document by their abbreviation (Decree 30/2020/NĐ-CP,
#: Appendix III), printed in capitals as the document's title (box 5a). The law fixes them: a
#: document is titled "QUYẾT ĐỊNH" whatever the language of the screens that drafted it.
TYPE_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "SY": "Bản sao y",
    "TrS": "Bản trích sao",
    "SL": "Bản sao lục",
}
#: The urgency and confidentiality marks by the product's level names.
URGENCY_MARKS: dict[str, str] = {"urgent": "KHẨN", "very_urgent": "THƯỢNG KHẨN", "flash": "HỎA TỐC"}
CONFIDENTIALITY_MARKS: dict[str, str] = {"confidential": "MẬT", "secret": "TỐI MẬT", "top_secret": "TUYỆT MẬT"}
#: Urgency marks (box 10b) and the width of their stamp frame in mm (height 8 mm).
URGENCY_LEVELS: dict[str, float] = {"HỎA TỐC": 30, "THƯỢNG KHẨN": 40, "KHẨN": 20}
#: Confidentiality marks (box 10a; Law on Protection of State Secrets 2018) and their frame width.
CONFIDENTIALITY_LEVELS: dict[str, float] = {"TUYỆT MẬT": 40, "TỐI MẬT": 30, "MẬT": 20}

_TITLE_SIZE = 14
_CV_ABSTRACT_SIZE = 12
_BODY_SIZE = 14
_MARK_SIZE = 13
_MARK_COLOR = colors.HexColor("#E00000")

#: The widest values the records office fills in a draft (all digits are equally wide):
#: numbers up to four digits, and the date part with a two-digit month.
_NUMBER_PLACEHOLDER = "0000"
_DATE_PLACEHOLDER = "ngày 00 tháng 00 năm 0000"


# --- input and output -------------------------------------------------------------------------


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
    ``drafter_initials`` and ``copies`` fill box 12. ``verification`` is the public verification
    mark of the final rendering, drawn in the first page's bottom margin
    (:mod:`moh_core.documents.verification`); None on a draft.
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
    verification: VerificationMark | None = None

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
class RenderedDocument:
    """The PDF and the rectangles where the signing code puts the visible signatures.

    ``text_boxes`` are the blanks of a draft for the number and the date (empty when both are
    known at rendering time), see :class:`TextBox`. ``verification_box`` is where the
    verification mark was drawn, on the first page (None without a mark).
    """

    pdf: bytes
    signature_boxes: tuple[SignatureBox, ...]
    text_boxes: tuple[TextBox, ...] = ()
    verification_box: VerificationBox | None = None

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


# --- flowables --------------------------------------------------------------------------------


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


def _styles() -> dict[str, ParagraphStyle]:
    """The page kit's styles (fonts registered) and those of the document's own boxes."""
    body = paragraph_style(
        "body",
        _BODY_SIZE,
        alignment=TA_JUSTIFY,
        firstLineIndent=10 * mm,
        spaceAfter=6,
    )
    return {
        **page_styles(),
        "cv_abstract": paragraph_style("cv_abstract", _CV_ABSTRACT_SIZE, leading=_CV_ABSTRACT_SIZE * 1.15),
        "type": paragraph_style("type", _TITLE_SIZE, FONT_BOLD, spaceBefore=6 * mm),
        "abstract": paragraph_style("abstract", _TITLE_SIZE, FONT_BOLD),
        "kinh_gui": paragraph_style("kinh_gui", _BODY_SIZE, alignment=TA_LEFT),
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
    }


def _header(doc: OutgoingDocument, st: dict[str, ParagraphStyle], text_sink: list[TextBox]) -> list[Flowable]:
    """Boxes 1-4, 5b, 10a and 10b: the title block (a draft's blanks go to text_sink)."""
    left: list[Flowable]
    if doc.number is None:
        left = [
            FillLine(
                "number",
                "Số: ",
                f"/{doc.symbol.strip()}",
                font=FONT_REGULAR,
                size=NUMBER_SIZE,
                blank_width=stringWidth(_NUMBER_PLACEHOLDER, FONT_REGULAR, NUMBER_SIZE),
                align="right",
                sink=text_sink,
            )
        ]
    else:
        left = [number_line(doc.number, doc.symbol, st)]
    if doc.is_cong_van and doc.abstract.strip():
        abstract = nfc(doc.abstract).strip()
        if not abstract.lower().startswith("v/v"):
            abstract = f"V/v {abstract}"
        left += [Spacer(0, 1.5 * mm), Paragraph(text_markup(abstract), st["cv_abstract"])]
    if doc.confidentiality and doc.confidentiality.strip():
        mark = nfc(doc.confidentiality).strip().upper()
        left.append(_StampMark(mark, CONFIDENTIALITY_LEVELS.get(mark, 20) * mm))
    if doc.urgency and doc.urgency.strip():
        mark = nfc(doc.urgency).strip().upper()
        left.append(_StampMark(mark, URGENCY_LEVELS.get(mark, 20) * mm))

    right: list[Flowable]
    if doc.date is None:
        right = [
            FillLine(
                "date",
                f"{' '.join(nfc(doc.place).split())}, ",
                "",
                font=FONT_ITALIC,
                size=DATE_SIZE,
                blank_width=stringWidth(_DATE_PLACEHOLDER, FONT_ITALIC, DATE_SIZE),
                align="left",
                sink=text_sink,
            )
        ]
    else:
        right = [place_date_line(doc.place, doc.date, st)]
    return [title_block([doc.agency_parent], doc.agency, st, left=left, right=right)]


def _title(doc: OutgoingDocument, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Box 5a: type name and abstract with a short rule, or nothing for a công văn."""
    if doc.is_cong_van:
        return [Spacer(0, 6 * mm)]
    parts: list[Flowable] = [Paragraph(caps_markup(doc.type_name or ""), st["type"])]
    abstract_lines = [line for line in nfc(doc.abstract).splitlines() if line.strip()]
    for line in abstract_lines:
        parts.append(Paragraph(text_markup(line), st["abstract"]))
    if abstract_lines:
        widest = max(stringWidth(" ".join(line.split()), FONT_BOLD, _TITLE_SIZE) for line in abstract_lines)
        parts.append(Rule(max(min(widest, TEXT_WIDTH) / 3, 20 * mm), 4, 0))
    parts.append(Spacer(0, 5 * mm))
    return [KeepTogether(parts)]


def _kinh_gui(doc: OutgoingDocument, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Box 9a: "Kính gửi:" then one addressee on the same line, or several, one a line."""
    names = [" ".join(nfc(n).split()) for n in doc.kinh_gui if n.strip()]
    if not names:
        return []
    style = st["kinh_gui"]
    label = "Kính gửi:"
    label_w = stringWidth(label, FONT_REGULAR, _BODY_SIZE) + 2 * mm
    lines = names if len(names) == 1 else dashed_lines(names)
    widest = max(stringWidth(line, FONT_REGULAR, _BODY_SIZE) for line in lines) + 1
    names_w = min(widest, TEXT_WIDTH - label_w - 15 * mm)
    rows = [[Paragraph(label if i == 0 else "", style), Paragraph(escape(line), style)] for i, line in enumerate(lines)]
    table = plain_table(rows, (label_w, names_w))
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


def _signature_block(doc: OutgoingDocument, st: dict[str, ParagraphStyle], sink: list[SignatureBox]) -> Flowable:
    """Boxes 7a-7c, 8 on the right, 9b and 12 on the left, starting on the same line."""
    right = signature_block(doc.signer, st["sign"], SignatureSpace(sink))
    left = recipients_block(doc.recipients, st)
    initials = nfc(doc.drafter_initials).strip().upper()
    if initials or doc.copies:
        mark = ".".join(p for p in (text_markup(initials), str(doc.copies or "")) if p)
        left += [Spacer(0, 3 * mm), Paragraph(mark, st["recipients"])]
    return closing_table(left, right)


# --- entry point ------------------------------------------------------------------------------


def render_outgoing_document(doc: OutgoingDocument) -> RenderedDocument:
    """Lay ``doc`` out as Decree 30/2020/NĐ-CP, Appendix I prescribes and render it as PDF.

    Returns the PDF and the boxes where the signer's signature picture (7c) and the agency's
    seal (8) go, on the page where the signature block actually landed, and for a draft the
    boxes where the number and the date are filled in after signing (:class:`TextBox`). The
    output is deterministic for a given input.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _styles()
    sink: list[SignatureBox] = []
    text_sink: list[TextBox] = []
    buffer = io.BytesIO()
    title = " ".join(p for p in ((doc.type_name or "").strip(), nfc(doc.abstract).strip()) if p)
    template = page_template(
        buffer,
        title=nfc(title),
        author=nfc(doc.agency),
        subject=nfc(format_number_symbol(doc.number, doc.symbol)),
        font_size=_BODY_SIZE,
    )
    body = _body(doc, st)
    last = body.pop() if body else None
    marks: list[tuple[float, float, float, float]] = []

    def first_page(canvas: Canvas, template_doc: SimpleDocTemplate) -> None:
        if doc.verification is not None:
            marks.append(draw_verification_block(canvas, doc.verification, template_doc.pagesize))

    story: list[Flowable] = [
        *_header(doc, st, text_sink),
        *_title(doc, st),
        *_kinh_gui(doc, st),
        *body,
        _Closing(last, _signature_block(doc, st, sink)),
    ]
    template.build(story, onFirstPage=first_page, onLaterPages=draw_page_number)
    if len(sink) != 2:  # pragma: no cover - the block is always drawn
        raise RuntimeError("The signature block was not drawn.")
    # one box per name (the last drawn, should a flowable ever be drawn twice)
    text_boxes = {box.name: box for box in text_sink}
    return RenderedDocument(
        pdf=buffer.getvalue(),
        signature_boxes=tuple(sink),
        text_boxes=tuple(text_boxes[name] for name in ("number", "date") if name in text_boxes),
        verification_box=VerificationBox(0, marks[0]) if marks else None,
    )
