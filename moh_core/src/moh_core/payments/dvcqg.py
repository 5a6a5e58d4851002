"""The messages of the payment platform of the national public service portal (Cổng DVCQG):
INIT (start a payment, the platform answers the payer's page ``UrlThanhToan``), QUERY (the state
of a payment), GET_BILL (its receipt), and the platform's callback to the ministry.

What is known comes from an integration seen in a province's code (JSON over HTTPS with a Bearer
token, ``PhienBan`` "1.0.6", ``MaXacThuc`` = hex SHA-256 of the ``|``-joined fields and the
secret, ``MaLoi`` "00" for success). The official specification was not found; what is not
confirmed is a setting here, not a constant:

* which fields, in which order, each message's ``MaXacThuc`` covers (:data:`DEFAULT_SIGNED_FIELDS`,
  overridable per message in :class:`Settings`);
* how the secret is appended (``Settings.secret_separator``: ``"|"`` joins it as one more field,
  ``""`` appends it to the joined text);
* the names of the return and notification URL fields (``UrlTraVe``, ``UrlThongBao``) and of the
  QUERY reply's codes (``MaLoi`` "00" paid, ``Settings.pending_codes`` not paid yet).

Standard library only: no Odoo import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from moh_core.errors import MohError, ProblemCode, register_texts

__all__ = [
    "DEFAULT_SIGNED_FIELDS",
    "OK",
    "VERSION",
    "Bill",
    "Callback",
    "FeeLine",
    "InitReply",
    "PaymentError",
    "PaymentItem",
    "PaymentProblem",
    "PaymentStatus",
    "Receipt",
    "Settings",
    "bill_message",
    "callback_message",
    "format_amount",
    "format_time",
    "init_message",
    "parse_bill_reply",
    "parse_callback",
    "parse_init_reply",
    "parse_query_reply",
    "parse_time",
    "query_message",
    "sign",
    "signed_reply",
    "verify_callback",
]

VERSION = "1.0.6"
OK = "00"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TIME_FORMAT = "%Y%m%d%H%M%S"

#: The fields each message's ``MaXacThuc`` covers, in order (not confirmed: see the module's doc).
DEFAULT_SIGNED_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "INIT": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "ThoiGianGD"),
        "INIT_REPLY": ("MaLoi", "MaDoiTac", "MaThamChieu", "UrlThanhToan"),
        "QUERY": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"),
        "QUERY_REPLY": ("MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaGiaoDich"),
        "GET_BILL": ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD"),
        "GET_BILL_REPLY": ("MaLoi", "MaDoiTac", "MaThamChieu", "SoBienLai"),
        "CALLBACK": ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaGiaoDich", "ThoiGianGD"),
    }
)


class PaymentProblem(ProblemCode):
    """Machine codes of :class:`PaymentError`."""

    INVALID_AMOUNT = "invalid_amount"
    INVALID_TIME = "invalid_time"
    MISSING_FIELD = "missing_field"
    NOT_JSON = "not_json"
    BAD_SIGNATURE = "bad_signature"
    WRONG_PARTNER = "wrong_partner"
    WRONG_REFERENCE = "wrong_reference"
    WRONG_AMOUNT = "wrong_amount"
    WRONG_CURRENCY = "wrong_currency"
    REFUSED = "refused"
    NOT_PAID = "not_paid"
    UNKNOWN_MESSAGE = "unknown_message"


register_texts(
    PaymentProblem,
    {
        PaymentProblem.INVALID_AMOUNT: "the amount {amount} is not a positive whole number of dong",
        PaymentProblem.INVALID_TIME: "the time {value} is not of the form yyyyMMddHHmmss",
        PaymentProblem.MISSING_FIELD: "the platform's message has no {name}",
        PaymentProblem.NOT_JSON: "the platform's answer is not a JSON object",
        PaymentProblem.BAD_SIGNATURE: "the platform's message is not signed with the agreed secret",
        PaymentProblem.WRONG_PARTNER: "the message is for another partner code ({value})",
        PaymentProblem.WRONG_REFERENCE: "the message is about another payment ({value}, expected {expected})",
        PaymentProblem.WRONG_AMOUNT: "the amount paid {value} is not the amount due {expected}",
        PaymentProblem.WRONG_CURRENCY: "the currency {value} is not the currency due {expected}",
        PaymentProblem.REFUSED: "the payment platform answered error {code}: {text}",
        PaymentProblem.NOT_PAID: "the payment was not made (code {code})",
        PaymentProblem.UNKNOWN_MESSAGE: "no signed fields are set for the message {kind}",
    },
    {
        PaymentProblem.INVALID_AMOUNT: "số tiền {amount} không phải là số đồng nguyên dương",
        PaymentProblem.INVALID_TIME: "thời gian {value} không theo dạng yyyyMMddHHmmss",
        PaymentProblem.MISSING_FIELD: "bản tin của nền tảng thanh toán thiếu {name}",
        PaymentProblem.NOT_JSON: "trả lời của nền tảng thanh toán không phải là đối tượng JSON",
        PaymentProblem.BAD_SIGNATURE: "bản tin của nền tảng thanh toán không được ký bằng khóa bí mật đã thỏa thuận",
        PaymentProblem.WRONG_PARTNER: "bản tin dành cho mã đối tác khác ({value})",
        PaymentProblem.WRONG_REFERENCE: "bản tin nói về giao dịch khác ({value}, cần {expected})",
        PaymentProblem.WRONG_AMOUNT: "số tiền đã nộp {value} khác số tiền phải nộp {expected}",
        PaymentProblem.WRONG_CURRENCY: "loại tiền {value} khác loại tiền phải nộp {expected}",
        PaymentProblem.REFUSED: "nền tảng thanh toán trả lỗi {code}: {text}",
        PaymentProblem.NOT_PAID: "giao dịch chưa được thanh toán (mã {code})",
        PaymentProblem.UNKNOWN_MESSAGE: "chưa cấu hình các trường ký của bản tin {kind}",
    },
)


class PaymentError(MohError):
    """A message of the payment platform that cannot be built, read or trusted."""

    frame = "Online payment: {reason}."
    frame_vi = "Thanh toán trực tuyến: {reason}."


# -- settings and values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The ministry's account with the platform.

    :param partner_code: ``MaDoiTac``, given by the platform.
    :param secret: the shared secret of ``MaXacThuc``.
    :param signed_fields: per message kind, the fields ``MaXacThuc`` covers, in order (defaults
        to :data:`DEFAULT_SIGNED_FIELDS` for the kinds not given).
    :param secret_separator: between the joined fields and the secret.
    :param pending_codes: the QUERY reply's ``MaLoi`` meaning "not paid yet".
    """

    partner_code: str
    secret: str
    signed_fields: Mapping[str, Sequence[str]] = field(default_factory=dict)
    secret_separator: str = "|"
    currency: str = "VND"
    pending_codes: frozenset[str] = frozenset({"01"})
    version: str = VERSION

    def fields_of(self, kind: str) -> Sequence[str]:
        order = self.signed_fields.get(kind) or DEFAULT_SIGNED_FIELDS.get(kind)
        if not order:
            raise PaymentError(PaymentProblem.UNKNOWN_MESSAGE, {"kind": kind})
        return order


