"""The window of dates backplan plans in: within :data:`DATE_WINDOW_YEARS` years of the due date.

Every date a plan holds (the goal's and milestones' due dates, actions' ``not_before``,
``not_after`` and actual dates, key results' baseline and check-in dates, holidays, blackouts,
people's time off, and any date a future section adds) must lie within 100 years of the goal's
due date, and so must today (``--today``, or the current date): a plan is worked on around the
time it is due. The plan's own dates are checked when it is loaded (``load_plan``, so ``validate``
and every command), today when the plan is scheduled (:func:`~backplan.plan_calendar`, which
every command that takes ``--today`` goes through) and by ``validate``. So every computation
spans at most two hundred years, and a typo such as ``0001-01-02`` or ``9999-12-31`` is
refused with the item, the field and the line instead of overflowing or running for minutes.

Example:
    >>> import datetime as dt
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31"},
    ...     "people": [{"id": "ann", "hours_per_day": 6, "time_off": ["0001-01-02"]}]})
    >>> for problem in date_window_problems(plan, today=dt.date(2026, 11, 23)):
    ...     print(problem)
    ann.time_off: 0001-01-02 is 2026 years before the goal's due date 2027-03-31; plan dates must
    lie within 100 years of it (check the year) [invalid-value]
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from backplan._columns import field_columns
from backplan.errors import Problem

if TYPE_CHECKING:
    from backplan.models import Plan

__all__ = [
    "DATE_WINDOW_YEARS", "date_window", "date_window_problems", "outside_window_problem",
    "plan_dates", "shift_years", "today_problems",
]

#: How far, in years, a plan's dates and today may lie from the goal's due date.
DATE_WINDOW_YEARS = 100


def shift_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February to the 28th); a year beyond 1..9999 gives the
    first or last date there is.

    Example:
        >>> shift_years(dt.date(2028, 2, 29), 1), shift_years(dt.date(9990, 1, 1), 100)
        (datetime.date(2029, 2, 28), datetime.date(9999, 12, 31))
        >>> shift_years(dt.date(1, 5, 24), -100)  # every day before it is within 100 years
        datetime.date(1, 1, 1)
    """
    year = day.year + years
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    return day.replace(year=year, day=min(day.day, 28)) if day.month == 2 else day.replace(
        year=year)


def date_window(due: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last date allowed in a plan due on ``due`` (and for its today).

    Example:
        >>> tuple(d.isoformat() for d in date_window(dt.date(2027, 3, 31)))
        ('1927-03-31', '2127-03-31')
    """
    return shift_years(due, -DATE_WINDOW_YEARS), shift_years(due, DATE_WINDOW_YEARS)


def plan_dates(plan: Plan) -> Iterator[tuple[str, str, dt.date]]:
    """``(item, field, date)`` for every date written in the plan, in section order.

    ``item`` is the id of the item holding the date (a goal, key result, milestone, action,
    person or risk) or the section's name (``calendar``); ``field`` is that item's field.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"},
        ...     "actions": [{"id": "a", "duration": 2, "not_before": "2027-01-11"}]})
        >>> for item, field, day in plan_dates(plan):
        ...     print(item, field, day.isoformat())
        g due 2027-03-31
        a not_before 2027-01-11
    """
    for name in _dated_fields(type(plan)):
        yield from _dates_in(getattr(plan, name), name, "")


def date_window_problems(plan: Plan, *, today: dt.date | None = None) -> list[Problem]:
    """A problem for each date of the plan outside :func:`date_window` of the goal's due date,
    and for ``today`` (when given) outside it too. Empty when every date is in the window.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "9999-12-30"}})
        >>> print(date_window_problems(plan, today=dt.date(2026, 11, 23))[0].message)
        the goal's due date 9999-12-30 is 7973 years after today (2026-11-23); backplan plans
        within 100 years of today
    """
    due = plan.goal.due
    first, last = date_window(due)
    problems = [_outside(item, field, day, due) for item, field, day in plan_dates(plan)
                if not first <= day <= last]
    if today is not None:
        problems += today_problems(plan, today=today)
    return problems


def outside_window_problem(item: str, field: str, day: dt.date, *, due: dt.date
                           ) -> Problem | None:
    """The problem with ``item.field`` holding ``day`` in a plan due on ``due``, when ``day``
    lies outside :func:`date_window` (None when it does not): a date in the plan file, or one
    given beside it (a check-in of a CSV file).

    Example:
        >>> print(outside_window_problem("fcr", "date", dt.date(9999, 12, 21),
        ...                              due=dt.date(2027, 3, 31)).message)
        9999-12-21 is 7972 years after the goal's due date 2027-03-31; plan dates must lie
        within 100 years of it
    """
    first, last = date_window(due)
    return None if first <= day <= last else _outside(item, field, day, due)


def _outside(item: str, field: str, day: dt.date, due: dt.date) -> Problem:
    return Problem(
        "invalid-value", item, field,
        f"{day.isoformat()} is {_years(day, due)} years {_side(day, due)} the goal's due "
        f"date {due.isoformat()}; plan dates must lie within {DATE_WINDOW_YEARS} years of it",
        "check the year")


def today_problems(plan: Plan, *, today: dt.date) -> list[Problem]:
    """The problem with ``today`` when it lies outside :func:`date_window` of the goal's due
    date (empty when it does not); cheap, for every schedule.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}})
        >>> today_problems(plan, today=dt.date(2026, 11, 23))
        []
    """
    due = plan.goal.due
    first, last = date_window(due)
    if first <= today <= last:
        return []
    return [Problem(
        "invalid-value", plan.goal.id, "due",
        f"the goal's due date {due.isoformat()} is {_years(due, today)} years "
        f"{_side(due, today)} today ({today.isoformat()}); backplan plans within "
        f"{DATE_WINDOW_YEARS} years of today",
        "check the year of the due date, or --today")]


def _years(day: dt.date, other: dt.date) -> int:
    return int(abs(day.toordinal() - other.toordinal()) / 365.2425)


def _side(day: dt.date, other: dt.date) -> str:
    return "before" if day < other else "after"


# --------------------------------------------------------------------------------------------
# Finding the dates: which fields of which models can hold one (worked out once per model)


@functools.cache
def _dated_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields of ``model`` whose values may hold a date, directly or inside nested models."""
    return tuple(name for name, info in model.model_fields.items()
                 if _may_hold_a_date(info.annotation, frozenset({model})))


