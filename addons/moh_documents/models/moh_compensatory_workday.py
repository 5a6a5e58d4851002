from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .resource_calendar_leaves import HOLIDAY_SOURCE_HELP, HOLIDAY_STATE_HELP, HOLIDAY_STATES


class MohCompensatoryWorkday(models.Model):
    """A weekend day the government declares worked to bridge a holiday (ngày làm bù).

    The day off it pays for is an ordinary public holiday (a global leave of the calendar); the
    worked day cannot be expressed by resource.calendar's weekly attendances, hence this model.
    Like the holidays, it is official when entered from the government's notice, provisional
    when proposed by the holidays library.
    """

    _name = "moh.compensatory.workday"
    _description = "Compensatory Working Day"
    _order = "date desc"

    name = fields.Char(string="Reason", required=True, translate=True)
    date = fields.Date(required=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    state = fields.Selection(
        HOLIDAY_STATES, string="Status", required=True, default="official", help=HOLIDAY_STATE_HELP
    )
    source = fields.Char(string="Legal Source", help=HOLIDAY_SOURCE_HELP)

    _date_calendar_unique = models.Constraint(
        "UNIQUE(calendar_id, date)",
        "This day is already a compensatory working day of this calendar.",
    )

    @api.constrains("date", "calendar_id")
    def _check_date_is_off(self):
        for workday in self:
            weekdays = {int(a.dayofweek) for a in workday.calendar_id.attendance_ids}
            if workday.date.weekday() in weekdays:
                raise ValidationError(
                    self.env._(
                        "%(date)s is already a working day of %(calendar)s: only a day that is "
                        "normally off can be declared worked.",
                        date=workday.date,
                        calendar=workday.calendar_id.display_name,
                    )
                )
