from odoo import fields, models


class MohOutgoingDocument(models.Model):
    _inherit = "moh.outgoing.document"

    dossier_id = fields.Many2one("moh.dossier", string="Dossier", readonly=True, index="btree_not_null",
                                 help="The public service dossier this document is the result of.")

    def action_issue(self):
        result = super().action_issue()
        # The records office issues e-results without reading dossiers otherwise: hand the
        # issued document to its dossier with the system's rights.
        for document in self.sudo().filtered("dossier_id"):
            document.dossier_id._moh_result_issued(document)
        return result
