"""Pomodoro time-boxing: a person's due work for one day, as pomodoros in their project time.

:func:`time_box` lays out the work a person has due on ``date``:

* **Whose**: actions that name the person in ``assignees``, or whose ``owner`` is the person's
  id or name; ``wont`` and done actions are left out.
* **Due**: actions the plan (as late as possible, scheduled from ``date``) has started by
  ``date``: their latest start is on or before it (late ones included).
* **How much today**: an action's estimate in pomodoros is its ``effort`` (``pomodoros``, or
  hours as 25-minute pomodoros, rounded up), split evenly among its assignees; what is left of
  it (less ``actual_pomodoros``) is spread evenly over the working days from ``date`` to its
  latest finish, rounded up (all of it when the finish is today or past). Actions without an
  ``effort`` cannot be sized in pomodoros: they are listed as ``unsized``.
* **Order**: critical actions first, then the earliest deadline (latest finish), then plan
  order.
* **Layout**: from ``start`` (09:00 by default), 25-minute pomodoros, a 5-minute break after each,
  and a long break (15-30 minutes, ``long_break_minutes``) after every fourth. Breaks sit between
  pomodoros (none after the last one). A pomodoro is never split: the first one that does not fit
  in the available minutes, and every one after it, is listed as not fitting.
* **Available time**: the person's ``hours_per_day`` on a day that is a working day of the plan's
  calendar and of the person (``workdays``), outside their ``time_off`` (for one of the queue's
  people, their share of what the queue spares that day); or ``available_minutes``
  when given (required when the person is not among the plan's ``people``).

Activities estimated above seven pomodoros are flagged for splitting (Cirillo's rule of thumb:
more than 5-7 pomodoros, break it down). :meth:`TimeBox.to_ical` exports the day as iCalendar
events (the ``icalendar`` package, ``pip install "backplan[ical]"``).

:func:`estimation_accuracy` compares, for done actions with an ``effort`` and
``actual_pomodoros``, the actual pomodoros with the estimate, per person and per ``kind`` of
action, so that estimates improve over time.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-29}
    ... people: [{id: ana, name: Ana, hours_per_day: 2}]
    ... actions:
    ...   - {id: kb, title: Rewrite KB, effort: {pomodoros: 6}, assignees: [ana], not_after: 2027-01-26}
    ... ''')
    >>> box = time_box(plan, person="ana", date=dt.date(2027, 1, 25))
    >>> box.available_minutes, [(s.kind, s.start.strftime("%H:%M")) for s in box.slots]
    (120, [('pomodoro', '09:00'), ('short-break', '09:25'), ('pomodoro', '09:30'),
           ('short-break', '09:55'), ('pomodoro', '10:00')])
    >>> [(i.action, i.due_today, i.planned, i.not_fitting) for i in box.items]
    [('kb', 3, 3, 0)]
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from backplan.calendars import available_hours, plan_calendar
from backplan.calendars.days_off import DayOff, day_off
from backplan.errors import BackplanError, require
from backplan.models import Action, Plan
from backplan.models.rhythm import (
    LONG_BREAK_EVERY,
    MAX_POMODOROS,
    POMODORO_MINUTES,
    SHORT_BREAK_MINUTES,
    SPLIT_ABOVE_POMODOROS,
)
from backplan.scheduling import Schedule, schedule_plan
from backplan.scheduling.pipeline import queue_capacity
from backplan.words import counted

__all__ = [
    "AccuracyRow",
    "ActionAccuracy",
    "EstimationAccuracy",
    "TimeBox",
    "TimeBoxItem",
    "TimeBoxSlot",
    "UnknownPersonError",
    "estimate_pomodoros",
    "estimation_accuracy",
    "record_pomodoros",
    "time_box",
]

SlotKind = Literal["pomodoro", "short-break", "long-break"]


class UnknownPersonError(BackplanError, ValueError):
    """The person is not among the plan's people or owners, or their time is not known."""


def _hm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


