"""The leaders' weekly work calendar, as each role uses it over JSON-RPC: a unit proposes, the
Ministry Office approves and publishes, every employee reads the published week and prints it."""

import base64
import shutil
import subprocess
import tempfile
import unittest

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import MohUsersMixin, RpcAttackMixin

EVENT = "calendar.event"
WEEK = "moh.work.week"
ACCESS = ("odoo.exceptions.AccessError",)
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
REFUSE = "moh.work.entry.refuse.wizard"
#: A Monday far from the demo's weeks (ISO week 9 of 2027); 08:00 in Hà Nội is 01:00 UTC.
MONDAY = "2027-03-01"


@tagged("post_install", "-at_install", "moh_security")
class TestWorkCalendar(RpcAttackMixin, MohUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.office = new_test_user(
            cls.env,
            login="t_office",
            groups="moh_documents.group_work_calendar_office",
            name="T_Office",
            tz="Asia/Ho_Chi_Minh",
        )
        cls.env["hr.employee"].create(
            {"name": "T_Office", "user_id": cls.office.id, "department_id": cls.env.ref("moh_documents.dep_office").id}
        )
        # Another unit's specialist: no employee of the office, no leader.
        cls.other = cls.specialist_legal

    def _ok(self, user, model, method, args=(), kwargs=None):
        result, error = self._rpc(user, model, method, args, kwargs)
        self.assertFalse(error, f"{user.login} {model}.{method}: {error}")
        return result

    def _propose(self, name="Thứ trưởng làm việc với Cục Quản lý Dược về cung ứng thuốc", day=MONDAY, hour="01"):
        entry_id = self._ok(
            self.specialist,
            EVENT,
            "create",
            [
                {
                    "name": name,
                    "start": f"{day} {hour}:00:00",
                    "stop": f"{day} {int(hour) + 2:02d}:00:00",
                    "location": "Phòng họp tầng 3",
                    "moh_department_id": self.department_drug.id,
                    "moh_preparing_department_id": self.department_drug.id,
                    "moh_presiding_ids": [[6, 0, [self.leader.id]]],
                    "moh_participants": "Lãnh đạo Cục Quản lý Dược",
                }
            ],
        )
        self._ok(self.specialist, EVENT, "action_propose", [[entry_id]])
        return self.env[EVENT].browse(entry_id)

    def _sees(self, user, entry):
        return entry.id in self._ok(user, EVENT, "search", [[("moh_department_id", "!=", False)]])

    def _publish(self, entry):
        self._ok(self.office, EVENT, "action_approve", [entry.ids])
        self.env.invalidate_all()
        self._ok(self.office, WEEK, "action_publish", [entry.moh_week_id.ids])
        self.env.invalidate_all()
        return entry.moh_week_id

    def test_a_unit_proposes_the_office_approves_and_publishes_for_everyone(self):
        entry = self._propose()
        self.assertEqual((entry.moh_state, entry.privacy, entry.moh_session), ("proposed", "public", "morning"))
        # The proposal: its unit, its presiding leader and the office; not another unit, not the
        # other leaders, not the staff.
        for user in (self.specialist, self.head, self.leader, self.office):
            self.assertTrue(self._sees(user, entry), user.login)
        for user in (self.other, self.deputy, self.plain_user):
            self.assertFalse(self._sees(user, entry), user.login)
            self.assertRpcRefused(user, EVENT, "read", [entry.ids, ["name", "moh_participants"]])
            self.assertRpcRefused(user, "calendar.attendee", "read", [entry.attendee_ids.ids, ["event_id"]])
        self.assertRpcRefused(self.portal, EVENT, "read", [entry.ids, ["name"]])

        self._ok(self.office, EVENT, "action_approve", [entry.ids])
        self.env.invalidate_all()
        week = entry.moh_week_id
        self.assertEqual(
            (entry.moh_state, entry.moh_approved_by_id, week.year, week.week), ("approved", self.office, 2027, 9)
        )
        self.assertIn(self.leader.partner_id, entry.partner_ids, "in the presiding leader's own calendar")
        # Approved but not published: still hidden from the staff and the other leaders.
        for user in (self.deputy, self.plain_user, self.other):
            self.assertFalse(self._sees(user, entry), user.login)
            self.assertRpcRefused(user, WEEK, "read", [week.ids, ["name"]])

        self._ok(self.office, WEEK, "action_publish", [week.ids])
        self.env.invalidate_all()
        self.assertEqual((week.state, week.published_by_id, week.revision), ("published", self.office, 0))
        for user in (self.deputy, self.plain_user, self.other, self.clerk):
            self.assertTrue(self._sees(user, entry), user.login)
            self.assertEqual(self._ok(user, WEEK, "search", [[("id", "=", week.id)]]), week.ids)
        self.assertRpcRefused(self.portal, EVENT, "read", [entry.ids, ["name"]])
        # Staff read it, but do not change it.
        self.assertRpcRefused(self.plain_user, EVENT, "write", [entry.ids, {"location": "Phòng khác"}])
        self.assertRpcRefused(self.specialist, EVENT, "write", [entry.ids, {"location": "Phòng khác"}])

    def test_changes_after_publication_are_revisions_announced(self):
        entry = self._propose()
        week = self._publish(entry)
        messages = len(week.message_ids)
        self._ok(self.office, EVENT, "write", [entry.ids, {"location": "Hội trường tầng 1"}])
        self.env.invalidate_all()
        self.assertEqual(week.revision, 1)
        self.assertEqual(len(week.message_ids), messages + 1)
        self.assertIn("revision 1", week.message_ids[0].body)
        # The presiding leader follows the week: its revisions reach him.
        self.assertIn(self.leader.partner_id, week.message_partner_ids)
        self.assertIn(self.leader.partner_id, week.message_ids[0].notified_partner_ids)
        # A new entry approved into the published week, then one cancelled: two more revisions.
        late = self._propose("Bộ trưởng chủ trì họp Ban Cán sự Đảng", day="2027-03-02")
        self.assertEqual(late.moh_week_id, self.env[WEEK])
        self._ok(self.office, EVENT, "action_approve", [late.ids])
        self.env.invalidate_all()
        self.assertEqual((late.moh_week_id, late.moh_published, week.revision), (week, True, 2))
        self._ok(self.office, EVENT, "action_cancel", [late.ids])
        self.env.invalidate_all()
        self.assertEqual((late.moh_state, late.moh_published, week.revision), ("cancelled", False, 3))
        self.assertFalse(self._sees(self.plain_user, late))
        # Refused, corrected and proposed again by its unit.
        third = self._propose("Thứ trưởng họp Hội đồng tư vấn", day="2027-03-03")
        self._ok(self.office, EVENT, "action_refuse", [third.ids], {"reason": "Trùng lịch"})
        self._ok(self.specialist, EVENT, "write", [third.ids, {"name": "Thứ trưởng họp Hội đồng tư vấn (dời lịch)"}])
        self._ok(self.specialist, EVENT, "action_propose", [third.ids])
        self.env.invalidate_all()
        self.assertEqual(third.moh_state, "proposed")

    def test_the_office_refuses_an_entry_with_a_reason_in_a_dialog(self):
        entry = self._propose("Thứ trưởng họp Hội đồng Dược", day="2027-03-04")
        # The unit, another unit and a plain employee neither open a refusal dialog nor confirm one.
        for user in (self.specialist, self.head, self.other, self.plain_user):
            self.assertRpcRefused(user, REFUSE, "create", [{"event_id": entry.id, "reason": "Trùng lịch"}])
        # No refusal without a reason: neither through the dialog nor through the step.
        with mute_logger("odoo.sql_db"):
            self.assertRpcRefused(self.office, REFUSE, "create", [{"event_id": entry.id}], errors=REFUSED)
        for reason in (None, "", "   "):
            self.assertRpcRefused(self.office, EVENT, "action_refuse", [entry.ids], {"reason": reason}, errors=REFUSED)
        self.env.invalidate_all()
        self.assertEqual(entry.moh_state, "proposed")
        dialog = self._ok(
            self.office, REFUSE, "create", [{"event_id": entry.id, "reason": "Trùng lịch họp Ban Cán sự"}]
        )
        # Only who opened the dialog confirms it.
        self.assertRpcRefused(self.specialist, REFUSE, "action_confirm", [[dialog]])
        self._ok(self.office, REFUSE, "action_confirm", [[dialog]])
        self.env.invalidate_all()
        self.assertEqual(entry.moh_state, "refused")
        self.assertIn("Trùng lịch họp Ban Cán sự", entry.message_ids[0].body)
        # The proposing unit reads the reason in the entry's chatter.
        messages = self._ok(
            self.specialist,
            "mail.message",
            "search_read",
            [[("model", "=", EVENT), ("res_id", "=", entry.id)], ["body"]],
        )
        self.assertTrue(any("Trùng lịch họp Ban Cán sự" in message["body"] for message in messages))
        # Refused once, not twice.
        again = self._ok(self.office, REFUSE, "create", [{"event_id": entry.id, "reason": "Lần nữa"}])
        self.assertRpcRefused(self.office, REFUSE, "action_confirm", [[again]], errors=REFUSED)

    @unittest.skipUnless(shutil.which("pdftotext"), "poppler-utils is not installed")
    def test_a_published_week_prints_its_entries(self):
        entry = self._propose()
        week = self._publish(entry)
        action = self._ok(self.plain_user, WEEK, "action_print", [week.ids])
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[-1].split("?")[0]))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(base64.b64decode(attachment.datas))
            pdf.flush()
            text = " ".join(
                subprocess.run(["pdftotext", "-layout", pdf.name, "-"], capture_output=True, check=True)
                .stdout.decode()
                .split()
            )
        for words in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "LỊCH CÔNG TÁC TUẦN 09",
            "01/03/2027",
            "07/03/2027",
            "Thứ trưởng làm việc với",
            "08h00",
            "Phòng họp tầng 3",
            "Thứ Hai",
        ):
            self.assertIn(words, text)
        self.assertEqual(attachment.res_model, WEEK)

    def test_a_specialist_neither_approves_nor_publishes_nor_writes_the_workflow(self):
        entry = self._propose()
        before = (entry.moh_state, entry.moh_week_id)
        for method in ("action_approve", "action_refuse", "action_cancel"):
            self.assertRpcRefused(self.specialist, EVENT, method, [entry.ids])
            self.assertRpcRefused(self.head, EVENT, method, [entry.ids])
            self.assertRpcRefused(self.other, EVENT, method, [entry.ids])
        self.assertRpcRefused(self.other, EVENT, "action_propose", [entry.ids])
        for vals in (
            {"moh_state": "approved"},
            {"moh_approved_by_id": self.specialist.id},
            {"moh_department_id": self.department_legal.id},
        ):
            self.assertRpcRefused(self.specialist, EVENT, "write", [entry.ids, vals])
            self.assertRpcRefused(self.office, EVENT, "write", [entry.ids, vals])
        # Proposed: its unit no longer changes it.
        self.assertRpcRefused(self.specialist, EVENT, "write", [entry.ids, {"name": "Sửa"}])
        self.assertRpcRefused(self.specialist, EVENT, "write", [entry.ids, {"privacy": "private"}])
        # Nor makes an entry for another unit, or one already approved.
        self.assertRpcRefused(
            self.specialist,
            EVENT,
            "create",
            [
                {
                    "name": "X",
                    "start": f"{MONDAY} 01:00:00",
                    "stop": f"{MONDAY} 02:00:00",
                    "moh_department_id": self.department_legal.id,
                }
            ],
        )
        self.assertRpcRefused(
            self.specialist,
            EVENT,
            "create",
            [
                {
                    "name": "X",
                    "start": f"{MONDAY} 01:00:00",
                    "stop": f"{MONDAY} 02:00:00",
                    "moh_department_id": self.department_drug.id,
                    "moh_state": "approved",
                }
            ],
        )
        self._ok(self.office, EVENT, "action_approve", [entry.ids])
        self.env.invalidate_all()
        week = entry.moh_week_id
        for user in (self.specialist, self.head, self.leader, self.plain_user, self.portal):
            self.assertRpcRefused(user, WEEK, "action_publish", [week.ids])
            self.assertRpcRefused(user, WEEK, "action_print", [week.ids])
            self.assertRpcRefused(user, WEEK, "write", [week.ids, {"state": "published"}])
        self.assertRpcRefused(self.office, WEEK, "write", [week.ids, {"state": "published"}])
        self.assertRpcRefused(self.office, WEEK, "write", [week.ids, {"revision": 5}])
        self._ok(self.office, WEEK, "action_publish", [week.ids])
        for user in (self.specialist, self.leader, self.plain_user):
            self.assertRpcRefused(
                user, WEEK, "action_publish", [week.ids], errors=ACCESS + ("odoo.exceptions.UserError",)
            )
        self.assertRpcRefused(self.portal, WEEK, "action_print", [week.ids])
        self.env.invalidate_all()
        self.assertEqual(before[0], "proposed")
        self.assertEqual((entry.moh_state, entry.moh_approved_by_id, week.revision), ("approved", self.office, 0))

    def test_documents_show_their_meetings_and_entries_only_the_documents_one_may_read(self):
        doc = self._moh_new_document(abstract="Giấy mời dự họp về cung ứng thuốc")
        secret = self._moh_new_document(abstract="Nội dung mật của cuộc họp", confidentiality="confidential")
        entry = self._propose()
        self.env[EVENT].browse(entry.id).sudo().write({"moh_incoming_document_ids": [(6, 0, (doc | secret).ids)]})
        self._publish(entry)
        # The staff read the entry; an employee who reads no document does not even see the field.
        self.assertTrue(self._ok(self.plain_user, EVENT, "read", [entry.ids, ["name", "location"]]))
        self.assertRpcRefused(self.plain_user, EVENT, "read", [entry.ids, ["moh_incoming_document_ids"]])
        # Officers see the documents they may read, not the others (nor their abstract).
        for user in (self.other, self.specialist):
            values = self._ok(user, EVENT, "read", [entry.ids, ["moh_incoming_document_ids"]])[0]
            self.assertNotIn(secret.id, values["moh_incoming_document_ids"], user.login)
            web = self._ok(
                user,
                EVENT,
                "web_read",
                [entry.ids],
                {"specification": {"moh_incoming_document_ids": {"fields": {"display_name": {}, "abstract": {}}}}},
            )[0]
            self.assertNotIn("Nội dung mật", str(web), user.login)
        # The clerk who registered it sees the meeting on the document.
        values = self._ok(
            self.clerk, "moh.incoming.document", "read", [doc.ids, ["moh_work_event_ids", "moh_work_event_count"]]
        )[0]
        self.assertEqual((values["moh_work_event_ids"], values["moh_work_event_count"]), (entry.ids, 1))

    def test_the_demo_publishes_the_current_week(self):
        week = self.env.ref("moh_documents.work_week_current", raise_if_not_found=False)
        if not week:
            self.skipTest("installed without demo data")
        self.assertEqual((week.state, week.entry_count), ("published", 10))
        self.assertEqual(len(self._ok(self.plain_user, EVENT, "search", [[("moh_week_id", "=", week.id)]])), 10)
        proposals = self.env[EVENT].search([("moh_state", "=", "proposed")])
        self.assertGreaterEqual(len(proposals), 3)
        self.assertFalse(self._ok(self.plain_user, EVENT, "search", [[("id", "in", proposals.ids)]]))
        self.assertEqual(self._ok(self.plain_user, WEEK, "action_print", [week.ids])["type"], "ir.actions.act_url")

    def test_other_events_keep_calendar_s_rules(self):
        Event = self.env[EVENT]
        own = Event.browse(
            self._ok(
                self.plain_user,
                EVENT,
                "create",
                [{"name": "Họp nhóm", "start": f"{MONDAY} 02:00:00", "stop": f"{MONDAY} 03:00:00"}],
            )
        )
        self.assertFalse(own.moh_state)
        self.assertTrue(self._ok(self.other, EVENT, "read", [own.ids, ["name"]]))
        self._ok(self.plain_user, EVENT, "write", [own.ids, {"name": "Họp nhóm (dời)"}])
        # Not an entry of the work calendar, and cannot be made one.
        self.assertRpcRefused(
            self.plain_user, EVENT, "write", [own.ids, {"moh_department_id": self.department_drug.id}]
        )
        self.assertRpcRefused(self.office, EVENT, "action_approve", [own.ids], errors=("odoo.exceptions.UserError",))
        self.assertRpcRefused(
            self.plain_user, EVENT, "action_propose", [own.ids], errors=("odoo.exceptions.UserError",)
        )
