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
    >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 18))
    >>> [(a.id, a.start.isoformat(), a.finish.isoformat(), a.slack) for a in schedule.actions]
    [('survey', '2027-01-22', '2027-01-26', 4), ('coach', '2027-01-28', '2027-01-29', 4)]
"""

from __future__ import annotations

import datetime as dt

from backplan.calendars import WorkingCalendar
from backplan.graph import validate_plan
from backplan.models import Plan
from backplan.scheduling.flags import PassResult, timeline_flags
from backplan.scheduling.network import Network, compile_network
from backplan.scheduling.passes import backward_pass, forward_pass
from backplan.scheduling.result import MilestoneDate, Schedule, ScheduledAction

__all__ = ["critical_path", "run_passes", "schedule_plan"]


def _check_today(today: object) -> dt.date:
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, got {today!r}")
    return today


def run_passes(network: Network, calendar: WorkingCalendar, today: dt.date) -> PassResult:
    """Both passes from ``today`` (the next working day when today is not one)."""
    today_number = calendar.number(today)
    earliest_start, earliest_finish = forward_pass(network, today_number)
    latest_start, latest_finish = backward_pass(network)
    return PassResult(today_number, earliest_start, earliest_finish, latest_start, latest_finish)


def critical_path(network: Network, result: PassResult) -> tuple[str, ...]:
    """Action ids of the critical chain, in order: from the critical action that finishes last
    back along its driving predecessors."""
    n_actions = network.n_actions
    if not n_actions:
        return ()
    slack = [result.slack(i) for i in range(n_actions)]
    least = min(slack)
    end = max(
        (i for i in range(n_actions) if slack[i] == least),
        key=lambda i: (result.earliest_finish[i], -i),
    )
    chain = [end]
    while (prev := result.driver(network, chain[-1])) is not None:
        chain.append(prev)
    return tuple(network.ids[i] for i in reversed(chain) if i < n_actions)


def schedule_plan(plan: Plan, *, today: dt.date) -> Schedule:
    """Schedule ``plan`` as late as possible from its due date, and from ``today`` forward.

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
    today = _check_today(today)
    validate_plan(plan)
    calendar = WorkingCalendar.from_model(plan.calendar)
    network = compile_network(plan, calendar)
    result = run_passes(network, calendar, today)
    return _assemble(plan, network, result, calendar, today)


def _assemble(
    plan: Plan, network: Network, result: PassResult, calendar: WorkingCalendar, today: dt.date
) -> Schedule:
    n_actions = network.n_actions
    slack = [result.slack(i) for i in range(n_actions)]
    least = min(slack) if slack else None
    columns = (result.latest_start, result.latest_finish,
               result.earliest_start, result.earliest_finish)
    numbers = [column[i] for column in columns for i in range(len(network.ids))]
    dates = calendar.days(numbers)
    n = len(network.ids)
    start, finish, early_start, early_finish = (dates[k * n:(k + 1) * n] for k in range(4))

    scheduled = [a for a in plan.actions if a.priority != "wont"]
    actions = tuple(
        ScheduledAction(
            a.id, a.title, start[i], finish[i], early_start[i], early_finish[i], slack[i],
            slack[i] == least, a.duration, a.milestone, a.priority, a.owner,
        )
        for i, a in enumerate(scheduled)
    )
    latest_member_finish: dict[str, int] = {}
    for i, a in enumerate(scheduled):
        if a.milestone is not None:
            f = result.latest_finish[i]
            latest_member_finish[a.milestone] = max(latest_member_finish.get(a.milestone, f), f)
    milestones = []
    for k, m in enumerate(plan.milestones, start=n_actions):
        reached = latest_member_finish.get(m.id, result.latest_finish[k])
        milestones.append(MilestoneDate(
            m.id, m.title, calendar.day(reached), early_finish[k], m.due,
            reached - result.earliest_finish[k],
        ))
    return Schedule(
        goal=plan.goal.id,
        goal_title=plan.goal.title,
        due=plan.goal.due,
        today=today,
        feasible=least is None or least >= 0,
        earliest_completion=max(early_finish[:n_actions]) if n_actions else None,
        min_slack=least,
        critical_path=critical_path(network, result),
        actions=actions,
        milestones=tuple(milestones),
        unscheduled=network.unscheduled,
        flags=tuple(timeline_flags(plan, network, result, calendar)),
    )
