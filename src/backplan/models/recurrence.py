"""Recurring non-working patterns as the user writes them, read into RFC 5545 recurrence rules.

A rule is text in one of these readable forms (case does not matter), or an RFC 5545 ``RRULE``:

==========================================  =============================================
written                                     means
==========================================  =============================================
``every friday``, ``every mon and thu``     those weekdays, every week
``every first monday``                      the first Monday of every month (also
                                            ``second`` .. ``fifth``, ``last``,
                                            ``second last``; ``of the month`` optional)
``the last friday of november``             once a year (``every ... of november`` too)
``the 15th of every month``                 that day of every month (``every 15th of the
                                            month``, ``day 15 of every month``)
``the last day of every month``             also ``the first two days of every month``
``the last two weeks of december``          the last 14 days of December, every year (also
                                            ``first``, ``days``/``weeks``, any month)
``every year on 24 december``               one day a year (``every december 24`` too)
``every year from 24 december to 2 january``  a yearly date range (may wrap the year end)
``RRULE:FREQ=MONTHLY;BYDAY=-1FR``           RFC 5545; ``DTSTART:20270104`` may come first
==========================================  =============================================

An RRULE without ``DTSTART`` must not depend on its start (``FREQ=WEEKLY`` needs ``BYDAY``; an
``INTERVAL`` or ``COUNT`` needs ``DTSTART``). Only ``DAILY`` or coarser frequencies are allowed.
Expanding rules into dates lives in :mod:`backplan.calendars.rules`.

Example:
    >>> parse_rule("every first Monday")
    RuleSpec(rrule='FREQ=MONTHLY;BYDAY=+1MO', days=1, until=None)
    >>> parse_rule("the last two weeks of December")
    RuleSpec(rrule='FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-14', days=14, until=None)
    >>> print(check_rule("every blue moon"))  # doctest: +ELLIPSIS
    'every blue moon' is not a rule backplan understands; write e.g. 'every first Monday', ...
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

__all__ = ["RuleSpec", "check_rule", "parse_rule"]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule read into RFC 5545 form.

    Attributes:
        rrule: the recurrence (``FREQ=...``, possibly after a ``DTSTART`` line) whose
            occurrences start the non-working runs.
        days: calendar days each run lasts, counting the occurrence itself.
        until: for yearly ranges, the ``(month, day)`` of each run's last day instead of ``days``.
    """

    rrule: str
    days: int = 1
    until: tuple[int, int] | None = None


_WEEKDAYS = {
    "monday": "MO", "mon": "MO", "tuesday": "TU", "tue": "TU", "tues": "TU",
    "wednesday": "WE", "wed": "WE", "thursday": "TH", "thu": "TH", "thur": "TH", "thurs": "TH",
    "friday": "FR", "fri": "FR", "saturday": "SA", "sat": "SA", "sunday": "SU", "sun": "SU",
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1, "second last": -2, "second-last": -2,
    "second to last": -2, "penultimate": -2,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

_WD = r"(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")s?"
_MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_ORD = r"(?:" + "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True)) + r")"
_NUM = r"(?:\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_OF_MONTH = r"(?: of (?:the|every|each) month)?"
_EVERY_MONTH = r"(?:every|each|the) month"


def _date(prefix: str) -> str:
    """A day and a month in either order (``24 december``, ``dec 24th``), groups by prefix."""
    return (rf"(?:(?P<{prefix}d>{_DAY}) (?:of )?(?P<{prefix}m>{_MON})"
            rf"|(?P<{prefix}m2>{_MON}) (?P<{prefix}d2>{_DAY}))")


