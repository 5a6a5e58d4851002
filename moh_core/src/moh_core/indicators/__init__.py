"""Indicators: processing-time KPIs of departments and the service-quality indicators of Decision 766/QĐ-TTg.

The names below are the package's public surface; the modules behind them may move.
"""

from moh_core.indicators.bottlenecks import (
    bottlenecks,
)
from moh_core.indicators.forecast import (
    Completed,
    LateForecast,
    OpenWork,
    likely_late,
)
from moh_core.indicators.kpi import (
    AGEING_BUCKETS,
    Indicators,
)
from moh_core.indicators.records import (
    RATING_SATISFIED,
    Item,
    Period,
    Step,
)
from moh_core.indicators.service_measures import (
    service_indicators_from_counts,
)
from moh_core.indicators.service_quality import (
    GROUPS,
    INDICATORS,
    UNIT_DAYS,
    Indicator,
    check_indicators,
    scorecard,
)
from moh_core.indicators.service_quality_vi import (
    group_label,
    localized,
)

__all__ = [
    "AGEING_BUCKETS",
    "Completed",
    "GROUPS",
    "INDICATORS",
    "Indicator",
    "Indicators",
    "Item",
    "LateForecast",
    "OpenWork",
    "Period",
    "RATING_SATISFIED",
    "Step",
    "UNIT_DAYS",
    "bottlenecks",
    "check_indicators",
    "group_label",
    "likely_late",
    "localized",
    "scorecard",
    "service_indicators_from_counts",
]
