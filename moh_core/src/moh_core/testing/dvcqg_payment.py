"""A local stand-in for the national portal's payment platform, over real HTTP, for tests.

``POST /`` takes the ministry's INIT, QUERY and GET_BILL messages (Bearer token, ``MaXacThuc``
checked with the shared secret, see :mod:`moh_core.payments.dvcqg`). INIT answers
``UrlThanhToan``: the payer's page ``GET /pay/<token>``; posting its form (``POST /pay/<token>``)
pays, sends the signed callback to the ministry's ``UrlThongBao`` and sends the browser back to
``UrlTraVe``. :meth:`DvcqgPaymentPlatform.pay` does the same without a browser.

Fault knobs (attributes, changed at any time): ``down`` (every call answers 503 and no callback
leaves), ``error`` (INIT/QUERY/GET_BILL answer ``MaLoi`` "99"), ``wrong_signature`` (replies and
callbacks signed with another secret), ``wrong_amount`` (the amount paid and reported is 1,000
dong more than due), ``send_callbacks`` (False: payments are made but the ministry is not told).
Every request and callback is journaled (in memory, and as JSON lines when a path is given).
Standard library only; not for production.

Run as a process: ``python -m moh_core.testing.dvcqg_payment --port 8996 --partner MOH --secret s``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from moh_core.payments.dvcqg import (
    OK,
    PaymentError,
    Settings,
    callback_message,
    sign,
    signed_reply,
)

from .server import LocalServer

#: MaLoi of the platform's refusals (the test platform's own choice).
BAD_SIGNATURE = "02"
UNKNOWN_PAYMENT = "04"
NOT_PAID = "01"
FAILING = "99"


@dataclass
class FakePayment:
    reference: str
    amount: int
    currency: str
    return_url: str
    notify_url: str
    token: str
    message: dict[str, Any]
    paid: bool = False
    transaction_id: str = ""
    paid_at: dt.datetime | None = None


class _Handler(BaseHTTPRequestHandler):
    server: DvcqgPaymentPlatform

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
        pass

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json")

    def _payment_of_path(self) -> FakePayment | None:
        token = self.path.split("?")[0].removeprefix("/pay/")
        return self.server.by_token.get(token)

    def do_GET(self) -> None:
        payment = self._payment_of_path() if self.path.startswith("/pay/") else None
        if payment is None:
            return self._send(404, b"not found", "text/plain")
        page = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Thanh toán</title></head><body>"
            f"<p class='reference'>{html.escape(payment.reference)}</p>"
            f"<p class='amount'>{payment.amount} {html.escape(payment.currency)}</p>"
            f"<form method='post' action='/pay/{payment.token}'><button name='pay' value='1'>Thanh toán</button></form>"
            "</body></html>"
        )
        return self._send(200, page.encode(), "text/html; charset=utf-8")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path.startswith("/pay/"):
            payment = self._payment_of_path()
            if payment is None:
                return self._send(404, b"not found", "text/plain")
            self.server.pay(payment.reference)
            location = payment.return_url
            if location:
                separator = "&" if "?" in location else "?"
                location += separator + urllib.parse.urlencode({"MaThamChieu": payment.reference})
                return self._send(303, b"", "text/plain", {"Location": location})
            return self._send(200, b"paid", "text/plain")
        status, reply = self.server.handle_api(self.headers.get("Authorization"), body)
        return self._json(status, reply)


class DvcqgPaymentPlatform(LocalServer):
    """``with DvcqgPaymentPlatform(partner_code=..., secret=..., token=...) as platform:``"""

    def __init__(
        self,
        port: int = 0,
        *,
        partner_code: str = "MOH",
        secret: str = "secret",
        token: str | None = None,
        journal: str | os.PathLike[str] | None = None,
        settings: Settings | None = None,
    ):
        super().__init__(("127.0.0.1", port), _Handler)
        self.settings = settings or Settings(partner_code=partner_code, secret=secret)
        self.token = token
        self.journal_path = Path(journal) if journal else None
        self.journal: list[dict[str, Any]] = []
        self.payments: dict[str, FakePayment] = {}
        self.by_token: dict[str, FakePayment] = {}
        self.lock = threading.Lock()
        self.down = False
        self.error = False
        self.wrong_signature = False
        self.wrong_amount = False
        self.send_callbacks = True

    # -- life ------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    # -- journal ---------------------------------------------------------------------------------

    def record(self, kind: str, **entry: Any) -> None:
        entry = {"kind": kind, **entry}
        with self.lock:
            self.journal.append(entry)
            if self.journal_path:
                with self.journal_path.open("a") as out:
                    out.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def entries(self, kind: str) -> list[dict[str, Any]]:
        return [entry for entry in self.journal if entry["kind"] == kind]

    # -- signing as the platform -----------------------------------------------------------------

    def _platform_settings(self) -> Settings:
        if self.wrong_signature:
            return Settings(
                partner_code=self.settings.partner_code,
                secret=self.settings.secret + "-wrong",
                signed_fields=self.settings.signed_fields,
                secret_separator=self.settings.secret_separator,
            )
        return self.settings

    def _reply(self, kind: str, values: dict[str, Any]) -> dict[str, Any]:
        return signed_reply(self._platform_settings(), kind, {"MaDoiTac": self.settings.partner_code, **values})

    # -- the API ---------------------------------------------------------------------------------

    def handle_api(self, authorization: str | None, body: bytes) -> tuple[int, dict[str, Any]]:
        """One INIT, QUERY or GET_BILL: (HTTP status, JSON reply)."""
        if self.down:
            self.record("api", status=503)
            return 503, {"MaLoi": FAILING, "MoTaLoi": "Service unavailable"}
        if self.token and authorization != f"Bearer {self.token}":
            self.record("api", status=401)
            return 401, {"MaLoi": "401", "MoTaLoi": "Unauthorized"}
        try:
            message = json.loads(body)
            kind = message["LoaiBanTin"]
            order = self.settings.fields_of(kind)
        except (ValueError, KeyError, TypeError, PaymentError):
            self.record("api", status=400)
            return 400, {"MaLoi": "03", "MoTaLoi": "Bad request"}
        reference = str(message.get("MaThamChieu") or "")
        expected = sign(message, order, self.settings.secret, self.settings.secret_separator)
        if message.get("MaXacThuc") != expected or message.get("MaDoiTac") != self.settings.partner_code:
            self.record(kind, reference=reference, code=BAD_SIGNATURE)
            return 200, {"MaLoi": BAD_SIGNATURE, "MoTaLoi": "Sai mã xác thực", "MaThamChieu": reference}
        if self.error:
            self.record(kind, reference=reference, code=FAILING)
            return 200, {"MaLoi": FAILING, "MoTaLoi": "Lỗi hệ thống", "MaThamChieu": reference}
        if kind == "INIT":
            return self._init(message, reference)
        payment = self.payments.get(reference)
        if payment is None:
            self.record(kind, reference=reference, code=UNKNOWN_PAYMENT)
            return 200, {"MaLoi": UNKNOWN_PAYMENT, "MoTaLoi": "Không tìm thấy giao dịch", "MaThamChieu": reference}
        if kind == "QUERY":
            return self._query(payment)
        return self._bill(payment)

    def _init(self, message: dict[str, Any], reference: str) -> tuple[int, dict[str, Any]]:
        if reference in self.payments:
            self.record("INIT", reference=reference, code="05")
            return 200, {"MaLoi": "05", "MoTaLoi": "Trùng mã tham chiếu", "MaThamChieu": reference}
        token = secrets.token_urlsafe(12)
        payment = FakePayment(
            reference=reference,
            amount=int(message["SoTien"]),
            currency=str(message.get("MaTienTe") or "VND"),
            return_url=str(message.get("UrlTraVe") or ""),
            notify_url=str(message.get("UrlThongBao") or ""),
            token=token,
            message=message,
        )
        with self.lock:
            self.payments[reference] = payment
            self.by_token[token] = payment
        self.record("INIT", reference=reference, code=OK, amount=payment.amount)
        return 200, self._reply(
            "INIT_REPLY", {"MaLoi": OK, "MaThamChieu": reference, "UrlThanhToan": f"{self.url}pay/{token}"}
        )

    def _query(self, payment: FakePayment) -> tuple[int, dict[str, Any]]:
        self.record("QUERY", reference=payment.reference, paid=payment.paid)
        if not payment.paid:
            return 200, self._reply(
                "QUERY_REPLY", {"MaLoi": NOT_PAID, "MoTaLoi": "Chưa thanh toán", "MaThamChieu": payment.reference}
            )
        return 200, self._reply(
            "QUERY_REPLY",
            {
                "MaLoi": OK,
                "MaThamChieu": payment.reference,
                "SoTien": str(self._reported_amount(payment)),
                "MaTienTe": payment.currency,
                "MaGiaoDich": payment.transaction_id,
            },
        )

    def _bill(self, payment: FakePayment) -> tuple[int, dict[str, Any]]:
        self.record("GET_BILL", reference=payment.reference, paid=payment.paid)
        if not payment.paid:
            return 200, self._reply("GET_BILL_REPLY", {"MaLoi": NOT_PAID, "MaThamChieu": payment.reference})
        return 200, self._reply(
            "GET_BILL_REPLY",
            {
                "MaLoi": OK,
                "MaThamChieu": payment.reference,
                "SoBienLai": f"BL-{payment.transaction_id}",
                "UrlBienLai": f"{self.url}bill/{payment.token}",
            },
        )

    def _reported_amount(self, payment: FakePayment) -> int:
        return payment.amount + 1000 if self.wrong_amount else payment.amount

    # -- paying ----------------------------------------------------------------------------------

    def pay(self, reference: str) -> int | None:
        """The payer pays ``reference``; the callback is sent to the ministry unless the platform
        is down or told not to. Returns the callback's HTTP status (None when none was sent or
        it did not arrive)."""
        payment = self.payments[reference]
        if not payment.paid:
            payment.paid = True
            payment.transaction_id = f"GD{secrets.randbelow(10**10):010d}"
            payment.paid_at = dt.datetime.now(dt.UTC)
        self.record("paid", reference=reference, transaction_id=payment.transaction_id)
        if self.down or not self.send_callbacks or not payment.notify_url:
            return None
        return self.send_callback(reference)

    def callback_for(self, reference: str) -> dict[str, Any]:
        """The signed callback of the paid ``reference`` (as the knobs make it)."""
        payment = self.payments[reference]
        return callback_message(
            self._platform_settings(),
            reference=reference,
            amount=self._reported_amount(payment),
            transaction_id=payment.transaction_id,
            moment=payment.paid_at or dt.datetime.now(dt.UTC),
        )

    def send_callback(self, reference: str, message: dict[str, Any] | None = None) -> int | None:
        """POST the callback (or ``message``) to the payment's ``UrlThongBao``."""
        payment = self.payments[reference]
        data = message or self.callback_for(reference)
        request = urllib.request.Request(
            payment.notify_url,
            data=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status: int | None = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = None
        self.record("callback", reference=reference, status=status)
        return status


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--partner", default="MOH")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--token")
    parser.add_argument("--journal")
    args = parser.parse_args(argv)
    platform = DvcqgPaymentPlatform(
        args.port, partner_code=args.partner, secret=args.secret, token=args.token, journal=args.journal
    )
    try:
        platform.serve_forever()
    finally:
        platform.server_close()


if __name__ == "__main__":
    main()
