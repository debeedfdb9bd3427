"""The fields of a plan's actions, a column each: read once, shared by the checks and the
scheduler.

The reference check, the scheduler's network and its result rows read the same fields of every
action; on 100,000 actions each pass costs tens of milliseconds. :func:`action_columns` reads
them in one compiled pass (:func:`backplan._columns.field_columns`) and keeps them while the plan
is the last one asked about (:mod:`backplan._plan_memo`). Where the compiled builder of
:func:`~backplan.models.fast.fast_plan` built every action, it collected them on the way
(:func:`keep_action_columns`): no pass at all.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from backplan._columns import field_columns
from backplan._plan_memo import derived
from backplan.models.people import Assignee
from backplan.models.plan import Plan

__all__ = ["ActionColumns", "action_columns", "keep_action_columns"]


class ActionColumns(NamedTuple):
    """The fields of a plan's actions that the checks and the scheduler read, a tuple each, in
    plan order (see :func:`action_columns`)."""

    id: tuple[str, ...]
    priority: tuple[str, ...]
    milestone: tuple[str | None, ...]
    after: tuple[tuple[str, ...], ...]
    lag: tuple[int, ...]
    duration: tuple[int | None, ...]
    not_before: tuple[dt.date | None, ...]
    not_after: tuple[dt.date | None, ...]
    title: tuple[str, ...]
    owner: tuple[str | None, ...]
    status: tuple[str, ...]
    impact: tuple[dict[str, float], ...]
    assignees: tuple[tuple[Assignee, ...], ...]


def action_columns(plan: Plan) -> ActionColumns:
    """The fields of ``plan``'s actions in :class:`ActionColumns`, read in one pass and kept
    while ``plan`` is the last plan asked about.

    Example:
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        ...     {"id": "a", "duration": 2}, {"id": "b", "duration": 1, "after": ["a"]}]})
        >>> columns = action_columns(plan)
        >>> columns.id, columns.after, columns.duration
        (('a', 'b'), ((), ('a',)), (2, 1))
        >>> action_columns(plan) is columns
        True
    """
    return derived(plan, "action_columns", _read_action_columns)


def keep_action_columns(plan: Plan, columns: ActionColumns) -> None:
    """Keep ``columns``, read while ``plan``'s actions were built
    (:func:`~backplan.models.fast.fast_plan`), as :func:`action_columns` would read them."""
    derived(plan, "action_columns", lambda _: columns)


def _read_action_columns(plan: Plan) -> ActionColumns:
    columns = field_columns(plan.actions, ActionColumns._fields)
    return ActionColumns(*map(tuple, columns))
