"""Working-day calendar for statutory deadlines.

Deadlines in the e-office (Decree 30/2020/NĐ-CP routing) and in the one-stop shop
(Decree 118/2025/NĐ-CP, Art. 17.3: "the clock runs, in working days, from receipt of the complete
dossier") are counted in working days: Saturdays, Sundays and public holidays do not count, and
a Saturday the government declares worked (ngày làm bù) does.

Public holidays follow the Labour Code 2019, Art. 112 (1 January, Tết, Hùng Kings' day, 30 April,
1 May, National Day and its adjacent day, and from 2026 Vietnamese Culture Day on 24 November,
Resolution 28/2026/QH16). The days actually off and the weekend days worked instead (ngày làm
bù) are set each year by a government notice (e.g. 10065/VPCP-KGVX of 2 October 2026 for
24 November 2026, Tết and National Day 2027): they are data, entered from the notice with its
number. The ``holidays`` library only *proposes* dates for years no notice covers yet; those are
provisional (:func:`provisional_proposals`). The calendar here is built from whatever set of
dates the caller passes.

Conventions, chosen so that everybody counts the same way:

- ``add_working_days(start, n)`` is the n-th working day *after* ``start`` (the day of receipt is
  not counted, as in "3 working days from receipt").
- ``working_days_between(start, end)`` counts working days ``d`` with ``start < d <= end``, so
  ``working_days_between(start, add_working_days(start, n)) == n``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from holidays import HolidayBase

__all__ = [
    "WorkingCalendar",
    "DEFAULT_DAY_INTERVALS",
    "vietnam_public_holidays",
    "vietnam_compensatory_workdays",
    "provisional_proposals",
    "PROPOSAL_WINDOW_DAYS",
]

#: A library date within this many days of an official day (off or worked) is not proposed: the
#: notice that set the official day rules that holiday (Tết, National Day...) as a whole.
PROPOSAL_WINDOW_DAYS = 7

MONDAY_TO_FRIDAY = frozenset(range(5))

#: Office hours of a civil servant's day: 08:00-12:00 and 13:00-17:00 (8 working hours).
DEFAULT_DAY_INTERVALS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 0), dt.time(12, 0)),
    (dt.time(13, 0), dt.time(17, 0)),
)


@dataclasses.dataclass(frozen=True)
class WorkingCalendar:
    """Which days are worked, and how many working days or hours separate two instants.

    ``holidays`` are days off that would otherwise be worked; ``extra_working_days`` are days
    worked that would otherwise be off (a Saturday worked to bridge a holiday). A date in both
    sets is a working day: the explicit exception wins.
    """

    holidays: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    day_intervals: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_DAY_INTERVALS

    def __post_init__(self) -> None:
        if not self.weekdays and not self.extra_working_days:
            raise ValueError("A working calendar needs at least one working weekday.")
        for start, end in self.day_intervals:
            if start >= end:
                raise ValueError(f"Office hours interval {start}-{end} is empty.")

    @classmethod
    def from_dates(
        cls,
        holidays: Iterable[dt.date] = (),
        extra_working_days: Iterable[dt.date] = (),
        **kwargs: Any,
    ) -> WorkingCalendar:
        return cls(frozenset(holidays), frozenset(extra_working_days), **kwargs)

    # -- days ---------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted).

        A negative ``days`` counts backwards; ``0`` returns ``start`` unchanged.
        """
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        day = start
        # Holidays never exceed a few weeks in a row; the bound guards against a calendar
        # with no working day at all in reach.
        guard = remaining * 7 + 400
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
            guard -= 1
            if guard < 0:
                raise ValueError("No working day found: check the calendar's holidays.")
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days ``d`` with ``start < d <= end``; negative when ``end`` precedes ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        total_days = (end - start).days
        full_weeks, rest = divmod(total_days, 7)
        count = full_weeks * len(self.weekdays)
        for offset in range(1, rest + 1):
            if (start + dt.timedelta(days=full_weeks * 7 + offset)).weekday() in self.weekdays:
                count += 1
        count -= sum(
            1
            for day in self.holidays
            if start < day <= end and day.weekday() in self.weekdays and day not in self.extra_working_days
        )
        count += sum(1 for day in self.extra_working_days if start < day <= end and day.weekday() not in self.weekdays)
        return count

    # -- hours --------------------------------------------------------------------------------

    @property
    def hours_per_day(self) -> float:
        return (
            sum(
                (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).total_seconds()
                for start, end in self.day_intervals
            )
            / 3600
        )

    def _intervals(self, day: dt.date, tzinfo: dt.tzinfo | None) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (dt.datetime.combine(day, start, tzinfo), dt.datetime.combine(day, end, tzinfo))
            for start, end in self.day_intervals
        ]

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The instant ``hours`` office hours after ``start`` (Decree 118/2025, Art. 17.2.c:
        online dossiers are accepted or returned within 8 working hours).

        ``start`` is a local time (naive or aware); the result has the same tzinfo.
        """
        if hours < 0:
            raise ValueError("Working hours to add must not be negative.")
        remaining = dt.timedelta(hours=hours)
        day = start.date()
        guard = 800
        while True:
            for begin, end in self._intervals(day, start.tzinfo):
                if end <= start:
                    continue
                begin = max(begin, start)
                if begin + remaining <= end:
                    return begin + remaining
                remaining -= end - begin
            day += dt.timedelta(days=1)
            guard -= 1
            if guard < 0:
                raise ValueError("No working hours found: check the calendar's holidays.")

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office hours elapsed from ``start`` to ``end`` (both local, same tzinfo)."""
        if end < start:
            return -self.working_hours_between(end, start)
        total = dt.timedelta()
        day = start.date()
        while day <= end.date():
            for begin, stop in self._intervals(day, start.tzinfo):
                begin, stop = max(begin, start), min(stop, end)
                if stop > begin:
                    total += stop - begin
            day += dt.timedelta(days=1)
        return total.total_seconds() / 3600


