"""The clock of one dossier (moh_core.onestop.clock.DossierClock), rule by rule, around Culture Day
2026 (Tuesday 24 November) and Tết 2027 (off Thursday 4 to Wednesday 10 February)."""

import datetime as dt

import pytest

from moh_core.calendar import WorkingCalendar, vietnam_compensatory_workdays, vietnam_public_holidays
from moh_core.onestop.clock import ClockEvent, ClockEventKind, DossierClock
from moh_core.onestop.deadlines import DayUnit, Outcome, step_due
from moh_core.onestop.problems import OneStopError, OneStopProblem

D = dt.date
T = dt.datetime
P = OneStopProblem
K = ClockEventKind


@pytest.fixture(scope="module")
def cal():
    years = (2026, 2027)
    return WorkingCalendar.from_dates(vietnam_public_holidays(years), vietnam_compensatory_workdays(years))


def refused(code, action):
    with pytest.raises(OneStopError) as info:
        action()
    assert info.value.code is code, info.value
    return info.value


@pytest.fixture
def accepted(cal):
    # Received and accepted Monday 1 Feb 2027 with 10 working days: 2, 3, 11, 12, 15-19, 22 Feb.
    return DossierClock(cal, 10).receive(T(2027, 2, 1, 9)).accept(T(2027, 2, 1, 10))


def test_acceptance_hours_run_from_receipt_in_office_hours(cal):
    # Monday 23 Nov 2026 09:00: 7 hours on Monday, Tuesday is Culture Day -> Wednesday 09:00.
    clock = DossierClock(cal, 3).receive(T(2026, 11, 23, 9))
    assert clock.awaiting_acceptance
    assert clock.acceptance_due == T(2026, 11, 25, 9)
    # Filed on Saturday evening: the 8 hours start on Monday morning.
    assert DossierClock(cal, 3).receive(T(2026, 11, 21, 20)).acceptance_due == T(2026, 11, 23, 17)
    assert clock.accept(T(2026, 11, 23, 10)).acceptance_due is None
    assert clock.due is None and clock.days_used(D(2026, 12, 31)) == 0  # no clock before acceptance


def test_processing_time_runs_from_acceptance_day_not_counted(cal, accepted):
    assert accepted.clock_start == D(2027, 2, 1)
    assert accepted.due == accepted.original_due == D(2027, 2, 22)
    # Filed on Friday evening, accepted on Monday: the clock starts on Monday.
    late_filed = DossierClock(cal, 10).receive(T(2027, 1, 29, 21)).accept(T(2027, 2, 1, 8))
    assert late_filed.due == D(2027, 2, 22)
    assert late_filed.days_used(D(2027, 2, 3)) == 2
    assert late_filed.days_used(D(2027, 2, 10)) == 2  # Tết uses no working day


def test_compensatory_saturday_counts_and_holiday_does_not():
    # A made-up calendar: Wednesday 6 Jan 2027 off, Saturday 9 Jan worked.
    cal = WorkingCalendar.from_dates({D(2027, 1, 6)}, {D(2027, 1, 9)})
    clock = DossierClock(cal, 3).receive(T(2027, 1, 5, 9)).accept(T(2027, 1, 5, 9))
    assert clock.due == D(2027, 1, 9)  # Thursday 7, Friday 8 and the Saturday worked
    clock = DossierClock(cal, 4).receive(T(2027, 1, 5, 9)).accept(T(2027, 1, 5, 9))
    assert clock.due == D(2027, 1, 11)


def test_calendar_day_procedure(cal):
    clock = DossierClock(cal, 10, processing_unit=DayUnit.CALENDAR)
    accepted = clock.receive(T(2027, 1, 18, 9)).accept(T(2027, 1, 18, 9))
    assert accepted.due == D(2027, 1, 28)  # weekends counted
    assert accepted.days_used(D(2027, 1, 25)) == 7
    resumed = (
        accepted.request_supplement(T(2027, 1, 19, 9)).receive_supplement(T(2027, 1, 25, 9)).accept(T(2027, 1, 25, 14))
    )
    assert resumed.due == D(2027, 2, 11)  # Thursday 4 Feb falls in Tết -> Thursday 11 Feb
    # Received Friday 20 Nov 2026, 4 days end on Culture Day -> Wednesday 25 (Civil Code 148.5).
    friday = DossierClock(cal, 4, processing_unit="calendar").receive(T(2026, 11, 20, 9)).accept(T(2026, 11, 20, 9))
    assert friday.due == D(2026, 11, 25)


