"""The history writer (moh.demo.history) on a small plan: its records are those the steps leave
(numbers in the register's yearly series, dossier codes, assignments with their dates), they show
up in the processing items and the dashboard's trend, and nobody reaches it over RPC."""

import datetime as dt
import re

from odoo.addons.moh_documents.tests.common import MohUsersMixin, RpcAttackMixin
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.end = dt.date.today() - dt.timedelta(days=1)
        cls.start = cls.end - dt.timedelta(days=364)
        cls.before = {
            "documents": cls.env["moh.incoming.document"].search([]).ids,
            "dossiers": cls.env["moh.dossier"].search([]).ids,
        }
        cls.counts = cls.env["moh.demo.history"]._moh_generate(
            cls.start, cls.end, documents=50, dossiers=10, tasks=5, seed=3
        )
        cls.documents = cls.env["moh.incoming.document"].search([("id", "not in", cls.before["documents"])])
        cls.dossiers = cls.env["moh.dossier"].search([("id", "not in", cls.before["dossiers"])])

    def test_records(self):
        self.assertEqual(self.counts["documents"], 50)
        self.assertEqual(self.counts["dossiers"], 10)
        self.assertEqual(len(self.documents), 50)
        self.assertEqual(len(self.dossiers), 10)
        self.assertEqual(set(self.documents.mapped("state")) - {"done", "in_progress"}, set())
        for doc in self.documents:
            received = doc.company_id._moh_local_date(doc.received_date)
            self.assertTrue(self.start <= received <= self.end)
            self.assertEqual(doc.year, received.year)
            lead = doc.assignment_ids.filtered(lambda a: a.role == "lead")
            self.assertEqual(len(lead), 1)
            self.assertEqual(doc.lead_department_id, lead.department_id)
            self.assertEqual(doc.state == "done", lead.state == "done")
            self.assertIn("register", doc.trace_ids.mapped("action"))
            for assignment in doc.assignment_ids:
                self.assertLessEqual(assignment.create_date, assignment.done_date or assignment.create_date)
                self.assertGreaterEqual(assignment.create_date, doc.received_date)
        done = self.documents.assignment_ids.filtered("done_date")
        self.assertTrue(done.filtered("completed_late"), "some work was late")
        self.assertTrue(done - done.filtered("completed_late"), "most of it on time")
        for dossier in self.dossiers:
            self.assertTrue(dossier.code and dossier.received_at and dossier.deadline)
            self.assertEqual(dossier.department_id, dossier.procedure_id.department_id)
            self.assertEqual(dossier.handover_ids[:1].kind, "submit")
            self.assertEqual(dossier.state == "done", bool(dossier.done_date))

    def test_register_numbering_is_continuous(self):
        """Every year of the incoming register is numbered 1..N without gap or repeat, in the
        order of receipt for the history."""
        register = self.documents.register_id
        self.assertEqual(len(register), 1)
        for year in set(self.documents.mapped("year")):
            numbered = self.env["moh.incoming.document"].search(
                [("register_id", "=", register.id), ("year", "=", year), ("number", "!=", 0)]
            )
            self.assertEqual(sorted(numbered.mapped("number")), list(range(1, len(numbered) + 1)))
            mine = self.documents.filtered(lambda d, y=year: d.year == y).sorted("number")
            self.assertEqual(mine.mapped("received_date"), sorted(mine.mapped("received_date")))
        for day in set(self.dossiers.mapped("receipt_day")):
            codes = self.env["moh.dossier"].search([("receipt_day", "=", day)]).mapped("code_sequence")
            self.assertEqual(sorted(codes), list(range(1, len(codes) + 1)))

    def test_items_and_trend(self):
        Item = self.env["moh.kpi.item"]
        items = Item.search([("res_model", "=", "moh.incoming.document"), ("res_id", "in", self.documents.ids)])
        self.assertEqual(len(items), len(self.documents.assignment_ids))
        self.assertTrue(all(self.start <= item.received_date <= self.end for item in items))
        dossier_items = Item.search([("kind", "=", "dossier"), ("res_id", "in", self.dossiers.ids)])
        self.assertEqual(len(dossier_items), 10)
        dashboard = self.env["moh.kpi.dashboard"].create(
            {"kind": "document", "date_from": self.start, "date_to": self.end}
        )
        dashboard.action_refresh()
        self.assertGreaterEqual(dashboard.received, 50)
        received = [int(n) for n in re.findall(r"<tr><td>\d\d/\d{4}</td><td>(\d+)</td>", dashboard.trend)]
        self.assertEqual(len(received), 6)
        self.assertGreater(sum(1 for n in received if n), 3, "items in most months")

    def test_same_seed_same_history(self):
        from moh_core.demo.history import plan_history

        Writer = self.env["moh.demo.history"]
        spec = Writer._moh_spec(self.start, self.end, 20, 0, 5, 0, 3)
        self.assertEqual(plan_history(spec), plan_history(spec))

    def test_the_demo_history_is_written_once(self):
        """The demo's history was written at installation; loading the demo again adds nothing."""
        Param = self.env["ir.config_parameter"]
        self.assertTrue(Param.get_param("moh_documents.demo_history"))
        self.assertTrue(Param.get_param("moh_egov.demo_history"))
        count = self.env["moh.incoming.document"].search_count([])
        self.assertEqual(self.env["moh.demo.history"]._moh_demo_history(), {})
        self.assertEqual(self.env["moh.demo.history"]._moh_demo_history(0, 80, 0), {})
        self.assertEqual(self.env["moh.incoming.document"].search_count([]), count)

    def test_only_the_system(self):
        user = self.env["res.users"].search([("login", "=", "admin")])
        with self.assertRaises(AccessError):
            self.env["moh.demo.history"].with_user(user)._moh_generate(self.start, self.end, documents=1)


@tagged("post_install", "-at_install")
class TestDemoHistoryRpc(RpcAttackMixin, MohUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()

    def test_writer_not_reachable_over_rpc(self):
        today = dt.date.today().isoformat()
        for user in (self.clerk, self.leader, self.admin, self.portal):
            for method in ("_moh_generate", "_moh_demo_history", "_moh_write_incoming", "_moh_write_dossiers"):
                self.assertRpcRefused(
                    user,
                    "moh.demo.history",
                    method,
                    [today, today],
                    errors=("odoo.exceptions.AccessError",),
                )
