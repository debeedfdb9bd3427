"""The queue against the schedule: the AHT each day, days it is put at risk, key results it
cannot reach.

A plan's ``queue`` gives its people their project hours (:mod:`backplan.calendars.queue`). Once
a plan is scheduled, this module checks the schedule against the queue, with the AHT that
schedule itself implies (:func:`aht_by_day`: the AHT key result's glide path on the schedule's
dates), and raises two kinds of warnings:

* ``queue-at-risk`` (subject: ``queue``): on some days the project work booked on the queue's
  people takes more agent-hours than the queue spares, so the roster left on the queue is below
  what the service-level target needs. It happens when capacity is ignored (people are booked
  on precedence dates whatever the queue needs), and when the AHT the schedule implies is higher
  than the one the hours were counted with (actions that raise AHT, or finish later). The flag
  names each day and how many agents the queue is short: the excess hours spread over the day's
  open intervals, rounded up (the fewest agents short in every interval however the project
  hours are placed). Fixes: roster more agents on those days (``add_agents``), or descope the
  could- and should-have work booked then.
* ``queue-kr-inconsistent`` (subject: the key result): a ``service_level`` key result whose
  target the rostered agents cannot reach at the planned AHT in the week up to the due date,
  even with no project work (fix: roster more agents that week), or which asks more than the
  queue is staffed for (the spare hours are counted at the queue's own target); likewise an
  ``asa`` key result.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-08}
    ... people: [{id: ana, hours_per_day: 6}]
    ... queue: {volume: [100, 100], aht: 180, target: 80/20, shrinkage: 0.3, rostered: 21,
    ...         people: [ana]}
    ... actions:
    ...   - {id: wiki, duration: 2, assignees: [{person: ana, hours_per_day: 1.5}]}
    ... ''')
    >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 4), ignore_capacity=True)
    >>> flag = next(f for f in schedule.flags if f.code == "queue-at-risk")
    >>> import textwrap
    >>> print(textwrap.fill(flag.message, 88))
    project work leaves the queue below 80/20 on 2027-01-07 (1 agent short: 1.5 h booked, 1
    h spare) and 2027-01-08 (1 agent short: 1.5 h booked, 1 h spare); capacity is ignored,
    so people are booked on the precedence dates
    >>> [c.to_dict() for c in flag.fixes[0].changes]
    [{'add_agents': 1, 'from': '2027-01-07', 'to': '2027-01-08'}]

Levelled (without ``ignore_capacity``) the same plan books Ana only what the queue spares, and
has no such warning.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from backplan.calendars import QueueCapacity, QueueDay, WorkingCalendar, plan_calendar
from backplan.calendars.queue import AhtByDay
from backplan.models import Plan
from backplan.models.goal import KeyResult
from backplan.models.metrics import catalogue_metric
from backplan.models.queue import MAX_AGENTS_ADDED, clock_text
from backplan.models.scenario import ScenarioChange
from backplan.scheduling.curves import KeyResultCurve, has_impact, key_result_curves
from backplan.scheduling.result import Fix, Flag, Schedule
from backplan.staffing import queue_performance

__all__ = ["KR_WINDOW_DAYS", "QueueFlag", "agents_change", "aht_by_day", "queue_flags"]

#: A key result is checked against the queue over this many calendar days up to the due date.
KR_WINDOW_DAYS = 7
#: Booked time within this many seconds of the spare time counts as fitting (rounding).
_TOLERANCE_SECONDS = 1


@dataclass(frozen=True, slots=True)
class QueueFlag(Flag):
    """A ``queue-at-risk`` flag: the days project work leaves the queue short, and by how much.

    On top of :class:`~backplan.Flag`, one entry per day, in order: ``days``, ``booked_hours``
    (project hours booked on the queue's people), ``spare_hours`` (what the queue spares) and
    ``shortfall_agents`` (agents short in each open interval of the day).
    """

    days: tuple[dt.date, ...] = ()
    booked_hours: tuple[float, ...] = ()
    spare_hours: tuple[float, ...] = ()
    shortfall_agents: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The flag as JSON-ready data, with the per-day lists."""
        data = Flag.to_dict(self)
        data.update(days=[d.isoformat() for d in self.days], booked_hours=list(self.booked_hours),
                    spare_hours=list(self.spare_hours),
                    shortfall_agents=list(self.shortfall_agents))
        return data


def aht_by_day(plan: Plan, schedule: Schedule, calendar: WorkingCalendar) -> AhtByDay | None:
    """The AHT on each day as ``schedule`` implies it: the queue's AHT key result on its latest
    dates (the baseline, lowered by each action's ``impact`` from when it finishes, over its
    ``ramp``); None when the queue's AHT is a number (or the plan has no queue).

    A key result no action has an impact on stays at its baseline: only planned work frees
    hours. Work not done that the schedule puts before today (an infeasible plan) counts from
    today: it cannot have lowered the AHT yet.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> from backplan.scheduling.schedule import schedule_precedence
        >>> plan = load_plan('''
        ... goal: {id: g, due: 2027-01-15, key_results: [{id: aht, metric: aht, baseline: 420,
        ...        target: 360}]}
        ... queue: {volume: [10], aht: {key_result: aht}, target: 80/20, rostered: 3}
        ... actions: [{id: coach, duration: 2, impact: {aht: -60}}]
        ... ''')
        >>> today = dt.date(2027, 1, 4)
        >>> from backplan.calendars import plan_calendar
        >>> calendar = plan_calendar(plan, today=today)
        >>> aht = aht_by_day(plan, schedule_precedence(plan, today=today), calendar)
        >>> aht(dt.date(2027, 1, 14)), aht(dt.date(2027, 1, 15))
        (420.0, 360.0)
    """
    queue = plan.queue
    wanted = None if queue is None else queue.aht_key_result
    if wanted is None:
        return None
    key_result = next(kr for kr in plan.goal.key_results if kr.id == wanted)
    if not has_impact(plan, key_result):
        baseline = key_result.baseline
        return lambda day: baseline
    latest, _ = key_result_curves(plan, schedule, key_result, calendar)
    today = calendar.number(schedule.today)
    # Not done and planned before today: it shows from today (after the baseline's day).
    soonest = today if today > latest.start else latest.start + 1
    scheduled = {a.id for a in schedule.actions}
    done = [a.status == "done" for a in plan.actions if wanted in a.impact and a.id in scheduled]
    effects = tuple(
        (change, finish if finished or finish >= today else soonest, ramp)
        for finished, (change, finish, ramp) in zip(done, latest.effects, strict=True))
    curve = KeyResultCurve(latest.baseline, latest.start, effects, ())

    def aht(day: dt.date) -> float:
        return curve.value(calendar.number_on_or_before(day))

    return aht


def queue_flags(plan: Plan, schedule: Schedule) -> list[Flag]:
    """The ``queue-at-risk`` and ``queue-kr-inconsistent`` warnings of ``schedule`` (see the
    module docstring); empty without a queue."""
    if plan.queue is None:
        return []
    calendar = plan_calendar(plan, today=schedule.today)
    capacity = QueueCapacity(plan, calendar, aht=aht_by_day(plan, schedule, calendar))
    flags: list[Flag] = []
    risk = _at_risk(plan, schedule, capacity, calendar)
    if risk is not None:
        flags.append(risk)
    for key_result in plan.goal.key_results:
        flags += _key_result_flags(plan, key_result, capacity, calendar)
    return flags


# --------------------------------------------------------------------------- queue-at-risk


def _booked(plan: Plan, schedule: Schedule) -> dict[dt.date, tuple[int, set[str]]]:
    """Seconds booked on the queue's people per day, and the actions booking them."""
    from backplan.scheduling.bookings import bookings_as_scheduled

    assert plan.queue is not None
    people = set(plan.queue.people)
    bookings = getattr(schedule, "bookings", None)
    if bookings is None:
        bookings = bookings_as_scheduled(plan, schedule)
    out: dict[dt.date, tuple[int, set[str]]] = {}
    for booking in bookings:
        if booking.person in people:
            seconds, actions = out.get(booking.day, (0, set()))
            actions.add(booking.action)
            out[booking.day] = (seconds + round(booking.hours * 3600), actions)
    return out


def _at_risk(plan: Plan, schedule: Schedule, capacity: QueueCapacity,
             calendar: WorkingCalendar) -> QueueFlag | None:
    booked = _booked(plan, schedule)
    if not booked:
        return None
    rows: list[tuple[QueueDay, int, int]] = []  # day, seconds booked, agents short
    actions: set[str] = set()
    for day in capacity.days(sorted(d for d in booked if d >= schedule.today)):
        seconds, names = booked[day.day]
        excess = seconds - day.spare_seconds
        if not day.open or excess <= _TOLERANCE_SECONDS:
            continue
        per_agent = len(day.contacts) * day.interval_seconds
        rows.append((day, seconds, math.ceil(excess / per_agent - 1e-9)))
        actions |= names
    if not rows:
        return None
    target = str(plan.queue.target) if plan.queue is not None else ""

    def one(row: tuple[QueueDay, int, int]) -> str:
        day, seconds, short = row
        return (f"{day.day.isoformat()} ({_agents(short)} short: {_hours(seconds)} booked, "
                f"{_hours(day.spare_seconds)} spare)")

    if len(rows) > 3:
        worst = max(rows, key=lambda row: (row[2], row[1] - row[0].spare_seconds))
        where = (f"{len(rows)} days from {rows[0][0].day.isoformat()} to "
                 f"{rows[-1][0].day.isoformat()}, most on {one(worst)}")
    else:
        where = ", ".join(one(row) for row in rows[:-1]) + (" and " if len(rows) > 1 else "") + (
            one(rows[-1]))
    how = ("; capacity is ignored, so people are booked on the precedence dates"
           if schedule.capacity == "ignored" else "")
    message = f"project work leaves the queue below {target} on {where}{how}"
    chain = tuple(a.id for a in plan.actions if a.id in actions)
    return QueueFlag(
        "queue-at-risk", "warning", "queue", message, None, chain, (),
        _risk_fixes(plan, rows, chain, calendar),
        days=tuple(d.day for d, _, _ in rows),
        booked_hours=tuple(round(s / 3600, 4) for _, s, _ in rows),
        spare_hours=tuple(round(d.spare_hours, 4) for d, _, _ in rows),
        shortfall_agents=tuple(k for _, _, k in rows),
    )


def _risk_fixes(plan: Plan, rows: Sequence[tuple[QueueDay, int, int]],
                chain: tuple[str, ...], calendar: WorkingCalendar) -> tuple[Fix, ...]:
    """Roster the agents short on those days (one change per run of working days with the same
    need), or descope the optional work booked then."""
    changes: list[ScenarioChange] = []
    for first, last, agents in _runs([(d.day, k) for d, _, k in rows], calendar):
        changes.append(agents_change(min(agents, MAX_AGENTS_ADDED), first, last))
    fixes = [Fix("add-agents", "queue", "roster the agents the queue is short", 0,
                 changes=tuple(changes))]
    by_id = {a.id: a for a in plan.actions}
    optional = tuple(a for a in chain if by_id[a].priority in ("could", "should"))
    if optional:
        fixes.append(Fix("descope", optional[0], f"descope {', '.join(optional)}", 0,
                         chain=optional))
    return tuple(fixes)


def agents_change(agents: int, first: dt.date, last: dt.date) -> ScenarioChange:
    """The change that rosters ``agents`` more agents from ``first`` to ``last``.

    Example:
        >>> agents_change(2, dt.date(2027, 3, 1), dt.date(2027, 3, 5)).to_dict()
        {'add_agents': 2, 'from': '2027-03-01', 'to': '2027-03-05'}
    """
    return ScenarioChange.model_validate(
        {"add_agents": agents, "from": first, "to": last})


def _runs(days: Sequence[tuple[dt.date, int]],
          calendar: WorkingCalendar) -> list[tuple[dt.date, dt.date, int]]:
    """Runs of consecutive working days needing the same number of agents."""
    runs: list[tuple[dt.date, dt.date, int]] = []
    for day, agents in days:
        if runs and runs[-1][2] == agents and calendar.count(runs[-1][1], day) == 1:
            runs[-1] = (runs[-1][0], day, agents)
        else:
            runs.append((day, day, agents))
    return runs


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:g} h" if abs(hours * 10 - round(hours * 10)) < 1e-9 else f"{hours:.2f} h"


