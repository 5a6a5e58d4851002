"""Rules of the working-day calendar that only a mutation run showed unpinned (scripts/mutation.sh):
the bounds of each comparison, the errors' messages, the search's limits, aware times."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from moh_core.calendar import WorkingCalendar, provisional_proposals, vietnam_public_holidays

D = dt.date
T = dt.datetime
NO_WEEKDAY = frozenset()


def _exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


# --- construction -----------------------------------------------------------------------------


def test_a_calendar_with_no_working_day_is_refused_with_its_reason():
    with pytest.raises(ValueError, match=_exactly("A working calendar needs at least one working weekday.")):
        WorkingCalendar(weekdays=NO_WEEKDAY)


def test_an_empty_office_hours_interval_is_refused_with_its_reason():
    noon = dt.time(12, 0)
    with pytest.raises(ValueError, match=_exactly("Office hours interval 12:00:00-12:00:00 is empty.")):
        WorkingCalendar(day_intervals=((noon, noon),))


def test_from_dates_passes_the_other_settings_on():
    six_days = WorkingCalendar.from_dates([], [], weekdays=frozenset(range(6)))
    assert six_days.is_working_day(D(2026, 11, 21))  # a Saturday


# --- days -------------------------------------------------------------------------------------


def test_the_search_for_a_working_day_gives_up_after_7_days_per_day_asked_plus_400():
    start = D(2026, 1, 1)
    reachable = WorkingCalendar(weekdays=NO_WEEKDAY, extra_working_days=frozenset({start + dt.timedelta(days=407)}))
    assert reachable.add_working_days(start, 1) == start + dt.timedelta(days=407)
    too_far = WorkingCalendar(weekdays=NO_WEEKDAY, extra_working_days=frozenset({start + dt.timedelta(days=408)}))
    with pytest.raises(ValueError, match=_exactly("No working day found: check the calendar's holidays.")):
        too_far.add_working_days(start, 1)


def test_days_between_over_seven_weeks_and_a_day():
    # Thursday 1 October to Friday 20 November 2026: 7 full weeks (35) and the Friday.
    assert WorkingCalendar().working_days_between(D(2026, 10, 1), D(2026, 11, 20)) == 36


def test_a_holiday_on_the_start_day_is_not_counted_off():
    culture_day = D(2026, 11, 24)  # a Tuesday
    calendar = WorkingCalendar.from_dates([culture_day])
    assert calendar.working_days_between(culture_day, D(2026, 11, 25)) == 1


def test_a_saturday_worked_on_the_start_day_is_not_counted():
    saturday = D(2026, 8, 22)
    calendar = WorkingCalendar.from_dates([], [saturday])
    assert calendar.working_days_between(saturday, D(2026, 8, 24)) == 1  # the Monday only


# --- hours ------------------------------------------------------------------------------------


def test_zero_and_fractional_hours_are_added():
    calendar = WorkingCalendar()
    assert calendar.add_working_hours(T(2026, 11, 23, 9, 0), 0) == T(2026, 11, 23, 9, 0)
    assert calendar.add_working_hours(T(2026, 11, 23, 9, 0), 0.5) == T(2026, 11, 23, 9, 30)
    # Zero hours from the end of the morning: the afternoon's start, as for any other amount.
    assert calendar.add_working_hours(T(2026, 11, 23, 12, 0), 0) == T(2026, 11, 23, 13, 0)


def test_negative_hours_are_refused_with_their_reason():
    with pytest.raises(ValueError, match=_exactly("Working hours to add must not be negative.")):
        WorkingCalendar().add_working_hours(T(2026, 11, 23, 9, 0), -1)


def test_the_search_for_working_hours_gives_up_after_800_days():
    start = T(2026, 1, 1, 9, 0)
    reachable = WorkingCalendar(
        weekdays=NO_WEEKDAY, extra_working_days=frozenset({D(2026, 1, 1) + dt.timedelta(days=800)})
    )
    assert reachable.add_working_hours(start, 1) == T(2028, 3, 11, 9, 0)
    too_far = WorkingCalendar(
        weekdays=NO_WEEKDAY, extra_working_days=frozenset({D(2026, 1, 1) + dt.timedelta(days=801)})
    )
    with pytest.raises(ValueError, match=_exactly("No working hours found: check the calendar's holidays.")):
        too_far.add_working_hours(start, 1)


def test_hours_between_backwards_are_negative():
    calendar = WorkingCalendar()
    assert calendar.working_hours_between(T(2026, 11, 24, 10, 0), T(2026, 11, 23, 9, 0)) == -9


def test_no_hours_between_an_instant_and_itself():
    instant = T(2026, 11, 23, 10, 0)
    assert WorkingCalendar().working_hours_between(instant, instant) == 0


def test_hours_between_aware_times():
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    start, end = T(2026, 11, 23, 9, 0, tzinfo=hanoi), T(2026, 11, 23, 15, 0, tzinfo=hanoi)
    assert WorkingCalendar().working_hours_between(start, end) == 5


# --- the holidays library ---------------------------------------------------------------------


def test_holiday_names_in_vietnamese_unless_asked_otherwise():
    new_year = D(2026, 1, 1)
    assert vietnam_public_holidays([2026])[new_year] == "Tết Dương lịch"
    assert vietnam_public_holidays([2026], language="en_US")[new_year] == "New Year's Day"


def test_a_proposal_exactly_a_window_away_from_an_official_day_is_left_out():
    official = [D(2027, 1, 1)]
    assert provisional_proposals([D(2027, 1, 8)], official) == []
    assert provisional_proposals([D(2027, 1, 9)], official) == [D(2027, 1, 9)]
    assert provisional_proposals([D(2027, 1, 4)], official, window_days=2) == [D(2027, 1, 4)]
