"""Values derived from a plan, kept for the last plan asked about while it lives.

A plan is frozen, so what is derived from it holds for as long as it lives. The reference check,
the scheduler's network and its result rows all read the same columns of a big plan's actions
and number the same ids: the first asker derives them, the others get them at no cost. Only the
last plan's values are kept (they go when it dies), and only for a plan whose actions are a
tuple (a plan built with ``model_construct`` may hold a list, which can change).

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"},
    ...                             "actions": [{"id": "a", "duration": 1}]})
    >>> calls = []
    >>> def count(p):
    ...     calls.append(p)
    ...     return len(p.actions)
    >>> derived(plan, "count", count), derived(plan, "count", count), len(calls)
    (1, 1, 1)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

__all__ = ["derived"]


class HasActions(Protocol):
    """What is asked of a plan here (:class:`backplan.Plan` has it)."""

    @property
    def actions(self) -> Sequence[Any]: ...


P = TypeVar("P", bound=HasActions)
T = TypeVar("T")

#: The last plan a value was derived from (a weak reference) and its values by key.
_last: tuple[weakref.ref[Any], dict[str, Any]] | None = None


def derived(plan: P, key: str, compute: Callable[[P], T]) -> T:
    """``compute(plan)``, kept under ``key`` while ``plan`` is the last plan asked about.

    ``key`` names one value: whichever function is asked first computes it (a value known
    already, such as columns collected while the plan was built, is kept with
    ``lambda _: value``), and every later asker gets it.
    """
    global _last
    if type(plan.actions) is not tuple:
        return compute(plan)
    last = _last
    if last is not None and last[0]() is plan:
        values = last[1]
    else:
        values = {}
        _last = (weakref.ref(plan, _forget), values)
    if key not in values:
        values[key] = compute(plan)
    return values[key]  # type: ignore[no-any-return]


def _forget(gone: weakref.ref[Any]) -> None:
    """The kept plan has died: let its values go too."""
    global _last
    last = _last
    if last is not None and last[0] is gone:
        _last = None
