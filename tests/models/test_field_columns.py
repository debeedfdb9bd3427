"""``field_columns``: the compiled reader (``backplan._field_columns``) gives the columns the
Python loop gives, from pydantic models and from plain objects, and refuses the same items."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backplan
from backplan import _columns
from backplan._columns import field_columns
from strategies import plan_dicts

needs_compiled = pytest.mark.skipif(_columns.COMPILED_FIELD_COLUMNS is None,
                                    reason="the C extension is not built")
FIELDS = ("id", "after", "duration", "milestone", "not_before", "assignees", "status")


@given(data=plan_dicts(), names=st.lists(st.sampled_from(FIELDS), max_size=5))
def test_compiled_and_python_readers_agree_on_actions(data: dict[str, Any],
                                                      names: list[str]) -> None:
    actions = backplan.load_plan(data).actions
    expected = [[getattr(a, name) for a in actions] for name in names]
    for items in (actions, list(actions)):
        for compiled in (True, False):
            columns = field_columns(items, tuple(names), compiled=compiled)
            assert list(map(list, columns)) == expected


@pytest.mark.parametrize("compiled", [True, False])
def test_empty_and_missing(compiled: bool) -> None:
    one = SimpleNamespace(a=1, b="x")
    def read(items: list[Any], names: tuple[str, ...]) -> list[list[Any]]:
        return list(map(list, field_columns(items, names, compiled=compiled)))

    assert read([], ("a", "b")) == [[], []]
    assert read([one], ()) == []
    assert read([one, SimpleNamespace(a=2, b=None)], ("b", "a")) == [["x", None], [1, 2]]
    with pytest.raises(KeyError, match="c"):
        field_columns([one], ("a", "c"), compiled=compiled)


@needs_compiled
def test_the_compiled_reader_refuses_items_without_a_dict() -> None:
    with pytest.raises(TypeError, match="__dict__"):
        field_columns([1, 2], ("real",))
    with pytest.raises(TypeError, match="str"):
        field_columns([SimpleNamespace(a=1)], (1,))  # type: ignore[arg-type]


@needs_compiled
def test_an_item_emptied_while_it_is_read_is_reported_not_read_after_it_is_freed() -> None:
    """Reading a dictionary can run Python code (a key of another type with the same hash is
    compared with ``==``); that code may change the items' dictionaries, or the list they came
    from: the reader holds its own tuple and each dictionary, and reports a missing field."""
    hold: list[SimpleNamespace] = []

    class Clearing:
        armed = False

        def __hash__(self) -> int:
            return hash("x")

        def __eq__(self, other: object) -> bool:
            if Clearing.armed:
                Clearing.armed = False
                for item in hold:
                    item.__dict__.clear()
                hold.clear()
            return False

    for n in range(50):
        item = SimpleNamespace()
        item.__dict__[Clearing()] = 0  # type: ignore[index]
        item.x = n
        hold.append(item)
    items = list(hold)
    Clearing.armed = True
    with pytest.raises(KeyError, match="x"):
        field_columns(items, ("x",))