def _agents(count: int) -> str:
    return f"{count} agent" if count == 1 else f"{count} agents"


# --------------------------------------------------------------------------- key results


@dataclass(frozen=True, slots=True)
class _Reach:
    """What the roster alone (no project work) gives in the key result's week."""

    service_level: float  # share of the week's contacts answered in time
    asa_seconds: float  # contact-weighted mean ASA
    days: tuple[QueueDay, ...]


def _reach(capacity: QueueCapacity, days: Sequence[QueueDay], extra: float = 0.0) -> _Reach:
    queue = capacity.queue
    on_queue = 1 - queue.shrinkage
    answered = waited = total = 0.0
    for day in days:
        for contacts, rostered in zip(day.contacts, day.rostered, strict=True):
            if contacts <= 0:
                continue
            agents = math.floor((rostered + extra) * on_queue + 1e-9)
            found = queue_performance(
                agents, volume=contacts, interval_seconds=day.interval_seconds,
                aht_seconds=day.aht_seconds,
                target_answer_seconds=queue.target.answer_seconds,
                patience_seconds=queue.patience)
            answered += contacts * found.service_level
            waited += contacts * found.asa_seconds
            total += contacts
    if not total:
        return _Reach(1.0, 0.0, tuple(days))
    return _Reach(answered / total, waited / total, tuple(days))


