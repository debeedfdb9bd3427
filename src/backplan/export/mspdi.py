"""A schedule as Microsoft Project XML (MSPDI), for MS Project and ProjectLibre.

The file is scheduled *from the finish date* (``ScheduleFromStart`` 0, ``FinishDate`` the goal's
due date), like backplan: every action is *As Late As Possible*, so the dates the reader
recomputes are the dates backplan computed. What shapes backplan's latest dates is written as
the constraint Project knows for it:

* the plan's working weekdays (8:00-12:00 and 13:00-17:00, 8 hours a day) and every non-working
  weekday in the span (holidays) as calendar exceptions;
* ``after`` with ``lag`` as finish-to-start links with the lag in working days (a milestone in
  ``after`` links its actions too, as in backplan);
* a milestone's ``due`` and an action's ``not_after`` as *Finish No Later Than*; an action's
  ``not_before`` as *Start No Earlier Than*;
* milestones as zero-duration milestone tasks at 17:00 on the day they are reached, each closing a
  summary task that groups its actions; ``wont`` actions are left out (their links are bridged,
  lags added up, as in backplan).

Every task also carries backplan's start and finish, early dates and slack, so the file shows
the same dates before any recalculation.

The plan's people are work *Resources*: their name, their backplan id as the resource code, and
``hours_per_day`` as maximum units of the 8-hour day (2 hours: 25 %). Each has a resource
calendar based on the project's, with their part-time weekdays as non-working days and their
``time_off`` ranges (and the days their personal ``rules`` take off, over the project's span)
as exceptions. Each assignee of an action is an *Assignment* with its work in hours: an
``effort`` shared in proportion to the assignees' hours per day, or for a fixed ``duration``
the assignee's hours per day on every day of it; its units are that work spread evenly over
the task. Written with :mod:`xml.etree.ElementTree`.

Example:
    >>> import datetime as dt
    >>> import xml.etree.ElementTree as ET
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "duration": 2},
    ...                               {"id": "b", "duration": 1, "after": ["a"], "lag": 1}]})
    >>> root = ET.fromstring(to_mspdi(plan, schedule_plan(plan, today=dt.date(2027, 1, 18))))
    >>> ns = {"p": "http://schemas.microsoft.com/project"}
    >>> [(t.findtext("p:Name", namespaces=ns), t.findtext("p:Start", namespaces=ns))
    ...  for t in root.iterfind("p:Tasks/p:Task", ns)]
    [('g', '2027-01-26T08:00:00'), ('a', '2027-01-26T08:00:00'), ('b', '2027-01-29T08:00:00')]

    People and who does what:

    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "people": [{"id": "qa", "name": "Priya Shah", "hours_per_day": 2}],
    ...                   "actions": [{"id": "a", "effort": {"hours": 6}, "assignees": ["qa"]}]})
    >>> root = ET.fromstring(to_mspdi(plan, schedule_plan(plan, today=dt.date(2027, 1, 18))))
    >>> [(r.findtext("p:Name", namespaces=ns), r.findtext("p:MaxUnits", namespaces=ns))
    ...  for r in root.iterfind("p:Resources/p:Resource", ns)]
    [('Priya Shah', '0.25')]
    >>> [(a.findtext("p:TaskUID", namespaces=ns), a.findtext("p:Work", namespaces=ns))
    ...  for a in root.iterfind("p:Assignments/p:Assignment", ns)]
    [('1', 'PT6H0M0S')]
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from backplan.calendars import WorkingCalendar
from backplan.calendars.people import rate_seconds
from backplan.calendars.rules import rule_days
from backplan.models import WEEKDAYS, Person, Plan
from backplan.scheduling import Schedule, ScheduledAction
from backplan.scheduling.network import compile_network

__all__ = ["MSPDI_NAMESPACE", "to_mspdi"]

#: The XML namespace of MSPDI files.
MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"

_DAY_START, _LUNCH, _AFTER_LUNCH, _DAY_END = "08:00:00", "12:00:00", "13:00:00", "17:00:00"
_MINUTES_PER_DAY = 480
_TENTHS_PER_DAY = _MINUTES_PER_DAY * 10  # link lags are in tenths of a minute
# Constraint types: 0 ASAP, 1 ALAP, 4 Start No Earlier Than, 7 Finish No Later Than.
_ALAP, _SNET, _FNLT = 1, 4, 7
_MARGIN = dt.timedelta(days=31)


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(int(text)) if isinstance(text, bool) else str(text)
    return element


def _fields(parent: ET.Element, pairs: Iterable[tuple[str, object]]) -> None:
    for tag, text in pairs:
        _sub(parent, tag, text)


def _morning(day: dt.date) -> str:
    return f"{day.isoformat()}T{_DAY_START}"


def _evening(day: dt.date) -> str:
    return f"{day.isoformat()}T{_DAY_END}"


def _hours(days: int) -> str:
    return f"PT{days * _MINUTES_PER_DAY // 60}H0M0S"


def _work(seconds: float) -> str:
    """Work as an XML duration in hours, minutes and seconds (``PT7H30M0S``)."""
    whole = round(seconds)
    return f"PT{whole // 3600}H{whole % 3600 // 60}M{whole % 60}S"


def _units(value: float) -> str:
    """Units (1 = the full 8-hour day) without float noise: ``0.25``, ``0.1875``."""
    return f"{round(value, 6):g}"


def _exception(exceptions: ET.Element, first: dt.date, last: dt.date, name: str) -> None:
    """A non-working exception from ``first`` to ``last`` (whole days)."""
    exception = _sub(exceptions, "Exception")
    _fields(exception, [("EnteredByOccurrences", 0)])
    period = _sub(exception, "TimePeriod")
    _fields(period, [("FromDate", f"{first.isoformat()}T00:00:00"),
                     ("ToDate", f"{last.isoformat()}T23:59:00")])
    _fields(exception, [("Occurrences", 1), ("Name", name[:512]), ("Type", 1),
                        ("DayWorking", 0)])


def _person_calendar(
    calendars: ET.Element, person: Person, uid: int, plan: Plan, first: dt.date, last: dt.date,
) -> None:
    """A resource calendar on the project's: part-time weekdays off, time off as exceptions."""
    calendar = _sub(calendars, "Calendar")
    _fields(calendar, [("UID", uid), ("Name", (person.name or person.id)[:512]),
                       ("IsBaseCalendar", 0), ("BaseCalendarUID", 1)])
    if person.workdays is not None:
        off = [d for d in plan.calendar.workdays if d not in person.workdays]
        if off:
            weekdays = _sub(calendar, "WeekDays")
            for name in off:  # DayType: 1 = Sunday ... 7 = Saturday
                _fields(_sub(weekdays, "WeekDay"),
                        [("DayType", (WEEKDAYS.index(name) + 1) % 7 + 1), ("DayWorking", 0)])
    spans = [(span.start, span.last, span.reason or "Time off") for span in person.time_off]
    for rule in person.rules:
        spans += [(day, day, f"Day off ({rule})") for day in rule_days(rule, first, last)]
    if spans:
        exceptions = _sub(calendar, "Exceptions")
        for start, end, label in sorted(spans):
            _exception(exceptions, start, end, label)


