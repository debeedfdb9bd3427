"""Queue inputs written as text: durations, service-level targets, shares and signed changes.

One reading of each form, shared by ``backplan staffing`` and the ``queue:`` section of a plan:
``180``, ``180s``, ``3m``, ``3:00`` for times; ``80/20`` for a target; ``0.3`` or ``30%`` for a
share; ``+20%`` for a relative change. Each function raises :class:`ValueError` with a message
that says what was expected; callers turn it into their own error.

Example:
    >>> duration_seconds("6:30"), service_level_target("80/20"), share_value("30%")
    (390.0, (0.8, 20.0), 0.3)
    >>> percent_change("+20%"), percent_change("-12.5 %")
    (0.2, -0.125)
"""

from __future__ import annotations

import math
import re

__all__ = ["NUMBER", "duration_seconds", "percent_change", "service_level_target", "share_value"]

#: A plain decimal number as text (``12``, ``1.5``, ``.5``, ``2e3``).
NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"

_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)",
                   re.IGNORECASE)
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):([0-5]\d(?:\.\d*)?)")
_CHANGE = re.compile(rf"([+-])\s*({NUMBER})\s*%", re.IGNORECASE)


def duration_seconds(text: str) -> float:
    """A duration in seconds: ``180``, ``180s``, ``3m``, ``1.5h``, ``2m30s``, ``3:00``, ``1:02:03``.

    A bare number is seconds; ``m:ss`` and ``h:mm:ss`` are clock readings.

    Raises:
        ValueError: the text is not a duration (the message is the text).

    Example:
        >>> duration_seconds("3:05"), duration_seconds("1h30m"), duration_seconds("900")
        (185.0, 5400.0, 900.0)
    """
    cleaned = text.strip().replace("_", "")
    if re.fullmatch(NUMBER, cleaned, re.IGNORECASE):
        return float(cleaned)
    clock = _CLOCK.fullmatch(cleaned)
    if clock is not None:
        hours, minutes, seconds = clock.groups()
        if hours is not None and int(minutes) >= 60:
            raise ValueError(text)
        return int(hours or 0) * 3600.0 + int(minutes) * 60.0 + float(seconds)
    parts = list(_PART.finditer(cleaned))
    if not parts or "".join(p.group(0) for p in parts) != cleaned.replace(" ", ""):
        raise ValueError(text)
    units = [p.group(2)[0].lower() for p in parts]
    if len(set(units)) != len(units) or units != sorted(units, key="hms".index):
        raise ValueError(text)
    return sum(float(p.group(1)) * _UNITS[unit] for p, unit in zip(parts, units, strict=True))


def service_level_target(text: str) -> tuple[float, float]:
    """A service-level target ``X/T``: X% answered within T (seconds, or a duration).

    Raises:
        ValueError: the text is not such a target, or X is not above 1 and below 100.

    Example:
        >>> service_level_target("80/20"), service_level_target("90%/15s")
        ((0.8, 20.0), (0.9, 15.0))
    """
    share, _, within = text.partition("/")
    share = share.strip().removesuffix("%").strip()
    try:
        percent = float(share) if re.fullmatch(NUMBER, share, re.IGNORECASE) else math.nan
        seconds = duration_seconds(within) if within.strip() else math.nan
    except ValueError:
        seconds = math.nan
    if math.isnan(percent) or math.isnan(seconds):
        raise ValueError(
            f"expected a target as PERCENT/SECONDS such as 80/20 (80% answered within 20 s), "
            f"got {text!r}")
    if not 1.0 < percent < 100.0:
        raise ValueError(
            f"expected the share answered in percent, above 1 and below 100, got {share} in "
            f"{text!r} (80/20 is 80% within 20 s; no finite staffing answers 100% in time)")
    return percent / 100.0, seconds


def share_value(text: str) -> float:
    """A share written as a number (``0.3``) or a percentage (``30%``), as a number.

    The range is the caller's to check.

    Raises:
        ValueError: the text is neither.

    Example:
        >>> share_value("0.85"), share_value("35 %")
        (0.85, 0.35)
    """
    stripped = text.strip()
    percent = stripped.endswith("%")
    number = stripped.removesuffix("%").strip()
    if not re.fullmatch(NUMBER, number, re.IGNORECASE):
        raise ValueError(f"expected a share such as 0.3 or 30%, got {text!r}")
    return float(number) / (100 if percent else 1)


def percent_change(text: str) -> float:
    """A signed relative change ``+20%`` or ``-10%`` as a fraction (0.2, -0.1).

    The sign is required, so that a change is never read as a level.

    Raises:
        ValueError: the text is not a signed percentage.

    Example:
        >>> percent_change("+5%")
        0.05
    """
    match = _CHANGE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a signed percentage such as +20% or -10%, got {text!r}")
    sign, number = match.groups()
    return (1 if sign == "+" else -1) * float(number) / 100
