"""How a key result's value measures up: progress, OKR score, status and the intervals they use.

Progress is the share of the way from the baseline to the target in percent (not clamped); the
OKR score is the same share clamped to 0.0-1.0; :func:`status_of` compares a value with the glide
path's (the rule is in :mod:`backplan.analysis.tracking`). :func:`wilson_interval` is the sampling
interval of a rate measured on ``n`` contacts, :func:`student_t_quantile` the quantile that the
forecast's prediction interval uses.

Example:
    >>> progress_pct(400, baseline=420, target=360), okr_score(300, baseline=420, target=360)
    (33.33333333333333, 1.0)
    >>> status_of(73, 75, baseline=71, target=80, direction="increase")
    'at_risk'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Literal

from backplan.analysis.glide import EPSILON
from backplan.models.metrics import Direction, Metric

__all__ = [
    "Status",
    "StatusRule",
    "is_sampled_rate",
    "okr_score",
    "progress_pct",
    "status_of",
    "student_t_quantile",
    "wilson_interval",
]

Status = Literal["on_track", "at_risk", "off_track"]


# --------------------------------------------------------------------------------------------
# Progress and score


def progress_pct(value: float, baseline: float, target: float) -> float:
    """How far ``value`` has come from ``baseline`` toward ``target``, in percent (not clamped).

    Right for metrics that should rise and for those that should fall.

    Raises:
        ValueError: ``target`` equals ``baseline`` (there is no distance to cover).

    Example:
        >>> round(progress_pct(400, 420, 360), 1), progress_pct(75.5, 71, 80)
        (33.3, 50.0)
        >>> progress_pct(430, 420, 360) < 0
        True
    """
    if target == baseline:
        raise ValueError(f"target {target:g} equals baseline {baseline:g}: no progress to measure")
    return (value - baseline) / (target - baseline) * 100.0


def okr_score(value: float, baseline: float, target: float) -> float:
    """The OKR score: progress as a share from 0.0 (at or behind the baseline) to 1.0 (target met).

    Example:
        >>> okr_score(75.5, 71, 80), okr_score(82, 71, 80), okr_score(440, 420, 360)
        (0.5, 1.0, 0.0)
    """
    share = progress_pct(value, baseline, target) / 100.0
    return min(1.0, max(0.0, share))


def wilson_interval(rate: float, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``rate`` (0..1) measured on ``n`` samples.

    Example:
        >>> low, high = wilson_interval(0.7, 12)
        >>> round(low, 3), round(high, 3)
        (0.421, 0.882)
        >>> wilson_interval(1.0, 50)[1]
        1.0
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must lie in 0..1, got {rate}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (rate + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(rate * (1.0 - rate) / n + z2 / (4 * n * n))
    low = 0.0 if rate == 0.0 else max(0.0, centre - half)
    high = 1.0 if rate == 1.0 else min(1.0, centre + half)
    return low, high


def student_t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    Example:
        >>> round(student_t_quantile(0.975, 3), 3), round(student_t_quantile(0.9, 30), 3)
        (3.182, 1.31)
    """
    if not 0.0 < p < 1.0 or df < 1:
        raise ValueError(f"need 0 < p < 1 and df >= 1, got p={p}, df={df}")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while _student_t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if _student_t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2.0


def _student_t_cdf(t: float, df: int) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return front * result / a


# --------------------------------------------------------------------------------------------
# Status


@dataclass(frozen=True, slots=True)
class StatusRule:
    """Thresholds of the status rule (see :mod:`backplan.analysis.tracking`), as shares of
    the distance from baseline to target.

    Attributes:
        tolerance: behind the path by at most this share is ``on_track`` (default 0.10).
        off_track: behind by more than this share is ``off_track`` (default 0.25).
        confidence: the Wilson interval's confidence for sampled rates (default 0.95).

    Example:
        >>> StatusRule(tolerance=0.05).off_track
        0.25
    """

    tolerance: float = 0.10
    off_track: float = 0.25
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not 0.0 <= self.tolerance <= self.off_track:
            raise ValueError(
                f"need 0 <= tolerance <= off_track, got tolerance={self.tolerance}, "
                f"off_track={self.off_track}"
            )
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must lie strictly between 0 and 1, got {self.confidence}")

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data."""
        return {"tolerance": self.tolerance, "off_track": self.off_track,
                "confidence": self.confidence}


def is_sampled_rate(metric: Metric) -> bool:
    return metric.unit == "%" and metric.lower == 0.0 and metric.upper == 100.0


def _behind(value: float, expected: float, distance: float, direction: Direction) -> float:
    """How far ``value`` is behind ``expected`` as a share of ``distance`` (negative: ahead)."""
    gap = expected - value if direction == "increase" else value - expected
    return gap / distance


def status_of(
    value: float,
    expected: float,
    *,
    baseline: float,
    target: float,
    direction: Direction,
    interval: tuple[float, float] | None = None,
    rule: StatusRule | None = None,
) -> Status:
    """The status of an observed ``value`` against the ``expected`` one (the rule:
    :mod:`backplan.analysis.tracking`).

    ``interval`` is the sampling interval around ``value`` (in the metric's unit) when the value
    was measured on a sample; its favourable end decides whether the gap is evidence enough for
    ``off_track``.

    Example:
        >>> kr = dict(baseline=71, target=80, direction="increase")
        >>> status_of(74.5, 75, **kr), status_of(73, 75, **kr), status_of(70, 75, **kr)
        ('on_track', 'at_risk', 'off_track')
        >>> status_of(70, 75, **kr, interval=(42.1, 88.2))
        'at_risk'
    """
    rule = rule or StatusRule()
    distance = abs(target - baseline)
    if distance == 0:
        raise ValueError("target equals baseline: no distance to measure status against")
    behind = _behind(value, expected, distance, direction)
    if behind <= rule.tolerance + EPSILON:
        return "on_track"
    favourable = value
    if interval is not None:
        favourable = interval[1] if direction == "increase" else interval[0]
    if _behind(favourable, expected, distance, direction) > rule.off_track + EPSILON:
        return "off_track"
    return "at_risk"
