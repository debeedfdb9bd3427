"""The catalogue of contact-centre metrics: unit, better direction and bounds.

Example:
    >>> METRICS["aht"].direction
    'decrease'
    >>> METRICS["nps"].lower, METRICS["nps"].upper
    (-100.0, 100.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["METRICS", "Direction", "Metric", "catalogue_metric"]

Direction = Literal["increase", "decrease"]


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric definition: what it measures, its unit, which way is better and its bounds."""

    id: str
    name: str
    unit: str
    direction: Direction
    lower: float | None = None
    upper: float | None = None
    description: str = ""

    def allows(self, value: float) -> bool:
        """Whether ``value`` lies within the bounds.

        Example:
            >>> METRICS["fcr"].allows(80), METRICS["fcr"].allows(101)
            (True, False)
        """
        return (self.lower is None or value >= self.lower) and (
            self.upper is None or value <= self.upper)

    @property
    def bounds(self) -> str:
        """The bounds as ``lower..upper`` (an open end left empty), e.g. ``0..100`` or ``0..``."""
        lower = "" if self.lower is None else f"{self.lower:g}"
        upper = "" if self.upper is None else f"{self.upper:g}"
        return f"{lower}..{upper}"


def _catalogue(*metrics: Metric) -> dict[str, Metric]:
    return {metric.id: metric for metric in metrics}


#: Known metrics by id. A key result naming one of these inherits its unit, direction and bounds.
METRICS: dict[str, Metric] = _catalogue(
    Metric("fcr", "First Call Resolution", "%", "increase", 0.0, 100.0,
           "share of contacts resolved at the first contact"),
    Metric("aht", "Average Handle Time", "seconds", "decrease", 0.0, None,
           "talk + hold + after-contact work per contact"),
    Metric("csat", "Customer Satisfaction", "%", "increase", 0.0, 100.0,
           "share of surveyed customers who are satisfied"),
    Metric("nps", "Net Promoter Score", "points", "increase", -100.0, 100.0,
           "promoters minus detractors, in points"),
    Metric("ces", "Customer Effort Score", "score (1-7)", "increase", 1.0, 7.0,
           "agreement that the company made it easy (7 = strongly agree)"),
    Metric("asa", "Average Speed of Answer", "seconds", "decrease", 0.0, None,
           "mean wait before an agent answers"),
    Metric("service_level", "Service Level", "%", "increase", 0.0, 100.0,
           "share of contacts answered within the threshold (e.g. 80/20)"),
    Metric("abandonment_rate", "Abandonment Rate", "%", "decrease", 0.0, 100.0,
           "share of queued contacts that hang up before an answer"),
    Metric("first_response_time", "First Response Time", "seconds", "decrease", 0.0, None,
           "time to the first reply on written channels"),
    Metric("resolution_time", "Resolution Time", "hours", "decrease", 0.0, None,
           "time from first contact to resolution"),
    Metric("backlog", "Backlog", "contacts", "decrease", 0.0, None,
           "open contacts waiting for work"),
    Metric("occupancy", "Occupancy", "%", "increase", 0.0, 100.0,
           "share of logged-in time spent on contacts"),
    Metric("qa_score", "Quality Assurance Score", "%", "increase", 0.0, 100.0,
           "mean score of evaluated contacts"),
)


def catalogue_metric(name: str) -> Metric | None:
    """The catalogue metric ``name`` stands for, in any case and with spaces or hyphens for
    underscores (``FCR``, ``Service level``), or None.

    Example:
        >>> catalogue_metric("FCR").id, catalogue_metric("service-level").id, catalogue_metric("x")
        ('fcr', 'service_level', None)
    """
    return METRICS.get(name.strip().lower().replace(" ", "_").replace("-", "_"))
