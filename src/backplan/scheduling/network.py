"""A plan compiled to integer arrays: the precedence network the passes run over.

Nodes are the scheduled actions and the milestones, numbered in a topological order (every
predecessor has a smaller number than its successors). Every precedence becomes an edge
``p -> i`` with an *offset* ``o`` meaning ``start(i) >= finish(p) + o`` in working-day numbers
(see :mod:`backplan.calendars.working`):

* ``a.after: [p]`` with lag ``L``: ``o = 1 + L`` (the (L+1)-th working day after ``p`` finishes);
* ``a.milestone: m``: ``a -> m`` with ``o = 0`` (``m`` is reached when its last action finishes);
* ``m.after: [p]``: ``p -> m`` with ``o = 0`` and ``p -> a`` with ``o = 1`` for each action of ``m``;
* a ``wont`` action ``w`` is left out and ``p -> w -> s`` becomes ``p -> s`` with the offsets
  ``o1 + o2 - 1`` (the lags add up).

A milestone is a one-day node: its start and finish are the day it is reached.

Example:
    >>> from backplan.calendars import WorkingCalendar
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31"},
    ...     "milestones": [{"id": "m"}],
    ...     "actions": [{"id": "b", "duration": 2, "after": ["m"], "lag": 1},
    ...                 {"id": "a", "duration": 3, "milestone": "m"}],
    ... })
    >>> network = compile_network(plan, WorkingCalendar())
    >>> network.ids, network.preds
    (('a', 'm', 'b'), [[], [(0, 0)], [(1, 2)]])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backplan.calendars import WorkingCalendar, nominal_duration_days
from backplan.graph.order import CycleError, topological_order
from backplan.models import Action, Plan

__all__ = ["CycleError", "Network", "UnsoundPlanError", "compile_network"]


class UnsoundPlanError(ValueError):
    """The plan's ids do not resolve (duplicates, unknown ids): list them with ``plan_problems``."""


@dataclass(frozen=True, slots=True)
class Network:
    """A plan's precedence network over integer nodes in topological order.

    Attributes:
        ids: node ids; ``range(len(ids))`` is a topological order.
        is_action: per node, whether it is an action (else a milestone).
        actions: the nodes of the scheduled actions, in plan order.
        milestones: the nodes of the milestones, in plan order.
        duration: working days per node (1 for milestones).
        pred_groups: per node, ``(offset, predecessor nodes)`` groups: the node starts no
            earlier than ``finish(p) + offset`` for each ``p`` of each group.
        not_before: per node, the number of the first working day on or after its
            ``not_before``, or None.
        cap: per node, the number of the last working day it may finish on, and
            ``cap_source`` says why (``"goal"``, ``"due"`` or ``"not_after"``).
        unscheduled: ids of ``wont`` actions, in plan order.
        wont_dependents: ``(action id, wont id)`` for each direct dependency on a ``wont`` action.
    """

    ids: tuple[str, ...]
    is_action: tuple[bool, ...]
    actions: tuple[int, ...]
    milestones: tuple[int, ...]
    duration: list[int]
    pred_groups: list[tuple[tuple[int, list[int]], ...]]
    not_before: list[int | None]
    cap: list[int]
    cap_source: list[str]
    unscheduled: tuple[str, ...]
    wont_dependents: tuple[tuple[str, str], ...]
    _derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def index(self) -> dict[str, int]:
        """Node number by id."""
        cached = self._derived.get("index")
        if cached is None:
            cached = self._derived["index"] = {node: i for i, node in enumerate(self.ids)}
        return cached  # type: ignore[return-value]

    @property
    def preds(self) -> list[list[tuple[int, int]]]:
        """Per node, its ``(predecessor, offset)`` pairs."""
        cached = self._derived.get("preds")
        if cached is None:
            cached = self._derived["preds"] = [
                [(p, offset) for offset, nodes in groups for p in nodes]
                for groups in self.pred_groups
            ]
        return cached  # type: ignore[return-value]

    @property
    def succs(self) -> list[list[tuple[int, int]]]:
        """Per node, its ``(successor, offset)`` pairs."""
        cached = self._derived.get("succs")
        if cached is None:
            succs: list[list[tuple[int, int]]] = [[] for _ in self.ids]
            for i, groups in enumerate(self.pred_groups):
                for offset, nodes in groups:
                    for p in nodes:
                        succs[p].append((i, offset))
            cached = self._derived["succs"] = succs
        return cached  # type: ignore[return-value]


