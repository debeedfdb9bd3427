"""The search behind the capacity-levelled schedule: among priority lists, each decoded and
justified by :class:`~backplan.scheduling.levelling_engine.Engine`.

A steady-state genetic algorithm (two-point crossover of activity lists, Hartmann 1998, and a
stretch of the list reshuffled now and then) searches among lists, seeded by regret-based
biased random sampling on latest-finish priorities. It stops at a lower bound (the
precedence-only schedule), after a budget of decoded schedules (by the network's size, see
:func:`default_iterations`), or when the best has not improved for half the budget. Everything is
seeded.

:mod:`backplan.scheduling.levelling` builds the results from what this module finds.

Example:
    >>> default_iterations(30)
    1500
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import random

from backplan.scheduling.levelling_engine import Decoded, Engine

__all__ = ["default_iterations", "search"]


#: Schedules the search decodes by default: ``_MOST`` at ``_FULL`` nodes; fewer for smaller
#: networks (their lists converge sooner), at least ``_FEW``; fewer beyond (a decode takes time
#: in proportion to the nodes), at least ``_LEAST``.
_MOST, _FULL, _FEW, _LEAST = 5000, 120, 1500, 12


def default_iterations(n_nodes: int) -> int:
    """How many schedules the search decodes by default for a network of ``n_nodes`` nodes:
    ``5000 * n_nodes / 120`` up to 120 nodes, at least 1,500; then ``5000 * (120 / n_nodes)
    ** 2`` (a big plan gets its latest-finish schedule justified and a few samples), at
    least 12.

    Example:
        >>> default_iterations(30), default_iterations(60), default_iterations(120)
        (1500, 2500, 5000)
        >>> default_iterations(500), default_iterations(2000), default_iterations(5000)
        (288, 18, 12)
    """
    if n_nodes <= _FULL:
        return max(_FEW, _MOST * n_nodes // _FULL)
    return max(_LEAST, int(_MOST * (_FULL / n_nodes) ** 2))


def _cpm(engine: Engine) -> tuple[list[int], list[int], tuple[int, int]]:
    """Precedence-only tau schedule: earliest tau finish, latest tau finish, lower bound."""
    p = engine.p
    n = engine.n
    dur = p.nominal
    tf = [0] * n
    for i in range(n - 1, -1, -1):  # tau topological order
        s = p.release[i]
        for q, o in p.tpreds[i]:
            v = tf[q] + o
            if v > s:
                s = v
        tf[i] = s + dur[i] - 1
    horizon = max(tf, default=0)
    lf = [horizon] * n
    for i in range(n):
        f = horizon
        for q, o in p.tsuccs[i]:
            v = lf[q] - dur[q] + 1 - o
            if v < f:
                f = v
        lf[i] = f
    return tf, lf, engine.score(tf)


def _sample(engine: Engine, priority: list[int], rng: random.Random | None) -> list[int]:
    """A precedence-feasible list: lowest ``priority`` first, or regret-biased random picks
    (each eligible node weighted by how much lower its priority is than the highest one's,
    plus one)."""
    p = engine.p
    n = engine.n
    waiting = [len(p.tpreds[i]) for i in range(n)]
    out: list[int] = []
    if rng is None:
        heap = [(priority[i], i) for i in range(n) if waiting[i] == 0]
        heapq.heapify(heap)
        while heap:
            _, i = heapq.heappop(heap)
            out.append(i)
            for q, _ in p.tsuccs[i]:
                waiting[q] -= 1
                if not waiting[q]:
                    heapq.heappush(heap, (priority[q], q))
        return out
    eligible = [i for i in range(n - 1, -1, -1) if waiting[i] == 0]
    values = [priority[i] for i in eligible]
    random_ = rng.random
    while eligible:
        top = max(values) + 1
        cumulative = list(itertools.accumulate([top - v for v in values]))
        k = bisect.bisect_right(cumulative, random_() * cumulative[-1])
        if k == len(eligible):
            k -= 1
        i = eligible.pop(k)
        del values[k]
        out.append(i)
        for q, _ in p.tsuccs[i]:
            waiting[q] -= 1
            if not waiting[q]:
                eligible.append(q)
                values.append(priority[q])
    return out


def _crossover(mother: list[int], father: list[int], rng: random.Random) -> list[int]:
    """Two-point crossover of activity lists (Hartmann 1998): stays precedence-feasible."""
    n = len(mother)
    a = rng.randrange(n + 1)
    b = rng.randrange(a, n + 1)
    head = mother[:a]
    taken = set(head)
    middle = [x for x in father if x not in taken][:b - a]
    taken.update(middle)
    return head + middle + [x for x in mother if x not in taken]


def _reshuffle(engine: Engine, order: list[int], rng: random.Random) -> list[int]:
    """``order`` with a random stretch of about a tenth of it put in a random order that keeps
    the precedences among its nodes (so the whole list keeps them)."""
    n = len(order)
    width = min(n, max(4, n // 10))
    a = rng.randrange(n - width + 1)
    stretch = order[a:a + width]
    tsuccs = engine.p.tsuccs
    waiting = dict.fromkeys(stretch, 0)  # tau predecessors inside the stretch, not yet out
    for x in stretch:
        for q, _ in tsuccs[x]:
            if q in waiting:
                waiting[q] += 1
    eligible = [x for x in stretch if not waiting[x]]
    out: list[int] = []
    random_ = rng.random
    while eligible:
        x = eligible.pop(int(random_() * len(eligible)))
        out.append(x)
        for q, _ in tsuccs[x]:
            if q in waiting:
                waiting[q] -= 1
                if not waiting[q]:
                    eligible.append(q)
    return order[:a] + out + order[a + width:]


_POPULATION = 30
_RESHUFFLE = 0.5  # chance that a child also gets a stretch reshuffled
_PATIENCE = 0.5  # share of the budget the best may go without improving

#: A schedule's rank: its score, then the sum of its tau finishes (among schedules of one
#: score, the one whose work starts closer to the due date in sum ranks first: a tau finish
#: is the due date's number less the real start's).
_Rank = tuple[tuple[int, int], int]


def _worst(population: list[tuple[_Rank, list[int]]]) -> int:
    """Where the population's worst list is (of equal ranks, the last)."""
    return max(range(len(population)), key=lambda k: (population[k][0], k))