def _assignment_work(
    plan: Plan, action: ScheduledAction, people: dict[str, Person],
) -> list[tuple[str, float]]:
    """``(person id, seconds of work)`` for each assignee of a scheduled action."""
    source = next(a for a in plan.actions if a.id == action.id)
    rates = rate_seconds(source, people)
    if source.effort is not None and source.duration is None:
        total = sum(rate for _, rate in rates) or 1
        return [(pid, source.effort.seconds * rate / total) for pid, rate in rates]
    return [(pid, rate * action.duration_days) for pid, rate in rates]


def _resources(
    root: ET.Element, plan: Plan, schedule: Schedule, task_uid: dict[str, int],
    resource_uid: dict[str, int],
) -> None:
    """The ``Resources`` (the plan's people) and ``Assignments`` (who works on which task)."""
    people = {p.id: p for p in plan.people}
    work: list[tuple[ScheduledAction, str, float]] = [
        (a, pid, seconds) for a in sorted(schedule.actions, key=lambda a: task_uid[a.id])
        if a.assignees for pid, seconds in _assignment_work(plan, a, people)
    ]
    booked = {pid: sum(s for _, who, s in work if who == pid) for pid in people}
    resources = _sub(root, "Resources")
    for person in plan.people:
        resource = _sub(resources, "Resource")
        uid = resource_uid[person.id]
        _fields(resource, [
            ("UID", uid), ("ID", uid), ("Name", (person.name or person.id)[:512]), ("Type", 1),
            ("IsNull", 0), ("Code", person.id[:512]),
            ("MaxUnits", _units(person.hours_per_day * 3600 / (_MINUTES_PER_DAY * 60))),
            ("CanLevel", 1), ("AccrueAt", 3), ("Work", _work(booked[person.id])),
            ("RegularWork", _work(booked[person.id])), ("ActualWork", _work(0)),
            ("RemainingWork", _work(booked[person.id])), ("CalendarUID", uid + 1),
            ("Notes", f"backplan person id: {person.id}; {person.hours_per_day:g} project "
                      "hours a day"),
        ])
    assignments = _sub(root, "Assignments")
    for number, (action, pid, seconds) in enumerate(work, start=1):
        span_seconds = max(1, action.duration_days) * _MINUTES_PER_DAY * 60
        _fields(_sub(assignments, "Assignment"), [
            ("UID", number), ("TaskUID", task_uid[action.id]), ("ResourceUID", resource_uid[pid]),
            ("PercentWorkComplete", 0), ("ActualWork", _work(0)),
            ("Finish", _evening(action.finish)), ("RegularWork", _work(seconds)),
            ("RemainingWork", _work(seconds)), ("Start", _morning(action.start)),
            ("Units", _units(seconds / span_seconds)), ("Work", _work(seconds)),
        ])


