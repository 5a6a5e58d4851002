"""Public holidays of the statutory calendar are the e-office administrator's.

Every statutory deadline is counted on the agency's calendar: a day off added to it (a global
leave, i.e. without a resource) moves every deadline after it. Odoo lets each employee create and
edit time off of their own resource; without this check they could then clear its resource and
make it a day off of the whole calendar.
"""

from odoo import api, models
from odoo.exceptions import AccessError


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    def _moh_check_statutory_days_off(self):
        """Refuse when one of these leaves is a day off of a company's statutory calendar, unless
        the user is the e-office administrator."""
        if self.env.su or self.env.user.has_group("moh_documents.group_moh_admin"):
            return
        calendars = self.env["resource.calendar"]
        for company in self.env["res.company"].sudo().search([]):
            calendars |= company._moh_calendar()
        if any(not leave.resource_id and leave.calendar_id in calendars for leave in self.sudo()):
            raise AccessError(self.env._(
                "Only the e-office administrator changes the public holidays of the statutory working calendar."))

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
