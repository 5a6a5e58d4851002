"""One-stop shop arithmetic: dossier codes, deadlines, the processing clock, completeness.

Rules implemented (Decree 118/2025/NĐ-CP on the one-stop shop for administrative procedures,
in force 1 July 2025):

* **Dossier code** (Art. 28): the competent agency's identification code, the date of receipt as
  ``yymmdd`` and the sequence number of the dossier that day, e.g. ``000.00.04.G18-200727-0516``
  (:func:`format_dossier_code`, :func:`parse_dossier_code`). The sequence has four digits, more
  only past 9999 dossiers a day.
* **Acceptance of an online dossier** (Art. 17.2.c): accepted, or sent back for supplements,
  within 8 working hours of submission (:func:`acceptance_deadline`).
* **Processing time** (Art. 17.3): counted in working days from acceptance of the complete,
  valid dossier (form 01); the day of acceptance is not counted (:func:`due_date`). A procedure
  whose own text sets its time limit in days counts calendar days, a period ending on a day off
  ending on the next working day (Civil Code 2015, Art. 148.5).
* **Supplements**: every defect is listed at once (Art. 17.2.a); the processing time then
  restarts *from zero* on the day the completed dossier arrives — it does not pause and resume.
  A time limit to ask (N working days of the dossier's receipt, :func:`supplement_request_deadline`),
  "once only" and closing a dossier not completed within N days of the request
  (:func:`supplement_completion_deadline`) are found in no legal text read: parameters of each
  procedure, off by default.
* **Late results** (form 04 of Circular 03/2025/TT-VPCP; the article, "one working day before" and
  "once only" are to be verified): the agency sends an apology with the reason and a proposed new
  date, a working day, by the working day before the deadline (:func:`apology_deadline`); the
  deadline is extended once only.

:class:`DossierClock` is the one implementation of these rules for a dossier: it replays the
dossier's history (:class:`ClockEvent`: received, accepted, supplements requested and received,
extension, stop, result returned) and answers the deadline in force, whether the clock is paused,
the days used and the outcome. Days are counted with a :class:`~moh_core.calendar.WorkingCalendar`
(weekends, public holidays and the government's moved days), hours in its office hours; times are
local naive datetimes in the agency's time zone.

:func:`completeness` checks the files of a dossier against the procedure's list of required
documents, using the verdicts of :func:`moh_core.onestop.uploads.check_upload`.

Every refusal is a :class:`OneStopError` with a machine code (:class:`OneStopProblem`) that the
Odoo side translates, and an English message. Nothing here imports Odoo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from moh_core.calendar import WorkingCalendar

if TYPE_CHECKING:  # uploads pulls in pyHanko; the clock arithmetic does not need it
    from moh_core.onestop.uploads import UploadCheck, UploadProblem

__all__ = [
    "ACCEPTANCE_HOURS",
    "ClockEvent",
    "ClockEventKind",
    "SUPPLEMENT_COMPLETION_DAYS",
    "SUPPLEMENT_REQUEST_DAYS",
    "CompletenessProblem",
    "CompletenessReport",
    "DayUnit",
    "DossierClock",
    "ItemStatus",
    "OneStopError",
    "OneStopProblem",
    "Outcome",
    "ProvidedFile",
    "Requirement",
    "RequirementStatus",
    "acceptance_deadline",
    "apology_deadline",
    "classify_completion",
    "completeness",
    "due_date",
    "format_dossier_code",
    "parse_dossier_code",
    "step_due",
    "supplement_completion_deadline",
    "supplement_request_deadline",
]

#: Working hours to accept or send back an online dossier (Art. 17.2.c).
ACCEPTANCE_HOURS = 8
#: Working days from receipt within which a supplement may be requested: no legal text found; the
#: clock's default when a caller names none (each procedure sets its own, off by default).
SUPPLEMENT_REQUEST_DAYS = 3
#: Working days within which a requested supplement must arrive, or the dossier is closed: no legal
#: text found; the clock's default when a caller names none (each procedure's, off by default).
SUPPLEMENT_COMPLETION_DAYS = 15


class OneStopProblem(StrEnum):
    """Machine codes of :class:`OneStopError`; the Odoo side translates them."""

    INVALID_AGENCY_CODE = "invalid_agency_code"
    INVALID_SEQUENCE = "invalid_sequence"
    MALFORMED_DOSSIER_CODE = "malformed_dossier_code"
    INVALID_DAYS = "invalid_days"
    DATE_BEFORE_RECEIPT = "date_before_receipt"
    SUPPLEMENT_ALREADY_REQUESTED = "supplement_already_requested"
    SUPPLEMENT_TOO_LATE = "supplement_too_late"
    SUPPLEMENT_NOT_REQUESTED = "supplement_not_requested"
    SUPPLEMENT_ALREADY_RECEIVED = "supplement_already_received"
    SUPPLEMENT_BEFORE_REQUEST = "supplement_before_request"
    SUPPLEMENT_EXPIRED = "supplement_expired"
    SUPPLEMENT_PENDING = "supplement_pending"
    EXTENSION_ALREADY_GRANTED = "extension_already_granted"
    EXTENSION_NOT_LATER = "extension_not_later"
    EXTENSION_NOT_WORKING_DAY = "extension_not_working_day"
    APOLOGY_TOO_LATE = "apology_too_late"
    DUPLICATE_REQUIREMENT = "duplicate_requirement"
    ALREADY_RECEIVED = "already_received"
    NOT_RECEIVED = "not_received"
    ALREADY_ACCEPTED = "already_accepted"
    NOT_ACCEPTED = "not_accepted"
    DOSSIER_ENDED = "dossier_ended"
    SUPPLEMENT_AFTER_EXTENSION = "supplement_after_extension"
    EVENT_BEFORE_PREVIOUS = "event_before_previous"

    @property
    def description(self) -> str:
        """One English sentence, for logs and messages."""
        return _PROBLEM_DESCRIPTIONS[self]


_PROBLEM_DESCRIPTIONS: dict[OneStopProblem, str] = {
    OneStopProblem.INVALID_AGENCY_CODE: "the agency identification code is invalid "
    "(digits and letters in dot-separated groups, e.g. 000.00.04.G18)",
    OneStopProblem.INVALID_SEQUENCE: "the sequence number of the day must be at least 1",
    OneStopProblem.MALFORMED_DOSSIER_CODE: "the dossier code is not of the form <agency code>-<yymmdd>-<sequence>",
    OneStopProblem.INVALID_DAYS: "a number of days or hours must not be negative",
    OneStopProblem.DATE_BEFORE_RECEIPT: "the date is before the dossier was received",
    OneStopProblem.SUPPLEMENT_ALREADY_REQUESTED: "a supplement was already requested; it may be requested once only",
    OneStopProblem.SUPPLEMENT_TOO_LATE: "a supplement must be requested within 3 working days of receipt",
    OneStopProblem.SUPPLEMENT_NOT_REQUESTED: "no supplement was requested for this dossier",
    OneStopProblem.SUPPLEMENT_ALREADY_RECEIVED: "the supplement was already received",
    OneStopProblem.SUPPLEMENT_BEFORE_REQUEST: "the supplement cannot arrive before it was requested",
    OneStopProblem.SUPPLEMENT_EXPIRED: "the supplement arrived after its deadline; the dossier is to be closed",
    OneStopProblem.SUPPLEMENT_PENDING: "the dossier is waiting for a supplement; "
    "its processing time has not started again",
    OneStopProblem.EXTENSION_ALREADY_GRANTED: "the deadline was already extended; it may be extended once only",
    OneStopProblem.EXTENSION_NOT_LATER: "the new deadline must be later than the current one",
    OneStopProblem.EXTENSION_NOT_WORKING_DAY: "the new deadline must be a working day",
    OneStopProblem.APOLOGY_TOO_LATE: "the apology and extension proposal must be sent at least "
    "one working day before the deadline",
    OneStopProblem.DUPLICATE_REQUIREMENT: "two required documents have the same key",
    OneStopProblem.ALREADY_RECEIVED: "the dossier was already received",
    OneStopProblem.NOT_RECEIVED: "the dossier has not been received",
    OneStopProblem.ALREADY_ACCEPTED: "the dossier was already accepted",
    OneStopProblem.NOT_ACCEPTED: "the dossier has not been accepted; its processing time has not started",
    OneStopProblem.DOSSIER_ENDED: "the dossier is finished",
    OneStopProblem.SUPPLEMENT_AFTER_EXTENSION: "the deadline was extended; supplements can no longer be requested",
    OneStopProblem.EVENT_BEFORE_PREVIOUS: "an event of the dossier cannot come before the previous one",
}


class OneStopError(ValueError):
    """A one-stop shop rule was broken; ``code`` says which, the message says it in English."""

    def __init__(self, code: OneStopProblem, message: str | None = None) -> None:
        self.code = code
        self.message = message or code.description
        super().__init__(self.message)


class DayUnit(StrEnum):
    """How a period in days is counted."""

    WORKING = "working"
    """Working days of the calendar; the start day is not counted."""
    CALENDAR = "calendar"
    """Calendar days; a period ending on a day off ends on the next working day
    (Civil Code 2015, Art. 148)."""


class Outcome(StrEnum):
    """When a result was returned, compared with the deadline (equal to the plain strings)."""

    EARLY = "early"
    """Before the deadline day."""
    ON_TIME = "on_time"
    """On the deadline day."""
    LATE = "late"
    """After the deadline day."""


# -- dossier code (Art. 28) ----------------------------------------------------------------------

#: An agency identification code: groups of digits and letters separated by dots.
_AGENCY_CODE = r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*"
_DOSSIER_CODE = re.compile(
    rf"(?P<agency>{_AGENCY_CODE})-(?P<date>[0-9]{{6}})-(?P<sequence>[0-9]{{4}}|[1-9][0-9]{{4,}})"
)


def format_dossier_code(agency_code: str, received: dt.date, sequence: int) -> str:
    """The dossier code: ``<agency code>-<yymmdd>-<sequence of the day, 4 digits or more>``.

    :raises OneStopError: ``INVALID_AGENCY_CODE`` or ``INVALID_SEQUENCE`` (below 1).
    """
    if not re.fullmatch(_AGENCY_CODE, agency_code or ""):
        raise OneStopError(
            OneStopProblem.INVALID_AGENCY_CODE,
            f"Agency code {agency_code!r}: {OneStopProblem.INVALID_AGENCY_CODE.description}.",
        )
    if isinstance(received, dt.datetime):
        received = received.date()
    if sequence < 1:
        raise OneStopError(OneStopProblem.INVALID_SEQUENCE)
    return f"{agency_code}-{received:%y%m%d}-{sequence:04d}"


def parse_dossier_code(code: str) -> tuple[str, dt.date, int]:
    """``(agency code, date of receipt, sequence)`` of a code made by :func:`format_dossier_code`.

    Two-digit years are read as 20yy. Only the canonical form is accepted (no spaces, no
    sequence ``0000``, no leading zero beyond four digits), so that parsing and formatting
    round-trip.

    :raises OneStopError: ``MALFORMED_DOSSIER_CODE`` (a :class:`ValueError`).
    """
    match = _DOSSIER_CODE.fullmatch(code) if isinstance(code, str) else None
    if match is None or int(match["sequence"]) < 1:
        raise OneStopError(
            OneStopProblem.MALFORMED_DOSSIER_CODE,
            f"Dossier code {code!r}: {OneStopProblem.MALFORMED_DOSSIER_CODE.description}.",
        )
    digits = match["date"]
    try:
        received = dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError as exc:
        raise OneStopError(
            OneStopProblem.MALFORMED_DOSSIER_CODE,
            f"Dossier code {code!r}: {digits} is not a date.",
        ) from exc
    return match["agency"], received, int(match["sequence"])


# -- deadlines -----------------------------------------------------------------------------------


def _day(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _check_count(value: float) -> None:
    if value < 0:
        raise OneStopError(OneStopProblem.INVALID_DAYS, f"{value}: {OneStopProblem.INVALID_DAYS.description}.")


def acceptance_deadline(
    cal: WorkingCalendar, submitted_at: dt.datetime, hours: float = ACCEPTANCE_HOURS
) -> dt.datetime:
    """When an online dossier submitted at ``submitted_at`` must be accepted or sent back.

    Counted in the calendar's office hours: a dossier submitted in the evening or at a weekend
    starts its 8 hours at the next opening, and the lunch break does not count.
    """
    _check_count(hours)
    return cal.add_working_hours(submitted_at, hours)


def supplement_request_deadline(
    cal: WorkingCalendar,
    submitted_at: dt.date | dt.datetime,
    days: int = SUPPLEMENT_REQUEST_DAYS,
) -> dt.date:
    """The last day to ask for a supplement: the ``days``-th working day after receipt."""
    _check_count(days)
    return cal.add_working_days(_day(submitted_at), days)


def supplement_completion_deadline(
    cal: WorkingCalendar,
    requested_at: dt.date | dt.datetime,
    days: int = SUPPLEMENT_COMPLETION_DAYS,
    unit: DayUnit = DayUnit.WORKING,
) -> dt.date:
    """The last day for the completed dossier to arrive; past it the dossier is closed.

    ``unit`` says how the days count: working days by default, or calendar days, the period then
    ending on the next working day when its last day is a day off.
    """
    _check_count(days)
    start = _day(requested_at)
    if DayUnit(unit) is DayUnit.WORKING:
        return cal.add_working_days(start, days)
    end = start + dt.timedelta(days=days)
    return end if cal.is_working_day(end) else cal.next_working_day(end)


def due_date(
    cal: WorkingCalendar,
    received_on: dt.date,
    processing_days: int,
    unit: DayUnit = DayUnit.WORKING,
) -> dt.date:
    """The day the result is due: ``processing_days`` after receipt of the complete dossier, the
    day of receipt not counted (0 days: the same day).

    ``unit`` is the procedure's: working days (Art. 17.3, the default), or calendar days when the
    procedure's own text sets its time limit in days without saying working days; weekends and
    holidays then count, and a period ending on a day off ends on the next working day (Civil
    Code 2015, Art. 148.5).
    """
    _check_count(processing_days)
    start = _day(received_on)
    if DayUnit(unit) is DayUnit.WORKING:
        return cal.add_working_days(start, processing_days)
    end = start + dt.timedelta(days=processing_days)
    return end if processing_days == 0 or cal.is_working_day(end) else cal.next_working_day(end)


def classify_completion(completed_on: dt.date, due: dt.date) -> Outcome:
    """A result returned on ``completed_on`` against the deadline ``due`` (the one in force,
    i.e. the extended one after an extension): before the deadline day, on it, or after it."""
    if completed_on < due:
        return Outcome.EARLY
    if completed_on == due:
        return Outcome.ON_TIME
    return Outcome.LATE


def apology_deadline(cal: WorkingCalendar, due: dt.date) -> dt.date:
    """The last day to send the apology and extension proposal: the working day before ``due``."""
    return cal.add_working_days(due, -1)


# -- the clock of one dossier --------------------------------------------------------------------


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
        _check_count(self.processing_days)
        for days in (self.supplement_request_days, self.supplement_days):
            if days is not None:
                _check_count(days)
        _check_count(self.acceptance_hours)
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
                raise OneStopError(OneStopProblem.EXTENSION_NOT_LATER)
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
            raise OneStopError(OneStopProblem.SUPPLEMENT_ALREADY_REQUESTED)
        if self.extended:
            raise OneStopError(OneStopProblem.SUPPLEMENT_AFTER_EXTENSION)
        if self.supplement_request_due is not None and at.date() > self.supplement_request_due:
            raise OneStopError(
                OneStopProblem.SUPPLEMENT_TOO_LATE,
                f"{OneStopProblem.SUPPLEMENT_TOO_LATE.description} "
                f"(received {self.received_on}, last day {self.supplement_request_due}, "
                f"asked {at.date()}).",
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
                f"{OneStopProblem.SUPPLEMENT_EXPIRED.description} "
                f"(last day {self.supplement_due}, arrived {at.date()}).",
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
                f"{OneStopProblem.APOLOGY_TOO_LATE.description} "
                f"(deadline {due}, last day {last_apology_day}, sent {at.date()}).",
            )
        if new_due <= due:
            raise OneStopError(
                OneStopProblem.EXTENSION_NOT_LATER,
                f"{OneStopProblem.EXTENSION_NOT_LATER.description} ({new_due} is not after {due}).",
            )
        if not self.calendar.is_working_day(new_due):
            raise OneStopError(OneStopProblem.EXTENSION_NOT_WORKING_DAY)
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
                f"{OneStopProblem.EVENT_BEFORE_PREVIOUS.description} ({at} before {self.last_event_at}).",
            )

    def _running_due(self) -> dt.date:
        if self.awaiting_supplement:
            raise OneStopError(OneStopProblem.SUPPLEMENT_PENDING)
        due = self.due
        if due is None:
            raise OneStopError(OneStopProblem.NOT_ACCEPTED)
        return due


def step_due(cal: WorkingCalendar, started_at: dt.datetime, days: float, dossier_due: dt.date) -> dt.datetime:
    """When a one-stop step (a row of the process control slip, form 06) that starts at
    ``started_at`` is due: its share of the processing time, ``days`` office days of the
    calendar's hours, and never after the end of the dossier's due day."""
    _check_count(days)
    due_end = dt.datetime.combine(dossier_due, cal.day_intervals[-1][1])
    if not days:
        return due_end
    return min(cal.add_working_hours(started_at, days * cal.hours_per_day), due_end)


# -- completeness of the dossier's documents -----------------------------------------------------


class ItemStatus(StrEnum):
    """The state of one required document in a dossier."""

    OK = "ok"
    MISSING = "missing"
    UNREADABLE = "unreadable"
    """A file was provided but failed the upload check (wrong type, unreadable, encrypted...)."""
    BAD_SIGNATURE = "bad_signature"
    """A file was provided whose embedded signatures are not all valid."""


#: Worst first: with several files for one requirement, the worst one decides.
_SEVERITY = (ItemStatus.UNREADABLE, ItemStatus.BAD_SIGNATURE, ItemStatus.OK)


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One document of the procedure's dossier list (``key`` is stable, ``name`` is shown)."""

    key: str
    name: str
    required: bool = True


