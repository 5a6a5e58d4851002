"""A signature being made on the signer's own token (interrupted signing).

The server prepares the document and the bytes to sign, the signer's local signing software
signs them on the token, and the server embeds the signature (moh_core.signatures.interrupted's
prepare_interrupted / finish_interrupted). Between the two, the prepared state stays here, on
the server: a copy coming back from the client is never trusted.

Sessions are reached through the signing code only (no user has rights on this model): a
session is its signer's alone, it is found by the hash of its token (the token itself is never
stored), and it expires.
"""

import base64
import datetime
import hashlib
import secrets

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
    token_hash = fields.Char(required=True, index=True, help="SHA-256 of the token given to the signer.")

    @api.autovacuum
    def _gc_expired(self):
        self.sudo().search([("create_date", "<", fields.Datetime.now() - SESSION_LIFETIME)]).unlink()

    @staticmethod
    def _moh_hash(token):
        return hashlib.sha256((token or "").encode()).hexdigest()

    @api.model
    def _moh_open(self, document, state):
        """A new session of the current user for ``document``; returns its token. An earlier
        unfinished session of the same user for the same document ends."""
        Session = self.sudo()
        Session.search([("document_id", "=", document.id), ("user_id", "=", self.env.uid)]).unlink()
        token = secrets.token_urlsafe(32)
        Session.create(
            {
                "document_id": document.id,
                "user_id": self.env.uid,
                "state": base64.b64encode(state),
                "token_hash": self._moh_hash(token),
            }
        )
        return token

    @api.model
    def _moh_find(self, token):
        """The current user's session with this token (another user's is never found)."""
        if not isinstance(token, str) or not token:
            return self.sudo().browse()
        return self.sudo().search([("token_hash", "=", self._moh_hash(token)), ("user_id", "=", self.env.uid)], limit=1)

    def _moh_check_usable(self):
        self.ensure_one()
        if self.user_id != self.env.user:
            raise AccessError(self.env._("This signature was prepared for somebody else."))
        if self.create_date < fields.Datetime.now() - SESSION_LIFETIME:
            raise UserError(self.env._("The prepared signature expired: start again."))
        return base64.b64decode(self.state)
