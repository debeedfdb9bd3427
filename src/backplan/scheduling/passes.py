"""The two CPM passes over a :class:`~backplan.scheduling.network.Network`, in working-day numbers.

Forward (earliest, from today) and backward (latest, from the caps). Plain integer loops over
lists in topological order: no networkx, no dates. ``durations`` may be given so that risk
simulation and capacity levelling can rerun the passes with other durations.

Example:
    >>> from backplan.calendars import WorkingCalendar
    >>> from backplan.models import Plan
    >>> from backplan.scheduling import compile_network
    >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"}, "actions": [
    ...     {"id": "a", "duration": 2}, {"id": "b", "duration": 3, "after": ["a"]}]})
    >>> calendar = WorkingCalendar()
    >>> network = compile_network(plan, calendar)
    >>> today = calendar.number(dt.date(2027, 1, 4))
    >>> earliest_start, _ = forward_pass(network, today)
    >>> latest_start, _ = backward_pass(network)
    >>> [calendar.day(n).isoformat() for n in earliest_start + latest_start]
    ['2027-01-04', '2027-01-06', '2027-01-25', '2027-01-27']
"""

from __future__ import annotations

import datetime as dt  # noqa: F401  (used by the doctest)
from collections.abc import Sequence

from backplan.scheduling.network import MILESTONE_RELEASE, Network

__all__ = ["backward_pass", "forward_pass"]


def forward_pass(
    network: Network, today: int, durations: Sequence[int] | None = None
) -> tuple[list[int], list[int]]:
    """Earliest start and finish numbers of every node, starting no earlier than ``today``.

    A milestone that waits for nothing is reached the working day before ``today`` (it is no
    work: what comes after it may start today).
    """
    duration = network.duration if durations is None else durations
    n = len(duration)
    earliest_start = [0] * n
    earliest_finish = [0] * n
    finish_of = earliest_finish.__getitem__
    not_before, is_action = network.not_before, network.is_action
    milestone_release = today + MILESTONE_RELEASE
    for i, groups in enumerate(network.pred_groups):
        start = today if is_action[i] else milestone_release
        bound = not_before[i]
        if bound is not None and bound > start:
            start = bound
        for offset, nodes in groups:
            value = max(map(finish_of, nodes)) + offset
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
    n = len(duration)
    latest_finish = list(network.cap)
    latest_start = [0] * n
    groups_of = network.pred_groups
    for i in range(n - 1, -1, -1):
        start = latest_finish[i] - duration[i] + 1
        latest_start[i] = start
        for offset, nodes in groups_of[i]:
            value = start - offset
            for p in nodes:
                if value < latest_finish[p]:
                    latest_finish[p] = value
    return latest_start, latest_finish
