"""The five groups and 100 points of Decision 766/QĐ-TTg: each formula, its thresholds, and the
points that could be measured."""

import dataclasses

import pytest

from moh_core.indicators.service_quality import (
    BELOW_ZERO,
    GROUPS,
    INDICATOR_BY_CODE,
    INDICATORS,
    SOURCE_GROUP5,
    SOURCE_PLACEHOLDER,
    Indicator,
    check_indicators,
    evaluate,
    scorecard,
)


def test_five_groups_of_100_points_and_indicators_within_them():
    assert [(g.code, g.points) for g in GROUPS] == [("1", 18), ("2", 20), ("3", 22), ("4", 22), ("5", 18)]
    assert sum(g.points for g in GROUPS) == 100
    assert check_indicators(INDICATORS) == []
    for group in GROUPS:
        members = [i for i in INDICATORS if i.group == group.code]
        assert sum(i.max_points or 0 for i in members) == group.points, group.label
    for indicator in INDICATORS:
        assert indicator.label and indicator.formula and indicator.numerator and indicator.denominator
        assert indicator.source


def test_the_points_known_and_those_that_are_placeholders():
    known = {
        "1.2": 4,
        "2.1": 20,
        "3.1": 2,
        "3.2": 4,
        "3.3": 6,
        "3.4": 2,
        "3.5": 2,
        "3.6": 6,
        "5.1": 6,
        "5.2": 6,
        "5.3": 6,
    }
    for code, points in known.items():
        assert INDICATOR_BY_CODE[code].max_points == points
        assert INDICATOR_BY_CODE[code].source != SOURCE_PLACEHOLDER
    placeholders = {i.code for i in INDICATORS if i.source == SOURCE_PLACEHOLDER}
    assert placeholders == {"1.1", "1.3", "1.4", "4.1", "4.2", "4.3", "4.4", "4.5"}
    assert not any(INDICATOR_BY_CODE[code].verified for code in placeholders)
    # Only group 5 was quoted from the Decision itself.
    assert {i.code for i in INDICATORS if i.verified} == {"5.1", "5.2", "5.3"}
    assert all(INDICATOR_BY_CODE[c].source == SOURCE_GROUP5 for c in ("5.1", "5.2", "5.3"))


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "points"),
    [
        ("2.1", 3, 4, 15.0),  # 20 × 75 %
        ("2.1", 0, 4, 0.0),
        ("3.2", 1, 4, 1.0),  # 4 × 25 %
        ("3.6", 2, 3, 4.0),  # 6 × 2/3
        ("3.3", 1, 2, 6.0),  # 50 %: full points
        ("3.3", 3, 4, 6.0),  # above 50 %: full points
        ("3.3", 1, 4, 3.0),  # 25 %: 6 × 25 % / 50 %
        ("4.2", 4, 5, 5.0),  # 80 %: full points
        ("4.2", 2, 5, 2.5),  # 40 %: 5 × 40 % / 80 %
        ("5.3", 9, 10, 6.0),  # 90 %: full points
        ("5.3", 95, 100, 6.0),
        ("5.3", 8, 10, pytest.approx(6 * 0.8 / 0.9)),  # rate × 6 / 90 %
        ("5.1", 5, 6, 5.0),
        ("5.2", 1, 2, 3.0),
    ],
)
def test_each_formula_and_its_threshold(code, numerator, denominator, points):
    result = evaluate(INDICATOR_BY_CODE[code], (numerator, denominator))
    assert result.rate == numerator / denominator
    assert result.points == points
    assert result.measurable_points == INDICATOR_BY_CODE[code].max_points


def test_a_threshold_with_nothing_below_it():
    strict = dataclasses.replace(INDICATOR_BY_CODE["3.1"], measured_here=True, below=BELOW_ZERO)
    assert evaluate(strict, (8, 10)).points == 2
    assert evaluate(strict, (7, 10)).points == 0


