"""The national portal's payment messages (moh_core.payments.dvcqg) and the test platform
(moh_core.testing.dvcqg_payment) over real HTTP."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import urllib.error
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from moh_core.payments import (
    DEFAULT_SIGNED_FIELDS,
    OK,
    VERSION,
    FeeLine,
    PaymentError,
    PaymentItem,
    PaymentProblem,
    Receipt,
    Settings,
    bill_message,
    callback_message,
    format_amount,
    format_time,
    init_message,
    parse_bill_reply,
    parse_callback,
    parse_init_reply,
    parse_query_reply,
    parse_time,
    query_message,
    sign,
    signed_reply,
    verify_callback,
)
from moh_core.testing.dvcqg_payment import DvcqgPaymentPlatform, main

SETTINGS = Settings(partner_code="BYT", secret="s3cret")
MOMENT = dt.datetime(2026, 12, 4, 3, 0, 0, tzinfo=dt.UTC)
RECEIPT = Receipt(
    service_code="DVC1",
    procedure_code="1.002088",
    agency_code="000.00.04.G18",
    dossier_code="000.00.04.G18-261204-0001",
    beneficiary_account="123456789",
    payer_name="Công ty TNHH A",
    fees=(FeeLine("Phí thẩm định", 500000, "P1"),),
    items=(PaymentItem("Phí thẩm định hồ sơ", 500000),),
)


def problem(excinfo: pytest.ExceptionInfo[PaymentError]) -> Any:
    return excinfo.value.code


# -- formats ------------------------------------------------------------------------------------


def test_time_is_vietnam_time_and_naive_is_utc():
    assert format_time(MOMENT) == "20261204100000"
    assert format_time(MOMENT.replace(tzinfo=None)) == "20261204100000"
    assert parse_time("20261204100000") == MOMENT
    for bad in ("2026-12-04", "2026120410000x", "20261304100000", ""):
        with pytest.raises(PaymentError) as excinfo:
            parse_time(bad)
        assert problem(excinfo) is PaymentProblem.INVALID_TIME


def test_amount_is_a_positive_whole_number_of_dong():
    assert format_amount(500000) == "500000"
    assert format_amount(500000.0) == "500000"
    assert format_amount(Decimal("1E+3")) == "1000"
    assert format_amount(" 42 ") == "42"
    for bad in (0, -5, 1.5, "abc", "NaN", "Infinity"):
        with pytest.raises(PaymentError) as excinfo:
            format_amount(bad)
        assert problem(excinfo) is PaymentProblem.INVALID_AMOUNT
    assert "không phải là số đồng nguyên dương" in PaymentError(
        PaymentProblem.INVALID_AMOUNT, {"amount": 1}
    ).message_in("vi")


def test_signature_is_sha256_of_the_joined_fields_and_secret():
    values = {"A": "1", "B": 2, "C": None}
    assert sign(values, ("A", "B", "C"), "k") == hashlib.sha256(b"1|2||k").hexdigest()
    assert sign(values, ("A", "B"), "k", separator="") == hashlib.sha256(b"1|2k").hexdigest()


def test_settings_field_order_and_unknown_kind():
    custom = Settings(partner_code="BYT", secret="s", signed_fields={"QUERY": ("MaThamChieu",)})
    assert tuple(custom.fields_of("QUERY")) == ("MaThamChieu",)
    assert custom.fields_of("INIT") == DEFAULT_SIGNED_FIELDS["INIT"]
    with pytest.raises(PaymentError) as excinfo:
        custom.fields_of("REFUND")
    assert problem(excinfo) is PaymentProblem.UNKNOWN_MESSAGE


# -- requests -----------------------------------------------------------------------------------


def test_init_message():
    message = init_message(
        SETTINGS,
        reference="HS1-1",
        amount=500000,
        description="Phí hồ sơ HS1",
        moment=MOMENT,
        receipt=RECEIPT,
        return_url="https://dvc/return",
        notify_url="https://dvc/notify",
    )
    assert message["LoaiBanTin"] == "INIT"
    assert message["PhienBan"] == VERSION == "1.0.6"
    assert message["MaDoiTac"] == "BYT"
    assert message["SoTien"] == "500000"
    assert message["MaTienTe"] == "VND"
    assert message["ThoiGianGD"] == "20261204100000"
    bien_lai = message["ThongTinBienLai"]
    assert bien_lai["MaHoSo"] == RECEIPT.dossier_code
    assert bien_lai["PhiLePhi"] == [{"MaPhiLePhi": "P1", "TenPhiLePhi": "Phí thẩm định", "SoTien": "500000"}]
    assert bien_lai["DSKhoanNop"] == [{"NoiDung": "Phí thẩm định hồ sơ", "SoTien": "500000"}]
    expected = hashlib.sha256(b"INIT|1.0.6|BYT|HS1-1|500000|VND|20261204100000|s3cret").hexdigest()
    assert message["MaXacThuc"] == expected
    json.dumps(message)  # JSON as is


def test_query_and_bill_messages_and_missing_reference():
    query = query_message(SETTINGS, reference="HS1-1", moment=MOMENT)
    assert query["LoaiBanTin"] == "QUERY"
    assert query["MaXacThuc"] == sign(query, DEFAULT_SIGNED_FIELDS["QUERY"], "s3cret")
    bill = bill_message(SETTINGS, reference="HS1-1", moment=MOMENT)
    assert bill["LoaiBanTin"] == "GET_BILL"
    with pytest.raises(PaymentError) as excinfo:
        query_message(SETTINGS, reference="", moment=MOMENT)
    assert problem(excinfo) is PaymentProblem.MISSING_FIELD


# -- replies ------------------------------------------------------------------------------------


def reply(kind: str, **values: Any) -> dict[str, Any]:
    return signed_reply(SETTINGS, kind, {"MaDoiTac": "BYT", "MaThamChieu": "HS1-1", **values})


def test_init_reply():
    good = reply("INIT_REPLY", MaLoi=OK, UrlThanhToan="https://pay/x")
    assert parse_init_reply(SETTINGS, json.dumps(good), reference="HS1-1").url == "https://pay/x"
    assert parse_init_reply(SETTINGS, json.dumps(good).encode(), reference="HS1-1").reference == "HS1-1"
    with pytest.raises(PaymentError) as excinfo:
        parse_init_reply(SETTINGS, {"MaLoi": "99", "MoTaLoi": "Lỗi"}, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.REFUSED
    assert "99" in str(excinfo.value) and "Lỗi" in str(excinfo.value)
    pending = reply("INIT_REPLY", MaLoi="01", UrlThanhToan="x")
    with pytest.raises(PaymentError) as excinfo:
        parse_init_reply(SETTINGS, pending, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.REFUSED
    no_url = reply("INIT_REPLY", MaLoi=OK)
    with pytest.raises(PaymentError) as excinfo:
        parse_init_reply(SETTINGS, no_url, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.MISSING_FIELD


@pytest.mark.parametrize("body", [b"not json", b"\xff\xfe", b"[1, 2]", "null"])
def test_reply_not_json(body: Any):
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, body, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.NOT_JSON


def test_reply_without_code():
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, {"MaThamChieu": "HS1-1"}, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.MISSING_FIELD


def test_query_reply_paid_pending_and_tampered():
    paid = reply("QUERY_REPLY", MaLoi=OK, SoTien="500000", MaGiaoDich="GD1", ThoiGianGD="20261204100000")
    status = parse_query_reply(SETTINGS, paid, reference="HS1-1")
    assert (status.paid, status.pending, status.amount, status.transaction_id) == (True, False, 500000, "GD1")
    assert status.time == MOMENT
    pending = reply("QUERY_REPLY", MaLoi="01", MoTaLoi="Chưa thanh toán")
    status = parse_query_reply(SETTINGS, pending, reference="HS1-1")
    assert (status.paid, status.pending, status.amount, status.time) == (False, True, None, None)
    assert status.text == "Chưa thanh toán"
    tampered = dict(paid, SoTien="1")
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, tampered, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.BAD_SIGNATURE
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, dict(paid, MaXacThuc=None), reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.BAD_SIGNATURE
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, paid, reference="HS1-2")
    assert problem(excinfo) is PaymentProblem.WRONG_REFERENCE
    other = signed_reply(SETTINGS, "QUERY_REPLY", {**paid, "MaDoiTac": "OTHER"})
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, other, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.WRONG_PARTNER
    no_id = reply("QUERY_REPLY", MaLoi=OK, SoTien="500000")
    with pytest.raises(PaymentError) as excinfo:
        parse_query_reply(SETTINGS, no_id, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.MISSING_FIELD


def test_signature_uppercase_hex_is_accepted():
    paid = reply("QUERY_REPLY", MaLoi=OK, SoTien="500000", MaGiaoDich="GD1")
    paid["MaXacThuc"] = paid["MaXacThuc"].upper()
    assert parse_query_reply(SETTINGS, paid, reference="HS1-1").paid


def test_bill_reply():
    good = reply("GET_BILL_REPLY", MaLoi=OK, SoBienLai="BL1", UrlBienLai="https://bill")
    bill = parse_bill_reply(SETTINGS, good, reference="HS1-1")
    assert (bill.number, bill.url, bill.raw["SoBienLai"]) == ("BL1", "https://bill", "BL1")
    assert parse_bill_reply(SETTINGS, reply("GET_BILL_REPLY", MaLoi=OK, SoBienLai="BL1"), reference="HS1-1").url == ""
    with pytest.raises(PaymentError) as excinfo:
        parse_bill_reply(SETTINGS, reply("GET_BILL_REPLY", MaLoi="01"), reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.NOT_PAID


# -- callbacks ----------------------------------------------------------------------------------


def callback(**changes: Any) -> dict[str, Any]:
    message = callback_message(SETTINGS, reference="HS1-1", amount=500000, transaction_id="GD1", moment=MOMENT)
    return {**message, **changes}


def test_callback_verified():
    status = verify_callback(SETTINGS, json.dumps(callback()), reference="HS1-1", amount=500000)
    assert status.paid and status.amount == 500000 and status.transaction_id == "GD1"
    assert parse_callback(SETTINGS, callback()).reference == "HS1-1"
    no_currency = {k: v for k, v in callback().items() if k != "MaTienTe"}
    assert verify_callback(SETTINGS, no_currency, reference="HS1-1", amount=500000.0).paid


def test_callback_failed_payment_is_not_paid():
    failed = callback_message(
        SETTINGS, reference="HS1-1", amount=500000, transaction_id="GD1", moment=MOMENT, code="07"
    )
    status = verify_callback(SETTINGS, failed, reference="HS1-1", amount=1)
    assert not status.paid and not status.pending and status.code == "07"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SoTien": "1"}, PaymentProblem.BAD_SIGNATURE),
        ({"MaXacThuc": "0" * 64}, PaymentProblem.BAD_SIGNATURE),
        ({"MaXacThuc": 12}, PaymentProblem.BAD_SIGNATURE),
        ({"MaXacThuc": ""}, PaymentProblem.MISSING_FIELD),
        ({"MaLoi": None}, PaymentProblem.MISSING_FIELD),
    ],
)
def test_forged_callbacks(changes: dict[str, Any], expected: PaymentProblem):
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, callback(**changes), reference="HS1-1", amount=500000)
    assert problem(excinfo) is expected


def test_nothing_verifies_without_a_secret():
    unset = Settings(partner_code="BYT", secret="")
    signed = callback_message(unset, reference="HS1-1", amount=500000, transaction_id="GD1", moment=MOMENT)
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(unset, signed, reference="HS1-1", amount=500000)
    assert problem(excinfo) is PaymentProblem.BAD_SIGNATURE


def test_callback_with_another_secret_reference_amount_or_currency():
    other = Settings(partner_code="BYT", secret="guess")
    forged = callback_message(other, reference="HS1-1", amount=500000, transaction_id="GD1", moment=MOMENT)
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, forged, reference="HS1-1", amount=500000)
    assert problem(excinfo) is PaymentProblem.BAD_SIGNATURE
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, callback(), reference="HS1-2", amount=500000)
    assert problem(excinfo) is PaymentProblem.WRONG_REFERENCE
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, callback(), reference="HS1-1", amount=600000)
    assert problem(excinfo) is PaymentProblem.WRONG_AMOUNT
    usd = Settings(partner_code="BYT", secret="s3cret", currency="USD")
    dollars = callback_message(usd, reference="HS1-1", amount=500000, transaction_id="GD1", moment=MOMENT)
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, dollars, reference="HS1-1", amount=500000)
    assert problem(excinfo) is PaymentProblem.WRONG_CURRENCY
    assert "Thanh toán trực tuyến" in excinfo.value.message_vi


# -- the test platform over HTTP ----------------------------------------------------------------


class _Ministry(ThreadingHTTPServer):
    """The ministry's notification URL: keeps what it receives."""

    daemon_threads = True

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(200 if "ok" in self.path else 403)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        super().__init__(("127.0.0.1", 0), Handler)
        self.received = received
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def post(url: str, data: Any, token: str | None = "tok") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def platform(tmp_path: Any):
    with DvcqgPaymentPlatform(partner_code="BYT", secret="s3cret", token="tok", journal=tmp_path / "j.jsonl") as p:
        yield p