@dataclass(frozen=True, slots=True)
class TimeBoxSlot:
    """One block of the day: a pomodoro on ``action``, or a short or long break.

    ``number`` counts the day's pomodoros from 1 (0 for breaks).
    """

    kind: SlotKind
    start: dt.datetime
    end: dt.datetime
    action: str | None
    title: str
    number: int

    @property
    def minutes(self) -> int:
        """The slot's length in minutes."""
        return int((self.end - self.start).total_seconds() // 60)

    def to_dict(self) -> dict[str, Any]:
        """The slot as JSON-ready data (times as ISO ``YYYY-MM-DDTHH:MM:SS``)."""
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "action": self.action, "title": self.title, "number": self.number}


@dataclass(frozen=True, slots=True)
class TimeBoxItem:
    """One due action: how many pomodoros today, how many fit, and its estimate.

    Attributes:
        action, title: the action.
        critical: whether it is on the critical path.
        deadline: its latest finish.
        estimate: the person's share of the action's effort, in pomodoros.
        done: pomodoros recorded so far (the person's share of ``actual_pomodoros``).
        due_today: pomodoros due today.
        planned: pomodoros laid out today.
        not_fitting: pomodoros due today that do not fit.
        split: True when the estimate is above seven pomodoros (split the activity).
    """

    action: str
    title: str
    critical: bool
    deadline: dt.date
    estimate: int
    done: int
    due_today: int
    planned: int
    not_fitting: int
    split: bool

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data."""
        return {"action": self.action, "title": self.title, "critical": self.critical,
                "deadline": self.deadline.isoformat(), "estimate": self.estimate,
                "done": self.done, "due_today": self.due_today, "planned": self.planned,
                "not_fitting": self.not_fitting, "split": self.split}


@dataclass(frozen=True, slots=True)
class TimeBox:
    """A person's day as pomodoros: the slots, the due actions, and what does not fit.

    ``day_off`` says why the day has no project time (leave, a holiday, a non-working day...)
    when it has none; it is None on a working day.
    """

    person: str
    name: str
    date: dt.date
    start: dt.datetime
    available_minutes: int
    long_break_minutes: int
    slots: tuple[TimeBoxSlot, ...]
    items: tuple[TimeBoxItem, ...]
    unsized: tuple[str, ...]
    day_off: DayOff | None = None

    @property
    def used_minutes(self) -> int:
        """Minutes from the first slot's start to the last slot's end (0 when empty)."""
        if not self.slots:
            return 0
        return int((self.slots[-1].end - self.slots[0].start).total_seconds() // 60)

    @property
    def pomodoros(self) -> int:
        """Pomodoros laid out."""
        return sum(slot.kind == "pomodoro" for slot in self.slots)

    @property
    def not_fitting(self) -> int:
        """Pomodoros due today that do not fit."""
        return sum(item.not_fitting for item in self.items)

    @property
    def split(self) -> tuple[str, ...]:
        """Ids of due actions estimated above seven pomodoros."""
        return tuple(item.action for item in self.items if item.split)

    def to_dict(self) -> dict[str, Any]:
        """The time-box as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "person": self.person, "name": self.name, "date": self.date.isoformat(),
            "start": self.start.isoformat(), "available_minutes": self.available_minutes,
            "used_minutes": self.used_minutes, "long_break_minutes": self.long_break_minutes,
            "pomodoros": self.pomodoros, "not_fitting": self.not_fitting,
            "slots": [slot.to_dict() for slot in self.slots],
            "items": [item.to_dict() for item in self.items],
            "split": list(self.split), "unsized": list(self.unsized),
            "day_off": None if self.day_off is None else self.day_off.to_dict(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        who = self.name or self.person
        off = self.day_off
        if off is not None and not self.slots:
            why = f" ({off.reason})" if off.reason else ""
            lines = [f"{who} on {self.date.isoformat()}: {off.summary}{why}, so no project "
                     "time and no pomodoros"]
            waiting = [item.action for item in self.items]
            if waiting:
                lines.append(f"  due work waits for the next working day: {', '.join(waiting)}")
            return "\n".join(lines)
        lines = [f"{who} on {self.date.isoformat()}: {counted(self.pomodoros, 'pomodoro')} in "
                 f"{self.used_minutes} of {counted(self.available_minutes, 'available minute')}"]
        if off is not None:
            lines.append(f"  note: {off}")
        for slot in self.slots:
            what = (f"#{slot.number} {slot.action}: {slot.title or slot.action}"
                    if slot.kind == "pomodoro" else slot.kind.replace("-", " "))
            lines.append(f"  {_hm(slot.start)}-{_hm(slot.end)}  {what}")
        for item in self.items:
            if item.not_fitting:
                lines.append(f"  does not fit: {item.not_fitting} pomodoro"
                             f"{'s' if item.not_fitting != 1 else ''} of {item.action}")
        for item in self.items:
            if item.split:
                lines.append(f"  split {item.action}: estimated at "
                             f"{counted(item.estimate, 'pomodoro')} "
                             f"(more than {SPLIT_ABOVE_POMODOROS})")
        if self.unsized:
            lines.append(f"  no effort in pomodoros, not laid out: {', '.join(self.unsized)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<TimeBox {self.person!r} {self.date.isoformat()} pomodoros={self.pomodoros} "
                f"not_fitting={self.not_fitting}>")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{_hm(s.start)}-{_hm(s.end)}</td><td>{s.kind}</td>"
            f"<td>{html.escape(s.action or '')}</td></tr>" for s in self.slots
        )
        return (f"<div><p>{html.escape(self.name or self.person)} on {self.date}: "
                f"{counted(self.pomodoros, 'pomodoro')}, {self.not_fitting} not fitting</p>"
                f"<table><tbody>{rows}</tbody></table></div>")

    def to_ical(self) -> bytes:
        """The time-box as an iCalendar file (one event per pomodoro and break).

        Times are floating local times; UIDs are stable (person, date and slot), so importing
        a re-planned day again updates the events instead of duplicating them.

        Raises:
            MissingExtraError: the ``icalendar`` package is not installed.
        """
        icalendar = require("icalendar", extra="ical", feature="iCalendar export")
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//backplan//pomodoro time-box//EN")
        calendar.add("version", "2.0")
        stamp = dt.datetime.combine(self.date, dt.time(0, 0), tzinfo=dt.UTC)
        for k, slot in enumerate(self.slots, start=1):
            event = icalendar.Event()
            event.add("uid", f"{self.date.isoformat()}-{self.person}-{k}@backplan")
            event.add("dtstamp", stamp)
            event.add("dtstart", slot.start)
            event.add("dtend", slot.end)
            if slot.kind == "pomodoro":
                event.add("summary", f"Pomodoro {slot.number}: {slot.title or slot.action}")
                event.add("description", f"action {slot.action}")
            else:
                event.add("summary", slot.kind.replace("-", " ").capitalize())
            calendar.add_component(event)
        data: bytes = calendar.to_ical()
        return data


