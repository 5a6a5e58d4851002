from odoo import fields, models


class MohDossierValue(models.Model):
    _name = "moh.dossier.value"
    _description = "Application Form Answer"
    _order = "dossier_id, id"

    dossier_id = fields.Many2one("moh.dossier", required=True, ondelete="cascade", index=True)
    field_id = fields.Many2one("moh.procedure.form.field", required=True, ondelete="cascade")
    name = fields.Char(related="field_id.name")
    value = fields.Text()

    _field_unique = models.Constraint("UNIQUE(dossier_id, field_id)", "A form field is answered once per dossier.")
