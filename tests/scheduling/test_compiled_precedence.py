"""The compiled network and passes (``_precedence.c``) on their own: what they refuse, and how
the engine steps aside when its numbers would not fit (the schedules themselves are compared
with the plain loops' in ``test_vectorized.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from typing import Any

import pytest

from backplan.calendars import WorkingCalendar
from backplan.graph.order import CycleError
from backplan.models import Plan
from backplan.scheduling import vectorized
from backplan.scheduling.flags import PassResult
from backplan.scheduling.passes import backward_pass, forward_pass

COMPILED: Any = vectorized.COMPILED_PRECEDENCE
pytestmark = pytest.mark.skipif(COMPILED is None, reason="built without a C compiler")


def _ints(buffer: bytearray) -> list[int]:
    return memoryview(buffer).cast("q").tolist()


def _int64(*numbers: int) -> memoryview:
    view = memoryview(bytearray(8 * len(numbers))).cast("q")
    for i, number in enumerate(numbers):
        view[i] = number
    return view


def _released() -> memoryview:
    view = _int64(0)
    view.release()
    return view


def test_edges_grouped_by_target_in_after_order() -> None:
    order, first, pred, offset = COMPILED.compile(4, [(), ("x",), ("x", "y")], [0, 1, 0],
                                                  [0, 0, 2], [])
    assert order is None  # every edge goes forward
    assert (_ints(first), _ints(pred), _ints(offset)) == ([0, 0, 1, 3, 3], [0, 1, 0], [1, 3, 3])


def test_special_edges_kept_once_with_their_largest_offset() -> None:
    # Node 2 after 0 (lag 0: offset 1) and, through special edges, after 0 again with offset 4
    # and after 1 with offset 0; node 3 (a milestone) collects 2.
    _, first, pred, offset = COMPILED.compile(
        4, [(), (), ("a",)], [0], [0, 0, 0], [(2, 0, 4), (2, 1, 0), (3, 2, 0), (2, 0, 2)])
    assert _ints(first) == [0, 0, 0, 2, 3]
    assert list(zip(_ints(pred), _ints(offset), strict=True)) == [(0, 4), (1, 0), (2, 0)]


def test_renumbered_by_levels_when_plan_order_is_not_topological() -> None:
    # 0 after 2, 1 after 0: levels 2, 0 -> order (2, 0, 1) ... and node 3 on its own (level 0).
    order, first, pred, _ = COMPILED.compile(4, [("c",), ("a",), ()], [2, 0], [0, 0, 0], [])
    assert order == [2, 3, 0, 1]
    assert _ints(first) == [0, 0, 0, 1, 2]
    assert _ints(pred) == [0, 2]  # 0's predecessor is now at position 0, 1's at position 2


@pytest.mark.parametrize("special", [[], [(0, 0, 1)]])
def test_a_cycle_compiles_to_none(special: list[tuple[int, int, int]]) -> None:
    afters, pred = ([("b",), ("a",)], [1, 0]) if not special else ([(), ()], [])
    assert COMPILED.compile(2, afters, pred, [0, 0], special) is None


@pytest.mark.parametrize(("args", "error"), [
    ((2, [(), ("a",)], [2], [0, 0], []), OverflowError),  # a node that does not exist
    ((2, [(), ("a",)], [0.0], [0, 0], []), TypeError),
    ((2, [(), ("a",)], [True], [0, 0], []), TypeError),  # a bool is not a node number
    ((2, [(), ["a"]], [0], [0, 0], []), TypeError),  # an after list, not a tuple
    ((2, [(), ("a",)], [0], [0, 2**41], []), OverflowError),  # a lag beyond the range
    ((2, [(), ("a",)], [0], [0, 2**40], []), OverflowError),  # its offset would be beyond
    ((2, [(), ("a",)], [0, 0], [0, 0], []), ValueError),  # more numbers than ids
    ((2, [(), ("a",)], bytearray(8), [0, 0], []), TypeError),  # bytes, not int64
    ((2, [(), ("a",)], memoryview(bytearray(8)), [0, 0], []), TypeError),  # format "B"
    ((2, [(), ("a",)], array("q", [0]), [0, 0], []), TypeError),  # only exact memoryviews
    ((2, [(), ("a",)], _int64(2), [0, 0], []), OverflowError),  # a node that does not exist
    ((2, [(), ("a",)], _released(), [0, 0], []), ValueError),
    ((1, [(), ("a",)], [0], [0, 0], []), ValueError),  # fewer nodes than actions
    ((True, [()], [], [0], []), TypeError),  # a count is an int, not a bool
    ((2, [(), ()], [], [0, 0], [(0, 1)]), TypeError),  # an edge is three numbers
])
def test_compile_refuses_what_it_cannot_read(args: tuple[Any, ...], error: type[Exception]
                                             ) -> None:
    with pytest.raises(error):
        COMPILED.compile(*args)


def test_compile_reads_int64_buffers() -> None:
    _, _, pred, _ = COMPILED.compile(3, [(), ("a",), ("b",)], _int64(0, 1), [0, 0, 0], [])
    assert _ints(pred) == [0, 1]


@pytest.mark.parametrize(("first", "pred", "error"), [
    (_int64(0, 1, 0, 1), _int64(0), ValueError),  # goes down
    (_int64(0, 0, 0, 0), _int64(0), ValueError),  # ends before the last edge
    (_int64(0, 0, 5000, 1), _int64(0), OverflowError),  # past the edges
    (_int64(0, 0, 0, 2**40), _int64(0), OverflowError),  # room for 2**40 edges asked for nothing
    (_int64(0, 0, 1, 1), [2**41], OverflowError),
    (array("q", [0, 0, 1, 1]), _int64(0), TypeError),
])
def test_passes_refuse_edges_they_cannot_read(first: Any, pred: Any, error: type[Exception]
                                              ) -> None:
    with pytest.raises(error):
        COMPILED.passes(first, pred, _int64(1), [1] * 3, [None] * 3, [10] * 3, (True,) * 3, 0,
                        -1)


def _plan(**second: Any) -> Plan:
    return Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        {"id": "a", "duration": 3}, {"id": "b", "duration": 2, "after": ["a"], **second}]})


def test_passes_match_the_plain_loops_with_drivers_and_binding_successors() -> None:
    calendar = WorkingCalendar()
    network, edges = vectorized.compile_levelled(_plan(lag=1), calendar) or (None, None)
    assert isinstance(edges, vectorized.Edges)
    today = calendar.number(dt.date(2027, 1, 4))
    result = vectorized.levelled_passes(edges, today)
    assert (result.earliest_start, result.earliest_finish) == forward_pass(network, today)
    assert (result.latest_start, result.latest_finish) == backward_pass(network)
    assert list(result.drivers or ()) == [None, 0]
    assert list(result.binding_successors or ()) == [1, None]


def test_passes_refuse_nodes_out_of_topological_order() -> None:
    network, edges = vectorized.compile_levelled(_plan(), WorkingCalendar()) or (None, None)
    assert isinstance(edges, vectorized.Edges)
    assert network is not None
    backwards = memoryview(bytearray(8)).cast("q")
    backwards[0] = 1  # node 1 after node 1
    with pytest.raises(ValueError, match="topological"):
        COMPILED.passes(edges.first_edge, backwards, edges.offset, network.duration,
                        network.not_before, network.cap, network.is_action, 0, -1)


def test_numbers_beyond_the_range_go_to_the_plain_loops() -> None:
    """A network built by hand may hold numbers the compiled loops do not take: the passes are
    then the plain loops' (and a plan's lags beyond the range compile to None, the plain
    engine's turn)."""
    network, edges = vectorized.compile_levelled(_plan(), WorkingCalendar()) or (None, None)
    assert isinstance(edges, vectorized.Edges)
    assert network is not None
    huge = dataclasses.replace(network, duration=[2**45, 2])
    result = vectorized.levelled_passes(dataclasses.replace(edges, network=huge), 10)
    assert result == PassResult.from_passes(10, forward_pass(huge, 10), backward_pass(huge))
    constructed = Plan.model_construct(goal=_plan().goal, actions=(
        _plan().actions[0], _plan().actions[1].model_copy(update={"lag": 2**50})))
    assert vectorized.compile_levelled(constructed, WorkingCalendar()) is None


def test_a_cycle_is_a_cycle_error() -> None:
    plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        {"id": "a", "duration": 1, "after": ["b"]}, {"id": "b", "duration": 1, "after": ["a"]}]})
    with pytest.raises(CycleError):
        vectorized.compile_levelled(plan, WorkingCalendar())


def test_equal_numbers_share_one_int_and_node_numbers_stay_apart() -> None:
    """Day numbers repeat (a plan has hundreds of working days, not one per action): each
    distinct one is one int object; the lists still hold the same values as the plain loops."""
    n = 300
    first = _int64(0, *range(n))  # node k after node k - 1 (node 0 after none)
    pred = _int64(*range(n - 1))
    columns = COMPILED.passes(first, pred, _int64(*[1] * (n - 1)), [1] * n, [None] * n,
                              [10**6] * n, (True,) * n, 700_000, -1)
    earliest_start, _, latest_start, _, slack, drivers, _ = columns
    assert earliest_start == list(range(700_000, 700_000 + n))
    assert latest_start == list(range(10**6 - n + 1, 10**6 + 1))
    assert slack == [10**6 - n + 1 - 700_000] * n
    assert len({id(s) for s in slack}) == 1  # one int for the one value
    assert drivers == [None, *range(n - 1)]
