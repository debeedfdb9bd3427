"""Invariants of the levelled schedule on random plans with people (hypothesis).

Checked independently of the scheduler, from the written rules: every date is a working day;
predecessors, lags, milestones and caps hold; nobody is booked beyond their hours on any day;
fixed durations book their assignees on every day they run; effort is booked in full; slack and
feasibility agree with the flags; the plan is feasible exactly when no work is needed before today
(or an action's not_before); the earliest dates need no more of anyone than they have; with
unlimited capacity the levelled schedule is the core one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from hypothesis import given, settings

import backplan
from backplan import LevelledSchedule, Plan, schedule_levelled, schedule_plan
from backplan.calendars import PersonCalendar, plan_calendar
from backplan.models.people import hours_to_seconds
from helpers import Days, rule_edges
from strategies import people_plan_dicts, todays

ITERATIONS = 150  # a short search: the invariants hold for any schedule the search returns


def assert_levelled_rules(plan: Plan, schedule: LevelledSchedule) -> None:
    days = Days(plan)
    calendar = plan_calendar(plan, today=schedule.today)
    index = days.index
    by_id = {a.id: a for a in plan.actions}
    start = {a.id: index[a.start] for a in schedule.actions}
    finish = {a.id: index[a.finish] for a in schedule.actions}
    for m in schedule.milestones:
        start[m.id] = finish[m.id] = index[m.date]
    # Working days, spans, caps.
    due = days.on_or_before(plan.goal.due)
    for a in schedule.actions:
        for day in (a.start, a.finish, a.earliest_start, a.earliest_finish):
            assert days.is_working(day), f"{a.id}: {day} is not a working day"
        assert finish[a.id] - start[a.id] + 1 == a.duration_days
        assert finish[a.id] <= due
        action = by_id[a.id]
        if action.not_after is not None:
            assert finish[a.id] <= days.on_or_before(action.not_after)
        if action.duration is not None:
            assert a.duration_days == action.duration
        assert index[a.earliest_start] >= days.on_or_after(schedule.today)
        if action.not_before is not None:
            assert index[a.earliest_start] >= days.on_or_after(action.not_before)
        assert a.slack == start[a.id] - index[a.earliest_start]
    for m in plan.milestones:
        if m.due is not None:
            for a in schedule.actions:
                if a.milestone == m.id:
                    assert finish[a.id] <= days.on_or_before(m.due)
    # Precedence: start(after) >= finish(before) + offset, latest and earliest dates alike.
    early_start = {a.id: index[a.earliest_start] for a in schedule.actions}
    early_finish = {a.id: index[a.earliest_finish] for a in schedule.actions}
    for m in schedule.milestones:
        early_start[m.id] = early_finish[m.id] = index[m.earliest_date]
    for before, after, offset in rule_edges(plan):
        assert start[after] >= finish[before] + offset, (before, after, offset)
        if before in by_id and after in by_id:
            assert early_start[after] >= early_finish[before] + offset, (before, after)
    # Capacity and bookings.
    people = {p.id: PersonCalendar(p, calendar) for p in plan.people}
    booked: dict[tuple[str, dt.date], int] = defaultdict(int)
    per_action: dict[str, dict[tuple[str, dt.date], int]] = defaultdict(dict)
    for b in schedule.bookings:
        seconds = round(b.hours * 3600)
        assert seconds > 0
        booked[(b.person, b.day)] += seconds
        per_action[b.action][(b.person, b.day)] = seconds
        assert schedule.action(b.action).start <= b.day <= schedule.action(b.action).finish
    for (person, day), seconds in booked.items():
        assert seconds <= people[person].seconds(day), f"{person} over capacity on {day}"
    person_hours = {p.id: p.hours_per_day for p in plan.people}
    for a in schedule.actions:
        action = by_id[a.id]
        mine = per_action.get(a.id, {})
        if action.effort is not None:
            assert sum(mine.values()) == action.effort.seconds, f"{a.id}: effort not booked"
            assert {d for _, d in mine} >= {a.start, a.finish}
        elif action.assignees:
            run = days.dates[start[a.id]:finish[a.id] + 1]
            for assignee in action.assignees:
                hours = assignee.hours_per_day or person_hours[assignee.person]
                for day in run:
                    assert mine[(assignee.person, day)] == hours_to_seconds(hours)
            assert len(mine) == len(run) * len(action.assignees)
        else:
            assert not mine
    # Feasibility, slack and flags.
    slacks = [a.slack for a in schedule.actions]
    if slacks:
        assert schedule.min_slack == min(slacks)
        assert schedule.feasible == (min(slacks) >= 0)
        assert [a.critical for a in schedule.actions] == [s == min(slacks) for s in slacks]
        # The critical path is made of the critical actions, as every view marks them.
        assert set(schedule.critical_path) <= {a.id for a in schedule.actions if a.critical}
    late = {a.id for a in schedule.actions if a.slack < 0}
    assert bool(late) == bool(schedule.errors)
    covered = {i for f in schedule.errors for i in f.affected}
    assert late <= covered, late - covered
    # Infeasible exactly when the levelled schedule needs work before today or a not_before
    # (a milestone can be reached the working day before today, no earlier).
    first = days.on_or_after(schedule.today)
    too_early = {a.id for a in schedule.actions if start[a.id] < max(
        first, days.on_or_after(by_id[a.id].not_before or schedule.today))}
    if schedule.feasible:
        assert not too_early, too_early
    elif not too_early:
        assert any(index[m.date] < first - 1 for m in schedule.milestones), "infeasible, why?"
    assert_earliest_dates_fit(plan, schedule)
    if schedule.actions:
        assert schedule.earliest_completion == max(a.earliest_finish for a in schedule.actions)


def assert_earliest_dates_fit(plan: Plan, schedule: LevelledSchedule) -> None:
    """The earliest dates need no more of anyone than they have, checked from the windows alone.

    On every day, the fixed-duration actions whose earliest window covers it book no more of a
    person than the person has; an effort-sized action's window starts and ends on a day one of
    its assignees works; and for every stretch of days, what a person must do inside it (fixed
    hours on its days, plus the effort of single-assignee actions whose window lies within it)
    fits in the person's hours over the stretch.
    """
    days = Days(plan)
    index = days.index
    calendar = plan_calendar(plan, today=schedule.today)
    people = {p.id: PersonCalendar(p, calendar) for p in plan.people}
    person_hours = {p.id: p.hours_per_day for p in plan.people}
    by_id = {a.id: a for a in plan.actions}
    window = {a.id: (index[a.earliest_start], index[a.earliest_finish]) for a in schedule.actions}
    fixed: dict[tuple[str, int], int] = defaultdict(int)  # (person, day) -> seconds
    efforts: dict[str, list[tuple[int, int, int]]] = defaultdict(list)  # first, last, seconds
    for a in schedule.actions:
        action = by_id[a.id]
        first, last = window[a.id]
        if action.effort is not None:
            for end in (first, last):
                assert any(people[x.person].seconds(days.dates[end]) for x in action.assignees), (
                    f"{a.id}: nobody works on {days.dates[end]}")
            if len(action.assignees) == 1:
                efforts[action.assignees[0].person].append((first, last, action.effort.seconds))
            continue
        for x in action.assignees:
            seconds = hours_to_seconds(x.hours_per_day or person_hours[x.person])
            for k in range(first, last + 1):
                fixed[(x.person, k)] += seconds
    for (person, k), seconds in fixed.items():
        assert seconds <= people[person].seconds(days.dates[k]), (
            f"{person} booked {seconds} s on {days.dates[k]} by the earliest windows")
    for person, works in efforts.items():
        ends = sorted({k for w in works for k in w[:2]})
        for x in ends:
            for y in (y for y in ends if y >= x):
                needed = sum(sec for first, last, sec in works if x <= first and last <= y)
                needed += sum(fixed.get((person, k), 0) for k in range(x, y + 1))
                have = sum(people[person].seconds(days.dates[k]) for k in range(x, y + 1))
                assert needed <= have, (
                    f"{person} needs {needed} s from {days.dates[x]} to {days.dates[y]}, has {have}")


@settings(max_examples=60)
@given(people_plan_dicts(), todays)
def test_the_levelled_schedule_keeps_every_rule_and_nobody_is_overbooked(
    data: dict[str, Any], today: dt.date
) -> None:
    plan = backplan.load_plan(data)
    schedule = schedule_levelled(plan, today=today, iterations=ITERATIONS)
    assert_levelled_rules(plan, schedule)
    load = backplan.person_load(plan, schedule)
    assert all(not person.over_days for person in load.people)


@settings(max_examples=60)
@given(people_plan_dicts(unlimited=True), todays)
def test_with_unlimited_capacity_the_levelled_schedule_is_the_core_schedule(
    data: dict[str, Any], today: dt.date
) -> None:
    plan = backplan.load_plan(data)
    core = schedule_plan(plan, today=today)
    levelled = schedule_levelled(plan, today=today, iterations=ITERATIONS)
    for field in ("actions", "milestones", "flags", "feasible", "min_slack",
                  "earliest_completion", "critical_path", "unscheduled"):
        assert getattr(levelled, field) == getattr(core, field), field
    assert_levelled_rules(plan, levelled)


@settings(max_examples=25)
@given(people_plan_dicts(), todays)
def test_the_same_seed_gives_the_same_schedule(data: dict[str, Any], today: dt.date) -> None:
    plan = backplan.load_plan(data)
    first = schedule_levelled(plan, today=today, seed=3, iterations=ITERATIONS)
    assert schedule_levelled(plan, today=today, seed=3, iterations=ITERATIONS) == first


@settings(max_examples=40)
@given(people_plan_dicts())
def test_plans_with_people_survive_dump_and_load(data: dict[str, Any]) -> None:
    plan = backplan.load_plan(data)
    assert backplan.loads_plan(backplan.dump_plan(plan)) == plan
