"""Uncertainty as the user writes it: three-point estimates on actions, and the risk register.

An :class:`Estimate` gives an action's duration as optimistic, likely and pessimistic working
days; a :class:`Risk` is an event that may happen (``probability``) and, when it does, adds
``impact`` working days to the actions it names, or to the whole plan when it names none.
:func:`backplan.simulate_schedule` turns both into probabilities and dates.

Example:
    >>> Estimate(optimistic=3, likely=5, pessimistic=10).distribution is None
    True
    >>> risk = Risk(id="dialler-late", probability=0.3, impact=5, actions=["install-dialler"])
    >>> risk.probability, risk.impact, risk.actions
    (0.3, 5, ('install-dialler',))
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from backplan.models._types import INPUT_CONFIG, Id

__all__ = ["DISTRIBUTIONS", "Distribution", "Estimate", "Risk"]

#: How a three-point estimate is spread between its optimistic and pessimistic values.
Distribution = Literal["pert", "triangular"]
DISTRIBUTIONS: tuple[Distribution, ...] = ("pert", "triangular")

_Days = Annotated[int, Field(strict=True, ge=1, le=3650)]
_Probability = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]


def _distinct(value: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(value)) < len(value):
        repeated = sorted({ref for ref in value if value.count(ref) > 1})
        raise PydanticCustomError(
            "invalid-value", "{ids} listed more than once; list each action once",
            {"ids": ", ".join(repr(r) for r in repeated)},
        )
    return value


_ActionIds = Annotated[tuple[Id, ...], AfterValidator(_distinct)]


class Estimate(BaseModel):
    """A three-point estimate of a duration, in whole working days.

    ``optimistic <= likely <= pessimistic``. ``distribution`` picks how the values spread
    between the two ends: ``pert`` (a beta distribution peaking at ``likely``) or ``triangular``;
    when it is not given, the simulation's ``distribution`` argument decides (PERT by default).

    Example:
        >>> Estimate(optimistic=3, likely=5, pessimistic=10, distribution="triangular").likely
        5
    """

    model_config = INPUT_CONFIG

    optimistic: _Days
    likely: _Days
    pessimistic: _Days
    distribution: Distribution | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Estimate:
        if not self.optimistic <= self.likely <= self.pessimistic:
            raise PydanticCustomError(
                "contradiction",
                "optimistic {o}, likely {m} and pessimistic {p} are out of order; "
                "write them so that optimistic <= likely <= pessimistic",
                {"o": self.optimistic, "m": self.likely, "p": self.pessimistic},
            )
        return self


class Risk(BaseModel):
    """An entry of the risk register: an event that may delay the plan.

    Attributes:
        id: the risk's id (unique among risks, and distinct from goal, milestone and action ids).
        title: what may happen.
        probability: the chance that it happens, from 0 to 1 (0.3 for 30 %).
        impact: the working days it adds when it happens: to each action in ``actions``, or to
            the plan's completion when ``actions`` is empty.
        actions: ids of the actions it delays; empty means the whole plan.
        owner: who watches it.
        mitigation: ids of the actions planned to reduce it (information: the probability
            written is the one that holds with them in the plan).

    Example:
        >>> Risk(id="attrition", title="Two agents leave", probability=0.2, impact=10).actions
        ()
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    probability: _Probability
    impact: _Days
    actions: _ActionIds = ()
    owner: str | None = None
    mitigation: _ActionIds = ()
