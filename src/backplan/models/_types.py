"""Field types shared by the models: ids, plan dates, working-day counts, priorities."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "INPUT_CONFIG",
    "Id",
    "PlanDate",
    "PlanPriority",
    "Priority",
    "Weekday",
    "WorkingDays",
    "custom_error",
]

#: Every input model forbids unknown keys and is immutable once built.
INPUT_CONFIG = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True)

Priority = Literal["must", "should", "could", "wont"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

def custom_error(code: str, template: str, **context: Any) -> PydanticCustomError:
    """A validation error with a problem ``code`` and its message already formatted.

    pydantic fills only plain ``{name}`` placeholders; this formats ``{value!r}`` and
    ``{value:g}`` too, and keeps the values in the error's context for tools.

    Example:
        >>> custom_error("invalid-value", "got {value!r} ({n:g})", value="x", n=1.50).message()
        "got 'x' (1.5)"
    """
    return PydanticCustomError(code, template.format(**context), context)


_ID_PATTERN = re.compile(r"\S(?:.*\S)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_id(value: Any) -> Any:
    if not isinstance(value, str):
        raise custom_error(
            "invalid-value",
            "an id must be text, got {kind} {value!r}; quote it in YAML (e.g. '2027')",
            **{"kind": type(value).__name__, "value": value},
        )
    if not _ID_PATTERN.fullmatch(value) or "\n" in value:
        raise custom_error(
            "invalid-value",
            "an id must be non-empty, on one line, without leading or trailing spaces; got {value!r}",
            **{"value": value},
        )
    # One string object per id: references resolve by identity, and big plans use less memory.
    # (Text of a str subclass, such as numpy's str_, is interned as plain text.)
    return sys.intern(value if type(value) is str else str.__str__(value))


def _check_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise custom_error(
            "invalid-value",
            "expected a calendar date YYYY-MM-DD without a time, got {value}",
            **{"value": value.isoformat()},
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise custom_error(
                "invalid-value", "{value!r} is not a real calendar date", **{"value": value}
            ) from None
    raise custom_error(
        "invalid-value",
        "expected a date as YYYY-MM-DD, got {value!r}",
        **{"value": value},
    )


#: An id: non-empty text without surrounding spaces, unique across goal, milestones and actions.
Id = Annotated[str, BeforeValidator(_check_id)]

#: A calendar date, given as a YAML date or an ISO ``YYYY-MM-DD`` string (no times, no numbers).
PlanDate = Annotated[dt.date, BeforeValidator(_check_date)]

#: A plan's or an objective's priority in a portfolio: a whole number, the smaller first (1
#: before 2; 0 before 1).
PlanPriority = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]

#: A whole number of working days, 0..3650 (lags); durations use ``ge=1``.
WorkingDays = Annotated[int, Field(strict=True, ge=0, le=3650)]
