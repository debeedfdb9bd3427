"""The plan's working calendar as the user writes it: working weekdays and holidays."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, field_validator, model_validator

from backplan.models._types import INPUT_CONFIG, PlanDate, Weekday, custom_error
from backplan.models.people import DateRange, RuleText

__all__ = ["WEEKDAYS", "Calendar"]

#: Weekday names in ``date.weekday()`` order (Monday = 0).
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _check_country(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2,3}", value):
        raise custom_error(
            "invalid-value",
            "country {value!r} is not an ISO 3166 code in capitals; write e.g. 'GB', 'US', 'DE'",
            **{"value": value},
        )
    return value


def _check_subdivision(value: str) -> str:
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,9}", value):
        raise custom_error(
            "invalid-value",
            "subdivision {value!r} is not a subdivision code in capitals; write e.g. 'ENG', 'CA'",
            **{"value": value},
        )
    return value


class Calendar(BaseModel):
    """Which days are working days: weekdays in ``workdays`` that are not ``holidays``.

    Also non-working (see docs/people-and-capacity.md): the public holidays of ``country`` (and
    ``subdivision``) from the ``holidays`` package (extra ``backplan[holidays]``), every day of the
    ``blackouts`` date ranges, and the days ``rules`` describe ("every first Monday", "the last
    two weeks of December", or RFC 5545 RRULE text).

    Example:
        >>> Calendar(holidays=["2026-12-25"]).workdays
        ('mon', 'tue', 'wed', 'thu', 'fri')
        >>> Calendar(blackouts=["2026-11-23..2026-11-30"]).blackouts[0].last.isoformat()
        '2026-11-30'
    """

    model_config = INPUT_CONFIG

    workdays: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: tuple[PlanDate, ...] = ()
    #: ISO 3166 country code (e.g. ``GB``) whose public holidays are non-working days.
    country: Annotated[str, AfterValidator(_check_country)] | None = None
    #: The country's subdivision (e.g. ``ENG``, ``BY``, ``CA``) for regional holidays.
    subdivision: Annotated[str, AfterValidator(_check_subdivision)] | None = None
    #: Date ranges with no project work (peak-season freezes, Black Friday week).
    blackouts: tuple[DateRange, ...] = ()
    #: Recurring non-working days, e.g. "every first Monday" (see backplan.models.recurrence).
    rules: tuple[RuleText, ...] = ()

    @model_validator(mode="after")
    def _subdivision_needs_country(self) -> Calendar:
        if self.subdivision is not None and self.country is None:
            raise custom_error(
                "contradiction",
                "subdivision {sub!r} is given without a country; add e.g. 'country: GB'",
                **{"field": "subdivision", "sub": self.subdivision},
            )
        return self

    @field_validator("workdays")
    @classmethod
    def _workdays_distinct(cls, value: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not value:
            raise custom_error(
                "invalid-value", "at least one working weekday is needed, e.g. [mon, tue, wed]"
            )
        repeated = sorted({day for day in value if value.count(day) > 1}, key=WEEKDAYS.index)
        if repeated:
            raise custom_error(
                "invalid-value", "{days} listed more than once; list each weekday once",
                **{"days": ", ".join(repeated)},
            )
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays_distinct(cls, value: tuple[PlanDate, ...]) -> tuple[PlanDate, ...]:
        seen = set()
        for day in value:
            if day in seen:
                raise custom_error(
                    "invalid-value", "holiday {day} is listed more than once; list it once",
                    **{"day": day.isoformat()},
                )
            seen.add(day)
        return value
