from odoo import fields, models

TRACE_ACTIONS = [
    ("register", "Registered"),
    ("submit", "Submitted to leader"),
    ("assign", "Assigned to departments"),
    ("assign_specialist", "Assigned to specialists"),
    ("forward", "Forwarded"),
    ("return", "Returned"),
    ("recall", "Recalled"),
    ("complete", "Completed"),
    ("remind", "Reminded"),
    ("escalate", "Escalated"),
    ("cancel", "Cancelled"),
    ("revoke", "Revoked by the sender"),
    ("replace", "Replaced by the sender"),
    ("update", "Updated by the sender"),
]


class MohDocumentTrace(models.Model):
    """One step of a document's route: who did what, when, on whose behalf (the routing timeline).

    Kept as records, beside the chatter, so that processing times can be measured per step.
    """

    _name = "moh.document.trace"
    _description = "Document Routing Step"
    _order = "date, id"

    document_id = fields.Many2one("moh.incoming.document", required=True, ondelete="cascade", index=True)
    assignment_id = fields.Many2one("moh.document.assignment", ondelete="set null", index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    action = fields.Selection(TRACE_ACTIONS, required=True)
    user_id = fields.Many2one("res.users", string="By", required=True, default=lambda self: self.env.user)
    on_behalf_of_id = fields.Many2one("res.users")
    department_id = fields.Many2one("hr.department")
    target_user_ids = fields.Many2many("res.users", string="To")
    note = fields.Text()
