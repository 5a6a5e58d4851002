"""Processing-time indicators and Decision 766 service indicators, on hand-made data.

November 2026 has 20 working days: Sunday 1 November, and Tuesday 24 November is Vietnamese Culture
Day. With ``today`` in December, the reference day of November is Monday 30 November.
"""

import dataclasses
import datetime as dt
import random

import pytest

from moh_core.calendar import (
    WorkingCalendar,
    vietnam_compensatory_workdays,
    vietnam_public_holidays,
)
from moh_core.indicators.bottlenecks import bottlenecks
from moh_core.indicators.kpi import (
    AGEING_BUCKETS,
    FIGURE_DEFINITIONS,
    FIGURES,
    drill_down,
    group_by,
    indicators,
)
from moh_core.indicators.records import Item, Period, Step
from moh_core.indicators.service_measures import (
    DEFINITIONS,
    service_indicators,
    service_indicators_from_counts,
)

D = dt.date
T = dt.datetime
NOVEMBER = Period.month(2026, 11)
AFTER_NOVEMBER = D(2026, 12, 10)


@pytest.fixture(scope="module")
def vn_calendar():
    years = (2026, 2027)
    return WorkingCalendar.from_dates(vietnam_public_holidays(years), vietnam_compensatory_workdays(years))


def lead(key, received_on, deadline=None, done_on=None, department="A", person="an"):
    return Item(key, department, person, received_on, deadline, done_on)


def cooperating(key, received_on, deadline=None, done_on=None, department="B"):
    return Item(key, department, "binh", received_on, deadline, done_on, cooperating=True)


@pytest.fixture(scope="module")
def november_items():
    return [
        lead("on-deadline", D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 16)),
        lead("day-after", D(2026, 11, 2), D(2026, 11, 16), D(2026, 11, 17), person="binh"),
        lead("no-deadline", D(2026, 11, 9), None, D(2026, 11, 10)),
        lead("from-october", D(2026, 10, 20), D(2026, 11, 3), D(2026, 11, 5), department="B"),
        lead("crossing", D(2026, 11, 2), D(2026, 12, 1), D(2026, 12, 3)),
        lead("weekend-holiday", D(2026, 11, 20), D(2026, 11, 27)),
        lead("thursday", D(2026, 11, 19), D(2026, 12, 4), department="B"),
        lead("last-friday", D(2026, 11, 27)),
        lead("old", D(2026, 10, 29), D(2026, 11, 12)),
        lead("done-in-october", D(2026, 10, 1), D(2026, 10, 20), D(2026, 10, 28)),
        lead("december", D(2026, 12, 1), D(2026, 12, 15)),
        cooperating("share-late", D(2026, 11, 3), D(2026, 11, 6), D(2026, 11, 9)),
        cooperating("share-open", D(2026, 11, 25), D(2026, 11, 27)),
    ]


# -- periods -------------------------------------------------------------------------------------


def test_periods_are_whole_months_and_years():
    assert Period.month(2028, 2) == Period(D(2028, 2, 1), D(2028, 2, 29))
    assert Period.year(2026) == Period(D(2026, 1, 1), D(2026, 12, 31))
    assert D(2026, 11, 30) in NOVEMBER and D(2026, 12, 1) not in NOVEMBER
    with pytest.raises(ValueError, match="before it starts"):
        Period(D(2026, 2, 1), D(2026, 1, 31))


def test_item_is_immutable_and_takes_every_field_by_name():
    values = {
        "key": 7,
        "department": 3,
        "person": 9,
        "received_on": D(2026, 1, 5),
        "deadline": D(2026, 1, 9),
        "done_on": D(2026, 1, 8),
        "cooperating": True,
        "online": True,
        "paid_online": False,
        "fee_paid": True,
        "result_electronic": True,
        "digitised": False,
        "rating": 2,
    }
    item = Item(**values)
    assert dataclasses.asdict(item) == values
    assert item == Item(*values.values())
    assert dataclasses.replace(item, rating=3).rating == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.done_on = None


# -- processing figures --------------------------------------------------------------------------


