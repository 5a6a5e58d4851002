"""The national portal's dossier status (TrangThaiHoSo, 1-10) of each of the product's states:
a table the agency may correct, since the public contract does not confirm every code."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: The product's states, and the derived ones the link also distinguishes.
STATUS_KEYS = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("supplement", "Awaiting Supplements"),
    ("received", "Received"),
    ("fee_pending", "Received, Fee to Pay"),
    ("processing", "In Appraisal"),
    ("approval", "Result in Approval"),
    ("result_ready", "Result Issued, Not Returned"),
    ("done", "Result Returned"),
    ("refused", "Refused"),
    ("closed", "Closed (not completed)"),
    ("stopped", "Stopped at the Applicant's Request"),
]


class MohDvcqgStatus(models.Model):
    _name = "moh.dvcqg.status"
    _description = "National Portal Status Code"
    _order = "code, state"

    state = fields.Selection(STATUS_KEYS, required=True)
    code = fields.Char(
        string="Status Code", required=True, help="TrangThaiHoSo sent to the national portal, from 1 to 10."
    )

    _state_unique = models.Constraint("UNIQUE(state)", "Each state has one national status code.")

    @api.constrains("code")
    def _check_code(self):
        for row in self:
            if row.code not in {str(code) for code in range(1, 11)}:
                raise ValidationError(self.env._("The national status code is a number from 1 to 10."))

    @api.model
    def _moh_table(self):
        return {row.state: row.code for row in self.sudo().search([])}
