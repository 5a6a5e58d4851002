"""Decision 766 indicators and the one-stop bottlenecks on dossiers whose answers are known."""

import datetime as dt
import re
from collections import Counter

from odoo.tests import freeze_time, tagged

from .common import EgovCase

D = dt.date


@tagged("post_install", "-at_install")
class TestDossierKpi(EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["moh.dossier"].search([("state", "!=", "draft")]).sudo().write({"received_at": False})
        attachment = cls.env["ir.attachment"].create({"name": "ket-qua.pdf", "raw": b"%PDF-1.4"})
        specs = [
            # received, deadline, done (or None), paid online, fee paid, electronic result, rating
            (D(2026, 11, 2), D(2026, 11, 5), D(2026, 11, 5), True, True, True, "3"),  # on time
            (D(2026, 11, 3), D(2026, 11, 6), D(2026, 11, 9), False, True, True, "1"),  # late, paid at the counter
            (D(2026, 11, 4), D(2026, 11, 9), None, True, True, False, False),  # open, overdue on 30/11
            (D(2026, 11, 26), D(2026, 12, 1), None, False, False, False, False),  # open, on time, fee unpaid
        ]
        cls.dossiers = cls.env["moh.dossier"]
        for received, deadline, done, paid_online, fee_paid, electronic, rating in specs:
            dossier = cls._draft(cls).sudo()
            dossier.write(
                {
                    "state": "done" if done else "processing",
                    "received_at": dt.datetime.combine(received, dt.time(3)),
                    "deadline": deadline,
                    "done_date": dt.datetime.combine(done, dt.time(3)) if done else False,
                    "payment_state": "paid" if fee_paid else "pending",
                    "paid_online": paid_online,
                    "result_attachment_id": attachment.id if electronic else False,
                    "rating": rating,
                    "code": f"T-{received:%y%m%d}",
                }
            )
            cls.dossiers |= dossier
        cls.env.flush_all()

    def _dashboard(self, user=None):
        with freeze_time("2026-11-30 02:00:00"):
            dashboard = (
                self.env["moh.kpi.dashboard"]
                .with_user(user or self.leader)
                .create({"kind": "dossier", "date_from": D(2026, 11, 1), "date_to": D(2026, 11, 30)})
            )
            dashboard.action_refresh()
        return dashboard

    def test_service_indicators_with_their_definitions(self):
        dashboard = self._dashboard()
        self.assertEqual(
            (
                dashboard.received,
                dashboard.completed,
                dashboard.completed_on_time,
                dashboard.completed_late,
                dashboard.open_on_time,
                dashboard.open_overdue,
            ),
            (4, 2, 1, 1, 1, 1),
        )
        html = dashboard.service_indicators
        # on time (indicator 2.1: completed on time and open within their deadline, of all completed and
        # open) 2/4; online 4/4; paid online 2 of 3 paid; e-results 2/2; digitised 4/4; satisfied 1/2
        for expected in ("50.0%", "1/2", "100.0%", "4/4", "66.7%", "2/3", "2/2"):
            self.assertIn(expected, html)
        # Each figure on the same row as its count: (figure, count) read from the table's cells.
        # on time 2/4, online 4/4, paid online 2/3, e-results 2/2, digitised 4/4, satisfied 1/2
        pairs = re.findall(r"([0-9.]+%)</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([0-9]+/[0-9]+)</td>", html)
        expected = [
            ("50.0%", "2/4"),
            ("100.0%", "4/4"),
            ("66.7%", "2/3"),
            ("100.0%", "2/2"),
            ("100.0%", "4/4"),
            ("50.0%", "1/2"),
        ]
        self.assertFalse(Counter(expected) - Counter(pairs), pairs)
        self.assertTrue(0 < dashboard.service_score <= 100)

    def test_drill_down_of_dossiers(self):
        dashboard = self._dashboard()
        with freeze_time("2026-11-30 02:00:00"):
            overdue = (
                self.env["moh.kpi.item"].with_user(self.leader).search(dashboard.action_drill("open_overdue")["domain"])
            )
        self.assertEqual(overdue.mapped("res_id"), self.dossiers[2].ids)
        self.assertEqual(overdue.res_model, "moh.dossier")
