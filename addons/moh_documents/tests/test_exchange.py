"""The exchange queue: messages to peers wait while a peer is down and are delivered once when it
comes back; a peer's refusal or too many failures make a dead letter that an administrator sends
again; a copy sent after a crash is recognised by its id; a watched folder gets one file per
message; status messages go back automatically to the agency that sent us a document."""

import ast
import datetime as dt
import os
import tempfile

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from moh_core.exchange import Attachment, DocumentMessage, Organization, build_document_message, parse_message
from moh_core.testing.peer import LocalPeer

from .common import ExchangeTestMixin, MohUsersMixin, free_port


class ExchangeMixin(MohUsersMixin, ExchangeTestMixin):
    @classmethod
    def _moh_setup_exchange(cls):
        cls._moh_setup_users()
        cls.env.company.moh_agency_code = "000.00.00.G18"
        cls.port = free_port()
        cls.peer = cls.env["moh.exchange.peer"].create(
            {
                "name": "Sở Y tế Hà Nội",
                "code": "000.00.01.H26",
                "transport": "http",
                "url": f"http://127.0.0.1:{cls.port}/",
                "auth_token": "token-to-peer",
                "inbound_token": "token-from-peer",
                "receiving_user_id": cls.clerk.id,
                "max_attempts": 3,
                "timeout": 5,
            }
        )

    def _enqueue(self, payload=b"<edXML/>", peer=None):
        with trap_jobs() as trap:
            message = self.env["moh.exchange.message"]._moh_enqueue(peer or self.peer, "edxml", payload)
            trap.assert_jobs_count(1, only=message._moh_deliver)
            trap.assert_enqueued_job(
                message._moh_deliver,
                properties={"channel": "root.moh_exchange", "identity_key": f"moh-exchange-{message.message_id}"},
            )
        return message