def _vietnam(years: Iterable[int], language: str) -> HolidayBase:
    import holidays  # noqa: PLC0415 - optional until a calendar is seeded

    return holidays.country_holidays("VN", years=sorted(set(years)), language=language)


def vietnam_public_holidays(years: Iterable[int], language: str = "vi") -> Mapping[dt.date, str]:
    """Vietnam's public holidays and government-moved days off for ``years``, with their names.

    Source: the ``holidays`` library (Labour Code 2019 Art. 112, Tết by the lunar calendar,
    Vietnamese Culture Day from 2026, and the government's announced moved days).
    """
    return dict(sorted(_vietnam(years, language).items()))


def vietnam_compensatory_workdays(years: Iterable[int]) -> frozenset[dt.date]:
    """Weekend days the government declared worked (ngày làm bù) for ``years``."""
    years = set(years)
    return frozenset(day for day in _vietnam(years, "vi").weekend_workdays if day.year in years)


def provisional_proposals(
    proposed: Iterable[dt.date] | Mapping[dt.date, str],
    official: Iterable[dt.date],
    window_days: int = PROPOSAL_WINDOW_DAYS,
) -> list[dt.date]:
    """The ``proposed`` dates (from the ``holidays`` library) still worth proposing, as
    provisional, next to the ``official`` ones (days off and days worked from a notice).

    A date is left out when an official date lies within ``window_days`` of it: the notice has
    set that holiday, its break and its swapped days, and the library's guess for it would only
    contradict the notice (e.g. the library's two days of National Day 2027 against the notice's
    four). Dates far from any official date are proposed.
    """
    official = sorted(set(official))
    window = dt.timedelta(days=window_days)
    return sorted(day for day in set(proposed) if not any(abs(day - other) <= window for other in official))
