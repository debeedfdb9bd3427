"""What a levelled schedule says about people's hours: who is short, when, and by how much.

:func:`levelled_predecessors` adds to the precedence network each person's queue in the levelled
schedule (``i`` before ``j`` when both need more of someone than they have together);
:func:`capacity_flags` then raises an ``over-capacity`` :class:`CapacityFlag` for each person whose
hours push late work past its deadline, naming the days and the hours short.
:mod:`backplan.scheduling.levelling` builds the schedule and calls both.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from backplan.scheduling.flags import PassResult
from backplan.scheduling.levelling_engine import (
    Decoded,
    LevellingProblem,
)
from backplan.scheduling.result import Fix, Flag
from backplan.words import working_days

__all__ = [
    "CapacityFlag", "capacity_flags", "closure", "conflict_amount", "levelled_predecessors",
]

_SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True)
class CapacityFlag(Flag):
    """An ``over-capacity`` flag: who is short of hours, on which days, and by how many.

    On top of :class:`~backplan.Flag`: ``person`` (the id, also the ``subject``), ``days`` (the
    working days on which the person lacked hours for the late work), and ``shortfall_hours``
    (the hours missing on those days).
    """

    person: str = ""
    days: tuple[dt.date, ...] = ()
    shortfall_hours: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The flag as JSON-ready data, with ``person``, ``days`` and ``shortfall_hours``."""
        data = Flag.to_dict(self)
        data.update(person=self.person, days=[d.isoformat() for d in self.days],
                    shortfall_hours=self.shortfall_hours)
        return data


def conflict_amount(problem: LevellingProblem, i: int) -> dict[int, int]:
    """Seconds per day node ``i`` wants from each person (effort: the daily cap)."""
    work = problem.effort[i]
    parts = problem.demand[i] if work is None else work[1]
    return dict(parts)


def levelled_predecessors(
    problem: LevellingProblem, start: list[int], finish: list[int]
) -> list[list[tuple[int, int]]]:
    """Precedence edges plus each person's queue: ``i`` before ``j`` when both need more of a
    shared person than they have together and ``i`` finishes before ``j`` starts, or on the day
    it starts (effort work may hand a day over: offset 0).

    Of a person's queue only the edges that reachability needs are listed: ``i -> j`` is left
    out when ``i`` is also before another of ``j``'s queue predecessors (``i -> k -> j``), so a
    node reaches the same nodes as through every pair, and each person's queue takes about
    linear time and space instead of quadratic.
    """
    n = problem.n
    preds = [list(problem.network.preds[i]) for i in range(n)]
    wants = [conflict_amount(problem, i) for i in range(n)]
    by_person: dict[int, list[int]] = {}
    for i in range(n):
        for r in wants[i]:
            by_person.setdefault(r, []).append(i)
    rates = [c.rate for c in problem.person_calendars]
    for r, nodes in by_person.items():
        rate = rates[r]
        # Per amount wanted: the nodes by finish, their finishes and the running latest start.
        levels: dict[int, list[int]] = {}
        for i in sorted(nodes, key=lambda i: (finish[i], i)):
            levels.setdefault(wants[i][r], []).append(i)
        tables = []
        for want, members in sorted(levels.items()):
            ends = [finish[i] for i in members]
            latest = list(itertools.accumulate((start[i] for i in members), max))
            tables.append((want, members, ends, latest))
        for j in nodes:
            sj, wj = start[j], wants[j][r]
            # Per level that conflicts with j: how many of its nodes finish by j's start, and
            # the latest start among them before j's (a one-day node on j's start day is not
            # before j).
            heads: list[tuple[int, list[int], list[int], int, int]] = []
            for want, members, ends, latest in tables:
                if want + wj <= rate:
                    continue
                count = bisect.bisect_right(ends, sj)
                before = bisect.bisect_left(ends, sj, 0, count)  # finish before j's start
                top = max((start[i] for i in members[before:count] if start[i] < sj),
                          default=latest[before - 1] if before else None)
                if top is None:
                    continue
                if before and latest[before - 1] > top:
                    top = latest[before - 1]
                heads.append((want, members, ends, count, top))
            for want, members, ends, count, _ in heads:
                # i reaches j through k when k (before j, conflicting with i) starts after i
                # has finished and started: only the latest such start matters.
                cut = max((top for w, _, _, _, top in heads if w + want > rate), default=None)
                if cut is None:
                    kept: Iterable[int] = members[:count]
                else:
                    first = bisect.bisect_right(ends, cut, 0, count)
                    same = bisect.bisect_left(ends, cut, 0, first)  # one-day nodes on cut
                    kept = itertools.chain((i for i in members[same:first] if start[i] == cut),
                                           members[first:count])
                for i in kept:
                    if start[i] < sj:
                        preds[j].append((i, 1 if finish[i] < sj else 0))
    return preds


def _hours_text(hours: float) -> str:
    return f"{hours:g} h" if abs(hours * 10 - round(hours * 10)) < 1e-9 else f"{hours:.2f} h"


