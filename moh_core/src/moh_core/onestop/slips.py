"""The one-stop shop's slips (phiếu) for a dossier, rendered as PDF.

Decree 118/2025/NĐ-CP (thủ tục hành chính theo cơ chế một cửa, một cửa liên thông) is carried
out with the forms of Circular 03/2025/TT-VPCP, Appendix I. This module renders six of them:

* Mẫu số 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả (:func:`render_receipt`): the receipt
  that starts the clock (Decree 118, Art. 17.3) and gives the due date.
* Mẫu số 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (:func:`render_supplement_request`): sent
  once only, within 3 working days; the time limit restarts when the completed dossier arrives
  (Art. 19.5, 11.2.c).
* Mẫu số 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ (:func:`render_refusal`).
* The written notice that returns a dossier refused after appraisal, with its reasons
  (:func:`render_appraisal_refusal`): not a form of the Circular, and not Mẫu 03, which refuses
  to *receive* a dossier.
* Mẫu số 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (:func:`render_apology`):
  sent at least one day before the due date, with the reason and the new proposed date; the
  deadline is extended once only (Art. 19.6, 12.5).
* Mẫu số 05, Thông báo dừng giải quyết hồ sơ (:func:`render_stop_notice`), when the applicant
  asks to stop (Art. 21).
* Mẫu số 06, Phiếu kiểm soát quá trình giải quyết hồ sơ (:func:`render_process_control`): one
  row per hand-over, with its time, the step's due time and the outcome.

(Mẫu số 07, the dossier register, is a register, not a slip.) The titles (:data:`SLIP_TITLES`)
are the form names of the Circular's Appendix I as published in its list of forms (Mẫu 04 is no
longer the "Phiếu xin lỗi và hẹn lại ngày trả kết quả" of the repealed Circular 01/2018/TT-VPCP:
the new date is now a proposed extension); the wording of the printed sentences follows the
forms' structure (applicant, request, items, dates, officer) rather than reproducing their text.

The page is a Decree 30/2020/NĐ-CP page, drawn with :mod:`moh_core.documents.layout`'s helpers: A4,
margins 20/20/30/15 mm, the agency header on the left (parent agencies in capitals, the issuing
entity in bold capitals, a short rule) and the national title and motto on the right, the place
and date in italics, page numbers from page 2, Liberation Serif embedded
(:mod:`moh_core.fonts`) and all text NFC-normalised. The body is 13 pt (Decree 30: 13-14 pt);
tables are 12 pt (11 pt for the seven columns of Mẫu 06), with a grid, and their header row
repeats on every page a long list flows to. Slips handed out by the one-stop unit (01, 02, 03,
06) name it as the issuing entity under the agency; the apology and the stop notice (04, 05) are
the agency's own documents, addressed "Kính gửi" to the applicant, with "Nơi nhận".

Dates are written the Vietnamese way: "Hà Nội, ngày 05 tháng 02 năm 2027" in the header
(:func:`moh_core.documents.layout.format_place_date`), "14 giờ 30 phút, ngày 05/02/2027" for a time and
"ngày 05/02/2027" for a date (:func:`format_slip_time`). Naive datetimes are taken as Vietnam's
local time; aware ones are converted to UTC+07:00 (Vietnam has no daylight saving time).

Nothing is signed here: the officer's (or the head's) block is left at the end, with a blank for
the signature, for the caller to sign if it wishes. Every ``render_*`` function returns the PDF
bytes; the output is deterministic for a given input.
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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from moh_core.documents.layout import (
    _CLOSING_LEFT,
    _CLOSING_RIGHT,
    _HEADER_LEFT,
    _HEADER_RIGHT,
    _MARGIN_BOTTOM,
    _MARGIN_LEFT,
    _MARGIN_RIGHT,
    _MARGIN_TOP,
    _MOTTO_SIZE,
    _PAGE_SIZE,
    _TEXT_WIDTH,
    MOTTO,
    NATIONAL_TITLE,
    SIGNATURE_SPACE_MM,
    Signer,
    _agency_rule_length,
    _dashed,
    _draw_page_number,
    _Rule,
    _style,
    _styles,
    _table,
    _text,
    _upper,
    format_number_symbol,
    format_place_date,
)
from moh_core.fonts import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, nfc, register_fonts

__all__ = [
    "render_blank_form",
    "HANDOVER_OUTCOMES",
    "RESULT_DELIVERY",
    "SLIP_TITLES",
    "Apology",
    "Applicant",
    "DossierSlip",
    "Handover",
    "ProcessControl",
    "Receipt",
    "Refusal",
    "SlipDocument",
    "SlipHeader",
    "SlipKind",
    "StopNotice",
    "SupplementItem",
    "SupplementRequest",
    "format_slip_time",
    "handover_outcome",
    "AppraisalRefusal",
    "render_appraisal_refusal",
    "render_apology",
    "render_process_control",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement_request",
]

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

#: How the applicant receives the result (Decree 118/2025/NĐ-CP): key -> wording on the receipt.
RESULT_DELIVERY: dict[str, str] = {
    "online": "Trực tuyến, trên Cổng Dịch vụ công",
    "counter": "Trực tiếp tại Bộ phận Một cửa",
    "post": "Qua dịch vụ bưu chính công ích",
}

#: The outcome of a step in Mẫu 06: key -> wording in the "Kết quả" column.
HANDOVER_OUTCOMES: dict[str, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
}

_BODY_SIZE = 13
_TABLE_SIZE = 12
_CONTROL_TABLE_SIZE = 11
_TITLE_SIZE = 14
_SIGN_SIZE = 13
#: Blank between the officer's position and name, for a signature picture added later.
_OFFICER_SPACE = 24 * mm
_GRID_WIDTH = 0.5
_SIGN_NOTE = "(Ký và ghi rõ họ tên)"
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
class SlipDocument:
    """One paper of the dossier received: its name, and optionally its form ("Bản chính",
    "Bản sao", "Bản sao chứng thực", "Bản điện tử") and the number of copies."""

    name: str
    form: str = ""
    copies: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("A document of the dossier needs a name.")
        if self.copies is not None and self.copies < 1:
            raise ValueError(f"The number of copies must be positive, got {self.copies}.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class DossierSlip:
    """What every slip states: the issuer, the dossier and the officer.

    ``date`` is the slip's date in the header; ``number`` and ``symbol``, when the agency
    registers the slip as an outgoing document, give "Số: 12/QLD-VP" under the agency.
    ``dossier_code`` is the code of Decree 118, Art. 28 ("000.00.04.G18-270205-0001"),
    ``procedure`` the procedure applied for ("Nội dung yêu cầu giải quyết"). ``officer`` signs
    the slip (:class:`moh_core.documents.layout.Signer`; for a one-stop officer e.g.
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


@dataclasses.dataclass(frozen=True, kw_only=True)
class Receipt(DossierSlip):
    """Mẫu số 01: receipt of the dossier and appointment for the result.

    ``documents`` are the papers received; ``dossier_sets`` the number of sets ("bộ");
    ``processing_time`` the statutory time ("03 ngày làm việc"); ``received_at`` when the
    complete dossier was received and ``due_at`` the date (or time) the result is due ("Ngày
    hẹn trả kết quả"). ``result_delivery`` is a key of :data:`RESULT_DELIVERY`.
    ``submitted_online`` drops the applicant's signature column (nobody stood at the counter);
    otherwise ``submitter`` is the name of the person who handed the dossier in. ``lookup_url``
    is where the dossier code can be looked up.
    """

    documents: Sequence[SlipDocument]
    received_at: dt.datetime
    due_at: Moment
    result_delivery: str = "online"
    processing_time: str = ""
    dossier_sets: int = 1
    submitted_online: bool = True
    submitter: str = ""
    lookup_url: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "documents", tuple(self.documents))
        if not self.documents:
            raise ValueError("A receipt lists at least one document received.")
        if self.result_delivery not in RESULT_DELIVERY:
            raise ValueError(
                f"Unknown way of returning the result {self.result_delivery!r}; expected one "
                f"of {', '.join(RESULT_DELIVERY)}."
            )
        if self.dossier_sets < 1:
            raise ValueError(f"The number of dossier sets must be positive, got {self.dossier_sets}.")
        if _day(self.due_at) < _day(self.received_at):
            raise ValueError("The result cannot be due before the dossier was received.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class SupplementItem:
    """One thing the applicant must add or complete, why, and how (``guidance``): Mẫu 02 lists
    every defect with its reason and guidance in one go (Decree 118/2025/NĐ-CP, Art. 17.2.a)."""

    content: str
    reason: str = ""
    guidance: str = ""

    def __post_init__(self) -> None:
        if not self.content.strip():
            raise ValueError("An item to add or complete needs its content.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class SupplementRequest(DossierSlip):
    """Mẫu số 02: request to add to or complete the dossier.

    ``received_at`` is when the dossier was received, ``items`` what to add or complete,
    ``deadline`` the date (or time) by which to do so (``None``: no time limit is set, the
    line is left out), ``contact`` whom to ask for guidance ("bà Lê Thị Hoa, số điện thoại 024
    3846 1234").
    """

    received_at: dt.datetime
    items: Sequence[SupplementItem]
    deadline: Moment | None = None
    contact: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "items", tuple(self.items))
        if not self.items:
            raise ValueError("A supplement request lists at least one item to add or complete.")


def _reasons(reasons: Sequence[str], missing: str) -> tuple[str, ...]:
    """The non-blank reasons; at least one, else ``ValueError(missing)``."""
    kept = tuple(r for r in reasons if r.strip())
    if not kept:
        raise ValueError(missing)
    return kept


@dataclasses.dataclass(frozen=True, kw_only=True)
class Refusal(DossierSlip):
    """Mẫu số 03: refusal to accept the dossier, with its ``reasons``.

    ``received_at`` is when the dossier was submitted (``None`` when refused at once at the
    counter); ``legal_basis`` the provision relied on ("Điều 11 Nghị định số ...").
    """

    reasons: Sequence[str]
    received_at: dt.datetime | None = None
    legal_basis: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "reasons", _reasons(self.reasons, "A refusal states at least one reason."))


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppraisalRefusal(DossierSlip):
    """The written notice returning a dossier refused after appraisal, with its ``reasons``.

    ``received_at`` is when the complete dossier was received; ``legal_basis`` the provision
    relied on. Addressed "Kính gửi" to the applicant, signed by the deciding unit's head, with
    "Nơi nhận" (an agency document, like Mẫu 04 and 05).
    """

    reasons: Sequence[str]
    received_at: dt.datetime | None = None
    legal_basis: str = ""
    recipients: Sequence[str] = ("Như trên;", "Bộ phận Một cửa;", "Lưu: VT.")

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(
            self, "reasons", _reasons(self.reasons, "A dossier is returned after appraisal with at least one reason.")
        )
        object.__setattr__(self, "recipients", tuple(self.recipients))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Apology(DossierSlip):
    """Mẫu số 04: apology for a late result, with a proposed extension.

    ``received_at`` is when the dossier was received, ``original_due`` the due date given on the
    receipt, ``reason`` why the result is late and ``new_due`` the proposed new date.
    ``recipients`` are the "Nơi nhận" lines (default: "Như trên", the applicant addressed in
    "Kính gửi", and the file copy "Lưu: VT.").
    """

    received_at: dt.datetime
    original_due: Moment
    reason: str
    new_due: Moment
    recipients: Sequence[str] = ("Như trên;", "Lưu: VT.")

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "recipients", tuple(self.recipients))
        if not self.reason.strip():
            raise ValueError("An apology states why the result is late.")
        if _day(self.new_due) <= _day(self.original_due):
            raise ValueError("The new proposed date must come after the original due date.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class StopNotice(DossierSlip):
    """Mẫu số 05: notice that the dossier is no longer being settled, at the applicant's request.

    ``requested_on`` is the date of the applicant's request, ``reason`` the reason given,
    ``received_at`` when the dossier was received (optional). The slip's ``date`` is the day
    settling stops.
    """

    requested_on: dt.date
    reason: str
    received_at: dt.datetime | None = None
    recipients: Sequence[str] = ("Như trên;", "Lưu: VT.")

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "recipients", tuple(self.recipients))
        if not self.reason.strip():
            raise ValueError("A stop notice states the reason given by the applicant.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Handover:
    """One hand-over of the dossier (a row of Mẫu số 06).

    ``from_unit``/``from_person`` hand the dossier to ``to_unit``/``to_person`` at
    ``handed_over_at``; ``due_at`` is when the step that ends with this hand-over was due.
    ``outcome`` is a key of :data:`HANDOVER_OUTCOMES`; ``None`` derives it from the two times
    (:func:`handover_outcome`), or leaves it blank when there is no ``due_at``.
    """

    from_unit: str
    to_unit: str
    handed_over_at: dt.datetime
    from_person: str = ""
    to_person: str = ""
    due_at: Moment | None = None
    outcome: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.from_unit.strip() or not self.to_unit.strip():
            raise ValueError("A hand-over needs the unit that hands over and the one that receives.")
        if self.outcome is not None and self.outcome not in HANDOVER_OUTCOMES:
            raise ValueError(f"Unknown outcome {self.outcome!r}; expected one of {', '.join(HANDOVER_OUTCOMES)}.")

    @property
    def outcome_label(self) -> str:
        """The "Kết quả" column: the given outcome, or the one the times give, or blank."""
        key = self.outcome
        if key is None and self.due_at is not None:
            key = handover_outcome(self.handed_over_at, self.due_at)
        return HANDOVER_OUTCOMES[key] if key else ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProcessControl(DossierSlip):
    """Mẫu số 06: the dossier's process control slip.

    ``received_at`` and ``due_at`` are those of the receipt; ``processing_unit`` the unit that
    settles the dossier, ``coordinating_units`` those that take part; ``handovers`` every
    hand-over, in order.
    """

    received_at: dt.datetime
    due_at: Moment
    handovers: Sequence[Handover]
    processing_unit: str = ""
    coordinating_units: Sequence[str] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "handovers", tuple(self.handovers))
        object.__setattr__(self, "coordinating_units", tuple(self.coordinating_units))