@dataclass(frozen=True)
class FeeLine:
    """One fee or charge (``PhiLePhi``) of the procedure."""

    name: str
    amount: int
    code: str = ""

    def as_json(self) -> dict[str, str]:
        return {"MaPhiLePhi": self.code, "TenPhiLePhi": self.name, "SoTien": format_amount(self.amount)}


@dataclass(frozen=True)
class PaymentItem:
    """One item of ``DSKhoanNop`` (what is paid, and how much)."""

    description: str
    amount: int

    def as_json(self) -> dict[str, str]:
        return {"NoiDung": self.description, "SoTien": format_amount(self.amount)}


@dataclass(frozen=True)
class Receipt:
    """``ThongTinBienLai``: what the receipt will say."""

    service_code: str  # MaDVC
    procedure_code: str  # MaTTHC
    agency_code: str  # MaDonVi
    dossier_code: str  # MaHoSo
    beneficiary_account: str  # TKThuHuong
    payer_name: str  # HoTenNguoiNop
    fees: Sequence[FeeLine] = ()
    items: Sequence[PaymentItem] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "MaDVC": self.service_code,
            "MaTTHC": self.procedure_code,
            "MaDonVi": self.agency_code,
            "MaHoSo": self.dossier_code,
            "TKThuHuong": self.beneficiary_account,
            "HoTenNguoiNop": self.payer_name,
            "PhiLePhi": [fee.as_json() for fee in self.fees],
            "DSKhoanNop": [item.as_json() for item in self.items],
        }


