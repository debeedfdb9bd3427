"""Validating big plans natively: most actions need none of :class:`Action`'s Python validators.

:func:`fast_plan` validates plan data with a schema derived from :class:`Plan`'s own, in which an
action that is *plain* is checked and built by pydantic-core alone (no Python call per action):

- its ids are printable ASCII without surrounding spaces (a subset of what :data:`Id` accepts);
- it gives ``duration`` and none of the fields that :class:`Action`'s model validators compare
  (``estimate``, ``effort``, ``assignees``, progress, ``not_before``/``not_after``), so that
  each of those validators would pass without running (:data:`PLAIN_ACTION_RULES` says which
  input makes each one pass);
- afterwards, once over all actions: its ``after`` ids are distinct, and the validator that
  relates ``lag`` to ``after`` runs on the actions that give a lag.

Every other action is validated by :class:`Action` itself, in the same pass, so the plan is the
one :meth:`Plan.model_validate` returns. Anything it rejects makes :func:`fast_plan` return None:
the caller then validates with :meth:`Plan.model_validate`, whose errors are the ones to report.
Should :class:`Action` gain a validator that :data:`PLAIN_ACTION_RULES` does not know, or a
field type without a native equivalent, the fast path validates every action with
:class:`Action` (slower, never different); the tests name the validator to describe.

Example:
    >>> plan = fast_plan({"goal": {"id": "g", "due": "2027-03-31"},
    ...                   "actions": [{"id": "a", "duration": 2},
    ...                               {"id": "b", "duration": 1, "after": ["a"], "lag": 1}]})
    >>> plan == Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"},
    ...     "actions": [{"id": "a", "duration": 2}, {"id": "b", "duration": 1, "after": ["a"],
    ...                 "lag": 1}]})
    True
    >>> fast_plan({"goal": {"id": "g", "due": "2027-03-31"},
    ...            "actions": [{"id": "a", "duration": 0}]}) is None
    True
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, contains
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import SchemaValidator, ValidationError, core_schema

from backplan.models._types import Id
from backplan.models.plan import Plan
from backplan.models.work import Action, After, WrittenDuration

__all__ = ["PLAIN_ACTION_RULES", "Requirement", "fast_plan"]

Schema = dict[str, Any]


@dataclass(frozen=True)
class Requirement:
    """What a plain action's input must satisfy for one validator of :class:`Action` to pass
    (fields named as in :class:`Action`).

    Attributes:
        absent: fields that must not be given.
        given: fields that must be given.
        run_if_given: fields whose presence needs the (``after``-mode) validator to run: it runs
            on the plain actions that give one of them, once they are built.
    """

    absent: frozenset[str] = frozenset()
    given: frozenset[str] = frozenset()
    run_if_given: frozenset[str] = frozenset()


def _needs(**fields: tuple[str, ...]) -> Requirement:
    return Requirement(**{kind: frozenset(names) for kind, names in fields.items()})


#: For each model validator of :class:`Action`, by name: the input on which it passes and leaves
#: the action as built, so that a plain action need not run it.
PLAIN_ACTION_RULES: dict[str, Requirement] = {
    # No estimate: nothing to derive the duration from, nor to compare it with.
    "_duration_from_estimate": _needs(absent=("estimate",)),
    "_duration_required": _needs(given=("duration",)),
    "_estimate_covers_duration": _needs(absent=("estimate",)),
    # Sized by duration alone, nobody assigned (so nobody twice).
    "_sized_once": _needs(absent=("effort", "assignees", "estimate")),
    # Not started (the default) and no progress recorded.
    "_progress_is_consistent": _needs(absent=("status", "actual_start", "actual_finish",
                                              "remaining")),
    # Passes without a lag; run on the actions with one (they need predecessors).
    "_lag_has_a_predecessor": _needs(run_if_given=("lag",)),
    "_window_is_open": _needs(absent=("not_before", "not_after")),
}

#: Ids the fast path takes natively: printable ASCII, no space at either end (all valid ids).
_ASCII_ID: Schema = dict(core_schema.str_schema(strict=True, pattern=r"^[!-~](?:[ -~]*[!-~])?$"))


class _Never:
    """No value is an instance: the schema of a field a plain action must leave out."""


_ABSENT: Schema = dict(core_schema.is_instance_schema(_Never))


def fast_plan(data: Mapping[str, Any]) -> Plan | None:
    """The plan ``data`` describes when it validates, validated mostly natively; else None.

    None means "ask :meth:`Plan.model_validate`": the data has a problem (reported from there,
    with pydantic's and the models' own messages), or a case the fast path leaves to it.

    Args:
        data: the plan as plain data (the mapping a plan file holds).

    Returns:
        The :class:`Plan` that :meth:`Plan.model_validate` would return, or None.
    """
    fast = _fast_validator()
    if fast is None:
        return None
    validator, checks = fast
    try:
        values, _, fields_set = validator.validate_python(data)
        if not all(check(values["actions"]) for check in checks):
            return None
    except ValidationError:
        return None
    return Plan.model_construct(fields_set, **values)


@functools.cache
def _fast_validator() -> tuple[SchemaValidator, tuple[Callable[[Any], bool], ...]] | None:
    """The validator of the plan's fields (the plan itself is built from them in Python: a
    validator for the whole model would be pydantic's prebuilt one), and the checks that run
    once over all actions after it; None when :class:`Plan` validates more than its fields."""
    decorators = Plan.__pydantic_decorators__
    if decorators.model_validators or decorators.field_validators:
        return None
    Plan.model_rebuild()
    plan_schema: Schema = Plan.__pydantic_core_schema__  # type: ignore[assignment]
    outer = plan_schema["schema"] if plan_schema["type"] == "definitions" else plan_schema
    if outer["type"] != "model":
        return None
    fields = outer["schema"]["fields"]
    actions = fields["actions"]["schema"]
    items = actions["schema"]
    action = _resolve(items["items_schema"][0], plan_schema)
    plain, checks = _plain_action(action)
    union = core_schema.union_schema([plain, action] if plain else [action],
                                     mode="left_to_right")
    new_items = {**items, "items_schema": [union]}
    new_fields = {**fields, "actions": {**fields["actions"],
                                        "schema": {**actions, "schema": new_items}}}
    schema: Schema = {**outer["schema"], "fields": new_fields}
    if plan_schema["type"] == "definitions":
        schema = {**plan_schema, "schema": schema}
    return SchemaValidator(schema, outer.get("config")), checks


def _model(schema: Schema) -> Schema:
    """The ``model`` schema inside ``schema`` (below definitions and model validators)."""
    while schema["type"] != "model":
        schema = schema["schema"]
    return schema


def _resolve(schema: Schema, root: Schema) -> Schema:
    if schema["type"] != "definition-ref":
        return schema
    for definition in root.get("definitions", ()):
        if definition.get("ref") == schema["schema_ref"]:
            return definition  # type: ignore[no-any-return]
    raise LookupError(schema["schema_ref"])  # pragma: no cover - pydantic's own schema


def _plain_action(action: Schema) -> tuple[Schema | None, tuple[Callable[[Any], bool], ...]]:
    """The schema of plain actions, and the checks over all actions that complete it; None
    when :class:`Action` has a validator that :data:`PLAIN_ACTION_RULES` does not describe."""
    validators = Action.__pydantic_decorators__
    model_validators = validators.model_validators
    if set(model_validators) - PLAIN_ACTION_RULES.keys() or validators.field_validators:
        return None, ()
    rules = [PLAIN_ACTION_RULES[name] for name in model_validators]
    absent = frozenset().union(*(rule.absent for rule in rules))
    given = frozenset().union(*(rule.given for rule in rules))
    model = _model(action)
    checks: list[Callable[[Any], bool]] = []
    for name, rule in PLAIN_ACTION_RULES.items():
        if rule.run_if_given and name in model_validators:
            if model_validators[name].info.mode != "after":
                return None, ()
            checks.append(_runs_if_given(model_validators[name].func, rule.run_if_given))
    fields: Schema = {}
    for name, field in model["schema"]["fields"].items():
        wrapper = field["schema"]
        has_default = wrapper["type"] == "default"
        converted = _native(wrapper["schema"] if has_default else wrapper)
        if name in absent or converted is None:
            if name in given or not has_default:
                return None, ()
            schema = _ABSENT
        else:
            schema, distinct = converted
            if name in given and schema["type"] == "nullable":
                schema = schema["schema"]  # given means a value: null is the model's to refuse
            if distinct:
                checks.append(_all_distinct(name))
        fields[name] = {**field, "schema": {**wrapper, "schema": schema} if (
            has_default and name not in given) else schema}
    plain = {key: value for key, value in model.items()
             if key not in ("ref", "metadata", "serialization")}
    return {**plain, "schema": {**model["schema"], "fields": fields}}, tuple(checks)


@functools.cache
def _function_of(annotation: object) -> object:
    """The validator function of an annotated type such as :data:`Id` (its outermost one)."""
    schema = TypeAdapter(annotation).core_schema
    return schema["function"]["function"]


def _native(schema: Schema) -> tuple[Schema, bool] | None:
    """A native schema accepting a subset of what ``schema`` accepts, to the same value, and
    whether the values must also hold distinct items (``after``); None when there is none."""
    kind = schema["type"]
    if not _calls_python(schema):
        return schema, False
    if kind.startswith("function-"):
        function = schema["function"]["function"]
        if function is _function_of(Id):
            return _ASCII_ID, False
        inner = _native(schema["schema"]) if "schema" in schema else None
        if inner is None:
            return None
        if function is _function_of(WrittenDuration):  # refuses only a stand-in nobody writes
            return inner
        if function is _function_of(After):  # refuses repeated ids: checked afterwards
            return inner[0], True
        return None
    if kind == "nullable":
        inner = _native(schema["schema"])
        return ({**schema, "schema": inner[0]}, inner[1]) if inner is not None else None
    if kind == "tuple" and len(schema["items_schema"]) == 1:
        inner = _native(schema["items_schema"][0])
        return ({**schema, "items_schema": [inner[0]]}, False) if inner is not None and not (
            inner[1]) else None
    if kind == "dict":
        keys = _native(schema["keys_schema"])
        values = _native(schema["values_schema"])
        if keys is None or values is None or keys[1] or values[1]:
            return None
        return {**schema, "keys_schema": keys[0], "values_schema": values[0]}, False
    return None


def _calls_python(schema: object) -> bool:
    """Whether validating with ``schema`` may call Python (a validator function, a model class
    with its own validation, a reference to another schema)."""
    if isinstance(schema, dict):
        kind = schema.get("type")
        if isinstance(kind, str) and (kind.startswith("function") or kind in (
                "model", "definition-ref", "definitions", "dataclass", "call", "custom-error")):
            return True
        return any(_calls_python(value) for key, value in schema.items() if key != "metadata")
    if isinstance(schema, list | tuple):
        return any(_calls_python(value) for value in schema)
    return False


def _runs_if_given(validator: Any, names: frozenset[str]) -> Callable[[Any], bool]:
    """A check that runs an after-mode model validator of :class:`Action` on the actions that
    give one of ``names``, and tells whether it passed on all of them."""
    fields_set = attrgetter("__pydantic_fields_set__")

    def check(actions: Any) -> bool:
        for name in sorted(names):
            for action in compress(actions, map(contains, map(fields_set, actions),
                                                repeat(name))):
                try:
                    validator(action)
                except (ValueError, AssertionError):  # as pydantic turns them into errors
                    return False
        return True

    return check


def _all_distinct(name: str) -> Callable[[Any], bool]:
    """A check that no action lists the same id twice in field ``name`` (C-speed loops)."""
    get = attrgetter(name)

    def check(actions: Any) -> bool:
        values = list(map(get, actions))
        return list(map(len, values)) == list(map(len, map(set, values)))

    return check
