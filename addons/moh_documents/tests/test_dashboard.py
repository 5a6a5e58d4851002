"""The leadership dashboard (a client action reading moh.kpi.dashboard.get_dashboard_data): as
each role over JSON-RPC, the figures each may see, the drill-down domains under the record
rules, the items likely to be late, and the dashboard in a real browser at desktop and phone
size, with screenshots kept as test artefacts."""

import base64
import datetime as dt
import logging
import os
import pathlib
from unittest.mock import patch

import pytz
from odoo import Command, fields
from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools import config

from .common import BrowserCase, MohUsersMixin, RpcAttackMixin

_logger = logging.getLogger(__name__)
MODEL = "moh.kpi.dashboard"
ITEM = "moh.kpi.item"


#: Browser code: succeeds when the web client shows the action EXPECTED (its id) first.
LANDING_JS = """
    const expected = EXPECTED;
    const start = Date.now();
    (function tick() {
        const root = odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root;
        const controller = root && root.env.services.action.currentController;
        const current = controller && controller.action && controller.action.id;
        if (current === expected) {
            console.log("test successful");
        } else if (Date.now() - start > 30000) {
            console.error("landed on action " + current + ", expected " + expected);
        } else {
            setTimeout(tick, 250);
        }
    })();
"""


def artefacts_dir():
    """Where the browser tests keep their screenshots: $MOH_TEST_ARTEFACTS, else
    <data_dir>/moh_test_artefacts."""
    path = pathlib.Path(os.environ.get("MOH_TEST_ARTEFACTS") or pathlib.Path(config["data_dir"]) / "moh_test_artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


class ScreenshotMixin:
    """Run a browser test and keep a screenshot of its last screen (taken just before the
    browser closes) as ``<artefacts>/<name>.png``."""

    def _with_screenshot(self, name, run):
        original_stop = ChromeBrowser.stop
        target = artefacts_dir() / f"{name}.png"

        def stop(browser):
            try:
                shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
                if shot and shot.get("data"):
                    target.write_bytes(base64.b64decode(shot["data"]))
                    _logger.info("Screenshot kept: %s", target)
            except Exception as error:  # noqa: BLE001 - a screenshot must not fail the test
                _logger.warning("No screenshot %s: %s", name, error)
            return original_stop(browser)

        with patch.object(ChromeBrowser, "stop", stop):
            run()
        return target


@tagged("post_install", "-at_install")
class TestLeadershipDashboard(MohUsersMixin, RpcAttackMixin, ScreenshotMixin, BrowserCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        # The test's own work only: the ministry's existing work is set aside.
        cls.env.cr.execute("UPDATE moh_document_assignment SET state = 'cancelled'")
        calendar = cls.env.company.sudo()._moh_calendar()._moh_working_calendar()
        cls.today = dt.datetime.now(pytz.timezone("Asia/Ho_Chi_Minh")).date()
        start = calendar.add_working_days(cls.today, -12)
        rows = [
            # (department, received, deadline, done): the drug department usually takes 8 working days
            *[
                (cls.department_drug, start, calendar.add_working_days(start, 10), calendar.add_working_days(start, 8))
                for _i in range(4)
            ],
            # open since yesterday, due on the next working day: likely late
            (
                cls.department_drug,
                calendar.add_working_days(cls.today, -1),
                calendar.add_working_days(cls.today, 1),
                None,
            ),
            # the legal department's open work, overdue
            (cls.department_legal, start, calendar.add_working_days(start, 2), None),
        ]
        document = cls._moh_new_document()
        cls.assignments = cls.env["moh.document.assignment"].create(
            [{"document_id": document.id, "department_id": dep.id, "role": "lead"} for dep, *_ in rows]
        )
        cls.env.flush_all()
        for assignment, (_dep, received, deadline, done) in zip(cls.assignments, rows):
            cls.env.cr.execute(
                """UPDATE moh_document_assignment
                      SET create_date = %s, deadline = %s, state = %s, done_date = %s, completed_late = %s
                    WHERE id = %s""",
                (
                    dt.datetime.combine(received, dt.time(3)),
                    deadline,
                    "done" if done else "in_progress",
                    dt.datetime.combine(done, dt.time(3)) if done else None,
                    bool(done and done > deadline),
                    assignment.id,
                ),
            )
        cls.env.invalidate_all()

    def _data(self, user, **kwargs):
        result, error = self._rpc(user, MODEL, "get_dashboard_data", [], {"period": "year", **kwargs})
        self.assertFalse(error, f"{user.login}: {error}")
        return result

    def _items(self, user, domain):
        result, error = self._rpc(user, ITEM, "search_read", [domain], {"fields": ["department_id", "res_id"]})
        self.assertFalse(error)
        return result

    def test_leader_sees_every_department_and_nothing_is_stored(self):
        before = self.env[MODEL].sudo().search_count([])
        data = self._data(self.leader)
        self.assertEqual(self.env[MODEL].sudo().search_count([]), before, "no record per visit")
        self.assertTrue(data["all_departments"])
        self.assertEqual(
            {d["id"] for d in data["departments_allowed"]}, set(self.env["hr.department"].sudo().search([]).ids)
        )
        self.assertGreaterEqual(data["totals"]["open_overdue"], 1)
        self.assertEqual(len(data["ageing"]), 5)
        self.assertEqual(len(data["trend"]["points"]), 12)
        self.assertEqual(data["trend"]["unit"], "month")
        self.assertEqual(len(self._data(self.leader, period="month")["trend"]["points"]), 12)
        self.assertEqual(self._data(self.leader, period="month")["trend"]["unit"], "week")
        # The legal department's overdue item is counted and opens from the leader's figure.
        overdue = self._items(self.leader, data["total_domains"]["open_overdue"])
        self.assertIn(self.department_legal.id, {row["department_id"][0] for row in overdue})
        # One department at a time.
        drug = self._data(self.leader, department_id=self.department_drug.id)
        self.assertEqual({d["id"] for d in drug["on_time"]}, {self.department_drug.id})

    def test_head_sees_his_department_only(self):
        data = self._data(self.head)
        self.assertFalse(data["all_departments"])
        allowed = self.env["hr.department"].sudo().search([("id", "child_of", self.department_drug.id)])
        self.assertEqual({d["id"] for d in data["departments_allowed"]}, set(allowed.ids))
        self.assertTrue({d["id"] for d in data["on_time"]} <= set(allowed.ids))
        for figure, domain in data["total_domains"].items():
            with self.subTest(figure=figure):
                departments = {row["department_id"][0] for row in self._items(self.head, domain)}
                self.assertTrue(departments <= set(allowed.ids))
        # Another department's figures are refused, and the leader's drill-down domain shows
        # the head only what the record rules let him see.
        self.assertRpcRefused(self.head, MODEL, "get_dashboard_data", [], {"department_id": self.department_legal.id})
        leader_domain = self._data(self.leader)["total_domains"]["open_overdue"]
        self.assertNotIn(
            self.department_legal.id,
            {row["department_id"][0] for row in self._items(self.head, leader_domain)},
        )

    def test_likely_late_with_its_reason(self):
        data = self._data(self.head)
        late = {row["id"]: row for row in data["late"]}
        item = (
            self.env[ITEM]
            .sudo()
            .search(
                [("department_id", "=", self.department_drug.id), ("is_open", "=", True), ("cooperating", "=", False)]
            )
        )
        self.assertTrue(set(item.ids) & set(late), data["late"])
        row = late[(set(item.ids) & set(late)).pop()]
        self.assertIn(self.department_drug.name, row["reason"])
        self.assertIn("8", row["reason"])
        self.assertGreater(row["expected"], row["deadline"])
        self.assertGreaterEqual(row["deadline"], fields.Date.to_string(self.today))

    def test_a_bottleneck_cell_opens_the_items_late_at_that_step(self):
        cells = {(c["stage"], c["department_id"]): c for c in self._data(self.leader)["bottlenecks"]["cells"]}
        for (stage, department), cell in cells.items():
            with self.subTest(stage=stage, department=department):
                if department:
                    # A department's step is its routing: one item per overdue step.
                    self.assertEqual(cell["model"], ITEM)
                    items = self._items(self.leader, cell["domain"])
                    self.assertEqual(len(items), cell["overdue_steps"])
                    self.assertEqual({row["department_id"][0] for row in items}, {department} if items else set())
                else:
                    # Registration and direction: the documents, routed or not yet.
                    self.assertEqual(cell["model"], "moh.incoming.document")
                    documents, error = self._rpc(self.leader, cell["model"], "search", [cell["domain"]])
                    self.assertFalse(error, error)
                    self.assertEqual(len(documents), cell["overdue_steps"])
        # The drug department finishes on time but hands its work to specialists days late (the
        # test writes no hand-over): its hand-over cell opens those items, its processing cell none.
        drug = self.department_drug.id
        handed = self._items(self.leader, cells["specialist_assignment", drug]["domain"])
        self.assertGreaterEqual(len(handed), 4)
        self.assertEqual(self._items(self.leader, cells["department", drug]["domain"]), [])
        legal = self._items(self.leader, cells["department", self.department_legal.id]["domain"])
        self.assertEqual([row["res_id"] for row in legal], [self.assignments[-1].document_id.id])
        self.assertEqual(self.env[ITEM].browse([row["id"] for row in legal]).department_id, self.department_legal)

    def test_other_roles_are_refused(self):
        for user in (self.specialist, self.clerk, self.portal, self.plain_user):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, MODEL, "get_dashboard_data", [], {})

    def test_bad_arguments(self):
        errors = ("odoo.exceptions.UserError", "odoo.exceptions.AccessError")
        self.assertRpcRefused(self.leader, MODEL, "get_dashboard_data", [], {"period": "decade"}, errors=errors)
        self.assertRpcRefused(self.leader, MODEL, "get_dashboard_data", [], {"department_id": "x"}, errors=errors)
        self.assertRpcRefused(self.leader, MODEL, "get_dashboard_data", [], {"kind": "x"}, errors=errors)

    def test_dashboard_in_the_browser_desktop(self):
        target = self._with_screenshot(
            "leadership_dashboard_desktop",
            lambda: self.start_tour("/odoo/leadership-dashboard", "moh_leadership_dashboard", login=self.leader.login),
        )
        self.assertTrue(target.exists(), target)

    def test_dashboard_in_the_browser_phone(self):
        self.browser_size = "390x844"
        target = self._with_screenshot(
            "leadership_dashboard_phone",
            lambda: self.start_tour("/odoo/leadership-dashboard", "moh_leadership_dashboard", login=self.leader.login),
        )
        self.assertTrue(target.exists(), target)


@tagged("post_install", "-at_install")
class TestDashboardOnTheDemo(RpcAttackMixin, ScreenshotMixin, BrowserCase):
    """The demo database as installed, nothing set aside: its year of history (moh.demo.history)
    gives the minister's dashboard curves, not a handful of points; the screenshot of this year's
    dashboard is kept as a test artefact."""

    def test_the_demo_year_draws_curves(self):
        minister = self.env.ref("moh_documents.user_botruong")
        data, error = self._rpc(minister, MODEL, "get_dashboard_data", [], {"period": "year"})
        self.assertFalse(error, error)
        points = data["trend"]["points"]
        self.assertEqual((data["trend"]["unit"], len(points)), ("month", 12))
        received = [point["received"] for point in points]
        completed = [point["completed"] for point in points]
        self.assertGreaterEqual(sum(received), 250, received)
        self.assertGreaterEqual(sum(1 for n in received if n), 11, f"documents received in most months: {received}")
        self.assertGreaterEqual(sum(1 for n in completed if n), 10, f"work completed in most months: {completed}")
        rates = [d["on_time_rate"] for d in data["on_time"] if d["on_time_rate"] is not None]
        self.assertGreaterEqual(len(rates), 5, "on-time rates for the ministry's departments")
        self.assertGreater(max(rates) - min(rates), 5, f"departments differ: {rates}")
        self.assertGreater(data["totals"]["completed_late"], 0)
        self.assertGreater(data["totals"]["completed_on_time"], data["totals"]["completed_late"])
        cells = data["bottlenecks"]["cells"]
        self.assertTrue(cells, "a bottleneck map with overdue steps")
        # Heads give the work to a specialist within the next working day most of the time:
        # the history records when (an "assign_specialist" step of the routing timeline).
        handed = [c for c in cells if c["stage"] == "specialist_assignment"]
        overdue, steps = sum(c["overdue_steps"] for c in handed), sum(c["steps"] for c in handed)
        self.assertTrue(steps)
        self.assertLess(overdue / steps, 0.25, f"{overdue} of {steps} hand-overs to specialists late")
        self.assertGreaterEqual(sum(1 for bucket in data["ageing"] if bucket["count"]), 2, data["ageing"])

        self.browser_size = "1366x1800"
        target = self._with_screenshot(
            "leadership_dashboard_demo_year",
            lambda: self.start_tour(
                "/odoo/leadership-dashboard", "moh_leadership_dashboard_year", login=minister.login
            ),
        )
        self.assertTrue(target.exists(), target)


@tagged("post_install", "-at_install")
class TestLanding(BrowserCase):
    """Each demo role lands where its work is (res.users._moh_landing_action)."""

    def _action(self, xmlid):
        return self.env.ref(xmlid, raise_if_not_found=False)

    def _my_work(self):
        return self._action("moh_documents.action_moh_work_item_my") or self._action(
            "moh_documents.action_moh_document_assignment"
        )

    def _expected(self):
        return {
            "moh_documents.user_quantri": self._action("moh_documents.action_moh_leadership_dashboard"),
            "moh_documents.user_botruong": self._action("moh_documents.action_moh_leadership_dashboard"),
            "moh_documents.user_cuctruong_qld": self._my_work(),
            "moh_documents.user_chuyenvien_qld": self._my_work(),
            "moh_documents.user_vanthu": self._action("moh_documents.action_moh_incoming_document"),
        }

    def test_landing_per_role(self):
        for xmlid, action in self._expected().items():
            with self.subTest(user=xmlid):
                self.assertEqual(self.env.ref(xmlid)._moh_landing_action(), action)

    def test_several_roles_and_a_chosen_home(self):
        user = self.env["res.users"].create(
            {
                "name": "Clerk and Specialist",
                "login": "t_landing_two_roles",
                "group_ids": [
                    Command.link(self.env.ref("moh_documents.group_clerk").id),
                    Command.link(self.env.ref("moh_documents.group_specialist").id),
                ],
            }
        )
        self.assertEqual(user._moh_landing_action(), self._my_work())
        chosen = self._action("moh_documents.action_moh_incoming_document")
        user.action_id = chosen.id
        self.assertEqual(user._moh_landing_action().id, chosen.id, "a home action the user chose is kept")

    def test_first_screen_in_the_browser(self):
        for xmlid, action in self._expected().items():
            user = self.env.ref(xmlid)
            if user.action_id:
                continue
            with self.subTest(user=user.login):
                code = LANDING_JS.replace("EXPECTED", str(action.id))
                self.browser_js("/odoo", code, login=user.login, timeout=60)
