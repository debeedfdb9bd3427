"""Check-ins against the glide path: progress, OKR score, status and a forecast per key result.

Progress is the share of the way from the baseline to the target, in percent, for metrics that
should go up and for those that should go down alike: AHT from 420 s toward 360 s, now at 400 s,
is 33 % of the way. It is not clamped (below the baseline it is negative, beyond the target above
100). The OKR score is the same share clamped to 0.0-1.0.

Status compares a check-in with the glide path's value on its date on the as-late-as-possible
schedule (the plan's dates), in shares of the distance ``D = |target - baseline|``. Let ``s`` be
how far the value is *behind* the path (negative when ahead), as a share of ``D``:

* ``on_track`` when ``s <= tolerance`` (default 0.10);
* ``off_track`` when ``s > off_track`` (default 0.25);
* ``at_risk`` in between.

For rates measured on a sample (a check-in with ``n`` on a metric in percent from 0 to 100, such
as CSAT or FCR from surveys), ``off_track`` needs evidence: it takes the favourable end of the
Wilson interval (at ``confidence``, default 95 %) to be beyond the off-track threshold too;
otherwise the check-in is ``at_risk``. ``on_track`` still needs the value itself within the
tolerance. A bad day on 12 surveys is therefore "at risk", not "off track".

The forecast fits a straight line through the check-ins (and the baseline on its date), after
taking out the effects of the plan's actions: ``value(t) = baseline + effects(t) + a + b*t`` in
working days, least squares, where ``effects`` are the actions' planned effects on the
as-late-as-possible schedule (none on linear glide paths, where the fit is a plain trend).
Key results with effects and fewer than three observations keep the latest offset from the plan
(``b = 0``). The interval is the least-squares prediction interval (Student t) at
``forecast_confidence`` (default 80 %) and needs at least three observations. The projected
date is the first working day on or after the last check-in on which the forecast reaches the
target (None when it does not within ten years). Flag ``off-trajectory`` when the forecast on
the due date misses the target: an ``error`` when even the favourable end of the interval
misses, else a ``warning``.

Check-ins dated after ``today`` are left out (and counted in ``ignored_after_today``).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
    ...     {"id": "aht", "metric": "aht", "baseline": 420, "target": 360,
    ...      "baseline_date": "2027-01-01"}]}})
    >>> report = track_progress(plan, {"aht": [{"date": "2027-01-29", "value": 400}]},
    ...                         today=dt.date(2027, 2, 1))
    >>> kr = report.key_result("aht")
    >>> round(kr.progress_pct, 1), round(kr.score, 2), kr.status
    (33.3, 0.33, 'on_track')
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backplan._find import find
from backplan.analysis._text import flag_line, flags_html, iso, table_html
from backplan.analysis.checkins import CheckInSource, gather_checkins
from backplan.analysis.glide import (
    GlidePath,
    GlidePaths,
    better_or_equal,
    glide_paths,
)
from backplan.analysis.measures import (
    Status,
    StatusRule,
    is_sampled_rate,
    okr_score,
    progress_pct,
    status_of,
    student_t_quantile,
    wilson_interval,
)
from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.models import Plan
from backplan.models.goal import KeyResult
from backplan.models.metrics import Direction, Metric
from backplan.models.tracking import CheckIn
from backplan.scheduling import Fix, Flag, Schedule, schedule_plan
from backplan.scheduling.curves import KeyResultCurve, key_result_curves
from backplan.words import SECONDS, metric_value

__all__ = [
    "CheckInStatus",
    "Forecast",
    "KeyResultTracking",
    "TrackingReport",
    "track_progress",
]


#: Working days searched beyond the last check-in for the date the target is reached.
HORIZON_WORKING_DAYS = 2610  # about ten years of five-day weeks


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class CheckInStatus:
    """One check-in against the glide path.

    Attributes:
        date, value, n: the check-in.
        expected: the glide path's value on ``date`` (as-late-as-possible schedule).
        expected_earliest: the value on the earliest schedule.
        gap: ``value - expected`` (signed, in the metric's unit).
        progress_pct: progress from baseline toward target, in percent.
        score: the OKR score, 0.0-1.0.
        status: ``on_track``, ``at_risk`` or ``off_track``.
        interval: the Wilson interval around ``value`` (metric units) for sampled rates, else
            None.
    """

    date: dt.date
    value: float
    n: int | None
    expected: float
    expected_earliest: float
    gap: float
    progress_pct: float
    score: float
    status: Status
    interval: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        """The check-in's status as JSON-ready data."""
        return {
            "date": iso(self.date), "value": self.value, "n": self.n,
            "expected": self.expected, "expected_earliest": self.expected_earliest,
            "gap": self.gap, "progress_pct": self.progress_pct, "score": self.score,
            "status": self.status,
            "interval": list(self.interval) if self.interval is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Forecast:
    """The projected value on the due date, and when the target is reached.

    Attributes:
        due: the goal's due date.
        value: the forecast on ``due``.
        low, high: the prediction interval at ``confidence`` (None with fewer than three
            observations).
        confidence: the interval's confidence.
        reaches_target: whether ``value`` meets the target.
        target_date: the first working day the forecast reaches the target (None: not within
            about ten years).
        trend_per_week: the fitted drift beside the plan's effects, per five working days.
        observations: how many points the fit used (check-ins, and the baseline when dated).
        method: ``"trend"`` (linear path: a straight-line fit), ``"plan+trend"`` (the plan's
            effects plus a fitted offset and drift) or ``"plan+offset"`` (effects plus the
            latest offset).
    """

    due: dt.date
    value: float
    low: float | None
    high: float | None
    confidence: float
    reaches_target: bool
    target_date: dt.date | None
    trend_per_week: float
    observations: int
    method: str

    def to_dict(self) -> dict[str, Any]:
        """The forecast as JSON-ready data."""
        return {
            "due": iso(self.due), "value": self.value, "low": self.low, "high": self.high,
            "confidence": self.confidence, "reaches_target": self.reaches_target,
            "target_date": iso(self.target_date), "trend_per_week": self.trend_per_week,
            "observations": self.observations, "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class KeyResultTracking:
    """Where one key result stands: its check-ins, the latest status, and the forecast.

    ``latest``, ``status``, ``progress_pct`` and ``score`` come from the last check-in on or
    before today (None when there is none).
    """

    key_result: str
    metric: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    due: dt.date
    checkins: tuple[CheckInStatus, ...]
    latest: CheckInStatus | None
    status: Status | None
    progress_pct: float | None
    score: float | None
    expected_today: float
    forecast: Forecast | None
    glide: GlidePath
    ignored_after_today: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The key result's tracking as JSON-ready data (glide points left out)."""
        glide = self.glide
        return {
            "key_result": self.key_result, "metric": self.metric, "unit": self.unit,
            "direction": self.direction, "baseline": self.baseline, "target": self.target,
            "due": iso(self.due), "status": self.status, "progress_pct": self.progress_pct,
            "score": self.score, "expected_today": self.expected_today,
            "latest": self.latest.to_dict() if self.latest is not None else None,
            "forecast": self.forecast.to_dict() if self.forecast is not None else None,
            "checkins": [checkin.to_dict() for checkin in self.checkins],
            "ignored_after_today": self.ignored_after_today,
            "glide": {
                "source": glide.source, "start": iso(glide.start),
                "planned_change": glide.planned_change, "needed_change": glide.needed_change,
                "shortfall": glide.shortfall,
                "interim": [target.to_dict() for target in glide.interim],
            },
        }


@dataclass(frozen=True, slots=True)
class TrackingReport:
    """The result of :func:`track_progress`: every key result, and the flags.

    Flags: the glide paths' (``impact-short``, ``interim-unreachable``) and ``off-trajectory``.
    """

    goal: str
    today: dt.date
    due: dt.date
    key_results: tuple[KeyResultTracking, ...]
    flags: tuple[Flag, ...]
    rule: StatusRule = field(default_factory=StatusRule)
    glide: GlidePaths | None = None

    def key_result(self, key_result: str) -> KeyResultTracking:
        """The tracking of the key result with this id (KeyError naming it when there is none)."""
        return find(self.key_results, "key_result", key_result, "key result")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "today": iso(self.today), "due": iso(self.due),
            "rule": self.rule.to_dict(),
            "key_results": [tracked.to_dict() for tracked in self.key_results],
            "flags": [flag.to_dict() for flag in self.flags],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _rows(self) -> list[list[str]]:
        rows = [["key result", "last check-in", "value", "expected", "progress", "score",
                 "status", "forecast on due", "target reached"]]
        for tracked in self.key_results:
            latest, forecast = tracked.latest, tracked.forecast
            when = "-"
            if latest is not None:
                when = latest.date.isoformat() + (f" (n={latest.n})" if latest.n else "")
            cast = "-"
            unit = tracked.unit
            if forecast is not None:
                cast = metric_value(forecast.value, unit)
                if forecast.low is not None and forecast.high is not None:
                    cast += (f" ({metric_value(forecast.low, unit)} to "
                             f"{metric_value(forecast.high, unit)})")
            rows.append([
                tracked.key_result, when,
                metric_value(latest.value, unit) if latest else "-",
                metric_value(latest.expected if latest else tracked.expected_today, unit),
                f"{tracked.progress_pct:.0f}%" if tracked.progress_pct is not None else "-",
                f"{tracked.score:.2f}" if tracked.score is not None else "-",
                (tracked.status or "no data").replace("_", " "),
                cast,
                iso(forecast.target_date) or "not in sight" if forecast else "-",
            ])
        return rows

    def __str__(self) -> str:
        rows = self._rows()
        widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
        lines = [f"Goal {self.goal!r} due {self.due.isoformat()}, tracked on "
                 f"{self.today.isoformat()}"]
        lines.extend("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                         strict=True)).rstrip()
                     for row in rows)
        lines.extend(flag_line(flag) for flag in self.flags)
        return "\n".join(lines)

    def __repr__(self) -> str:
        statuses = ",".join(f"{t.key_result}={t.status}" for t in self.key_results)
        return f"<TrackingReport {self.goal!r} today={self.today.isoformat()} {statuses}>"

    def _repr_html_(self) -> str:
        esc = html.escape
        return (f"<div><p>Goal <b>{esc(self.goal)}</b> due {self.due}, tracked on {self.today}"
                f"</p>{table_html(self._rows())}" + flags_html(self.flags) + "</div>")


# --------------------------------------------------------------------------------------------
# Tracking


def track_progress(
    plan: Plan,
    checkins: CheckInSource | None = None,
    *,
    today: dt.date,
    schedule: Schedule | None = None,
    rule: StatusRule | None = None,
    forecast_confidence: float = 0.8,
    ignore_capacity: bool = False,
) -> TrackingReport:
    """Compare check-ins with each key result's glide path; status, score and forecast.

    Args:
        plan: the plan; check-ins written in it (``checkins:`` under a key result) are used too.
        checkins: more check-ins: a CSV path, a DataFrame, a list of records (with a
            ``key_result`` field unless the plan has one key result), or a mapping from
            key-result id to records. See :func:`read_checkins`.
        today: the day of the report; later check-ins are left out.
        schedule: the plan's schedule (default: ``schedule_plan(plan, today=today)``).
        rule: the status thresholds (default :class:`StatusRule`).
        forecast_confidence: the confidence of the forecast's interval (default 0.8).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`TrackingReport`.

    Raises:
        CheckInError: a check-in names an unknown key result, lies outside the metric's bounds,
            or contradicts another check-in on the same date.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        ...     {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80,
        ...      "baseline_date": "2027-01-01"}]}})
        >>> report = track_progress(plan, [{"date": "2027-02-15", "value": 72.0}],
        ...                         today=dt.date(2027, 2, 15))
        >>> tracked = report.key_result("fcr")
        >>> tracked.status, round(tracked.latest.expected, 1), tracked.forecast.target_date
        ('off_track', 75.4, datetime.date(2028, 1, 27))
        >>> [flag.code for flag in report.flags]
        ['off-trajectory']
    """
    rule = rule or StatusRule()
    schedule = schedule or schedule_plan(plan, today=today, ignore_capacity=ignore_capacity)
    glide = glide_paths(plan, schedule)
    calendar = plan_calendar(plan, today=today)
    given = gather_checkins(plan, checkins)
    tracked = []
    flags = list(glide.flags)
    for key_result in plan.goal.key_results:
        result, flag = _track_one(
            plan, schedule, glide.path(key_result.id), key_result, given.get(key_result.id, ()),
            calendar, today, rule, forecast_confidence,
        )
        tracked.append(result)
        if flag is not None:
            flags.append(flag)
    return TrackingReport(plan.goal.id, today, plan.goal.due, tuple(tracked), tuple(flags), rule,
                          glide)


def _track_one(
    plan: Plan, schedule: Schedule, glide: GlidePath, key_result: KeyResult,
    checkins: Sequence[CheckIn], calendar: WorkingCalendar, today: dt.date, rule: StatusRule,
    confidence: float,
) -> tuple[KeyResultTracking, Flag | None]:
    metric = key_result.definition()
    baseline, target, direction = key_result.baseline, key_result.target, metric.direction
    used = sorted((c for c in checkins if c.date <= today), key=lambda c: c.date)
    rows = []
    for checkin in used:
        expected = glide.value_on(checkin.date)
        interval = None
        if checkin.n is not None and is_sampled_rate(metric):
            low, high = wilson_interval(checkin.value / 100.0, checkin.n,
                                        confidence=rule.confidence)
            interval = (low * 100.0, high * 100.0)
        rows.append(CheckInStatus(
            checkin.date, checkin.value, checkin.n, expected,
            glide.value_on(checkin.date, schedule="earliest"), checkin.value - expected,
            progress_pct(checkin.value, baseline, target),
            okr_score(checkin.value, baseline, target),
            status_of(checkin.value, expected, baseline=baseline, target=target,
                      direction=direction, interval=interval, rule=rule),
            interval,
        ))
    latest = rows[-1] if rows else None
    latest_curve, _ = key_result_curves(plan, schedule, key_result, calendar)
    forecast = _forecast(key_result, glide, latest_curve, used, calendar, direction, confidence)
    tracked = KeyResultTracking(
        key_result.id, metric.id, metric.unit, direction, baseline, target, plan.goal.due,
        tuple(rows), latest, latest.status if latest else None,
        latest.progress_pct if latest else None, latest.score if latest else None,
        glide.value_on(today), forecast, glide, len(checkins) - len(used),
    )
    flag = None
    if forecast is not None and not forecast.reaches_target:
        flag = _off_trajectory_flag(plan, key_result, metric, forecast, calendar)
    return tracked, flag


def _forecast(
    key_result: KeyResult, glide: GlidePath, curve: KeyResultCurve, checkins: Sequence[CheckIn],
    calendar: WorkingCalendar, direction: Direction, confidence: float,
) -> Forecast | None:
    if not checkins:
        return None
    points = [(calendar.number_on_or_before(c.date), c.value) for c in checkins]
    if key_result.baseline_date is not None and all(
            c.date != key_result.baseline_date for c in checkins):
        points.insert(0, (calendar.number_on_or_before(key_result.baseline_date),
                          key_result.baseline))
    with_effects = glide.source == "impact"
    effects = KeyResultCurve(key_result.baseline, curve.start, curve.effects, ())

    def plan_part(day: int) -> float:
        return key_result.baseline + (effects.contribution(day) if with_effects else 0.0)

    xs = [float(x) for x, _ in points]
    residuals = [y - plan_part(x) for x, y in points]
    count = len(points)
    due_number = calendar.number_on_or_before(glide.due)
    low = high = None
    if count >= 3 or (not with_effects and count >= 2):
        mean_x = sum(xs) / count
        mean_r = sum(residuals) / count
        sxx = sum((x - mean_x) ** 2 for x in xs)
        slope = (sum((x - mean_x) * (r - mean_r) for x, r in zip(xs, residuals, strict=True))
                 / sxx) if sxx > 0 else 0.0
        intercept = mean_r - slope * mean_x
        method = "plan+trend" if with_effects else "trend"
        if count >= 3 and sxx > 0:
            fitted = [intercept + slope * x for x in xs]
            sse = sum((r - f) ** 2 for r, f in zip(residuals, fitted, strict=True))
            s = math.sqrt(sse / (count - 2))
            se = s * math.sqrt(1.0 + 1.0 / count + (due_number - mean_x) ** 2 / sxx)
            half = student_t_quantile(0.5 + confidence / 2.0, count - 2) * se
        else:
            half = None
    elif with_effects:
        slope, intercept, method, half = 0.0, residuals[-1], "plan+offset", None
    else:
        return None

    def predict(day: int) -> float:
        return plan_part(day) + intercept + slope * day

    value = predict(due_number)
    if half is not None:
        low, high = value - half, value + half
    last = max(x for x, _ in points)
    target_day = _target_reached(predict, key_result.target, direction, last,
                                 max(last, effects.settles()), slope)
    return Forecast(
        glide.due, value, low, high, confidence,
        better_or_equal(value, key_result.target, direction),
        calendar.day(target_day) if target_day is not None else None,
        slope * 5.0, count, method,
    )


def _target_reached(
    predict: Callable[[int], float], target: float, direction: Direction, first: int, settled: int, slope: float,
) -> int | None:
    """The first working day from ``first`` on which ``predict`` reaches ``target``."""
    for day in range(first, settled + 1):
        if better_or_equal(predict(day), target, direction):
            return day
    gap = target - predict(settled)
    improving = slope > 0 if direction == "increase" else slope < 0
    if not improving:
        return None
    days = math.ceil(gap / slope - 1e-9)
    day = settled + max(days, 1)
    if day - first > HORIZON_WORKING_DAYS:
        return None
    while not better_or_equal(predict(day), target, direction):  # guard rounding
        day += 1
    return day


def _unit_words(unit: str) -> str:
    """How a difference in ``unit`` reads after a number: percent differences are points."""
    if unit == "%":
        return " percentage points"
    return f" {unit}" if unit else ""


def _off_trajectory_flag(
    plan: Plan, key_result: KeyResult, metric: Metric, forecast: Forecast,
    calendar: WorkingCalendar,
) -> Flag:
    kr, direction = key_result.id, metric.direction
    miss = abs(key_result.target - forecast.value)
    unit = _unit_words(metric.unit)
    favourable = forecast.high if direction == "increase" else forecast.low
    confident = favourable is not None and not better_or_equal(
        favourable, key_result.target, direction)
    clock = metric.unit == SECONDS  # AHT and the like read as m:ss

    def shown(value: float) -> str:
        return metric_value(value, metric.unit) if clock else f"{value:.4g}"

    interval = ""
    if forecast.low is not None and forecast.high is not None:
        interval = (f" ({forecast.confidence:.0%} interval {shown(forecast.low)}-"
                    f"{shown(forecast.high)})")
    reached = (f"at this rate the target is reached on {forecast.target_date.isoformat()}"
               if forecast.target_date is not None else
               "at this rate the target is not reached")
    by = f"{metric_value(miss, metric.unit)}" if clock else f"{miss:.3g}{unit}"
    target = shown(key_result.target) if clock else f"{key_result.target:g}"
    message = (f"forecast {shown(forecast.value)}{interval} on {forecast.due.isoformat()} misses "
               f"the target {target} by {by}; {reached}")
    sign = 1.0 if direction == "increase" else -1.0
    worth = (metric_value(sign * miss, metric.unit, signed=True) if clock
             else f"{sign * miss:+.3g}")
    fixes = [Fix("add-impact", kr,
                 f"add actions, or bring planned ones forward, worth {worth} on {kr}", 0)]
    if forecast.target_date is not None:
        days = calendar.count(plan.goal.due, forecast.target_date)
        fixes.append(Fix("move-due", plan.goal.id,
                         f"move the goal's due date to {forecast.target_date.isoformat()}",
                         days, forecast.target_date))
    return Flag("off-trajectory", "error" if confident else "warning", kr, message,
                fixes=tuple(fixes))