@dataclasses.dataclass(frozen=True)
class ProvidedFile:
    """A file of the dossier, for one requirement; ``check`` is None for a file not checked
    (e.g. a paper copy scanned at the counter), which counts as acceptable."""

    requirement_key: str
    filename: str
    check: UploadCheck | None = None

    @property
    def status(self) -> ItemStatus:
        if self.check is None:
            return ItemStatus.OK
        if not self.check.ok:
            return ItemStatus.UNREADABLE
        if self.check.signatures_valid is False:
            return ItemStatus.BAD_SIGNATURE
        return ItemStatus.OK


@dataclasses.dataclass(frozen=True)
class CompletenessProblem:
    """Why a requirement blocks the dossier; ``filename`` and ``upload_problem`` name the file."""

    requirement_key: str
    status: ItemStatus
    filename: str | None = None
    upload_problem: UploadProblem | None = None

    @property
    def description(self) -> str:
        text = {
            ItemStatus.MISSING: "required document missing",
            ItemStatus.UNREADABLE: "file not acceptable",
            ItemStatus.BAD_SIGNATURE: "signature not valid",
            ItemStatus.OK: "acceptable",
        }[self.status]
        text = f"{self.requirement_key}: {text}"
        if self.filename:
            text += f" ({self.filename}"
            text += f": {self.upload_problem.description})" if self.upload_problem else ")"
        return text


