"""A schedule as an iCalendar (RFC 5545) file: actions, milestones and the goal as all-day events.

Built with the ``icalendar`` package (``pip install "backplan[ical]"``). Every event's ``UID``
is derived from the goal id and the item id (a name-based UUID), so importing the file again
after re-planning updates the events instead of adding copies. ``DTEND`` is exclusive, as
RFC 5545 requires for all-day events: an action finishing on Friday ends on Saturday.
``DTSTAMP`` is ``today`` (midnight UTC) and ``SEQUENCE`` counts the days from 2000-01-01 to
``today``, so an export made on a later day carries a higher sequence and calendar programs take
it as the newer version; the same plan on the same day gives the same bytes.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "title": "Tag repeats", "duration": 2}]})
    >>> text = to_ical(schedule_plan(plan, today=dt.date(2027, 1, 25))).decode()
    >>> [line for line in text.splitlines() if line.startswith(("SUMMARY", "DTSTART", "DTEND"))][:3]
    ['SUMMARY:Tag repeats', 'DTSTART;VALUE=DATE:20270128', 'DTEND;VALUE=DATE:20270130']
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from backplan.errors import require
from backplan.scheduling import Schedule
from backplan.words import working_days

__all__ = ["event_uid", "to_ical"]

_NAMESPACE = uuid.UUID("5b0c6a52-57a4-4a43-9d53-7f3c1a0e2b61")
_EPOCH = dt.date(2000, 1, 1)


def event_uid(goal_id: str, item_id: str) -> str:
    """The stable ``UID`` of an item's event: the same goal and item always give the same one.

    Example:
        >>> event_uid("fcr-80", "tag-repeats") == event_uid("fcr-80", "tag-repeats")
        True
        >>> event_uid("fcr-80", "tag-repeats") == event_uid("aht-6min", "tag-repeats")
        False
    """
    name = goal_id + "\x1f" + item_id  # a separator no id can hold
    return f"{uuid.uuid5(_NAMESPACE, name)}@backplan"


def to_ical(
    schedule: Schedule, *, dates: Literal["latest", "earliest"] = "latest"
) -> bytes:
    """The schedule as iCalendar bytes (UTF-8, CRLF line ends), ready to write to ``.ics``.

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        dates: ``"latest"`` (default) places actions on their as-late-as-possible dates (the
            dates the plan must keep); ``"earliest"`` on the earliest dates from today.

    Returns:
        One ``VEVENT`` per scheduled action, per milestone and for the goal's due date; all are
        all-day and marked free (``TRANSP:TRANSPARENT``) so they do not block people's calendars.

    Raises:
        MissingExtraError: the ``icalendar`` package is not installed.
    """
    if dates not in ("latest", "earliest"):
        raise ValueError(f"dates must be 'latest' or 'earliest', got {dates!r}")
    ical = require("icalendar", extra="ical", feature="iCalendar export")
    stamp = dt.datetime.combine(schedule.today, dt.time(0, 0), tzinfo=dt.UTC)
    sequence = max(0, (schedule.today - _EPOCH).days)

    calendar = ical.Calendar()
    calendar.add("prodid", "-//backplan//backplan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", schedule.goal_title or schedule.goal)

    def event(item_id: str, summary: str, first: dt.date, last: dt.date,
              description: str, categories: list[str]) -> Any:
        ev = ical.Event()
        ev.add("uid", event_uid(schedule.goal, item_id))
        ev.add("dtstamp", stamp)
        ev.add("sequence", sequence)
        ev.add("summary", summary)
        ev.add("dtstart", first)
        ev.add("dtend", last + dt.timedelta(days=1))  # exclusive end (RFC 5545 3.6.1)
        ev.add("description", description)
        ev.add("categories", categories)
        ev.add("transp", "TRANSPARENT")
        return ev

    for action in schedule.actions:
        first, last = ((action.start, action.finish) if dates == "latest"
                       else (action.earliest_start, action.earliest_finish))
        state = (f"LATE: {working_days(-action.slack)} short" if action.slack < 0
                 else f"slack {working_days(action.slack)}")
        details = [
            f"Action {action.id} ({working_days(action.duration_days)}), {state}.",
            f"Start by {action.start.isoformat()}, finish by {action.finish.isoformat()}; "
            f"earliest {action.earliest_start.isoformat()} to "
            f"{action.earliest_finish.isoformat()}.",
        ]
        if action.critical:
            details.append("On the critical chain.")
        if action.owner:
            details.append(f"Owner: {action.owner}.")
        if action.milestone:
            details.append(f"Milestone: {action.milestone}.")
        summary = action.title or action.id
        calendar.add_component(event(
            action.id, f"[LATE] {summary}" if action.slack < 0 else summary,
            first, last, "\n".join(details),
            ["backplan", schedule.goal, *([action.milestone] if action.milestone else [])],
        ))
    for milestone in schedule.milestones:
        day = milestone.date if dates == "latest" else milestone.earliest_date
        due = f", due {milestone.due.isoformat()}" if milestone.due else ""
        state = (f"LATE: {working_days(-milestone.slack)} short" if milestone.slack < 0
                 else f"slack {working_days(milestone.slack)}")
        calendar.add_component(event(
            milestone.id, f"Milestone: {milestone.title or milestone.id}", day, day,
            f"Milestone {milestone.id} reached by {milestone.date.isoformat()}{due}; "
            f"earliest {milestone.earliest_date.isoformat()}; {state}.",
            ["backplan", schedule.goal, "milestone"],
        ))
    feasible = "feasible" if schedule.feasible else "NOT feasible as planned"
    completion = (f"; earliest completion {schedule.earliest_completion.isoformat()}"
                  if schedule.earliest_completion else "")
    calendar.add_component(event(
        schedule.goal, f"Goal due: {schedule.goal_title or schedule.goal}",
        schedule.due, schedule.due,
        f"Goal {schedule.goal} due {schedule.due.isoformat()}: {feasible}{completion} "
        f"(planned on {schedule.today.isoformat()}).",
        ["backplan", schedule.goal, "goal"],
    ))
    data: bytes = calendar.to_ical()
    return data
