"""Independent tasks run in this process, on a local Dask cluster, or on an existing one.

Only what is independent runs here (each task a pure function of its input): the order of the
results is the order of the inputs whatever the number of workers, so the same inputs give the
same answer. ``dask.distributed`` is an optional extra (``pip install "backplan[distributed]"``),
imported only when a cluster is asked for.

Example:
    >>> run_tasks(abs, [-1, 2, -3])
    [1, 2, 3]
    >>> balanced([5, 1, 4, 2, 3], 2)
    [[0, 3, 1], [2, 4]]
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from backplan.errors import require

__all__ = ["balanced", "run_tasks"]

T = TypeVar("T")
R = TypeVar("R")


def balanced(costs: Sequence[float], parts: int) -> list[list[int]]:
    """The indexes of ``costs`` split into at most ``parts`` groups of about equal total cost:
    largest first, each to the lightest group so far (ties: the first); empty groups dropped."""
    groups: list[list[int]] = [[] for _ in range(max(1, parts))]
    totals = [0.0] * len(groups)
    for i in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        g = min(range(len(groups)), key=lambda g: (totals[g], g))
        groups[g].append(i)
        totals[g] += costs[i]
    return [group for group in groups if group]


def _unpacked(packed: bytes) -> Any:
    """Run a task packed by :func:`run_tasks` (on a worker)."""
    function, task = pickle.loads(packed)
    return function(task)


def run_tasks(
    function: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int | None = None,
    scheduler_address: str | None = None,
) -> list[R]:
    """``[function(task) for task in tasks]``, here or on a Dask cluster.

    Args:
        function: a module-level function (workers import it by name).
        tasks: its inputs (sent to the workers: they must pickle).
        workers: start a local cluster of this many worker processes (one thread each) for
            these tasks, and close it after. None (and no address): run here.
        scheduler_address: the address of a running Dask scheduler to use instead.

    Raises:
        MissingExtraError: ``dask.distributed`` is not installed.
        ValueError: both ``workers`` and ``scheduler_address``, or fewer than one worker.
    """
    if workers is not None and scheduler_address is not None:
        raise ValueError("give workers (a local cluster) or scheduler_address (an existing "
                         "one), not both")
    if workers is None and scheduler_address is None:
        return [function(task) for task in tasks]
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    distributed = require("distributed", extra="distributed",
                          feature="running on a Dask cluster (--workers, --scheduler)")
    cluster: Any = None
    if scheduler_address is None:
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
    else:
        client = distributed.Client(scheduler_address)
    try:
        # Each task goes as one pickled blob: Dask would otherwise walk every argument looking
        # for futures inside, which costs more than the work for plans of many actions. Each
        # is sent as soon as it is packed, so the workers start while the rest are packed.
        futures = [client.submit(_unpacked, pickle.dumps((function, task),
                                                         protocol=pickle.HIGHEST_PROTOCOL),
                                 pure=False)
                   for task in tasks]
        return list(client.gather(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
