"""Re-planning from progress: done work keeps its actual dates, the rest is planned from today.

An action's ``status`` says where it stands (see :class:`~backplan.Action`):

* ``done``: it sits on its actual dates, ``actual_start`` to ``actual_finish`` (when no
  ``actual_start`` is given, its planned working days ending on ``actual_finish``: ``duration``,
  or for an effort-sized action the nominal days ``schedule_plan`` gives it). It is fixed:
  both schedules give it those dates and its slack is 0. It no longer waits for anything, and its
  successors wait for its *actual* finish (plus their lags) but never before today. It is never
  critical and does not count toward ``min_slack`` or ``feasible``.
* ``in_progress``: it started on ``actual_start`` (shown as its start in both schedules) and
  needs ``remaining`` working days from today (default: its planned days less the working days
  from ``actual_start`` to today, at least 1; with ``remaining_as_of``, the day ``remaining``
  was measured, the working days since then are taken off it, at least 1 left). It no longer
  waits for its predecessors; its latest finish comes from its successors and caps as usual,
  and its slack is the working days the remaining work may still wait.
* ``not_started``: planned as usual, from today.

A milestone all of whose predecessors are done (or are milestones reached that way) is reached
on the day the last of them finished, and is not flagged late any more. A lag after a done
action shows as the successor's earliest start (so a flag on it may name a ``not_before`` the
user did not write).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-29}
    ... actions:
    ...   - {id: export, duration: 3, status: done, actual_finish: 2027-01-06}
    ...   - {id: tag, duration: 5, after: [export], status: in_progress,
    ...      actual_start: 2027-01-07, remaining: 2}
    ...   - {id: report, duration: 2, after: [tag]}
    ... ''')
    >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 11))
    >>> for a in schedule.actions:
    ...     print(a.id, a.start, a.finish, a.earliest_start, a.earliest_finish, a.slack)
    export 2027-01-04 2027-01-06 2027-01-04 2027-01-06 0
    tag 2027-01-07 2027-01-27 2027-01-07 2027-01-12 11
    report 2027-01-28 2027-01-29 2027-01-13 2027-01-14 11
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from operator import attrgetter

from backplan.calendars import WorkingCalendar
from backplan.models import Action, Plan
from backplan.scheduling.flags import PassResult, critical_chain
from backplan.scheduling.network import MILESTONE_RELEASE, Network
from backplan.scheduling.passes import backward_pass, forward_pass
from backplan.scheduling.result import Schedule

__all__ = [
    "ProgressNetwork", "has_progress", "progress_critical_path", "progress_network",
    "with_progress",
]


def has_progress(plan: Plan) -> bool:
    """Whether any action of ``plan`` is started or done.

    Example:
        >>> from backplan.models import Plan
        >>> has_progress(Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
        ...                                   "actions": [{"id": "a", "duration": 2}]}))
        False
    """
    return not all(map("not_started".__eq__, map(attrgetter("status"), plan.actions)))


@dataclass(frozen=True, slots=True)
class ProgressNetwork:
    """A network with progress applied, ready for the passes.

    Attributes:
        network: the network of the remaining work: done actions and reached milestones have no
            edges; every other node starts no earlier than today (its ``not_before``; a
            milestone the working day before, as in the forward pass).
        start: the number to pass as ``today`` to :func:`~backplan.scheduling.forward_pass`
            (the earliest actual start, or today).
        today: today's number.
        fixed: per fixed node (done actions, reached milestones), its ``(start, finish)``
            numbers.
        in_progress: the nodes of actions in progress.
    """

    network: Network
    start: int
    today: int
    fixed: dict[int, tuple[int, int]]
    in_progress: frozenset[int]

    def passes(self, durations: list[int] | None = None) -> PassResult:
        """Both passes, with fixed nodes held on their dates (slack 0)."""
        earliest = forward_pass(self.network, self.start, durations)
        latest_start, latest_finish = backward_pass(self.network, durations)
        for node, (start, finish) in self.fixed.items():
            latest_start[node], latest_finish[node] = start, finish
        return PassResult.from_passes(self.today, earliest, (latest_start, latest_finish))


def _actual_numbers(action: Action, planned: int, calendar: WorkingCalendar) -> tuple[int, int]:
    """Start and finish numbers of a done action; ``planned`` is its duration in the network
    (an effort-sized action's nominal days), the span when no ``actual_start`` is given."""
    assert action.actual_finish is not None
    finish = calendar.number_on_or_before(action.actual_finish)
    if action.actual_start is not None:
        start = min(calendar.number(action.actual_start), finish)
    else:
        start = finish - planned + 1
    return start, finish


def progress_network(
    plan: Plan, network: Network, calendar: WorkingCalendar, today: dt.date
) -> ProgressNetwork:
    """``network`` (compiled from ``plan``) with the plan's progress applied (module rules)."""
    today_number = calendar.number(today)
    by_id = {action.id: action for action in plan.actions}
    ids, is_action = network.ids, network.is_action
    n = len(ids)
    duration = list(network.duration)
    not_before = list(network.not_before)
    pred_groups = list(network.pred_groups)
    fixed: dict[int, tuple[int, int]] = {}
    in_progress: set[int] = set()
    for i in range(n):  # a topological order: predecessors are settled first
        action = by_id.get(ids[i]) if is_action[i] else None
        if action is not None and action.status == "done":
            start, finish = _actual_numbers(action, duration[i], calendar)
            fixed[i] = (start, finish)
            pred_groups[i], duration[i], not_before[i] = (), finish - start + 1, start
            continue
        if action is not None and action.status == "in_progress":
            assert action.actual_start is not None
            remaining = action.remaining
            if remaining is None:
                worked = max(0, today_number - calendar.number(action.actual_start))
                remaining = max(1, duration[i] - worked)
            elif action.remaining_as_of is not None:  # days worked since it was measured
                worked = max(0, today_number - calendar.number(action.remaining_as_of))
                remaining = max(1, remaining - worked)
            in_progress.add(i)
            pred_groups[i], duration[i], not_before[i] = (), remaining, today_number
            continue
        kept: list[tuple[int, list[int]]] = []
        floor: int | None = None
        count = 0
        for offset, nodes in pred_groups[i]:
            open_nodes = []
            for p in nodes:
                count += 1
                if p in fixed:
                    value = fixed[p][1] + offset
                    floor = value if floor is None or value > floor else floor
                else:
                    open_nodes.append(p)
            if open_nodes:
                kept.append((offset, open_nodes))
        if not is_action[i] and count and not kept:
            assert floor is not None  # a milestone reached by finished work
            fixed[i] = (floor, floor)
            pred_groups[i], not_before[i] = (), floor
            continue
        pred_groups[i] = tuple(kept)
        release = today_number + (0 if is_action[i] else MILESTONE_RELEASE)
        bound = release if floor is None or floor < release else floor
        own = not_before[i]
        not_before[i] = bound if own is None or own < bound else own
    start = min([today_number, *(s for s, _ in fixed.values())])
    changed = dataclasses.replace(
        network, duration=duration, not_before=not_before, pred_groups=pred_groups, _derived={})
    return ProgressNetwork(changed, start, today_number, fixed, frozenset(in_progress))


def with_progress(
    schedule: Schedule, plan: Plan, progress: ProgressNetwork, calendar: WorkingCalendar, *,
    critical_path: tuple[str, ...],
) -> Schedule:
    """``schedule`` (assembled from ``progress``) with actual dates shown and done work left out
    of criticality, slack totals and milestone flags; ``critical_path`` is the remaining work's
    (:func:`progress_critical_path` for the passes)."""
    network = progress.network
    by_id = {action.id: action for action in plan.actions}
    node_of = network.index
    done = {network.ids[i] for i in progress.fixed if network.is_action[i]}
    started = {network.ids[i] for i in progress.in_progress}
    reached = {network.ids[i] for i in progress.fixed if not network.is_action[i]}
    open_slack = [a.slack for a in schedule.actions if a.id not in done]
    least = min(open_slack) if open_slack else None
    actions = []
    for scheduled in schedule.actions:
        action = by_id[scheduled.id]
        if scheduled.id in done:
            assert action.actual_finish is not None
            start = action.actual_start or scheduled.start
            scheduled = scheduled._replace(
                start=start, finish=action.actual_finish, earliest_start=start,
                earliest_finish=action.actual_finish, slack=0, critical=False)
        else:
            if scheduled.id in started:
                assert action.actual_start is not None
                scheduled = scheduled._replace(start=action.actual_start,
                                               earliest_start=action.actual_start)
            scheduled = scheduled._replace(critical=scheduled.slack == least)
        actions.append(scheduled)
    milestones = []
    for milestone in schedule.milestones:
        if milestone.id in reached:
            day = calendar.day(progress.fixed[node_of[milestone.id]][1])
            milestone = dataclasses.replace(milestone, date=day, earliest_date=day, slack=0)
        milestones.append(milestone)
    flags = tuple(
        flag for flag in schedule.flags
        if not (flag.code == "milestone-late" and flag.subject in reached)
    )
    return dataclasses.replace(
        schedule,
        feasible=least is None or least >= 0,
        min_slack=least,
        critical_path=critical_path,
        actions=tuple(actions),
        milestones=tuple(milestones),
        flags=flags,
    )


def progress_critical_path(progress: ProgressNetwork, result: PassResult) -> tuple[str, ...]:
    """The critical chain of the remaining work (as the core's, fixed nodes left out)."""
    network = progress.network
    return critical_chain(network, result,
                          [i for i in network.actions if i not in progress.fixed])
