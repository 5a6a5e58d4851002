import logging
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from markupsafe import Markup
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, LockError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import urls

_logger = logging.getLogger(__name__)

DVCQG_RETURN_URL = "/payment/dvcqg/return"
DVCQG_NOTIFY_URL = "/payment/dvcqg/notify"
#: Transactions asked about per run of a cron (the rest wait for the next run). How many days
#: the platform is asked about a payment (QUERY) or its receipt (GET_BILL) is set on each
#: provider (payment.provider.dvcqg_query_days, dvcqg_bill_days).
DVCQG_BATCH = 200
#: Who decides on a payment made after it was closed (refund or accept).
DVCQG_LATE_DECIDERS = ("moh_egov.group_onestop", "moh_documents.group_moh_admin")


class PaymentTransaction(models.Model):
    _inherit = ["payment.transaction", "moh.workflow.guard"]
    # The national platform's receipt and late payments: written by the steps below only (sudo),
    # refused to create/write for everybody (moh.workflow.guard).
    _moh_workflow_fields = (
        "moh_dvcqg_bill_number",
        "moh_dvcqg_bill_url",
        "moh_dvcqg_bill_at",
        "moh_dvcqg_late_paid_at",
        "moh_dvcqg_late_reference",
        "moh_dvcqg_late_activity_ids",
        "moh_dvcqg_late_decision",
        "moh_dvcqg_late_decided_by",
        "moh_dvcqg_late_decided_at",
        "moh_dvcqg_late_note",
    )

    moh_dossier_ids = fields.Many2many(
        "moh.dossier", "moh_dossier_transaction_rel", "transaction_id", "dossier_id", string="Dossiers", readonly=True
    )
    moh_dvcqg_bill_number = fields.Char(
        string="Receipt Number",
        readonly=True,
        copy=False,
        help="SoBienLai: the electronic receipt the national payment platform issued for the payment.",
    )
    moh_dvcqg_bill_url = fields.Char(string="Receipt Link", readonly=True, copy=False, help="UrlBienLai, when given.")
    moh_dvcqg_bill_at = fields.Datetime(string="Receipt Received", readonly=True, copy=False)
    moh_dvcqg_late_paid_at = fields.Datetime(
        string="Paid After Closing",
        readonly=True,
        copy=False,
        help="When the national payment platform reported this payment paid although the transaction was "
        "already cancelled or in error: the money must be refunded or the payment accepted.",
    )
    moh_dvcqg_late_reference = fields.Char(
        string="Late Payment's Platform Transaction",
        readonly=True,
        copy=False,
        help="MaGiaoDich of the payment reported after the transaction was closed.",
    )
    moh_dvcqg_late_activity_ids = fields.Many2many(
        "mail.activity",
        "moh_payment_transaction_late_activity_rel",
        "transaction_id",
        "activity_id",
        string="Late Payment's To-Dos",
        readonly=True,
        copy=False,
        help="The one-stop officer's to-dos to refund or accept the payment, done by the decision.",
    )
    moh_dvcqg_late_decision = fields.Selection(
        [("accepted", "Payment Accepted"), ("refunded", "Refunded")],
        string="Late Payment Decision",
        readonly=True,
        copy=False,
        help="Accepted: the payment pays the dossier's fee. Refunded: the money was given back to the payer.",
    )
    moh_dvcqg_late_decided_by = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False)
    moh_dvcqg_late_decided_at = fields.Datetime(string="Decided On", readonly=True, copy=False)
    moh_dvcqg_late_note = fields.Text(
        string="Refund Note", readonly=True, copy=False, help="How and when the money was refunded."
    )

    def _set_done(self, **kwargs):
        done = super()._set_done(**kwargs)
        for transaction in done:
            transaction.moh_dossier_ids._moh_payment_done(transaction)
        if any(transaction.provider_code == "dvcqg" for transaction in done):
            # The receipt is asked for by the cron, soon, not inside the callback's request.
            cron = self.env.ref("moh_egov.ir_cron_dvcqg_bills", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()
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
        for tx in self.sudo().filtered(
            lambda t: (
                t.provider_code == "dvcqg"
                and (
                    t.state in ("draft", "pending") or (t.state in ("cancel", "error") and not t.moh_dvcqg_late_paid_at)
                )
            )
        ):
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
            if tx.state in ("cancel", "error"):
                # Closed here, paid there: flagged for the one-stop shop, never applied.
                try:
                    if status.paid and tx._moh_dvcqg_late_payment(status):
                        updated |= tx
                except LockError:
                    _logger.info("DVCQG QUERY of %s: the payment is being handled elsewhere", tx.reference)
                continue
            if status.pending and tx.state == "pending":
                continue
            tx._process("dvcqg", self._moh_dvcqg_payment_data(status, tx.currency_id.name))
            updated |= tx
        return updated

    @api.model
    def _moh_dvcqg_recent(self, setting, date_field):
        """The ``dvcqg`` transactions whose ``date_field`` falls within the window of days their
        provider sets (``setting``: an administrator's field, read in sudo by the crons)."""
        now = fields.Datetime.now()
        providers = self.env["payment.provider"].sudo().search([("code", "=", "dvcqg")])
        return Domain.OR(
            Domain("provider_id", "=", provider.id)
            & Domain(date_field, ">=", fields.Datetime.subtract(now, days=provider[setting]))
            for provider in providers
        )

    @api.model
    def _cron_moh_dvcqg_reconcile(self):
        """Payments on the national platform whose callback did not come, and payments closed here
        (cancelled, in error) not known to be paid there, started within their provider's
        reconciliation window: ask the platform."""
        waiting = self.sudo().search(
            self._moh_dvcqg_recent("dvcqg_query_days", "create_date")
            & Domain(
                [
                    "|",
                    ("state", "in", ("draft", "pending")),
                    "&",
                    ("state", "in", ("cancel", "error")),
                    ("moh_dvcqg_late_paid_at", "=", False),
                ]
            ),
            order="id",
            limit=DVCQG_BATCH,
        )
        return bool(waiting._moh_dvcqg_query())

    # -- late payments ---------------------------------------------------------------------------

    def _moh_dvcqg_late_payment(self, status):
        """The platform reports, in a verified callback or QUERY reply, that this transaction was
        paid (``status``: paid, amount checked) although it is cancelled or in error here: the
        money was taken while the product thinks it was not. Nothing is applied; the transaction
        is flagged once, the dossiers' chatter says so and the responsible one-stop officer gets
        a to-do to refund or accept the payment (:meth:`_moh_dvcqg_late_accept`,
        :meth:`_moh_dvcqg_late_refund`, which mark it done). Returns True when flagged now, False when it
        was already (a repeat). Raises LockError while another process handles the same one."""
        self.ensure_one()
        tx = self.sudo()
        if tx.provider_code != "dvcqg" or tx.state not in ("cancel", "error") or not status.paid:
            return False
        tx.lock_for_update()
        tx.invalidate_recordset(["moh_dvcqg_late_paid_at"])
        if tx.moh_dvcqg_late_paid_at:
            _logger.info("DVCQG late payment of %s already flagged", tx.reference)
            return False
        tx.write({"moh_dvcqg_late_paid_at": fields.Datetime.now(), "moh_dvcqg_late_reference": status.transaction_id})
        _logger.warning(
            "DVCQG payment %s (MaGiaoDich %s) reported paid after the transaction was closed (%s): flagged",
            tx.reference,
            status.transaction_id,
            tx.state,
        )
        state = dict(tx._fields["state"]._description_selection(tx.env)).get(tx.state, tx.state)
        note = self.env._(
            "The national payment platform reports payment %(reference)s paid (%(amount)s %(currency)s, platform "
            "transaction %(platform)s) after the transaction was closed as %(state)s. The money was taken: "
            "refund it or accept the payment.",
            reference=tx.reference,
            amount=round(tx.amount),
            currency=tx.currency_id.name,
            platform=status.transaction_id or "-",
            state=state,
        )
        summary = self.env._("Payment %(reference)s arrived after it was closed", reference=tx.reference)
        root = self.env.ref("base.partner_root")
        activities = self.env["mail.activity"]
        for dossier in tx.moh_dossier_ids:
            dossier.message_post(body=note, author_id=root.id, subtype_xmlid="mail.mt_note")
            activities |= dossier.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=dossier._moh_onestop_responsible().id,
                summary=summary,
                note=note,
            )
        tx.write({"moh_dvcqg_late_activity_ids": [Command.set(activities.ids)]})
        return True

    # -- the decision on a late payment: accept it or record its refund ----------------------------

    @api.model
    def _moh_dvcqg_check_decider(self):
        """The caller decides on late payments: a one-stop officer or the e-office administrator."""
        user = self.env.user
        if not (self.env.su or any(user.has_group(group) for group in DVCQG_LATE_DECIDERS)):
            raise AccessError(
                self.env._(
                    "Only the one-stop shop or the e-office administrator decides on a payment made after it "
                    "was closed."
                )
            )

    def _moh_dvcqg_paid_late(self):
        """Those of these transactions the national platform reported paid after they were closed
        here (cancelled or in error, flagged by :meth:`_moh_dvcqg_late_payment`), decided or not."""
        return self.filtered(
            lambda t: t.provider_code == "dvcqg" and t.moh_dvcqg_late_paid_at and t.state in ("cancel", "error")
        )

    def _moh_dvcqg_late_check(self):
        """Before a decision: the caller may decide (:meth:`_moh_dvcqg_check_decider`) and read the
        dossiers the payment was made for; the transaction is a ``dvcqg`` one, closed here,
        reported paid after it was closed, and not decided yet. Returns it in sudo."""
        self.ensure_one()
        self._moh_dvcqg_check_decider()
        tx = self.sudo()
        if not self.env.su:
            tx.moh_dossier_ids.with_env(self.env).check_access("read")
        if not tx.moh_dossier_ids or not tx._moh_dvcqg_paid_late():
            raise UserError(
                self.env._(
                    "Payment %(reference)s of a dossier was not reported paid after it was closed: there is "
                    "nothing to decide; nothing was changed.",
                    reference=tx.reference,
                )
            )
        if tx.moh_dvcqg_late_decision:
            decision = dict(tx._fields["moh_dvcqg_late_decision"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "The payment %(reference)s made after it was closed was already decided (%(decision)s, by "
                    "%(user)s); nothing was changed.",
                    reference=tx.reference,
                    decision=decision[tx.moh_dvcqg_late_decision],
                    user=tx.moh_dvcqg_late_decided_by.name or "-",
                )
            )
        return tx

    def _moh_dvcqg_late_lock(self):
        """:meth:`_moh_dvcqg_late_check`, then the transaction's row locked and checked again: two
        officers deciding at once decide once (the other is told it was decided, or to retry)."""
        tx = self._moh_dvcqg_late_check()
        tx.lock_for_update()
        tx.invalidate_recordset()
        return tx._moh_dvcqg_late_check()

    def _moh_dvcqg_late_decided(self, decision, body, note=None):
        """Record the decision (who, when) on the transaction (in sudo, from the checked steps),
        say it on its dossiers' chatter as the caller and mark the officer's to-dos done."""
        tx = self
        values = {
            "moh_dvcqg_late_decision": decision,
            "moh_dvcqg_late_decided_by": self.env.user.id,
            "moh_dvcqg_late_decided_at": fields.Datetime.now(),
        }
        if note:
            values["moh_dvcqg_late_note"] = note
        tx.write(values)
        for dossier in tx.moh_dossier_ids:
            dossier._moh_post(body, note)
        # Done as the caller (the to-do may be another officer's): archived, with a message.
        tx.moh_dvcqg_late_activity_ids.action_feedback(feedback=body)

    def _moh_dvcqg_late_accept(self):
        """Accept a payment made after it was closed: it pays the fee of its dossiers, as if its
        callback had come in time.

        The same transaction is set done, with the platform's ``MaGiaoDich`` as its provider
        reference, through Odoo's payment state machine (``_set_done``), which allows it from
        ``cancel`` when asked to (``extra_allowed_states``) and from ``error`` anyway. So the
        dossiers' fee is paid by ``_moh_payment_done`` exactly as on the normal path, and the
        receipt is fetched by the receipt cron (GET_BILL knows the payment by this transaction's
        reference); a second, new transaction would stand for a payment the platform never saw.

        Refused when a dossier's fee is no longer to pay (paid meanwhile by another payment or at
        the counter) or when the payment does not pay it (another payer, currency or amount):
        the money must then be refunded."""
        tx = self._moh_dvcqg_late_lock()
        dossiers = tx.moh_dossier_ids
        for dossier in dossiers:
            if dossier.payment_state != "pending":
                raise UserError(
                    self.env._(
                        "The fee of dossier %(name)s is no longer to pay (it was paid meanwhile): payment "
                        "%(reference)s cannot be accepted and must be refunded; nothing was changed.",
                        name=dossier.name,
                        reference=tx.reference,
                    )
                )
            mismatch = dossier._moh_payment_mismatch(tx, sum(dossiers.mapped("fee_amount")))
            if mismatch:
                raise UserError(
                    self.env._(
                        "%(reason)s It cannot be accepted and must be refunded; nothing was changed.",
                        reason=mismatch,
                    )
                )
        body = self.env._(
            "Payment %(reference)s, made on the national payment platform after it was closed (platform "
            "transaction %(platform)s), accepted by %(user)s: it pays the fee.",
            reference=tx.reference,
            platform=tx.moh_dvcqg_late_reference or "-",
            user=self.env.user.name,
        )
        if tx.moh_dvcqg_late_reference:
            tx.provider_reference = tx.moh_dvcqg_late_reference
        tx._set_done(state_message=body, extra_allowed_states=("cancel",))
        if tx.state != "done" or any(dossier.payment_state != "paid" for dossier in dossiers):
            raise UserError(
                self.env._("Payment %(reference)s could not be accepted; nothing was changed.", reference=tx.reference)
            )
        tx._moh_dvcqg_late_decided("accepted", body)
        return True

    def _moh_dvcqg_late_refund(self, note):
        """Record that a payment made after it was closed was refunded to the payer (``note``: how
        and when, e.g. the platform's refund reference). No money moves here: the refund is made
        on the platform or by the agency's accounts; the transaction stays closed."""
        tx = self._moh_dvcqg_late_lock()
        note = (note or "").strip() if isinstance(note, str) else ""
        if not note:
            raise UserError(
                self.env._(
                    "Say how and when payment %(reference)s was refunded (e.g. the platform's refund reference); "
                    "nothing was changed.",
                    reference=tx.reference,
                )
            )
        body = self.env._(
            "Payment %(reference)s, made on the national payment platform after it was closed (platform "
            "transaction %(platform)s), refunded, as recorded by %(user)s.",
            reference=tx.reference,
            platform=tx.moh_dvcqg_late_reference or "-",
            user=self.env.user.name,
        )
        tx._moh_dvcqg_late_decided("refunded", body, note)
        return True

    def action_moh_dvcqg_late_accept(self):
        """Button of the transaction's form: accept the payment made after it was closed
        (:meth:`_moh_dvcqg_late_accept`, which checks the caller first)."""
        self.ensure_one()
        return self._moh_dvcqg_late_accept()

    def action_moh_dvcqg_late_refund(self):
        """Button of the transaction's and the dossier's forms: the dialog asking how the payment
        was refunded, after the decision's checks (:meth:`_moh_dvcqg_late_check`)."""
        tx = self._moh_dvcqg_late_check()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record the Refund"),
            "res_model": "moh.dvcqg.late.refund",
            "view_mode": "form",
            "target": "new",
            "context": {"default_transaction_id": tx.id},
        }

    # -- receipts (GET_BILL) ---------------------------------------------------------------------

    def _moh_dvcqg_fetch_bills(self):
        """Ask the platform for the receipt (GET_BILL) of each confirmed payment without one, and
        keep its number and link. A platform that cannot be reached or answers wrongly, unsigned
        or "not paid" changes nothing (logged; asked again next time); returns the transactions
        whose receipt was stored."""
        from moh_core.payments import PaymentError, bill_message, parse_bill_reply  # noqa: PLC0415

        stored = self.browse()
        for tx in self.sudo().filtered(
            lambda t: t.provider_code == "dvcqg" and t.state == "done" and not t.moh_dvcqg_bill_number
        ):
            settings = tx.provider_id._moh_dvcqg_settings()
            try:
                message = bill_message(settings, reference=tx.reference, moment=fields.Datetime.now())
                reply = tx._send_api_request("POST", "", json=message)
                bill = parse_bill_reply(settings, reply, reference=tx.reference)
            except (PaymentError, ValidationError) as error:
                _logger.warning("DVCQG GET_BILL of %s failed, asked again later: %s", tx.reference, error)
                continue
            url = bill.url if urlsplit(bill.url).scheme in ("http", "https") else ""
            if bill.url and not url:
                _logger.warning("DVCQG receipt of %s: link %r is not a web address; not kept", tx.reference, bill.url)
            tx.write(
                {
                    "moh_dvcqg_bill_number": bill.number,
                    "moh_dvcqg_bill_url": url,
                    "moh_dvcqg_bill_at": fields.Datetime.now(),
                }
            )
            body = Markup("%s") % self.env._(
                "Electronic receipt of payment %(reference)s issued by the national payment platform: no. %(number)s.",
                reference=tx.reference,
                number=bill.number,
            )
            if url:
                body += Markup(' <a href="%s" target="_blank" rel="noopener noreferrer">%s</a>') % (
                    url,
                    self.env._("View the receipt"),
                )
            root = self.env.ref("base.partner_root")
            for dossier in tx.moh_dossier_ids:
                dossier.message_post(body=body, author_id=root.id, subtype_xmlid="mail.mt_note")
            stored |= tx
        return stored

    @api.model
    def _cron_moh_dvcqg_bills(self):
        """Receipts of the payments confirmed within their provider's receipt window that have
        none yet."""
        missing = self.sudo().search(
            self._moh_dvcqg_recent("dvcqg_bill_days", "last_state_change")
            & Domain([("state", "=", "done"), ("moh_dvcqg_bill_number", "=", False)]),
            order="id",
            limit=DVCQG_BATCH,
        )
        return bool(missing._moh_dvcqg_fetch_bills())
