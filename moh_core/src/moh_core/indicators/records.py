"""The records the indicators are computed from: documents and dossiers (:class:`Item`), the
stages of their processing (:class:`Step`), periods, and what the indicators need of a calendar.

Plain records, so that the Odoo addon can feed rows it reads with SQL (``Item(*row)``); any object
with the same attributes is accepted as well.
"""

from __future__ import annotations

import calendar as _gregorian
import dataclasses
import datetime as dt
from collections.abc import Hashable
from typing import Protocol

__all__ = [
    "RATING_NOT_SATISFIED",
    "RATING_SATISFIED",
    "RATING_VERY_SATISFIED",
    "DayCounter",
    "HourCounter",
    "Item",
    "Period",
    "Step",
]


class DayCounter(Protocol):
    """What the indicators need of a calendar (:class:`~moh_core.calendar.WorkingCalendar`)."""

    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...


class HourCounter(Protocol):
    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float: ...


# -- records -------------------------------------------------------------------------------------

#: Ratings of a dossier by its applicant.
RATING_NOT_SATISFIED = 1
RATING_SATISFIED = 2
RATING_VERY_SATISFIED = 3


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """One document or dossier, or a cooperating department's share of one.

    ``deadline`` is the deadline in force (the extended one after an extension); ``done_on`` the
    day the result was returned (None while open). The dossier fields are None when unknown or
    not applicable (a document): such an item is left out of the indicator that needs the field.
    """

    key: Hashable
    department: str | int | None
    person: str | int | None
    received_on: dt.date
    deadline: dt.date | None = None
    done_on: dt.date | None = None
    cooperating: bool = False
    """A cooperating department's share rather than the lead department's item."""
    online: bool | None = None
    """Submitted online (the national or ministry portal) rather than at the counter."""
    paid_online: bool | None = None
    """The fee was paid online."""
    fee_paid: bool | None = None
    """A fee was paid for the dossier (False for a procedure without fee)."""
    result_electronic: bool | None = None
    """The result was issued as a signed electronic document."""
    digitised: bool | None = None
    """The dossier's documents were digitised (scanned and signed, or received electronic)."""
    rating: int | None = None
    """The applicant's rating, :data:`RATING_NOT_SATISFIED` to :data:`RATING_VERY_SATISFIED`."""

    # The generated __init__ of a frozen dataclass sets each field through object.__setattr__,
    # 4 to 7 us an item here; setting the slots through their descriptors takes about 1.5 us,
    # which matters when a million rows are read from SQL. Same parameters as the fields.
    def __init__(
        self,
        key: Hashable,
        department: str | int | None,
        person: str | int | None,
        received_on: dt.date,
        deadline: dt.date | None = None,
        done_on: dt.date | None = None,
        cooperating: bool = False,
        online: bool | None = None,
        paid_online: bool | None = None,
        fee_paid: bool | None = None,
        result_electronic: bool | None = None,
        digitised: bool | None = None,
        rating: int | None = None,
    ) -> None:
        s = _ITEM_SETTERS
        s[0](self, key)
        s[1](self, department)
        s[2](self, person)
        s[3](self, received_on)
        s[4](self, deadline)
        s[5](self, done_on)
        s[6](self, cooperating)
        s[7](self, online)
        s[8](self, paid_online)
        s[9](self, fee_paid)
        s[10](self, result_electronic)
        s[11](self, digitised)
        s[12](self, rating)


_ITEM_SETTERS = tuple(Item.__dict__[field.name].__set__ for field in dataclasses.fields(Item))


@dataclasses.dataclass(frozen=True, slots=True)
class Period:
    """Days from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"A period cannot end ({self.end}) before it starts ({self.start}).")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = _gregorian.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """One stage of an item's processing in one department (a hand-over of Form 06, Decree
    118/2025), with local naive datetimes in the agency's time zone."""

    key: Hashable
    item_key: Hashable
    stage: str
    department: str | int | None
    started_at: dt.datetime
    due_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
