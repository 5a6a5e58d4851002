from odoo import fields, models


class MohSigningKeyTokenWizard(models.TransientModel):
    """The owner of a remote signing key gives it a new access token (their bearer token at the
    service). As the sign dialog's password, the token is never stored in this dialog's row: the
    field is not stored, and the Save button passes what was typed in its context
    (``moh_token``) to ``moh.signing.key.action_set_remote_token``."""

    _name = "moh.signing.key.token.wizard"
    _description = "Set Remote Signing Access Token"

    key_id = fields.Many2one("moh.signing.key", string="Signing Key", required=True, ondelete="cascade")
    token = fields.Char(
        string="Access Token", store=False, help="Used to reach your key at the service; never shown again."
    )

    def action_save(self):
        self.ensure_one()
        context = dict(self.env.context)
        token = context.pop("moh_token", None) or self.token
        self.key_id.with_context(context).action_set_remote_token(token)  # pylint: disable=context-overridden  # the context, less the token, on purpose
        return {"type": "ir.actions.act_window_close"}
