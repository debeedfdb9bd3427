"""The engine for large plans: the network and both passes compiled, or vectorized with numpy.

Where the install built ``_precedence.c`` (:data:`COMPILED_PRECEDENCE`), one C call groups the
edges by target (and numbers the nodes by levels when the plan's order is not topological), and
another runs both passes and finds every node's driving predecessor and binding successor: the
loops of :mod:`~backplan.scheduling.passes`, without a Python operation per edge.

Otherwise numpy runs them level by level. A node's *level* is 0 without predecessors, else one
above its highest predecessor. Every node of a level depends only on lower levels, so a whole
level is one array step: the forward pass takes, per node, the maximum over its incoming edges
(``numpy.maximum.reduceat``), the backward pass pushes each level's latest starts down to its
predecessors (``numpy.minimum.at``).

The compiled network is the same as :func:`~backplan.scheduling.network.compile_network`'s: the
same node numbering (plan order when it is topological, else the canonical level order of
:func:`~backplan.graph.order.topological_order`), durations, caps and edges (only the order in
which a node's predecessors are listed may differ, which no result depends on), so every engine
gives identical schedules. ``schedule_plan`` uses this one for plans of at least
:data:`MIN_NODES` actions and milestones (``wont`` ones included) when it was compiled, or when
numpy is installed (``pip install "backplan[fast]"``) and the network is wide enough (at least
:data:`MIN_LEVEL_WIDTH` nodes per level on average); otherwise the plain loops.

Example:
    >>> import datetime as dt
    >>> from backplan.calendars import WorkingCalendar
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"}, "actions": [
    ...     {"id": "a", "duration": 2}, {"id": "b", "duration": 3, "after": ["a"]}]})
    >>> calendar = WorkingCalendar()
    >>> network, levels = compile_levelled(plan, calendar, min_level_width=1)
    >>> result = levelled_passes(levels, calendar.number(dt.date(2027, 1, 4)))
    >>> [calendar.day(n).isoformat() for n in result.earliest_start + result.latest_start]
    ['2027-01-04', '2027-01-06', '2027-01-25', '2027-01-27']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from backplan._compiled import compiled as compiled_module
from backplan.calendars import WorkingCalendar
from backplan.graph.order import CycleError
from backplan.graph.refs import action_refs, ref_numbers
from backplan.models import Plan
from backplan.scheduling.flags import PassResult
from backplan.scheduling.network import (
    MILESTONE_RELEASE,
    Network,
    NodeColumns,
    PlanNodes,
    UnsoundPlanError,
    assemble_network,
    node_columns,
    resolve_nodes,
    special_edges,
)
from backplan.scheduling.passes import backward_pass, forward_pass

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]

__all__ = [
    "COMPILED_PRECEDENCE",
    "MIN_LEVEL_WIDTH",
    "MIN_NODES",
    "Edges",
    "Levels",
    "PredecessorView",
    "available",
    "compile_levelled",
    "levelled_passes",
    "numpy_available",
]

#: Plans with fewer nodes are scheduled with the plain loops (as fast there, and no numpy import).
MIN_NODES = 20_000
#: Below this many nodes per level on average, numpy's per-level overhead outweighs the arrays.
MIN_LEVEL_WIDTH = 64

#: The compiled network and passes (``backplan.scheduling._precedence``), or None where the
#: install did not build them.
COMPILED_PRECEDENCE = compiled_module("backplan.scheduling._precedence")

_NO_BOUND = -(2**62)  # a not_before that never binds


def available() -> bool:
    """Whether this engine can run: compiled, or with numpy installed."""
    return COMPILED_PRECEDENCE is not None or numpy_available()


def numpy_available() -> bool:
    """Whether numpy can be imported (the ``fast`` extra)."""
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Levels:
    """A network's arrays for the level-by-level passes.

    Attributes:
        nodes: node numbers, level by level (by number within a level).
        bounds: level ``k`` holds ``nodes[bounds[k]:bounds[k + 1]]``.
        first_edge: per position in ``nodes`` (and one past the end), where that node's incoming
            edges start in ``pred``/``target``/``offset``.
        pred, target, offset: the edges, grouped by target in ``nodes`` order.
        duration, floor, cap: per node: working days, earliest start bound (``not_before``, or a
            number that never binds) and latest finish cap.
        release: per node, its earliest start relative to today when nothing else binds: 0 for
            actions, -1 for milestones (one that waits for nothing is reached the day before).
    """

    nodes: IntArray
    bounds: list[int]
    first_edge: IntArray
    pred: IntArray
    target: IntArray
    offset: IntArray
    duration: IntArray
    floor: IntArray
    cap: IntArray
    release: IntArray


@dataclass(frozen=True, slots=True)
class Edges:
    """A compiled network's edges for the compiled :func:`levelled_passes`.

    Attributes:
        first_edge: per node (and one past the last), where its incoming edges start in
            ``pred`` and ``offset``.
        pred, offset: the edges' predecessors and offsets, grouped by target node.
        network: the network they belong to (durations, bounds and caps).
    """

    first_edge: memoryview
    pred: memoryview
    offset: memoryview
    network: Network


class PredecessorView(Sequence[tuple[tuple[int, list[int]], ...]]):
    """``Network.pred_groups`` read from flat edge arrays: each node's groups are built when asked.

    Node ``i``'s edges are ``start[i]`` to ``end[i] - 1`` of ``pred`` and ``offset`` (numpy
    arrays or int64 memoryviews). Building the groups of every node of a large plan costs more
    than the passes themselves; this engine needs none of them, and results need only a few
    (the critical chain).
    """

    __slots__ = ("_end", "_offset", "_pred", "_start")

    def __init__(
        self, start: IntArray | memoryview, end: IntArray | memoryview,
        pred: IntArray | memoryview, offset: IntArray | memoryview,
    ) -> None:
        self._start, self._end, self._pred, self._offset = start, end, pred, offset

    def __len__(self) -> int:
        return len(self._start)

    @overload
    def __getitem__(self, i: int) -> tuple[tuple[int, list[int]], ...]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[tuple[int, list[int]], ...]]: ...

    def __getitem__(
        self, i: int | slice
    ) -> tuple[tuple[int, list[int]], ...] | list[tuple[tuple[int, list[int]], ...]]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        first, last = int(self._start[i]), int(self._end[i])
        groups: dict[int, list[int]] = {}
        pred: list[int] = self._pred[first:last].tolist()
        offset: list[int] = self._offset[first:last].tolist()
        for p, o in zip(pred, offset, strict=True):
            groups.setdefault(o, []).append(p)
        return tuple(groups.items())

    def __iter__(self) -> Iterator[tuple[tuple[int, list[int]], ...]]:
        return (self[k] for k in range(len(self)))


def compile_levelled(
    plan: Plan,
    calendar: WorkingCalendar,
    *,
    nodes: PlanNodes | None = None,
    min_level_width: int | None = None,
) -> tuple[Network, Levels | Edges] | None:
    """Compile ``plan`` like ``compile_network``, with the arrays for :func:`levelled_passes`:
    :class:`Edges` where the engine is compiled, else numpy's :class:`Levels`.

    Returns None when numpy's network has fewer than ``min_level_width`` (default
    :data:`MIN_LEVEL_WIDTH`) nodes per level on average (a long chain: the plain loops are
    faster there), or when a number is too large for the compiled engine.

    Raises:
        ImportError: the engine is not compiled and numpy is not installed.
        UnsoundPlanError: ids are duplicated or do not resolve; CycleError: the dependencies go
            round in a circle (as ``compile_network``).
    """
    nodes = nodes or resolve_nodes(plan)
    if COMPILED_PRECEDENCE is not None:
        return _compile_edges(plan, calendar, nodes)
    import numpy as np

    ids = nodes.ids
    n, n_actions = len(ids), len(nodes.scheduled)
    afters, numbers, special, dependents = _after_edges(plan, nodes)
    counts = np.fromiter(map(len, afters), dtype=np.int64, count=n_actions)
    pred = np.asarray(numbers, dtype=np.int64)
    lag = np.array(nodes.lag, dtype=np.int64)
    target = np.repeat(np.arange(n_actions, dtype=np.int64), counts)
    offset = np.repeat(lag + 1, counts)
    if special:
        extra = np.array(special, dtype=np.int64).reshape(-1, 3)
        pred, target, offset = _deduplicated(
            np.concatenate((pred, extra[:, 1])), np.concatenate((target, extra[:, 0])),
            np.concatenate((offset, extra[:, 2])), n)

    width = MIN_LEVEL_WIDTH if min_level_width is None else min_level_width
    if width < 1:
        raise ValueError(f"min_level_width must be at least 1, got {width}")
    level = _levels(n, pred, target, max_levels=max(1, n // width))
    if level is None:
        return None
    columns = node_columns(plan, calendar, nodes)
    release = np.zeros(n, dtype=np.int64)
    release[n_actions:] = MILESTONE_RELEASE  # the milestones
    order: list[int] | None = None
    if not bool((pred < target).all()):  # renumber in the canonical level order
        by_level = _stable_argsort(level)
        position = np.empty(n, dtype=np.int64)
        position[by_level] = np.arange(n, dtype=np.int64)
        pred, target, level, release = (
            position[pred], position[target], level[by_level], release[by_level])
        order = by_level.tolist()
    levels = _levels_arrays(level, pred, target, offset, _in_order(columns, order), release)
    indegree = np.diff(levels.first_edge)
    rank = np.empty(n, dtype=np.int64)
    rank[levels.nodes] = np.arange(n, dtype=np.int64)
    view = PredecessorView(levels.first_edge[rank], levels.first_edge[rank] + indegree[rank],
                           levels.pred, levels.offset)
    network = assemble_network(plan, ids, order, view, columns, dependents, nodes.wont)
    return network, levels


def _after_edges(
    plan: Plan, nodes: PlanNodes
) -> tuple[Sequence[tuple[str, ...]], Sequence[int], list[tuple[int, int, int]],
           list[tuple[str, str]]]:
    """What both engines build the edges from: each action's ``after`` ids (none where its
    edges go through ``wont`` actions), their node numbers in one run, the other edges
    (:func:`~backplan.scheduling.network.special_edges`) and the dependencies on ``wont``
    actions.

    Raises:
        UnsoundPlanError: an id does not resolve.
    """
    try:
        special, dependents, bridged = special_edges(plan, nodes)
        afters = nodes.after
        if bridged:  # their after edges are among the special ones
            afters = [() if i in bridged else a for i, a in enumerate(afters)]
        # With no wont actions, actions are numbered as in the plan (milestones after them):
        # the numbers the reference check found serve (when every after names an action).
        refs = None if nodes.wont else action_refs(plan)
        numbers = refs.numbers if refs is not None else ref_numbers(nodes.index, afters,
                                                                    order=False)[0]
    except KeyError as missing:
        raise UnsoundPlanError(f"unknown id {missing}") from None
    return afters, numbers, special, dependents


def _compile_edges(
    plan: Plan, calendar: WorkingCalendar, nodes: PlanNodes
) -> tuple[Network, Edges] | None:
    """:func:`compile_levelled` with the compiled engine."""
    assert COMPILED_PRECEDENCE is not None
    afters, pred, special, dependents = _after_edges(plan, nodes)
    try:
        compiled = COMPILED_PRECEDENCE.compile(len(nodes.ids), afters, pred, nodes.lag, special)
    except OverflowError:  # numbers beyond the compiled engine's range: the plain loops
        return None
    if compiled is None:
        raise CycleError("the dependencies have a cycle; run backplan.validate_plan to name it")
    order, first_edge, edge_pred, edge_offset = (
        compiled[0], *(memoryview(b).cast("q") for b in compiled[1:]))
    view = PredecessorView(first_edge[:-1], first_edge[1:], edge_pred, edge_offset)
    network = assemble_network(plan, nodes.ids, order, view, node_columns(plan, calendar, nodes),
                               dependents, nodes.wont)
    return network, Edges(first_edge, edge_pred, edge_offset, network)


def _in_order(
    columns: NodeColumns, order: list[int] | None
) -> tuple[list[int], list[int | None], list[int]]:
    """Duration, not_before and cap columns in ``order`` (None: as they are)."""
    if order is None:
        return columns.duration, columns.not_before, columns.cap
    return ([columns.duration[i] for i in order], [columns.not_before[i] for i in order],
            [columns.cap[i] for i in order])


def _deduplicated(
    pred: IntArray, target: IntArray, offset: IntArray, n: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Each ``(target, predecessor)`` edge once, with its largest offset; sorted by target,
    then predecessor."""
    import numpy as np

    key = target * n + pred
    order = np.lexsort((-offset, key))
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = key[order][1:] != key[order][:-1]
    chosen = order[keep]
    return pred[chosen], target[chosen], offset[chosen]


