import datetime as dt

from freezegun import freeze_time
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import MohUsersMixin


@tagged("post_install", "-at_install")
class TestIncomingRouting(MohUsersMixin, TransactionCase):
    """The route of an incoming document, each step taken by the role that takes it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company._moh_calendar()._moh_seed_public_holidays([2026, 2027])

    def test_full_route_with_return_and_delegation(self):
        doc = self._moh_new_document()
        # Clerk: register (yearly number) and submit to the leader.
        doc.with_user(self.clerk).action_register()
        self.assertEqual(doc.state, "registered")
        self.assertTrue(doc.number >= 1)
        doc.with_user(self.clerk).action_submit(self.leader)
        self.assertEqual(doc.state, "submitted")
        self.assertIn(self.leader, doc.activity_ids.user_id)

        # The leader is away: the deputy acts in their name.
        self.env["moh.delegation"].with_user(self.leader).create(
            {
                "delegator_id": self.leader.id,
                "delegate_id": self.deputy.id,
                "date_from": dt.date.today(),
                "date_to": dt.date.today() + dt.timedelta(days=5),
            }
        )
        assignments = doc.with_user(self.deputy).action_direct(
            self.department_drug, self.department_legal, instruction="Cục QLD chủ trì, Vụ PC phối hợp"
        )
        self.assertEqual(doc.state, "in_progress")
        self.assertEqual(doc.lead_department_id, self.department_drug)
        step = doc.trace_ids.filtered(lambda t: t.action == "assign")
        self.assertEqual(step.user_id, self.deputy)
        self.assertEqual(step.on_behalf_of_id, self.leader)
        self.assertTrue(any("On behalf of" in (m.body or "") and self.leader.name in m.body for m in doc.message_ids))
        self.assertEqual(set(doc.activity_ids.user_id.ids), {self.head.id, self.head_legal.id})

        lead = assignments.filtered(lambda a: a.role == "lead")
        cooperating = assignments - lead
        # The department head assigns a specialist, who returns it, and it is reassigned.
        lead.with_user(self.head).action_assign_specialists(self.specialist, "Xử lý gấp")
        self.assertEqual(lead.state, "in_progress")
        self.assertIn(self.specialist, doc.activity_ids.user_id)
        lead.with_user(self.specialist).action_return("Cần thêm số liệu của Vụ KHTC")
        self.assertEqual(lead.state, "new")
        self.assertFalse(lead.user_ids)
        lead.with_user(self.head).action_assign_specialists(self.specialist)
        cooperating.with_user(self.head_legal).action_assign_specialists(self.specialist_legal)
        cooperating.with_user(self.specialist_legal).action_complete("Ý kiến pháp lý đã gửi")
        self.assertEqual(doc.state, "in_progress", "a cooperating department does not complete the document")
        lead.with_user(self.specialist).action_complete("Đã trả lời Sở Y tế", reply_reference="456/BYT-QLD")
        self.assertEqual(doc.state, "done")
        self.assertEqual(doc.result, "Đã trả lời Sở Y tế")
        self.assertEqual(doc.deadline_state, "done_on_time")
        self.assertFalse(doc.activity_ids)
        self.assertEqual(
            doc.trace_ids.mapped("action"),
            [
                "register",
                "submit",
                "assign",
                "assign_specialist",
                "return",
                "assign_specialist",
                "assign_specialist",
                "complete",
                "complete",
            ],
        )

    def test_leader_returns_and_recalls(self):
        doc = self._moh_new_document()
        doc.with_user(self.clerk).action_register_and_submit(self.leader)
        with self.assertRaises(UserError):
            doc.with_user(self.leader).action_leader_return("  ")
        doc.with_user(self.leader).action_leader_return("Thiếu phụ lục")
        self.assertEqual(doc.state, "registered")
        self.assertIn(self.clerk, doc.activity_ids.user_id)
        doc.with_user(self.clerk).action_submit(self.leader)
        assignment = doc.with_user(self.leader).action_direct(self.department_drug)
        # The lead department says it is not theirs: forward, then the leader recalls.
        successor = assignment.with_user(self.head).action_forward(self.department_legal, "Thuộc chức năng Vụ PC")
        self.assertEqual(assignment.state, "cancelled")
        self.assertEqual(doc.lead_department_id, self.department_legal)
        self.assertEqual(successor.role, "lead")
        doc.with_user(self.leader).action_recall("Chỉ đạo lại")
        self.assertEqual(doc.state, "submitted")
        self.assertEqual(successor.state, "cancelled")
        # A department head returns the lead assignment to the leader.
        again = doc.with_user(self.leader).action_direct(self.department_legal)
        again.with_user(self.head_legal).action_return("Không thuộc thẩm quyền")
        self.assertEqual(doc.state, "submitted")
        self.assertIn(self.leader, doc.activity_ids.user_id)

    def test_nobody_takes_a_step_that_is_not_theirs(self):
        doc = self._moh_new_document()
        with self.assertRaises(AccessError):
            doc.with_user(self.specialist).action_register()
        doc.with_user(self.clerk).action_register_and_submit(self.leader)
        for user in (self.deputy, self.head, self.specialist, self.clerk):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                doc.with_user(user).action_direct(self.department_drug)
        assignment = doc.with_user(self.leader).action_direct(self.department_drug)
        for user in (self.head_legal, self.specialist, self.leader):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                assignment.with_user(user).action_assign_specialists(self.specialist)
        with self.assertRaises(UserError):  # a specialist of another department
            assignment.with_user(self.head).action_assign_specialists(self.specialist_legal)
        assignment.with_user(self.head).action_assign_specialists(self.specialist)
        with self.assertRaises(AccessError):
            assignment.with_user(self.specialist_legal).action_complete("Không phải việc của tôi")
        with self.assertRaises(UserError):
            doc.with_user(self.clerk).action_register()  # already registered

    def test_wizard_drives_the_same_steps(self):
        doc = self._moh_new_document()
        doc.with_user(self.clerk).action_register()
        Wizard = self.env["moh.incoming.step.wizard"]
        Wizard.with_user(self.clerk).create(
            {"document_id": doc.id, "step": "submit", "leader_id": self.leader.id}
        ).action_confirm()
        Wizard.with_user(self.leader).create(
            {
                "document_id": doc.id,
                "step": "direct",
                "lead_department_id": self.department_drug.id,
                "deadline": dt.date.today() + dt.timedelta(days=14),
                "note": "Khẩn trương",
            }
        ).action_confirm()
        self.assertEqual(doc.instruction, "Khẩn trương")
        wizard = Wizard.with_user(self.head).new({"document_id": doc.id, "step": "assign_specialists"})
        wizard._onchange_step()
        self.assertEqual(wizard.assignment_id, doc.assignment_ids)


@tagged("post_install", "-at_install")
class TestIncomingNumbering(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.register = cls.env["moh.document.register"].create(
            {"name": "Sổ thử nghiệm", "code": "TEST", "direction": "incoming"}
        )

    def test_numbers_are_consecutive_per_register_and_year(self):
        docs = [
            self._moh_new_document(register_id=self.register.id, received_date=f"2026-12-{day:02d} 03:00:00")
            for day in (28, 29, 30)
        ]
        for doc in docs:
            doc.with_user(self.clerk).action_register()
        self.assertEqual([d.number for d in docs], [1, 2, 3])
        self.assertEqual(docs[0].name, "01/2026 - 123/SYT-NVY")
        # A new year restarts at 01 (received on 1 January, Hanoi time).
        new_year = self._moh_new_document(register_id=self.register.id, received_date="2026-12-31 17:30:00")
        new_year.with_user(self.clerk).action_register()
        self.assertEqual((new_year.year, new_year.number), (2027, 1))
        # Several in one transaction, in one call.
        batch = self._moh_new_document(register_id=self.register.id, received_date="2026-12-31 03:00:00")
        batch |= self._moh_new_document(register_id=self.register.id, received_date="2026-12-31 04:00:00")
        batch.with_user(self.clerk).action_register()
        self.assertEqual(sorted(batch.mapped("number")), [4, 5])

    def test_numbered_documents_cannot_be_deleted(self):
        doc = self._moh_new_document(register_id=self.register.id)
        doc.with_user(self.clerk).action_register()
        with self.assertRaises(UserError):
            doc.unlink()
        with self.assertRaises(UserError):
            self.register.unlink()

    def test_confidential_documents_use_the_confidential_register(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self._moh_new_document(
                confidentiality="secret", register_id=self.env.ref("moh_documents.register_incoming").id
            )
        with self.assertRaises(ValidationError):
            self._moh_new_document(register_id=self.env.ref("moh_documents.register_incoming_confidential").id)
        # Without a register, a state-secret document goes in the state-secret one.
        doc = self._moh_new_document(confidentiality="secret")
        self.assertEqual(doc.register_id, self.env.ref("moh_documents.register_incoming_confidential"))


@tagged("post_install", "-at_install")
class TestIncomingAccess(MohUsersMixin, TransactionCase):
    """Who reads and writes what: record rules, as each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.doc = cls._moh_new_document()
        cls.doc.with_user(cls.clerk).action_register_and_submit(cls.leader)
        cls.doc.with_user(cls.leader).action_direct(cls.department_drug)
        cls.secret = cls._moh_new_document(
            confidentiality="secret",
            register_id=cls.env.ref("moh_documents.register_incoming_confidential").id,
            abstract="Tài liệu mật",
        )
        cls.secret.with_user(cls.clerk).action_register_and_submit(cls.leader)

    def _readable(self, user, record):
        return bool(record.with_user(user).search([("id", "=", record.id)]))

    def test_department_sees_what_is_routed_to_it(self):
        for user in (self.clerk, self.leader, self.head, self.specialist, self.admin):
            with self.subTest(user=user.login):
                self.assertTrue(self._readable(user, self.doc))
                self.doc.with_user(user).check_access("read")
        for user in (self.head_legal, self.specialist_legal):
            with self.subTest(user=user.login):
                self.assertFalse(self._readable(user, self.doc))
                with self.assertRaises(AccessError):
                    self.doc.with_user(user).check_access("read")
                with self.assertRaises(AccessError):
                    self.doc.with_user(user).read(["abstract"])
                with self.assertRaises(AccessError):
                    self.doc.assignment_ids.with_user(user).read(["result"])

    def test_confidential_only_to_granted_readers(self):
        # Registered by the clerk and submitted to the leader: both were granted on the way.
        for user in (self.clerk, self.leader):
            self.assertTrue(self._readable(user, self.secret), user.login)
        for user in (self.deputy, self.admin, self.head, self.specialist):
            with self.subTest(user=user.login):
                self.assertFalse(self._readable(user, self.secret))
                with self.assertRaises(AccessError):
                    self.secret.with_user(user).read(["abstract"])
        # Directed to the drug department: its head becomes a reader; other clerks do not.
        self.secret.with_user(self.leader).action_direct(self.department_drug)
        self.assertTrue(self._readable(self.head, self.secret))
        self.assertFalse(self._readable(self.head_legal, self.secret))

    def test_forbidden_writes(self):
        for user in (self.leader, self.head, self.specialist):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.doc.with_user(user).write({"abstract": "Sửa trái phép"})
        with self.assertRaises(AccessError):  # submitted: the clerk may no longer edit
            self.doc.with_user(self.clerk).write({"abstract": "Sửa sau khi trình"})
        with self.assertRaises(AccessError):
            self.doc.assignment_ids.with_user(self.head).write({"state": "done"})
        with self.assertRaises(AccessError):
            self.env["moh.document.trace"].with_user(self.clerk).create(
                {"document_id": self.doc.id, "action": "complete"}
            )
        with self.assertRaises(AccessError):
            self.doc.with_user(self.clerk).unlink()

    def test_portal_and_plain_employees_see_nothing(self):
        for user in (self.portal, self.plain_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["moh.incoming.document"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.doc.with_user(user).read(["abstract"])
                with self.assertRaises(AccessError):
                    self.env["moh.document.assignment"].with_user(user).search([])


@tagged("post_install", "-at_install")
class TestIncomingDeadlines(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company._moh_calendar()._moh_seed_public_holidays([2026, 2027])

    def _directed(self, deadline=None, **values):
        doc = self._moh_new_document(**values)
        doc.with_user(self.clerk).action_register_and_submit(self.leader)
        assignment = doc.with_user(self.leader).action_direct(self.department_drug, deadline=deadline)
        return doc, assignment

    def test_default_deadline_by_urgency_and_type_in_working_days(self):
        with freeze_time("2026-11-20 02:00:00"):  # Friday 20 November 2026, 09:00 in Hanoi
            doc, _ = self._directed()
            # 10 working days: Mon 23, (Tue 24 Culture Day), 25, 26, 27, 30, 1, 2, 3, 4, 7 December.
            self.assertEqual(doc.deadline, dt.date(2026, 12, 7))
            flash, _ = self._directed(urgency="flash")
            self.assertEqual(flash.deadline, dt.date(2026, 11, 23))
            invitation, _ = self._directed(document_type_id=self.env.ref("moh_documents.document_type_giay_moi").id)
            self.assertEqual(invitation.deadline, dt.date(2026, 11, 26))

    def test_deadline_across_tet(self):
        with freeze_time("2027-02-03 02:00:00"):  # Wednesday before Tết 2027
            doc, assignment = self._directed(urgency="urgent")  # 5 working days
            self.assertEqual(doc.deadline, dt.date(2027, 2, 17))  # 11, 12, 15, 16, 17 February
            self.assertEqual(assignment.deadline_state, "on_time")
        with freeze_time("2027-02-12 02:00:00"):  # 3 working days left (15, 16, 17): not yet due soon
            assignment.invalidate_recordset(["deadline_state"])
            self.assertEqual(assignment.deadline_state, "on_time")
        with freeze_time("2027-02-15 02:00:00"):  # Monday: 2 working days left
            assignment.invalidate_recordset(["deadline_state"])
            self.assertEqual(assignment.deadline_state, "due_soon")
            Assignment = self.env["moh.document.assignment"]
            self.assertIn(assignment, Assignment.search([("deadline_state", "=", "due_soon")]))
        with freeze_time("2027-02-18 02:00:00"):
            assignment.invalidate_recordset(["deadline_state"])
            self.assertEqual(assignment.deadline_state, "overdue")
            self.assertIn(doc, self.env["moh.incoming.document"].search([("deadline_state", "=", "overdue")]))
            self.assertNotIn(doc, self.env["moh.incoming.document"].search([("deadline_state", "=", "due_soon")]))

    def test_deadline_over_a_weekend_and_late_completion(self):
        with freeze_time("2026-11-26 02:00:00"):  # Thursday
            doc, assignment = self._directed(deadline="2026-11-27")
            self.assertEqual(assignment.deadline_state, "due_soon")
        with freeze_time("2026-11-30 02:00:00"):  # Monday after the weekend: overdue
            assignment.invalidate_recordset(["deadline_state"])
            self.assertEqual(assignment.deadline_state, "overdue")
            assignment.with_user(self.head).action_assign_specialists(self.specialist)
            assignment.with_user(self.specialist).action_complete("Xong muộn")
            self.assertEqual(assignment.deadline_state, "done_late")
            self.assertEqual(doc.deadline_state, "done_late")
            self.assertIn(doc, self.env["moh.incoming.document"].search([("deadline_state", "=", "done_late")]))

    def test_reminder_and_escalation_job(self):
        with freeze_time("2026-11-26 02:00:00"):
            doc, assignment = self._directed(deadline="2026-11-27")
            assignment.with_user(self.head).action_assign_specialists(self.specialist)
            activities_before = len(doc.activity_ids)
            due_soon, _overdue = self.env["moh.document.assignment"]._cron_moh_deadline_reminders()
            self.assertGreaterEqual(due_soon, 1)
            self.assertEqual(assignment.reminded_on, dt.date(2026, 11, 26))
            self.assertEqual(len(doc.activity_ids), activities_before + 1)
            self.assertIn("remind", doc.trace_ids.mapped("action"))
            # Once a day only.
            self.env["moh.document.assignment"]._cron_moh_deadline_reminders()
            self.assertEqual(len(doc.activity_ids), activities_before + 1)
        with freeze_time("2026-11-30 02:00:00"):
            self.env["moh.document.assignment"]._cron_moh_deadline_reminders()
            self.assertEqual(assignment.escalated_on, dt.date(2026, 11, 30))
            escalated_to = doc.activity_ids.filtered(
                lambda a: "Overdue" in (a.summary or "") or "Quá hạn" in (a.summary or "")
            ).user_id
            self.assertEqual(set(escalated_to.ids), {self.head.id, self.leader.id})
            step = doc.trace_ids.filtered(lambda t: t.action == "escalate")
            self.assertEqual(set(step.target_user_ids.ids), {self.head.id, self.leader.id})
            # Escalated once, not every day.
            self.env["moh.document.assignment"]._cron_moh_deadline_reminders()
            self.assertEqual(len(doc.trace_ids.filtered(lambda t: t.action == "escalate")), 1)


@tagged("post_install", "-at_install")
class TestRegisterPrint(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()

    def test_clerk_prints_the_register_in_decree_30_layout(self):
        import base64

        register = self.env["moh.document.register"].create(
            {"name": "Sổ văn bản đến 2026", "code": "IN26", "direction": "incoming"}
        )
        doc = self._moh_new_document(register_id=register.id, received_date="2026-11-20 02:00:00")
        doc.with_user(self.clerk).action_register()
        wizard = (
            self.env["moh.register.print.wizard"]
            .with_user(self.clerk)
            .create({"register_id": register.id, "year": 2026})
        )
        action = wizard.action_print()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        pdf = base64.b64decode(attachment.datas)
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(attachment.mimetype, "application/pdf")
        with self.assertRaises(UserError):
            self.env["moh.register.print.wizard"].with_user(self.clerk).create(
                {"register_id": register.id, "year": 2020}
            ).action_print()
