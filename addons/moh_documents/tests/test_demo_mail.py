"""The demo data leaves no e-mail in the outgoing queue: Odoo's mail cron would try to send its
messages to the demo people's example addresses, and Odoo's own mail tests, run on a database
with the addons and their demo, process the whole queue while the addons' models are not loaded
(KeyError on the mail's model)."""

from odoo.tests import TransactionCase, tagged

from .common import MohUsersMixin


@tagged("post_install", "-at_install")
class TestDemoLeavesNoMailQueued(TransactionCase):
    def test_no_mail_outgoing_after_the_demo(self):
        if not self.env.ref("moh_documents.demo_incoming_1", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        Mail = self.env["mail.mail"].sudo()
        queued = Mail.search([("state", "in", ("outgoing", "exception"))])
        self.assertFalse(queued, [(m.model, m.subject) for m in queued])
        # The demo's steps did send their notifications (the chatter keeps them); their e-mails
        # were cancelled, not lost from sight.
        cancelled = Mail.search([("state", "=", "cancel"), ("model", "=like", "moh.%")])
        self.assertTrue(cancelled)
        self.assertEqual(set(cancelled.mapped("failure_reason")), {"Demo data: not sent."})
        self.assertFalse(
            self.env["mail.notification"]
            .sudo()
            .search_count([("mail_mail_id", "in", cancelled.ids), ("notification_status", "=", "ready")])
        )


@tagged("post_install", "-at_install")
class TestStepsQueueTheirMail(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()

    def test_the_steps_still_queue_their_mail(self):
        """Outside the demo's loading the steps' e-mails are queued as before."""
        self.leader.notification_type = "email"
        document = self._moh_new_document()
        document.with_user(self.clerk).action_register()
        document.with_user(self.clerk).action_submit(self.leader)
        queued = (
            self.env["mail.mail"]
            .sudo()
            .search([("state", "=", "outgoing"), ("model", "=", document._name), ("res_id", "=", document.id)])
        )
        self.assertTrue(queued, "the leader is told by e-mail of the document to direct")