def test_supplement_window_counts_from_receipt_not_acceptance(cal):
    # Filed Friday 29 Jan 2027: 3 working days are 1, 2 and 3 February, whenever it is accepted.
    filed = DossierClock(cal, 10).receive(T(2027, 1, 29, 15))
    accepted = filed.accept(T(2027, 2, 1, 9))
    assert accepted.supplement_request_due == D(2027, 2, 3)
    assert accepted.request_supplement(T(2027, 2, 3, 16)).paused
    error = refused(P.SUPPLEMENT_TOO_LATE, lambda: accepted.request_supplement(T(2027, 2, 11, 9)))
    assert "2027-02-03" in str(error)
    # Sent back before acceptance: the window is the same.
    assert filed.request_supplement(T(2027, 2, 1, 9)).paused
    refused(P.SUPPLEMENT_TOO_LATE, lambda: filed.request_supplement(T(2027, 2, 11, 9)))


def test_supplement_before_acceptance_then_clock_from_arrival(cal):
    waiting = DossierClock(cal, 10).receive(T(2027, 2, 1, 9)).request_supplement(T(2027, 2, 1, 11))
    assert waiting.paused and waiting.due is None and waiting.acceptance_due is None
    assert waiting.days_used(D(2027, 3, 1)) == 0
    arrived = waiting.receive_supplement(T(2027, 2, 15, 16))
    assert arrived.awaiting_acceptance and arrived.due is None
    assert arrived.acceptance_due == T(2027, 2, 16, 16)  # 8 working hours from the arrival
    accepted = arrived.accept(T(2027, 2, 16, 9))
    assert accepted.clock_start == D(2027, 2, 15)  # the day the completed dossier arrived
    assert accepted.due == D(2027, 3, 1)


def test_supplement_restarts_the_clock_from_zero(accepted):
    waiting = accepted.request_supplement(T(2027, 2, 3, 10))
    assert waiting.paused and waiting.due is None and waiting.clock_start is None
    assert not waiting.is_overdue(D(2027, 3, 1))
    assert waiting.supplement_due == D(2027, 3, 3)  # 15 working days from the request
    # Two working days were used before the request (2 and 3 Feb); the pause uses none.
    assert waiting.days_used(D(2027, 2, 3)) == waiting.days_used(D(2027, 3, 1)) == 2
    resumed = waiting.receive_supplement(T(2027, 2, 16, 10)).accept(T(2027, 2, 16, 11))
    # 10 full working days again from Tuesday 16 Feb, not the 8 left before the request.
    assert resumed.clock_start == D(2027, 2, 16)
    assert resumed.due == D(2027, 3, 2)
    assert resumed.days_used(D(2027, 2, 16)) == 0
    assert resumed.received_on == D(2027, 2, 1)
    assert accepted.due == D(2027, 2, 22)  # events return new clocks


def test_supplement_once_only_and_in_time(accepted):
    waiting = accepted.request_supplement(T(2027, 2, 2, 9))
    refused(P.SUPPLEMENT_ALREADY_REQUESTED, lambda: waiting.request_supplement(T(2027, 2, 3, 9)))
    refused(P.SUPPLEMENT_PENDING, lambda: waiting.accept(T(2027, 2, 3, 9)))
    refused(P.SUPPLEMENT_PENDING, lambda: waiting.extend(D(2027, 3, 5), T(2027, 2, 3, 9)))
    refused(P.SUPPLEMENT_PENDING, lambda: waiting.complete(T(2027, 2, 3, 9)))
    assert not waiting.supplement_expired(D(2027, 3, 2))
    assert waiting.supplement_expired(D(2027, 3, 3))
    refused(P.SUPPLEMENT_EXPIRED, lambda: waiting.receive_supplement(T(2027, 3, 3, 9)))
    resumed = waiting.receive_supplement(T(2027, 3, 2, 9))
    refused(P.SUPPLEMENT_ALREADY_RECEIVED, lambda: resumed.receive_supplement(T(2027, 3, 2, 10)))
    refused(
        P.SUPPLEMENT_ALREADY_REQUESTED, lambda: resumed.accept(T(2027, 3, 2, 10)).request_supplement(T(2027, 3, 2, 11))
    )
    refused(P.SUPPLEMENT_NOT_REQUESTED, lambda: accepted.receive_supplement(T(2027, 2, 3, 9)))
    # A procedure giving 10 calendar days to complete.
    short = DossierClock(accepted.calendar, 10, supplement_days=10, supplement_unit=DayUnit.CALENDAR)
    assert short.receive(T(2027, 1, 29, 9)).request_supplement(T(2027, 2, 1, 9)).supplement_due == D(2027, 2, 11)


