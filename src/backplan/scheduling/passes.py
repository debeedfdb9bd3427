"""The two CPM passes over a :class:`~backplan.scheduling.network.Network`, in working-day numbers.

Forward (earliest, from today) and backward (latest, from the caps). Plain integer loops over
lists: no networkx, no dates. ``durations`` is passed in so that risk simulation and capacity
levelling can rerun the passes with other durations.
"""

from __future__ import annotations

from collections.abc import Sequence

from backplan.scheduling.network import Network

__all__ = ["backward_pass", "forward_pass"]


def forward_pass(
    network: Network, today: int, durations: Sequence[int] | None = None
) -> tuple[list[int], list[int]]:
    """Earliest start and finish numbers of every node, starting no earlier than ``today``."""
    duration = network.duration if durations is None else durations
    preds, not_before = network.preds, network.not_before
    n = len(preds)
    earliest_start = [0] * n
    earliest_finish = [0] * n
    for i in network.order:
        start = today
        bound = not_before[i]
        if bound is not None and bound > start:
            start = bound
        for p, offset in preds[i]:
            value = earliest_finish[p] + offset
            if value > start:
                start = value
        earliest_start[i] = start
        earliest_finish[i] = start + duration[i] - 1
    return earliest_start, earliest_finish


def backward_pass(
    network: Network, durations: Sequence[int] | None = None
) -> tuple[list[int], list[int]]:
    """Latest start and finish numbers of every node, as late as the caps and successors allow."""
    duration = network.duration if durations is None else durations
    succs, cap = network.succs, network.cap
    n = len(succs)
    latest_start = [0] * n
    latest_finish = [0] * n
    for i in reversed(network.order):
        finish = cap[i]
        for s, offset in succs[i]:
            value = latest_start[s] - offset
            if value < finish:
                finish = value
        latest_finish[i] = finish
        latest_start[i] = finish - duration[i] + 1
    return latest_start, latest_finish
