"""Tasks (moh.task) and My Work (moh.work.item), as each role uses them: a leader assigns, the
assignees report and ask for more time, the assigner decides, the deadline moves in working
days, overdue tasks are escalated and counted; other departments see nothing."""

import base64
import datetime as dt

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import MohUsersMixin, RpcAttackMixin

D = dt.date
TASK = "moh.task"
ACCESS = ("odoo.exceptions.AccessError",)
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


class TaskMixin(MohUsersMixin):
    @classmethod
    def _moh_setup_tasks(cls):
        cls._moh_setup_users()
        cls.calendar = cls.env.company._moh_calendar()
        cls.calendar._moh_seed_public_holidays([2026, 2027])

    def _today(self, user):
        return fields.Date.context_today(self.env["moh.task"].with_user(user))

    def _task(self, user=None, assign=True, deadline=None, **values):
        user = user or self.leader
        task = (
            self.env[TASK]
            .with_user(user)
            .create(
                {
                    "name": "Tổng hợp báo cáo tình hình cung ứng thuốc",
                    "department_id": self.department_drug.id,
                    "user_ids": [(6, 0, self.specialist.ids)],
                    **values,
                }
            )
        )
        if assign:
            task.action_assign(deadline)
        return task

    def _upload(self, user, name="bao_cao.pdf"):
        """A file as the dialog's upload widget stores it: the user's, attached to no record."""
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(b"%PDF-1.4 bao cao"),
                    "res_model": "moh.task.step.wizard",
                    "res_id": 0,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestTasks(TaskMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_tasks()

    def test_leader_assigns_to_a_department_and_a_person(self):
        task = self._task(assign=False, cooperating_department_ids=[(6, 0, self.department_legal.ids)], working_days=10)
        # A draft is the assigner's alone.
        self.assertFalse(self.env[TASK].with_user(self.specialist).search([("id", "=", task.id)]))
        task.action_assign()
        today = self._today(self.leader)
        self.assertEqual(task.state, "assigned")
        self.assertEqual(task.assigner_id, self.leader)
        self.assertEqual(task.deadline, self.calendar.moh_add_working_days(today, 10))
        self.assertEqual(task.deadline_state, "on_time")
        # The assignee and the head of the lead unit each have a to-do until the deadline.
        todos = task.activity_ids
        self.assertEqual(set(todos.user_id.ids), {self.specialist.id, self.head.id})
        self.assertEqual(set(todos.mapped("date_deadline")), {task.deadline})
        # Everyone involved sees it; members of the cooperating unit too.
        for user in (self.specialist, self.head, self.head_legal, self.specialist_legal, self.deputy):
            self.assertEqual(self.env[TASK].with_user(user).search([("id", "=", task.id)]), task, user.login)

    def test_department_head_assigns_within_their_department_only(self):
        own = self._task(user=self.head)
        self.assertEqual(own.state, "assigned")
        foreign = self._task(user=self.head, assign=False, department_id=self.department_legal.id, user_ids=[])
        with self.assertRaises(AccessError):
            foreign.action_assign()
        stranger = self._task(user=self.head, assign=False, user_ids=[(6, 0, self.specialist_legal.ids)])
        with self.assertRaises(AccessError):
            stranger.action_assign()
        # A specialist assigns nothing of their own.
        with self.assertRaises(AccessError):
            self._task(user=self.specialist, assign=False)

    def test_assignee_reports_progress_with_a_file(self):
        task = self._task()
        upload = self._upload(self.specialist)
        wizard = (
            self.env["moh.task.step.wizard"]
            .with_user(self.specialist)
            .create(
                {
                    "task_id": task.id,
                    "step": "progress",
                    "percent": 40,
                    "note": "Đã tổng hợp số liệu của 30/63 tỉnh.",
                    "attachment_ids": [(6, 0, upload.ids)],
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual((task.state, task.progress), ("in_progress", 40))
        report = task.progress_ids
        self.assertEqual((report.user_id, report.percent), (self.specialist, 40))
        self.assertEqual(report.attachment_ids, upload)
        self.assertEqual((upload.res_model, upload.res_id), ("moh.task.progress", report.id))
        # The assigner reads the report and its file; another department does not.
        self.assertEqual(report.with_user(self.leader).attachment_ids.with_user(self.leader).datas, upload.datas)
        with self.assertRaises(AccessError):
            upload.with_user(self.specialist_legal).check_access("read")
        # A file uploaded by someone else cannot be taken into a report.
        other = self._upload(self.head)
        with self.assertRaises(AccessError):
            task.with_user(self.specialist).action_report_progress(50, "Tiếp tục", [other.id])
        with self.assertRaises(UserError):
            task.with_user(self.specialist).action_report_progress(150, "Quá")

    def test_approved_extension_moves_the_deadline_in_working_days(self):
        # Due Wednesday 3 February 2027, just before the lunar new year (4 to 10 February off).
        task = self._task(deadline="2027-02-03")
        self.assertEqual(task.deadline, D(2027, 2, 3))
        extension = self.env["moh.task.extension"].browse(
            task.with_user(self.specialist).action_request_extension("Chờ số liệu của các tỉnh", working_days=3)
        )
        self.assertEqual(extension.requested_deadline, D(2027, 2, 15), "3 working days after the Tết holiday")
        self.assertTrue(task.extension_pending)
        self.assertIn(self.leader, task.activity_ids.user_id)
        with self.assertRaises(UserError):
            task.with_user(self.specialist).action_request_extension("Lần nữa", working_days=1)
        # The assignee does not decide on their own request; the assigner does.
        with self.assertRaises(AccessError):
            task.with_user(self.specialist).action_approve_extension()
        task.with_user(self.leader).action_approve_extension("Đồng ý")
        self.assertEqual(task.deadline, D(2027, 2, 15))
        self.assertEqual((extension.state, extension.decided_by_id), ("approved", self.leader))
        self.assertEqual(extension.previous_deadline, D(2027, 2, 3))
        # A refused request leaves the deadline alone.
        again = self.env["moh.task.extension"].browse(
            task.with_user(self.specialist).action_request_extension("Thêm", requested_deadline="2027-03-01")
        )
        task.with_user(self.deputy).action_refuse_extension("Không đủ lý do")
        self.assertEqual((again.state, task.deadline), ("refused", D(2027, 2, 15)))

    def test_completion_with_the_result(self):
        task = self._task()
        sub = self._task(user=self.head, parent_id=task.id, name="Thu thập số liệu")
        self.assertEqual(sub.incoming_document_id, task.incoming_document_id)
        with self.assertRaises(UserError):
            task.with_user(self.specialist).action_complete("Xong")  # its sub-task is open
        sub.with_user(self.specialist).action_complete("Đã thu thập")
        result = self._upload(self.specialist, "bao_cao_tong_hop.pdf")
        task.with_user(self.specialist).action_complete("Đã trình báo cáo tổng hợp.", None, [result.id])
        self.assertEqual((task.state, task.progress, task.deadline_state), ("done", 100, "done_on_time"))
        self.assertTrue(task.done_date)
        self.assertEqual(task.result_attachment_ids, result)
        self.assertFalse(task.activity_ids, "the to-dos are closed")
        with self.assertRaises(UserError):
            task.with_user(self.leader).action_cancel("Muộn")

    def test_overdue_tasks_are_escalated_once_and_counted(self):
        task = self._task()
        task.sudo().deadline = self.calendar.moh_add_working_days(self._today(self.leader), -2)
        self.assertEqual(task.deadline_state, "overdue")
        _due, overdue = self.env[TASK]._cron_moh_deadline_reminders()
        self.assertGreaterEqual(overdue, 1)
        self.assertTrue(task.escalated_on)
        summaries = task.activity_ids.filtered(lambda a: a.user_id == self.leader).mapped("summary")
        self.assertTrue(any("Overdue" in (s or "") or "Quá hạn" in (s or "") for s in summaries), summaries)
        before = len(task.activity_ids)
        self.env[TASK]._cron_moh_deadline_reminders()
        self.assertEqual(len(task.activity_ids), before, "escalated once")
        # The daily job of the documents runs it.
        cron = self.env.ref("moh_documents.ir_cron_deadline_reminders")
        self.assertIn('env["moh.task"]._cron_moh_deadline_reminders()', cron.code)
        self.env.flush_all()
        item = self.env["moh.kpi.item"].search([("kind", "=", "task"), ("res_id", "=", task.id)])
        self.assertEqual(len(item), 1)
        self.assertTrue(item.is_open and item.is_overdue)
        self.assertEqual((item.department_id, item.user_id), (self.department_drug, self.specialist))

    def test_kpi_items_for_tasks(self):
        done = self._task()
        done.with_user(self.specialist).action_complete("Xong")
        draft = self._task(assign=False)
        cancelled = self._task()
        cancelled.with_user(self.leader).action_cancel("Không còn cần")
        self.env.flush_all()
        items = self.env["moh.kpi.item"].search([("kind", "=", "task")])
        self.assertIn(done.id, items.mapped("res_id"))
        self.assertNotIn(draft.id, items.mapped("res_id"))
        self.assertNotIn(cancelled.id, items.mapped("res_id"))
        row = items.filtered(lambda i: i.res_id == done.id)
        self.assertEqual((row.is_open, row.received_date, row.res_model), (False, self._today(self.leader), TASK))
        # The department head counts their department's tasks; the dashboard knows the kind.
        mine = self.env["moh.kpi.item"].with_user(self.head).search([("kind", "=", "task")])
        self.assertIn(done.id, mine.mapped("res_id"))
        self.assertFalse(
            self.env["moh.kpi.item"]
            .with_user(self.head_legal)
            .search([("kind", "=", "task"), ("res_id", "=", done.id)])
        )
        self.assertIn("task", dict(self.env["moh.kpi.dashboard"]._fields["kind"].selection))
        # Counted ahead per day as well (moh.kpi.fact), through the source table's triggers.
        facts = self.env["moh.kpi.fact"].search([("kind", "=", "task"), ("facet", "=", "completed")])
        self.assertGreaterEqual(sum(facts.mapped("n")), 1)

    def test_another_department_reads_nothing(self):
        task = self._task()
        Task = self.env[TASK].with_user(self.specialist_legal)
        self.assertFalse(Task.search([("id", "=", task.id)]))
        with self.assertRaises(AccessError):
            task.with_user(self.specialist_legal).read(["name"])
        with self.assertRaises(AccessError):
            task.with_user(self.specialist_legal).action_report_progress(10, "x")
        with self.assertRaises(AccessError):
            task.with_user(self.head_legal).action_cancel("x")

    def test_confidential_document_tasks_follow_its_readers(self):
        secret = self._moh_new_document(abstract="V/v phương án bảo vệ bí mật nhà nước", confidentiality="confidential")
        secret.with_user(self.clerk).action_register_and_submit(self.leader)
        task = self._task(incoming_document_id=secret.id, assign=False, user_ids=[], name="Xây dựng phương án")
        self.assertEqual(task.confidentiality, "confidential")
        # The drug department's people are not readers yet: the draft is hidden from them.
        self.assertFalse(self.env[TASK].with_user(self.specialist).search([("id", "=", task.id)]))
        task.action_assign()
        # Assigning it routes the document to the unit's head, as a direction would.
        self.assertIn(self.head, secret.reader_ids)
        self.assertTrue(self.env[TASK].with_user(self.head).search([("id", "=", task.id)]))
        self.assertFalse(self.env[TASK].with_user(self.specialist).search([("id", "=", task.id)]))
        # Its indicator row hides the subject.
        self.env.flush_all()
        item = self.env["moh.kpi.item"].search([("kind", "=", "task"), ("res_id", "=", task.id)])
        self.assertEqual(item.name, "***")
        # Nobody links a task to a document they may not read.
        with self.assertRaises(AccessError):
            self._task(user=self.head_legal, assign=False, incoming_document_id=secret.id, user_ids=[])

    def _colleague(self):
        """A second specialist of the drug department, granted nothing."""
        colleague = new_test_user(
            self.env, login="t_colleague", groups="moh_documents.group_specialist", name="Drug Colleague"
        )
        self.env["hr.employee"].create(
            {"name": colleague.name, "user_id": colleague.id, "department_id": self.department_drug.id}
        )
        return colleague

    def test_secret_incoming_task_sub_tasks_stay_with_its_readers(self):
        colleague = self._colleague()
        secret = self._moh_new_document(abstract="V/v dự trữ quốc gia", confidentiality="secret")
        secret.with_user(self.clerk).action_register_and_submit(self.leader)
        task = self._task(incoming_document_id=secret.id, name="Lập phương án dự trữ")
        # A ministry leader may grant the document (as routing it): the hand-over is registered.
        self.assertTrue((self.head | self.specialist) <= secret.reader_ids)
        # A sub-task keeps its parent's document, whatever its creator sends.
        sub = self._task(
            user=self.specialist,
            assign=False,
            parent_id=task.id,
            department_id=False,
            incoming_document_id=False,
            user_ids=[(6, 0, colleague.ids)],
            name="Rà soát số liệu",
        )
        self.assertEqual((sub.incoming_document_id, sub.confidentiality), (secret, "confidential"))
        sub.with_user(self.specialist).write({"incoming_document_id": False})
        self.assertEqual((sub.incoming_document_id, sub.confidentiality), (secret, "confidential"))
        with self.assertRaises(UserError):
            sub.with_user(self.specialist).write({"parent_id": False})
        # A specialist does not hand state-secret content to a colleague who is not its reader.
        with self.assertRaisesRegex(UserError, "Drug Colleague"):
            sub.with_user(self.specialist).action_assign()
        self.assertNotIn(colleague, secret.reader_ids)
        for user in (colleague, self.specialist_legal, self.head_legal):
            Task = self.env[TASK].with_user(user)
            self.assertFalse(Task.search([("id", "in", (task | sub).ids)]), user.login)
            self.assertFalse(Task.search_count([("parent_id", "=", task.id)]), user.login)
            with self.assertRaises(AccessError):
                sub.with_user(user).read(["name"])
        # My Work shows the task to its readers only: a reader whose grant is withdrawn loses the row.
        Work = self.env["moh.work.item"]
        self.env.flush_all()
        rows = [("res_model", "=", TASK), ("res_id", "=", task.id)]
        self.assertTrue(Work.with_user(self.specialist).search(rows))
        secret.sudo().reader_ids = [(3, self.specialist.id)]
        self.env.flush_all()
        self.assertFalse(Work.with_user(self.specialist).search(rows))
        # Nor its indicator row, to a ministry leader who is not its reader.
        item = [("kind", "=", "task"), ("res_id", "=", task.id)]
        self.assertFalse(self.env["moh.kpi.item"].with_user(self.deputy).search(item))
        self.assertEqual(self.env["moh.kpi.item"].with_user(self.leader).search(item).name, "***")

    def test_draft_tasks_wait_in_their_creator_s_work(self):
        Work = self.env["moh.work.item"]
        today = self._today(self.leader)
        later = self._task(assign=False, name="Dự thảo sau", proposed_deadline=today + dt.timedelta(days=40))
        sooner = self._task(assign=False, name="Dự thảo trước", proposed_deadline=today + dt.timedelta(days=20))
        undated = self._task(assign=False, name="Dự thảo chưa hạn")
        assigned = self._task(working_days=5, name="Việc đã giao")
        self.env.flush_all()
        drafts = Work.with_user(self.leader).search([("step", "=", "task_draft")])
        self.assertEqual(drafts.mapped("res_id"), [sooner.id, later.id, undated.id], "by due date, undated last")
        self.assertEqual(drafts[0].deadline, sooner.proposed_deadline)
        self.assertNotIn(assigned.id, drafts.mapped("res_id"))
        # Nobody else: not the people or the unit it is meant for, not another leader.
        for user in (self.specialist, self.head, self.deputy):
            self.assertFalse(
                Work.with_user(user).search([("res_model", "=", TASK), ("res_id", "in", (later | sooner).ids)]),
                user.login,
            )
        # Assigned, it leaves the creator's list for the assignee's.
        sooner.action_assign()
        self.env.flush_all()
        self.assertEqual(
            Work.with_user(self.leader).search([("step", "=", "task_draft")]).mapped("res_id"), [later.id, undated.id]
        )
        self.assertTrue(Work.with_user(self.specialist).search([("step", "=", "task"), ("res_id", "=", sooner.id)]))

    def test_my_work_lists_each_kind_for_its_owner_sorted_by_deadline(self):
        later = self._task(working_days=12, name="Việc sau")
        sooner = self._task(working_days=2, name="Việc trước")
        doc = self._moh_new_document(abstract="Đề nghị báo cáo")
        doc.with_user(self.clerk).action_register_and_submit(self.leader)
        assignment = doc.with_user(self.leader).action_direct(self.department_drug, deadline=None)
        assignment.with_user(self.head).action_assign_specialists(self.specialist)
        extension_task = self._task(working_days=5, name="Việc xin gia hạn")
        extension_task.with_user(self.specialist).action_request_extension("Chờ số liệu", working_days=2)
        self.env.flush_all()
        Work = self.env["moh.work.item"]
        mine = Work.with_user(self.specialist).search([])
        self.assertEqual(set(mine.user_id.ids), {self.specialist.id})
        self.assertEqual(
            {(i.kind, i.res_id) for i in mine if i.kind == "task"},
            {
                ("task", later.id),
                ("task", sooner.id),
                ("task", extension_task.id),
            },
        )
        self.assertIn(("document", "process", doc.id), {(i.kind, i.step, i.res_id) for i in mine})
        deadlines = [i.deadline for i in mine if i.deadline]
        self.assertEqual(deadlines, sorted(deadlines), "the most urgent first")
        self.assertEqual(mine.filtered(lambda i: i.res_id == sooner.id and i.kind == "task").deadline_state, "due_soon")
        # The assigner sees the extension to decide on, not the assignee's work.
        leader_rows = Work.with_user(self.leader).search([])
        self.assertEqual(
            {(i.step, i.res_id) for i in leader_rows if i.kind == "task"}, {("extension", extension_task.id)}
        )
        # Each row opens its record.
        action = mine.filtered(lambda i: i.res_id == doc.id and i.kind == "document")[:1].action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("moh.incoming.document", doc.id))
        # An outgoing draft under review waits for its current reviewer only.
        draft = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "abstract": "V/v cung ứng thuốc hiếm",
                    "body": "Kính gửi các bệnh viện.",
                    "signer_id": self.leader.id,
                    "signer_position": "THỨ TRƯỞNG",
                }
            )
        )
        draft.with_user(self.specialist).action_request_review()
        self.env.flush_all()
        turn = draft.review_ids.filtered(lambda r: r.status == "pending").reviewer_ids
        self.assertTrue(turn)
        for user in (self.head, self.head_legal, self.leader):
            rows = Work.with_user(user).search([("res_model", "=", "moh.outgoing.document"), ("res_id", "=", draft.id)])
            self.assertEqual(rows.mapped("step"), ["review"] if user in turn else [], user.login)
        # Another person never sees these rows, whatever they search for.
        self.assertFalse(Work.with_user(self.specialist_legal).search([("user_id", "=", self.specialist.id)]))


