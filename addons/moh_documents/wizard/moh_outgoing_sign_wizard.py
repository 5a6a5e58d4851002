from odoo import fields, models


class MohOutgoingSignWizard(models.TransientModel):
    """Asks the signer for their key's password; signs one or many documents with it."""

    _name = "moh.outgoing.sign.wizard"
    _description = "Sign Documents"

    document_ids = fields.Many2many("moh.outgoing.document", string="Documents", required=True)
    password = fields.Char(help="The password of your PKCS#12 key. It is used for this signing only and never stored.")

    def action_sign(self):
        self.ensure_one()
        password, self.password = self.password, False
        self.document_ids.action_sign(password)
        return {"type": "ir.actions.act_window_close"}
