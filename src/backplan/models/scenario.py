"""What-if scenarios as the user writes them: named sets of changes to a plan.

A scenario file holds ``scenarios:``, each with a ``name`` (an id), an optional ``title`` and a
list of ``changes``. Each change does one thing:

* ``drop: ID`` (or a list of ids): drop actions (their priority becomes ``wont``);
* ``action: ID`` with ``duration: N``: the action takes N working days (an ``estimate`` or
  ``effort`` on it is replaced by that fixed duration);
* ``due: DATE``: move the goal's due date; with ``milestone: ID``, that milestone's due instead;
* ``person: ID`` with ``add_hours: H``: give a person H more project hours per working day
  (plans that model people).

Example:
    >>> scenario = Scenario.model_validate({"name": "lean", "changes": [
    ...     {"drop": "huddle-tips"}, {"action": "kb-rewrite", "duration": 8},
    ...     {"due": "2027-04-15"}]})
    >>> [change.kind for change in scenario.changes]
    ['drop', 'duration', 'due']
    >>> scenario.changes[0].drop
    ('huddle-tips',)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from backplan.models._types import INPUT_CONFIG, Id, PlanDate

__all__ = ["ChangeKind", "Scenario", "ScenarioChange", "ScenarioSet"]

ChangeKind = Literal["drop", "duration", "due", "add_hours"]

_Duration = Annotated[int, Field(strict=True, ge=1, le=3650)]
_Hours = Annotated[float, Field(strict=True, gt=0, le=24, allow_inf_nan=False)]


def _one_or_many(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class ScenarioChange(BaseModel):
    """One change of a scenario: exactly one of ``drop``, ``duration``, ``due`` or ``add_hours``.

    Example:
        >>> ScenarioChange(action="kb-rewrite", duration=8).kind
        'duration'
    """

    model_config = INPUT_CONFIG

    drop: Annotated[tuple[Id, ...], BeforeValidator(_one_or_many)] | None = None
    action: Id | None = None
    duration: _Duration | None = None
    due: PlanDate | None = None
    milestone: Id | None = None
    person: Id | None = None
    add_hours: _Hours | None = None

    @field_validator("drop")
    @classmethod
    def _drop_something(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and not value:
            raise PydanticCustomError("invalid-value", "drop names no action; give one or more ids")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ScenarioChange:
        given = [name for name in ("drop", "duration", "due", "add_hours")
                 if getattr(self, name) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise PydanticCustomError(
                "invalid-value",
                "a change does exactly one of drop, duration, due or add_hours; found {found}; "
                "write each change as its own list item",
                {"found": found},
            )
        needs = {"duration": "action", "add_hours": "person"}
        kind = given[0]
        partner = needs.get(kind)
        if partner is not None and getattr(self, partner) is None:
            raise PydanticCustomError(
                "missing-field", "{kind} needs {partner}: say which {partner} it changes",
                {"kind": kind, "partner": partner},
            )
        for other in ("action", "person", "milestone"):
            allowed = {"duration": "action", "add_hours": "person", "due": "milestone"}.get(kind)
            if other != allowed and getattr(self, other) is not None:
                raise PydanticCustomError(
                    "contradiction", "{other} does not go with {kind}; remove it or split the change",
                    {"other": other, "kind": kind},
                )
        return self

    @property
    def kind(self) -> ChangeKind:
        """Which kind of change this is."""
        if self.drop is not None:
            return "drop"
        if self.duration is not None:
            return "duration"
        if self.due is not None:
            return "due"
        return "add_hours"

    def __str__(self) -> str:
        if self.drop is not None:
            return "drop " + ", ".join(self.drop)
        if self.duration is not None:
            return f"{self.action} takes {self.duration} working days"
        if self.due is not None:
            whose = f"milestone {self.milestone}'s" if self.milestone else "the goal's"
            return f"move {whose} due date to {self.due.isoformat()}"
        return f"{self.person} +{self.add_hours:g} h/day"


class Scenario(BaseModel):
    """A named what-if: changes applied to a copy of the plan.

    Example:
        >>> Scenario(name="later", changes=[{"due": "2027-04-30"}]).title
        ''
    """

    model_config = INPUT_CONFIG

    name: Id
    title: str = ""
    changes: tuple[ScenarioChange, ...] = Field(min_length=1)


class ScenarioSet(BaseModel):
    """A scenario file: ``scenarios:``, each with a distinct ``name``.

    Example:
        >>> found = ScenarioSet.model_validate(
        ...     {"scenarios": [{"name": "a", "changes": [{"drop": "x"}]}]})
        >>> [(s.name, [str(c) for c in s.changes]) for s in found.scenarios]
        [('a', ['drop x'])]
    """

    model_config = INPUT_CONFIG

    scenarios: tuple[Scenario, ...] = Field(min_length=1)

    @field_validator("scenarios")
    @classmethod
    def _names_distinct(cls, value: tuple[Scenario, ...]) -> tuple[Scenario, ...]:
        names = [s.name for s in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise PydanticCustomError(
                "duplicate-id", "scenario name {names} is used more than once; rename one",
                {"names": ", ".join(repr(n) for n in repeated)},
            )
        return value
