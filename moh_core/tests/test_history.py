"""The demo history planner: deterministic by seed, the counts asked for, items on working days
with deadlines in working days, a plausible share late, slow departments slower, the recent work
still open."""

import dataclasses
import datetime as dt
from collections import Counter

import pytest

from moh_core.calendar import WorkingCalendar
from moh_core.demo.history import (
    DOCUMENT_TYPES,
    SENDERS,
    DepartmentSpec,
    HistorySpec,
    ProcedureSpec,
    plan_history,
)

D = dt.date
TET = [D(2026, 2, 16) + dt.timedelta(days=i) for i in range(5)]
CALENDAR = WorkingCalendar.from_dates(holidays=[D(2026, 1, 1), *TET, D(2026, 4, 30), D(2026, 5, 1), D(2026, 9, 2)])
DEPARTMENTS = [
    DepartmentSpec(1, "VPB"),
    DepartmentSpec(2, "QLD", slowness=1.6),
    DepartmentSpec(3, "PC"),
    DepartmentSpec(4, "KHTC"),
    DepartmentSpec(5, "KCB"),
    DepartmentSpec(6, "DP"),
]
PROCEDURES = [
    ProcedureSpec("cosmetic", 3, 2),
    ProcedureSpec("supplement", 21, 5, fee=False),
    ProcedureSpec("device", 45, 4, calendar_days=True),
]