@dataclasses.dataclass(frozen=True)
class RequirementStatus:
    """One requirement, its files and their combined status."""

    requirement: Requirement
    status: ItemStatus
    files: tuple[ProvidedFile, ...]

    @property
    def blocking(self) -> bool:
        """A required document not ok, or an optional one provided but not acceptable."""
        if self.status is ItemStatus.OK:
            return False
        return self.requirement.required or self.status is not ItemStatus.MISSING


@dataclasses.dataclass(frozen=True)
class CompletenessReport:
    """Every requirement's status, in the procedure's order, and the files matching none."""

    items: tuple[RequirementStatus, ...]
    unmatched_files: tuple[ProvidedFile, ...] = ()
    """Files for a key the procedure no longer lists: shown, not blocking."""

    @property
    def complete(self) -> bool:
        """Every required document is ok and no provided file is unacceptable."""
        return not any(item.blocking for item in self.items)

    @property
    def problems(self) -> tuple[CompletenessProblem, ...]:
        """What blocks the dossier: one entry per missing document and per bad file."""
        found: list[CompletenessProblem] = []
        for item in self.items:
            if not item.blocking:
                continue
            key = item.requirement.key
            if item.status is ItemStatus.MISSING:
                found.append(CompletenessProblem(key, ItemStatus.MISSING))
                continue
            for file in item.files:
                if file.status is not ItemStatus.OK:
                    problem = file.check.problem if file.check is not None else None
                    found.append(CompletenessProblem(key, file.status, file.filename, problem))
        return tuple(found)

    def status_of(self, key: str) -> ItemStatus:
        for item in self.items:
            if item.requirement.key == key:
                return item.status
        raise KeyError(key)