def compile_network(plan: Plan, calendar: WorkingCalendar) -> Network:
    """Compile a plan to a :class:`Network`.

    Raises:
        UnsoundPlanError: ids are duplicated or do not resolve; CycleError: the dependencies go
            round in a circle. (:func:`backplan.plan_problems` names each problem.)
    """
    actions = plan.actions
    wont = {a.id for a in actions if a.priority == "wont"}
    scheduled = [a for a in actions if a.priority != "wont"] if wont else list(actions)
    ids = [a.id for a in scheduled] + [m.id for m in plan.milestones]
    index = {node: i for i, node in enumerate(ids)}
    n = len(ids)
    if len(index.keys() | wont | {plan.goal.id}) != 1 + len(actions) + len(plan.milestones):
        raise UnsoundPlanError("duplicate ids")
    milestone_ids = {m.id for m in plan.milestones}
    if not all(a.milestone is None or a.milestone in milestone_ids for a in actions):
        raise UnsoundPlanError("an action names a milestone that does not exist")

    try:
        groups, dependents, mixed = _edges(plan, scheduled, index, wont)
    except KeyError as missing:
        raise UnsoundPlanError(f"unknown id {missing}") from None
    for i in mixed:
        groups[i] = _deduplicated(groups[i])
    order = topological_order([
        (next(iter(g.values())) if len(g) == 1 else [p for ps in g.values() for p in ps])
        for g in groups
    ])
    if order is None:  # plan order is already topological: no renumbering
        return _network(plan, calendar, scheduled, ids, list(range(n)), None,
                        [tuple(g.items()) for g in groups], dependents, wont)
    position = [0] * n
    for k, node in enumerate(order):
        position[node] = k
    pred_groups = [
        tuple((o, [position[p] for p in nodes]) for o, nodes in groups[i].items()) for i in order
    ]
    return _network(plan, calendar, scheduled, ids, order, position, pred_groups, dependents, wont)


def _edges(
    plan: Plan, scheduled: list[Action], index: dict[str, int], wont: set[str]
) -> tuple[list[dict[int, list[int]]], list[tuple[str, str]], set[int]]:
    """Edges by target node, grouped by offset: ``{offset: [predecessor node, ...]}``.

    Also returns the direct dependencies on ``wont`` actions and the nodes whose predecessor
    lists may repeat a node (to be deduplicated).

    Raises:
        KeyError: an id does not resolve.
    """
    actions = plan.actions
    n, n_actions = len(index), len(scheduled)
    groups: list[dict[int, list[int]]] = [{} for _ in range(n)]
    dependents: list[tuple[str, str]] = []
    mixed: set[int] = set()  # nodes whose predecessors may repeat, to be deduplicated
    through_wont = _WontBridge(plan, wont, index) if wont else None
    for i, action in enumerate(scheduled):
        after = action.after
        if not after:
            continue
        offset = 1 + action.lag
        if through_wont is None or not wont.intersection(after):
            groups[i][offset] = list(map(index.__getitem__, after))
            continue
        mixed.add(i)
        for before in after:
            if before in wont:
                dependents.append((action.id, before))
            for p, o in through_wont.resolve(before, offset):
                groups[i].setdefault(o, []).append(p)
    members: dict[str, list[str]] = {}
    for action in actions:
        if action.milestone is not None:
            members.setdefault(action.milestone, []).append(action.id)
    for k, milestone in enumerate(plan.milestones, start=n_actions):
        into = groups[k]
        mixed.add(k)
        for member in members.get(milestone.id, ()):
            pairs = through_wont.resolve(member, 0) if through_wont else [(index[member], 0)]
            for p, o in pairs:
                into.setdefault(o, []).append(p)
        for before in milestone.after:
            pairs = through_wont.resolve(before, 0) if through_wont else [(index[before], 0)]
            for p, o in pairs:
                into.setdefault(o, []).append(p)
            for member in members.get(milestone.id, ()):
                if member in index:
                    mixed.add(index[member])
                    for p, o in (through_wont.resolve(before, 1) if through_wont
                                 else [(index[before], 1)]):
                        groups[index[member]].setdefault(o, []).append(p)

    return groups, dependents, mixed


