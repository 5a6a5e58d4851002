"""What every one-stop slip shares: its issuer, dossier, applicant and officer, and its page.

:class:`DossierSlip` is what every slip states (Circular 03/2025/TT-VPCP, Appendix I); the forms
themselves are in :mod:`moh_core.onestop.slips.receipts` and :mod:`moh_core.onestop.slips.notices`.

The page is a Decree 30/2020/NĐ-CP page, drawn with the page kit of :mod:`moh_core.documents.pagekit`: A4,
margins 20/20/30/15 mm, the agency header on the left (parent agencies in capitals, the issuing
entity in bold capitals, a short rule) and the national title and motto on the right, the place
and date in italics, page numbers from page 2, Liberation Serif embedded
(:mod:`moh_core.fonts`) and all text NFC-normalised. The body is 13 pt (Decree 30: 13-14 pt);
tables are 12 pt (11 pt for the seven columns of Mẫu 06), with a grid, and their header row
repeats on every page a long list flows to. Slips handed out by the one-stop unit (01, 02, 03,
06) name it as the issuing entity under the agency; the apology and the stop notice (04, 05) are
the agency's own documents, addressed "Kính gửi" to the applicant, with "Nơi nhận".

Dates are written the Vietnamese way: "Hà Nội, ngày 05 tháng 02 năm 2027" in the header
(:func:`moh_core.documents.pagekit.format_place_date`), "14 giờ 30 phút, ngày 05/02/2027" for a time and
"ngày 05/02/2027" for a date (:func:`format_slip_time`). Naive datetimes are taken as Vietnam's
local time; aware ones are converted to UTC+07:00 (Vietnam has no daylight saving time).

Nothing is signed here: the officer's (or the head's) block is left at the end, with a blank for
the signature, for the caller to sign if it wishes. Every ``render_*`` function of the package
returns the PDF bytes; the output is deterministic for a given input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from typing import Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from moh_core.documents import SIGNATURE_SPACE_MM, Signer, pagekit
from moh_core.fonts import FONT_BOLD, FONT_ITALIC, nfc

__all__ = [
    "OFFICER_SPACE",
    "SIGN_NOTE",
    "SLIP_TITLES",
    "Applicant",
    "DossierSlip",
    "Moment",
    "SlipHeader",
    "SlipKind",
    "agency_name",
    "applicant_lines",
    "build_slip",
    "closing",
    "format_slip_time",
    "grid",
    "issuer",
    "labelled",
    "local_day",
    "local_time",
    "slip_header",
    "slip_styles",
    "slip_title",
]

#: The slips, by kind.
SlipKind = Literal["receipt", "supplement", "refusal", "appraisal_refusal", "apology", "stop", "process_control"]

#: The printed title of each slip (Circular 03/2025/TT-VPCP, Appendix I, Mẫu số 01-06).
SLIP_TITLES: dict[SlipKind, str] = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "appraisal_refusal": "THÔNG BÁO TRẢ LẠI HỒ SƠ",
    "apology": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    "process_control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
}

_BODY_SIZE = 13
_TABLE_SIZE = 12
_CONTROL_TABLE_SIZE = 11
_TITLE_SIZE = 14
_SIGN_SIZE = 13
#: Blank between the officer's position and name, for a signature picture added later.
OFFICER_SPACE = 24 * mm
_GRID_WIDTH = 0.5
#: Under a signer's position on a slip: "(sign and write the full name)".
SIGN_NOTE = "(Ký và ghi rõ họ tên)"
_VIETNAM = dt.timezone(dt.timedelta(hours=7))

Moment = dt.date | dt.datetime


# --- input ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class SlipHeader:
    """Who issues the slip, and where.

    ``agency_parent`` is the parent agency ("Bộ Y tế", may be empty), ``agency_name`` the agency
    that settles the procedure ("Cục Quản lý Dược"), ``unit`` its one-stop unit ("Bộ phận Một
    cửa"; empty when the agency's own office receives dossiers) and ``place`` the place written
    before the date ("Hà Nội").
    """

    agency_parent: str = ""
    agency_name: str
    unit: str = ""
    place: str

    def __post_init__(self) -> None:
        if not self.agency_name.strip():
            raise ValueError("A slip needs the name of the agency that issues it.")
        if not self.place.strip():
            raise ValueError("A slip needs the place written before its date, e.g. 'Hà Nội'.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Applicant:
    """The organisation or person who filed the dossier, as on the receipt."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("The applicant needs a name (organisation or person).")


@dataclasses.dataclass(frozen=True, kw_only=True)
class DossierSlip:
    """What every slip states: the issuer, the dossier and the officer.

    ``date`` is the slip's date in the header; ``number`` and ``symbol``, when the agency
    registers the slip as an outgoing document, give "Số: 12/QLD-VP" under the agency.
    ``dossier_code`` is the code of Decree 118, Art. 28 ("000.00.04.G18-270205-0001"),
    ``procedure`` the procedure applied for ("Nội dung yêu cầu giải quyết"). ``officer`` signs
    the slip (:class:`moh_core.documents.Signer`; for a one-stop officer e.g.
    ``Signer(position="Người tiếp nhận hồ sơ", name=...)``); the signature itself is left blank.
    """

    header: SlipHeader
    date: dt.date
    dossier_code: str
    applicant: Applicant
    procedure: str
    officer: Signer
    number: int | None = None
    symbol: str = ""

    def __post_init__(self) -> None:
        if not self.dossier_code.strip():
            raise ValueError("A slip needs the dossier code (Decree 118/2025/NĐ-CP, Art. 28).")
        if not self.procedure.strip():
            raise ValueError("A slip needs the name of the administrative procedure.")
        if self.number is not None and not self.symbol.strip():
            raise ValueError("A numbered slip needs its symbol (ký hiệu), e.g. 'QLD-VP'.")


# --- formatting -------------------------------------------------------------------------------


def local_time(value: Moment) -> Moment:
    """A datetime in Vietnam's local time (naive: taken as local); a date unchanged."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(_VIETNAM).replace(tzinfo=None)
    return value


def local_day(value: Moment) -> dt.date:
    """The (local) day of a date or a datetime."""
    value = local_time(value)
    return value.date() if isinstance(value, dt.datetime) else value


def format_slip_time(value: Moment) -> str:
    """A time "14 giờ 30 phút, ngày 05/02/2027", or a date "ngày 05/02/2027".

    Naive datetimes are Vietnam's local time; aware ones are converted to UTC+07:00.
    """
    value = local_time(value)
    day = f"ngày {value:%d/%m/%Y}"
    if isinstance(value, dt.datetime):
        return f"{value.hour:02d} giờ {value.minute:02d} phút, {day}"
    return day


# --- styles and blocks ------------------------------------------------------------------------


def slip_styles() -> dict[str, ParagraphStyle]:
    """The page kit's styles (fonts registered) and those of the slips' body and tables."""
    style = pagekit.paragraph_style
    line = style("slip_line", _BODY_SIZE, alignment=TA_JUSTIFY, spaceAfter=2)
    cell = style("slip_cell", _TABLE_SIZE, alignment=TA_LEFT, leading=_TABLE_SIZE * 1.15)
    small = style("slip_small", _CONTROL_TABLE_SIZE, alignment=TA_LEFT, leading=_CONTROL_TABLE_SIZE * 1.15)
    return {
        **pagekit.page_styles(),
        "slip_title": style("slip_title", _TITLE_SIZE, FONT_BOLD, spaceBefore=7 * mm),
        "slip_code": style("slip_code", _BODY_SIZE, spaceBefore=1 * mm, spaceAfter=5 * mm),
        "slip_kinh_gui": style("slip_kinh_gui", _BODY_SIZE, spaceAfter=4 * mm),
        "slip_line": line,
        "slip_para": ParagraphStyle("slip_para", line, firstLineIndent=10 * mm),
        "slip_item": ParagraphStyle("slip_item", line, leftIndent=6 * mm),
        "slip_note": ParagraphStyle("slip_note", line, fontName=FONT_ITALIC),
        "slip_cell": cell,
        "slip_cell_center": ParagraphStyle("slip_cell_center", cell, alignment=TA_CENTER),
        "slip_cell_head": ParagraphStyle("slip_cell_head", cell, fontName=FONT_BOLD, alignment=TA_CENTER),
        "slip_small": small,
        "slip_small_center": ParagraphStyle("slip_small_center", small, alignment=TA_CENTER),
        "slip_small_head": ParagraphStyle("slip_small_head", small, fontName=FONT_BOLD, alignment=TA_CENTER),
        "slip_sign": style("slip_sign", _SIGN_SIZE, FONT_BOLD),
        "slip_sign_note": style("slip_sign_note", _SIGN_SIZE, FONT_ITALIC),
    }


def slip_header(slip: DossierSlip, st: dict[str, ParagraphStyle], by_unit: bool) -> list[Flowable]:
    """Decree 30 title block: agency and number on the left, national title and date right.

    ``by_unit``: the one-stop unit issues the slip, so it is the bold line and the agency
    above it one of the parent lines (not bold), as Decree 30 writes a parent agency.
    """
    head = slip.header
    parents = [head.agency_parent]
    entity = head.agency_name
    if by_unit and head.unit.strip():
        parents.append(head.agency_name)
        entity = head.unit
    left = [] if slip.number is None else [pagekit.number_line(slip.number, slip.symbol, st)]
    right = [pagekit.place_date_line(head.place, slip.date, st)]
    return [pagekit.title_block(parents, entity, st, left=left, right=right)]


def slip_title(kind: SlipKind, slip: DossierSlip, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The slip's title (:data:`SLIP_TITLES`) and, under it, the dossier code."""
    return [
        Paragraph(pagekit.text_markup(SLIP_TITLES[kind]), st["slip_title"]),
        Paragraph(f"Mã hồ sơ: <b>{pagekit.text_markup(slip.dossier_code)}</b>", st["slip_code"]),
    ]


def labelled(label: str, value: str, st: dict[str, ParagraphStyle], bold: bool = False) -> Paragraph:
    """A "Label: value" line (the value NFC-normalised and escaped)."""
    shown = pagekit.text_markup(value)
    if bold:
        shown = f"<b>{shown}</b>"
    return Paragraph(f"{pagekit.text_markup(label)}: {shown}", st["slip_line"])


def issuer(slip: DossierSlip) -> str:
    """Who receives and acts: "Bộ phận Một cửa Cục Quản lý Dược", or the agency alone."""
    head = slip.header
    agency = " ".join(nfc(head.agency_name).split())
    unit = " ".join(nfc(head.unit).split())
    return f"{unit} {agency}" if unit else agency


def agency_name(slip: DossierSlip) -> str:
    """The agency that settles the dossier, whitespace collapsed."""
    return " ".join(nfc(slip.header.agency_name).split())


def applicant_lines(slip: DossierSlip, st: dict[str, ParagraphStyle], lead: str) -> list[Flowable]:
    """``lead`` (e.g. "... tiếp nhận hồ sơ của") with the applicant, their contacts, the request."""
    applicant = slip.applicant
    out: list[Flowable] = [
        Paragraph(f"{pagekit.text_markup(lead)}: <b>{pagekit.text_markup(applicant.name)}</b>", st["slip_line"])
    ]
    if applicant.address.strip():
        out.append(labelled("Địa chỉ", applicant.address, st))
    contacts = []
    if applicant.phone.strip():
        contacts.append(f"Số điện thoại: {pagekit.text_markup(applicant.phone)}")
    if applicant.email.strip():
        contacts.append(f"Email: {pagekit.text_markup(applicant.email)}")
    if contacts:
        out.append(Paragraph(";&nbsp;&nbsp; ".join(contacts), st["slip_line"]))
    out.append(labelled("Nội dung yêu cầu giải quyết", slip.procedure, st, bold=True))
    return out


def grid(rows: list[list[Flowable]], widths: Sequence[float], *, padding: float = 1.5 * mm) -> list[Flowable]:
    """A ruled table whose header row repeats on every page it flows to, with space around."""
    table = pagekit.plain_table(
        rows,
        widths,
        [
            ("GRID", (0, 0), (-1, -1), _GRID_WIDTH, colors.black),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
        ],
    )
    table.repeatRows = 1
    return [Spacer(0, 1 * mm), table, Spacer(0, 3 * mm)]


def closing(
    slip: DossierSlip,
    st: dict[str, ParagraphStyle],
    last: Sequence[Flowable],
    *,
    left: list[Flowable] | None = None,
    recipients: Sequence[str] = (),
    agency_document: bool = False,
) -> KeepTogether:
    """The last lines of the body kept with the signature block, which never starts a page
    alone. On the right the officer; on the left ``left`` (the applicant's signature on a
    receipt) or the "Nơi nhận" list of an agency document."""
    right = pagekit.signature_block(
        slip.officer,
        st["slip_sign"],
        SIGNATURE_SPACE_MM * mm if agency_document else OFFICER_SPACE,
        note=None if agency_document else Paragraph(SIGN_NOTE, st["slip_sign_note"]),
    )
    if left is not None:
        block = pagekit.closing_table(left, right, (pagekit.TEXT_WIDTH / 2, pagekit.TEXT_WIDTH / 2))
    else:
        block = pagekit.closing_table(pagekit.recipients_block(recipients, st), right)
    return KeepTogether([*last, Spacer(0, 4 * mm), block])


def build_slip(kind: SlipKind, slip: DossierSlip, story: list[Flowable]) -> bytes:
    """Lay the story out on Decree 30 pages (page numbers from page 2) and return the PDF."""
    buffer = io.BytesIO()
    template = pagekit.page_template(
        buffer,
        title=nfc(SLIP_TITLES[kind].capitalize()),
        author=issuer(slip),
        subject=nfc(slip.dossier_code.strip()),
        font_size=_BODY_SIZE,
    )
    template.build(story, onLaterPages=pagekit.draw_page_number)
    return buffer.getvalue()
