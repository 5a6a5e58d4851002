"""Decision 766/QĐ-TTg on real dossiers: the dashboard's five groups on data whose answers are
known, the applicants' complaints and recommendations over the portal, their handling by the
one-stop shop and the department, and who may touch them over JSON-RPC."""

import datetime as dt
import re

from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, tagged

from .common import EgovCase

D = dt.date


@tagged("post_install", "-at_install")
class TestServiceQualityDashboard(EgovCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dossiers = cls._known_dossiers("Q")
        Complaint = cls.env["moh.dossier.complaint"].with_user(cls.portal_a)
        with freeze_time("2026-11-10 03:00:00"):
            # Answered on time, the applicant satisfied: about the open dossier d3.
            cls.answered = Complaint._moh_file(cls.dossiers[2], "complaint", "Hồ sơ chậm thẩm định")
            # Never answered, due 25 November (10 working days, 24 November a holiday): overdue on the 30th.
            cls.ignored = Complaint._moh_file(cls.dossiers[1], "recommendation", "Đề nghị trả kết quả sớm hơn")
        with freeze_time("2026-11-12 03:00:00"):
            cls.answered.with_user(cls.onestop).answer = "Hồ sơ đang được thẩm định, dự kiến trả kết quả ngày 16/11."
            cls.answered.with_user(cls.onestop).action_answer()
        cls.answered.with_user(cls.portal_a)._moh_set_outcome("satisfied")
        cls.env.flush_all()

    def _dashboard(self, user=None):
        with freeze_time("2026-11-30 02:00:00"):
            dashboard = (
                self.env["moh.kpi.dashboard"]
                .with_user(user or self.leader)
                .create({"kind": "dossier", "date_from": D(2026, 11, 1), "date_to": D(2026, 11, 30)})
            )
            dashboard.action_refresh()
            card = dashboard._moh_scorecard()
        return dashboard, card

    def test_five_groups_with_each_figure_its_count_formula_and_source(self):
        dashboard, card = self._dashboard()
        procedures = self.env["moh.procedure"].search([])
        fee_procedures = procedures.filtered(lambda p: p.fee > 0)
        expected = {
            "2.1": (2, 4, 10.0),  # completed on time d1 + still in time d4, of 2 completed and 2 open
            "3.2": (1, len(procedures), 4 / len(procedures)),  # only the test procedure received dossiers
            "3.3": (4, 4, 6.0),  # all filed online
            "3.5": (len(fee_procedures), len(fee_procedures), 2.0),  # the demo provider is published
            "3.6": (2, 3, 4.0),  # paid online, of three fees paid
            "4.1": (2, 2, 5.0),
            "4.2": (4, 4, 5.0),
            "5.1": (1, 2, 3.0),  # answered on time; the ignored one is overdue
            "5.2": (1, 2, 3.0),  # the overdue one is not settled
            "5.3": (1, 2, 6 * 0.5 / 0.9),  # d2 late, rated not satisfied and complained about; full at 90 %
        }
        for code, (numerator, denominator, points) in expected.items():
            result = card.result(code)
            self.assertEqual((result.numerator, result.denominator), (numerator, denominator), code)
            self.assertAlmostEqual(result.points, points, places=6, msg=code)
        self.assertEqual((card.result("5.4").numerator, card.result("5.4").denominator), (1, 2))
        for code in ("1.1", "1.2", "1.3", "1.4", "3.1", "3.4", "4.3", "4.4", "4.5"):
            self.assertFalse(card.result(code).measured, code)
            self.assertIsNone(card.result(code).points, code)
        self.assertEqual([g.measurable_points for g in card.groups], [0, 20, 18, 10, 18])
        self.assertEqual(dashboard.service_measurable, 66)
        self.assertAlmostEqual(dashboard.service_score, sum(p for _n, _d, p in expected.values()), delta=0.01)

        html = str(dashboard.service_indicators)
        self.assertEqual(html.count("o_moh_service_group"), 5)
        self.assertEqual(html.count("not measured here"), 9)
        self.assertIn("of 66 measurable points (of 100)", html)
        row = re.search(r"<td>5\.3 .*?</tr>", html, re.S).group(0)
        for shown in ("50.0%", "1/2", "3.33 / 6", "full at ≥ 90 %", "Decision 766/QĐ-TTg, Appendix, group 5"):
            self.assertIn(shown, row)
        self.assertNotIn("unverified", row)
        row = re.search(r"<td>4\.1 .*?</tr>", html, re.S).group(0)
        self.assertIn("unverified", row, "placeholder points are flagged")
        row = re.search(r"<td>3\.6 .*?</tr>", html, re.S).group(0)
        self.assertIn("Product measure:", row)

    def test_the_administrator_sets_the_points_and_the_score_follows(self):
        indicator = self.env["moh.service.indicator"].search([("code", "=", "4.1")])
        with self.assertRaises(AccessError):
            indicator.with_user(self.leader).write({"max_points": 6})
        with self.assertRaises(ValidationError):  # 4.1–4.5 would give 23 of the group's 22 points
            indicator.with_user(self.admin).write({"max_points": 6})
        with self.assertRaises(AccessError):  # the formula is the product's computation
            indicator.with_user(self.admin).write({"formula": "anything"})
        indicator.with_user(self.admin).write({"max_points": 4, "verified": True, "source": "Phụ lục QĐ 766"})
        _dashboard, card = self._dashboard()
        self.assertEqual(card.result("4.1").points, 4.0)
        self.assertEqual(card.groups[3].measurable_points, 9)

    def test_a_department_head_sees_the_figures_of_the_department_only(self):
        self.dossiers[:2].sudo().write({"department_id": self.department_legal.id})
        _dashboard, card = self._dashboard(self.head_legal)
        self.assertEqual((card.result("5.3").numerator, card.result("5.3").denominator), (1, 2))
        self.assertEqual(
            (card.result("5.2").numerator, card.result("5.2").denominator),
            (0, 1),
            "only the complaint on a dossier of the department, the overdue one",
        )
        _dashboard, card = self._dashboard(self.head)
        self.assertEqual(card.result("5.3").denominator, 0)


@tagged("post_install", "-at_install")
class TestComplaintHandling(EgovCase):
    def setUp(self):
        super().setUp()
        self.dossier = self._received()
        self.dossier.sudo().department_id = self.department_drug
        with freeze_time("2026-11-10 03:00:00"):
            self.complaint = (
                self.env["moh.dossier.complaint"]
                .with_user(self.portal_a)
                ._moh_file(self.dossier.sudo(), "complaint", "Chưa nhận được phiếu hẹn")
            )

    def test_the_onestop_officer_answers_on_time(self):
        complaint = self.complaint.with_user(self.onestop)
        self.assertEqual(
            (complaint.state, complaint.due_date, complaint.filed_by_id), ("received", D(2026, 11, 25), self.portal_a)
        )
        with self.assertRaises(UserError):  # no answer written yet
            complaint.action_answer()
        complaint.answer = "Phiếu hẹn đã gửi qua thư điện tử."
        with freeze_time("2026-11-25 09:00:00"):
            complaint.action_answer()
        self.assertEqual(
            (complaint.state, complaint.on_time, complaint.answered_by_id), ("answered", True, self.onestop)
        )
        with self.assertRaises(UserError):
            complaint.answer = "Sửa lại câu trả lời"
        with self.assertRaises(UserError):
            complaint.action_answer()

    def test_a_late_answer_is_not_on_time_and_a_second_complaint_repeats_the_first(self):
        complaint = self.complaint.with_user(self.specialist)  # the deciding department may answer too
        complaint.answer = "Xin lỗi vì chậm trễ."
        with freeze_time("2026-11-26 09:00:00"):
            complaint.action_answer()
        self.assertFalse(complaint.on_time)
        self.assertTrue(complaint.is_overdue)
        again = (
            self.env["moh.dossier.complaint"]
            .with_user(self.portal_a)
            ._moh_file(self.dossier.sudo(), "complaint", "Vẫn chưa nhận được")
        )
        self.assertTrue(self.complaint.repeated)
        self.assertEqual(again.repeat_of_id, self.complaint)

    def test_another_department_and_the_applicant_cannot_answer(self):
        for user in (self.specialist_legal, self.portal_a):
            with self.assertRaises(AccessError):
                self.complaint.with_user(user).write({"answer": "Không phải việc của tôi"})
            with self.assertRaises(AccessError):
                self.complaint.with_user(user).action_answer()
        self.assertFalse(self.complaint.answer)


@tagged("post_install", "-at_install")
class TestComplaintPortal(EgovCase, HttpCase, RpcAttackMixin):
    def _login(self, user):
        self.authenticate(user.login, user.login + "-pass-2026")
        self._moh_rpc_login = user.login

    def _csrf(self, dossier):
        page = self.url_open(f"/my/dossiers/{dossier.id}")
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1), page

    def test_the_applicant_complains_and_judges_the_answer_on_the_portal(self):
        dossier = self._submitted()
        self._login(self.portal_a2)  # another user of the same business
        token, page = self._csrf(dossier)
        self.assertIn("o_moh_complaint_form", page.text)
        response = self.url_open(
            f"/my/dossiers/{dossier.id}/complaint",
            data={"csrf_token": token, "kind": "recommendation", "description": "Đề nghị bổ sung hướng dẫn nộp phí"},
        )
        self.assertEqual(response.status_code, 200)
        complaint = dossier.sudo().complaint_ids
        self.assertEqual(
            (len(complaint), complaint.kind, complaint.filed_by_id, complaint.state),
            (1, "recommendation", self.portal_a2, "received"),
        )
        self.assertTrue(complaint.due_date)
        response = self.url_open(
            f"/my/dossiers/{dossier.id}/complaint", data={"csrf_token": token, "description": "  "}
        )
        self.assertIn("o_moh_error", response.text)
        self.env.invalidate_all()
        self.assertEqual(len(dossier.sudo().complaint_ids), 1, "an empty complaint is refused")

        complaint.with_user(self.onestop).answer = "Đã bổ sung hướng dẫn trên Cổng."
        complaint.with_user(self.onestop).action_answer()
        token, page = self._csrf(dossier)
        self.assertIn("Đã bổ sung hướng dẫn trên Cổng.", page.text)
        response = self.url_open(
            f"/my/dossiers/{dossier.id}/complaint/{complaint.id}/outcome",
            data={"csrf_token": token, "outcome": "dissatisfied"},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(complaint.outcome, "dissatisfied")

    def test_another_business_can_neither_complain_nor_read(self):
        dossier = self._submitted()
        complaint = (
            self.env["moh.dossier.complaint"]
            .with_user(self.portal_a)
            ._moh_file(dossier.sudo(), "complaint", "Khiếu nại của doanh nghiệp A")
        )
        self._login(self.portal_b)
        own = self._submitted(self.portal_b)
        token, _page = self._csrf(own)
        response = self.url_open(
            f"/my/dossiers/{dossier.id}/complaint", data={"csrf_token": token, "description": "Khiếu nại giả mạo"}
        )
        self.assertEqual(response.status_code, 404)
        response = self.url_open(
            f"/my/dossiers/{own.id}/complaint/{complaint.id}/outcome",
            data={"csrf_token": token, "outcome": "satisfied"},
        )
        self.assertEqual(response.status_code, 404, "a complaint of another dossier")
        self.env.invalidate_all()
        self.assertEqual(dossier.sudo().complaint_ids, complaint)
        self.assertFalse(complaint.outcome)
        found, error = self._rpc(
            self.portal_b,
            "moh.dossier.complaint",
            "search_read",
            [[]],
            {"fields": ["description"]},
            password="t_portal_b-pass-2026",
        )
        self.assertIsNone(error)
        self.assertEqual(found, [])
        self.assertRpcRefused(self.portal_b, "moh.dossier.complaint", "read", [complaint.ids, ["description"]])
        self.assertRpcRefused(
            self.portal_b, "moh.dossier.complaint", "create", [{"dossier_id": dossier.id, "description": "x"}]
        )

    def test_a_portal_user_cannot_write_the_handling(self):
        dossier = self._submitted()
        complaint = (
            self.env["moh.dossier.complaint"]
            .with_user(self.portal_a)
            ._moh_file(dossier.sudo(), "complaint", "Khiếu nại")
        )
        self._login(self.portal_a)
        for values in ({"state": "answered"}, {"on_time": True}, {"answer": "Tự trả lời"}, {"outcome": "satisfied"}):
            self.assertRpcRefused(self.portal_a, "moh.dossier.complaint", "write", [complaint.ids, values])
        self.assertRpcRefused(self.portal_a, "moh.dossier.complaint", "action_answer", [complaint.ids])
        self.assertRpcRefused(
            self.portal_a,
            "moh.dossier.complaint",
            "create",
            [{"dossier_id": dossier.id, "description": "x", "state": "answered"}],
        )
        self.assertRpcRefused(self.portal_a, "moh.dossier.complaint", "unlink", [complaint.ids])
        # Not even the one-stop officer writes the handling fields directly.
        self.authenticate(self.onestop.login, self.onestop.login)
        self._moh_rpc_login = self.onestop.login
        self.assertRpcRefused(self.onestop, "moh.dossier.complaint", "write", [complaint.ids, {"on_time": True}])
        complaint.invalidate_recordset()
        self.assertEqual(
            (complaint.state, complaint.on_time, complaint.answer, complaint.outcome), ("received", False, False, False)
        )

    def test_the_transparency_page_shows_the_five_groups_and_no_complaint(self):
        dossier = self._submitted()
        self.env["moh.dossier.complaint"].with_user(self.portal_a)._moh_file(
            dossier.sudo(), "complaint", "Nội dung khiếu nại riêng tư"
        )
        response = self.url_open("/transparency")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_moh_service_table", response.text)
        self.assertEqual(response.text.count("o_moh_service_group"), 5)
        # The page speaks the visitor's language (Vietnamese with the demo data, else English).
        vi = self.env(context=dict(self.env.context, lang="vi_VN"))
        not_measured = "not measured here"
        self.assertTrue(any(t in response.text for t in (not_measured, vi._(not_measured))), not_measured)
        total = "%(points)s of %(measurable)s measurable points (of %(max)s)"
        tails = [t.split("%(measurable)s")[1].replace("%(max)s", "100") for t in (total, vi._(total))]
        self.assertTrue(any(tail in response.text for tail in tails), tails)
        for private in ("Nội dung khiếu nại riêng tư", self.business_a.name, dossier.sudo().code):
            self.assertNotIn(private, response.text)


@tagged("post_install", "-at_install")
class TestIndicatorTable(EgovCase, HttpCase, RpcAttackMixin):
    """Configuration → Service Quality Indicators as the e-office administrator opens it, over
    JSON-RPC: the screen loads, in the user's language; a language added later gets the texts;
    what the office wrote is kept; the product's texts cannot be rewritten through translations."""

    MODEL = "moh.service.indicator"

    def _open(self, lang):
        views, error = self._rpc(
            self.admin, self.MODEL, "get_views", [[[False, "list"], [False, "form"]]], {"context": {"lang": lang}}
        )
        self.assertFalse(error, error)
        rows, error = self._rpc(
            self.admin,
            self.MODEL,
            "search_read",
            [[]],
            {"fields": ["code", "group", "name", "formula", "source"], "context": {"lang": lang}},
        )
        self.assertFalse(error, error)
        groups = dict(views["models"][self.MODEL]["fields"]["group"]["selection"])
        return groups, {row["code"]: row for row in rows}

    def test_the_table_opens_in_the_users_language(self):
        from moh_core.indicators.service_quality import INDICATOR_BY_CODE
        from moh_core.indicators.service_quality_vi import GROUP_LABELS, INDICATOR_TEXTS, SOURCES

        groups, rows = self._open("vi_VN")
        self.assertEqual(len(groups), 5)
        for code, label in GROUP_LABELS.items():
            self.assertIn(label, groups[code])
        self.assertEqual(len(rows), len(INDICATOR_BY_CODE))
        self.assertEqual(rows["1.1"]["name"], INDICATOR_TEXTS["1.1"][0])
        self.assertEqual(rows["1.2"]["formula"], INDICATOR_TEXTS["1.2"][1])
        self.assertEqual(rows["5.3"]["source"], SOURCES[INDICATOR_BY_CODE["5.3"].source])

        groups, rows = self._open("en_US")
        self.assertEqual(groups["5"], "5. Satisfaction (18)")
        self.assertEqual(rows["1.1"]["name"], INDICATOR_BY_CODE["1.1"].label)
        self.assertEqual(rows["5.3"]["source"], INDICATOR_BY_CODE["5.3"].source)

    def test_a_language_added_later_gets_the_texts_and_the_offices_own_are_kept(self):
        from moh_core.indicators.service_quality_vi import INDICATOR_TEXTS

        Indicator = self.env[self.MODEL].sudo()
        first = Indicator.search([("code", "=", "1.1")])
        last = Indicator.search([("code", "=", "5.3")])
        # As before Vietnamese was installed: no Vietnamese text.
        first.update_field_translations("name", {"vi_VN": False})
        self.assertEqual(first.with_context(lang="vi_VN").name, first.with_context(lang="en_US").name)
        # The office corrects a source, in Vietnamese.
        last.with_user(self.admin).with_context(lang="vi_VN").write({"source": "Phụ lục QĐ 766 (đã đối chiếu)"})
        self.env["ir.module.module"]._load_module_terms(["moh_egov"], ["vi_VN"])
        self.assertEqual(first.with_context(lang="vi_VN").name, INDICATOR_TEXTS["1.1"][0])
        self.assertEqual(last.with_context(lang="vi_VN").source, "Phụ lục QĐ 766 (đã đối chiếu)")

    def test_the_products_texts_cannot_be_rewritten_through_their_translations(self):
        row = self.env[self.MODEL].search([("code", "=", "1.1")])
        before = row.with_context(lang="vi_VN").name
        for field in ("name", "formula", "numerator"):
            with self.subTest(field=field):
                self.assertRpcRefused(
                    self.admin, self.MODEL, "update_field_translations", [row.ids, field, {"vi_VN": "Chỉ số giả"}]
                )
        self.assertEqual(row.with_context(lang="vi_VN").name, before)
        # The source is the office's to correct, in any language; a department head may not.
        self.assertRpcRefused(
            self.head, self.MODEL, "update_field_translations", [row.ids, "source", {"vi_VN": "Nguồn khác"}]
        )
        _result, error = self._rpc(
            self.admin, self.MODEL, "update_field_translations", [row.ids, "source", {"vi_VN": "Phụ lục QĐ 766"}]
        )
        self.assertFalse(error, error)
        self.assertEqual(row.with_context(lang="vi_VN").source, "Phụ lục QĐ 766")
