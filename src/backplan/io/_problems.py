"""Pydantic's validation errors as problems a user can act on, for every file backplan reads.

Plan files, people files, portfolio files, scenario files and the edits written into them all
report a bad value the same way: the item by its id, the field, the line, and a hint. The one
thing each file decides is how a data path is named (:data:`Namer`): a plan names an action by
its id, a portfolio names a plan entry by its path, a scenario file a scenario by its name.

Example:
    >>> from pydantic import ValidationError
    >>> from backplan.models import Plan
    >>> try:
    ...     Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"},
    ...                          "actions": [{"id": "a", "duraton": 2}]})
    ... except ValidationError as exc:
    ...     errors = exc.errors()
    >>> def name(path):  # the item, the field below it, the line (none: not from a file)
    ...     return "a", ".".join(str(part) for part in path[2:]), None
    >>> for error in errors:
    ...     problem = problem_from_error(error, Plan, name, file=None)
    ...     print(problem.code, problem.field, "|", problem.message, "|", problem.hint)
    missing-field duration | 'duration' is required | add 'duration: ...' to a
    unknown-field duraton | 'duraton' is not a field of an action | did you mean 'duration'?
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from backplan.errors import PROBLEM_CODES, Problem
from backplan.io._locate import owner_model
from backplan.words import a_or_an

__all__ = ["Namer", "follows_from_items", "kind_of", "problem_from_error", "shown"]

#: How a file names a data path: ``(item, field, line)``.
Namer = Callable[[Sequence[str | int]], tuple[str, str, int | None]]

#: The field a whole-item problem is about, when the model does not say.
_CODE_FIELDS = {"unknown-metric": "metric", "target-not-improving": "target"}

#: How a model is named in "... is not a field of NOUN", where its class name does not say it.
_NOUNS = {
    "Plan": "the plan", "Goal": "the goal", "Calendar": "the calendar",
    "PortfolioFile": "the portfolio file", "PortfolioInfo": "the portfolio",
    "PlanEntry": "a plan entry", "SharedRisk": "a shared risk",
    "ScenarioSet": "the scenario file",
}


def problem_from_error(
    error: Any, root: type[BaseModel], name: Namer, *, file: str | None
) -> Problem:
    """One pydantic error (an item of ``ValidationError.errors()``, raised validating ``root``)
    as a :class:`~backplan.errors.Problem` named by ``name``."""
    path: tuple[str | int, ...] = tuple(error["loc"])
    kind: str = error["type"]
    item, field, line = name(path)
    key = str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        owner = owner_model(root, path)
        known = list(owner.model_fields) if owner is not None else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known fields: {', '.join(known)}"
        message = f"{key!r} is not a field of {_noun(owner or root)}"
        return Problem("unknown-field", item, field, message, hint, file, line)
    if kind == "missing":
        where = _noun(root) if owner_model(root, path) is root else item
        return Problem("missing-field", item, field, f"{key!r} is required",
                       f"add '{key}: ...' to {where}", file, line)
    if kind in PROBLEM_CODES:
        context = error.get("ctx") or {}
        extra = str(context.get("field") or _CODE_FIELDS.get(kind, "")) if not field else ""
        if extra:
            item, field, line = name((*path, extra))
        return Problem(kind, item, field, _fill(str(error["msg"]), context), "", file, line)
    value = error.get("input")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Problem(
            "not-a-mapping", item, field,
            f"expected a mapping of fields, got {kind_of(value)} {shown(value)}",
            "write it as 'key: value' lines (e.g. 'id: ...')", file, line,
        )
    message = f"expected {_expected(str(error['msg']))}, got {kind_of(value)} {shown(value)}"
    return Problem("invalid-value", item, field, message, _hint(kind, error, value), file, line)


def follows_from_items(error: Any) -> bool:
    """Whether ``error`` is a list reported too short only because its items failed (each
    reported on its own), so that saying it too would be noise.

    Example:
        >>> follows_from_items({"type": "too_short", "input": [{"id": ""}]})
        True
        >>> follows_from_items({"type": "too_short", "input": []})
        False
    """
    return error["type"] == "too_short" and bool(error.get("input"))


def kind_of(value: object) -> str:
    """What ``value`` is, in a user's words.

    Example:
        >>> kind_of(3), kind_of("3"), kind_of([3]), kind_of(None)
        ('number', 'text', 'list', 'null')
    """
    return _KINDS.get(type(value), type(value).__name__)


def shown(value: object) -> str:
    """``value`` as a message shows it: dates as written, long values cut at 60 characters.

    Example:
        >>> shown(dt.date(2027, 3, 31)), shown("abc"), shown(None)
        ('2027-03-31', "'abc'", '(nothing)')
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return "(nothing)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_PLACEHOLDER = re.compile(r"\{(\w+)(![rsa])?(:[^{}]*)?\}")


def _fill(message: str, context: Mapping[str, Any]) -> str:
    """Fill placeholders pydantic leaves as they are: it only replaces plain ``{name}``, so a
    custom error's ``{value:g}`` or ``{name!r}`` reaches us unformatted."""

    def one(match: re.Match[str]) -> str:
        name, conversion, spec = match.groups()
        if name not in context:
            return match.group(0)
        value = context[name]
        if conversion == "!r":
            value = repr(value)
        elif conversion in ("!s", "!a"):
            value = str(value) if conversion == "!s" else ascii(value)
        try:
            return format(value, (spec or ":")[1:])
        except (TypeError, ValueError):
            return match.group(0)

    return _PLACEHOLDER.sub(one, message)


def _noun(model: type[BaseModel]) -> str:
    if model.__name__ in _NOUNS:
        return _NOUNS[model.__name__]
    return a_or_an(re.sub(r"(?<!^)([A-Z])", r" \1", model.__name__).lower())


def _expected(message: str) -> str:
    """Pydantic's "Input should be ..." as the thing expected."""
    rest = message.removeprefix("Input should be ")
    if rest == message:
        return message[0].lower() + message[1:]
    rest = rest.replace("a valid tuple", "a list").replace("a valid list", "a list")
    if rest.startswith("'"):
        return f"one of {rest}"
    if rest.startswith(("greater", "less", "at least", "at most", "finite")):
        return f"a value {rest}"
    return rest


def _hint(kind: str, error: Any, value: object) -> str:
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
        return f"did you mean {close[0]!r}?" if close else ""
    if kind in ("tuple_type", "list_type") and isinstance(value, str):
        return f"write a list, e.g. [{value}]"
    if kind == "int_type" and isinstance(value, str) and value.strip().isdigit():
        return "write the number without quotes"
    if kind == "int_type" and isinstance(value, float):
        return "use a whole number"
    return ""


_KINDS = {
    bool: "boolean", int: "number", float: "number", str: "text", list: "list", tuple: "list",
    dict: "mapping", type(None): "null", dt.date: "date", dt.datetime: "date and time",
}
