"""People and effort: who does the work, how many project hours they have, and when they are off.

A :class:`Person` has a number of project hours per working day (the time left over after
customers), optional part-time ``workdays``, ``time_off`` as date ranges and recurring personal
``rules`` ("every first Monday"). An :class:`~backplan.models.Action` sized by :class:`Effort`
(hours, or pomodoros of 25 minutes) names its :class:`Assignee` people; a fixed ``duration`` may
name assignees too, who are then booked on every working day of the action.

Example:
    >>> qa = Person(id="qa-analyst", name="Priya", hours_per_day=2, workdays=["mon", "tue", "wed"],
    ...             time_off=[{"start": "2027-01-04", "end": "2027-01-15", "reason": "leave"}])
    >>> qa.hours_per_day, qa.time_off[0].last.isoformat()
    (2.0, '2027-01-15')
    >>> Effort.model_validate({"pomodoros": 6}).seconds, Effort.model_validate(1.5).seconds
    (9000, 5400)
    >>> Assignee.model_validate("qa-analyst"), Assignee.model_validate(
    ...     {"person": "agent-1", "hours_per_day": 1.5}).hours_per_day
    (Assignee(person='qa-analyst', hours_per_day=None), 1.5)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from backplan.models._types import INPUT_CONFIG, Id, PlanDate, Weekday, custom_error
from backplan.models.recurrence import check_rule

__all__ = [
    "POMODORO_MINUTES",
    "Assignee",
    "DateRange",
    "Effort",
    "Hours",
    "Person",
    "RuleText",
    "hours_to_seconds",
]

#: Minutes in one pomodoro of focused work.
POMODORO_MINUTES = 25

_MAX_EFFORT_HOURS = 100_000.0


def _check_hours(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise custom_error(
            "invalid-value", "expected a number of hours (e.g. 1.5), got {value!r}", value=value)
    if not math.isfinite(value):
        raise custom_error("invalid-value", "hours must be a finite number, got {value}",
                           value=value)
    return float(value)


#: Hours in a day: a number greater than 0 and at most 24 (counted to the second).
Hours = Annotated[float, Field(gt=0, le=24), BeforeValidator(_check_hours)]


def _short_forms_schema(
    handler: GetJsonSchemaHandler, core_schema: CoreSchema, *forms: dict[str, Any]
) -> JsonSchemaValue:
    """The model's JSON Schema, also accepting the short ``forms`` its validator reads."""
    reference = handler(core_schema)
    target = handler.resolve_ref_schema(reference)
    full = dict(target)
    keep: dict[str, Any] = {k: full.pop(k) for k in ("title", "description") if k in full}
    target.clear()
    target.update(keep)
    target["anyOf"] = [*forms, full]
    return reference


def hours_to_seconds(hours: float) -> int:
    """Hours as whole seconds, the unit capacity is counted in (rounded to the nearest second).

    Example:
        >>> hours_to_seconds(1.5), hours_to_seconds(1 / 3)
        (5400, 1200)
    """
    return round(hours * 3600)


def _check_rule_text(value: str) -> str:
    problem = check_rule(value)
    if problem is not None:
        raise custom_error("invalid-value", "{problem}", problem=problem)
    return value


#: A recurring non-working pattern: a readable form ("every first Monday") or an RFC 5545 RRULE.
RuleText = Annotated[str, AfterValidator(_check_rule_text)]

_RANGE_TEXT = re.compile(
    r"\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to|until|\u2013|\u2014)\s*(\d{4}-\d{2}-\d{2})\s*",
    re.IGNORECASE,
)


