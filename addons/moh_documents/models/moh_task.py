"""Tasks (giao việc): work a leader or a department head assigns to a department or to people,
from an incoming or outgoing document or on its own, with a deadline in working days.

Why a model of its own, and not project.task: the e-office decides who sees a task by its
department and by the confidentiality of the document it comes from (record rules like the
documents'), while project.task's access follows the project's privacy and followers, which
express neither; project counts deadlines in calendar days, not on the agency's working calendar
(public holidays, compensatory working days); and it would bring the project application, its
stages and menus into the e-office for one feature. Odoo's own pieces fit where they belong: the
chatter (mail.thread) records every step, and each assignee gets a mail.activity (their to-do,
with the task's deadline) that the steps close.

Who changes what (moh.workflow.guard): the workflow fields change only in the steps below, which
check the caller and the state first and then write in superuser mode; ``create`` and ``write``
refuse them for everyone. The content (subject, instructions, units, people, proposed deadline,
source document, parent task) is the assigner's while the task is a draft, frozen after.

* ``create``: a department head or a ministry leader (a top-level task); a sub-task by whoever
  works on, or assigned, its parent task. The source document must be readable by the creator.
* ``action_assign``: the assigner, on a draft; a department head assigns within their
  department only, a ministry leader anywhere.
* ``action_start``, ``action_report_progress``, ``action_request_extension``,
  ``action_complete``: an assignee, or a head of the lead unit (progress: also a head of a
  cooperating unit).
* ``action_approve_extension``, ``action_refuse_extension``, ``action_cancel``: the assigner or a
  ministry leader.

A task of a confidential document is read only by that document's readers (global record rule);
assigning it to people grants them the incoming document, as routing it would (a confidential
outgoing draft cannot be handed to people who may not read it). Overdue tasks are escalated by the
documents' daily deadline job, and counted by the indicators (moh.kpi.item, kind ``task``).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

TASK_STATES = [
    ("draft", "Draft"),
    ("assigned", "Assigned"),
    ("in_progress", "In Progress"),
    ("done", "Completed"),
    ("cancelled", "Cancelled"),
]
EXTENSION_STATES = [("requested", "Requested"), ("approved", "Approved"), ("refused", "Refused")]


class MohTask(models.Model):
    """A task (giao việc): see the module's documentation for who takes which step, and why
    the e-office has its own model rather than project.task (docs/tasks.md)."""

    _name = "moh.task"
    _description = "Task"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "moh.deadline.mixin",
        "moh.workflow.guard",
        "moh.records.item.mixin",
    ]
    _order = "deadline, id desc"
    _moh_open_states = ("assigned", "in_progress")
    _moh_workflow_fields = (
        "state",
        "deadline",
        "done_date",
        "completed_late",
        "assigner_id",
        "assigned_date",
        "result",
        "result_outgoing_document_id",
        "result_attachment_ids",
        "progress",
        "progress_ids",
        "extension_ids",
        "child_ids",
        "reminded_on",
        "escalated_on",
        "cancel_reason",
        "confidentiality",
    )
    _moh_mail_field_prefixes = ("message_", "activity_", "website_message_")

    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Text(string="Instructions")
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    state = fields.Selection(TASK_STATES, default="draft", required=True, tracking=True, index=True, copy=False)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    assigner_id = fields.Many2one(
        "res.users", string="Assigned By", default=lambda self: self.env.user, index=True, copy=False, tracking=True
    )
    assigned_date = fields.Datetime(string="Assigned On", readonly=True, copy=False)
    department_id = fields.Many2one("hr.department", string="Lead Unit", index=True, tracking=True)
    cooperating_department_ids = fields.Many2many(
        "hr.department", "moh_task_cooperating_rel", "task_id", "department_id", string="Cooperating Units"
    )
    user_ids = fields.Many2many("res.users", "moh_task_user_rel", "task_id", "user_id", string="Assignees")
    working_days = fields.Integer(
        default=10, help="The deadline, in working days from the assignment, when no due date is proposed."
    )
    proposed_deadline = fields.Date(string="Proposed Due Date", help="Leave empty to count the working days.")
    deadline = fields.Date(tracking=True, copy=False)
    incoming_document_id = fields.Many2one(
        "moh.incoming.document", string="From Incoming Document", index="btree_not_null", ondelete="restrict"
    )
    outgoing_document_id = fields.Many2one(
        "moh.outgoing.document", string="From Outgoing Document", index="btree_not_null", ondelete="restrict"
    )
    confidentiality = fields.Selection(
        [("normal", "Normal"), ("confidential", "Confidential")],
        compute="_compute_confidentiality",
        store=True,
        help="Confidential when its source document is: then only that document's readers see it.",
    )
    parent_id = fields.Many2one("moh.task", string="Parent Task", index="btree_not_null", ondelete="cascade")
    child_ids = fields.One2many("moh.task", "parent_id", string="Sub-tasks", readonly=True)
    progress = fields.Integer(string="Progress (%)", readonly=True, copy=False, aggregator="avg")
    progress_ids = fields.One2many("moh.task.progress", "task_id", string="Progress Reports", readonly=True)
    extension_ids = fields.One2many("moh.task.extension", "task_id", string="Extension Requests", readonly=True)
    extension_pending = fields.Boolean(compute="_compute_extension_pending")
    result = fields.Text(readonly=True, copy=False)
    result_outgoing_document_id = fields.Many2one(
        "moh.outgoing.document", string="Result Document", readonly=True, copy=False, ondelete="restrict"
    )
    result_attachment_ids = fields.Many2many(
        "ir.attachment", "moh_task_result_attachment_rel", "task_id", "attachment_id", string="Result Files", copy=False
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    reminded_on = fields.Date(readonly=True, copy=False)
    escalated_on = fields.Date(readonly=True, copy=False)
    # What the current user may do (buttons); the steps check again.
    moh_can_assign = fields.Boolean(string="Can Assign", compute="_compute_moh_can")
    moh_can_work = fields.Boolean(string="Can Work on It", compute="_compute_moh_can")
    moh_can_decide = fields.Boolean(string="Can Decide", compute="_compute_moh_can")

    @api.depends("incoming_document_id.confidentiality", "outgoing_document_id.confidentiality")
    def _compute_confidentiality(self):
        for task in self:
            levels = {
                task.sudo().incoming_document_id.confidentiality,
                task.sudo().outgoing_document_id.confidentiality,
            }
            task.confidentiality = "confidential" if levels - {False, "normal"} else "normal"

    @api.depends("extension_ids.state")
    def _compute_extension_pending(self):
        for task in self:
            task.extension_pending = any(e.state == "requested" for e in task.sudo().extension_ids)

    @api.depends("state", "assigner_id", "user_ids", "department_id")
    @api.depends_context("uid")
    def _compute_moh_can(self):
        me = self.env.user
        leader = me.has_group("moh_documents.group_ministry_leader")
        for task in self:
            task.moh_can_assign = task.state == "draft" and me == task.assigner_id
            task.moh_can_work = task.state in task._moh_open_states and me in task._moh_workers()
            task.moh_can_decide = task.state in ("draft", *task._moh_open_states) and (me == task.assigner_id or leader)

    # -- filing (moh.records.item.mixin) -------------------------------------------------------

    _moh_records_states = ("assigned", "in_progress", "done")
    _moh_records_department_field = "department_id"
    _moh_records_attachment_fields = ("result_attachment_ids",)

    def _moh_records_document_type(self):
        """The document type of the task's source document: a task files with its document."""
        return self._moh_source().document_type_id

    def _moh_records_year(self):
        return (self.assigned_date or self.create_date or fields.Datetime.now()).year

    def action_add_to_file(self):
        """File the record in its suggested file (moh.records.item.mixin; the file's step checks
        the caller)."""
        return self._moh_records_add_to_file()

    def _moh_records_metadata(self):
        task = self.sudo()
        return {
            "kind": "task",
            "subject": task.name,
            "unit": task.department_id.name or "",
            "assigned_by": task.assigner_id.name or "",
            "assigned_date": task.assigned_date,
            "deadline": task.deadline,
            "done_date": task.done_date,
            "result": task.result or "",
            "confidentiality": task.confidentiality,
        }

    # -- helpers ------------------------------------------------------------------------------

    @api.model
    def _moh_heads(self, departments):
        """Who leads each department: its manager, else its users with the department-head role."""
        heads = self.env["res.users"]
        for department in departments.sudo():
            head = department.manager_id.user_id
            if not head:
                head = department.member_ids.user_id.filtered(
                    lambda u: u.has_group("moh_documents.group_department_head")
                )
            heads |= head
        return heads

    def _moh_workers(self):
        """Who carries the task out: its assignees and the heads of its lead unit."""
        self.ensure_one()
        return self.sudo().user_ids | self._moh_heads(self.sudo().department_id)

    def _moh_deciders(self):
        """Who decides on the task (extensions, cancellation): its assigner, else any leader."""
        self.ensure_one()
        return self.sudo().assigner_id

    def _moh_my_departments(self):
        return self.env.user.employee_ids.department_id

    def _moh_check(self, *states):
        """Before any step: one task, which the caller (an e-office officer) may read, in one of
        ``states``."""
        self._moh_check_in_states(
            states,
            lambda state: self.env._(
                "The task %(task)s is %(state)s: this step is not possible now.", task=self.name, state=state
            ),
            group="moh_documents.group_specialist",
            refusal=self.env._("Only the ministry's officers handle tasks."),
        )

    def _moh_default_deadline(self, start):
        """The proposed due date, else the task's working days from ``start`` on the agency's
        calendar."""
        task = self.sudo()
        if task.proposed_deadline:
            return task.proposed_deadline
        if task.working_days < 1:
            raise UserError(self.env._("Give the deadline in working days, at least one."))
        return task.company_id._moh_calendar().moh_add_working_days(start, task.working_days)

    def _moh_check_actor(self, users):
        me = self.env.user
        if me in users:
            return me
        delegators = self.env["moh.delegation"]._moh_delegators_of(me) & users
        if delegators:
            return delegators[:1]
        raise AccessError(
            self.env._(
                "You cannot take this step on the task %(task)s: it is for %(people)s.",
                task=self.name,
                people=", ".join(users.mapped("name")) or "-",
            )
        )

    def _moh_check_decider(self):
        if self.env.user.has_group("moh_documents.group_ministry_leader"):
            return self.env.user
        return self._moh_check_actor(self._moh_deciders())

    def _moh_browse(self, model, value):
        return self.env["moh.incoming.document"]._moh_browse(model, value)

    def _moh_source(self):
        self.ensure_one()
        return self.sudo().incoming_document_id or self.sudo().outgoing_document_id

    def _moh_check_files(self, attachments):
        """Files the caller uploaded for a step: theirs, attached to no record yet (the step's
        dialog only), and none for a state-secret document on a networked deployment."""
        attachments = self._moh_browse("ir.attachment", attachments)
        if not attachments:
            return attachments.sudo()
        theirs = attachments.sudo().filtered(
            lambda a: (
                a.create_uid == self.env.user
                and (not a.res_id or a.res_model == "moh.task.step.wizard")
                and not a.res_field
                and not a.moh_role
            )
        )
        if theirs != attachments.sudo():
            raise AccessError(self.env._("Attach only files you have just uploaded."))
        source = self._moh_source()
        if source and source.confidentiality != "normal" and source.company_id._moh_secret_networked():
            raise source._moh_secret_refusal(self.env._("No file of it is stored on a networked deployment"))
        return theirs

    @api.model
    def _moh_reader_domain(self):
        """Who may read a confidential task: the readers of its source document, as the source's
        own rules say (incoming: its granted readers; outgoing: its drafter, signer and
        reviewers). The same terms as the global rule rule_task_confidential."""
        uid = self.env.uid
        return Domain.OR(
            [
                [("incoming_document_id.reader_ids", "in", [uid])],
                [("outgoing_document_id.drafter_id", "=", uid)],
                [("outgoing_document_id.signer_id", "=", uid)],
                [("outgoing_document_id.reviewer_ids", "in", [uid])],
            ]
        )

    @api.model
    def _moh_unread_secret_query(self):
        """The tasks of a confidential document the current user may not read (a subquery, for
        the views that list tasks: indicators, My Work)."""
        Task = self.sudo()
        readers = Task._search(self._moh_reader_domain())
        return Task._search(
            Domain("confidentiality", "=", "confidential")
            & Domain.custom(
                to_sql=lambda model, alias, query: SQL("%s NOT IN %s", SQL.identifier(alias, "id"), readers.subselect())
            )
        )

    def _moh_check_readers(self, users):
        """A task of a state-secret document goes only to people granted that document
        (Decree 26/2020/NĐ-CP): a department head or a ministry leader assigning a task of an
        incoming document grants it, as routing the document would, and the hand-over is
        registered; anyone else (a sub-task's specialist) and any outgoing draft, whose readers
        are its drafter, reviewers and signer, are given to readers only."""
        self.ensure_one()
        source = self._moh_source()
        if not source or source.confidentiality == "normal":
            return
        strangers = users.filtered(lambda user: not source.with_user(user).has_access("read"))
        if not strangers:
            return
        me = self.env.user
        competent = me.has_group("moh_documents.group_department_head") or me.has_group(
            "moh_documents.group_ministry_leader"
        )
        if source._name == "moh.incoming.document" and competent:
            source._moh_grant(strangers)
            return
        raise UserError(
            self.env._(
                "This task comes from a state-secret document: %(people)s may not read it. Assign it to "
                "its readers only, or ask who may grant the document to have it granted to them first.",
                people=", ".join(strangers.mapped("name")),
            )
        )

    def _moh_check_links(self, vals):
        """The source document and parent task a user sets must be theirs to read (a task must
        not carry a document the creator may not read)."""
        if self.env.su:
            return
        for name in ("incoming_document_id", "outgoing_document_id", "parent_id", "result_outgoing_document_id"):
            if vals.get(name):
                target = self.env[self._fields[name].comodel_name].browse(vals[name])
                if not target.exists() or not target.has_access("read"):
                    raise AccessError(self.env._("You may not read the record you link the task to."))

    # -- ORM ----------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            me = self.env.user
            for vals in vals_list:
                self._moh_check_links(vals)
                parent = self.browse(vals.get("parent_id") or [])
                if parent:
                    if me not in parent._moh_workers() | parent.sudo().assigner_id:
                        raise AccessError(
                            self.env._("Only who works on or assigned %(task)s divides it.", task=parent.name)
                        )
                    if parent.state not in ("draft", *parent._moh_open_states):
                        raise UserError(self.env._("The parent task is closed."))
                elif not me.has_group("moh_documents.group_department_head"):
                    raise AccessError(self.env._("Only department heads and ministry leaders assign tasks."))
        for vals in vals_list:
            parent = self.sudo().browse(vals.get("parent_id") or [])
            if parent:
                # A sub-task stays under the parent's document (and its confidentiality).
                vals["incoming_document_id"] = parent.incoming_document_id.id
                vals["outgoing_document_id"] = parent.outgoing_document_id.id
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._moh_check_links(vals)
            if "parent_id" in vals and any(task.parent_id and task.parent_id.id != vals["parent_id"] for task in self):
                raise UserError(self.env._("A sub-task stays under its parent task."))
        result = super().write(vals)
        if {"parent_id", "incoming_document_id", "outgoing_document_id"} & set(vals):
            # A sub-task never leaves its parent's document (nor its confidentiality).
            for task in self.sudo().filtered("parent_id"):
                parent = task.parent_id
                if (task.incoming_document_id, task.outgoing_document_id) != (
                    parent.incoming_document_id,
                    parent.outgoing_document_id,
                ):
                    task.write(
                        {
                            "incoming_document_id": parent.incoming_document_id.id,
                            "outgoing_document_id": parent.outgoing_document_id.id,
                        }
                    )
        return result

    def _moh_check_content_update(self, vals):
        content = {name for name in vals if not name.startswith(self._moh_mail_field_prefixes)}
        if not content:
            return
        for task in self:
            if task.state != "draft":
                raise UserError(self.env._("A task is changed only through its steps once assigned."))
            if task.assigner_id != self.env.user and not self.env.user.has_group("moh_documents.group_ministry_leader"):
                raise AccessError(self.env._("Only the assigner edits the draft task %(task)s.", task=task.name))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_assigned(self):
        for task in self:
            if task.state != "draft":
                raise UserError(self.env._("An assigned task is cancelled, never deleted."))
            if not self.env.su and task.assigner_id != self.env.user:
                raise AccessError(self.env._("Only the assigner deletes the draft task %(task)s.", task=task.name))

    # -- steps --------------------------------------------------------------------------------

    def action_assign(self, deadline=None):
        """The assigner hands the draft to its lead unit and assignees, with a deadline counted
        in working days on the agency's calendar (or a due date)."""
        self._moh_check("draft")
        if self.env.user != self.assigner_id:
            raise AccessError(self.env._("Only the assigner assigns the task %(task)s.", task=self.name))
        task = self.sudo()
        if not task.department_id and not task.user_ids:
            raise UserError(self.env._("Choose the lead unit or the people the task is assigned to."))
        me = self.env.user
        if not me.has_group("moh_documents.group_ministry_leader"):
            mine = self._moh_my_departments()
            members = self.env["hr.employee"].sudo().search([("department_id", "child_of", mine.ids)]).user_id
            outside = task.department_id - self.env["hr.department"].sudo().search([("id", "child_of", mine.ids)])
            strangers = task.user_ids - members
            may_assign = me.has_group("moh_documents.group_department_head") or task.parent_id
            if not may_assign or outside or strangers:
                raise AccessError(self.env._("A department head assigns tasks within their department only."))
        deadline = self._moh_step_deadline(deadline)
        workers = task.user_ids | self._moh_heads(task.department_id)
        self._moh_check_readers(workers)
        task.write({"state": "assigned", "deadline": deadline, "assigned_date": fields.Datetime.now()})
        self._moh_post(
            self.env._("Assigned, due %(date)s", date=deadline.strftime("%d/%m/%Y")),
            ", ".join(
                (task.department_id | task.cooperating_department_ids).mapped("name") + task.user_ids.mapped("name")
            ),
        )
        self._moh_todo(workers, self.env._("Carry out the task"), deadline=deadline, note=task.description)
        return True

    def action_start(self):
        """An assignee (or a head of the lead unit) starts the work."""
        self._moh_check("assigned")
        self._moh_check_actor(self._moh_workers())
        self.sudo().state = "in_progress"
        self._moh_post(self.env._("Started"))
        return True

    def action_report_progress(self, percent, note, attachment_ids=None):
        """Whoever works on the task reports how far it is, with files."""
        self._moh_check("assigned", "in_progress")
        workers = self._moh_workers() | self._moh_heads(self.sudo().cooperating_department_ids)
        self._moh_check_actor(workers)
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            raise UserError(self.env._("The progress is a percentage, from 0 to 100."))
        if not (note or "").strip():
            raise UserError(self.env._("Say what was done."))
        files = self._moh_check_files(attachment_ids)
        report = (
            self.env["moh.task.progress"]
            .sudo()
            .create({"task_id": self.id, "user_id": self.env.user.id, "percent": percent, "note": note})
        )
        files.write({"res_model": report._name, "res_id": report.id})
        report.attachment_ids = [(6, 0, files.ids)]
        self.sudo().write({"progress": percent, "state": "in_progress"})
        self._moh_post(self.env._("Progress: %(percent)s%%", percent=percent), note)
        return report.id

    def action_request_extension(self, reason, requested_deadline=None, working_days=None):
        """An assignee asks the assigner for a later deadline: a date, or working days more."""
        self._moh_check("assigned", "in_progress")
        self._moh_check_actor(self._moh_workers())
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the extension."))
        if self.extension_pending:
            raise UserError(self.env._("An extension request is already waiting for a decision."))
        requested = fields.Date.to_date(requested_deadline)
        if not requested:
            if not isinstance(working_days, int) or isinstance(working_days, bool) or working_days < 1:
                raise UserError(self.env._("Ask for a new due date or a number of working days."))
            requested = self.company_id.sudo()._moh_calendar().moh_add_working_days(self.deadline, working_days)
        if requested <= self.deadline:
            raise UserError(self.env._("The new due date must be after the current one."))
        extension = (
            self.env["moh.task.extension"]
            .sudo()
            .create(
                {
                    "task_id": self.id,
                    "requested_by_id": self.env.user.id,
                    "previous_deadline": self.deadline,
                    "requested_deadline": requested,
                    "reason": reason,
                }
            )
        )
        self._moh_post(
            self.env._("Extension requested to %(date)s", date=requested.strftime("%d/%m/%Y")),
            reason,
        )
        self._moh_todo(
            self._moh_deciders(),
            self.env._("Decide on the extension requested"),
            note=reason,
        )
        return extension.id

    def _moh_pending_extension(self):
        extension = self.sudo().extension_ids.filtered(lambda e: e.state == "requested")[:1]
        if not extension:
            raise UserError(self.env._("No extension request is waiting for a decision."))
        return extension

    def _moh_decide_extension(self, state, note, require_note=False):
        """The assigner (or a ministry leader) decides on the pending extension request: checks
        the caller, then records ``state`` with ``note`` and closes the deciders' to-dos."""
        self._moh_check("assigned", "in_progress")
        self._moh_check_decider()
        if require_note and not (note or "").strip():
            raise UserError(self.env._("Give the reason for the refusal."))
        extension = self._moh_pending_extension()
        extension.write(
            {
                "state": state,
                "decided_by_id": self.env.user.id,
                "decided_on": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        self._moh_close_todos(self._moh_deciders() | self.env.user)
        return extension

    def action_approve_extension(self, note=None):
        """The assigner (or a ministry leader) grants the extension: the deadline moves."""
        extension = self._moh_decide_extension("approved", note)
        self.sudo().write({"deadline": extension.requested_deadline, "escalated_on": False, "reminded_on": False})
        self._moh_post(
            self.env._(
                "Extension approved: due %(date)s instead of %(previous)s",
                date=extension.requested_deadline.strftime("%d/%m/%Y"),
                previous=extension.previous_deadline.strftime("%d/%m/%Y"),
            ),
            note,
        )
        for activity in self.sudo().activity_ids:
            activity.date_deadline = extension.requested_deadline
        return True

    def action_refuse_extension(self, reason):
        """The assigner (or a ministry leader) refuses the extension, with a reason."""
        self._moh_decide_extension("refused", reason, require_note=True)
        self._moh_post(self.env._("Extension refused"), reason)
        return True

    def action_complete(self, result, result_outgoing_document=None, attachment_ids=None):
        """An assignee (or a head of the lead unit) completes the task with its result: a text,
        and the resulting outgoing document or files."""
        self._moh_check("assigned", "in_progress")
        self._moh_check_actor(self._moh_workers())
        if not (result or "").strip():
            raise UserError(self.env._("Write the result of the task."))
        if self.sudo().child_ids.filtered(lambda t: t.state in ("draft", *t._moh_open_states)):
            raise UserError(self.env._("Complete or cancel the sub-tasks first."))
        document = self._moh_browse("moh.outgoing.document", result_outgoing_document)
        if len(document) > 1 or (document and not document.has_access("read")):
            raise AccessError(self.env._("You may not read the record you link the task to."))
        files = self._moh_check_files(attachment_ids)
        files.write({"res_model": self._name, "res_id": self.id})
        self.sudo().write(
            {
                "state": "done",
                "result": result,
                "result_outgoing_document_id": document.id,
                "result_attachment_ids": [(6, 0, files.ids)],
                "done_date": fields.Datetime.now(),
                "progress": 100,
            }
        )
        self._moh_close_todos()
        self._moh_post(self.env._("Completed"), result)
        return True

    def action_cancel(self, reason):
        """The assigner (or a ministry leader) withdraws the task and its open sub-tasks."""
        self._moh_check("draft", "assigned", "in_progress")
        self._moh_check_decider()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the cancellation."))
        tasks = self.sudo().search([("id", "child_of", self.id), ("state", "in", ("draft", *self._moh_open_states))])
        tasks.write({"state": "cancelled", "cancel_reason": reason})
        for task in tasks:
            task._moh_close_todos()
        self._moh_post(self.env._("Cancelled"), reason)
        return True

    # -- reminders and escalation -------------------------------------------------------------

    @api.model
    def _cron_moh_deadline_reminders(self):
        """Daily, with the documents' (moh.document.assignment): remind the assignees before the
        deadline; after it, escalate once to the heads of the lead unit and the assigner."""
        self = self.with_context(**self.env.company._moh_local_context())  # noqa: PLW0642 - the agency's day
        today = fields.Date.context_today(self)
        Task = self.sudo()
        due_soon = Task.search(
            [("deadline_state", "=", "due_soon"), "|", ("reminded_on", "=", False), ("reminded_on", "!=", today)]
        )
        overdue = Task.search([("deadline_state", "=", "overdue"), ("escalated_on", "=", False)])
        for task in due_soon:
            task._moh_todo(
                task._moh_workers(),
                self.env._("Due on %(date)s", date=task.deadline.strftime("%d/%m/%Y")),
                deadline=task.deadline,
            )
            task.reminded_on = today
        for task in overdue:
            who = task._moh_workers() | task.assigner_id
            summary = self.env._(
                "Overdue since %(date)s: %(task)s", date=task.deadline.strftime("%d/%m/%Y"), task=task.name
            )
            task._moh_todo(who, summary)
            task.with_user(self.env.ref("base.user_root"))._moh_post(summary, ", ".join(who.mapped("name")))
            task.escalated_on = today
        return len(due_soon), len(overdue)

    # -- history (bulk generators, demo) ------------------------------------------------------

    @api.model
    def _moh_create_history(self, values):
        """Create a task as it stands after its steps (a past assignment, completion...), from
        system code: ``values`` may hold workflow fields (state, assigner_id, assigned_date,
        deadline, done_date, progress, result...). Private: no RPC client reaches it."""
        return (
            self.sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
            .create(values)
        )

    @api.model
    def _moh_demo_tasks(self):
        """Demo data: tasks of the demo people, at every stage, linked to the demo documents."""
        if self.env["res.lang"]._lang_get("vi_VN"):
            self = self.with_context(lang="vi_VN")  # noqa: PLW0642 - the demo is written in Vietnamese
        ref = self.env.ref
        leader, deputy = ref("moh_documents.user_botruong"), ref("moh_documents.user_thutruong")
        head_drug = ref("moh_documents.user_cuctruong_qld")
        today = fields.Date.context_today(self.with_user(leader))
        calendar = self.env.company._moh_calendar()

        def day(working_days):
            return calendar.moh_add_working_days(today, working_days)

        def moment(working_days):
            return fields.Datetime.to_datetime(day(working_days)).replace(hour=3)

        def new(user, **values):
            return self.with_user(user).create(values)

        # Through the steps, as their people would.
        dengue = new(
            leader,
            name="Tổng hợp báo cáo tình hình phòng, chống sốt xuất huyết quý IV",
            description="Cục Y tế dự phòng tổng hợp số liệu các địa phương, đánh giá nguy cơ sau mưa lũ, "
            "đề xuất biện pháp, báo cáo Bộ trưởng.",
            department_id=ref("moh_documents.dep_disease_prevention").id,
            cooperating_department_ids=[(6, 0, [ref("moh_documents.dep_medical_services").id])],
            incoming_document_id=ref("moh_documents.demo_incoming_4").id,
            working_days=10,
            priority="1",
        )
        dengue.with_user(leader).action_assign()
        drugs = new(
            leader,
            name="Rà soát danh mục thuốc hiếm cần bảo đảm cung ứng cho các bệnh viện",
            description="Cục Quản lý Dược chủ trì, Vụ Pháp chế phối hợp; đề xuất cơ chế cung ứng.",
            department_id=ref("moh_documents.dep_drug").id,
            cooperating_department_ids=[(6, 0, [ref("moh_documents.dep_legal").id])],
            user_ids=[(6, 0, [ref("moh_documents.user_chuyenvien_qld").id])],
            incoming_document_id=ref("moh_documents.demo_incoming_1").id,
            working_days=15,
        )
        drugs.with_user(leader).action_assign()
        drugs.with_user(ref("moh_documents.user_chuyenvien_qld")).action_report_progress(
            40, "Đã tổng hợp đề nghị của 12 bệnh viện; đang đối chiếu danh mục thuốc hiếm hiện hành."
        )
        legal_basis = new(
            head_drug,
            name="Xác định căn cứ pháp lý cho cơ chế cung ứng thuốc hiếm",
            department_id=ref("moh_documents.dep_drug").id,
            user_ids=[(6, 0, [ref("moh_documents.user_chuyenvien_qld2").id])],
            parent_id=drugs.id,
            working_days=5,
        )
        legal_basis.with_user(head_drug).action_assign()
        prices = new(
            deputy,
            name="Góp ý dự thảo Thông tư quy định giá dịch vụ khám bệnh, chữa bệnh",
            department_id=ref("moh_documents.dep_planning_finance").id,
            cooperating_department_ids=[(6, 0, [ref("moh_documents.dep_medical_services").id])],
            user_ids=[(6, 0, [ref("moh_documents.user_chuyenvien_khtc").id])],
            incoming_document_id=ref("moh_documents.demo_incoming_3").id,
            working_days=3,
        )
        prices.with_user(deputy).action_assign()
        prices.with_user(ref("moh_documents.user_chuyenvien_khtc")).action_request_extension(
            "Cần chờ ý kiến của Cục Quản lý Khám, chữa bệnh về định mức kinh tế - kỹ thuật.", working_days=5
        )
        food = new(
            leader,
            name="Kiểm tra an toàn thực phẩm dịp Tết Nguyên đán",
            department_id=ref("moh_documents.dep_food_safety").id,
            user_ids=[(6, 0, [ref("moh_documents.user_chuyenvien_attp").id])],
            working_days=2,
        )
        food.with_user(leader).action_assign()
        food.with_user(ref("moh_documents.user_chuyenvien_attp")).action_start()
        new(
            leader,
            name="Rà soát thủ tục hành chính lĩnh vực khám bệnh, chữa bệnh",
            department_id=ref("moh_documents.dep_medical_services").id,
            working_days=20,
        )
        # History: assigned weeks ago, some completed, some overdue.
        history = [
            {
                "name": "Báo cáo tình hình khám, chữa bệnh và quá tải bệnh viện quý III",
                "department_id": ref("moh_documents.dep_medical_services").id,
                "user_ids": [(6, 0, [ref("moh_documents.user_chuyenvien_kcb").id])],
                "incoming_document_id": ref("moh_documents.demo_incoming_2").id,
                "assigner_id": leader.id,
                "state": "done",
                "assigned_date": moment(-12),
                "deadline": day(-4),
                "done_date": moment(-5),
                "progress": 100,
                "result": "Đã gửi báo cáo tổng hợp quý III cho Bộ trưởng.",
            },
            {
                "name": "Tổng kết công tác pháp chế năm 2026",
                "department_id": ref("moh_documents.dep_legal").id,
                "user_ids": [(6, 0, [ref("moh_documents.user_chuyenvien_pc").id])],
                "assigner_id": deputy.id,
                "state": "done",
                "assigned_date": moment(-20),
                "deadline": day(-10),
                "done_date": moment(-7),
                "progress": 100,
                "result": "Báo cáo tổng kết đã trình Thứ trưởng (chậm 3 ngày làm việc do chờ số liệu).",
            },
            {
                "name": "Tổng hợp số liệu tiêm chủng mở rộng 11 tháng",
                "department_id": ref("moh_documents.dep_disease_prevention").id,
                "assigner_id": leader.id,
                "state": "done",
                "assigned_date": moment(-15),
                "deadline": day(-6),
                "done_date": moment(-6),
                "progress": 100,
                "result": "Tỷ lệ tiêm chủng đầy đủ đạt 96,2%; đã báo cáo Bộ trưởng.",
            },
            {
                "name": "Chuẩn bị hồ sơ gia hạn giấy đăng ký lưu hành thuốc",
                "department_id": ref("moh_documents.dep_drug").id,
                "user_ids": [(6, 0, [ref("moh_documents.user_chuyenvien_qld2").id])],
                "incoming_document_id": ref("moh_documents.demo_incoming_5").id,
                "assigner_id": head_drug.id,
                "state": "in_progress",
                "assigned_date": moment(-9),
                "deadline": day(-2),
                "progress": 60,
            },
            {
                "name": "Báo cáo kết quả kiểm tra cơ sở sản xuất nước uống đóng chai",
                "department_id": ref("moh_documents.dep_food_safety").id,
                "assigner_id": leader.id,
                "state": "assigned",
                "assigned_date": moment(-8),
                "deadline": day(-1),
            },
        ]
        self._moh_create_history(history)
        self.env["moh.incoming.document"]._moh_demo_unqueue_mail()
        return True


class MohTaskProgress(models.Model):
    """A progress report on a task: how far it is (percent), what was done, and files. Made only
    by moh.task.action_report_progress; nobody changes it afterwards."""

    _name = "moh.task.progress"
    _description = "Task Progress Report"
    _inherit = ["moh.workflow.guard"]
    _order = "id desc"
    _moh_workflow_fields = ("task_id", "user_id", "percent", "note", "attachment_ids")

    task_id = fields.Many2one("moh.task", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="Reported By", required=True)
    percent = fields.Integer(string="Progress (%)")
    note = fields.Text(string="Report")
    attachment_ids = fields.Many2many(
        "ir.attachment", "moh_task_progress_attachment_rel", "progress_id", "attachment_id", string="Files"
    )


class MohTaskExtension(models.Model):
    """A request for a later deadline, and the decision on it. Made and decided only by the
    steps of moh.task."""

    _name = "moh.task.extension"
    _description = "Task Extension Request"
    _inherit = ["moh.workflow.guard"]
    _order = "id desc"
    _moh_workflow_fields = (
        "task_id",
        "requested_by_id",
        "previous_deadline",
        "requested_deadline",
        "reason",
        "state",
        "decided_by_id",
        "decided_on",
        "decision_note",
    )

    task_id = fields.Many2one("moh.task", required=True, ondelete="cascade", index=True)
    requested_by_id = fields.Many2one("res.users", required=True)
    previous_deadline = fields.Date(string="Due Date Before")
    requested_deadline = fields.Date(string="Requested Due Date", required=True)
    reason = fields.Text(required=True)
    state = fields.Selection(EXTENSION_STATES, default="requested", required=True)
    decided_by_id = fields.Many2one("res.users")
    decided_on = fields.Datetime()
    decision_note = fields.Text(string="Decision")