def estimate_pomodoros(action: Action) -> int | None:
    """The action's effort in 25-minute pomodoros (hours rounded up), or None without effort.

    Example:
        >>> from backplan.models import Action
        >>> estimate_pomodoros(Action(id="a", effort={"hours": 2}, assignees=["ana"]))
        5
    """
    effort = action.effort
    if effort is None:
        return None
    if effort.pomodoros is not None:
        return effort.pomodoros
    return math.ceil(round(effort.seconds / (POMODORO_MINUTES * 60), 9))


def _people_of(action: Action) -> tuple[str, ...]:
    return tuple(a.person for a in action.assignees)


def _is_theirs(action: Action, person: str, name: str) -> bool:
    if person in _people_of(action):
        return True
    return action.owner is not None and action.owner in {person, name} - {""}


def _share(total: int, people: int) -> int:
    return math.ceil(total / people) if people > 1 else total


def _available(plan: Plan, person: str, date: dt.date) -> int | None:
    """The person's project minutes on ``date`` (None when the person is not modelled)."""
    if all(p.id != person for p in plan.people):
        return None
    queue = queue_capacity(plan, today=date)
    if queue is not None and person in queue.people:  # what the queue spares them that day
        return round(dict(queue.day(date).shares).get(person, 0) / 60)
    hours = available_hours(plan, person, first=date, last=date, today=date)[date]
    return round(hours * 60)


