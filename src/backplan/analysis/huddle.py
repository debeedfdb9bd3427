"""The daily huddle brief: one page for a 10-15 minute start-of-shift meeting.

:func:`huddle_brief` answers, for the morning of ``date``:

* **Key results**: yesterday's value of each key result (its latest check-in on or before the
  day before ``date``) against its glide path, with status (on track / at risk / off track, by
  the rule of :mod:`backplan.analysis.tracking`).
* **Focus**: the one key result furthest behind its glide path (as a share of the distance from
  baseline to target); none without check-ins.
* **Today** and **this week**: actions the plan starts or has due (as-late-as-possible dates,
  scheduled from ``date``) today, and on the remaining days of the calendar week (to Sunday),
  with their owners; an action recorded as started on ``date`` is listed today as
  ``started``; done actions are left out.
* **Day off**: when ``date`` itself has no project work (a holiday, a blackout, a calendar
  rule or a non-working weekday) the brief says so first, and it lists who is off today.
* **Late**: actions with negative slack from ``date`` (they can no longer finish in time),
  and **milestones at risk**: slack below zero (``late``) or at most
  :data:`AT_RISK_SLACK_DAYS` working days (``at risk``).
* **Coming up**: what changes the days ahead (``horizon_days`` calendar days after ``date``):
  holidays (the plan's and its country's), days off by calendar rules, blackout periods, people's
  time off, milestone and goal due dates, and actions' ``not_before`` / ``not_after`` windows.
* **Wins** since the last working day: actions finished (``actual_finish`` from the previous
  working day up to yesterday) and key results whose latest check-in in that span improved on
  the one before.

The brief is structured data (:meth:`HuddleBrief.to_dict`) and Markdown
(:meth:`HuddleBrief.to_markdown`).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan('''
    ... goal: {id: g, title: Faster answers, due: 2027-01-29}
    ... actions:
    ...   - {id: rota, title: New rota, duration: 3, owner: Sam}
    ...   - {id: brief, title: Brief agents, duration: 2, after: [rota], owner: Jo}
    ... ''')
    >>> brief = huddle_brief(plan, date=dt.date(2027, 1, 25))
    >>> [(item.kind, item.action) for item in brief.today]
    [('start', 'rota')]
    >>> [(item.date.isoformat(), item.kind, item.action) for item in brief.this_week]
    [('2027-01-27', 'due', 'rota'), ('2027-01-28', 'start', 'brief'), ('2027-01-29', 'due', 'brief')]
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Any, Literal

from backplan.analysis._text import iso
from backplan.calendars import plan_calendar
from backplan.calendars.days_off import DayOff, day_off
from backplan.calendars.rules import country_holidays, rule_days
from backplan.models import Action, Plan
from backplan.scheduling import Schedule, schedule_plan
from backplan.words import SECONDS, counted, metric_value

__all__ = [
    "AT_RISK_SLACK_DAYS",
    "CalendarEvent",
    "DayItem",
    "HuddleBrief",
    "HuddleKeyResult",
    "LateAction",
    "MilestoneAtRisk",
    "Win",
    "huddle_brief",
]

#: A milestone with at most this many working days of slack is "at risk".
AT_RISK_SLACK_DAYS = 2

_WEEKDAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _day(day: dt.date) -> str:
    return f"{_WEEKDAY[day.weekday()][:3]} {day.isoformat()}"


@dataclass(frozen=True, slots=True)
class HuddleKeyResult:
    """A key result's latest value (on or before yesterday) against its glide path.

    ``value``/``value_date`` are None without a check-in; ``expected`` is the glide path's value on
    ``value_date`` (on yesterday without a check-in); ``behind`` is how far the value lags the
    path as a share of the distance from baseline to target (negative when ahead).
    """

    key_result: str
    name: str
    unit: str
    value: float | None
    value_date: dt.date | None
    n: int | None
    expected: float
    target: float
    status: str | None
    behind: float | None

    def to_dict(self) -> dict[str, Any]:
        """The key result's line as JSON-ready data."""
        return {
            "key_result": self.key_result, "name": self.name, "unit": self.unit,
            "value": self.value, "value_date": iso(self.value_date), "n": self.n,
            "expected": self.expected, "target": self.target, "status": self.status,
            "behind": self.behind,
        }


