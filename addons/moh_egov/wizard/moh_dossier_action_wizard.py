from odoo import api, fields, models

ACTIONS = [
    ("supplement", "Request Supplements"),
    ("refuse", "Refuse"),
    ("extend", "Apologise and Extend"),
    ("assign", "Assign"),
]


class MohDossierActionWizard(models.TransientModel):
    """Asks what a one-stop step needs (the items to add, the reasons, the new date, the
    department and specialist) and performs it."""

    _name = "moh.dossier.action.wizard"
    _description = "Dossier Step"

    dossier_id = fields.Many2one("moh.dossier", required=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    reason = fields.Text(help="The documents to add or complete, the reasons for refusing, or the reason for the delay.")
    new_deadline = fields.Date(string="Proposed New Date")
    current_deadline = fields.Date(related="dossier_id.deadline")
    department_id = fields.Many2one("hr.department")
    specialist_id = fields.Many2one("res.users", domain="[('share', '=', False)]")

    @api.model_create_multi
    def create(self, vals_list):
        """Only for a dossier the user may read (the step itself then checks the user's role)."""
        wizards = super().create(vals_list)
        wizards.dossier_id.check_access("read")
        return wizards

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        dossier = self.env["moh.dossier"].browse(values.get("dossier_id") or self.env.context.get("active_id"))
        if dossier and "department_id" in fields_list:
            values.setdefault("department_id", (dossier.department_id or dossier.procedure_id.department_id).id)
        return values

    def action_confirm(self):
        """Perform the step as the user: each step checks the user's role on the dossier and its
        state before anything changes (moh.dossier's action_* methods)."""
        self.ensure_one()
        dossier = self.dossier_id
        dossier.check_access("read")
        if self.action == "supplement":
            dossier.action_request_supplement(self.reason)
        elif self.action == "refuse":
            dossier.action_refuse(self.reason)
        elif self.action == "extend":
            dossier.action_apologise(self.reason, self.new_deadline)
        elif self.action == "assign":
            dossier.action_assign(self.department_id or None, self.specialist_id or None)
        return {"type": "ir.actions.act_window_close"}
