"""``ref_numbers``: the compiled loop (``backplan.graph._ref_numbers``) numbers ids as the Python
loop does, finds the same first unknown id, and tells the same about file order."""

from __future__ import annotations

import gc
import weakref

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.graph import refs
from backplan.graph.refs import action_refs, ref_numbers
from backplan.models import Action, Plan

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


def _plan(actions: list[dict[str, object]], milestones: list[dict[str, object]] | None = None
          ) -> Plan:
    return Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"}, "actions": actions,
                                "milestones": milestones or []})


def test_action_refs_numbers_each_after_by_plan_position() -> None:
    plan = _plan([{"id": "a", "duration": 1}, {"id": "b", "duration": 1, "after": ["c", "a"]},
                  {"id": "c", "duration": 1}])
    found = action_refs(plan)
    assert found is not None
    assert found.position == {"a": 0, "b": 1, "c": 2}
    assert (list(found.numbers), found.in_order) == ([2, 0], False)


@pytest.mark.parametrize(("actions", "milestones"), [
    ([{"id": "a", "duration": 1}, {"id": "a", "duration": 2}], None),  # an id twice
    ([{"id": "a", "duration": 1, "after": ["m"]}], [{"id": "m"}]),  # after names a milestone
    ([{"id": "a", "duration": 1, "after": ["nobody"]}], None),
])
def test_action_refs_is_none_when_an_after_is_not_one_action(
        actions: list[dict[str, object]], milestones: list[dict[str, object]] | None) -> None:
    assert action_refs(_plan(actions, milestones)) is None


def test_action_refs_are_kept_for_the_last_plan_only_while_it_lives() -> None:
    actions: list[dict[str, object]] = [{"id": "a", "duration": 1},
                                        {"id": "b", "duration": 1, "after": ["a"]}]
    plan = _plan(actions)
    first = action_refs(plan)
    assert action_refs(plan) is first  # the second asker (the scheduler) numbers nothing
    other = _plan(actions)  # equal, but another plan: numbered again
    assert action_refs(other) is not first
    assert action_refs(other) == first
    plan_alive = weakref.ref(other)
    del other
    gc.collect()
    assert plan_alive() is None  # the memo does not keep a plan alive (tests/test_plan_memo.py:
    # what it keeps goes with the plan)


def test_schedules_equal_with_and_without_the_kept_numbers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The vectorized network uses the numbers the reference check kept (numbering nothing
    again); numbering afresh gives the same schedule."""
    import datetime as dt

    from backplan import load_plan, schedule_plan
    from backplan.scheduling import vectorized

    monkeypatch.setattr(vectorized, "MIN_NODES", 0)
    monkeypatch.setattr(vectorized, "MIN_LEVEL_WIDTH", 1)
    data = {"goal": {"id": "g", "due": "2029-06-29"}, "milestones": [{"id": "m"}],
            "actions": [{"id": f"x{k}", "duration": 1 + k % 3, "lag": k % 2 if k >= 5 else 0,
                         "milestone": "m" if k % 7 == 0 else None,
                         "after": [f"x{j}" for j in (k - 5, k - 9) if j >= 0]}
                        for k in range(400)]}
    today = dt.date(2027, 1, 4)
    numbered = []
    monkeypatch.setattr(vectorized, "ref_numbers", lambda *args, **kwargs: (
        numbered.append(1), ref_numbers(*args, **kwargs))[1])
    kept = schedule_plan(load_plan(data), today=today)
    assert numbered == []  # load_plan's check numbered them; the network reused them
    monkeypatch.setattr(vectorized, "action_refs", lambda plan: None)
    fresh = schedule_plan(load_plan(data), today=today)
    assert numbered == [1]
    assert kept.to_json() == fresh.to_json()


def test_numbers_are_kept_only_for_actions_no_one_can_change() -> None:
    """A plan built with ``model_construct`` may hold its actions in a list, which can change
    after the check: its numbers are not kept (each asker numbers them afresh). Kept numbers
    cannot be written to."""
    actions = [Action(id="a", duration=1), Action(id="b", duration=1, after=("a",))]
    listed = Plan.model_construct(goal=_plan([]).goal, actions=actions)
    first = action_refs(listed)
    assert first is not None
    assert list(first.numbers) == [0]
    actions.insert(0, Action(id="c", duration=1))
    again = action_refs(listed)
    assert again is not None
    assert list(again.numbers) == [1]  # b's after: a, now second
    kept = action_refs(_plan([{"id": "a", "duration": 1},
                              {"id": "b", "duration": 1, "after": ["a"]}]))
    assert kept is not None
    if isinstance(kept.numbers, memoryview):  # the compiled loop's buffer
        with pytest.raises(TypeError):
            kept.numbers[0] = 1  # type: ignore[index]