DayKind = Literal["start", "due", "start-and-due", "started"]


@dataclass(frozen=True, slots=True)
class DayItem:
    """An action starting (``kind="start"``), due (``"due"``) or both (a one-day action) on
    ``date``, or recorded as started that day (``"started"``: in progress since ``date``)."""

    date: dt.date
    kind: DayKind
    action: str
    title: str
    owners: tuple[str, ...]
    critical: bool

    def to_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data."""
        return {"date": iso(self.date), "kind": self.kind, "action": self.action,
                "title": self.title, "owners": list(self.owners), "critical": self.critical}


@dataclass(frozen=True, slots=True)
class LateAction:
    """An action that can no longer finish in time: ``short_days`` working days short."""

    action: str
    title: str
    owners: tuple[str, ...]
    short_days: int
    status: str
    latest_start: dt.date
    latest_finish: dt.date

    def to_dict(self) -> dict[str, Any]:
        """The late action as JSON-ready data."""
        return {"action": self.action, "title": self.title, "owners": list(self.owners),
                "short_days": self.short_days, "status": self.status,
                "latest_start": iso(self.latest_start),
                "latest_finish": iso(self.latest_finish)}


@dataclass(frozen=True, slots=True)
class MilestoneAtRisk:
    """A milestone with little or negative slack.

    ``state`` says the same thing as the schedule's flags: ``late`` when it cannot be reached by
    its own due (the ``milestone-late`` flag), ``late chain`` when it can, but the work through
    it is late for a deadline after it (negative slack: the late chain's flag), ``at risk`` when
    its slack is small.
    """

    milestone: str
    title: str
    due: dt.date | None
    date: dt.date
    earliest_date: dt.date
    slack: int
    state: Literal["late", "late chain", "at risk"]

    def to_dict(self) -> dict[str, Any]:
        """The milestone as JSON-ready data."""
        return {"milestone": self.milestone, "title": self.title, "due": iso(self.due),
                "date": iso(self.date), "earliest_date": iso(self.earliest_date),
                "slack": self.slack, "state": self.state}


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """Something in the plan's calendar that changes a coming day.

    ``kind``: ``holiday`` (the plan's or the country's), ``day-off`` (a calendar rule such as
    "every first Monday"), ``blackout`` (a period without project work), ``time-off`` (a person's,
    ``subject`` is the person's id), ``goal-due``, ``milestone-due``, ``not-before`` (an action may
    start from this day) or ``not-after`` (an action must be finished by this day). ``end`` is
    the last day of events that span several days (the same as ``date`` otherwise).
    """

    date: dt.date
    end: dt.date
    kind: str
    subject: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready data."""
        return {"date": iso(self.date), "end": iso(self.end), "kind": self.kind,
                "subject": self.subject, "description": self.description}


@dataclass(frozen=True, slots=True)
class Win:
    """Good news since the last working day: an action done or a key result improved."""

    kind: Literal["action-done", "metric-improved"]
    subject: str
    date: dt.date
    description: str

    def to_dict(self) -> dict[str, Any]:
        """The win as JSON-ready data."""
        return {"kind": self.kind, "subject": self.subject, "date": iso(self.date),
                "description": self.description}


@dataclass(frozen=True, slots=True)
class HuddleBrief:
    """The daily huddle brief for ``date``: structured data, and Markdown via :meth:`to_markdown`."""

    goal: str
    goal_title: str
    date: dt.date
    since: dt.date
    week_end: dt.date
    horizon_end: dt.date
    feasible: bool
    key_results: tuple[HuddleKeyResult, ...]
    focus: str | None
    today: tuple[DayItem, ...]
    this_week: tuple[DayItem, ...]
    late: tuple[LateAction, ...]
    milestones_at_risk: tuple[MilestoneAtRisk, ...]
    coming: tuple[CalendarEvent, ...]
    wins: tuple[Win, ...]
    #: Why ``date`` has no project work for anyone (None on a working day).
    day_off: DayOff | None = None
    #: The people who are off on ``date`` while others work (leave, part-time days).
    off_today: tuple[DayOff, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The brief as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "goal_title": self.goal_title, "date": iso(self.date),
            "since": iso(self.since), "week_end": iso(self.week_end),
            "horizon_end": iso(self.horizon_end), "feasible": self.feasible,
            "day_off": None if self.day_off is None else self.day_off.to_dict(),
            "off_today": [off.to_dict() for off in self.off_today],
            "focus": self.focus,
            "key_results": [kr.to_dict() for kr in self.key_results],
            "today": [item.to_dict() for item in self.today],
            "this_week": [item.to_dict() for item in self.this_week],
            "late": [item.to_dict() for item in self.late],
            "milestones_at_risk": [item.to_dict() for item in self.milestones_at_risk],
            "coming": [event.to_dict() for event in self.coming],
            "wins": [win.to_dict() for win in self.wins],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_markdown(self) -> str:
        """The brief as one page of Markdown."""
        title = f" ({self.goal_title})" if self.goal_title else ""
        out = [f"# Daily huddle: {self.goal}{title}, {_WEEKDAY[self.date.weekday()]} "
               f"{self.date.isoformat()}", ""]
        if self.day_off is not None:
            out += [f"**Today, {self.day_off}.**", ""]
        if self.off_today:
            out += ["Off today: " + "; ".join(
                f"{off.name}" + (f" ({off.reason})" if off.reason else "")
                for off in self.off_today) + ".", ""]
        if not self.feasible:
            out += ["**The plan cannot be met as it stands**: see the late actions below.", ""]
        focus = next((kr for kr in self.key_results if kr.key_result == self.focus), None)
        if focus is not None:
            out += [f"**Focus today: {focus.name}** ({focus.key_result}): "
                    f"{metric_value(focus.value, focus.unit)} against "
                    f"{metric_value(focus.expected, focus.unit)} expected, "
                    f"{(focus.status or 'no status').replace('_', ' ')}.", ""]
        out += ["## Key results (yesterday)", ""]
        if self.key_results:
            out += ["| Key result | Value | Measured | Expected | Target | Status |",
                    "|---|---:|---|---:|---:|---|"]
            for kr in self.key_results:
                sample = f" (n={kr.n})" if kr.n is not None else ""
                out.append(
                    f"| {kr.name} ({kr.key_result}) | {metric_value(kr.value, kr.unit)}{sample} | "
                    f"{iso(kr.value_date) or '-'} | {metric_value(kr.expected, kr.unit)} | "
                    f"{metric_value(kr.target, kr.unit)} | "
                    f"{(kr.status or 'no check-in').replace('_', ' ')} |"
                )
        else:
            out.append("No key results in the plan.")
        out += ["", "## Today", ""]
        out += _items(self.today, with_day=False) or ["Nothing starts or is due today."]
        out += ["", f"## Rest of the week (to {_day(self.week_end)})", ""]
        out += _items(self.this_week, with_day=True) or ["Nothing else starts or is due this week."]
        out += ["", "## Late and at risk", ""]
        lines = [
            f"- **late** {a.action}: {a.title or a.action}{_who(a.owners)}: "
            f"{counted(a.short_days, 'working day')} short "
            + (f"(in progress; had to finish by {a.latest_finish.isoformat()})"
               if a.status == "in_progress"
               else f"(had to start by {a.latest_start.isoformat()})")
            for a in self.late
        ] + [_milestone_line(m) for m in self.milestones_at_risk]
        out += lines or ["Nothing late, no milestone at risk."]
        out += ["", f"## Coming up (to {_day(self.horizon_end)})", ""]
        out += [
            f"- {_day(e.date)}{' to ' + _day(e.end) if e.end != e.date else ''}: {e.description}"
            for e in self.coming
        ] or ["No holidays, due dates or windows coming up."]
        out += ["", f"## Wins since {_day(self.since)}", ""]
        out += [f"- {w.description}" for w in self.wins] or ["No wins recorded yet."]
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        return (f"<HuddleBrief {self.goal!r} date={self.date.isoformat()} focus={self.focus!r} "
                f"late={len(self.late)}>")

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.to_markdown())}</pre>"