def time_box(
    plan: Plan,
    *,
    person: str,
    date: dt.date,
    start: dt.time = dt.time(9, 0),
    long_break_minutes: int = 15,
    available_minutes: int | None = None,
    schedule: Schedule | None = None,
    ignore_capacity: bool = False,
) -> TimeBox:
    """Lay a person's due work on ``date`` into their project time as pomodoros.

    Args:
        plan: the plan.
        person: the person's id among the plan's ``people`` (or an action ``owner`` as written,
            with ``available_minutes``).
        date: the day to plan.
        start: when the project time starts.
        long_break_minutes: the long break after every fourth pomodoro, 15 to 30 minutes.
        available_minutes: the project minutes that day (default: the person's hours).
        schedule: the plan's schedule from ``date``, when already computed.
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`TimeBox`.

    Raises:
        UnknownPersonError: the person is neither in ``people`` nor an owner, or their time is
            not known (give ``available_minutes``).
        ValueError: ``long_break_minutes`` outside 15..30, or ``available_minutes`` negative.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-25"}, "actions": [
        ...     {"id": "a", "duration": 1, "owner": "Jo"}]})
        >>> time_box(plan, person="Jo", date=dt.date(2027, 1, 25), available_minutes=60).unsized
        ('a',)
    """
    if not 15 <= long_break_minutes <= 30:
        raise ValueError(f"long_break_minutes must be 15 to 30, got {long_break_minutes}")
    if available_minutes is not None and available_minutes < 0:
        raise ValueError(f"available_minutes must be 0 or more, got {available_minutes}")
    calendar = plan_calendar(plan, today=date)
    modelled = next((p for p in plan.people if p.id == person), None)
    name = modelled.name if modelled is not None else ""
    theirs = [a for a in plan.actions if a.priority != "wont" and _is_theirs(a, person, name)]
    if modelled is None and not theirs:
        known = sorted({p.id for p in plan.people} | {a.owner for a in plan.actions if a.owner})
        raise UnknownPersonError(
            f"{person!r} is not a person of the plan nor an action owner; known: "
            f"{', '.join(known) or 'none'}"
        )
    minutes = available_minutes if available_minutes is not None else _available(
        plan, person, date)
    if minutes is None:
        raise UnknownPersonError(
            f"{person!r} is an owner but not among the plan's people, so their project time is "
            "not known; add them under 'people:' with hours_per_day, or give the minutes "
            "(--minutes)"
        )
    if schedule is None:
        schedule = schedule_plan(plan, today=date, ignore_capacity=ignore_capacity)
    scheduled = {a.id: a for a in schedule.actions}
    order = {a.id: k for k, a in enumerate(plan.actions)}
    due = [a for a in theirs if a.status != "done" and a.id in scheduled
           and scheduled[a.id].start <= date]
    due.sort(key=lambda a: (not scheduled[a.id].critical, scheduled[a.id].finish, order[a.id]))

    wanted: list[tuple[Action, int, int, int]] = []  # action, estimate, done, due today
    unsized = []
    for action in due:
        total = estimate_pomodoros(action)
        if total is None:
            unsized.append(action.id)
            continue
        people = max(1, len(action.assignees))
        estimate = _share(total, people)
        done = _share(action.actual_pomodoros or 0, people)
        left = max(0, estimate - done)
        finish = scheduled[action.id].finish
        days_left = calendar.count(date, finish) + 1 if finish >= date else 1
        wanted.append((action, estimate, done, math.ceil(left / max(1, days_left))))

    origin = dt.datetime.combine(date, start)
    slots = _lay_out(((a.id, a.title, n) for a, _, _, n in wanted), origin, minutes,
                     long_break_minutes)
    placed: dict[str, int] = {}
    for slot in slots:
        if slot.action is not None:
            placed[slot.action] = placed.get(slot.action, 0) + 1
    items = tuple(
        TimeBoxItem(
            action=a.id, title=a.title, critical=scheduled[a.id].critical,
            deadline=scheduled[a.id].finish, estimate=estimate, done=done, due_today=n,
            planned=placed.get(a.id, 0), not_fitting=n - placed.get(a.id, 0),
            split=estimate > SPLIT_ABOVE_POMODOROS,
        )
        for a, estimate, done, n in wanted
    )
    off = day_off(plan, date, person=person)
    return TimeBox(person, name, date, origin, minutes, long_break_minutes, slots, items,
                   tuple(unsized), off)


