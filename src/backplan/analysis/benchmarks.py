"""Published benchmarks on how often contact centres achieve an improvement: the one table.

Each :class:`Benchmark` says: fewer than ``share`` of contact centres improve ``metric`` by
``change`` (in the metric's unit, in its better direction) or more within ``period_days``. The
SMART check (:func:`backplan.lint_plan`) warns when a key result asks for at least that much
(scaled up for periods longer than ``period_days``; shorter periods are not scaled down, the
benchmark only speaks of a whole period).

Sources are cited with each entry and in ``docs/priorities-and-rhythm.md``. Add new entries here
and only here.

Example:
    >>> BENCHMARKS["fcr"].change, BENCHMARKS["fcr"].share, BENCHMARKS["fcr"].period_days
    (5.0, 0.05, 365)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BENCHMARKS", "Benchmark"]


@dataclass(frozen=True, slots=True)
class Benchmark:
    """Fewer than ``share`` of contact centres improve ``metric`` by ``change`` in ``period_days``."""

    metric: str
    change: float
    period_days: int
    share: float
    source: str
    url: str


_SQM_FCR_CSAT = (
    "SQM Group, 'Learn from the best call centers to improve FCR, Csat and reduce cost' "
    "(16 Dec 2021): less than 5% of call centers improve their FCR and customer satisfaction "
    "(top-box response) by 5% or more on an annual basis"
)
_SQM_URL = ("https://www.sqmgroup.com/resources/library/blog/"
            "learn-best-call-centers-improve-fcr-csat-and-reduce-cost")

#: Benchmarks by catalogue metric id (see :data:`backplan.METRICS`).
BENCHMARKS: dict[str, Benchmark] = {
    "fcr": Benchmark("fcr", 5.0, 365, 0.05, _SQM_FCR_CSAT, _SQM_URL),
    "csat": Benchmark("csat", 5.0, 365, 0.05, _SQM_FCR_CSAT, _SQM_URL),
}