def _milestone_line(m: MilestoneAtRisk) -> str:
    label = "on a late chain" if m.state == "late chain" else m.state
    head = f"- **milestone {label}** {m.milestone}: {m.title or m.milestone}: "
    reached = f"reached at the earliest {m.earliest_date.isoformat()}"
    if m.state == "late":
        return f"{head}due {iso(m.due)}, {reached} (slack {m.slack})"
    if m.state == "late chain":
        own = f"by its due {iso(m.due)}" if m.due is not None else "in time for itself"
        return (f"{head}{reached}, {own}, but the work through it is "
                f"{-m.slack} working day{'s' if m.slack != -1 else ''} short for what follows")
    return f"{head}due {iso(m.due) or '-'}, {reached} (slack {m.slack})"


def _who(owners: tuple[str, ...]) -> str:
    return f" ({', '.join(owners)})" if owners else ""


def _items(items: tuple[DayItem, ...], *, with_day: bool) -> list[str]:
    lines = []
    for item in items:
        day = f"{_day(item.date)}: " if with_day else ""
        mark = " (critical)" if item.critical else ""
        verb = {"start": "starts", "due": "due", "start-and-due": "starts and due",
                "started": "started"}[item.kind]
        lines.append(f"- {day}**{verb}** {item.action}: {item.title or item.action}"
                     f"{_who(item.owners)}{mark}")
    return lines


