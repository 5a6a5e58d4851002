"""Printed registers: outgoing and incoming documents (Decree 30/2020/NĐ-CP, Appendix IV) and the
one-stop dossier-tracking register (Mẫu 07).

Decree 30/2020/NĐ-CP, Art. 16.1 and 22.2.a: documents registered in the system "must be printed
out with all the fields of the register form, and bound into a register". The forms are in
Appendix IV ("Mẫu sổ và mẫu phiếu"): I. Sổ đăng ký văn bản đi, VI. Sổ đăng ký văn bản đến.
Each register is a :class:`RegisterForm` — its title, its column headings in the form's order and
its legal source — so a column set read from a secondary source is data that can be corrected:

- I, outgoing (10 columns): Số, ký hiệu văn bản | Ngày tháng văn bản | Tên loại và trích yếu nội
  dung văn bản | Người ký | Nơi nhận văn bản | Đơn vị, người nhận bản lưu | Số lượng bản | Ngày
  chuyển | Ký nhận | Ghi chú.
- VI, incoming (10 columns): Ngày đến | Số đến | Tác giả | Số, ký hiệu | Ngày tháng | Tên loại và
  trích yếu nội dung | Đơn vị hoặc người nhận | Ngày chuyển | Ký nhận | Ghi chú.
- Mẫu 07, Sổ theo dõi hồ sơ of the one-stop shop (Decree 118/2025/NĐ-CP; Circular
  03/2025/TT-VPCP, Appendix I): see :data:`DOSSIER_TRACKING_FORM` and its ``source``.

Cover and first page: the direct parent agency (TÊN CƠ QUAN CHỦ QUẢN TRỰC TIẾP), the agency
(TÊN CƠ QUAN/ĐƠN VỊ), the title, the year, "Từ ngày ... đến ngày ..." and "Từ số ... đến số ...".
Presentation follows Appendix I of the same decree where it applies to a register: Times New
Roman-compatible font (see :mod:`moh_core.fonts`), agency names in capitals (the agency in bold),
page numbers in Arabic numerals centred in the top margin and not shown on the first page, and
numbers written with a leading zero below 10 ("01", "02", ...). The register is a wide table, so
it is printed on A4 landscape with 20 mm margins all round.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from moh_core.documents.pagekit import page_template
from moh_core.fonts import FONT_BOLD, FONT_REGULAR, nfc, register_fonts

__all__ = [
    "DOSSIER_TRACKING_FORM",
    "INCOMING_REGISTER_COLUMNS",
    "INCOMING_REGISTER_FORM",
    "INCOMING_REGISTER_TITLE",
    "OUTGOING_REGISTER_COLUMNS",
    "OUTGOING_REGISTER_FORM",
    "DossierTrackingEntry",
    "IncomingRegisterEntry",
    "OutgoingRegisterEntry",
    "RegisterForm",
    "format_register_date",
    "format_register_number",
    "render_dossier_tracking_register",
    "render_incoming_register",
    "render_outgoing_register",
]


@dataclasses.dataclass(frozen=True)
class RegisterForm:
    """A printed register's form: ``title``, ``columns`` (headings in the form's order),
    ``widths_mm`` (one per column, summing to the 257 mm of A4 landscape between 20 mm margins),
    ``centred`` (indexes of columns printed centred: dates, numbers) and the ``source`` it is
    taken from."""

    title: str
    columns: tuple[str, ...]
    widths_mm: tuple[float, ...]
    source: str
    centred: frozenset[int] = frozenset()
    font_size: float = 11

    def __post_init__(self) -> None:
        if len(self.columns) != len(self.widths_mm):
            raise ValueError(f"{self.title}: {len(self.columns)} columns but {len(self.widths_mm)} widths.")
        if abs(sum(self.widths_mm) - 257) > 0.5:
            raise ValueError(f"{self.title}: the columns are {sum(self.widths_mm)} mm wide, not 257 mm.")


#: Title of the register (Decree 30/2020/NĐ-CP, Appendix IV).
INCOMING_REGISTER_TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"

#: Sổ đăng ký văn bản đến, Decree 30/2020/NĐ-CP, Appendix IV.VI: columns (1)-(10).
INCOMING_REGISTER_FORM = RegisterForm(
    title=INCOMING_REGISTER_TITLE,
    columns=(
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ),
    widths_mm=(20, 15, 34, 30, 20, 56, 28, 20, 17, 17),
    source="Nghị định 30/2020/NĐ-CP, Phụ lục IV, mục VI",
    centred=frozenset({0, 1, 4, 7}),
)
INCOMING_REGISTER_COLUMNS: tuple[str, ...] = INCOMING_REGISTER_FORM.columns

#: Sổ đăng ký văn bản đi, Decree 30/2020/NĐ-CP, Appendix IV.I: columns (1)-(10).
OUTGOING_REGISTER_FORM = RegisterForm(
    title="SỔ ĐĂNG KÝ VĂN BẢN ĐI",
    columns=(
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ),
    widths_mm=(30, 20, 52, 28, 36, 26, 13, 20, 16, 16),
    source="Nghị định 30/2020/NĐ-CP, Phụ lục IV, mục I",
    centred=frozenset({1, 6, 7}),
)
OUTGOING_REGISTER_COLUMNS: tuple[str, ...] = OUTGOING_REGISTER_FORM.columns

#: Mẫu 07, Sổ theo dõi hồ sơ of the one-stop shop. The columns are those of the form as commonly
#: published (its predecessor, Mẫu 06 of Circular 01/2018/TT-VPCP); the names of Circular
#: 03/2025/TT-VPCP's forms are to be verified, so the column set is data, corrected here.
DOSSIER_TRACKING_FORM = RegisterForm(
    title="SỔ THEO DÕI HỒ SƠ",
    columns=(
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Tên tổ chức, cá nhân",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
        "Ngày nhận hồ sơ",
        "Ngày hẹn trả kết quả",
        "Ngày chuyển hồ sơ",
        "Ngày có kết quả",
        "Ngày trả kết quả",
        "Ghi chú",
    ),
    widths_mm=(10, 40, 32, 26, 22, 22, 17, 17, 17, 17, 17, 20),
    source="Mẫu 07 (Sổ theo dõi hồ sơ), Thông tư 03/2025/TT-VPCP, Phụ lục I (cột theo mẫu 06 "
    "Thông tư 01/2018/TT-VPCP; cần đối chiếu)",
    centred=frozenset({0, 6, 7, 8, 9, 10}),
    font_size=9,
)

_PAGE_SIZE = landscape(A4)
_MARGIN = 20 * mm
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
    #: Ngày chuyển: when the document was passed on to the unit or person (``None``: not yet).
    transfer_date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError(f"Incoming numbers start at 1, got {self.number}.")

    def cells(self) -> tuple[str, ...]:
        """The row's cells, in the columns of :data:`INCOMING_REGISTER_FORM`."""
        return (
            format_register_date(self.received_date),
            format_register_number(self.number),
            self.sender,
            self.number_symbol,
            format_register_date(self.issue_date),
            self.type_and_abstract,
            self.recipient,
            format_register_date(self.transfer_date),
            "",  # Ký nhận: signed by hand on the printed register.
            self.note,
        )


