"""Lines for problems found after a file was read: each named by an item's id, located in the
:class:`~backplan.io._yaml.Loc` tree of the text it came from.

Cross-reference checks (:func:`backplan.plan_problems`, the portfolio's) name items by id and
fields by name, without lines; :func:`locate_problems` finds the item in a plan file's tree and
gives the problem the file and the line of the field (or of the item). :func:`line_of` follows
a data path, as pydantic reports one, to its line.

Example:
    >>> from backplan.errors import Problem
    >>> from backplan.io._yaml import read_yaml
    >>> _, loc = read_yaml("goal: {id: g, due: 2027-03-31}\\nactions:\\n  - id: a\\n"
    ...                    "    after: [b]\\n", file=None)
    >>> [p.line for p in locate_problems([Problem("unknown-id", "a", "after", "x")], loc,
    ...                                  "plan.yaml")]
    [4]
    >>> line_of(loc, ("actions", 0, "after"))
    4
"""

from __future__ import annotations

import dataclasses
import typing
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel

from backplan.errors import Problem
from backplan.io._yaml import ITEM_LISTS, SECTIONS, Loc

__all__ = ["line_of", "locate_problems", "owner_model"]


def locate_problems(
    problems: Sequence[Problem], root: Loc | None, file: str | None
) -> list[Problem]:
    """``problems`` with ``file`` and the line of the item (and field) each names in ``root``:
    the goal and the calendar by their sections, milestones, actions, risks, people and key
    results by id. The n-th ``duplicate-id`` problem for an id points at the (n+1)-th item that
    carries it. A problem whose item is not in the file keeps its line (None: the file only)."""
    index: dict[str, list[Loc]] = {}
    keys = (root.keys or {}) if root is not None else {}
    for section in SECTIONS:
        entry = keys.get(section)
        if entry is not None:
            index.setdefault(entry[1].id or section, []).append(entry[1])
    goal = keys.get("goal")
    sources = [keys.get(name) for name in ITEM_LISTS if name != "key_results"]
    if goal is not None and goal[1].keys is not None:
        sources.append(goal[1].keys.get("key_results"))
    for entry in sources:
        for item in (entry[1].items or []) if entry is not None else []:
            if item.id is not None:
                index.setdefault(item.id, []).append(item)
    seen: Counter[str] = Counter()
    located = []
    for problem in problems:
        candidates = index.get(problem.item, [])
        position = 0
        if problem.code == "duplicate-id":
            seen[problem.item] += 1
            position = min(seen[problem.item], len(candidates) - 1)
        line = problem.line
        if candidates:
            target = candidates[position]
            field = (target.keys or {}).get(problem.field.split(".")[0])
            line = field[0] if field is not None else target.line
        elif line is None and root is not None:
            line = root.line
        located.append(dataclasses.replace(problem, file=file, line=line))
    return located


def line_of(root: Loc | None, path: Sequence[str | int]) -> int | None:
    """The line of the deepest value of ``path`` found in ``root`` (None without a tree)."""
    loc = root
    line = root.line if root is not None else None
    for part in path:
        if loc is None:
            break
        if isinstance(part, int):
            loc = loc.items[part] if loc.items is not None and 0 <= part < len(loc.items) else None
            if loc is not None:
                line = loc.line
        else:
            entry = loc.keys.get(part) if loc.keys is not None else None
            if entry is None:
                break
            line, loc = entry[0], entry[1]
    return line


def owner_model(model: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class (``model`` or one nested in it) that holds the last key of ``path``,
    a data path as pydantic reports one."""
    owner: type[BaseModel] | None = model
    for part in path[:-1]:
        if isinstance(part, int):
            continue
        info = owner.model_fields.get(part) if owner is not None else None
        owner = _model_in(info.annotation) if info is not None else None
    return owner


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
