"""Milestones and actions: the work that moves the metric, and what depends on what."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from backplan.models._types import INPUT_CONFIG, Id, PlanDate, Priority, WorkingDays

__all__ = ["Action", "Milestone"]

Duration = Annotated[int, Field(strict=True, ge=1, le=3650)]


class Milestone(BaseModel):
    """A checkpoint, reached when all of its actions have finished.

    ``after`` lists milestones (or actions) that must be reached first: every action of this
    milestone starts after them, and this milestone is not reached before them. ``due`` caps the
    finish of this milestone's actions.

    Example:
        >>> Milestone(id="causes-known", title="Causes known", due="2027-01-15").due.isoformat()
        '2027-01-15'
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    due: PlanDate | None = None
    after: tuple[Id, ...] = ()
    priority: Priority = "must"


class Action(BaseModel):
    """A piece of work with a duration in working days and finish-to-start predecessors.

    Example:
        >>> a = Action(id="tag-repeats", title="Tag repeat contacts", duration=5,
        ...            after=["export-data"], milestone="causes-known")
        >>> a.duration, a.after, a.lag, a.priority
        (5, ('export-data',), 0, 'must')
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    duration: Duration
    after: tuple[Id, ...] = ()
    lag: WorkingDays = 0
    milestone: Id | None = None
    not_before: PlanDate | None = None
    not_after: PlanDate | None = None
    priority: Priority = "must"
    owner: str | None = None

    @model_validator(mode="after")
    def _window_is_open(self) -> Action:
        if (
            self.not_before is not None
            and self.not_after is not None
            and self.not_before > self.not_after
        ):
            raise PydanticCustomError(
                "contradiction",
                "not_before {nb} is after not_after {na}: the action could never run; "
                "swap or correct the dates",
                {"nb": self.not_before.isoformat(), "na": self.not_after.isoformat()},
            )
        return self