def _not_started(days: int) -> list[tuple[str, object]]:
    """Progress fields of a task not yet started (readers that reschedule need them)."""
    return [("PercentComplete", 0), ("ActualDuration", _hours(0)),
            ("RemainingDuration", _hours(days))]


def _calendar(parent: ET.Element, plan: Plan, first: dt.date, last: dt.date) -> None:
    """The project calendar (UID 1), then one resource calendar per person (UID 2, 3, ...)."""
    calendars = _sub(parent, "Calendars")
    calendar = _sub(calendars, "Calendar")
    _fields(calendar, [("UID", 1), ("Name", "backplan"), ("IsBaseCalendar", 1),
                       ("BaseCalendarUID", -1)])
    working = WorkingCalendar.from_model(plan.calendar)
    holidays = []
    day = first
    while day <= last:
        if day.weekday() in working.workdays and not working.is_working_day(day):
            holidays.append(day)
        day += dt.timedelta(days=1)

    weekdays = _sub(calendar, "WeekDays")
    for day_type in range(1, 8):  # 1 = Sunday ... 7 = Saturday
        name = WEEKDAYS[(day_type + 5) % 7]
        entry = _sub(weekdays, "WeekDay")
        works = name in plan.calendar.workdays
        _fields(entry, [("DayType", day_type), ("DayWorking", works)])
        if works:
            times = _sub(entry, "WorkingTimes")
            for start, end in ((_DAY_START, _LUNCH), (_AFTER_LUNCH, _DAY_END)):
                _fields(_sub(times, "WorkingTime"), [("FromTime", start), ("ToTime", end)])
    if holidays:
        exceptions = _sub(calendar, "Exceptions")
        for holiday in holidays:
            _exception(exceptions, holiday, holiday, "Holiday")
    for k, person in enumerate(plan.people, start=2):
        _person_calendar(calendars, person, k, plan, first, last)