def search(engine: Engine, rng: random.Random, budget: int) -> list[int]:
    """The best activity list found within ``budget`` decoded schedules.

    The latest-finish list first; then a population seeded by regret-biased sampling; then a
    steady-state genetic algorithm: two parents by binary tournament, two-point crossover,
    sometimes a reshuffled stretch; a child that is new and ranks no worse than the worst
    replaces it. Every list is decoded and justified by one right-left round of
    :meth:`Engine.justify` (schedules met again are remembered); a child that repeats a list
    of the population is reshuffled, or else dropped undecoded. Schedules rank by their score,
    then by the sum of their tau finishes (ties are common; the sum tells compact schedules
    apart). Stops at the precedence-only bound, at the budget, or when the best has not
    improved for half the budget.
    """
    n = engine.n
    if n == 0:
        return []
    _, lf, bound = _cpm(engine)
    capacity_free = not any(engine.p.demand) and not engine.has_effort
    memo: dict[tuple[int, ...], tuple[Decoded, tuple[int, int]]] = {}

    def evaluate(order: list[int]) -> tuple[_Rank, list[int]]:
        result = engine.decode(order)
        score = engine.score(result.tf)
        if score > bound:
            result, score = engine.justify(result, score, memo, rounds=1)
        return (score, sum(result.tf)), engine.as_list(result)

    best_rank, best = evaluate(_sample(engine, lf, None))
    if capacity_free or best_rank[0] <= bound or engine.count >= budget:
        return best
    population = [(best_rank, best)]
    patience = max(200, int(budget * _PATIENCE))
    last_gain = engine.count
    while len(population) < _POPULATION and engine.count < budget:
        rank, order = evaluate(_sample(engine, lf, rng))
        population.append((rank, order))
        if rank < best_rank:
            best_rank, best, last_gain = rank, order, engine.count
            if best_rank[0] <= bound:
                return best
    seen = {tuple(order) for _, order in population}
    worst = _worst(population)
    random_ = rng.random
    idle = 0  # children dropped undecoded: bounded, so a population of copies ends too
    while engine.count < budget and engine.count - last_gain < patience and idle < budget:
        size = len(population)
        a, b, c, d = (int(random_() * size) for _ in range(4))
        mother = population[a if population[a][0] <= population[b][0] else b][1]
        father = population[c if population[c][0] <= population[d][0] else d][1]
        child = _crossover(mother, father, rng)
        if random_() < _RESHUFFLE or tuple(child) in seen:
            child = _reshuffle(engine, child, rng)
            if tuple(child) in seen:
                idle += 1
                continue
        rank, order = evaluate(child)
        key = tuple(order)
        if key in seen:
            continue
        if rank <= population[worst][0]:
            seen.discard(tuple(population[worst][1]))
            population[worst] = (rank, order)
            seen.add(key)
            worst = _worst(population)
        if rank < best_rank:
            best_rank, best, last_gain = rank, order, engine.count
            if best_rank[0] <= bound:
                break
    return best
