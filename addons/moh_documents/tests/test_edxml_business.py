"""What an edXML message does to the documents it names (Decree 30/2020/NĐ-CP, Art. 18.3-18.4;
QCVN 102:2016): a revocation withdraws the earlier incoming document, an update amends it, a
replacement registers the new one and marks the old replaced; each document received is
acknowledged with status 01; statuses received for our outgoing documents are matched by their
whole DocumentId (agency, date with year, number/notation) and shown on their timeline. Documents
are found by that key, never by their number alone: the tests keep documents with the same number
from another year or another agency beside the target, and check they are left alone.

Messages arrive as the exchange receives them (``_moh_receive``), imported in the name of the
peer's clerk. The real SDK samples are read from ``$MOH_EDXML_SAMPLES``, else from
``shared/samples/edxml`` beside the repository; their tests are skipped when neither is there.
"""

import datetime as dt
import os
import uuid
from pathlib import Path

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
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
    parse_message,
)

from .test_exchange import ExchangeMixin

VPCP = Organization(organ_id="000.00.00.G22", name="Văn phòng Chính phủ")
SENT_AT = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


def _samples_dir():
    configured = os.environ.get("MOH_EDXML_SAMPLES")
    return Path(configured) if configured else Path(__file__).resolve().parents[4] / "shared" / "samples" / "edxml"


