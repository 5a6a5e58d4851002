from odoo import fields, models

FILE_TYPES = [
    ("pdf", "PDF"),
    ("pdf_image", "PDF or Picture"),
]


class MohProcedureRequirement(models.Model):
    _name = "moh.procedure.requirement"
    _description = "Document Required by a Procedure"
    _order = "procedure_id, sequence, id"

    procedure_id = fields.Many2one("moh.procedure", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    required = fields.Boolean(default=True)
    file_types = fields.Selection(FILE_TYPES, string="Accepted Files", required=True, default="pdf")
    signature_required = fields.Boolean(
        help="The file must carry a valid digital signature of the business (e.g. an application form)."
    )
    template = fields.Binary(attachment=True, help="A form to download, fill in and upload.")
    template_filename = fields.Char()
    note = fields.Char(translate=True)
    dvcqg_code = fields.Char(
        string="National Document Code",
        help="MaThanhPhanHoSo: the code the national public service portal gives this document; the "
        "files of a dossier filed there are matched to the document by it.",
    )

    def _moh_allowed_types(self):
        self.ensure_one()
        return {"pdf"} if self.file_types == "pdf" else {"pdf", "png", "jpeg"}
