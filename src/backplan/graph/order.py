"""Topological order over integer nodes: Kahn's algorithm, with a fast path for sorted input.

Example:
    >>> topological_order([[], [0], [1]]) is None        # 0, 1, 2 is already in order
    True
    >>> topological_order([[2], [], [1]])
    [1, 2, 0]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

__all__ = ["CycleError", "topological_order"]


class CycleError(ValueError):
    """The dependencies go round in a circle (name it with :func:`backplan.plan_problems`)."""


def topological_order(preds: Sequence[Sequence[int]]) -> list[int] | None:
    """A topological order of nodes ``0..n-1`` given each node's predecessors.

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
    ready = deque(i for i in range(n) if indegree[i] == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for nxt in succs[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    if len(order) != n:
        raise CycleError("the dependencies have a cycle; run backplan.validate_plan to name it")
    return order
