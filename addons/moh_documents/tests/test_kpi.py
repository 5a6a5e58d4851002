"""Processing indicators on hand-made data whose answers are known: on-time / late boundaries,
items crossing the period's edges, cooperating shares apart, drill-down returning exactly the
items behind each figure, and a department head seeing their department only."""

import datetime as dt

from odoo.tests import TransactionCase, freeze_time, tagged

from moh_core.indicators.kpi import indicators
from moh_core.indicators.records import Period

from .common import MohUsersMixin

D = dt.date


@tagged("post_install", "-at_install")
class TestKpi(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company.sudo()._moh_calendar()._moh_seed_public_holidays([2026])
        Assignment = cls.env["moh.document.assignment"]
        # The ministry's existing work is left out: this test's own departments only.
        cls.env.cr.execute("UPDATE moh_document_assignment SET state = 'cancelled'")
        document = cls._moh_new_document()
        rows = [
            # (department, role, received, deadline, done, state)
            (
                cls.department_drug,
                "lead",
                D(2026, 11, 2),
                D(2026, 11, 10),
                D(2026, 11, 10),
                "done",
            ),  # on time, on the day
            (cls.department_drug, "lead", D(2026, 11, 2), D(2026, 11, 10), D(2026, 11, 11), "done"),  # late by a day
            (cls.department_drug, "lead", D(2026, 10, 20), D(2026, 10, 30), D(2026, 11, 3), "done"),  # received before
            (
                cls.department_drug,
                "lead",
                D(2026, 11, 16),
                D(2026, 11, 20),
                None,
                "in_progress",
            ),  # open, overdue at 30/11
            (cls.department_drug, "lead", D(2026, 11, 25), D(2026, 12, 10), None, "new"),  # open, on time
            (
                cls.department_drug,
                "lead",
                D(2026, 11, 20),
                D(2026, 11, 27),
                D(2026, 12, 2),
                "done",
            ),  # done after the period
            (
                cls.department_drug,
                "cooperate",
                D(2026, 11, 2),
                D(2026, 11, 10),
                D(2026, 11, 12),
                "done",
            ),  # cooperating share
            (
                cls.department_legal,
                "lead",
                D(2026, 11, 3),
                D(2026, 11, 6),
                None,
                "in_progress",
            ),  # the legal department's
            (cls.department_drug, "lead", D(2026, 12, 3), D(2026, 12, 9), None, "new"),  # after the period
        ]
        cls.assignments = Assignment.create(
            [{"document_id": document.id, "department_id": dep.id, "role": role} for dep, role, *_ in rows]
        )
        cls.env.flush_all()
        for assignment, (_dep, _role, received, deadline, done, state) in zip(cls.assignments, rows):
            cls.env.cr.execute(
                """UPDATE moh_document_assignment
                      SET create_date = %s, deadline = %s, state = %s,
                          done_date = %s, completed_late = %s
                    WHERE id = %s""",
                (
                    dt.datetime.combine(received, dt.time(3)),
                    deadline,
                    state,
                    dt.datetime.combine(done, dt.time(3)) if done else None,
                    bool(done and deadline and done > deadline),
                    assignment.id,
                ),
            )
        cls.env.invalidate_all()

    def _dashboard(self, user):
        with freeze_time("2026-11-30 02:00:00"):  # Monday 30 November, 09:00 in Hà Nội
            dashboard = (
                self.env["moh.kpi.dashboard"]
                .with_user(user)
                .create({"kind": "document", "date_from": D(2026, 11, 1), "date_to": D(2026, 11, 30)})
            )
            dashboard.action_refresh()
        return dashboard

    def test_figures_with_known_answers(self):
        dashboard = self._dashboard(self.leader)
        drug = dashboard.line_ids.filtered(lambda line: line.department_id == self.department_drug)
        self.assertEqual(
            (
                drug.received,
                drug.completed,
                drug.completed_on_time,
                drug.completed_late,
                drug.open_on_time,
                drug.open_overdue,
            ),
            (5, 3, 1, 2, 1, 2),
            "received in November: 2/11 twice, 16/11, 20/11, 25/11 (not the cooperating share, not October's or "
            "December's); completed 10/11 (on its deadline), 11/11 and 3/11 (late); open on 30/11: received 16/11, "
            "25/11 and 20/11 (done only on 2/12); overdue: those due 20/11 and 27/11",
        )
        self.assertAlmostEqual(drug.on_time_rate, 100 / 3, places=1)
        legal = dashboard.line_ids.filtered(lambda line: line.department_id == self.department_legal)
        self.assertEqual((legal.received, legal.open_overdue), (1, 1))
        self.assertEqual(
            dashboard.line_ids[0].department_id, self.department_drug, "ranked by overdue items, then rate"
        )
        self.assertEqual(dashboard.received, 6)
        # Six-month trend: November received 6 (5 + the legal department's), completed 3, 1 on time;
        # October received the one completed late on 3/11.
        trend = dashboard.trend.replace(" ", "")
        self.assertIn("<td>11/2026</td><td>6</td><td>3</td><td>33%</td>", trend)
        self.assertIn("<td>10/2026</td><td>1</td><td>0</td><td>–</td>", trend)
        self.assertIn("<td>06/2026</td>", trend)

    def test_figures_match_the_core_definitions(self):
        dashboard = self._dashboard(self.leader)
        Item = self.env["moh.kpi.item"]
        rows = Item.search([("kind", "=", "document"), ("id", "in", [a.id * 4 for a in self.assignments])])
        calendar = self.env.company._moh_calendar()._moh_working_calendar()
        expected = indicators(
            rows._moh_core_items(), Period(D(2026, 11, 1), D(2026, 11, 30)), D(2026, 11, 30), calendar
        )
        for figure in ("received", "completed", "completed_on_time", "completed_late", "open_on_time", "open_overdue"):
            self.assertEqual(dashboard[figure], expected.figure(figure), figure)
        self.assertAlmostEqual(dashboard.average_days, expected.average_days or 0.0)
        self.assertEqual(dashboard.p90_days, expected.p90_days or 0)

    def test_drill_down_returns_exactly_the_items_behind_each_figure(self):
        dashboard = self._dashboard(self.leader)
        Item = self.env["moh.kpi.item"].with_user(self.leader)
        with freeze_time("2026-11-30 02:00:00"):
            for figure in (
                "received",
                "completed",
                "completed_on_time",
                "completed_late",
                "open_on_time",
                "open_overdue",
            ):
                with self.subTest(figure=figure):
                    action = dashboard.action_drill(figure)
                    self.assertEqual(Item.search_count(action["domain"]), dashboard[figure])
            overdue = Item.search(dashboard.action_drill("open_overdue")["domain"])
            drug = dashboard.line_ids.filtered(lambda line: line.department_id == self.department_drug)
            action = drug.with_context(figure="open_overdue").action_drill()
        self.assertEqual(set(overdue.mapped("deadline")), {D(2026, 11, 20), D(2026, 11, 27), D(2026, 11, 6)})
        self.assertEqual(set(Item.search(action["domain"]).mapped("deadline")), {D(2026, 11, 20), D(2026, 11, 27)})
        # Open on 30/11: received 25/11 (3 working days), 20/11 (5: 24/11 is a holiday), 16/11 (9),
        # and the legal department's 3/11 (18).
        with freeze_time("2026-11-30 02:00:00"):
            counts = {
                bucket: Item.search_count(dashboard._moh_figure_domain(f"ageing:{bucket}"))
                for bucket in ("0-2", "3-5", "6-10", "11-20", ">20")
            }
        self.assertEqual(counts, {"0-2": 0, "3-5": 2, "6-10": 1, "11-20": 1, ">20": 0})

    def test_department_head_sees_their_department_only(self):
        dashboard = self._dashboard(self.head)
        self.assertEqual(dashboard.line_ids.department_id, self.department_drug)
        self.assertEqual(dashboard.received, 5)
        items = self.env["moh.kpi.item"].with_user(self.head).search([])
        self.assertEqual(items.department_id, self.department_drug)
        self.assertFalse(
            self.env["moh.kpi.item"]
            .with_user(self.head_legal)
            .search([("department_id", "=", self.department_drug.id)])
        )

    def test_bottlenecks_rank_where_work_waits(self):
        dashboard = self._dashboard(self.leader)
        with freeze_time("2026-11-30 02:00:00"):
            dashboard.action_find_bottlenecks()
        loads = {(line.stage, line.department_id): line for line in dashboard.bottleneck_ids}
        hours = dashboard.bottleneck_ids.mapped("overdue_hours")
        self.assertEqual(hours, sorted(hours, reverse=True), "most overdue first")
        # The legal department received its document on 3/11 and never assigned a specialist:
        # due at the end of 4/11, overdue every working day from 5/11 to 27/11 (16 days, 24/11 a
        # holiday) and one hour on 30/11 by 09:00: 129 working hours. Its deadline was 6/11:
        # 14 days and one hour, 113 hours.
        self.assertAlmostEqual(loads[("specialist_assignment", self.department_legal)].overdue_hours, 129)
        self.assertAlmostEqual(loads[("department", self.department_legal)].overdue_hours, 113)
        self.assertEqual(dashboard.bottleneck_ids[0].stage, "specialist_assignment")
        drug = loads[("department", self.department_drug)]
        # Overdue working hours of the drug department in November (done at 10:00 local):
        # due 10/11, done 11/11: 2; due 30/10, done 3/11: 2/11 and 2 hours on 3/11 = 10 (before
        # 1/11 is outside the period); due 20/11, still open: 23, 25, 26, 27/11 and an hour on the
        # 30th = 33; due 27/11, done 2/12: an hour on the 30th; its cooperating share due 10/11,
        # done 12/11: 10.
        self.assertAlmostEqual(drug.overdue_hours, 56)
        self.assertEqual(drug.overdue_steps, 5)

    def test_daily_digest_to_heads_and_escalation_to_leaders(self):
        company = self.env.company
        company.moh_escalation_days = 5
        for user in (self.head, self.head_legal, self.leader, self.deputy):
            user.email = f"{user.login}@moh.example.vn"
        Mail = self.env["mail.mail"]
        before = Mail.search([]).ids
        with freeze_time("2026-11-30 02:00:00"):
            # the open items: drug due 20/11 and 10/12 (and the one done 2/12 is not open),
            # legal due 6/11
            self.env.cr.execute(
                "UPDATE moh_document_assignment SET state = 'in_progress', done_date = NULL WHERE id = %s",
                (self.assignments[5].id,),
            )
            sent = self.env["moh.kpi.digest"]._cron_moh_daily_digest()
        mails = Mail.search([("id", "not in", before)])
        self.assertEqual(sent, len(mails), "one mail to each head or leader with work to report")
        by_recipient = {mail.email_to: mail for mail in mails}
        head_mail = next(m for to, m in by_recipient.items() if "t_head@" in to)
        self.assertIn("20/11/2026", head_mail.body_html)
        self.assertIn("27/11/2026", head_mail.body_html)
        self.assertNotIn("06/11/2026", head_mail.body_html, "another department's work")
        legal_mail = next(m for to, m in by_recipient.items() if "t_head_pc@" in to)
        self.assertIn("06/11/2026", legal_mail.body_html)
        leader_mail = next(m for to, m in by_recipient.items() if "t_leader@" in to)
        # 5 working days overdue on 30/11: due on or before 20/11 (23, 25, 26, 27, 30 after it).
        self.assertIn("06/11/2026", leader_mail.body_html)
        self.assertIn("20/11/2026", leader_mail.body_html)
        self.assertNotIn("27/11/2026", leader_mail.body_html, "not yet escalated")
        company.moh_digest_enabled = False
        self.assertEqual(self.env["moh.kpi.digest"]._cron_moh_daily_digest(), 0)
