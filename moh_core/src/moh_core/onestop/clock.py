"""The clock of one dossier at the one-stop shop (Decree 118/2025/NĐ-CP): its deadlines, replayed
from its history.

:class:`DossierClock` is the one implementation of the rules of :mod:`moh_core.onestop.deadlines`
for a dossier: it replays the dossier's history (:class:`ClockEvent`: received, accepted,
supplements requested and received, extension, stop, result returned) and answers the deadline in
force, whether the clock is paused, the days used and the outcome. Days are counted with a
:class:`~moh_core.calendar.WorkingCalendar` (weekends, public holidays and the government's moved
days), hours in its office hours; times are local naive datetimes in the agency's time zone.

Every refusal is a :class:`~moh_core.onestop.problems.OneStopError`. Nothing here imports Odoo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any

from moh_core.calendar import WorkingCalendar
from moh_core.onestop.deadlines import (
    ACCEPTANCE_HOURS,
    SUPPLEMENT_COMPLETION_DAYS,
    SUPPLEMENT_REQUEST_DAYS,
    DayUnit,
    Outcome,
    acceptance_deadline,
    apology_deadline,
    check_count,
    classify_completion,
    due_date,
    supplement_completion_deadline,
    supplement_request_deadline,
)
from moh_core.onestop.problems import OneStopError, OneStopProblem

__all__ = ["ClockEvent", "ClockEventKind", "DossierClock"]


def _day(value: dt.date | None) -> str:
    """A date as the refusals show it (dd/mm/yyyy)."""
    return value.strftime("%d/%m/%Y") if value else "?"


class ClockEventKind(StrEnum):
    """What happened to a dossier, as far as its clock is concerned."""

    RECEIVE = "receive"
    """The agency receives the dossier (filed online or at the counter): the day of the dossier
    code (Art. 28), the start of the supplement request window and of the acceptance hours."""
    ACCEPT = "accept"
    """The one-stop shop accepts the complete, valid dossier (form 01): the processing time
    starts (Art. 17.3)."""
    REQUEST_SUPPLEMENT = "request_supplement"
    """Supplements are requested (form 02): no deadline runs until the dossier is completed."""
    RECEIVE_SUPPLEMENT = "receive_supplement"
    """The completed dossier arrives: the processing time restarts from zero that day, once the
    one-stop shop has accepted it again."""
    EXTEND = "extend"
    """The apology with a new date (form 04): the deadline moves to ``new_due``."""
    STOP = "stop"
    """The dossier ends without a result: stopped at the applicant's request (Art. 21, form 05),
    refused or closed."""
    COMPLETE = "complete"
    """The result is returned."""


@dataclasses.dataclass(frozen=True)
class ClockEvent:
    """One event of a dossier's history, at a local time of the agency (naive datetime)."""

    kind: ClockEventKind
    at: dt.datetime
    new_due: dt.date | None = None
    """The new deadline of an :attr:`ClockEventKind.EXTEND`."""


