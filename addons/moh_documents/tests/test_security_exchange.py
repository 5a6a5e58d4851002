"""The exchange as an attacker uses it: an authenticated peer naming another sender, a peer
answering a document never sent to it, and users (a fresh portal sign-up, employees) calling the
exchange's methods over JSON-RPC."""

import base64
import datetime as dt

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from moh_core.exchange import (
    Attachment,
    Business,
    DocumentAction,
    DocumentMessage,
    Organization,
    ResponseFor,
    StatusCode,
    StatusMessage,
    build_document_message,
    build_status_message,
)

from .common import RpcAttackMixin
from .test_exchange import ExchangeMixin

GOVERNMENT_OFFICE = Organization(organ_id="000.00.00.G01", name="Văn phòng Chính phủ")


@tagged("post_install", "-at_install")
class TestSecurityExchange(ExchangeMixin, RpcAttackMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_exchange()
        cls.signup = new_test_user(cls.env, login="t_signup", groups="base.group_portal", name="Fresh Sign-up")

    # -- helpers --------------------------------------------------------------------------------

    def _rpc(self, *args, **kwargs):
        # The server logs each refusal as a warning naming the model: expected here.
        with mute_logger("odoo.http"):
            return super()._rpc(*args, **kwargs)

    def _document(self, sender, number="88"):
        message = DocumentMessage(
            sender=sender,
            recipients=(Organization(organ_id="000.00.00.G18", name="Bộ Y tế"),),
            code_number=number,
            code_notation="VPCP-KGVX",
            promulgation_date=dt.date(2026, 11, 20),
            document_type=2,
            document_type_name="Công văn",
            subject="V/v triển khai gấp",
        )
        return build_document_message(
            message,
            [Attachment(name="cv.txt", data=b"Noi dung", content_type="text/plain")],
            sent_at=dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC),
        )

    def _status(self, outgoing, sender=None):
        code = f"{outgoing.number:02d}/{outgoing.symbol}"
        status = StatusMessage(
            sender=sender or Organization(organ_id=self.peer.code, name=self.peer.name),
            response_for=ResponseFor(
                organ_id="000.00.00.G18",
                document_id=f"000.00.00.G18,2026/11/20,{code}",
                code=code,
                promulgation_date=dt.date(2026, 11, 20),
            ),
            status=StatusCode("03"),
            timestamp=dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC),
            description="Đã vào sổ",
        )
        return build_status_message(status)

    def _post(self, data, message_id):
        return self.url_open(
            "/moh/exchange/edxml",
            data=data,
            headers={
                "Content-Type": "application/xml",
                "X-MOH-Message-Id": message_id,
                "Authorization": "Bearer token-from-peer",
            },
        )

    def _outgoing(self, number):
        """An outgoing document bearing a number (written as the system: its content does not
        matter here, only that the peer answers it)."""
        return self.env["moh.outgoing.document"].create(
            {
                "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                "department_id": self.department_drug.id,
                "abstract": "V/v cung ứng thuốc",
                "signer_id": self.leader.id,
                "number": number,
                "year": 2026,
                "issue_date": dt.date(2026, 11, 20),
            }
        )

    # -- a peer names another sender --------------------------------------------------------------

    def test_a_peer_naming_another_sender_is_refused_and_nothing_is_registered(self):
        Incoming = self.env["moh.incoming.document"]
        count = Incoming.search_count([])
        with self.assertLogs("odoo.addons.moh_documents.models.moh_edxml", "WARNING") as logs:
            response = self._post(self._document(GOVERNMENT_OFFICE), "spoof-1")
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn(self.peer.code, response.json()["error"])
        self.assertIn("000.00.00.G01", response.json()["error"])
        self.assertTrue(any("spoof-1" in line and self.peer.code in line for line in logs.output))
        self.assertEqual(Incoming.search_count([]), count)
        self.assertFalse(Incoming.search([("sender_code", "=", "000.00.00.G01")]))
        self.assertFalse(self.env["moh.exchange.message"].search([("message_id", "=", "spoof-1")]))

    def test_the_sender_is_the_peer_not_the_name_the_message_gives(self):
        claimed = Organization(organ_id=self.peer.code, name="Văn phòng Chính phủ")
        with trap_jobs():
            response = self._post(self._document(claimed, number="89"), "own-1")
        self.assertEqual(response.status_code, 200, response.text)
        document = self.env["moh.incoming.document"].browse(response.json()["id"])
        self.assertEqual((document.sender_code, document.sender_name), (self.peer.code, self.peer.name))

    def test_a_file_imported_by_hand_keeps_its_stated_sender_marked_as_not_verified(self):
        data = base64.b64encode(self._document(GOVERNMENT_OFFICE, number="90")).decode()
        # Only the records office imports files.
        for user in (self.signup, self.specialist):
            with self.subTest(user=user.login):
                self.assertRpcRefused(
                    user, "moh.edxml.import.wizard", "create", [{"file": data, "filename": "cv.edxml"}]
                )
        wizard_id, error = self._rpc(
            self.clerk, "moh.edxml.import.wizard", "create", [{"file": data, "filename": "cv.edxml"}]
        )
        self.assertIsNone(error)
        with trap_jobs():
            action, error = self._rpc(self.clerk, "moh.edxml.import.wizard", "action_import", [[wizard_id]])
        self.assertIsNone(error)
        document = self.env["moh.incoming.document"].browse(action["res_id"])
        self.assertEqual(document.sender_code, "000.00.00.G01")
        self.assertIn("not verified", document.message_ids[0].body)
        self.assertIn(self.clerk.name, document.message_ids[0].body)

    # -- revocations (Decree 30, Art. 18.3-18.4) ----------------------------------------------------

    def _import_file(self, user, data):
        wizard_id, error = self._rpc(
            user,
            "moh.edxml.import.wizard",
            "create",
            [{"file": base64.b64encode(data).decode(), "filename": "cv.edxml"}],
        )
        self.assertIsNone(error)
        with trap_jobs():
            action, error = self._rpc(user, "moh.edxml.import.wizard", "action_import", [[wizard_id]])
        self.assertIsNone(error)
        return self.env["moh.incoming.document"].browse(action["res_id"])

    def test_the_records_office_imports_a_revocation_and_nobody_revokes_by_hand(self):
        target = self._import_file(self.clerk, self._document(GOVERNMENT_OFFICE, number="91"))
        self.assertEqual(target.state, "registered")
        # Nobody sets the exchange's fields or the new states by hand, the clerk included.
        for vals in (
            {"state": "revoked"},
            {"state": "replaced"},
            {"exchange_problem": "x"},
            {"replaced_by_id": target.id},
            {"exchange_key": "000.00.00.G01,2026/11/20,1/X"},
            {"exchange_document_id": "000.00.00.G01,2026/11/20,1/X"},
        ):
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.clerk, "moh.incoming.document", "write", [[target.id], vals])
        target.invalidate_recordset()
        self.assertEqual((target.state, target.exchange_problem), ("registered", False))
        # The file of the sending agency revoking it: imported by the clerk, the document is revoked.
        message = DocumentMessage(
            sender=GOVERNMENT_OFFICE,
            recipients=(Organization(organ_id="000.00.00.G18", name="Bộ Y tế"),),
            code_number="91",
            code_notation="VPCP-KGVX",
            promulgation_date=dt.date(2026, 11, 20),
            document_type=2,
            subject="V/v triển khai gấp",
            business=Business(DocumentAction.REVOKE, "Thu hồi văn bản điện tử"),
        )
        revocation = build_document_message(message, [], sent_at=dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC))
        for user in (self.signup, self.specialist):
            with self.subTest(user=user.login):
                self.assertRpcRefused(
                    user,
                    "moh.edxml.import.wizard",
                    "create",
                    [{"file": base64.b64encode(revocation).decode(), "filename": "r.edxml"}],
                )
        self.assertEqual(self._import_file(self.clerk, revocation), target)
        target.invalidate_recordset()
        self.assertEqual(target.state, "revoked")
        self.assertEqual(target.trace_ids[-1].user_id, self.clerk)

    def test_only_the_records_office_revokes_an_outgoing_document(self):
        outgoing = self._outgoing(4545)
        outgoing.write({"state": "issued"})
        for user in (self.signup, self.specialist, self.leader):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, "moh.outgoing.document", "action_revoke", [[outgoing.id], "Sai"])
        outgoing.invalidate_recordset()
        self.assertEqual(outgoing.state, "issued")
        # Nor does anyone set the state by hand, the clerk included.
        self.assertRpcRefused(self.clerk, "moh.outgoing.document", "write", [[outgoing.id], {"state": "revoked"}])
        outgoing.invalidate_recordset()
        self.assertEqual(outgoing.state, "issued")

    # -- status messages ----------------------------------------------------------------------------

    def test_a_status_for_a_document_never_sent_to_the_peer_is_kept_and_attached_to_nothing(self):
        outgoing = self._outgoing(4242)
        notes = len(outgoing.message_ids)
        with self.assertLogs("odoo.addons.moh_documents.models.moh_edxml", "WARNING") as logs:
            response = self._post(self._status(outgoing), "status-1")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertFalse(response.json()["id"], "attached to no document")
        self.assertTrue(any("status-1" in line and self.peer.code in line for line in logs.output))
        outgoing.invalidate_recordset()
        self.assertEqual(len(outgoing.message_ids), notes, "nothing noted on the document")
        # Kept, with the reason, and put before the peer's clerk (who learns nothing of the document).
        kept = self.env["moh.exchange.message"].search([("message_id", "=", "status-1"), ("direction", "=", "in")])
        self.assertIn(f"{outgoing.number}/{outgoing.symbol}", kept.last_error)
        self.assertFalse(kept.res_id)
        told = self.env["mail.message"].search([("model", "=", self.peer._name), ("res_id", "=", self.peer.id)])
        self.assertIn(self.clerk.partner_id, told.notified_partner_ids)
        # Sent to another peer only: still attached to nothing.
        other = self.env["moh.exchange.peer"].create(
            {"name": "Sở Y tế Huế", "code": "000.00.01.H57", "transport": "http", "url": "http://127.0.0.1:9/"}
        )
        with trap_jobs():
            self.env["moh.exchange.message"]._moh_enqueue(other, "edxml", b"<edXML/>", record=outgoing)
        with self.assertLogs("odoo.addons.moh_documents.models.moh_edxml", "WARNING"):
            self.assertFalse(self._post(self._status(outgoing), "status-2").json()["id"])
        outgoing.invalidate_recordset()
        self.assertEqual(len(outgoing.message_ids), notes)
        # Once sent to this peer by edXML, its answer is noted.
        with trap_jobs():
            self.env["moh.exchange.message"]._moh_enqueue(self.peer, "edxml", b"<edXML/>", record=outgoing)
        response = self._post(self._status(outgoing), "status-3")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual((response.json()["record"], response.json()["id"]), (outgoing._name, outgoing.id))
        outgoing.invalidate_recordset()
        self.assertIn(self.peer.name, outgoing.message_ids[0].body)

    def test_a_status_naming_another_sender_is_refused(self):
        outgoing = self._outgoing(4343)
        with trap_jobs():
            self.env["moh.exchange.message"]._moh_enqueue(self.peer, "edxml", b"<edXML/>", record=outgoing)
        notes = len(outgoing.message_ids)
        with self.assertLogs("odoo.addons.moh_documents.models.moh_edxml", "WARNING"):
            response = self._post(self._status(outgoing, sender=GOVERNMENT_OFFICE), "status-spoof")
        self.assertEqual(response.status_code, 422, response.text)
        outgoing.invalidate_recordset()
        self.assertEqual(len(outgoing.message_ids), notes)

    # -- the exchange's methods over JSON-RPC -------------------------------------------------------

    def test_a_fresh_sign_up_reads_no_payload(self):
        with trap_jobs():
            message = self.env["moh.exchange.message"]._moh_enqueue(
                self.peer, "edxml", b"<edXML>secret tax code</edXML>"
            )
        for method in ("payload_raw", "_moh_payload_raw", "read"):
            with self.subTest(method=method):
                args = [[message.id]] + ([["payload"]] if method == "read" else [])
                result, error = self._rpc(self.signup, "moh.exchange.message", method, args)
                self.assertIsNone(result)
                self.assertTrue(error, f"{method} answered")
                self.assertIn(
                    error,
                    ("odoo.exceptions.AccessError", "odoo.exceptions.MissingError", "builtins.AttributeError"),
                    error,
                )
        # Employees of the e-office other than administrators neither.
        for user in (self.clerk, self.leader):
            result, error = self._rpc(user, "moh.exchange.message", "_moh_payload_raw", [[message.id]])
            self.assertIsNone(result)
            self.assertEqual(error, "odoo.exceptions.AccessError")

    def test_the_exchange_steps_check_the_caller_first(self):
        with trap_jobs():
            message = self.env["moh.exchange.message"]._moh_enqueue(self.peer, "edxml", b"<edXML/>")
        message.write({"state": "dead", "attempts": 3})
        token = self.peer.inbound_token
        for user in (self.signup, self.clerk, self.leader):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, "moh.exchange.peer", "action_new_inbound_token", [[self.peer.id]])
                self.assertRpcRefused(user, "moh.exchange.message", "action_retry", [[message.id]])
        self.peer.invalidate_recordset()
        message.invalidate_recordset()
        self.assertEqual(self.peer.inbound_token, token)
        self.assertEqual((message.state, message.attempts), ("dead", 3))
        # The administrator may.
        self._rpc(self.admin, "moh.exchange.peer", "action_new_inbound_token", [[self.peer.id]])
        self.peer.invalidate_recordset()
        self.assertNotEqual(self.peer.inbound_token, token)
