from odoo import fields, models


class MohTaskStepWizard(models.TransientModel):
    """The dialog behind each button of a task: it only collects the step's inputs and calls
    the task's method, where the rules live. A user confirms only their own dialogs (record
    rule)."""

    _name = "moh.task.step.wizard"
    _description = "Task Step"

    task_id = fields.Many2one("moh.task", required=True, ondelete="cascade")
    step = fields.Selection(
        [
            ("progress", "Report Progress"),
            ("extension", "Request an Extension"),
            ("approve_extension", "Approve the Extension"),
            ("refuse_extension", "Refuse the Extension"),
            ("complete", "Complete"),
            ("cancel", "Cancel"),
        ],
        required=True,
    )
    percent = fields.Integer(string="Progress (%)")
    requested_deadline = fields.Date(string="New Due Date")
    working_days = fields.Integer(string="Or Working Days More")
    result_outgoing_document_id = fields.Many2one("moh.outgoing.document", string="Result Document")
    attachment_ids = fields.Many2many(
        "ir.attachment", "moh_task_step_wizard_attachment_rel", "wizard_id", "attachment_id", string="Files"
    )
    note = fields.Text(string="Report / Reason / Result")

    def action_confirm(self):
        """Take the step as the current user: the task's method checks who they are."""
        self.ensure_one()
        self.check_access("write")
        task = self.task_id
        match self.step:
            case "progress":
                task.action_report_progress(self.percent, self.note, self.attachment_ids.ids)
            case "extension":
                task.action_request_extension(self.note, self.requested_deadline, self.working_days or None)
            case "approve_extension":
                task.action_approve_extension(self.note)
            case "refuse_extension":
                task.action_refuse_extension(self.note)
            case "complete":
                task.action_complete(self.note, self.result_outgoing_document_id.id, self.attachment_ids.ids)
            case "cancel":
                task.action_cancel(self.note)
        return {"type": "ir.actions.act_window_close"}