@pytest.fixture
def ministry():
    server = _Ministry()
    yield server
    server.shutdown()
    server.server_close()


def init(platform: DvcqgPaymentPlatform, ministry: _Ministry, reference: str = "HS1-1", notify: str = "ok"):
    message = init_message(
        SETTINGS,
        reference=reference,
        amount=500000,
        description="Phí",
        moment=MOMENT,
        receipt=RECEIPT,
        return_url=ministry.url + "return",
        notify_url=ministry.url + notify,
    )
    return post(platform.url, message)


def test_platform_pay_through_the_page(platform: DvcqgPaymentPlatform, ministry: _Ministry, tmp_path: Any):
    status, body = init(platform, ministry)
    assert status == 200
    url = parse_init_reply(SETTINGS, body, reference="HS1-1").url
    with urllib.request.urlopen(url, timeout=10) as page:
        assert "500000 VND" in page.read().decode()
    # Not paid yet.
    status, body = post(platform.url, query_message(SETTINGS, reference="HS1-1", moment=MOMENT))
    assert parse_query_reply(SETTINGS, body, reference="HS1-1").pending
    status, body = post(platform.url, bill_message(SETTINGS, reference="HS1-1", moment=MOMENT))
    with pytest.raises(PaymentError):
        parse_bill_reply(SETTINGS, body, reference="HS1-1")
    # Pay: the callback reaches the ministry, the browser is sent back.
    with urllib.request.urlopen(urllib.request.Request(url, data=b"pay=1", method="POST"), timeout=10) as back:
        assert back.url.startswith(ministry.url + "return?MaThamChieu=HS1-1")
    assert len(ministry.received) == 1
    verified = verify_callback(SETTINGS, ministry.received[0], reference="HS1-1", amount=500000)
    assert verified.paid
    status, body = post(platform.url, query_message(SETTINGS, reference="HS1-1", moment=MOMENT))
    assert parse_query_reply(SETTINGS, body, reference="HS1-1").transaction_id == verified.transaction_id
    status, body = post(platform.url, bill_message(SETTINGS, reference="HS1-1", moment=MOMENT))
    assert parse_bill_reply(SETTINGS, body, reference="HS1-1").number == f"BL-{verified.transaction_id}"
    assert platform.entries("callback") == [{"kind": "callback", "reference": "HS1-1", "status": 200}]
    assert (tmp_path / "j.jsonl").read_text().count("\n") == len(platform.journal)
    # A second INIT with the same reference is refused.
    status, body = init(platform, ministry)
    assert body["MaLoi"] == "05"


