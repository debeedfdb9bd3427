"""Non-working days from a plan's calendar: country holidays, blackouts and recurring rules.

The plan file's ``calendar`` may name a ``country`` (and ``subdivision``) whose public holidays come
from the ``holidays`` package (``pip install "backplan[holidays]"``), ``blackouts`` (date ranges)
and ``rules`` (see :mod:`backplan.models.recurrence`). All of them are non-working days for the
whole plan; :func:`plan_calendar` folds them into a :class:`~backplan.calendars.WorkingCalendar`.

Recurring rules and country holidays have no end, so they are expanded over a window of dates:
:func:`plan_window` takes it from the plan (today, the due date and every dated field) with a
margin of :data:`WINDOW_MARGIN_YEARS` years on each side.

Example:
    >>> import datetime as dt
    >>> from backplan.models import Calendar
    >>> calendar = Calendar(rules=["every first Monday"], blackouts=["2026-12-21..2026-12-24"])
    >>> days = non_working_days(calendar, dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    >>> [d.isoformat() for d in days]
    ['2026-12-07', '2026-12-21', '2026-12-22', '2026-12-23', '2026-12-24', '2027-01-04']
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from backplan.calendars.window import date_window, shift_years, today_problems
from backplan.calendars.working import WorkingCalendar
from backplan.errors import PlanValidationError, Problem, require
from backplan.models.recurrence import parse_rule

if TYPE_CHECKING:
    from backplan.models import Calendar, DateRange, Plan

__all__ = [
    "DEFAULT_WINDOW",
    "WINDOW_MARGIN_YEARS",
    "country_holidays",
    "country_problems",
    "non_working_days",
    "plan_calendar",
    "plan_window",
    "range_days",
    "rule_days",
]

#: Years added before and after the plan's dates when expanding rules and country holidays.
WINDOW_MARGIN_YEARS = 3

#: Dates over which ``WorkingCalendar.from_model`` expands rules and country holidays.
DEFAULT_WINDOW = (dt.date(2000, 1, 1), dt.date(2060, 12, 31))


def plan_window(plan: Plan, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates over which a plan's rules and country holidays are expanded.

    From :data:`WINDOW_MARGIN_YEARS` years before the earliest of ``today``, the goal's due date
    and every dated field (``not_before``, ``not_after``, milestone dues, time off, blackouts) to
    as many years after the latest.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}})
        >>> [d.isoformat() for d in plan_window(plan, today=dt.date(2026, 11, 23))]
        ['2023-11-23', '2030-03-31']
    """
    dates = [today, plan.goal.due]
    for action in plan.actions:
        dates += [d for d in (action.not_before, action.not_after) if d is not None]
    dates += [m.due for m in plan.milestones if m.due is not None]
    for span in (*plan.calendar.blackouts, *(t for p in plan.people for t in p.time_off)):
        dates += [span.start, span.last]
    # Never beyond the window plans are checked against (a plan built without load_plan may
    # hold any date): what lies outside it is never scheduled.
    low, high = date_window(plan.goal.due)
    first, last = max(min(dates), low), min(max(dates), high)
    return (shift_years(first, -WINDOW_MARGIN_YEARS),
            shift_years(max(first, last), WINDOW_MARGIN_YEARS))


def plan_calendar(plan: Plan, *, today: dt.date) -> WorkingCalendar:
    """The plan's working calendar: weekdays minus holidays, country holidays, blackouts, rules.

    Rules and country holidays are expanded over :data:`DEFAULT_WINDOW` widened to
    :func:`plan_window`, so that it agrees with ``WorkingCalendar.from_model(plan.calendar)``
    wherever that one is defined.

    Raises:
        PlanValidationError: ``today`` lies more than
            :data:`~backplan.calendars.window.DATE_WINDOW_YEARS` years from the goal's due date
            (see :mod:`backplan.calendars.window`), or the country or subdivision is unknown to
            the ``holidays`` package.
        MissingExtraError: the calendar names a country but ``holidays`` is not installed.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"},
        ...                             "calendar": {"rules": ["every friday"]}})
        >>> plan_calendar(plan, today=dt.date(2027, 1, 4)).is_working_day(dt.date(2027, 1, 8))
        False
    """
    problems = today_problems(plan, today=today)
    if problems:
        raise PlanValidationError(problems)
    calendar = plan.calendar
    if not (calendar.country or calendar.rules):
        return WorkingCalendar.from_model(calendar)
    first, last = plan_window(plan, today=today)
    window = (min(first, DEFAULT_WINDOW[0]), max(last, DEFAULT_WINDOW[1]))
    return WorkingCalendar.from_model(calendar, window=window)


def non_working_days(calendar: Calendar, first: dt.date, last: dt.date) -> list[dt.date]:
    """Country holidays and rule days from ``first`` to ``last``, and every blackout day, sorted.

    Explicit ``holidays`` are not included. Results are cached per calendar and window.

    Example:
        >>> from backplan.models import Calendar
        >>> days = non_working_days(Calendar(rules=["the last two weeks of december"]),
        ...                         dt.date(2026, 12, 1), dt.date(2026, 12, 31))
        >>> days[0].isoformat(), len(days)
        ('2026-12-18', 14)
    """
    return list(_non_working_days(calendar, first, last))


