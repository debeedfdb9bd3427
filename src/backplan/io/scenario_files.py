"""Scenario files (YAML or JSON): named what-if changes to a plan, read safely, with lines.

See :mod:`backplan.models.scenario` for the fields. Problems name the scenario by its ``name``
and the change by its position in ``changes`` (``changes[1].duration``), with the file's line.

Example:
    >>> scenarios = load_scenarios({"scenarios": [
    ...     {"name": "no-tips", "changes": [{"drop": "huddle-tips"}]}]})
    >>> [s.name for s in scenarios.scenarios]
    ['no-tips']
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from backplan.errors import PlanFileError, PlanValidationError, Problem
from backplan.io._locate import line_of
from backplan.io._problems import follows_from_items, problem_from_error
from backplan.io._yaml import Loc, read_yaml
from backplan.models.scenario import ScenarioSet

__all__ = ["load_scenarios"]

#: What file problems are in, for the summary line ("1 problem in the scenario file").
_FILE = "the scenario file"


def load_scenarios(source: str | os.PathLike[str] | Mapping[str, Any]) -> ScenarioSet:
    """Read a scenario file (YAML or JSON; JSON is YAML) or a mapping.

    Raises:
        PlanFileError: the file is missing, not UTF-8, not valid YAML, or not a mapping.
        PlanValidationError: every problem with the scenarios, by scenario name and line.

    Example:
        >>> from backplan.errors import PlanValidationError
        >>> try:
        ...     load_scenarios({"scenarios": [{"name": "x", "changes": [{"dorp": "a"}]}]})
        ... except PlanValidationError as exc:
        ...     print(exc.problems[0])
        x.changes[0].dorp: 'dorp' is not a field of a scenario change (did you mean 'drop'?) [unknown-field]
    """
    file: str | None = None
    loc: Loc | None = None
    if isinstance(source, Mapping):
        data: Any = dict(source)
    else:
        file = os.fspath(source)
        try:
            data, loc = read_yaml(_read_text(file), file=file)
        except PlanFileError as error:  # a YAML problem: in the scenario file, not in a plan
            problems = [dataclasses.replace(p, item="scenarios") if p.item == "plan" else p
                        for p in error.problems]
            raise PlanFileError(problems, source=file, subject=_FILE) from None
    if not isinstance(data, dict):
        raise PlanFileError([Problem(
            "not-a-mapping", "scenarios", "", f"expected a mapping with 'scenarios:', got "
            f"{type(data).__name__}", "start the file with 'scenarios:' and a list", file,
            loc.line if loc else None,
        )], source=file, subject=_FILE)
    try:
        return ScenarioSet.model_validate(data)
    except ValidationError as exc:
        def name(path: Sequence[str | int]) -> tuple[str, str, int | None]:
            return (*_name(path, data), line_of(loc, path))

        problems = [problem_from_error(error, ScenarioSet, name, file=file)
                    for error in exc.errors() if not follows_from_items(error)]
        raise PlanValidationError(problems, source=file, subject="the scenarios") from None


def _read_text(path: str) -> str:
    try:
        raw = FilePath(path).read_bytes()
    except OSError as exc:
        raise PlanFileError([Problem(
            "file-not-found", "scenarios", "", f"cannot read {path!r}: {exc.strerror or exc}",
            "check the path and the file name", path,
        )], source=path, subject=_FILE) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError([Problem(
            "encoding", "scenarios", "", f"byte offset {exc.start} is not valid UTF-8",
            "save the file as UTF-8", path, raw.count(b"\n", 0, exc.start) + 1,
        )], source=path, subject=_FILE) from None


def _name(path: Sequence[str | int], data: Any) -> tuple[str, str]:
    """The scenario's name (or ``scenarios[k]``) and the field below it."""
    if len(path) >= 2 and path[0] == "scenarios" and isinstance(path[1], int):
        k = path[1]
        entries = data.get("scenarios") if isinstance(data, dict) else None
        entry = entries[k] if isinstance(entries, list) and k < len(entries) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        item = name if isinstance(name, str) and name.strip() else f"scenarios[{k}]"
        rest = path[2:]
    else:
        item, rest = "scenarios", path
    field = ""
    for part in rest:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else part)
    return item, field
