"""Safe YAML reading for plan files, and the location tree that both readers produce.

:func:`read_yaml` turns YAML text into plain data (dicts, lists, str, int, float, bool, None,
dates) plus a :class:`Loc` tree that mirrors the data with 1-based line numbers, so that a
problem found later (by pydantic or by the graph checks) can point at the line the user wrote.

What is refused, and why:

- tags other than the plain YAML ones (``!!python/...``, ``!custom``, ``!!set``, ``!!binary``...):
  ``unsafe-yaml``. Nothing a plan needs is lost, and nothing constructs Python objects.
- aliases that expand the document by more than :data:`MAX_ALIAS_EXPANSION` nodes, more than
  :data:`MAX_ALIASES` alias uses, or an alias inside itself: ``unsafe-yaml``. The check runs on the
  composed node graph with memoised sizes, before anything is constructed, so a billion-laughs
  file fails at once.
- the same key twice in one mapping: ``duplicate-key``, naming the key and both lines.

Example:
    >>> data, loc = read_yaml("goal:\\n  id: g\\n  due: 2027-03-31\\n", file=None)
    >>> data["goal"]["due"].isoformat(), loc.keys["goal"][1].keys["due"][0], loc.keys["goal"][1].id
    ('2027-03-31', 3, 'g')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backplan.errors import PlanFileError, Problem

__all__ = [
    "ITEM_LISTS",
    "MAX_ALIASES",
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "SECTIONS",
    "Loc",
    "Path",
    "describe",
    "plain_yaml_data",
    "read_yaml",
    "usable_id",
]

#: Most alias uses (``*name``) a plan file may contain.
MAX_ALIASES = 10_000
#: Most nodes that aliases may add to the document once expanded.
MAX_ALIAS_EXPANSION = 1_000_000
#: Deepest nesting of lists and mappings a plan file may use (a plan needs about five).
MAX_DEPTH = 200

#: A path into the data: mapping keys and list indexes, as pydantic reports locations.
Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
_STR = _TAG + "str"
#: Scalars whose text can name an item in a message (``id: 2027`` is refused, but named "2027").
_ID_TAGS = frozenset({_STR, _TAG + "int", _TAG + "float"})
_VALUE = _TAG + "value"
_ALLOWED_TAGS = frozenset(
    _TAG + name for name in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map")
) | {_MERGE, _VALUE}


@dataclass(slots=True)
class Loc:
    """Where a value sits in the text: its line, and the same for its keys or items.

    Attributes:
        line: 1-based line where the value starts (None when the data did not come from text).
        keys: for a mapping, each key's line and the location of its value.
        items: for a list, the location of each item.
        id: for a mapping with a usable text ``id``, that id.
    """

    line: int | None
    keys: dict[str, tuple[int | None, Loc]] | None = None
    items: list[Loc] | None = None
    id: str | None = None


def usable_id(value: object) -> str | None:
    """``value`` when it can name an item in a message (non-empty one-line text), else None."""
    if isinstance(value, str) and value.strip() and value == value.strip() and "\n" not in value:
        return value
    return None


class _Refused(Exception):
    """A problem found while composing or constructing; becomes a :class:`PlanFileError`."""

    def __init__(self, code: str, message: str, line: int | None, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.hint = hint


class _AliasLimit:
    """Counts alias uses while composing and refuses more than :data:`MAX_ALIASES`; refuses
    nesting deeper than :data:`MAX_DEPTH` (the same limit whichever parser reads the text)."""

    alias_uses = 0
    depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise RecursionError("nested deeper than MAX_DEPTH")
            return self._compose_counted(parent, index)
        finally:
            self.depth -= 1

    def _compose_counted(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            self.alias_uses += 1
            if self.alias_uses > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[attr-defined]
                raise _Refused(
                    "unsafe-yaml",
                    f"more than {MAX_ALIASES:,} alias uses (*name); refusing to expand them",
                    event.start_mark.line + 1,
                    "write the values out instead of repeating aliases",
                )
        return super().compose_node(parent, index)  # type: ignore[misc, no-any-return]


class _PlanLoader(_AliasLimit, yaml.SafeLoader):
    """SafeLoader that counts aliases while composing and constructs only plain YAML types.

    Tags are checked on the whole node graph before construction (see :func:`_walk`), so the
    constructors below only meet allowed tags.
    """


def _construct_timestamp(loader: _PlanLoader, node: ScalarNode) -> object:
    """A date or datetime; text that only looks like one (``2027-02-30``) stays text.

    The model then reports it as "not a real calendar date" on the right field.
    """
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


def _construct_value(loader: _PlanLoader, node: ScalarNode) -> str:
    """PyYAML resolves a bare ``=`` to the "value" tag but has no constructor for it: text."""
    return str(node.value)


def _checked(construct: Any) -> Any:
    """``construct`` with its Python errors turned into a YAML error at the value's line
    (``!!int two``, ``!!bool``, an integer of 5,000 digits...)."""

    def build(loader: Any, node: ScalarNode) -> object:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown!r} is not a valid {_show_tag(node.tag)} value",
                node.start_mark) from None

    return build


_CONSTRUCTORS = {
    _TAG + "null": _checked(yaml.SafeLoader.construct_yaml_null),
    _TAG + "bool": _checked(yaml.SafeLoader.construct_yaml_bool),
    _TAG + "int": _checked(yaml.SafeLoader.construct_yaml_int),
    _TAG + "float": _checked(yaml.SafeLoader.construct_yaml_float),
    _TAG + "timestamp": _checked(_construct_timestamp),
    _VALUE: _construct_value,
}
for _tag, _construct in _CONSTRUCTORS.items():
    _PlanLoader.add_constructor(_tag, _construct)


def _fast_loader() -> type | None:
    """:class:`_PlanLoader` on libyaml's parser, when PyYAML was built with it.

    libyaml scans and parses (about ten times faster than PyYAML's Python scanner); PyYAML's own
    composer and constructor build the nodes, so nesting depth stays bounded by Python's
    recursion limit (libyaml's composer recurses in C and can overflow the stack).
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class _FastPlanLoader(_AliasLimit, Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.flow_depth = 0

        def compose_node(self, parent: Node | None, index: int) -> Node | None:
            event = self.peek_event()
            if isinstance(event, ScalarEvent) and (event.tag == "!" or (
                    self.flow_depth and not event.style and "?" in event.value)):
                # Where libyaml is more lenient than PyYAML's scanner (a plain '?' inside
                # [...] or {...}; a bare '!' tag): let the Python loader decide.
                raise yaml.YAMLError("read with the Python loader")
            flow = isinstance(event, CollectionStartEvent) and bool(event.flow_style)
            self.flow_depth += flow
            try:
                return super().compose_node(parent, index)
            finally:
                self.flow_depth -= flow

    for tag, construct in _CONSTRUCTORS.items():
        _FastPlanLoader.add_constructor(tag, construct)
    return _FastPlanLoader


_FAST_LOADER = _fast_loader()


def read_yaml(text: str, *, file: str | None) -> tuple[Any, Loc | None]:
    """Parse one YAML document safely into plain data and its :class:`Loc` tree.

    Args:
        text: the YAML text.
        file: the file name for problems (None for text that came from elsewhere).

    Returns:
        ``(data, loc)``; ``(None, None)`` for an empty document.

    Raises:
        PlanFileError: ``syntax``, ``unsafe-yaml`` or ``duplicate-key``, all such problems at once
            where the document could be composed.

    Example:
        >>> read_yaml("a: !!python/object/apply:os.system [ls]", file="x.yaml")
        Traceback (most recent call last):
        ...
        backplan.errors.PlanFileError: x.yaml: 1 problem in the plan
          x.yaml:1: plan.a: tag '!!python/object/apply:os.system' is not allowed ... [unsafe-yaml]
    """
    if _FAST_LOADER is not None and not _python_only(text):
        # libyaml reads the text; any problem is read again, and worded, by the Python loader.
        try:
            return _read(text, file, _FAST_LOADER)
        except (PlanFileError, yaml.YAMLError, UnicodeEncodeError):
            pass
    return _read(text, file, _PlanLoader)


def plain_yaml_data(text: str) -> dict[Any, Any] | None:
    """The mapping that plain YAML text holds, read at libyaml's speed without line numbers.

    Plain means what a plan file usually is: no tags, anchors, aliases or merge keys, no key
    twice in a mapping, one document whose top is a mapping. For such text the data equals
    :func:`read_yaml`'s (the same libyaml events, resolved and constructed by the same
    functions). None for any other text, and for any problem: :func:`read_yaml` then reads it
    again and reports the problem with its line.

    Example:
        >>> plain_yaml_data("goal: {id: g, due: 2027-03-31}\\nactions: [{id: a, duration: 2}]\\n")
        {'goal': {'id': 'g', 'due': datetime.date(2027, 3, 31)}, 'actions': [{'id': 'a', 'duration': 2}]}
        >>> plain_yaml_data("a: 1\\na: 2\\n") is None
        True
    """
    if _FAST_LOADER is None or _python_only(text):
        return None
    from yaml._yaml import CParser

    try:
        data = _plain_data(CParser(text))
    except (yaml.YAMLError, UnicodeError):  # read again, and worded, by read_yaml
        return None
    return data if isinstance(data, dict) else None


_IMPLICIT = _PlanLoader.yaml_implicit_resolvers
_WILDCARD = _IMPLICIT.get(None, [])
_NO_KEY = object()


def _resolve_plain(written: str) -> str:
    """The tag of a plain scalar, as :meth:`yaml.resolver.Resolver.resolve` gives it."""
    for tag, pattern in _IMPLICIT.get(written[0] if written else "", []) + _WILDCARD:
        if pattern.match(written):
            return str(tag)
    return _STR


def _plain_data(parser: Any) -> Any:
    """The document built from libyaml's events (see :func:`plain_yaml_data`); None when the
    text is not plain."""
    get = parser.get_event
    get()  # the stream starts
    if not isinstance(get(), DocumentStartEvent):
        return None
    constructor = yaml.constructor.SafeConstructor()
    built: dict[tuple[str, str], Any] = {}
    containers: list[Any] = []  # the open lists and mappings, outermost first
    keys: list[Any] = []  # per open container: the key read for a mapping, else _NO_KEY
    seen: list[set[str] | None] = []  # per open container: a mapping's keys as written
    flows: list[bool] = []
    flow = 0
    root: Any = None
    while True:
        event = get()
        kind = type(event)
        written: str | None = None
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                return None
            value: Any = event.value
            written = value
            if event.implicit[0]:  # a plain scalar: resolved as PyYAML's loaders do
                if flow and "?" in value:
                    return None  # libyaml is more lenient here than PyYAML (see _fast_loader)
                tag = _resolve_plain(value)
                if tag != _STR:
                    cached = (tag, value)
                    if cached in built:
                        value = built[cached]
                    else:
                        construct = _CONSTRUCTORS.get(tag)
                        if construct is None:
                            return None  # a merge key, or a tag no plan uses
                        value = built[cached] = construct(constructor, ScalarNode(tag, value))
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(containers) >= (
                    MAX_DEPTH - 2):
                return None
            value = {} if kind is MappingStartEvent else []
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            done = containers.pop()
            keys.pop()
            seen.pop()
            flow -= flows.pop()
            if not containers:
                root = done
            continue
        elif kind is DocumentEndEvent:
            break
        else:
            return None  # an alias
        if containers:  # put the value in the open list or mapping
            top = containers[-1]
            if type(top) is list:
                top.append(value)
            elif keys[-1] is _NO_KEY:
                names = seen[-1]
                if written is None or names is None or written in names:
                    return None  # a list or mapping as a key, or a key twice
                names.add(written)
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = _NO_KEY
        elif written is not None:
            return None  # a scalar document
        if written is None:  # a list or mapping opens
            containers.append(value)
            keys.append(_NO_KEY)
            seen.append(set() if kind is MappingStartEvent else None)
            flows.append(bool(event.flow_style))
            flow += flows[-1]
    return root if isinstance(get(), StreamEndEvent) else None


_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks


def _python_only(text: str) -> bool:
    """Texts libyaml reads differently from PyYAML's own scanner go to the Python loader: tabs
    and byte-order marks (libyaml accepts some that PyYAML refuses), a comment right after a
    block scalar's header, and a last line without a newline (libyaml counts one line more)."""
    return ("\t" in text or "\ufeff" in text or not text.endswith("\n")
            or _BLOCK_HEADER_COMMENT.search(text) is not None)


def _read(text: str, file: str | None, loader_class: type) -> tuple[Any, Loc | None]:
    """:func:`read_yaml` with one loader."""
    loader: Any = None
    try:
        loader = loader_class(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        walker = _Walker(file)
        loc = walker.loc(node, ())
        if walker.problems:
            raise PlanFileError(walker.problems, source=file)
        data = loader.construct_document(node)
    except _Refused as exc:
        problem = Problem(exc.code, "plan", "", exc.message, exc.hint, file, exc.line)
        raise PlanFileError([problem], source=file) from None
    except yaml.MarkedYAMLError as exc:
        raise PlanFileError([_syntax_problem(exc, file)], source=file) from None
    except yaml.reader.ReaderError as exc:
        line = len(_LINE_BREAK.findall(text, 0, exc.position)) + 1
        problem = Problem(
            "syntax", "plan", "",
            f"control character U+{exc.character:04X} is not allowed in YAML text",
            "remove it, or write it as an escape such as \\t inside double quotes", file, line,
        )
        raise PlanFileError([problem], source=file) from None
    except RecursionError:
        problem = Problem(
            "syntax", "plan", "", "the document is nested too deeply to read",
            "a plan needs only a few levels of nesting", file, None,
        )
        raise PlanFileError([problem], source=file) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, loc


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str | None) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    message = exc.problem or "invalid YAML"
    if exc.context:
        message = f"{exc.context}: {message}"
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            message += f" (that started on line {exc.context_mark.line + 1})"
    hint = ("write a valid value, or drop the tag" if isinstance(
        exc, yaml.constructor.ConstructorError) else
        "check the indentation, colons and quotes around this line")
    return Problem("syntax", "plan", "", message, hint, file, line)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


class _Walker:
    """One pass over the composed node graph, before construction.

    Builds the :class:`Loc` tree, sizes the document as if aliases were expanded (memoised, so
    shared nodes cost nothing), refuses recursive aliases and collects refused tags and duplicate
    keys as problems, naming item and field with :func:`describe` once the tree is complete.
    """

    def __init__(self, file: str | None) -> None:
        self._file = file
        self.problems: list[Problem] = []
        self.unique_nodes = 0
        self.expanded_nodes = 0
        self._locs: dict[int, Loc] = {}
        self._sizes: dict[int, int] = {}
        self._open: set[int] = set()
        self._root: Loc | None = None
        self._pending: list[tuple[Path, str, str, str, str, int, Loc | None]] = []

    def loc(self, node: Node, path: Path) -> Loc:
        root = self._visit(node, path)[0]
        if self.expanded_nodes - self.unique_nodes > MAX_ALIAS_EXPANSION:
            raise _Refused(
                "unsafe-yaml",
                f"aliases expand this document to {self.expanded_nodes:,} values "
                f"(more than {MAX_ALIAS_EXPANSION:,} beyond what is written); refusing to load it",
                _line(node),
                "this looks like an alias bomb; write the values out instead of nesting aliases",
            )
        for problem_path, code, key, message, hint, line, mapping in self._pending:
            item, field, _ = describe(root, problem_path)
            if not field and mapping is not None and mapping.id is not None:
                item = mapping.id  # this very mapping, even if a later duplicate replaced it
            field = f"{field}.{key}" if field and key else field or key
            self.problems.append(Problem(code, item, field, message, hint, self._file, line))
        self.problems.sort(key=lambda p: p.line or 0)
        return root

    def _visit(self, node: Node, path: Path) -> tuple[Loc, int]:
        key = id(node)
        if key in self._open:
            raise _Refused(
                "unsafe-yaml", "an alias refers to the mapping or list that contains it",
                _line(node), "a plan cannot contain itself; remove the alias",
            )
        if key in self._locs:
            size = self._sizes[key]
            self.expanded_nodes += size
            if self.expanded_nodes - self.unique_nodes > MAX_ALIAS_EXPANSION:
                raise _Refused(
                    "unsafe-yaml",
                    f"aliases expand this document by more than {MAX_ALIAS_EXPANSION:,} values; "
                    "refusing to load it",
                    _line(node),
                    "this looks like an alias bomb; write the values out instead of aliases",
                )
            return self._locs[key], size
        self._open.add(key)
        self.unique_nodes += 1
        start = self.expanded_nodes
        self.expanded_nodes += 1
        if node.tag not in _ALLOWED_TAGS:
            self._pending.append((
                path, "unsafe-yaml", "",
                f"tag {_show_tag(node.tag)!r} is not allowed in a plan file",
                "remove the tag; plan files use plain YAML values only",
                _line(node), None,
            ))
        loc = Loc(_line(node))
        if isinstance(node, MappingNode):
            self._visit_mapping(node, path, loc)
        elif isinstance(node, SequenceNode):
            loc.items = [self._visit(item, (*path, i))[0] for i, item in enumerate(node.value)]
        self._open.discard(key)
        size = self.expanded_nodes - start
        self._locs[key] = loc
        self._sizes[key] = size
        return loc, size

    def _visit_mapping(self, node: MappingNode, path: Path, loc: Loc) -> None:
        keys: dict[str, tuple[int | None, Loc]] = {}
        merged: dict[str, tuple[int | None, Loc]] = {}
        for key_node, value_node in node.value:
            self._visit(key_node, path)
            if key_node.tag == _MERGE:
                merged_loc = self._visit(value_node, path)[0]
                for source in merged_loc.items or [merged_loc]:
                    for name, entry in (source.keys or {}).items():
                        merged.setdefault(name, entry)
                continue
            if not isinstance(key_node, ScalarNode):
                self._visit(value_node, path)
                continue
            name = str(key_node.value)
            value_loc = self._visit(value_node, (*path, name))[0]
            if name in keys:
                first = keys[name][0]
                self._pending.append((
                    path, "duplicate-key", name,
                    f"key {name!r} appears twice in one mapping (lines {first} and "
                    f"{_line(key_node)})",
                    "keep one of them; YAML would silently keep only the last",
                    _line(key_node), loc,
                ))
            keys[name] = (_line(key_node), value_loc)
            if name == "id" and isinstance(value_node, ScalarNode) and value_node.tag in _ID_TAGS:
                # A number is named as written (``id: 2027``), though only text is a valid id.
                loc.id = usable_id(value_node.value)
        loc.keys = {**merged, **keys}


#: Plan sections whose value is one item, and lists whose entries are items.
SECTIONS = ("goal", "calendar", "queue")
ITEM_LISTS = ("milestones", "actions", "key_results", "risks", "people")


def describe(root: Loc, path: Sequence[str | int]) -> tuple[str, str, int | None]:
    """The item, dotted field and line that a data path falls in, naming items by their ids.

    An entry of ``milestones``, ``actions`` or ``key_results`` is named by its id, or, when it has
    no usable id, by its position (``actions[3]``) as a last resort. The goal is named by its id,
    the calendar ``calendar``, the queue ``queue``, anything else at the top ``plan``. List indexes below an item
    (``after[1]``) are left out of the field; the line still points at that entry.

    Example:
        >>> _, loc = read_yaml("actions:\\n  - id: a\\n    after: [b,\\n      7]\\n", file=None)
        >>> describe(loc, ("actions", 0, "after", 1)), describe(loc, ("actions", 0, "lag"))
        (('a', 'after', 4), ('a', 'lag', 2))
    """
    item, fields = "plan", list[str]()
    loc: Loc | None = root
    line = root.line
    for depth, part in enumerate(path):
        if isinstance(part, int):
            child = loc.items[part] if loc is not None and loc.items is not None and (
                0 <= part < len(loc.items)) else None
            if len(fields) == 1 and fields[0] in ITEM_LISTS:
                item = (child.id if child is not None else None) or f"{fields[-1]}[{part}]"
                fields = []
            if child is not None:
                line = child.line
            loc = child
            continue
        entry = loc.keys.get(part) if loc is not None and loc.keys is not None else None
        child = entry[1] if entry is not None else None
        if entry is not None:
            line = entry[0]
        if depth == 0 and part in SECTIONS:
            item = (child.id if child is not None else None) or part
            fields = []
        else:
            fields.append(part)
        loc = child
    return item, ".".join(fields), line
