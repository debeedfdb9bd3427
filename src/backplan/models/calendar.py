"""The plan's working calendar as the user writes it: working weekdays and holidays."""

from __future__ import annotations

from pydantic import BaseModel, field_validator
from pydantic_core import PydanticCustomError

from backplan.models._types import INPUT_CONFIG, PlanDate, Weekday

__all__ = ["WEEKDAYS", "Calendar"]

#: Weekday names in ``date.weekday()`` order (Monday = 0).
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Calendar(BaseModel):
    """Which days are working days: weekdays in ``workdays`` that are not ``holidays``.

    Example:
        >>> Calendar(holidays=["2026-12-25"]).workdays
        ('mon', 'tue', 'wed', 'thu', 'fri')
    """

    model_config = INPUT_CONFIG

    workdays: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: tuple[PlanDate, ...] = ()

    @field_validator("workdays")
    @classmethod
    def _workdays_distinct(cls, value: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not value:
            raise PydanticCustomError(
                "invalid-value", "at least one working weekday is needed, e.g. [mon, tue, wed]"
            )
        repeated = sorted({day for day in value if value.count(day) > 1}, key=WEEKDAYS.index)
        if repeated:
            raise PydanticCustomError(
                "invalid-value", "{days} listed more than once; list each weekday once",
                {"days": ", ".join(repeated)},
            )
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays_distinct(cls, value: tuple[PlanDate, ...]) -> tuple[PlanDate, ...]:
        seen = set()
        for day in value:
            if day in seen:
                raise PydanticCustomError(
                    "invalid-value", "holiday {day} is listed more than once; list it once",
                    {"day": day.isoformat()},
                )
            seen.add(day)
        return value
