"""The Public Services dashboard: the leadership dashboard's client action for dossiers, whose
JSON answer (moh.kpi.dashboard.get_dashboard_data, kind 'dossier') carries the Decision 766
scorecard of the form's computation; nothing stored per visit, refused to the other roles over
JSON-RPC, and drawn in a real browser at desktop and phone size, with screenshots kept."""

import datetime as dt

from odoo import fields
from odoo.addons.moh_documents.tests.common import BrowserCase, RpcAttackMixin
from odoo.addons.moh_documents.tests.test_dashboard import ScreenshotMixin
from odoo.tests import freeze_time, tagged

from .common import EgovCase

D = dt.date
MODEL = "moh.kpi.dashboard"
ITEM = "moh.kpi.item"
NOW = "2026-11-30 02:00:00"


@tagged("post_install", "-at_install")
class TestPublicServicesDashboard(EgovCase, BrowserCase, RpcAttackMixin, ScreenshotMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dossiers = cls._known_dossiers("P")
        cls.env.flush_all()

    def _data(self, user, **kwargs):
        with freeze_time(NOW):
            return (
                self.env[MODEL]
                .with_user(user)
                .with_context(**user.env.context)
                .get_dashboard_data(**{"period": "month", "kind": "dossier", **kwargs})
            )

    def _saved_dashboard(self, user):
        """The form's dashboard of the same period, saved and refreshed as ``user`` (in its context)."""
        with freeze_time(NOW):
            dashboard = (
                self.env[MODEL]
                .with_user(user)
                .with_context(**user.env.context)
                .create({"kind": "dossier", "date_from": D(2026, 11, 1), "date_to": D(2026, 11, 30)})
            )
            dashboard.action_refresh()
            return dashboard

    def _old_card(self, user):
        """The scorecard as the form computed it, on a saved dashboard of the same period."""
        dashboard = self._saved_dashboard(user)
        with freeze_time(NOW):
            return dashboard._moh_scorecard()

    def test_a_bottleneck_cell_opens_the_dossiers_late_at_that_step(self):
        cells = self._data(self.leader)["bottlenecks"]["cells"]
        late = [cell for cell in cells if cell["overdue_steps"]]
        self.assertTrue(late, cells)
        kinds = {"reception": ("submit", "supplement_done"), "appraisal": ("assign",), "approval": ("propose",)}
        now = fields.Datetime.to_datetime(NOW)
        for cell in cells:
            with self.subTest(stage=cell["stage"], department=cell["department_id"]):
                # The dossiers themselves: one late at reception has no processing item yet.
                self.assertEqual(cell["model"], "moh.dossier")
                dossiers = self.env["moh.dossier"].with_user(self.leader).search(cell["domain"])
                self.assertEqual(bool(dossiers), bool(cell["overdue_steps"]))
                self.assertLessEqual(len(dossiers), cell["overdue_steps"])  # a dossier may be late twice
                for dossier in dossiers.sudo():
                    # Each has a hand-over of that step, of that department, past its due time.
                    self.assertTrue(
                        any(
                            h.kind in kinds[cell["stage"]]
                            and (
                                cell["stage"] == "reception"
                                or (h.department_id or dossier.department_id).id == cell["department_id"]
                            )
                            and h.due_at
                            and h.due_at < (h.done_at or now)
                            for h in dossier.handover_ids
                        ),
                        dossier.code,
                    )

    def test_the_scorecard_is_the_forms(self):
        data = self._data(self.leader)
        self.assertEqual((data["date_from"], data["date_to"]), ("2026-11-01", "2026-11-30"))
        scorecard = data["scorecard"]
        card = self._old_card(self.leader)
        self.assertEqual([g["code"] for g in scorecard["groups"]], ["1", "2", "3", "4", "5"])
        self.assertEqual([g["max"] for g in scorecard["groups"]], [18, 20, 22, 22, 18])
        self.assertEqual(scorecard["max"], 100)
        self.assertAlmostEqual(scorecard["points"], card.points, places=6)
        self.assertEqual(scorecard["measurable"], card.measurable_points)
        # Without complaints in the period, 5.1 and 5.2 have nothing to measure: 66 - 12 points.
        self.assertEqual(scorecard["measurable"], 54)
        self.assertIn("of 54 measurable points (of 100)", scorecard["points_text"])
        for group, old in zip(scorecard["groups"], card.groups):
            with self.subTest(group=group["code"]):
                self.assertEqual(group["points"], old.points)
                self.assertEqual(group["measurable"], old.measurable_points)
                self.assertEqual([i["code"] for i in group["indicators"]], [r.indicator.code for r in old.results])
            for indicator in group["indicators"]:
                result = card.result(indicator["code"])
                with self.subTest(indicator=indicator["code"]):
                    self.assertEqual(indicator["measured"], result.measured)
                    self.assertEqual(
                        (indicator["numerator"], indicator["denominator"]), (result.numerator, result.denominator)
                    )
                    self.assertEqual(indicator["points"], result.points)
                    self.assertEqual(indicator["verified"], result.indicator.verified)
                    for key in ("formula", "counted", "out_of", "source", "unit", "figure", "points_text"):
                        self.assertTrue(indicator[key], key)
        by_code = {i["code"]: i for g in scorecard["groups"] for i in g["indicators"]}
        self.assertEqual(by_code["1.1"]["figure"], "not measured here")
        self.assertEqual((by_code["5.3"]["figure"], by_code["5.3"]["count"]), ("50.0%", "1/2"))
        self.assertEqual(by_code["5.3"]["points_text"], "3.33 / 6")
        self.assertFalse(by_code["5.3"]["domain"], "5.3 counts dossiers and complaints, not processing items")
        # 2.1 and 2.2 open exactly the dossier items they count, under the caller's rules.
        Item = self.env[ITEM].with_user(self.leader)
        self.assertEqual(Item.search_count(by_code["2.1"]["domain"]), 2)
        self.assertEqual(Item.search_count(by_code["2.1"]["out_of_domain"]), 4)
        self.assertEqual(Item.search_count(by_code["2.2"]["domain"]), 2)
        self.assertEqual(set(Item.search(by_code["2.1"]["out_of_domain"]).mapped("kind")), {"dossier"})

    def test_the_scorecard_speaks_the_users_language(self):
        """Decision 766's groups and indicators in Vietnamese for a Vietnamese user (the form's
        table too), with the same figures and points as in English."""
        self.env["res.lang"]._activate_lang("vi_VN")
        english = self._data(self.leader.with_context(lang="en_US"))["scorecard"]
        vietnamese = self._data(self.leader.with_context(lang="vi_VN"))["scorecard"]
        self.assertEqual(english["groups"][0]["label"], "Transparency")
        self.assertEqual(
            [g["label"] for g in vietnamese["groups"]],
            [
                "Công khai, minh bạch",
                "Tiến độ, kết quả giải quyết",
                "Dịch vụ trực tuyến và thanh toán trực tuyến",
                "Số hóa hồ sơ, kết quả giải quyết",
                "Mức độ hài lòng",
            ],
        )
        by_code = {i["code"]: i for g in vietnamese["groups"] for i in g["indicators"]}
        english_by_code = {i["code"]: i for g in english["groups"] for i in g["indicators"]}
        self.assertEqual(by_code["2.1"]["label"], "Hồ sơ giải quyết đúng hạn")
        self.assertEqual(by_code["5.3"]["counted"][:27], "hồ sơ giải quyết xong đúng ")
        self.assertIn("Cổng Dịch vụ công quốc gia", by_code["2.1"]["source"])
        for code, indicator in by_code.items():
            with self.subTest(indicator=code):
                self.assertNotEqual(indicator["label"], english_by_code[code]["label"])
                self.assertEqual(indicator["points"], english_by_code[code]["points"])
        self.assertEqual(vietnamese["points"], english["points"])
        form = self._saved_dashboard(self.leader.with_context(lang="vi_VN"))
        self.assertIn("Công khai, minh bạch", str(form.service_indicators))

    def test_one_department_and_documents_without_scorecard(self):
        legal = self._data(self.leader, department_id=self.department_legal.id)["scorecard"]
        by_code = {i["code"]: i for g in legal["groups"] for i in g["indicators"]}
        self.assertEqual(by_code["2.1"]["denominator"], 0)
        self.assertEqual(by_code["5.3"]["denominator"], 0, "the dossiers are the drug department's")
        drug = self._data(self.leader, department_id=self.department_drug.id)["scorecard"]
        by_code = {i["code"]: i for g in drug["groups"] for i in g["indicators"]}
        self.assertEqual((by_code["5.3"]["numerator"], by_code["5.3"]["denominator"]), (1, 2))
        self.assertNotIn("scorecard", self._data(self.leader, kind="document"))

    def test_nothing_is_stored_and_other_roles_are_refused(self):
        before = self.env[MODEL].sudo().search_count([])
        for user in (self.leader, self.head):
            with self.subTest(user=user.login):
                data, error = self._rpc(user, MODEL, "get_dashboard_data", [], {"kind": "dossier", "period": "year"})
                self.assertFalse(error)
                self.assertEqual(len(data["scorecard"]["groups"]), 5)
        self.assertEqual(self.env[MODEL].sudo().search_count([]), before, "no record per visit")
        for user in (self.portal, self.plain_user, self.specialist, self.onestop):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, MODEL, "get_dashboard_data", [], {"kind": "dossier"})
        self.assertRpcRefused(
            self.head, MODEL, "get_dashboard_data", [], {"kind": "dossier", "department_id": self.department_legal.id}
        )
        self.assertEqual(self.env[MODEL].sudo().search_count([]), before)

    def test_the_menu_opens_the_client_action(self):
        action = self.env.ref("moh_egov.action_moh_public_services_dashboard")
        self.assertEqual(action.tag, "moh_leadership_dashboard")
        self.assertEqual(action.path, "public-services-dashboard")
        self.assertIn("'moh_kind': 'dossier'", action.context)
        self.assertEqual(self.env.ref("moh_egov.menu_egov_reporting").action, action)
        self.assertFalse(self.env.ref("moh_egov.action_moh_kpi_dashboard_dossier", raise_if_not_found=False))
        self.assertNotIn("action_open_dashboard", dir(self.env[MODEL]))

    def test_dashboard_in_the_browser_desktop(self):
        target = self._with_screenshot(
            "public_services_dashboard_desktop",
            lambda: self.start_tour(
                "/odoo/public-services-dashboard", "moh_public_services_dashboard", login=self.head.login
            ),
        )
        self.assertTrue(target.exists(), target)

    def test_dashboard_in_the_browser_phone(self):
        self.browser_size = "390x844"
        target = self._with_screenshot(
            "public_services_dashboard_phone",
            lambda: self.start_tour(
                "/odoo/public-services-dashboard", "moh_public_services_dashboard", login=self.leader.login
            ),
        )
        self.assertTrue(target.exists(), target)