def test_platform_refusals(platform: DvcqgPaymentPlatform, ministry: _Ministry):
    message = query_message(SETTINGS, reference="HS9", moment=MOMENT)
    assert post(platform.url, message, token=None)[0] == 401
    assert post(platform.url, {"nothing": 1})[0] == 400
    assert post(platform.url, {"LoaiBanTin": "REFUND"})[0] == 400
    assert post(platform.url, dict(message, MaXacThuc="x"))[1]["MaLoi"] == "02"
    assert post(platform.url, message)[1]["MaLoi"] == "04"
    platform.error = True
    _status, body = init(platform, ministry)
    with pytest.raises(PaymentError) as excinfo:
        parse_init_reply(SETTINGS, body, reference="HS1-1")
    assert problem(excinfo) is PaymentProblem.REFUSED
    platform.error = False
    platform.down = True
    assert init(platform, ministry)[0] == 503
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(platform.url + "pay/nothing", timeout=10)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(urllib.request.Request(platform.url + "pay/x", data=b"", method="POST"), timeout=10)


def test_platform_fault_knobs(platform: DvcqgPaymentPlatform, ministry: _Ministry):
    init(platform, ministry)
    platform.send_callbacks = False
    assert platform.pay("HS1-1") is None
    assert not ministry.received
    platform.send_callbacks = True
    platform.wrong_signature = True
    assert platform.send_callback("HS1-1") == 200
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, ministry.received[-1], reference="HS1-1", amount=500000)
    assert problem(excinfo) is PaymentProblem.BAD_SIGNATURE
    _status, body = post(platform.url, query_message(SETTINGS, reference="HS1-1", moment=MOMENT))
    with pytest.raises(PaymentError):
        parse_query_reply(SETTINGS, body, reference="HS1-1")
    platform.wrong_signature = False
    platform.wrong_amount = True
    platform.send_callback("HS1-1")
    with pytest.raises(PaymentError) as excinfo:
        verify_callback(SETTINGS, ministry.received[-1], reference="HS1-1", amount=500000)
    assert problem(excinfo) is PaymentProblem.WRONG_AMOUNT
    platform.wrong_amount = False
    platform.down = True
    assert platform.pay("HS1-1") is None


