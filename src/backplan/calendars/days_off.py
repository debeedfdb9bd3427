"""Why a day is not a working day: a non-working weekday, a holiday, a blackout, a rule, leave.

:func:`day_off` answers for the whole plan, or for one person: their ``time_off`` (leave),
their personal ``rules`` and a weekday outside their part-time ``workdays`` count too. Commands
that plan one day (``backplan today``, ``backplan huddle``) say so instead of showing an
empty day.

Example:
    >>> import datetime as dt
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31"},
    ...     "calendar": {"holidays": ["2027-01-01"], "rules": ["every first Monday"]},
    ...     "people": [{"id": "qa", "name": "Priya Shah", "hours_per_day": 2,
    ...                 "time_off": [{"start": "2027-01-11", "end": "2027-01-22",
    ...                               "reason": "annual leave"}]}]})
    >>> print(day_off(plan, dt.date(2027, 1, 1)))
    Fri 2027-01-01 is a holiday: no project work
    >>> print(day_off(plan, dt.date(2027, 1, 2)))
    Sat 2027-01-02 is not a working day (Saturday)
    >>> print(day_off(plan, dt.date(2027, 1, 4)))
    Mon 2027-01-04 is a day off for everyone (every first Monday)
    >>> print(day_off(plan, dt.date(2027, 1, 18), person="qa"))
    Mon 2027-01-18 is a day off for Priya Shah: leave (annual leave)
    >>> day_off(plan, dt.date(2027, 1, 18)) is None
    True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from backplan.calendars.rules import rule_days
from backplan.errors import require
from backplan.models import WEEKDAYS, Plan

__all__ = ["DayOff", "DayOffKind", "day_off"]

#: Why a day is off: ``non-working-day`` (a weekday outside the plan's ``workdays``),
#: ``holiday`` (the plan's or its country's), ``blackout``, ``day-off`` (a calendar rule),
#: ``time-off`` (the person's leave), ``part-time`` (outside the person's ``workdays``) or
#: ``personal-rule`` (the person's own ``rules``).
DayOffKind = Literal["non-working-day", "holiday", "blackout", "day-off", "time-off",
                     "part-time", "personal-rule"]

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class DayOff:
    """A day without project work, and why.

    Attributes:
        date: the day.
        kind: why (see :data:`DayOffKind`).
        reason: what the plan says about it: the weekday's name, the holiday's name, the
            blackout's or the leave's reason, the rule's text ("" when the plan gives none).
        person: the person's id for a personal day off, None for everyone.
        name: the person's name (or id) for a personal day off.
    """

    date: dt.date
    kind: DayOffKind
    reason: str = ""
    person: str | None = None
    name: str = ""

    @property
    def summary(self) -> str:
        """What kind of day it is, in a few words: "a holiday", "leave", "a blackout"..."""
        return {
            "non-working-day": "not a working day", "holiday": "a holiday",
            "blackout": "a blackout", "day-off": "a day off for everyone",
            "time-off": "leave", "part-time": "not one of their working days",
            "personal-rule": "a regular day off",
        }[self.kind]

    def to_dict(self) -> dict[str, Any]:
        """The day off as JSON-ready data."""
        return {"date": self.date.isoformat(), "kind": self.kind, "reason": self.reason,
                "person": self.person, "summary": self.summary, "description": str(self)}

    def __str__(self) -> str:
        day = f"{_DAY_NAMES[self.date.weekday()][:3]} {self.date.isoformat()}"
        why = f" ({self.reason})" if self.reason else ""
        if self.person is not None:
            if self.kind == "part-time":
                return f"{day} is not one of {self.name}'s working days{why}"
            return f"{day} is a day off for {self.name}: {self.summary}{why}"
        if self.kind == "non-working-day":
            return f"{day} is not a working day{why}"
        if self.kind == "holiday":
            return f"{day} is a holiday{why}: no project work"
        if self.kind == "blackout":
            return f"{day} is in a blackout{why}: no project work"
        return f"{day} is {self.summary}{why}"


def day_off(plan: Plan, day: dt.date, *, person: str | None = None) -> DayOff | None:
    """Why ``day`` has no project time, for everyone or for ``person``; None on a working day.

    Reasons for everyone come first (a holiday is a holiday, also for someone on leave):
    a weekday outside the calendar's ``workdays``, a listed or country holiday, a blackout, a
    calendar rule; then the person's: leave (``time_off``), a weekday outside their
    ``workdays``, their own ``rules``.

    Args:
        plan: the plan.
        day: the date.
        person: a person's id; None (or an id that is not among the plan's people) asks for
            everyone.

    Raises:
        MissingExtraError: the calendar names a country but ``holidays`` is not installed.
    """
    calendar = plan.calendar
    weekday = _DAY_NAMES[day.weekday()]
    if WEEKDAYS[day.weekday()] not in calendar.workdays:
        return DayOff(day, "non-working-day", weekday)
    if day in calendar.holidays:
        return DayOff(day, "holiday")
    if calendar.country is not None:
        holidays: Any = require("holidays", extra="holidays",
                                feature="country holidays (calendar.country)")
        table = holidays.country_holidays(calendar.country, subdiv=calendar.subdivision,
                                          years=[day.year])
        if day in table:
            return DayOff(day, "holiday", str(table.get(day)))
    for span in calendar.blackouts:
        if span.start <= day <= span.last:
            return DayOff(day, "blackout", span.reason)
    for rule in calendar.rules:
        if rule_days(rule, day, day):
            return DayOff(day, "day-off", rule)
    who = next((p for p in plan.people if p.id == person), None)
    if who is None:
        return None
    name = who.name or who.id
    for span in who.time_off:
        if span.start <= day <= span.last:
            return DayOff(day, "time-off", span.reason, who.id, name)
    if who.workdays is not None and WEEKDAYS[day.weekday()] not in who.workdays:
        return DayOff(day, "part-time", weekday, who.id, name)
    for rule in who.rules:
        if rule_days(rule, day, day):
            return DayOff(day, "personal-rule", rule, who.id, name)
    return None
