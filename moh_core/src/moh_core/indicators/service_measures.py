"""The product's service measures of dossiers: shares of dossiers submitted online, paid online,
with an electronic result, digitised and rated satisfied, and the on-time rate.

Each is defined in :data:`DEFINITIONS` as a *product measure*; the groups, indicators and points of
Decision 766/QĐ-TTg are scored from such counts in :mod:`moh_core.indicators.service_quality`. A
dossier whose field is unknown is left out of that measure; cooperating shares are left out.
Counted through the same classification as the processing figures (:mod:`moh_core.indicators.kpi`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from moh_core.indicators.kpi import Indicators, Tally, classifier, pair_result
from moh_core.indicators.records import (
    RATING_NOT_SATISFIED,
    RATING_SATISFIED,
    RATING_VERY_SATISFIED,
    DayCounter,
    Item,
    Period,
)

__all__ = [
    "DEFINITIONS",
    "ServiceIndicators",
    "service_indicators",
    "service_indicators_from_counts",
]

_PRODUCT = "Product measure: "

#: Indicator name -> (English label, English definition), shown beside the figure.
DEFINITIONS: Mapping[str, tuple[str, str]] = {
    "on_time_rate": (
        "On-time rate",
        _PRODUCT + "dossiers completed in the period on or before their due date (or without "
        "one) / dossiers completed in the period.",
    ),
    "online_share": (
        "Online submission",
        _PRODUCT + "dossiers received in the period that were submitted online / dossiers received in the period.",
    ),
    "online_payment_share": (
        "Online payment",
        _PRODUCT + "dossiers received in the period whose fee was paid online / dossiers received "
        "in the period whose fee was paid.",
    ),
    "electronic_result_share": (
        "Electronic results",
        _PRODUCT + "dossiers completed in the period whose result was issued as a signed "
        "electronic document / dossiers completed in the period.",
    ),
    "digitised_share": (
        "Digitised dossiers",
        _PRODUCT + "dossiers received in the period whose documents were digitised / dossiers received in the period.",
    ),
    "satisfaction": (
        "Satisfaction",
        _PRODUCT + "dossiers completed in the period rated satisfied or very satisfied / dossiers "
        "completed in the period that were rated.",
    ),
    "average_rating": (
        "Average rating",
        _PRODUCT + "mean rating of the dossiers completed in the period that were rated "
        "(1 not satisfied, 2 satisfied, 3 very satisfied).",
    ),
}


@dataclasses.dataclass(frozen=True, slots=True)
class ServiceIndicators:
    """The product's service measures of the dossiers of a period, as shares from 0 to 1.

    Each share is None when its denominator is empty. ``counts`` gives each share's
    ``(numerator, denominator)`` (for ``average_rating``: the sum of ratings and their number).
    Definitions: :data:`DEFINITIONS`.
    """

    on_time_rate: float | None
    online_share: float | None
    online_payment_share: float | None
    electronic_result_share: float | None
    digitised_share: float | None
    satisfaction: float | None
    average_rating: float | None
    counts: Mapping[str, tuple[int, int]]
    indicators: Indicators
    """The processing figures of the same dossiers (on-time rate, overdue, ageing)."""


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def service_indicators(
    items: Iterable[Item], period: Period, today: dt.date, calendar: DayCounter
) -> ServiceIndicators:
    """The product's service measures of the dossiers ``items`` over ``period`` (:data:`DEFINITIONS`).

    A dossier whose field is None is left out of that indicator (neither numerator nor
    denominator). Cooperating shares are left out.

    :raises ValueError: a rating outside 1..3.
    """
    ref, classify = classifier(period, today, calendar)
    lead, cooperating = Tally(), Tally()
    online = [0, 0]
    payment = [0, 0]
    electronic = [0, 0]
    digitised = [0, 0]
    rated = [0, 0]  # satisfied or very satisfied, rated
    rating_sum = 0
    for item in items:
        flags = classify(item)
        if item.cooperating:
            cooperating.add(flags)
            continue
        lead.add(flags)
        if flags[0]:  # received in the period
            if item.online is not None:
                online[0] += bool(item.online)
                online[1] += 1
            if item.fee_paid and item.paid_online is not None:
                payment[0] += bool(item.paid_online)
                payment[1] += 1
            if item.digitised is not None:
                digitised[0] += bool(item.digitised)
                digitised[1] += 1
        if flags[1]:  # completed in the period
            if item.result_electronic is not None:
                electronic[0] += bool(item.result_electronic)
                electronic[1] += 1
            rating = item.rating
            if rating is not None:
                if not RATING_NOT_SATISFIED <= rating <= RATING_VERY_SATISFIED:
                    raise ValueError(
                        f"Dossier {item.key!r}: rating {rating!r} is not between "
                        f"{RATING_NOT_SATISFIED} and {RATING_VERY_SATISFIED}."
                    )
                rated[0] += rating >= RATING_SATISFIED
                rated[1] += 1
                rating_sum += rating
    return service_indicators_from_counts(
        pair_result(lead, cooperating, ref),
        online=online,
        online_payment=payment,
        electronic_result=electronic,
        digitised=digitised,
        satisfied=rated,
        rating_sum=rating_sum,
    )


def _pair(counts: Sequence[int]) -> tuple[int, int]:
    """``(numerator, denominator)``; a ValueError when ``counts`` is not two numbers."""
    numerator, denominator = counts
    return numerator, denominator


def service_indicators_from_counts(
    figures: Indicators,
    *,
    online: Sequence[int],
    online_payment: Sequence[int],
    electronic_result: Sequence[int],
    digitised: Sequence[int],
    satisfied: Sequence[int],
    rating_sum: int,
) -> ServiceIndicators:
    """The product's service measures from counts already made elsewhere (an SQL aggregate, say):
    the processing ``figures`` of the dossiers and, for each share, ``(numerator,
    denominator)`` as :func:`service_indicators` counts them — ``satisfied`` is (rated satisfied
    or very satisfied, rated) and ``rating_sum`` the sum of those ratings."""
    counts: dict[str, tuple[int, int]] = {
        "on_time_rate": (figures.completed_on_time, figures.completed),
        "online_share": _pair(online),
        "online_payment_share": _pair(online_payment),
        "electronic_result_share": _pair(electronic_result),
        "digitised_share": _pair(digitised),
        "satisfaction": _pair(satisfied),
        "average_rating": (rating_sum, satisfied[1]),
    }
    for name, (numerator, denominator) in counts.items():
        if name != "average_rating" and not 0 <= numerator <= denominator:
            raise ValueError(f"{name}: {numerator} of {denominator} is not a share.")
    return ServiceIndicators(
        **{name: _share(*pair) for name, pair in counts.items()},
        counts=counts,
        indicators=figures,
    )
