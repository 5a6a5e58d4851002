from odoo import fields, models


class MohSigningBatchResume(models.TransientModel):
    """Asks the signer for their key's password again to resume a signing batch after a restart.
    As in the sign dialog, the password is never stored: the field is not stored and the button
    passes what was typed in its context (``moh_password``), for this call only."""

    _name = "moh.signing.batch.resume"
    _description = "Resume Signing"

    batch_id = fields.Many2one(
        "moh.signing.batch", required=True, default=lambda self: self.env.context.get("active_id"), ondelete="cascade"
    )
    password = fields.Char(store=False, help="The password of your signing key. It is used for this batch only.")

    def action_resume(self):
        self.ensure_one()
        context = dict(self.env.context)
        password = context.pop("moh_password", None) or self.password
        batch = self.batch_id.with_context(context)  # pylint: disable=context-overridden  # the whole context, less the password, on purpose
        batch.action_resume(password)
        return batch._moh_form_action()
