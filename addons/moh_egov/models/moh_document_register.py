from odoo import fields, models


class MohDocumentRegister(models.Model):
    _inherit = "moh.document.register"

    direction = fields.Selection(selection_add=[("dossier", "One-Stop Dossiers")], ondelete={"dossier": "cascade"})
