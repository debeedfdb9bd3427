"""The fast validation path gives the plan :meth:`Plan.model_validate` gives, or steps aside.

``fast_plan`` may return None for any data (the caller then validates with the models), but when
it returns a plan, that plan is the one the models build: the same values of the same types and
the same fields set. It never accepts data the models reject.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import backplan.models.fast as fast_module
from backplan.io._yaml import read_yaml
from backplan.models import Action, Plan
from backplan.models.fast import PLAIN_ACTION_RULES, _fast_validator, fast_plan
from strategies import people_plan_dicts, plan_dicts

BUILDER = fast_module._PLAIN_ACTIONS
needs_builder = pytest.mark.skipif(BUILDER is None, reason="the compiled builder was not built")


class Text(str):
    """Text of another type: pydantic takes it, the compiled builder leaves it to pydantic."""


class Items(list):  # type: ignore[type-arg]
    """A list of another type."""

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILES = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests/data").rglob("*.yaml")])
GOAL = {"id": "g", "due": "2027-03-31"}


def typed(value: object) -> object:
    """``value`` with the type of every part spelt out (so that ``1 == True == 1.0`` do not
    compare equal), models as their field values and the fields set."""
    if isinstance(value, BaseModel):
        return (type(value), typed(value.__dict__), sorted(value.model_fields_set),
                value.__pydantic_extra__, value.__pydantic_private__)
    if isinstance(value, dict):
        return (dict, [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value), [typed(v) for v in value])
    return (type(value), value)


def validated(data: dict[str, Any]) -> Plan | None:
    try:
        return Plan.model_validate(data)
    except ValidationError:
        return None


def assert_same_as_the_models(data: dict[str, Any]) -> Plan | None:
    """``fast_plan(data)`` is None or the plan the models build; None whenever they refuse."""
    fast = fast_plan(data)
    slow = validated(data)
    if slow is None:
        assert fast is None
    elif fast is not None:
        assert typed(fast) == typed(slow)
    return fast


def test_a_plain_plan_is_the_models_plan_with_every_field() -> None:
    data = {
        "goal": {**GOAL, "title": "Raise FCR"},
        "milestones": [{"id": "m", "due": "2027-02-01"}],
        "actions": [
            {"id": "a", "title": "Export", "duration": 2, "priority": "should", "owner": "Ana",
             "kind": "analysis", "impact": {"fcr": 1.5}, "ramp": 3, "actual_pomodoros": 4},
            {"id": "b", "duration": 1, "after": ["a", "m"], "lag": 2, "milestone": "m"},
        ],
    }
    assert assert_same_as_the_models(data) is not None


def test_plain_actions_are_built_natively() -> None:
    """The fast path is in force: Action has no validator it does not describe, and the schema
    has a plain variant for actions with and without a lag."""
    validators = Action.__pydantic_decorators__
    assert set(validators.model_validators) <= PLAIN_ACTION_RULES.keys(), (
        "describe the new Action validator in backplan.models.fast.PLAIN_ACTION_RULES")
    assert not validators.field_validators
    fast = _fast_validator()
    assert fast is not None
    assert "union" in repr(fast.plan).lower()
    assert fast.native_fields is not None, "the compiled builder cannot express Action's fields"


@pytest.mark.parametrize("path", PLAN_FILES, ids=[p.name for p in PLAN_FILES])
def test_every_example_and_fixture(path: Path) -> None:
    try:
        data, _ = read_yaml(path.read_text(encoding="utf-8"), file=None)
    except Exception:  # the fixtures that do not even read are the loaders' business
        pytest.skip("not readable as YAML")
    if isinstance(data, dict):
        assert_same_as_the_models(data)


def test_examples_take_the_fast_path() -> None:
    for path in (ROOT / "examples").glob("*.yaml"):
        data, _ = read_yaml(path.read_text(encoding="utf-8"), file=None)
        assert fast_plan(data) is not None, path.name


@given(data=plan_dicts())
def test_generated_plans(data: dict[str, Any]) -> None:
    assert assert_same_as_the_models(data) is not None


@given(data=people_plan_dicts())
def test_generated_plans_with_people(data: dict[str, Any]) -> None:
    assert_same_as_the_models(data)


# Values for each field of an action: valid ones, and the near misses the fast path must refuse
# (or leave to the models) exactly where the models refuse them.
_IDS = ["a", "b", "a b", " a", "a ", "", "é", "a\nb", "a\tb", "\x1c", "\x7f", "~", "2027", 2027,
        None, True, Text("a")]
FIELD_VALUES: dict[str, list[Any]] = {
    "id": _IDS,
    "title": ["", "Export", 5, None, "x\n", Text("x"), "\ud800", "☕"],
    "duration": [1, 5, 3650, 0, 3651, -1, True, 2.0, "3", None, 2**70, -(2**70)],
    "after": [[], ["b"], ["b", "c"], ["b", "b"], ["a"], ["é"], ["b "], "b", [1], None, ("b",),
              ("b", "b"), Items(["b"]), [Text("b")], ["c", "b", "c"]],
    "lag": [0, 1, 3650, 3651, -1, True, "1", None, 1.0, 2**64],
    "milestone": ["m", "é", "", None, 7],
    "priority": ["must", "wont", "Must", None, Text("must")],
    "owner": ["Ana", None, 3, Text("Ana")],
    "kind": ["analysis", " x", None],
    "impact": [{}, {"fcr": 1}, {"fcr": 1.5}, {"fcr": True}, {"fcr": "1"}, {" fcr": 1},
               {"fcr": float("nan")}, []],
    "ramp": [0, 2, -1, True],
    "actual_pomodoros": [0, 3, -1, None],
    "estimate": [{"optimistic": 1, "likely": 2, "pessimistic": 3},
                 {"optimistic": 3, "likely": 2, "pessimistic": 1}, None],
    "effort": [{"hours": 4}, 12, None],
    "assignees": [[], ["p"], ["p", "p"]],
    "status": ["not_started", "in_progress", "done"],
    "actual_start": ["2027-01-04", None],
    "actual_finish": ["2027-01-08", "2027-02-30"],
    "remaining": [1, None],
    "not_before": ["2027-01-04", dt.date(2027, 1, 4), dt.datetime(2027, 1, 4), None],
    "not_after": ["2027-01-01", "2027-03-01"],
    "duraton": [1],
}
_COMMON = ("id", "title", "duration", "after", "lag", "milestone", "priority", "impact")


@st.composite
def actions(draw: st.DrawFn) -> dict[str, Any]:
    """An action mapping: mostly the fields plain actions use, now and then any other one."""
    names = draw(st.lists(st.sampled_from(_COMMON), unique=True))
    if draw(st.integers(0, 3)) == 0:
        names += draw(st.lists(st.sampled_from(sorted(FIELD_VALUES)), unique=True, max_size=3))
    return {name: draw(st.sampled_from(FIELD_VALUES[name])) for name in dict.fromkeys(names)}


@given(items=st.lists(actions(), min_size=1, max_size=2))
def test_near_misses_are_refused_exactly_where_the_models_refuse_them(
    items: list[dict[str, Any]],
) -> None:
    data = {"goal": GOAL, "milestones": [{"id": "m"}], "actions": items}
    assert_same_as_the_models(data)


def test_a_repeated_predecessor_is_left_to_the_models() -> None:
    data = {"goal": GOAL, "actions": [{"id": "b", "duration": 1},
                                      {"id": "a", "duration": 1, "after": ["b", "b"]}]}
    assert validated(data) is None
    assert fast_plan(data) is None


def test_actions_beyond_the_plain_ones_are_validated_by_action_itself() -> None:
    data = {"goal": GOAL, "people": [{"id": "p", "hours_per_day": 2}], "actions": [
        {"id": "a", "duration": 2},
        {"id": "b", "effort": {"hours": 4}, "assignees": ["p"], "after": ["a"]},
        {"id": "c", "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 4}},
        {"id": "é", "duration": 1, "status": "done", "actual_finish": "2027-01-04"},
    ]}
    plan = assert_same_as_the_models(data)
    assert plan is not None
    assert "duration" not in plan.actions[2].model_fields_set  # derived from the estimate


@needs_builder
def test_plain_actions_are_built_by_the_compiled_loop_and_the_rest_by_pydantic() -> None:
    fast = _fast_validator()
    assert fast is not None
    assert fast.native_fields is not None
    rows = ({"id": "a", "duration": 2}, {"id": "b", "duration": 1, "not_before": "2027-01-04"},
            {"id": "c", "duration": 1, "after": ["a"], "lag": 2}, "not an action",
            {"id": "d", "duration": 1, "extra": 1})
    built, others, _ = BUILDER.build(Action, rows, fast.native_fields)
    assert others == [1, 3, 4]
    assert [None if a is None else a.id for a in built] == ["a", None, "c", None, None]
    assert typed(built[2]) == typed(Action.model_validate(rows[2]))


@given(items=st.lists(actions(), min_size=1, max_size=3))
def test_without_the_compiled_builder_the_plan_is_the_same(
    items: list[dict[str, Any]],
) -> None:
    data = {"goal": GOAL, "milestones": [{"id": "m"}], "actions": items}
    with_builder = fast_plan(data)
    saved, fast_module._PLAIN_ACTIONS = fast_module._PLAIN_ACTIONS, None
    try:
        without = fast_plan(data)
    finally:
        fast_module._PLAIN_ACTIONS = saved
    assert typed(with_builder) == typed(without)


class _IdKey:
    """A key that is not text but hashes and compares as ``"id"``."""

    def __hash__(self) -> int:
        return hash("id")

    def __eq__(self, other: object) -> bool:
        return other == "id"


def test_a_key_that_only_compares_equal_to_a_field_name_is_refused() -> None:
    # Found by review: the compiled builder looked "id" up and found this key.
    data = {"goal": GOAL, "actions": [{_IdKey(): "a", "duration": 1}]}
    assert validated(data) is None
    assert fast_plan(data) is None


def test_a_mapping_that_is_not_a_dict_goes_through_pydantic() -> None:
    from types import MappingProxyType

    data = {"goal": GOAL, "actions": [{"id": "a", "duration": 2}]}
    assert typed(fast_plan(MappingProxyType(data))) == typed(Plan.model_validate(data))
    assert typed(fast_plan({**data, "actions": ({"id": "a", "duration": 2},)})) == typed(
        Plan.model_validate(data))


@needs_builder
def test_the_compiled_builder_keeps_no_memory() -> None:
    """Building the same plan again and again holds no more memory (no reference leaked)."""
    import tracemalloc

    data = {"goal": GOAL, "milestones": [{"id": "m"}], "actions": [
        {"id": f"a{i}", "title": "Tag ☕", "duration": 1 + i % 5, "milestone": "m",
         "after": [f"a{i - 1}"] if i else [], "priority": "should"} for i in range(200)]}
    data["actions"].append({"id": "late", "duration": 1, "not_before": "2027-01-04"})
    fast_plan(data)
    tracemalloc.start()
    try:
        for _ in range(3):
            fast_plan(data)
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(30):
            fast_plan(data)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 20_000, grown  # a leaked action a build would be 200 x ~600 bytes


@needs_builder
def test_native_fields_refuses_what_the_builder_cannot_check() -> None:
    from backplan.models.fast import native_fields

    schema = {"type": "model", "cls": Action, "config": {"extra_fields_behavior": "forbid",
                                                        "str_strip_whitespace": False},
              "schema": {"type": "model-fields", "fields": {
                  "id": {"type": "model-field", "schema": {"type": "str"}},
              }}}
    assert native_fields(schema) == (("id", 2, True, False, False, None, None, 0, 0, ()),)
    ignore = {**schema, "config": {"extra_fields_behavior": "ignore"}}
    assert native_fields(ignore) is None
    lower = {**schema, "config": {**schema["config"], "str_to_lower": True}}
    assert native_fields(lower) is None
    required_dict = {**schema, "schema": {"type": "model-fields", "fields": {
        "impact": {"type": "model-field", "schema": {"type": "dict"}}}}}
    assert native_fields(required_dict) is None
    mutable_default = {**schema, "schema": {"type": "model-fields", "fields": {
        "tags": {"type": "model-field", "schema": {
            "type": "default", "schema": {"type": "list"}, "default": []}}}}}
    assert native_fields(mutable_default) is None
    float_bound = {**schema, "schema": {"type": "model-fields", "fields": {
        "share": {"type": "model-field", "schema": {"type": "int", "ge": 0.5}}}}}
    assert native_fields(float_bound) is None  # a required field the builder cannot check
    aliased = {**schema, "schema": {"type": "model-fields", "fields": {
        "id": {"type": "model-field", "schema": {"type": "str"}, "validation_alias": "ID"}}}}
    assert native_fields(aliased) is None


@pytest.mark.parametrize("repeat", [False, True])
def test_a_long_after_list_is_checked_for_repeats(repeat: bool) -> None:
    """Up to 16 ids are compared pairwise, longer lists through a set (found by review: the
    pairwise loop took 4 s for one action after 50,000 others)."""
    before = [{"id": f"a{k}", "duration": 1} for k in range(40)]
    after = [f"a{k}" for k in range(40)] + (["a7"] if repeat else [])
    data = {"goal": GOAL, "actions": [*before, {"id": "z", "duration": 1, "after": after}]}
    plan = assert_same_as_the_models(data)
    assert (plan is None) == repeat


@needs_builder
@given(data=st.one_of(plan_dicts(), people_plan_dicts()))
def test_the_columns_collected_while_building_are_the_ones_read(data: dict[str, Any]) -> None:
    """Where the compiled builder built every action, it keeps the actions' columns on the way:
    the very objects the actions hold, as a read of the built plan gives them."""
    from backplan._columns import field_columns
    from backplan.models.columns import ActionColumns, action_columns

    plan = fast_plan(data)
    if plan is None:
        return
    kept = action_columns(plan)
    read = ActionColumns(*map(tuple, field_columns(plan.actions, ActionColumns._fields)))
    assert kept == read
    for kept_column, read_column in zip(kept, read, strict=True):
        assert all(a is b for a, b in zip(kept_column, read_column, strict=True))


@needs_builder
def test_plain_actions_need_no_read_of_their_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    from backplan.models import columns

    def unread(*args: object) -> None:
        raise AssertionError("the columns were read again")

    monkeypatch.setattr(columns, "field_columns", unread)
    plain = {"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        {"id": "a", "duration": 2}, {"id": "b", "duration": 1, "after": ["a"], "lag": 1}]}
    plan = fast_plan(plain)
    assert plan is not None
    assert columns.action_columns(plan).after == ((), ("a",))
    # One action left to the models (a date): the columns are read as before.
    mixed = {**plain, "actions": [*plain["actions"],
                                  {"id": "c", "duration": 1, "not_before": "2027-01-11"}]}
    plan = fast_plan(mixed)
    assert plan is not None
    with pytest.raises(AssertionError, match="read again"):
        columns.action_columns(plan)


@needs_builder
def test_a_plan_without_actions_has_empty_columns() -> None:
    """No rows: the columns are empty tuples (the interpreter's shared one, which the builder
    must leave to the garbage collector as it is)."""
    import gc

    from backplan.models.columns import action_columns

    plan = fast_plan({"goal": {"id": "g", "due": "2027-03-31"}, "actions": []})
    assert plan is not None
    assert action_columns(plan).id == ()
    gc.collect()
    assert BUILDER.build(Action, (), _fast_validator().native_fields) == ([], [], ())
    gc.collect()
