"""One schedule per plan: the place that decides how a plan is scheduled.

Every command and API entry point that shows dates, feasibility or advice gets its schedule from
:func:`schedule_plan`, so that two views of one plan never disagree:

* a plan whose actions book people (``people`` and ``assignees``) is scheduled capacity-aware
  (:func:`~backplan.scheduling.levelling.schedule_levelled`: nobody is booked beyond their
  hours), unless ``ignore_capacity`` asks for the precedence-only answer on purpose;
* any other plan is scheduled by precedence alone (the two passes over the network);
* a plan with a ``queue`` gives the queue's people the hours it spares (:func:`queue_capacity`
  decides how the AHT over time is read), and every schedule of it is checked against the queue
  (``queue-at-risk``, ``queue-kr-inconsistent``: :mod:`backplan.scheduling.queue`);
* the flags' fixes are then verified the same way (:mod:`backplan.scheduling.fixes`): each fix
  is applied to a copy of the plan and scheduled again by the same strategy.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-06}
    ... people: [{id: qa, hours_per_day: 2}]
    ... actions:
    ...   - {id: calibrate, duration: 2, assignees: [qa]}
    ...   - {id: review, duration: 2, assignees: [qa]}
    ... ''')
    >>> capacity_mode(plan), capacity_mode(plan, ignore_capacity=True)
    ('levelled', 'ignored')
    >>> levelled = schedule_plan(plan, today=dt.date(2027, 1, 4))
    >>> levelled.capacity, levelled.feasible, levelled.earliest_completion.isoformat()
    ('levelled', False, '2027-01-07')
    >>> ignored = schedule_plan(plan, today=dt.date(2027, 1, 4), ignore_capacity=True)
    >>> ignored.capacity, ignored.feasible, ignored.earliest_completion.isoformat()
    ('ignored', True, '2027-01-05')

The two actions both need all of the analyst's hours, so they cannot run side by side.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from backplan.models import Plan
from backplan.scheduling.fixes import verify_fixes
from backplan.scheduling.result import CapacityMode, Schedule
from backplan.scheduling.schedule import check_today, schedule_precedence

if TYPE_CHECKING:
    from backplan.calendars import QueueCapacity

__all__ = ["capacity_mode", "make_scheduler", "queue_capacity", "schedule_plan"]


def capacity_mode(plan: Plan, *, ignore_capacity: bool = False) -> CapacityMode:
    """How ``plan`` is scheduled: ``levelled`` when its actions book people (and capacity is
    not ignored), ``ignored`` when they do but ``ignore_capacity`` is set, else ``none``."""
    if not plan.people or not any(a.assignees for a in plan.actions if a.priority != "wont"):
        return "none"
    return "ignored" if ignore_capacity else "levelled"


def schedule_plan(
    plan: Plan, *, today: dt.date, ignore_capacity: bool = False, seed: int = 0
) -> Schedule:
    """Schedule ``plan`` backward from its due date and forward from ``today``, with people's
    hours counted when the plan books people, and every fix verified.

    Args:
        plan: the plan; it is validated first (unknown ids, cycles, ...).
        today: the day planning starts from (counted if it is a working day). Library code
            never reads the clock; pass ``datetime.date.today()`` yourself if that is what you
            mean.
        ignore_capacity: schedule by precedence alone even when the plan books people
            (``capacity`` is then ``"ignored"``).
        seed: seeds the levelling search (plans that book people); the same inputs give the
            same schedule.

    Returns:
        A frozen :class:`~backplan.Schedule` (a :class:`~backplan.LevelledSchedule`, with the
        bookings, when people's hours were counted), feasible or not, with every flag and its
        verified fixes.

    Raises:
        PlanValidationError: the plan is broken (every problem listed).
        ScheduleRangeError: the dates would fall outside the years 1..9999, or an action can
            never be booked.
    """
    today = check_today(today)
    schedule = make_scheduler(today=today, ignore_capacity=ignore_capacity, seed=seed)
    return verify_fixes(plan, schedule(plan), reschedule=schedule)


def make_scheduler(
    *, today: dt.date, ignore_capacity: bool = False, seed: int = 0
) -> Callable[[Plan], Schedule]:
    """The way :func:`schedule_plan` schedules a plan (and every variant of it) from ``today``,
    without verifying fixes: for analyses that schedule many variants of one plan (descoping,
    scenarios, fixes) and read only dates, slack and flags.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> schedule = make_scheduler(today=dt.date(2027, 1, 4))
        >>> schedule(load_plan({"goal": {"id": "g", "due": "2027-01-08"},
        ...                     "actions": [{"id": "a", "duration": 2}]})).min_slack
        3
    """
    today = check_today(today)

    def strategy(candidate: Plan) -> Schedule:
        how = capacity_mode(candidate, ignore_capacity=ignore_capacity)
        if how == "levelled":
            from backplan.scheduling.levelling import level

            schedule: Schedule = level(candidate, today=today, seed=seed)
        else:
            schedule = schedule_precedence(candidate, today=today)
            if how != "none":
                schedule = dataclasses.replace(schedule, capacity=how)
        if candidate.queue is None:
            return schedule
        from backplan.scheduling.queue import queue_flags

        return dataclasses.replace(schedule,
                                   flags=schedule.flags + tuple(queue_flags(candidate, schedule)))

    return strategy


def queue_capacity(plan: Plan, *, today: dt.date) -> QueueCapacity | None:
    """The project hours ``plan``'s queue spares each day, as its people's capacity (None
    without a queue): where backplan decides how an AHT that falls over time is counted.

    The queue's AHT is a number, or follows an AHT key result. The key result's glide path
    depends on the schedule (it falls as the actions with an ``impact`` on it finish), and the
    schedule depends on the hours the path frees. The circle is cut here, once: the AHT on each
    day is the key result's path on the **precedence-only** schedule's latest dates
    (:func:`~backplan.scheduling.queue.aht_by_day`). Counting people's hours only moves work
    earlier than precedence alone, so in the levelled schedule every action finishes on or
    before those dates: where the actions lower AHT, the levelled plan frees at least the hours
    it was given, and no hour is counted before the work that frees it is planned to be done.
    What the final schedule implies is checked afterwards (``queue-at-risk``), so an action
    that raises AHT cannot go unnoticed. One precedence pass costs far less than iterating the
    levelled search to a fixed point, and gives one answer.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan('''
        ... goal: {id: g, due: 2027-01-15, key_results: [{id: aht, metric: aht, baseline: 200,
        ...        target: 180}]}
        ... people: [{id: ana, hours_per_day: 8}]
        ... queue: {volume: [100, 100], aht: {key_result: aht}, target: 80/20, shrinkage: 0.3,
        ...         rostered: 24, people: [ana]}
        ... actions: [{id: coach, duration: 3, impact: {aht: -20}}]
        ... ''')
        >>> capacity = queue_capacity(plan, today=dt.date(2027, 1, 4))
        >>> tuple(capacity.day(dt.date(2027, 1, d)).spare_hours for d in (14, 15))
        (2.0, 4.0)

    The coaching finishes on 2027-01-15 at the latest: from then on the AHT is 180 s and the
    queue spares more hours.
    """
    if plan.queue is None:
        return None
    from backplan.calendars import QueueCapacity, plan_calendar
    from backplan.scheduling.queue import aht_by_day

    calendar = plan_calendar(plan, today=today)
    aht = None
    if plan.queue.aht_key_result is not None:
        aht = aht_by_day(plan, schedule_precedence(plan, today=today), calendar)
    return QueueCapacity(plan, calendar, aht=aht)