def test_no_supplement_after_an_extension(accepted):
    extended = accepted.extend(D(2027, 3, 5), T(2027, 2, 2, 9))
    refused(P.SUPPLEMENT_AFTER_EXTENSION, lambda: extended.request_supplement(T(2027, 2, 3, 9)))


def test_extension_once_later_on_a_working_day_apology_in_time(accepted):
    assert accepted.apology_due == D(2027, 2, 19)
    extended = accepted.extend(D(2027, 3, 5), T(2027, 2, 19, 16))
    assert (extended.due, extended.original_due, extended.extended) == (D(2027, 3, 5), D(2027, 2, 22), True)
    refused(P.EXTENSION_ALREADY_GRANTED, lambda: extended.extend(D(2027, 3, 12), T(2027, 2, 22, 9)))
    for not_later in (D(2027, 2, 22), D(2027, 2, 19)):
        refused(P.EXTENSION_NOT_LATER, lambda: accepted.extend(not_later, T(2027, 2, 2, 9)))  # noqa: B023
    refused(P.EXTENSION_NOT_WORKING_DAY, lambda: accepted.extend(D(2027, 2, 27), T(2027, 2, 2, 9)))  # Saturday
    refused(P.APOLOGY_TOO_LATE, lambda: accepted.extend(D(2027, 3, 5), T(2027, 2, 22, 8)))  # the deadline day
    unaccepted = DossierClock(accepted.calendar, 10).receive(T(2027, 2, 1, 9))
    refused(P.NOT_ACCEPTED, lambda: unaccepted.extend(D(2027, 3, 5), T(2027, 2, 2, 9)))


def test_outcome_overdue_and_days_left(accepted):
    assert accepted.outcome(D(2027, 2, 19)) is Outcome.EARLY
    assert accepted.outcome(D(2027, 2, 22)) == "on_time"
    assert accepted.outcome(D(2027, 2, 23)) == "late"
    assert accepted.outcome() is None
    assert not accepted.is_overdue(D(2027, 2, 22)) and accepted.is_overdue(D(2027, 2, 23))
    assert accepted.working_days_left(D(2027, 2, 19)) == 1
    assert accepted.working_days_left(D(2027, 2, 24)) == -2
    extended = accepted.extend(D(2027, 3, 5), T(2027, 2, 2, 9))
    assert extended.outcome(D(2027, 2, 23)) == "early"
    assert extended.complete(T(2027, 3, 8, 9)).outcome() == "late"
    done = accepted.complete(T(2027, 2, 22, 16))
    assert done.outcome() is Outcome.ON_TIME
    assert not done.is_overdue(D(2027, 3, 31))  # finished: never overdue
    assert done.days_used(D(2027, 3, 31)) == 10


def test_stop_freezes_the_clock_and_ends_the_dossier(accepted):
    stopped = accepted.stop(T(2027, 2, 3, 9))
    assert stopped.ended and stopped.days_used(D(2027, 3, 31)) == 2
    assert not stopped.is_overdue(D(2027, 3, 31))
    for action in (
        lambda: stopped.complete(T(2027, 2, 4, 9)),
        lambda: stopped.request_supplement(T(2027, 2, 3, 10)),
        lambda: stopped.stop(T(2027, 2, 5, 9)),
    ):
        refused(P.DOSSIER_ENDED, action)


def test_history_is_replayed_in_order(cal, accepted):
    history = [
        ClockEvent(K.RECEIVE, T(2027, 2, 1, 9)),
        ClockEvent(K.ACCEPT, T(2027, 2, 1, 10)),
        ClockEvent(K.REQUEST_SUPPLEMENT, T(2027, 2, 3, 10)),
        ClockEvent(K.RECEIVE_SUPPLEMENT, T(2027, 2, 16, 10)),
        ClockEvent(K.ACCEPT, T(2027, 2, 16, 11)),
        ClockEvent(K.EXTEND, T(2027, 2, 17, 11), new_due=D(2027, 3, 9)),
        ClockEvent(K.COMPLETE, T(2027, 3, 8, 15)),
    ]
    clock = DossierClock(cal, 10).replay(history)
    assert (clock.original_due, clock.due, clock.outcome()) == (D(2027, 3, 2), D(2027, 3, 9), Outcome.EARLY)
    refused(P.EVENT_BEFORE_PREVIOUS, lambda: accepted.stop(T(2027, 2, 1, 9, 30)))
    refused(P.ALREADY_RECEIVED, lambda: accepted.receive(T(2027, 2, 2, 9)))
    refused(P.ALREADY_ACCEPTED, lambda: accepted.accept(T(2027, 2, 2, 9)))
    refused(P.NOT_RECEIVED, lambda: DossierClock(cal, 10).accept(T(2027, 2, 2, 9)))
    refused(P.INVALID_DAYS, lambda: DossierClock(cal, -1))


