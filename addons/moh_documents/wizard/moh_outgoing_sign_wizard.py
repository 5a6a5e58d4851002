from odoo import fields, models


class MohOutgoingSignWizard(models.TransientModel):
    """Asks the signer for their key's password; signs one document with it at once, or several
    in the background (moh.signing.batch: the key stays open in this server process only).

    The password is never stored, not even in this wizard's row: the field is not stored (as
    res.users.identitycheck's), and the Sign button passes what was typed in its context
    (``moh_password``), for this call only.
    """

    _name = "moh.outgoing.sign.wizard"
    _description = "Sign Documents"

    document_ids = fields.Many2many("moh.outgoing.document", string="Documents", required=True)
    password = fields.Char(
        store=False,
        help="The password of your PKCS#12 key, or your remote credential's PIN if the service asks one. It is "
        "used for this signing only and never stored.",
    )
    remote = fields.Boolean(
        string="Remote Signing", compute="_compute_remote", help="Your key is at a remote signing service."
    )

    def _compute_remote(self):
        key = (
            self.env["moh.signing.key"]
            .sudo()
            .search([("usage", "=", "personal"), ("user_id", "=", self.env.uid)], limit=1)
        )
        for wizard in self:
            wizard.remote = key.kind == "csc"

    def init(self):
        # Earlier versions stored the field: whatever a row may still hold goes with its column.
        self.env.cr.execute(f'ALTER TABLE "{self._table}" DROP COLUMN IF EXISTS password')

    def action_sign(self):
        self.ensure_one()
        context = dict(self.env.context)
        password = context.pop("moh_password", None) or self.password
        # Nothing further down (messages, activities, jobs) carries the password on.
        documents = self.document_ids.with_context(context)  # pylint: disable=context-overridden  # the whole context, less the password, on purpose
        if len(documents) == 1:
            documents.action_sign(password)
            return {"type": "ir.actions.act_window_close"}
        return documents.env["moh.signing.batch"].action_start(documents.ids, password)
