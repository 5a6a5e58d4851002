"""Rules of the dossier clock that only a mutation run showed unpinned (scripts/mutation.sh): each
event's time kept, the errors' codes and messages, the units given as plain strings, a deadline
in calendar days, a one-interval office day. Only the package's public names are used."""

import datetime as dt

import pytest

from moh_core.calendar import WorkingCalendar
from moh_core.onestop import (
    ClockEvent,
    ClockEventKind,
    DossierClock,
    OneStopError,
    OneStopProblem,
    ProvidedFile,
    Requirement,
    completeness,
    step_due,
)

D = dt.date
T = dt.datetime
P = OneStopProblem
CAL = WorkingCalendar()  # Monday to Friday, no holiday


def refused(code, action) -> str:
    with pytest.raises(OneStopError) as info:
        action()
    assert info.value.code is code, info.value
    return info.value.detail


def _accepted(days: int = 5, **settings) -> DossierClock:
    # Received and accepted Monday 2 November 2026.
    return DossierClock(CAL, days, **settings).receive(T(2026, 11, 2, 9)).accept(T(2026, 11, 2, 10))


def test_every_event_keeps_its_time():
    at = T(2026, 11, 2, 9)
    clock = DossierClock(CAL, 5).receive(at)
    assert clock.last_event_at == at
    for step, action in (
        (T(2026, 11, 2, 10), lambda c, t: c.accept(t)),
        (T(2026, 11, 3, 9), lambda c, t: c.request_supplement(t)),
        (T(2026, 11, 4, 9), lambda c, t: c.receive_supplement(t)),
        (T(2026, 11, 4, 10), lambda c, t: c.accept(t)),
        (T(2026, 11, 5, 9), lambda c, t: c.extend(D(2026, 11, 20), t)),
        (T(2026, 11, 6, 9), lambda c, t: c.complete(t)),
    ):
        clock = action(clock, step)
        assert clock.last_event_at == step
    assert clock.extension_requested_on == D(2026, 11, 5)
    stopped = _accepted().stop(T(2026, 11, 3, 11))
    assert stopped.last_event_at == T(2026, 11, 3, 11)


def test_an_event_before_the_previous_one_is_refused_with_both_times():
    clock = _accepted()
    message = refused(P.EVENT_BEFORE_PREVIOUS, lambda: clock.complete(T(2026, 11, 2, 9, 30)))
    assert message == "2026-11-02 09:30:00 before 2026-11-02 10:00:00"


def test_negative_days_are_refused_with_the_value():
    assert refused(P.INVALID_DAYS, lambda: DossierClock(CAL, -1)) == "-1"


def test_the_extension_errors_say_the_dates():
    clock = _accepted()  # due Monday 9 November; the apology by Friday 6
    message = refused(P.APOLOGY_TOO_LATE, lambda: clock.extend(D(2026, 11, 20), T(2026, 11, 9, 9)))
    assert message == "deadline 2026-11-09, last day 2026-11-06, sent 2026-11-09"
    message = refused(P.EXTENSION_NOT_LATER, lambda: clock.extend(D(2026, 11, 9), T(2026, 11, 3, 9)))
    assert message == "2026-11-09 is not after 2026-11-09"
    refused(P.EXTENSION_NOT_LATER, lambda: clock.apply(ClockEvent(ClockEventKind.EXTEND, T(2026, 11, 3, 9))))


def test_a_late_supplement_is_refused_with_its_dates():
    clock = DossierClock(CAL, 5, supplement_days=2).receive(T(2026, 11, 2, 9)).request_supplement(T(2026, 11, 2, 10))
    message = refused(P.SUPPLEMENT_EXPIRED, lambda: clock.receive_supplement(T(2026, 11, 5, 9)))
    assert message == "last day 2026-11-04, arrived 2026-11-05"


