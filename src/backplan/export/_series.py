"""Key-result series for chart panels: the expected path of each metric and its check-ins.

The charts take plain :class:`KeyResultSeries` values, so they do not depend on how a path was
derived. :func:`key_result_series` builds them from a plan with :func:`backplan.glide_paths`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backplan.models import Plan
from backplan.scheduling import Schedule

if TYPE_CHECKING:
    from backplan.analysis.checkins import CheckInSource

__all__ = ["KeyResultSeries", "key_result_series"]

Point = tuple[dt.date, float]


@dataclass(frozen=True, slots=True)
class KeyResultSeries:
    """One key result's expected path and observed check-ins, ready to draw.

    Attributes:
        id: the key result's id.
        name: its display name (the metric's name unless the plan gives one).
        unit: the metric's unit (``%``, ``seconds``, ...).
        baseline: the starting value.
        target: the value to reach by the goal's due date.
        path: ``(date, expected value)`` points in date order (drawn as steps between points
            when ``steps`` is true, else as straight segments).
        checkins: ``(date, observed value)`` points in date order.
        steps: whether the expected value jumps at each point (effects landing on a date).
        source: how the path was derived (``"linear"`` or the analysis that gave it).
    """

    id: str
    name: str
    unit: str
    baseline: float
    target: float
    path: tuple[Point, ...]
    checkins: tuple[Point, ...] = ()
    steps: bool = False
    source: str = "linear"


def _thin(points: Sequence[Point]) -> tuple[Point, ...]:
    """Drop points in the middle of flat runs (the line looks the same, the file is smaller)."""
    kept = [p for k, p in enumerate(points)
            if k in (0, len(points) - 1)
            or not (points[k - 1][1] == p[1] == points[k + 1][1])]
    return tuple(kept)


def key_result_series(
    plan: Plan, schedule: Schedule, *, checkins: CheckInSource | None = None,
) -> list[KeyResultSeries]:
    """A series per key result of the plan: its glide path and its check-ins.

    The path is :func:`backplan.glide_paths`' as-late-as-possible path: it follows the actions'
    ``impact`` where the plan states effects, else a straight line from the baseline to the
    target. Check-ins are those written in the plan plus ``checkins``.

    Args:
        plan: the plan (its key results and their check-ins).
        schedule: the plan's schedule.
        checkins: more check-ins, in any form :func:`backplan.read_checkins` reads (a CSV path,
            a DataFrame, records, or a mapping from key-result id to records; the
            ``key_result`` column may be left out when the plan has one key result).

    Raises:
        CheckInError: a check-in does not fit the plan (see ``gather_checkins``).

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29", "key_results": [
        ...     {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]}})
        >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 4))
        >>> [series] = key_result_series(plan, schedule, checkins={"fcr": [
        ...     {"date": "2027-01-15", "value": 74.5}]})
        >>> series.path[0], series.path[-1], series.checkins
        ((datetime.date(2027, 1, 4), 71.0), (datetime.date(2027, 1, 29), 80.0), ((datetime.date(2027, 1, 15), 74.5),))
    """
    from backplan.analysis.checkins import gather_checkins
    from backplan.analysis.glide import glide_paths

    observed_by_kr = gather_checkins(plan, checkins)
    paths = glide_paths(plan, schedule)
    out = []
    for kr in plan.goal.key_results:
        metric = kr.definition()
        path = paths.path(kr.id)
        observed = [(c.date, c.value) for c in observed_by_kr[kr.id]]
        out.append(KeyResultSeries(
            id=kr.id, name=metric.name, unit=metric.unit, baseline=kr.baseline,
            target=kr.target, path=_thin(list(zip(path.dates, path.latest, strict=True))),
            checkins=tuple(sorted(observed)), steps=False, source=path.source,
        ))
    return out
