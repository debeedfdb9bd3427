"""Plan files in and out: YAML or JSON, with the file and line of every problem.

:func:`load_plan` reads a plan from a file, from plan text or from a mapping; :func:`loads_plan`
reads plan text; :func:`dump_plan` writes a plan so that loading it gives an equal plan.

What a ``str`` passed to :func:`load_plan` means:

1. with a line break, it is plan text;
2. otherwise it is a path if it ends in ``.yaml``, ``.yml`` or ``.json`` (any case) or names an
   existing file;
3. otherwise a one-line string that starts with ``{`` or contains ``": "`` is plan text;
4. any other string is a path, so a mistyped path reports ``file-not-found``.

``os.PathLike`` objects are always paths, and mappings are validated as they are.

A plan's ``people:`` may name a people file instead of listing them (``people: ../people.yaml``,
relative to the plan file; to the current directory for plan text and mappings): a YAML or JSON
list of people, or a mapping with one key, ``people``, holding the list. A portfolio names the
same file, so that each team plan also runs on its own (see :func:`read_people_file`).

Errors: problems reading the text (``file-not-found``, ``encoding``, ``syntax``, ``unsafe-yaml``,
``duplicate-key``, ``not-a-mapping``) raise :class:`~backplan.PlanFileError`; problems with the
content raise :class:`~backplan.PlanValidationError` listing all of them at once, each naming the
item by its id, the field, and the file and line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path as FilePath
from typing import Any, Literal

import yaml
from pydantic import TypeAdapter, ValidationError

from backplan._gc import paused_gc
from backplan.errors import PlanFileError, PlanValidationError, Problem
from backplan.io._json import plain_json_data, read_json
from backplan.io._locate import line_of, locate_problems
from backplan.io._problems import kind_of, problem_from_error, shown
from backplan.io._yaml import (
    Loc,
    describe,
    plain_yaml_data,
    read_yaml,
    usable_id,
)
from backplan.models import Person, Plan
from backplan.models.fast import fast_plan
from backplan.words import a_or_an

__all__ = [
    "PeopleFile", "dump_plan", "load_plan", "loads_plan", "people_file_path", "plain_plan_data",
    "read_people_file",
]

PlanFormat = Literal["yaml", "json"]

_SUFFIXES = (".yaml", ".yml", ".json")
_KEY_LIKE = re.compile(r":\s")


# --------------------------------------------------------------------------------------------
# Public API


def load_plan(source: str | os.PathLike[str] | Mapping[str, Any], *, check: bool = True) -> Plan:
    """Load a plan from a YAML or JSON file, from plan text, or from a mapping.

    See the module docstring for when a ``str`` is a path and when it is plan text. A file whose
    name ends in ``.json`` is read as JSON, any other as YAML.

    Args:
        source: a path, plan text, or a mapping shaped like the plan file.
        check: also check cross-references (duplicate and unknown ids, self-references,
            cycles) with :func:`backplan.graph.plan_problems`.

    Returns:
        The validated :class:`~backplan.models.Plan`.

    Raises:
        PlanFileError: the file is missing or unreadable, not UTF-8, not valid YAML/JSON, uses
            unsafe YAML, repeats a key, or is not a mapping.
        PlanValidationError: every problem with the content, each with its item id, field,
            file and line.

    Example:
        >>> plan = load_plan({
        ...     "goal": {"id": "fcr-80", "due": "2027-03-31"},
        ...     "actions": [{"id": "export-data", "duration": 2},
        ...                 {"id": "tag-repeats", "duration": 5, "after": ["export-data"]}],
        ... })
        >>> plan.actions[1].after
        ('export-data',)
        >>> from backplan.errors import PlanValidationError
        >>> try:
        ...     load_plan({"goal": {"id": "g", "due": "2027-03-31"},
        ...                "actions": [{"id": "a", "duraton": 2}]})
        ... except PlanValidationError as exc:
        ...     for problem in exc.problems:
        ...         print(problem.code, problem.item, problem.field, problem.hint)
        missing-field a duration add 'duration: ...' to a
        unknown-field a duraton did you mean 'duration'?
    """
    if isinstance(source, Mapping):
        data = dict(source)
        with paused_gc():
            plan = fast_plan(data)
            if plan is not None and (not check or not plan_check_problems(plan)):
                return plan
            return _build(data, _loc_of_data(data), file=None, check=check)
    path = _as_path(source)
    if path is None:
        assert isinstance(source, str)  # only a str can be plan text
        return loads_plan(source, check=check)
    text = _read_text(path)
    return loads_plan(text, source=path, check=check)


def loads_plan(
    text: str,
    *,
    source: str | None = None,
    format: PlanFormat | None = None,
    check: bool = True,
) -> Plan:
    """Load a plan from YAML or JSON text.

    Args:
        text: the plan text.
        source: where the text came from (a file name), used in problems.
        format: ``"yaml"`` or ``"json"``; by default JSON when ``source`` ends in ``.json`` or the
            text starts with ``{"`` (a JSON object), else YAML.
        check: also check cross-references, as in :func:`load_plan`.

    Returns:
        The validated :class:`~backplan.models.Plan`.

    Raises:
        PlanFileError: the text is not valid YAML/JSON, uses unsafe YAML, repeats a key, or is
            not a mapping.
        PlanValidationError: every problem with the content, with item ids and lines.

    Example:
        >>> plan = loads_plan('''
        ... goal: {id: fcr-80, due: 2027-03-31}
        ... actions:
        ...   - {id: export-data, duration: 2}
        ... ''')
        >>> plan.goal.due.isoformat(), plan.actions[0].duration
        ('2027-03-31', 2)
        >>> from backplan.errors import PlanValidationError
        >>> try:
        ...     loads_plan("goal: {id: g, due: 2027-03-31}\\nactions:\\n"
        ...                "  - id: export-data\\n    duration: 0\\n", source="fcr.yaml")
        ... except PlanValidationError as exc:
        ...     print(exc.problems[0].line, exc.problems[0].item, exc.problems[0].message)
        4 export-data expected a value greater than or equal to 1, got number 0
    """
    text = text.removeprefix("\ufeff")
    chosen = format or _guess_format(text, source)
    with paused_gc():
        # Plain text, read without line numbers, usually is a sound plan; anything else is
        # read again with the line of every key and item, to report each problem there.
        plain = plain_plan_data(text, format=chosen)  # text and format as chosen above
        if plain is not None and _names_people_file(plain):
            plain = _with_people_file(plain, file=source)
        plan = fast_plan(plain) if plain is not None else None
        del plain  # before the checks (their memory is the data's, reused)
        if plan is not None and (not check or not plan_check_problems(plan)):
            return plan
        if chosen == "json":
            data, loc = read_json(text, file=source)
        else:
            data, loc = read_yaml(text, file=source)
        if not isinstance(data, dict):
            raise PlanFileError([_not_a_mapping(data, loc, source)], source=source)
        return _build(data, loc or _loc_of_data(data), file=source, check=check)


def plain_plan_data(
    text: str, *, source: str | None = None, format: PlanFormat | None = None
) -> dict[str, Any] | None:
    """The mapping plan ``text`` holds, read the fast way (no line numbers): the C JSON parser,
    or PyYAML's C loader where installed; None when the text is not read that way (invalid, a
    repeated key, not a mapping, YAML the fast way leaves to the careful one). ``source`` and
    ``format`` choose JSON or YAML as in :func:`loads_plan`.

    Example:
        >>> plain_plan_data('{"goal": {"id": "g", "due": "2027-03-31"}}')
        {'goal': {'id': 'g', 'due': '2027-03-31'}}
        >>> plain_plan_data("goal: {id: g}\\ngoal: {id: h}\\n") is None
        True
    """
    text = text.removeprefix("\ufeff")
    chosen = format or _guess_format(text, source)
    return plain_json_data(text) if chosen == "json" else plain_yaml_data(text)


@dataclasses.dataclass(frozen=True, slots=True)
class PeopleFile:
    """What :func:`read_people_file` found.

    Attributes:
        people: the people (empty when there are problems).
        problems: every problem: a missing or unreadable file where ``people:`` names it;
            anything wrong inside it at the people file's own lines.
        path: the people file's path as shown in problems (normalised).
        tree: where each person sits in the people file (to locate later problems), or None.
    """

    people: tuple[Person, ...]
    problems: tuple[Problem, ...]
    path: str
    tree: Loc | None = None


def people_file_path(name: str, base: str | None = None) -> str:
    """Where ``people: NAME``, written in a file in folder ``base``, points (normalised; the
    empty string when nothing is named).

    Example:
        >>> people_file_path("../shared/staff.yaml", "teams")
        'shared/staff.yaml'
        >>> people_file_path("staff.yaml", "plans/q1")
        'plans/q1/staff.yaml'
    """
    return os.path.normpath(os.path.join(base, name) if base else name) if name.strip() else ""


def read_people_file(
    name: str, *, base: str | None = None, file: str | None = None, line: int | None = None,
    referrer: Literal["plan", "portfolio"] = "plan", text: str | None = None,
) -> PeopleFile:
    """The people a plan's or a portfolio's ``people: FILE`` names, and the problems found.

    The people file holds a list of people (as a plan's ``people:`` does), or a mapping whose one
    key, ``people``, holds it; YAML or JSON, read as plan files are. The path is relative to
    ``base`` as written (a link to a plan file is not followed).

    Args:
        name: the path written after ``people:``.
        base: the folder the path is relative to (the referring file's); default: the current
            directory.
        file, line, referrer: where ``people:`` is written (the file, its line, and whether in a
            plan or a portfolio), for a people file that cannot be found.
        text: the file's text as it is to be (an edit checked before it is written); default:
            the text the file holds.

    Example:
        >>> found = read_people_file("examples/portfolio/people.yaml")
        >>> [p.id for p in found.people], found.problems
        (['qa', 'trainer'], ())
        >>> problem = read_people_file("nobody.yaml", file="plan.yaml", line=3).problems[0]
        >>> problem.code, problem.file, problem.line, problem.message
        ('file-not-found', 'plan.yaml', 3, "no such file: 'nobody.yaml'")
    """
    path = people_file_path(name, base)
    hint = "check the path; it is relative to the file that names it"
    if "\\" in name and os.sep == "/":  # a path written on Windows, read where "/" separates
        forward = name.replace("\\", "/")
        hint = (f"write {forward!r}: folders are separated by '/' (the path is relative to the "
                "file that names it)")
    if not path or os.path.isdir(path):
        what = (f"{name!r} is a folder, not a people file" if path else
                "no people file named: give its path, or list the people")
        return PeopleFile((), (Problem("file-not-found" if path else "invalid-value", referrer,
                                       "people", what, hint, file, line),), path)
    try:
        if text is None:
            text = _read_text(path)
        data, loc = (read_json(text, file=path) if path.lower().endswith(".json")
                     else read_yaml(text, file=path))
    except PlanFileError as error:  # not found: said where it is named; else in the file
        return PeopleFile((), tuple(
            Problem(p.code, referrer, "people", p.message.replace(repr(path), repr(name)), hint,
                    file, line) if p.code == "file-not-found" else
            dataclasses.replace(p, item="people") for p in error.problems), path)
    if isinstance(data, dict) and set(data) == {"people"}:
        data, loc = data["people"], (loc.keys or {})["people"][1] if loc is not None else None
    if not isinstance(data, list):
        return PeopleFile((), (Problem(
            "invalid-value", "people", "", "the people file holds no list of people",
            "write a list of people (- {id: qa, hours_per_day: 2}), or 'people:' and the list",
            path, loc.line if loc is not None else 1),), path)
    tree = Loc(None, keys={"people": (None, loc or _loc_of_data(data))})
    try:
        return PeopleFile(_people_adapter().validate_python(data), (), path, tree)
    except ValidationError as exc:
        return PeopleFile((), tuple(
            problem_from_error({**error, "loc": ("people", *error["loc"])}, Plan,
                               functools.partial(describe, tree), file=path)
            for error in exc.errors()), path, tree)


def dump_plan(
    plan: Plan,
    path: str | os.PathLike[str] | None = None,
    *,
    format: PlanFormat | None = None,
) -> str:
    """Write a plan as YAML or JSON text that loads back to an equal plan.

    Fields left at their defaults are omitted; dates are written as ``YYYY-MM-DD`` (plain YAML
    dates, JSON strings); keys keep the schema's order.

    Args:
        plan: the plan to write.
        path: a file to write the text to (UTF-8), or None to only return it.
        format: ``"yaml"`` or ``"json"``; by default JSON when ``path`` ends in ``.json``,
            else YAML.

    Returns:
        The text written.

    Example:
        >>> plan = load_plan({"goal": {"id": "fcr-80", "due": "2027-03-31"},
        ...                   "actions": [{"id": "a", "duration": 2},
        ...                               {"id": "b", "duration": 1, "after": ["a"]}]})
        >>> print(dump_plan(plan), end="")
        goal:
          id: fcr-80
          due: 2027-03-31
        actions:
        - id: a
          duration: 2
        - id: b
          duration: 1
          after: [a]
        >>> loads_plan(dump_plan(plan, format="json")) == plan
        True
    """
    chosen = format or (
        "json" if path is not None and os.fspath(path).lower().endswith(".json") else "yaml"
    )
    data = plan.model_dump(mode="python", exclude_defaults=True, by_alias=True)
    if chosen == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    else:
        text = yaml.dump(
            data, Dumper=_PlanDumper, sort_keys=False, allow_unicode=True,
            default_flow_style=False, width=100,
        )
    if path is not None:
        FilePath(path).write_text(text, encoding="utf-8", newline="\n")
    return text


def holds_portfolio(data: object) -> bool:
    """Whether ``data``, read from a file, is a portfolio rather than a plan: a mapping with
    ``portfolio:`` and no ``goal:`` (the one test of it: :func:`backplan.is_portfolio`, and the
    plan reader's refusal of a portfolio file).

    Example:
        >>> holds_portfolio({"portfolio": {"id": "cx"}, "plans": []})
        True
        >>> holds_portfolio({"goal": {"id": "g"}, "portfolio": "a typo"})
        False
    """
    return isinstance(data, Mapping) and "portfolio" in data and "goal" not in data


def plan_check_problems(plan: Plan) -> list[Problem]:
    """What ``check=True`` finds in a plan whose items are all valid: its references
    (:func:`~backplan.graph.plan_problems`: duplicate and unknown ids, cycles...), a calendar
    country the ``holidays`` package does not know, and dates outside the plan's window
    (:func:`~backplan.calendars.window.date_window_problems`). Every reader of plan files
    (plans, portfolios, edits read back) checks a plan with this, so that all say the same.

    Example:
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
        ...                   "actions": [{"id": "a", "duration": 2, "after": ["b"]}]},
        ...                  check=False)
        >>> [(p.code, p.item, p.field) for p in plan_check_problems(plan)]
        [('unknown-id', 'a', 'after')]
    """
    from backplan.calendars.rules import country_problems
    from backplan.calendars.window import date_window_problems
    from backplan.graph.validate import plan_problems

    return plan_problems(plan) + country_problems(plan.calendar) + date_window_problems(plan)


# --------------------------------------------------------------------------------------------
# Reading the text


def _as_path(source: str | os.PathLike[str]) -> str | None:
    """The path ``source`` names, or None when it is plan text (rules in the module docstring)."""
    if not isinstance(source, str):
        return os.fspath(source)
    if "\n" in source or "\r" in source:
        return None
    if source.lower().endswith(_SUFFIXES) or os.path.isfile(source):
        return source
    if source.lstrip().startswith("{") or _KEY_LIKE.search(source):
        return None
    return source


def _read_text(path: str) -> str:
    try:
        raw = FilePath(path).read_bytes()
    except FileNotFoundError:
        raise _file_error(
            "file-not-found", f"no such file: {path!r}", "check the path and the file name", path
        ) from None
    except IsADirectoryError:
        raise _file_error(
            "file-not-found", f"{path!r} is a directory, not a plan file",
            "give the path of a .yaml or .json file", path,
        ) from None
    except OSError as exc:
        raise _file_error(
            "file-not-found", f"cannot read {path!r}: {exc.strerror or exc}",
            "check that the file exists and that you may read it", path,
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw.count(b"\n", 0, offset) + 1
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        raise _file_error(
            "encoding",
            f"byte 0x{raw[offset]:02x} at byte offset {offset} is not valid UTF-8",
            "the file looks like UTF-16; save it as UTF-8" if utf16 else "save the file as UTF-8",
            path, line,
        ) from None


def _file_error(
    code: str, message: str, hint: str, file: str | None, line: int | None = None
) -> PlanFileError:
    return PlanFileError([Problem(code, "plan", "", message, hint, file, line)], source=file)


def _guess_format(text: str, source: str | None) -> PlanFormat:
    if source is not None and source.lower().endswith(".json"):
        return "json"
    return "json" if re.match(r'\s*\{\s*["}]', text) else "yaml"


def _as_written(value: object) -> object:
    """An id for messages: a number as its text (``2027``), anything else as it is."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _loc_of_data(data: object) -> Loc:
    """A location tree without lines, for plans given as mappings."""
    if isinstance(data, Mapping):
        return Loc(
            None,
            keys={str(key): (None, _loc_of_data(value)) for key, value in data.items()},
            id=usable_id(_as_written(data.get("id"))),
        )
    if isinstance(data, list | tuple):
        return Loc(None, items=[_loc_of_data(item) for item in data])
    return Loc(None)


def _not_a_mapping(data: object, loc: Loc | None, file: str | None) -> Problem:
    if data is None:
        message = "the plan is empty"
    else:
        value = "" if isinstance(data, list | dict) else f" {shown(data)}"
        message = f"the plan is {a_or_an(kind_of(data))}{value}, not a mapping of sections"
    return Problem(
        "not-a-mapping", "plan", "", message,
        "start the plan with 'goal:' (id and due) and list the work under 'actions:'",
        file, loc.line if loc is not None else 1,
    )



# --------------------------------------------------------------------------------------------
# Validation and problems


@functools.cache
def _people_adapter() -> TypeAdapter[tuple[Person, ...]]:
    return TypeAdapter(tuple[Person, ...])


def _with_people_file(data: dict[str, Any], *, file: str | None) -> dict[str, Any] | None:
    """``data`` with the people its ``people: FILE`` names, read the fast way; None when that
    file has a problem (:func:`_build` reads it again and reports it where it is)."""
    found = read_people_file(data["people"], base=os.path.dirname(file) if file else None,
                             file=file)
    return None if found.problems else {**data, "people": list(found.people)}


def _names_people_file(data: Mapping[str, Any]) -> bool:
    return isinstance(data.get("people"), str)


def _build(data: dict[str, Any], loc: Loc, *, file: str | None, check: bool) -> Plan:
    if holds_portfolio(data):  # the other kind of file: say so, once
        raise PlanValidationError([Problem(
            "missing-field", "plan", "goal",
            "this is a portfolio file (it has 'portfolio:'), not a plan",
            "run it with 'backplan portfolio' or 'backplan report'; a plan file starts with "
            "'goal:'", file, line_of(loc, ("portfolio",)))], source=file)
    people_file = None
    if _names_people_file(data):
        people_file = read_people_file(
            data["people"], base=os.path.dirname(file) if file else None, file=file,
            line=line_of(loc, ("people",)))
        data = {**data, "people": list(people_file.people)}
    elsewhere = list(people_file.problems) if people_file is not None else []
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        name = functools.partial(describe, loc)
        problems = [problem_from_error(error, Plan, name, file=file) for error in exc.errors()]
        if check:  # all problems at once: the references too, as far as they can be read
            seen = {(p.code, p.item, p.field) for p in problems}
            problems += [p for p in _reference_problems_of(data, loc, file)
                         if (p.code, p.item, p.field) not in seen]
        raise PlanValidationError(_in_files_order(problems + elsewhere, file),
                                  source=file) from None
    if elsewhere:  # the people unread: the references without them (nobody's bookings)
        problems = _reference_problems_of(data, loc, file) if check else []
        raise PlanValidationError(_in_files_order(problems + elsewhere, file), source=file)
    if check:
        found = plan_check_problems(plan)
        if found:
            raise PlanValidationError(_located(found, plan, loc, file, people_file), source=file)
    return plan


def _located(problems: list[Problem], plan: Plan, loc: Loc, file: str | None,
             people_file: PeopleFile | None) -> list[Problem]:
    """``problems`` at their lines: in the plan file, and those about a person of its people
    file (one that is no other item of the plan) in that file."""
    if people_file is None:
        return _in_file_order(locate_problems(problems, loc, file))
    others = {item_id for _, item_id in plan.iter_ids()}
    others |= {kr.id for kr in plan.goal.key_results} | {risk.id for risk in plan.risks}
    theirs = {p.id for p in people_file.people} - others
    return (_in_file_order(locate_problems([p for p in problems if p.item not in theirs], loc,
                                           file))
            + _in_file_order(locate_problems([p for p in problems if p.item in theirs],
                                             people_file.tree, people_file.path)))


def _reference_problems_of(data: dict[str, Any], loc: Loc, file: str | None) -> list[Problem]:
    """The cross-reference problems (duplicate and unknown ids, cycles) of a plan whose items do
    not all validate: checked on a skeleton of its ids, ``after`` lists and milestones, leaving
    out what cannot be read (each such value has its own problem already)."""
    from backplan.graph.validate import plan_problems

    def ids(value: object) -> list[str]:
        entries = value if isinstance(value, list) else []
        return list(dict.fromkeys(i for i in map(usable_id, entries) if i is not None))

    def items(section: str) -> list[dict[str, Any]]:
        entries = data.get(section)
        return [item for item in entries if isinstance(item, dict)] if isinstance(
            entries, list) else []

    goal = data.get("goal")
    skeleton: dict[str, Any] = {
        "goal": {"id": (usable_id(goal.get("id")) if isinstance(goal, dict) else None)
                 or "<goal>", "due": dt.date(2000, 1, 1)},
        "milestones": [], "actions": [],
    }
    for section in ("milestones", "actions"):
        for item in items(section):
            item_id = usable_id(_as_written(item.get("id")))
            if item_id is None:
                continue
            entry: dict[str, Any] = {"id": item_id, "after": ids(item.get("after"))}
            if section == "actions":
                entry["duration"] = 1
                milestone = usable_id(item.get("milestone"))
                if milestone is not None:
                    entry["milestone"] = milestone
            skeleton[section].append(entry)
    try:
        plan = Plan.model_validate(skeleton)
    except ValidationError:  # an id the skeleton cannot hold either: its problem is reported
        return []
    return locate_problems(plan_problems(plan), loc, file)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: (problem.line is None, problem.line or 0))


def _in_files_order(problems: list[Problem], file: str | None) -> list[Problem]:
    """The plan file's problems by line, then the others' (its people file's) as found."""
    return (_in_file_order([p for p in problems if p.file in (file, None)])
            + [p for p in problems if p.file not in (file, None)])


# --------------------------------------------------------------------------------------------
# Writing


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to a plan file")


class _PlanDumper(yaml.SafeDumper):
    """SafeDumper that writes tuples as lists (short lists of scalars inline) and no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_sequence(dumper: _PlanDumper, data: Sequence[Any]) -> yaml.Node:
    flat = all(isinstance(value, str | int | float | dt.date) for value in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


def _represent_str(dumper: _PlanDumper, data: str) -> yaml.Node:
    # PyYAML may write NEL and the Unicode line/paragraph separators raw inside single quotes,
    # where reading folds them to spaces; double quotes escape every line break exactly.
    style = '"' if _LINE_BREAKS.search(data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_PlanDumper.add_representer(str, _represent_str)
_PlanDumper.add_representer(tuple, _represent_sequence)
_PlanDumper.add_representer(list, _represent_sequence)
