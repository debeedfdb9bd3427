"""A plan compiled to integer arrays: the precedence network the passes run over.

Nodes are the scheduled actions (in plan order) followed by the milestones. Every precedence
becomes an edge ``p -> i`` with an *offset* ``o`` meaning ``start(i) >= finish(p) + o`` in
working-day numbers (see :mod:`backplan.calendars.working`):

* ``a.after: [p]`` with lag ``L``: ``o = 1 + L`` (the (L+1)-th working day after ``p`` finishes);
* ``a.milestone: m``: ``a -> m`` with ``o = 0`` (``m`` is reached when its last action finishes);
* ``m.after: [p]``: ``p -> m`` with ``o = 0`` and ``p -> a`` with ``o = 1`` for each action of ``m``;
* a ``wont`` action ``w`` is left out and ``p -> w -> s`` becomes ``p -> s`` with the offsets
  ``o1 + o2 - 1`` (the lags add up).

A milestone is a one-day node: its start and finish are the day it is reached.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass

from backplan.calendars import WorkingCalendar
from backplan.models import Plan

__all__ = ["Network", "compile_network"]


@dataclass(frozen=True, slots=True)
class Network:
    """A plan's precedence network over integer node indices (actions first, then milestones).

    Attributes:
        ids: node ids; ``ids[:n_actions]`` are the scheduled actions in plan order.
        n_actions: how many nodes are actions.
        duration: working days per node (1 for milestones).
        preds: per node, ``(predecessor, offset)`` pairs.
        succs: per node, ``(successor, offset)`` pairs.
        order: the nodes in a topological order.
        not_before: per node, the number of the first working day on or after its ``not_before``,
            or None.
        cap: per node, the number of the last working day it may finish on (goal due, milestone
            due, ``not_after``), and ``cap_source`` says which (``"goal"``, ``"due"`` or
            ``"not_after"``).
        unscheduled: ids of ``wont`` actions, in plan order.
        wont_dependents: ``(action id, wont id)`` for each direct dependency on a ``wont`` action.
    """

    ids: tuple[str, ...]
    n_actions: int
    duration: list[int]
    preds: list[list[tuple[int, int]]]
    succs: list[list[tuple[int, int]]]
    order: list[int]
    not_before: list[int | None]
    cap: list[int]
    cap_source: list[str]
    unscheduled: tuple[str, ...]
    wont_dependents: tuple[tuple[str, str], ...]


def compile_network(plan: Plan, calendar: WorkingCalendar) -> Network:
    """Compile a validated plan (see :func:`backplan.validate_plan`) to a :class:`Network`."""
    scheduled = [a for a in plan.actions if a.priority != "wont"]
    wont = {a.id: a for a in plan.actions if a.priority == "wont"}
    ids = tuple([a.id for a in scheduled] + [m.id for m in plan.milestones])
    index = {node_id: i for i, node_id in enumerate(ids)}
    n_actions = len(scheduled)

    # Raw edges by target id, wont actions included: (predecessor id, offset).
    raw: dict[str, list[tuple[str, int]]] = {}
    members: dict[str, list[str]] = {}
    for action in plan.actions:
        offset = 1 + action.lag
        raw[action.id] = [(before, offset) for before in action.after]
        if action.milestone is not None:
            members.setdefault(action.milestone, []).append(action.id)
    for milestone in plan.milestones:
        edges = raw.setdefault(milestone.id, [])
        edges.extend((member, 0) for member in members.get(milestone.id, ()))
        edges.extend((before, 0) for before in milestone.after)
        for member in members.get(milestone.id, ()):
            raw[member].extend((before, 1) for before in milestone.after)

    through_wont: dict[str, list[tuple[str, int]]] = {}

    def resolve(before: str, offset: int) -> list[tuple[str, int]]:
        if before not in wont:
            return [(before, offset)]
        if before not in through_wont:
            through_wont[before] = [
                pair for p, o in raw[before] for pair in resolve(p, o)
            ]
        return [(p, o + offset - 1) for p, o in through_wont[before]]

    n = len(ids)
    preds: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    succs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    dependents: list[tuple[str, str]] = []
    for i, node_id in enumerate(ids):
        best: dict[int, int] = {}
        for before, offset in raw.get(node_id, ()):
            if before in wont:
                if i < n_actions:
                    dependents.append((node_id, before))
                pairs = resolve(before, offset)
            else:
                pairs = [(before, offset)]
            for p, o in pairs:
                j = index[p]
                if best.get(j, -1) < o:
                    best[j] = o
        preds[i] = list(best.items())
        for j, o in preds[i]:
            succs[j].append((i, o))

    order = _topological_order(preds, succs)

    def cap_number(day: dt.date) -> int:
        return calendar.number_on_or_before(day)

    goal_cap = cap_number(plan.goal.due)
    cap = [goal_cap] * n
    cap_source = ["goal"] * n
    not_before: list[int | None] = [None] * n
    duration = [a.duration for a in scheduled] + [1] * len(plan.milestones)
    for i, action in enumerate(scheduled):
        if action.not_before is not None:
            not_before[i] = calendar.number(action.not_before)
        if action.not_after is not None and (c := cap_number(action.not_after)) < cap[i]:
            cap[i], cap_source[i] = c, "not_after"
    for k, milestone in enumerate(plan.milestones, start=n_actions):
        if milestone.due is not None and (c := cap_number(milestone.due)) < cap[k]:
            cap[k], cap_source[k] = c, "due"
    return Network(
        ids=ids, n_actions=n_actions, duration=duration, preds=preds, succs=succs, order=order,
        not_before=not_before, cap=cap, cap_source=cap_source,
        unscheduled=tuple(wont), wont_dependents=tuple(dependents),
    )


def _topological_order(
    preds: list[list[tuple[int, int]]], succs: list[list[tuple[int, int]]]
) -> list[int]:
    indegree = [len(p) for p in preds]
    ready = deque(i for i, d in enumerate(indegree) if d == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for nxt, _ in succs[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    if len(order) != len(preds):
        raise ValueError("the plan has a cycle; validate it with backplan.validate_plan first")
    return order
