"""Round-trip edits of a plan file: record a check-in, mark an action started or done.

The file is edited as text, at the positions PyYAML reports for the nodes it composes: a value is
replaced where it stands, a new key goes on a line of its own after the item's last line (or
after the last entry of a ``{...}`` mapping), a new check-in goes among the key result's
``checkins`` in date order. Every other byte, comments, blank lines, key order, quoting and line
endings included, stays as it was. JSON plan files are edited the same way, with JSON syntax.

Before anything is written, the edited text is loaded again and must give exactly the plan that
the edit describes (the old plan with only that change); otherwise nothing is written. The new
text goes to a temporary file in the same directory, is flushed to disk and then renamed over the
plan (``os.replace``), so the plan file is at every moment either the old or the new version,
even if the process is killed mid-write. The file keeps its permissions; a symbolic link is
followed and the file it points to is replaced.

Example:
    >>> import datetime as dt, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> plan_file = folder / "plan.yaml"
    >>> _ = plan_file.write_text('''\\
    ... goal:
    ...   id: fcr-80   # the one goal
    ...   due: 2027-03-31
    ...   key_results:
    ...     - {id: fcr, metric: fcr, baseline: 71, target: 80}
    ... actions:
    ...   - id: export-data
    ...     duration: 3     # from the CRM
    ... ''')
    >>> print(record_checkin(plan_file, "fcr", 72.5, date=dt.date(2027, 1, 15)))
    plan.yaml: fcr: check-in 2027-01-15 = 72.5 (line 5)
    >>> print(mark_done(plan_file, "export-data", date=dt.date(2027, 1, 8)))
    plan.yaml: export-data: status done, actual_finish 2027-01-08 (lines 9-10)
    >>> print(plan_file.read_text(), end="")
    goal:
      id: fcr-80   # the one goal
      due: 2027-03-31
      key_results:
        - {id: fcr, metric: fcr, baseline: 71, target: 80, checkins: [{date: 2027-01-15, value: 72.5}]}
    actions:
      - id: export-data
        duration: 3     # from the CRM
        status: done
        actual_finish: 2027-01-08
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backplan.errors import PROBLEM_CODES, BackplanError, PlanValidationError, Problem
from backplan.graph import plan_problems
from backplan.io.plan_files import load_plan, loads_plan
from backplan.models import Action, KeyResult, Plan

__all__ = ["PlanEdit", "mark_done", "mark_started", "record_checkin"]

ModelT = TypeVar("ModelT", bound=BaseModel)

_CLOCK = re.compile(r"(?:\d+:)?[0-5]?\d:[0-5]\d")


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """What an edit changed: the file, a description, and the 1-based lines now holding it."""

    path: str
    subject: str
    description: str
    lines: tuple[int, ...]

    def __str__(self) -> str:
        where = ""
        if self.lines:
            first, last = self.lines[0], self.lines[-1]
            where = f" (line {first})" if first == last else f" (lines {first}-{last})"
        return f"{os.path.basename(self.path)}: {self.subject}: {self.description}{where}"

    def to_dict(self) -> dict[str, Any]:
        """The edit as JSON-ready data."""
        return {"path": self.path, "subject": self.subject, "description": self.description,
                "lines": list(self.lines)}


# --------------------------------------------------------------------------------------------
# Public API


def record_checkin(
    path: str | os.PathLike[str],
    key_result: str,
    value: float | str,
    *,
    date: dt.date,
    n: int | None = None,
) -> PlanEdit:
    """Add a check-in to a key result in the plan file (or replace the one on the same date).

    Args:
        path: the plan file (YAML or JSON).
        key_result: the key result's id.
        value: the observed value; text such as ``"73.5"``, or ``"6:45"`` for metrics in seconds.
        date: the check-in's date.
        n: the sample size, for rates measured on a sample.

    Returns:
        A :class:`PlanEdit` naming the lines written.

    Raises:
        PlanValidationError: the key result does not exist (with a did-you-mean), or the value
            does not fit the metric (nothing is written).
        PlanFileError: the plan file cannot be read or parsed.
        BackplanError: the file cannot be written (it is left unchanged).

    Example:
        >>> import datetime as dt, pathlib, tempfile
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> _ = plan_file.write_text(
        ...     "goal:\\n  id: g\\n  due: 2027-03-31\\n  key_results:\\n"
        ...     "    - id: aht\\n      metric: aht\\n      baseline: '7:00'\\n      target: '6:00'\\n")
        >>> print(record_checkin(plan_file, "aht", "6:45", date=dt.date(2027, 1, 15), n=900))
        plan.yaml: aht: check-in 2027-01-15 = "6:45" (n=900) (lines 9-10)
        >>> print(plan_file.read_text().split("target: '6:00'\\n")[1], end="")
              checkins:
                - {date: 2027-01-15, value: "6:45", n: 900}
    """
    document = _Document.read(path)
    plan = document.plan
    kr = _find(plan.goal.key_results, key_result, "key result", "goal.key_results", document.path)
    number, value_text = _value_text(value)
    new: dict[str, Any] = {"date": date, "value": number}
    if n is not None:
        new["n"] = n
    checkins: list[Any] = [c.model_dump(exclude_defaults=True) for c in kr.checkins]
    existing = next((k for k, c in enumerate(kr.checkins) if c.date == date), None)
    if existing is not None:
        checkins[existing] = new
    else:
        position = next((k for k, c in enumerate(kr.checkins) if c.date > date), len(checkins))
        checkins.insert(position, new)
    updated = _validated(KeyResult, {**kr.model_dump(exclude_defaults=True),
                                     "checkins": checkins}, key_result, document.path)
    expected = _replace_key_result(plan, updated)

    node = document.key_result_node(key_result)
    fields = [("date", document.scalar(date)), ("value", value_text)]
    if n is not None:
        fields.append(("n", document.scalar(n)))
    item_text = document.flow_mapping(fields)
    items = document.get(node, "checkins")
    if items is None:
        document.insert_key(node, "checkins", document.sequence_value(node, item_text))
    elif not isinstance(items, SequenceNode):
        raise _cannot_edit(document, key_result, "checkins is not a list")
    elif existing is not None:
        item = _item_on(document, items, date)
        document.set_key(item, "value", value_text)
        if n is not None:
            document.set_key(item, "n", document.scalar(n))
        else:
            document.delete_key(item, "n")
    else:
        later = next((k for k, c in enumerate(kr.checkins) if c.date > date), None)
        document.insert_item(items, item_text, before=later)
    sample = f" (n={n})" if n is not None else ""
    return document.commit(expected, key_result,
                           f"check-in {date.isoformat()} = {value_text}{sample}")


def mark_done(
    path: str | os.PathLike[str],
    action: str,
    *,
    date: dt.date,
    start: dt.date | None = None,
) -> PlanEdit:
    """Mark an action done on ``date`` in the plan file: ``status: done``, ``actual_finish``.

    ``remaining`` is removed; ``actual_start`` is set when ``start`` is given (an action in
    progress keeps its own).

    Raises:
        PlanValidationError: the action does not exist (with a did-you-mean), or ``date`` is
            before its ``actual_start`` (nothing is written).
        PlanFileError: the plan file cannot be read or parsed.
        BackplanError: the file cannot be written (it is left unchanged).

    Example:
        >>> import datetime as dt, pathlib, tempfile
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.json"
        >>> _ = plan_file.write_text('{"goal": {"id": "g", "due": "2027-03-31"},\\n'
        ...                          ' "actions": [{"id": "a", "duration": 2}]}\\n')
        >>> print(mark_done(plan_file, "a", date=dt.date(2027, 1, 8)))
        plan.json: a: status done, actual_finish 2027-01-08 (line 2)
        >>> print(plan_file.read_text(), end="")
        {"goal": {"id": "g", "due": "2027-03-31"},
         "actions": [{"id": "a", "duration": 2, "status": "done", "actual_finish": "2027-01-08"}]}
    """
    changes: dict[str, Any] = {"status": "done", "actual_finish": date, "remaining": None}
    if start is not None:
        changes["actual_start"] = start
    described = f"status done, actual_finish {date.isoformat()}"
    if start is not None:
        described = f"status done, actual_start {start.isoformat()}, " + described.split(", ")[1]
    return _set_progress(path, action, changes, described)


def mark_started(
    path: str | os.PathLike[str],
    action: str,
    *,
    date: dt.date,
    remaining: int | None = None,
) -> PlanEdit:
    """Mark an action in progress since ``date``, optionally with ``remaining`` working days.

    Example:
        >>> import datetime as dt, pathlib, tempfile
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> _ = plan_file.write_text("goal: {id: g, due: 2027-03-31}\\nactions:\\n"
        ...                          "  - id: a\\n    duration: 5\\n")
        >>> print(mark_started(plan_file, "a", date=dt.date(2027, 1, 4), remaining=3))
        plan.yaml: a: status in_progress, actual_start 2027-01-04, remaining 3 (lines 5-7)
    """
    changes: dict[str, Any] = {"status": "in_progress", "actual_start": date,
                               "actual_finish": None}
    described = f"status in_progress, actual_start {date.isoformat()}"
    if remaining is not None:
        changes["remaining"] = remaining
        described += f", remaining {remaining}"
    return _set_progress(path, action, changes, described)


def _set_progress(
    path: str | os.PathLike[str], action_id: str, changes: dict[str, Any], described: str
) -> PlanEdit:
    document = _Document.read(path)
    plan = document.plan
    action = _find(plan.actions, action_id, "action", "actions", document.path)
    data = action.model_dump(exclude_defaults=True)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    updated = _validated(Action, data, action_id, document.path)
    expected = plan.model_copy(update={"actions": tuple(
        updated if a.id == action_id else a for a in plan.actions)})
    node = document.action_node(action_id)
    for name in ("status", "actual_start", "actual_finish", "remaining"):
        if name not in changes:
            continue
        value = changes[name]
        if value is None:
            document.delete_key(node, name)
        else:
            document.set_key(node, name, document.scalar(value))
    return document.commit(expected, action_id, described)


def _validated(model: type[ModelT], data: dict[str, Any], item_id: str, path: str) -> ModelT:
    """``model`` built from ``data``, or the problems as a :class:`PlanValidationError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            code = error["type"] if error["type"] in PROBLEM_CODES else "invalid-value"
            context = error.get("ctx") or {}
            field = str(context.get("field") or ".".join(str(p) for p in error["loc"]))
            problems.append(Problem(code, item_id, field, str(error["msg"]), "", path))
        raise PlanValidationError(problems, source=path) from None


def _find(items: Any, item_id: str, kind: str, where: str, path: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    ids = [item.id for item in items]
    close = difflib.get_close_matches(item_id, ids, n=1, cutoff=0.6)
    raise PlanValidationError([Problem(
        "unknown-id", item_id, "",
        f"{item_id!r} is not {'an' if kind[0] in 'aeiou' else 'a'} {kind} id of the plan",
        f"did you mean {close[0]!r}?" if close else f"{where}: {', '.join(ids) or '(none)'}",
        path,
    )], source=path)


def _replace_key_result(plan: Plan, key_result: KeyResult) -> Plan:
    goal = plan.goal.model_copy(update={"key_results": tuple(
        key_result if kr.id == key_result.id else kr for kr in plan.goal.key_results)})
    return plan.model_copy(update={"goal": goal})


def _value_text(value: float | str) -> tuple[float | str, str]:
    """The value as the model reads it, and as it is written in the file."""
    if isinstance(value, bool):
        raise PlanValidationError([Problem("invalid-value", "checkin", "value",
                                           f"expected a number, got {value!r}")])
    if isinstance(value, str):
        text = value.strip()
        if _CLOCK.fullmatch(text):
            return text, json.dumps(text)
        try:
            value = float(text)
        except ValueError:
            raise PlanValidationError([Problem(
                "invalid-value", "checkin", "value", f"expected a number, got {text!r}",
                "write the value as a number such as 73.5 (or m:ss for times)",
            )]) from None
    number = float(value)
    if not math.isfinite(number):
        raise PlanValidationError([Problem("invalid-value", "checkin", "value",
                                           f"expected a finite number, got {value!r}")])
    text = str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return number, text


def _item_on(document: _Document, items: SequenceNode, date: dt.date) -> MappingNode:
    for item in items.value:
        if isinstance(item, MappingNode):
            found = document.get(item, "date")
            if isinstance(found, ScalarNode) and found.value.strip("'\"") == date.isoformat():
                return item
    raise _cannot_edit(document, date.isoformat(), "the check-in on this date was not found")


def _cannot_edit(document: _Document, subject: str, why: str) -> BackplanError:
    return BackplanError(f"{document.path}: cannot edit {subject} in place ({why}); "
                         "the file is unchanged")


# --------------------------------------------------------------------------------------------
# The text editor


@dataclass(slots=True)
class _Change:
    start: int
    end: int
    text: str
    order: int


class _Document:
    """The plan's text, its composed node tree, and the pending text changes."""

    def __init__(self, path: str, raw: bytes, plan: Plan) -> None:
        self.path = path
        self.plan = plan
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        self.text = raw.decode("utf-8-sig")
        # the same rule as loads_plan: JSON by the name, or by a first '{"'
        self.json_style = path.lower().endswith(".json") or bool(
            re.match(r'\s*\{\s*["}]', self.text))
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        # libyaml's marks count characters as PyYAML's do; ASCII text is safe either way.
        fast = getattr(yaml, "CSafeLoader", None) if self.text.isascii() else None
        root = yaml.compose(self.text, Loader=fast or yaml.SafeLoader)
        if not isinstance(root, MappingNode):
            raise _cannot_edit(self, "the plan", "the document is not a mapping")
        self.root = root
        self.changes: list[_Change] = []

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> _Document:
        name = os.fspath(path)
        plan = load_plan(name)  # every problem reading or validating the file, with lines
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            raise BackplanError(f"cannot read {name}: {exc.strerror or exc}") from None
        return cls(name, raw, plan)

    # -- finding nodes -------------------------------------------------------------------------
    @staticmethod
    def get(mapping: Node, key: str) -> Node | None:
        if not isinstance(mapping, MappingNode):
            return None
        for key_node, value_node in mapping.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                found: Node = value_node
                return found
        return None

    def _item(self, items: Node | None, item_id: str, where: str) -> MappingNode:
        if isinstance(items, SequenceNode):
            for item in items.value:
                found = self.get(item, "id")
                if isinstance(found, ScalarNode) and found.value == item_id:
                    assert isinstance(item, MappingNode)
                    return item
        raise _cannot_edit(self, item_id, f"not found under {where}")

    def key_result_node(self, key_result: str) -> MappingNode:
        goal = self.get(self.root, "goal")
        items = self.get(goal, "key_results") if goal is not None else None
        return self._item(items, key_result, "goal.key_results")

    def action_node(self, action: str) -> MappingNode:
        return self._item(self.get(self.root, "actions"), action, "actions")

    # -- formatting ----------------------------------------------------------------------------
    def scalar(self, value: object) -> str:
        if isinstance(value, dt.date):
            return json.dumps(value.isoformat()) if self.json_style else value.isoformat()
        if isinstance(value, str):
            return json.dumps(value) if self.json_style or not re.fullmatch(r"[a-z_]+", value) \
                else value
        return str(value)

    def key(self, name: str) -> str:
        return json.dumps(name) if self.json_style else name

    def flow_mapping(self, fields: list[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"{self.key(name)}: {text}" for name, text in fields) + "}"

    def sequence_value(self, mapping: MappingNode, item_text: str) -> str:
        """A new list with one item, as the value of a new key of ``mapping``."""
        if mapping.flow_style or self.json_style:
            return f"[{item_text}]"
        indent = " " * (self._key_column(mapping) + 2)
        return f"{self.newline}{indent}- {item_text}"

    # -- positions -----------------------------------------------------------------------------
    def _key_column(self, mapping: MappingNode) -> int:
        return int(mapping.value[0][0].start_mark.column)

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _after_line(self, index: int) -> int:
        """The index just after the line break ending the line that holds ``index``."""
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def _end_of(self, node: Node) -> int:
        """Where the text of ``node`` ends, before any comments or blank lines after it."""
        while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
            last = node.value[-1]
            node = last[1] if isinstance(node, MappingNode) else last
        end = int(node.end_mark.index)
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            while end > 0 and self.text[self._line_start(end - 1):end].strip() == "":
                end = self._line_start(end - 1)
            return end
        return end

    def _block_insert_point(self, node: Node) -> int:
        end = self._end_of(node)
        if end > 0 and self.text[end - 1] == "\n":
            return end
        return self._after_line(end)

    def _add(self, start: int, end: int, text: str) -> None:
        self.changes.append(_Change(start, end, text, len(self.changes)))

    def _ensure_final_newline(self, point: int) -> str:
        """A line break to put first when inserting at the end of a file that lacks one."""
        at_end = point == len(self.text) and not self.text.endswith("\n")
        if not at_end or any(change.start == point for change in self.changes):
            return ""
        return self.newline

    # -- edits ---------------------------------------------------------------------------------
    def set_key(self, mapping: MappingNode, key: str, value_text: str) -> None:
        current = self.get(mapping, key)
        if current is None:
            self.insert_key(mapping, key, value_text)
        elif isinstance(current, ScalarNode):
            self._add(int(current.start_mark.index), int(current.end_mark.index), value_text)
        else:
            raise _cannot_edit(self, key, "its value is not a single value")

    def insert_key(self, mapping: MappingNode, key: str, value_text: str) -> None:
        if not mapping.value:
            raise _cannot_edit(self, key, "the item is an empty mapping")
        separator = "" if value_text.startswith(("\n", "\r")) else " "
        pair = f"{self.key(key)}:{separator}{value_text}"
        if mapping.flow_style:
            last_key, last_value = mapping.value[-1]
            point = int(last_value.end_mark.index)
            if last_key.start_mark.line != mapping.start_mark.line:
                column = int(last_key.start_mark.column)
                self._add(point, point, f",{self.newline}{' ' * column}{pair}")
            else:
                self._add(point, point, f", {pair}")
            return
        point = self._block_insert_point(mapping)
        indent = " " * self._key_column(mapping)
        prefix = self._ensure_final_newline(point)
        self._add(point, point, f"{prefix}{indent}{pair}{self.newline}")

    def delete_key(self, mapping: MappingNode, key: str) -> None:
        for k, (key_node, value_node) in enumerate(mapping.value):
            if not (isinstance(key_node, ScalarNode) and key_node.value == key):
                continue
            if mapping.flow_style:
                if k > 0:
                    start = int(mapping.value[k - 1][1].end_mark.index)
                    end = int(value_node.end_mark.index)
                elif len(mapping.value) > 1:
                    start = int(key_node.start_mark.index)
                    end = int(mapping.value[1][0].start_mark.index)
                else:
                    raise _cannot_edit(self, key, "it is the item's only field")
            else:
                if len(mapping.value) == 1:
                    raise _cannot_edit(self, key, "it is the item's only field")
                start = self._line_start(int(key_node.start_mark.index))
                if k == 0:
                    raise _cannot_edit(self, key, "it is the first field, on the item's line")
                end = self._block_insert_point(value_node)
            self._add(start, end, "")
            return

    def insert_item(self, items: SequenceNode, item_text: str, *, before: int | None) -> None:
        if items.flow_style:
            if not items.value:
                point = int(items.end_mark.index) - 1
                self._add(point, point, item_text)
            elif before is None:
                point = int(items.value[-1].end_mark.index)
                self._add(point, point, f", {item_text}")
            else:
                point = int(items.value[before].start_mark.index)
                self._add(point, point, f"{item_text}, ")
            return
        indent = " " * int(items.start_mark.column)
        if before is None:
            point = self._block_insert_point(items)
            prefix = self._ensure_final_newline(point)
        else:
            point = self._line_start(int(items.value[before].start_mark.index))
            prefix = ""
        self._add(point, point, f"{prefix}{indent}- {item_text}{self.newline}")

    # -- writing -------------------------------------------------------------------------------
    def edited_text(self) -> tuple[str, list[tuple[int, int]]]:
        """The text with every change applied, and the (start, end) spans of the new text."""
        pieces, spans = [], []
        position = 0
        for change in sorted(self.changes, key=lambda c: (c.start, c.order)):
            if change.start < position:
                raise _cannot_edit(self, "the plan", "two changes overlap")
            pieces.append(self.text[position:change.start])
            offset = sum(len(p) for p in pieces)
            pieces.append(change.text)
            spans.append((offset, offset + len(change.text)))
            position = change.end
        pieces.append(self.text[position:])
        return "".join(pieces), spans

    def _reads_back(self, text: str) -> Plan | None:
        """The plan the edited text holds, read quickly (libyaml when there is one); None when
        that does not give a sound plan (the caller then reads it with :func:`loads_plan`).

        The file as it was passed the strict reader (duplicate keys, tags, aliases), and the edit
        only adds plain scalars and mappings, so the quick read sees the same data.
        """
        try:
            if self.json_style:
                data = json.loads(text)
            else:
                loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                data = yaml.load(text, Loader=loader)  # a safe loader
            plan = Plan.model_validate(data)
        except (yaml.YAMLError, ValueError, TypeError):
            return None
        return None if plan_problems(plan) else plan

    def commit(self, expected: Plan, subject: str, description: str) -> PlanEdit:
        text, spans = self.edited_text()
        got = self._reads_back(text)
        if got != expected:
            # Read it again the slow way, for the problems with their lines (or a real mismatch).
            try:
                got = loads_plan(text, source=self.path)
            except PlanValidationError:
                raise
            except BackplanError as exc:
                raise _cannot_edit(self, subject,
                                   f"the edited text does not parse: {exc}") from None
        if got != expected:
            raise _cannot_edit(self, subject, "the edited file would not read back as intended")
        lines = sorted({
            line
            for start, end in spans if end > start
            for line in _lines_of(text, start, end)
        })
        write_atomic(self.path, (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8"))
        return PlanEdit(self.path, subject, description, tuple(lines))


def _lines_of(text: str, start: int, end: int) -> range:
    """1-based lines holding non-blank characters of ``text[start:end]``."""
    body = text[start:end]
    lead = len(body) - len(body.lstrip("\r\n"))
    trail = len(body.rstrip("\r\n"))
    first = text.count("\n", 0, start + lead) + 1
    last = text.count("\n", 0, start + max(trail, lead)) + 1
    if trail <= lead:
        return range(first, first)
    return range(first, last + 1)


def write_atomic(
    path: str | os.PathLike[str], data: bytes, *, replace: Callable[[str, str], None] | None = None
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename.

    The file at ``path`` is at every moment either its old or its new content. Its permission
    bits are kept; a symbolic link is followed. On failure the temporary file is removed, the
    original is untouched, and :class:`~backplan.BackplanError` says so.

    Example:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> write_atomic(target, b"goal: {id: g, due: 2027-03-31}\\n")
        >>> target.read_bytes()
        b'goal: {id: g, due: 2027-03-31}\\n'
    """
    target = os.path.realpath(os.fspath(path))
    directory = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    handle, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        (replace or os.replace)(temporary, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise BackplanError(
                f"cannot write {os.fspath(path)}: {exc.strerror or exc}; the file is unchanged"
            ) from exc
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        directory_handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_handle)
        finally:
            os.close(directory_handle)
