"""Topological order over integer nodes: level by level, with a fast path for sorted input.

The order is canonical: nodes by *level* (a node without predecessors is on level 0, any other
one level above its highest predecessor), and by number within a level. The vectorized engine
(:mod:`backplan.scheduling.vectorized`) numbers nodes the same way, so both give the same result.

Example:
    >>> topological_order([[], [0], [1]]) is None        # 0, 1, 2 is already in order
    True
    >>> topological_order([[2], [], [1]])
    [1, 2, 0]
    >>> topological_order([[3], [], [1], []])            # levels: 1 and 3, then 2 and 0
    [1, 3, 0, 2]
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CycleError", "topological_order"]


class CycleError(ValueError):
    """The dependencies go round in a circle (name it with :func:`backplan.plan_problems`)."""


def topological_order(preds: Sequence[Sequence[int]]) -> list[int] | None:
    """A topological order of nodes ``0..n-1`` given each node's predecessors: by level, then
    by number.

    Returns None when ``0..n-1`` already is one (every predecessor has a smaller number).

    Raises:
        CycleError: there is no topological order.
    """
    if all(not p or max(p) < i for i, p in enumerate(preds)):
        return None
    n = len(preds)
    indegree = [len(p) for p in preds]
    succs: list[list[int]] = [[] for _ in range(n)]
    for i, p in enumerate(preds):
        for q in p:
            succs[q].append(i)
    level = [i for i in range(n) if indegree[i] == 0]
    order: list[int] = []
    while level:
        order += level
        following = []
        for node in level:
            for nxt in succs[node]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    following.append(nxt)
        level = sorted(following)
    if len(order) != n:
        raise CycleError("the dependencies have a cycle; run backplan.validate_plan to name it")
    return order
