"""Working-day counting across weekends, Tết and the government's moved days."""

import datetime as dt

import pytest

from moh_core.calendar import (
    WorkingCalendar,
    vietnam_compensatory_workdays,
    vietnam_public_holidays,
)

D = dt.date


@pytest.fixture(scope="module")
def vn_calendar():
    years = (2026, 2027)
    return WorkingCalendar.from_dates(vietnam_public_holidays(years), vietnam_compensatory_workdays(years))


def test_weekend_is_skipped():
    cal = WorkingCalendar()
    friday = D(2026, 11, 20)
    assert cal.add_working_days(friday, 1) == D(2026, 11, 23)  # Monday
    assert cal.working_days_between(friday, D(2026, 11, 23)) == 1
    assert cal.working_days_between(friday, D(2026, 11, 22)) == 0


def test_tet_2027_is_not_worked(vn_calendar):
    # Lunar new year: Saturday 6 February 2027; the break runs Thu 4 to Wed 10 February.
    for day in range(4, 11):
        assert not vn_calendar.is_working_day(D(2027, 2, day)), day
    assert vn_calendar.is_working_day(D(2027, 2, 3))
    assert vn_calendar.is_working_day(D(2027, 2, 11))
    # Three working days from Wednesday 3 February: Thu 11, Fri 12, Mon 15 February.
    assert vn_calendar.add_working_days(D(2027, 2, 3), 3) == D(2027, 2, 15)
    assert vn_calendar.working_days_between(D(2027, 2, 3), D(2027, 2, 15)) == 3
    # The whole month of February 2027: 20 weekdays less 5 weekdays of Tết.
    assert vn_calendar.working_days_between(D(2027, 1, 31), D(2027, 2, 28)) == 15


def test_culture_day_and_moved_days_2026(vn_calendar):
    assert not vn_calendar.is_working_day(D(2026, 11, 24))  # Vietnamese Culture Day, from 2026
    assert D(2026, 8, 22) in vietnam_compensatory_workdays([2026])
    assert vn_calendar.is_working_day(D(2026, 8, 22))  # Saturday worked ...
    assert not vn_calendar.is_working_day(D(2026, 8, 31))  # ... for Monday 31 August off
    # Fri 21 Aug -> Sat 22 (worked) -> Mon 24.
    assert vn_calendar.add_working_days(D(2026, 8, 21), 2) == D(2026, 8, 24)
    assert vn_calendar.working_days_between(D(2026, 8, 21), D(2026, 8, 24)) == 2


def test_holiday_names_are_vietnamese():
    names = vietnam_public_holidays([2027])
    assert names[D(2027, 2, 6)] == "Tết Nguyên Đán"
    assert names[D(2027, 11, 24)] == "Ngày Văn hóa Việt Nam"


@pytest.mark.parametrize("days", [0, 1, 2, 5, 10, 30, 250])
def test_counting_and_adding_agree(vn_calendar, days):
    for start in (D(2026, 12, 28), D(2027, 2, 1), D(2027, 4, 29), D(2026, 8, 20)):
        end = vn_calendar.add_working_days(start, days)
        assert vn_calendar.working_days_between(start, end) == days
        assert vn_calendar.add_working_days(end, -days) <= start


def test_manual_exception_wins_over_library():
    # An administrator declares the Saturday after Tết worked and adds an extra day off.
    cal = WorkingCalendar.from_dates({D(2027, 2, 11)}, {D(2027, 2, 13)})
    assert not cal.is_working_day(D(2027, 2, 11))
    assert cal.is_working_day(D(2027, 2, 13))
    assert cal.working_days_between(D(2027, 2, 10), D(2027, 2, 15)) == 3  # 12, 13, 15


def test_working_hours_roll_over_lunch_weekend_and_holiday(vn_calendar):
    # Submitted online Friday 20 Nov 2026 at 15:30: 1.5 h that day, Mon 23 Nov 6.5 h more, till 15:30
    # (Tuesday 24 November is Culture Day).
    start = dt.datetime(2026, 11, 20, 15, 30)
    assert vn_calendar.add_working_hours(start, 8) == dt.datetime(2026, 11, 23, 15, 30)
    assert vn_calendar.working_hours_between(start, dt.datetime(2026, 11, 23, 15, 30)) == 8
    # Out of hours: the clock starts at the next opening.
    assert vn_calendar.add_working_hours(dt.datetime(2026, 11, 22, 20, 0), 1) == dt.datetime(2026, 11, 23, 9, 0)
    assert vn_calendar.add_working_hours(dt.datetime(2026, 11, 23, 11, 0), 2) == dt.datetime(2026, 11, 23, 14, 0)
    assert vn_calendar.hours_per_day == 8


def test_invalid_calendars_are_refused():
    with pytest.raises(ValueError):
        WorkingCalendar(weekdays=frozenset())
    with pytest.raises(ValueError):
        WorkingCalendar(day_intervals=((dt.time(12), dt.time(8)),))
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_hours(dt.datetime(2026, 1, 5, 8), -1)


def test_library_dates_are_proposed_only_away_from_official_ones():
    from moh_core.calendar import provisional_proposals

    library = vietnam_public_holidays([2027])
    # The notice 10065/VPCP-KGVX sets Tết 2027 (4-10 Feb) and National Day 2027 (2-5 Sep).
    official = {D(2027, 2, 4) + dt.timedelta(days=n) for n in range(7)}
    official |= {D(2027, 9, 2) + dt.timedelta(days=n) for n in range(4)}
    proposed = provisional_proposals(library, official)
    assert not any(day.month == 2 for day in proposed)  # Tết: the notice rules
    assert D(2027, 9, 2) not in proposed and D(2027, 9, 3) not in proposed
    # The holidays the notice does not cover are proposed.
    assert {D(2027, 1, 1), D(2027, 4, 16), D(2027, 4, 30), D(2027, 11, 24)} <= set(proposed)
    assert provisional_proposals(library, ()) == sorted(library)
    # A moved day worked is not proposed next to an official break either.
    assert provisional_proposals({D(2026, 8, 22)}, {D(2026, 8, 31)}, window_days=14) == []
    assert provisional_proposals({D(2026, 8, 22)}, {D(2026, 8, 31)}) == [D(2026, 8, 22)]
