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

A milestone is a one-day node: its start and finish are the day it is reached; one that waits for
nothing is reached the working day before today (:data:`MILESTONE_RELEASE`).

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

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backplan.calendars import WorkingCalendar, nominal_duration_days
from backplan.graph.order import CycleError, topological_order
from backplan.graph.refs import action_positions
from backplan.models import Action, Assignee, Plan
from backplan.models.columns import action_columns

__all__ = [
    "MILESTONE_RELEASE", "CycleError", "Network", "PredGroups", "UnsoundPlanError",
    "compile_network",
]

#: Where a node that waits for nothing starts, relative to today: an action today (0), a
#: milestone the working day before (-1): it is no work, so what follows it may start today.
MILESTONE_RELEASE = -1

#: Per node, ``(offset, predecessor nodes)`` groups (a list, or a view over flat arrays).
PredGroups = Sequence[tuple[tuple[int, list[int]], ...]]


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
    pred_groups: PredGroups
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


def compile_network(
    plan: Plan, calendar: WorkingCalendar, *, nodes: PlanNodes | None = None
) -> Network:
    """Compile a plan to a :class:`Network` (``nodes``: the plan's :func:`resolve_nodes`, if
    already read).

    Raises:
        UnsoundPlanError: ids are duplicated or do not resolve; CycleError: the dependencies go
            round in a circle. (:func:`backplan.plan_problems` names each problem.)
    """
    nodes = nodes or resolve_nodes(plan)
    ids, wont = nodes.ids, nodes.wont
    try:
        groups, dependents, mixed = _edges(plan, nodes)
    except KeyError as missing:
        raise UnsoundPlanError(f"unknown id {missing}") from None
    for i in mixed:
        groups[i] = _deduplicated(groups[i])
    order = topological_order([
        (next(iter(g.values())) if len(g) == 1 else [p for ps in g.values() for p in ps])
        for g in groups
    ])
    columns = node_columns(plan, calendar, nodes)
    if order is None:  # plan order is already topological: no renumbering
        return assemble_network(plan, ids, None, [tuple(g.items()) for g in groups], columns,
                                dependents, wont)
    position = inverse_order(order)
    pred_groups = [
        tuple((o, [position[p] for p in nodes]) for o, nodes in groups[i].items()) for i in order
    ]
    return assemble_network(plan, ids, order, pred_groups, columns, dependents, wont)


@dataclass(frozen=True, slots=True)
class PlanNodes:
    """A plan's nodes in plan numbering (scheduled actions, then milestones), with the fields of
    the scheduled actions the network is built from, read in one pass over the actions.

    Attributes:
        scheduled: the actions that are not ``wont``, in plan order.
        ids: node ids; ``index``: node number by id.
        wont: ids of the ``wont`` actions.
        started: whether any action (``wont`` ones too) is started or done.
        uses_impact, uses_assignees: whether any action (``wont`` ones too) has an ``impact``
            or ``assignees`` (so that the checks of those sections have work to do).
        priority, milestone, after, lag, duration, not_before, not_after, title, owner,
            assignees: per scheduled action, its field.
    """

    scheduled: list[Action]
    ids: list[str]
    index: dict[str, int]
    wont: set[str]
    started: bool
    uses_impact: bool
    uses_assignees: bool
    priority: Sequence[str]
    milestone: Sequence[str | None]
    after: Sequence[tuple[str, ...]]
    lag: Sequence[int]
    duration: Sequence[int | None]
    not_before: Sequence[dt.date | None]
    not_after: Sequence[dt.date | None]
    title: Sequence[str]
    owner: Sequence[str | None]
    assignees: Sequence[tuple[Assignee, ...]]


def resolve_nodes(plan: Plan) -> PlanNodes:
    """Number the plan's nodes and check that its ids are sound.

    Raises:
        UnsoundPlanError: an id is duplicated, or an action names a milestone that does not exist.
    """
    actions = plan.actions
    # The columns the reference check read (one pass over the actions: in big plans each costs).
    columns = action_columns(plan)
    uses_impact = any(columns.impact)
    uses_assignees = any(columns.assignees)
    started = not all(map("not_started".__eq__, columns.status))
    wont: set[str] = set()
    scheduled: Sequence[Action] = actions
    fields: list[Sequence[Any]] = [columns.priority, columns.milestone, columns.after,
                                   columns.lag, columns.duration, columns.not_before,
                                   columns.not_after, columns.title, columns.owner,
                                   columns.assignees]
    action_ids: Sequence[str] = columns.id
    if "wont" in columns.priority:
        keep = [p != "wont" for p in columns.priority]
        wont = {i for i, p in zip(columns.id, columns.priority, strict=True) if p == "wont"}
        scheduled = [a for a, k in zip(actions, keep, strict=True) if k]
        action_ids = [i for i, k in zip(columns.id, keep, strict=True) if k]
        fields = [[v for v, k in zip(column, keep, strict=True) if k] for column in fields]
        index = dict(zip(action_ids, range(len(action_ids)), strict=True))
    else:
        index = action_positions(plan).copy()  # each action's place, as the check numbered it
    milestone_ids = [m.id for m in plan.milestones]
    ids = [*action_ids, *milestone_ids]
    index.update(zip(milestone_ids, range(len(action_ids), len(ids)), strict=True))
    if (len(index) != len(ids) or plan.goal.id in index or plan.goal.id in wont
            or not wont.isdisjoint(index) or len(wont) + len(scheduled) != len(actions)):
        raise UnsoundPlanError("duplicate ids")
    named = set(columns.milestone)
    named.discard(None)
    if not named <= set(milestone_ids):
        raise UnsoundPlanError("an action names a milestone that does not exist")
    return PlanNodes(list(scheduled), ids, index, wont, started, uses_impact, uses_assignees,
                     *fields)


