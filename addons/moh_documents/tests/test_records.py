"""Records and archive (docs/records.md): the yearly file list, files opened, filled and closed
by their handler, the hand-over to the agency archive, keeping back and disposal; then the same
attacked over JSON-RPC as each role would."""

import datetime as dt
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

FILE = "moh.records.file"
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


class RecordsCase(OutgoingSigningCase):
    """A unit of its own (no demo file list): its head, two specialists, another unit's
    specialist, and an archivist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.moh_agency_code = "000.00.00.G18"
        cls.unit = env.ref("moh_documents.dep_personnel")
        cls.other_unit = env.ref("moh_documents.dep_international")

        def user(login, groups, department):
            new = new_test_user(env, login=login, groups=groups, name=login.title(), tz="Asia/Ho_Chi_Minh")
            env["hr.employee"].create({"name": new.name, "user_id": new.id, "department_id": department.id})
            return new

        cls.rec_head = user("t_rec_head", "moh_documents.group_department_head", cls.unit)
        cls.unit.manager_id = cls.rec_head.employee_id
        cls.rec_spec = user("t_rec_spec", "moh_documents.group_specialist", cls.unit)
        cls.rec_spec2 = user("t_rec_spec2", "moh_documents.group_specialist", cls.unit)
        cls.other_spec = user("t_rec_other", "moh_documents.group_specialist", cls.other_unit)
        cls.archivist = user("t_archivist", "moh_documents.group_archivist", env.ref("moh_documents.dep_office"))
        cls.retention = {
            key: env.ref(f"moh_documents.retention_{key}")
            for key in ("permanent_acts", "plans_reports", "letters", "routine")
        }
        cls.today = fields.Date.context_today(env["moh.records.file"])
        cls._years = iter(range(2001, 2030))

    # -- helpers -------------------------------------------------------------------------------

    def _list(self, year=None, files=1, retention="plans_reports", doc_types=("cong_van",)):
        """An approved file list of the unit with ``files`` planned files under one heading."""
        year = year or next(self._years)
        Lists = self.env["moh.records.file.list"].with_user(self.rec_spec)
        file_list = Lists.create({"year": year, "department_id": self.unit.id})
        heading = (
            self.env["moh.records.heading"]
            .with_user(self.rec_spec)
            .create(
                {
                    "list_id": file_list.id,
                    "code": "I",
                    "name": "Tổ chức, cán bộ",
                    "document_type_ids": [
                        (6, 0, [self.env.ref(f"moh_documents.document_type_{t}").id for t in doc_types])
                    ],
                }
            )
        )
        for number in range(1, files + 1):
            self.env[FILE].with_user(self.rec_spec).create(
                {
                    "list_id": file_list.id,
                    "heading_id": heading.id,
                    "number": number,
                    "name": f"Hồ sơ số {number} năm {year}",
                    "retention_id": self.retention[retention].id,
                }
            )
        file_list.with_user(self.rec_head).action_approve()
        return file_list

    def _task(self):
        task = (
            self.env["moh.task"]
            .with_user(self.rec_head)
            .create({"name": "Rà soát quy hoạch cán bộ", "department_id": self.unit.id, "working_days": 5})
        )
        task.with_user(self.rec_head).action_assign()
        return task

    def _open_file(self, **list_values):
        records_file = self._list(**list_values).file_ids[:1]
        records_file.with_user(self.rec_spec).action_open()
        return records_file

    def _closed_file(self, start=None, end=None, **list_values):
        records_file = self._open_file(**list_values)
        records_file.with_user(self.rec_spec).action_add_item("moh.task", self._task().id)
        records_file.with_user(self.rec_spec).write(
            {
                "start_date": start or self.today - dt.timedelta(days=200),
                "end_date": end or self.today - dt.timedelta(days=10),
                "keywords": "cán bộ",
            }
        )
        records_file.with_user(self.rec_spec).action_close()
        return records_file


@tagged("post_install", "-at_install")
class TestRecords(RecordsCase):
    def test_file_list_approved_by_the_unit_head_and_file_codes(self):
        file_list = (
            self.env["moh.records.file.list"]
            .with_user(self.rec_spec)
            .create({"year": 2040, "department_id": self.unit.id})
        )
        self.env[FILE].with_user(self.rec_spec).create(
            {
                "list_id": file_list.id,
                "number": 15,
                "name": "Hồ sơ tuyển dụng",
                "retention_id": self.retention["letters"].id,
            }
        )
        with self.assertRaises(AccessError):
            file_list.with_user(self.rec_spec).action_approve()
        with self.assertRaises(AccessError):
            self.env["moh.records.file.list"].with_user(self.other_spec).create(
                {"year": 2040, "department_id": self.unit.id}
            )
        records_file = file_list.file_ids
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).action_open()  # the list is not approved
        file_list.with_user(self.rec_head).action_approve()
        self.assertEqual(file_list.state, "approved")
        self.assertEqual(file_list.approved_by_id, self.rec_head)
        with self.assertRaises(UserError):
            self.env[FILE].with_user(self.rec_spec).create({"list_id": file_list.id, "number": 16, "name": "Muộn"})
        records_file.with_user(self.rec_spec).action_open()
        self.assertEqual(records_file.state, "open")
        self.assertEqual(records_file.handler_id, self.rec_spec)
        self.assertEqual(records_file.code, "000.00.00.G18.2040.015")
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).unlink()

    def test_registered_document_suggests_the_file_and_is_added(self):
        records_file = self._open_file(year=self.today.year, doc_types=("cong_van",))
        doc = self._moh_new_document()
        doc.with_user(self.clerk).action_register()
        doc.with_user(self.clerk).action_submit(self.leader)
        doc.with_user(self.leader).action_direct(self.unit)
        doc = doc.with_user(self.rec_spec)
        self.assertEqual(doc.suggested_file_id, records_file)
        self.assertFalse(doc.records_file_id)
        doc.action_add_to_file()
        self.env.invalidate_all()
        self.assertEqual(doc.records_file_id, records_file)
        self.assertFalse(doc.suggested_file_id)
        self.assertIn(doc, records_file.incoming_document_ids)
        self.assertEqual(records_file.item_count, 1)
        # Another file cannot take it too.
        second = self._open_file()
        with self.assertRaises(UserError):
            second.with_user(self.rec_spec).action_add_item("moh.incoming.document", doc.id)
        # A draft outgoing document is not filed.
        draft = (
            self.env["moh.outgoing.document"]
            .with_user(self.rec_spec)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.unit.id,
                    "abstract": "V/v cử cán bộ đi học",
                }
            )
        )
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).action_add_item("moh.outgoing.document", draft.id)
        records_file.with_user(self.rec_spec).action_remove_item("moh.incoming.document", doc.id)
        self.assertEqual(records_file.item_count, 0)

    def test_task_of_a_document_suggests_the_file_on_its_form(self):
        records_file = self._open_file(year=self.today.year, doc_types=("cong_van",))
        doc = self._moh_new_document()
        doc.with_user(self.clerk).action_register()
        doc.with_user(self.clerk).action_submit(self.leader)
        doc.with_user(self.leader).action_direct(self.unit)
        task = (
            self.env["moh.task"]
            .with_user(self.rec_head)
            .create(
                {
                    "name": "Báo cáo theo công văn",
                    "department_id": self.unit.id,
                    "incoming_document_id": doc.id,
                    "working_days": 5,
                }
            )
        )
        task.with_user(self.rec_head).action_assign()
        self.env.invalidate_all()
        task = task.with_user(self.rec_spec)
        # The file whose heading lists the type of the task's document, as for the document.
        self.assertEqual(task.suggested_file_id, records_file)
        # A task of no document has no document type: nothing is suggested.
        self.assertFalse(self._task().with_user(self.rec_spec).suggested_file_id)
        arch = task.get_view(self.env.ref("moh_documents.moh_task_view_form").id)["arch"]
        self.assertIn('name="suggested_file_id"', arch)
        self.assertIn('name="action_add_to_file"', arch)
        task.action_add_to_file()
        self.env.invalidate_all()
        self.assertEqual(task.records_file_id, records_file)
        self.assertFalse(task.suggested_file_id)
        self.assertIn(task, records_file.sudo().task_ids)

    def test_closing_checks_the_metadata_and_freezes_the_file(self):
        records_file = self._open_file()
        with self.assertRaisesRegex(UserError, "Complete the file"):
            records_file.with_user(self.rec_spec).action_close()
        task = self._task()
        records_file.with_user(self.rec_spec).action_add_item("moh.task", task.id)
        # The start is written too: the opening's default is the handler's day (Hà Nội), maybe tomorrow here.
        records_file.with_user(self.rec_spec).write(
            {"start_date": self.today - dt.timedelta(days=10), "end_date": self.today, "keywords": "cán bộ"}
        )
        # Another specialist of the unit is not its handler.
        with self.assertRaises(AccessError):
            records_file.with_user(self.rec_spec2).action_close()
        with patch.object(type(self.env[FILE]), "_moh_on_close", autospec=True, return_value=True) as hook:
            records_file.with_user(self.rec_spec).action_close()
        hook.assert_called_once()
        self.assertEqual(records_file.state, "closed")
        self.assertEqual(records_file.closed_by_id, self.rec_spec)
        self.assertEqual(records_file.handover_deadline, self.today + relativedelta(years=1))
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).write({"name": "Đổi tên"})
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).action_add_item("moh.task", self._task().id)
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_spec).action_remove_item("moh.task", task.id)
        with self.assertRaises(AccessError):
            records_file.with_user(self.rec_spec).write({"state": "open"})
        items = records_file.with_user(self.rec_spec)._moh_package_items()
        self.assertEqual([(i["model"], i["res_id"]) for i in items], [("moh.task", task.id)])
        self.assertEqual(items[0]["metadata"]["kind"], "task")
        self.assertEqual(items[0]["attachments"]._name, "ir.attachment")

    def test_construction_file_due_three_months_after_settlement(self):
        records_file = self._open_file(retention="permanent_acts")
        records_file.with_user(self.rec_spec).write({"building": True})
        records_file.with_user(self.rec_spec).action_add_item("moh.task", self._task().id)
        records_file.with_user(self.rec_spec).write(
            {"start_date": self.today - dt.timedelta(days=10), "end_date": self.today}
        )
        records_file.with_user(self.rec_spec).action_close()
        self.assertFalse(records_file.handover_deadline)
        records_file.with_user(self.rec_spec).action_set_settlement("2030-01-31")
        self.assertEqual(records_file.handover_deadline, dt.date(2030, 4, 30))

    def test_daily_job_warns_30_days_ahead_and_flags_overdue(self):
        soon_end = self.today - relativedelta(years=1) + dt.timedelta(days=20)
        soon = self._closed_file(start=soon_end - dt.timedelta(days=100), end=soon_end)
        late = self._closed_file(start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 30))
        later = self._closed_file(end=self.today)
        self.env[FILE]._cron_moh_records()
        self.assertEqual(soon.handover_warned_on, self.today)
        self.assertFalse(soon.handover_overdue)
        people = soon.activity_ids.user_id
        self.assertIn(self.rec_head, people)
        self.assertIn(self.archivist, people)
        self.assertTrue(late.handover_overdue)
        self.assertFalse(later.handover_warned_on)
        self.assertFalse(later.activity_ids)
        # Warned once.
        count = len(soon.activity_ids)
        self.env[FILE]._cron_moh_records()
        self.assertEqual(len(soon.activity_ids), count)

    def test_keeping_back_at_most_two_years_then_due_again(self):
        records_file = self._closed_file(start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 30))
        with self.assertRaises(AccessError):
            records_file.with_user(self.rec_spec).action_keep_back(self.today + dt.timedelta(days=30), "Còn dùng")
        too_late = self.today + dt.timedelta(days=2 * 366 + 2)
        with self.assertRaisesRegex(UserError, "2 years"):
            records_file.with_user(self.rec_head).action_keep_back(too_late, "Còn dùng để thanh tra")
        with self.assertRaises(UserError):
            records_file.with_user(self.rec_head).action_keep_back(self.today + dt.timedelta(days=30), " ")
        records_file.with_user(self.rec_head).action_keep_back(
            self.today + dt.timedelta(days=300), "Còn dùng để thanh tra"
        )
        self.assertEqual(records_file.state, "kept_back")
        self.assertEqual(records_file.handover_deadline, self.today + dt.timedelta(days=300))
        # The keeping back ends: the file is due again, and overdue.
        records_file.sudo().kept_back_until = self.today - dt.timedelta(days=1)
        self.env[FILE]._cron_moh_records()
        self.assertEqual(records_file.state, "closed")
        self.assertTrue(records_file.handover_overdue)

    def _sign(self, doc):
        """The hand-over record through its review chain, signed by the leader (who has a key)."""
        doc.sudo().write(
            {
                "signer_id": self.leader.id,
                "signer_position": "THỨ TRƯỞNG",
                "register_id": self.env.ref("moh_documents.register_outgoing").id,
            }
        )
        doc.with_user(self.rec_spec).action_request_review()
        doc._moh_review_by_each()
        doc.with_user(self.rec_spec).action_approved()
        doc.with_user(self.leader).action_sign(self.pki.password)

    def test_handover_documents_signed_then_accepted_by_the_archive(self):
        first = self._closed_file()
        second = self._closed_file(retention="letters")
        short = self._closed_file(retention="routine")
        batch = self.env["moh.records.handover"].with_user(self.rec_spec).create({"department_id": self.unit.id})
        batch.with_user(self.rec_spec).action_gather()
        self.assertEqual(batch.file_ids, first | second)  # 2 years: stays in the unit
        self.assertNotIn(short, batch.file_ids)
        with self.assertRaises(UserError):
            batch.with_user(self.rec_head).action_send()  # no hand-over record yet
        batch.with_user(self.rec_spec).action_generate_documents()
        record = batch.record_document_id
        self.assertEqual(record.document_type_id, self.env.ref("moh_documents.document_type_bien_ban"))
        self.assertIn(first.code, batch.list_document_id.body)
        self.assertIn(second.code, record.body)
        self.assertEqual(record.drafter_id, self.rec_spec)
        with self.assertRaises(UserError):
            batch.with_user(self.rec_head).action_send()  # not signed
        self._sign(record)
        with self.assertRaises(AccessError):
            batch.with_user(self.rec_spec).action_send()
        batch.with_user(self.rec_head).action_send()
        self.assertEqual(first.state, "in_handover")
        with self.assertRaises(AccessError):
            batch.with_user(self.rec_head).action_accept()
        batch.with_user(self.archivist).action_accept()
        self.assertEqual(batch.state, "accepted")
        self.assertEqual(batch.accepted_by_id, self.archivist)
        self.assertEqual((first | second).mapped("state"), ["handed_over", "handed_over"])
        # The archivist reads the files handed over and what the package needs, not the items.
        items = first.with_user(self.archivist)._moh_package_items()
        self.assertEqual(len(items), 1)
        self.assertEqual(first.with_user(self.archivist)._moh_package_metadata()["code"], first.code)

    def test_disposal_of_files_past_their_retention(self):
        old = self._closed_file(start=dt.date(2015, 1, 1), end=dt.date(2015, 6, 30), retention="routine")
        secret = self._open_file(retention="routine")
        secret.with_user(self.rec_spec).write({"confidentiality": "confidential"})
        secret.with_user(self.rec_spec).action_add_item("moh.task", self._task().id)
        secret.with_user(self.rec_spec).write(
            {"start_date": dt.date(2015, 1, 1), "end_date": dt.date(2015, 6, 30), "keywords": "mật"}
        )
        secret.with_user(self.rec_spec).action_close()
        kept = self._closed_file(start=dt.date(2015, 1, 1), end=dt.date(2015, 6, 30), retention="plans_reports")
        Disposal = self.env["moh.records.disposal"]
        with self.assertRaises(AccessError):
            Disposal.with_user(self.other_spec).action_propose(self.unit.id)
        batch = Disposal.browse(Disposal.with_user(self.rec_spec).action_propose(self.unit.id))
        self.assertEqual(batch.file_ids, old)  # not the confidential one, not the one for the archive
        self.assertNotIn(kept, batch.file_ids)
        # The confidential file is added by hand (its handler reads it): then a ministry leader approves.
        batch.with_user(self.rec_spec).action_add_file(secret.id)
        self.assertTrue(batch.needs_leader)
        with self.assertRaises(AccessError):
            batch.with_user(self.rec_head).action_approve()
        batch.with_user(self.rec_spec).action_remove_file(secret.id)
        batch.with_user(self.rec_head).action_approve()
        with self.assertRaises(UserError):
            batch.with_user(self.rec_head).action_dispose("")
        batch.with_user(self.rec_head).action_dispose("Quyết định số 12/QĐ-TCCB về việc hủy tài liệu hết giá trị")
        self.assertEqual(old.state, "disposed")
        self.assertEqual(old.disposed_by_id, self.rec_head)
        self.assertIn("12/QĐ-TCCB", old.disposal_basis)
        for record in (old, batch):
            with self.assertRaises(UserError):
                record.sudo().unlink()
        self.assertTrue(old.exists())

    def test_demo_lists_and_the_file_handed_over(self):
        archivist = self.env.ref("moh_documents.user_luutru", raise_if_not_found=False)
        if not archivist:
            self.skipTest("installed without demo data")
        handed_over = self.env[FILE].with_user(archivist).search([("state", "=", "handed_over")])
        self.assertTrue(handed_over)
        self.assertEqual(set(handed_over.handover_id.mapped("state")), {"accepted"})
        # Its hand-over list and record were signed by the unit's head with the demo PKI's key.
        batch = handed_over.handover_id.sudo()
        documents = batch.list_document_id | batch.record_document_id
        self.assertEqual(len(documents), 2)
        self.assertEqual(set(documents.mapped("state")), {"signed"})
        self.assertEqual(documents.signer_id, self.env.ref("moh_documents.user_vutruong_pc"))
        self.assertEqual(batch.sent_by_id, documents.signer_id)
        drug = self.env.ref("moh_documents.dep_drug")
        filled = self.env[FILE].search([("department_id", "=", drug.id), ("state", "=", "open")])
        self.assertTrue(filled.filtered("item_count"))
        self.assertTrue(filled[:1].code.startswith("000.00.00.G18."))


@tagged("post_install", "-at_install")
class TestRecordsSecurity(RpcAttackMixin, RecordsCase, HttpCase):
    def _rpc_ok(self, user, model, method, args=(), kwargs=None):
        result, error = self._rpc(user, model, method, args, kwargs)
        self.assertFalse(error, f"{user.login} {model}.{method}: {error}")
        return result

    def test_archivist_reads_only_files_handed_over(self):
        open_file = self._open_file()
        doc = self._moh_new_document()
        self.assertRpcRefused(self.archivist, FILE, "read", [open_file.ids, ["name"]])
        self.assertRpcRefused(self.archivist, "moh.incoming.document", "read", [doc.ids, ["abstract"]])
        self.assertRpcRefused(self.archivist, "moh.records.file.list", "search_read", [[]], {"fields": ["name"]})
        self.assertRpcRefused(self.archivist, FILE, "action_add_item", [open_file.ids, "moh.incoming.document", doc.id])
        closed = self._closed_file()
        self.assertRpcRefused(self.archivist, FILE, "read", [closed.ids, ["name"]])
        batch = self.env["moh.records.handover"].with_user(self.rec_spec).create({"department_id": self.unit.id})
        batch.with_user(self.rec_spec).action_gather()
        self.assertRpcRefused(self.archivist, "moh.records.handover", "read", [batch.ids, ["name"]])
        self.assertRpcRefused(self.archivist, "moh.records.handover", "action_accept", [batch.ids])
        batch.sudo().file_ids.write({"state": "in_handover"})
        batch.sudo().write({"state": "sent"})
        rows = self._rpc_ok(self.archivist, FILE, "search_read", [[]], {"fields": ["name", "code", "state"]})
        self.assertIn(closed.id, [row["id"] for row in rows])
        self.assertNotIn(open_file.id, [row["id"] for row in rows])
        self.assertTrue(all(row["state"] in ("in_handover", "handed_over") for row in rows))
        self.assertRpcRefused(self.rec_spec, "moh.records.handover", "action_accept", [batch.ids])
        self._rpc_ok(self.archivist, "moh.records.handover", "action_accept", [batch.ids])
        self.assertEqual(closed.state, "handed_over")

    def test_another_unit_neither_reads_nor_files(self):
        open_file = self._open_file()
        task = self._task()
        self.assertRpcRefused(self.other_spec, FILE, "read", [open_file.ids, ["name"]])
        self.assertRpcRefused(self.other_spec, FILE, "action_add_item", [open_file.ids, "moh.task", task.id])
        self.assertRpcRefused(self.other_spec, FILE, "action_close", [open_file.ids])
        self.assertRpcRefused(self.other_spec, FILE, "write", [open_file.ids, {"name": "Của tôi"}])
        # A specialist of the unit who is not the handler reads it but does not file into it.
        self._rpc_ok(self.rec_spec2, FILE, "read", [open_file.ids, ["name"]])
        self.assertRpcRefused(self.rec_spec2, FILE, "action_add_item", [open_file.ids, "moh.task", task.id])
        # Workflow fields only through the steps, for everyone.
        for user in (self.rec_spec, self.rec_head, self.admin):
            self.assertRpcRefused(user, FILE, "write", [open_file.ids, {"state": "closed"}])
            self.assertRpcRefused(user, FILE, "write", [open_file.ids, {"task_ids": [(4, task.id)]}])
        self.env.invalidate_all()
        self.assertEqual(open_file.state, "open")
        self.assertFalse(open_file.task_ids)
        self.assertRpcRefused(self.rec_spec, "moh.records.file.list", "action_approve", [open_file.list_id.ids])

    def test_nobody_unlinks_a_disposed_file(self):
        old = self._closed_file(start=dt.date(2015, 1, 1), end=dt.date(2015, 6, 30), retention="routine")
        Disposal = self.env["moh.records.disposal"]
        batch = Disposal.browse(Disposal.with_user(self.rec_spec).action_propose(self.unit.id))
        self.assertRpcRefused(self.rec_spec, "moh.records.disposal", "action_approve", [batch.ids])
        self.assertRpcRefused(self.other_spec, "moh.records.disposal", "action_approve", [batch.ids])
        self.assertRpcRefused(self.rec_spec, "moh.records.disposal", "create", [{"department_id": self.unit.id}])
        self._rpc_ok(self.rec_head, "moh.records.disposal", "action_approve", [batch.ids])
        self._rpc_ok(self.rec_head, "moh.records.disposal", "action_dispose", [batch.ids, "Quyết định số 3/QĐ-TCCB"])
        for user in (self.rec_spec, self.rec_head, self.leader, self.admin):
            self.assertRpcRefused(user, FILE, "unlink", [old.ids], errors=REFUSED)
            self.assertRpcRefused(user, "moh.records.disposal", "unlink", [batch.ids], errors=REFUSED)
        self.assertTrue(old.exists())
        self.assertEqual(old.state, "disposed")

    def test_keeping_back_more_than_two_years_is_refused(self):
        records_file = self._closed_file(start=dt.date(2020, 1, 1), end=dt.date(2020, 6, 30))
        too_late = fields.Date.to_string(self.today + dt.timedelta(days=2 * 366 + 2))
        error = self.assertRpcRefused(
            self.rec_head, FILE, "action_keep_back", [records_file.ids, too_late, "Còn dùng"], errors=REFUSED
        )
        self.assertEqual(error, "odoo.exceptions.UserError")
        self.assertRpcRefused(
            self.rec_spec,
            FILE,
            "action_keep_back",
            [records_file.ids, fields.Date.to_string(self.today + dt.timedelta(days=30)), "Còn dùng"],
        )
        # The dialog only calls the step, as the caller.
        wizard = self._rpc_ok(
            self.rec_spec,
            "moh.records.step.wizard",
            "create",
            [
                {
                    "step": "keep_back",
                    "file_id": records_file.id,
                    "date": fields.Date.to_string(self.today + dt.timedelta(days=30)),
                    "text": "Còn dùng",
                }
            ],
        )
        self.assertRpcRefused(self.rec_spec, "moh.records.step.wizard", "action_confirm", [[wizard]])
        self.env.invalidate_all()
        self.assertEqual(records_file.state, "closed")
        self.assertFalse(records_file.kept_back_until)
