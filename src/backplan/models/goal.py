"""The goal and its key results: what is to be achieved, measured how, by when."""

from __future__ import annotations

import difflib
import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from backplan.models._types import INPUT_CONFIG, Id, PlanDate, custom_error
from backplan.models.metrics import METRICS, Direction, Metric, catalogue_metric
from backplan.models.tracking import CheckIn

#: A number that is not NaN or infinite (a baseline or target must be a real value).
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]

__all__ = ["Goal", "KeyResult", "scale_slip"]

_CLOCK = re.compile(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)")


def _clock_seconds(text: str) -> float | None:
    """``"7:00"`` -> 420.0 and ``"1:02:03"`` -> 3723.0; None when not a clock reading."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))


def _checkin_seconds(item: Any) -> Any:
    """A check-in whose value is a clock reading (``"6:45"``), with the value in seconds."""
    if isinstance(item, dict) and isinstance(value := item.get("value"), str) and (
        seconds := _clock_seconds(value)
    ) is not None:
        return {**item, "value": seconds}
    return item


_PERCENT_UNITS = frozenset({"%", "percent", "pct"})
_FRACTION_UNITS = frozenset({"fraction", "ratio", "share", "proportion"})


def scale_slip(value: float, *, baseline: float, target: float, unit: str) -> float | None:
    """The value probably meant when ``value`` reads as a fraction typed for a percentage
    (``0.72`` for 72 %), or as a percentage typed for a fraction; None when it is plausible.

    A key result is in percent when its unit is ``%`` and its baseline or target exceeds 1, as
    a fraction when its unit says so (``fraction``, ``ratio``, ``share``) or it is in ``%``
    with both within 0..1. A value is a slip when it lies ten times or more outside the range
    from baseline to target and a hundred times (or a hundredth of) it lies nearer.

    Example:
        >>> scale_slip(0.72, baseline=71, target=80, unit="%")
        72.0
        >>> scale_slip(0.9, baseline=5, target=3, unit="%") is None  # 0.9 % abandonment
        True
        >>> scale_slip(72, baseline=0.71, target=0.8, unit="fraction")
        0.72
    """
    low, high = min(baseline, target), max(baseline, target)
    unit = unit.strip().lower()
    if unit in _PERCENT_UNITS and high > 1 and 0 < value <= 1:
        meant = value * 100
    elif (unit in _FRACTION_UNITS or (unit in _PERCENT_UNITS and low >= 0 and high <= 1)) and (
            1 < value <= 100):
        meant = value / 100
    else:
        return None
    away = _log_distance(value, low, high)
    if away > math.log(10) and _log_distance(meant, low, high) < away:
        return round(meant, 10)
    return None


def _log_distance(value: float, low: float, high: float) -> float:
    """How many times (as a logarithm) ``value`` lies outside ``low..high``; 0 inside."""
    if low <= value <= high:
        return 0.0
    edge = high if value > high else low
    if edge <= 0 or value <= 0:
        return math.inf
    return abs(math.log(value / edge))


class KeyResult(BaseModel):
    """A measurable result: a metric moving from a baseline to a target by the goal's due date.

    A catalogue metric (see :data:`backplan.METRICS`) brings its unit, direction and bounds; any
    of them given here takes precedence. An unknown metric must give ``unit`` and ``direction``.
    For metrics measured in seconds, ``"7:00"`` (m:ss) or ``"1:02:03"`` (h:mm:ss) are read as seconds.

    Example:
        >>> kr = KeyResult(id="aht", metric="aht", baseline="7:00", target="6:00")
        >>> kr.baseline, kr.target, kr.definition().direction
        (420.0, 360.0, 'decrease')
    """

    model_config = INPUT_CONFIG

    id: Id
    metric: Id
    baseline: FiniteFloat
    target: FiniteFloat
    baseline_date: PlanDate | None = None
    name: str | None = None
    unit: str | None = None
    direction: Direction | None = None
    lower: float | None = None
    upper: float | None = None
    checkins: tuple[CheckIn, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _read_clock_values(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        metric_id = data.get("metric")
        catalogue = catalogue_metric(metric_id) if isinstance(metric_id, str) else None
        unit = data.get("unit") or (catalogue.unit if catalogue else None)
        converted = dict(data)
        for field in ("baseline", "target"):
            value = data.get(field)
            if isinstance(value, bool):
                raise custom_error(
                    "invalid-value", "{field} must be a number, got {value}",
                    **{"field": field, "value": value},
                )
            if isinstance(value, str) and (seconds := _clock_seconds(value)) is not None:
                if unit != "seconds":
                    raise custom_error(
                        "invalid-value",
                        "{field} {value!r} reads as a clock time, but the metric's unit is {unit!r}; "
                        "give a plain number",
                        **{"field": field, "value": value, "unit": unit},
                    )
                converted[field] = seconds
        checkins = data.get("checkins")
        if unit == "seconds" and isinstance(checkins, list | tuple):
            converted["checkins"] = [_checkin_seconds(item) for item in checkins]
        return converted

    @model_validator(mode="after")
    def _check_against_metric(self) -> KeyResult:
        if catalogue_metric(self.metric) is None and (self.unit is None or self.direction is None):
            close = difflib.get_close_matches(self.metric.lower(), list(METRICS), n=1, cutoff=0.6)
            raise custom_error(
                "unknown-metric",
                "metric {metric!r} is not in the catalogue{close}; define it with 'unit' and "
                "'direction' (increase or decrease), or use one of: {known}",
                **{"metric": self.metric, "known": ", ".join(sorted(METRICS)),
                   "close": f" (did you mean {close[0]!r}?)" if close else ""},
            )
        metric = self.definition()
        for field, value in (("baseline", self.baseline), ("target", self.target)):
            if not metric.allows(value):
                raise custom_error(
                    "out-of-bounds",
                    "{field} {value:g} lies outside {name}'s bounds {bounds} {unit}",
                    **{"field": field, "value": value, "name": metric.name,
                       "bounds": metric.bounds, "unit": metric.unit},
                )
        for checkin in self.checkins:
            if not metric.allows(checkin.value):
                raise custom_error(
                    "out-of-bounds",
                    "the check-in on {day} reads {value:g}, outside {name}'s bounds {bounds} {unit}",
                    **{"field": "checkins", "day": checkin.date.isoformat(),
                       "value": checkin.value, "name": metric.name, "bounds": metric.bounds,
                       "unit": metric.unit},
                )
        for checkin in self.checkins:
            meant = scale_slip(checkin.value, baseline=self.baseline, target=self.target,
                               unit=metric.unit)
            if meant is not None:
                typed, scale = ("a fraction", "in percent") if meant > checkin.value else (
                    "a percentage", "as a fraction")
                raise custom_error(
                    "invalid-value",
                    "the check-in on {day} reads {value:g}, which looks like {typed}: this key "
                    "result is measured {scale} (baseline {baseline:g}, target {target:g}); did "
                    "you mean {meant:g}?",
                    **{"field": "checkins", "day": checkin.date.isoformat(),
                       "value": checkin.value, "typed": typed, "scale": scale,
                       "baseline": self.baseline, "target": self.target, "meant": meant},
                )
        days = [checkin.date for checkin in self.checkins]
        if len(set(days)) < len(days):
            twice = sorted({day for day in days if days.count(day) > 1})
            raise custom_error(
                "invalid-value",
                "more than one check-in on {days}; keep one value per date",
                **{"field": "checkins", "days": ", ".join(day.isoformat() for day in twice)},
            )
        improves = self.target > self.baseline if metric.direction == "increase" else (
            self.target < self.baseline
        )
        if not improves:
            better = "higher" if metric.direction == "increase" else "lower"
            raise custom_error(
                "target-not-improving",
                "target {target:g} does not improve on baseline {baseline:g}: for {name} {better} "
                "is better; set a target {better} than the baseline",
                **{"target": self.target, "baseline": self.baseline, "name": metric.name,
                 "better": better},
            )
        return self

    def definition(self) -> Metric:
        """The metric definition in force: the catalogue's, with this key result's overrides."""
        base = catalogue_metric(self.metric)
        return Metric(
            id=base.id if base else self.metric,
            name=self.name or (base.name if base else self.metric),
            unit=self.unit or (base.unit if base else ""),
            direction=self.direction or (base.direction if base else "increase"),
            lower=self.lower if self.lower is not None else (base.lower if base else None),
            upper=self.upper if self.upper is not None else (base.upper if base else None),
            description=base.description if base else "",
        )


class Goal(BaseModel):
    """The objective: a title, a due date (the target date) and optional key results.

    Example:
        >>> import datetime as dt
        >>> Goal(id="fcr-80", title="Raise FCR to 80%", due=dt.date(2027, 3, 31)).due.isoformat()
        '2027-03-31'
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    due: PlanDate
    owner: str | None = None
    #: The parent objective this goal serves (e.g. a company OKR), for the SMART check.
    parent: str | None = None
    key_results: tuple[KeyResult, ...] = Field(default=())
