"""Fees paid through the national payment platform (provider ``dvcqg``), against the test
platform of moh_core started over real HTTP: the whole payment from the dossier's page, a forged,
replayed or wrong-amount callback, the platform down then asked later, the receipt fetched after
the payment (GET_BILL), a payment reported after the transaction was closed and the one-stop
shop's decision on it (accept or refund), the windows of the crons set on the provider, and
attackers who try to mark a fee paid or decide on a late payment themselves."""

import datetime as dt
import json
import re
from urllib.parse import urlsplit

import requests
from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from moh_core.payments import Settings, callback_message
from moh_core.testing.dvcqg_payment import DvcqgPaymentPlatform

from .common import EgovCase

CONTROLLER_LOGGER = "odoo.addons.moh_egov.controllers.payment_dvcqg"
TRANSACTION_LOGGER = "odoo.addons.moh_egov.models.payment_transaction"
PAYMENT_LOGGER = "odoo.addons.payment.models.payment_provider"
SECRET = "bí-mật-dùng-chung"


@tagged("post_install", "-at_install")
class TestDvcqgPayment(RpcAttackMixin, EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dvcqg = cls.env.ref("moh_egov.payment_provider_dvcqg")
        cls.installed_state = cls.dvcqg.state
        cls.platform = DvcqgPaymentPlatform(partner_code="BYT", secret=SECRET, token="tok-2026").start()
        cls.addClassCleanup(cls.platform.stop)
        cls.dvcqg.sudo().write(
            {
                "state": "test",
                "is_published": True,
                "dvcqg_partner_code": "BYT",
                "dvcqg_secret": SECRET,
                "dvcqg_endpoint": cls.platform.url,
                "dvcqg_token": "tok-2026",
                "dvcqg_beneficiary_account": "3711.0.1057512",
            }
        )
        cls.method = cls.env.ref("payment.payment_method_napas_card")
        cls.settings = Settings(partner_code="BYT", secret=SECRET)

    def setUp(self):
        super().setUp()
        # Each test starts with a platform that works and knows no payment (the test database
        # is rolled back after each test, so references come again).
        platform = self.platform
        platform.down = platform.error = platform.wrong_signature = platform.wrong_amount = False
        platform.send_callbacks = True
        platform.payments.clear()
        platform.by_token.clear()
        platform.journal.clear()

    def test_installed_disabled_with_admin_only_credentials(self):
        self.assertEqual(self.installed_state, "disabled")
        self.assertTrue(self.method.active, "enabling the provider activates its payment method")
        for name in (
            "dvcqg_partner_code",
            "dvcqg_secret",
            "dvcqg_endpoint",
            "dvcqg_token",
            "dvcqg_query_days",
            "dvcqg_bill_days",
        ):
            self.assertEqual(self.dvcqg._fields[name].groups, "base.group_system", name)
        self.assertEqual((self.dvcqg.sudo().dvcqg_query_days, self.dvcqg.sudo().dvcqg_bill_days), (3, 7))

    # -- helpers --------------------------------------------------------------------------------

    def _login(self, user):
        self.authenticate(user.login, user.login + "-pass-2026")
        self._moh_rpc_login = user.login

    def _start_payment(self, dossier):
        """The applicant pays from the dossier's page: the transaction route, then the redirect
        form to the platform's page. Returns (transaction, the page's URL)."""
        self._login(self.portal_a)
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'data-access-token="([^"]+)"', page.text).group(1)
        result = self.make_jsonrpc_request(
            f"/my/dossiers/{dossier.id}/transaction",
            {
                "access_token": token,
                "provider_id": self.dvcqg.id,
                "payment_method_id": self.method.id,
                "token_id": None,
                "amount": 1.0,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": f"/my/dossiers/{dossier.id}",
            },
        )
        tx = self.env["payment.transaction"].search([("reference", "=", result["reference"])])
        self.assertEqual(tx.provider_code, "dvcqg")
        self.assertEqual(tx.amount, 500000, "the amount is the dossier's, not the browser's")
        action = re.search(r'action="([^"]+)"', result["redirect_form_html"]).group(1)
        self.assertTrue(action.startswith(self.platform.url + "pay/"), action)
        return tx, action

    def _callback(self, tx, **changes):
        message = callback_message(
            self.settings,
            reference=tx.reference,
            amount=500000,
            transaction_id="GD0000000001",
            moment=dt.datetime.now(),
        )
        message.update(changes)
        return message

    def _notify(self, message):
        return self.url_open(
            "/payment/dvcqg/notify", data=json.dumps(message), headers={"Content-Type": "application/json"}
        )

    def _pay_on_the_platform(self, page_url):
        """The payer's "pay" on the platform's page: the platform calls Odoo back (without the
        test's cookie) before it answers, so requests from anyone are let in meanwhile."""
        self.cr.flush()
        self.cr.clear()
        with self.allow_requests(all_requests=True):
            response = requests.post(page_url, data={"pay": "1"}, allow_redirects=False, timeout=30)
        self.http_request_allow_all = False
        self.env.invalidate_all()
        return response

    def _fresh(self, *records):
        for record in records:
            record.invalidate_recordset()

    # -- the whole payment ----------------------------------------------------------------------

    def test_pay_the_fee_through_the_platform(self):
        dossier = self._submitted()
        self.assertEqual(dossier.payment_state, "pending")
        tx, page_url = self._start_payment(dossier)
        init = self.platform.entries("INIT")
        self.assertEqual(len(init), 1)
        sent = self.platform.payments[tx.reference].message
        self.assertEqual(sent["SoTien"], "500000")
        self.assertEqual(sent["ThongTinBienLai"]["MaHoSo"], dossier.code)
        self.assertEqual(sent["ThongTinBienLai"]["MaDonVi"], "000.00.04.G18")
        self.assertEqual(sent["ThongTinBienLai"]["TKThuHuong"], "3711.0.1057512")
        self.assertTrue(sent["UrlThongBao"].endswith("/payment/dvcqg/notify"))
        # The payer's page, then "pay": the platform calls the ministry back, then sends the browser back.
        self.assertIn("500000 VND", self.url_open(page_url).text)
        paid = self._pay_on_the_platform(page_url)
        self.assertEqual(paid.status_code, 303)
        self.assertEqual(self.platform.entries("callback")[0]["status"], 200)
        self._fresh(tx, dossier)
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.provider_reference, self.platform.payments[tx.reference].transaction_id)
        self.assertEqual(dossier.payment_state, "paid")
        self.assertTrue(dossier.paid_online)
        back = urlsplit(paid.headers["Location"])
        response = self.url_open(f"{back.path}?{back.query}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/payment/status", response.headers["Location"])
        self.assertFalse(self.platform.entries("QUERY"), "a payment already confirmed is not asked about")

    @staticmethod
    def _forged_callback(tx):
        """A "paid" callback for ``tx`` signed with a guessed secret."""
        return callback_message(
            Settings(partner_code="BYT", secret="guessed"),
            reference=tx.reference,
            amount=500000,
            transaction_id="GD1",
            moment=dt.datetime.now(),
        )

    # -- callbacks that must change nothing -----------------------------------------------------

    def test_forged_wrong_amount_and_replayed_callbacks_change_nothing(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        self.authenticate(None, None)
        forged = self._forged_callback(tx)
        cases = [
            ("forged", forged, 403),
            ("tampered", self._callback(tx, SoTien="1000"), 403),
            (
                "wrong amount",
                callback_message(
                    self.settings, reference=tx.reference, amount=1000, transaction_id="GD1", moment=dt.datetime.now()
                ),
                403,
            ),
            ("unknown payment", self._callback(tx, MaThamChieu="NOPE-1"), 404),
            ("not an object", ["x"], 400),
        ]
        for label, message, status in cases:
            with self.subTest(label), self.assertLogs(CONTROLLER_LOGGER, "WARNING"):
                self.assertEqual(self._notify(message).status_code, status)
            self._fresh(tx, dossier)
            self.assertEqual(tx.state, "draft", label)
            self.assertEqual(dossier.payment_state, "pending", label)
        with self.assertLogs(CONTROLLER_LOGGER, "WARNING"):
            response = self.url_open(
                "/payment/dvcqg/notify", data=b"{not json", headers={"Content-Type": "application/json"}
            )
        self.assertEqual(response.status_code, 400)

        # The genuine callback pays; its copy, or another one, changes nothing more.
        good = self._callback(tx)
        self.assertEqual(self._notify(good).status_code, 200)
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("done", "paid"))
        messages = len(dossier.message_ids)
        another = callback_message(
            self.settings, reference=tx.reference, amount=500000, transaction_id="GD9", moment=dt.datetime.now()
        )
        for label, message in (("replayed", good), ("another", another)):
            with self.subTest(label), self.assertLogs(CONTROLLER_LOGGER, "WARNING") as logs:
                self.assertEqual(self._notify(message).status_code, 200)
            self.assertIn("already done", logs.output[0])
            self._fresh(tx, dossier)
            self.assertEqual(tx.provider_reference, "GD0000000001")
            self.assertEqual(len(dossier.message_ids), messages)
            self.assertFalse(tx.moh_dvcqg_late_paid_at, "a copy for an applied payment is no late payment")
            self.assertFalse(dossier.sudo().activity_ids)

    def test_failed_payment_callback_sets_the_transaction_in_error(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        failed = callback_message(
            self.settings, reference=tx.reference, amount=500000, transaction_id="", moment=dt.datetime.now(), code="07"
        )
        self.assertEqual(self._notify(failed).status_code, 200)
        self._fresh(tx, dossier)
        self.assertEqual(tx.state, "error")
        self.assertEqual(dossier.payment_state, "pending")

    # -- the platform down, then asked later -----------------------------------------------------

    def test_platform_down_then_query_later(self):
        dossier = self._submitted()
        # Down when the payment starts: a clear error, no payment page.
        self.platform.down = True
        with mute_logger(PAYMENT_LOGGER, "odoo.http"), self.assertRaises(Exception):
            self._start_payment(dossier)
        self.platform.down = False
        tx, _page = self._start_payment(dossier)
        # Paid, but the callback never reaches the ministry, and the platform is down on return.
        self.platform.send_callbacks = False
        self.platform.pay(tx.reference)
        self.platform.down = True
        with mute_logger(PAYMENT_LOGGER), self.assertLogs(TRANSACTION_LOGGER, "WARNING"):
            response = self.url_open(f"/payment/dvcqg/return?MaThamChieu={tx.reference}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("draft", "pending"))
        # The platform answers with a wrong amount or a wrong signature: ignored.
        self.platform.down = False
        for knob in ("wrong_amount", "wrong_signature"):
            setattr(self.platform, knob, True)
            with self.subTest(knob), self.assertLogs(TRANSACTION_LOGGER, "WARNING"):
                self.env["payment.transaction"]._cron_moh_dvcqg_reconcile()
            setattr(self.platform, knob, False)
            self._fresh(tx, dossier)
            self.assertEqual((tx.state, dossier.payment_state), ("draft", "pending"), knob)
        # Back up: the reconciliation finds the payment made.
        self.assertTrue(self.env["payment.transaction"]._cron_moh_dvcqg_reconcile())
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("done", "paid"))

    def test_query_of_an_unpaid_payment_leaves_it_pending(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        self.assertEqual(tx._moh_dvcqg_query(), tx)
        self.assertEqual(tx.state, "pending")
        self.assertFalse(tx._moh_dvcqg_query(), "still pending: nothing to update")
        self.assertEqual(dossier.payment_state, "pending")

    # -- the receipt (GET_BILL) ------------------------------------------------------------------

    def _paid(self, dossier=None):
        """A dossier whose fee was paid on the platform, confirmed by its callback."""
        dossier = dossier or self._submitted()
        tx, page_url = self._start_payment(dossier)
        self._pay_on_the_platform(page_url)
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("done", "paid"))
        return dossier, tx

    def _fetch_bills(self):
        cron = self.env.ref("moh_egov.ir_cron_dvcqg_bills")
        self.assertEqual(cron.code, "model._cron_moh_dvcqg_bills()")
        with mute_logger(PAYMENT_LOGGER):
            return self.env["payment.transaction"]._cron_moh_dvcqg_bills()

    def test_receipt_fetched_after_the_payment_and_shown_to_its_business(self):
        cron = self.env.ref("moh_egov.ir_cron_dvcqg_bills")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        dossier, tx = self._paid()
        # The callback's request does not wait for the platform: it only triggers the cron.
        self.assertFalse(self.platform.entries("GET_BILL"))
        self.assertFalse(tx.moh_dvcqg_bill_number)
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertTrue(self._fetch_bills())
        self._fresh(tx, dossier)
        payment = self.platform.payments[tx.reference]
        number = f"BL-{payment.transaction_id}"
        self.assertEqual(tx.moh_dvcqg_bill_number, number)
        self.assertEqual(tx.moh_dvcqg_bill_url, f"{self.platform.url}bill/{payment.token}")
        self.assertTrue(tx.moh_dvcqg_bill_at)
        self.assertEqual(dossier.payment_receipt_number, number)
        self.assertIn(number, dossier.sudo().message_ids[0].body)
        # Once stored, the receipt is not asked for again.
        self.assertFalse(self._fetch_bills())
        self.assertEqual(len(self.platform.entries("GET_BILL")), 1)
        # The back office (one-stop officer) and the dossier's business see it; another business does not.
        self.assertEqual(dossier.with_user(self.onestop).payment_receipt_number, number)
        self._login(self.portal_a)
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(number, page.text)
        self.assertIn(tx.moh_dvcqg_bill_url, page.text)
        self._login(self.portal_b)
        with mute_logger("odoo.http"):
            page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 404)
        self.assertNotIn(number, page.text)

    def test_receipt_waits_while_the_platform_is_down_or_answers_wrongly(self):
        dossier, tx = self._paid()
        for knob in ("down", "wrong_signature", "error"):
            setattr(self.platform, knob, True)
            with self.subTest(knob), self.assertLogs(TRANSACTION_LOGGER, "WARNING") as logs:
                self.assertFalse(self._fetch_bills())
            setattr(self.platform, knob, False)
            self.assertIn("GET_BILL", logs.output[0])
            self._fresh(tx, dossier)
            self.assertFalse(tx.moh_dvcqg_bill_number, knob)
            self.assertFalse(dossier.payment_receipt_number, knob)
        # Back up: the next run stores it.
        self.assertEqual(self._fetch_bills(), True)
        self._fresh(tx, dossier)
        self.assertEqual(tx.moh_dvcqg_bill_number, f"BL-{self.platform.payments[tx.reference].transaction_id}")

    def test_no_receipt_while_the_platform_says_not_paid(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        # Confirmed by a genuine callback, but the platform's receipt service says "not paid yet".
        self.assertEqual(self._notify(self._callback(tx)).status_code, 200)
        self._fresh(tx, dossier)
        self.assertEqual(tx.state, "done")
        with self.assertLogs(TRANSACTION_LOGGER, "WARNING") as logs:
            self.assertFalse(self._fetch_bills())
        self.assertIn("01", logs.output[0])
        self._fresh(tx, dossier)
        self.assertFalse(tx.moh_dvcqg_bill_number)
        self.assertEqual(len(self.platform.entries("GET_BILL")), 1)
        # Receipts are asked for during a few days only.
        self.env.cr.execute(
            "UPDATE payment_transaction SET last_state_change = now() - interval '30 days' WHERE id = %s", [tx.id]
        )
        self.assertFalse(self._fetch_bills())
        self.assertEqual(len(self.platform.entries("GET_BILL")), 1)

    # -- paid after the transaction was closed -------------------------------------------------

    def _late_activities(self, dossier, tx):
        return dossier.sudo().activity_ids.filtered(lambda a: tx.reference in (a.summary or ""))

    def test_paid_callback_after_cancel_is_flagged_once(self):
        dossier = self._submitted()
        # The one-stop officer handled the dossier: he is told.
        dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm.")
        tx, _page = self._start_payment(dossier)
        tx.sudo()._set_canceled()
        self.assertEqual(tx.state, "cancel")
        dossier = dossier.sudo()  # its internal notes too
        messages = len(dossier.message_ids)
        self.authenticate(None, None)
        # Unverified, or not a payment: nothing.
        forged = self._forged_callback(tx)
        failed = callback_message(
            self.settings, reference=tx.reference, amount=500000, transaction_id="", moment=dt.datetime.now(), code="07"
        )
        for label, message, status in (("forged", forged, 403), ("wrong amount", self._callback(tx, SoTien="1"), 403)):
            with self.subTest(label), self.assertLogs(CONTROLLER_LOGGER, "WARNING"):
                self.assertEqual(self._notify(message).status_code, status)
        with self.assertLogs(CONTROLLER_LOGGER, "WARNING"):
            self.assertEqual(self._notify(failed).status_code, 200)
        self._fresh(tx, dossier)
        self.assertFalse(tx.moh_dvcqg_late_paid_at)
        self.assertEqual(len(dossier.message_ids), messages)
        self.assertFalse(self._late_activities(dossier, tx))

        # Verified and paid: flagged, said on the dossier, a to-do for the officer; the platform
        # is told the callback was received.
        with self.assertLogs(TRANSACTION_LOGGER, "WARNING"):
            response = self._notify(self._callback(tx))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["MaLoi"], "00")
        self._fresh(tx, dossier)
        self.assertEqual(tx.state, "cancel", "not applied")
        self.assertEqual(dossier.payment_state, "pending")
        self.assertTrue(tx.moh_dvcqg_late_paid_at)
        self.assertEqual(tx.moh_dvcqg_late_reference, "GD0000000001")
        activity = self._late_activities(dossier, tx)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.onestop)
        self.assertIn(tx.reference, activity.summary)
        self.assertEqual(len(dossier.message_ids), messages + 1)
        self.assertIn("GD0000000001", dossier.message_ids[0].body)

        # The platform retries: received again, nothing more.
        self.assertEqual(self._notify(self._callback(tx)).status_code, 200)
        self._fresh(tx, dossier)
        self.assertEqual(len(self._late_activities(dossier, tx)), 1)
        self.assertEqual(len(dossier.message_ids), messages + 1)

    def test_reconciliation_finds_a_payment_made_after_an_error(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        failed = callback_message(
            self.settings, reference=tx.reference, amount=500000, transaction_id="", moment=dt.datetime.now(), code="07"
        )
        self.assertEqual(self._notify(failed).status_code, 200)
        self._fresh(tx)
        self.assertEqual(tx.state, "error")
        # Not paid on the platform either: asked about, nothing flagged.
        Transaction = self.env["payment.transaction"]
        self.assertFalse(Transaction._cron_moh_dvcqg_reconcile())
        self.assertFalse(tx.moh_dvcqg_late_paid_at)
        # Then paid there, without a callback: the reconciliation surfaces it, once.
        self.platform.send_callbacks = False
        self.platform.pay(tx.reference)
        with self.assertLogs(TRANSACTION_LOGGER, "WARNING"):
            self.assertTrue(Transaction._cron_moh_dvcqg_reconcile())
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("error", "pending"))
        self.assertEqual(tx.moh_dvcqg_late_reference, self.platform.payments[tx.reference].transaction_id)
        activity = self._late_activities(dossier, tx)
        self.assertEqual(len(activity), 1)
        self.assertIn(activity.user_id, self.env.ref("moh_egov.group_onestop").all_user_ids)
        queries = len(self.platform.entries("QUERY"))
        self.assertFalse(Transaction._cron_moh_dvcqg_reconcile())
        self.assertEqual(len(self.platform.entries("QUERY")), queries, "a flagged payment is not asked about again")
        self.assertEqual(len(self._late_activities(dossier, tx)), 1)

    # -- the one-stop shop's decision on a late payment -----------------------------------------

    def _late_paid(self):
        """A dossier the one-stop officer handled, whose payment was cancelled here, then reported
        paid by the platform's callback: flagged, with the officer's to-do."""
        dossier = self._submitted()
        dossier.with_user(self.onestop).action_request_supplement("Bổ sung nhãn sản phẩm.")
        tx, _page = self._start_payment(dossier)
        tx.sudo()._set_canceled()
        # Paid on the platform all the same; its callback comes (sent here by the test).
        self.platform.send_callbacks = False
        self.platform.pay(tx.reference)
        self.platform.send_callbacks = True
        with self.assertLogs(TRANSACTION_LOGGER, "WARNING"):
            self.assertEqual(self._notify(self.platform.callback_for(tx.reference)).status_code, 200)
        self._fresh(tx, dossier)
        self.assertEqual(tx.moh_dvcqg_late_reference, self.platform.payments[tx.reference].transaction_id)
        self.assertEqual(len(self._late_activities(dossier, tx)), 1)
        return dossier.sudo(), tx

    def _assert_undecided(self, dossier, tx):
        self._fresh(tx, dossier)
        self.assertEqual(tx.state, "cancel")
        self.assertFalse(tx.moh_dvcqg_late_decision or tx.moh_dvcqg_late_decided_by or tx.moh_dvcqg_late_note)
        self.assertEqual(len(self._late_activities(dossier, tx)), 1)

    def test_late_payment_accepted_pays_the_fee(self):
        dossier, tx = self._late_paid()
        platform_id = tx.moh_dvcqg_late_reference
        activity = self._late_activities(dossier, tx)
        self.assertEqual(dossier.with_user(self.onestop).payment_late_reference, f"{tx.reference} ({platform_id})")
        # The officer accepts it from the dossier's form (its button, over JSON-RPC).
        result, error = self._rpc(self.onestop, "moh.dossier", "action_accept_late_payment", [dossier.ids])
        self.assertIsNone(error)
        self.assertTrue(result)
        self._fresh(tx, dossier, activity)
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.provider_reference, platform_id)
        self.assertEqual(tx.moh_dvcqg_late_decision, "accepted")
        self.assertEqual(tx.moh_dvcqg_late_decided_by, self.onestop)
        self.assertTrue(tx.moh_dvcqg_late_decided_at)
        self.assertEqual((dossier.payment_state, dossier.paid_online), ("paid", True))
        self.assertFalse(dossier.payment_late_reference)
        # The to-do is done (archived, with its message), the chatter says who accepted it.
        self.assertFalse(self._late_activities(dossier, tx))
        self.assertFalse(activity.active)
        said = dossier.message_ids.filtered(lambda m: "accepted" in (m.body or "") and tx.reference in m.body)
        self.assertEqual(said.author_id, self.onestop.partner_id)
        self.assertTrue(dossier.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_activities")))
        # The receipt is then fetched as for any confirmed payment.
        self.assertTrue(self._fetch_bills())
        self._fresh(dossier)
        self.assertEqual(dossier.payment_receipt_number, f"BL-{platform_id}")
        # Decided once: a second decision, from either form, is refused.
        for model, method, ids in (
            ("moh.dossier", "action_accept_late_payment", dossier.ids),
            ("moh.dossier", "action_refund_late_payment", dossier.ids),
            ("payment.transaction", "action_moh_dvcqg_late_accept", tx.ids),
            ("payment.transaction", "action_moh_dvcqg_late_refund", tx.ids),
        ):
            with self.subTest(method=method):
                self.assertRpcRefused(self.onestop, model, method, [ids], errors=("odoo.exceptions.UserError",))
        self._fresh(tx)
        self.assertEqual((tx.state, tx.moh_dvcqg_late_decision), ("done", "accepted"))

    def test_late_payment_refused_when_paid_meanwhile_then_refunded(self):
        dossier, tx = self._late_paid()
        # Meanwhile the business paid again, through a new payment that was confirmed.
        other, page_url = self._start_payment(dossier)
        self._pay_on_the_platform(page_url)
        self._fresh(other, dossier)
        self.assertEqual((other.state, dossier.payment_state), ("done", "paid"))
        officer = dossier.with_user(self.onestop)
        self.assertTrue(officer.payment_late_reference, "still to decide")
        with self.assertRaisesRegex(UserError, "must be refunded"):
            officer.action_accept_late_payment()
        with self.assertRaisesRegex(UserError, "must be refunded"):
            tx.with_user(self.onestop).action_moh_dvcqg_late_accept()
        self._assert_undecided(dossier, tx)
        # The e-office administrator records the refund, through the dialog; the note is required.
        eoffice_admin = new_test_user(
            self.env, login="t_pay_eoffice_admin", groups="base.group_user,moh_documents.group_moh_admin"
        )
        action = dossier.with_user(eoffice_admin).action_refund_late_payment()
        self.assertEqual(action["res_model"], "moh.dvcqg.late.refund")
        Wizard = self.env["moh.dvcqg.late.refund"].with_user(eoffice_admin).with_context(**action["context"])
        wizard = Wizard.create({"note": "  "})
        self.assertIn(tx.reference, wizard.payment)
        with self.assertRaisesRegex(UserError, "refunded"):
            wizard.action_confirm()
        self._assert_undecided(dossier, tx)
        note = "Cổng DVCQG hoàn tiền ngày 12/01/2027, mã hoàn HT0001"
        wizard.note = note
        activity = self._late_activities(dossier, tx)
        wizard.action_confirm()
        self._fresh(tx, dossier, activity)
        self.assertEqual(tx.state, "cancel", "a refund leaves the payment closed")
        self.assertEqual(tx.moh_dvcqg_late_decision, "refunded")
        self.assertEqual(tx.moh_dvcqg_late_note, note)
        self.assertEqual(tx.moh_dvcqg_late_decided_by, eoffice_admin)
        self.assertEqual((dossier.payment_state, other.state), ("paid", "done"), "the other payment stays")
        self.assertFalse(dossier.payment_late_reference)
        self.assertFalse(activity.active)
        said = dossier.message_ids.filtered(lambda m: note in (m.body or ""))
        self.assertEqual(said.author_id, eoffice_admin.partner_id)
        # Decided once.
        with self.assertRaisesRegex(UserError, "already decided"):
            tx.with_user(self.onestop).action_moh_dvcqg_late_accept()
        with self.assertRaisesRegex(UserError, "already decided"):
            self.env["moh.dvcqg.late.refund"].with_user(self.onestop).create({"transaction_id": tx.id, "note": "x"})
        with self.assertRaisesRegex(UserError, "waits for a decision"):
            dossier.with_user(self.onestop).action_refund_late_payment()
        self._fresh(tx)
        self.assertEqual((tx.moh_dvcqg_late_decision, tx.moh_dvcqg_late_note), ("refunded", note))

    def test_only_the_one_stop_shop_decides_on_a_late_payment(self):
        dossier, tx = self._late_paid()
        # An officer's open refund dialog, confirmed by someone else.
        wizard = (
            self.env["moh.dvcqg.late.refund"].with_user(self.onestop).create({"transaction_id": tx.id, "note": "x"})
        )
        for user in (self.portal_a, self.portal_b, self.plain_user, self.specialist):
            if user._is_portal():
                self._login(user)
            for model, method, args in (
                ("moh.dossier", "action_accept_late_payment", [dossier.ids]),
                ("moh.dossier", "action_refund_late_payment", [dossier.ids]),
                ("payment.transaction", "action_moh_dvcqg_late_accept", [tx.ids]),
                ("payment.transaction", "action_moh_dvcqg_late_refund", [tx.ids]),
                ("payment.transaction", "_moh_dvcqg_late_accept", [tx.ids]),
                ("payment.transaction", "_moh_dvcqg_late_refund", [tx.ids, "refunded"]),
                ("payment.transaction", "write", [tx.ids, {"moh_dvcqg_late_decision": "refunded"}]),
                ("moh.dvcqg.late.refund", "create", [{"transaction_id": tx.id, "note": "refunded"}]),
                ("moh.dvcqg.late.refund", "action_confirm", [wizard.ids]),
            ):
                with self.subTest(user=user.login, method=method):
                    self.assertRpcRefused(user, model, method, args)
            with self.subTest(user=user.login, orm=True):
                for call in (
                    lambda user=user: dossier.with_user(user).action_accept_late_payment(),
                    lambda user=user: tx.with_user(user).action_moh_dvcqg_late_accept(),
                    lambda user=user: tx.with_user(user)._moh_dvcqg_late_refund("refunded"),
                ):
                    with self.assertRaises(AccessError):
                        call()
        self._assert_undecided(dossier, tx)
        self.assertEqual(dossier.payment_state, "pending")
        # The decision's fields change through the decision only, for officers and administrators too.
        for user in (self.onestop, self.env.ref("base.user_admin")):
            for values in (
                {"moh_dvcqg_late_decision": "accepted"},
                {"moh_dvcqg_late_decided_by": user.id},
                {"moh_dvcqg_late_note": "refunded"},
            ):
                with self.subTest(user=user.login, values=values), self.assertRaises(AccessError):
                    tx.with_user(user).write(values)
        self._assert_undecided(dossier, tx)

    # -- the crons' windows, set on the provider -------------------------------------------------

    def _age(self, tx, column, days):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE payment_transaction SET %s = now() - make_interval(days => %s) WHERE id = %s",
                SQL.identifier(column),
                days,
                tx.id,
            )
        )
        self.env.invalidate_all()

    def test_crons_ask_within_the_provider_s_windows(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        self.platform.send_callbacks = False
        self.platform.pay(tx.reference)
        Transaction = self.env["payment.transaction"]
        # Started 5 days ago: beyond the 3 days of reconciliation; within 7 once the provider says so.
        self._age(tx, "create_date", 5)
        self.assertFalse(Transaction._cron_moh_dvcqg_reconcile())
        self.assertFalse(self.platform.entries("QUERY"))
        self.dvcqg.sudo().dvcqg_query_days = 7
        self.assertTrue(Transaction._cron_moh_dvcqg_reconcile())
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("done", "paid"))
        # Confirmed 10 days ago without a receipt: beyond the 7 days of receipts; within 14.
        self._age(tx, "last_state_change", 10)
        self.assertFalse(self._fetch_bills())
        self.assertFalse(self.platform.entries("GET_BILL"))
        self.dvcqg.sudo().dvcqg_bill_days = 14
        self.assertTrue(self._fetch_bills())
        self._fresh(tx)
        self.assertTrue(tx.moh_dvcqg_bill_number)
        for name in ("dvcqg_query_days", "dvcqg_bill_days"):
            with self.subTest(name), self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.dvcqg.sudo().write({name: 0})

    # -- attackers ------------------------------------------------------------------------------

    def test_attackers_cannot_mark_a_fee_paid(self):
        dossier = self._submitted()
        tx, _page = self._start_payment(dossier)
        employee = new_test_user(self.env, login="t_pay_employee", groups="base.group_user")
        for user in (self.portal_a, employee, self.onestop):
            if user == self.portal_a:
                self._login(user)
            for model, method, args, kwargs in (
                ("payment.transaction", "write", [tx.ids, {"state": "done"}], {}),
                ("payment.transaction", "_set_done", [tx.ids], {}),
                ("payment.transaction", "_process", [[], "dvcqg", self._callback(tx)], {}),
                ("payment.transaction", "_moh_dvcqg_query", [tx.ids], {}),
                ("payment.transaction", "_cron_moh_dvcqg_reconcile", [[]], {}),
                ("payment.transaction", "write", [tx.ids, {"moh_dvcqg_bill_number": "BL-FAKE"}], {}),
                ("payment.transaction", "write", [tx.ids, {"moh_dvcqg_late_paid_at": "2026-01-01 00:00:00"}], {}),
                ("payment.transaction", "_moh_dvcqg_fetch_bills", [tx.ids], {}),
                ("payment.transaction", "_cron_moh_dvcqg_bills", [[]], {}),
                ("payment.transaction", "_moh_dvcqg_late_payment", [tx.ids, {}], {}),
                ("moh.dossier", "write", [dossier.ids, {"payment_state": "paid"}], {}),
                ("moh.dossier", "_moh_payment_done", [dossier.ids, tx.id], {}),
                ("payment.provider", "read", [self.dvcqg.ids, ["dvcqg_secret"]], {}),
                ("payment.provider", "write", [self.dvcqg.ids, {"dvcqg_secret": "mine"}], {}),
                ("payment.provider", "write", [self.dvcqg.ids, {"dvcqg_bill_days": 365}], {}),
            ):
                with self.subTest(user=user.login, method=method):
                    self.assertRpcRefused(
                        user,
                        model,
                        method,
                        args,
                        kwargs,
                        errors=("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                    )
        self._fresh(tx, dossier)
        self.assertEqual((tx.state, dossier.payment_state), ("draft", "pending"))
        self.assertFalse(tx.moh_dvcqg_bill_number or tx.moh_dvcqg_late_paid_at)
        self.assertEqual(self.dvcqg.sudo().dvcqg_secret, SECRET)
        self.assertEqual(self.dvcqg.sudo().dvcqg_bill_days, 7)
        # Administrators read the receipt and late payment fields, but only the steps write them.
        admin = self.env.ref("base.user_admin")
        for values in ({"moh_dvcqg_bill_number": "BL-FAKE"}, {"moh_dvcqg_late_paid_at": "2026-01-01 00:00:00"}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                tx.with_user(admin).write(values)