def test_the_refusals_name_the_dossier_s_dates():
    """The user reads the refusal: each names the date that rules it, as dd/mm/yyyy."""
    clock = _accepted()  # due Monday 9 November; the apology by Friday 6

    def message(code, action):
        with pytest.raises(OneStopError) as info:
            action()
        assert info.value.code is code
        return info.value.message, info.value.message_vi

    late = message(P.APOLOGY_TOO_LATE, lambda: clock.extend(D(2026, 11, 20), T(2026, 11, 9, 9)))
    assert late[0] == "The apology had to be sent by 06/11/2026, at least one working day before the deadline."
    assert "chậm nhất ngày 06/11/2026" in late[1]
    earlier = message(P.EXTENSION_NOT_LATER, lambda: clock.extend(D(2026, 11, 9), T(2026, 11, 3, 9)))
    assert earlier[0] == "The new date must come after the current deadline 09/11/2026."
    assert earlier[1] == "Ngày hẹn mới phải sau hạn giải quyết hiện tại 09/11/2026."
    no_date = message(P.EXTENSION_NOT_LATER, lambda: clock.apply(ClockEvent(ClockEventKind.EXTEND, T(2026, 11, 3, 9))))
    assert no_date[0] == earlier[0]
    sunday = message(P.EXTENSION_NOT_WORKING_DAY, lambda: clock.extend(D(2026, 11, 15), T(2026, 11, 3, 9)))
    assert sunday[0] == (
        "The new date is not a working day: choose a working day after the current deadline 09/11/2026."
    )
    waiting = DossierClock(CAL, 5, supplement_days=2).receive(T(2026, 11, 2, 9)).request_supplement(T(2026, 11, 2, 10))
    expired = message(P.SUPPLEMENT_EXPIRED, lambda: waiting.receive_supplement(T(2026, 11, 5, 9)))
    assert expired[0] == "The time to complete the dossier ended on 04/11/2026: it is to be closed."
    assert "đã kết thúc ngày 04/11/2026" in expired[1]
    # Not yet accepted: no deadline to name.
    received = DossierClock(CAL, 5).receive(T(2026, 11, 2, 9))
    unknown = message(
        P.EXTENSION_NOT_LATER, lambda: received.apply(ClockEvent(ClockEventKind.EXTEND, T(2026, 11, 3, 9)))
    )
    assert unknown[0] == "The new date must come after the current deadline ?."


def test_a_result_dated_before_the_clock_started_is_refused():
    refused(P.DATE_BEFORE_RECEIPT, lambda: _accepted().outcome(D(2026, 10, 30)))


def test_no_days_left_without_a_deadline():
    assert DossierClock(CAL, 5).working_days_left(D(2026, 11, 2)) is None


def test_units_given_as_strings_count_as_the_units():
    # Working days: Friday 6 to Monday 9 November is one working day, not three calendar days.
    clock = DossierClock(CAL, 5, processing_unit="working", supplement_unit="working")
    clock = clock.receive(T(2026, 11, 6, 9)).accept(T(2026, 11, 6, 10))
    assert clock.days_used(D(2026, 11, 9)) == 1
    assert type(clock.supplement_unit) is type(DossierClock(CAL, 5).supplement_unit)


def test_a_deadline_in_calendar_days():
    # 0 days from a Saturday: the same day; 1 day from a Friday ends on a Saturday, so Monday.
    saturday = DossierClock(CAL, 0, processing_unit="calendar").receive(T(2026, 11, 7, 9)).accept(T(2026, 11, 7, 10))
    assert saturday.due == D(2026, 11, 7)
    friday = DossierClock(CAL, 1, processing_unit="calendar").receive(T(2026, 11, 6, 9)).accept(T(2026, 11, 6, 10))
    assert friday.due == D(2026, 11, 9)


def test_a_step_is_due_by_the_end_of_the_only_office_interval():
    one_interval = WorkingCalendar(day_intervals=((dt.time(7, 30), dt.time(16, 30)),))
    assert step_due(one_interval, T(2026, 11, 2, 9), 0, D(2026, 11, 6)) == T(2026, 11, 6, 16, 30)


def test_a_duplicate_requirement_and_an_unknown_key_say_which():
    twice = [Requirement("don", "Đơn đề nghị"), Requirement("don", "Đơn đề nghị")]
    message = refused(P.DUPLICATE_REQUIREMENT, lambda: completeness(twice, []))
    assert message == "'don'"
    report = completeness([Requirement("don", "Đơn đề nghị")], [ProvidedFile("don", "don.pdf")])
    with pytest.raises(KeyError, match=r"^'giay_phep'$"):
        report.status_of("giay_phep")
