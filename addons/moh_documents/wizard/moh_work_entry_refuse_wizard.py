from odoo import fields, models


class MohWorkEntryRefuseWizard(models.TransientModel):
    """The Ministry Office's dialog to refuse a proposed work calendar entry: it only collects
    the reason and calls the entry's step, where the rules live (calendar.event.action_refuse).
    A user confirms only their own dialogs (record rule)."""

    _name = "moh.work.entry.refuse.wizard"
    _description = "Refuse a Work Calendar Entry"

    event_id = fields.Many2one("calendar.event", string="Entry", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="Told to the proposing unit in the entry's chatter.")

    def action_confirm(self):
        """Refuse the entry as the current user: its step checks who they are."""
        self.ensure_one()
        self.check_access("write")
        self.event_id.action_refuse(self.reason)
        return {"type": "ir.actions.act_window_close"}