#: The plain-English forms, as ``(builder name, pattern)``; compiled on first use by
#: :func:`_forms` (compiling them all costs about 15 ms, which every start of the CLI paid).
_FORM_PATTERNS: tuple[tuple[str, str], ...] = (
    ("weekly", rf"(?:every |on )?(?P<days>{_WD}(?:(?:, | and | & |,)(?:{_WD}))*)"),
    ("monthly-weekday", rf"(?:every|the) (?P<ord>{_ORD}) (?P<wd>{_WD}){_OF_MONTH}"),
    ("monthly-weekday", rf"(?:every|the) (?P<ord>{_ORD}) (?P<wd>{_WD}) of {_EVERY_MONTH}"),
    ("yearly-weekday",
     rf"(?:every|the) (?P<ord>{_ORD}) (?P<wd>{_WD}) (?:of|in) (?P<month>{_MON})"
     r"(?: every year)?"),
    ("monthly-day", rf"(?:every|the) (?P<day>{_DAY})(?: day)? of {_EVERY_MONTH}"),
    ("monthly-day", rf"every (?P<day>{_DAY})(?: day)? of the month"),
    ("monthly-day", rf"day (?P<day>\d{{1,2}}) of {_EVERY_MONTH}"),
    ("span", rf"(?:the )?(?P<end>first|last)(?: (?P<count>{_NUM}))? (?P<unit>days?|weeks?) "
             rf"(?:of|in) (?P<month>{_MON}|{_EVERY_MONTH})(?: every year)?"),
    ("yearly-range",
     r"(?:every year )?from " + _date("a") + " (?:to|until) " + _date("b")
     + r"(?: every year)?"),
    ("yearly-day", r"every year on (?:the )?" + _date("a")),
    ("yearly-day", r"every " + _date("a")),
    ("yearly-day", r"(?:on )?" + _date("a") + r" every year"),
)


@functools.cache
def _forms() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """:data:`_FORM_PATTERNS`, compiled."""
    return tuple((name, re.compile(pattern)) for name, pattern in _FORM_PATTERNS)


_EXAMPLES = (
    "'every first Monday', 'every friday', 'the last friday of november', "
    "'the 15th of every month', 'the last two weeks of december', 'every year on 24 december', "
    "'every year from 24 december to 2 january', or an RFC 5545 rule such as "
    "'RRULE:FREQ=MONTHLY;BYDAY=-1FR'"
)


def check_rule(text: str) -> str | None:
    """Why ``text`` is not a usable rule, or None when it is.

    Example:
        >>> check_rule("every last Friday") is None
        True
    """
    try:
        parse_rule(text)
    except ValueError as error:
        return str(error)
    return None


def parse_rule(text: str) -> RuleSpec:
    """Read a rule in a readable form or as RFC 5545 text.

    Raises:
        ValueError: the text is neither; the message lists the forms understood.

    Example:
        >>> parse_rule("every year from 24 December to 2 January")
        RuleSpec(rrule='FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24', days=1, until=(1, 2))
        >>> parse_rule("DTSTART:20270104 RRULE:FREQ=WEEKLY;INTERVAL=2").rrule
        'DTSTART:20270104 RRULE:FREQ=WEEKLY;INTERVAL=2'
    """
    if not isinstance(text, str):
        raise ValueError(f"a rule is text, got {text!r}")
    stripped = text.strip()
    upper = stripped.upper()
    if upper.startswith(("RRULE", "FREQ=", "DTSTART")):
        _check_rfc(stripped)
        return RuleSpec(stripped)
    normal = re.sub(r"\s+", " ", stripped.lower()).rstrip(".").strip()
    normal = re.sub(r"^every (?:single )?", "every ", normal)
    for name, pattern in _forms():
        match = pattern.fullmatch(normal)
        if match is not None:
            return _BUILDERS[name](match.groupdict())
    raise ValueError(f"{text!r} is not a rule backplan understands; write e.g. {_EXAMPLES}")


def _weekday(word: str) -> str:
    return _WEEKDAYS[word.removesuffix("s") if word not in _WEEKDAYS else word]


def _ordinal_byday(groups: dict[str, str | None]) -> str:
    ordinal = _ORDINALS[str(groups["ord"])]
    return f"{ordinal:+d}{_weekday(str(groups['wd']))}"


def _day_number(word: str, month: int | None = None) -> int:
    day = int(re.sub(r"(st|nd|rd|th)$", "", word))
    limit = 31 if month is None else _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= limit:
        where = "a month" if month is None else f"month {month}"
        raise ValueError(f"day {day} does not exist in {where}")
    return day


def _weekly(groups: dict[str, str | None]) -> RuleSpec:
    words = re.split(r", | and | & |,", str(groups["days"]))
    codes = list(dict.fromkeys(_weekday(word) for word in words))
    return RuleSpec(f"FREQ=WEEKLY;BYDAY={','.join(codes)}")


def _monthly_weekday(groups: dict[str, str | None]) -> RuleSpec:
    return RuleSpec(f"FREQ=MONTHLY;BYDAY={_ordinal_byday(groups)}")


def _yearly_weekday(groups: dict[str, str | None]) -> RuleSpec:
    month = _MONTHS[str(groups["month"])]
    return RuleSpec(f"FREQ=YEARLY;BYMONTH={month};BYDAY={_ordinal_byday(groups)}")


