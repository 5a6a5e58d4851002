from odoo import api, fields, models


class MohDvcqgLateRefund(models.TransientModel):
    """Asks how a payment made on the national payment platform after it was closed here was
    refunded, and records it (payment.transaction._moh_dvcqg_late_refund): no money moves in the
    product, the note says where it did."""

    _name = "moh.dvcqg.late.refund"
    _description = "Refund of a Payment Made After Closing"

    transaction_id = fields.Many2one("payment.transaction", required=True, readonly=True, ondelete="cascade")
    payment = fields.Char(compute="_compute_payment", compute_sudo=True)
    note = fields.Text(
        string="Refund",
        required=True,
        help="How and when the money was given back to the payer, e.g. the platform's refund reference.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Only for a payment the caller may decide on (payment.transaction._moh_dvcqg_late_check:
        role, the dossier readable, a late payment not decided yet)."""
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard.transaction_id._moh_dvcqg_late_check()
        return wizards

    @api.depends("transaction_id")
    def _compute_payment(self):
        for wizard in self:
            tx = wizard.transaction_id
            wizard.payment = self.env._(
                "%(reference)s: %(amount)s %(currency)s, platform transaction %(platform)s",
                reference=tx.reference or "",
                amount=round(tx.amount),
                currency=tx.currency_id.name or "",
                platform=tx.moh_dvcqg_late_reference or "-",
            )

    def action_confirm(self):
        """Record the refund as the caller: the step checks the caller's role, the dossier and the
        payment before anything changes."""
        self.ensure_one()
        self.transaction_id._moh_dvcqg_late_refund(self.note)
        return {"type": "ir.actions.act_window_close"}
