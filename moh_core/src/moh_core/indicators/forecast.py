"""Which open work is likely to be late this week, predicted from how long the same step of the
same department has taken before.

History is a set of completed pieces of work, each with its department, its step and the
working days it took (``working_days_between`` of the statutory calendar: the day it arrived
is not counted, the day it was done is). For each open piece the typical duration is the
nearest-rank percentile (the median by default) of the durations of its (department, step);
with too few of those, of its step across all departments; with too few of those, of every
completed piece. Its expected completion is that many working days after it arrived, or, when
it has already taken longer, today. It is flagged when its expected completion falls after its
deadline and the deadline falls between today and the end of the week (or within a few working
days, "tight", when that reaches further), overdue work being already known to be late.

The module returns the figures behind each flag (typical days, how many completions they come
from and at which level, days taken, days left): the caller words the reason in the user's
language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Literal, Protocol

__all__ = [
    "BASIS_ALL",
    "BASIS_DEPARTMENT",
    "BASIS_STEP",
    "Completed",
    "LateForecast",
    "OpenWork",
    "Typical",
    "likely_late",
    "typical_durations",
]

BASIS_DEPARTMENT: Literal["department"] = "department"
BASIS_STEP: Literal["step"] = "step"
BASIS_ALL: Literal["all"] = "all"
Basis = Literal["department", "step", "all"]
Department = str | int | None


class DayCalendar(Protocol):
    """What the forecast needs of a calendar (:class:`~moh_core.calendar.WorkingCalendar`)."""

    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...

    def add_working_days(self, start: dt.date, days: int) -> dt.date: ...


@dataclasses.dataclass(frozen=True, slots=True)
class Completed:
    """A completed piece of work: how many working days its step took in its department."""

    department: Department
    step: str
    working_days: int


@dataclasses.dataclass(frozen=True, slots=True)
class OpenWork:
    """A piece of work under way: arrived at its department's step on ``started``."""

    key: Hashable
    department: Department
    step: str
    started: dt.date
    deadline: dt.date | None


@dataclasses.dataclass(frozen=True, slots=True)
class Typical:
    """The typical duration of a step, in working days, and what it was learnt from."""

    days: int
    samples: int
    basis: Basis


@dataclasses.dataclass(frozen=True, slots=True)
class LateForecast:
    """An open piece of work predicted to be late, with the figures behind the prediction."""

    work: OpenWork
    expected: dt.date
    """The working day it is expected to be done."""
    deadline: dt.date
    typical: Typical
    elapsed_days: int
    """Working days it has been under way up to today."""
    days_left: int
    """Working days from today to its deadline (0 when due today)."""
    days_late: int
    """Working days from its deadline to its expected completion."""


def _percentile(values: Sequence[int], fraction: float) -> int:
    """Nearest-rank percentile of ascending ``values`` (not empty)."""
    rank = max(math.ceil(fraction * len(values)), 1)
    return values[min(rank, len(values)) - 1]


class _Durations:
    def __init__(self, history: Iterable[Completed]) -> None:
        self.by_department: dict[tuple[Department, str], list[int]] = {}
        self.by_step: dict[str, list[int]] = {}
        self.every: list[int] = []
        for done in history:
            days = max(done.working_days, 0)
            self.by_department.setdefault((done.department, done.step), []).append(days)
            self.by_step.setdefault(done.step, []).append(days)
            self.every.append(days)
        for values in (*self.by_department.values(), *self.by_step.values(), self.every):
            values.sort()

    def typical(self, department: Department, step: str, fraction: float, min_samples: int) -> Typical | None:
        candidates: tuple[tuple[Basis, list[int]], ...] = (
            (BASIS_DEPARTMENT, self.by_department.get((department, step), [])),
            (BASIS_STEP, self.by_step.get(step, [])),
            (BASIS_ALL, self.every),
        )
        for basis, values in candidates:
            if len(values) >= min_samples:
                return Typical(_percentile(values, fraction), len(values), basis)
        return None


def typical_durations(
    history: Iterable[Completed], fraction: float = 0.5, min_samples: int = 3
) -> dict[tuple[Department, str], Typical]:
    """The typical duration of each (department, step) seen in ``history``."""
    if not 0 < fraction <= 1:
        raise ValueError("The percentile is a fraction in (0, 1].")
    history = list(history)
    durations = _Durations(history)
    result: dict[tuple[Department, str], Typical] = {}
    for key in durations.by_department:
        typical = durations.typical(key[0], key[1], fraction, min_samples)
        if typical is not None:
            result[key] = typical
    return result


def _week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def likely_late(
    history: Iterable[Completed],
    open_work: Iterable[OpenWork],
    today: dt.date,
    calendar: DayCalendar,
    *,
    fraction: float = 0.5,
    min_samples: int = 3,
    tight_days: int = 2,
) -> list[LateForecast]:
    """The open work expected to be done after its deadline, the deadline falling from today to
    the end of this week (Sunday) or within ``tight_days`` working days, whichever is later.
    Most urgent first: by deadline, then by how late it is expected, then by key."""
    if not 0 < fraction <= 1:
        raise ValueError("The percentile is a fraction in (0, 1].")
    if min_samples < 1 or tight_days < 0:
        raise ValueError("min_samples must be positive and tight_days not negative.")
    durations = _Durations(history)
    horizon = max(_week_end(today), calendar.add_working_days(today, tight_days))
    flagged: list[LateForecast] = []
    for work in open_work:
        if work.deadline is None or not today <= work.deadline <= horizon:
            continue
        typical = durations.typical(work.department, work.step, fraction, min_samples)
        if typical is None:
            continue
        elapsed = max(calendar.working_days_between(work.started, today), 0)
        expected = calendar.add_working_days(work.started, typical.days)
        if expected < today:
            expected = today
        if expected <= work.deadline:
            continue
        flagged.append(
            LateForecast(
                work=work,
                expected=expected,
                deadline=work.deadline,
                typical=typical,
                elapsed_days=elapsed,
                days_left=calendar.working_days_between(today, work.deadline),
                days_late=calendar.working_days_between(work.deadline, expected),
            )
        )
    flagged.sort(key=lambda f: (f.deadline, -f.days_late, str(f.work.key)))
    return flagged
