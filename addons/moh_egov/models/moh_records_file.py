"""Files (moh.records.file) hold the one-stop shop's settled dossiers too (Decree 30/2020/ND-CP,
Art. 29; docs/records.md): added by the file's handler like a document."""

from odoo import api, fields, models


class MohRecordsFile(models.Model):
    _inherit = "moh.records.file"

    dossier_ids = fields.Many2many(
        "moh.dossier",
        "moh_records_file_dossier_rel",
        "file_id",
        "dossier_id",
        string="Dossiers",
        readonly=True,
        copy=False,
        groups="moh_documents.group_specialist",
    )

    @api.model
    def _moh_guarded_fields(self):
        return super()._moh_guarded_fields() | {"dossier_ids"}

    def _moh_item_fields(self):
        return {**super()._moh_item_fields(), "moh.dossier": "dossier_ids"}

    @api.depends("incoming_document_ids", "outgoing_document_ids", "task_ids", "dossier_ids")
    def _compute_item_count(self):
        return super()._compute_item_count()
