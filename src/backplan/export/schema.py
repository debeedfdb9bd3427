"""JSON Schemas of backplan's files, generated from the models: the plan file and the schedule JSON.

The schemas ship in ``backplan/schemas/`` (``plan.schema.json``, ``schedule.schema.json``) so
editors can validate plans as they are typed: with the YAML language server (VS Code, Neovim,
...) put this first line in a plan file::

    # yaml-language-server: $schema=https://example.invalid/plan.schema.json

or point the editor at the file ``backplan schema`` writes. A test keeps the shipped files equal to
what this module generates; after changing a model, regenerate them with
``python -m backplan.export.schema``.

Generated from the pydantic models with three adjustments that describe what backplan accepts:
descriptions are the models' docstrings without their examples, values in seconds may be
written as clock readings (``"7:00"``), as key results and check-ins allow, and ``people`` may
name a people file instead of listing them.

Example:
    >>> schema = plan_schema()
    >>> schema["required"], schema["additionalProperties"]
    (['goal'], False)
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import operator
import re
import types
import typing
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from backplan.models import Plan
from backplan.scheduling import Schedule

__all__ = ["SCHEMA_FILES", "plan_schema", "schedule_schema", "shipped_schema", "write_schemas"]

#: The shipped schema files, by the name ``backplan schema`` takes.
SCHEMA_FILES = {"plan": "plan.schema.json", "schedule": "schedule.schema.json"}

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_CLOCK = {"type": "string", "pattern": r"^(\d+:)?[0-5]?\d:[0-5]\d$",
          "description": "a duration in seconds written as m:ss or h:mm:ss, e.g. \"7:00\""}
_PEOPLE_FILE = {"type": "string", "minLength": 1,
                "description": "the path of a people file (a list of people), relative to the "
                               "plan file, e.g. \"../people.yaml\""}
# (definition, property) pairs whose numbers may be written as clock readings.
_CLOCK_FIELDS = (("KeyResult", "baseline"), ("KeyResult", "target"), ("CheckIn", "value"))
_EXAMPLE = re.compile(r"\n\s*Examples?:\n.*", re.DOTALL)


def _clean_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                value = _EXAMPLE.sub("", value).strip()
            out[key] = _clean_descriptions(value)
        return out
    if isinstance(node, list):
        return [_clean_descriptions(item) for item in node]
    return node


def _allow_clock(prop: dict[str, Any]) -> dict[str, Any]:
    if prop.get("type") == "number":
        number = {k: v for k, v in prop.items() if k not in ("title", "description", "default")}
        rest = {k: v for k, v in prop.items() if k in ("title", "description", "default")}
        return {**rest, "anyOf": [number, dict(_CLOCK)]}
    return prop


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a plan file, as a dict.

    Example:
        >>> goal = plan_schema()["$defs"].get("Goal")
        >>> sorted(goal.get("required"))
        ['due', 'id']
    """
    schema = _clean_descriptions(Plan.model_json_schema(mode="validation"))
    defs = schema.get("$defs", {})
    for definition, name in _CLOCK_FIELDS:
        props = defs.get(definition, {}).get("properties", {})
        if name in props:
            props[name] = _allow_clock(props[name])
    properties = schema.get("properties", {})
    if "people" in properties:  # or a people file's path (io.plan_files.read_people_file)
        people = properties["people"]
        listed = {k: v for k, v in people.items() if k not in ("title", "default")}
        properties["people"] = {
            **{k: v for k, v in people.items() if k in ("title", "default")},
            "anyOf": [listed, _PEOPLE_FILE]}
    milestone = defs.get("Milestone", {}).get("properties", {})
    expect = milestone.get("expect", {})
    if isinstance(expect.get("additionalProperties"), dict):
        expect["additionalProperties"] = _allow_clock(expect["additionalProperties"])
    return {
        "$schema": _DIALECT,
        "$id": "https://backplan.invalid/schemas/plan.schema.json",
        "title": "backplan plan file",
        "description": "A goal with key results, a working calendar, milestones and actions, "
                       "planned backward from the goal's due date (YAML or JSON).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def schedule_schema() -> dict[str, Any]:
    """The JSON Schema of ``backplan schedule --format json`` (``Schedule.to_dict()``).

    Example:
        >>> properties = schedule_schema().get("properties")
        >>> properties.get("feasible")
        {'title': 'Feasible', 'type': 'boolean'}
    """
    model = _result_model(Schedule, {})
    schema = _clean_descriptions(model.model_json_schema(mode="serialization"))
    return {
        "$schema": _DIALECT,
        "$id": "https://backplan.invalid/schemas/schedule.schema.json",
        "title": "backplan schedule (JSON output)",
        "description": "A plan scheduled backward from its due date: dated actions and "
                       "milestones, slack, the critical path and flags with fixes.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _result_fields(cls: type) -> list[str]:
    if dataclasses.is_dataclass(cls):
        return [field.name for field in dataclasses.fields(cls)
                if not field.metadata.get("internal")]
    return list(getattr(cls, "_fields", ()))


def _result_model(cls: type, made: dict[type, type]) -> Any:
    """A pydantic model with the fields of a result class (dataclass or NamedTuple), nested
    results as objects: the shape ``to_dict()`` gives."""
    from pydantic import create_model

    if cls in made:
        return made[cls]

    def convert(annotation: Any) -> Any:
        if isinstance(annotation, type) and _result_fields(annotation):
            return _result_model(annotation, made)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin in (tuple, list) and args:
            items = convert(args[0])
            return list[items]  # type: ignore[valid-type]
        if origin in (typing.Union, types.UnionType) and args:
            return functools.reduce(operator.or_, [convert(a) for a in args])
        return annotation

    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {name: (convert(hints[name]), ...) for name in _result_fields(cls)}
    model = create_model(cls.__name__, __doc__=cls.__doc__, **fields)
    made[cls] = model
    return model


def _dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def schema_text(name: Literal["plan", "schedule"] = "plan") -> str:
    """A generated schema as the JSON text shipped in ``backplan/schemas/``."""
    if name not in SCHEMA_FILES:
        raise ValueError(f"schema must be one of {', '.join(SCHEMA_FILES)}, got {name!r}")
    return _dumps(copy.deepcopy(plan_schema() if name == "plan" else schedule_schema()))


def shipped_schema(name: Literal["plan", "schedule"] = "plan") -> str:
    """The schema file shipped with the installed package, as text."""
    return (resources.files("backplan") / "schemas" / SCHEMA_FILES[name]).read_text("utf-8")


def write_schemas(folder: str | Path) -> list[Path]:
    """Write every schema into ``folder`` (the package's ``schemas/`` when regenerating)."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, file_name in SCHEMA_FILES.items():
        path = target / file_name
        path.write_text(schema_text(name), encoding="utf-8")  # type: ignore[arg-type]
        written.append(path)
    return written


if __name__ == "__main__":  # python -m backplan.export.schema: regenerate the shipped files
    for written_path in write_schemas(Path(__file__).resolve().parent.parent / "schemas"):
        print(f"wrote {written_path}")
