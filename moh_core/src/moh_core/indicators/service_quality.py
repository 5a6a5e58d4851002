"""Service quality of the public services: the five groups and 100 points of Decision 766/QĐ-TTg
(23 June 2022) as the national public service portal (DVCQG) scores them.

Groups and their points (Decision 766, Appendix): 1 transparency 18, 2 progress and results 20,
3 online services 22 (online services and online payment; the portal shows them as 12 + 10),
4 digitisation 22, 5 satisfaction 18.

Every indicator is data (:class:`Indicator`): its code, points, formula, what it counts above and
below the line, the rate from which it earns its full points, its source and whether that source
was checked against the Decision's text. :data:`INDICATORS` holds the defaults; the e-office keeps
an editable copy of the points (the Appendix's figures were not found for groups 1 — except 1.2
— and 4: those defaults are the product's placeholders, flagged unverified).

Indicators whose data the product does not hold (what is published in the national procedures
database, the national payment platform, the applicant's DVCQG data store...) are *not measured
here*: they score None, and every group and total says how many of its points were measurable.
The national portal's own scores are authoritative; these figures are the agency's own view.
Nothing here imports Odoo.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "BELOW_SCALED",
    "BELOW_ZERO",
    "GROUPS",
    "INDICATORS",
    "INDICATOR_BY_CODE",
    "TOTAL_POINTS",
    "Group",
    "GroupResult",
    "Indicator",
    "IndicatorResult",
    "Scorecard",
    "check_indicators",
    "evaluate",
    "scorecard",
]

#: How an indicator's points fall below its full-points rate.
BELOW_SCALED = "scaled"  # max × rate / full_at (e.g. "full at ≥ 90 %, else rate × 6 / 90 %")
BELOW_ZERO = "zero"  # nothing below full_at
BELOW_RULES = (BELOW_SCALED, BELOW_ZERO)

UNIT_SHARE = "share"  # numerator / denominator, shown as a percentage
UNIT_DAYS = "days"  # a mean (sum of working days / dossiers), shown in working days
UNITS = (UNIT_SHARE, UNIT_DAYS)

SOURCE_PORTAL = (
    "DVCQG portal operator's formula note for Decision 766/QĐ-TTg (points to verify against the Decision's Appendix)"
)
SOURCE_GROUP5 = "Decision 766/QĐ-TTg, Appendix, group 5 (as quoted in official summaries)"
SOURCE_PLACEHOLDER = (
    "Formula: DVCQG portal operator's note for Decision 766/QĐ-TTg. Points: not found in the "
    "texts read; the product's placeholder share of the group's points — set them from the "
    "Decision's Appendix"
)


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    code: str
    label: str
    points: float


GROUPS: tuple[Group, ...] = (
    Group("1", "Transparency", 18),
    Group("2", "Progress and results", 20),
    Group("3", "Online services and online payment", 22),
    Group("4", "Digitisation of dossiers and results", 22),
    Group("5", "Satisfaction", 18),
)
GROUP_BY_CODE: Mapping[str, Group] = {group.code: group for group in GROUPS}
TOTAL_POINTS = 100


@dataclasses.dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of Decision 766: ``code`` "group.number" (e.g. "2.1")."""

    code: str
    label: str
    max_points: float | None
    """Points at full marks; None when not known (the figure is shown, it scores nothing);
    0 for an indicator the Decision shows without points."""
    formula: str
    numerator: str
    denominator: str
    source: str
    verified: bool = False
    """The points and formula were read in the Decision's own text (or its official summaries)."""
    full_at: float = 1.0
    """The rate from which the indicator earns its full points (1.0: points = max × rate)."""
    below: str = BELOW_SCALED
    measured_here: bool = True
    """False: the product does not hold the data (the figure is "not measured here")."""
    product_measure: str = ""
    """Where the product counts something close to, not exactly, the Decision's terms: what it counts."""
    unit: str = UNIT_SHARE

    @property
    def group(self) -> str:
        return self.code.split(".", 1)[0]

    def __post_init__(self) -> None:
        if self.group not in GROUP_BY_CODE:
            raise ValueError(f"Indicator {self.code!r}: no group {self.group!r} in Decision 766.")
        if self.max_points is not None and self.max_points < 0:
            raise ValueError(f"Indicator {self.code!r}: negative points.")
        if not 0 < self.full_at <= 1:
            raise ValueError(f"Indicator {self.code!r}: the full-points rate must be above 0 and at most 100 %.")
        if self.below not in BELOW_RULES:
            raise ValueError(f"Indicator {self.code!r}: unknown rule below the full-points rate {self.below!r}.")
        if self.unit not in UNITS:
            raise ValueError(f"Indicator {self.code!r}: unknown unit {self.unit!r}.")

    @property
    def scored(self) -> bool:
        """It can earn points: its maximum is known and above zero."""
        return bool(self.max_points) and self.unit == UNIT_SHARE

    def points(self, rate: float | None) -> float | None:
        """The points earned at ``rate`` (0..1); None when the rate is unknown or the
        indicator earns no points (:attr:`scored`)."""
        if rate is None or not self.scored or self.max_points is None:
            return None
        if not 0 <= rate <= 1:
            raise ValueError(f"Indicator {self.code!r}: rate {rate!r} is not between 0 and 1.")
        if rate >= self.full_at:
            return float(self.max_points)
        if self.below == BELOW_ZERO:
            return 0.0
        return self.max_points * rate / self.full_at


