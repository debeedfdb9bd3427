"""Validating big plans natively: most actions need none of :class:`Action`'s Python validators.

:func:`fast_plan` validates plan data with a schema derived from :class:`Plan`'s own, in which an
action that is *plain* is checked and built by pydantic-core alone (no Python call per action):

- its ids are printable ASCII without surrounding spaces (a subset of what :data:`Id` accepts);
- it gives ``duration`` and none of the fields that :class:`Action`'s model validators compare
  (``estimate``, ``effort``, ``assignees``, progress, ``not_before``/``not_after``), and a
  ``lag`` only with predecessors, so that each of those validators would pass without running
  (:data:`PLAIN_ACTION_RULES` says which input makes each one pass);
- its ``after`` ids are distinct (checked once over all actions afterwards).

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
from itertools import product
from operator import attrgetter
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
    """What a plain action's input must satisfy (fields named as in :class:`Action`).

    Attributes:
        absent: fields that must not be given.
        given: fields that must be given.
        zero: fields that, when given, must be 0.
        non_empty: fields that must be given as a non-empty list.
    """

    absent: frozenset[str] = frozenset()
    given: frozenset[str] = frozenset()
    zero: frozenset[str] = frozenset()
    non_empty: frozenset[str] = frozenset()


def _needs(**fields: tuple[str, ...]) -> Requirement:
    return Requirement(**{kind: frozenset(names) for kind, names in fields.items()})


#: For each model validator of :class:`Action`, by name: inputs on which it passes and leaves the
#: action as built (one requirement, or alternatives). A plain action meets one alternative of each.
PLAIN_ACTION_RULES: dict[str, tuple[Requirement, ...]] = {
    # No estimate: nothing to derive the duration from, nor to compare it with.
    "_duration_from_estimate": (_needs(absent=("estimate",)),),
    "_duration_required": (_needs(given=("duration",)),),
    "_estimate_covers_duration": (_needs(absent=("estimate",)),),
    # Sized by duration alone, nobody assigned (so nobody twice).
    "_sized_once": (_needs(absent=("effort", "assignees", "estimate")),),
    # Not started (the default) and no progress recorded.
    "_progress_is_consistent": (
        _needs(absent=("status", "actual_start", "actual_finish", "remaining")),),
    # Without a lag, or with predecessors to count it from.
    "_lag_has_a_predecessor": (_needs(zero=("lag",)), _needs(non_empty=("after",))),
    "_window_is_open": (_needs(absent=("not_before", "not_after")),),
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
    except ValidationError:
        return None
    if not all(check(values["actions"]) for check in checks):
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
    plain, checks = _plain_action_variants(action)
    union = core_schema.union_schema([*plain, action], mode="left_to_right")
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


def _plain_action_variants(
    action: Schema,
) -> tuple[list[Schema], tuple[Callable[[Any], bool], ...]]:
    """Schemas of plain actions (one per combination of alternatives), and the checks over all
    actions that complete them; no schema when :class:`Action` has a validator not described."""
    validators = Action.__pydantic_decorators__
    if set(validators.model_validators) - PLAIN_ACTION_RULES.keys() or validators.field_validators:
        return [], ()
    model = _model(action)
    fields: Schema = model["schema"]["fields"]
    native: dict[str, Schema | None] = {}
    checks: list[Callable[[Any], bool]] = []
    for name, field in fields.items():
        inner = field["schema"]
        inner = inner["schema"] if inner["type"] == "default" else inner
        converted = _native(inner)
        if converted is None:
            native[name] = None
            continue
        schema, distinct = converted
        native[name] = schema
        if distinct:
            checks.append(_all_distinct(name))
    variants = []
    for requirements in product(*PLAIN_ACTION_RULES.values()):
        variant = _variant(fields, native, requirements)
        if variant is not None:
            plain_model = {key: value for key, value in model.items()
                           if key not in ("ref", "metadata", "serialization")}
            variants.append({**plain_model, "schema": {**model["schema"], "fields": variant}})
    return variants, tuple(checks)


def _variant(
    fields: Schema, native: dict[str, Schema | None], requirements: tuple[Requirement, ...]
) -> Schema | None:
    """The model fields of one kind of plain action, or None when no input can meet them."""
    absent = frozenset().union(*(r.absent for r in requirements))
    given = frozenset().union(*(r.given for r in requirements))
    zero = frozenset().union(*(r.zero for r in requirements))
    non_empty = frozenset().union(*(r.non_empty for r in requirements))
    if absent & (given | zero | non_empty):
        return None
    out: Schema = {}
    for name, field in fields.items():
        wrapper = field["schema"]
        has_default = wrapper["type"] == "default"
        schema = native[name]
        if name in absent or schema is None:
            if name in given or name in non_empty or not has_default:
                return None
            schema = _ABSENT
        elif name in zero:
            schema = dict(core_schema.int_schema(strict=True, ge=0, le=0))
        elif name in non_empty:
            schema = {**schema, "min_length": 1}
        if has_default and name not in given and name not in non_empty:
            schema = {**wrapper, "schema": schema}
        out[name] = {**field, "schema": schema}
    return out


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


def _all_distinct(name: str) -> Callable[[Any], bool]:
    """A check that no action lists the same id twice in field ``name`` (C-speed loops)."""
    get = attrgetter(name)

    def check(actions: Any) -> bool:
        values = list(map(get, actions))
        return list(map(len, values)) == list(map(len, map(set, values)))

    return check