@dataclass(frozen=True)
class InitReply:
    reference: str
    url: str


@dataclass(frozen=True)
class PaymentStatus:
    """A QUERY reply, or a verified callback: ``paid`` only for ``MaLoi`` "00"."""

    reference: str
    code: str
    paid: bool
    pending: bool
    amount: int | None = None
    transaction_id: str = ""
    time: dt.datetime | None = None
    text: str = ""


Callback = PaymentStatus


@dataclass(frozen=True)
class Bill:
    reference: str
    number: str
    url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


# -- formats ------------------------------------------------------------------------------------


def format_time(moment: dt.datetime) -> str:
    """``yyyyMMddHHmmss`` in Vietnam's time; a naive ``moment`` is taken as UTC (Odoo's habit)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(TIMEZONE).strftime(TIME_FORMAT)


def parse_time(value: str) -> dt.datetime:
    """The aware datetime of a ``yyyyMMddHHmmss`` text in Vietnam's time."""
    try:
        if len(value) != 14 or not value.isdigit():
            raise ValueError(value)
        return dt.datetime.strptime(value, TIME_FORMAT).replace(tzinfo=TIMEZONE)
    except (TypeError, ValueError):
        raise PaymentError(PaymentProblem.INVALID_TIME, {"value": value}) from None


def format_amount(amount: int | float | Decimal | str) -> str:
    """``SoTien``: a positive whole number of dong, without separators."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation:
        raise PaymentError(PaymentProblem.INVALID_AMOUNT, {"amount": amount}) from None
    if not value.is_finite() or value <= 0 or value != value.to_integral_value():
        raise PaymentError(PaymentProblem.INVALID_AMOUNT, {"amount": amount})
    return str(int(value))


def _amount_of(value: Any) -> int:
    return int(format_amount(value))


def sign(values: Mapping[str, Any], order: Sequence[str], secret: str, separator: str = "|") -> str:
    """``MaXacThuc``: hex SHA-256 of the ``order`` fields' values joined by ``|``, then the secret."""
    text = "|".join("" if values.get(name) is None else str(values[name]) for name in order)
    return hashlib.sha256(f"{text}{separator}{secret}".encode()).hexdigest()


