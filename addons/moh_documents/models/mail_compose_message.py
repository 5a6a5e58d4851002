from odoo import models

from .ir_attachment import SECRET_MODELS


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        """State-secret documents are never e-mailed (Law 29/2018/QH14, Art. 5.5-5.6; Decree
        26/2020/NĐ-CP): the mass mode writes e-mails without posting on the document (the
        comment mode posts, and message_post refuses there)."""
        if self.model in SECRET_MODELS and res_ids:
            documents = self.env[self.model].sudo().browse(res_ids).exists()
            secret = documents.filtered(lambda d: d.confidentiality != "normal")
            if secret:
                raise secret[:1]._moh_secret_refusal(self.env._("It is not sent by e-mail"))
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)
