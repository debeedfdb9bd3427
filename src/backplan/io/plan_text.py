"""A plan file's text, the node tree PyYAML composes from it, and edits made at its positions.

:class:`PlanText` is the editor behind :mod:`backplan.io.edit`: a value is replaced where it
stands, a new key goes on a line of its own after the item's last line (or after the last entry
of a ``{...}`` mapping), a new list item goes before the comment lines that describe the item
after it. Every other byte stays. :meth:`PlanText.commit` checks that the edited text reads back
as the expected plan and writes it with :func:`~backplan.io.writing.write_atomic`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backplan.errors import BackplanError, PlanValidationError
from backplan.io.plan_files import (
    load_plan,
    loads_plan,
    people_file_path,
    plan_check_problems,
    read_people_file,
)
from backplan.io.writing import FileSnapshot, read_snapshot, write_atomic
from backplan.models import Plan

__all__ = ["PlanText", "cannot_edit", "number_text"]


def number_text(number: float) -> str:
    """A number as written in a plan file: whole numbers without ``.0``.

    Example:
        >>> number_text(12.0), number_text(7.25)
        ('12', '7.25')
    """
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def cannot_edit(document: PlanText, subject: str, why: str) -> BackplanError:
    return BackplanError(f"{document.path}: cannot edit {subject} in place ({why}); "
                         "the file is unchanged")


@dataclass(slots=True)
class _Change:
    start: int
    end: int
    text: str
    order: int


class PlanText:
    """The plan's text, its composed node tree, and the pending text changes."""

    def __init__(self, path: str, snapshot: FileSnapshot, text: str, plan: Plan) -> None:
        self.path = path
        self.plan = plan
        self.snapshot = snapshot
        self.bom = snapshot.data.startswith(b"\xef\xbb\xbf")
        self.text = text
        # the same rule as loads_plan: JSON by the name, or by a first '{"'
        self.json_style = path.lower().endswith(".json") or bool(
            re.match(r'\s*\{\s*["}]', self.text))
        self.newline = "\r\n" if "\r\n" in self.text else "\n"
        # libyaml's marks count characters as PyYAML's do; ASCII text is safe either way.
        fast = getattr(yaml, "CSafeLoader", None) if self.text.isascii() else None
        try:
            root = yaml.compose(self.text, Loader=fast or yaml.SafeLoader)
        except yaml.YAMLError:  # libyaml refuses what the loader reads (such as \ud83d escapes)
            if fast is None:
                raise
            root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        if not isinstance(root, MappingNode | SequenceNode) or not self._holds(root):
            raise cannot_edit(self, "the plan", "the document is not a mapping")
        self.root: MappingNode | SequenceNode = root
        self.changes: list[_Change] = []

    @staticmethod
    def _holds(root: MappingNode | SequenceNode) -> bool:
        """Whether the document's top level is the kind this file holds: a plan is a mapping."""
        return isinstance(root, MappingNode)

    @classmethod
    def read(cls, path: str) -> PlanText:
        """The file read once: its text, and the plan that text holds (every problem with lines)."""
        try:
            snapshot = read_snapshot(path)
            text = snapshot.data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            load_plan(Path(path))  # reports the problem as loading does
            raise
        return cls(path, snapshot, text, loads_plan(text, source=path))

    def reread(self) -> PlanText:
        """The file as it is now: this document when its bytes are still the ones read (only
        the snapshot renewed, no second parse), else the file read again.

        Edits read the file once before taking its lock (problems are reported without waiting,
        and the parsing is done while other edits hold the lock) and again under it.
        """
        if self.changes:
            raise RuntimeError("reread() is for a document without pending changes")
        try:
            snapshot = read_snapshot(self.path)
        except OSError:
            return PlanText.read(self.path)
        if snapshot.data != self.snapshot.data:
            return PlanText.read(self.path)
        self.snapshot = snapshot
        return self

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
        if isinstance(items, ScalarNode) and items.value:  # people: FILE
            raise cannot_edit(self, item_id, f"{where} are read from {items.value}: change "
                              f"{item_id} there")
        raise cannot_edit(self, item_id, f"not found under {where}")

    def key_result_node(self, key_result: str) -> MappingNode:
        goal = self.get(self.root, "goal")
        items = self.get(goal, "key_results") if goal is not None else None
        return self._item(items, key_result, "goal.key_results")

    def action_node(self, action: str) -> MappingNode:
        return self._item(self.get(self.root, "actions"), action, "actions")

    def item_node(self, section: str, item_id: str) -> MappingNode:
        return self._item(self.get(self.root, section), item_id, section)

    def section_node(self, section: str) -> MappingNode:
        """A section of its own (``goal``, ``queue``), which must be a mapping."""
        node = self.get(self.root, section)
        if not isinstance(node, MappingNode):
            raise cannot_edit(self, section, "it is not a mapping")
        return node

    def people_file(self) -> str | None:
        """The people file the plan names (``people: FILE``), as its path from here; None when
        the plan lists its people (or has none)."""
        node = self.get(self.root, "people")
        if not isinstance(node, ScalarNode) or not node.value.strip():
            return None
        return people_file_path(node.value, os.path.dirname(self.path))

    # -- formatting ----------------------------------------------------------------------------
    def scalar(self, value: object) -> str:
        if isinstance(value, dt.date):
            return json.dumps(value.isoformat()) if self.json_style else value.isoformat()
        if isinstance(value, str):
            return json.dumps(value) if self.json_style or not re.fullmatch(r"[a-z_]+", value) \
                else value
        return str(value)

    def flow(self, value: object) -> str:
        """``value`` (as a plan is dumped: dates, numbers, text, lists, mappings) written inline.

        Example:
            >>> text = PlanText.__new__(PlanText)
            >>> text.json_style = False
            >>> text.flow({"hours": 12.0, "after": ("kb-audit", "export")})
            '{hours: 12, after: ["kb-audit", export]}'
        """
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return number_text(value)
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.key(str(k))}: {self.flow(v)}"
                                   for k, v in value.items()) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value)

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

    def _comments_above(self, line_start: int) -> int:
        """The start of the comment lines right above the line at ``line_start`` (they describe
        what follows them), or ``line_start`` when there are none."""
        while line_start > 0:
            previous = self._line_start(line_start - 1)
            if not self.text[previous:line_start].lstrip().startswith("#"):
                break
            line_start = previous
        return line_start

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
        """Give ``key`` the value ``value_text`` (a scalar, or a ``[...]``/``{...}`` flow
        collection): in place of a value or a ``[...]``/``{...}``, or, in place of a block
        list or mapping, as a new line at the end of the item."""
        current = self.get(mapping, key)
        if current is None:
            self.insert_key(mapping, key, value_text)
        elif isinstance(current, ScalarNode) or getattr(current, "flow_style", False):
            self._add(int(current.start_mark.index), int(current.end_mark.index), value_text)
        else:
            self.delete_key(mapping, key)
            self.insert_key(mapping, key, value_text)

    def insert_key(self, mapping: MappingNode, key: str, value_text: str) -> None:
        if not mapping.value:
            raise cannot_edit(self, key, "the item is an empty mapping")
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
                    raise cannot_edit(self, key, "it is the item's only field")
            else:
                if len(mapping.value) == 1:
                    raise cannot_edit(self, key, "it is the item's only field")
                start = self._line_start(int(key_node.start_mark.index))
                if k == 0:
                    raise cannot_edit(self, key, "it is the first field, on the item's line")
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
            point = self._comments_above(self._line_start(int(items.value[before].start_mark.index)))
            prefix = ""
        self._add(point, point, f"{prefix}{indent}- {item_text}{self.newline}")

    # -- writing -------------------------------------------------------------------------------
    def edited_text(self) -> tuple[str, list[tuple[int, int]]]:
        """The text with every change applied, and the (start, end) spans of the new text."""
        pieces, spans = [], []
        position = 0
        for change in sorted(self.changes, key=lambda c: (c.start, c.order)):
            if change.start < position:
                raise cannot_edit(self, "the plan", "two changes overlap")
            pieces.append(self.text[position:change.start])
            offset = sum(len(p) for p in pieces)
            pieces.append(change.text)
            spans.append((offset, offset + len(change.text)))
            position = change.end
        pieces.append(self.text[position:])
        return "".join(pieces), spans

    def _read_back_slowly(self, text: str, subject: str) -> Plan:
        """The plan the edited text holds, with the problems and their lines if it has any."""
        try:
            return loads_plan(text, source=self.path)
        except PlanValidationError:
            raise
        except BackplanError as exc:
            raise cannot_edit(self, subject, f"the edited text does not parse: {exc}") from None

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
        return None if plan_check_problems(plan) else plan

    def commit(self, expected: Plan, subject: str) -> tuple[int, ...]:
        """Write the edited text when it reads back as ``expected``; the 1-based lines it changed.

        Raises:
            PlanValidationError: the edited text holds a plan with problems (nothing written).
            BackplanError: it reads back as another plan, or cannot be written.
            PlanBusyError: the file changed since it was read (nothing written).
        """
        text, spans = self.edited_text()
        got = self._reads_back(text)
        if got != expected:
            # Read it again the slow way, for the problems with their lines (or a real mismatch).
            got = self._read_back_slowly(text, subject)
        if got != expected:
            raise cannot_edit(self, subject, "the edited file would not read back as intended")
        lines = sorted({
            line
            for start, end in spans if end > start
            for line in _lines_of(text, start, end)
        })
        write_atomic(self.path, (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8"),
                     expected=self.snapshot)
        return tuple(lines)


class PeopleText(PlanText):
    """A people file (the people of the plans that name it) as editable text: a list of
    people, or a mapping whose one key, ``people``, holds the list.

    ``plan`` is a plan that names the file, as loaded: an edit is checked by reading the file
    back into that plan, which must then be the one expected.
    """

    @classmethod
    def of(cls, path: str, plan: Plan) -> PeopleText:
        """The people file at ``path``, read once, for ``plan`` (which names it)."""
        snapshot = read_snapshot(path)
        return cls(path, snapshot, snapshot.data.decode("utf-8-sig"), plan)

    @staticmethod
    def _holds(root: MappingNode | SequenceNode) -> bool:
        return True

    def item_node(self, section: str, item_id: str) -> MappingNode:
        items = self.root if isinstance(self.root, SequenceNode) else self.get(self.root, section)
        return self._item(items, item_id, f"the people file's {section}")

    def _reads_back(self, text: str) -> Plan | None:
        """The plan with the people the edited text holds, read as the loader reads a people
        file (a people file is small: no quicker reader first); None if it has problems."""
        read = read_people_file(self.path, text=text)
        return None if read.problems else self.plan.model_copy(update={"people": read.people})

    def _read_back_slowly(self, text: str, subject: str) -> Plan:
        read = read_people_file(self.path, text=text)
        if read.problems:
            raise PlanValidationError(list(read.problems), source=self.path)
        return self.plan.model_copy(update={"people": read.people})


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
