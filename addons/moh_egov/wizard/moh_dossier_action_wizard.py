from odoo import api, fields, models

ACTIONS = [
    ("supplement", "Request Supplements"),
    ("refuse", "Refuse"),
    ("return", "Return After Appraisal"),
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
    reason = fields.Text(
        help="The documents to add or complete, the reasons for refusing, or the reason for the delay."
    )
    defect_ids = fields.One2many(
        "moh.dossier.defect.line",
        "wizard_id",
        string="Defects",
        help="Each defect with its reason and guidance; form 02 lists them all, with those the "
        "completeness check finds.",
    )
    found_defects = fields.Text(string="Found by the Completeness Check", compute="_compute_found_defects")
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

    @api.depends("dossier_id", "action")
    def _compute_found_defects(self):
        Dossier = self.env["moh.dossier"]
        for wizard in self:
            dossier = wizard.dossier_id
            defects = dossier._moh_completeness_defects() if wizard.action == "supplement" and dossier else []
            wizard.found_defects = "\n".join(Dossier._moh_defect_line(defect) for defect in defects)

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
            items = dossier._moh_parse_defects(self.reason or "") + [
                {"content": line.content, "reason": line.reason or "", "guidance": line.guidance or ""}
                for line in self.defect_ids
            ]
            dossier.action_request_supplement(items)
        elif self.action == "refuse":
            dossier.action_refuse(self.reason)
        elif self.action == "return":
            dossier.action_return_after_appraisal(self.reason)
        elif self.action == "extend":
            dossier.action_apologise(self.reason, self.new_deadline)
        elif self.action == "assign":
            dossier.action_assign(self.department_id or None, self.specialist_id or None)
        return {"type": "ir.actions.act_window_close"}
