"""The back office in a real browser (Odoo's tours, headless Chromium): a records clerk registers
a document received on paper, as in the office."""

from odoo.tests import new_test_user, tagged

from .common import BrowserCase


@tagged("post_install", "-at_install")
class TestIncomingRegistrationTour(BrowserCase):
    def test_clerk_registers_a_paper_document(self):
        clerk = new_test_user(
            self.env, login="t_tour_clerk", groups="moh_documents.group_clerk", name="Tour Clerk", tz="Asia/Ho_Chi_Minh"
        )
        self.env["hr.employee"].create(
            {"name": clerk.name, "user_id": clerk.id, "department_id": self.env.ref("moh_documents.dep_office").id}
        )
        # A type of the test's own: its name is the same in every language the clerk may use.
        document_type = self.env["moh.document.type"].create({"name": "Tờ trình kiểm thử"})
        Incoming = self.env["moh.incoming.document"]
        before = Incoming.search([("number_symbol", "=", "2041/SYT-NVY")])

        self.start_tour(
            "/odoo/action-moh_documents.action_moh_incoming_document/new",
            "moh_incoming_registration",
            login=clerk.login,
        )

        document = Incoming.search([("number_symbol", "=", "2041/SYT-NVY")]) - before
        self.assertEqual(len(document), 1)
        self.assertEqual(document.state, "registered")
        self.assertTrue(document.number)
        self.assertEqual(document.sender_name, "Sở Y tế Hà Nội")
        self.assertEqual(str(document.issue_date), "2026-11-30")
        self.assertEqual(document.document_type_id, document_type)
        self.assertEqual(document.create_uid, clerk)
        self.assertEqual(document.register_id.direction, "incoming")