def _stable_argsort(level: IntArray) -> IntArray:
    """``numpy.argsort(level, kind="stable")``; levels below 2**15 as 16-bit numbers, which
    numpy sorts by radix (about ten times faster)."""
    import numpy as np

    if len(level) and int(level.max()) < 2**15:
        return np.argsort(level.astype(np.int16), kind="stable")
    return np.argsort(level, kind="stable")


def _levels(n: int, pred: IntArray, target: IntArray, *, max_levels: int) -> IntArray | None:
    """Each node's level (Kahn's algorithm, a whole frontier at a time); None past
    ``max_levels`` levels.

    Raises:
        CycleError: some nodes are never freed.
    """
    import numpy as np

    remaining = np.bincount(target, minlength=n)
    by_pred = np.argsort(pred)  # any order within a node's successors will do
    successors = target[by_pred]
    out_count = np.bincount(pred, minlength=n)
    out_first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(out_count, out=out_first[1:])
    level = np.zeros(n, dtype=np.int64)
    frontier = np.flatnonzero(remaining == 0)
    placed, depth = 0, 0
    while frontier.size:
        if depth == max_levels:
            return None
        level[frontier] = depth
        placed += frontier.size
        depth += 1
        counts = out_count[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        ends = np.cumsum(counts)
        edges = np.repeat(out_first[frontier] - (ends - counts), counts) + np.arange(total)
        freed = successors[edges]
        np.subtract.at(remaining, freed, 1)
        frontier = _distinct(freed[remaining[freed] == 0])
    if placed != n:
        raise CycleError("the dependencies have a cycle; run backplan.validate_plan to name it")
    return level


def _distinct(values: IntArray) -> IntArray:
    """The distinct values, sorted: ``numpy.unique`` without the import of ``numpy.ma`` that it
    costs on first use (20 ms, a tenth of scheduling 100,000 actions).

    Example:
        >>> import numpy as np
        >>> _distinct(np.array([3, 1, 3, 2, 1])).tolist()
        [1, 2, 3]
    """
    import numpy as np

    ordered = np.sort(values)
    first = np.empty(ordered.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _levels_arrays(
    level: IntArray, pred: IntArray, target: IntArray, offset: IntArray,
    columns: tuple[list[int], list[int | None], list[int]], release: IntArray,
) -> Levels:
    """Sort nodes by level and edges by target in that order (``target`` must be ascending
    within each level, as the compile leaves it)."""
    import numpy as np

    n = len(level)
    nodes = _stable_argsort(level)
    rank = np.empty(n, dtype=np.int64)
    rank[nodes] = np.arange(n, dtype=np.int64)
    # The edges come sorted by target, and within a level the nodes are in number order, so a
    # stable sort by the target's level groups them by target in ``nodes`` order (a radix sort).
    by_target = _stable_argsort(level[target])
    first_edge = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rank[target], minlength=n), out=first_edge[1:])
    width = np.bincount(level)
    bounds = np.zeros(len(width) + 1, dtype=np.int64)
    np.cumsum(width, out=bounds[1:])
    duration, not_before, cap = columns
    floor = np.array([_NO_BOUND if b is None else b for b in not_before], dtype=np.int64)
    return Levels(
        nodes=nodes, bounds=bounds.tolist(), first_edge=first_edge, pred=pred[by_target],
        target=target[by_target], offset=offset[by_target],
        duration=np.array(duration, dtype=np.int64), floor=floor,
        cap=np.array(cap, dtype=np.int64), release=release,
    )