def _owners(action: Action, names: dict[str, str]) -> tuple[str, ...]:
    """The action's owner, then its assignees by name (each once)."""
    owners = [action.owner] if action.owner else []
    for assignee in action.assignees:
        name = names.get(assignee.person) or assignee.person
        if name not in owners:
            owners.append(name)
    return tuple(owners)


def huddle_brief(
    plan: Plan,
    *,
    date: dt.date,
    checkins: Any = None,
    horizon_days: int = 7,
    ignore_capacity: bool = False,
) -> HuddleBrief:
    """The huddle brief for the morning of ``date``.

    Args:
        plan: the plan (check-ins written under its key results are used).
        date: the day of the huddle; "yesterday" is the calendar day before.
        checkins: more check-ins (a CSV path, a DataFrame, records; see
            :func:`backplan.read_checkins`).
        horizon_days: how many calendar days ahead "coming up" looks (at least 1).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`HuddleBrief`.

    Raises:
        PlanValidationError: the plan's references are broken.
        CheckInError: a check-in is broken or names an unknown key result.
        ValueError: ``horizon_days`` is below 1.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-02-26", "key_results": [
        ...     {"id": "fcr", "metric": "fcr", "baseline": 70, "target": 80,
        ...      "baseline_date": "2027-01-01"}]}})
        >>> brief = huddle_brief(plan, date=dt.date(2027, 1, 26), checkins=[
        ...     {"key_result": "fcr", "date": "2027-01-22", "value": 71},
        ...     {"key_result": "fcr", "date": "2027-01-25", "value": 72.5}])
        >>> kr = brief.key_results[0]
        >>> kr.value, kr.value_date.isoformat(), kr.status, brief.focus
        (72.5, '2027-01-25', 'at_risk', 'fcr')
        >>> [w.description for w in brief.wins]
        ['First Call Resolution improved: 71 -> 72.5 (+1.5 points)']
    """
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be at least 1, got {horizon_days}")
    schedule = schedule_plan(plan, today=date, ignore_capacity=ignore_capacity)
    calendar = plan_calendar(plan, today=date)
    yesterday = date - dt.timedelta(days=1)
    since = calendar.day(calendar.number(date) - 1)
    week_end = date + dt.timedelta(days=6 - date.weekday())
    horizon_end = date + dt.timedelta(days=horizon_days)

    key_results, wins = _key_results(plan, schedule, checkins, yesterday, since)
    ranked = [kr for kr in key_results if kr.behind is not None]
    focus = max(ranked, key=lambda kr: kr.behind or 0.0).key_result if ranked else None

    by_id = {a.id: a for a in plan.actions}
    names = {p.id: p.name for p in plan.people if p.name}
    today_items, week_items = [], []
    for scheduled in schedule.actions:
        action = by_id[scheduled.id]
        if action.status == "done":
            continue
        ends: tuple[tuple[DayKind, dt.date], ...] = (
            ("start", scheduled.start), ("due", scheduled.finish))
        if action.status == "in_progress":
            ends = ends[1:]
            if action.actual_start == date:
                ends = (("started", date), *ends)
        elif scheduled.start == scheduled.finish:
            ends = (("start-and-due", scheduled.start),)
        for kind, day in ends:
            item = DayItem(day, kind, action.id, action.title, _owners(action, names),
                           scheduled.critical)
            if day == date:
                today_items.append(item)
            elif date < day <= week_end:
                week_items.append(item)
    week_items.sort(key=lambda item: (item.date, item.kind == "start", item.action))
    today_items.sort(key=lambda item: (item.kind in ("start", "started"), not item.critical,
                                       item.action))

    late = tuple(
        LateAction(a.id, a.title, _owners(by_id[a.id], names), -a.slack, by_id[a.id].status,
                   a.start, a.finish)
        for a in sorted(schedule.actions, key=lambda a: (a.slack, a.start, a.id))
        if a.slack < 0 and by_id[a.id].status != "done"
    )
    at_risk = tuple(
        MilestoneAtRisk(m.id, m.title, m.due, m.date, m.earliest_date, m.slack,
                        "late" if m.due is not None and m.earliest_date > m.due
                        else "late chain" if m.slack < 0 else "at risk")
        for m in sorted(schedule.milestones, key=lambda m: (m.slack, m.date, m.id))
        if m.slack <= AT_RISK_SLACK_DAYS
        and not _all_done(plan, m.id)
    )
    wins += _finished(plan, since, date, names)
    wins.sort(key=lambda w: (w.date, w.kind, w.subject))
    return HuddleBrief(
        goal=plan.goal.id, goal_title=plan.goal.title, date=date, since=since,
        week_end=week_end, horizon_end=horizon_end, feasible=schedule.feasible,
        key_results=tuple(key_results), focus=focus,
        today=tuple(today_items), this_week=tuple(week_items), late=late,
        milestones_at_risk=at_risk, coming=_coming(plan, date, horizon_end), wins=tuple(wins),
        day_off=day_off(plan, date),
        off_today=tuple(off for p in plan.people
                        if (off := day_off(plan, date, person=p.id)) is not None
                        and off.person is not None),
    )


