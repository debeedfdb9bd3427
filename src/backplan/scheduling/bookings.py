"""People's hours as a capacity-blind schedule books them: its dates, as written.

A levelled schedule carries its bookings (:class:`~backplan.Booking`); a schedule made by
precedence alone does not. :func:`bookings_as_scheduled` books people on its dates the way the
plan says: a fixed-duration action books each assignee for their hours every working day it runs,
an effort-sized one books its assignees at their hours, day by day, until the effort is done,
whatever else those people have that day. ``backplan load`` shows these bookings for a schedule
that ignores capacity, and the queue check (:mod:`backplan.scheduling.queue`) weighs them against
what the queue spares.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> from backplan.scheduling.schedule import schedule_precedence
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-08}
    ... people: [{id: qa, hours_per_day: 2}]
    ... actions:
    ...   - {id: review, effort: 3, assignees: [qa]}
    ... ''')
    >>> schedule = schedule_precedence(plan, today=dt.date(2027, 1, 4))
    >>> [(b.day.isoformat(), b.hours) for b in bookings_as_scheduled(plan, schedule)]
    [('2027-01-07', 2.0), ('2027-01-08', 1.0)]
"""

from __future__ import annotations

from backplan.calendars import plan_calendar
from backplan.calendars.people import rate_seconds
from backplan.models import Plan
from backplan.scheduling.levelling import Booking
from backplan.scheduling.result import Schedule

__all__ = ["bookings_as_scheduled"]


def bookings_as_scheduled(plan: Plan, schedule: Schedule) -> list[Booking]:
    """Book people on a capacity-blind schedule's dates, as written (see the module docstring)."""
    calendar = plan_calendar(plan, today=schedule.today)
    people = {p.id: p for p in plan.people}
    by_id = {a.id: a for a in plan.actions}
    out: list[Booking] = []
    for scheduled in schedule.actions:
        action = by_id.get(scheduled.id)
        if action is None or not action.assignees:
            continue
        rates = rate_seconds(action, people)
        days = calendar.span(calendar.number(scheduled.start), calendar.number(scheduled.finish))
        if action.duration is not None or action.effort is None:
            out += [Booking(action.id, pid, day, rate / 3600) for day in days
                    for pid, rate in rates]
            continue
        left = action.effort.seconds
        for day in days:
            for pid, rate in rates:
                take = min(rate, left)
                if take > 0:
                    out.append(Booking(action.id, pid, day, take / 3600))
                    left -= take
    return out