@tagged("post_install", "-at_install")
class TestExchange(ExchangeMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_exchange()

    def test_peer_down_then_up_delivers_exactly_once(self):
        message = self._enqueue(b"<edXML>1</edXML>")
        self.assertEqual(message.state, "queued")
        # Peer down (nothing listens on its port): the job asks to be retried, the failure is kept.
        self._deliver_expecting_retry(message)
        self.assertEqual((message.state, message.attempts), ("failed", 1))
        self.assertIn("could not be reached", message.last_error)
        with LocalPeer(self.port, token="token-to-peer") as peer:
            self._deliver(message)
            self.assertEqual((message.state, message.attempts), ("sent", 2))
            self.assertTrue(message.sent_at)
            self.assertFalse(message.last_error)
            # The job run again (a retry racing a success): nothing is sent twice.
            self._deliver(message)
            self.assertEqual([d["message_id"] for d in peer.journal.deliveries], [message.message_id])
            self.assertEqual(peer.journal.deliveries[0]["kind"], "edxml")

    def test_crash_after_the_peer_received_is_resent_and_recognised_by_id(self):
        message = self._enqueue()
        with LocalPeer(self.port, token="token-to-peer") as peer:
            # The server dies after the peer answered and before the commit: the job's work is
            # rolled back (as the savepoint is here), the message is still waiting...
            try:
                with self.env.cr.savepoint():
                    self._deliver(message)
                    self.assertEqual(message.state, "sent")
                    raise RuntimeError("killed")
            except RuntimeError:  # pylint: disable=except-pass  # the simulated crash
                pass
            message.invalidate_recordset()
            self.assertEqual(message.state, "queued")
            # ... so the requeued job sends it again; the peer accepts the id only once.
            self._deliver(message)
            self.assertEqual(message.state, "sent")
            self.assertEqual(len(peer.journal.deliveries), 2)
            self.assertEqual(list(peer.journal.accepted), [message.message_id])

    def test_too_many_failures_make_a_dead_letter_that_an_administrator_retries(self):
        message = self._enqueue()
        for _attempt in range(2):
            self._deliver_expecting_retry(message)
        self._deliver(message)  # the third and last allowed attempt: no retry, a dead letter
        self.assertEqual((message.state, message.attempts), ("dead", 3))
        # The administrators are told (the message has no record to put a to-do on: a notification).
        notice = self.env["mail.message"].search(
            [("partner_ids", "in", self.admin.partner_id.id), ("subject", "=", f"Dead letter to {self.peer.name}")]
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(message.message_id, str(notice.body))
        self.assertNotIn(self.clerk.partner_id, notice.partner_ids)
        dead_letters = self.env.ref("moh_documents.action_moh_exchange_dead_letter")
        Message = self.env["moh.exchange.message"].with_user(self.admin)
        self.assertIn(message, Message.search(ast.literal_eval(dead_letters.domain)))
        self.assertEqual(self.peer.with_user(self.admin).dead_count, 1)
        menu = self.env.ref("moh_documents.menu_moh_exchange_dead_letter")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.admin)._visible_menu_ids())
        for user in (self.clerk, self.leader):
            self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())
        # Other roles neither see nor retry it.
        for user in (self.clerk, self.specialist, self.leader):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                message.with_user(user).action_retry()
        with trap_jobs() as trap:
            message.with_user(self.admin).action_retry()
            trap.assert_jobs_count(1, only=message._moh_deliver)
        self.assertEqual((message.state, message.attempts), ("queued", 0))
        with LocalPeer(self.port, token="token-to-peer") as peer:
            self._deliver(message)
        self.assertEqual(message.state, "sent")
        self.assertEqual(list(peer.journal.accepted), [message.message_id])
        with self.assertRaises(UserError):
            message.with_user(self.admin).action_retry()

    def test_a_refusal_by_the_peer_is_a_dead_letter_at_once(self):
        message = self._enqueue()
        with LocalPeer(self.port, token="another-token"):
            self._deliver(message)
        self.assertEqual((message.state, message.attempts), ("dead", 1))
        self.assertIn("401", message.last_error)

    def test_a_server_error_of_the_peer_is_retried(self):
        message = self._enqueue()
        with LocalPeer(self.port, token="token-to-peer") as peer:
            peer.fail_status = 503
            self._deliver_expecting_retry(message)
            self.assertEqual(message.state, "failed")
            peer.fail_status = None
            self._deliver(message)
        self.assertEqual(message.state, "sent")

    def test_watched_folder_gets_one_whole_file_per_message(self):
        with tempfile.TemporaryDirectory() as folder:
            peer = self.env["moh.exchange.peer"].create(
                {
                    "name": "Cổng trao đổi (thư mục)",
                    "code": "000.00.02.H26",
                    "transport": "folder",
                    "folder_path": os.path.join(folder, "outbox"),
                }
            )
            message = self._enqueue(b"<edXML>folder</edXML>", peer=peer)
            self._deliver(message)
            self.assertEqual(message.state, "sent")
            path = os.path.join(folder, "outbox", f"{message.message_id}.edxml")
            with open(path, "rb") as handle:
                self.assertEqual(handle.read(), b"<edXML>folder</edXML>")
            # Sent again (after a crash): the same file is replaced, not a second one added.
            message.sudo().state = "queued"
            self._deliver(message)
            self.assertEqual(os.listdir(os.path.join(folder, "outbox")), [f"{message.message_id}.edxml"])

    def test_an_unwritable_folder_is_retried(self):
        with tempfile.NamedTemporaryFile() as not_a_folder:
            peer = self.env["moh.exchange.peer"].create(
                {
                    "name": "Thư mục hỏng",
                    "code": "000.00.03.H26",
                    "transport": "folder",
                    "folder_path": os.path.join(not_a_folder.name, "outbox"),
                }
            )
            message = self._enqueue(peer=peer)
            self._deliver_expecting_retry(message)
            self.assertEqual(message.state, "failed")

    def test_peer_configuration_is_checked_and_its_tokens_are_for_administrators(self):
        with self.assertRaises(Exception):
            self.env["moh.exchange.peer"].create(
                {"name": "Không địa chỉ", "code": "000.00.09.H26", "transport": "http"}
            )
        # Everyone may pick a peer on a document, nobody but an administrator reads its tokens or edits it.
        self.assertEqual(self.peer.with_user(self.specialist).name, "Sở Y tế Hà Nội")
        with self.assertRaises(AccessError):
            self.peer.with_user(self.clerk).auth_token  # noqa: B018
        with self.assertRaises(AccessError):
            self.peer.with_user(self.clerk).write({"url": "http://example.invalid/"})
        self.assertEqual(self.peer.with_user(self.admin).auth_token, "token-to-peer")
        with self.assertRaises(AccessError):
            self.env["moh.exchange.message"].with_user(self.clerk).search([])

    def test_status_messages_go_back_to_the_agency_that_sent_the_document(self):
        doc = self._moh_new_document(
            channel="edxml", sender_code=self.peer.code, number_symbol="45/SYT-NVY", issue_date="2026-11-20"
        )
        Message = self.env["moh.exchange.message"]
        # As the exchange records it when the peer delivers the document.
        doc.sudo().exchange_peer_id = self.peer
        with trap_jobs() as trap:
            doc.with_user(self.clerk).action_register()
            trap.assert_jobs_count(1)
        doc.with_user(self.clerk).action_submit(self.leader)
        doc.with_user(self.leader).action_leader_return("Thiếu phụ lục")
        doc.with_user(self.clerk).action_submit(self.leader)
        doc.with_user(self.leader).action_direct(self.department_drug, instruction="Xử lý")
        messages = Message.search([("res_model", "=", doc._name), ("res_id", "=", doc.id)], order="id")
        self.assertEqual(messages.mapped("kind"), ["status"] * 3)
        self.assertEqual(set(messages.peer_id), {self.peer})
        statuses = [parse_message(m._moh_payload_raw()).message for m in messages]
        self.assertEqual([s.status.value for s in statuses], ["03", "02", "04"])
        self.assertEqual(statuses[1].description, "Thiếu phụ lục")
        self.assertEqual(statuses[0].response_for.document_id, "000.00.01.H26,2026/11/20,45/SYT-NVY")
        self.assertEqual(statuses[0].sender.organ_id, "000.00.00.G18")
        # Completed by the lead department: 06.
        lead = doc.assignment_ids
        lead.with_user(self.head).action_assign_specialists(self.specialist)
        lead.with_user(self.specialist).action_complete("Đã trả lời bằng văn bản 12/BYT-QLD")
        self.assertEqual(doc.state, "done")
        last = Message.search([("res_model", "=", doc._name), ("res_id", "=", doc.id)], order="id desc", limit=1)
        self.assertEqual(parse_message(last._moh_payload_raw()).message.status.value, "06")

    def test_no_status_message_for_documents_that_did_not_come_by_edxml(self):
        paper = self._moh_new_document(sender_code=self.peer.code)
        unknown = self._moh_new_document(channel="edxml", sender_code="000.00.77.H99", number_symbol="9/X-Y")
        # Typed in by a clerk as if it came by edXML from the peer: the peer never sent it.
        claimed = self._moh_new_document(channel="edxml", sender_code=self.peer.code, number_symbol="46/SYT-NVY")
        documents = paper | unknown | claimed
        documents.with_user(self.clerk).action_register()
        documents[2].with_user(self.clerk).action_submit(self.leader)
        documents[2].with_user(self.leader).action_direct(self.department_drug, instruction="Xử lý")
        self.assertFalse(
            self.env["moh.exchange.message"].search([("res_id", "in", documents.ids), ("res_model", "=", paper._name)])
        )