class DateRange(BaseModel):
    """An inclusive range of calendar dates: ``{start: 2027-01-04, end: 2027-01-15}``.

    ``end`` may be left out for a single day. ``{from: ..., to: ...}``, a bare date
    (``2027-01-04``) or the text ``"2027-01-04..2027-01-15"`` (also ``"... to ..."``) may be
    written instead.

    Example:
        >>> DateRange.model_validate("2026-11-23..2026-11-30").last.isoformat()
        '2026-11-30'
        >>> DateRange.model_validate("2026-12-24").last.isoformat()
        '2026-12-24'
    """

    model_config = INPUT_CONFIG

    start: PlanDate
    end: PlanDate | None = None
    reason: str = ""

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        if isinstance(data, dt.date) and not isinstance(data, dt.datetime):
            return {"start": data}
        if isinstance(data, str):
            match = _RANGE_TEXT.fullmatch(data)
            if match is not None:
                return {"start": match[1], "end": match[2]}
            return {"start": data.strip()}
        if isinstance(data, dict) and "from" in data and "start" not in data:
            # ``{from: ..., to: ...}`` reads as ``{start: ..., end: ...}``.
            renamed = {"start" if k == "from" else k: v for k, v in data.items()}
            if "to" in renamed and "end" not in renamed:
                renamed["end"] = renamed.pop("to")
            return renamed
        return data

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end is not None and self.end < self.start:
            raise custom_error(
                "contradiction",
                "the range ends on {end}, before it starts on {start}; swap or correct the dates",
                field="end", start=self.start.isoformat(), end=self.end.isoformat(),
            )
        return self

    @property
    def last(self) -> dt.date:
        """The last day of the range (``end``, or ``start`` for a single day)."""
        return self.start if self.end is None else self.end

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        day = {"type": "string", "format": "date"}
        return _short_forms_schema(handler, core_schema, {
            "type": "string", "description": "a date, or a range: 2026-11-23..2026-11-30",
            "pattern": r"^\s*\d{4}-\d{2}-\d{2}(\s*(\.\.|to|until)\s*\d{4}-\d{2}-\d{2})?\s*$",
        }, {
            "type": "object", "additionalProperties": False, "required": ["from"],
            "properties": {"from": day, "to": day, "reason": {"type": "string"}},
        })


def _check_workdays(value: tuple[Weekday, ...] | None) -> tuple[Weekday, ...] | None:
    if value is None:
        return value
    if not value:
        raise custom_error(
            "invalid-value", "at least one working weekday is needed, e.g. [mon, wed]"
        )
    if len(set(value)) != len(value):
        repeated = sorted({d for d in value if value.count(d) > 1})
        raise custom_error(
            "invalid-value", "{days} listed more than once; list each weekday once",
            days=", ".join(repeated),
        )
    return value


class Person(BaseModel):
    """Someone who works on the plan, with their project time per working day.

    Attributes:
        id: how actions name this person in ``assignees``.
        name: a display name.
        hours_per_day: project hours on each of their working days (after customer work).
        workdays: part-time weekdays; by default the plan calendar's working weekdays.
        time_off: date ranges when they do no project work (leave, training, secondments).
        rules: recurring personal days off, in the same forms as the calendar's ``rules``.

    Every non-working day of the plan's calendar is also a day off for everyone.

    Example:
        >>> Person(id="team-lead", hours_per_day=3).workdays is None
        True
    """

    model_config = INPUT_CONFIG

    id: Id
    name: str = ""
    hours_per_day: Hours
    workdays: Annotated[tuple[Weekday, ...] | None, AfterValidator(_check_workdays)] = None
    time_off: tuple[DateRange, ...] = ()
    rules: tuple[RuleText, ...] = ()


_EFFORT_TEXT = re.compile(
    r"\s*(\d+(?:\.\d+)?)\s*(h|hrs?|hours?|p|pomodoros?|pomodori)\s*", re.IGNORECASE
)


