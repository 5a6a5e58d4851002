"""Mẫu số 01 and 06 of Circular 03/2025/TT-VPCP: the receipt that starts a dossier's clock and
the process control slip that follows its hand-overs.

* Mẫu số 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả (:func:`render_receipt`): the receipt
  that starts the clock (Decree 118/2025/NĐ-CP, Art. 17.3) and gives the due date.
* Mẫu số 06, Phiếu kiểm soát quá trình giải quyết hồ sơ (:func:`render_process_control`): one
  row per hand-over, with its time, the step's due time and the outcome.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from moh_core.documents import pagekit
from moh_core.fonts import nfc
from moh_core.onestop.slips.common import (
    OFFICER_SPACE,
    SIGN_NOTE,
    DossierSlip,
    Moment,
    applicant_lines,
    build_slip,
    closing,
    format_slip_time,
    grid,
    issuer,
    labelled,
    local_day,
    local_time,
    slip_header,
    slip_styles,
    slip_title,
)

__all__ = [
    "HANDOVER_OUTCOMES",
    "RESULT_DELIVERY",
    "Handover",
    "ProcessControl",
    "Receipt",
    "SlipDocument",
    "handover_outcome",
    "render_process_control",
    "render_receipt",
]

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


# --- input ------------------------------------------------------------------------------------


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
        if local_day(self.due_at) < local_day(self.received_at):
            raise ValueError("The result cannot be due before the dossier was received.")


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


def handover_outcome(handed_over_at: dt.datetime, due_at: Moment) -> str:
    """The outcome of a step, as a key of :data:`HANDOVER_OUTCOMES` (the product's definition).

    "late" after the due time (a date alone is due at the end of that day); otherwise
    "on_time" on the due day and "early" on an earlier day.
    """
    due = local_time(due_at)
    if isinstance(due, dt.datetime) and local_time(handed_over_at) > due:
        return "late"
    done_day, due_day = local_day(handed_over_at), local_day(due_at)
    if done_day > due_day:
        return "late"
    return "on_time" if done_day == due_day else "early"


def _two_digits(number: int) -> str:
    """Counts below 10 are written with a leading zero ("01 bộ")."""
    return f"{number:02d}"


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
    widths.append(pagekit.TEXT_WIDTH - widths[0] - rest)
    if with_form:
        widths.append(37 * mm)
    if with_copies:
        widths.append(20 * mm)
    rows: list[list[Flowable]] = [head]
    for i, doc in enumerate(documents, start=1):
        row = [
            Paragraph(str(i), st["slip_cell_center"]),
            Paragraph(pagekit.text_markup(doc.name), st["slip_cell"]),
        ]
        if with_form:
            row.append(Paragraph(pagekit.text_markup(doc.form), st["slip_cell_center"]))
        if with_copies:
            copies = "" if doc.copies is None else _two_digits(doc.copies)
            row.append(Paragraph(copies, st["slip_cell_center"]))
        rows.append(row)
    return grid(rows, widths)


def render_receipt(receipt: Receipt) -> bytes:
    """Mẫu số 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = slip_styles()
    how = "trực tuyến " if receipt.submitted_online else ""
    story: list[Flowable] = [
        *slip_header(receipt, st, by_unit=True),
        *slip_title("receipt", receipt, st),
        *applicant_lines(receipt, st, f"{issuer(receipt)} tiếp nhận hồ sơ {how}của"),
        Paragraph("1. Thành phần hồ sơ:", st["slip_line"]),
        *_documents_table(receipt.documents, st),
        Paragraph(f"2. Số lượng hồ sơ: {_two_digits(receipt.dossier_sets)} bộ.", st["slip_line"]),
    ]
    n = 3
    if receipt.processing_time.strip():
        story.append(
            Paragraph(
                f"{n}. Thời gian giải quyết hồ sơ theo quy định: {pagekit.text_markup(receipt.processing_time)}.",
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
            f"{n + 2}. Hình thức nhận kết quả: {pagekit.text_markup(RESULT_DELIVERY[receipt.result_delivery])}.",
            st["slip_line"],
        ),
    ]
    code = pagekit.text_markup(receipt.dossier_code)
    lookup = f"Mã hồ sơ dùng để tra cứu tình trạng giải quyết hồ sơ: <b>{code}</b>."
    last: list[Flowable] = [Paragraph(lookup, st["slip_note"])]
    if receipt.lookup_url.strip():
        last.append(labelled("Địa chỉ tra cứu", receipt.lookup_url, st))
    left = None
    if not receipt.submitted_online:
        left = [
            Paragraph("NGƯỜI NỘP HỒ SƠ", st["slip_sign"]),
            Paragraph(SIGN_NOTE, st["slip_sign_note"]),
            Spacer(0, OFFICER_SPACE),
            Paragraph(pagekit.text_markup(receipt.submitter), st["slip_sign"]),
        ]
    story.append(closing(receipt, st, last, left=left))
    return build_slip("receipt", receipt, story)


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
    shown = pagekit.text_markup(unit)
    if person.strip():
        shown += f"<br/>{pagekit.text_markup(person)}"
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
    st = slip_styles()
    rows: list[list[Flowable]] = [
        [Paragraph(pagekit.text_markup(name), st["slip_small_head"]) for name in _CONTROL_COLUMNS]
    ]
    for i, step in enumerate(control.handovers, start=1):
        rows.append(
            [
                Paragraph(str(i), st["slip_small_center"]),
                Paragraph(_party(step.from_unit, step.from_person), st["slip_small"]),
                Paragraph(_party(step.to_unit, step.to_person), st["slip_small"]),
                Paragraph(_time_cell(step.handed_over_at), st["slip_small_center"]),
                Paragraph(_time_cell(step.due_at), st["slip_small_center"]),
                Paragraph(pagekit.text_markup(step.outcome_label), st["slip_small_center"]),
                Paragraph(pagekit.text_markup(step.note), st["slip_small"]),
            ]
        )
    story: list[Flowable] = [
        *slip_header(control, st, by_unit=True),
        *slip_title("process_control", control, st),
        Paragraph("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)", st["slip_kinh_gui"]),
        labelled("Tổ chức, cá nhân nộp hồ sơ", control.applicant.name, st, bold=True),
        labelled("Nội dung yêu cầu giải quyết", control.procedure, st, bold=True),
        labelled("Thời gian nhận hồ sơ", format_slip_time(control.received_at), st),
        labelled("Ngày hẹn trả kết quả", format_slip_time(control.due_at), st),
    ]
    if control.processing_unit.strip():
        story.append(labelled("Cơ quan (bộ phận) giải quyết hồ sơ", control.processing_unit, st))
    coordinating = [" ".join(nfc(u).split()) for u in control.coordinating_units if u.strip()]
    if coordinating:
        story.append(labelled("Cơ quan phối hợp giải quyết hồ sơ", "; ".join(coordinating), st))
    story.append(Spacer(0, 2 * mm))
    if len(rows) > 1:
        story += grid(rows, [w * mm for w in _CONTROL_WIDTHS_MM], padding=1 * mm)
    else:
        story.append(Paragraph("Hồ sơ chưa được giao, nhận lần nào.", st["slip_note"]))
    story.append(closing(control, st, []))
    return build_slip("process_control", control, story)
