"""Decision 766's indicators in Vietnamese: every group and indicator has its Vietnamese texts,
the product's defaults are replaced in Vietnamese only, and texts the e-office changed are kept."""

import dataclasses

from moh_core.indicators import GROUPS, INDICATORS, group_label, localized, scorecard
from moh_core.indicators.service_quality import SOURCE_PLACEHOLDER, SOURCE_PORTAL
from moh_core.indicators.service_quality_vi import GROUP_LABELS, INDICATOR_TEXTS, SOURCES


def test_every_group_and_indicator_has_its_vietnamese():
    assert set(GROUP_LABELS) == {group.code for group in GROUPS}
    assert set(INDICATOR_TEXTS) == {indicator.code for indicator in INDICATORS}
    for indicator in INDICATORS:
        label, formula, numerator, denominator, product_measure = INDICATOR_TEXTS[indicator.code]
        assert label and formula and numerator and denominator, indicator.code
        assert bool(product_measure) == bool(indicator.product_measure), indicator.code
    assert {indicator.source for indicator in INDICATORS} <= set(SOURCES)


def test_vietnamese_replaces_the_defaults():
    on_time = next(i for i in INDICATORS if i.code == "2.1")
    vi = localized(on_time, "vi_VN")
    assert vi.label == "Hồ sơ giải quyết đúng hạn"
    assert vi.formula.startswith("20 × (số hồ sơ giải quyết xong")
    assert "Nghị định 118/2025/NĐ-CP" in vi.product_measure
    assert vi.source == SOURCES[SOURCE_PORTAL]
    # Only the texts: the figures and rules are the indicator's own.
    assert (
        dataclasses.replace(
            vi,
            label=on_time.label,
            formula=on_time.formula,
            numerator=on_time.numerator,
            denominator=on_time.denominator,
            product_measure=on_time.product_measure,
            source=on_time.source,
        )
        == on_time
    )
    for indicator in INDICATORS:
        vi = localized(indicator, "vi")
        assert vi.label != indicator.label and vi.numerator != indicator.numerator, indicator.code


def test_other_languages_and_changed_texts_are_kept():
    announced = next(i for i in INDICATORS if i.code == "1.1")
    assert localized(announced, "en_US") is announced
    assert localized(announced, None) is announced
    assert localized(announced, "") is announced
    changed = dataclasses.replace(announced, source="Phụ lục Quyết định 766/QĐ-TTg, trang 3", formula="5 × rate")
    vi = localized(changed, "vi_VN")
    assert vi.source == "Phụ lục Quyết định 766/QĐ-TTg, trang 3"
    assert vi.formula == "5 × rate"
    assert vi.label == "Công bố thủ tục hành chính đúng hạn"
    assert announced.source == SOURCE_PLACEHOLDER
    assert localized(announced, "vi_VN").source == SOURCES[SOURCE_PLACEHOLDER]
    unknown = dataclasses.replace(announced, code="1.9")
    assert localized(unknown, "vi_VN") is unknown


def test_group_labels():
    transparency = GROUPS[0]
    assert group_label(transparency, "vi_VN") == "Công khai, minh bạch"
    assert group_label(transparency, "en_US") == "Transparency"
    assert group_label(transparency, False) == "Transparency"


def test_a_vietnamese_scorecard_scores_as_the_english_one():
    counts = {"2.1": (9, 10), "3.3": (4, 10), "5.3": (95, 100)}
    english = scorecard(counts)
    vietnamese = scorecard(counts, [localized(i, "vi_VN") for i in INDICATORS])
    assert vietnamese.points == english.points
    assert vietnamese.measurable_points == english.measurable_points
    assert vietnamese.result("2.1").indicator.label == "Hồ sơ giải quyết đúng hạn"
