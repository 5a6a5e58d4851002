"""The dialog of the records steps that need a date or a text (keeping a file back, the
settlement of construction works, returning a hand-over, recording a disposal, proposing one):
it only collects them and calls the step, as the caller, which checks everything."""

from odoo import fields, models

STEPS = [
    ("keep_back", "Keep Back"),
    ("settlement", "Record Settlement"),
    ("return", "Return to the Unit"),
    ("dispose", "Record Disposal"),
    ("propose", "Propose Disposal"),
]


class MohRecordsStepWizard(models.TransientModel):
    _name = "moh.records.step.wizard"
    _description = "Records Step"

    step = fields.Selection(STEPS, required=True)
    file_id = fields.Many2one("moh.records.file")
    handover_id = fields.Many2one("moh.records.handover", string="Hand-over")
    disposal_id = fields.Many2one("moh.records.disposal")
    department_id = fields.Many2one("hr.department", string="Unit")
    date = fields.Date()
    text = fields.Text(string="Reason or Basis")

    def action_confirm(self):
        """Take the step as the caller (the step checks who calls it and on what)."""
        self.ensure_one()
        self.check_access("read")
        if self.step == "keep_back":
            self.file_id.action_keep_back(self.date, self.text)
        elif self.step == "settlement":
            self.file_id.action_set_settlement(self.date)
        elif self.step == "return":
            self.handover_id.action_return(self.text)
        elif self.step == "dispose":
            self.disposal_id.action_dispose(self.text)
        else:
            batch = self.env["moh.records.disposal"].action_propose(self.department_id.id)
            if batch:
                return {
                    "type": "ir.actions.act_window",
                    "res_model": "moh.records.disposal",
                    "res_id": batch,
                    "view_mode": "form",
                }
        return {"type": "ir.actions.act_window_close"}