@dataclasses.dataclass(frozen=True)
class OutgoingRegisterEntry:
    """One line of the outgoing-documents register (Decree 30/2020/NĐ-CP, Appendix IV.I).

    ``number`` and ``number_symbol`` ("15/QĐ-BYT"), the document's date, type and abstract,
    signer, recipients (nơi nhận), the unit or person keeping the filed copy (bản lưu), the
    number of copies and the date it was sent out.
    """

    number: int
    number_symbol: str
    issue_date: dt.date
    type_and_abstract: str
    signer: str
    recipients: str
    file_copy_holder: str = ""
    copies: int | None = None
    transfer_date: dt.date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError(f"Outgoing numbers start at 1, got {self.number}.")

    def cells(self) -> tuple[str, ...]:
        """The row's cells, in the columns of :data:`OUTGOING_REGISTER_FORM`."""
        return (
            self.number_symbol,
            format_register_date(self.issue_date),
            self.type_and_abstract,
            self.signer,
            self.recipients,
            self.file_copy_holder,
            "" if self.copies is None else str(self.copies),
            format_register_date(self.transfer_date),
            "",  # Ký nhận: signed by hand on the printed register.
            self.note,
        )


@dataclasses.dataclass(frozen=True)
class DossierTrackingEntry:
    """One dossier in the one-stop shop's tracking register (Mẫu 07, Sổ theo dõi hồ sơ)."""

    code: str
    procedure: str
    applicant: str
    contact: str
    handling_agency: str
    received: dt.date | None
    appointment: dt.date | None
    handed_over: dt.date | None = None
    result: dt.date | None = None
    returned: dt.date | None = None
    note: str = ""

    def cells(self, index: int) -> tuple[str, ...]:
        """The row's cells, in the columns of :data:`DOSSIER_TRACKING_FORM`; ``index`` is STT."""
        return (
            str(index),
            self.code,
            self.procedure,
            self.applicant,
            self.contact,
            self.handling_agency,
            format_register_date(self.received),
            format_register_date(self.appointment),
            format_register_date(self.handed_over),
            format_register_date(self.result),
            format_register_date(self.returned),
            self.note,
        )


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