def capacity_flags(
    problem: LevellingProblem,
    result: Decoded,
    core: PassResult,
    start: list[int],
    slack: list[int],
    levelled_preds: list[list[tuple[int, int]]],
) -> list[Flag]:
    """``over-capacity`` flags: per person, the hours the levelled plan books too early.

    A booking is too early when it falls before today (or before its action's ``not_before``):
    the hours that do not fit between today and when the work is needed. It counts for work
    capacity moved earlier than precedence alone would, and for effort booked on all of the
    person's hours (its days follow from those hours); a fixed duration, or effort paced by a
    smaller ``hours_per_day``, that precedence alone puts there is the core flags' story. Each
    flag covers the late actions the person works on, those that must come before them, and
    those that wait for them (directly or in someone's queue). ``core`` is the precedence-only
    schedule. The fixes name what would help (more hours, descoping, moving the deadlines);
    :mod:`backplan.scheduling.fixes` turns them into changes and measures them.
    """
    network = problem.network
    n, D = problem.n, problem.D
    late = [i for i in network.actions if slack[i] < 0]
    if not late:
        return []
    lower = [D - t for t in problem.deadline]  # first allowed real day per node
    wants = [conflict_amount(problem, i) for i in range(n)]
    # Work whose dates people's hours decide: moved earlier by capacity, or sized by effort on
    # all of someone's hours (effort at a smaller hours_per_day is paced by the plan's choice).
    moved = [start[i] < core.latest_start[i] for i in range(n)]
    full = [_full_hours(problem, i) for i in range(n)]
    early: dict[int, dict[int, int]] = {}  # person -> real day -> seconds booked too early
    early_nodes: dict[int, set[int]] = {}
    for i, r, k, seconds in result.bookings:
        number = D - k
        if number < lower[i] and (moved[i] or r in full[i]):
            days = early.setdefault(r, {})
            days[number] = days.get(number, 0) + seconds
            early_nodes.setdefault(r, set()).add(i)
    core_late = {i for i, value in enumerate(core.total_slack) if value < 0}
    preds = network.preds
    later: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for j in range(n):
        for i, o in levelled_preds[j]:
            later[i].append((j, o))
    ids, calendar = network.ids, problem.calendar
    goal = problem.plan.goal.id

    def move_due(days: int) -> Fix:
        return Fix("move-due", goal, "move the deadlines the levelled plan passes", days)

    flags: list[Flag] = []
    covered: set[int] = set()
    for r in sorted(early, key=lambda r: (-sum(early[r].values()), problem.person_ids[r])):
        person = problem.person_ids[r]
        own = sorted(early_nodes[r], key=lambda i: (start[i], i))
        related = closure(own, preds) | closure(own, later) | {
            i for i in range(n) if r in wants[i]}
        affected = related & set(late)
        covered |= affected
        numbers = sorted(early[r])
        hours = sum(early[r].values()) / _SECONDS_PER_HOUR
        shortfall = max(-slack[i] for i in affected)
        work = tuple(ids[i] for i in own)
        dates = tuple(calendar.day(d) for d in numbers)
        fixes = []
        needed_by = max(D - result.ts[i] for i in own)
        # More hours help only between today and when the work is needed; work needed before
        # today is late because of what follows it (the move and descope fixes still apply).
        if needed_by >= problem.today_number:
            fixes.append(Fix("add-hours", person, f"give {person} more project hours",
                             shortfall, chain=work))
        fixes.append(move_due(shortfall))
        optional = [i for i in range(n) if r in wants[i]
                    and (action := problem.actions[i]) is not None
                    and action.priority in ("could", "should")]
        if optional:
            names = tuple(ids[i] for i in optional)
            fixes.append(Fix("descope", names[0], f"descope {', '.join(names)}", shortfall,
                             chain=names))
        flags.append(CapacityFlag(
            "over-capacity", "error", person,
            f"{person} is {_hours_text(hours)} short: the levelled plan needs {person} on "
            f"{_dates_text(dates)}, before the work can start, for {', '.join(work)}; "
            f"{working_days(shortfall)} short",
            shortfall, work, tuple(ids[i] for i in sorted(affected)), tuple(fixes),
            person=person, days=dates, shortfall_hours=round(hours, 4),
        ))
    rest = sorted(i for i in late if i not in covered and i not in core_late)
    if rest:  # late through capacity without anyone booked too early: name who holds it up
        shortfall = max(-slack[i] for i in rest)
        people = sorted({problem.person_ids[r] for i in closure(rest, later)
                         if moved[i] or i in rest for r in wants[i]})
        flags.append(Flag(
            "over-capacity", "error", ids[rest[0]],
            f"people's hours ({', '.join(people) or 'in the work that follows'}) push "
            f"{', '.join(ids[i] for i in rest)} before it can start: {working_days(shortfall)} "
            "short",
            shortfall, tuple(ids[i] for i in rest), tuple(ids[i] for i in rest),
            (move_due(shortfall),),
        ))
    return flags


def _full_hours(problem: LevellingProblem, i: int) -> set[int]:
    """The people an effort-sized node ``i`` books for all of their hours (its pace)."""
    work = problem.effort[i]
    if work is None:
        return set()
    return {r for r, cap in work[1] if cap >= problem.person_calendars[r].rate}


def _dates_text(dates: tuple[dt.date, ...]) -> str:
    if len(dates) <= 3:
        return ", ".join(d.isoformat() for d in dates)
    return f"{len(dates)} days from {dates[0].isoformat()} to {dates[-1].isoformat()}"


def closure(nodes: list[int], edges: list[list[tuple[int, int]]]) -> set[int]:
    """``nodes`` and every node reachable from them along ``edges``."""
    seen = set(nodes)
    stack = list(nodes)
    while stack:
        node = stack.pop()
        for q, _ in edges[node]:
            if q not in seen:
                seen.add(q)
                stack.append(q)
    return seen


