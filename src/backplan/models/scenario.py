"""What-if scenarios as the user writes them: named sets of changes to a plan.

A scenario file holds ``scenarios:``, each with a ``name`` (an id), an optional ``title`` and a
list of ``changes``. Each change does one thing (the same changes make up a fix, see
:class:`backplan.Fix`):

* ``drop: ID`` (or a list of ids): drop actions (their priority becomes ``wont``);
* ``action: ID`` with ``duration: N``: the action takes N working days (an ``estimate`` or
  ``effort`` on it is replaced by that fixed duration);
* ``action: ID`` with ``effort_hours: H``: the action's effort becomes H hours (it stays sized
  by effort: its days follow from its assignees' hours);
* ``due: DATE``: move the goal's due date; with ``milestone: ID``, that milestone's due instead;
* ``person: ID`` with ``add_hours: H``: give a person H more project hours per working day
  (plans that model people);
* ``action: ID`` with ``not_before: DATE`` or ``not_after: DATE``: move the action's window;
* ``action: ID`` with ``lag: N``: the action waits N working days after its predecessors;
* ``action: ID`` with ``remove_after: ID``: the action no longer waits for that predecessor;
* ``volume: +20%`` (or ``-10%``), ``aht: "6:30"`` (or ``-5%``) and ``add_agents: N``, each with
  an optional ``from: DATE`` and ``to: DATE`` (both included): a change to the plan's queue over
  those days, appended to its ``adjust`` list (see docs/staffing.md): more or fewer contacts,
  another handle time, more agents rostered.

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

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from backplan.models._types import INPUT_CONFIG, Id, PlanDate
from backplan.models.queue import (
    QUEUE_CHANGE_KINDS,
    AgentsAdded,
    AhtChange,
    VolumeChange,
    check_range,
    queue_change_text,
)

__all__ = ["ChangeKind", "Scenario", "ScenarioChange", "ScenarioSet"]

ChangeKind = Literal[
    "drop", "duration", "effort_hours", "due", "add_hours", "not_before", "not_after", "lag",
    "remove_after", "volume", "aht", "add_agents",
]

#: Each kind of change, and the field naming what it changes: required, except ``milestone``
#: (a ``due`` without it moves the goal's due date).
CHANGE_PARTNERS: dict[ChangeKind, str | None] = {
    "drop": None, "duration": "action", "effort_hours": "action", "due": "milestone",
    "add_hours": "person", "not_before": "action", "not_after": "action", "lag": "action",
    "remove_after": "action", "volume": None, "aht": None, "add_agents": None,
}
_OPTIONAL_PARTNERS = frozenset({"due"})

_Duration = Annotated[int, Field(strict=True, ge=1, le=3650)]
_Hours = Annotated[float, Field(strict=True, gt=0, le=24, allow_inf_nan=False)]
_Effort = Annotated[float, Field(strict=True, gt=0, le=100_000, allow_inf_nan=False)]


def _one_or_many(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


class ScenarioChange(BaseModel):
    """One change of a scenario or a fix: exactly one of ``drop``, ``duration``,
    ``effort_hours``, ``due``, ``add_hours``, ``not_before``, ``not_after``, ``lag``,
    ``remove_after``, ``volume``, ``aht``, ``add_agents`` (the last three with an optional
    ``from``/``to`` range of dates).

    Example:
        >>> ScenarioChange(action="kb-rewrite", duration=8).kind
        'duration'
        >>> march = ScenarioChange.model_validate(
        ...     {"volume": "+20%", "from": "2027-03-01", "to": "2027-03-31"})
        >>> march.kind, str(march)
        ('volume', 'volume +20% from 2027-03-01 to 2027-03-31')
        >>> march.to_dict()
        {'volume': '+20%', 'from': '2027-03-01', 'to': '2027-03-31'}
    """

    model_config = INPUT_CONFIG

    drop: Annotated[tuple[Id, ...], BeforeValidator(_one_or_many)] | None = None
    action: Id | None = None
    duration: _Duration | None = None
    due: PlanDate | None = None
    milestone: Id | None = None
    person: Id | None = None
    add_hours: _Hours | None = None
    effort_hours: _Effort | None = None
    not_before: PlanDate | None = None
    not_after: PlanDate | None = None
    lag: Annotated[int, Field(strict=True, ge=0, le=3650)] | None = None
    remove_after: Id | None = None
    volume: VolumeChange | None = None
    aht: AhtChange | None = None
    add_agents: AgentsAdded | None = None
    first: PlanDate | None = Field(default=None, alias="from")
    last: PlanDate | None = Field(default=None, alias="to")

    @field_validator("drop")
    @classmethod
    def _drop_something(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and not value:
            raise PydanticCustomError("invalid-value", "drop names no action; give one or more ids")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ScenarioChange:
        given = [name for name in CHANGE_PARTNERS if getattr(self, name) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise PydanticCustomError(
                "invalid-value",
                "a change does exactly one of {kinds}; found {found}; write each change as its "
                "own list item",
                {"found": found, "kinds": ", ".join(CHANGE_PARTNERS)},
            )
        kind = given[0]
        partner = CHANGE_PARTNERS[kind]
        if partner is not None and kind not in _OPTIONAL_PARTNERS and getattr(
                self, partner) is None:
            raise PydanticCustomError(
                "missing-field", "{kind} needs {partner}: say which {partner} it changes",
                {"kind": kind, "partner": partner},
            )
        for other in ("action", "person", "milestone"):
            if other != partner and getattr(self, other) is not None:
                raise PydanticCustomError(
                    "contradiction", "{other} does not go with {kind}; remove it or split the change",
                    {"other": other, "kind": kind},
                )
        if kind not in QUEUE_CHANGE_KINDS and (self.first is not None or self.last is not None):
            raise PydanticCustomError(
                "contradiction", "from/to go with volume, aht and add_agents (a change to the "
                "queue over some days), not with {kind}", {"kind": kind})
        check_range(self.first, self.last)
        return self

    @property
    def kind(self) -> ChangeKind:
        """Which kind of change this is."""
        return next(name for name in CHANGE_PARTNERS if getattr(self, name) is not None)

    def to_dict(self) -> dict[str, Any]:
        """The change as written in a scenario file (JSON-ready: dates as ``YYYY-MM-DD``).

        Example:
            >>> ScenarioChange(due="2027-04-30", milestone="m").to_dict()
            {'due': '2027-04-30', 'milestone': 'm'}
        """
        return self.model_dump(mode="json", exclude_none=True, by_alias=True)

    def __str__(self) -> str:
        kind = self.kind
        if kind == "drop":
            return "drop " + ", ".join(self.drop or ())
        if kind == "duration":
            return f"{self.action} takes {self.duration} working days"
        if kind == "effort_hours":
            return f"{self.action}'s effort becomes {self.effort_hours:g} h"
        if kind == "due":
            assert self.due is not None
            whose = f"milestone {self.milestone}'s" if self.milestone else "the goal's"
            return f"move {whose} due date to {self.due.isoformat()}"
        if kind == "add_hours":
            return f"{self.person} +{self.add_hours:g} h/day"
        if kind == "remove_after":
            return f"{self.action} no longer waits for {self.remove_after}"
        if kind == "lag":
            return f"{self.action} waits {self.lag} working days after its predecessors"
        if kind in QUEUE_CHANGE_KINDS:
            return queue_change_text(self.volume, self.aht, self.add_agents, self.first,
                                     self.last)
        day = self.not_before if kind == "not_before" else self.not_after
        assert day is not None
        return f"move {self.action}.{kind} to {day.isoformat()}"


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