def completeness(requirements: Sequence[Requirement], files: Iterable[ProvidedFile]) -> CompletenessReport:
    """Check the dossier's files against its list of required documents.

    A requirement is ``missing`` with no file, else the worst of its files: ``unreadable`` (the
    upload check failed), ``bad_signature`` (signatures present and not all valid), ``ok``.
    The dossier is complete when every required item is ok; an optional item may be missing,
    but an optional file that is provided and not acceptable blocks too: it must be replaced or
    removed before the dossier is accepted.

    :raises OneStopError: ``DUPLICATE_REQUIREMENT``.
    """
    by_key: dict[str, list[ProvidedFile]] = {}
    for requirement in requirements:
        if requirement.key in by_key:
            raise OneStopError(
                OneStopProblem.DUPLICATE_REQUIREMENT,
                f"{OneStopProblem.DUPLICATE_REQUIREMENT.description}: {requirement.key!r}.",
            )
        by_key[requirement.key] = []
    unmatched: list[ProvidedFile] = []
    for file in files:
        by_key.get(file.requirement_key, unmatched).append(file)
    items = []
    for requirement in requirements:
        provided = tuple(by_key[requirement.key])
        if not provided:
            status = ItemStatus.MISSING
        else:
            statuses = {file.status for file in provided}
            status = next(s for s in _SEVERITY if s in statuses)
        items.append(RequirementStatus(requirement, status, provided))
    return CompletenessReport(tuple(items), tuple(unmatched))
