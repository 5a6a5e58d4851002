from odoo import api, fields, models

#: The documents that may be state secrets (moh.state.secret.mixin).
SECRET_MODELS = ("moh.incoming.document", "moh.outgoing.document")

#: What a file is to the record it belongs to, set by the step that makes it (never read from
#: its name, which anyone who may edit the file can change).
ROLES = [
    ("draft_pdf", "Draft Version"),
    ("signing_pdf", "PDF Prepared for Signing"),
    ("signed_pdf", "Signed PDF"),
    ("issued_pdf", "Issued PDF"),
    ("edxml", "edXML Export"),
    ("copy_pdf", "Copy"),
]


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _inherit = ["ir.attachment", "moh.workflow.guard"]
    # The role is set by the step that makes the file, in superuser mode: no user sets or
    # changes it (a file a user uploads, whatever its name, is never taken for a signed PDF).
    _moh_workflow_fields = ("moh_role",)

    moh_role = fields.Selection(
        ROLES,
        string="Role",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What the file is to its record (a draft version, the PDF prepared for signing, the signed "
        "PDF, a slip...), set by the step that made it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        attachments = super().create(vals_list)
        attachments._moh_check_state_secret()
        return attachments

    def write(self, vals):
        result = super().write(vals)
        if {"res_model", "res_id"} & set(vals):
            self._moh_check_state_secret()
        return result

    def _moh_check_state_secret(self):
        """No file of a state-secret document is stored on a networked deployment, whoever
        attaches it, the system included (Law 29/2018/QH14, Art. 5.5-5.6; Decree 26/2020/NĐ-CP,
        Art. 4.7): see moh.state.secret.mixin."""
        for model in SECRET_MODELS:
            ids = {a.res_id for a in self.sudo() if a.res_model == model and a.res_id}
            if not ids:
                continue
            for doc in self.env[model].sudo().browse(ids).exists():
                if doc.confidentiality != "normal" and doc.company_id._moh_secret_networked():
                    raise doc._moh_secret_refusal(self.env._("No file of it is stored on a networked deployment"))
