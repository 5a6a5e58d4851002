"""Properties of the dossier clock on random histories: receipts at any hour (evenings,
weekends, Culture Day 2026, Tết 2027), supplement cycles, extensions, stops and results."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moh_core.calendar import WorkingCalendar, vietnam_compensatory_workdays, vietnam_public_holidays
from moh_core.onestop.clock import DossierClock
from moh_core.onestop.deadlines import DayUnit, Outcome
from moh_core.onestop.problems import OneStopError

CAL = WorkingCalendar.from_dates(vietnam_public_holidays((2026, 2027)), vietnam_compensatory_workdays((2026, 2027)))
START = dt.datetime(2026, 11, 1)
# Weighted so that most histories go on for a while before they end.
ACTIONS = ("accept",) * 3 + ("request_supplement", "receive_supplement") * 2 + ("extend",) * 3 + ("stop", "complete")

moments = st.integers(min_value=0, max_value=120 * 24 * 60).map(lambda m: START + dt.timedelta(minutes=m))
gaps = st.one_of(st.integers(min_value=0, max_value=2 * 24 * 60), st.integers(min_value=0, max_value=20 * 24 * 60)).map(
    lambda m: dt.timedelta(minutes=m)
)
steps = st.lists(st.tuples(st.sampled_from(ACTIONS), gaps, st.integers(min_value=-3, max_value=20)), max_size=10)
clocks = st.builds(
    DossierClock,
    calendar=st.just(CAL),
    processing_days=st.integers(min_value=1, max_value=25),
    processing_unit=st.sampled_from(list(DayUnit)),
    supplement_request_days=st.none() | st.integers(min_value=0, max_value=5),
    supplement_days=st.none() | st.integers(min_value=0, max_value=20),
    supplement_unit=st.sampled_from(list(DayUnit)),
    supplement_once_only=st.booleans(),
)
SETTINGS = settings(
    max_examples=300, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def run(clock, received_at, plan):
    """Apply the plan, skipping the events the rules refuse; yield (before, event, after)."""
    clock = clock.receive(received_at)
    at = received_at
    for action, gap, shift in plan:
        at += gap
        before = clock
        try:
            if action == "extend":
                base = clock.due or at.date()
                clock = clock.extend(base + dt.timedelta(days=shift), at)
            else:
                clock = getattr(clock, action)(at)
        except OneStopError:
            assert clock is before
            continue
        yield before, (action, at), clock


def check_invariants(clock, today):
    due = clock.due
    if due is not None:
        assert due >= clock.received_on, "the deadline is never before receipt"
        assert due >= clock.clock_start
        assert CAL.is_working_day(due), "a deadline falls on a working day"
        original = clock.original_due
        if clock.processing_unit is DayUnit.WORKING:
            assert CAL.working_days_between(clock.clock_start, original) == clock.processing_days
        else:
            assert (original - clock.clock_start).days >= clock.processing_days
            assert (original - clock.clock_start).days - clock.processing_days <= 14
        assert clock.apology_due < due
        if not clock.ended:  # the whole processing time is used on the original deadline
            assert clock.days_used(original) == (
                clock.processing_days
                if clock.processing_unit is DayUnit.WORKING
                else (original - clock.clock_start).days
            )
    if clock.paused:
        assert due is None and clock.acceptance_due is None
        # A pause uses no day, however long it lasts.
        assert clock.days_used(clock.supplement_requested_on) == clock.days_used(today + dt.timedelta(days=400))
    if clock.awaiting_acceptance:
        assert clock.acceptance_due > (clock.supplement_received_at or clock.received_at)
    if clock.supplement_request_days is None:
        assert clock.supplement_request_due is None, "no limit set, none counted"
    else:
        assert clock.supplement_request_due >= clock.received_on
        assert CAL.is_working_day(clock.supplement_request_due) or clock.supplement_request_days == 0
    if clock.supplement_days is None:
        assert clock.supplement_due is None and not clock.supplement_expired(today + dt.timedelta(days=400))
    elif clock.supplement_requested_on is not None:
        assert clock.supplement_due >= clock.supplement_requested_on
    assert clock.days_used(today) <= clock.days_used(today + dt.timedelta(days=30))
    assert clock.days_used(today) >= 0
    if due is not None and not clock.ended:
        assert clock.is_overdue(today) == (today > due)
    if clock.ended:
        assert not clock.is_overdue(today + dt.timedelta(days=999))


@SETTINGS
@given(clocks, moments, steps, st.integers(min_value=0, max_value=200))
def test_invariants_hold_after_every_event(clock, received_at, plan, offset):
    check_invariants(clock.receive(received_at), received_at.date())
    for _before, (_action, at), after in run(clock, received_at, plan):
        check_invariants(after, at.date() + dt.timedelta(days=offset))


@SETTINGS
@given(clocks, moments, steps)
def test_each_event_moves_the_deadline_as_its_rule_says(clock, received_at, plan):
    for before, (action, at), after in run(clock, received_at, plan):
        if action == "extend":
            assert after.due > before.due, "an extension never shortens"
            assert after.original_due == before.original_due
            assert at.date() <= before.apology_due
        elif action == "request_supplement":
            assert after.paused and after.due is None
            assert before.supplement_request_due is None or at.date() <= before.supplement_request_due
            assert not before.extended and not before.awaiting_supplement
            assert not (before.supplement_once_only and before.supplement_requested_on is not None)
        elif action == "receive_supplement":
            assert after.due is None and after.awaiting_acceptance
            assert before.supplement_due is None or at.date() <= before.supplement_due
        elif action == "accept":
            # After supplements the time restarts from zero on their arrival: as long as for a
            # dossier accepted that day, whatever the pause lasted.
            start = (before.supplement_received_at or at).date()
            fresh = (
                DossierClock(CAL, clock.processing_days, clock.processing_unit)
                .receive(dt.datetime.combine(start, dt.time(8)))
                .accept(dt.datetime.combine(start, dt.time(9)))
            )
            assert after.due == fresh.due
            assert after.days_used(start) == 0
        elif action == "complete":
            outcome = after.outcome()
            assert (outcome is Outcome.LATE) == (at.date() > before.due)
            assert (outcome is Outcome.ON_TIME) == (at.date() == before.due)
        elif action == "stop":
            assert after.ended and after.due == before.due


@SETTINGS
@given(clocks, moments, steps)
def test_replay_of_the_history_gives_the_same_clock(clock, received_at, plan):
    from moh_core.onestop import ClockEvent, ClockEventKind

    history = [ClockEvent(ClockEventKind.RECEIVE, received_at)]
    final = clock.receive(received_at)
    for _before, (action, at), after in run(clock, received_at, plan):
        history.append(ClockEvent(ClockEventKind(action), at, after.extended_due if action == "extend" else None))
        final = after
    assert clock.replay(history) == final