def _edges(
    plan: Plan, nodes: PlanNodes
) -> tuple[list[dict[int, list[int]]], list[tuple[str, str]], set[int]]:
    """Edges by target node, grouped by offset: ``{offset: [predecessor node, ...]}``.

    Also returns the direct dependencies on ``wont`` actions and the nodes whose predecessor
    lists may repeat a node (to be deduplicated).

    Raises:
        KeyError: an id does not resolve.
    """
    index = nodes.index
    groups: list[dict[int, list[int]]] = [{} for _ in range(len(index))]
    special, dependents, bridged = special_edges(plan, nodes)
    for i, (after, lag) in enumerate(zip(nodes.after, nodes.lag, strict=True)):
        if after and i not in bridged:
            groups[i][1 + lag] = list(map(index.__getitem__, after))
    mixed: set[int] = set()  # nodes whose predecessors may repeat, to be deduplicated
    for target, p, o in special:
        groups[target].setdefault(o, []).append(p)
        mixed.add(target)
    return groups, dependents, mixed


def special_edges(
    plan: Plan, nodes: PlanNodes
) -> tuple[list[tuple[int, int, int]], list[tuple[str, str]], set[int]]:
    """The edges other than an action's plain ``after`` list, as ``(target, predecessor,
    offset)``: into and out of milestones, and through ``wont`` actions.

    Returns the edges, the direct dependencies on ``wont`` actions (``(action id, wont id)``)
    and the actions whose ``after`` names a ``wont`` action (their ``after`` edges are among
    the returned ones; every other action's ``after`` is left to the caller).

    Raises:
        KeyError: an id does not resolve; CycleError: ``wont`` actions go round in a circle.
    """
    scheduled, index, wont = nodes.scheduled, nodes.index, nodes.wont
    edges: list[tuple[int, int, int]] = []
    dependents: list[tuple[str, str]] = []
    bridged: set[int] = set()
    through_wont = _WontBridge(plan, wont, index) if wont else None
    if through_wont is not None:
        through_wont.check()

    def resolve(before: str, offset: int) -> list[tuple[int, int]]:
        return through_wont.resolve(before, offset) if through_wont else [(index[before], offset)]

    if through_wont is not None:
        for i, action in enumerate(scheduled):
            if not wont.intersection(action.after):
                continue
            bridged.add(i)
            for before in action.after:
                if before in wont:
                    dependents.append((action.id, before))
                edges += [(i, p, o) for p, o in through_wont.resolve(before, 1 + action.lag)]
    members: dict[str, list[str]] = {}
    if plan.milestones:  # every action's milestone: the columns hold the scheduled ones only
        # (ids go on with the milestones': zip stops at the last action)
        delivered = (zip(nodes.ids, nodes.milestone, strict=False) if not wont else
                     ((a.id, a.milestone) for a in plan.actions))
        for action_id, milestone_id in delivered:
            if milestone_id is not None:
                members.setdefault(milestone_id, []).append(action_id)
    for k, milestone in enumerate(plan.milestones, start=len(scheduled)):
        for member in members.get(milestone.id, ()):
            edges += [(k, p, o) for p, o in resolve(member, 0)]
        for before in milestone.after:
            edges += [(k, p, o) for p, o in resolve(before, 0)]
            for member in members.get(milestone.id, ()):
                if member in index:
                    edges += [(index[member], p, o) for p, o in resolve(before, 1)]
    return edges, dependents, bridged


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


@dataclass(frozen=True, slots=True)
class NodeColumns:
    """Per-node values in plan numbering (scheduled actions, then milestones)."""

    duration: list[int]
    not_before: list[int | None]
    cap: list[int]
    cap_source: list[str]