@tagged("post_install", "-at_install")
class TestExchangeReceiving(ExchangeMixin, HttpCase):
    """Our endpoint for peers: authenticated by the peer's token, each message id imported once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_exchange()

    def _message(self, number="77"):
        message = DocumentMessage(
            sender=Organization(organ_id=self.peer.code, name="Sở Y tế Hà Nội"),
            recipients=(Organization(organ_id="000.00.00.G18", name="Bộ Y tế"),),
            code_number=number,
            code_notation="SYT-NVY",
            promulgation_date=dt.date(2026, 11, 20),
            document_type=2,
            document_type_name="Công văn",
            subject="V/v báo cáo cung ứng thuốc",
        )
        return build_document_message(
            message,
            [Attachment(name="cong-van.txt", data=b"Noi dung", content_type="text/plain")],
            sent_at=dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC),
        )

    def _post(self, data, message_id="msg-1", token="token-from-peer"):
        headers = {"Content-Type": "application/xml"}
        if message_id:
            headers["X-MOH-Message-Id"] = message_id
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.url_open("/moh/exchange/edxml", data=data, headers=headers)

    def test_a_message_is_registered_once_whatever_the_number_of_copies(self):
        Incoming = self.env["moh.incoming.document"]
        count = Incoming.search_count([])
        with trap_jobs():
            first = self._post(self._message())
            self.assertEqual(first.status_code, 200, first.text)
            self.assertEqual(first.json()["status"], "received")
            second = self._post(self._message())
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["status"], "already_received")
        self.assertEqual(Incoming.search_count([]), count + 1)
        document = Incoming.browse(first.json()["id"])
        self.assertEqual(
            (document.channel, document.sender_code, document.number_symbol), ("edxml", self.peer.code, "77/SYT-NVY")
        )
        self.assertEqual(document.state, "registered")
        self.assertIn(self.clerk, document.trace_ids.user_id, "registered in the name of the peer's clerk")
        received = self.env["moh.exchange.message"].search([("direction", "=", "in"), ("message_id", "=", "msg-1")])
        self.assertEqual((received.peer_id, received.record_ref), (self.peer, document))
        # Receipt sends "01 delivered", registration "03 accepted and registered" back to the sender
        # through the queue.
        statuses = self.env["moh.exchange.message"].search(
            [("direction", "=", "out"), ("res_id", "=", document.id), ("res_model", "=", document._name)], order="id"
        )
        self.assertEqual([parse_message(s._moh_payload_raw()).message.status.value for s in statuses], ["01", "03"])

    def test_unauthenticated_incomplete_or_refused_messages_import_nothing(self):
        Incoming = self.env["moh.incoming.document"]
        count = Incoming.search_count([])
        self.assertEqual(self._post(self._message(), token=None).status_code, 401)
        self.assertEqual(self._post(self._message(), token="token-to-peer").status_code, 401)
        self.assertEqual(self._post(self._message(), message_id=None).status_code, 400)
        refused = self._post(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', message_id="msg-bad")
        self.assertEqual(refused.status_code, 422)
        self.assertIn("DOCTYPE", refused.json()["error"])
        self.assertEqual(Incoming.search_count([]), count)
        self.assertFalse(self.env["moh.exchange.message"].search([("message_id", "=", "msg-bad")]))

    def test_an_oversize_message_is_refused(self):
        from moh_core.exchange import DEFAULT_MAX_BYTES

        Incoming = self.env["moh.incoming.document"]
        count = Incoming.search_count([])
        huge = self._message() + b" " * (DEFAULT_MAX_BYTES + 1)
        declared = self._post(huge, message_id="msg-huge")
        self.assertEqual(declared.status_code, 413)
        self.assertIn("too large", declared.json()["error"])

        first = self._message()  # built before the request: the server shares the test's cursor

        def chunks():  # sent without a Content-Length (chunked transfer)
            yield first
            for _i in range(DEFAULT_MAX_BYTES // (1 << 20) + 1):
                yield b" " * (1 << 20)

        import requests

        try:
            chunked = self._post(chunks(), message_id="msg-huge-chunked")
        except requests.exceptions.ConnectionError:  # pylint: disable=except-pass  # refused too
            # The server answered and closed the connection while the sender was still sending:
            # refused at the door too.
            pass
        else:
            # Refused at the door (413) or by the message's own size check before parsing (422).
            self.assertIn(chunked.status_code, (413, 422))
        self.assertEqual(Incoming.search_count([]), count)
        self.assertFalse(self.env["moh.exchange.message"].search([("message_id", "like", "msg-huge")]))
