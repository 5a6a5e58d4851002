"""Hand-over of paper dossiers to the competent body (Decree 118/2025/NĐ-CP, Art. 18.2)."""

import datetime as dt

import pytest

from moh_core.calendar import WorkingCalendar
from moh_core.onestop import handover_due

# Tuesday 24 November 2026 is a public holiday (Vietnamese Culture Day).
CAL = WorkingCalendar.from_dates(holidays=[dt.date(2026, 11, 24)])


def at(text):
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-25 14:59", "2026-11-25 17:00"),  # Wednesday before 15:00: the same day
        ("2026-11-25 15:00", "2026-11-25 17:00"),  # at 15:00 sharp: not "after 15:00"
        ("2026-11-25 15:01", "2026-11-26 08:00"),  # after 15:00: next morning
        ("2026-11-25 07:30", "2026-11-25 17:00"),  # before opening: that day
        ("2026-11-25 17:30", "2026-11-26 08:00"),  # after closing: next morning
        ("2026-11-27 15:01", "2026-11-30 08:00"),  # Friday afternoon: Monday morning
        ("2026-11-27 14:59", "2026-11-27 17:00"),  # Friday before 15:00: Friday
        ("2026-11-23 15:01", "2026-11-25 08:00"),  # Monday afternoon, Tuesday off: Wednesday
        ("2026-11-28 10:00", "2026-11-30 08:00"),  # a Saturday (by post): Monday morning
        ("2026-11-24 10:00", "2026-11-25 08:00"),  # on the holiday: the next working day
    ],
)
def test_handover_due_with_the_15_oclock_rule(received, due):
    assert handover_due(CAL, at(received)) == at(due)


def test_cutoff_is_a_parameter():
    assert handover_due(CAL, at("2026-11-25 15:30"), cutoff=dt.time(16, 0)) == at("2026-11-25 17:00")
    assert handover_due(CAL, at("2026-11-25 14:30"), cutoff=dt.time(14, 0)) == at("2026-11-26 08:00")


def test_keeps_the_time_zone():
    tz = dt.timezone(dt.timedelta(hours=7))
    due = handover_due(CAL, dt.datetime(2026, 11, 25, 15, 1, tzinfo=tz))
    assert due == dt.datetime(2026, 11, 26, 8, 0, tzinfo=tz)
