"""Where work waits: the overdue working hours of each stage and department over a period (the
hand-overs of Form 06, Decree 118/2025/NĐ-CP), worst first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Iterable
from typing import Any

from moh_core.indicators.records import HourCounter, Period, Step

__all__ = ["StepLoad", "bottlenecks"]


@dataclasses.dataclass(frozen=True, slots=True)
class StepLoad:
    """Overdue load of one (stage, department) over a period."""

    stage: str
    department: str | int | None
    overdue_hours: float
    """Working hours past the steps' due instants that fall within the period."""
    overdue_steps: int
    """Steps overdue at some moment within the period."""
    steps: int
    """Steps under way at some moment within the period."""
    overdue_step_keys: tuple[Hashable, ...] = ()


def bottlenecks(
    steps: Iterable[Step],
    period: Period,
    today: dt.date | dt.datetime,
    calendar: HourCounter,
) -> list[StepLoad]:
    """Per (stage, department), the overdue working hours within ``period``, worst first.

    The window runs from the period's first midnight to the end of its last day, or to the
    reference instant if earlier: ``today`` itself when a datetime, the end of ``today`` when a
    date. A step counts when it is under way within the window (started before its end, not
    done before its start). Its overdue time runs from ``due_at`` to ``done_at``, or to the
    reference instant while open, clipped to the window and counted in office hours
    (``calendar.working_hours_between``); a step without ``due_at`` is never overdue. A step
    overdue only outside office hours (e.g. over a weekend) counts as an overdue step with
    zero hours.

    Sorted by overdue hours, then overdue steps, then steps, descending; ties by stage and
    department.
    """
    window_start = dt.datetime.combine(period.start, dt.time())
    window_end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    if isinstance(today, dt.datetime):
        window_end = min(window_end, today)
    else:
        window_end = min(window_end, dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    loads: dict[tuple[str, str | int | None], list[Any]] = {}  # [hours, overdue steps, steps, overdue keys]
    for step in steps:
        if step.started_at >= window_end or (step.done_at is not None and step.done_at < window_start):
            continue
        load = loads.get((step.stage, step.department))
        if load is None:
            load = loads[step.stage, step.department] = [0.0, 0, 0, []]
        load[2] += 1
        if step.due_at is None:
            continue
        overdue_from = max(step.due_at, window_start)
        overdue_to = window_end if step.done_at is None else min(step.done_at, window_end)
        if overdue_to > overdue_from:
            load[0] += calendar.working_hours_between(overdue_from, overdue_to)
            load[1] += 1
            load[3].append(step.key)
    result = [
        StepLoad(stage, department, hours, overdue, count, tuple(keys))
        for (stage, department), (hours, overdue, count, keys) in loads.items()
    ]
    result.sort(
        key=lambda load: (-load.overdue_hours, -load.overdue_steps, -load.steps, load.stage, str(load.department))
    )
    return result
