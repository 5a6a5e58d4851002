"""A signature being made on the signer's own token (interrupted signing).

The server prepares the document and the bytes to sign, the signer's local signing software
signs them on the token, and the server embeds the signature (moh_core.signing's
prepare_interrupted / finish_interrupted). Between the two, the prepared state stays here, on
the server: a copy coming back from the client is never trusted.
"""

import base64
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

#: A prepared signature must be finished within this time.
SESSION_LIFETIME = datetime.timedelta(minutes=15)


class MohSigningSession(models.Model):
    _name = "moh.signing.session"
    _description = "Signing Session (own token)"

    document_id = fields.Many2one("moh.outgoing.document", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", required=True, default=lambda self: self.env.user)
    state = fields.Binary(attachment=False, required=True)
    token = fields.Char(required=True, index=True)

    @api.autovacuum
    def _gc_expired(self):
        self.search([("create_date", "<", fields.Datetime.now() - SESSION_LIFETIME)]).unlink()

    def _moh_check_usable(self):
        self.ensure_one()
        if self.user_id != self.env.user:
            raise AccessError(self.env._("This signature was prepared for somebody else."))
        if self.create_date < fields.Datetime.now() - SESSION_LIFETIME:
            raise UserError(self.env._("The prepared signature expired: start again."))
        return base64.b64decode(self.state)
