"""Statutory working days on a resource.calendar.

Weekly attendances give the working weekdays and office hours, global leaves give the public
holidays (seeded from the ``holidays`` library, editable by an administrator), and
moh.compensatory.workday gives the weekend days the government declares worked. The counting
itself is moh_core.calendar's, so the same rules hold with or without Odoo.
"""

import datetime as dt
import logging

import pytz

from odoo import api, fields, models

from moh_core.calendar import (
    WorkingCalendar,
    vietnam_compensatory_workdays,
    vietnam_public_holidays,
)

_logger = logging.getLogger(__name__)


def _float_to_time(hours):
    minutes = round(hours * 60)
    return dt.time(min(minutes // 60, 23), minutes % 60) if minutes < 24 * 60 else dt.time(23, 59, 59)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    moh_compensatory_workday_ids = fields.One2many(
        "moh.compensatory.workday", "calendar_id", string="Compensatory Working Days",
    )

    # -- the calendar as moh_core sees it -------------------------------------------------------

    def _moh_tz(self):
        return pytz.timezone(self.tz or "Asia/Ho_Chi_Minh")

    def _moh_working_calendar(self):
        """This calendar as a moh_core WorkingCalendar (days off, days worked, office hours)."""
        self.ensure_one()
        attendances = self.attendance_ids.filtered(
            lambda a: not a.display_type and a.day_period != "lunch"
        )
        weekdays = frozenset(int(a.dayofweek) for a in attendances)
        first_day = min(weekdays, default=0)
        intervals = tuple(sorted(
            (_float_to_time(a.hour_from), _float_to_time(a.hour_to))
            for a in attendances if int(a.dayofweek) == first_day and a.hour_to > a.hour_from
        ))
        tz = self._moh_tz()
        day_start = intervals[0][0] if intervals else dt.time(8)
        day_end = intervals[-1][1] if intervals else dt.time(17)
        holidays = set()
        for leave in self.global_leave_ids:
            local_from = pytz.utc.localize(leave.date_from).astimezone(tz).replace(tzinfo=None)
            local_to = pytz.utc.localize(leave.date_to).astimezone(tz).replace(tzinfo=None)
            day = local_from.date()
            while day <= local_to.date():
                # A day counts as off when the leave covers its whole office time.
                if local_from <= dt.datetime.combine(day, day_start) and local_to >= dt.datetime.combine(day, day_end):
                    holidays.add(day)
                day += dt.timedelta(days=1)
        return WorkingCalendar.from_dates(
            holidays,
            self.moh_compensatory_workday_ids.mapped("date"),
            weekdays=weekdays,
            **({"day_intervals": intervals} if intervals else {}),
        )

    # Server-side helpers (deadlines, indicators): not callable over RPC (``api.private``).

    @api.private
    def moh_add_working_days(self, start, days):
        """The ``days``-th working day after the date ``start``."""
        return self._moh_working_calendar().add_working_days(fields.Date.to_date(start), days)

    @api.private
    def moh_working_days_between(self, start, end):
        """Working days after ``start`` up to and including ``end`` (dates)."""
        return self._moh_working_calendar().working_days_between(
            fields.Date.to_date(start), fields.Date.to_date(end))

    @api.private
    def moh_is_working_day(self, day):
        return self._moh_working_calendar().is_working_day(fields.Date.to_date(day))

    # -- seeding from the holidays library ------------------------------------------------------

    def _moh_seed_public_holidays(self, years):
        """Add Vietnam's public holidays and compensatory working days for ``years``.

        Idempotent, and it never overrides an administrator: a day already covered by a global
        leave, or a compensatory day already recorded, is left alone; days removed by hand for a
        year already seeded are not added back unless that year is seeded anew.
        """
        Leave = self.env["resource.calendar.leaves"].sudo()
        Workday = self.env["moh.compensatory.workday"].sudo()
        names = vietnam_public_holidays(years, language="vi")
        workdays = vietnam_compensatory_workdays(years)
        for calendar in self:
            tz = calendar._moh_tz()
            existing = calendar._moh_working_calendar()
            leave_vals = []
            for day, name in names.items():
                if day in existing.holidays:
                    continue
                start = tz.localize(dt.datetime.combine(day, dt.time.min))
                end = tz.localize(dt.datetime.combine(day, dt.time(23, 59, 59)))
                leave_vals.append({
                    "name": name,
                    "calendar_id": calendar.id,
                    "company_id": calendar.company_id.id,
                    "date_from": start.astimezone(pytz.utc).replace(tzinfo=None),
                    "date_to": end.astimezone(pytz.utc).replace(tzinfo=None),
                    "time_type": "leave",
                })
            Leave.create(leave_vals)
            Workday.create([
                {"name": self.env._("Compensatory working day"), "date": day, "calendar_id": calendar.id}
                for day in sorted(workdays - existing.extra_working_days)
            ])
            _logger.info(
                "Calendar %s: %d public holidays and %d compensatory working days added for %s",
                calendar.display_name, len(leave_vals), len(workdays - existing.extra_working_days),
                ", ".join(map(str, sorted(years))),
            )
        return True

    @api.model
    def _cron_moh_seed_public_holidays(self):
        """Keep the statutory calendars seeded for this year and the next two."""
        year = fields.Date.context_today(self).year
        calendars = self.env["res.company"].sudo().search([]).mapped("moh_calendar_id")
        calendars._moh_seed_public_holidays(range(year, year + 3))
