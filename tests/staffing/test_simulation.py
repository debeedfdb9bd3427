"""Erlang C and A against a brute-force simulation of the queue, contact by contact.

The simulation knows no formula: Poisson arrivals, exponential handle times (and patiences), first
come first served on ``agents`` servers. Each contact takes the agent who frees up first; its wait
is how long until then, unless its patience runs out first (then it leaves and takes nobody's
time). Seeded, so every run gives the same figures. Each measure must lie within 4 standard
errors (batch means over 20 batches, after a warm-up) of the formula, and the run must be long
enough for those errors to be small. The default run is short; ``-m slow`` runs two million
contacts per case.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
from dataclasses import dataclass

import pytest

from backplan.staffing import queue_performance, required_staffing

MEASURES = ("service_level", "asa_seconds", "wait_probability", "abandon_probability", "occupancy")


@dataclass(frozen=True)
class Simulated:
    """Each measure over the whole run, and its standard error by batch means."""

    value: dict[str, float]
    error: dict[str, float]


def simulate(*, agents: int, volume: float, interval_seconds: float, aht_seconds: float,
             answer_seconds: float, patience_seconds: float | None = None, contacts: int,
             seed: int, batches: int = 20) -> Simulated:
    rng = random.Random(seed)
    rate, free = volume / interval_seconds, [0.0] * agents
    warm_up, per_batch = contacts // 50, contacts // batches
    # per batch: contacts, answered in time, waited, answered, abandoned, wait of answered, busy
    sums = [[0.0] * 7 for _ in range(batches)]
    clock = [0.0] * (batches + 1)
    now = 0.0
    for k in range(warm_up + per_batch * batches):
        now += rng.expovariate(rate)
        wait = max(0.0, free[0] - now)
        patience = rng.expovariate(1 / patience_seconds) if patience_seconds else None
        handle = rng.expovariate(1 / aht_seconds)
        gives_up = patience is not None and wait > patience
        if not gives_up:
            heapq.heapreplace(free, now + wait + handle)
        if k < warm_up:
            clock[0] = now
            continue
        batch = (k - warm_up) // per_batch
        clock[batch + 1] = now
        row = sums[batch]
        row[0] += 1
        row[2] += wait > 0
        if gives_up:
            row[4] += 1
        else:
            row[1] += wait <= answer_seconds
            row[3] += 1
            row[5] += wait
            row[6] += handle

    def measures(row: list[float], seconds: float) -> dict[str, float]:
        return {"service_level": row[1] / row[0], "asa_seconds": row[5] / max(row[3], 1),
                "wait_probability": row[2] / row[0], "abandon_probability": row[4] / row[0],
                "occupancy": row[6] / (agents * seconds)}

    total = [sum(column) for column in zip(*sums, strict=True)]
    value = measures(total, clock[-1] - clock[0])
    each = [measures(row, clock[b + 1] - clock[b]) for b, row in enumerate(sums)]
    error = {name: statistics.stdev(m[name] for m in each) / math.sqrt(batches)
             for name in MEASURES}
    return Simulated(value, error)


def assert_agrees(agents: int, *, volume: float, aht: float, answer: float,
                  patience: float | None, contacts: int, seed: int, precision: float) -> None:
    """Every measure within 4 standard errors of the formula; the run must be long enough that
    a standard error is below ``precision`` (ASA: ``precision`` x AHT) so that this can fail."""
    model = queue_performance(agents, volume=volume, interval_seconds=1800.0, aht_seconds=aht,
                              target_answer_seconds=answer, patience_seconds=patience)
    run = simulate(agents=agents, volume=volume, interval_seconds=1800.0, aht_seconds=aht,
                   answer_seconds=answer, patience_seconds=patience, contacts=contacts, seed=seed)
    for name in MEASURES:
        scale = aht if name == "asa_seconds" else 1.0
        assert run.error[name] <= precision * scale, (name, run.error[name])
        assert abs(run.value[name] - getattr(model, name)) <= 4 * run.error[name] + 1e-9 * scale, (
            name, run.value[name], getattr(model, name), run.error[name])


def test_the_published_example_agrees_with_a_simulation() -> None:
    s = required_staffing(100, interval_seconds=1800, aht_seconds=180, target_service_level=0.8,
                          target_answer_seconds=20, shrinkage=0.3, max_occupancy=0.85)
    assert_agrees(s.agents, volume=100, aht=180, answer=20, patience=None, contacts=80_000,
                  seed=1, precision=0.015)


def test_erlang_a_agrees_with_a_simulation() -> None:
    assert_agrees(12, volume=100, aht=180, answer=20, patience=90, contacts=80_000, seed=2,
                  precision=0.015)


@pytest.mark.slow
@pytest.mark.parametrize(("agents", "volume", "aht", "answer", "patience"), [
    (14, 100, 180, 20, None),       # the published example
    (13, 100, 180, 20, None),       # one agent fewer: misses 80/20
    (108, 2_000, 90, 20, None),     # 100 Erlangs
    (3, 12, 300, 30, None),         # a small team
    (12, 100, 180, 20, 90),         # Erlang A
    (9, 100, 180, 20, 60),          # Erlang A, overloaded: abandonment keeps the queue finite
    (95, 2_000, 90, 20, 120),       # Erlang A, large
])
def test_long_simulations_agree_closely(agents: int, volume: float, aht: float, answer: float,
                                        patience: float | None) -> None:
    assert_agrees(agents, volume=volume, aht=aht, answer=answer, patience=patience,
                  contacts=2_000_000, seed=agents, precision=0.008)
