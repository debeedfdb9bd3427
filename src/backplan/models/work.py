"""Milestones and actions: the work that moves the metric, and what depends on what."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticKnownError

from backplan.models._types import INPUT_CONFIG, Id, PlanDate, Priority, WorkingDays, custom_error
from backplan.models.people import Assignee, Effort, check_sizing
from backplan.models.rhythm import PomodoroCount
from backplan.models.risk import Estimate
from backplan.models.tracking import ActionStatus, MetricValue, check_progress

__all__ = ["Action", "Milestone"]

Duration = Annotated[int, Field(strict=True, ge=1, le=3650)]

class _Missing:
    """Stands in for a ``duration`` nobody gave, so that it is reported as missing."""

    def __repr__(self) -> str:
        return "<no duration, estimate or effort>"


_REQUIRED = _Missing()


class _Null:
    """Stands in for ``duration: null`` so that it is refused, not read as no duration."""

    def __repr__(self) -> str:
        return "null"


_NULL = _Null()


def _required(value: Any) -> Any:
    if value is _REQUIRED:
        raise PydanticKnownError("missing")
    if value is _NULL:
        raise custom_error(
            "invalid-value",
            "duration is null (empty); give a number of working days, or leave the key out when "
            "effort or estimate sizes the action")
    return value


def _check_after(value: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({ref for ref in value if value.count(ref) > 1}) if len(set(value)) < len(
        value) else []
    if repeated:
        raise custom_error(
            "invalid-value", "{ids} listed more than once; list each predecessor once",
            **{"ids": ", ".join(repr(r) for r in repeated)},
        )
    return value


After = Annotated[tuple[Id, ...], AfterValidator(_check_after)]
#: A duration as written; the validator only turns the stand-in for a missing one into an error.
WrittenDuration = Annotated[Duration, BeforeValidator(_required)]


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
    after: After = ()
    priority: Priority = "must"
    #: Interim targets: the value each named key result should have reached by this milestone.
    expect: dict[Id, MetricValue] = Field(default_factory=dict)


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
    #: Working days; leave it out when ``effort`` sizes the action (see docs/people-and-capacity.md).
    duration: WrittenDuration | None = None
    #: Work in hours or pomodoros, done by ``assignees`` as their available hours allow.
    effort: Effort | None = None
    #: People booked on this action: ids, or ``{person: id, hours_per_day: h}``.
    assignees: tuple[Assignee, ...] = ()
    #: Three-point estimate for risk simulation (see docs/risk.md). Without ``duration``, the
    #: deterministic schedule uses ``estimate.likely`` and the plan is written back without it.
    estimate: Estimate | None = None
    after: After = ()
    lag: WorkingDays = 0
    milestone: Id | None = None
    not_before: PlanDate | None = None
    not_after: PlanDate | None = None
    priority: Priority = "must"
    owner: str | None = None
    #: What kind of work this is (e.g. analysis, coaching), and the pomodoros it actually
    #: took, for estimation accuracy per person and kind (see docs/priorities-and-rhythm.md).
    kind: Id | None = None
    actual_pomodoros: PomodoroCount | None = None
    #: Expected change of each named key result once done (metric units, signed), and the
    #: working days from the finish until it shows fully (see docs/tracking.md).
    impact: dict[Id, MetricValue] = Field(default_factory=dict)
    ramp: WorkingDays = 0
    #: Progress: done actions keep their actual dates; in-progress ones run ``remaining``
    #: working days from today.
    status: ActionStatus = "not_started"
    actual_start: PlanDate | None = None
    actual_finish: PlanDate | None = None
    remaining: Duration | None = None
    #: The day ``remaining`` was measured (``backplan start --remaining`` writes it): the working
    #: days since then count as done, so the remainder does not go stale.
    remaining_as_of: PlanDate | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _duration_from_estimate(cls, data: Any, handler: ModelWrapValidatorHandler[Action]) -> Action:
        # ``duration`` may be left out when ``estimate`` is given: it is then ``estimate.likely``,
        # and stays out of ``model_fields_set`` so that dumping the plan does not add it.
        derived = isinstance(data, dict) and "duration" not in data and (
            data.get("estimate") is not None)
        if derived:
            estimate = data["estimate"]
            likely = estimate.likely if isinstance(estimate, Estimate) else (
                estimate.get("likely") if isinstance(estimate, dict) else None)
            usable = type(likely) is int and 1 <= likely <= 3650
            # An unusable estimate is reported on its own; 1 stands in so that it is not
            # reported a second time as a missing duration.
            data = {**data, "duration": likely if usable else 1}
        action = handler(data)
        if derived:
            action.__pydantic_fields_set__.discard("duration")
        return action

    @model_validator(mode="wrap")
    @classmethod
    def _duration_required(
        cls, data: Any, handler: ModelWrapValidatorHandler[Action]
    ) -> Action:
        # ``duration`` is required unless ``estimate`` or ``effort`` sizes the action; a missing
        # one is reported as pydantic's own "missing" so that other problems are listed too.
        if isinstance(data, dict) and "duration" not in data and data.get(
                "estimate") is None and data.get("effort") is None:
            data = {**data, "duration": _REQUIRED}
        elif isinstance(data, dict) and "duration" in data and data["duration"] is None:
            data = {**data, "duration": _NULL}
        return handler(data)

    @model_validator(mode="after")
    def _sized_once(self) -> Action:
        check_sizing(self.effort, self.assignees,
                     duration_given="duration" in self.model_fields_set,
                     estimate_given=self.estimate is not None)
        return self

    @model_serializer(mode="wrap")
    def _without_derived_duration(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and self.estimate is not None and (
                "duration" not in self.model_fields_set):
            data.pop("duration", None)
        return data

    @model_validator(mode="after")
    def _estimate_covers_duration(self) -> Action:
        estimate = self.estimate
        if estimate is not None and self.duration is not None and not (
            estimate.optimistic <= self.duration <= estimate.pessimistic
        ):
            raise custom_error(
                "contradiction",
                "duration {d} lies outside the estimate's range {o}..{p} working days; "
                "correct one of them, or leave duration out to plan with the likely value",
                **{"field": "duration", "d": self.duration, "o": estimate.optimistic,
                 "p": estimate.pessimistic},
            )
        return self

    @model_validator(mode="after")
    def _progress_is_consistent(self) -> Action:
        check_progress(self.status, self.actual_start, self.actual_finish, self.remaining)
        if self.remaining_as_of is not None and self.remaining is None:
            raise custom_error(
                "contradiction",
                "remaining_as_of {day} says when 'remaining' was measured, but there is no "
                "'remaining'; add it or remove 'remaining_as_of'",
                **{"field": "remaining_as_of", "day": self.remaining_as_of.isoformat()},
            )
        return self

    @model_validator(mode="after")
    def _lag_has_a_predecessor(self) -> Action:
        if self.lag and not self.after:
            raise custom_error(
                "contradiction",
                "lag {lag} has nothing to count from: this action lists no predecessors; add "
                "the one it waits for to 'after', or remove 'lag'",
                **{"field": "lag", "lag": self.lag},
            )
        return self

    @model_validator(mode="after")
    def _window_is_open(self) -> Action:
        if (
            self.not_before is not None
            and self.not_after is not None
            and self.not_before > self.not_after
        ):
            raise custom_error(
                "contradiction",
                "not_before {nb} is after not_after {na}: the action could never run; "
                "swap or correct the dates",
                **{"nb": self.not_before.isoformat(), "na": self.not_after.isoformat()},
            )
        return self
