from odoo import api, fields, models
from odoo.exceptions import AccessError


class MohOutgoingDocument(models.Model):
    _inherit = "moh.outgoing.document"

    dossier_id = fields.Many2one("moh.dossier", string="Dossier", readonly=True, index="btree_not_null",
                                 help="The public service dossier this document is the result of.")

    # The link to a dossier makes the document that business's e-result: only the dossier's step
    # that drafts the result sets it (moh.dossier.action_propose_result, in superuser mode).

    @api.model
    def _moh_guarded_fields(self):
        """With the workflow guard on outgoing documents, the dossier link is one of its fields."""
        parent = getattr(super(), "_moh_guarded_fields", None)
        return (set(parent()) if parent else set()) | {"dossier_id"}

    def _moh_refuse_dossier_link(self):
        raise AccessError(self.env._(
            "The dossier of a result document is set by the dossier's steps only, never directly."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if any("dossier_id" in vals for vals in vals_list):
                self._moh_refuse_dossier_link()
            if "default_dossier_id" in self.env.context:
                self = self.with_context(default_dossier_id=False)  # noqa: PLW0642
        return super().create(vals_list)

    def write(self, vals):
        if "dossier_id" in vals and not self.env.su:
            self._moh_refuse_dossier_link()
        return super().write(vals)

    def action_issue(self):
        result = super().action_issue()
        # The records office issues e-results without reading dossiers otherwise: hand the
        # issued document to its dossier with the system's rights (the dossier takes only its
        # own awaited result: moh.dossier._moh_result_issued).
        for document in self.sudo().filtered("dossier_id"):
            document.dossier_id._moh_result_issued(document)
        return result