class Effort(BaseModel):
    """How much work an action is: ``{hours: 12}`` or ``{pomodoros: 30}`` (25 minutes each).

    A plain number is read as hours, and the text ``"12h"``, ``"12 hours"`` or ``"30 pomodoros"``
    as written. Exactly one of ``hours`` and ``pomodoros`` is given.

    Example:
        >>> Effort.model_validate("30 pomodoros").pomodoros, Effort.model_validate(12).hours
        (30, 12.0)
    """

    model_config = INPUT_CONFIG

    hours: Annotated[float, Field(gt=0, le=_MAX_EFFORT_HOURS),
                     BeforeValidator(_check_hours)] | None = None
    pomodoros: Annotated[int, Field(strict=True, ge=1, le=240_000)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_forms(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"hours": data}
        if isinstance(data, str):
            match = _EFFORT_TEXT.fullmatch(data)
            if match is None:
                raise custom_error(
                    "invalid-value",
                    "effort {value!r} is not understood; write hours: 12, pomodoros: 30, "
                    "a plain number of hours, or text such as '12h' or '30 pomodoros'",
                    value=data,
                )
            number, unit = match[1], match[2].lower()
            if unit.startswith("p"):
                if "." in number:
                    raise custom_error(
                        "invalid-value", "pomodoros are counted whole, got {value!r}", value=data)
                return {"pomodoros": int(number)}
            return {"hours": float(number)}
        return data

    @model_validator(mode="after")
    def _one_unit(self) -> Effort:
        if (self.hours is None) == (self.pomodoros is None):
            raise custom_error(
                "invalid-value" if self.hours is None else "contradiction",
                "give the effort either in hours or in pomodoros, not both"
                if self.hours is not None else
                "effort needs 'hours' or 'pomodoros', e.g. hours: 12",
            )
        return self

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _short_forms_schema(
            handler, core_schema,
            {"type": "number", "exclusiveMinimum": 0, "description": "hours"},
            {"type": "string", "description": "e.g. '12h', '12 hours', '30 pomodoros'"},
        )

    @property
    def seconds(self) -> int:
        """The effort in whole seconds."""
        if self.pomodoros is not None:
            return self.pomodoros * POMODORO_MINUTES * 60
        assert self.hours is not None
        return hours_to_seconds(self.hours)


class Assignee(BaseModel):
    """A person booked on an action, optionally for a set number of hours per working day.

    Written as the person's id, or as ``{person: qa-analyst, hours_per_day: 2}``.

    * On an action with a fixed ``duration``: the person is booked ``hours_per_day`` on every
      working day of the action (by default all of their ``hours_per_day``).
    * On an action sized by ``effort``: ``hours_per_day`` caps how much of the effort this person
      does per day (by default as much as they have free).

    Example:
        >>> Assignee.model_validate({"person": "agent-1", "hours_per_day": 1.5})
        Assignee(person='agent-1', hours_per_day=1.5)
    """

    model_config = INPUT_CONFIG

    person: Id
    hours_per_day: Hours | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_id(cls, data: Any) -> Any:
        return {"person": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _short_forms_schema(handler, core_schema,
                                   {"type": "string", "description": "a person's id"})


def check_sizing(
    effort: Effort | None,
    assignees: tuple[Assignee, ...],
    *,
    duration_given: bool,
    estimate_given: bool,
) -> None:
    """Check that an action is sized one way only, and that effort has people to do it.

    Raises:
        PydanticCustomError: ``contradiction`` (two sizes), ``missing-field`` (effort without
            assignees) or ``invalid-value`` (a person assigned twice); the error's ``field``
            names the field to fix.

    Example:
        >>> check_sizing(Effort(hours=4), (Assignee(person="a"),), duration_given=False,
        ...              estimate_given=False)
    """
    if effort is not None and (duration_given or estimate_given):
        other = "duration" if duration_given else "estimate"
        raise custom_error(
            "contradiction",
            "the action gives both 'effort' and '{other}': size it one way, with 'duration' "
            "(working days) or with 'effort' (hours or pomodoros) and 'assignees'",
            field="effort", other=other,
        )
    if effort is not None and not assignees:
        raise custom_error(
            "missing-field",
            "'effort' needs 'assignees': the people whose hours do the work, e.g. "
            "assignees: [qa-analyst]", field="assignees",
        )
    people = [a.person for a in assignees]
    if len(set(people)) != len(people):
        repeated = sorted({p for p in people if people.count(p) > 1})
        raise custom_error(
            "invalid-value",
            "{ids} assigned more than once; list each person once",
            field="assignees", ids=", ".join(repr(p) for p in repeated),
        )
