"""The compiled decoder (``backplan.scheduling._sgs``) places exactly as the Python placement.

Same random plans with people as the engine's own tests: a decoded schedule, the same schedule
decoded in mirrored time, the orders justification sorts by, the search's answer for a seed and
the whole levelled schedule are the same with the compiled decoder and without it, and both
match the plain day-by-day scheme written out in ``test_levelling_engine``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_levelling_engine import HalfDays, plain_decode, problem_of, random_order

import backplan
from backplan.scheduling import levelling_engine
from backplan.scheduling.levelling_engine import Engine, LevellingProblem, NoRoom
from backplan.scheduling.levelling_search import search
from strategies import people_plan_dicts, todays

COMPILED = levelling_engine.COMPILED_DECODER

needs_compiled = pytest.mark.skipif(COMPILED is None, reason="the C extension is not built "
                                    "(no C compiler at install): the Python placement runs")


def python_engine(problem: LevellingProblem) -> Engine:
    """An engine that runs the Python placement only (also after its lanes are rebuilt)."""
    return Engine(problem, compiled=False)


def decode_or_node(engine: Engine, order: list[int]) -> tuple[list[int], list[int]] | int:
    try:
        result = engine.decode(order)
    except NoRoom as stuck:
        return stuck.node
    return result.ts, result.tf


@needs_compiled
@settings(max_examples=120, deadline=None)
@given(st.one_of(people_plan_dicts(), people_plan_dicts(odd_hours=True)), todays,
       st.integers(0, 2**16), st.booleans())
def test_compiled_and_python_placement_decode_alike(
    data: dict[str, Any], today: dt.date, seed: int, half_days: bool
) -> None:
    plan = backplan.load_plan(data)
    problem = problem_of(plan, today)
    if half_days:
        problem = HalfDays(plan, problem.network, problem.calendar, today)
    fast, slow = Engine(problem), python_engine(problem)
    assert slow.compiled is None
    order = random_order(problem, random.Random(seed))
    out = decode_or_node(fast, order)
    assert out == decode_or_node(slow, order)
    try:
        ts, tf, _ = plain_decode(problem, order)
    except NoRoom as stuck:
        expected: tuple[list[int], list[int]] | int = stuck.node
    else:
        expected = (ts, tf)
    assert out == expected
    if isinstance(out, int):
        return
    # The mirrored placement (justification's right shift) and the orders it sorts by.
    top = max(tf, default=0)
    for horizon in (top, top + 3):
        late = fast.decode_late(fast.by_finish(tf), horizon)
        again = slow.decode_late(slow.by_finish(tf), horizon)
        assert (late is None) == (again is None)
        if late is not None and again is not None:
            assert (late.ts, late.tf) == (again.ts, again.tf)
            assert fast.by_start(late.ts) == slow.by_start(again.ts)


@needs_compiled
def test_the_compiled_decoder_takes_the_plans_it_can_place() -> None:
    plan = backplan.load_plan({
        "goal": {"id": "g", "due": "2027-01-29"},
        "people": [{"id": "a", "hours_per_day": 8}, {"id": "b", "hours_per_day": 6}],
        "actions": [
            {"id": "x", "effort": 10, "assignees": ["a", "b"]},
            {"id": "y", "duration": 3, "after": ["x"], "assignees": ["b"]},
        ],
    })
    assert Engine(problem_of(plan, dt.date(2027, 1, 4))).compiled is not None
    odd = backplan.load_plan({
        "goal": {"id": "g", "due": "2027-01-29"},
        "people": [{"id": "a", "hours_per_day": 7.33}],
        "actions": [{"id": "x", "effort": 0.01, "assignees": ["a"]}],
    })
    engine = Engine(problem_of(odd, dt.date(2027, 1, 4)))
    assert engine.wide
    assert engine.compiled is None  # 733 units a day: the Python placement's lists


@needs_compiled
@settings(max_examples=40, deadline=None)
@given(people_plan_dicts(), todays, st.integers(0, 100))
def test_the_search_finds_the_same_order_with_either_placement(
    data: dict[str, Any], today: dt.date, seed: int
) -> None:
    plan = backplan.load_plan(data)
    problem = problem_of(plan, today)
    fast, slow = Engine(problem), python_engine(problem)
    assert search(fast, random.Random(seed), 300) == search(slow, random.Random(seed), 300)
    assert fast.count == slow.count


@needs_compiled
@settings(max_examples=30, deadline=None)
@given(people_plan_dicts(), todays)
def test_the_levelled_schedule_is_the_same_with_either_placement(
    data: dict[str, Any], today: dt.date
) -> None:
    plan = backplan.load_plan(data)
    fast = backplan.schedule_levelled(plan, today=today, iterations=200)
    saved = levelling_engine.COMPILED_DECODER
    levelling_engine.COMPILED_DECODER = None
    try:
        slow = backplan.schedule_levelled(plan, today=today, iterations=200)
    finally:
        levelling_engine.COMPILED_DECODER = saved
    assert fast.to_json() == slow.to_json()


@needs_compiled
def test_the_compiled_decoder_refuses_what_it_cannot_hold() -> None:
    with pytest.raises(ValueError, match="255 units"):
        COMPILED([1], [((0, 300),)], [-1], [[]], [[]], [0], 10, 1)
    with pytest.raises(ValueError, match="out of range"):
        COMPILED([1], [((3, 1),)], [-1], [[]], [[]], [0], 10, 1)
    with pytest.raises(ValueError, match="out of range"):
        COMPILED([1], [()], [-1], [[(5, 0)]], [[]], [0], 10, 1)
    with pytest.raises(ValueError, match="out of range"):
        COMPILED([1], [()], [-1], [[]], [[]], [-5], 10, 1)  # a release before day 0
    with pytest.raises(TypeError, match="pairs"):
        COMPILED([1], [[[0, 1]]], [-1], [[]], [[]], [0], 10, 1)
    with pytest.raises(TypeError, match="ints"):
        COMPILED([True], [()], [-1], [[]], [[]], [0], 10, 1)
    decoder = COMPILED([1], [()], [-1], [[]], [[]], [0], 10, 1)
    with pytest.raises(TypeError, match="once"):
        decoder.__init__([1], [()], [-1], [[]], [[]], [0], 10, 1)
    with pytest.raises(ValueError, match="order"):
        decoder.forward([1], [bytearray(4)])
    with pytest.raises(TypeError, match="bytearray"):
        decoder.forward([0], [b"1234"])
    with pytest.raises(ValueError, match="horizon"):
        decoder.backward([0], [bytearray(4)], 2**62)
    with pytest.raises(ValueError, match="values"):
        decoder.by_start([-(2**63)])
    with pytest.raises(TypeError, match="not set up"):
        COMPILED.__new__(COMPILED).forward([], [])
    assert decoder.forward([0], [bytearray(4)]) == ([0], [0])
    # Each decode starts afresh: an order that places a node before its predecessor reads
    # the predecessor's finish as 0, as the Python placement does, not the last call's.
    chain = COMPILED([2, 2], [(), ()], [-1, -1], [[], [(0, 1)]], [[(1, 1)], []], [0, 0], 40, 0)
    assert chain.forward([0, 1], []) == ([0, 2], [1, 3])
    assert chain.forward([1, 0], []) == ([0, 1], [1, 2])


def test_work_that_never_fits_is_no_room_with_either_placement() -> None:
    # Two days running of someone who works Mondays only: never, however far back.
    plan = backplan.load_plan({
        "goal": {"id": "g", "due": "2027-01-29"},
        "people": [{"id": "mo", "hours_per_day": 8, "workdays": ["mon"]}],
        "actions": [{"id": "x", "duration": 2, "assignees": ["mo"]}],
    })
    problem = problem_of(plan, dt.date(2027, 1, 4))
    fast, slow = Engine(problem), python_engine(problem)
    order = random_order(problem, random.Random(0))
    node = problem.network.ids.index("x")
    assert decode_or_node(fast, order) == decode_or_node(slow, order) == node
    assert len(fast.lanes[0]) == problem.k_limit  # grown to the limit, by the Python placement


@needs_compiled
@pytest.mark.slow
def test_psplib_schedules_are_the_same_with_either_placement() -> None:
    """Every 8th j30 and every 24th j120 instance, default search: the same JSON both ways."""
    from backplan.io.psplib import iter_psplib_archive
    from backplan.io.psplib_people import psplib_people_plan
    from test_psplib_levelling import PSPLIB, START

    if not (PSPLIB / "summary.csv").is_file():
        pytest.skip(f"PSPLIB data not found at {PSPLIB}")
    for name, every in (("j30", 8), ("j120", 24)):
        archive = iter_psplib_archive(PSPLIB / f"{name}.sm.zip")
        for instance in itertools.islice(archive, 0, None, every):
            plan = psplib_people_plan(instance, start=START)
            fast = backplan.schedule_levelled(plan, today=START)
            saved = levelling_engine.COMPILED_DECODER
            levelling_engine.COMPILED_DECODER = None
            try:
                slow = backplan.schedule_levelled(plan, today=START)
            finally:
                levelling_engine.COMPILED_DECODER = saved
            assert fast.to_json() == slow.to_json(), instance.name