def test_step_due_is_a_share_of_the_time_never_after_the_deadline(cal):
    # 12 office hours from Monday 23 Nov 2026 09:00: 7 on Monday, Culture Day skipped, 5 on
    # Wednesday -> Wednesday 14:00.
    assert step_due(cal, T(2026, 11, 23, 9), 1.5, D(2026, 11, 27)) == T(2026, 11, 25, 14)
    # 20 hours would end on Thursday 14:00: capped at the end of the dossier's due day.
    assert step_due(cal, T(2026, 11, 23, 9), 2.5, D(2026, 11, 25)) == T(2026, 11, 25, 17)
    assert step_due(cal, T(2026, 11, 23, 9), 0, D(2026, 11, 27)) == T(2026, 11, 27, 17)


def test_supplement_rules_the_procedure_turns_off(cal):
    # No legal text sets a time limit to ask, "once only" or a time to complete: each may be off.
    free = DossierClock(cal, 10, supplement_request_days=None, supplement_days=None, supplement_once_only=False)
    clock = free.receive(T(2027, 2, 1, 9)).accept(T(2027, 2, 1, 10))
    assert clock.supplement_request_due is None
    # Asked a month after receipt: no window to miss; no day to complete by, never expired.
    first = clock.request_supplement(T(2027, 3, 1, 9))
    assert first.paused and first.supplement_due is None and not first.supplement_expired(D(2028, 1, 1))
    refused(P.SUPPLEMENT_ALREADY_REQUESTED, lambda: first.request_supplement(T(2027, 3, 2, 9)))  # still awaited
    back = first.receive_supplement(T(2027, 6, 1, 9)).accept(T(2027, 6, 1, 10))
    # A second request is allowed, and the time restarts from zero on the second arrival.
    second = back.request_supplement(T(2027, 6, 2, 9)).receive_supplement(T(2027, 6, 7, 9))
    assert second.accept(T(2027, 6, 7, 10)).clock_start == D(2027, 6, 7)
    # The same history with "once only" on refuses the second request.
    once = DossierClock(cal, 10, supplement_request_days=None, supplement_days=None, supplement_once_only=True)
    once = once.receive(T(2027, 2, 1, 9)).request_supplement(T(2027, 3, 1, 9)).receive_supplement(T(2027, 6, 1, 9))
    refused(P.SUPPLEMENT_ALREADY_REQUESTED, lambda: once.request_supplement(T(2027, 6, 2, 9)))


def test_refusals_carry_their_dates_and_rule_in_both_languages(cal):
    """The dossier's own dates are in the refusal (dd/mm/yyyy), and a second request of supplements
    says why it is refused: still awaited, or allowed once only."""
    clock = DossierClock(cal, 10, supplement_request_days=3, supplement_once_only=True)
    received = clock.receive(T(2027, 3, 1, 9))
    with pytest.raises(OneStopError) as late:
        received.request_supplement(T(2027, 3, 10, 9))
    assert late.value.code is P.SUPPLEMENT_TOO_LATE
    assert late.value.message == (
        "Supplements had to be requested by 04/03/2027, within 3 working days of receipt (the procedure's setting)."
    )
    assert "chậm nhất ngày 04/03/2027, trong vòng 3 ngày làm việc" in late.value.message_vi
    waiting = received.request_supplement(T(2027, 3, 2, 9))
    with pytest.raises(OneStopError) as awaited:
        waiting.request_supplement(T(2027, 3, 3, 9))
    assert awaited.value.code is P.SUPPLEMENT_ALREADY_REQUESTED
    assert awaited.value.codes == (P.SUPPLEMENT_ALREADY_REQUESTED, P.SUPPLEMENT_PENDING)
    resumed = waiting.receive_supplement(T(2027, 3, 4, 9))
    with pytest.raises(OneStopError) as once:
        resumed.request_supplement(T(2027, 3, 5, 9))
    assert once.value.codes == (P.SUPPLEMENT_ALREADY_REQUESTED, P.SUPPLEMENT_ONCE_ONLY)
    assert once.value.message == "Supplements were already requested; the procedure allows one request only."
