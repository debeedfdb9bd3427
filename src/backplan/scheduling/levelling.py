"""Capacity-levelled backward scheduling: as late as possible without booking anyone over their hours.

:func:`schedule_levelled` schedules a plan from its due date backward, like
:func:`~backplan.schedule_plan`, and also books the people on each action day by day without ever
booking anyone beyond their available hours (see :mod:`backplan.calendars.people`):

* an action with a fixed ``duration`` books each assignee for ``hours_per_day`` (by default all
  of that person's hours) on every working day it runs; it can only sit where they have that
  much free on each of those days;
* an action sized by ``effort`` books its assignees as much as they have free, day by day, up to
  each assignee's ``hours_per_day``, until the effort is done: its duration follows from the
  hours available (days off stretch it; a day with no hours free is skipped).

Every core rule still holds (predecessors and lags, milestones, caps). The plan is infeasible
when the levelled schedule needs work before today (or before an action's ``not_before``).

How it works: :mod:`backplan.scheduling.levelling_search` finds the booking (a search over
priority lists in reversed time, each decoded by :mod:`backplan.scheduling.levelling_engine`);
this module turns it into dates, earliest dates from today, flags and fixes. Everything is
seeded: the same plan, ``today`` and ``seed`` give the same schedule.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-29}
    ... people:
    ...   - {id: qa, hours_per_day: 2}
    ... actions:
    ...   - {id: calibrate, duration: 2, assignees: [qa]}
    ...   - {id: review, effort: {hours: 4}, assignees: [qa]}
    ... ''')
    >>> levelled = schedule_levelled(plan, today=dt.date(2027, 1, 18))
    >>> [(a.id, a.start.isoformat(), a.finish.isoformat()) for a in levelled.actions]
    [('calibrate', '2027-01-28', '2027-01-29'), ('review', '2027-01-26', '2027-01-27')]
    >>> levelled.feasible, levelled.hours_booked("qa", dt.date(2027, 1, 26))
    (True, 2.0)
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import random
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any

from backplan.calendars import plan_calendar
from backplan.errors import PlanValidationError, ScheduleRangeError
from backplan.graph.validate import plan_problems, section_problems
from backplan.models import Plan
from backplan.scheduling.fixes import verify_fixes
from backplan.scheduling.flags import PassResult, timeline_flags
from backplan.scheduling.levelling_engine import (
    REACH_DAYS,
    Decoded,
    Engine,
    LevellingProblem,
    NoRoom,
)
from backplan.scheduling.levelling_flags import (
    capacity_flags,
    conflict_amount,
    levelled_predecessors,
)
from backplan.scheduling.levelling_search import default_iterations, search
from backplan.scheduling.network import MILESTONE_RELEASE, Network, compile_network
from backplan.scheduling.progress import (
    ProgressNetwork,
    has_progress,
    progress_network,
    with_progress,
)
from backplan.scheduling.result import MilestoneDate, Schedule, ScheduledAction
from backplan.scheduling.schedule import check_today, run_passes

__all__ = [
    "Booking",
    "LevelledSchedule",
    "default_iterations",
    "level",
    "schedule_levelled",
]

_SECONDS_PER_HOUR = 3600


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Booking:
    """Hours of one person on one action on one working day."""

    action: str
    person: str
    day: dt.date
    hours: float

    def to_dict(self) -> dict[str, Any]:
        """The booking as JSON-ready data."""
        return {"action": self.action, "person": self.person, "day": self.day.isoformat(),
                "hours": self.hours}


@dataclass(frozen=True, slots=True)
class LevelledSchedule(Schedule):
    """A :class:`~backplan.Schedule` that respects people's hours, with the bookings behind it.

    The action dates are the levelled (capacity-respecting) latest dates; ``earliest_start`` and
    ``earliest_finish`` are the earliest dates from today: the work booked forward from today
    in the levelled order, again never beyond anyone's hours (people's days off and other work
    can make an earliest span longer or shorter than the levelled one); ``slack`` is the
    difference of the starts, so the plan is feasible if and only if no action has negative
    slack. ``duration_days`` is each action's levelled span.

    Attributes:
        bookings: every person's hours on every action and working day, by day.
        people: the ids of the plan's people, in plan order.
        seed: the seed the search used.
        iterations: how many schedules the search decoded.
    """

    bookings: tuple[Booking, ...] = ()
    people: tuple[str, ...] = ()
    seed: int = 0
    iterations: int = 0

    def hours_booked(self, person: str, day: dt.date) -> float:
        """Hours booked for ``person`` on ``day``, over all actions."""
        return sum(b.hours for b in self.bookings if b.person == person and b.day == day)

    def to_dict(self) -> dict[str, Any]:
        """The schedule as JSON-ready data, with ``levelled: true`` and the ``bookings``."""
        data = Schedule.to_dict(self)
        data["levelled"] = True
        data["people"] = list(self.people)
        data["bookings"] = [b.to_dict() for b in self.bookings]
        return data

    def __repr__(self) -> str:
        return (f"<LevelledSchedule {self.goal!r} due={self.due.isoformat()} "
                f"feasible={self.feasible} actions={len(self.actions)} "
                f"bookings={len(self.bookings)} flags={len(self.flags)}>")

    def _repr_html_(self) -> str:
        body = Schedule._repr_html_(self)
        return body.replace("<div>", "<div><p><i>levelled for people's hours</i></p>", 1)


# --------------------------------------------------------------------------- public API


def schedule_levelled(
    plan: Plan,
    *,
    today: dt.date,
    seed: int = 0,
    iterations: int | None = None,
) -> LevelledSchedule:
    """Schedule ``plan`` backward from its due date without booking anyone beyond their hours.

    :func:`~backplan.schedule_plan` calls this for every plan that books people (unless asked to
    ignore capacity); call it yourself to choose the search's ``iterations``.

    Args:
        plan: the plan; validated first. Plans without people schedule exactly as
            :func:`~backplan.schedule_plan` does. Done work keeps its actual dates and books
            nobody; work in progress books its assignees for what remains (its ``remaining``
            working days, or for effort its effort in proportion), from today.
        today: the day work can start from. Work needed before it makes the plan infeasible.
        seed: seeds the search; the same inputs give the same schedule.
        iterations: how many schedules the search may decode (default
            :func:`default_iterations`); more can find a later (better) schedule.

    Returns:
        A frozen :class:`LevelledSchedule` (a :class:`~backplan.Schedule`), feasible or not. Its
        flags are the precedence flags (with the levelled dates) plus ``over-capacity`` flags
        (:class:`~backplan.CapacityFlag`) naming the people whose hours make the plan late; every fix is
        verified by levelling the plan again with the fix's changes.

    Raises:
        PlanValidationError: the plan's references are broken (every problem listed).
        ScheduleRangeError: an action can never be booked (e.g. its assignees never have the
            hours it needs on enough consecutive days), or dates fall outside 1..9999.
    """
    today = check_today(today)

    def levelled(candidate: Plan) -> LevelledSchedule:
        return level(candidate, today=today, seed=seed, iterations=iterations)

    schedule = verify_fixes(plan, levelled(plan), reschedule=levelled)
    assert isinstance(schedule, LevelledSchedule)
    return schedule


def level(
    plan: Plan, *, today: dt.date, seed: int = 0, iterations: int | None = None,
    booked: Mapping[str, Mapping[dt.date, int]] | None = None,
) -> LevelledSchedule:
    """The levelled schedule of :func:`schedule_levelled` with its fixes not yet verified.

    ``booked`` gives, per person id, the seconds of their time already booked on each date
    elsewhere (the plans levelled before this one in a portfolio,
    :func:`backplan.schedule_portfolio`): the plan is levelled on the hours left.
    """
    problems = plan_problems(plan)  # ids, cycles and people
    if problems:
        raise PlanValidationError(problems)
    section = section_problems(plan)
    if section:
        raise PlanValidationError(section)
    calendar = plan_calendar(plan, today=today)
    network = compile_network(plan, calendar)
    progress = progress_network(plan, network, calendar, today) if has_progress(plan) else None
    fixed: Collection[int] = ()
    effort_left: dict[int, int] = {}
    if progress is not None:
        fixed, effort_left = progress.fixed, _effort_left(plan, network, progress)
        network = progress.network
    queue = None
    if plan.queue is not None:  # its people's hours are what the queue spares
        from backplan.scheduling.pipeline import queue_capacity

        queue = queue_capacity(plan, today=today)
    problem = LevellingProblem(plan, network, calendar, today, fixed=fixed,
                               effort_left=effort_left, queue=queue, booked=booked)
    budget = default_iterations(len(network.ids)) if iterations is None else iterations
    if budget < 1:
        raise ValueError(f"iterations must be at least 1, got {iterations}")
    engine = Engine(problem)
    try:
        order = search(engine, random.Random(seed), budget)
        result = engine.decode(order, record=True)
        return _assemble(problem, engine, result, progress, seed=seed, iterations=engine.count)
    except NoRoom as stuck:
        raise ScheduleRangeError(_no_room_message(problem, stuck.node)) from None


def _effort_left(plan: Plan, planned: Network, progress: ProgressNetwork) -> dict[int, int]:
    """Seconds of effort left per effort-sized action in progress: its effort in proportion to
    the working days that remain of its nominal days (``planned``: the network before progress)."""
    by_id = {a.id: a for a in plan.actions}
    left = {}
    for i in progress.in_progress:
        action = by_id[planned.ids[i]]
        if action.duration is None and action.effort is not None:
            remaining, nominal = progress.network.duration[i], max(planned.duration[i], 1)
            left[i] = max(1, -(-action.effort.seconds * min(remaining, nominal) // nominal))
    return left


def _no_room_message(problem: LevellingProblem, node: int) -> str:
    action = problem.actions[node]
    who = ", ".join(a.person for a in action.assignees) if action is not None else ""
    queue = problem.plan.queue
    agents = [a.person for a in action.assignees if queue is not None
              and a.person in queue.people] if action is not None else []
    return (
        f"action {problem.network.ids[node]!r} cannot be booked: within {REACH_DAYS} working "
        f"days its assignees ({who}) never have the hours it needs"
        + (" on enough consecutive working days; size it by 'effort' instead of 'duration', "
           "or book fewer hours_per_day" if action is not None and action.duration is not None
           else "; check their workdays, time_off and rules")
        + (f" ({', '.join(agents)} {'gets' if len(agents) == 1 else 'get'} only what the queue "
           "spares: roster more agents, or lower the volume or the AHT)" if agents else "")
    )


# --------------------------------------------------------------------------- assembly


@dataclass(slots=True)
class _Timing:
    """A levelled schedule's dates in working-day numbers: latest (``start``, ``finish``),
    earliest from today, slack, drivers, and the bookings of the earliest dates."""

    start: list[int]
    finish: list[int]
    span: list[int]
    early_start: list[int]
    early_finish: list[int]
    driver: list[int | None]
    early_bookings: list[tuple[int, int, int, int]]  # node, person, day number, seconds

    @property
    def slack(self) -> list[int]:
        return [s - e for s, e in zip(self.start, self.early_start, strict=True)]


def _timing(problem: LevellingProblem, result: Decoded) -> _Timing:
    D, n = problem.D, problem.n
    start = [D - result.tf[i] for i in range(n)]
    finish = [D - result.ts[i] for i in range(n)]
    span = [finish[i] - start[i] + 1 for i in range(n)]
    early_start, early_finish, driver, booked = _earliest(problem, result, start, span)
    return _Timing(start, finish, span, early_start, early_finish, driver, booked)


def _consistent(
    problem: LevellingProblem, engine: Engine, result: Decoded, timing: _Timing,
    open_actions: list[int],
) -> tuple[Decoded, _Timing]:
    """The backward schedule and its timing, made to meet every deadline whenever the earliest
    dates do: the plan is then feasible, and the backward schedule must say so.

    The earliest schedule is justified to the right (decoded backward in the order of its
    finishes, latest first: no action moves earlier, so none is late); when people's elastic
    bookings keep that from fitting, the earliest schedule itself serves as the latest.
    """
    slack = timing.slack
    network = problem.network
    if all(slack[i] >= 0 for i in open_actions) or any(
            timing.early_finish[i] > network.cap[i] for i in range(problem.n)
            if i not in problem.fixed):
        return result, timing
    order = sorted(range(problem.n), key=lambda i: (-timing.early_finish[i], -i))
    justified = engine.decode(order, record=True)
    if engine.score(justified.tf)[0] <= 0:
        again = _timing(problem, justified)
        if all(again.slack[i] >= 0 for i in open_actions):
            return justified, again
    D = problem.D
    forward = Decoded(
        [D - f for f in timing.early_finish], [D - s for s in timing.early_start],
        [(i, r, D - number, seconds) for i, r, number, seconds in timing.early_bookings])
    return forward, _Timing(
        list(timing.early_start), list(timing.early_finish),
        [f - s + 1 for s, f in zip(timing.early_start, timing.early_finish, strict=True)],
        timing.early_start, timing.early_finish, timing.driver, timing.early_bookings)


def _assemble(
    problem: LevellingProblem, engine: Engine, result: Decoded,
    progress: ProgressNetwork | None, *, seed: int, iterations: int,
) -> LevelledSchedule:
    plan, network, calendar = problem.plan, problem.network, problem.calendar
    D = problem.D
    fixed = problem.fixed
    open_actions = [i for i in network.actions if i not in fixed]
    result, timing = _consistent(problem, engine, result, _timing(problem, result),
                                 open_actions)
    if progress is not None:  # done work and the milestones it reached: their actual dates
        for i, (first, last) in progress.fixed.items():
            timing.start[i] = timing.early_start[i] = first
            timing.finish[i] = timing.early_finish[i] = last
            timing.span[i] = last - first + 1
    start, finish, span = timing.start, timing.finish, timing.span
    early_start, early_finish, driver = timing.early_start, timing.early_finish, timing.driver
    slack = timing.slack
    preds = levelled_predecessors(problem, start, finish)
    today = problem.today_number
    nodes = network.actions
    least = min((slack[i] for i in open_actions), default=None)
    low = min([*start, *early_start, today, *(D - k for _, _, k, _ in result.bookings)],
              default=today)
    high = max([*early_finish, D], default=D)
    table = calendar.span(low, high)

    def day(number: int) -> dt.date:
        return table[number - low]

    scheduled = [problem.actions[i] for i in nodes]
    actions = []
    for i, action in zip(nodes, scheduled, strict=True):
        assert action is not None
        actions.append(ScheduledAction(
            action.id, action.title, day(start[i]), day(finish[i]), day(early_start[i]),
            day(early_finish[i]), slack[i], slack[i] == least, span[i], action.milestone,
            action.priority, action.owner, tuple(a.person for a in action.assignees),
        ))
    latest_member: dict[str, int] = {}
    for i, action in zip(nodes, scheduled, strict=True):
        assert action is not None
        if action.milestone is not None:
            latest_member[action.milestone] = max(latest_member.get(action.milestone, finish[i]),
                                                  finish[i])
    milestones = []
    for k, m in zip(network.milestones, plan.milestones, strict=True):
        reached = latest_member.get(m.id, finish[k])
        milestones.append(MilestoneDate(m.id, m.title, day(reached), day(early_finish[k]), m.due,
                                        reached - early_finish[k]))
    critical: tuple[str, ...] = ()
    if open_actions:
        end = max((i for i in open_actions if slack[i] == least),
                  key=lambda i: (early_finish[i], -i))
        chain = [end]
        while (prev := driver[chain[-1]]) is not None:
            chain.append(prev)
        # The chain runs through whatever drives each earliest start (a predecessor, or the
        # person's work before it); the path is its critical actions, as every view marks them.
        critical = tuple(network.ids[i] for i in reversed(chain)
                         if network.is_action[i] and i not in fixed and slack[i] == least)
    core = progress.passes() if progress is not None else run_passes(
        network, calendar, problem.today)
    done = progress.fixed if progress is not None else {}
    completion = max([*(early_finish[i] for i in open_actions),
                      *(done[i][1] for i in nodes if i in done)], default=None)
    shown = PassResult(today, early_start, early_finish, start, finish, slack)
    flags = timeline_flags(plan, network, core, calendar, shown=shown)
    flags += capacity_flags(problem, result, core, start, slack, preds)
    flags.sort(key=lambda f: (f.severity != "error", -(f.shortfall_days or 0), f.code, f.subject))
    bookings = tuple(sorted(
        (Booking(network.ids[i], problem.person_ids[r], day(D - k), seconds / _SECONDS_PER_HOUR)
         for i, r, k, seconds in result.bookings),
        key=lambda b: (b.day, b.person, b.action),
    ))
    base = Schedule(
        goal=plan.goal.id, goal_title=plan.goal.title, due=plan.goal.due, today=problem.today,
        feasible=least is None or least >= 0,
        earliest_completion=None if completion is None else day(completion),
        min_slack=least, critical_path=critical, actions=tuple(actions),
        milestones=tuple(milestones), unscheduled=network.unscheduled, flags=tuple(flags),
        capacity="levelled",
    )
    if progress is not None:
        base = with_progress(base, plan, progress, calendar, critical_path=critical)
    values = {f.name: getattr(base, f.name) for f in fields(Schedule)}
    return LevelledSchedule(**values, bookings=bookings, people=tuple(problem.person_ids),
                            seed=seed, iterations=iterations)


def _earliest(
    problem: LevellingProblem, result: Decoded, start: list[int], span: list[int]
) -> tuple[list[int], list[int], list[int | None], list[tuple[int, int, int, int]]]:
    """Earliest start and finish numbers from today that never book anyone beyond their hours,
    each node's driver (what sets its earliest start, for the critical path), and the bookings
    of those dates (``(node, person, day number, seconds)``).

    A forward serial schedule in the levelled order (by levelled start, predecessors first):
    each action with people is booked from the first day its predecessors, today and its
    ``not_before`` allow, around the hours already booked, day by day on the people's own
    calendars. While an action can start by its levelled start, the levelled bookings of the
    actions not yet placed stay reserved, so it is never placed later than in the levelled plan
    (no negative slack unless the levelled plan books work too early); an action that cannot
    goes ahead of them, so each person's queue keeps the levelled order. Nodes without people
    keep their levelled span, as in the precedence-only forward pass.
    """
    network, calendar = problem.network, problem.calendar
    n, D = problem.n, problem.D
    base = problem.today_number
    limit = base + problem.k_limit
    people = problem.person_calendars
    free: list[list[int]] = [[] for _ in people]  # seconds still free, day number - base
    held: list[list[int]] = [[] for _ in people]  # seconds reserved by unplaced levelled work

    def grow(need: int, node: int) -> None:
        """Make the arrays cover day numbers up to ``base + need - 1``."""
        have = len(free[0]) if people else 0
        if need <= have:
            return
        if base + need > limit:
            raise NoRoom(node)
        new = max(need, 2 * have, 64)
        days = calendar.span(base + have, base + new - 1)
        for r, person in enumerate(people):
            free[r].extend(person.seconds_on(days))
            held[r].extend([0] * (new - have))

    mine: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]  # person, day, seconds
    for i, r, k, seconds in result.bookings:
        u = D - k - base
        if u >= 0:
            mine[i].append((r, u, seconds))
    if people:
        grow(max((u + 1 for row in mine for _, u, _ in row), default=1), -1)
    for row in mine:
        for r, u, seconds in row:
            held[r][u] += seconds
    wants = [conflict_amount(problem, i) for i in range(n)]
    preds = network.preds
    early_start = [0] * n
    early_finish = [0] * n
    driver: list[int | None] = [None] * n
    placed: dict[int, list[tuple[int, int]]] = {}  # person -> (finish, -node) booked, sorted
    booked: list[tuple[int, int, int, int]] = []  # node, person, day - base, seconds
    for i in _levelled_order(problem, start):
        s = base + (0 if network.is_action[i] else MILESTONE_RELEASE)
        bound = network.not_before[i]
        if bound is not None and bound > s:
            s = bound
        for q, o in preds[i]:
            v = early_finish[q] + o
            if v > s:
                s = v
        released = s
        if not wants[i]:
            early_start[i], early_finish[i] = s, s + span[i] - 1
        else:
            for r, u, seconds in mine[i]:
                held[r][u] -= seconds
            reserve = s <= start[i]  # on time: keep clear of the levelled work still to place
            early_start[i], early_finish[i] = _place(problem, i, s - base, free,
                                                     held if reserve else None, grow, booked)
            early_start[i] += base
            early_finish[i] += base
        s = early_start[i]
        # As in the core: of the predecessors that set the start, the one numbered first; when
        # people's hours set it, the shared person's work that finishes last before it.
        driver[i] = min((q for q, o in preds[i] if early_finish[q] + o == s), default=None)
        if driver[i] is None and s > released:
            last = max((keys[k] for r in wants[i] if (keys := placed.get(r))
                        and (k := bisect.bisect_right(keys, (s, 0)) - 1) >= 0), default=None)
            driver[i] = None if last is None else -last[1]
        for r in wants[i]:
            bisect.insort(placed.setdefault(r, []), (early_finish[i], -i))
    return early_start, early_finish, driver, [
        (i, r, base + u, seconds) for i, r, u, seconds in booked]


def _levelled_order(problem: LevellingProblem, start: list[int]) -> list[int]:
    """Nodes by levelled start (then number), never before a predecessor."""
    preds, succs = problem.network.preds, problem.network.succs
    waiting = [len(preds[i]) for i in range(problem.n)]
    ready = [(start[i], i) for i in range(problem.n) if not waiting[i]]
    heapq.heapify(ready)
    out: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        out.append(i)
        for j, _ in succs[i]:
            waiting[j] -= 1
            if not waiting[j]:
                heapq.heappush(ready, (start[j], j))
    return out


def _place(
    problem: LevellingProblem,
    i: int,
    s: int,
    free: list[list[int]],
    held: list[list[int]] | None,
    grow: Callable[[int, int], None],
    booked: list[tuple[int, int, int, int]],
) -> tuple[int, int]:
    """Book node ``i`` forward from day ``s`` (day number - base) into ``free``, never into
    ``held`` when given, recording ``(i, person, day, seconds)`` in ``booked``; returns its
    first and last day."""

    def room(r: int, u: int) -> int:
        return free[r][u] - held[r][u] if held is not None else free[r][u]

    work = problem.effort[i]
    if work is None:
        d = problem.nominal[i]
        parts = problem.demand[i]
        while True:
            grow(s + d, i)
            clash = max((u for r, a in parts for u in range(s, s + d) if room(r, u) < a),
                        default=None)
            if clash is None:
                break
            s = clash + 1
        for r, a in parts:
            for u in range(s, s + d):
                free[r][u] -= a
                booked.append((i, r, u, a))
        return s, s + d - 1
    left, parts = work
    while True:
        grow(s + 1, i)
        if any(room(r, s) > 0 for r, _ in parts):
            break
        s += 1
    u = s
    while True:
        grow(u + 1, i)
        for r, cap in parts:
            take = min(cap, room(r, u), left)
            if take > 0:
                free[r][u] -= take
                left -= take
                booked.append((i, r, u, take))
        if not left:
            return s, u
        u += 1