def _signed(settings: Settings, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    values["MaXacThuc"] = sign(values, settings.fields_of(kind), settings.secret, settings.secret_separator)
    return values


def _check_signature(settings: Settings, kind: str, data: Mapping[str, Any]) -> None:
    received = data.get("MaXacThuc")
    if not settings.secret:
        # No secret configured: anyone could compute the checksum, so nothing verifies.
        raise PaymentError(PaymentProblem.BAD_SIGNATURE, detail="no shared secret is set")
    expected = sign(data, settings.fields_of(kind), settings.secret, settings.secret_separator)
    if not isinstance(received, str) or not hmac.compare_digest(received.lower().encode(), expected.encode()):
        raise PaymentError(PaymentProblem.BAD_SIGNATURE)


# -- requests -----------------------------------------------------------------------------------


def _header(settings: Settings, kind: str, reference: str, moment: dt.datetime) -> dict[str, Any]:
    if not reference:
        raise PaymentError(PaymentProblem.MISSING_FIELD, {"name": "MaThamChieu"})
    return {
        "LoaiBanTin": kind,
        "PhienBan": settings.version,
        "MaDoiTac": settings.partner_code,
        "MaThamChieu": reference,
        "ThoiGianGD": format_time(moment),
    }


def init_message(
    settings: Settings,
    *,
    reference: str,
    amount: int | float | Decimal | str,
    description: str,
    moment: dt.datetime,
    receipt: Receipt,
    return_url: str = "",
    notify_url: str = "",
) -> dict[str, Any]:
    """INIT: start the payment ``reference`` (unique per try) of ``amount`` dong."""
    values = _header(settings, "INIT", reference, moment)
    values.update(
        {
            "SoTien": format_amount(amount),
            "MaTienTe": settings.currency,
            "ThongTinGiaoDich": description,
            "ThongTinBienLai": receipt.as_json(),
            "UrlTraVe": return_url,
            "UrlThongBao": notify_url,
        }
    )
    return _signed(settings, "INIT", values)


def query_message(settings: Settings, *, reference: str, moment: dt.datetime) -> dict[str, Any]:
    """QUERY: the state of the payment ``reference``."""
    return _signed(settings, "QUERY", _header(settings, "QUERY", reference, moment))


def bill_message(settings: Settings, *, reference: str, moment: dt.datetime) -> dict[str, Any]:
    """GET_BILL: the receipt of the payment ``reference``."""
    return _signed(settings, "GET_BILL", _header(settings, "GET_BILL", reference, moment))


# -- replies and callbacks ----------------------------------------------------------------------


def _as_object(body: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(body, Mapping):
        return body
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PaymentError(PaymentProblem.NOT_JSON) from None
    if not isinstance(data, dict):
        raise PaymentError(PaymentProblem.NOT_JSON)
    return data


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None or value == "":
        raise PaymentError(PaymentProblem.MISSING_FIELD, {"name": name})
    return str(value)


def _checked_reply(
    settings: Settings, kind: str, body: bytes | str | Mapping[str, Any], reference: str
) -> Mapping[str, Any]:
    """The reply as a dict; the platform's refusal, another partner or payment, or a bad
    signature raise. A refusal (``MaLoi`` not "00" nor pending) is checked before the signature:
    a platform in trouble may not sign its errors."""
    data = _as_object(body)
    code = _text(data, "MaLoi")
    if code != OK and code not in settings.pending_codes:
        raise PaymentError(PaymentProblem.REFUSED, {"code": code, "text": data.get("MoTaLoi") or ""})
    _check_signature(settings, kind, data)
    _check_identity(settings, data, reference)
    return data


def _check_identity(settings: Settings, data: Mapping[str, Any], reference: str) -> None:
    partner = data.get("MaDoiTac")
    if partner != settings.partner_code:
        raise PaymentError(PaymentProblem.WRONG_PARTNER, {"value": partner})
    received = data.get("MaThamChieu")
    if received != reference:
        raise PaymentError(PaymentProblem.WRONG_REFERENCE, {"value": received, "expected": reference})


def parse_init_reply(settings: Settings, body: bytes | str | Mapping[str, Any], *, reference: str) -> InitReply:
    """The payer's page of an INIT; raises unless the reply is "00", signed and for ``reference``."""
    data = _checked_reply(settings, "INIT_REPLY", body, reference)
    if data["MaLoi"] != OK:
        raise PaymentError(PaymentProblem.REFUSED, {"code": data["MaLoi"], "text": data.get("MoTaLoi") or ""})
    return InitReply(reference=reference, url=_text(data, "UrlThanhToan"))


def _status(data: Mapping[str, Any], pending_codes: frozenset[str]) -> PaymentStatus:
    code = str(data["MaLoi"])
    paid = code == OK
    amount = data.get("SoTien")
    moment = data.get("ThoiGianGD")
    return PaymentStatus(
        reference=str(data["MaThamChieu"]),
        code=code,
        paid=paid,
        pending=code in pending_codes,
        amount=_amount_of(amount) if paid or amount not in (None, "") else None,
        transaction_id=_text(data, "MaGiaoDich") if paid else str(data.get("MaGiaoDich") or ""),
        time=parse_time(str(moment)) if moment else None,
        text=str(data.get("MoTaLoi") or ""),
    )


def parse_query_reply(settings: Settings, body: bytes | str | Mapping[str, Any], *, reference: str) -> PaymentStatus:
    """The state of ``reference``: paid ("00", with its amount and MaGiaoDich) or still pending;
    any other code, a bad signature or another payment raise."""
    return _status(_checked_reply(settings, "QUERY_REPLY", body, reference), settings.pending_codes)


def parse_bill_reply(settings: Settings, body: bytes | str | Mapping[str, Any], *, reference: str) -> Bill:
    """The receipt of ``reference`` (``SoBienLai``, and ``UrlBienLai`` when given)."""
    data = _checked_reply(settings, "GET_BILL_REPLY", body, reference)
    if data["MaLoi"] != OK:
        raise PaymentError(PaymentProblem.NOT_PAID, {"code": data["MaLoi"]})
    return Bill(
        reference=reference, number=_text(data, "SoBienLai"), url=str(data.get("UrlBienLai") or ""), raw=dict(data)
    )


def parse_callback(settings: Settings, body: bytes | str | Mapping[str, Any]) -> PaymentStatus:
    """A callback whose signature and partner code are right (any ``MaLoi``); not yet matched to
    a payment: see :func:`verify_callback`."""
    data = _as_object(body)
    for name in ("LoaiBanTin", "MaLoi", "MaThamChieu", "MaXacThuc"):
        _text(data, name)
    _check_signature(settings, "CALLBACK", data)
    _check_identity(settings, data, str(data["MaThamChieu"]))
    return _status(data, settings.pending_codes)


def verify_callback(
    settings: Settings,
    body: bytes | str | Mapping[str, Any],
    *,
    reference: str,
    amount: int | float | Decimal | str,
    currency: str = "VND",
) -> PaymentStatus:
    """A callback that may be trusted for the payment ``reference`` of ``amount``: signed with
    the secret (compared in constant time), for this partner and payment, of the amount and
    currency due when it says paid. Raises :class:`PaymentError` otherwise."""
    status = parse_callback(settings, body)
    if status.reference != reference:
        raise PaymentError(PaymentProblem.WRONG_REFERENCE, {"value": status.reference, "expected": reference})
    data = _as_object(body)
    received_currency = data.get("MaTienTe") or settings.currency
    if received_currency != currency:
        raise PaymentError(PaymentProblem.WRONG_CURRENCY, {"value": received_currency, "expected": currency})
    if status.paid and status.amount != _amount_of(amount):
        raise PaymentError(PaymentProblem.WRONG_AMOUNT, {"value": status.amount, "expected": format_amount(amount)})
    return status


def callback_message(
    settings: Settings,
    *,
    reference: str,
    amount: int | float | Decimal | str,
    transaction_id: str,
    moment: dt.datetime,
    code: str = OK,
) -> dict[str, Any]:
    """A callback as the platform sends it (for test platforms and tests)."""
    values: dict[str, Any] = {
        "LoaiBanTin": "CALLBACK",
        "MaLoi": code,
        "MaDoiTac": settings.partner_code,
        "MaThamChieu": reference,
        "SoTien": format_amount(amount),
        "MaTienTe": settings.currency,
        "MaGiaoDich": transaction_id,
        "ThoiGianGD": format_time(moment),
    }
    return _signed(settings, "CALLBACK", values)


def signed_reply(settings: Settings, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A reply of ``kind`` (``INIT_REPLY``, ``QUERY_REPLY``, ``GET_BILL_REPLY``) signed as the
    platform signs it (for test platforms and tests)."""
    return _signed(settings, kind, dict(values))