def _may_hold_a_date(annotation: Any, seen: frozenset[type]) -> bool:
    if annotation is dt.date or (isinstance(annotation, type) and issubclass(annotation,
                                                                                 dt.date)):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        return any(_may_hold_a_date(info.annotation, seen | {annotation})
                   for info in annotation.model_fields.values())
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _may_hold_a_date(typing.get_args(annotation)[0], seen)
    if origin is not None or isinstance(annotation, types.UnionType):
        return any(_may_hold_a_date(arg, seen) for arg in typing.get_args(annotation))
    return False


def _dates_in(value: Any, item: str, field: str) -> Iterator[tuple[str, str, dt.date]]:
    if value is None or isinstance(value, str | int | float | bool):
        return
    if isinstance(value, dt.date):
        yield item, field, value
    elif isinstance(value, BaseModel):
        names = _dated_fields(type(value))
        own = getattr(value, "id", None) if "id" in type(value).model_fields else None
        for name in names:
            if isinstance(own, str):
                yield from _dates_in(getattr(value, name), own, name)
            else:
                yield from _dates_in(getattr(value, name), item, field or name)
    elif isinstance(value, tuple | list):
        if value and isinstance(value[0], BaseModel) and len(set(map(type, value))) == 1:
            yield from _dates_in_models(value, item, field)
        else:
            for element in value:
                yield from _dates_in(element, item, field)
    elif isinstance(value, dict):
        for element in value.values():
            yield from _dates_in(element, item, field)


def _dates_in_models(
    models: tuple[BaseModel, ...] | list[BaseModel], item: str, field: str
) -> Iterator[tuple[str, str, dt.date]]:
    """The dates of many items of one model (actions). When every dated field is a plain date,
    they are read a field at a time (100,000 actions in milliseconds), so they come field by
    field rather than item by item."""
    cls = type(models[0])
    names = _dated_fields(cls)
    own = "id" in cls.model_fields
    if not all(_is_plain_date(cls.model_fields[name].annotation) for name in names):
        for model in models:
            ident = getattr(model, "id", None) if own else None
            for name in names:
                if isinstance(ident, str):
                    yield from _dates_in(getattr(model, name), ident, name)
                else:
                    yield from _dates_in(getattr(model, name), item, field or name)
        return
    # all dated fields in one compiled pass (a model's fields are in its __dict__)
    for name, values in zip(names, field_columns(models, names), strict=True):
        if values.count(None) == len(values):
            continue
        for model, value in zip(models, values, strict=True):
            if value is not None:
                ident = getattr(model, "id", None) if own else None
                yield (ident, name, value) if isinstance(ident, str) else (
                    item, field or name, value)


def _is_plain_date(annotation: Any) -> bool:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_plain_date(typing.get_args(annotation)[0])
    if args and (isinstance(annotation, types.UnionType) or typing.get_origin(
            annotation) is typing.Union):
        return all(_is_plain_date(a) for a in args)
    return annotation is dt.date
