from odoo import api, fields, models
from odoo.exceptions import UserError

from . import moh_access_keys as access_keys

ROLES = [("lead", "Lead"), ("cooperate", "Cooperating")]
ASSIGNMENT_STATES = [
    ("new", "Awaiting Assignment"),
    ("in_progress", "In Progress"),
    ("done", "Completed"),
    ("returned", "Returned"),
    ("cancelled", "Cancelled"),
]


class MohDocumentAssignment(models.Model):
    """A department's part in handling an incoming document: the lead (chủ trì) or a
    cooperating department (phối hợp), its deadline, its specialists and its result.

    Every field is a workflow field (moh.workflow.guard): assignments are created by the
    leader's direction (moh.incoming.document.action_direct) and change only through the steps
    below, which check the caller's relation to the assignment before writing in superuser mode:

    * ``action_assign_specialists``, ``action_forward``: the head of the assignment's department
      (its manager, else its department heads), or their delegate;
    * ``action_complete``: a specialist assigned to it, or the department's head (or delegate);
    * ``action_return``: an assigned specialist (back to the head), or the head (back to the
      leader).

    No role has write, create or unlink access to assignments (ir.model.access); the guard also
    holds for anyone who would be given it.
    """

    _name = "moh.document.assignment"
    _description = "Document Assignment"
    _inherit = ["moh.deadline.mixin", "moh.workflow.guard"]
    _moh_workflow_fields = (
        "document_id",
        "department_id",
        "role",
        "state",
        "assigned_by_id",
        "user_ids",
        "result",
        "reply_reference",
        "reminded_on",
        "escalated_on",
        "deadline",
        "done_date",
        "completed_late",
    )
    _order = "deadline, id"
    _moh_open_states = ("new", "in_progress")

    document_id = fields.Many2one("moh.incoming.document", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="document_id.company_id", store=True)
    department_id = fields.Many2one("hr.department", required=True, index=True)
    role = fields.Selection(ROLES, required=True, default="lead")
    state = fields.Selection(ASSIGNMENT_STATES, required=True, default="new", index=True)
    assigned_by_id = fields.Many2one("res.users", string="Directed By")
    user_ids = fields.Many2many("res.users", string="Specialists")
    result = fields.Text()
    reply_reference = fields.Char(string="Reply Document", help="Number and symbol of the outgoing reply, if any.")
    reminded_on = fields.Date(readonly=True)
    escalated_on = fields.Date(readonly=True)

    # Shown in lists of assignments
    abstract = fields.Text(related="document_id.abstract")
    urgency = fields.Selection(related="document_id.urgency", store=True)
    confidentiality = fields.Selection(related="document_id.confidentiality", store=True)
    leader_id = fields.Many2one(related="document_id.leader_id", store=True)

    @api.private
    def init(self):
        result = super().init()
        access_keys.ensure_triggers(self.env.cr)  # once the documents' table and the relations exist
        return result

    @api.depends("document_id.name", "department_id.name", "role")
    def _compute_display_name(self):
        for assignment in self:
            assignment.display_name = (
                f"{assignment.document_id.name} — {assignment.department_id.name} ({assignment._moh_role_label()})"
            )

    def _moh_role_label(self):
        return dict(self._fields["role"]._description_selection(self.env))[self.role]

    def _moh_department_heads(self):
        """Who leads each department: its manager, else its users with the department-head role."""
        heads = self.env["res.users"]
        for assignment in self:
            department = assignment.department_id.sudo()
            head = department.manager_id.user_id
            if not head:
                head = department.member_ids.user_id.filtered(
                    lambda u: u.has_group("moh_documents.group_department_head")
                )
            heads |= head
        return heads

    def _moh_check_state(self, *states):
        for assignment in self:
            if assignment.state not in states:
                raise UserError(
                    self.env._(
                        "The assignment of %(department)s is %(state)s: this step is not possible now.",
                        department=assignment.department_id.name,
                        state=dict(assignment._fields["state"]._description_selection(self.env))[assignment.state],
                    )
                )

    def _moh_check_step(self, *states):
        """Before any step: one assignment, which the caller (an e-office officer) may read,
        in one of ``states`` (open assignments exist only while their document is routed)."""
        self.ensure_one()
        self.env["moh.incoming.document"]._moh_check_officer()
        self.check_access("read")
        self._moh_check_state(*states)

    # -- steps ----------------------------------------------------------------------------------

    def action_assign_specialists(self, users, note=None):
        """The department head hands the work to specialists of the department."""
        self._moh_check_step("new", "in_progress")
        document = self.document_id
        acting_for = document._moh_acting_for(self._moh_department_heads())
        users = document._moh_browse("res.users", users)
        if not users:
            raise UserError(self.env._("Choose at least one specialist."))
        members = self.env["hr.employee"].sudo().search([("department_id", "child_of", self.department_id.id)]).user_id
        strangers = users - members
        if strangers:
            raise UserError(
                self.env._(
                    "%(people)s do not work in %(department)s.",
                    people=", ".join(strangers.mapped("name")),
                    department=self.department_id.name,
                )
            )
        document._moh_close_todos(acting_for)
        self.sudo().write({"user_ids": [(6, 0, users.ids)], "state": "in_progress"})
        document._moh_grant(users)
        document._moh_record(
            "assign_specialist",
            note=note,
            acting_for=acting_for,
            department=self.department_id,
            targets=users,
            assignment=self,
        )
        document._moh_todo(
            users,
            self.env._("Process the document (%(role)s)", role=self._moh_role_label()),
            deadline=self.deadline,
            note=note,
        )
        return True

    def action_complete(self, result, reply_reference=None):
        """A specialist of the assignment (or its head) completes it with a result."""
        self._moh_check_step("in_progress", "new")
        document = self.document_id
        acting_for = document._moh_acting_for(self.user_ids | self._moh_department_heads())
        if not (result or "").strip():
            raise UserError(self.env._("Write the result of the processing."))
        self.sudo().write(
            {
                "state": "done",
                "result": result,
                "reply_reference": reply_reference,
                "done_date": fields.Datetime.now(),
            }
        )
        document._moh_close_todos(self.user_ids | self._moh_department_heads())
        document._moh_record(
            "complete", note=result, acting_for=acting_for, department=self.department_id, assignment=self
        )
        document._moh_check_completion()
        return True

    def action_return(self, reason):
        """Send the work back one step: a specialist to the department head, the department
        head to the leader (the department should not handle this document)."""
        self._moh_check_step("new", "in_progress")
        document = self.document_id
        document._moh_require_reason(reason)
        heads = self._moh_department_heads()
        if self.state == "in_progress" and (self.env.user in self.user_ids or self.env.user in heads):
            acting_for = document._moh_acting_for(self.user_ids | heads)
            document._moh_close_todos(self.user_ids)
            self.sudo().write({"state": "new", "user_ids": [(5,)]})
            document._moh_record(
                "return",
                note=reason,
                acting_for=acting_for,
                department=self.department_id,
                targets=heads,
                assignment=self,
            )
            document._moh_todo(heads, self.env._("Returned by the specialist"), deadline=self.deadline, note=reason)
            return True
        acting_for = document._moh_acting_for(heads)
        document._moh_close_todos(heads)
        self.sudo().state = "returned"
        document._moh_record(
            "return",
            note=reason,
            acting_for=acting_for,
            department=self.department_id,
            targets=document.leader_id,
            assignment=self,
        )
        if self.role == "lead":
            # Without a lead department the leader must direct the document again.
            others = document.assignment_ids.filtered(lambda a: a.state in ("new", "in_progress"))
            others.sudo().write({"state": "cancelled"})
            document.sudo().state = "submitted"
            document._moh_close_todos()
            document._moh_todo(
                document.leader_id, self.env._("Returned by the lead department: direct it again"), note=reason
            )
        return True

    def action_forward(self, department, reason):
        """The department head passes the work to the department that should handle it."""
        self._moh_check_step("new")
        document = self.document_id
        acting_for = document._moh_acting_for(self._moh_department_heads())
        document._moh_require_reason(reason)
        department = document._moh_browse("hr.department", department)
        if len(department) != 1:
            raise UserError(self.env._("Choose the department to forward the document to."))
        if (
            department == self.department_id
            or department in document.assignment_ids.filtered(lambda a: a.state in ("new", "in_progress")).department_id
        ):
            raise UserError(self.env._("%(department)s already has this document.", department=department.name))
        document._moh_close_todos(self._moh_department_heads())
        self.sudo().state = "cancelled"
        successor = self.sudo().copy(
            {
                "department_id": department.id,
                "state": "new",
                "user_ids": [(5,)],
                "assigned_by_id": self.assigned_by_id.id,
            }
        )
        heads = successor._moh_department_heads()
        document._moh_grant(heads)
        document._moh_record(
            "forward", note=reason, acting_for=acting_for, department=department, targets=heads, assignment=successor
        )
        document._moh_todo(
            heads,
            self.env._("Assign specialists (%(role)s)", role=successor._moh_role_label()),
            deadline=successor.deadline,
            note=reason,
        )
        return successor

    # -- reminders and escalation ---------------------------------------------------------------

    @api.model
    def _cron_moh_deadline_reminders(self):
        """Daily: remind the people who must act before a deadline; after it, escalate to the
        department head and the directing leader (once)."""
        self = self.with_context(**self.env.company._moh_local_context())  # noqa: PLW0642 - the agency's day
        today = fields.Date.context_today(self)
        Assignment = self.sudo()
        due_soon = Assignment.search(
            [("deadline_state", "=", "due_soon"), "|", ("reminded_on", "=", False), ("reminded_on", "!=", today)]
        )
        overdue = Assignment.search([("deadline_state", "=", "overdue"), ("escalated_on", "=", False)])
        for assignment in due_soon:
            who = assignment.user_ids or assignment._moh_department_heads()
            assignment.document_id._moh_todo(
                who,
                self.env._("Due on %(date)s", date=assignment.deadline.strftime("%d/%m/%Y")),
                deadline=assignment.deadline,
            )
            assignment.document_id.with_user(self.env.ref("base.user_root"))._moh_record(
                "remind", department=assignment.department_id, targets=who, assignment=assignment
            )
            assignment.reminded_on = today
        for assignment in overdue:
            who = assignment._moh_department_heads() | assignment.document_id.leader_id
            summary = self.env._(
                "Overdue since %(date)s: %(department)s",
                date=assignment.deadline.strftime("%d/%m/%Y"),
                department=assignment.department_id.name,
            )
            assignment.document_id._moh_todo(who, summary)
            assignment.document_id.with_user(self.env.ref("base.user_root"))._moh_record(
                "escalate", department=assignment.department_id, targets=who, assignment=assignment
            )
            assignment.escalated_on = today
        return len(due_soon), len(overdue)
