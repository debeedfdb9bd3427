"""A key result's value on each working day of a schedule: the rule behind glide paths.

An action with ``impact: {aht: -20}`` moves the key result by -20 when it finishes, all at once
or, with ``ramp: r``, in equal steps over r working days (:func:`ramp_fraction`). The value on a
working day is the baseline plus what the effects add beyond what shows at the key result's
start (its ``baseline_date``, else the schedule's today). A key result that no action has an
impact on follows a straight line through the milestones' interim targets to the target.

The rule lives here, below the analyses, because the scheduler needs it too: a queue whose AHT
follows an AHT key result frees hours as the key result's path lowers the AHT (see
:func:`backplan.scheduling.pipeline.queue_capacity`). :mod:`backplan.analysis.glide` draws the
paths and :mod:`backplan.analysis.tracking` forecasts from them.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> from backplan.calendars import WorkingCalendar
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-15", "key_results": [
    ...     {"id": "aht", "metric": "aht", "baseline": 420, "target": 400}]},
    ...     "actions": [{"id": "a", "duration": 2, "impact": {"aht": -20}, "ramp": 2}]})
    >>> calendar = WorkingCalendar.from_model(plan.calendar)
    >>> latest, _ = key_result_curves(plan, schedule_plan(plan, today=dt.date(2027, 1, 4)),
    ...                               plan.goal.key_results[0], calendar)
    >>> [latest.value(calendar.number(dt.date(2027, 1, d))) for d in (14, 15, 18)]
    [420.0, 410.0, 400.0]
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from backplan.calendars import WorkingCalendar
from backplan.models import Plan
from backplan.models.goal import KeyResult
from backplan.scheduling.result import Schedule

__all__ = [
    "CurveVariant",
    "KeyResultCurve",
    "ScheduleContext",
    "has_impact",
    "key_result_curves",
    "ramp_fraction",
]

#: Which dates of a schedule a curve follows: the latest (the plan's) or the earliest.
CurveVariant = Literal["latest", "earliest"]


def ramp_fraction(day: int, finish: int, ramp_days: int) -> float:
    """Share of an effect showing on working day ``day`` for an action finishing on ``finish``.

    Example:
        >>> [ramp_fraction(d, 10, 4) for d in (9, 10, 11, 13, 20)]
        [0.0, 0.25, 0.5, 1.0, 1.0]
        >>> ramp_fraction(10, 10, 0)
        1.0
    """
    if day < finish:
        return 0.0
    return min(1.0, (day - finish + 1) / max(ramp_days, 1))


@dataclass(frozen=True, slots=True)
class KeyResultCurve:
    """A key result's path as a function of working-day numbers.

    Attributes:
        baseline: the value at ``start``.
        start: the working-day number the path starts from.
        effects: ``(change, finish number, ramp days)`` of each action with an impact on it.
        anchors: for a path without effects, ``(number, value)`` points of the straight line,
            strictly increasing.
    """

    baseline: float
    start: int
    effects: tuple[tuple[float, int, int], ...]
    anchors: tuple[tuple[int, float], ...]

    def value(self, day: int) -> float:
        """The value on working day ``day``."""
        if self.anchors:
            return _interpolate(self.anchors, day)
        return self.baseline + self.contribution(day)

    def contribution(self, day: int) -> float:
        """What the effects add on ``day`` beyond what shows at the start."""
        total = 0.0
        for change, finish, ramp in self.effects:
            shown = ramp_fraction(day, finish, ramp) - ramp_fraction(self.start, finish, ramp)
            if shown:
                total += change * shown
        return total

    def settles(self) -> int:
        """The first working day from which the effects no longer change."""
        return max((finish + max(ramp, 1) - 1 for _, finish, ramp in self.effects),
                   default=self.start)


def _interpolate(anchors: Sequence[tuple[int, float]], day: int) -> float:
    if day <= anchors[0][0]:
        return anchors[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(anchors):
        if day <= x1:
            return y0 + (y1 - y0) * (day - x0) / (x1 - x0)
    return anchors[-1][1]


@dataclass(frozen=True, slots=True)
class ScheduleContext:
    """A plan with its schedule and working calendar, as the curves read them."""

    plan: Plan
    schedule: Schedule
    calendar: WorkingCalendar

    def milestone_number(
        self, milestone_id: str, due: dt.date | None, variant: CurveVariant
    ) -> int:
        """The working-day number of a milestone: its due, else the date it is reached."""
        if due is not None:
            return self.calendar.number_on_or_before(due)
        reached = self.schedule.milestone(milestone_id)
        day = reached.date if variant == "latest" else reached.earliest_date
        return self.calendar.number(day)


def has_impact(plan: Plan, key_result: KeyResult) -> bool:
    """Whether any action states an ``impact`` on ``key_result``."""
    return any(key_result.id in action.impact for action in plan.actions)


def key_result_curves(
    plan: Plan, schedule: Schedule, key_result: KeyResult, calendar: WorkingCalendar
) -> tuple[KeyResultCurve, KeyResultCurve]:
    """The latest and earliest curves of one key result on ``schedule``, as functions of
    working-day numbers (:func:`backplan.glide_paths` is the public way to read them).

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-15", "key_results": [
        ...     {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 73}]},
        ...     "actions": [{"id": "a", "duration": 2, "impact": {"fcr": 2.0}}]})
        >>> calendar = WorkingCalendar.from_model(plan.calendar)
        >>> latest, earliest = key_result_curves(
        ...     plan, schedule_plan(plan, today=dt.date(2027, 1, 4)), plan.goal.key_results[0],
        ...     calendar)
        >>> latest.value(calendar.number(dt.date(2027, 1, 15))), len(earliest.effects)
        (73.0, 1)
    """
    context = ScheduleContext(plan, schedule, calendar)
    start = calendar.number_on_or_before(key_result.baseline_date or schedule.today)
    scheduled = {action.id: action for action in schedule.actions}
    if not has_impact(plan, key_result):
        return (
            KeyResultCurve(key_result.baseline, start, (),
                           _anchors(context, key_result, start, "latest")),
            KeyResultCurve(key_result.baseline, start, (),
                           _anchors(context, key_result, start, "earliest")),
        )
    curves = []
    for variant in ("latest", "earliest"):
        effects = []
        for action in plan.actions:
            change = action.impact.get(key_result.id)
            result = scheduled.get(action.id)
            if change is None or result is None:
                continue
            finish = result.finish if variant == "latest" else result.earliest_finish
            effects.append((change, calendar.number_on_or_before(finish), action.ramp))
        curves.append(KeyResultCurve(key_result.baseline, start, tuple(effects), ()))
    return curves[0], curves[1]


def _anchors(
    context: ScheduleContext, key_result: KeyResult, start: int, variant: CurveVariant
) -> tuple[tuple[int, float], ...]:
    due = context.calendar.number_on_or_before(context.plan.goal.due)
    inner: dict[int, float] = {}
    for milestone in context.plan.milestones:
        if key_result.id not in milestone.expect:
            continue
        try:
            number = context.milestone_number(milestone.id, milestone.due, variant)
        except KeyError:
            continue
        if start < number < due:
            inner[number] = milestone.expect[key_result.id]
    points = [(start, key_result.baseline), *sorted(inner.items())]
    if due > start:
        points.append((due, key_result.target))
    return tuple(points)