def _all_done(plan: Plan, milestone: str) -> bool:
    members = [a for a in plan.actions if a.milestone == milestone and a.priority != "wont"]
    return bool(members) and all(a.status == "done" for a in members)


def _key_results(
    plan: Plan, schedule: Schedule, checkins: Any, yesterday: dt.date, since: dt.date
) -> tuple[list[HuddleKeyResult], list[Win]]:
    if not plan.goal.key_results:
        return [], []
    from backplan.analysis.tracking import track_progress

    report = track_progress(plan, checkins, today=yesterday, schedule=schedule)
    lines, wins = [], []
    for kr, tracked in zip(plan.goal.key_results, report.key_results, strict=True):
        metric = kr.definition()
        latest = tracked.latest
        distance = abs(kr.target - kr.baseline)
        sign = 1.0 if metric.direction == "increase" else -1.0
        behind = None
        if latest is not None:
            behind = round(sign * (latest.expected - latest.value) / distance, 6)
        lines.append(HuddleKeyResult(
            key_result=kr.id, name=metric.name, unit=metric.unit,
            value=None if latest is None else latest.value,
            value_date=None if latest is None else latest.date,
            n=None if latest is None else latest.n,
            expected=latest.expected if latest is not None else tracked.expected_today,
            target=kr.target, status=tracked.status, behind=behind,
        ))
        if latest is not None and latest.date >= since and len(tracked.checkins) >= 2:
            before = [c for c in tracked.checkins if c.date < latest.date]
            if before:
                previous = max(before, key=lambda c: c.date)
                change = latest.value - previous.value
                if sign * change > 0:
                    unit = "points" if metric.unit == "%" else metric.unit
                    by = (metric_value(change, metric.unit, signed=True)
                          + ("" if metric.unit == SECONDS else f" {unit}"))
                    wins.append(Win(
                        "metric-improved", kr.id, latest.date,
                        f"{metric.name} improved: {metric_value(previous.value, metric.unit)} "
                        f"-> {metric_value(latest.value, metric.unit)} ({by})",
                    ))
    return lines, wins