def spec(**changes):
    base = HistorySpec(
        start=D(2025, 12, 1),
        end=D(2026, 11, 30),
        departments=DEPARTMENTS,
        calendar=CALENDAR,
        documents=2000,
        outgoing=200,
        dossiers=600,
        tasks=300,
        procedures=PROCEDURES,
        leaders=[10, 11],
        seed=7,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(scope="module")
def plan():
    return plan_history(spec())


def test_same_seed_same_plan_other_seed_other_plan(plan):
    assert plan_history(spec()) == plan
    assert plan_history(spec(seed=8)) != plan


def test_counts(plan):
    assert (len(plan.incoming), len(plan.outgoing), len(plan.dossiers), len(plan.tasks)) == (2000, 200, 600, 300)


def test_received_on_working_days_in_the_period(plan):
    for item in plan.incoming:
        day = item.received_at.date()
        assert D(2025, 12, 1) <= day <= D(2026, 11, 30)
        assert CALENDAR.is_working_day(day)
        assert dt.time(8) <= item.received_at.time() <= dt.time(17)
        assert item.issue_date < day
        assert item.directed_at > item.received_at
    assert all(CALENDAR.is_working_day(o.issued_on) for o in plan.outgoing)
    assert not any(i.received_at.date() in TET for i in plan.incoming)


def test_more_on_mondays_and_in_december(plan):
    weekdays = Counter(i.received_at.weekday() for i in plan.incoming)
    assert weekdays[0] > weekdays[4]
    months = Counter(i.received_at.month for i in plan.incoming)
    assert months[12] > months[2]


def test_deadlines_in_working_days(plan):
    allowed = {"normal": 10, "urgent": 5, "very_urgent": 3, "flash": 1}
    for item in plan.incoming:
        assert CALENDAR.working_days_between(item.directed_at.date(), item.deadline) == allowed[item.urgency]
        assert all(a.deadline == item.deadline for a in item.assignments)
    procedures = {p.key: p for p in PROCEDURES}
    for dossier in plan.dossiers:
        procedure = procedures[dossier.procedure]
        start = dossier.received_at.date()
        if procedure.calendar_days:
            assert dossier.deadline >= start + dt.timedelta(days=procedure.processing_days)
            assert CALENDAR.is_working_day(dossier.deadline)
        else:
            assert CALENDAR.working_days_between(start, dossier.deadline) == procedure.processing_days
        assert dossier.department == procedure.department
    for task in plan.tasks:
        assert CALENDAR.working_days_between(task.assigned_on, task.deadline) in (5, 10, 15, 20, 30)


def test_late_share_and_bottleneck(plan):
    assignments = [a for i in plan.incoming for a in i.assignments]
    done = [a for a in assignments if a.done_at]
    late = [a for a in done if a.late]
    assert 0.08 <= len(late) / len(done) <= 0.25
    slow = [a for a in done if a.department == 2]
    normal = [a for a in done if a.department != 2]
    assert sum(a.late for a in slow) / len(slow) > 2 * sum(a.late for a in normal) / len(normal)
    dossiers = [d for d in plan.dossiers if d.done_at]
    assert 0.03 <= sum(d.late for d in dossiers) / len(dossiers) <= 0.3


def test_heads_give_the_work_to_specialists_within_a_working_day_mostly(plan):
    """The step the bottleneck map measures as "assign specialists" (due the next working day):
    mostly in time, late now and then and more often at the slow department, never after the
    work was done nor after the history's end; a cooperating department still open has not
    started."""
    end = D(2026, 11, 30)
    handed = []
    for item in plan.incoming:
        for a in item.assignments:
            if a.role == "cooperate" and a.done_at is None:
                assert a.specialist_at is None
            if a.specialist_at is None:
                continue
            assert item.directed_at < a.specialist_at and a.specialist_at.date() <= end
            assert a.done_at is None or a.specialist_at <= a.done_at
            late = a.specialist_at.date() > CALENDAR.add_working_days(item.directed_at.date(), 1)
            handed.append((a.department, late))
    assert len(handed) > 0.9 * sum(1 for i in plan.incoming for a in i.assignments if a.done_at)
    late_share = sum(late for _d, late in handed) / len(handed)
    assert 0.01 <= late_share <= 0.12
    slow = [late for d, late in handed if d == 2]
    normal = [late for d, late in handed if d != 2]
    assert sum(slow) / len(slow) > sum(normal) / len(normal)


def test_the_specialists_stream_leaves_the_rest_of_the_plan_as_it_was(plan):
    """The hand-overs are drawn from their own stream: without them the plan is unchanged."""
    again = plan_history(spec())
    assert [dataclasses.replace(a, specialist_at=None) for i in again.incoming for a in i.assignments] == [
        dataclasses.replace(a, specialist_at=None) for i in plan.incoming for a in i.assignments
    ]


def test_open_and_overdue_at_the_end(plan):
    end = D(2026, 11, 30)
    open_ = [i for i in plan.incoming if i.done_at is None]
    assert open_
    assert any(i.deadline < end for i in open_), "some open work is overdue"
    assert all(i.done_at.date() <= end for i in plan.incoming if i.done_at)
    for item in plan.incoming:
        for a in item.assignments:
            assert a.done_at is None or a.done_at >= item.directed_at
    open_dossiers = [d for d in plan.dossiers if d.done_at is None]
    assert open_dossiers and all(d.state in ("received", "processing") for d in open_dossiers)
    assert all(d.state == "done" for d in plan.dossiers if d.done_at)


def test_departments_spread_and_cooperation(plan):
    leads = Counter(i.lead.department for i in plan.incoming)
    assert set(leads) == {d.key for d in DEPARTMENTS}
    assert max(leads.values()) < 0.5 * len(plan.incoming)
    assert any(len(i.assignments) > 1 for i in plan.incoming)
    for item in plan.incoming:
        roles = [a.role for a in item.assignments]
        assert roles[0] == "lead" and set(roles[1:]) <= {"cooperate"}
        assert len({a.department for a in item.assignments}) == len(item.assignments)
        assert item.done_at == item.lead.done_at
        assert item.leader in (10, 11)


def test_realistic_text(plan):
    senders = {name for name, _org, _code in SENDERS}
    types = {key for key, _symbol, _share in DOCUMENT_TYPES}
    for item in plan.incoming:
        assert item.sender in senders
        assert item.document_type in types
        assert "/" in item.number_symbol
        assert "{" not in item.abstract
        if item.document_type == "cong_van":
            assert item.abstract.startswith("V/v ")
    assert {i.document_type for i in plan.incoming} == types


def test_dossiers_supplements_and_payments(plan):
    with_supplements = [d for d in plan.dossiers if d.supplement]
    assert with_supplements
    for dossier in with_supplements:
        asked, back = dossier.supplement
        assert asked < back == dossier.received_at
    for dossier in plan.dossiers:
        assert dossier.submitted_at <= dossier.received_at
        if not dossier.online:
            assert not dossier.paid_online
        if dossier.procedure == "supplement":
            assert not dossier.paid_online
        if dossier.rating is not None:
            assert dossier.done_at is not None
    assert any(d.rating for d in plan.dossiers)


def test_tasks(plan):
    states = Counter(t.state for t in plan.tasks)
    assert states["done"] and states["in_progress"]
    for task in plan.tasks:
        assert task.department not in task.cooperating
        assert (task.state == "done") == (task.done_on is not None) == (task.progress == 100)
        assert 0 <= task.progress <= 100
        assert task.name and task.description
        assert task.assigner in (10, 11)


def test_without_leaders_or_known_abbreviations():
    departments = [DepartmentSpec("a", "XX"), DepartmentSpec("b", "YY")]
    plan = plan_history(spec(departments=departments, leaders=(), dossiers=0, procedures=(), documents=50))
    assert {i.lead.department for i in plan.incoming} == {"a", "b"}
    assert all(i.leader is None for i in plan.incoming)
    assert all(t.assigner is None for t in plan.tasks)
    assert plan.dossiers == ()


def test_a_single_department_works_alone():
    plan = plan_history(spec(departments=[DepartmentSpec(1, "VPB")], documents=100, tasks=50))
    assert all(len(i.assignments) == 1 for i in plan.incoming)
    assert all(t.cooperating == () for t in plan.tasks)


def test_stuck_items_stay_open():
    plan = plan_history(spec(stuck_share=1.0, documents=30, dossiers=30, tasks=30, outgoing=0))
    assert all(i.done_at is None for i in plan.incoming)
    assert all(d.done_at is None for d in plan.dossiers)
    assert all(t.state != "done" for t in plan.tasks)
    assert any(t.state == "assigned" for t in plan.tasks) or any(t.progress for t in plan.tasks)


def test_invalid_specs():
    with pytest.raises(ValueError, match="ends before"):
        plan_history(spec(start=D(2026, 1, 2), end=D(2026, 1, 1)))
    with pytest.raises(ValueError, match="department"):
        plan_history(spec(departments=[]))
    with pytest.raises(ValueError, match="procedure"):
        plan_history(spec(procedures=()))
    with pytest.raises(ValueError, match="no working day"):
        plan_history(spec(start=D(2026, 2, 16), end=D(2026, 2, 20)))
