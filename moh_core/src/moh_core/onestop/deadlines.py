"""One-stop shop deadlines, in days and hours of a :class:`~moh_core.calendar.WorkingCalendar`.

Rules implemented (Decree 118/2025/NĐ-CP on the one-stop shop for administrative procedures,
in force 1 July 2025):

* **Acceptance of an online dossier** (Art. 17.2.c): accepted, or sent back for supplements,
  within 8 working hours of submission (:func:`acceptance_deadline`).
* **Processing time** (Art. 17.3): counted in working days from acceptance of the complete,
  valid dossier (form 01); the day of acceptance is not counted (:func:`due_date`). A procedure
  whose own text sets its time limit in days counts calendar days, a period ending on a day off
  ending on the next working day (Civil Code 2015, Art. 148.5).
* **Supplements**: every defect is listed at once (Art. 17.2.a); the processing time then
  restarts *from zero* on the day the completed dossier arrives — it does not pause and resume.
  A time limit to ask (N working days of the dossier's receipt, :func:`supplement_request_deadline`),
  "once only" and closing a dossier not completed within N days of the request
  (:func:`supplement_completion_deadline`) are found in no legal text read: parameters of each
  procedure, off by default.
* **Late results** (form 04 of Circular 03/2025/TT-VPCP; the article, "one working day before" and
  "once only" are to be verified): the agency sends an apology with the reason and a proposed new
  date, a working day, by the working day before the deadline (:func:`apology_deadline`); the
  deadline is extended once only.

:class:`~moh_core.onestop.clock.DossierClock` applies these rules to a dossier's history;
:func:`step_due` gives a step of the process control slip (form 06) its share of the time.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from moh_core.calendar import WorkingCalendar
from moh_core.onestop.problems import OneStopError, OneStopProblem

__all__ = [
    "ACCEPTANCE_HOURS",
    "SUPPLEMENT_COMPLETION_DAYS",
    "SUPPLEMENT_REQUEST_DAYS",
    "DayUnit",
    "Outcome",
    "acceptance_deadline",
    "apology_deadline",
    "check_count",
    "classify_completion",
    "due_date",
    "step_due",
    "supplement_completion_deadline",
    "supplement_request_deadline",
]

#: Working hours to accept or send back an online dossier (Art. 17.2.c).
ACCEPTANCE_HOURS = 8
#: Working days from receipt within which a supplement may be requested: no legal text found; the
#: clock's default when a caller names none (each procedure sets its own, off by default).
SUPPLEMENT_REQUEST_DAYS = 3
#: Working days within which a requested supplement must arrive, or the dossier is closed: no legal
#: text found; the clock's default when a caller names none (each procedure's, off by default).
SUPPLEMENT_COMPLETION_DAYS = 15


class DayUnit(StrEnum):
    """How a period in days is counted."""

    WORKING = "working"
    """Working days of the calendar; the start day is not counted."""
    CALENDAR = "calendar"
    """Calendar days; a period ending on a day off ends on the next working day
    (Civil Code 2015, Art. 148)."""


class Outcome(StrEnum):
    """When a result was returned, compared with the deadline (equal to the plain strings)."""

    EARLY = "early"
    """Before the deadline day."""
    ON_TIME = "on_time"
    """On the deadline day."""
    LATE = "late"
    """After the deadline day."""


def _day(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def check_count(value: float) -> None:
    if value < 0:
        raise OneStopError(OneStopProblem.INVALID_DAYS, f"{value}")


def acceptance_deadline(
    cal: WorkingCalendar, submitted_at: dt.datetime, hours: float = ACCEPTANCE_HOURS
) -> dt.datetime:
    """When an online dossier submitted at ``submitted_at`` must be accepted or sent back.

    Counted in the calendar's office hours: a dossier submitted in the evening or at a weekend
    starts its 8 hours at the next opening, and the lunch break does not count.
    """
    check_count(hours)
    return cal.add_working_hours(submitted_at, hours)


def supplement_request_deadline(
    cal: WorkingCalendar,
    submitted_at: dt.date | dt.datetime,
    days: int = SUPPLEMENT_REQUEST_DAYS,
) -> dt.date:
    """The last day to ask for a supplement: the ``days``-th working day after receipt."""
    check_count(days)
    return cal.add_working_days(_day(submitted_at), days)


def supplement_completion_deadline(
    cal: WorkingCalendar,
    requested_at: dt.date | dt.datetime,
    days: int = SUPPLEMENT_COMPLETION_DAYS,
    unit: DayUnit = DayUnit.WORKING,
) -> dt.date:
    """The last day for the completed dossier to arrive; past it the dossier is closed.

    ``unit`` says how the days count: working days by default, or calendar days, the period then
    ending on the next working day when its last day is a day off.
    """
    check_count(days)
    start = _day(requested_at)
    if DayUnit(unit) is DayUnit.WORKING:
        return cal.add_working_days(start, days)
    end = start + dt.timedelta(days=days)
    return end if cal.is_working_day(end) else cal.next_working_day(end)


def due_date(
    cal: WorkingCalendar,
    received_on: dt.date,
    processing_days: int,
    unit: DayUnit = DayUnit.WORKING,
) -> dt.date:
    """The day the result is due: ``processing_days`` after receipt of the complete dossier, the
    day of receipt not counted (0 days: the same day).

    ``unit`` is the procedure's: working days (Art. 17.3, the default), or calendar days when the
    procedure's own text sets its time limit in days without saying working days; weekends and
    holidays then count, and a period ending on a day off ends on the next working day (Civil
    Code 2015, Art. 148.5).
    """
    check_count(processing_days)
    start = _day(received_on)
    if DayUnit(unit) is DayUnit.WORKING:
        return cal.add_working_days(start, processing_days)
    end = start + dt.timedelta(days=processing_days)
    return end if processing_days == 0 or cal.is_working_day(end) else cal.next_working_day(end)


def classify_completion(completed_on: dt.date, due: dt.date) -> Outcome:
    """A result returned on ``completed_on`` against the deadline ``due`` (the one in force,
    i.e. the extended one after an extension): before the deadline day, on it, or after it."""
    if completed_on < due:
        return Outcome.EARLY
    if completed_on == due:
        return Outcome.ON_TIME
    return Outcome.LATE


def apology_deadline(cal: WorkingCalendar, due: dt.date) -> dt.date:
    """The last day to send the apology and extension proposal: the working day before ``due``."""
    return cal.add_working_days(due, -1)


def step_due(cal: WorkingCalendar, started_at: dt.datetime, days: float, dossier_due: dt.date) -> dt.datetime:
    """When a one-stop step (a row of the process control slip, form 06) that starts at
    ``started_at`` is due: its share of the processing time, ``days`` office days of the
    calendar's hours, and never after the end of the dossier's due day."""
    check_count(days)
    due_end = dt.datetime.combine(dossier_due, cal.day_intervals[-1][1])
    if not days:
        return due_end
    return min(cal.add_working_hours(started_at, days * cal.hours_per_day), due_end)
