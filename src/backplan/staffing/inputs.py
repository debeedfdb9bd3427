"""The error of the queue maths, and the checks every staffing input passes through.

The checks live here once, for the one-interval functions and the many-interval engine alike.

Example:
    >>> try:
    ...     check_share("shrinkage", 1.0, upper="open")
    ... except StaffingError as error:
    ...     print(error.field, "|", error.hint)
    shrinkage | a shrinkage of 100% leaves no time on the queue
"""

from __future__ import annotations

import math
from typing import Literal

from backplan.errors import BackplanError

__all__ = [
    "MAX_AGENTS",
    "StaffingError",
    "check_non_negative",
    "check_occupancy",
    "check_patience",
    "check_positive",
    "check_share",
    "check_target",
    "check_traffic",
    "traffic_error",
]

#: The most agents one interval may need. More than this is a mistake in the units (contacts a
#: day given as contacts an interval, an AHT in seconds given as minutes ...), and searching that
#: far would only make the mistake slow.
MAX_AGENTS = 100_000


class StaffingError(BackplanError, ValueError):
    """An input of the queue maths is out of range, or no staffing up to :data:`MAX_AGENTS` serves it.

    Attributes:
        field: the argument at fault, as the function names it (``aht_seconds``, ``shrinkage``).
        hint: how to fix it (may be empty).
    """

    def __init__(self, field: str, message: str, *, hint: str = "") -> None:
        self.field = field
        self.hint = hint
        super().__init__(f"{field}: {message}" + (f" ({hint})" if hint else ""))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_positive(field: str, value: float, *, unit: str) -> float:
    """``value`` as a float when it is a finite number above 0, else :class:`StaffingError`.

    Example:
        >>> check_positive("aht_seconds", 180, unit="seconds")
        180.0
    """
    if not _is_number(value) or not math.isfinite(value) or value <= 0:
        raise StaffingError(field, f"expected a number of {unit} above 0, got {value!r}")
    return float(value)


def check_non_negative(field: str, value: float, *, unit: str) -> float:
    """``value`` as a float when it is a finite number at or above 0, else :class:`StaffingError`.

    Example:
        >>> check_non_negative("volume", 0, unit="contacts")
        0.0
    """
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise StaffingError(field, f"expected a number of {unit} of at least 0, got {value!r}")
    return float(value)


def check_share(field: str, value: float, *, upper: Literal["open", "closed"]) -> float:
    """A share from 0 to 1 (``upper="open"``: 1 excluded), else :class:`StaffingError`.

    Example:
        >>> check_share("shrinkage", 0.3, upper="open")
        0.3
    """
    ok = _is_number(value) and value >= 0.0 and (value < 1.0 if upper == "open" else value <= 1.0)
    if not ok:
        bound = "up to (not including) 1" if upper == "open" else "to 1"
        hint = ("a shrinkage of 100% leaves no time on the queue"
                if field == "shrinkage" and _is_number(value) and value >= 1 else
                "write 30% as 0.3")
        raise StaffingError(field, f"expected a share from 0 {bound}, got {value!r}", hint=hint)
    return float(value)


def check_target(service_level: float, answer_seconds: float) -> tuple[float, float]:
    """The service-level target "``service_level`` answered within ``answer_seconds``".

    Example:
        >>> check_target(0.8, 20)
        (0.8, 20.0)
    """
    if not _is_number(service_level) or not 0.0 < service_level < 1.0:
        raise StaffingError(
            "target_service_level",
            f"expected a share between 0 and 1 (both excluded), got {service_level!r}",
            hint="80% answered within 20 s is 0.8; no finite staffing answers 100% in time",
        )
    return float(service_level), check_non_negative(
        "target_answer_seconds", answer_seconds, unit="seconds")


def check_occupancy(max_occupancy: float | None) -> float | None:
    """A maximum occupancy above 0 and at most 1, or None for no maximum.

    Example:
        >>> check_occupancy(0.85), check_occupancy(None)
        (0.85, None)
    """
    if max_occupancy is None:
        return None
    if not _is_number(max_occupancy) or not 0.0 < max_occupancy <= 1.0:
        raise StaffingError(
            "max_occupancy", f"expected a share above 0 and at most 1, got {max_occupancy!r}",
            hint="no finite number of agents keeps occupancy at 0; typical maxima are 0.85-0.9",
        )
    return float(max_occupancy)


def check_patience(patience_seconds: float | None) -> float | None:
    """The mean patience of waiting contacts (Erlang A), or None for none leaving (Erlang C).

    Example:
        >>> check_patience(90), check_patience(None)
        (90.0, None)
    """
    if patience_seconds is None:
        return None
    if not _is_number(patience_seconds) or not math.isfinite(patience_seconds) or (
            patience_seconds <= 0):
        raise StaffingError(
            "patience_seconds", f"expected a number of seconds above 0, got {patience_seconds!r}",
            hint="leave it out for Erlang C (nobody abandons)",
        )
    return float(patience_seconds)


def traffic_error(traffic: float) -> StaffingError:
    """The error for a traffic (Erlangs) that needs more than :data:`MAX_AGENTS` agents."""
    where = f"{MAX_AGENTS:,} agents on the queue in one interval"
    if not math.isfinite(traffic):
        message = f"the traffic (volume x AHT / interval) is too large to compute: far more than {where}"
    else:
        shown = f"{traffic:,.0f}" if traffic < 1e12 else f"{traffic:.3g}"
        message = f"a traffic of {shown} Erlangs needs more than {where}"
    return StaffingError(
        "volume", message,
        hint="check the units: contacts per interval, the interval length and AHT in seconds",
    )


def check_traffic(traffic: float) -> float:
    """``traffic`` (Erlangs) when fewer than :data:`MAX_AGENTS` agents can serve it, else
    :class:`StaffingError` (:func:`traffic_error`).

    Example:
        >>> check_traffic(10.0)
        10.0
        >>> try:
        ...     check_traffic(1e308 * 10)
        ... except StaffingError as error:
        ...     print(error.field, "|", str(error).split(":")[1].strip())
        volume | the traffic (volume x AHT / interval) is too large to compute
    """
    if math.isfinite(traffic) and traffic < MAX_AGENTS:
        return traffic
    raise traffic_error(traffic)