def _styles(font_size: float = _BODY_SIZE) -> dict[str, ParagraphStyle]:
    """Paragraph styles of the register, all in the MohSerif family."""
    base = ParagraphStyle(
        "moh_register_body",
        fontName=FONT_REGULAR,
        fontSize=font_size,
        leading=font_size * 1.2,
        alignment=TA_LEFT,
    )
    return {
        "body": base,
        "body_center": ParagraphStyle("moh_register_body_center", base, alignment=TA_CENTER),
        "head": ParagraphStyle("moh_register_head", base, fontName=FONT_BOLD, alignment=TA_CENTER),
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


def _agency_block(agency: str, parent_agency: str, styles: dict[str, ParagraphStyle]) -> Table:
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
    form: RegisterForm,
    *,
    agency: str,
    parent_agency: str,
    register_name: str,
    year: int | None,
    days: Sequence[dt.date],
    numbers: Sequence[str] | None,
    styles: dict[str, ParagraphStyle],
) -> list[Flowable]:
    """Cover block of Appendix IV: agencies, title, register name, year, date and number span."""
    dots = "." * 20
    first_day = format_register_date(min(days)) if days else dots
    last_day = format_register_date(max(days)) if days else dots
    flowables: list[Flowable] = [
        _agency_block(agency, parent_agency, styles),
        Paragraph(escape(form.title), styles["title"]),
    ]
    if register_name.strip():
        flowables.append(Paragraph(f"<b>{_markup(register_name)}</b>", styles["cover"]))
    if year is not None:
        flowables.append(Paragraph(f"Năm: {year}", styles["cover"]))
    flowables.append(Paragraph(f"Từ ngày {first_day} đến ngày {last_day}", styles["cover"]))
    if numbers is not None:
        first_number, last_number = (numbers[0], numbers[-1]) if numbers else (dots, dots)
        flowables.append(Paragraph(f"Từ số {escape(first_number)} đến số {escape(last_number)}", styles["cover"]))
    flowables.append(Spacer(0, 5 * mm))
    return flowables