def test_indicators_shown_without_points():
    average = evaluate(INDICATOR_BY_CODE["2.2"], (30, 4))
    assert average.rate == 7.5 and average.points is None and average.measurable_points == 0
    by_type = evaluate(INDICATOR_BY_CODE["5.4"], (1, 3))
    assert by_type.points is None and by_type.rate == pytest.approx(1 / 3)


def test_not_measured_here_and_nothing_to_measure():
    # The product does not hold the national database: not measured, whatever it is given.
    published = evaluate(INDICATOR_BY_CODE["1.2"], (3, 4))
    assert (published.measured, published.rate, published.points, published.measurable_points) == (False, None, None, 0)
    # Measured, but no dossier with a fee in the period: no figure, no points, not measurable.
    paid = evaluate(INDICATOR_BY_CODE["3.6"], (0, 0))
    assert (paid.measured, paid.rate, paid.points, paid.measurable_points) == (True, None, None, 0)
    # Unknown points: the figure is shown, it scores nothing.
    unknown = dataclasses.replace(INDICATOR_BY_CODE["4.1"], max_points=None)
    result = evaluate(unknown, (1, 2))
    assert result.rate == 0.5 and result.points is None and result.measurable_points == 0


def test_scorecard_says_how_many_points_were_measurable():
    counts = {
        "2.1": (3, 4),
        "2.2": (12, 3),
        "3.2": (1, 2),
        "3.3": (1, 4),
        "3.5": (1, 1),
        "3.6": (0, 0),
        "4.1": (1, 2),
        "4.2": (4, 4),
        "5.1": (1, 2),
        "5.2": (0, 2),
        "5.3": (9, 10),
        "5.4": (1, 2),
        "1.2": (1, 1),
    }  # 1.2 is not measured here, whatever the caller passes
    card = scorecard(counts)
    assert [g.group.code for g in card.groups] == ["1", "2", "3", "4", "5"]
    transparency, progress, online, digitisation, satisfaction = card.groups
    assert transparency.points is None and transparency.measurable_points == 0
    assert progress.points == 15 and progress.measurable_points == 20
    assert online.points == 2 + 3 + 2 and online.measurable_points == 4 + 6 + 2  # 3.6 had no fee paid
    assert digitisation.points == 2.5 + 5 and digitisation.measurable_points == 10
    assert satisfaction.points == 3 + 0 + 6 and satisfaction.measurable_points == 18
    assert card.points == 15 + 7 + 7.5 + 9
    assert card.measurable_points == 20 + 12 + 10 + 18
    assert card.max_points == 100
    assert card.result("1.2").rate is None
    assert [r.indicator.code for r in transparency.results] == ["1.1", "1.2", "1.3", "1.4"]


def test_a_perfect_service_scores_every_measurable_point_and_an_empty_one_none():
    perfect = dict.fromkeys(INDICATOR_BY_CODE, (5, 5))
    card = scorecard(perfect)
    assert card.points == card.measurable_points
    assert scorecard({}).points is None and scorecard({}).measurable_points == 0


def test_bad_tables_and_counts_are_refused():
    with pytest.raises(ValueError, match="not a share"):
        evaluate(INDICATOR_BY_CODE["2.1"], (5, 4))
    with pytest.raises(ValueError, match="no group"):
        Indicator("7.1", "x", 1, "f", "n", "d", "s")
    with pytest.raises(ValueError, match="full-points rate"):
        dataclasses.replace(INDICATOR_BY_CODE["3.3"], full_at=1.5)
    too_many = [dataclasses.replace(i, max_points=30) if i.code == "2.1" else i for i in INDICATORS]
    assert check_indicators(too_many) == [
        "Group 2 (Progress and results): its indicators give 30 points, more than the group's 20."
    ]
    with pytest.raises(ValueError, match="more than the group's 20"):
        scorecard({}, too_many)
    assert check_indicators(list(INDICATORS) + [INDICATORS[0]])[0] == "Indicator 1.1 appears twice."
