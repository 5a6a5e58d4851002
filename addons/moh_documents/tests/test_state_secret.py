"""State-secret documents (Mật, Tối mật, Tuyệt mật): their registers and hand-over trail, what a
networked deployment keeps of them, internal delivery, and that they never leave by edXML,
e-mail or the national portal nor show in indicators to people who may not read them (Decree
30/2020/ND-CP, Art. 15.2, 16.3, 22.4; Law 29/2018/QH14, Art. 5.5-5.6; Decree 26/2020/NĐ-CP,
Art. 4). Each rule is tried as the role concerned; the refusals over JSON-RPC."""

import base64
import contextlib

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import MohUsersMixin, RpcAttackMixin

INCOMING = "moh.incoming.document"
OUTGOING = "moh.outgoing.document"
HANDOVER = "moh.secret.handover"
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


@tagged("post_install", "-at_install")
class TestStateSecret(RpcAttackMixin, MohUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        env = cls.env
        cls.company = env.company
        Register = env["moh.document.register"]
        cls.secret_in = Register._moh_secret_register("incoming", cls.company)
        cls.secret_out = Register._moh_secret_register("outgoing", cls.company)
        cls.handover_register = Register._moh_secret_register("handover", cls.company)
        # A second head in the drug department, who is not its manager: no reader of what is
        # delivered to the department's head.
        cls.head2 = new_test_user(
            env,
            login="t_head2",
            groups="moh_documents.group_department_head",
            name="Second Drug Head",
            email="head2@example.com",
        )
        env["hr.employee"].create(
            {"name": cls.head2.name, "user_id": cls.head2.id, "department_id": cls.department_drug.id}
        )
        cls.head.email = "head@example.com"

    @contextlib.contextmanager
    def _refused(self, exception, text):
        """assertRaises (which rolls back to a savepoint, as the request would) and the message."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _rpc(self, *args, **kwargs):
        with mute_logger("odoo.http"):
            return super()._rpc(*args, **kwargs)

    def _secret_outgoing(self, level="confidential", **values):
        """A state-secret outgoing document as the records office enters it (register entry only)."""
        return (
            self.env[OUTGOING]
            .with_user(self.clerk)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "confidentiality": level,
                    "abstract": "V/v kế hoạch dự trữ thuốc quốc gia",
                    "internal_department_ids": [(6, 0, self.department_drug.ids)],
                    **values,
                }
            )
        )

    def _delivered(self, **values):
        doc = self._secret_outgoing(**values)
        doc.with_user(self.clerk).action_register_secret()
        incoming = self.env[INCOMING].sudo().search([("number_symbol", "=", doc.name)])
        self.assertEqual(len(incoming), 1)
        return doc, incoming

    # -- registers ------------------------------------------------------------------------------

    def test_registers_seeded_per_company_with_own_series(self):
        for register in (self.secret_in, self.secret_out, self.handover_register):
            self.assertTrue(register.confidential, register.name)
        company = self.env["res.company"].sudo().create({"name": "Sở Y tế Thử nghiệm"})
        registers = (
            self.env["moh.document.register"]
            .sudo()
            .search([("company_id", "=", company.id), ("confidential", "=", True)])
        )
        self.assertEqual(set(registers.mapped("direction")), {"incoming", "outgoing", "handover"})
        # Outgoing: its own series, and a state-secret document goes nowhere else.
        doc, incoming = self._delivered()
        self.assertEqual((doc.register_id, doc.number, doc.state), (self.secret_out, 1, "issued"))
        self.assertEqual(incoming.register_id, self.secret_in)
        self.assertEqual(incoming.number, 1)
        second, _incoming = self._delivered()
        self.assertEqual(second.number, 2)
        with self.assertRaises(ValidationError):
            self._secret_outgoing(register_id=self.env.ref("moh_documents.register_outgoing").id)
        ordinary = {
            "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
            "department_id": self.department_drug.id,
            "abstract": "Thường",
        }
        with self.assertRaises(ValidationError):
            self.env[OUTGOING].with_user(self.specialist).create({**ordinary, "register_id": self.secret_out.id})
        # The records office creates state-secret entries only; an ordinary document is not
        # entered in the state-secret register.
        with self.assertRaises(AccessError):
            self.env[OUTGOING].with_user(self.clerk).create(ordinary)
        normal = self.env[OUTGOING].with_user(self.specialist).create(ordinary)
        with self.assertRaises(UserError):
            normal.with_user(self.clerk).action_register_secret()
        # Incoming: the state-secret register is chosen for a state-secret document.
        doc = self._moh_new_document(confidentiality="secret")
        self.assertEqual(doc.register_id, self.secret_in)

    def test_only_the_records_office_enters_a_secret_document(self):
        doc = self._secret_outgoing()
        self.assertRpcRefused(self.specialist, OUTGOING, "action_register_secret", [doc.ids])
        self.assertRpcRefused(self.leader, OUTGOING, "action_register_secret", [doc.ids])
        self.assertEqual(doc.state, "draft")
        self.assertFalse(doc.number)
        # The records office creates and edits state-secret drafts only, never other documents.
        ordinary = (
            self.env[OUTGOING]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Thường",
                    "body": "Nội dung",
                }
            )
        )
        self.assertRpcRefused(self.clerk, OUTGOING, "write", [ordinary.ids, {"body": "Sửa"}])
        self.assertRpcRefused(
            self.clerk,
            OUTGOING,
            "create",
            [
                {
                    "document_type_id": ordinary.document_type_id.id,
                    "department_id": self.department_drug.id,
                    "abstract": "Thường",
                }
            ],
        )
        self.assertEqual(ordinary.body, "Nội dung")
        _result, error = self._rpc(self.clerk, OUTGOING, "write", [doc.ids, {"recipients": "- Cục Quản lý Dược"}])
        self.assertFalse(error)

    # -- networked deployment: no content ---------------------------------------------------------

    def test_networked_deployment_keeps_no_text_and_no_file(self):
        self.assertFalse(self.company.moh_secret_isolated)
        pdf = base64.b64encode(b"%PDF-1.4 mat")
        with self._refused(ValidationError, "networked"):
            self._secret_outgoing(body="Nội dung mật")
        with self.assertRaises(ValidationError):
            self._moh_new_document(confidentiality="secret", attachment_ids=[(0, 0, {"name": "mat.pdf", "datas": pdf})])
        doc = self._secret_outgoing(signer_id=self.leader.id, signer_position="THỨ TRƯỞNG")
        incoming = self._moh_new_document(confidentiality="secret")
        for record in (doc, incoming):
            with self.subTest(model=record._name):
                with self.assertRaises(UserError):
                    self.env["ir.attachment"].with_user(self.clerk).create(
                        {"name": "mat.pdf", "datas": pdf, "res_model": record._name, "res_id": record.id}
                    )
                with self.assertRaises(UserError):
                    record.with_user(self.clerk).message_post(body="Tệp", attachments=[("mat.pdf", b"%PDF-1.4")])
        with self.assertRaises(ValidationError):
            doc.with_user(self.clerk).write({"body": "Nội dung mật"})
        # Rendering would store a PDF: refused.
        with self._refused(UserError, "networked"):
            doc.with_user(self.clerk).action_render()
        self.assertFalse(
            self.env["ir.attachment"].sudo().search([("res_model", "=", OUTGOING), ("res_id", "=", doc.id)])
        )
        # Over JSON-RPC as the clerk: the file is refused and nothing is stored.
        self.assertRpcRefused(
            self.clerk,
            "ir.attachment",
            "create",
            [{"name": "mat.pdf", "datas": pdf.decode(), "res_model": INCOMING, "res_id": incoming.id}],
            errors=REFUSED,
        )
        self.assertFalse(
            self.env["ir.attachment"].sudo().search([("res_model", "=", INCOMING), ("res_id", "=", incoming.id)])
        )
        # Nor is a file moved onto it from elsewhere.
        loose = self.env["ir.attachment"].with_user(self.clerk).create({"name": "x.pdf", "datas": pdf})
        self.assertRpcRefused(
            self.clerk, "ir.attachment", "write", [loose.ids, {"res_model": OUTGOING, "res_id": doc.id}], errors=REFUSED
        )
        self.env.invalidate_all()
        self.assertFalse(loose.sudo().res_id)
        # An isolated deployment (declared by its administrator) keeps them.
        self.company.sudo().moh_secret_isolated = True
        incoming.with_user(self.clerk).write({"attachment_ids": [(0, 0, {"name": "mat.pdf", "datas": pdf})]})
        self.assertTrue(incoming.attachment_ids)

    def test_isolation_is_the_administrators_setting(self):
        settings_admin = new_test_user(self.env, login="t_settings", groups="base.group_system", name="Settings")
        for user in (self.clerk, settings_admin):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, "res.company", "write", [self.company.ids, {"moh_secret_isolated": True}])
        self.assertFalse(self.company.moh_secret_isolated)

    def test_top_secret_abstract_only_with_recorded_consent(self):
        with self._refused(ValidationError, "consent"):
            self._secret_outgoing(level="top_secret")
        with self._refused(ValidationError, "consent"):
            self._moh_new_document(confidentiality="top_secret")
        doc = self._secret_outgoing(level="top_secret", abstract=False)
        incoming = self._moh_new_document(confidentiality="top_secret", abstract=False)
        self.assertFalse(doc.abstract)
        # Who recorded the consent and when is the system's to write, never the user's.
        self.assertRpcRefused(
            self.clerk, INCOMING, "write", [incoming.ids, {"abstract_consent_user_id": self.leader.id}]
        )
        incoming.with_user(self.clerk).write({"abstract_consent": True, "abstract": "V/v trích yếu được phép"})
        self.assertEqual(incoming.abstract_consent_user_id, self.clerk)
        self.assertTrue(incoming.abstract_consent_date)
        # Delivered internally without consent: the entry has no abstract either.
        doc.with_user(self.clerk).action_register_secret()
        entry = self.env[INCOMING].sudo().search([("number_symbol", "=", doc.name)])
        self.assertEqual((entry.confidentiality, entry.abstract), ("top_secret", False))
        # The printed register shows its type alone, never a placeholder for the missing abstract.
        wizard = (
            self.env["moh.register.print.wizard"]
            .with_user(self.clerk)
            .create({"register_id": doc.register_id.id, "year": doc.year or fields.Date.today().year})
        )
        column = wizard._type_and_abstract(doc)
        self.assertEqual(column, "Công văn")
        self.assertNotIn("False", column)
        self.assertNotIn(":", column)
        # Other documents still need their abstract.
        with self.assertRaises(ValidationError):
            self._moh_new_document(abstract=False)

    # -- internal delivery ----------------------------------------------------------------------

    def test_internal_delivery_makes_a_secret_entry_for_named_readers(self):
        doc, incoming = self._delivered()
        self.assertEqual(incoming.confidentiality, "confidential")
        self.assertTrue(incoming.register_id.confidential)
        self.assertFalse(incoming.attachment_ids)
        self.assertEqual(incoming.reader_ids, self.clerk | self.head)
        self.assertEqual(incoming.lead_department_id, self.department_drug)
        # The hand-over trail: from the records office to the department's head.
        handover = incoming.handover_ids
        self.assertEqual(len(handover), 1)
        self.assertEqual(
            (handover.from_user_id, handover.to_user_id, handover.register_id, handover.number),
            (self.clerk, self.head, self.handover_register, 1),
        )
        self.assertEqual(handover.confidentiality, "confidential")
        # The department's head reads it; its specialist, its other head and a leader not granted do not.
        result, error = self._rpc(self.head, INCOMING, "read", [incoming.ids, ["abstract"]])
        self.assertFalse(error)
        self.assertEqual(result[0]["abstract"], doc.abstract)
        for user in (self.specialist, self.head2, self.leader):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, INCOMING, "read", [incoming.ids, ["abstract"]])
                found, error = self._rpc(user, INCOMING, "search_read", [[("id", "=", incoming.id)], ["abstract"]])
                self.assertFalse(error)
                self.assertFalse(found)
                found, error = self._rpc(
                    user, "moh.document.assignment", "search_read", [[("document_id", "=", incoming.id)], ["state"]]
                )
                self.assertFalse(found)
        # When the head hands it to the specialist, the hand-over is entered and the specialist reads it.
        incoming.assignment_ids.with_user(self.head).action_assign_specialists(self.specialist)
        self.assertEqual(
            incoming.handover_ids.filtered(lambda h: h.to_user_id == self.specialist).from_user_id, self.head
        )
        result, error = self._rpc(self.specialist, INCOMING, "read", [incoming.ids, ["abstract"]])
        self.assertFalse(error)

    def test_handover_trail_signed_for_by_its_recipient(self):
        _doc, incoming = self._delivered()
        handover = incoming.handover_ids
        # Only the records office and the two people concerned read it.
        self.assertRpcRefused(self.specialist, HANDOVER, "read", [handover.ids, ["document_reference"]])
        self.assertRpcRefused(self.specialist, HANDOVER, "action_confirm_receipt", [handover.ids])
        self.assertRpcRefused(self.clerk, HANDOVER, "write", [handover.ids, {"received": True}])
        self.assertRpcRefused(
            self.specialist,
            HANDOVER,
            "create",
            [{"document_reference": "x", "confidentiality": "confidential", "to_name": "Ai đó"}],
        )
        self.assertFalse(handover.received)
        _result, error = self._rpc(self.head, HANDOVER, "action_confirm_receipt", [handover.ids])
        self.assertFalse(error)
        self.assertTrue(handover.received)
        self.assertEqual(handover.received_by_id, self.head)
        # A hand-over on paper to another agency, entered by the records office, numbered next.
        paper = (
            self.env[HANDOVER]
            .with_user(self.clerk)
            .create(
                {
                    "document_reference": incoming.name,
                    "confidentiality": "confidential",
                    "to_name": "Bộ Công an - Văn thư",
                    "incoming_document_id": incoming.id,
                }
            )
        )
        self.assertEqual((paper.number, paper.from_user_id), (2, self.clerk))
        paper.with_user(self.clerk).action_confirm_receipt()
        self.assertTrue(paper.received)
        # The register prints.
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.clerk)
            ._render_qweb_html("moh_documents.report_secret_handover", (handover | paper).ids)
        )
        self.assertIn("Bộ Công an - Văn thư", html.decode())
        self.assertIn("SỔ CHUYỂN GIAO", html.decode())

    # -- never by edXML, e-mail or the national portal -------------------------------------------

    def test_edxml_mail_and_portal_refuse_state_secrets(self):
        doc, incoming = self._delivered()
        with self._refused(UserError, "edXML"):
            doc.with_user(self.clerk).action_export_edxml()
        peer = (
            self.env["moh.exchange.peer"]
            .sudo()
            .create(
                {
                    "name": "Sở Y tế Hà Nam",
                    "code": "000.00.00.H35",
                    "transport": "folder",
                    "folder_path": "/nonexistent",
                }
            )
        )
        doc.sudo().exchange_peer_ids = peer
        with self._refused(UserError, "edXML"):
            doc.with_user(self.clerk).action_send_edxml()
        portal = self.env["moh.exchange.peer"]._moh_portal(self.company) or peer
        with self.assertRaises(UserError):
            self.env["moh.exchange.message"]._moh_enqueue(portal, "portal_event", b"{}", record=incoming)
        self.assertFalse(
            self.env["moh.exchange.message"]
            .sudo()
            .search([("res_model", "in", (INCOMING, OUTGOING)), ("res_id", "in", (doc.id, incoming.id))])
        )
        # E-mail: nobody outside the agency, no mass mailing, no notification by e-mail.
        outsider = self.env["res.partner"].create({"name": "Báo chí", "email": "press@example.com"})
        with self._refused(UserError, "outside"):
            incoming.with_user(self.head).message_post(body="Gửi", partner_ids=outsider.ids)
        self.assertRpcRefused(
            self.head,
            INCOMING,
            "message_post",
            [incoming.ids],
            {"body": "Gửi", "partner_ids": outsider.ids},
            errors=REFUSED,
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.clerk)
            .with_context(default_model=OUTGOING, default_res_ids=doc.ids, default_composition_mode="mass_mail")
            .create({"subject": "Văn bản", "body": "Xem"})
        )
        with self._refused(UserError, "e-mail"):
            composer._action_send_mail()
        self.head.notification_type = "email"
        mails = self.env["mail.mail"].sudo().search([]).ids
        message = incoming.sudo().message_post(
            body="Nhắc", partner_ids=self.head.partner_id.ids, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertIn(self.head.partner_id, message.partner_ids)
        self.assertFalse(self.env["mail.mail"].sudo().search([("id", "not in", mails)]))

    # -- indicators, digests, exports -------------------------------------------------------------

    def test_indicators_and_digest_hide_state_secrets(self):
        _doc, incoming = self._delivered()
        self.env.flush_all()
        domain = [("res_model", "=", INCOMING), ("res_id", "=", incoming.id)]
        # The department's head is a named reader: the item is his, without the reference.
        found, error = self._rpc(self.head, "moh.kpi.item", "search_read", [domain, ["name"]])
        self.assertFalse(error)
        self.assertEqual([row["name"] for row in found], ["***"])
        # The other head of the department and a ministry leader are not: nothing, whichever way.
        item = self.env["moh.kpi.item"].search(domain)
        for user in (self.head2, self.leader):
            with self.subTest(user=user.login):
                found, error = self._rpc(user, "moh.kpi.item", "search_read", [domain, ["name"]])
                self.assertFalse(error)
                self.assertFalse(found)
                self.assertRpcRefused(user, "moh.kpi.item", "read", [item.ids, ["name"]])
                self.assertRpcRefused(user, "moh.kpi.item", "action_open_source", [item.ids])
                exported, error = self._rpc(user, "moh.kpi.item", "export_data", [item.ids, ["name", "deadline"]])
                self.assertTrue(error or not exported["datas"])
                groups, error = self._rpc(user, "moh.kpi.item", "formatted_read_group", [domain, [], ["__count"]])
                self.assertFalse(error)
                self.assertEqual(groups[0]["__count"] if groups else 0, 0)
        # The digest (an e-mail) never lists it, not even to its reader.
        incoming.assignment_ids.sudo().deadline = "2020-01-02"
        incoming.sudo().deadline = "2020-01-02"
        self.env.flush_all()
        before = self.env["mail.mail"].sudo().search([]).ids
        self.env["moh.kpi.digest"]._cron_moh_daily_digest()
        digests = self.env["mail.mail"].sudo().search([("id", "not in", before)])
        self.assertTrue(digests.filtered(lambda m: self.head.partner_id in m.recipient_ids))
        for mail in digests:
            self.assertNotIn(f"{INCOMING}/{incoming.id}'", mail.body_html)