def _monthly_day(groups: dict[str, str | None]) -> RuleSpec:
    day = _day_number(str(groups["day"]))
    return RuleSpec(f"FREQ=MONTHLY;BYMONTHDAY={day}")


def _span(groups: dict[str, str | None]) -> RuleSpec:
    count_word = groups["count"]
    count = 1 if count_word is None else (
        int(count_word) if count_word.isdigit() else _NUMBERS[count_word])
    unit = str(groups["unit"])
    if count < 1:
        raise ValueError("the number of days or weeks must be at least 1")
    if count > 1 and not unit.endswith("s") and count_word not in ("a", "an"):
        unit += "s"
    days = count * (7 if unit.startswith("week") else 1)
    month_word = str(groups["month"])
    if days > 28:
        raise ValueError(f"{days} days do not fit in every month; use a date range instead")
    anchor = 1 if groups["end"] == "first" else -days
    if month_word in _MONTHS:
        month = _MONTHS[month_word]
        return RuleSpec(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={anchor}", days=days)
    return RuleSpec(f"FREQ=MONTHLY;BYMONTHDAY={anchor}", days=days)


def _date_parts(groups: dict[str, str | None], prefix: str) -> tuple[int, int]:
    month_word = groups[f"{prefix}m"] or groups[f"{prefix}m2"]
    day_word = groups[f"{prefix}d"] or groups[f"{prefix}d2"]
    month = _MONTHS[str(month_word)]
    return month, _day_number(str(day_word), month)


def _yearly_day(groups: dict[str, str | None]) -> RuleSpec:
    month, day = _date_parts(groups, "a")
    return RuleSpec(f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}")


def _yearly_range(groups: dict[str, str | None]) -> RuleSpec:
    first = _date_parts(groups, "a")
    last = _date_parts(groups, "b")
    if last == (2, 29):
        raise ValueError("a yearly range cannot end on 29 February; end it on 28 February or "
                         "1 March")
    return RuleSpec(f"FREQ=YEARLY;BYMONTH={first[0]};BYMONTHDAY={first[1]}", until=last)


_BUILDERS = {
    "weekly": _weekly,
    "monthly-weekday": _monthly_weekday,
    "yearly-weekday": _yearly_weekday,
    "monthly-day": _monthly_day,
    "span": _span,
    "yearly-range": _yearly_range,
    "yearly-day": _yearly_day,
}

_COARSE = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_PROBE = (dt.datetime(2001, 1, 1), dt.datetime(2028, 12, 31))


def _check_rfc(text: str) -> None:
    """Raise ValueError unless ``text`` is an RFC 5545 rule usable for whole days."""
    from dateutil.rrule import rrulestr

    upper = text.upper()
    freq = re.search(r"FREQ=(\w+)", upper)
    if freq is None:
        raise ValueError(f"RRULE {text!r} has no FREQ; e.g. 'RRULE:FREQ=MONTHLY;BYDAY=1MO'")
    if freq[1] not in _COARSE:
        raise ValueError(f"RRULE {text!r} repeats {freq[1].lower()}; days off repeat DAILY, "
                         "WEEKLY, MONTHLY or YEARLY")
    if re.search(r"BY(HOUR|MINUTE|SECOND)=", upper):
        raise ValueError(f"RRULE {text!r} names times of day; days off are whole days")
    has_start = "DTSTART" in upper
    try:
        first = rrulestr(text, dtstart=None if has_start else dt.datetime(2000, 1, 1),
                         forceset=True)
        occurrences = first.between(*_PROBE, inc=True)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise ValueError(f"RRULE {text!r} cannot be read: {error}") from None
    if has_start:
        return
    if re.search(r"(COUNT=|INTERVAL=(?!1\b))", upper):
        raise ValueError(
            f"RRULE {text!r} counts from a start date; add one, e.g. 'DTSTART:20270104 {text}'"
        )
    for anchor in (dt.datetime(2000, 1, 2), dt.datetime(2000, 2, 17)):
        other = rrulestr(text, dtstart=anchor, forceset=True).between(*_PROBE, inc=True)
        if other != occurrences:
            raise ValueError(
                f"RRULE {text!r} gives different days depending on where it starts; add BYDAY "
                f"/ BYMONTH / BYMONTHDAY, or a start: 'DTSTART:20270104 {text}'"
            )
