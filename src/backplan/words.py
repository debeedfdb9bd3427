"""Words and numbers for people: counts with the right plural, clock times, metric values.

Every printed count goes through :func:`counted` ("1 action", "2 actions"), and every metric
value through :func:`metric_value`, which writes metrics measured in seconds (AHT, ASA) as
``m:ss``, the way contact centres read them and plan files may write them.

Example:
    >>> counted(1, "key result"), counted(0, "action"), counted(3, "person", "people")
    ('1 key result', '0 actions', '3 people')
    >>> clock(412.4), clock(-5), clock(3725)
    ('6:52', '-0:05', '1:02:05')
    >>> metric_value(412.4, "seconds"), metric_value(71.854, "%"), metric_value(12000, "contacts")
    ('6:52', '71.85', '12000')
    >>> metric_value(-1.5, "points", signed=True), metric_value(8, "seconds", signed=True)
    ('-1.5', '+0:08')
"""

from __future__ import annotations

__all__ = ["SECONDS", "clock", "counted", "metric_value", "percent", "working_days"]

#: The unit of metrics written and shown as clock times (``m:ss``).
SECONDS = "seconds"


def a_or_an(noun: str) -> str:
    """``noun`` with its article.

    Example:
        >>> a_or_an("list"), a_or_an("action")
        ('a list', 'an action')
    """
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and the noun, singular for exactly 1 (``plural`` defaults to noun + "s")."""
    word = noun if count == 1 else (plural if plural is not None else f"{noun}s")
    return f"{count:,} {word}"


def working_days(count: int) -> str:
    """``count`` working days, singular for 1 and -1 (no thousands separator: a span of days).

    Example:
        >>> working_days(1), working_days(-1), working_days(12)
        ('1 working day', '-1 working day', '12 working days')
    """
    return f"{count} working day" if abs(count) == 1 else f"{count} working days"


def percent(share: float) -> str:
    """A share (0..1) in percent: whole percents, one decimal below 1 % or above 99 %.

    Example:
        >>> percent(0.5), percent(0.004), percent(0.995), percent(1.0)
        ('50%', '0.4%', '99.5%', '100%')
    """
    return f"{100 * share:.0f}%" if share in (0.0, 1.0) or 0.01 <= share <= 0.99 else (
        f"{100 * share:.1f}%")


def clock(seconds: float, *, signed: bool = False) -> str:
    """Seconds as ``m:ss`` (``h:mm:ss`` from an hour), rounded to the second.

    Args:
        seconds: the duration; negative values get a minus sign.
        signed: put ``+`` before positive values (for differences).
    """
    whole = round(seconds)
    sign = "-" if whole < 0 else ("+" if signed and whole > 0 else "")
    hours, rest = divmod(abs(whole), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def metric_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    """A metric's value for a table: ``m:ss`` for metrics in seconds, else at most two decimals.

    ``None`` (no value) is ``-``; ``signed`` puts ``+`` before positive values (differences).
    """
    if value is None:
        return "-"
    if unit == SECONDS:
        return clock(value, signed=signed)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return f"+{text}" if signed and not text.startswith("-") and text != "0" else text