def _deduplicated(groups: dict[int, list[int]]) -> dict[int, list[int]]:
    """Each predecessor once, under its largest offset."""
    best: dict[int, int] = {}
    for o, nodes in groups.items():
        for p in nodes:
            if best.get(p, -1) < o:
                best[p] = o
    out: dict[int, list[int]] = {}
    for p, o in best.items():
        out.setdefault(o, []).append(p)
    return out


def _network(
    plan: Plan,
    calendar: WorkingCalendar,
    scheduled: list[Action],
    ids: list[str],
    order: list[int],
    position: list[int] | None,
    pred_groups: list[tuple[tuple[int, list[int]], ...]],
    dependents: list[tuple[str, str]],
    wont: set[str],
) -> Network:
    """Assemble the network's per-node columns in topological ``order``."""
    n, n_actions = len(ids), len(scheduled)
    # Effort-sized actions take their nominal days (assignees at full hours, see issue 3).
    people = {p.id: p for p in plan.people}
    duration = [
        a.duration if a.duration is not None else nominal_duration_days(a, people)
        for a in scheduled
    ] + [1] * len(plan.milestones)
    goal_cap = calendar.number_on_or_before(plan.goal.due)
    cap = [goal_cap] * n
    cap_source = ["goal"] * n
    not_before: list[int | None] = [None] * n
    for i, action in enumerate(scheduled):
        if action.not_before is not None:
            not_before[i] = calendar.number(action.not_before)
        if action.not_after is not None:
            c = calendar.number_on_or_before(action.not_after)
            if c < goal_cap:
                cap[i], cap_source[i] = c, "not_after"
    for k, milestone in enumerate(plan.milestones, start=n_actions):
        if milestone.due is not None:
            c = calendar.number_on_or_before(milestone.due)
            if c < goal_cap:
                cap[k], cap_source[k] = c, "due"

    if position is None:
        return Network(
            ids=tuple(ids), is_action=(True,) * n_actions + (False,) * (n - n_actions),
            actions=tuple(range(n_actions)), milestones=tuple(range(n_actions, n)),
            duration=duration, pred_groups=pred_groups, not_before=not_before, cap=cap,
            cap_source=cap_source, unscheduled=tuple(a.id for a in plan.actions if a.id in wont),
            wont_dependents=tuple(dependents),
        )
    return Network(
        ids=tuple(ids[i] for i in order),
        is_action=tuple(i < n_actions for i in order),
        actions=tuple(position[i] for i in range(n_actions)),
        milestones=tuple(position[k] for k in range(n_actions, n)),
        duration=[duration[i] for i in order],
        pred_groups=pred_groups,
        not_before=[not_before[i] for i in order],
        cap=[cap[i] for i in order],
        cap_source=[cap_source[i] for i in order],
        unscheduled=tuple(a.id for a in plan.actions if a.id in wont),
        wont_dependents=tuple(dependents),
    )


class _WontBridge:
    """Edges through ``wont`` actions, collapsed: ``p -> w -> s`` becomes ``p -> s``."""

    def __init__(self, plan: Plan, wont: set[str], index: dict[str, int]) -> None:
        self._wont = wont
        self._index = index
        self._after = {a.id: (a.after, 1 + a.lag) for a in plan.actions if a.id in wont}
        self._induced: dict[str, list[str]] = {}
        by_id = {m.id: m for m in plan.milestones}
        for action in plan.actions:
            if action.id in wont and action.milestone in by_id:
                self._induced[action.id] = list(by_id[action.milestone].after)
        self._memo: dict[str, list[tuple[int, int]]] = {}

    def resolve(self, before: str, offset: int) -> list[tuple[int, int]]:
        """``(node, offset)`` pairs standing for an edge from ``before`` with ``offset``."""
        if before not in self._wont:
            return [(self._index[before], offset)]
        if before not in self._memo:
            after, own = self._after[before]
            pairs = [pair for p in after for pair in self.resolve(p, own)]
            pairs += [pair for p in self._induced.get(before, ()) for pair in self.resolve(p, 1)]
            self._memo[before] = pairs
        return [(p, o + offset - 1) for p, o in self._memo[before]]
