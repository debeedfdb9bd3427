"""Each person's project time per day: their hours on their working days, minus days off.

A person is available ``hours_per_day`` on a day when it is a working day of the plan's calendar,
one of the person's ``workdays`` (all of the plan's by default), not in their ``time_off`` and
not a day their personal ``rules`` take off. Capacity is counted in whole seconds so that sums
are exact (:func:`~backplan.models.people.hours_to_seconds`).

Example:
    >>> import datetime as dt
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-01-29"},
    ...     "people": [{"id": "qa", "hours_per_day": 2, "workdays": ["mon", "wed"],
    ...                 "time_off": ["2027-01-11"]}]})
    >>> hours = available_hours(plan, "qa", first=dt.date(2027, 1, 4), last=dt.date(2027, 1, 13),
    ...                         today=dt.date(2027, 1, 4))
    >>> {d.isoformat(): h for d, h in hours.items() if h}
    {'2027-01-04': 2.0, '2027-01-06': 2.0, '2027-01-13': 2.0}
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from typing import TYPE_CHECKING

from backplan.calendars.rules import plan_calendar, range_days, rule_days
from backplan.calendars.working import WorkingCalendar
from backplan.models import WEEKDAYS, Action, Person, Plan
from backplan.models.people import hours_to_seconds

if TYPE_CHECKING:
    from backplan.calendars.queue import QueueCapacity

__all__ = ["PersonCalendar", "available_hours", "nominal_duration_days", "rate_seconds"]

#: Time off longer than this many days is checked by its dates rather than listed day by day.
_EXPANDED_DAYS = 3660


class PersonCalendar:
    """When one person can do project work, on the plan's working days.

    Args:
        person: the person.
        calendar: the plan's working calendar (days off for everyone are already out of it).
        queue: the plan's queue capacity: when the person is one of the queue's people, their
            project time on a day is their share of what the queue spares
            (:mod:`backplan.calendars.queue`), and ``hours_per_day`` only caps it.
        booked: seconds of the person's time already booked on each date elsewhere (by the
            plans levelled before this one in a portfolio); they are taken off that date's
            time, never below zero. ``rate`` stays the person's full daily time.

    Example:
        >>> from backplan.models import Person
        >>> cal = PersonCalendar(Person(id="a", hours_per_day=1.5, workdays=["tue"]),
        ...                      WorkingCalendar())
        >>> cal.seconds(dt.date(2027, 1, 5)), cal.seconds(dt.date(2027, 1, 6))
        (5400, 0)
        >>> PersonCalendar(Person(id="a", hours_per_day=1.5), WorkingCalendar(),
        ...                booked={dt.date(2027, 1, 5): 3600}).seconds(dt.date(2027, 1, 5))
        1800
    """

    __slots__ = ("_booked", "_booked_days", "_calendar", "_expanded", "_long_off", "_off",
                 "_queue", "_rate", "_weekdays", "person")

    def __init__(
        self, person: Person, calendar: WorkingCalendar, *, queue: QueueCapacity | None = None,
        booked: Mapping[dt.date, int] | None = None,
    ) -> None:
        self.person = person
        self._booked = booked or None
        self._booked_days = sorted(booked) if booked else []
        self._calendar = calendar
        self._queue = queue if queue is not None and person.id in queue.people else None
        self._rate = hours_to_seconds(person.hours_per_day)
        names = person.workdays
        self._weekdays = frozenset(
            calendar.workdays if names is None else (WEEKDAYS.index(d) for d in names))
        # Time off is a set of days; a very long one (leave until further notice, written as a
        # far end date) is kept as its first and last day, so that it costs no time.
        short = [s for s in person.time_off if (s.last - s.start).days <= _EXPANDED_DAYS]
        self._off: set[dt.date] = {d for span in short for d in range_days(span)}
        self._long_off = tuple((s.start, s.last) for s in person.time_off
                               if (s.last - s.start).days > _EXPANDED_DAYS)
        self._expanded: tuple[dt.date, dt.date] | None = None

    @property
    def rate(self) -> int:
        """Seconds of project time on a full working day (``hours_per_day``; for one of the
        queue's people, the most they take from the queue in a day)."""
        return self._rate

    def expand_rules(self, first: dt.date, last: dt.date) -> None:
        """Make sure personal rules are expanded from ``first`` to ``last`` (kept for later)."""
        if not self.person.rules:
            return
        if self._expanded is not None:
            lo, hi = self._expanded
            if lo <= first and last <= hi:
                return
            first, last = min(first, lo), max(last, hi)
        for rule in self.person.rules:
            self._off.update(rule_days(rule, first, last))
        self._expanded = (first, last)

    def seconds(self, day: dt.date) -> int:
        """Seconds of project time on ``day`` (0 when it is not their working day)."""
        self.expand_rules(day, day)
        if (day.weekday() not in self._weekdays or day in self._off or self._away(day)
                or not self._calendar.is_working_day(day)):
            return 0
        return self._taken([day], [self._queue.seconds_on(self.person.id, [day])[0]
                                   if self._queue is not None else self._rate])[0]

    def _away(self, day: dt.date) -> bool:
        """Whether ``day`` falls in one of the long time-off spans."""
        return any(first <= day <= last for first, last in self._long_off)

    def seconds_by_number(self, first: int, last: int) -> list[int]:
        """Seconds of project time on the plan's working days numbered ``first`` .. ``last``."""
        if last < first:
            return []
        return self.seconds_on(self._calendar.span(first, last))

    def seconds_on(self, days: list[dt.date]) -> list[int]:
        """Seconds of project time on each of ``days``, which must be plan working days in order."""
        if not days:
            return []
        if self._queue is not None:  # the queue shares its spare time among who works that day
            return self._taken(days, self._queue.seconds_on(self.person.id, days))
        self.expand_rules(days[0], days[-1])
        weekdays, off, rate = self._weekdays, self._off, self._rate
        if self._long_off:
            away = self._away
            return self._taken(days, [
                rate if d.weekday() in weekdays and d not in off and not away(d) else 0
                for d in days])
        if not off and len(weekdays) == 7:
            return self._taken(days, [rate] * len(days))
        return self._taken(days, [rate if d.weekday() in weekdays and d not in off else 0
                                  for d in days])

    def _taken(self, days: list[dt.date], seconds: list[int]) -> list[int]:
        """``seconds`` (one per day of ``days``, in order) less what is booked elsewhere: the
        few booked dates within the span, found by bisection."""
        booked = self._booked
        if booked is None:
            return seconds
        taken_days = self._booked_days
        first = bisect_left(taken_days, days[0])
        last = bisect_right(taken_days, days[-1])
        for day in taken_days[first:last]:
            k = bisect_left(days, day)
            if k < len(days) and days[k] == day:
                seconds[k] = max(0, seconds[k] - booked[day])
        return seconds


def rate_seconds(action: Action, people: Mapping[str, Person]) -> list[tuple[str, int]]:
    """``(person id, seconds per day)`` for each assignee of an action: their booked hours.

    The hours are the assignee's ``hours_per_day`` when given, else the person's own; an
    assignee naming no known person is left out (validation reports it).

    Example:
        >>> from backplan.models import Person
        >>> action = Action(id="x", effort=6, assignees=["a", {"person": "b", "hours_per_day": 1}])
        >>> rate_seconds(action, {"a": Person(id="a", hours_per_day=2),
        ...                       "b": Person(id="b", hours_per_day=3)})
        [('a', 7200), ('b', 3600)]
    """
    out = []
    for assignee in action.assignees:
        person = people.get(assignee.person)
        if person is None:
            continue
        hours = assignee.hours_per_day if assignee.hours_per_day is not None else (
            person.hours_per_day)
        out.append((person.id, hours_to_seconds(hours)))
    return out


def nominal_duration_days(action: Action, people: Mapping[str, Person]) -> int:
    """Working days an action takes when its assignees work their full hours every day.

    A fixed ``duration`` is returned as it is. An ``effort`` is divided by the sum of the
    assignees' hours per day and rounded up (at least 1 day). This is what
    :func:`~backplan.schedule_plan` uses for effort-sized actions; days off and other work are
    the levelled scheduler's business (:func:`~backplan.schedule_levelled`).

    Example:
        >>> from backplan.models import Person
        >>> action = Action(id="x", effort={"hours": 12}, assignees=["agent", "lead"])
        >>> nominal_duration_days(action, {"agent": Person(id="agent", hours_per_day=1.5),
        ...                                "lead": Person(id="lead", hours_per_day=3)})
        3
    """
    if action.duration is not None:
        return action.duration
    if action.effort is None:  # an estimate-sized action always has a duration
        raise ValueError(f"action {action.id!r} has neither a duration nor an effort")
    per_day = sum(rate for _, rate in rate_seconds(action, people))
    if per_day <= 0:
        return 1
    return max(1, math.ceil(action.effort.seconds / per_day))


def available_hours(
    plan: Plan,
    person_id: str,
    *,
    first: dt.date,
    last: dt.date,
    today: dt.date,
) -> dict[dt.date, float]:
    """Hours of project time a person has on each date from ``first`` to ``last``.

    ``today`` fixes the window over which the plan's recurring rules are expanded (see
    :func:`~backplan.calendars.plan_calendar`). Every date is listed, with 0.0 on days off. For
    one of the queue's people these are their ``hours_per_day`` (the most they may take); what
    the queue gives them each day is :func:`backplan.queue_capacity`'s.

    Raises:
        KeyError: no person has this id.
    """
    people = {p.id: p for p in plan.people}
    if person_id not in people:
        raise KeyError(f"no person {person_id!r} in the plan; known: {sorted(people)}")
    person = PersonCalendar(people[person_id], plan_calendar(plan, today=today))
    person.expand_rules(first, last)
    out: dict[dt.date, float] = {}
    day = first
    while day <= last:
        out[day] = person.seconds(day) / 3600
        day += dt.timedelta(days=1)
    return out
