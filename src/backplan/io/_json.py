"""JSON reading for plan files: the quick read, and the read that locates every key and item.

:func:`plain_json_data` reads with :func:`json.loads` alone (the C parser) and gives None for
anything it should not decide: invalid JSON, a repeated key, a constant such as ``NaN``, a
document that is not an object. :func:`read_json` reads the same text again, refusing what the
quick read left (``syntax``, ``duplicate-key``, with the line), and gives the data with a
:class:`~backplan.io._yaml.Loc` tree of the lines of every key and item, as the YAML reader does.

Example:
    >>> plain_json_data('{"goal": {"id": "g"}}')
    {'goal': {'id': 'g'}}
    >>> plain_json_data('{"goal": 1, "goal": 2}') is None
    True
    >>> data, loc = read_json('{\\n  "goal": {\\n    "id": "g"\\n  }\\n}', file=None)
    >>> loc.keys["goal"][1].keys["id"][0], loc.keys["goal"][1].id
    (3, 'g')
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from backplan.errors import PlanFileError, Problem
from backplan.io._yaml import Loc, Path, describe, usable_id

__all__ = ["plain_json_data", "read_json"]


def plain_json_data(text: str) -> dict[str, Any] | None:
    """The object JSON text holds, read by :func:`json.loads` alone; None when the text is not
    an object, repeats a key, or is not valid JSON (:func:`read_json` then says where)."""
    repeated: list[bool] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping = dict(pairs)  # the first key's place, the last value, as _read_json keeps them
        if len(mapping) != len(pairs):
            repeated.append(True)
        return mapping

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_refuse_constant)
    except (ValueError, RecursionError, _JsonConstantError):
        return None
    return data if isinstance(data, dict) and not repeated else None


def _refuse_constant(name: str) -> Any:
    raise _JsonConstantError(name)


def read_json(text: str, *, file: str | None) -> tuple[Any, Loc | None]:
    """Parse JSON with :func:`json.loads`; locate keys and items with :class:`_JsonLocator`."""
    duplicated: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key, value in pairs:
            if key in mapping:
                duplicated.append(key)
            mapping[key] = value
        return mapping

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise _syntax_error(
            f"invalid JSON: {exc.msg} (column {exc.colno})",
            "check the commas, quotes and brackets around this line", file, exc.lineno,
        ) from None
    except _JsonConstantError as exc:
        match = re.search(rf"(?<![\w\"]){re.escape(exc.name)}(?![\w\"])", text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        raise _syntax_error(
            f"{exc.name} is not valid JSON", "write a number, or null", file, line
        ) from None
    except RecursionError:
        raise _syntax_error(
            "the document is nested too deeply to read",
            "a plan needs only a few levels of nesting", file, None,
        ) from None
    locator = _JsonLocator(text)
    loc = locator.value(0, ())[0]
    if duplicated:
        problems = []
        for path, key, first, second in locator.duplicates:
            item, field, _ = describe(loc, path)
            problems.append(Problem(
                "duplicate-key", item, f"{field}.{key}" if field else key,
                f"key {key!r} appears twice in one object (lines {first} and {second})",
                "keep one of them", file, second,
            ))
        raise PlanFileError(problems, source=file)
    return data, loc


class _JsonConstantError(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_ATOM = re.compile(r"[^\s,\]}]+")


class _JsonLocator:
    """Lines of every key and value in JSON text that :func:`json.loads` has accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.duplicates: list[tuple[Path, str, int, int]] = []

    def line(self, pos: int) -> int:
        return bisect_left(self.newlines, pos) + 1

    def skip(self, pos: int) -> int:
        match = _JSON_SPACE.match(self.text, pos)
        return match.end() if match else pos

    def value(self, pos: int, path: Path) -> tuple[Loc, int, str | None]:
        """The location of the value at ``pos``, the position after it, and its text if a string
        or a number."""
        text = self.text
        pos = self.skip(pos)
        loc = Loc(self.line(pos))
        char = text[pos]
        if char == '"':
            string, end = _scanstring(text, pos + 1)
            return loc, end, string
        if char == "[":
            loc.items = []
            pos = self.skip(pos + 1)
            while text[pos] != "]":
                item, pos, _ = self.value(pos, (*path, len(loc.items)))
                loc.items.append(item)
                pos = self.skip(pos)
                if text[pos] == ",":
                    pos += 1
                pos = self.skip(pos)
            return loc, pos + 1, None
        if char == "{":
            keys: dict[str, tuple[int | None, Loc]] = {}
            pos = self.skip(pos + 1)
            while text[pos] != "}":
                key_line = self.line(pos)
                key, pos = _scanstring(text, pos + 1)
                pos = self.skip(pos) + 1  # the colon
                child, pos, as_text = self.value(pos, (*path, key))
                if key in keys:
                    first = keys[key][0]
                    assert first is not None
                    self.duplicates.append((path, key, first, key_line))
                keys[key] = (key_line, child)
                if key == "id" and as_text is not None:
                    loc.id = usable_id(as_text)
                pos = self.skip(pos)
                if text[pos] == ",":
                    pos += 1
                pos = self.skip(pos)
            loc.keys = keys
            return loc, pos + 1, None
        match = _JSON_ATOM.match(text, pos)
        if match is None:
            return loc, pos + 1, None
        atom = match.group()  # a number is named as written when it stands for an id
        return loc, match.end(), atom if atom[0] in "-0123456789" else None


def _syntax_error(message: str, hint: str, file: str | None, line: int | None) -> PlanFileError:
    return PlanFileError([Problem("syntax", "plan", "", message, hint, file, line)], source=file)