def _placeholder(
    code: str, label: str, points: float | None, formula: str, numerator: str, denominator: str, **extra: Any
) -> Indicator:
    return Indicator(code, label, points, formula, numerator, denominator, SOURCE_PLACEHOLDER, **extra)


#: The indicators, in the Decision's order, with the product's defaults.
INDICATORS: tuple[Indicator, ...] = (
    # 1. Transparency (18)
    _placeholder(
        "1.1",
        "Procedures announced on time",
        5,
        "max × (announced on time / announced)",
        "procedures whose announcement decision was issued on time",
        "procedures announced",
        measured_here=False,
    ),
    Indicator(
        "1.2",
        "Procedures published in the national database on time",
        4,
        "4 × (published on time / published); on time: within 10 working days of the announcement "
        "(ministries), 5 (provinces)",
        "procedures published in the national procedures database on time",
        "procedures published",
        SOURCE_PORTAL,
        measured_here=False,
    ),
    _placeholder(
        "1.3",
        "Procedures published complete",
        5,
        "max × (published complete / published)",
        "procedures published with every component",
        "procedures published",
        measured_here=False,
    ),
    _placeholder(
        "1.4",
        "Dossiers synchronised with the national portal",
        4,
        "max × (synchronised / received)",
        "dossiers received whose status reached DVCQG",
        "dossiers received",
        measured_here=False,
    ),
    # 2. Progress and results (20)
    Indicator(
        "2.1",
        "Dossiers handled on time",
        20,
        "20 × (ended by the appointment date, or still within it) / (received or handled); supplement time deducted",
        "dossiers completed by their due date + dossiers still open within it",
        "dossiers completed in the period + dossiers open at its end",
        SOURCE_PORTAL,
        product_measure="The due date is the one the dossier's clock sets: restarted after supplements, "
        "moved once by an apology (Decree 118/2025/NĐ-CP Art. 19).",
    ),
    Indicator(
        "2.2",
        "Average processing time",
        0,
        "shown without points",
        "working days from receipt to result of the dossiers completed",
        "dossiers completed",
        SOURCE_PORTAL,
        unit=UNIT_DAYS,
    ),
    # 3. Online services (12) and online payment (10)
    Indicator(
        "3.1",
        "Procedures offered online",
        2,
        "2 × (procedures with an online service / procedures in competence), full at ≥ 80 %",
        "procedures with an online service",
        "procedures in the ministry's competence",
        SOURCE_PORTAL,
        full_at=0.8,
        measured_here=False,
    ),
    Indicator(
        "3.2",
        "Online services that received dossiers",
        4,
        "4 × (online services with dossiers / online services)",
        "procedures of the catalogue that received a dossier in the period",
        "active procedures of the catalogue",
        SOURCE_PORTAL,
    ),
    Indicator(
        "3.3",
        "Dossiers received online",
        6,
        "6 × (received online, with an e-result where a paper one is due) / received, full at ≥ 50 %",
        "dossiers received online",
        "dossiers received in the period",
        SOURCE_PORTAL,
        full_at=0.5,
        product_measure="Every result is issued as a signed e-result, so every online dossier counts.",
    ),
    Indicator(
        "3.4",
        "Fee procedures integrated with the national payment platform",
        2,
        "2 × (integrated / procedures with a fee), full at ≥ 80 %",
        "fee procedures payable through DVCQG's payment platform",
        "procedures with a fee",
        SOURCE_PORTAL,
        full_at=0.8,
        measured_here=False,
    ),
    Indicator(
        "3.5",
        "Fee procedures payable online",
        2,
        "2 × (payable online / procedures with a fee)",
        "active procedures with a fee, when an online payment provider is enabled",
        "active procedures with a fee",
        SOURCE_PORTAL,
    ),
    Indicator(
        "3.6",
        "Fees paid online",
        6,
        "6 × (paid online / dossiers with a financial obligation)",
        "dossiers received in the period whose fee was paid online",
        "dossiers received in the period whose fee was paid",
        SOURCE_PORTAL,
        product_measure="A fee not yet paid is left out of the denominator.",
    ),
    # 4. Digitisation (22)
    _placeholder(
        "4.1",
        "Results issued electronically",
        5,
        "max × (e-results / dossiers owing a result)",
        "dossiers completed with a signed e-result",
        "dossiers completed in the period",
    ),
    _placeholder(
        "4.2",
        "Dossiers digitised",
        5,
        "max × (digitised components and results / dossiers), full at ≥ 80 %",
        "dossiers received whose documents are held electronically (filed online or scanned)",
        "dossiers received in the period",
        full_at=0.8,
    ),
    _placeholder(
        "4.3",
        "Reuse of digitised data",
        4,
        "max × (reused / digitised), full at ≥ 80 %",
        "dossiers reusing digitised data",
        "dossiers",
        full_at=0.8,
        measured_here=False,
    ),
    _placeholder(
        "4.4",
        "Results linked to the applicant's DVCQG data store",
        4,
        "max × (linked / e-results)",
        "e-results linked to the applicant's data store on DVCQG",
        "e-results",
        measured_here=False,
    ),
    _placeholder(
        "4.5",
        "Use of the national population database",
        4,
        "max × (using it / dossiers)",
        "dossiers checked against the national population database",
        "dossiers",
        measured_here=False,
    ),
    # 5. Satisfaction (18)
    Indicator(
        "5.1",
        "Complaints and recommendations answered on time",
        6,
        "6 × (complaints and recommendations handled on time / those in competence)",
        "complaints and recommendations answered by their due date",
        "complaints and recommendations received in the period, answered or past their due date",
        SOURCE_GROUP5,
        verified=True,
    ),
    Indicator(
        "5.2",
        "Complaints and recommendations settled",
        6,
        "6 × (complaints and recommendations − dissatisfied, repeated or overdue) / complaints and recommendations",
        "complaints and recommendations neither rated dissatisfied, nor filed again, nor overdue",
        "complaints and recommendations received in the period",
        SOURCE_GROUP5,
        verified=True,
    ),
    Indicator(
        "5.3",
        "Satisfaction with the handling of dossiers",
        6,
        "6 × (dossiers − overdue, complained about or rated not satisfied) / dossiers in competence, "
        "full at ≥ 90 %, else rate × 6 / 90 %",
        "dossiers completed on time with no complaint and no 'not satisfied' rating",
        "dossiers completed in the period",
        SOURCE_GROUP5,
        verified=True,
        full_at=0.9,
    ),
    Indicator(
        "5.4",
        "Complaints among complaints and recommendations",
        0,
        "shown without points (by type)",
        "complaints",
        "complaints and recommendations received in the period",
        SOURCE_GROUP5,
    ),
)
INDICATOR_BY_CODE: Mapping[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}


