"""Refusals of the one-stop shop's rules (Decree 118/2025/NĐ-CP): every refusal is a
:class:`OneStopError` with a machine code (:class:`OneStopProblem`) that the Odoo side translates,
and an English message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from moh_core.errors import MohError, ProblemCode, register_texts

__all__ = ["OneStopError", "OneStopProblem"]


class OneStopProblem(ProblemCode):
    """Machine codes of :class:`OneStopError`; the Odoo side translates them."""

    INVALID_AGENCY_CODE = "invalid_agency_code"
    INVALID_SEQUENCE = "invalid_sequence"
    MALFORMED_DOSSIER_CODE = "malformed_dossier_code"
    INVALID_DAYS = "invalid_days"
    DATE_BEFORE_RECEIPT = "date_before_receipt"
    SUPPLEMENT_ALREADY_REQUESTED = "supplement_already_requested"
    SUPPLEMENT_TOO_LATE = "supplement_too_late"
    SUPPLEMENT_NOT_REQUESTED = "supplement_not_requested"
    SUPPLEMENT_ALREADY_RECEIVED = "supplement_already_received"
    SUPPLEMENT_BEFORE_REQUEST = "supplement_before_request"
    SUPPLEMENT_EXPIRED = "supplement_expired"
    SUPPLEMENT_PENDING = "supplement_pending"
    EXTENSION_ALREADY_GRANTED = "extension_already_granted"
    EXTENSION_NOT_LATER = "extension_not_later"
    EXTENSION_NOT_WORKING_DAY = "extension_not_working_day"
    APOLOGY_TOO_LATE = "apology_too_late"
    DUPLICATE_REQUIREMENT = "duplicate_requirement"
    ALREADY_RECEIVED = "already_received"
    NOT_RECEIVED = "not_received"
    ALREADY_ACCEPTED = "already_accepted"
    NOT_ACCEPTED = "not_accepted"
    DOSSIER_ENDED = "dossier_ended"
    SUPPLEMENT_AFTER_EXTENSION = "supplement_after_extension"
    SUPPLEMENT_ONCE_ONLY = "supplement_once_only"
    """A second reason beside ``SUPPLEMENT_ALREADY_REQUESTED``: the procedure allows one request."""
    EVENT_BEFORE_PREVIOUS = "event_before_previous"


_PROBLEM_DESCRIPTIONS: dict[OneStopProblem, str] = {
    OneStopProblem.INVALID_AGENCY_CODE: "the agency identification code is invalid "
    "(digits and letters in dot-separated groups, e.g. 000.00.04.G18)",
    OneStopProblem.INVALID_SEQUENCE: "the sequence number of the day must be at least 1",
    OneStopProblem.MALFORMED_DOSSIER_CODE: "the dossier code is not of the form <agency code>-<yymmdd>-<sequence>",
    OneStopProblem.INVALID_DAYS: "a number of days or hours must not be negative",
    OneStopProblem.DATE_BEFORE_RECEIPT: "the date is before the dossier was received",
    OneStopProblem.SUPPLEMENT_ALREADY_REQUESTED: ("supplements were already requested"),
    OneStopProblem.SUPPLEMENT_TOO_LATE: (
        "supplements had to be requested by {date}, within {days} working days of receipt (the procedure's setting)"
    ),
    OneStopProblem.SUPPLEMENT_NOT_REQUESTED: "no supplement was requested for this dossier",
    OneStopProblem.SUPPLEMENT_ALREADY_RECEIVED: "the supplement was already received",
    OneStopProblem.SUPPLEMENT_BEFORE_REQUEST: "the supplement cannot arrive before it was requested",
    OneStopProblem.SUPPLEMENT_EXPIRED: ("the time to complete the dossier ended on {date}: it is to be closed"),
    OneStopProblem.SUPPLEMENT_PENDING: "the dossier is waiting for a supplement; "
    "its processing time has not started again",
    OneStopProblem.EXTENSION_ALREADY_GRANTED: ("the deadline of a dossier can be extended once only"),
    OneStopProblem.EXTENSION_NOT_LATER: ("the new date must come after the current deadline {date}"),
    OneStopProblem.EXTENSION_NOT_WORKING_DAY: (
        "the new date is not a working day: choose a working day after the current deadline {date}"
    ),
    OneStopProblem.APOLOGY_TOO_LATE: (
        "the apology had to be sent by {date}, at least one working day before the deadline"
    ),
    OneStopProblem.DUPLICATE_REQUIREMENT: "two required documents have the same key",
    OneStopProblem.ALREADY_RECEIVED: "the dossier was already received",
    OneStopProblem.NOT_RECEIVED: "the dossier has not been received",
    OneStopProblem.ALREADY_ACCEPTED: "the dossier was already accepted",
    OneStopProblem.NOT_ACCEPTED: "the dossier has not been accepted; its processing time has not started",
    OneStopProblem.DOSSIER_ENDED: "the dossier is finished",
    OneStopProblem.SUPPLEMENT_AFTER_EXTENSION: ("the deadline was extended: supplements can no longer be requested"),
    OneStopProblem.EVENT_BEFORE_PREVIOUS: "an event of the dossier cannot come before the previous one",
    OneStopProblem.SUPPLEMENT_ONCE_ONLY: "the procedure allows one request only",
}

_PROBLEM_DESCRIPTIONS_VI: dict[OneStopProblem, str] = {
    OneStopProblem.INVALID_AGENCY_CODE: "mã định danh cơ quan không hợp lệ "
    "(các nhóm chữ số và chữ cái cách nhau bằng dấu chấm, ví dụ 000.00.04.G18)",
    OneStopProblem.INVALID_SEQUENCE: "số thứ tự trong ngày phải từ 1 trở lên",
    OneStopProblem.MALFORMED_DOSSIER_CODE: "mã hồ sơ không có dạng <mã cơ quan>-<yymmdd>-<số thứ tự>",
    OneStopProblem.INVALID_DAYS: "số ngày hoặc số giờ không được âm",
    OneStopProblem.DATE_BEFORE_RECEIPT: "ngày này trước ngày tiếp nhận hồ sơ",
    OneStopProblem.SUPPLEMENT_ALREADY_REQUESTED: ("hồ sơ đã được yêu cầu bổ sung"),
    OneStopProblem.SUPPLEMENT_TOO_LATE: (
        "việc yêu cầu bổ sung phải thực hiện chậm nhất ngày {date}, trong vòng {days} ngày làm việc kể từ khi tiếp nhận (theo thiết lập của thủ tục)"
    ),
    OneStopProblem.SUPPLEMENT_NOT_REQUESTED: "hồ sơ này chưa được yêu cầu bổ sung",
    OneStopProblem.SUPPLEMENT_ALREADY_RECEIVED: "đã nhận hồ sơ bổ sung",
    OneStopProblem.SUPPLEMENT_BEFORE_REQUEST: "không thể nhận hồ sơ bổ sung trước khi yêu cầu bổ sung",
    OneStopProblem.SUPPLEMENT_EXPIRED: ("thời hạn hoàn thiện hồ sơ đã kết thúc ngày {date}: hồ sơ sẽ bị đóng"),
    OneStopProblem.SUPPLEMENT_PENDING: "hồ sơ đang chờ bổ sung; thời gian giải quyết chưa được tính lại",
    OneStopProblem.EXTENSION_ALREADY_GRANTED: ("hạn giải quyết hồ sơ chỉ được gia hạn một lần"),
    OneStopProblem.EXTENSION_NOT_LATER: ("ngày hẹn mới phải sau hạn giải quyết hiện tại {date}"),
    OneStopProblem.EXTENSION_NOT_WORKING_DAY: (
        "ngày hẹn mới không phải ngày làm việc: hãy chọn một ngày làm việc sau hạn giải quyết hiện tại {date}"
    ),
    OneStopProblem.APOLOGY_TOO_LATE: (
        "văn bản xin lỗi phải được gửi chậm nhất ngày {date}, tức ít nhất một ngày làm việc trước hạn giải quyết"
    ),
    OneStopProblem.DUPLICATE_REQUIREMENT: "hai thành phần hồ sơ có cùng mã",
    OneStopProblem.ALREADY_RECEIVED: "hồ sơ đã được tiếp nhận",
    OneStopProblem.NOT_RECEIVED: "hồ sơ chưa được tiếp nhận",
    OneStopProblem.ALREADY_ACCEPTED: "hồ sơ đã được chấp nhận",
    OneStopProblem.NOT_ACCEPTED: "hồ sơ chưa được chấp nhận; thời gian giải quyết chưa bắt đầu",
    OneStopProblem.DOSSIER_ENDED: "hồ sơ đã kết thúc",
    OneStopProblem.SUPPLEMENT_AFTER_EXTENSION: ("hạn giải quyết đã được gia hạn: không thể yêu cầu bổ sung nữa"),
    OneStopProblem.EVENT_BEFORE_PREVIOUS: "một sự kiện của hồ sơ không thể trước sự kiện liền trước",
    OneStopProblem.SUPPLEMENT_ONCE_ONLY: "thủ tục chỉ cho phép yêu cầu bổ sung một lần",
}
register_texts(OneStopProblem, _PROBLEM_DESCRIPTIONS, _PROBLEM_DESCRIPTIONS_VI)


class OneStopError(MohError, ValueError):
    """A one-stop shop rule was broken; ``code`` says which, in English and Vietnamese;
    ``message`` (the legacy second argument) is the technical ``detail``."""

    def __init__(
        self,
        code: OneStopProblem,
        message: str | None = None,
        *,
        params: Mapping[str, object] | None = None,
        codes: Sequence[OneStopProblem] | None = None,
    ) -> None:
        super().__init__(code, params, codes=codes, detail=message)
