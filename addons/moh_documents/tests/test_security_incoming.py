"""Incoming documents, their routing, registers, indicators and settings, tried as an attacker
would: each role over JSON-RPC (/web/dataset/call_kw) and /web/content, with a real session.
Each test asserts the refusal and that nothing changed."""

import base64
import datetime as dt

from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import MohUsersMixin, RpcAttackMixin

ACCESS = ("odoo.exceptions.AccessError",)
REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
DOC = "moh.incoming.document"
ASSIGNMENT = "moh.document.assignment"


@tagged("post_install", "-at_install")
class TestSecurityIncoming(RpcAttackMixin, MohUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        env = cls.env
        cls.specialist2 = new_test_user(
            env, login="t_specialist2", groups="moh_documents.group_specialist", name="Second Drug Specialist"
        )
        env["hr.employee"].create(
            {"name": cls.specialist2.name, "user_id": cls.specialist2.id, "department_id": cls.department_drug.id}
        )
        cls.clerk2 = new_test_user(env, login="t_clerk2", groups="moh_documents.group_clerk", name="Second Clerk")
        # A registered document (the clerk may still edit its metadata) ...
        cls.registered = cls._moh_new_document(abstract="Đã vào sổ")
        cls.registered.with_user(cls.clerk).action_register()
        # ... one awaiting the leader's direction ...
        cls.submitted = cls._moh_new_document(abstract="Chờ chỉ đạo")
        cls.submitted.with_user(cls.clerk).action_register_and_submit(cls.leader)
        # ... and one directed to the drug department (lead) and legal affairs (cooperating),
        # handed by the drug department's head to its first specialist.
        cls.routed = cls._moh_new_document(abstract="Đang xử lý")
        cls.routed.with_user(cls.clerk).action_register_and_submit(cls.leader)
        assignments = cls.routed.with_user(cls.leader).action_direct(cls.department_drug, cls.department_legal)
        cls.lead = assignments.filtered(lambda a: a.role == "lead")
        cls.cooperating = assignments - cls.lead
        cls.lead.with_user(cls.head).action_assign_specialists(cls.specialist)

    def _rpc(self, *args, **kwargs):
        # Each refusal is logged by the server as a warning: expected here.
        with mute_logger("odoo.http"):
            return super()._rpc(*args, **kwargs)

    def _snapshot(self, record, names):
        self.env.invalidate_all()
        record = record.sudo()
        return {name: record[name] for name in names}

    def _assert_unchanged(self, record, before):
        self.assertEqual(self._snapshot(record, before), before, f"{record} changed")

    # -- workflow fields ------------------------------------------------------------------------

    def test_clerk_cannot_write_workflow_fields_over_rpc(self):
        names = [
            "state",
            "number",
            "year",
            "deadline",
            "instruction",
            "result",
            "reader_ids",
            "leader_id",
            "lead_department_id",
            "done_date",
        ]
        before = self._snapshot(self.registered, names)
        forged = [
            {"state": "done"},
            {"number": 999},
            {"year": 2001},
            {"deadline": "2030-01-01"},
            {"instruction": "Giả mạo chỉ đạo"},
            {"result": "Đã xong"},
            {"reader_ids": [(4, self.plain_user.id)]},
            {"lead_department_id": self.department_legal.id},
            {"done_date": "2026-01-01 00:00:00"},
            {"assignment_ids": [(0, 0, {"department_id": self.department_drug.id})]},
            {"trace_ids": [(0, 0, {"action": "complete"})]},
        ]
        for vals in forged:
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.clerk, DOC, "write", [[self.registered.id], vals])
        self._assert_unchanged(self.registered, before)

    def test_clerk_cannot_create_a_document_in_a_forged_state(self):
        vals = {
            "sender_name": "Sở Y tế",
            "number_symbol": "9/SYT",
            "issue_date": "2026-11-16",
            "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
            "abstract": "Giả mạo",
        }
        count = self.env[DOC].sudo().search_count([])
        for forged in (
            {"state": "done"},
            {"number": 4242, "year": 2026},
            {"reader_ids": [(6, 0, [self.plain_user.id])]},
        ):
            with self.subTest(forged=forged):
                self.assertRpcRefused(self.clerk, DOC, "create", [{**vals, **forged}])
        self.assertEqual(self.env[DOC].sudo().search_count([]), count)
        # A default_ in the context is a value as well: ignored.
        doc_id, error = self._rpc(
            self.clerk, DOC, "create", [vals], {"context": {"default_state": "done", "default_number": 4242}}
        )
        self.assertFalse(error)
        doc = self.env[DOC].sudo().browse(doc_id)
        self.assertEqual((doc.state, doc.number), ("draft", 0))

    def test_clerk_edits_metadata_only_before_the_routing(self):
        # Registered, not yet submitted: the metadata, yes; what the number belongs to, no.
        _result, error = self._rpc(self.clerk, DOC, "write", [[self.registered.id], {"abstract": "Sửa trích yếu"}])
        self.assertFalse(error)
        self.assertEqual(self.registered.sudo().abstract, "Sửa trích yếu")
        before = self._snapshot(self.registered, ["register_id", "confidentiality", "received_date"])
        other = (
            self.env["moh.document.register"].sudo().create({"name": "Sổ khác", "code": "SK", "direction": "incoming"})
        )
        for vals in ({"register_id": other.id}, {"received_date": "2020-01-01 00:00:00"}):
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.clerk, DOC, "write", [[self.registered.id], vals])
        self._assert_unchanged(self.registered, before)
        # Submitted or directed: nothing, by no one.
        for doc in (self.submitted, self.routed):
            before = self._snapshot(doc, ["abstract", "sender_name"])
            self.assertRpcRefused(self.clerk, DOC, "write", [[doc.id], {"abstract": "Sửa sau khi trình"}])
            self._assert_unchanged(doc, before)

    def test_the_clerks_forms_still_save(self):
        """The forms send no workflow field (the statusbar is read-only): creating through them
        works as before."""
        for view in (
            "moh_documents.moh_incoming_document_view_form",
            "moh_documents.moh_incoming_document_view_form_quick",
        ):
            with self.subTest(view=view):
                form = Form(self.env[DOC].with_user(self.clerk), view=view)
                form.sender_name = "Sở Y tế Hải Phòng"
                form.number_symbol = "77/SYT-NVY"
                form.issue_date = dt.date(2026, 11, 16)
                form.document_type_id = self.env.ref("moh_documents.document_type_cong_van")
                form.abstract = "V/v báo cáo"
                doc = form.save()
                self.assertEqual((doc.state, doc.reader_ids), ("draft", self.clerk))

    def test_a_copy_is_a_new_draft(self):
        copy_id, error = self._rpc(self.clerk, DOC, "copy", [[self.registered.id]])
        self.assertFalse(error)
        copy = self.env[DOC].sudo().browse(copy_id)
        self.assertEqual((copy.state, copy.number, copy.reader_ids), ("draft", 0, self.clerk))
        self.assertRpcRefused(self.clerk, DOC, "copy", [[self.registered.id], {"state": "done"}])

    def test_officer_of_the_lead_department_with_clerk_rights_cannot_edit_after_direction(self):
        # An administrator (clerk rights) working in the drug department: the department's
        # record rule lets them write the routed document; the routing freezes it.
        self.env["hr.employee"].create(
            {"name": self.admin.name, "user_id": self.admin.id, "department_id": self.department_drug.id}
        )
        before = self._snapshot(self.routed, ["abstract", "state", "deadline"])
        for vals in ({"abstract": "Sửa khi đang xử lý"}, {"state": "done"}, {"deadline": "2030-01-01"}):
            with self.subTest(vals=vals):
                self.assertRpcRefused(self.admin, DOC, "write", [[self.routed.id], vals])
        self._assert_unchanged(self.routed, before)

    def test_specialist_and_head_cannot_write_documents_or_assignments(self):
        doc_before = self._snapshot(self.routed, ["state", "abstract", "deadline"])
        lead_before = self._snapshot(self.lead, ["state", "result", "user_ids", "department_id", "deadline"])
        for user in (self.specialist, self.head, self.leader):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, DOC, "write", [[self.routed.id], {"state": "done"}])
                for vals in (
                    {"state": "done"},
                    {"result": "Xong"},
                    {"user_ids": [(4, user.id)]},
                    {"department_id": self.department_legal.id},
                    {"deadline": "2030-01-01"},
                ):
                    self.assertRpcRefused(user, ASSIGNMENT, "write", [[self.lead.id], vals])
                self.assertRpcRefused(
                    user,
                    ASSIGNMENT,
                    "create",
                    [{"document_id": self.routed.id, "department_id": self.department_drug.id}],
                )
        self._assert_unchanged(self.routed, doc_before)
        self._assert_unchanged(self.lead, lead_before)

    # -- steps taken by the wrong person ---------------------------------------------------------

    def test_only_the_leader_it_was_submitted_to_directs(self):
        before = self._snapshot(self.submitted, ["state", "assignment_ids", "deadline"])
        for user in (self.specialist, self.head, self.head_legal, self.clerk, self.deputy, self.portal):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, DOC, "action_direct", [[self.submitted.id], self.department_drug.id])
                self.assertRpcRefused(user, DOC, "action_leader_return", [[self.submitted.id], "Trả lại"])
        self._assert_unchanged(self.submitted, before)
        # The leader it was submitted to does, over RPC with plain ids.
        _result, error = self._rpc(
            self.leader,
            DOC,
            "action_direct",
            [[self.submitted.id], self.department_drug.id, [self.department_legal.id]],
        )
        self.assertFalse(error)
        self.assertEqual(self.submitted.sudo().state, "in_progress")

    def test_specialist_not_assigned_cannot_complete(self):
        before = self._snapshot(self.lead, ["state", "result", "done_date"])
        doc_before = self._snapshot(self.routed, ["state", "result"])
        for user in (self.specialist2, self.specialist_legal, self.head_legal, self.clerk, self.portal):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, ASSIGNMENT, "action_complete", [[self.lead.id], "Kết quả giả"])
                self.assertRpcRefused(user, ASSIGNMENT, "action_return", [[self.lead.id], "Trả lại"])
        self._assert_unchanged(self.lead, before)
        self._assert_unchanged(self.routed, doc_before)
        # The assigned specialist does.
        _result, error = self._rpc(self.specialist, ASSIGNMENT, "action_complete", [[self.lead.id], "Đã xử lý"])
        self.assertFalse(error)
        self.assertEqual(self.lead.sudo().state, "done")

    def test_only_the_lead_departments_head_assigns_or_forwards(self):
        before = self._snapshot(self.lead, ["state", "user_ids", "department_id"])
        for user in (self.head_legal, self.specialist, self.specialist2, self.leader, self.clerk):
            with self.subTest(user=user.login):
                self.assertRpcRefused(
                    user,
                    ASSIGNMENT,
                    "action_assign_specialists",
                    [[self.lead.id], [self.specialist2.id]],
                    errors=REFUSED,
                )
        self._assert_unchanged(self.lead, before)
        cooperating_before = self._snapshot(self.cooperating, ["state", "department_id"])
        self.assertRpcRefused(
            self.head, ASSIGNMENT, "action_forward", [[self.cooperating.id], self.department_drug.id, "Chuyển"]
        )
        self.assertRpcRefused(
            self.head, ASSIGNMENT, "action_assign_specialists", [[self.cooperating.id], [self.specialist.id]]
        )
        self._assert_unchanged(self.cooperating, cooperating_before)

    def test_recall_and_registration_need_the_right_role(self):
        before = self._snapshot(self.routed, ["state", "assignment_ids"])
        for user in (self.clerk, self.specialist, self.head):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, DOC, "action_recall", [[self.routed.id], "Thu hồi"])
        self._assert_unchanged(self.routed, before)
        draft = self._moh_new_document()
        for user in (self.specialist, self.head, self.leader, self.portal, self.plain_user):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, DOC, "action_register", [[draft.id]])
                self.assertRpcRefused(user, DOC, "register_incoming", [{"sender_name": "X"}])
        self.assertEqual(self._snapshot(draft, ["state", "number"]), {"state": "draft", "number": 0})

    def test_only_a_clerk_cancels_and_only_before_submission(self):
        before = self._snapshot(self.registered, ["state"])
        for user in (self.specialist, self.head, self.leader, self.portal):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, DOC, "action_cancel", [[self.registered.id], "Trùng"])
        self._assert_unchanged(self.registered, before)
        self.assertRpcRefused(self.clerk, DOC, "action_cancel", [[self.submitted.id], "Trùng"], errors=REFUSED)
        self.assertEqual(self.submitted.sudo().state, "submitted")
        _result, error = self._rpc(self.clerk, DOC, "action_cancel", [[self.registered.id], "Văn bản trùng"])
        self.assertFalse(error)
        self.assertEqual(self.registered.sudo().state, "cancelled")
        self.assertTrue(self.registered.sudo().number, "it keeps its number")

    def test_step_dialogs_are_their_creators(self):
        wizard = (
            self.env["moh.incoming.step.wizard"]
            .with_user(self.head)
            .create(
                {
                    "document_id": self.routed.id,
                    "step": "complete",
                    "assignment_id": self.lead.id,
                    "note": "Kết quả nội bộ của Cục",
                }
            )
        )
        found, error = self._rpc(
            self.specialist_legal, "moh.incoming.step.wizard", "search_read", [[("id", "=", wizard.id)], ["note"]]
        )
        self.assertFalse(error)
        self.assertEqual(found, [])
        self.assertRpcRefused(self.specialist_legal, "moh.incoming.step.wizard", "read", [[wizard.id], ["note"]])
        before = self._snapshot(self.lead, ["state", "result"])
        self.assertRpcRefused(self.specialist_legal, "moh.incoming.step.wizard", "action_confirm", [[wizard.id]])
        self._assert_unchanged(self.lead, before)

    def test_attaching_someone_elses_file_is_refused(self):
        foreign = (
            self.env["ir.attachment"]
            .with_user(self.head)
            .create({"name": "riêng.pdf", "raw": b"%PDF-1.4 private", "mimetype": "application/pdf"})
        )
        self.assertRpcRefused(self.clerk, DOC, "write", [[self.registered.id], {"attachment_ids": [(4, foreign.id)]}])
        self.env.invalidate_all()
        self.assertFalse(foreign.sudo().res_id)
        self.assertNotIn(foreign, self.registered.sudo().attachment_ids)

    # -- the printed register ---------------------------------------------------------------------

    def _confidential_register(self):
        register = (
            self.env["moh.document.register"]
            .sudo()
            .create({"name": "Sổ văn bản mật đến", "code": "MAT", "direction": "incoming", "confidential": True})
        )
        secret = self._moh_new_document(
            register_id=register.id,
            confidentiality="secret",
            abstract="V/v nội dung mật",
            received_date="2026-11-20 02:00:00",
        )
        secret.with_user(self.clerk).action_register()
        return register, secret

    def test_printed_confidential_register_only_for_its_printer(self):
        register, _secret = self._confidential_register()
        wizard = (
            self.env["moh.register.print.wizard"]
            .with_user(self.clerk)
            .create({"register_id": register.id, "year": 2026})
        )
        action, error = self._rpc(self.clerk, "moh.register.print.wizard", "action_print", [[wizard.id]])
        self.assertFalse(error)
        url = action["url"]
        attachment_id = int(url.split("/")[3].split("?")[0])
        # The clerk who printed it downloads it.
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        # Nobody else lists it, reads it or downloads it.
        for user in (self.specialist, self.head, self.leader, self.clerk2, self.plain_user, self.admin):
            with self.subTest(user=user.login):
                found, error = self._rpc(
                    user, "ir.attachment", "search_read", [[("id", "=", attachment_id)], ["name", "datas"]]
                )
                self.assertFalse(found)
                found, error = self._rpc(
                    user, "ir.attachment", "search_read", [[("name", "like", register.code)], ["name"]]
                )
                self.assertFalse(found)
                self.assertRpcRefused(user, "ir.attachment", "read", [[attachment_id], ["datas"]])
                self.authenticate(user.login, user.login)
                self._moh_rpc_login = user.login
                with mute_logger("odoo.http"):
                    response = self.url_open(url)
                self.assertIn(response.status_code, (403, 404))
                self.assertFalse(response.content.startswith(b"%PDF"))
        self.assertIn(b"%PDF", base64.b64decode(self.env["ir.attachment"].browse(attachment_id).sudo().datas)[:8])

    def test_confidential_register_printed_only_by_who_reads_every_entry(self):
        register, _secret = self._confidential_register()
        count = self.env["ir.attachment"].sudo().search_count([])
        wizard = (
            self.env["moh.register.print.wizard"]
            .with_user(self.clerk2)
            .create({"register_id": register.id, "year": 2026})
        )
        self.assertRpcRefused(self.clerk2, "moh.register.print.wizard", "action_print", [[wizard.id]])
        self.assertEqual(self.env["ir.attachment"].sudo().search_count([]), count)

    def test_prints_attached_to_registers_before_are_detached(self):
        register, _secret = self._confidential_register()
        old = (
            self.env["ir.attachment"]
            .with_user(self.clerk)
            .sudo()
            .create(
                {
                    "name": "MAT-2026.pdf",
                    "raw": b"%PDF-1.4 old print",
                    "mimetype": "application/pdf",
                    "res_model": register._name,
                    "res_id": register.id,
                }
            )
        )
        old.sudo().create_uid = self.clerk
        self.assertTrue(
            self._rpc(self.specialist, "ir.attachment", "search_read", [[("id", "=", old.id)], ["name"]])[0],
            "an old print is every employee's",
        )
        self.env["moh.register.print.wizard"]._moh_detach_old_prints()
        found, _error = self._rpc(self.specialist, "ir.attachment", "search_read", [[("id", "=", old.id)], ["name"]])
        self.assertFalse(found)
        self.assertRpcRefused(self.specialist, "ir.attachment", "read", [[old.id], ["datas"]])
        found, _error = self._rpc(self.clerk, "ir.attachment", "search_read", [[("id", "=", old.id)], ["name"]])
        self.assertEqual([row["id"] for row in found], [old.id])

    # -- indicators -------------------------------------------------------------------------------

    def test_a_head_never_reads_another_heads_dashboard(self):
        dashboard_id, error = self._rpc(self.head, "moh.kpi.dashboard", "create", [{}])
        self.assertFalse(error)
        _action, error = self._rpc(self.head, "moh.kpi.dashboard", "action_refresh", [[dashboard_id]])
        self.assertFalse(error)
        dashboard = self.env["moh.kpi.dashboard"].sudo().browse(dashboard_id)
        self.assertTrue(dashboard.line_ids)
        found, error = self._rpc(self.head_legal, "moh.kpi.dashboard", "search_read", [[], ["received"]])
        self.assertNotIn(dashboard.id, [row["id"] for row in found or []])
        self.assertRpcRefused(self.head_legal, "moh.kpi.dashboard", "read", [[dashboard.id], ["received"]])
        self.assertRpcRefused(
            self.head_legal, "moh.kpi.dashboard.line", "read", [dashboard.line_ids.ids, ["department_id", "received"]]
        )
        found, error = self._rpc(self.head_legal, "moh.kpi.dashboard.line", "search_read", [[], ["received"]])
        self.assertFalse(set(dashboard.line_ids.ids) & {row["id"] for row in found or []})
        for method in ("action_refresh", "action_find_bottlenecks"):
            self.assertRpcRefused(self.head_legal, "moh.kpi.dashboard", method, [[dashboard.id]])
        self.assertRpcRefused(self.head_legal, "moh.kpi.dashboard", "action_drill", [[dashboard.id], "received"])
        self.assertRpcRefused(self.head_legal, "moh.kpi.dashboard.line", "action_drill", [dashboard.line_ids[:1].ids])
        self.assertRpcRefused(self.specialist, "moh.kpi.dashboard", "get_dashboard_data")
        # Its owner drills into its figures, and only into figures.
        drill, error = self._rpc(
            self.head, "moh.kpi.dashboard", "action_drill", [[dashboard.id], "open_overdue", self.department_drug.id]
        )
        self.assertFalse(error)
        self.assertEqual(drill["res_model"], "moh.kpi.item")
        self.assertRpcRefused(
            self.head,
            "moh.kpi.dashboard",
            "action_drill",
            [[dashboard.id], "name"],
            errors=("odoo.exceptions.UserError",),
        )

    def test_items_of_confidential_documents_do_not_show_them(self):
        _register, secret = self._confidential_register()
        secret.with_user(self.clerk).action_submit(self.leader)
        secret.with_user(self.leader).action_direct(self.department_drug)
        self.env.flush_all()
        # The deputy leader reads every item, but is no reader of the secret document: its items
        # are not there for him (Law 29/2018/QH14); its readers see them without its reference.
        domain = [("res_model", "=", DOC), ("res_id", "=", secret.id)]
        found, error = self._rpc(self.deputy, "moh.kpi.item", "search_read", [domain, ["name"]])
        self.assertFalse(error)
        self.assertFalse(found)
        item = self.env["moh.kpi.item"].search(domain, limit=1)
        self.assertRpcRefused(self.deputy, "moh.kpi.item", "read", [item.ids, ["name"]])
        found, error = self._rpc(self.leader, "moh.kpi.item", "search_read", [domain, ["name"]])
        self.assertFalse(error)
        self.assertEqual({row["name"] for row in found}, {"***"})
        # Heads of other departments see neither its items nor other departments' ones.
        found, error = self._rpc(self.head_legal, "moh.kpi.item", "search_read", [[], ["department_id"]])
        self.assertFalse(error)
        self.assertTrue(all(row["department_id"][0] == self.department_legal.id for row in found))

    # -- helpers and settings -----------------------------------------------------------------------

    def test_calendar_helpers_are_not_callable_remotely(self):
        calendar = self.env.company._moh_calendar()
        for method, args in (
            ("moh_add_working_days", ["2026-11-02", 3]),
            ("moh_working_days_between", ["2026-11-02", "2026-11-30"]),
            ("moh_is_working_day", ["2026-11-02"]),
        ):
            for user in (self.portal, self.specialist):
                with self.subTest(method=method, user=user.login):
                    self.assertRpcRefused(user, "resource.calendar", method, [[calendar.id], *args])

    def test_employees_add_no_public_holiday_to_the_statutory_calendar(self):
        calendar = self.env.company._moh_calendar()
        leaves = self.env["resource.calendar.leaves"].sudo()
        count = leaves.search_count([("calendar_id", "=", calendar.id), ("resource_id", "=", False)])
        day = {
            "name": "Nghỉ giả",
            "calendar_id": calendar.id,
            "date_from": "2026-12-07 00:00:00",
            "date_to": "2026-12-07 16:59:59",
        }
        self.assertRpcRefused(self.specialist, "resource.calendar.leaves", "create", [{**day, "resource_id": False}])
        # A leave of their own resource, turned into the calendar's day off afterwards.
        own, error = self._rpc(
            self.specialist,
            "resource.calendar.leaves",
            "create",
            [{**day, "resource_id": self.specialist.employee_id.resource_id.id}],
        )
        if own:
            self._rpc(self.specialist, "resource.calendar.leaves", "write", [[own], {"resource_id": False}])
        self.assertEqual(leaves.search_count([("calendar_id", "=", calendar.id), ("resource_id", "=", False)]), count)
        self.assertTrue(calendar._moh_working_calendar().is_working_day(dt.date(2026, 12, 7)))
        # The e-office administrator does.
        _result, error = self._rpc(self.admin, "resource.calendar.leaves", "create", [{**day, "resource_id": False}])
        self.assertFalse(error)

    def test_settings_are_the_eoffice_administrators(self):
        hr_officer = new_test_user(self.env, login="t_hr", groups="hr.group_hr_user", name="HR Officer")
        settings_admin = new_test_user(self.env, login="t_settings", groups="base.group_system", name="Settings")
        department_before = self._snapshot(self.department_drug, ["moh_abbreviation", "moh_agency_code"])
        self.assertRpcRefused(
            hr_officer, "hr.department", "write", [[self.department_drug.id], {"moh_abbreviation": "GIA"}]
        )
        company = self.env.company
        company_before = self._snapshot(company, ["moh_due_soon_days", "moh_calendar_id", "moh_agency_code"])
        self.assertRpcRefused(settings_admin, "res.company", "write", [[company.id], {"moh_due_soon_days": 90}])
        models_vals = {
            "moh.document.register": {"name": "Sổ giả", "code": "GIA", "direction": "incoming"},
            "moh.deadline.policy": {"urgency": "flash", "working_days": 99},
            "moh.document.type": {"name": "Loại giả"},
            "moh.compensatory.workday": {
                "name": "Làm bù giả",
                "date": "2027-01-02",
                "calendar_id": company._moh_calendar().id,
            },
        }
        for user in (self.clerk, self.specialist, self.head, self.leader):
            for model, vals in models_vals.items():
                with self.subTest(user=user.login, model=model):
                    existing = self.env[model].sudo().search([], limit=1)
                    count = self.env[model].sudo().search_count([])
                    self.assertRpcRefused(user, model, "create", [vals])
                    if existing:
                        self.assertRpcRefused(user, model, "unlink", [existing.ids])
                    self.assertEqual(self.env[model].sudo().search_count([]), count)
        self._assert_unchanged(self.department_drug, department_before)
        self._assert_unchanged(company, company_before)
        # The e-office administrator does.
        _result, error = self._rpc(
            self.admin, "hr.department", "write", [[self.department_drug.id], {"moh_agency_code": "000.00.12.G18"}]
        )
        self.assertFalse(error)

    def test_portal_user_calls_no_step(self):
        calls = [
            (DOC, "action_register", [[self.registered.id]]),
            (DOC, "action_submit", [[self.registered.id], self.leader.id]),
            (DOC, "action_validate_signatures", [[self.routed.id]]),
            (DOC, "action_open_wizard", [[self.routed.id]]),
            (DOC, "action_quick_register", [[self.registered.id]]),
            (ASSIGNMENT, "action_forward", [[self.lead.id], self.department_legal.id, "x"]),
            ("moh.kpi.dashboard", "get_dashboard_data", []),
            ("moh.kpi.item", "action_open_source", [[4]]),
            ("moh.kpi.item", "init", [[]]),
            ("moh.register.print.wizard", "action_print", [[1]]),
            ("moh.incoming.step.wizard", "action_confirm", [[1]]),
        ]
        before = self._snapshot(self.routed, ["state", "abstract"])
        for model, method, args in calls:
            with self.subTest(model=model, method=method):
                self.assertRpcRefused(
                    self.portal, model, method, args, errors=ACCESS + ("odoo.exceptions.MissingError",)
                )
        self._assert_unchanged(self.routed, before)
