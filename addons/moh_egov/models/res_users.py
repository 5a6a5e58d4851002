from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    moh_api_procedure_ids = fields.Many2many(
        "moh.procedure",
        "moh_procedure_api_user_rel",
        "user_id",
        "procedure_id",
        string="Procedures Followed (Partner API)",
        groups="base.group_system",
        help="A partner system's user is told, through the partner API, the status of the filed "
        "dossiers of these procedures only (none when empty).",
    )

    # -- landing ----------------------------------------------------------------------------------
    def _moh_landing_rules(self):
        """A one-stop officer lands on the dossier queue (after the ministry's leaders, before
        department heads, specialists and clerks)."""
        return [*super()._moh_landing_rules(), (20, "moh_egov.group_onestop", ("moh_egov.action_moh_dossier",))]
