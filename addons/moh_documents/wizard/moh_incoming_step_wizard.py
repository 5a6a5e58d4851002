from odoo import api, fields, models
from odoo.exceptions import UserError


class MohIncomingStepWizard(models.TransientModel):
    """The dialog behind each routing button: it only collects the step's inputs and calls the
    document's (or assignment's) method, where the rules live."""

    _name = "moh.incoming.step.wizard"
    _description = "Incoming Document Routing Step"

    document_id = fields.Many2one("moh.incoming.document", required=True)
    step = fields.Selection(
        [
            ("submit", "Submit to Leader"),
            ("direct", "Direct to Departments"),
            ("leader_return", "Return to Records Office"),
            ("recall", "Recall"),
            ("assign_specialists", "Assign Specialists"),
            ("complete", "Complete"),
            ("return", "Return"),
            ("forward", "Forward to Another Department"),
            ("cancel", "Cancel"),
        ],
        required=True,
    )
    assignment_id = fields.Many2one(
        "moh.document.assignment",
        domain="[('document_id', '=', document_id), ('state', 'in', ('new', 'in_progress'))]",
    )
    leader_id = fields.Many2one(
        "res.users",
        domain=lambda self: [("group_ids", "in", self.env.ref("moh_documents.group_ministry_leader").id)],
    )
    lead_department_id = fields.Many2one("hr.department")
    cooperating_department_ids = fields.Many2many("hr.department", string="Cooperating Departments")
    department_id = fields.Many2one("hr.department", string="Forward To")
    user_ids = fields.Many2many("res.users", string="Specialists")
    deadline = fields.Date()
    note = fields.Text(string="Instructions / Reason / Result")
    reply_reference = fields.Char(string="Reply Document")

    @api.onchange("document_id", "step")
    def _onchange_step(self):
        document = self.document_id
        if self.step == "direct" and not self.deadline and document:
            self.deadline = document._moh_default_deadline(fields.Date.context_today(self))
        if self.step in ("assign_specialists", "complete", "return", "forward") and not self.assignment_id:
            mine = document.assignment_ids.filtered(
                lambda a: (
                    a.state in ("new", "in_progress")
                    and (self.env.user in a.user_ids or self.env.user in a._moh_department_heads())
                )
            )
            self.assignment_id = mine[:1]

    def action_confirm(self):
        """Take the step as the current user: the document's (or assignment's) method checks
        who they are and what they may do. A user confirms only their own dialogs (record rule)."""
        self.ensure_one()
        self.check_access("write")
        self.env["moh.incoming.document"]._moh_check_officer()
        document, assignment = self.document_id, self.assignment_id
        if assignment and assignment.document_id != document:
            raise UserError(self.env._("This assignment is not one of %(document)s.", document=document.display_name))
        if self.step in ("assign_specialists", "complete", "return", "forward") and not assignment:
            raise UserError(self.env._("Nothing of this document is assigned to you."))
        match self.step:
            case "submit":
                document.action_submit(self.leader_id)
            case "direct":
                document.action_direct(
                    self.lead_department_id, self.cooperating_department_ids, self.deadline, self.note
                )
            case "leader_return":
                document.action_leader_return(self.note)
            case "recall":
                document.action_recall(self.note)
            case "assign_specialists":
                assignment.action_assign_specialists(self.user_ids, self.note)
            case "complete":
                assignment.action_complete(self.note, self.reply_reference)
            case "return":
                assignment.action_return(self.note)
            case "forward":
                assignment.action_forward(self.department_id, self.note)
            case "cancel":
                document.action_cancel(self.note)
        return {"type": "ir.actions.act_window_close"}