def check_indicators(indicators: Iterable[Indicator]) -> list[str]:
    """What is wrong with a table of indicators (empty when nothing): duplicate codes, a group
    whose indicators' points exceed the group's."""
    problems: list[str] = []
    seen: set[str] = set()
    totals: dict[str, float] = {}
    for indicator in indicators:
        if indicator.code in seen:
            problems.append(f"Indicator {indicator.code} appears twice.")
        seen.add(indicator.code)
        totals[indicator.group] = totals.get(indicator.group, 0) + (indicator.max_points or 0)
    for code, points in sorted(totals.items()):
        group = GROUP_BY_CODE[code]
        if points > group.points + 1e-9:
            problems.append(
                f"Group {code} ({group.label}): its indicators give {points:g} points, "
                f"more than the group's {group.points:g}."
            )
    return problems


@dataclasses.dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator: Indicator
    numerator: float | None
    denominator: float | None
    rate: float | None
    """The share (0..1), or the mean for a UNIT_DAYS indicator; None when not measured or the
    denominator is empty."""
    points: float | None

    @property
    def measured(self) -> bool:
        """The product holds the data of this indicator (it may still have nothing in the period)."""
        return self.indicator.measured_here and self.numerator is not None

    @property
    def measurable_points(self) -> float:
        """The points this result counts towards the measurable total: its maximum when scored."""
        return float(self.indicator.max_points or 0) if self.points is not None else 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class GroupResult:
    group: Group
    results: tuple[IndicatorResult, ...]

    @property
    def points(self) -> float | None:
        scored = [result.points for result in self.results if result.points is not None]
        return sum(scored) if scored else None

    @property
    def measurable_points(self) -> float:
        """How many of the group's points could be measured (indicators scored in the period)."""
        return sum(result.measurable_points for result in self.results)


