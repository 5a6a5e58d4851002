"""Exchange with other agencies as edXML: an issued document round-trips (export, import as a
registered incoming document, signatures still valid), status messages are noted, hostile or
repeated messages import nothing."""

import datetime as dt

import pytz
from odoo.exceptions import UserError
from odoo.tests import tagged

from moh_core.exchange import Organization, ResponseFor, StatusCode, StatusMessage, build_status_message, parse_message

from .test_outgoing_signing import OutgoingSigningCase


@tagged("post_install", "-at_install")
class TestEdxmlExchange(OutgoingSigningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.moh_agency_code = "000.00.00.G18"
        cls._moh_test_seal("Con dấu (kiểm thử)")

    def setUp(self):
        super().setUp()
        self.issued = self._issued()

    def test_round_trip_keeps_the_document_and_its_signatures(self):
        data = self.env["moh.edxml"]._moh_export(self.issued)
        parsed = parse_message(data)
        self.assertEqual(parsed.message.code_notation, self.issued.symbol)
        self.assertEqual(int(parsed.message.code_number), self.issued.number)
        self.assertEqual(parsed.message.promulgation_date, self.issued.issue_date)
        self.assertEqual(parsed.message.subject, self.issued.abstract)
        self.assertEqual(parsed.attachments[0].content, self.issued.pdf_id.raw)

        incoming = self.env["moh.edxml"].with_user(self.clerk)._moh_import(data)
        self.assertEqual(incoming._name, "moh.incoming.document")
        self.assertEqual(incoming.channel, "edxml")
        self.assertEqual(incoming.sender_code, "000.00.00.G18")
        self.assertEqual(incoming.number_symbol, f"{self.issued.number:02d}/{self.issued.symbol}")
        self.assertEqual(incoming.issue_date, self.issued.issue_date)
        self.assertEqual(incoming.document_type_id, self.issued.document_type_id)
        self.assertEqual(incoming.abstract, self.issued.abstract)
        self.assertTrue(incoming.number, "registered in the incoming register")
        self.assertEqual(incoming.attachment_ids.raw, self.issued.pdf_id.raw)
        # Stored as what its content is, so that it is validated and served as a PDF.
        self.assertEqual(incoming.attachment_ids.mimetype, "application/pdf")
        checks = (
            self.env["moh.signature.validation"]
            .sudo()
            .search([("res_model", "=", incoming._name), ("res_id", "=", incoming.id)])
        )
        self.assertEqual(set(checks.mapped("field_name")), {"signer", "seal"})
        self.assertTrue(all(checks.mapped("valid")), checks.mapped("explanation"))
        # The same message again: refused, nothing more imported.
        count = self.env["moh.incoming.document"].search_count([])
        with self.assertRaises(UserError):
            self.env["moh.edxml"].with_user(self.clerk)._moh_import(data)
        self.assertEqual(self.env["moh.incoming.document"].search_count([]), count)

    def test_hostile_or_broken_messages_import_nothing(self):
        count = self.env["moh.incoming.document"].search_count([])
        xxe = (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<edXMLEnvelope xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&e;</edXMLEnvelope>'
        )
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>'
        )
        for data in (xxe, laughs, b"<not-closed>", b"%PDF-1.4 not xml", b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>"):
            with self.subTest(data=data[:30]), self.assertRaises(UserError) as refusal:
                self.env["moh.edxml"].with_user(self.clerk)._moh_import(data)
            self.assertIn("nothing was imported", str(refusal.exception))
        self.assertEqual(self.env["moh.incoming.document"].search_count([]), count)

    def test_status_message_is_noted_on_the_outgoing_document(self):
        document_id = f"000.00.00.G18,{self.issued.issue_date:%Y/%m/%d},{self.issued.number:02d}/{self.issued.symbol}"
        status = StatusMessage(
            sender=Organization(organ_id="000.00.01.H26", name="Sở Y tế Hà Nội"),
            response_for=ResponseFor(
                organ_id="000.00.00.G18",
                document_id=document_id,
                code=f"{self.issued.number:02d}/{self.issued.symbol}",
                promulgation_date=self.issued.issue_date,
            ),
            status=StatusCode("03"),
            timestamp=pytz.timezone("Asia/Ho_Chi_Minh").localize(dt.datetime(2026, 11, 23, 9, 30)),
            description="Đã vào sổ văn bản đến",
        )
        record = self.env["moh.edxml"].with_user(self.clerk)._moh_import(build_status_message(status))
        self.assertEqual(record, self.issued)
        self.assertIn("Sở Y tế Hà Nội", self.issued.message_ids[0].body)

    def test_the_records_office_revokes_an_issued_document_which_is_then_frozen(self):
        """Decree 30, Art. 18.3-18.4: the sender revokes; every agency it was sent to is told."""
        from odoo.addons.queue_job.tests.common import trap_jobs
        from odoo.exceptions import AccessError

        from moh_core.exchange import DocumentAction

        peer = self.env["moh.exchange.peer"].create(
            {"name": "Sở Y tế Hà Nội", "code": "000.00.01.H26", "transport": "http", "url": "http://127.0.0.1:9/"}
        )
        self.issued.sudo().exchange_peer_ids = peer
        with trap_jobs():
            sent = self.issued.with_user(self.clerk).action_send_edxml()
        with self.assertRaises(AccessError):
            self.issued.with_user(self.specialist).action_revoke("Sai nội dung")
        self.assertEqual(self.issued.state, "issued")
        with trap_jobs() as trap:
            revocation = self.issued.with_user(self.clerk).action_revoke("Sai nội dung")
            trap.assert_jobs_count(1)
        self.assertEqual(self.issued.state, "revoked")
        self.assertEqual(revocation.peer_id, peer)
        first = parse_message(sent.sudo()._moh_payload_raw()).message
        message = parse_message(revocation.sudo()._moh_payload_raw()).message
        self.assertEqual(message.action, DocumentAction.REVOKE)
        self.assertEqual(message.business.reason, "Sai nội dung")
        self.assertEqual(message.document_id, first.document_id, "it names the document as it was sent")
        # Frozen: neither changed nor sent again, nor revoked twice.
        with self.assertRaises(UserError):  # AccessError is one too
            self.issued.with_user(self.clerk).write({"abstract": "Sửa sau khi thu hồi"})
        with self.assertRaises(UserError):
            self.issued.with_user(self.clerk).action_send_edxml()
        with self.assertRaises(UserError):
            self.issued.with_user(self.clerk).action_revoke()
        self.assertEqual(self.issued.sudo().exchange_message_ids, sent | revocation)

    def test_the_records_office_sends_the_issued_document_to_peers_through_the_queue(self):
        from odoo.addons.queue_job.tests.common import trap_jobs
        from odoo.exceptions import AccessError

        peers = self.env["moh.exchange.peer"].create(
            [
                {"name": "Sở Y tế Hà Nội", "code": "000.00.01.H26", "transport": "http", "url": "http://127.0.0.1:9/"},
                {
                    "name": "Sở Y tế Huế",
                    "code": "000.00.01.H57",
                    "transport": "folder",
                    "folder_path": "/nonexistent/outbox",
                },
            ]
        )
        self.issued.sudo().exchange_peer_ids = peers
        with self.assertRaises(AccessError):
            self.issued.with_user(self.specialist).action_send_edxml()
        with trap_jobs() as trap:
            messages = self.issued.with_user(self.clerk).action_send_edxml()
            trap.assert_jobs_count(2)
        self.assertEqual(messages.mapped("kind"), ["edxml", "edxml"])
        self.assertEqual(messages.peer_id, peers)
        self.assertEqual(len(set(messages.mapped("message_id"))), 2)
        for message in messages:
            parsed = parse_message(message.sudo()._moh_payload_raw())
            self.assertEqual([r.organ_id for r in parsed.message.recipients], [message.peer_id.code])
            self.assertEqual(parsed.attachments[0].content, self.issued.pdf_id.raw)
        self.assertEqual(self.issued.sudo().exchange_message_ids, messages)
