"""Paper dossiers at the one-stop shop: when the dossier must reach the competent body.

Decree 118/2025/NĐ-CP, Art. 18.2: a dossier received on paper (at the counter, or by post) is
handed over to the body that settles it on the same working day, or at the start of the next
working day when it was received after 15:00. This is a hand-over due time, not a change to the
statutory processing time, which still runs from receipt (Art. 17.3).

The cut-off hour is a parameter (the agency's setting; 15:00 by the article). "The same
working day" ends when the day's office hours end; "the start of the next working day" is when
its office hours open. A dossier received on a day off, or after the day's office hours, goes
at the start of the next working day; one received before the office opens on a working day,
by the end of that day.
"""

from __future__ import annotations

import datetime as dt

from moh_core.calendar import WorkingCalendar

__all__ = ["DEFAULT_HANDOVER_CUTOFF", "handover_due"]

#: After this local time a paper dossier goes to the competent body the next working day (Art. 18.2).
DEFAULT_HANDOVER_CUTOFF = dt.time(15, 0)


def handover_due(
    cal: WorkingCalendar, received_at: dt.datetime, cutoff: dt.time = DEFAULT_HANDOVER_CUTOFF
) -> dt.datetime:
    """When a paper dossier received at ``received_at`` (local time, naive or aware; the result
    has the same tzinfo) must be handed to the competent body.

    Received at or before ``cutoff`` on a working day: by the end of that day's office hours.
    Later, or on a day off: at the opening of the next working day.
    """
    if not cal.day_intervals:
        raise ValueError("The calendar has no office hours.")
    opening, closing = cal.day_intervals[0][0], cal.day_intervals[-1][1]
    day = received_at.date()
    local_time = received_at.time().replace(tzinfo=None)
    if cal.is_working_day(day) and local_time <= cutoff and local_time < closing:
        return dt.datetime.combine(day, closing, received_at.tzinfo)
    return dt.datetime.combine(cal.next_working_day(day), opening, received_at.tzinfo)
