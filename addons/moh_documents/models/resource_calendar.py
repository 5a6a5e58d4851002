"""Statutory working days on a resource.calendar.

Weekly attendances give the working weekdays and office hours, global leaves give the public
holidays, and moh.compensatory.workday gives the weekend days the government declares worked.
Holidays and worked days are data entered by the e-office administrator from each year's
government notice (official, with the notice's number; the module ships those of the notices it
knows); the ``holidays`` library only proposes, as provisional, the days of years no notice
covers, once per year and calendar: a day the administrator deleted is never proposed again.
The counting itself is moh_core.calendar's, so the same rules hold with or without Odoo.
"""

import datetime as dt
import logging

import pytz
from odoo import api, fields, models, tools
from odoo.tools import SQL

from moh_core.calendar import (
    WorkingCalendar,
    provisional_proposals,
    vietnam_compensatory_workdays,
    vietnam_public_holidays,
)

#: The legal source written on the days the holidays library proposes.
LIBRARY_SOURCE = "holidays library (Labour Code 2019, Art. 112): provisional, not a government notice"

_logger = logging.getLogger(__name__)


def _float_to_time(hours):
    minutes = round(hours * 60)
    return dt.time(min(minutes // 60, 23), minutes % 60) if minutes < 24 * 60 else dt.time(23, 59, 59)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    moh_compensatory_workday_ids = fields.One2many(
        "moh.compensatory.workday",
        "calendar_id",
        string="Compensatory Working Days",
    )
    moh_seeded_years = fields.Char(
        string="Years Proposed by the Holidays Library",
        readonly=True,
        copy=False,
        help="Years for which the holidays library has proposed its provisional days on this calendar, "
        "once: the days deleted since are not proposed again.",
    )

    # -- the calendar as moh_core sees it -------------------------------------------------------

    def _moh_tz(self):
        return pytz.timezone(self.tz or "Asia/Ho_Chi_Minh")

    def _moh_working_calendar(self):
        """This calendar as a moh_core WorkingCalendar (days off, days worked, office hours).

        Built once per content of the calendar and kept (the lists compute their rows' deadline
        state with it at each request): the key is a digest of the calendar's time zone, office
        hours, global leaves and worked days, so any change builds it again."""
        self.ensure_one()
        for model in ("resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves"):
            self.env[model].flush_model()
        self.env["moh.compensatory.workday"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT c.tz,
                          (SELECT md5(string_agg(concat_ws(',', a.dayofweek, a.hour_from, a.hour_to, a.display_type,
                                                           a.day_period), ';' ORDER BY a.id))
                             FROM resource_calendar_attendance a WHERE a.calendar_id = c.id),
                          (SELECT md5(string_agg(concat_ws(',', l.date_from, l.date_to), ';' ORDER BY l.id))
                             FROM resource_calendar_leaves l WHERE l.calendar_id = c.id AND l.resource_id IS NULL),
                          (SELECT md5(string_agg(w.date::text, ';' ORDER BY w.id))
                             FROM moh_compensatory_workday w WHERE w.calendar_id = c.id)
                     FROM resource_calendar c WHERE c.id = %s""",
                self.id,
            )
        )
        version = self.env.cr.fetchone()
        return self.sudo()._moh_working_calendar_of(self.id, version)

    @api.model
    @tools.ormcache("calendar_id", "version")
    def _moh_working_calendar_of(self, calendar_id, version):
        return self.browse(calendar_id)._moh_build_working_calendar()

    def _moh_build_working_calendar(self):
        self.ensure_one()
        attendances = self.attendance_ids.filtered(lambda a: not a.display_type and a.day_period != "lunch")
        weekdays = frozenset(int(a.dayofweek) for a in attendances)
        first_day = min(weekdays, default=0)
        intervals = tuple(
            sorted(
                (_float_to_time(a.hour_from), _float_to_time(a.hour_to))
                for a in attendances
                if int(a.dayofweek) == first_day and a.hour_to > a.hour_from
            )
        )
        day_start = intervals[0][0] if intervals else dt.time(8)
        day_end = intervals[-1][1] if intervals else dt.time(17)
        return WorkingCalendar.from_dates(
            self._moh_days_off(self.global_leave_ids, day_start, day_end),
            self.moh_compensatory_workday_ids.mapped("date"),
            weekdays=weekdays,
            **({"day_intervals": intervals} if intervals else {}),
        )

    def _moh_days_off(self, leaves, day_start, day_end):
        """The days ``leaves`` keep off from ``day_start`` to ``day_end`` (local times)."""
        tz = self._moh_tz()
        holidays = set()
        for leave in leaves:
            local_from = pytz.utc.localize(leave.date_from).astimezone(tz).replace(tzinfo=None)
            local_to = pytz.utc.localize(leave.date_to).astimezone(tz).replace(tzinfo=None)
            day = local_from.date()
            while day <= local_to.date():
                # A day counts as off when the leave covers its whole office time.
                if local_from <= dt.datetime.combine(day, day_start) and local_to >= dt.datetime.combine(day, day_end):
                    holidays.add(day)
                day += dt.timedelta(days=1)
        return holidays

    # Server-side helpers (deadlines, indicators): not callable over RPC (``api.private``).

    @api.private
    def moh_add_working_days(self, start, days):
        """The ``days``-th working day after the date ``start``."""
        return self._moh_working_calendar().add_working_days(fields.Date.to_date(start), days)

    @api.private
    def moh_working_days_between(self, start, end):
        """Working days after ``start`` up to and including ``end`` (dates)."""
        return self._moh_working_calendar().working_days_between(fields.Date.to_date(start), fields.Date.to_date(end))

    @api.private
    def moh_is_working_day(self, day):
        return self._moh_working_calendar().is_working_day(fields.Date.to_date(day))

    # -- seeding from the holidays library ------------------------------------------------------

    def _moh_seeded_years(self):
        return {int(year) for year in (self.moh_seeded_years or "").split(",") if year.strip().isdigit()}

    def _moh_seed_public_holidays(self, years):
        """Propose, as provisional, the public holidays and compensatory working days of the
        ``holidays`` library for ``years``.

        Once per year and calendar: a year already proposed is skipped, so a day the
        administrator deleted is never added back (to have a year proposed anew, remove it from
        the calendar's proposed years). Near an official day (from a notice) nothing is proposed:
        the notice rules that holiday (moh_core.calendar.provisional_proposals). A day already
        off, or already worked, is left alone.
        """
        Leave = self.env["resource.calendar.leaves"].sudo()
        Workday = self.env["moh.compensatory.workday"].sudo()
        for calendar in self:
            todo = sorted(set(years) - calendar._moh_seeded_years())
            if not todo:
                continue
            names = vietnam_public_holidays(todo, language="vi")
            workdays = vietnam_compensatory_workdays(todo)
            tz = calendar._moh_tz()
            existing = calendar._moh_working_calendar()
            official_leaves = calendar.global_leave_ids.filtered(lambda leave: leave.moh_state == "official")
            official = calendar._moh_days_off(
                official_leaves, existing.day_intervals[0][0], existing.day_intervals[-1][1]
            )
            official |= set(
                calendar.moh_compensatory_workday_ids.filtered(lambda day: day.state == "official").mapped("date")
            )
            leave_vals = []
            for day in provisional_proposals(names, official):
                if day in existing.holidays:
                    continue
                start = tz.localize(dt.datetime.combine(day, dt.time.min))
                end = tz.localize(dt.datetime.combine(day, dt.time(23, 59, 59)))
                leave_vals.append(
                    {
                        "name": names[day],
                        "calendar_id": calendar.id,
                        "company_id": calendar.company_id.id,
                        "date_from": start.astimezone(pytz.utc).replace(tzinfo=None),
                        "date_to": end.astimezone(pytz.utc).replace(tzinfo=None),
                        "time_type": "leave",
                        "moh_state": "provisional",
                        "moh_source": LIBRARY_SOURCE,
                    }
                )
            Leave.create(leave_vals)
            # A swapped day is worked up to a fortnight from the break it pays for.
            new_workdays = [
                day
                for day in provisional_proposals(workdays, official, window_days=14)
                if day not in existing.extra_working_days
            ]
            Workday.create(
                [
                    {
                        "name": self.env._("Compensatory working day"),
                        "date": day,
                        "calendar_id": calendar.id,
                        "state": "provisional",
                        "source": LIBRARY_SOURCE,
                    }
                    for day in new_workdays
                ]
            )
            calendar.sudo().moh_seeded_years = ",".join(map(str, sorted(calendar._moh_seeded_years() | set(todo))))
            _logger.info(
                "Calendar %s: %d provisional public holidays and %d compensatory working days proposed for %s",
                calendar.display_name,
                len(leave_vals),
                len(new_workdays),
                ", ".join(map(str, todo)),
            )
        return True

    @api.model
    def _moh_adopt_library_days(self):
        """Databases seeded before official and provisional days existed: their days off and
        days worked without a legal source that are the library's (same day, same name) become
        provisional, and the years of the calendar count as proposed (a day deleted there is not
        added back).
        Run at every update of the module; a calendar with proposed years is left alone."""
        calendars = self.env["res.company"].sudo().search([]).mapped("moh_calendar_id")
        for calendar in calendars.filtered(lambda calendar: not calendar.moh_seeded_years):
            tz = calendar._moh_tz()

            def local_day(leave):
                return pytz.utc.localize(leave.date_from).astimezone(tz).date()

            leaves = calendar.global_leave_ids.filtered(lambda leave: not leave.moh_source)
            years = {local_day(leave).year for leave in leaves} | {
                day.date.year for day in calendar.moh_compensatory_workday_ids
            }
            if not years:
                continue
            names = vietnam_public_holidays(years, language="vi")
            library_workdays = vietnam_compensatory_workdays(years)
            # Only what the library itself gave (same day, same name) is adopted as provisional.
            leaves.filtered(lambda leave: names.get(local_day(leave)) == leave.name).write(
                {"moh_state": "provisional", "moh_source": LIBRARY_SOURCE}
            )
            calendar.moh_compensatory_workday_ids.filtered(
                lambda day: not day.source and day.date in library_workdays
            ).write({"state": "provisional", "source": LIBRARY_SOURCE})
            calendar.moh_seeded_years = ",".join(map(str, sorted(years)))
        return True

    @api.model
    def _cron_moh_seed_public_holidays(self):
        """Keep the statutory calendars seeded for this year and the next two."""
        year = fields.Date.context_today(self).year
        calendars = self.env["res.company"].sudo().search([]).mapped("moh_calendar_id")
        calendars._moh_seed_public_holidays(range(year, year + 3))