@functools.lru_cache(maxsize=32)
def _non_working_days(calendar: Calendar, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    found: set[dt.date] = set()
    if calendar.country is not None:
        found.update(country_holidays(calendar.country, calendar.subdivision, first, last))
    for span in calendar.blackouts:
        found.update(range_days(span))
    for rule in calendar.rules:
        found.update(rule_days(rule, first, last))
    return tuple(sorted(found))


def range_days(span: DateRange) -> Iterator[dt.date]:
    """Every date of an inclusive :class:`~backplan.models.DateRange`.

    Example:
        >>> from backplan.models import DateRange
        >>> [d.day for d in range_days(DateRange(start="2027-01-30", end="2027-02-01"))]
        [30, 31, 1]
    """
    day, last = span.start, span.last
    one = dt.timedelta(days=1)
    while day <= last:
        yield day
        if day == dt.date.max:
            return
        day += one


def rule_days(rule: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """The days a rule makes non-working between ``first`` and ``last`` (inclusive), sorted.

    Runs that start before ``first`` and reach into the window are included.

    Raises:
        ValueError: the rule cannot be read (plans check their rules when they are loaded).

    Example:
        >>> [d.isoformat() for d in rule_days("every year from 30 december to 2 january",
        ...                                    dt.date(2026, 12, 1), dt.date(2027, 1, 31))]
        ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']
    """
    from dateutil.rrule import rrulestr

    spec = parse_rule(rule)
    reach = 366 if spec.until is not None else spec.days - 1  # how far a run can reach
    # Ordinals, clamped to the years 1..9999, so that windows at either end cannot overflow.
    low, high = first.toordinal(), last.toordinal()
    start = dt.datetime.combine(dt.date.fromordinal(max(low - reach, 1)), dt.time())
    end = dt.datetime.combine(last, dt.time())
    has_start = "DTSTART" in spec.rrule.upper()
    recurrence = rrulestr(spec.rrule, dtstart=None if has_start else start, forceset=True)
    out: set[int] = set()
    for occurrence in recurrence.between(start, end, inc=True):
        begin = occurrence.date()
        if spec.until is not None:
            stop = _next_on_or_after(begin, *spec.until)
        else:
            stop = min(begin.toordinal() + spec.days - 1, _MAX_ORDINAL)
        out.update(range(max(begin.toordinal(), low), min(stop, high) + 1))
    return [dt.date.fromordinal(ordinal) for ordinal in sorted(out)]


_MAX_ORDINAL = dt.date.max.toordinal()


def _next_on_or_after(day: dt.date, month: int, day_of_month: int) -> int:
    """The ordinal of the first ``month``/``day_of_month`` on or after ``day`` (the 28th for a
    29 February in other years; the last date there is when it would lie after year 9999)."""
    for year in (day.year, day.year + 1):
        if year > dt.MAXYEAR:
            return _MAX_ORDINAL
        try:
            candidate = dt.date(year, month, day_of_month)
        except ValueError:
            candidate = dt.date(year, month, 28)
        if candidate >= day:
            return candidate.toordinal()
    return _MAX_ORDINAL  # pragma: no cover - next year's date is always after this year's


def country_holidays(
    country: str, subdivision: str | None, first: dt.date, last: dt.date
) -> list[dt.date]:
    """Public holidays of a country (and subdivision) from ``first`` to ``last``, sorted.

    Raises:
        MissingExtraError: the ``holidays`` package is not installed.
        PlanValidationError: ``holidays`` does not know the country or the subdivision
            (code ``invalid-value``, item ``calendar``).

    Example:
        >>> [d.isoformat() for d in country_holidays("GB", "ENG", dt.date(2026, 12, 1),
        ...                                          dt.date(2026, 12, 31))]
        ['2026-12-25', '2026-12-26', '2026-12-28']
    """
    holidays = require("holidays", extra="holidays", feature="country holidays (calendar.country)")
    problem = _country_problem(holidays.list_supported_countries(), country, subdivision)
    if problem is not None:
        raise PlanValidationError([problem])
    years = range(first.year, last.year + 1)
    table = holidays.country_holidays(country, subdiv=subdivision, years=years)
    return sorted(d for d in table if first <= d <= last)


def country_problems(calendar: Calendar) -> list[Problem]:
    """The calendar's ``country``/``subdivision`` when the ``holidays`` package does not know
    them (nothing to check without a country, or without the package: scheduling then says
    which extra to install).

    Example:
        >>> from backplan.models import Calendar
        >>> [p.field for p in country_problems(Calendar(country="XX"))]
        ['country']
    """
    if calendar.country is None:
        return []
    try:
        import holidays
    except ImportError:
        return []
    problem = _country_problem(holidays.list_supported_countries(), calendar.country,
                               calendar.subdivision)
    return [problem] if problem is not None else []


def _country_problem(
    supported: dict[str, list[str]], country: str, subdivision: str | None
) -> Problem | None:
    if country not in supported:
        return Problem(
            "invalid-value", "calendar", "country",
            f"country {country!r} is not known to the holidays package",
            "use an ISO 3166 code such as GB, US, DE, FR, IE, ES, NL, AU or IN",
        )
    if subdivision is not None and subdivision not in supported[country]:
        known = ", ".join(supported[country][:12]) + (
            ", ..." if len(supported[country]) > 12 else "")
        return Problem(
            "invalid-value", "calendar", "subdivision",
            f"{country} has no subdivision {subdivision!r}",
            f"use one of: {known}" if known else f"{country} has no subdivisions; remove it",
        )
    return None