def levelled_passes(levels: Levels | Edges, today: int) -> PassResult:
    """Both passes from working day ``today``, with the same results as
    :func:`~backplan.scheduling.passes.forward_pass` and ``backward_pass``."""
    if isinstance(levels, Edges):
        return _compiled_passes(levels, today)
    import numpy as np

    nodes, bounds, first_edge = levels.nodes, levels.bounds, levels.first_edge
    pred, target, offset, duration = levels.pred, levels.target, levels.offset, levels.duration
    earliest_start = np.maximum(levels.floor, today + levels.release)
    earliest_finish = earliest_start + duration - 1
    for k in range(1, len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        edge_a, edge_b = int(first_edge[a]), int(first_edge[b])
        at = nodes[a:b]
        start = np.maximum.reduceat(earliest_finish[pred[edge_a:edge_b]] + offset[edge_a:edge_b],
                                    first_edge[a:b] - edge_a)
        np.maximum(start, earliest_start[at], out=start)
        earliest_start[at] = start
        earliest_finish[at] = start + duration[at] - 1
    latest_finish = levels.cap.copy()
    latest_start = np.empty_like(latest_finish)
    for k in range(len(bounds) - 2, -1, -1):
        a, b = bounds[k], bounds[k + 1]
        at = nodes[a:b]
        latest_start[at] = latest_finish[at] - duration[at] + 1
        edge_a, edge_b = int(first_edge[a]), int(first_edge[b])
        if edge_b > edge_a:
            np.minimum.at(latest_finish, pred[edge_a:edge_b],
                          latest_start[target[edge_a:edge_b]] - offset[edge_a:edge_b])
    driving = earliest_finish[pred] + offset == earliest_start[target]
    binding = (latest_start[target] - offset == latest_finish[pred]) & (
        latest_finish[pred] != levels.cap[pred])
    return PassResult(
        today, earliest_start.tolist(), earliest_finish.tolist(), latest_start.tolist(),
        latest_finish.tolist(), (latest_start - earliest_start).tolist(),
        drivers=_lowest(target[driving], pred[driving], len(duration)),
        binding_successors=_lowest(pred[binding], target[binding], len(duration)),
    )


def _compiled_passes(edges: Edges, today: int) -> PassResult:
    """:func:`levelled_passes` with the compiled engine (the plain loops for dates beyond its
    range, which the calendar then refuses)."""
    assert COMPILED_PRECEDENCE is not None
    network = edges.network
    try:
        columns = COMPILED_PRECEDENCE.passes(
            edges.first_edge, edges.pred, edges.offset, network.duration, network.not_before,
            network.cap, network.is_action, today, MILESTONE_RELEASE)
    except OverflowError:
        return PassResult.from_passes(today, forward_pass(network, today), backward_pass(network))
    earliest_start, earliest_finish, latest_start, latest_finish, slack, drivers, binding = columns
    return PassResult(today, earliest_start, earliest_finish, latest_start, latest_finish, slack,
                      drivers=drivers, binding_successors=binding)


def _lowest(at: IntArray, values: IntArray, n: int) -> Sequence[int | None]:
    """Per node ``0..n-1``, the lowest of ``values`` where ``at`` is that node, else None."""
    import numpy as np

    lowest = np.full(n, n, dtype=np.int64)
    np.minimum.at(lowest, at, values)
    return _NodeOrNone(lowest.tolist(), n)


class _NodeOrNone(Sequence[int | None]):
    """A list of node numbers in which ``none`` stands for None (read one at a time, mostly)."""

    __slots__ = ("_none", "_values")

    def __init__(self, values: list[int], none: int) -> None:
        self._values, self._none = values, none

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, i: int) -> int | None: ...

    @overload
    def __getitem__(self, i: slice) -> list[int | None]: ...

    def __getitem__(self, i: int | slice) -> int | list[int | None] | None:
        if isinstance(i, slice):
            return [None if v == self._none else v for v in self._values[i]]
        v = self._values[i]
        return None if v == self._none else v

    def __iter__(self) -> Iterator[int | None]:
        none = self._none
        return (None if v == none else v for v in self._values)
