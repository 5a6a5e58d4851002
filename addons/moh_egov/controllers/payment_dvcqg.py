"""The national payment platform (Cổng DVCQG) calling back: the signed notification of a payment,
and the payer's browser coming back. Only a callback signed with the shared secret, for a known
payment, of the amount due moves a transaction (and through it the dossier's fee); anything else
is logged and changes nothing. A verified "paid" for a payment already cancelled or in error here
is not applied either, but flagged for the one-stop shop to refund or accept."""

import json
import logging

from odoo import http
from odoo.exceptions import LockError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64 * 1024


def _answer(status, code, text=""):
    body = json.dumps({"MaLoi": code, "MoTaLoi": text})
    return request.make_response(body, headers=[("Content-Type", "application/json")], status=status)


class MohDvcqgPayment(http.Controller):
    @http.route("/payment/dvcqg/notify", type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def moh_dvcqg_notify(self, **_kwargs):
        """The platform's callback (JSON body)."""
        from moh_core.payments import PaymentError, verify_callback  # noqa: PLC0415

        raw = request.httprequest.get_data(cache=False)
        if len(raw) > MAX_CALLBACK_BYTES:
            _logger.warning("DVCQG callback refused: %s bytes", len(raw))
            return _answer(413, "03", "too large")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("MaThamChieu"), str):
            _logger.warning("DVCQG callback refused: not a JSON object with MaThamChieu")
            return _answer(400, "03", "bad request")
        Transaction = request.env["payment.transaction"].sudo()
        tx = Transaction.search([("provider_code", "=", "dvcqg"), ("reference", "=", data["MaThamChieu"])], limit=1)
        if not tx:
            _logger.warning("DVCQG callback refused: no payment %r", data["MaThamChieu"][:64])
            return _answer(404, "04", "unknown payment")
        settings = tx.provider_id._moh_dvcqg_settings()
        try:
            status = verify_callback(
                settings, data, reference=tx.reference, amount=tx.amount, currency=tx.currency_id.name
            )
        except PaymentError as error:
            _logger.warning("DVCQG callback for %s refused, nothing changed: %s", tx.reference, error)
            return _answer(403, "02", str(error.code))
        if status.paid and tx.state in ("cancel", "error"):
            # Paid on the platform after the payment was closed here: the money was taken. Not
            # applied, but flagged for the one-stop shop (once); the platform is told it arrived.
            try:
                tx._moh_dvcqg_late_payment(status)
            except LockError:
                return _answer(503, "99", "busy, retry later")
            return _answer(200, "00", "received")
        if tx.state not in ("draft", "pending"):
            # A copy of a callback already applied (or a failure after a final state): no change.
            _logger.warning(
                "DVCQG callback for %s (MaGiaoDich %s) ignored: the payment is already %s",
                tx.reference,
                status.transaction_id,
                tx.state,
            )
            return _answer(200, "00", "already processed")
        tx._process("dvcqg", tx._moh_dvcqg_payment_data(status, tx.currency_id.name))
        return _answer(200, "00", "ok")

    @http.route("/payment/dvcqg/return", type="http", auth="public", methods=["GET"], sitemap=False)
    def moh_dvcqg_return(self, MaThamChieu=None, **_kwargs):  # noqa: N803 - the platform's parameter name
        """The payer's browser back from the platform: the page proves nothing, so the payment is
        asked about (QUERY) when it is still waiting, and the usual status page follows."""
        if isinstance(MaThamChieu, str) and MaThamChieu:
            tx = (
                request.env["payment.transaction"]
                .sudo()
                .search([("provider_code", "=", "dvcqg"), ("reference", "=", MaThamChieu)], limit=1)
            )
            if tx:
                tx._moh_dvcqg_query()
        return request.redirect("/payment/status")
