"""Glide paths: the value each key result should have on every date, derived from the plan.

Most OKR tools draw a straight line from the baseline to the target. Here the line follows the
schedule: an action with ``impact: {fcr: +2.0}`` moves ``fcr`` by 2 points when it finishes, all
at once or, with ``ramp: 10``, in equal steps over 10 working days. The path is worked out for the
as-late-as-possible schedule (``latest``, the dates of the plan) and for the earliest schedule
from today (``earliest``, the best case).

Rules (working days are those of the plan's calendar):

* An effect counts from the end of the day the action finishes. With ``ramp: r`` (r >= 1), on
  the k-th working day counted from the finish day (the finish day is the first) ``min(k, r)/r``
  of it shows; ``ramp: 0`` and ``ramp: 1`` both mean all of it on the finish day.
* The path starts at the key result's ``baseline`` on its ``baseline_date`` (on the schedule's
  today when no baseline date is given). Effects that show before the start are taken to be in
  the baseline already; only what shows later moves the path.
* A key result that no action has an ``impact`` on follows a straight line, in working days, from
  the baseline to the target on the goal's due date, through the milestones' interim targets
  (``expect``) on their due dates (or their scheduled dates when they have no due).
* Non-working days keep the value of the working day before them.

Flags (severity ``warning``; they do not change the schedule):

* ``impact-short``: the planned effects (of actions that are scheduled, ``wont`` left out) do
  not add up to the target, or they do but not all of it shows by the due date even on the
  earliest schedule (ramps); the message says by how much.
* ``interim-unreachable``: a milestone's interim target is better than the value the earliest
  schedule delivers by the milestone's date (its due, else its scheduled date).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan('''
    ... goal:
    ...   id: fcr-80
    ...   due: 2027-01-29
    ...   key_results: [{id: fcr, metric: fcr, baseline: 71, target: 80}]
    ... actions:
    ...   - {id: kb-rewrite, duration: 5, impact: {fcr: 4.0}}
    ...   - {id: coaching, duration: 5, after: [kb-rewrite], impact: {fcr: 3.0}}
    ... ''')
    >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 4))
    >>> paths = glide_paths(plan, schedule)
    >>> path = paths.path("fcr")
    >>> path.value_on(dt.date(2027, 1, 22)), path.value_on(dt.date(2027, 1, 29))
    (75.0, 78.0)
    >>> [flag.code for flag in paths.flags]
    ['impact-short']
    >>> print(paths.flags[0].message)
    planned effects add up to +7 of the +9 needed to go from 71 to 80: 2 percentage points short
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Any, Literal

from backplan._find import find
from backplan.analysis._text import flag_line, flags_html, iso, table_html
from backplan.calendars import plan_calendar
from backplan.models import Plan
from backplan.models.goal import KeyResult
from backplan.models.metrics import Direction
from backplan.scheduling import Fix, Flag, Schedule
from backplan.scheduling.curves import (
    CurveVariant,
    KeyResultCurve,
    ScheduleContext,
    has_impact,
    key_result_curves,
    ramp_fraction,
)
from backplan.words import SECONDS, metric_value

__all__ = [
    "ActionEffect", "GlidePath", "GlidePaths", "InterimTarget", "KeyResultCurve", "glide_paths",
    "key_result_curves", "ramp_fraction",
]

Variant = CurveVariant
PathSource = Literal["impact", "linear"]

#: Differences below this (in metric units) count as equal (floating-point sums of effects).
EPSILON = 1e-9


def _signed(value: float) -> str:
    return f"{value:+g}"


@dataclass(frozen=True, slots=True)
class ActionEffect:
    """One action's planned effect on one key result.

    Attributes:
        action: the action id.
        change: the change in the metric's unit once it shows fully (signed).
        ramp_days: working days from the finish day until it shows fully (0: at once).
        latest_finish: the action's finish on the as-late-as-possible schedule.
        earliest_finish: its finish on the earliest schedule (the actual finish when done).
    """

    action: str
    change: float
    ramp_days: int
    latest_finish: dt.date
    earliest_finish: dt.date

    def to_dict(self) -> dict[str, Any]:
        """The effect as JSON-ready data."""
        return {
            "action": self.action, "change": self.change, "ramp_days": self.ramp_days,
            "latest_finish": iso(self.latest_finish),
            "earliest_finish": iso(self.earliest_finish),
        }


@dataclass(frozen=True, slots=True)
class InterimTarget:
    """A milestone's interim target for a key result, against what the plan delivers by then.

    ``latest`` and ``earliest`` are the glide-path values on ``date`` (the milestone's due, else
    its scheduled date); ``shortfall`` is how far the earliest value falls short of ``expect``
    (0 when it is reachable), in the metric's unit.
    """

    milestone: str
    key_result: str
    date: dt.date
    expect: float
    latest: float
    earliest: float
    reachable: bool
    shortfall: float

    def to_dict(self) -> dict[str, Any]:
        """The interim target as JSON-ready data."""
        return {
            "milestone": self.milestone, "key_result": self.key_result, "date": iso(self.date),
            "expect": self.expect, "latest": self.latest, "earliest": self.earliest,
            "reachable": self.reachable, "shortfall": self.shortfall,
        }


@dataclass(frozen=True, slots=True)
class GlidePath:
    """The expected value of one key result on every date from its start to the goal's due date.

    Attributes:
        key_result, metric, unit, direction: which key result, and how it is measured.
        baseline, target: the values at ``start`` and wanted on ``due``.
        start: the baseline date (the schedule's today when the key result has none).
        due: the goal's due date.
        source: ``"impact"`` when actions state effects on it, else ``"linear"``.
        dates: every calendar date from ``start`` to ``due``.
        latest: the value on each date on the as-late-as-possible schedule.
        earliest: the value on each date on the earliest schedule.
        planned_change: the sum of the scheduled actions' effects (None for linear paths).
        needed_change: ``target - baseline``.
        shortfall: how far the earliest path falls short of the target on the due date, in the
            metric's unit (0 when it gets there).
        effects: the actions' effects, in plan order.
        interim: the milestones' interim targets for this key result, in plan order.
    """

    key_result: str
    metric: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    start: dt.date
    due: dt.date
    source: PathSource
    dates: tuple[dt.date, ...]
    latest: tuple[float, ...]
    earliest: tuple[float, ...]
    planned_change: float | None
    needed_change: float
    shortfall: float
    effects: tuple[ActionEffect, ...]
    interim: tuple[InterimTarget, ...]

    def value_on(self, day: dt.date, *, schedule: Variant = "latest") -> float:
        """The path's value on ``day``: the baseline before the start, the due date's after it.

        Example:
            >>> path = GlidePath("fcr", "fcr", "%", "increase", 71.0, 80.0,
            ...     dt.date(2027, 1, 1), dt.date(2027, 1, 2), "linear",
            ...     (dt.date(2027, 1, 1), dt.date(2027, 1, 2)), (71.0, 80.0), (71.0, 80.0),
            ...     None, 9.0, 0.0, (), ())
            >>> path.value_on(dt.date(2026, 12, 1)), path.value_on(dt.date(2027, 5, 1))
            (71.0, 80.0)
        """
        values = self.latest if schedule == "latest" else self.earliest
        if not values or day < self.start:
            return self.baseline
        index = min((day - self.start).days, len(values) - 1)
        return values[index]

    def to_dict(self) -> dict[str, Any]:
        """The path as JSON-ready data: one point per calendar date."""
        return {
            "key_result": self.key_result, "metric": self.metric, "unit": self.unit,
            "direction": self.direction, "baseline": self.baseline, "target": self.target,
            "start": iso(self.start), "due": iso(self.due), "source": self.source,
            "planned_change": self.planned_change, "needed_change": self.needed_change,
            "shortfall": self.shortfall,
            "effects": [effect.to_dict() for effect in self.effects],
            "interim": [target.to_dict() for target in self.interim],
            "points": [
                {"date": day.isoformat(), "latest": latest, "earliest": earliest}
                for day, latest, earliest in zip(self.dates, self.latest, self.earliest,
                                                 strict=True)
            ],
        }

    def __str__(self) -> str:
        unit = "" if not self.unit or self.unit == SECONDS else f" {self.unit}"

        def shown(value: float, *, signed: bool = False) -> str:
            if self.unit == SECONDS:  # AHT and the like read as m:ss
                return metric_value(value, self.unit, signed=signed)
            return _signed(value) if signed else f"{value:g}"

        how = (f"from impacts {shown(self.planned_change, signed=True)} of "
               f"{shown(self.needed_change, signed=True)}"
               if self.planned_change is not None else "linear")
        end = self.latest[-1] if self.latest else self.baseline
        lines = [
            f"{self.key_result} ({self.metric}): {shown(self.baseline)} -> "
            f"{shown(self.target)}{unit} from {self.start.isoformat()} to "
            f"{self.due.isoformat()}, {how}; planned {shown(end)} on the due date"
        ]
        lines.extend(
            f"  {t.milestone} {t.date.isoformat()}: expect {shown(t.expect)}, plan "
            f"{shown(t.latest)}, earliest {shown(t.earliest)}"
            + ("" if t.reachable else f" ({shown(t.shortfall)} short)")
            for t in self.interim
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<GlidePath {self.key_result!r} {self.source} {self.baseline:g}->"
                f"{self.target:g} points={len(self.dates)}>")


@dataclass(frozen=True, slots=True)
class GlidePaths:
    """Glide paths of every key result of a plan, and the flags they raise.

    Flags use the codes ``impact-short`` (subject: the key result) and ``interim-unreachable``
    (subject: the milestone).
    """

    goal: str
    today: dt.date
    due: dt.date
    paths: tuple[GlidePath, ...]
    flags: tuple[Flag, ...]

    def path(self, key_result: str) -> GlidePath:
        """The path of the key result with this id (KeyError naming it when there is none)."""
        return find(self.paths, "key_result", key_result, "key result")

    def to_dict(self) -> dict[str, Any]:
        """The paths and flags as JSON-ready data."""
        return {
            "goal": self.goal, "today": iso(self.today), "due": iso(self.due),
            "paths": [path.to_dict() for path in self.paths],
            "flags": [flag.to_dict() for flag in self.flags],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        lines = [f"Glide paths of {self.goal!r} to {self.due.isoformat()}:"]
        lines.extend("  " + str(path).replace("\n", "\n  ") for path in self.paths)
        lines.extend(f"  {flag_line(flag)}" for flag in self.flags)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<GlidePaths {self.goal!r} paths={len(self.paths)} flags={len(self.flags)}>"

    def _repr_html_(self) -> str:
        rows = [["key result", "metric", "baseline", "target", "source", "plan on due",
                 "earliest on due"]]
        rows += [
            [p.key_result, p.metric, metric_value(p.baseline, p.unit),
             metric_value(p.target, p.unit), p.source,
             metric_value(p.latest[-1] if p.latest else p.baseline, p.unit),
             metric_value(p.earliest[-1] if p.earliest else p.baseline, p.unit)]
            for p in self.paths
        ]
        return (
            f"<div><p>Glide paths of <b>{html.escape(self.goal)}</b> to {self.due}</p>"
            + table_html(rows) + flags_html(self.flags) + "</div>"
        )


# --------------------------------------------------------------------------------------------
# Computing paths


def better_or_equal(value: float, than: float, direction: Direction) -> bool:
    """Whether ``value`` is at least as good as ``than`` for a metric moving in ``direction``.

    Example:
        >>> better_or_equal(360, 400, "decrease"), better_or_equal(72, 74, "increase")
        (True, False)
    """
    if direction == "increase":
        return value >= than - EPSILON
    return value <= than + EPSILON


def _gain(change: float, direction: Direction) -> float:
    """A change as improvement (positive when better)."""
    return change if direction == "increase" else -change


def glide_paths(plan: Plan, schedule: Schedule) -> GlidePaths:
    """The glide path of every key result of ``plan`` on ``schedule``, and its flags.

    Args:
        plan: the plan (its key results, the actions' ``impact`` and ``ramp``, the milestones'
            ``expect``).
        schedule: the plan's schedule, from :func:`backplan.schedule_plan` (with progress, done
            actions sit on their actual dates).

    Returns:
        A frozen :class:`GlidePaths`; see the module docstring for the rules and flags.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-15", "key_results": [
        ...     {"id": "aht", "metric": "aht", "baseline": 420, "target": 360,
        ...      "baseline_date": "2027-01-01"}]}})
        >>> path = glide_paths(plan, schedule_plan(plan, today=dt.date(2027, 1, 4))).paths[0]
        >>> path.source, path.value_on(dt.date(2027, 1, 8)), path.value_on(dt.date(2027, 1, 9))
        ('linear', 390.0, 390.0)
    """
    calendar = plan_calendar(plan, today=schedule.today)
    context = ScheduleContext(plan, schedule, calendar)
    paths, flags = [], []
    for key_result in plan.goal.key_results:
        path, found = _glide_path(context, key_result)
        paths.append(path)
        flags.extend(found)
    return GlidePaths(plan.goal.id, schedule.today, plan.goal.due, tuple(paths), tuple(flags))


def _glide_path(context: ScheduleContext, key_result: KeyResult) -> tuple[GlidePath, list[Flag]]:
    plan, schedule, calendar = context.plan, context.schedule, context.calendar
    metric = key_result.definition()
    direction = metric.direction
    latest, earliest = key_result_curves(plan, schedule, key_result, calendar)
    start_day = key_result.baseline_date or schedule.today
    due = plan.goal.due
    span = max((due - start_day).days, 0) + 1
    dates = tuple(start_day + dt.timedelta(days=k) for k in range(span))
    numbers = [calendar.number_on_or_before(day) for day in dates]
    latest_values = tuple(latest.value(n) for n in numbers)
    earliest_values = tuple(earliest.value(n) for n in numbers)
    source: PathSource = "impact" if has_impact(plan, key_result) else "linear"

    effects: list[ActionEffect] = []
    planned: float | None = None
    if source == "impact":
        by_id = {action.id: action for action in plan.actions}
        for scheduled in schedule.actions:
            action = by_id[scheduled.id]
            change = action.impact.get(key_result.id)
            if change is not None:
                effects.append(ActionEffect(action.id, change, action.ramp, scheduled.finish,
                                      scheduled.earliest_finish))
        planned = sum(effect.change for effect in effects)

    needed = key_result.target - key_result.baseline
    due_number = calendar.number_on_or_before(due)
    at_due = earliest.value(due_number)
    shortfall = max(0.0, _gain(key_result.target - at_due, direction))
    if shortfall <= EPSILON:
        shortfall = 0.0

    flags: list[Flag] = []
    interim: list[InterimTarget] = []
    for milestone in plan.milestones:
        expect = milestone.expect.get(key_result.id)
        if expect is None:
            continue
        try:
            number = context.milestone_number(milestone.id, milestone.due, "latest")
        except KeyError:
            continue
        day = milestone.due or calendar.day(number)
        early = earliest.value(number)
        reachable = source == "linear" or better_or_equal(early, expect, direction)
        short = 0.0 if reachable else abs(expect - early)
        interim.append(InterimTarget(milestone.id, key_result.id, day, expect,
                                     latest.value(number), early, reachable, short))
        if not reachable:
            flags.append(_interim_flag(key_result, metric.unit, milestone.id, day, expect,
                                       early, short))

    if source == "impact" and shortfall > 0:
        assert planned is not None
        flags.insert(0, _impact_flag(key_result, metric.unit, direction, planned, needed,
                                     at_due, shortfall, due))

    path = GlidePath(
        key_result.id, metric.id, metric.unit, direction, key_result.baseline, key_result.target,
        start_day, due, source, dates, latest_values, earliest_values, planned, needed,
        shortfall if source == "impact" else 0.0, tuple(effects), tuple(interim),
    )
    return path, flags


def _units(value: float, unit: str) -> str:
    """A difference in the metric's unit (differences of percentages are points)."""
    if unit == "%":
        return f"{value:g} percentage points"
    return f"{value:g} {unit}" if unit else f"{value:g}"


