"""``ref_numbers``: the compiled loop (``backplan.graph._ref_numbers``) numbers ids as the Python
loop does, finds the same first unknown id, and tells the same about file order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.graph import refs
from backplan.graph.refs import ref_numbers

needs_compiled = pytest.mark.skipif(refs.COMPILED_REF_NUMBERS is None,
                                    reason="the C extension is not built")


def outcome(index: dict[str, int], lists: list[tuple[str, ...]], *, compiled: bool
            ) -> tuple[list[int], bool] | str:
    try:
        numbers, in_order = ref_numbers(index, lists, compiled=compiled)
    except KeyError as missing:
        return f"unknown {missing.args[0]}"
    return list(numbers), in_order


_IDS = st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=12, unique=True)


@needs_compiled
@given(ids=_IDS, data=st.data())
def test_compiled_and_python_loops_agree(ids: list[str], data: st.DataObject) -> None:
    index = {node: number for number, node in enumerate(ids)}
    names = st.one_of(st.sampled_from(ids), st.text(max_size=4))  # some unknown
    lists = data.draw(st.lists(st.lists(names, max_size=4).map(tuple), max_size=len(ids) + 2))
    assert outcome(index, lists, compiled=True) == outcome(index, lists, compiled=False)


@pytest.mark.parametrize("compiled", [True, False])
def test_numbers_and_file_order(compiled: bool) -> None:
    index = {"a": 0, "b": 1, "c": 2, "m": 3}
    assert outcome(index, [(), ("a",), ("b", "a")], compiled=compiled) == ([0, 1, 0], True)
    assert outcome(index, [(), ("c",), ()], compiled=compiled) == ([2], False)  # c is later
    assert outcome(index, [(), ("b",)], compiled=compiled) == ([1], False)  # itself
    assert outcome(index, [("a",), ("zz", "m")], compiled=compiled) == "unknown zz"
    assert outcome(index, [], compiled=compiled) == ([], True)


@needs_compiled
def test_the_compiled_loop_refuses_what_it_cannot_read() -> None:
    with pytest.raises(TypeError):
        ref_numbers({"a": 0}, [["a"]])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        ref_numbers({"a": "0"}, [("a",)])  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="from 0 to"):
        ref_numbers({"a": -1}, [("a",)])
    with pytest.raises(TypeError):
        ref_numbers({"a": 0}, [(0,)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="must be str"):  # its __eq__ could run any code
        ref_numbers({"a": 0, 1: 1}, [("a",)])  # type: ignore[dict-item]


def test_the_python_loop_can_skip_the_order() -> None:
    numbers, in_order = ref_numbers({"a": 0, "b": 1}, [("b",), ("a",)], order=False,
                                    compiled=False)
    assert (list(numbers), in_order) == ([1, 0], True)  # not looked at
