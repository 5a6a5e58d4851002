"""The notices of Circular 03/2025/TT-VPCP, Appendix I, sent while a dossier is settled.

* Mẫu số 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (:func:`render_supplement_request`): sent
  once only, within 3 working days; the time limit restarts when the completed dossier arrives
  (Decree 118/2025/NĐ-CP, Art. 19.5, 11.2.c).
* Mẫu số 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ (:func:`render_refusal`).
* The written notice that returns a dossier refused after appraisal, with its reasons
  (:func:`render_appraisal_refusal`): not a form of the Circular, and not Mẫu 03, which refuses
  to *receive* a dossier.
* Mẫu số 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (:func:`render_apology`):
  sent at least one day before the due date, with the reason and the new proposed date; the
  deadline is extended once only (Art. 19.6, 12.5).
* Mẫu số 05, Thông báo dừng giải quyết hồ sơ (:func:`render_stop_notice`), when the applicant
  asks to stop (Art. 21).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph
from reportlab.platypus.flowables import Flowable

from moh_core.documents import pagekit
from moh_core.onestop.slips.common import (
    DossierSlip,
    Moment,
    agency_name,
    applicant_lines,
    build_slip,
    closing,
    format_slip_time,
    grid,
    issuer,
    labelled,
    local_day,
    slip_header,
    slip_styles,
    slip_title,
)

__all__ = [
    "Apology",
    "AppraisalRefusal",
    "Refusal",
    "StopNotice",
    "SupplementItem",
    "SupplementRequest",
    "render_apology",
    "render_appraisal_refusal",
    "render_refusal",
    "render_stop_notice",
    "render_supplement_request",
]

# --- input ------------------------------------------------------------------------------------


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
        if local_day(self.new_due) <= local_day(self.original_due):
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


# --- blocks -----------------------------------------------------------------------------------


def _numbered(items: Sequence[str], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [Paragraph(f"{i}. {pagekit.text_markup(item)}", st["slip_item"]) for i, item in enumerate(items, start=1)]


# --- Mẫu 02 -----------------------------------------------------------------------------------


def render_supplement_request(request: SupplementRequest) -> bytes:
    """Mẫu số 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = slip_styles()
    applicant = pagekit.text_markup(request.applicant.name)
    with_reason = any(item.reason.strip() for item in request.items)
    with_guidance = any(item.guidance.strip() for item in request.items)
    head = [
        Paragraph("STT", st["slip_cell_head"]),
        Paragraph("Nội dung cần bổ sung, hoàn thiện", st["slip_cell_head"]),
    ]
    widths = [12 * mm, pagekit.TEXT_WIDTH - 12 * mm]
    if with_reason:
        head.append(Paragraph("Lý do", st["slip_cell_head"]))
        widths = [12 * mm, 83 * mm, pagekit.TEXT_WIDTH - 95 * mm]
    if with_guidance:
        head.append(Paragraph("Hướng dẫn", st["slip_cell_head"]))
        rest = pagekit.TEXT_WIDTH - 12 * mm
        shares = (0.4, 0.25, 0.35) if with_reason else (0.5, 0.5)
        widths = [12 * mm, *(rest * share for share in shares)]
    rows: list[list[Flowable]] = [head]
    for i, item in enumerate(request.items, start=1):
        row = [
            Paragraph(str(i), st["slip_cell_center"]),
            Paragraph(pagekit.text_markup(item.content), st["slip_cell"]),
        ]
        if with_reason:
            row.append(Paragraph(pagekit.text_markup(item.reason), st["slip_cell"]))
        if with_guidance:
            row.append(Paragraph(pagekit.text_markup(item.guidance), st["slip_cell"]))
        rows.append(row)
    received = format_slip_time(request.received_at)
    story: list[Flowable] = [
        *slip_header(request, st, by_unit=True),
        *slip_title("supplement", request, st),
        *applicant_lines(request, st, f"Vào {received}, {issuer(request)} tiếp nhận hồ sơ của"),
        Paragraph(
            f"Sau khi xem xét, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị {applicant} bổ sung, hoàn "
            "thiện hồ sơ gồm những nội dung sau:",
            st["slip_para"],
        ),
        *grid(rows, widths),
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
                f"{pagekit.text_markup(request.contact)} để được hướng dẫn.",
                st["slip_para"],
            )
        )
    story.append(closing(request, st, last))
    return build_slip("supplement", request, story)


# --- Mẫu 03 -----------------------------------------------------------------------------------


