"""Schedule a plan backward from its due date, and forward from today.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-29}
    ... actions:
    ...   - {id: survey, duration: 3}
    ...   - {id: coach, duration: 2, after: [survey], lag: 1}
    ... ''')
    >>> schedule = schedule_precedence(plan, today=dt.date(2027, 1, 18))
    >>> [(a.id, a.start.isoformat(), a.finish.isoformat(), a.slack) for a in schedule.actions]
    [('survey', '2027-01-22', '2027-01-26', 4), ('coach', '2027-01-28', '2027-01-29', 4)]
"""

from __future__ import annotations

import datetime as dt
from itertools import repeat

from backplan._gc import paused_gc
from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import PlanValidationError
from backplan.graph.order import CycleError
from backplan.graph.validate import plan_problems, section_problems
from backplan.models import Plan
from backplan.scheduling import vectorized
from backplan.scheduling.flags import PassResult, critical_chain, timeline_flags
from backplan.scheduling.network import (
    Network,
    PlanNodes,
    UnsoundPlanError,
    compile_network,
    resolve_nodes,
)
from backplan.scheduling.passes import backward_pass, forward_pass
from backplan.scheduling.progress import (
    progress_critical_path,
    progress_network,
    with_progress,
)
from backplan.scheduling.result import MilestoneDate, Schedule, ScheduledAction

__all__ = ["check_today", "critical_path", "run_passes", "schedule_precedence"]


def check_today(today: object) -> dt.date:
    """``today`` when it is a date (not a datetime); else TypeError."""
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, got {today!r}")
    return today


def run_passes(network: Network, calendar: WorkingCalendar, today: dt.date) -> PassResult:
    """Both passes from ``today`` (the next working day when today is not one)."""
    today_number = calendar.number(today)
    return PassResult.from_passes(
        today_number, forward_pass(network, today_number), backward_pass(network)
    )


def critical_path(network: Network, result: PassResult) -> tuple[str, ...]:
    """Action ids of the critical chain, in order: from the critical action that finishes last
    back along its driving predecessors."""
    return critical_chain(network, result, network.actions)


def schedule_precedence(plan: Plan, *, today: dt.date) -> Schedule:
    """Schedule ``plan`` as late as possible from its due date, and from ``today`` forward, by
    precedence alone (people's hours not counted); flags carry fixes not yet verified.

    :func:`backplan.schedule_plan` is what users call: it chooses this or the levelled schedule
    and verifies the fixes.

    Args:
        plan: the plan; it is validated first (unknown ids, cycles, ...).
        today: the day planning starts from (counted if it is a working day). Library code never
            reads the clock; pass ``datetime.date.today()`` yourself if that is what you mean.

    Returns:
        A frozen :class:`~backplan.Schedule`, feasible or not, with every flag and its fixes.

    Raises:
        PlanValidationError: the plan's references are broken (every problem listed).
        ScheduleRangeError: the dates would fall outside the years 1..9999.
    """
    today = check_today(today)
    # Scheduling builds many small objects that all survive and no reference cycles: collections
    # during it would only re-scan the plan (a 100k-action plan schedules twice as fast without
    # them), and what survives goes to the oldest generation unscanned (the first collection
    # after a 100k schedule scanned it all: 34 ms).
    with paused_gc():
        return _schedule(plan, today)


def _schedule(plan: Plan, today: dt.date) -> Schedule:
    calendar = plan_calendar(plan, today=today)
    try:
        nodes = resolve_nodes(plan)
        levelled = None if nodes.started else _compile_levelled(plan, calendar, nodes)
        network = levelled[0] if levelled else compile_network(plan, calendar, nodes=nodes)
    except (CycleError, UnsoundPlanError) as unsound:
        problems = plan_problems(plan)
        if not problems:  # pragma: no cover - compile and validation disagree: a bug
            raise AssertionError(f"plan rejected without a problem to report: {unsound}") from None
        raise PlanValidationError(problems) from None
    # The compiled network resolves every dependency id; the other sections are checked here.
    section = section_problems(plan, uses_impact=nodes.uses_impact,
                               uses_assignees=nodes.uses_assignees)
    if section:
        raise PlanValidationError(section)
    if nodes.started:
        progress = progress_network(plan, network, calendar, today)
        result = progress.passes()
        schedule = _assemble(plan, nodes, progress.network, result, calendar, today)
        return with_progress(schedule, plan, progress, calendar,
                             critical_path=progress_critical_path(progress, result))
    if levelled:
        result = vectorized.levelled_passes(levelled[1], calendar.number(today))
    else:
        result = run_passes(network, calendar, today)
    return _assemble(plan, nodes, network, result, calendar, today)


