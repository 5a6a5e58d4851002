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
        cls.dossiers = cls._known_dossiers("T")
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