def _lay_out(
    wanted: Iterable[tuple[str, str, int]], origin: dt.datetime, minutes: int, long_break: int
) -> tuple[TimeBoxSlot, ...]:
    """Pomodoros in order from ``origin``, breaks between them, within ``minutes``."""
    end = origin + dt.timedelta(minutes=minutes)
    focus = dt.timedelta(minutes=POMODORO_MINUTES)
    slots: list[TimeBoxSlot] = []
    cursor, count = origin, 0
    for action_id, title, n in wanted:
        for _ in range(n):
            pause: dt.timedelta | None = None
            kind: SlotKind = "short-break"
            if count:
                long = count % LONG_BREAK_EVERY == 0
                kind = "long-break" if long else "short-break"
                pause = dt.timedelta(minutes=long_break if long else SHORT_BREAK_MINUTES)
            begin = cursor + (pause or dt.timedelta())
            if begin + focus > end:
                return tuple(slots)
            if pause is not None:
                slots.append(TimeBoxSlot(kind, cursor, begin, None, "", 0))
            count += 1
            slots.append(TimeBoxSlot("pomodoro", begin, begin + focus, action_id, title, count))
            cursor = begin + focus
    return tuple(slots)


def record_pomodoros(plan: Plan, action_id: str, count: int) -> Plan:
    """A copy of ``plan`` with ``count`` more actual pomodoros recorded on an action.

    Raises:
        KeyError: no action has this id.
        ValueError: ``count`` is below 1.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
        ...                             "actions": [{"id": "a", "duration": 2}]})
        >>> record_pomodoros(record_pomodoros(plan, "a", 3), "a", 2).actions[0].actual_pomodoros
        5
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if action_id not in {a.id for a in plan.actions}:
        raise KeyError(f"no action {action_id!r} in the plan")
    actions = []
    for action in plan.actions:
        if action.id == action_id:
            total = (action.actual_pomodoros or 0) + count
            if total > MAX_POMODOROS:
                raise ValueError(f"{action_id}: {total} pomodoros is more than {MAX_POMODOROS}")
            action = action.model_copy(update={"actual_pomodoros": total})
        actions.append(action)
    return plan.model_copy(update={"actions": tuple(actions)})


@dataclass(frozen=True, slots=True)
class ActionAccuracy:
    """One done action's estimate against its actual pomodoros (ratio: actual / estimate)."""

    action: str
    kind: str | None
    people: tuple[str, ...]
    estimate: int
    actual: int
    ratio: float

    def to_dict(self) -> dict[str, Any]:
        """The action's accuracy as JSON-ready data."""
        return {"action": self.action, "kind": self.kind, "people": list(self.people),
                "estimate": self.estimate, "actual": self.actual, "ratio": self.ratio}


@dataclass(frozen=True, slots=True)
class AccuracyRow:
    """Estimation accuracy of one group (a person or a kind of action).

    ``ratio`` is total actual over total estimated pomodoros (above 1: estimates are too low);
    ``mean_abs_error`` is the mean of ``|actual - estimate| / estimate`` over the actions.
    """

    group: str
    actions: int
    estimated: int
    actual: int
    ratio: float
    mean_abs_error: float

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {"group": self.group, "actions": self.actions, "estimated": self.estimated,
                "actual": self.actual, "ratio": self.ratio,
                "mean_abs_error": self.mean_abs_error}


