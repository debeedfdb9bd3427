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
one :meth:`Plan.model_validate` returns. Where the install compiled it (``_plain_actions.c``),
plain actions are built by a loop that reads the same plain schema, with exact types only
(in about a third of pydantic-core's time at 100,000 actions); the rest of the plan, and each action it
leaves, is validated as above. Anything it rejects makes :func:`fast_plan` return None:
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

from backplan._compiled import compiled
from backplan.models._types import Id
from backplan.models.columns import ActionColumns, keep_action_columns
from backplan.models.plan import Plan
from backplan.models.work import Action, After, WrittenDuration

__all__ = ["PLAIN_ACTION_RULES", "Requirement", "fast_plan", "native_fields"]

Schema = dict[str, Any]

#: The compiled builder of plain actions, or None where the install did not build it.
_PLAIN_ACTIONS = compiled("backplan.models._plain_actions")


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
    columns = None
    try:
        native = _native_actions(data, fast)
        if native is None:
            values, _, fields_set = fast.plan.validate_python(data)
            by_models = values["actions"]
        else:
            values, _, fields_set = fast.plan.validate_python({**data, "actions": ()})
            values["actions"], by_models, columns = native
    except ValidationError:
        return None
    if not all(check(by_models) for check in fast.distinct_checks):
        return None
    if not all(check(values["actions"]) for check in fast.checks):
        return None
    plan = Plan.model_construct(fields_set, **values)
    if columns is not None:
        keep_action_columns(plan, columns)
    return plan


@dataclass(frozen=True)
class _FastValidation:
    """How :func:`fast_plan` validates.

    Attributes:
        plan: validates the plan's fields (plain actions natively, the others by
            :class:`Action`).
        actions: validates a list of actions the same way.
        checks: run once over all actions afterwards.
        distinct_checks: run over the actions ``plan`` or ``actions`` built (the compiled
            builder checks its own): no id listed twice in ``after``.
        native_fields: the compiled builder's spec of :class:`Action`'s fields
            (:func:`native_fields`), or None.
        column_fields: where each field of :class:`~backplan.models.columns.ActionColumns` is
            in ``native_fields`` (the builder collects them).
    """

    plan: SchemaValidator
    actions: SchemaValidator
    checks: tuple[Callable[[Any], bool], ...]
    distinct_checks: tuple[Callable[[Any], bool], ...]
    native_fields: tuple[tuple[Any, ...], ...] | None
    column_fields: tuple[int, ...] = ()


def _native_actions(
    data: Mapping[str, Any], fast: _FastValidation
) -> tuple[tuple[Action, ...], list[Action], ActionColumns | None] | None:
    """The actions of ``data`` (plain ones built by the compiled loop, the others by
    ``fast.actions``), those the models built, and the actions' columns when the loop built
    them all (collected on the way); None when the compiled loop is not there or ``data`` is
    not a dict with a list of actions.

    Raises:
        ValidationError: an action the loop left is refused.
    """
    rows = data.get("actions") if type(data) is dict else None
    if fast.native_fields is None or _PLAIN_ACTIONS is None or type(rows) not in (list, tuple):
        return None
    rows = tuple(rows)  # type: ignore[arg-type]  # a list or a tuple, checked just above
    built, others, columns = _PLAIN_ACTIONS.build(Action, rows, fast.native_fields,
                                                  fast.column_fields)
    by_models: list[Action] = []
    if others:
        by_models = fast.actions.validate_python([rows[i] for i in others])
        for i, action in zip(others, by_models, strict=True):
            built[i] = action
    return tuple(built), by_models, ActionColumns(*columns) if columns else None


@functools.cache
def _fast_validator() -> _FastValidation | None:
    """The validators of the plan's fields (the plan itself is built from them in Python: a
    validator for the whole model would be pydantic's prebuilt one) and of lists of actions,
    and the checks that run once over all actions after them; None when :class:`Plan`
    validates more than its fields."""
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
    plain, checks, distinct = _plain_action(action)
    union = core_schema.union_schema([plain, action] if plain else [action],
                                     mode="left_to_right")
    new_items = {**items, "items_schema": [union]}
    new_fields = {**fields, "actions": {**fields["actions"],
                                        "schema": {**actions, "schema": new_items}}}
    schema: Schema = {**outer["schema"], "fields": new_fields}
    action_list: Schema = dict(core_schema.list_schema(union))
    if plan_schema["type"] == "definitions":
        schema = {**plan_schema, "schema": schema}
        action_list = {**plan_schema, "schema": action_list}
    distinct_checks = tuple(_all_distinct(name) for name in distinct)
    specs = native_fields(plain, distinct) if plain else None
    names = [spec[0] for spec in specs or ()]
    return _FastValidation(
        plan=SchemaValidator(schema, outer.get("config")),
        actions=SchemaValidator(action_list, outer.get("config")),
        checks=checks, distinct_checks=distinct_checks, native_fields=specs,
        column_fields=(tuple(names.index(name) for name in ActionColumns._fields)
                       if specs else ()),
    )


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


def _plain_action(
    action: Schema,
) -> tuple[Schema | None, tuple[Callable[[Any], bool], ...], tuple[str, ...]]:
    """The schema of plain actions, the checks over all actions that complete it, and the
    fields whose ids must be distinct (checked afterwards too); None (and no checks) when
    :class:`Action` has a validator that :data:`PLAIN_ACTION_RULES` does not describe."""
    validators = Action.__pydantic_decorators__
    model_validators = validators.model_validators
    if set(model_validators) - PLAIN_ACTION_RULES.keys() or validators.field_validators:
        return None, (), ()
    rules = [PLAIN_ACTION_RULES[name] for name in model_validators]
    absent = frozenset().union(*(rule.absent for rule in rules))
    given = frozenset().union(*(rule.given for rule in rules))
    model = _model(action)
    checks: list[Callable[[Any], bool]] = []
    for name, rule in PLAIN_ACTION_RULES.items():
        if rule.run_if_given and name in model_validators:
            if model_validators[name].info.mode != "after":
                return None, (), ()
            checks.append(_runs_if_given(model_validators[name].func, rule.run_if_given))
    distinct: list[str] = []
    fields: Schema = {}
    for name, field in model["schema"]["fields"].items():
        wrapper = field["schema"]
        has_default = wrapper["type"] == "default"
        converted = _native(wrapper["schema"] if has_default else wrapper)
        if name in absent or converted is None:
            if name in given or not has_default:
                return None, (), ()
            schema = _ABSENT
        else:
            schema, ids_distinct = converted
            if name in given and schema["type"] == "nullable":
                schema = schema["schema"]  # given means a value: null is the model's to refuse
            if ids_distinct:
                distinct.append(name)
        fields[name] = {**field, "schema": {**wrapper, "schema": schema} if (
            has_default and name not in given) else schema}
    plain = {key: value for key, value in model.items()
             if key not in ("ref", "metadata", "serialization")}
    return ({**plain, "schema": {**model["schema"], "fields": fields}}, tuple(checks),
            tuple(distinct))


#: The compiled builder's kinds of field (``_plain_actions.c``).
NEVER_GIVEN, ID, TEXT, INT, CHOICE, IDS = range(6)

_IMMUTABLE = (type(None), bool, int, float, str)
#: The model settings the compiled builder honours (besides a title): unknown keys refused,
#: strings as given.
_BUILDER_CONFIG = {"extra_fields_behavior": "forbid", "str_strip_whitespace": False}


def native_fields(
    plain: Schema, distinct: tuple[str, ...] = ()
) -> tuple[tuple[Any, ...], ...] | None:
    """The compiled builder's spec of the plain-action schema ``plain``: per field, in order,
    ``(name, kind, required, nullable, distinct, default, factory, low, high, choices)``.

    A field whose schema the builder cannot check exactly is ``NEVER_GIVEN`` (an action that
    gives it is left to the models); None when that is not enough (such a field is required, a
    default is mutable, the model has settings the builder does not know).

    Example:
        >>> fast = _fast_validator()
        >>> [spec[:2] for spec in fast.native_fields[:3]]
        [('id', 1), ('title', 2), ('duration', 3)]
    """
    config = {key: value for key, value in plain.get("config", {}).items() if key != "title"}
    if (config != _BUILDER_CONFIG or plain.get("custom_init") or plain.get("root_model")
            or plain.get("post_init") or plain["schema"].get("computed_fields")
            or plain["schema"].get("extras_schema")):
        return None
    specs = []
    for name, field in plain["schema"]["fields"].items():
        if set(field) - {"type", "schema", "metadata"}:  # aliases, exclusions, ...
            return None
        schema = field["schema"]
        required = schema["type"] != "default"
        default: Any = None
        factory: Any = None
        if not required:
            if set(schema) - {"type", "schema", "default", "default_factory",
                              "default_factory_takes_data", "metadata"}:
                return None  # validate_default, copy_default, ...
            if "default_factory" in schema:
                factory = schema["default_factory"]
                if factory not in (dict, list) or schema.get("default_factory_takes_data"):
                    return None
            else:
                default = schema["default"]
                if not (isinstance(default, _IMMUTABLE) or default == ()):
                    return None
            schema = schema["schema"]
        nullable = schema["type"] == "nullable" and set(schema) <= {"type", "schema", "metadata"}
        kind, low, high, choices = _native_kind(schema["schema"] if nullable else schema)
        if required and kind == NEVER_GIVEN:
            return None
        specs.append((name, kind, required, nullable, name in distinct, default, factory, low,
                      high, choices))
    return tuple(specs)


def _native_kind(schema: Schema) -> tuple[int, int, int, tuple[str, ...]]:
    """``(kind, low, high, choices)`` of a field's schema for the compiled builder."""
    kind = schema["type"]
    keys = set(schema) - {"type", "metadata"}
    if kind == "str" and keys == {"pattern", "strict"} and schema["strict"] and (
            schema["pattern"] == _ASCII_ID["pattern"]):
        return ID, 0, 0, ()
    if kind == "str" and not keys:
        return TEXT, 0, 0, ()
    low, high = schema.get("ge", -(2**63)), schema.get("le", 2**63 - 1)
    if kind == "int" and keys <= {"strict", "ge", "le"} and type(low) is int and (
            type(high) is int and -(2**63) <= low <= high < 2**63):
        return INT, low, high, ()
    if kind == "literal" and keys == {"expected"} and all(
            type(value) is str for value in schema["expected"]):
        return CHOICE, 0, 0, tuple(schema["expected"])
    if kind == "tuple" and keys == {"items_schema", "variadic_item_index"} and (
            schema["variadic_item_index"] == 0 and len(schema["items_schema"]) == 1
            and _native_kind(schema["items_schema"][0])[0] == ID):
        return IDS, 0, 0, ()
    return NEVER_GIVEN, 0, 0, ()


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
