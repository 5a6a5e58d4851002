import logging
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import urls

_logger = logging.getLogger(__name__)

DVCQG_RETURN_URL = "/payment/dvcqg/return"
DVCQG_NOTIFY_URL = "/payment/dvcqg/notify"


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    moh_dossier_ids = fields.Many2many(
        "moh.dossier", "moh_dossier_transaction_rel", "transaction_id", "dossier_id", string="Dossiers", readonly=True
    )

    def _set_done(self, **kwargs):
        done = super()._set_done(**kwargs)
        for transaction in done:
            transaction.moh_dossier_ids._moh_payment_done(transaction)
        return done

    # -- the national payment platform (provider code dvcqg) -------------------------------------

    def _moh_dvcqg_error(self, error):
        """A moh_core payment error as a message in the user's language."""
        return ValidationError(error.message_in(self.env.lang))

    def _moh_dvcqg_receipt(self):
        """ThongTinBienLai of the fee: the dossier, its procedure, the agency and the payer."""
        from moh_core.payments import FeeLine, PaymentItem, Receipt  # noqa: PLC0415

        self.ensure_one()
        provider = self.provider_id.sudo()
        dossier = self.moh_dossier_ids.sudo()[:1]
        procedure = dossier.procedure_id
        amount = round(self.amount)
        label = procedure.name or self.reference
        return Receipt(
            service_code=provider.dvcqg_service_code or "",
            procedure_code=procedure.code or "",
            agency_code=(dossier.company_id or self.company_id).moh_agency_code or "",
            dossier_code=dossier.code or "",
            beneficiary_account=provider.dvcqg_beneficiary_account or "",
            payer_name=(dossier.partner_id or self.partner_id).name or "",
            fees=(FeeLine(label, amount, procedure.code or ""),),
            items=(PaymentItem(label, amount),),
        )

    def _get_specific_rendering_values(self, processing_values):
        """INIT on the platform, then send the payer to its page (UrlThanhToan)."""
        if self.provider_code != "dvcqg":
            return super()._get_specific_rendering_values(processing_values)
        from moh_core.payments import PaymentError, init_message, parse_init_reply  # noqa: PLC0415

        provider = self.provider_id
        settings = provider._moh_dvcqg_settings()
        base_url = provider.get_base_url()
        try:
            message = init_message(
                settings,
                reference=self.reference,
                amount=self.amount,
                description=self.env._("Fee of dossier %(code)s", code=self.moh_dossier_ids.sudo()[:1].code or "")
                if self.moh_dossier_ids
                else self.reference,
                moment=fields.Datetime.now(),
                receipt=self._moh_dvcqg_receipt(),
                return_url=urls.urljoin(base_url, DVCQG_RETURN_URL),
                notify_url=urls.urljoin(base_url, DVCQG_NOTIFY_URL),
            )
            reply = self._send_api_request("POST", "", json=message)
            page = parse_init_reply(settings, reply, reference=self.reference)
        except PaymentError as error:
            _logger.warning("DVCQG INIT of %s refused: %s", self.reference, error)
            raise self._moh_dvcqg_error(error) from None
        parts = urlsplit(page.url)
        return {
            "api_url": urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
            "url_params": parse_qsl(parts.query),
        }

    @api.model
    def _extract_reference(self, provider_code, payment_data):
        if provider_code != "dvcqg":
            return super()._extract_reference(provider_code, payment_data)
        return payment_data.get("MaThamChieu")

    def _extract_amount_data(self, payment_data):
        if self.provider_code != "dvcqg":
            return super()._extract_amount_data(payment_data)
        if payment_data.get("MaLoi") != "00":
            return None  # not paid: no amount to check
        return {"amount": float(payment_data.get("SoTien") or 0), "currency_code": payment_data.get("MaTienTe")}

    def _apply_updates(self, payment_data):
        """Only verified data comes here (the callback's or QUERY reply's signature, partner,
        reference and amount were checked by moh_core before :meth:`_process`)."""
        if self.provider_code != "dvcqg":
            return super()._apply_updates(payment_data)
        code = payment_data.get("MaLoi")
        if payment_data.get("MaGiaoDich"):
            self.provider_reference = payment_data["MaGiaoDich"]
        if code == "00":
            self._set_done()
        elif payment_data.get("pending"):
            self._set_pending()
        else:
            self._set_error(self.env._("The national payment platform reports the payment failed (code %s).", code))

    @staticmethod
    def _moh_dvcqg_payment_data(status, currency):
        """A verified moh_core status as the payment data of :meth:`_process`."""
        return {
            "MaThamChieu": status.reference,
            "MaLoi": status.code,
            "MaGiaoDich": status.transaction_id,
            "SoTien": status.amount,
            "MaTienTe": currency,
            "pending": status.pending,
        }

    def _moh_dvcqg_query(self):
        """QUERY the platform about each transaction still waiting, and apply its signed answer.
        A platform that cannot be reached or answers wrongly changes nothing (logged); returns
        the transactions updated."""
        from moh_core.payments import PaymentError, parse_query_reply, query_message  # noqa: PLC0415

        updated = self.browse()
        for tx in self.sudo().filtered(lambda t: t.provider_code == "dvcqg" and t.state in ("draft", "pending")):
            settings = tx.provider_id._moh_dvcqg_settings()
            try:
                message = query_message(settings, reference=tx.reference, moment=fields.Datetime.now())
                reply = tx._send_api_request("POST", "", json=message)
                status = parse_query_reply(settings, reply, reference=tx.reference)
                if status.paid and status.amount != round(tx.amount):
                    _logger.warning(
                        "DVCQG QUERY of %s: amount %s differs from %s; ignored", tx.reference, status.amount, tx.amount
                    )
                    continue
            except (PaymentError, ValidationError) as error:
                _logger.warning("DVCQG QUERY of %s failed, the payment stays as it is: %s", tx.reference, error)
                continue
            if status.pending and tx.state == "pending":
                continue
            tx._process("dvcqg", self._moh_dvcqg_payment_data(status, tx.currency_id.name))
            updated |= tx
        return updated

    @api.model
    def _cron_moh_dvcqg_reconcile(self):
        """Payments on the national platform whose callback did not come: ask the platform."""
        since = fields.Datetime.subtract(fields.Datetime.now(), days=3)
        waiting = self.sudo().search(
            [("provider_code", "=", "dvcqg"), ("state", "in", ("draft", "pending")), ("create_date", ">=", since)]
        )
        return bool(waiting._moh_dvcqg_query())