@dataclass(frozen=True, slots=True)
class EstimationAccuracy:
    """Estimate against actual pomodoros: per action, per person and per kind of action."""

    actions: tuple[ActionAccuracy, ...]
    by_person: tuple[AccuracyRow, ...]
    by_kind: tuple[AccuracyRow, ...]

    def to_dict(self) -> dict[str, Any]:
        """The accuracy report as JSON-ready data."""
        return {"actions": [a.to_dict() for a in self.actions],
                "by_person": [r.to_dict() for r in self.by_person],
                "by_kind": [r.to_dict() for r in self.by_kind]}

    def __str__(self) -> str:
        if not self.actions:
            return "No done action has both an effort and actual pomodoros yet."
        lines = []
        for title, rows in (("person", self.by_person), ("kind", self.by_kind)):
            lines.append(f"by {title}:")
            lines.extend(
                f"  {r.group:<20} {r.actions:>3} {'action ' if r.actions == 1 else 'actions'}  "
                f"{r.actual:>4} / {r.estimated:<4} "
                f"pomodoros  ratio {r.ratio:.2f}  mean error {r.mean_abs_error:.0%}"
                for r in rows
            )
        return "\n".join(lines)


#: The group of actions without a ``kind``.
NO_KIND = "(no kind)"


def estimation_accuracy(plan: Plan) -> EstimationAccuracy:
    """Actual pomodoros against estimates for done actions, per person and per kind.

    An action counts when it is done and has both an ``effort`` and ``actual_pomodoros``. Its
    people are its assignees (or its owner); each person's row counts the whole action.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
        ...     "people": [{"id": "ana", "hours_per_day": 2}],
        ...     "actions": [
        ...         {"id": "a", "effort": {"pomodoros": 4}, "assignees": ["ana"], "kind": "analysis",
        ...          "actual_pomodoros": 6, "status": "done", "actual_start": "2027-01-04",
        ...          "actual_finish": "2027-01-05"},
        ...         {"id": "b", "effort": {"pomodoros": 6}, "assignees": ["ana"], "kind": "analysis",
        ...          "actual_pomodoros": 6, "status": "done", "actual_start": "2027-01-06",
        ...          "actual_finish": "2027-01-07"}]})
        >>> row = estimation_accuracy(plan).by_person[0]
        >>> row.group, row.estimated, row.actual, row.ratio, row.mean_abs_error
        ('ana', 10, 12, 1.2, 0.25)
    """
    records = []
    for action in plan.actions:
        estimate = estimate_pomodoros(action)
        if action.status != "done" or estimate is None or action.actual_pomodoros is None:
            continue
        people = _people_of(action) or ((action.owner,) if action.owner else ())
        records.append(ActionAccuracy(action.id, action.kind, people, estimate,
                                      action.actual_pomodoros,
                                      round(action.actual_pomodoros / estimate, 4)))
    by_person: dict[str, list[ActionAccuracy]] = {}
    by_kind: dict[str, list[ActionAccuracy]] = {}
    for record in records:
        for who in record.people:
            by_person.setdefault(who, []).append(record)
        by_kind.setdefault(record.kind or NO_KIND, []).append(record)
    return EstimationAccuracy(tuple(records), _rows(by_person), _rows(by_kind))


def _rows(groups: dict[str, list[ActionAccuracy]]) -> tuple[AccuracyRow, ...]:
    rows = []
    for group in sorted(groups):
        members = groups[group]
        estimated = sum(r.estimate for r in members)
        actual = sum(r.actual for r in members)
        error = sum(abs(r.actual - r.estimate) / r.estimate for r in members) / len(members)
        rows.append(AccuracyRow(group, len(members), estimated, actual,
                                round(actual / estimated, 4), round(error, 4)))
    return tuple(rows)
