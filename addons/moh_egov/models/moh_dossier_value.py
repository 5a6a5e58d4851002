from odoo import fields, models


class MohDossierValue(models.Model):
    _name = "moh.dossier.value"
    _description = "Application Form Answer"
    _inherit = ["moh.workflow.guard"]
    # The applicant's answers, saved by the portal (superuser mode, after its ownership check) while
    # the dossier is a draft; nobody else rewrites them.
    _moh_workflow_fields = ("dossier_id", "field_id", "value")
    _order = "dossier_id, id"

    dossier_id = fields.Many2one("moh.dossier", required=True, ondelete="cascade", index=True)
    field_id = fields.Many2one("moh.procedure.form.field", required=True, ondelete="cascade")
    name = fields.Char(related="field_id.name")
    value = fields.Text()

    _field_unique = models.Constraint("UNIQUE(dossier_id, field_id)", "A form field is answered once per dossier.")
