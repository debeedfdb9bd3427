"""The levelled search's engine against the rules it implements, on random plans with people.

Checked independently of the engine's own arrays: a decoded schedule books nobody beyond their
hours on any day and keeps every precedence; it books exactly what the plain serial
schedule-generation scheme (written out here, day by day, in seconds) books, whether a person's
capacity is held in bytes or in a list, and also when people have days with other hours than
their usual ones; justification never makes a schedule worse; each person's queue in the
levelled order reaches the same actions as every conflicting pair; the search returns a
precedence-feasible order of all nodes, the same for the same seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backplan
from backplan.calendars import plan_calendar
from backplan.models import Plan
from backplan.scheduling.levelling_engine import Decoded, Engine, LevellingProblem, NoRoom
from backplan.scheduling.levelling_flags import closure, levelled_predecessors
from backplan.scheduling.levelling_search import default_iterations, search
from backplan.scheduling.network import compile_network
from strategies import people_plan_dicts, todays

Booking = tuple[int, int, int, int]  # node, person, tau day, seconds


def problem_of(plan: Plan, today: dt.date) -> LevellingProblem:
    calendar = plan_calendar(plan, today=today)
    return LevellingProblem(plan, compile_network(plan, calendar), calendar, today)


def random_order(problem: LevellingProblem, rng: random.Random) -> list[int]:
    """A random order of the nodes in which every tau predecessor comes first."""
    waiting = [len(problem.tpreds[i]) for i in range(problem.n)]
    ready = [i for i in range(problem.n) if not waiting[i]]
    out: list[int] = []
    while ready:
        i = ready.pop(rng.randrange(len(ready)))
        out.append(i)
        for q, _ in problem.tsuccs[i]:
            waiting[q] -= 1
            if not waiting[q]:
                ready.append(q)
    return out


def plain_decode(problem: LevellingProblem, order: list[int]) -> tuple[list[int], list[int],
                                                                        list[Booking]]:
    """The serial schedule-generation scheme, day by day in seconds: each node at the first
    day its tau predecessors and release allow where its people have the hours (NoRoom if
    that is beyond ``k_limit``)."""
    end = problem.k_limit
    free = problem.availability(0, end)
    n = problem.n
    ts, tf = [0] * n, [0] * n
    bookings: list[Booking] = []
    for i in order:
        s = max([problem.release[i], *(tf[q] + o for q, o in problem.tpreds[i])])
        work = problem.effort[i]
        if work is None:
            d, parts = problem.nominal[i], problem.demand[i]
            while any(free[r][u] < a for r, a in parts for u in range(s, s + d)):
                s += 1
                if parts and s + d > end:
                    raise NoRoom(i)
            for r, a in parts:
                for u in range(s, s + d):
                    free[r][u] -= a
                    bookings.append((i, r, u, a))
            ts[i], tf[i] = s, s + d - 1
            continue
        left, parts = work
        while not any(free[r][s] for r, _ in parts):
            s += 1
            if s >= end:
                raise NoRoom(i)
        u = s
        while left:
            if u >= end:
                raise NoRoom(i)
            for r, cap in parts:
                take = min(cap, free[r][u], left)
                if take:
                    free[r][u] -= take
                    left -= take
                    bookings.append((i, r, u, take))
            u += 1
        ts[i], tf[i] = s, u - 1
    return ts, tf, bookings


def assert_decoded_rules(problem: LevellingProblem, result: Decoded) -> None:
    """Nobody over their hours on any tau day; every precedence and release kept; fixed work
    on each of its days, effort booked in full."""
    ts, tf = result.ts, result.tf
    for j in range(problem.n):
        assert ts[j] >= problem.release[j]
        assert tf[j] >= ts[j]
        for q, o in problem.tpreds[j]:
            assert ts[j] >= tf[q] + o, (q, j, o)
    top = max([*tf, 0]) + 1
    have = problem.availability(0, top)
    used: dict[tuple[int, int], int] = defaultdict(int)
    per_node: dict[int, int] = defaultdict(int)
    for i, r, u, seconds in result.bookings:
        assert ts[i] <= u <= tf[i]
        assert seconds > 0
        used[(r, u)] += seconds
        per_node[i] += seconds
    for (r, u), seconds in used.items():
        assert seconds <= have[r][u], f"person {r} over their hours on tau day {u}"
    for i in range(problem.n):
        work = problem.effort[i]
        if work is not None:
            assert per_node[i] == work[0]
        else:
            assert tf[i] - ts[i] + 1 == problem.nominal[i]
            assert per_node[i] == problem.nominal[i] * sum(a for _, a in problem.demand[i])


class HalfDays(LevellingProblem):
    """Every third day each person has a third of their hours less (not a whole unit)."""

    def availability(self, k0: int, k1: int) -> list[list[int]]:
        rows = super().availability(k0, k1)
        return [[x - x // 3 - 1 if x and k % 3 == 0 else x for k, x in enumerate(row, k0)]
                for row in rows]


@settings(max_examples=80, deadline=None)
@given(st.one_of(people_plan_dicts(), people_plan_dicts(odd_hours=True)), todays,
       st.integers(0, 2**16), st.booleans())
def test_a_decoded_schedule_books_what_the_plain_scheme_books(
    data: dict[str, Any], today: dt.date, seed: int, half_days: bool
) -> None:
    plan = backplan.load_plan(data)
    problem = problem_of(plan, today)
    if half_days:
        problem = HalfDays(plan, problem.network, problem.calendar, today)
    order = random_order(problem, random.Random(seed))
    try:
        ts, tf, bookings = plain_decode(problem, order)
    except NoRoom as stuck:  # a fixed duration that never fits between the shorter days
        node = stuck.node
    else:
        node = None
    if node is not None:
        with pytest.raises(NoRoom) as raised:
            Engine(problem).decode(order)
        assert raised.value.node == node
        return
    result = Engine(problem).decode(order, record=True)
    assert_decoded_rules(problem, result)
    assert (result.ts, result.tf) == (ts, tf)
    assert sorted(result.bookings) == sorted(bookings)


def test_capacity_in_bytes_and_in_lists_decode_alike() -> None:
    # 7.33 h a day and an effort of 0.01 h have a common divisor of 36 s: 733 units a day.
    plan = backplan.load_plan({
        "goal": {"id": "g", "due": "2027-01-29"},
        "people": [{"id": "odd", "hours_per_day": 7.33}, {"id": "even", "hours_per_day": 6}],
        "actions": [
            {"id": "a", "effort": 0.01, "assignees": ["odd"]},
            {"id": "b", "duration": 3, "assignees": [{"person": "odd", "hours_per_day": 4}]},
            {"id": "c", "duration": 2, "after": ["a"],
             "assignees": [{"person": "even", "hours_per_day": 4}, "odd"]},
            {"id": "d", "effort": 20, "after": ["b"], "assignees": ["even", "odd"]},
            {"id": "e", "duration": 2, "assignees": [{"person": "even", "hours_per_day": 3}]},
        ],
    })
    problem = problem_of(plan, dt.date(2027, 1, 4))
    engine = Engine(problem)
    assert engine.wide  # the odd person's day does not fit in a byte
    for seed in range(20):
        order = random_order(problem, random.Random(seed))
        result = engine.decode(order, record=True)
        ts, tf, bookings = plain_decode(problem, order)
        assert (result.ts, result.tf, sorted(result.bookings)) == (ts, tf, sorted(bookings))


@settings(max_examples=60, deadline=None)
@given(people_plan_dicts(), todays, st.integers(0, 2**16))
def test_justification_keeps_the_rules_and_never_makes_a_schedule_worse(
    data: dict[str, Any], today: dt.date, seed: int
) -> None:
    plan = backplan.load_plan(data)
    problem = problem_of(plan, today)
    engine = Engine(problem)
    first = engine.decode(random_order(problem, random.Random(seed)))
    score = engine.score(first.tf)
    better, new = engine.justify(first, score)
    assert new <= score
    assert new == engine.score(better.tf)
    again = engine.decode(engine.as_list(better), record=True)
    assert_decoded_rules(problem, again)


@settings(max_examples=40, deadline=None)
@given(people_plan_dicts(), todays, st.integers(0, 100))
def test_the_search_orders_every_node_after_its_predecessors_and_repeats_itself(
    data: dict[str, Any], today: dt.date, seed: int
) -> None:
    plan = backplan.load_plan(data)
    problem = problem_of(plan, today)
    order = search(Engine(problem), random.Random(seed), 200)
    assert sorted(order) == list(range(problem.n))
    position = {node: k for k, node in enumerate(order)}
    for j in range(problem.n):
        for q, _ in problem.tpreds[j]:
            assert position[q] < position[j]
    assert search(Engine(problem), random.Random(seed), 200) == order


def test_the_default_search_grows_with_the_network_up_to_120_nodes_then_shrinks() -> None:
    sizes = [1, 10, 36, 37, 60, 119, 120]
    budgets = [default_iterations(n) for n in sizes]
    assert budgets == sorted(budgets)
    assert default_iterations(1) == default_iterations(36) == 1500
    assert default_iterations(120) == 5000
    assert default_iterations(120) > default_iterations(121) > default_iterations(1_000)
    assert default_iterations(1_000) > default_iterations(5_000) >= 12
    assert default_iterations(100_000) == 12


def queue_reach(preds: list[list[tuple[int, int]]]) -> list[set[int]]:
    later: list[list[tuple[int, int]]] = [[] for _ in preds]
    for j, edges in enumerate(preds):
        for i, o in edges:
            later[i].append((j, o))
    return [closure([i], later) for i in range(len(preds))]


@settings(max_examples=150)
@given(st.lists(st.sampled_from([4, 6, 8]), min_size=1, max_size=3),
       st.lists(st.tuples(st.integers(0, 12), st.sampled_from([0, 0, 1, 2, 4]),
                          st.lists(st.integers(0, 8), min_size=3, max_size=3)),
                min_size=1, max_size=20))
def test_each_persons_queue_reaches_what_every_conflicting_pair_reaches(
    rates: list[int], nodes: list[tuple[int, int, list[int]]]
) -> None:
    n = len(nodes)
    start = [first for first, _, _ in nodes]
    finish = [first + days for first, days, _ in nodes]
    demand = [[(r, min(a, rate)) for r, (a, rate) in enumerate(zip(wants[:len(rates)], rates, strict=True)) if a]
              for _, _, wants in nodes]
    problem: Any = SimpleNamespace(
        n=n, network=SimpleNamespace(preds=[[] for _ in range(n)]), demand=demand,
        effort=[None] * n, person_calendars=[SimpleNamespace(rate=rate) for rate in rates])
    every_pair: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for j in range(n):
        for i in range(n):
            for r, a in demand[i]:
                b = dict(demand[j]).get(r)
                if (b is not None and finish[i] <= start[j] and start[i] < start[j]
                        and a + b > rates[r]):
                    every_pair[j].append((i, 1 if finish[i] < start[j] else 0))
    kept = levelled_predecessors(problem, start, finish)
    assert all(set(edges) <= set(pairs) for edges, pairs in zip(kept, every_pair, strict=True))
    assert queue_reach(kept) == queue_reach(every_pair)
