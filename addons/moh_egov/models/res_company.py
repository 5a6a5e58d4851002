import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    moh_handover_cutoff = fields.Float(
        string="Paper Dossiers: Same-Day Hand-over Until",
        default=15.0,
        help="Decree 118/2025/ND-CP, Art. 18.2: a dossier received on paper (at the counter or by post) is handed "
        "over to the competent body the same working day, or at the start of the next working day when "
        "received after this hour (15:00 in the article). A hand-over due time only: the statutory "
        "processing time is not changed.",
    )

    @api.constrains("moh_handover_cutoff")
    def _check_moh_handover_cutoff(self):
        for company in self:
            if not 0 <= company.moh_handover_cutoff < 24:
                raise ValidationError(
                    self.env._("The hand-over cut-off is an hour of the day, between 00:00 and 23:59.")
                )

    def _moh_handover_cutoff_time(self):
        """The cut-off as a time of day (moh_core.onestop.intake.handover_due)."""
        self.ensure_one()
        minutes = round((self.moh_handover_cutoff or 0.0) * 60)
        return dt.time(min(minutes // 60, 23), minutes % 60)
