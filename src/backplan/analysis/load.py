"""Per-person load: hours booked against hours available, per working day and per ISO week.

:func:`person_load` reads the bookings of a :class:`~backplan.LevelledSchedule` (never over
anyone's hours), or, for a plain :class:`~backplan.Schedule`, books the people on the dates the
schedule gives, ignoring capacity, which shows where a plan that ignores people overloads them.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_levelled
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-29}
    ... people:
    ...   - {id: qa, hours_per_day: 2, workdays: [mon, tue, wed]}
    ... actions:
    ...   - {id: review, effort: {hours: 5}, assignees: [qa]}
    ... ''')
    >>> load = person_load(plan, schedule_levelled(plan, today=dt.date(2027, 1, 18)))
    >>> week = load.person("qa").weeks[-1]
    >>> week.week, week.available_hours, week.booked_hours
    ('2027-W04', 6.0, 5.0)
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from backplan._find import find
from backplan.analysis._text import table_html
from backplan.calendars import PersonCalendar, plan_calendar
from backplan.models import Plan
from backplan.scheduling import Schedule
from backplan.scheduling.bookings import bookings_as_scheduled
from backplan.scheduling.levelling import Booking, LevelledSchedule
from backplan.scheduling.pipeline import queue_capacity
from backplan.words import counted

__all__ = ["DayLoad", "Load", "PersonLoad", "WeekLoad", "person_load"]

_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class DayLoad:
    """One person's hours on one working day of the plan."""

    day: dt.date
    available_hours: float
    booked_hours: float

    @property
    def over_hours(self) -> float:
        """Hours booked beyond those available (0.0 when within capacity)."""
        return max(0.0, self.booked_hours - self.available_hours)

    def to_dict(self) -> dict[str, Any]:
        """The day as JSON-ready data."""
        return {"date": self.day.isoformat(), "available_hours": round(self.available_hours, 4),
                "booked_hours": round(self.booked_hours, 4),
                "over_hours": round(self.over_hours, 4)}


@dataclass(frozen=True, slots=True)
class WeekLoad:
    """One person's hours in one ISO week (``2027-W03``), starting on Monday ``start``.

    Every week of the span is listed, also one without a working day of the plan
    (``working_days`` 0: a holiday week or a blackout), so that the weeks read as a timeline.
    """

    week: str
    start: dt.date
    available_hours: float
    booked_hours: float
    #: The plan's working days of this week inside the span.
    working_days: int = 0

    @property
    def utilisation(self) -> float | None:
        """Booked over available hours (None when nothing is available)."""
        return self.booked_hours / self.available_hours if self.available_hours else None

    def to_dict(self) -> dict[str, Any]:
        """The week as JSON-ready data."""
        use = self.utilisation
        return {"week": self.week, "start": self.start.isoformat(),
                "working_days": self.working_days,
                "available_hours": round(self.available_hours, 4),
                "booked_hours": round(self.booked_hours, 4),
                "utilisation": None if use is None else round(use, 4)}


@dataclass(frozen=True, slots=True)
class PersonLoad:
    """One person's load over the schedule's span, by day and by week."""

    person: str
    name: str
    hours_per_day: float
    days: tuple[DayLoad, ...]
    weeks: tuple[WeekLoad, ...]

    @property
    def available_hours(self) -> float:
        """Hours available over the span."""
        return sum(d.available_hours for d in self.days)

    @property
    def booked_hours(self) -> float:
        """Hours booked over the span."""
        return sum(d.booked_hours for d in self.days)

    @property
    def over_days(self) -> tuple[dt.date, ...]:
        """Days on which more is booked than is available."""
        return tuple(d.day for d in self.days if d.over_hours > _EPSILON)

    def to_dict(self) -> dict[str, Any]:
        """The person's load as JSON-ready data."""
        return {
            "id": self.person, "name": self.name, "hours_per_day": self.hours_per_day,
            "available_hours": round(self.available_hours, 4),
            "booked_hours": round(self.booked_hours, 4),
            "over_days": [d.isoformat() for d in self.over_days],
            "weeks": [w.to_dict() for w in self.weeks],
            "days": [d.to_dict() for d in self.days],
        }


