from odoo import fields, models

STAGES = [
    ("reception", "Reception (one-stop shop)"),
    ("appraisal", "Appraisal (department)"),
    ("approval", "Approval and signature"),
    ("return", "Return of the result"),
]


class MohProcedureStep(models.Model):
    """How the statutory time is split across the one-stop steps: each hand-over on the process
    control slip (Circular 03/2025/TT-VPCP, form 06) is due at the end of its step's share."""

    _name = "moh.procedure.step"
    _description = "Procedure Processing Step"
    _order = "procedure_id, sequence, id"

    procedure_id = fields.Many2one("moh.procedure", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    stage = fields.Selection(STAGES, required=True)
    name = fields.Char(required=True, translate=True)
    days = fields.Float(string="Working Days", required=True)
    department_id = fields.Many2one("hr.department", help="Leave empty for the procedure's responsible department.")
