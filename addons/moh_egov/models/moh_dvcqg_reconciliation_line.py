"""One dossier whose copy on the national portal is missing or differs from the product's."""

from odoo import fields, models

from .moh_dvcqg_reconciliation import _check_admin

DIFFERENCES = [
    ("missing", "Missing on the National Portal"),
    ("different", "Different"),
    ("error", "Cannot Be Mapped"),
]


class MohDvcqgReconciliationLine(models.Model):
    _name = "moh.dvcqg.reconciliation.line"
    _description = "National Portal Reconciliation Line"
    _order = "reconciliation_id, id"

    reconciliation_id = fields.Many2one("moh.dvcqg.reconciliation", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="reconciliation_id.company_id", store=True)
    dossier_id = fields.Many2one("moh.dossier", required=True, ondelete="cascade")
    dossier_code = fields.Char(related="dossier_id.code", string="Dossier Code")
    difference = fields.Selection(DIFFERENCES, required=True)
    details = fields.Char(help="Each differing field: the product's value / the national portal's.")
    product_status = fields.Char(string="Status (Product)")
    portal_status = fields.Char(string="Status (National Portal)")
    product_received = fields.Char(string="Received (Product)")
    portal_received = fields.Char(string="Received (National Portal)")
    product_due = fields.Char(string="Due (Product)")
    portal_due = fields.Char(string="Due (National Portal)")
    product_returned = fields.Char(string="Returned (Product)")
    portal_returned = fields.Char(string="Returned (National Portal)")
    resent_at = fields.Datetime(string="Resent", readonly=True)
    message_id = fields.Many2one("moh.exchange.message", string="Queued Message", readonly=True)

    def action_resend(self):
        """Queue the dossier's synchronisation with the national portal again (the usual
        dvcqg_sync message); a dossier missing there is inserted anew."""
        _check_admin(self.env)
        for line in self:
            dossier = line.dossier_id.sudo()
            peer = line.reconciliation_id.peer_id or self.env["moh.exchange.peer"]._moh_portal(dossier.company_id)
            if line.difference == "missing":
                dossier.dvcqg_synced_at = False  # ask TraCuuHoSo again: insert when not there
            message = dossier._moh_dvcqg_queue(peer)
            line.sudo().write({"resent_at": fields.Datetime.now(), "message_id": message.id})
        return True