@tagged("post_install", "-at_install")
class TestTaskSecurity(RpcAttackMixin, TaskMixin, HttpCase):
    """Tasks tried over JSON-RPC by each role that has no business with them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_tasks()

    def _snapshot(self, task):
        self.env.invalidate_all()
        task = task.sudo()
        return {
            name: task[name]
            for name in ("state", "deadline", "assigner_id", "done_date", "result", "progress", "name", "user_ids")
        } | {"reports": len(task.progress_ids), "extensions": len(task.extension_ids)}

    def test_another_department_over_rpc(self):
        task = self._task()
        result, error = self._rpc(self.specialist_legal, TASK, "search_read", [[("id", "=", task.id)], ["name"]])
        self.assertEqual((result, error), ([], None))
        self.assertRpcRefused(self.specialist_legal, TASK, "read", [task.ids, ["name", "description"]])
        self.assertRpcRefused(self.specialist_legal, TASK, "write", [task.ids, {"name": "Sửa"}], errors=REFUSED)
        reports, error = self._rpc(
            self.specialist_legal, "moh.task.progress", "search_read", [[("task_id", "=", task.id)]]
        )
        self.assertEqual((reports, error), ([], None))

    def test_secret_outgoing_task_only_to_its_readers_over_rpc(self):
        """A task of a state-secret outgoing document: its drafter and signer read it, nobody else,
        whatever their role or unit, nor its sub-tasks, reports, files, indicator or My Work row."""
        colleague = new_test_user(
            self.env, login="t_colleague", groups="moh_documents.group_specialist", name="Drug Colleague"
        )
        self.env["hr.employee"].create(
            {"name": colleague.name, "user_id": colleague.id, "department_id": self.department_drug.id}
        )
        draft = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "confidentiality": "confidential",
                    "abstract": "V/v kế hoạch dự trữ thuốc quốc gia",
                    "signer_id": self.leader.id,
                    "signer_position": "THỨ TRƯỞNG",
                }
            )
        )
        # Its lead unit's head is not a reader of the draft: the task is not handed to him.
        refused = self._task(outgoing_document_id=draft.id, assign=False, name="Chuẩn bị số liệu dự trữ")
        with self.assertRaisesRegex(UserError, "T_Head"):
            refused.action_assign()
        task = self._task(
            outgoing_document_id=draft.id,
            department_id=False,
            cooperating_department_ids=[(6, 0, self.department_drug.ids)],
            name="Chuẩn bị số liệu dự trữ",
        )
        self.assertEqual(task.confidentiality, "confidential")
        sub = self._task(user=self.specialist, parent_id=task.id, department_id=False, name="Tổng hợp số liệu")
        self.assertEqual((sub.outgoing_document_id, sub.confidentiality), (draft, "confidential"))
        report = task.with_user(self.specialist).action_report_progress(30, "Đã tổng hợp một phần")
        file = self.env["ir.attachment"].create(
            {"name": "so_lieu.txt", "raw": b"x", "res_model": TASK, "res_id": task.id}
        )
        self.env.flush_all()
        ids = (task | sub).ids
        for user in (self.specialist, self.leader):
            found, error = self._rpc(user, TASK, "search_read", [[("id", "in", ids)], ["name"]])
            self.assertEqual((len(found or []), error), (2, None), user.login)
        # Non-readers: a colleague of the cooperating unit, its head, another unit, another leader.
        for user in (colleague, self.head, self.specialist_legal, self.deputy):
            with self.subTest(user=user.login):
                self.assertEqual(self._rpc(user, TASK, "search_read", [[("id", "in", ids)], ["name"]]), ([], None))
                self.assertEqual(self._rpc(user, TASK, "search_count", [[("id", "in", ids)]]), (0, None))
                groups, error = self._rpc(
                    user, TASK, "read_group", [[("id", "in", ids)], ["name"], ["state"]], {"lazy": False}
                )
                self.assertEqual((groups, error), ([], None))
                for target in (task, sub):
                    self.assertRpcRefused(user, TASK, "read", [target.ids, ["name", "description"]])
                self.assertEqual(
                    self._rpc(user, "moh.task.progress", "search_read", [[("id", "=", report)], ["note"]]), ([], None)
                )
                self.assertRpcRefused(user, "moh.task.progress", "read", [[report], ["note"]])
                self.assertRpcRefused(user, "ir.attachment", "read", [file.ids, ["name", "datas"]])
                self.assertRpcRefused(user, TASK, "action_report_progress", [task.ids, 50, "x"], errors=REFUSED)
                self.assertEqual(
                    self._rpc(user, "moh.work.item", "search_read", [[("res_id", "in", ids)], ["name"]]), ([], None)
                )
                task.with_user(user).invalidate_recordset()
                self.assertFalse(self.env[TASK].with_user(user).search([("id", "in", ids)]))
        # The indicators count the task, but only its readers see its row.
        item = [("kind", "=", "task"), ("res_id", "=", task.id)]
        self.assertEqual(self._rpc(self.deputy, "moh.kpi.item", "search_read", [item, ["name"]]), ([], None))
        rows, error = self._rpc(self.leader, "moh.kpi.item", "search_read", [item, ["name"]])
        self.assertEqual(([row["name"] for row in rows or []], error), (["***"], None))
        # The assignee's My Work lists it.
        self.assertTrue(
            self.env["moh.work.item"]
            .with_user(self.specialist)
            .search([("res_model", "=", TASK), ("res_id", "=", task.id)])
        )

    def test_workflow_fields_are_not_written_directly(self):
        task = self._task()
        before = self._snapshot(task)
        for user in (self.specialist, self.leader):
            for vals in (
                {"state": "done"},
                {"deadline": "2030-01-01"},
                {"assigner_id": user.id},
                {"done_date": "2026-01-01 00:00:00"},
                {"result": "Xong"},
                {"progress": 100},
            ):
                with self.subTest(user=user.login, vals=vals):
                    self.assertRpcRefused(user, TASK, "write", [task.ids, vals])
        # Nor set at creation, nor through a default of the context.
        self.assertRpcRefused(
            self.leader, TASK, "create", [{"name": "Giao", "state": "done", "department_id": self.department_drug.id}]
        )
        created, error = self._rpc(
            self.leader,
            TASK,
            "create",
            [{"name": "Giao", "department_id": self.department_drug.id}],
            {"context": {"default_deadline": "2020-01-01", "default_state": "done"}},
        )
        self.assertIsNone(error)
        new = self.env[TASK].browse(created)
        self.assertEqual((new.state, new.deadline), ("draft", False))
        # The assigned task's content is frozen; reports and extensions are made by the steps only.
        self.assertRpcRefused(self.leader, TASK, "write", [task.ids, {"name": "Đổi"}], errors=REFUSED)
        self.assertRpcRefused(
            self.specialist,
            "moh.task.progress",
            "create",
            [{"task_id": task.id, "user_id": self.specialist.id, "percent": 100}],
        )
        self.assertRpcRefused(
            self.specialist,
            "moh.task.extension",
            "create",
            [
                {
                    "task_id": task.id,
                    "requested_by_id": self.specialist.id,
                    "requested_deadline": "2030-01-01",
                    "reason": "x",
                }
            ],
        )
        self.assertEqual(self._snapshot(task), before)

    def test_every_public_method_checks_its_caller(self):
        task = self._task()
        task.with_user(self.specialist).action_request_extension("Chờ số liệu", working_days=2)
        Model = type(self.env[TASK])
        names = sorted(
            {
                name
                for cls in Model.mro()
                if cls.__module__.startswith("odoo.addons.moh_")
                for name, member in vars(cls).items()
                if callable(member) and not name.startswith("_") and name not in ("create", "write")
            }
        )
        self.assertTrue({"action_assign", "action_complete", "action_approve_extension"} <= set(names))
        arguments = {
            "action_assign": ["2030-01-07"],
            "action_report_progress": [50, "Báo cáo"],
            "action_request_extension": ["Lý do", "2030-01-07"],
            "action_approve_extension": ["Đồng ý"],
            "action_refuse_extension": ["Không"],
            "action_complete": ["Xong"],
            "action_cancel": ["Hủy"],
        }
        before = self._snapshot(task)
        for user in (self.portal, self.plain_user, self.specialist_legal, self.head_legal):
            for name in names:
                with self.subTest(user=user.login, method=name):
                    self.assertRpcRefused(user, TASK, name, [task.ids, *arguments.get(name, [])])
        # The assignee does not decide; the assigner does not do the work.
        for name in ("action_approve_extension", "action_refuse_extension", "action_cancel"):
            self.assertRpcRefused(self.specialist, TASK, name, [task.ids, *arguments[name]])
        self.assertRpcRefused(self.leader, TASK, "action_complete", [task.ids, "Xong"])
        self.assertRpcRefused(self.portal, TASK, "create", [{"name": "Cổng"}])
        self.assertRpcRefused(self.specialist_legal, TASK, "create", [{"name": "Tự giao"}])
        self.assertEqual(self._snapshot(task), before, "nothing changed")
        # Another person's dialog and work rows are not theirs to use.
        wizard = (
            self.env["moh.task.step.wizard"]
            .with_user(self.specialist)
            .create({"task_id": task.id, "step": "progress", "percent": 60, "note": "Tiếp"})
        )
        self.assertRpcRefused(self.specialist_legal, "moh.task.step.wizard", "action_confirm", [wizard.ids])
        self.env.flush_all()
        row = self.env["moh.work.item"].search([("user_id", "=", self.specialist.id), ("res_id", "=", task.id)])
        self.assertTrue(row)
        self.assertRpcRefused(self.specialist_legal, "moh.work.item", "action_open_record", [row[:1].ids])
        self.assertRpcRefused(self.portal, "moh.work.item", "action_open_record", [row[:1].ids])
        self.assertEqual(self._snapshot(task), before, "nothing changed")

    def test_the_assignee_works_over_rpc(self):
        task = self._task()
        upload = self._upload(self.specialist)
        self._rpc(self.specialist, TASK, "action_start", [task.ids])
        report, error = self._rpc(
            self.specialist, TASK, "action_report_progress", [task.ids, 30, "Đang làm", [upload.id]]
        )
        self.assertIsNone(error)
        _result, error = self._rpc(self.specialist, TASK, "action_complete", [task.ids, "Đã xong"])
        self.assertIsNone(error)
        self.env.invalidate_all()
        self.assertEqual((task.state, task.progress_ids.id), ("done", report))
