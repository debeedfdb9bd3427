"""Domain assertions: check a schedule against the plan's rules, independently of the scheduler.

The reference here walks a plain list of working days and relaxes every constraint until
nothing changes (no topological order, no compiled network), straight from the written rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from backplan.models import WEEKDAYS, Plan
from backplan.scheduling import Schedule
from backplan.staffing import QueuePerformance, Staffing

WINDOW_START = dt.date(2023, 1, 1)
WINDOW_END = dt.date(2031, 1, 1)


class Days:
    """Working days of a plan's calendar in a fixed window, numbered by position."""

    def __init__(self, plan: Plan) -> None:
        workdays = {WEEKDAYS.index(d) for d in plan.calendar.workdays}
        holidays = set(plan.calendar.holidays)
        span = (WINDOW_END - WINDOW_START).days
        all_days = (WINDOW_START + dt.timedelta(days=k) for k in range(span))
        self.dates = [d for d in all_days if d.weekday() in workdays and d not in holidays]
        self.index = {d: k for k, d in enumerate(self.dates)}

    def is_working(self, day: dt.date) -> bool:
        return day in self.index

    def on_or_after(self, day: dt.date) -> int:
        while day not in self.index:
            day += dt.timedelta(days=1)
        return self.index[day]

    def on_or_before(self, day: dt.date) -> int:
        while day not in self.index:
            day -= dt.timedelta(days=1)
        return self.index[day]


def rule_edges(plan: Plan) -> Iterator[tuple[str, str, int]]:
    """``(before, after, offset)``: start(after) >= finish(before) + offset, wont collapsed."""
    wont = {a.id for a in plan.actions if a.priority == "wont"}
    raw: list[tuple[str, str, int]] = []
    for a in plan.actions:
        raw += [(p, a.id, 1 + a.lag) for p in a.after]
        if a.milestone:
            raw.append((a.id, a.milestone, 0))
    for m in plan.milestones:
        raw += [(p, m.id, 0) for p in m.after]
        raw += [(p, a.id, 1) for a in plan.actions if a.milestone == m.id for p in m.after]
    while True:  # collapse one wont node at a time: p -> w -> s becomes p -> s
        node = next((w for w in wont if any(w in (b, c) for b, c, _ in raw)), None)
        if node is None:
            break
        into = [(b, o) for b, c, o in raw if c == node]
        out = [(c, o) for b, c, o in raw if b == node]
        raw = [e for e in raw if node not in e[:2]]
        raw += [(b, c, o1 + o2 - 1) for b, o1 in into for c, o2 in out]
    yield from raw


def reference_passes(
    plan: Plan, today: dt.date
) -> tuple[dict[str, int], dict[str, int], Days]:
    """Earliest and latest start numbers for every scheduled node, by plain relaxation."""
    days = Days(plan)
    duration = {a.id: a.duration for a in plan.actions if a.priority != "wont"}
    duration.update({m.id: 1 for m in plan.milestones})
    edges = list(rule_edges(plan))
    today_n = days.on_or_after(today)
    due_n = days.on_or_before(plan.goal.due)
    cap = dict.fromkeys(duration, due_n)
    lower = dict.fromkeys(duration, today_n)
    # A milestone that waits for nothing is reached the working day before today: what comes
    # after it may start today (a milestone is no work).
    lower.update({m.id: today_n - 1 for m in plan.milestones})
    for a in plan.actions:
        if a.id in duration:
            if a.not_after:
                cap[a.id] = min(cap[a.id], days.on_or_before(a.not_after))
            if a.not_before:
                lower[a.id] = max(lower[a.id], days.on_or_after(a.not_before))
    for m in plan.milestones:
        if m.due:
            cap[m.id] = min(cap[m.id], days.on_or_before(m.due))
    earliest = dict(lower)
    latest = {k: cap[k] - duration[k] + 1 for k in duration}
    changed = True
    while changed:
        changed = False
        for b, c, o in edges:
            need = earliest[b] + duration[b] - 1 + o
            if need > earliest[c]:
                earliest[c], changed = need, True
            allowed = latest[c] - o - duration[b] + 1
            if allowed < latest[b]:
                latest[b], changed = allowed, True
    return earliest, latest, days


def assert_schedule_follows_rules(plan: Plan, schedule: Schedule) -> None:
    """Every rule of the issue holds, and dates equal the reference relaxation exactly."""
    earliest, latest, days = reference_passes(plan, schedule.today)
    scheduled = [a for a in plan.actions if a.priority != "wont"]
    assert [a.id for a in schedule.actions] == [a.id for a in scheduled]
    assert set(schedule.unscheduled) == {a.id for a in plan.actions if a.priority == "wont"}
    slacks = []
    for action, result in zip(scheduled, schedule.actions, strict=True):
        for day in (result.start, result.finish, result.earliest_start, result.earliest_finish):
            assert days.is_working(day), f"{action.id}: {day} is not a working day"
        assert days.index[result.finish] - days.index[result.start] == action.duration - 1
        assert (days.index[result.earliest_finish] - days.index[result.earliest_start]
                == action.duration - 1)
        assert days.index[result.start] == latest[action.id], action.id
        assert days.index[result.earliest_start] == earliest[action.id], action.id
        assert result.slack == days.index[result.start] - days.index[result.earliest_start]
        slacks.append(result.slack)
    if slacks:
        least = min(slacks)
        assert schedule.min_slack == least
        assert schedule.feasible == (least >= 0)
        assert [a.critical for a in schedule.actions] == [s == least for s in slacks]
        assert schedule.earliest_completion == max(a.earliest_finish for a in schedule.actions)
    late = {a.id for a in schedule.actions if a.slack < 0}
    covered = [i for f in schedule.flags if f.code in ("late-start", "constraint-conflict")
               for i in f.affected]
    assert sorted(covered) == sorted(late), "each late action belongs to exactly one flag"
    assert bool(schedule.errors) == bool(late)
    for milestone in schedule.milestones:
        members = [a for a in schedule.actions if a.milestone == milestone.id]
        if members:
            assert milestone.date == max(a.finish for a in members)
        else:
            assert days.index[milestone.date] == latest[milestone.id]


def assert_staffing_is_fewest(staffing: Staffing) -> None:
    """``agents`` meets the target (and the occupancy cap) and one agent fewer does not;
    ``rostered`` is the fewest whole agents whose share on the queue covers ``agents``, in exact
    decimal arithmetic (the shrinkage as written)."""
    from fractions import Fraction

    from backplan.staffing import queue_performance

    def perform(agents: int) -> QueuePerformance:
        return queue_performance(
            agents, volume=staffing.volume, interval_seconds=staffing.interval_seconds,
            aht_seconds=staffing.aht_seconds, target_answer_seconds=staffing.target_answer_seconds,
            patience_seconds=staffing.patience_seconds)

    def meets(p: QueuePerformance) -> bool:
        cap = staffing.max_occupancy
        return p.service_level >= staffing.target_service_level and (cap is None or p.occupancy <= cap)

    found = perform(staffing.agents)
    assert meets(found), staffing
    assert found.service_level == staffing.service_level
    if staffing.agents > 0:
        assert not meets(perform(staffing.agents - 1)), staffing
    on_queue = 1 - Fraction(repr(staffing.shrinkage))
    assert staffing.rostered * on_queue >= staffing.agents
    assert staffing.rostered == 0 or (staffing.rostered - 1) * on_queue < staffing.agents