@tagged("post_install", "-at_install")
class TestEdxmlBusiness(ExchangeMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_exchange()
        # The sender of the SDK's samples, as a peer whose messages our clerk registers.
        cls.vpcp = cls.env["moh.exchange.peer"].create(
            {
                "name": "Văn phòng Chính phủ",
                "code": VPCP.organ_id,
                "transport": "http",
                "url": "http://127.0.0.1:9/",
                "receiving_user_id": cls.clerk.id,
            }
        )

    # -- helpers --------------------------------------------------------------------------------

    def _sample(self, name):
        path = _samples_dir() / name
        if not path.is_file():
            self.skipTest(f"the edXML sample {name} is not in {path.parent} (set MOH_EDXML_SAMPLES)")
        return path.read_bytes()

    def _receive(self, data, peer=None):
        """The message as the exchange receives it from ``peer`` (imported as the peer's clerk)."""
        with trap_jobs():
            message, already = self.env["moh.exchange.message"]._moh_receive(
                peer or self.vpcp, str(uuid.uuid4()), "edxml", data
            )
        self.assertFalse(already)
        return message

    def _document(
        self,
        number,
        notation,
        day,
        business=None,
        subject="V/v triển khai nhiệm vụ",
        sender=VPCP,
        files=(("cv.txt", b"Noi dung"),),
        **values,
    ):
        message = DocumentMessage(
            sender=sender,
            recipients=(Organization(organ_id="000.00.00.G18", name="Bộ Y tế"),),
            code_number=number,
            code_notation=notation,
            promulgation_date=day,
            document_type=2,
            document_type_name="Công văn",
            subject=subject,
            business=business,
            **values,
        )
        attachments = [Attachment(name=name, data=data, content_type="text/plain") for name, data in files]
        return build_document_message(message, attachments, sent_at=SENT_AT)

    def _received(self, number, notation, day, peer=None, sender=VPCP):
        message = self._receive(self._document(number, notation, day, sender=sender), peer=peer)
        return self.env["moh.incoming.document"].browse(message.res_id)

    def _route(self, doc):
        """Submitted, directed to the drug administration, assigned to its specialist."""
        doc.with_user(self.clerk).action_submit(self.leader)
        assignment = doc.with_user(self.leader).action_direct(self.department_drug, instruction="Xử lý")
        assignment.with_user(self.head).action_assign_specialists(self.specialist)
        self.assertEqual((doc.state, assignment.state), ("in_progress", "in_progress"))
        return assignment

    def _statuses(self, peer=None):
        """(code, DocumentId answered) of every status queued for ``peer``, oldest first."""
        messages = self.env["moh.exchange.message"].search(
            [("direction", "=", "out"), ("kind", "=", "status"), ("peer_id", "=", (peer or self.vpcp).id)], order="id"
        )
        statuses = [parse_message(m._moh_payload_raw()).message for m in messages]
        return [(s.status.value, s.response_for.document_id) for s in statuses]

    def _decoys(self):
        """Documents numbered 7816/VPCP-TTĐT and 7806/VPCP-TTĐT that are not the targets of the SDK's
        samples: other years, another agency. Nothing may touch them."""
        hanoi = Organization(organ_id=self.peer.code, name=self.peer.name)
        decoys = (
            self._received("7816", "VPCP-TTĐT", dt.date(2014, 9, 30))
            | self._received("7816", "VPCP-TTĐT", dt.date(2015, 9, 30), peer=self.peer, sender=hanoi)
            | self._received("7806", "VPCP-TTĐT", dt.date(2015, 1, 30))
            | self._received("7806", "VPCP-TTĐT", dt.date(2014, 2, 28))
        )
        self.assertEqual(set(decoys.mapped("state")), {"registered"})
        return decoys

    # -- status 01 ------------------------------------------------------------------------------

    def test_every_document_received_is_acknowledged_as_delivered_then_registered(self):
        doc = self._received("12", "VPCP-KGVX", dt.date(2026, 11, 20))
        self.assertEqual(doc.state, "registered")
        self.assertEqual(doc.exchange_document_id, "000.00.00.G22,2026/11/20,12/VPCP-KGVX")
        self.assertEqual(self._statuses(), [("01", doc.exchange_document_id), ("03", doc.exchange_document_id)])

    # -- revoke ---------------------------------------------------------------------------------

    def test_the_sdk_revocation_withdraws_the_earlier_document_and_nothing_else(self):
        data = self._sample("edoc_revocation.edxml")
        decoys = self._decoys()
        target = self._received("7816", "VPCP-TTĐT", dt.date(2015, 9, 30))
        assignment = self._route(target)
        before = len(self._statuses())

        message = self._receive(data)

        self.assertEqual(message.record_ref, target)
        self.assertEqual(target.state, "revoked")
        self.assertEqual(assignment.state, "cancelled", "its handling stopped")
        self.assertFalse(target.activity_ids, "nobody is asked to work on it any more")
        self.assertEqual(target.trace_ids[-1].action, "revoke")
        self.assertEqual(target.trace_ids[-1].user_id, self.clerk)
        self.assertTrue(target.number, "it keeps its number and its history")
        # The people it was routed to are told, in their inbox.
        told = target.message_ids.filtered(lambda m: "revoked this document" in (m.body or ""))
        self.assertEqual(len(told), 1, "one message tells them all")
        for user in (self.leader, self.head, self.specialist):
            self.assertIn(user.partner_id, told.partner_ids, user.login)
        # The specialist still reads it (the trail), and can no longer complete it.
        self.assertEqual(target.with_user(self.specialist).state, "revoked")
        with self.assertRaises(UserError):
            assignment.with_user(self.specialist).action_complete("Đã xử lý")
        # The sender is told: 01 for the revocation, then 15 (recall accepted) for its document.
        self.assertEqual(
            self._statuses()[before:],
            [("01", "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"), ("15", "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")],
        )
        self.assertEqual(set(decoys.mapped("state")), {"registered"})
        self.assertFalse(decoys.filtered("exchange_problem"))

    def test_a_revocation_naming_another_agencys_document_is_kept_flagged_and_refused(self):
        hanoi = Organization(organ_id=self.peer.code, name=self.peer.name)
        theirs = self._received("45", "SYT-NVY", dt.date(2026, 11, 18), peer=self.peer, sender=hanoi)
        ours = self._received("45", "SYT-NVY", dt.date(2026, 11, 18))
        Incoming = self.env["moh.incoming.document"]
        count = Incoming.search_count([])
        # The government office (authenticated) revokes a document of the Hanoi department.
        revoke = self._document(
            "45",
            "SYT-NVY",
            dt.date(2026, 11, 18),
            document_id=theirs.exchange_document_id,
            business=Business(DocumentAction.REVOKE, "Thu hồi văn bản điện tử"),
        )
        before = len(self._statuses())
        kept = Incoming.browse(self._receive(revoke).res_id)
        self.assertEqual(Incoming.search_count([]), count + 1, "the message is kept")
        self.assertEqual(kept.state, "draft")
        self.assertIn("names another agency", kept.exchange_problem)
        self.assertEqual(kept.activity_ids.user_id, self.clerk, "put before the records office")
        self.assertEqual((theirs.state, ours.state), ("registered", "registered"))
        self.assertEqual([code for code, _document in self._statuses()[before:]], ["01", "16"])

    def test_a_revocation_of_an_unknown_document_is_kept_flagged_and_refused(self):
        # Same number as a document received, but dated a year earlier: not that document.
        received = self._received("3", "VPCP-TCCV", dt.date(2026, 2, 2))
        revoke = self._document(
            "3", "VPCP-TCCV", dt.date(2025, 2, 2), business=Business(DocumentAction.REVOKE, "Thu hồi văn bản điện tử")
        )
        before = len(self._statuses())
        kept = self.env["moh.incoming.document"].browse(self._receive(revoke).res_id)
        self.assertNotEqual(kept, received)
        self.assertEqual(received.state, "registered")
        self.assertEqual(kept.state, "draft")
        self.assertIn("no document 000.00.00.G22,2025/02/02,3/VPCP-TCCV", kept.exchange_problem)
        self.assertEqual(kept.attachment_ids.raw, b"Noi dung", "nothing of the message is lost")
        self.assertEqual(
            self._statuses()[before:],
            [("01", "000.00.00.G22,2025/02/02,3/VPCP-TCCV"), ("16", "000.00.00.G22,2025/02/02,3/VPCP-TCCV")],
        )

    # -- update ---------------------------------------------------------------------------------

    def test_an_update_amends_the_document_keeps_the_earlier_values_and_the_routing_goes_on(self):
        target = self._received("20", "VPCP-KGVX", dt.date(2026, 11, 2))
        other_year = self._received("20", "VPCP-KGVX", dt.date(2025, 11, 2))
        assignment = self._route(target)
        update = self._document(
            "20",
            "VPCP-KGVX",
            dt.date(2026, 11, 2),
            subject="V/v triển khai nhiệm vụ (sửa đổi thời hạn)",
            priority=1,
            files=(("cv.txt", b"Noi dung"), ("phu-luc.txt", b"Phu luc moi")),
            business=Business(
                DocumentAction.UPDATE, "Cập nhật văn bản điện tử", document_id=target.exchange_document_id
            ),
        )
        before = len(self._statuses())

        self.assertEqual(self._receive(update).record_ref, target)

        self.assertEqual((target.state, assignment.state), ("in_progress", "in_progress"), "the routing goes on")
        self.assertEqual(target.abstract, "V/v triển khai nhiệm vụ (sửa đổi thời hạn)")
        self.assertEqual(target.urgency, "urgent")
        self.assertEqual(sorted(target.attachment_ids.mapped("name")), ["cv.txt", "phu-luc.txt"])
        step = target.trace_ids[-1]
        self.assertEqual((step.action, step.user_id), ("update", self.clerk))
        self.assertIn("V/v triển khai nhiệm vụ →", step.note, "the earlier abstract is kept")
        self.assertEqual(
            self._statuses()[before:], [("01", target.exchange_document_id), ("15", target.exchange_document_id)]
        )
        self.assertEqual(other_year.abstract, "V/v triển khai nhiệm vụ")

    def test_the_sdk_update_names_an_impossible_date_and_is_kept_for_the_clerk(self):
        data = self._sample("edoc_update.edxml")
        decoys = self._decoys()
        before = len(self._statuses())
        kept = self.env["moh.incoming.document"].browse(self._receive(data).res_id)
        self.assertEqual(kept.state, "draft")
        self.assertIn("000.00.00.G22,2014/02/30,7806/VPCP-TTĐT", kept.exchange_problem)
        self.assertEqual(kept.activity_ids.user_id, self.clerk)
        self.assertEqual([code for code, _document in self._statuses()[before:]], ["01", "16"])
        self.assertEqual(set(decoys.mapped("state")), {"registered"})
        self.assertEqual(set(decoys.mapped("abstract")), {"V/v triển khai nhiệm vụ"})

    # -- replace --------------------------------------------------------------------------------

    def test_the_sdk_replacement_registers_the_new_document_and_marks_the_old_replaced(self):
        data = self._sample("edoc_replacement.edxml")
        decoys = self._decoys()
        old = self._received("7806", "VPCP-TTĐT", dt.date(2014, 1, 30))
        assignment = self._route(old)

        new = self.env["moh.incoming.document"].browse(self._receive(data).res_id)

        self.assertEqual(new.number_symbol, "7816/VPCP-TTĐT")
        self.assertTrue(new.number, "registered")
        self.assertEqual((new.replaces_id, old.replaced_by_id), (old, new))
        self.assertEqual(old.state, "replaced")
        self.assertEqual(assignment.state, "cancelled")
        self.assertEqual(old.trace_ids[-1].action, "replace")
        self.assertIn(
            self.specialist.partner_id,
            old.message_ids.filtered(lambda m: "replaced this document" in (m.body or "")).partner_ids,
        )
        # What had reached the leader restarts: the new document goes to the leader who directed the old.
        self.assertEqual((new.state, new.leader_id), ("submitted", self.leader))
        self.assertIn(self.leader, new.activity_ids.user_id)
        self.assertFalse(new.exchange_problem)
        self.assertEqual(set(decoys.mapped("state")), {"registered"})

    # -- statuses for our outgoing documents ------------------------------------------------------

    def _issued(self, number, day, symbol="BYT-QLD"):
        """An outgoing document issued under ``number`` on ``day`` and sent to the Hanoi peer."""
        doc = self.env["moh.outgoing.document"].create(
            {
                "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                "department_id": self.department_drug.id,
                "abstract": "V/v cung ứng thuốc",
                "signer_id": self.leader.id,
            }
        )
        doc.write({"number": number, "year": day.year, "issue_date": day, "state": "issued", "symbol": symbol})
        with trap_jobs():
            self.env["moh.exchange.message"]._moh_enqueue(self.peer, "edxml", b"<edXML/>", record=doc)
        return doc

    def _status(self, document_id, code="03", day=dt.date(2026, 11, 20)):
        return build_status_message(
            StatusMessage(
                sender=Organization(organ_id=self.peer.code, name=self.peer.name),
                response_for=ResponseFor(organ_id="000.00.00.G18", document_id=document_id, promulgation_date=day),
                status=StatusCode(code),
                timestamp=dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC),
                description="Đã vào sổ",
            )
        )

    def test_a_status_is_matched_by_agency_date_and_number_and_shown_on_the_timeline(self):
        this_year = self._issued(15, dt.date(2026, 11, 20))
        last_year = self._issued(15, dt.date(2025, 11, 20))
        self.assertEqual(this_year.exchange_key, "000.00.00.G18,2026/11/20,15/BYT-QLD")
        message = self._receive(self._status("000.00.00.G18,2026/11/20,15/BYT-QLD"), peer=self.peer)
        self.assertEqual(message.record_ref, this_year)
        line = this_year.message_ids[0]
        self.assertIn("accepted and registered (03) at 23/11/2026 09:30", line.body)
        self.assertIn(self.peer.name, line.body)
        self.assertFalse(last_year.message_ids.filtered(lambda m: "(03)" in (m.body or "")))
        # Whoever may read the document reads its timeline: here its drafting unit's specialist.
        self.assertIn(line, this_year.with_user(self.specialist).message_ids)

    def test_a_status_for_an_unknown_document_is_kept_and_flagged_never_matched_by_number(self):
        last_year = self._issued(16, dt.date(2025, 11, 20))
        notes = len(last_year.message_ids)
        # Number 16/BYT-QLD, but of 2026: not the document of 2025.
        with mute_logger("odoo.addons.moh_documents.models.moh_edxml"):
            message = self._receive(self._status("000.00.00.G18,2026/11/20,16/BYT-QLD"), peer=self.peer)
        self.assertFalse(message.res_id)
        self.assertEqual(message.kind, "status")
        self.assertIn("000.00.00.G18,2026/11/20,16/BYT-QLD", message.last_error)
        self.assertTrue(message.payload, "the message is kept")
        self.assertEqual(len(last_year.message_ids), notes)
        # Put before the peer's clerk: a notification in their inbox, about the peer.
        told = (
            self.env["mail.message"]
            .with_user(self.clerk)
            .search([("model", "=", self.peer._name), ("res_id", "=", self.peer.id)])
        )
        self.assertEqual(len(told), 1, "the clerk reads it")
        self.assertIn(self.clerk.partner_id, told.notified_partner_ids)
        self.assertIn("000.00.00.G18,2026/11/20,16/BYT-QLD", told.body)

    def test_the_sdk_statuses_are_each_shown_on_the_document_they_answer(self):
        names = {
            "01": "status_inbox_ 01.edxml",
            "02": "status_rejection_02.edxml",
            "03": "status_acceptance_03.edxml",
            "04": "status_assignment_04.edxml",
            "05": "status_processing_05.edxml",
            "06": "status_finish_06.edxml",
            "15": "status_change-acceptance_15.edxml",
            "16": "status_change-rejection_16.edxml",
        }
        samples = {code: self._sample(name) for code, name in names.items()}
        # The samples answer 7816/VPCP-TTĐT of 2015/09/30 of the government office, sent to Nghệ An.
        self.env.company.moh_agency_code = "000.00.00.G22"
        nghe_an = self.env["moh.exchange.peer"].create(
            {
                "name": "UBND tỉnh Nghệ An",
                "code": "000.00.00.H41",
                "transport": "http",
                "url": "http://127.0.0.1:9/",
                "receiving_user_id": self.clerk.id,
            }
        )
        self.peer = nghe_an
        target = self._issued(7816, dt.date(2015, 9, 30), symbol="VPCP-TTĐT")
        other_year = self._issued(7816, dt.date(2016, 9, 30), symbol="VPCP-TTĐT")
        for code, data in samples.items():
            with self.subTest(code=code):
                self.assertEqual(self._receive(data, peer=nghe_an).record_ref, target)
                self.assertIn(f"({code}) at ", target.message_ids[0].body)
        self.assertFalse(other_year.message_ids.filtered(lambda m: "(03)" in (m.body or "")))
