"""Public holidays of the statutory calendar are the e-office administrator's.

A public holiday is data entered from the government's notice of the year (its number and date in
``moh_source``): it is *official*. The ``holidays`` library only proposes the days of a year no
notice covers yet: those are *provisional*, shown as such, until the administrator confirms them
from the notice (or deletes them; the seeding job never adds them back).

Every statutory deadline is counted on the agency's calendar: a day off added to it (a global
leave, i.e. without a resource) moves every deadline after it. Odoo lets each employee create and
edit time off of their own resource; without this check they could then clear its resource and
make it a day off of the whole calendar.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

#: Where a day off or a day worked of the statutory calendar comes from.
HOLIDAY_STATES = [
    ("official", "Official"),
    ("provisional", "Provisional"),
]
HOLIDAY_STATE_HELP = (
    "Official: entered from the government's notice of the year. Provisional: proposed by "
    "the holidays library for a year no notice covers yet; confirm it from the notice or "
    "delete it."
)
HOLIDAY_SOURCE_HELP = (
    "The notice that sets this day, with its number and date (e.g. 10065/VPCP-KGVX of 2 October 2026)."
)


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    moh_state = fields.Selection(
        HOLIDAY_STATES, string="Status", required=True, default="official", help=HOLIDAY_STATE_HELP
    )
    moh_source = fields.Char(string="Legal Source", help=HOLIDAY_SOURCE_HELP)

    @api.depends("name", "moh_state")
    def _compute_display_name(self):
        res = super()._compute_display_name()
        for leave in self.filtered(lambda leave: leave.moh_state == "provisional" and not leave.resource_id):
            leave.display_name = self.env._("%(name)s (provisional)", name=leave.display_name or "")
        return res

    def _moh_check_statutory_days_off(self):
        """Refuse when one of these leaves is a day off of a company's statutory calendar, unless
        the user is the e-office administrator."""
        if self.env.su or self.env.user.has_group("moh_documents.group_moh_admin"):
            return
        calendars = self.env["resource.calendar"]
        for company in self.env["res.company"].sudo().search([]):
            calendars |= company._moh_calendar()
        if any(not leave.resource_id and leave.calendar_id in calendars for leave in self.sudo()):
            raise AccessError(
                self.env._(
                    "Only the e-office administrator changes the public holidays of the statutory working calendar."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        leaves._moh_check_statutory_days_off()
        return leaves

    def write(self, vals):
        self._moh_check_statutory_days_off()
        result = super().write(vals)
        self._moh_check_statutory_days_off()
        return result

    def unlink(self):
        self._moh_check_statutory_days_off()
        return super().unlink()