def _register_table(form: RegisterForm, rows: Sequence[Sequence[str]], styles: dict[str, ParagraphStyle]) -> Table:
    """The form's table: its headings, then the column numbers (1), (2), ... (both repeated on
    every page), then one row per entry."""
    body, center, head = styles["body"], styles["body_center"], styles["head"]
    data: list[list[Flowable]] = [
        [Paragraph(escape(title), head) for title in form.columns],
        [Paragraph(f"({i})", center) for i in range(1, len(form.columns) + 1)],
    ]
    for row in rows:
        if len(row) != len(form.columns):
            raise ValueError(f"{form.title}: a row of {len(row)} cells for {len(form.columns)} columns.")
        data.append([Paragraph(_markup(cell), center if i in form.centred else body) for i, cell in enumerate(row)])
    table = Table(
        data,
        colWidths=[w * mm for w in form.widths_mm],
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


def _render(
    form: RegisterForm,
    rows: Sequence[Sequence[str]],
    *,
    agency: str,
    parent_agency: str,
    register_name: str,
    year: int | None,
    days: Sequence[dt.date],
    numbers: Sequence[str] | None,
) -> bytes:
    register_fonts()
    styles = _styles(form.font_size)
    buffer = io.BytesIO()
    doc = page_template(
        buffer,
        title=nfc(f"{form.title} {year or ''} - {register_name}".strip(" -")),
        author=nfc(agency),
        subject=form.title,
        font_size=form.font_size,
        pagesize=_PAGE_SIZE,
        margin=_MARGIN,
    )
    story: list[Flowable] = _cover(
        form,
        agency=agency,
        parent_agency=parent_agency,
        register_name=register_name,
        year=year,
        days=days,
        numbers=numbers,
        styles=styles,
    )
    story.append(_register_table(form, rows, styles))
    doc.build(story, onLaterPages=_draw_page_number)
    return buffer.getvalue()


def render_incoming_register(
    entries: Iterable[IncomingRegisterEntry],
    *,
    agency: str,
    parent_agency: str = "",
    register_name: str,
    year: int,
) -> bytes:
    """Render the incoming-documents register of Decree 30/2020/NĐ-CP, Appendix IV.VI, as PDF.

    Entries are printed in the order given. The cover block names ``parent_agency`` (optional)
    and ``agency`` in capitals, the title, ``register_name``, ``year`` and the span of dates and
    numbers covered; the ten-column table of :data:`INCOMING_REGISTER_FORM` follows, with its
    heading repeated on each page. All text is NFC-normalised. The output is deterministic for a
    given input.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    rows = tuple(entries)
    return _render_document_register(
        INCOMING_REGISTER_FORM,
        rows,
        [e.received_date for e in rows],
        agency=agency,
        parent_agency=parent_agency,
        register_name=register_name,
        year=year,
    )


def render_outgoing_register(
    entries: Iterable[OutgoingRegisterEntry],
    *,
    agency: str,
    parent_agency: str = "",
    register_name: str,
    year: int,
) -> bytes:
    """Render the outgoing-documents register of Decree 30/2020/NĐ-CP, Appendix IV.I, as PDF:
    the cover block (as :func:`render_incoming_register`) and the ten columns of
    :data:`OUTGOING_REGISTER_FORM`, one row per entry in the order given.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    rows = tuple(entries)
    return _render_document_register(
        OUTGOING_REGISTER_FORM,
        rows,
        [e.issue_date for e in rows],
        agency=agency,
        parent_agency=parent_agency,
        register_name=register_name,
        year=year,
    )


def _render_document_register(
    form: RegisterForm,
    rows: Sequence[IncomingRegisterEntry | OutgoingRegisterEntry],
    days: Sequence[dt.date],
    **cover: Any,
) -> bytes:
    """A register of numbered documents: one row per entry, the cover naming the span of
    ``days`` and of the entries' numbers (first and last)."""
    numbers = sorted(e.number for e in rows)
    return _render(
        form,
        [e.cells() for e in rows],
        days=days,
        numbers=[format_register_number(n) for n in numbers[:1] + numbers[-1:]],
        **cover,
    )


def render_dossier_tracking_register(
    entries: Iterable[DossierTrackingEntry],
    *,
    agency: str,
    parent_agency: str = "",
    date_from: dt.date,
    date_to: dt.date,
    form: RegisterForm = DOSSIER_TRACKING_FORM,
) -> bytes:
    """Render the one-stop shop's dossier-tracking register (Mẫu 07, Sổ theo dõi hồ sơ) of the
    dossiers received from ``date_from`` to ``date_to``, in the order given, numbered 1, 2, ...
    (STT). The columns are ``form``'s (:data:`DOSSIER_TRACKING_FORM` by default).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    rows = tuple(entries)
    return _render(
        form,
        [e.cells(i) for i, e in enumerate(rows, start=1)],
        agency=agency,
        parent_agency=parent_agency,
        register_name="",
        year=None,
        days=[date_from, date_to],
        numbers=None,
    )