# --- formatting -------------------------------------------------------------------------------


def _local(value: Moment) -> Moment:
    """A datetime in Vietnam's local time (naive: taken as local); a date unchanged."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(_VIETNAM).replace(tzinfo=None)
    return value


def _day(value: Moment) -> dt.date:
    """The (local) day of a date or a datetime."""
    value = _local(value)
    return value.date() if isinstance(value, dt.datetime) else value


def format_slip_time(value: Moment) -> str:
    """A time "14 giờ 30 phút, ngày 05/02/2027", or a date "ngày 05/02/2027".

    Naive datetimes are Vietnam's local time; aware ones are converted to UTC+07:00.
    """
    value = _local(value)
    day = f"ngày {value:%d/%m/%Y}"
    if isinstance(value, dt.datetime):
        return f"{value.hour:02d} giờ {value.minute:02d} phút, {day}"
    return day


def handover_outcome(handed_over_at: dt.datetime, due_at: Moment) -> str:
    """The outcome of a step, as a key of :data:`HANDOVER_OUTCOMES` (the product's definition).

    "late" after the due time (a date alone is due at the end of that day); otherwise
    "on_time" on the due day and "early" on an earlier day.
    """
    due = _local(due_at)
    if isinstance(due, dt.datetime) and _local(handed_over_at) > due:
        return "late"
    done_day, due_day = _day(handed_over_at), _day(due_at)
    if done_day > due_day:
        return "late"
    return "on_time" if done_day == due_day else "early"


def _two_digits(number: int) -> str:
    """Counts below 10 are written with a leading zero ("01 bộ")."""
    return f"{number:02d}"


# --- styles and blocks ------------------------------------------------------------------------


def _slip_styles() -> dict[str, ParagraphStyle]:
    """Decree 30 styles of :mod:`moh_core.documents.layout` plus those of the slips' body and tables."""
    st = _styles()
    line = _style("slip_line", _BODY_SIZE, alignment=TA_JUSTIFY, spaceAfter=2)
    cell = _style("slip_cell", _TABLE_SIZE, alignment=TA_LEFT, leading=_TABLE_SIZE * 1.15)
    small = _style("slip_small", _CONTROL_TABLE_SIZE, alignment=TA_LEFT, leading=_CONTROL_TABLE_SIZE * 1.15)
    st.update(
        {
            "slip_title": _style("slip_title", _TITLE_SIZE, FONT_BOLD, spaceBefore=7 * mm),
            "slip_code": _style("slip_code", _BODY_SIZE, spaceBefore=1 * mm, spaceAfter=5 * mm),
            "slip_kinh_gui": _style("slip_kinh_gui", _BODY_SIZE, spaceAfter=4 * mm),
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
            "slip_sign": _style("slip_sign", _SIGN_SIZE, FONT_BOLD),
            "slip_sign_note": _style("slip_sign_note", _SIGN_SIZE, FONT_ITALIC),
        }
    )
    return st


def _header(slip: DossierSlip, st: dict[str, ParagraphStyle], by_unit: bool) -> list[Flowable]:
    """Decree 30 header: agency block and number on the left, national title and date right.

    ``by_unit``: the one-stop unit issues the slip, so it is the bold line and the agency
    above it one of the parent lines (not bold), as Decree 30 writes a parent agency.
    """
    head = slip.header
    parents = [p for p in (head.agency_parent,) if p.strip()]
    issuer = head.agency_name
    if by_unit and head.unit.strip():
        parents.append(head.agency_name)
        issuer = head.unit
    left_top: list[Flowable] = [Paragraph(_upper(p), st["parent"]) for p in parents]
    left_top.append(Paragraph(_upper(issuer), st["agency"]))
    left_top.append(_Rule(_agency_rule_length([" ".join(nfc(issuer).upper().split())])))
    right_top: list[Flowable] = [
        Paragraph(_text(NATIONAL_TITLE), st["national"]),
        Paragraph(_text(MOTTO), st["motto"]),
        _Rule(stringWidth(MOTTO, FONT_BOLD, _MOTTO_SIZE)),
    ]
    left_bottom: list[Flowable] = [Spacer(0, 0)]
    if slip.number is not None:
        left_bottom = [Paragraph(_text(format_number_symbol(slip.number, slip.symbol)), st["number"])]
    right_bottom = [Paragraph(_text(format_place_date(head.place, slip.date)), st["date"])]
    return [
        _table(
            [[left_top, right_top], [left_bottom, right_bottom]],
            (_HEADER_LEFT, _HEADER_RIGHT),
            [("TOPPADDING", (0, 1), (-1, 1), 2 * mm)],
        )
    ]


def _title(kind: SlipKind, slip: DossierSlip, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [
        Paragraph(_text(SLIP_TITLES[kind]), st["slip_title"]),
        Paragraph(f"Mã hồ sơ: <b>{_text(slip.dossier_code)}</b>", st["slip_code"]),
    ]


def _labelled(label: str, value: str, st: dict[str, ParagraphStyle], bold: bool = False) -> Paragraph:
    """A "Label: value" line (the value NFC-normalised and escaped)."""
    shown = _text(value)
    if bold:
        shown = f"<b>{shown}</b>"
    return Paragraph(f"{_text(label)}: {shown}", st["slip_line"])


def _issuer(slip: DossierSlip) -> str:
    """Who receives and acts: "Bộ phận Một cửa Cục Quản lý Dược", or the agency alone."""
    head = slip.header
    agency = " ".join(nfc(head.agency_name).split())
    unit = " ".join(nfc(head.unit).split())
    return f"{unit} {agency}" if unit else agency


def _agency(slip: DossierSlip) -> str:
    return " ".join(nfc(slip.header.agency_name).split())


def _applicant_lines(slip: DossierSlip, st: dict[str, ParagraphStyle], lead: str) -> list[Flowable]:
    """``lead`` (e.g. "... tiếp nhận hồ sơ của") with the applicant, their contacts, the request."""
    applicant = slip.applicant
    out: list[Flowable] = [Paragraph(f"{_text(lead)}: <b>{_text(applicant.name)}</b>", st["slip_line"])]
    if applicant.address.strip():
        out.append(_labelled("Địa chỉ", applicant.address, st))
    contacts = []
    if applicant.phone.strip():
        contacts.append(f"Số điện thoại: {_text(applicant.phone)}")
    if applicant.email.strip():
        contacts.append(f"Email: {_text(applicant.email)}")
    if contacts:
        out.append(Paragraph(";&nbsp;&nbsp; ".join(contacts), st["slip_line"]))
    out.append(_labelled("Nội dung yêu cầu giải quyết", slip.procedure, st, bold=True))
    return out


def _grid(rows: list[list[Flowable]], widths: Sequence[float], *, padding: float = 1.5 * mm) -> list[Flowable]:
    """A ruled table whose header row repeats on every page it flows to, with space around."""
    table = _table(
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


def _officer_column(signer: Signer, st: dict[str, ParagraphStyle], *, note: bool, space: float) -> list[Flowable]:
    """The signer's lines (authority, position), the blank for the signature, the name."""
    out: list[Flowable] = [Paragraph(_upper(line), st["slip_sign"]) for line in signer.lines]
    if note:
        out.append(Paragraph(_SIGN_NOTE, st["slip_sign_note"]))
    out.append(Spacer(0, space))
    out.append(Paragraph(_text(signer.name), st["slip_sign"]))
    return out


def _closing(
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
    right = _officer_column(
        slip.officer,
        st,
        note=not agency_document,
        space=SIGNATURE_SPACE_MM * mm if agency_document else _OFFICER_SPACE,
    )
    widths: tuple[float, float] = (_CLOSING_LEFT, _CLOSING_RIGHT)
    if left is not None:
        widths = (_TEXT_WIDTH / 2, _TEXT_WIDTH / 2)
    else:
        left = []
        lines = _dashed(recipients)
        if lines:
            left.append(Paragraph("Nơi nhận:", st["recipients_head"]))
            left += [Paragraph(_text(line), st["recipients"]) for line in lines]
        if not left:
            left = [Spacer(0, 0)]
    block = _table(
        [[left, right]],
        widths,
        [("RIGHTPADDING", (0, 0), (0, 0), 3 * mm), ("TOPPADDING", (0, 0), (-1, -1), 2 * mm)],
    )
    return KeepTogether([*last, Spacer(0, 4 * mm), block])


def _numbered(items: Sequence[str], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [Paragraph(f"{i}. {_text(item)}", st["slip_item"]) for i, item in enumerate(items, start=1)]


def _build(kind: SlipKind, slip: DossierSlip, story: list[Flowable]) -> bytes:
    """Lay the story out on Decree 30 pages (page numbers from page 2) and return the PDF."""
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=_PAGE_SIZE,
        leftMargin=_MARGIN_LEFT,
        rightMargin=_MARGIN_RIGHT,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=nfc(SLIP_TITLES[kind].capitalize()),
        author=_issuer(slip),
        subject=nfc(slip.dossier_code.strip()),
        creator="moh_core",
        lang="vi-VN",
        invariant=True,
        # Otherwise every page starts in (unembedded) Helvetica.
        initialFontName=FONT_REGULAR,
        initialFontSize=_BODY_SIZE,
    )
    template.build(story, onLaterPages=_draw_page_number)
    return buffer.getvalue()


def _start() -> dict[str, ParagraphStyle]:
    register_fonts()
    return _slip_styles()


# --- Mẫu 01 -----------------------------------------------------------------------------------


def _documents_table(documents: Sequence[SlipDocument], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """STT | Tên giấy tờ | [Bản chính/bản sao] | [Số lượng]: optional columns only when used."""
    with_form = any(d.form.strip() for d in documents)
    with_copies = any(d.copies is not None for d in documents)
    head = [Paragraph("STT", st["slip_cell_head"]), Paragraph("Tên giấy tờ", st["slip_cell_head"])]
    widths = [12 * mm]
    if with_form:
        head.append(Paragraph("Bản chính/<br/>bản sao", st["slip_cell_head"]))
    if with_copies:
        head.append(Paragraph("Số lượng", st["slip_cell_head"]))
    # "Bản sao chứng thực" on one line
    rest = (37 * mm if with_form else 0) + (20 * mm if with_copies else 0)
    widths.append(_TEXT_WIDTH - widths[0] - rest)
    if with_form:
        widths.append(37 * mm)
    if with_copies:
        widths.append(20 * mm)
    rows: list[list[Flowable]] = [head]
    for i, doc in enumerate(documents, start=1):
        row = [
            Paragraph(str(i), st["slip_cell_center"]),
            Paragraph(_text(doc.name), st["slip_cell"]),
        ]
        if with_form:
            row.append(Paragraph(_text(doc.form), st["slip_cell_center"]))
        if with_copies:
            copies = "" if doc.copies is None else _two_digits(doc.copies)
            row.append(Paragraph(copies, st["slip_cell_center"]))
        rows.append(row)
    return _grid(rows, widths)


def render_receipt(receipt: Receipt) -> bytes:
    """Mẫu số 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    how = "trực tuyến " if receipt.submitted_online else ""
    story: list[Flowable] = [
        *_header(receipt, st, by_unit=True),
        *_title("receipt", receipt, st),
        *_applicant_lines(receipt, st, f"{_issuer(receipt)} tiếp nhận hồ sơ {how}của"),
        Paragraph("1. Thành phần hồ sơ:", st["slip_line"]),
        *_documents_table(receipt.documents, st),
        Paragraph(f"2. Số lượng hồ sơ: {_two_digits(receipt.dossier_sets)} bộ.", st["slip_line"]),
    ]
    n = 3
    if receipt.processing_time.strip():
        story.append(
            Paragraph(
                f"{n}. Thời gian giải quyết hồ sơ theo quy định: {_text(receipt.processing_time)}.",
                st["slip_line"],
            )
        )
        n += 1
    story += [
        Paragraph(f"{n}. Thời gian nhận hồ sơ: {format_slip_time(receipt.received_at)}.", st["slip_line"]),
        Paragraph(
            f"{n + 1}. Ngày hẹn trả kết quả: <b>{format_slip_time(receipt.due_at)}</b>.",
            st["slip_line"],
        ),
        Paragraph(
            f"{n + 2}. Hình thức nhận kết quả: {_text(RESULT_DELIVERY[receipt.result_delivery])}.",
            st["slip_line"],
        ),
    ]
    code = _text(receipt.dossier_code)
    lookup = f"Mã hồ sơ dùng để tra cứu tình trạng giải quyết hồ sơ: <b>{code}</b>."
    last: list[Flowable] = [Paragraph(lookup, st["slip_note"])]
    if receipt.lookup_url.strip():
        last.append(_labelled("Địa chỉ tra cứu", receipt.lookup_url, st))
    left = None
    if not receipt.submitted_online:
        left = [
            Paragraph("NGƯỜI NỘP HỒ SƠ", st["slip_sign"]),
            Paragraph(_SIGN_NOTE, st["slip_sign_note"]),
            Spacer(0, _OFFICER_SPACE),
            Paragraph(_text(receipt.submitter), st["slip_sign"]),
        ]
    story.append(_closing(receipt, st, last, left=left))
    return _build("receipt", receipt, story)


# --- Mẫu 02 -----------------------------------------------------------------------------------


def render_supplement_request(request: SupplementRequest) -> bytes:
    """Mẫu số 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    applicant = _text(request.applicant.name)
    with_reason = any(item.reason.strip() for item in request.items)
    with_guidance = any(item.guidance.strip() for item in request.items)
    head = [
        Paragraph("STT", st["slip_cell_head"]),
        Paragraph("Nội dung cần bổ sung, hoàn thiện", st["slip_cell_head"]),
    ]
    widths = [12 * mm, _TEXT_WIDTH - 12 * mm]
    if with_reason:
        head.append(Paragraph("Lý do", st["slip_cell_head"]))
        widths = [12 * mm, 83 * mm, _TEXT_WIDTH - 95 * mm]
    if with_guidance:
        head.append(Paragraph("Hướng dẫn", st["slip_cell_head"]))
        rest = _TEXT_WIDTH - 12 * mm
        shares = (0.4, 0.25, 0.35) if with_reason else (0.5, 0.5)
        widths = [12 * mm, *(rest * share for share in shares)]
    rows: list[list[Flowable]] = [head]
    for i, item in enumerate(request.items, start=1):
        row = [
            Paragraph(str(i), st["slip_cell_center"]),
            Paragraph(_text(item.content), st["slip_cell"]),
        ]
        if with_reason:
            row.append(Paragraph(_text(item.reason), st["slip_cell"]))
        if with_guidance:
            row.append(Paragraph(_text(item.guidance), st["slip_cell"]))
        rows.append(row)
    received = format_slip_time(request.received_at)
    story: list[Flowable] = [
        *_header(request, st, by_unit=True),
        *_title("supplement", request, st),
        *_applicant_lines(request, st, f"Vào {received}, {_issuer(request)} tiếp nhận hồ sơ của"),
        Paragraph(
            f"Sau khi xem xét, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị {applicant} bổ sung, hoàn "
            "thiện hồ sơ gồm những nội dung sau:",
            st["slip_para"],
        ),
        *_grid(rows, widths),
        *(
            [
                Paragraph(
                    f"Thời hạn bổ sung, hoàn thiện hồ sơ: chậm nhất <b>{format_slip_time(request.deadline)}</b>.",
                    st["slip_para"],
                )
            ]
            if request.deadline is not None
            else []
        ),
        Paragraph(
            "Thời gian giải quyết hồ sơ được tính lại từ đầu kể từ khi nhận được hồ sơ đã bổ "
            "sung, hoàn thiện đầy đủ, hợp lệ.",
            st["slip_para"],
        ),
    ]
    last: list[Flowable] = []
    if request.contact.strip():
        last.append(
            Paragraph(
                "Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, đề nghị liên hệ "
                f"{_text(request.contact)} để được hướng dẫn.",
                st["slip_para"],
            )
        )
    story.append(_closing(request, st, last))
    return _build("supplement", request, story)


# --- Mẫu 03 -----------------------------------------------------------------------------------


def render_refusal(refusal: Refusal) -> bytes:
    """Mẫu số 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    lead = f"{_issuer(refusal)} nhận được hồ sơ của"
    if refusal.received_at is not None:
        lead = f"Vào {format_slip_time(refusal.received_at)}, {lead}"
    basis = ""
    if refusal.legal_basis.strip():
        basis = f"Căn cứ {_text(refusal.legal_basis.strip().removeprefix('Căn cứ').strip())}, "
    agency = _text(_agency(refusal))
    refuse = f"{basis}{agency} từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:"
    story: list[Flowable] = [
        *_header(refusal, st, by_unit=True),
        *_title("refusal", refusal, st),
        *_applicant_lines(refusal, st, lead),
        Paragraph(refuse, st["slip_para"]),
        *_numbered(refusal.reasons, st),
    ]
    last = [
        Paragraph(
            f"Xin thông báo để {_text(refusal.applicant.name)} được biết và thực hiện./.",
            st["slip_para"],
        )
    ]
    story.append(_closing(refusal, st, last))
    return _build("refusal", refusal, story)


# --- Refusal after appraisal -----------------------------------------------------------------


def render_appraisal_refusal(notice: AppraisalRefusal) -> bytes:
    """The written notice returning a dossier refused after appraisal, with the reasons, as PDF.

    Decree 118/2025/NĐ-CP: a dossier that does not qualify once appraised is returned to the
    applicant with a written notice stating the reasons; this is the agency's document (signed by
    the deciding unit), not Mẫu 03, which refuses to receive a dossier.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    agency = _text(_agency(notice))
    applicant = _text(notice.applicant.name)
    lead = f"{agency} đã tiếp nhận hồ sơ của {applicant}"
    if notice.received_at is not None:
        lead = f"Vào {format_slip_time(notice.received_at)}, {lead}"
    basis = ""
    if notice.legal_basis.strip():
        basis = f"Căn cứ {_text(notice.legal_basis.strip().removeprefix('Căn cứ').strip())}, "
    story: list[Flowable] = [
        *_header(notice, st, by_unit=False),
        *_title("appraisal_refusal", notice, st),
        _kinh_gui(notice, st),
        Paragraph(f"{lead}.", st["slip_para"]),
        _labelled("Nội dung yêu cầu giải quyết", notice.procedure, st, bold=True),
        Paragraph(
            f"{basis}sau khi thẩm định, hồ sơ không đủ điều kiện giải quyết. {agency} trả lại hồ "
            "sơ vì những lý do sau:",
            st["slip_para"],
        ),
        *_numbered(notice.reasons, st),
    ]
    last = [Paragraph(f"{agency} thông báo để {applicant} được biết./.", st["slip_para"])]
    story.append(_closing(notice, st, last, recipients=notice.recipients, agency_document=True))
    return _build("appraisal_refusal", notice, story)


# --- Mẫu 04 -----------------------------------------------------------------------------------


def _kinh_gui(slip: DossierSlip, st: dict[str, ParagraphStyle]) -> Paragraph:
    return Paragraph(f"Kính gửi: {_text(slip.applicant.name)}", st["slip_kinh_gui"])


def render_apology(apology: Apology) -> bytes:
    """Mẫu số 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, as PDF.

    Circular 03/2025/TT-VPCP; Decree 118/2025/NĐ-CP, Art. 19.6: sent at least one day before
    the due date; the deadline is extended once only.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    agency = _text(_agency(apology))
    applicant = _text(apology.applicant.name)
    story: list[Flowable] = [
        *_header(apology, st, by_unit=False),
        *_title("apology", apology, st),
        _kinh_gui(apology, st),
        Paragraph(
            f"Vào {format_slip_time(apology.received_at)}, {agency} tiếp nhận hồ sơ của {applicant}.",
            st["slip_para"],
        ),
        _labelled("Nội dung yêu cầu giải quyết", apology.procedure, st, bold=True),
        _labelled("Ngày hẹn trả kết quả", format_slip_time(apology.original_due), st),
        Paragraph(
            f"Tuy nhiên, {agency} chưa thể trả kết quả giải quyết hồ sơ đúng thời hạn đã hẹn.",
            st["slip_para"],
        ),
        _labelled("Lý do", apology.reason, st),
        Paragraph(
            f"{agency} xin lỗi {applicant} vì sự chậm trễ này và đề nghị gia hạn thời gian "
            "giải quyết hồ sơ, hẹn lại ngày trả kết quả: "
            f"<b>{format_slip_time(apology.new_due)}</b>.",
            st["slip_para"],
        ),
    ]
    last = [Paragraph(f"Trân trọng cảm ơn sự hợp tác của {applicant}./.", st["slip_para"])]
    story.append(_closing(apology, st, last, recipients=apology.recipients, agency_document=True))
    return _build("apology", apology, story)


# --- Mẫu 05 -----------------------------------------------------------------------------------


def render_stop_notice(notice: StopNotice) -> bytes:
    """Mẫu số 05, Thông báo dừng giải quyết hồ sơ, as PDF (Circular 03/2025/TT-VPCP;
    Decree 118/2025/NĐ-CP, Art. 21: the applicant asked to stop).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    agency = _text(_agency(notice))
    applicant = _text(notice.applicant.name)
    story: list[Flowable] = [
        *_header(notice, st, by_unit=False),
        *_title("stop", notice, st),
        _kinh_gui(notice, st),
        Paragraph(
            f"Vào {format_slip_time(notice.requested_on)}, {agency} nhận được đề nghị của "
            f"{applicant} về việc dừng giải quyết hồ sơ nêu trên.",
            st["slip_para"],
        ),
        _labelled("Nội dung yêu cầu giải quyết", notice.procedure, st, bold=True),
    ]
    if notice.received_at is not None:
        story.append(_labelled("Thời gian tiếp nhận hồ sơ", format_slip_time(notice.received_at), st))
    story.append(_labelled("Lý do đề nghị dừng", notice.reason, st))
    last = [
        Paragraph(
            f"{agency} thông báo dừng giải quyết hồ sơ kể từ {format_slip_time(notice.date)}./.",
            st["slip_para"],
        )
    ]
    story.append(_closing(notice, st, last, recipients=notice.recipients, agency_document=True))
    return _build("stop", notice, story)


# --- Mẫu 06 -----------------------------------------------------------------------------------

#: Column widths of the hand-over table in mm (165 mm between the margins).
_CONTROL_WIDTHS_MM: tuple[float, ...] = (10, 27, 27, 29, 29, 19, 24)
_CONTROL_COLUMNS: tuple[str, ...] = (
    "STT",
    "Bên giao",
    "Bên nhận",
    "Thời gian giao, nhận",
    "Hạn xử lý",
    "Kết quả",
    "Ghi chú",
)


def _party(unit: str, person: str) -> str:
    shown = _text(unit)
    if person.strip():
        shown += f"<br/>{_text(person)}"
    return shown


def _time_cell(value: Moment | None) -> str:
    """ "14 giờ 30 phút,<br/>ngày 05/02/2027": the day on its own line in a narrow column."""
    if value is None:
        return ""
    return format_slip_time(value).replace(", ngày", ",<br/>ngày")


def render_process_control(control: ProcessControl) -> bytes:
    """Mẫu số 06, Phiếu kiểm soát quá trình giải quyết hồ sơ, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = _start()
    rows: list[list[Flowable]] = [[Paragraph(_text(name), st["slip_small_head"]) for name in _CONTROL_COLUMNS]]
    for i, step in enumerate(control.handovers, start=1):
        rows.append(
            [
                Paragraph(str(i), st["slip_small_center"]),
                Paragraph(_party(step.from_unit, step.from_person), st["slip_small"]),
                Paragraph(_party(step.to_unit, step.to_person), st["slip_small"]),
                Paragraph(_time_cell(step.handed_over_at), st["slip_small_center"]),
                Paragraph(_time_cell(step.due_at), st["slip_small_center"]),
                Paragraph(_text(step.outcome_label), st["slip_small_center"]),
                Paragraph(_text(step.note), st["slip_small"]),
            ]
        )
    story: list[Flowable] = [
        *_header(control, st, by_unit=True),
        *_title("process_control", control, st),
        Paragraph("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", st["slip_kinh_gui"]),
        _labelled("Tổ chức, cá nhân nộp hồ sơ", control.applicant.name, st, bold=True),
        _labelled("Nội dung yêu cầu giải quyết", control.procedure, st, bold=True),
        _labelled("Thời gian nhận hồ sơ", format_slip_time(control.received_at), st),
        _labelled("Ngày hẹn trả kết quả", format_slip_time(control.due_at), st),
    ]
    if control.processing_unit.strip():
        story.append(_labelled("Cơ quan (bộ phận) giải quyết hồ sơ", control.processing_unit, st))
    coordinating = [" ".join(nfc(u).split()) for u in control.coordinating_units if u.strip()]
    if coordinating:
        story.append(_labelled("Cơ quan phối hợp giải quyết hồ sơ", "; ".join(coordinating), st))
    story.append(Spacer(0, 2 * mm))
    if len(rows) > 1:
        story += _grid(rows, [w * mm for w in _CONTROL_WIDTHS_MM], padding=1 * mm)
    else:
        story.append(Paragraph("Hồ sơ chưa được giao, nhận lần nào.", st["slip_note"]))
    story.append(_closing(control, st, []))
    return _build("process_control", control, story)


def render_blank_form(title: str, agency: str, lines: Sequence[str], *, note: str = "") -> bytes:
    """A blank application form for a procedure, as published beside it for applicants to
    download, fill in, sign and upload: national title and motto, the form's title, the agency
    addressed, one dotted line per item and the applicant's signature block."""
    # Only the blank form draws on a bare canvas; the fonts module registers fonts when imported.
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415
    from reportlab.pdfgen.canvas import Canvas  # noqa: PLC0415

    from moh_core.fonts import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, nfc, register_fonts  # noqa: PLC0415

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    left, right = 30 * mm, width - 20 * mm
    y = height - 20 * mm

    def centred(text: str, font: str, size: float) -> None:
        nonlocal y
        canvas.setFont(font, size)
        canvas.drawCentredString(width / 2, y, nfc(text))
        y -= size * 1.5

    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", FONT_BOLD, 12)
    centred("Độc lập - Tự do - Hạnh phúc", FONT_BOLD, 13)
    canvas.line(width / 2 - 30 * mm, y + 12, width / 2 + 30 * mm, y + 12)
    y -= 10 * mm
    centred(title.upper(), FONT_BOLD, 14)
    y -= 2 * mm
    centred(f"Kính gửi: {agency}", FONT_REGULAR, 13)
    y -= 6 * mm
    for label in lines:
        if y < 50 * mm:
            canvas.showPage()
            y = height - 25 * mm
        canvas.setFont(FONT_REGULAR, 13)
        text = nfc(f"{label}: ")
        canvas.drawString(left, y, text)
        start = left + canvas.stringWidth(text, FONT_REGULAR, 13)
        canvas.setDash(1, 2)
        canvas.line(start, y - 1, right, y - 1)
        canvas.setDash()
        y -= 10 * mm
    if note:
        canvas.setFont(FONT_ITALIC, 12)
        canvas.drawString(left, y, nfc(note))
        y -= 10 * mm
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawCentredString(right - 40 * mm, y - 5 * mm, nfc("ĐẠI DIỆN TỔ CHỨC, DOANH NGHIỆP"))
    canvas.setFont(FONT_ITALIC, 12)
    canvas.drawCentredString(right - 40 * mm, y - 11 * mm, nfc("(Ký số, ghi rõ họ tên)"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