def node_columns(plan: Plan, calendar: WorkingCalendar, nodes: PlanNodes) -> NodeColumns:
    """Durations, ``not_before`` bounds and finish caps of every node, in plan numbering."""
    scheduled, durations = nodes.scheduled, nodes.duration
    starts, finishes = nodes.not_before, nodes.not_after
    if None in durations:
        # Effort-sized actions take their nominal days (assignees at full hours, see issue 3).
        people = {p.id: p for p in plan.people}
        duration = [d if d is not None else nominal_duration_days(a, people)
                    for d, a in zip(durations, scheduled, strict=True)]
    else:
        duration = list(durations)  # type: ignore[arg-type]  # no None among them
    duration += [1] * len(plan.milestones)
    n = len(duration)
    goal_cap = calendar.number_on_or_before(plan.goal.due)
    cap = [goal_cap] * n
    cap_source = ["goal"] * n
    not_before: list[int | None] = [None] * n
    if any(starts):
        for i, day in enumerate(starts):
            if day is not None:
                not_before[i] = calendar.number(day)
    if any(finishes):
        for i, day in enumerate(finishes):
            if day is not None:
                c = calendar.number_on_or_before(day)
                if c < goal_cap:
                    cap[i], cap_source[i] = c, "not_after"
    for k, milestone in enumerate(plan.milestones, start=len(scheduled)):
        if milestone.due is not None:
            c = calendar.number_on_or_before(milestone.due)
            if c < goal_cap:
                cap[k], cap_source[k] = c, "due"
    return NodeColumns(duration, not_before, cap, cap_source)


def assemble_network(
    plan: Plan,
    ids: list[str],
    order: list[int] | None,
    pred_groups: PredGroups,
    columns: NodeColumns,
    dependents: list[tuple[str, str]],
    wont: set[str],
) -> Network:
    """The network with its per-node columns in topological ``order`` (None: plan order).

    ``pred_groups`` is already in that order and numbering.
    """
    n, n_actions = len(ids), len(ids) - len(plan.milestones)
    unscheduled = tuple(a.id for a in plan.actions if a.id in wont) if wont else ()
    if order is None:
        return Network(
            ids=tuple(ids), is_action=(True,) * n_actions + (False,) * (n - n_actions),
            actions=tuple(range(n_actions)), milestones=tuple(range(n_actions, n)),
            duration=columns.duration, pred_groups=pred_groups,
            not_before=columns.not_before, cap=columns.cap, cap_source=columns.cap_source,
            unscheduled=unscheduled, wont_dependents=tuple(dependents),
        )
    position = inverse_order(order)
    return Network(
        ids=tuple(ids[i] for i in order),
        is_action=tuple(i < n_actions for i in order),
        actions=tuple(position[i] for i in range(n_actions)),
        milestones=tuple(position[k] for k in range(n_actions, n)),
        duration=[columns.duration[i] for i in order],
        pred_groups=pred_groups,
        not_before=[columns.not_before[i] for i in order],
        cap=[columns.cap[i] for i in order],
        cap_source=[columns.cap_source[i] for i in order],
        unscheduled=unscheduled,
        wont_dependents=tuple(dependents),
    )


def inverse_order(order: list[int]) -> list[int]:
    """Each node's position in ``order``."""
    position = [0] * len(order)
    for k, node in enumerate(order):
        position[node] = k
    return position


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
        # Per wont id: each node it stands for, with the largest offset (only that one binds).
        self._memo: dict[str, dict[int, int]] = {}

    def resolve(self, before: str, offset: int) -> list[tuple[int, int]]:
        """``(node, offset)`` pairs standing for an edge from ``before`` with ``offset``.

        Raises:
            CycleError: ``wont`` actions depend on each other in a circle.
            KeyError: an id does not resolve.
        """
        if before not in self._wont:
            return [(self._index[before], offset)]
        if before not in self._memo:
            self._settle(before)
        return [(p, o + offset - 1) for p, o in self._memo[before].items()]

    def check(self) -> None:
        """Resolve every ``wont`` action, so that a circle among them is found even when
        nothing depends on it.

        Raises:
            CycleError: ``wont`` actions depend on each other in a circle.
        """
        for wont_id in self._after:
            if wont_id not in self._memo:
                self._settle(wont_id)

    def _sources(self, wont_id: str) -> list[tuple[str, int]]:
        """What ``wont_id`` comes after, each with the offset of that edge."""
        after, own = self._after[wont_id]
        return [(p, own) for p in after] + [(p, 1) for p in self._induced.get(wont_id, ())]

    def _settle(self, first: str) -> None:
        """Fill the memo for ``first`` and the wont actions it depends on (depth first, with an
        explicit stack: a chain of thousands of wont actions must not hit the recursion limit)."""
        open_ids: set[str] = set()
        stack = [(first, False)]
        while stack:
            wont_id, expanded = stack.pop()
            if wont_id in self._memo:
                continue
            sources = self._sources(wont_id)
            if not expanded:
                if wont_id in open_ids:
                    raise CycleError(f"{wont_id!r} depends on itself through 'wont' actions")
                open_ids.add(wont_id)
                stack.append((wont_id, True))
                stack += [(p, False) for p, _ in sources if p in self._wont]
                continue
            best: dict[int, int] = {}
            for p, o in sources:
                pairs = ([(q, v + o - 1) for q, v in self._memo[p].items()] if p in self._wont
                         else [(self._index[p], o)])
                for q, v in pairs:
                    if best.get(q, v - 1) < v:
                        best[q] = v
            self._memo[wont_id] = best
            open_ids.discard(wont_id)