def test_platform_callback_refused_or_unreachable(platform: DvcqgPaymentPlatform, ministry: _Ministry):
    init(platform, ministry, reference="A", notify="refuse")
    assert platform.pay("A") == 403
    init(platform, ministry, reference="B")
    platform.payments["B"].notify_url = "http://127.0.0.1:1/"
    assert platform.pay("B") is None
    init(platform, ministry, reference="C", notify="ok")
    platform.payments["C"].notify_url = ""
    platform.payments["C"].return_url = ""
    assert platform.pay("C") is None
    token = platform.payments["C"].token
    request = urllib.request.Request(platform.url + f"pay/{token}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"paid"
    forged = callback(MaThamChieu="C")
    platform.payments["C"].notify_url = ministry.url + "ok"
    assert platform.send_callback("C", forged) == 200
    assert ministry.received[-1] == forged


def test_platform_return_url_with_query_and_custom_settings(ministry: _Ministry):
    settings = Settings(partner_code="BYT", secret="s", signed_fields={"INIT": ("MaThamChieu",)})
    with DvcqgPaymentPlatform(settings=settings) as platform:
        message = init_message(
            settings,
            reference="R",
            amount=1000,
            description="",
            moment=MOMENT,
            receipt=RECEIPT,
            return_url=ministry.url + "return?x=1",
            notify_url="",
        )
        _status, body = post(platform.url, message, token=None)
        url = parse_init_reply(settings, body, reference="R").url
        with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10) as back:
            assert back.url.endswith("return?x=1&MaThamChieu=R")
        platform.wrong_signature = True
        assert platform._platform_settings().signed_fields == settings.signed_fields


def test_platform_main_runs_until_stopped(monkeypatch: pytest.MonkeyPatch):
    served: list[DvcqgPaymentPlatform] = []

    def fake_serve(self: DvcqgPaymentPlatform, poll_interval: float = 0.5) -> None:
        served.append(self)

    monkeypatch.setattr(DvcqgPaymentPlatform, "serve_forever", fake_serve)
    main(["--port", "0", "--secret", "x", "--token", "t"])
    assert served and served[0].token == "t" and served[0].settings.secret == "x"
