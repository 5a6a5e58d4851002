from odoo import fields, models

FIELD_TYPES = [
    ("char", "Text"),
    ("text", "Long Text"),
    ("date", "Date"),
    ("integer", "Whole Number"),
]


class MohProcedureFormField(models.Model):
    _name = "moh.procedure.form.field"
    _description = "Application Form Field"
    _order = "procedure_id, sequence, id"

    procedure_id = fields.Many2one("moh.procedure", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    key = fields.Char(required=True, help="Technical name of the answer, e.g. product_name.")
    name = fields.Char(string="Label", required=True, translate=True)
    field_type = fields.Selection(FIELD_TYPES, required=True, default="char")
    required = fields.Boolean(default=True)
    help_text = fields.Char(translate=True)

    _key_unique = models.Constraint("UNIQUE(procedure_id, key)", "Each field of a form needs its own key.")
