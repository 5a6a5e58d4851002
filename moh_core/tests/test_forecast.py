"""Which open work is likely to be late this week, on a plain Monday-to-Friday calendar.

Wednesday 2 December 2026 is "today": the week ends on Sunday 6 December; two working days
ahead is Friday 4 December.
"""

import datetime as dt

import pytest

from moh_core.calendar import WorkingCalendar
from moh_core.indicators import Completed, OpenWork, likely_late
from moh_core.indicators.forecast import (
    BASIS_ALL,
    BASIS_DEPARTMENT,
    BASIS_STEP,
    Typical,
    typical_durations,
)

CAL = WorkingCalendar()
TODAY = dt.date(2026, 12, 2)  # Wednesday


def history(department, step, *days):
    return [Completed(department, step, d) for d in days]


HISTORY = (
    history("PC", "processing", 6, 5, 7, 6, 8)  # median 6
    + history("QLD", "processing", 1, 2, 2)  # median 2
    + history("KCB", "appraisal", 3, 4)  # too few: the step's
)


def work(key, department="PC", step="processing", started=dt.date(2026, 11, 30), deadline=dt.date(2026, 12, 4)):
    return OpenWork(key, department, step, started, deadline)


def test_department_history_predicts_late_work_due_this_week():
    # Started Monday 30 Nov, PC usually takes 6 working days: done Tuesday 8 Dec, due Friday 4 Dec.
    [forecast] = likely_late(HISTORY, [work(1)], TODAY, CAL)
    assert forecast.expected == dt.date(2026, 12, 8)
    assert forecast.deadline == dt.date(2026, 12, 4)
    assert forecast.typical == Typical(6, 5, BASIS_DEPARTMENT)
    assert forecast.elapsed_days == 2
    assert forecast.days_left == 2
    assert forecast.days_late == 2
    assert forecast.work.key == 1


def test_work_expected_in_time_is_not_flagged():
    assert likely_late(HISTORY, [work(1, department="QLD")], TODAY, CAL) == []


def test_only_deadlines_from_today_to_the_horizon():
    items = [
        work("past", deadline=dt.date(2026, 12, 1)),  # already overdue: known, not predicted
        work("next week", deadline=dt.date(2026, 12, 7), started=dt.date(2026, 12, 2)),
        work("none", deadline=None),
        work("today", deadline=TODAY),
        work("sunday", deadline=dt.date(2026, 12, 6)),
    ]
    assert [f.work.key for f in likely_late(HISTORY, items, TODAY, CAL)] == ["today", "sunday"]


def test_tight_deadline_beyond_the_week():
    # On Friday the week ends on Sunday, but four working days ahead reaches Thursday.
    friday = dt.date(2026, 12, 4)
    item = work("tight", started=friday, deadline=dt.date(2026, 12, 9))
    assert likely_late(HISTORY, [item], friday, CAL) == []
    [forecast] = likely_late(HISTORY, [item], friday, CAL, tight_days=4)
    assert forecast.days_left == 3


def test_falls_back_to_the_step_then_to_everything():
    fallback = likely_late(
        HISTORY,
        [
            work("step", department="KCB", step="appraisal", started=TODAY, deadline=TODAY),
            work("all", department="ATTP", step="unknown", started=TODAY, deadline=TODAY),
        ],
        TODAY,
        CAL,
    )
    assert {f.work.key: f.typical.basis for f in fallback} == {"step": BASIS_ALL, "all": BASIS_ALL}
    more = HISTORY + history("VPB", "appraisal", 3)
    [step] = likely_late(more, [work("s", "KCB", "appraisal", TODAY, TODAY)], TODAY, CAL)
    assert step.typical == Typical(3, 3, BASIS_STEP)


def test_no_history_no_forecast():
    assert likely_late([], [work(1)], TODAY, CAL) == []


def test_overrunning_work_is_expected_today():
    # It has taken longer than usual already: expected today, so late only if due before today,
    # which is outside the window: not flagged.
    item = work("slow", department="QLD", started=dt.date(2026, 11, 20), deadline=TODAY)
    assert likely_late(HISTORY, [item], TODAY, CAL) == []


def test_order_by_deadline_then_lateness():
    items = [
        work("b", started=dt.date(2026, 12, 1), deadline=dt.date(2026, 12, 4)),
        work("a", started=dt.date(2026, 11, 30), deadline=dt.date(2026, 12, 4)),
        work("c", started=dt.date(2026, 11, 30), deadline=dt.date(2026, 12, 3)),
    ]
    assert [f.work.key for f in likely_late(HISTORY, items, TODAY, CAL)] == ["c", "b", "a"]


def test_percentile_and_negative_durations():
    typical = typical_durations(HISTORY + [Completed("X", "s", -2)], fraction=0.9, min_samples=1)
    assert typical[("PC", "processing")] == Typical(8, 5, BASIS_DEPARTMENT)
    assert typical[("X", "s")] == Typical(0, 1, BASIS_DEPARTMENT)
    assert ("KCB", "appraisal") in typical
    assert typical_durations(HISTORY[:1], min_samples=3) == {}


@pytest.mark.parametrize(
    "kwargs",
    [{"fraction": 0}, {"fraction": 1.5}, {"min_samples": 0}, {"tight_days": -1}],
)
def test_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        likely_late(HISTORY, [], TODAY, CAL, **kwargs)


def test_bad_fraction_for_typical_durations():
    with pytest.raises(ValueError):
        typical_durations(HISTORY, fraction=0)
