from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    moh_dossier_ids = fields.Many2many(
        "moh.dossier", "moh_dossier_transaction_rel", "transaction_id", "dossier_id", string="Dossiers", readonly=True
    )

    def _set_done(self, **kwargs):
        done = super()._set_done(**kwargs)
        for transaction in done:
            transaction.moh_dossier_ids._moh_payment_done(transaction)
        return done
