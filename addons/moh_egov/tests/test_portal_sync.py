"""National portal sync: every change of a dossier's status becomes one event for the portal, in
the same transaction, queued in order; the events wait while the portal is down and each is
delivered once when it comes back."""

import json
import os

from odoo.addons.moh_documents.tests.common import ExchangeTestMixin, free_port
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from moh_core.exchange.transport import parse_portal_event
from moh_core.testing.peer import LocalPeer

from .common import EgovCase


@tagged("post_install", "-at_install")
class TestPortalSync(ExchangeTestMixin, EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.business_a.vat = "0101234567"
        cls.port = free_port()
        # This test's portal stands in for the one configured (one per agency).
        cls.env["moh.exchange.peer"].search([("national_portal", "=", True)]).active = False
        cls.portal_peer = cls.env["moh.exchange.peer"].create(
            {
                "name": "Cổng Dịch vụ công quốc gia (thử nghiệm)",
                "code": "DVCQG",
                "national_portal": True,
                "transport": "http",
                "url": f"http://127.0.0.1:{cls.port}/",
                "auth_token": "portal-token",
                "timeout": 5,
            }
        )

    def _events(self, dossier):
        return self.env["moh.exchange.message"].search(
            [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("kind", "=", "portal_event")],
            order="sequence",
        )

    def test_every_status_change_is_one_event_with_the_portal_fields(self):
        if not self.provider:
            self.skipTest("payment_demo is not installed")
        with trap_jobs() as trap:
            dossier = self._submitted()
            trap.assert_jobs_count(1)
        self._pay(dossier)
        dossier.with_user(self.onestop).action_accept()
        dossier.with_user(self.onestop).action_assign()
        events = self._events(dossier)
        self.assertEqual(events.mapped("sequence"), [1, 2, 3])
        self.assertEqual(set(events.peer_id), {self.portal_peer})
        bodies = [parse_portal_event(event._moh_payload_raw()) for event in events]
        self.assertEqual([b["status_code"] for b in bodies], ["submitted", "received", "processing"])
        self.assertEqual([b["previous_status_code"] for b in bodies], ["draft", "submitted", "received"])
        self.assertEqual([b["event_id"] for b in bodies], events.mapped("message_id"))
        last = bodies[-1]
        self.assertEqual(last["dossier_code"], dossier.code)
        self.assertEqual(last["procedure_code"], "T.000001")
        self.assertEqual(last["agency_code"], "000.00.04.G18")
        self.assertEqual(last["applicant"]["name"], "Công ty TNHH Mỹ phẩm A")
        self.assertEqual(last["applicant"]["identification"], "0101234567")
        self.assertEqual(last["due_date"], dossier.deadline.isoformat())
        self.assertEqual(last["processing_unit"], self.department_drug.name)
        self.assertTrue(last["received_at"].endswith("+07:00"))
        self.assertIsNone(last["completed_at"])

    def test_the_portal_down_then_up_gets_each_event_once_and_in_order(self):
        dossier = self._submitted()
        dossier.with_user(self.onestop).action_refuse("Hồ sơ không thuộc thẩm quyền")
        events = self._events(dossier)
        self.assertEqual(len(events), 2)
        for event in events:
            self._deliver_expecting_retry(event)
        self.assertEqual(set(events.mapped("state")), {"failed"})
        with LocalPeer(self.port, token="portal-token") as portal:
            for event in events:
                self._deliver(event)
                self._deliver(event)  # a second run of the job sends nothing more
        self.assertEqual(set(events.mapped("state")), {"sent"})
        self.assertEqual(len(portal.journal.deliveries), 2)
        received = [json.loads(d["body"]) for d in portal.journal.deliveries]
        self.assertEqual([(e["sequence"], e["status_code"]) for e in received], [(1, "submitted"), (2, "refused")])

    def test_a_step_that_fails_sends_nothing(self):
        dossier = self._submitted()
        count = len(self._events(dossier))
        with self.assertRaises(UserError):
            dossier.with_user(self.onestop).action_assign()  # not received yet
        self.assertEqual(len(self._events(dossier)), count)
        # Changes that are not a change of status send nothing either.
        dossier.sudo().contact_phone = "0912345678"
        self.assertEqual(len(self._events(dossier)), count)

    def test_without_a_portal_peer_nothing_is_queued(self):
        self.portal_peer.active = False
        dossier = self._submitted()
        self.assertFalse(self._events(dossier))

    def test_one_national_portal_per_agency(self):
        with self.assertRaises(ValidationError):
            self.env["moh.exchange.peer"].create(
                {
                    "name": "Cổng thứ hai",
                    "code": "DVCQG.2",
                    "national_portal": True,
                    "transport": "http",
                    "url": "http://127.0.0.1:9/",
                }
            )

    def test_the_demo_portal_receives_events_as_files(self):
        demo = self.env["moh.exchange.peer"].with_context(active_test=False).search([("code", "=", "DVCQG.VPCP")])
        if not demo:
            self.skipTest("installed without demo data")
        self.portal_peer.active = False
        demo.active = True
        dossier = self._submitted()
        event = self._events(dossier)
        self.assertEqual(event.peer_id, demo)
        self.assertEqual(self._deliver(event)[:4], "sent")
        with open(os.path.join(demo.folder_path, event._moh_file_name()), "rb") as handle:
            received = parse_portal_event(handle.read())
        self.assertEqual((received["event_id"], received["dossier_code"]), (event.message_id, dossier.code))
