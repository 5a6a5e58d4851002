"""The daily counts behind the dashboard (moh.kpi.fact) stay exact whatever changes the items:
ORM writes, bulk SQL, deletions, a department change, a cancellation; the daily folding keeps
the counts; a department head reads their department's counts only."""

import datetime as dt

from odoo.tests import TransactionCase, tagged

from .common import MohUsersMixin

D = dt.date
KEY = (
    "facet, kind, company_id, department_id, cooperating, day, received_date, completed_late, online, fee_paid, "
    "paid_online, digitised, result_electronic, rating"
)


@tagged("post_install", "-at_install")
class TestKpiFact(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.Fact = cls.env["moh.kpi.fact"]
        cls.Assignment = cls.env["moh.document.assignment"]

    def _net(self):
        """The counts as the table holds them now: one figure per key, differences added."""
        self.env.flush_all()
        self.env.cr.execute(f"SELECT {KEY}, SUM(n) FROM moh_kpi_fact GROUP BY {KEY} HAVING SUM(n) <> 0")
        return sorted(self.env.cr.fetchall(), key=repr)

    def _assert_exact(self, message):
        """The triggers' counts equal the items counted afresh."""
        kept = self._net()
        self.Fact._moh_rebuild()
        self.assertEqual(kept, self._net(), message)

    def _count(self, facet, department, day):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT COALESCE(SUM(n), 0) FROM moh_kpi_fact
                                WHERE facet = %s AND kind = 'document' AND department_id = %s AND day = %s
                                  AND NOT cooperating""",
            [facet, department.id, day],
        )
        return self.env.cr.fetchone()[0]

    def test_counts_follow_every_change(self):
        self._assert_exact("the counts are exact to begin with (demo data)")
        today = self.env.company._moh_local_date(dt.datetime.now())
        document = self._moh_new_document()
        before = self._count("received", self.department_drug, today)
        first, second, third = self.Assignment.create(
            [
                {"document_id": document.id, "department_id": self.department_drug.id, "role": "lead"},
                {"document_id": document.id, "department_id": self.department_drug.id, "role": "lead"},
                {"document_id": document.id, "department_id": self.department_legal.id, "role": "cooperate"},
            ]
        )
        self.assertEqual(
            self._count("received", self.department_drug, today),
            before + 2,
            "two lead routings received today (the cooperating share is counted apart)",
        )
        self._assert_exact("after creating routings")

        first.write({"state": "done", "done_date": dt.datetime.now(), "completed_late": True})
        self.assertEqual(self._count("completed", self.department_drug, today), 1)
        self._assert_exact("after completing one")

        second.write({"state": "cancelled"})
        self.assertEqual(
            self._count("received", self.department_drug, today), before + 1, "a cancelled routing is no work"
        )
        self._assert_exact("after cancelling one")

        first.write({"department_id": self.department_legal.id})
        self.assertEqual(self._count("received", self.department_drug, today), before)
        self.assertEqual(self._count("completed", self.department_drug, today), 0, "its completion moved with it")
        self._assert_exact("after moving one to another department")

        third.write({"result": "Ý kiến phối hợp đã gửi Cục Quản lý Dược."})
        self._assert_exact("after a write that changes no figure")

        self.env.cr.execute(
            "UPDATE moh_document_assignment SET state = 'done', done_date = now() AT TIME ZONE 'UTC' "
            "WHERE state IN ('new', 'in_progress')"
        )
        self._assert_exact("after a bulk update in SQL")

        (first | third).unlink()
        self._assert_exact("after deleting routings")
        document.sudo().unlink()  # no role deletes documents; an administrator's clean-up
        self._assert_exact("after deleting the document (its routings go with it)")

    def test_folding_keeps_the_counts(self):
        document = self._moh_new_document()
        assignments = self.Assignment.create(
            [{"document_id": document.id, "department_id": self.department_drug.id, "role": "lead"} for _i in range(5)]
        )
        for assignment in assignments:
            assignment.write({"state": "done", "done_date": dt.datetime.now()})
        self.env.flush_all()
        net = self._net()
        self.env.cr.execute("SELECT COUNT(*) FROM moh_kpi_fact")
        rows_before = self.env.cr.fetchone()[0]
        self.assertGreater(rows_before, len(net), "each change added its difference")
        self.Fact._moh_compact()
        self.env.cr.execute("SELECT COUNT(*) FROM moh_kpi_fact")
        self.assertEqual(self.env.cr.fetchone()[0], len(net), "one row per key once folded")
        self.assertEqual(self._net(), net)

    def test_department_head_reads_their_department_counts_only(self):
        document = self._moh_new_document()
        self.Assignment.create(
            [
                {"document_id": document.id, "department_id": department.id, "role": "lead"}
                for department in (self.department_drug, self.department_legal)
            ]
        )
        self.env.flush_all()
        self.assertEqual(self.Fact.with_user(self.head).search([]).department_id, self.department_drug)
        self.assertEqual(self.Fact.with_user(self.head_legal).search([]).department_id, self.department_legal)
        self.assertGreaterEqual(len(self.Fact.with_user(self.leader).search([]).department_id), 2)