@dataclasses.dataclass(frozen=True)
class DossierClock:
    """The deadlines of one dossier, replayed from its history: the one place where they are
    counted.

    Build it with the procedure's parameters, then :meth:`replay` the dossier's events (or apply
    them one by one: :meth:`receive`, :meth:`accept`, :meth:`request_supplement`,
    :meth:`receive_supplement`, :meth:`extend`, :meth:`stop`, :meth:`complete`). The clock is
    immutable: each event returns a new clock, or raises :class:`OneStopError` when the event
    breaks a rule. Times are local naive datetimes in the agency's time zone.

    Parameters:

    * ``processing_days`` / ``processing_unit``: the procedure's processing time, in working days
      (Art. 17.3, the default) or calendar days (:func:`due_date`).
    * ``supplement_request_days``: working days from receipt within which supplements may be
      requested (None: no limit); ``supplement_days`` / ``supplement_unit``: the time the
      applicant has to complete the dossier (None: no limit, the dossier is never closed for
      it); ``supplement_once_only``: a second request is refused. No legal text read sets these:
      they are parameters of each procedure (the clock's defaults are the product's former ones).
    * ``acceptance_hours``: working hours to accept or send back an online dossier (Art. 17.2.c).

    Rules:

    * The processing time runs from acceptance of the complete dossier (Art. 17.3); after
      supplements it restarts from zero on the day the completed dossier arrived.
    * Supplements are requested (once only when ``supplement_once_only``; never while earlier
      ones are awaited), within ``supplement_request_days`` working days of the dossier's *receipt* (the filing, not the acceptance: a dossier sent back before acceptance
      has no acceptance day), and never after an extension (the apology comes after the
      appraisal of the complete dossier). While they are awaited no deadline runs and no day is
      used.
    * The deadline is extended once only, to a later *working* day (the day the result is
      returned), by an apology sent at least one working day before the deadline in force.
    * A result is early, on time or late against the deadline in force (:func:`classify_completion`).
    """

    calendar: WorkingCalendar
    processing_days: int
    processing_unit: DayUnit = DayUnit.WORKING
    supplement_request_days: int | None = SUPPLEMENT_REQUEST_DAYS
    supplement_days: int | None = SUPPLEMENT_COMPLETION_DAYS
    supplement_unit: DayUnit = DayUnit.WORKING
    supplement_once_only: bool = True
    acceptance_hours: float = ACCEPTANCE_HOURS
    # The state, set by the events.
    received_at: dt.datetime | None = None
    accepted_on: dt.date | None = None
    supplement_requested_on: dt.date | None = None
    supplement_received_at: dt.datetime | None = None
    extended_due: dt.date | None = None
    extension_requested_on: dt.date | None = None
    stopped_on: dt.date | None = None
    completed_on: dt.date | None = None
    last_event_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        check_count(self.processing_days)
        for days in (self.supplement_request_days, self.supplement_days):
            if days is not None:
                check_count(days)
        check_count(self.acceptance_hours)
        object.__setattr__(self, "processing_unit", DayUnit(self.processing_unit))
        object.__setattr__(self, "supplement_unit", DayUnit(self.supplement_unit))

    # -- state ----------------------------------------------------------------------------------

    @property
    def received_on(self) -> dt.date | None:
        """The day the dossier was received (None before)."""
        return None if self.received_at is None else self.received_at.date()

    @property
    def ended(self) -> bool:
        """The result was returned, or the dossier stopped, refused or closed."""
        return self.stopped_on is not None or self.completed_on is not None

    @property
    def awaiting_supplement(self) -> bool:
        """Supplements were requested and have not arrived: the clock is paused."""
        return self.supplement_requested_on is not None and self.supplement_received_at is None

    paused = awaiting_supplement

    @property
    def awaiting_acceptance(self) -> bool:
        """Received (or completed) and not yet accepted: the 8 working hours run."""
        return (
            self.received_at is not None
            and self.accepted_on is None
            and not self.awaiting_supplement
            and not self.ended
        )

    @property
    def clock_start(self) -> dt.date | None:
        """The day the processing time runs from: the acceptance, or the day the completed
        dossier arrived; None before acceptance and while awaiting supplements."""
        if self.accepted_on is None or self.awaiting_supplement:
            return None
        if self.supplement_received_at is not None:
            return self.supplement_received_at.date()
        return self.accepted_on

    @property
    def original_due(self) -> dt.date | None:
        """The deadline before any extension; None while no processing time runs."""
        start = self.clock_start
        if start is None:
            return None
        return due_date(self.calendar, start, self.processing_days, self.processing_unit)

    @property
    def due(self) -> dt.date | None:
        """The deadline in force (the extended one, if any); None while no processing time runs."""
        if self.clock_start is None:
            return None
        return self.extended_due or self.original_due

    @property
    def extended(self) -> bool:
        return self.extended_due is not None

    @property
    def acceptance_due(self) -> dt.datetime | None:
        """When the dossier awaiting acceptance must be accepted or sent back (Art. 17.2.c)."""
        received_at = self.supplement_received_at or self.received_at
        if not self.awaiting_acceptance or received_at is None:  # awaiting acceptance: received
            return None
        return acceptance_deadline(self.calendar, received_at, self.acceptance_hours)

    @property
    def supplement_request_due(self) -> dt.date | None:
        """The last day supplements may be requested: counted from the receipt; None before it
        or when the procedure sets no limit."""
        if self.received_at is None or self.supplement_request_days is None:
            return None
        return supplement_request_deadline(self.calendar, self.received_at, self.supplement_request_days)

    @property
    def supplement_due(self) -> dt.date | None:
        """The last day for the requested supplements to arrive; None when none were requested
        or when the procedure sets no limit."""
        if self.supplement_requested_on is None or self.supplement_days is None:
            return None
        return supplement_completion_deadline(
            self.calendar, self.supplement_requested_on, self.supplement_days, self.supplement_unit
        )

    @property
    def apology_due(self) -> dt.date | None:
        """The last day to send the apology with an extension proposal."""
        due = self.due
        return None if due is None else apology_deadline(self.calendar, due)

    def supplement_expired(self, today: dt.date) -> bool:
        """The requested supplements have not arrived and their time is over: close the dossier."""
        due = self.supplement_due
        return self.awaiting_supplement and due is not None and today > due

    def is_overdue(self, today: dt.date) -> bool:
        """The deadline in force has passed and the dossier is still open (never while paused)."""
        due = self.due
        return due is not None and not self.ended and today > due

    def working_days_left(self, today: dt.date) -> int | None:
        """Working days from ``today`` to the deadline (negative once overdue), or None."""
        due = self.due
        return None if due is None else self.calendar.working_days_between(today, due)

    def days_used(self, today: dt.date) -> int:
        """Days of the processing time used by ``today``, in the procedure's unit.

        Counted from the clock's start up to ``today``, the end of the dossier or the supplement
        request, whichever comes first: a pause uses no day, and after the supplements arrive the
        count starts again from zero.
        """
        if self.awaiting_supplement:
            start, end = self.accepted_on, self.supplement_requested_on
        else:
            start, end = self.clock_start, self.stopped_on or self.completed_on
        if start is None:
            return 0
        end = today if end is None else min(today, end)
        if end <= start:
            return 0
        if self.processing_unit is DayUnit.WORKING:
            return self.calendar.working_days_between(start, end)
        return (end - start).days

    def outcome(self, completed_on: dt.date | None = None) -> Outcome | None:
        """Whether a result returned on ``completed_on`` (default: the day it was) is early, on
        time or late against the deadline in force; None when no result was returned.

        :raises OneStopError: ``NOT_ACCEPTED``, ``SUPPLEMENT_PENDING``, ``DATE_BEFORE_RECEIPT``.
        """
        completed_on = completed_on or self.completed_on
        if completed_on is None:
            return None
        due = self._running_due()
        start = self.clock_start
        if start is None:  # not reached: _running_due refuses a clock that has not started
            raise OneStopError(OneStopProblem.NOT_ACCEPTED)
        if completed_on < start:
            raise OneStopError(OneStopProblem.DATE_BEFORE_RECEIPT)
        return classify_completion(completed_on, due)

    # -- events ---------------------------------------------------------------------------------

    def replay(self, events: Iterable[ClockEvent]) -> DossierClock:
        """The clock after ``events``, in order.

        :raises OneStopError: the first event that breaks a rule.
        """
        clock = self
        for event in events:
            clock = clock.apply(event)
        return clock

    def apply(self, event: ClockEvent) -> DossierClock:
        """The clock after one event."""
        kind = ClockEventKind(event.kind)
        if kind is ClockEventKind.EXTEND:
            if event.new_due is None:
                raise OneStopError(OneStopProblem.EXTENSION_NOT_LATER, params={"date": _day(self.due)})
            return self.extend(event.new_due, event.at)
        step: Callable[[dt.datetime], DossierClock] = getattr(self, kind.value)
        return step(event.at)

    def receive(self, at: dt.datetime) -> DossierClock:
        """The agency receives the dossier at ``at``.

        :raises OneStopError: ``ALREADY_RECEIVED``.
        """
        if self.received_at is not None:
            raise OneStopError(OneStopProblem.ALREADY_RECEIVED)
        return self._event(at, received_at=at)

    def accept(self, at: dt.datetime) -> DossierClock:
        """The one-stop shop accepts the complete dossier at ``at``: the processing time starts,
        from that day, or from the day the completed dossier arrived after supplements.

        :raises OneStopError: ``NOT_RECEIVED``, ``ALREADY_ACCEPTED``, ``SUPPLEMENT_PENDING``,
            ``DOSSIER_ENDED``, ``EVENT_BEFORE_PREVIOUS``.
        """
        self._check_open(at)
        if self.awaiting_supplement:
            raise OneStopError(OneStopProblem.SUPPLEMENT_PENDING)
        if self.accepted_on is not None:
            raise OneStopError(OneStopProblem.ALREADY_ACCEPTED)
        return self._event(at, accepted_on=at.date())

    def request_supplement(self, at: dt.datetime) -> DossierClock:
        """Supplements are requested at ``at``: within the window from receipt (if any), once only
        if the procedure says so, never while earlier ones are awaited nor after an extension; the
        clock pauses, and restarts from zero when they arrive.

        :raises OneStopError: ``SUPPLEMENT_ALREADY_REQUESTED``, ``SUPPLEMENT_TOO_LATE``,
            ``SUPPLEMENT_AFTER_EXTENSION``, ``NOT_RECEIVED``, ``DOSSIER_ENDED``,
            ``EVENT_BEFORE_PREVIOUS``.
        """
        self._check_open(at)
        if self.supplement_requested_on is not None and (self.supplement_once_only or self.awaiting_supplement):
            second = (
                OneStopProblem.SUPPLEMENT_PENDING if self.awaiting_supplement else OneStopProblem.SUPPLEMENT_ONCE_ONLY
            )
            raise OneStopError(
                OneStopProblem.SUPPLEMENT_ALREADY_REQUESTED,
                codes=(OneStopProblem.SUPPLEMENT_ALREADY_REQUESTED, second),
            )
        if self.extended:
            raise OneStopError(OneStopProblem.SUPPLEMENT_AFTER_EXTENSION)
        if self.supplement_request_due is not None and at.date() > self.supplement_request_due:
            raise OneStopError(
                OneStopProblem.SUPPLEMENT_TOO_LATE,
                f"received {self.received_on}, last day {self.supplement_request_due}, asked {at.date()}",
                params={"date": _day(self.supplement_request_due), "days": self.supplement_request_days},
            )
        return self._event(at, supplement_requested_on=at.date(), supplement_received_at=None)

    def receive_supplement(self, at: dt.datetime) -> DossierClock:
        """The completed dossier arrives at ``at``: it awaits acceptance again, and the processing
        time then restarts from zero on this day.

        :raises OneStopError: ``SUPPLEMENT_NOT_REQUESTED``, ``SUPPLEMENT_ALREADY_RECEIVED``,
            ``SUPPLEMENT_EXPIRED`` (the dossier is to be closed), ``DOSSIER_ENDED``,
            ``EVENT_BEFORE_PREVIOUS``.
        """
        self._check_open(at)
        if self.supplement_requested_on is None:
            raise OneStopError(OneStopProblem.SUPPLEMENT_NOT_REQUESTED)
        if self.supplement_received_at is not None:
            raise OneStopError(OneStopProblem.SUPPLEMENT_ALREADY_RECEIVED)
        if self.supplement_expired(at.date()):
            raise OneStopError(
                OneStopProblem.SUPPLEMENT_EXPIRED,
                f"last day {self.supplement_due}, arrived {at.date()}",
                params={"date": _day(self.supplement_due)},
            )
        return self._event(at, supplement_received_at=at, accepted_on=None)

    def extend(self, new_due: dt.date, at: dt.datetime) -> DossierClock:
        """The apology sent at ``at`` moves the deadline to ``new_due``, once only.

        :raises OneStopError: ``EXTENSION_ALREADY_GRANTED``, ``EXTENSION_NOT_LATER``,
            ``EXTENSION_NOT_WORKING_DAY``, ``APOLOGY_TOO_LATE``, ``NOT_ACCEPTED``,
            ``SUPPLEMENT_PENDING``, ``DOSSIER_ENDED``, ``EVENT_BEFORE_PREVIOUS``.
        """
        self._check_open(at)
        due = self._running_due()
        if self.extended:
            raise OneStopError(OneStopProblem.EXTENSION_ALREADY_GRANTED)
        last_apology_day = apology_deadline(self.calendar, due)
        if at.date() > last_apology_day:
            raise OneStopError(
                OneStopProblem.APOLOGY_TOO_LATE,
                f"deadline {due}, last day {last_apology_day}, sent {at.date()}",
                params={"date": _day(last_apology_day)},
            )
        if new_due <= due:
            raise OneStopError(
                OneStopProblem.EXTENSION_NOT_LATER,
                f"{new_due} is not after {due}",
                params={"date": _day(due)},
            )
        if not self.calendar.is_working_day(new_due):
            raise OneStopError(OneStopProblem.EXTENSION_NOT_WORKING_DAY, params={"date": _day(due)})
        return self._event(at, extended_due=new_due, extension_requested_on=at.date())

    def stop(self, at: dt.datetime) -> DossierClock:
        """The dossier ends at ``at`` without a result (stopped, refused or closed).

        :raises OneStopError: ``NOT_RECEIVED``, ``DOSSIER_ENDED``, ``EVENT_BEFORE_PREVIOUS``.
        """
        self._check_open(at)
        return self._event(at, stopped_on=at.date())

    def complete(self, at: dt.datetime) -> DossierClock:
        """The result is returned at ``at``.

        :raises OneStopError: ``NOT_ACCEPTED``, ``SUPPLEMENT_PENDING``, ``DOSSIER_ENDED``,
            ``EVENT_BEFORE_PREVIOUS``.
        """
        self._check_open(at)
        self._running_due()
        return self._event(at, completed_on=at.date())

    # -- helpers --------------------------------------------------------------------------------

    def _event(self, at: dt.datetime, **changes: Any) -> DossierClock:
        return dataclasses.replace(self, last_event_at=at, **changes)

    def _check_open(self, at: dt.datetime) -> None:
        if self.received_at is None:
            raise OneStopError(OneStopProblem.NOT_RECEIVED)
        if self.ended:
            raise OneStopError(OneStopProblem.DOSSIER_ENDED)
        if self.last_event_at is not None and at < self.last_event_at:
            raise OneStopError(
                OneStopProblem.EVENT_BEFORE_PREVIOUS,
                f"{at} before {self.last_event_at}",
            )

    def _running_due(self) -> dt.date:
        if self.awaiting_supplement:
            raise OneStopError(OneStopProblem.SUPPLEMENT_PENDING)
        due = self.due
        if due is None:
            raise OneStopError(OneStopProblem.NOT_ACCEPTED)
        return due