def _finished(plan: Plan, since: dt.date, date: dt.date, names: dict[str, str]) -> list[Win]:
    wins = []
    for action in plan.actions:
        finish = action.actual_finish
        if action.status == "done" and finish is not None and since <= finish < date:
            wins.append(Win(
                "action-done", action.id, finish,
                f"done: {action.id}: {action.title or action.id}{_who(_owners(action, names))}",
            ))
    return wins


def _coming(plan: Plan, date: dt.date, end: dt.date) -> tuple[CalendarEvent, ...]:
    def ahead(day: dt.date | None) -> bool:
        return day is not None and date < day <= end

    first = date + dt.timedelta(days=1)
    calendar = plan.calendar
    events = [CalendarEvent(day, day, "holiday", "calendar", "holiday")
              for day in calendar.holidays if ahead(day)]
    if calendar.country is not None:
        listed = set(calendar.holidays)
        events += [
            CalendarEvent(day, day, "holiday", "calendar", f"public holiday ({calendar.country})")
            for day in country_holidays(calendar.country, calendar.subdivision, first, end)
            if day not in listed
        ]
    for rule in calendar.rules:
        events += [CalendarEvent(day, day, "day-off", "calendar", f"no project work ({rule})")
                   for day in rule_days(rule, first, end)]
    for span in calendar.blackouts:
        if span.start <= end and span.last > date:
            why = f": {span.reason}" if span.reason else ""
            events.append(CalendarEvent(span.start, span.last, "blackout", "calendar",
                                        f"blackout, no project work{why}"))
    for person in plan.people:
        for span in person.time_off:
            if span.start <= end and span.last > date:
                why = f" ({span.reason})" if span.reason else ""
                events.append(CalendarEvent(span.start, span.last, "time-off", person.id,
                                            f"{person.name or person.id} off{why}"))
    if ahead(plan.goal.due):
        events.append(CalendarEvent(plan.goal.due, plan.goal.due, "goal-due", plan.goal.id,
                                    f"goal {plan.goal.id} due"))
    for m in plan.milestones:
        if m.due is not None and ahead(m.due):
            events.append(CalendarEvent(m.due, m.due, "milestone-due", m.id,
                                        f"milestone {m.id} due: {m.title or m.id}"))
    for a in plan.actions:
        if a.priority == "wont" or a.status == "done":
            continue
        if a.status == "not_started" and a.not_before is not None and ahead(a.not_before):
            events.append(CalendarEvent(a.not_before, a.not_before, "not-before", a.id,
                                        f"{a.id} may start from this day"))
        if a.not_after is not None and ahead(a.not_after):
            events.append(CalendarEvent(a.not_after, a.not_after, "not-after", a.id,
                                        f"{a.id} must be finished by this day"))
    order = {kind: k for k, kind in enumerate(_EVENT_KINDS)}
    events.sort(key=lambda e: (e.date, order[e.kind], e.subject))
    return tuple(events)


_EVENT_KINDS = ("holiday", "day-off", "blackout", "time-off", "goal-due", "milestone-due",
                "not-after", "not-before")