def render_refusal(refusal: Refusal) -> bytes:
    """Mẫu số 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, as PDF (Circular 03/2025/TT-VPCP).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = slip_styles()
    lead = f"{issuer(refusal)} nhận được hồ sơ của"
    if refusal.received_at is not None:
        lead = f"Vào {format_slip_time(refusal.received_at)}, {lead}"
    basis = ""
    if refusal.legal_basis.strip():
        basis = f"Căn cứ {pagekit.text_markup(refusal.legal_basis.strip().removeprefix('Căn cứ').strip())}, "
    agency = pagekit.text_markup(agency_name(refusal))
    refuse = f"{basis}{agency} từ chối tiếp nhận, giải quyết hồ sơ này vì lý do sau:"
    story: list[Flowable] = [
        *slip_header(refusal, st, by_unit=True),
        *slip_title("refusal", refusal, st),
        *applicant_lines(refusal, st, lead),
        Paragraph(refuse, st["slip_para"]),
        *_numbered(refusal.reasons, st),
    ]
    last = [
        Paragraph(
            f"Xin thông báo để {pagekit.text_markup(refusal.applicant.name)} được biết và thực hiện./.",
            st["slip_para"],
        )
    ]
    story.append(closing(refusal, st, last))
    return build_slip("refusal", refusal, story)


# --- Refusal after appraisal -----------------------------------------------------------------


def render_appraisal_refusal(notice: AppraisalRefusal) -> bytes:
    """The written notice returning a dossier refused after appraisal, with the reasons, as PDF.

    Decree 118/2025/NĐ-CP: a dossier that does not qualify once appraised is returned to the
    applicant with a written notice stating the reasons; this is the agency's document (signed by
    the deciding unit), not Mẫu 03, which refuses to receive a dossier.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = slip_styles()
    agency = pagekit.text_markup(agency_name(notice))
    applicant = pagekit.text_markup(notice.applicant.name)
    lead = f"{agency} đã tiếp nhận hồ sơ của {applicant}"
    if notice.received_at is not None:
        lead = f"Vào {format_slip_time(notice.received_at)}, {lead}"
    basis = ""
    if notice.legal_basis.strip():
        basis = f"Căn cứ {pagekit.text_markup(notice.legal_basis.strip().removeprefix('Căn cứ').strip())}, "
    story: list[Flowable] = [
        *slip_header(notice, st, by_unit=False),
        *slip_title("appraisal_refusal", notice, st),
        _kinh_gui(notice, st),
        Paragraph(f"{lead}.", st["slip_para"]),
        labelled("Nội dung yêu cầu giải quyết", notice.procedure, st, bold=True),
        Paragraph(
            f"{basis}sau khi thẩm định, hồ sơ không đủ điều kiện giải quyết. {agency} trả lại hồ "
            "sơ vì những lý do sau:",
            st["slip_para"],
        ),
        *_numbered(notice.reasons, st),
    ]
    last = [Paragraph(f"{agency} thông báo để {applicant} được biết./.", st["slip_para"])]
    story.append(closing(notice, st, last, recipients=notice.recipients, agency_document=True))
    return build_slip("appraisal_refusal", notice, story)


# --- Mẫu 04 -----------------------------------------------------------------------------------


def _kinh_gui(slip: DossierSlip, st: dict[str, ParagraphStyle]) -> Paragraph:
    return Paragraph(f"Kính gửi: {pagekit.text_markup(slip.applicant.name)}", st["slip_kinh_gui"])


def render_apology(apology: Apology) -> bytes:
    """Mẫu số 04, Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết, as PDF.

    Circular 03/2025/TT-VPCP; Decree 118/2025/NĐ-CP, Art. 19.6: sent at least one day before
    the due date; the deadline is extended once only.

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = slip_styles()
    agency = pagekit.text_markup(agency_name(apology))
    applicant = pagekit.text_markup(apology.applicant.name)
    story: list[Flowable] = [
        *slip_header(apology, st, by_unit=False),
        *slip_title("apology", apology, st),
        _kinh_gui(apology, st),
        Paragraph(
            f"Vào {format_slip_time(apology.received_at)}, {agency} tiếp nhận hồ sơ của {applicant}.",
            st["slip_para"],
        ),
        labelled("Nội dung yêu cầu giải quyết", apology.procedure, st, bold=True),
        labelled("Ngày hẹn trả kết quả", format_slip_time(apology.original_due), st),
        Paragraph(
            f"Tuy nhiên, {agency} chưa thể trả kết quả giải quyết hồ sơ đúng thời hạn đã hẹn.",
            st["slip_para"],
        ),
        labelled("Lý do", apology.reason, st),
        Paragraph(
            f"{agency} xin lỗi {applicant} vì sự chậm trễ này và đề nghị gia hạn thời gian "
            "giải quyết hồ sơ, hẹn lại ngày trả kết quả: "
            f"<b>{format_slip_time(apology.new_due)}</b>.",
            st["slip_para"],
        ),
    ]
    last = [Paragraph(f"Trân trọng cảm ơn sự hợp tác của {applicant}./.", st["slip_para"])]
    story.append(closing(apology, st, last, recipients=apology.recipients, agency_document=True))
    return build_slip("apology", apology, story)


# --- Mẫu 05 -----------------------------------------------------------------------------------


def render_stop_notice(notice: StopNotice) -> bytes:
    """Mẫu số 05, Thông báo dừng giải quyết hồ sơ, as PDF (Circular 03/2025/TT-VPCP;
    Decree 118/2025/NĐ-CP, Art. 21: the applicant asked to stop).

    :raises moh_core.fonts.FontNotFoundError: when Liberation Serif is not installed.
    """
    st = slip_styles()
    agency = pagekit.text_markup(agency_name(notice))
    applicant = pagekit.text_markup(notice.applicant.name)
    story: list[Flowable] = [
        *slip_header(notice, st, by_unit=False),
        *slip_title("stop", notice, st),
        _kinh_gui(notice, st),
        Paragraph(
            f"Vào {format_slip_time(notice.requested_on)}, {agency} nhận được đề nghị của "
            f"{applicant} về việc dừng giải quyết hồ sơ nêu trên.",
            st["slip_para"],
        ),
        labelled("Nội dung yêu cầu giải quyết", notice.procedure, st, bold=True),
    ]
    if notice.received_at is not None:
        story.append(labelled("Thời gian tiếp nhận hồ sơ", format_slip_time(notice.received_at), st))
    story.append(labelled("Lý do đề nghị dừng", notice.reason, st))
    last = [
        Paragraph(
            f"{agency} thông báo dừng giải quyết hồ sơ kể từ {format_slip_time(notice.date)}./.",
            st["slip_para"],
        )
    ]
    story.append(closing(notice, st, last, recipients=notice.recipients, agency_document=True))
    return build_slip("stop", notice, story)