@dataclasses.dataclass(frozen=True, slots=True)
class Scorecard:
    groups: tuple[GroupResult, ...]

    @property
    def points(self) -> float | None:
        scored = [group.points for group in self.groups if group.points is not None]
        return sum(scored) if scored else None

    @property
    def measurable_points(self) -> float:
        return sum(group.measurable_points for group in self.groups)

    @property
    def max_points(self) -> int:
        return TOTAL_POINTS

    def result(self, code: str) -> IndicatorResult:
        for group in self.groups:
            for result in group.results:
                if result.indicator.code == code:
                    return result
        raise KeyError(code)


def evaluate(indicator: Indicator, counts: tuple[float, float] | None) -> IndicatorResult:
    """One indicator's figure and points from its ``(numerator, denominator)``; ``counts`` None,
    or an indicator not measured here, gives the "not measured here" result (all None)."""
    if counts is None or not indicator.measured_here:
        return IndicatorResult(indicator, None, None, None, None)
    numerator, denominator = counts
    if numerator < 0 or denominator < 0 or (indicator.unit == UNIT_SHARE and numerator > denominator):
        raise ValueError(f"Indicator {indicator.code}: {numerator} of {denominator} is not a share.")
    rate = numerator / denominator if denominator else None
    return IndicatorResult(indicator, numerator, denominator, rate, indicator.points(rate))


def scorecard(
    counts: Mapping[str, tuple[float, float] | None], indicators: Iterable[Indicator] = INDICATORS
) -> Scorecard:
    """The five groups' figures and points from ``counts`` (indicator code → (numerator,
    denominator)); a code missing from ``counts`` is not measured here.

    A group's and the total's points add up the indicators scored; their ``measurable_points``
    say out of how many: an indicator not measured here, with an empty denominator in the
    period, or without known points does not count towards them.

    :raises ValueError: a numerator above its denominator, or a table with problems
        (:func:`check_indicators`).
    """
    indicators = tuple(indicators)
    problems = check_indicators(indicators)
    if problems:
        raise ValueError(" ".join(problems))
    groups = []
    for group in GROUPS:
        members = sorted(
            (i for i in indicators if i.group == group.code),
            key=lambda i: tuple(int(part) for part in i.code.split(".")),
        )
        groups.append(GroupResult(group, tuple(evaluate(i, counts.get(i.code)) for i in members)))
    return Scorecard(tuple(groups))