def to_mspdi(plan: Plan, schedule: Schedule) -> str:
    """The plan and its schedule as MSPDI XML text (UTF-8 declared, LF line ends).

    Args:
        plan: the plan that was scheduled (its calendar, links and people go into the file).
        schedule: ``schedule_plan(plan, today=...)``; its dates go into the file.

    Returns:
        The XML document. ``CurrentDate`` and ``StatusDate`` are ``schedule.today``, so the same
        plan and day give the same bytes.
    """
    calendar = WorkingCalendar.from_model(plan.calendar)
    network = compile_network(plan, calendar)
    node_of = {node_id: i for i, node_id in enumerate(network.ids)}
    actions = {a.id: a for a in plan.actions}
    scheduled = {a.id: a for a in schedule.actions}
    milestones = {m.id: m for m in schedule.milestones}
    titles = {m.id: m.title for m in plan.milestones}
    all_days = [schedule.today, schedule.due]
    all_days += [d for a in schedule.actions
                 for d in (a.start, a.finish, a.earliest_start, a.earliest_finish)]
    all_days += [d for m in schedule.milestones for d in (m.date, m.earliest_date)]
    first, last = min(all_days), max(all_days)
    least = schedule.min_slack if schedule.min_slack is not None else 0

    root = ET.Element("Project", xmlns=MSPDI_NAMESPACE)
    name = plan.goal.title or plan.goal.id
    _fields(root, [
        ("SaveVersion", 14), ("Name", f"{plan.goal.id}.xml"), ("Title", name),
        ("Manager", plan.goal.owner or ""),
        ("ScheduleFromStart", 0), ("StartDate", _morning(first)),
        ("FinishDate", _evening(calendar.on_or_before(schedule.due))),
        ("CriticalSlackLimit", 0), ("CurrencyCode", "USD"), ("CalendarUID", 1),
        ("DefaultStartTime", _DAY_START), ("DefaultFinishTime", _DAY_END),
        ("MinutesPerDay", _MINUTES_PER_DAY),
        ("MinutesPerWeek", _MINUTES_PER_DAY * len(plan.calendar.workdays)),
        ("DaysPerMonth", 20), ("DefaultTaskType", 1), ("DurationFormat", 7), ("WorkFormat", 2),
        ("HonorConstraints", 1), ("StatusDate", _evening(schedule.today)),
        ("CurrentDate", _morning(schedule.today)), ("NewTaskStartDate", 0),
    ])
    _calendar(root, plan, first - _MARGIN, last + _MARGIN)
    tasks = _sub(root, "Tasks")

    # Outline: one summary per milestone (its actions, then the milestone), then the rest.
    uid: dict[str, int] = {}
    rows: list[tuple[str, str, int]] = []  # (kind, id, outline level)
    for milestone in sorted(schedule.milestones, key=lambda m: (m.date, m.id)):
        rows.append(("summary", milestone.id, 1))
        members = [a for a in schedule.actions if a.milestone == milestone.id]
        rows += [("action", a.id, 2) for a in sorted(members, key=lambda a: (a.start, a.id))]
        rows.append(("milestone", milestone.id, 2))
    loose = [a for a in schedule.actions if a.milestone not in milestones]
    rows += [("action", a.id, 1) for a in sorted(loose, key=lambda a: (a.start, a.id))]
    for number, (kind, item_id, _) in enumerate(rows, start=1):
        if kind != "summary":
            uid[item_id] = number

    def task(number: int, name: str, level: int, outline: str) -> ET.Element:
        element = _sub(tasks, "Task")
        _fields(element, [("UID", number), ("ID", number), ("Name", name[:512]), ("Type", 1),
                          ("IsNull", 0), ("WBS", outline), ("OutlineNumber", outline),
                          ("OutlineLevel", level), ("Priority", 500)])
        return element

    starts = [a.start for a in schedule.actions] + [m.date for m in schedule.milestones]
    finishes = [a.finish for a in schedule.actions] + [m.date for m in schedule.milestones]
    project = task(0, name, 0, "0")
    start, finish = (min(starts), max(finishes)) if starts else (schedule.due, schedule.due)
    _fields(project, [("Start", _morning(start)), ("Finish", _evening(finish)),
                      ("Duration", _hours(max(1, calendar.count(start, finish) + 1))),
                      ("DurationFormat", 7), ("Milestone", 0), ("Summary", 1),
                      ("Critical", 0), ("ConstraintType", _ALAP), ("CalendarUID", -1)])

    outline = [0, 0]
    for number, (kind, item_id, level) in enumerate(rows, start=1):
        outline[level - 1] += 1
        if level == 1:
            outline[1] = 0
        code = ".".join(str(n) for n in outline[:level])
        if kind == "summary":
            m = milestones[item_id]
            members = [a for a in schedule.actions if a.milestone == item_id]
            s = min([a.start for a in members] + [m.date])
            element = task(number, titles.get(item_id) or item_id, level, code)
            _fields(element, [("Start", _morning(s)), ("Finish", _evening(m.date)),
                              ("Duration", _hours(calendar.count(s, m.date) + 1)),
                              ("DurationFormat", 7), ("Milestone", 0), ("Summary", 1),
                              ("Critical", m.slack <= 0 and any(a.critical for a in members)),
                              ("ConstraintType", _ALAP), ("CalendarUID", -1)])
            continue
        if kind == "milestone":
            m = milestones[item_id]
            element = task(number, titles.get(item_id) or item_id, level, code)
            constraint: list[tuple[str, object]] = [("ConstraintType", _ALAP), ("CalendarUID", -1)]
            if m.due is not None:
                constraint.append(("Deadline", _evening(m.due)))
            _fields(element, [
                ("Start", _evening(m.date)), ("Finish", _evening(m.date)),
                ("Duration", _hours(0)), ("DurationFormat", 7), ("Milestone", 1),
                ("Summary", 0), ("Critical", m.slack <= least),
                ("EarlyStart", _evening(m.earliest_date)),
                ("EarlyFinish", _evening(m.earliest_date)),
                ("LateStart", _evening(m.date)), ("LateFinish", _evening(m.date)),
                ("TotalSlack", m.slack * _TENTHS_PER_DAY), *_not_started(0),
                *constraint,
            ])
        else:
            a, source = scheduled[item_id], actions[item_id]
            element = task(number, a.title or a.id, level, code)
            constraint = [("ConstraintType", _ALAP), ("CalendarUID", -1)]
            if source.not_after is not None:
                constraint.append(("Deadline", _evening(source.not_after)))
            _fields(element, [
                ("Start", _morning(a.start)), ("Finish", _evening(a.finish)),
                ("Duration", _hours(a.duration_days)), ("DurationFormat", 7),
                ("Milestone", 0), ("Summary", 0), ("Critical", a.critical),
                ("EarlyStart", _morning(a.earliest_start)),
                ("EarlyFinish", _evening(a.earliest_finish)),
                ("LateStart", _morning(a.start)), ("LateFinish", _evening(a.finish)),
                ("TotalSlack", a.slack * _TENTHS_PER_DAY), *_not_started(a.duration_days),
                *constraint,
            ])
            note = f"backplan id: {a.id}" + (f"; owner: {a.owner}" if a.owner else "")
            if source.not_before is not None:
                note += f"; not before {source.not_before.isoformat()}"
            _sub(element, "Notes", note)
        node = node_of[item_id]
        for pred, offset in sorted(network.preds[node], key=lambda pair: uid[network.ids[pair[0]]]):
            # start >= finish(pred) + offset working days; Project's FS lag counts from the
            # next working moment after the predecessor's finish (a milestone sits at 17:00).
            lag = offset if kind == "milestone" else offset - 1
            link = _sub(element, "PredecessorLink")
            _fields(link, [("PredecessorUID", uid[network.ids[pred]]), ("Type", 1),
                           ("CrossProject", 0), ("LinkLag", lag * _TENTHS_PER_DAY),
                           ("LagFormat", 7)])

    if plan.people:
        _resources(root, plan, schedule, uid,
                   {person.id: k for k, person in enumerate(plan.people, start=1)})
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body + "\n"