def test_november_figures(november_items, vn_calendar):
    figures = indicators(november_items, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert figures.reference_day == D(2026, 11, 30)
    # Received in November: not the October or December items.
    assert figures.received == 7
    # Completed in November, "from-october" included although received in October.
    assert (figures.completed, figures.completed_on_time, figures.completed_late) == (4, 2, 2)
    assert figures.on_time_rate == 0.5
    # Open on 30 November: "crossing" (done 3 December) is still open then, within its deadline.
    assert (figures.open_on_time, figures.open_overdue, figures.open) == (3, 2, 5)
    assert figures.ageing == {"0-2": 1, "3-5": 1, "6-10": 1, "11-20": 1, ">20": 1}
    # Working days: on-deadline 10, day-after 11, no-deadline 1, from-october 12.
    assert figures.average_days == (10 + 11 + 1 + 12) / 4
    assert figures.p90_days == 12


def test_done_on_the_deadline_is_on_time_and_the_day_after_late(november_items, vn_calendar):
    def keys(figure):
        return drill_down(november_items, NOVEMBER, AFTER_NOVEMBER, figure, vn_calendar)

    assert keys("completed_on_time") == ["on-deadline", "no-deadline"]
    assert keys("completed_late") == ["day-after", "from-october"]


def test_an_item_counts_as_open_at_the_end_of_one_month_and_completed_in_the_next(november_items, vn_calendar):
    october = Period.month(2026, 10)
    figures = indicators(november_items, october, AFTER_NOVEMBER, vn_calendar)
    assert figures.reference_day == D(2026, 10, 31)
    assert drill_down(november_items, october, AFTER_NOVEMBER, "received") == ["from-october", "old", "done-in-october"]
    assert drill_down(november_items, october, AFTER_NOVEMBER, "completed") == ["done-in-october"]
    assert drill_down(november_items, october, AFTER_NOVEMBER, "open_on_time") == ["from-october", "old"]
    assert "from-october" in drill_down(november_items, NOVEMBER, AFTER_NOVEMBER, "completed")


def test_the_current_month_is_judged_today(vn_calendar):
    today = D(2026, 11, 18)
    items = [
        lead("deadline-yesterday", D(2026, 11, 10), D(2026, 11, 17)),
        lead("deadline-today", D(2026, 11, 10), D(2026, 11, 18)),
        lead("done-today", D(2026, 11, 10), D(2026, 11, 17), D(2026, 11, 18)),
    ]
    figures = indicators(items, NOVEMBER, today, vn_calendar)
    assert figures.reference_day == today
    assert drill_down(items, NOVEMBER, today, "open_overdue") == ["deadline-yesterday"]
    assert drill_down(items, NOVEMBER, today, "open_on_time") == ["deadline-today"]
    assert drill_down(items, NOVEMBER, today, "completed_late") == ["done-today"]
    assert figures.ageing["6-10"] == 2  # 11, 12, 13, 16, 17 and 18 November


@pytest.mark.parametrize(
    ("received_on", "age", "bucket"),
    [
        (D(2026, 11, 30), 0, "0-2"),
        (D(2026, 11, 27), 1, "0-2"),  # Friday: only Monday 30 counts
        (D(2026, 11, 26), 2, "0-2"),
        (D(2026, 11, 25), 3, "3-5"),
        # Friday 20: the weekend and Culture Day (Tuesday 24) do not count, 6 days would be 6-10.
        (D(2026, 11, 20), 5, "3-5"),
        (D(2026, 11, 19), 6, "6-10"),
        (D(2026, 11, 13), 10, "6-10"),
        (D(2026, 11, 12), 11, "11-20"),
        (D(2026, 10, 30), 20, "11-20"),
        (D(2026, 10, 29), 21, ">20"),
    ],
)
def test_ageing_counts_working_days_since_receipt(vn_calendar, received_on, age, bucket):
    assert vn_calendar.working_days_between(received_on, D(2026, 11, 30)) == age
    items = [lead("open", received_on)]
    figures = indicators(items, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert figures.ageing == {label: int(label == bucket) for label in AGEING_BUCKETS}
    assert drill_down(items, NOVEMBER, AFTER_NOVEMBER, f"ageing:{bucket}", vn_calendar) == ["open"]


def test_cooperating_shares_are_counted_apart(november_items, vn_calendar):
    figures = indicators(november_items, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    shares = figures.cooperating
    assert shares.received == 2
    assert (shares.completed, shares.completed_late, shares.open_overdue) == (1, 1, 1)
    assert shares.ageing["3-5"] == 1  # received Wednesday 25: 26, 27 and 30 November
    assert (shares.average_days, shares.p90_days) == (4, 4)  # 4, 5, 6 and 9 November
    assert shares.cooperating is None
    lead_only = [item for item in november_items if not item.cooperating]
    assert dataclasses.replace(figures, cooperating=None) == dataclasses.replace(
        indicators(lead_only, NOVEMBER, AFTER_NOVEMBER, vn_calendar), cooperating=None
    )
    assert drill_down(november_items, NOVEMBER, AFTER_NOVEMBER, "open_overdue", cooperating=True) == ["share-open"]


@pytest.mark.parametrize(
    ("days", "p90"),
    [
        ([7], 7),
        (list(range(1, 11)), 9),  # rank ceil(9.0) = 9
        (list(range(1, 12)), 10),  # rank ceil(9.9) = 10
        (list(range(1, 21)), 18),
        ([0] * 8 + [5, 5], 5),  # rank 9
        ([0] * 9 + [5], 0),
        ([3, 1, 2], 3),  # rank ceil(2.7) = 3, order of the items does not matter
    ],
)
def test_p90_is_the_nearest_rank(days, p90):
    cal = WorkingCalendar()
    monday = D(2026, 1, 5)
    items = [lead(n, monday, done_on=cal.add_working_days(monday, value)) for n, value in enumerate(days)]
    figures = indicators(items, Period.year(2026), D(2026, 12, 31), cal)
    assert figures.p90_days == p90
    assert figures.average_days == sum(days) / len(days)


def test_no_completed_item_has_no_time_and_no_rate(vn_calendar):
    figures = indicators([lead("open", D(2026, 11, 2))], NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert figures.completed == 0
    assert figures.average_days is figures.p90_days is figures.on_time_rate is None


def test_every_figure_opens_exactly_its_items(november_items, vn_calendar):
    figures = indicators(november_items, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    for shares, counted in ((False, figures), (True, figures.cooperating)):
        for figure in FIGURES:
            keys = drill_down(november_items, NOVEMBER, AFTER_NOVEMBER, figure, vn_calendar, cooperating=shares)
            assert len(keys) == counted.figure(figure), (figure, shares)
            assert len(set(keys)) == len(keys)
    assert set(FIGURES) <= set(FIGURE_DEFINITIONS)


def test_drill_down_refuses_what_it_cannot_open(november_items):
    with pytest.raises(ValueError, match="Unknown figure 'late'"):
        drill_down(november_items, NOVEMBER, AFTER_NOVEMBER, "late")
    with pytest.raises(ValueError, match="pass the calendar"):
        drill_down(november_items, NOVEMBER, AFTER_NOVEMBER, "ageing:>20")


def test_group_by_department_person_and_function(november_items, vn_calendar):
    by_department = group_by(november_items, "department", NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert list(by_department) == ["A", "B"]
    a, b = by_department["A"], by_department["B"]
    assert (a.received, a.completed, a.open) == (6, 3, 4)
    assert (b.received, b.completed, b.open) == (1, 1, 1)  # thursday; from-october
    assert b.cooperating.received == 2 and a.cooperating.received == 0
    whole = indicators(november_items, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    for figure in FIGURES:
        assert a.figure(figure) + b.figure(figure) == whole.figure(figure), figure

    by_person = group_by(november_items, "person", NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert by_person["binh"].completed_late == 1  # day-after
    assert by_person["binh"].cooperating.completed_late == 1  # share-late

    overdue = group_by(
        november_items,
        lambda item: item.deadline is not None and item.deadline < D(2026, 11, 30),
        NOVEMBER,
        AFTER_NOVEMBER,
        vn_calendar,
    )
    assert overdue[True].open_overdue == 2 and overdue[False].open_overdue == 0
    with pytest.raises(ValueError, match="Cannot group by 'stage'"):
        group_by(november_items, "stage", NOVEMBER, AFTER_NOVEMBER, vn_calendar)


def _naive(items, period, today, cal):
    """The module's definitions, written out item by item with the calendar's own counting."""
    ref = min(today, period.end)
    received = [i for i in items if period.start <= i.received_on <= period.end]
    completed = [i for i in items if i.done_on and period.start <= i.done_on <= period.end]
    late = [i for i in completed if i.deadline and i.done_on > i.deadline]
    open_ = [i for i in items if i.received_on <= ref and (i.done_on is None or i.done_on > ref)]
    overdue = [i for i in open_ if i.deadline and ref > i.deadline]
    days = sorted(cal.working_days_between(i.received_on, i.done_on) for i in completed)
    ages = [cal.working_days_between(i.received_on, ref) for i in open_]
    limits = {"0-2": (0, 2), "3-5": (3, 5), "6-10": (6, 10), "11-20": (11, 20), ">20": (21, 10**6)}
    return {
        "received": len(received),
        "completed": len(completed),
        "completed_late": len(late),
        "open_overdue": len(overdue),
        "open": len(open_),
        "average_days": sum(days) / len(days) if days else None,
        "p90_days": days[-(-9 * len(days) // 10) - 1] if days else None,
        "ageing": {k: sum(lo <= a <= hi for a in ages) for k, (lo, hi) in limits.items()},
    }


def test_figures_agree_with_counting_item_by_item(vn_calendar):
    rnd = random.Random(766)
    items = []
    for n in range(1500):
        received = D(2026, 9, 1) + dt.timedelta(days=rnd.randrange(150))
        deadline = received + dt.timedelta(days=rnd.randrange(30)) if rnd.random() < 0.8 else None
        done = received + dt.timedelta(days=rnd.randrange(60)) if rnd.random() < 0.7 else None
        items.append(lead(n, received, deadline, done))
    for period, today in (
        (NOVEMBER, AFTER_NOVEMBER),
        (NOVEMBER, D(2026, 11, 20)),
        (Period(D(2026, 9, 15), D(2027, 1, 31)), D(2027, 3, 1)),
    ):
        figures = indicators(items, period, today, vn_calendar)
        expected = _naive(items, period, today, vn_calendar)
        got = {name: getattr(figures, name) for name in expected}
        assert got == expected


# -- Decision 766 service indicators -------------------------------------------------------------


def dossier(key, received_on, deadline, done_on=None, **fields):
    return Item(key, "one-stop", None, received_on, deadline, done_on, **fields)


@pytest.fixture(scope="module")
def dossiers():
    return [
        dossier(
            "d1",
            D(2026, 11, 2),
            D(2026, 11, 16),
            D(2026, 11, 16),
            online=True,
            fee_paid=True,
            paid_online=True,
            result_electronic=True,
            digitised=True,
            rating=3,
        ),
        dossier(
            "d2",
            D(2026, 11, 3),
            D(2026, 11, 10),
            D(2026, 11, 12),
            online=False,
            fee_paid=True,
            paid_online=False,
            result_electronic=False,
            digitised=False,
            rating=1,
        ),
        dossier(
            "d3",
            D(2026, 11, 4),
            D(2026, 11, 20),
            D(2026, 11, 18),
            online=True,
            fee_paid=False,
            result_electronic=True,
            digitised=False,
            rating=2,
        ),
        dossier("d4", D(2026, 11, 5), D(2026, 12, 4), online=True, fee_paid=True, paid_online=True, digitised=True),
        # Received in October, nothing recorded but its result: left out of the other shares.
        dossier("d5", D(2026, 10, 28), D(2026, 11, 6), D(2026, 11, 6), result_electronic=True),
        # A cooperating department's share is not a dossier.
        Item(
            "c1",
            "lab",
            None,
            D(2026, 11, 2),
            D(2026, 11, 3),
            D(2026, 11, 20),
            cooperating=True,
            online=False,
            fee_paid=True,
            paid_online=False,
            result_electronic=False,
            digitised=False,
            rating=1,
        ),
    ]


def test_service_indicators(dossiers, vn_calendar):
    service = service_indicators(dossiers, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert service.counts == {
        "on_time_rate": (3, 4),  # d1 on its due date, d3 and d5 before; d2 late
        "online_share": (3, 4),  # d1, d3, d4 of the four received in November
        "online_payment_share": (2, 3),  # d1, d4 of the three with a fee paid
        "electronic_result_share": (3, 4),  # d1, d3, d5 of the four completed
        "digitised_share": (2, 4),  # d1, d4
        "satisfaction": (2, 3),  # d1 very satisfied, d3 satisfied, d2 not satisfied
        "average_rating": (6, 3),
    }
    assert service.on_time_rate == 0.75
    assert service.online_payment_share == pytest.approx(2 / 3)
    assert service.satisfaction == pytest.approx(2 / 3)
    assert service.average_rating == 2
    assert service.indicators.on_time_rate == service.on_time_rate
    assert service.indicators.cooperating.completed == 1
    assert set(DEFINITIONS) == set(service.counts)
    for label, text in DEFINITIONS.values():
        assert label and text.startswith("Product measure: ")


def test_a_rating_out_of_range_is_refused(vn_calendar):
    bad = dossier("x", D(2026, 11, 2), None, D(2026, 11, 3), rating=5)
    with pytest.raises(ValueError, match="Dossier 'x': rating 5"):
        service_indicators([bad], NOVEMBER, AFTER_NOVEMBER, vn_calendar)


# -- bottlenecks ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def steps():
    return [
        # review/A: 4 h (10:00-12:00, 13:00-15:00) and 1 h of November (Mon 2 Nov 08:00-09:00).
        Step("s1", "i1", "review", "A", T(2026, 11, 2, 8), T(2026, 11, 2, 10), T(2026, 11, 2, 15)),
        Step("s2", "i2", "review", "A", T(2026, 11, 3, 8), T(2026, 11, 3, 17), T(2026, 11, 3, 16)),
        Step("s5", "i5", "review", "A", T(2026, 10, 29, 8), T(2026, 10, 30, 12), T(2026, 11, 2, 9)),
        # sign/B: Fri 16:00-17:00 and Mon 08:00-09:00 (2 h); open since Fri 27 Nov 17:00 (Mon 30:
        # 8 h); Mon 23 Nov 17:00 to Wed 25 10:00 over Culture Day (2 h).
        Step("s3", "i3", "sign", "B", T(2026, 11, 5, 8), T(2026, 11, 6, 16), T(2026, 11, 9, 9)),
        Step("s4", "i4", "sign", "B", T(2026, 11, 20, 8), T(2026, 11, 27, 17)),
        Step("s7", "i7", "sign", "B", T(2026, 11, 23, 8), T(2026, 11, 23, 17), T(2026, 11, 25, 10)),
        Step("s10", "i10", "sign", "B", T(2026, 12, 2, 8), T(2026, 12, 3, 8)),  # December
        # filing/D: overdue over the weekend only, no office hour lost.
        Step("s9", "i9", "filing", "D", T(2026, 11, 27, 16), T(2026, 11, 27, 17), T(2026, 11, 30, 8)),
        # archive/C: one step in time, one done in October.
        Step("s8", "i8", "archive", "C", T(2026, 11, 10, 8), T(2026, 11, 12, 17), T(2026, 11, 11, 9)),
        Step("s6", "i6", "archive", "C", T(2026, 10, 1, 8), T(2026, 10, 2, 8), T(2026, 10, 5, 8)),
    ]


def test_bottlenecks_rank_overdue_working_hours(steps, vn_calendar):
    loads = bottlenecks(steps, NOVEMBER, AFTER_NOVEMBER, vn_calendar)
    assert [(load.stage, load.department, load.overdue_hours, load.overdue_steps, load.steps) for load in loads] == [
        ("sign", "B", 12, 3, 3),
        ("review", "A", 5, 2, 3),
        ("filing", "D", 0, 1, 1),
        ("archive", "C", 0, 0, 1),
    ]
    assert loads[0].overdue_step_keys == ("s3", "s4", "s7")


def test_open_steps_are_overdue_up_to_now(steps, vn_calendar):
    now = T(2026, 11, 30, 10, 0)
    sign = bottlenecks(steps, NOVEMBER, now, vn_calendar)[0]
    assert (sign.stage, sign.overdue_hours) == ("sign", 2 + 2 + 2)  # s4: Mon 08:00-10:00


def test_service_indicators_from_counts_matches_the_item_count(vn_calendar):
    """The same indicators whether counted item by item or from counts made elsewhere (SQL)."""
    items = [
        Item(
            key=1,
            department=1,
            person=None,
            received_on=D(2026, 11, 2),
            deadline=D(2026, 11, 10),
            done_on=D(2026, 11, 9),
            online=True,
            fee_paid=True,
            paid_online=True,
            result_electronic=True,
            digitised=True,
            rating=3,
        ),
        Item(
            key=2,
            department=1,
            person=None,
            received_on=D(2026, 11, 3),
            deadline=D(2026, 11, 5),
            done_on=D(2026, 11, 9),
            online=False,
            fee_paid=True,
            paid_online=False,
            result_electronic=False,
            digitised=False,
            rating=1,
        ),
        Item(
            key=3,
            department=2,
            person=None,
            received_on=D(2026, 11, 4),
            deadline=D(2026, 11, 20),
            done_on=None,
            online=True,
            fee_paid=False,
            paid_online=None,
            result_electronic=None,
            digitised=True,
        ),
    ]
    period = Period(D(2026, 11, 1), D(2026, 11, 30))
    by_item = service_indicators(items, period, D(2026, 11, 30), vn_calendar)
    from_counts = service_indicators_from_counts(
        by_item.indicators,
        online=(2, 3),
        online_payment=(1, 2),
        electronic_result=(1, 2),
        digitised=(2, 3),
        satisfied=(1, 2),
        rating_sum=4,
    )
    assert from_counts == by_item


def test_service_indicators_from_counts_refuses_a_numerator_above_its_denominator(vn_calendar):
    figures = service_indicators([], Period(D(2026, 11, 1), D(2026, 11, 30)), D(2026, 11, 30), vn_calendar).indicators
    with pytest.raises(ValueError, match="online_share"):
        service_indicators_from_counts(
            figures,
            online=(3, 2),
            online_payment=(0, 0),
            electronic_result=(0, 0),
            digitised=(0, 0),
            satisfied=(0, 0),
            rating_sum=0,
        )