@dataclass(frozen=True, slots=True)
class Load:
    """Everyone's load for one schedule: :func:`person_load`'s result.

    Attributes:
        goal: the goal's id.
        today: the schedule's today.
        first: the first day covered (the earlier of today and the first booking).
        last: the last day covered (the later of the due date and the last booking).
        levelled: whether the bookings come from the levelled scheduler.
        feasible: whether the schedule is feasible.
        people: one :class:`PersonLoad` per person, in plan order.
        bookings: the hours behind the load: one per person, action and working day.

    ``to_dataframe(load)`` gives one row per person and week, ``table="days"`` one per person
    and working day, ``table="bookings"`` one per person, day and action.
    """

    goal: str
    today: dt.date
    first: dt.date
    last: dt.date
    levelled: bool
    feasible: bool
    people: tuple[PersonLoad, ...]
    bookings: tuple[Booking, ...] = ()

    def person(self, person_id: str) -> PersonLoad:
        """The load of the person with this id (KeyError naming it when there is none)."""
        return find(self.people, "person", person_id, "person")

    def to_dict(self) -> dict[str, Any]:
        """The load as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "today": self.today.isoformat(), "first": self.first.isoformat(),
            "last": self.last.isoformat(), "levelled": self.levelled, "feasible": self.feasible,
            "people": [p.to_dict() for p in self.people],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        kind = "levelled" if self.levelled else "as scheduled, capacity ignored"
        lines = [f"Load for goal {self.goal!r} from {self.first.isoformat()} to "
                 f"{self.last.isoformat()} ({kind})"]
        if not self.people:
            lines.append("  no people in the plan")
        lines.append(f"  {'person':<16} {'week':<9} {'start':<10} {'available':>9} "
                     f"{'booked':>8} {'use':>5}")
        for load in self.people:
            for week in load.weeks:
                use = week.utilisation
                shown = "-" if use is None else f"{use:.0%}"
                mark = " !" if use is not None and use > 1 + _EPSILON else ""
                if not week.working_days:
                    mark = "  no working day"
                lines.append(f"  {load.person:<16} {week.week:<9} {week.start.isoformat():<10} "
                             f"{week.available_hours:>9.1f} {week.booked_hours:>8.1f} "
                             f"{shown:>5}{mark}")
            over = load.over_days
            if over:
                lines.append(f"  {load.person}: over capacity on {counted(len(over), 'day')}: "
                             + ", ".join(d.isoformat() for d in over[:6])
                             + (", ..." if len(over) > 6 else ""))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Load {self.goal!r} people={len(self.people)} {self.first.isoformat()}.."
                f"{self.last.isoformat()} levelled={self.levelled}>")

    def _repr_html_(self) -> str:
        rows = [["person", "week", "start", "available h", "booked h"]] + [
            [p.person, w.week, str(w.start), f"{w.available_hours:.1f}", f"{w.booked_hours:.1f}"]
            for p in self.people for w in p.weeks
        ]
        return (f"<div><p>Load for goal <b>{html.escape(self.goal)}</b></p>"
                f"{table_html(rows, right=(3, 4))}</div>")


def person_load(plan: Plan, schedule: Schedule) -> Load:
    """Hours booked and available per person, per working day and per ISO week.

    Args:
        plan: the plan the schedule was made from.
        schedule: a :class:`~backplan.LevelledSchedule` (its bookings are used), or a plain
            :class:`~backplan.Schedule`, whose dates are booked as they stand: fixed-duration
            actions book their assignees every day, effort-sized ones at the assignees' hours
            until the effort is done, whatever else those people have that day.

    Returns:
        A frozen :class:`Load`.
    """
    levelled = isinstance(schedule, LevelledSchedule)
    bookings = list(schedule.bookings) if isinstance(schedule, LevelledSchedule) else (
        bookings_as_scheduled(plan, schedule))
    calendar = plan_calendar(plan, today=schedule.today)
    days_booked = [b.day for b in bookings]
    first = min([schedule.today, *days_booked])
    last = max([schedule.due, *days_booked])
    booked: dict[tuple[str, dt.date], float] = {}
    for b in bookings:
        booked[(b.person, b.day)] = booked.get((b.person, b.day), 0.0) + b.hours
    first_number = calendar.number(first)
    last_number = calendar.number_on_or_before(last)
    working = calendar.span(first_number, last_number) if last_number >= first_number else []
    people = []
    queue = queue_capacity(plan, today=schedule.today)  # its people have what it spares
    for person in plan.people:
        hours = PersonCalendar(person, calendar, queue=queue).seconds_by_number(
            first_number, last_number)
        days = tuple(
            DayLoad(day, seconds / 3600, booked.get((person.id, day), 0.0))
            for day, seconds in zip(working, hours, strict=True)
        )
        people.append(PersonLoad(person.id, person.name, person.hours_per_day, days,
                                 _weeks(days, first, last)))
    return Load(plan.goal.id, schedule.today, first, last, levelled, schedule.feasible,
                tuple(people), tuple(sorted(bookings, key=lambda b: (b.person, b.day, b.action))))


def _weeks(days: Iterable[DayLoad], first: dt.date, last: dt.date) -> tuple[WeekLoad, ...]:
    """Every ISO week from ``first``'s to ``last``'s, with the working days that fall in it."""
    weeks: dict[dt.date, list[DayLoad]] = {}
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        weeks[monday] = []
        monday += dt.timedelta(days=7)
    for load in days:
        weeks[load.day - dt.timedelta(days=load.day.weekday())].append(load)
    out = []
    for monday, members in weeks.items():
        year, week, _ = monday.isocalendar()
        out.append(WeekLoad(f"{year}-W{week:02d}", monday,
                            sum(d.available_hours for d in members),
                            sum(d.booked_hours for d in members), len(members)))
    return tuple(out)

