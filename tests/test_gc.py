"""``paused_gc``: the collector is off inside, restored after, and what was built is not
scanned again by the next young collection."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from backplan._gc import paused_gc


@pytest.fixture
def collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_off_inside_restored_after() -> None:
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_what_the_block_built_is_old_after_it() -> None:
    with paused_gc():
        built = [[i] for i in range(10_000)]
    assert gc.get_count()[0] < 1_000  # nothing left young for the next collection to scan
    assert all(gc.is_tracked(item) for item in built[:10])
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector_on")
def test_objects_frozen_by_the_program_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            _ = [[i] for i in range(1_000)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("collector_on")
def test_cycles_are_still_collected() -> None:
    class Node:
        other: object = None

    with paused_gc():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
    assert gc.collect() >= 2


@pytest.mark.usefixtures("collector_on")
def test_a_schedule_leaves_nothing_for_the_next_young_collection() -> None:
    """What scheduling built goes to the oldest generation unscanned: the first collection
    after a 100,000-action schedule used to scan all of it (34 ms)."""
    import datetime as dt

    from backplan import load_plan, schedule_plan

    plan = load_plan({"goal": {"id": "g", "due": "2029-12-31"}, "actions": [
        {"id": f"a{k}", "duration": 1 + k % 4, "after": [f"a{k - 1}"] if k % 10 else []}
        for k in range(3000)]})
    gc.collect()
    schedule = schedule_plan(plan, today=dt.date(2027, 1, 4))
    assert len(schedule.actions) == 3000
    # in the oldest generation, moved there without a collection (one would have moved them
    # to the middle one)
    assert any(o is schedule.actions for o in gc.get_objects(generation=2))
