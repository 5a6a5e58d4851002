from odoo import fields, models
from odoo.addons.moh_documents.models.moh_outgoing_document import MohOutgoingDocument


class MohOutgoingDocumentDossier(models.Model):
    _inherit = "moh.outgoing.document"

    dossier_id = fields.Many2one(
        "moh.dossier",
        readonly=True,
        index="btree_not_null",
        help="The public service dossier this document is the result of.",
    )

    # The link to a dossier makes the document that business's e-result: only the dossier's step
    # that drafts the result sets it (moh.dossier.action_propose_result, in superuser mode).

    _moh_workflow_fields = (*MohOutgoingDocument._moh_workflow_fields, "dossier_id")

    def action_issue(self):
        result = super().action_issue()
        # The records office issues e-results without reading dossiers otherwise: hand the
        # issued document to its dossier with the system's rights (the dossier takes only its
        # own awaited result: moh.dossier._moh_result_issued).
        for document in self.sudo().filtered("dossier_id"):
            document.dossier_id._moh_result_issued(document)
        return result
