"""Planned effects on key results: what the actions' ``impact`` adds up to, and the gap left.

Shared by descoping, what-if scenarios and the SMART check. An action's ``impact`` maps key-result
ids to the signed change it is expected to bring (metric units). ``wont`` actions bring nothing.

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31",
    ...              "key_results": [{"id": "aht", "metric": "aht", "baseline": 420, "target": 360}]},
    ...     "actions": [{"id": "a", "duration": 2, "impact": {"aht": -40}},
    ...                 {"id": "b", "duration": 2, "impact": {"aht": -30}, "priority": "could"}]})
    >>> [(e.key_result, e.planned, e.gap, e.reachable) for e in key_result_effects(plan)]
    [('aht', -70.0, 0.0, True)]
    >>> [(e.lost, e.gap, e.reachable) for e in key_result_effects(plan, dropped={"b"})]
    [(-30.0, 20.0, False)]
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from backplan.models import Plan

__all__ = ["KeyResultEffect", "key_result_effects", "reachable_all"]

_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class KeyResultEffect:
    """The planned effect on one key result, after some actions are dropped.

    Attributes:
        key_result: the key result's id.
        needed: the change from baseline to target (signed, metric units).
        planned: the change the kept actions' impacts add up to (signed).
        lost: the change the dropped actions would have brought (signed; 0 when none).
        gap: how much of the needed change the plan leaves uncovered, in the better direction
            (0 when the planned effects reach the target).
        reachable: whether the kept actions' effects reach the target.
    """

    key_result: str
    needed: float
    planned: float
    lost: float
    gap: float
    reachable: bool

    def to_dict(self) -> dict[str, Any]:
        """The effect as JSON-ready data."""
        return {
            "key_result": self.key_result, "needed": self.needed, "planned": self.planned,
            "lost": self.lost, "gap": self.gap, "reachable": self.reachable,
        }


def key_result_effects(
    plan: Plan, *, dropped: Collection[str] = ()
) -> tuple[KeyResultEffect, ...]:
    """Planned effects per key result that any action has an ``impact`` on (others: unknown)."""
    effects = []
    for key_result in plan.goal.key_results:
        named = [a for a in plan.actions if key_result.id in a.impact]
        if not named:
            continue
        kept = sum(a.impact[key_result.id] for a in named
                   if a.priority != "wont" and a.id not in dropped)
        lost = sum(a.impact[key_result.id] for a in named
                   if a.priority != "wont" and a.id in dropped)
        needed = key_result.target - key_result.baseline
        sign = 1.0 if key_result.definition().direction == "increase" else -1.0
        gap = max(0.0, sign * (needed - kept))
        effects.append(KeyResultEffect(
            key_result.id, needed, float(kept), float(lost), _clean(gap), gap <= _EPSILON,
        ))
    return tuple(effects)


def reachable_all(effects: tuple[KeyResultEffect, ...]) -> bool | None:
    """Whether every key result with planned effects reaches its target (None: none planned)."""
    if not effects:
        return None
    return all(effect.reachable for effect in effects)


def _clean(value: float) -> float:
    """Round away float noise (1e-15 after sums of decimals)."""
    return 0.0 if abs(value) <= _EPSILON else round(value, 9)
