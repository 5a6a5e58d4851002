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

The forms are drawn by family: :mod:`.receipts` (Mẫu 01 and 06), :mod:`.notices` (Mẫu 02-05 and
the appraisal refusal) and :mod:`.forms` (blank application forms), on the page of :mod:`.common`.
The names below are the package's public surface; the modules behind them may move.
"""

from moh_core.onestop.slips.common import (
    SLIP_TITLES,
    Applicant,
    DossierSlip,
    SlipHeader,
    SlipKind,
    format_slip_time,
)
from moh_core.onestop.slips.forms import (
    render_blank_form,
)
from moh_core.onestop.slips.notices import (
    Apology,
    AppraisalRefusal,
    Refusal,
    StopNotice,
    SupplementItem,
    SupplementRequest,
    render_apology,
    render_appraisal_refusal,
    render_refusal,
    render_stop_notice,
    render_supplement_request,
)
from moh_core.onestop.slips.receipts import (
    HANDOVER_OUTCOMES,
    RESULT_DELIVERY,
    Handover,
    ProcessControl,
    Receipt,
    SlipDocument,
    handover_outcome,
    render_process_control,
    render_receipt,
)

__all__ = [
    "HANDOVER_OUTCOMES",
    "RESULT_DELIVERY",
    "SLIP_TITLES",
    "Apology",
    "Applicant",
    "AppraisalRefusal",
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
    "render_apology",
    "render_appraisal_refusal",
    "render_blank_form",
    "render_process_control",
    "render_receipt",
    "render_refusal",
    "render_stop_notice",
    "render_supplement_request",
]