def _key_result_flags(
    plan: Plan, key_result: KeyResult, capacity: QueueCapacity, calendar: WorkingCalendar
) -> list[Flag]:
    metric = catalogue_metric(key_result.metric)
    kind = metric.id if metric is not None else ""
    if kind not in ("service_level", "asa"):
        return []
    due = plan.goal.due
    window = [due - dt.timedelta(days=k) for k in range(KR_WINDOW_DAYS - 1, -1, -1)]
    days = [d for d in capacity.days(window) if d.open]
    if not days:
        return []
    queue = capacity.queue
    reach = _reach(capacity, days)
    aht = sorted({clock_text(d.aht_seconds) for d in days})
    at = f"AHT {'-'.join(aht) if len(aht) > 1 else aht[0]}"
    week = f"in the week to {due.isoformat()}"
    target = key_result.target
    flags: list[Flag] = []
    if kind == "service_level":
        got = reach.service_level * 100
        if got < target - 1e-9:
            extra = _agents_for(capacity, days, lambda r: r.service_level * 100 >= target)
            flags.append(_kr_flag(
                key_result,
                f"the rostered agents answer at best {got:.1f}% within "
                f"{queue.target.answer_seconds:g} s {week} ({at}, with no project work): "
                f"{key_result.id} asks {target:g}%; roster more agents or lower the target",
                extra, days))
        elif queue.target.service_level * 100 < target - 1e-9:
            flags.append(_kr_flag(
                key_result,
                f"the queue is staffed for {queue.target} but {key_result.id} asks {target:g}%: "
                f"the project hours counted are what is spare at {queue.target}, which leaves "
                f"the service level there; set the queue's target to "
                f"{target:g}/{queue.target.answer_seconds:g}", None, days))
    else:
        got = reach.asa_seconds
        if got > target + 1e-9:
            extra = _agents_for(capacity, days, lambda r: r.asa_seconds <= target)
            shown = "no answer in time (the queue cannot keep up)" if math.isinf(got) else (
                f"{got:.1f} s")
            flags.append(_kr_flag(
                key_result,
                f"with the rostered agents the ASA is at best {shown} {week} ({at}, with no "
                f"project work): {key_result.id} asks {target:g} s; roster more agents or "
                "raise the target", extra, days))
    return flags


def _agents_for(capacity: QueueCapacity, days: Sequence[QueueDay],
                enough: Callable[[_Reach], bool]) -> int | None:
    """The fewest agents added in every interval of ``days`` that make ``enough`` true (None
    beyond :data:`~backplan.models.queue.MAX_AGENTS_ADDED`)."""
    low, high = 0, 1
    while not enough(_reach(capacity, days, high)):
        low, high = high, high * 2
        if high > MAX_AGENTS_ADDED:
            return None
    while high - low > 1:
        middle = (low + high) // 2
        if enough(_reach(capacity, days, middle)):
            high = middle
        else:
            low = middle
    return high


def _kr_flag(key_result: KeyResult, message: str, extra: int | None,
             days: Sequence[QueueDay]) -> Flag:
    fixes: tuple[Fix, ...] = ()
    if extra is not None:
        fixes = (Fix("add-agents", "queue", f"roster {_agents(extra)} more", 0,
                     changes=(agents_change(extra, days[0].day, days[-1].day),)),)
    return Flag("queue-kr-inconsistent", "warning", key_result.id, message, fixes=fixes)