def _impact_flag(
    key_result: KeyResult, unit: str, direction: Direction, planned: float, needed: float,
    at_due: float, shortfall: float, due: dt.date,
) -> Flag:
    kr = key_result.id
    if _gain(planned, direction) < _gain(needed, direction) - EPSILON:
        message = (
            f"planned effects add up to {_signed(planned)} of the {_signed(needed)} needed to go "
            f"from {key_result.baseline:g} to {key_result.target:g}: {_units(shortfall, unit)} "
            "short"
        )
    else:
        message = (
            f"planned effects add up to {_signed(planned)}, but even on the earliest schedule "
            f"only {_signed(at_due - key_result.baseline)} shows by {due.isoformat()} (effects "
            f"still ramping up or finishing late): {_units(shortfall, unit)} short"
        )
    sign = 1.0 if direction == "increase" else -1.0
    reachable_target = key_result.target - sign * shortfall
    fixes = (
        Fix("add-impact", kr,
            f"add actions, or raise the impact of planned ones, worth "
            f"{_signed(sign * shortfall)} on {kr} by the due date", 0),
        Fix("move-target", kr,
            f"set {kr}'s target to {reachable_target:g}, what the planned effects deliver", 0),
    )
    return Flag("impact-short", "warning", kr, message, fixes=fixes)


def _interim_flag(
    key_result: KeyResult, unit: str, milestone: str, day: dt.date, expect: float,
    reachable: float, shortfall: float,
) -> Flag:
    kr = key_result.id
    message = (
        f"expects {kr} at {expect:g} by {day.isoformat()}, but the actions finished by then "
        f"deliver at best {reachable:g}: {_units(shortfall, unit)} short"
    )
    fixes = (
        Fix("move-expect", milestone,
            f"set {milestone}'s expect for {kr} to {reachable:g}", 0),
        Fix("add-impact", kr,
            f"bring forward or add actions worth {_signed(expect - reachable)} on {kr} that "
            f"finish by {day.isoformat()}", 0),
    )
    return Flag("interim-unreachable", "warning", milestone, message, fixes=fixes)