def _compile_levelled(
    plan: Plan, calendar: WorkingCalendar, nodes: PlanNodes | None = None
) -> tuple[Network, vectorized.Levels | vectorized.Edges] | None:
    """The large-plan engine's network (compiled, or numpy's) for a large plan, else None."""
    if len(plan.actions) + len(plan.milestones) < vectorized.MIN_NODES:
        return None
    if not vectorized.available():
        return None
    return vectorized.compile_levelled(plan, calendar, nodes=nodes)


def _assignee_ids(nodes: PlanNodes) -> list[tuple[str, ...]]:
    """Per scheduled action, the ids of its assignees."""
    return [tuple(a.person for a in assignees) for assignees in nodes.assignees]


def _assemble(
    plan: Plan,
    nodes: PlanNodes,
    network: Network,
    result: PassResult,
    calendar: WorkingCalendar,
    today: dt.date,
) -> Schedule:
    """The frozen schedule: every scheduled action (in plan order) and milestone dated."""
    at = network.actions
    k = len(at)
    latest_start, latest_finish = result.latest_start, result.latest_finish
    earliest_start, earliest_finish = result.earliest_start, result.earliest_finish
    in_plan_order = at == tuple(range(k))  # actions first, in plan order: slices will do

    def pick(column: list[int]) -> list[int]:
        return column[:k] if in_plan_order else [column[i] for i in at]

    slack = pick(result.total_slack)
    least = min(slack) if slack else None
    numbers = [*pick(latest_start), *pick(latest_finish), *pick(earliest_start),
               *pick(earliest_finish)]
    dates = calendar.days(numbers)
    start, finish, early_start, early_finish = (dates[c * k:(c + 1) * k] for c in range(4))
    # tuple.__new__ over zipped rows builds the named tuples without a Python-level __new__
    # per action (a third faster at 100k actions).
    actions = tuple(map(tuple.__new__, repeat(ScheduledAction), zip(
        nodes.ids[:k], nodes.title, start, finish, early_start, early_finish, slack,
        [s == least for s in slack], pick(network.duration), nodes.milestone, nodes.priority,
        nodes.owner, _assignee_ids(nodes) if nodes.uses_assignees else repeat((), k),
        strict=True,
    )))
    latest_member_finish: dict[str, int] = {}
    for i, milestone in zip(at, nodes.milestone, strict=True) if plan.milestones else ():
        if milestone is not None:
            f = latest_finish[i]
            if f > latest_member_finish.get(milestone, f - 1):
                latest_member_finish[milestone] = f
    milestones = []
    for k_node, m in zip(network.milestones, plan.milestones, strict=True):
        reached = latest_member_finish.get(m.id, latest_finish[k_node])
        milestones.append(MilestoneDate(
            m.id, m.title, calendar.day(reached), calendar.day(earliest_finish[k_node]), m.due,
            reached - earliest_finish[k_node],
        ))
    return Schedule(
        goal=plan.goal.id,
        goal_title=plan.goal.title,
        due=plan.goal.due,
        today=today,
        feasible=least is None or least >= 0,
        earliest_completion=max(early_finish) if early_finish else None,
        min_slack=least,
        critical_path=critical_path(network, result),
        actions=actions,
        milestones=tuple(milestones),
        unscheduled=network.unscheduled,
        flags=tuple(timeline_flags(plan, network, result, calendar)),
    )
