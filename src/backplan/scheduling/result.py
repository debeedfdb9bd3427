"""Frozen results of scheduling: dated actions and milestones, flags with fixes, the schedule.

A result never writes back into the plan. ``to_dict()`` gives the JSON the CLI prints (dates as
``YYYY-MM-DD``); its shape is documented in ``docs/json-output.md``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any, BinaryIO, Literal, NamedTuple

from backplan._compiled import compiled
from backplan._find import find
from backplan._gc import paused_gc
from backplan.errors import InfeasibleScheduleError
from backplan.models.scenario import ScenarioChange
from backplan.words import counted

__all__ = [
    "CapacityMode", "Fix", "Flag", "MilestoneDate", "Schedule", "ScheduledAction", "Severity",
    "rank_fixes",
]

Severity = Literal["error", "warning"]
#: How people's hours were counted: ``levelled`` (nobody is booked beyond their hours),
#: ``ignored`` (asked for: precedence only), ``none`` (the plan books nobody).
CapacityMode = Literal["levelled", "ignored", "none"]


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


class ScheduledAction(NamedTuple):
    """An action with its latest (``start``/``finish``) and earliest dates and its slack.

    ``slack`` is the signed number of working days from ``earliest_start`` to ``start``; negative
    means the action cannot be done in time from today. (A named tuple: immutable and cheap to
    build by the hundred thousand.)
    """

    id: str
    title: str
    start: dt.date
    finish: dt.date
    earliest_start: dt.date
    earliest_finish: dt.date
    slack: int
    critical: bool
    duration_days: int
    milestone: str | None
    priority: str
    owner: str | None
    #: The ids of the people booked on the action (its ``assignees``), in plan order.
    assignees: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The action as JSON-ready data."""
        return {
            "id": self.id, "title": self.title,
            "start": _iso(self.start), "finish": _iso(self.finish),
            "earliest_start": _iso(self.earliest_start),
            "earliest_finish": _iso(self.earliest_finish),
            "slack": self.slack, "critical": self.critical,
            "duration_days": self.duration_days, "milestone": self.milestone,
            "priority": self.priority, "owner": self.owner,
            "assignees": list(self.assignees),
        }


@dataclass(frozen=True, slots=True)
class MilestoneDate:
    """When a milestone is reached: ``date`` as late as possible, ``earliest_date`` from today."""

    id: str
    title: str
    date: dt.date
    earliest_date: dt.date
    due: dt.date | None
    slack: int

    def to_dict(self) -> dict[str, Any]:
        """The milestone as JSON-ready data."""
        return {
            "id": self.id, "title": self.title, "date": _iso(self.date),
            "earliest_date": _iso(self.earliest_date), "due": _iso(self.due), "slack": self.slack,
        }


@dataclass(frozen=True, slots=True)
class Fix:
    """One way to resolve a flag: the changes that do it, and what they were measured to do.

    ``kind`` is one of ``shorten-chain`` (``chain`` lists the action ids to shorten, in order),
    ``move-due`` (the goal's or a milestone's due, with every other deadline that must move),
    ``move-not-after`` and ``move-not-before`` (an action's window), ``remove-dependency``,
    ``add-hours`` and ``descope``. ``subject`` is the id it changes first; ``date`` the new date
    of a move.

    ``changes`` are the changes in the scenario-file format (:class:`~backplan.ScenarioChange`):
    ``backplan fix PLAN --apply N`` writes them into the plan, ``apply_changes`` applies them to
    a copy. ``feasible_after`` and ``min_slack_after`` were measured by scheduling the plan with
    exactly these changes, the same way (capacity-aware or not) as the schedule that offers the
    fix; ``days`` is the change of the minimum slack that gives (the working days it buys).
    """

    kind: str
    subject: str
    description: str
    days: int
    date: dt.date | None = None
    chain: tuple[str, ...] = ()
    changes: tuple[ScenarioChange, ...] = ()
    feasible_after: bool | None = None
    min_slack_after: int | None = None
    #: How far the changes move the plan (working days, hours or items), for ranking.
    moved: float = field(default=0.0, compare=False, metadata={"internal": True})

    def to_dict(self) -> dict[str, Any]:
        """The fix as JSON-ready data."""
        return {
            "kind": self.kind, "subject": self.subject, "description": self.description,
            "days": self.days, "date": _iso(self.date), "chain": list(self.chain),
            "changes": [change.to_dict() for change in self.changes],
            "feasible_after": self.feasible_after, "min_slack_after": self.min_slack_after,
        }

    def __str__(self) -> str:
        return self.description


def rank_fixes(fixes: Iterable[Fix]) -> tuple[Fix, ...]:
    """``fixes`` without repeats (the same changes), best first: those that make the plan
    feasible, then fewer changes, then the least moved, then the most slack after (then in the
    order given)."""
    seen: dict[str, Fix] = {}
    for fix in fixes:
        key = json.dumps([c.to_dict() for c in fix.changes], sort_keys=True)
        seen.setdefault(key, fix)
    return tuple(sorted(seen.values(), key=lambda fix: (
        not fix.feasible_after, len(fix.changes), fix.moved,
        -(fix.min_slack_after if fix.min_slack_after is not None else -(10**9)))))


@dataclass(frozen=True, slots=True)
class Flag:
    """A problem with the timeline: what, which item, how many working days short, and fixes.

    ``code`` is stable: ``late-start``, ``constraint-conflict``, ``milestone-late``,
    ``depends-on-wont``. ``chain`` lists, in order, the action ids that make it late;
    ``affected`` lists every action with negative slack that this problem causes.
    """

    code: str
    severity: Severity
    subject: str
    message: str
    shortfall_days: int | None = None
    chain: tuple[str, ...] = ()
    affected: tuple[str, ...] = ()
    fixes: tuple[Fix, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The flag as JSON-ready data."""
        return {
            "code": self.code, "severity": self.severity, "subject": self.subject,
            "message": self.message, "shortfall_days": self.shortfall_days,
            "chain": list(self.chain), "affected": list(self.affected),
            "fixes": [fix.to_dict() for fix in self.fixes],
        }

    def __str__(self) -> str:
        lines = [f"{self.severity.upper()} [{self.code}] {self.subject}: {self.message}"]
        lines.extend(f"  fix: {fix}" for fix in self.fixes)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The result of :func:`backplan.schedule_plan`: always computed, feasible or not.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
        ...                   "actions": [{"id": "a", "duration": 5}]})
        >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 18))
        >>> schedule.action("a").start, schedule.action("a").slack
        (datetime.date(2027, 1, 25), 5)
        >>> schedule.feasible
        True
    """

    goal: str
    goal_title: str
    due: dt.date
    today: dt.date
    feasible: bool
    earliest_completion: dt.date | None
    min_slack: int | None
    critical_path: tuple[str, ...]
    actions: tuple[ScheduledAction, ...]
    milestones: tuple[MilestoneDate, ...]
    unscheduled: tuple[str, ...]
    flags: tuple[Flag, ...]
    capacity: CapacityMode = "none"
    #: Candidate fixes left unmeasured (and so not offered) because measuring them would have
    #: taken more schedules than a plan this large may spend (0 almost always).
    unmeasured_fixes: int = 0

    def action(self, action_id: str) -> ScheduledAction:
        """The scheduled action with this id (KeyError naming it when there is none)."""
        return find(self.actions, "id", action_id, "scheduled action")

    def milestone(self, milestone_id: str) -> MilestoneDate:
        """The milestone with this id (KeyError naming it when there is none)."""
        return find(self.milestones, "id", milestone_id, "milestone")

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every flag's fixes without repeats, best first (see :func:`rank_fixes`)."""
        return rank_fixes(fix for flag in self.flags for fix in flag.fixes)

    def flags_fixed_by(self, fix: Fix) -> tuple[Flag, ...]:
        """The flags that offer ``fix`` (the same changes)."""
        return tuple(flag for flag in self.flags
                     if any(other.changes == fix.changes for other in flag.fixes))

    @property
    def errors(self) -> tuple[Flag, ...]:
        """Flags of severity ``error`` (those that make the plan infeasible)."""
        return tuple(flag for flag in self.flags if flag.severity == "error")

    def raise_if_infeasible(self) -> Schedule:
        """Return ``self`` when feasible; otherwise raise :class:`~backplan.InfeasibleScheduleError`."""
        if not self.feasible:
            detail = "; ".join(f"{f.subject}: {f.message}" for f in self.errors)
            raise InfeasibleScheduleError(
                f"goal {self.goal!r} cannot be met by {self.due.isoformat()}: {detail}",
                flags=self.errors,
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """The schedule as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "goal_title": self.goal_title,
            "due": _iso(self.due), "today": _iso(self.today),
            "capacity": self.capacity,
            "feasible": self.feasible,
            "earliest_completion": _iso(self.earliest_completion),
            "min_slack": self.min_slack,
            "critical_path": list(self.critical_path),
            "actions": [action.to_dict() for action in self.actions],
            "unscheduled": list(self.unscheduled),
            "milestones": [milestone.to_dict() for milestone in self.milestones],
            "flags": [flag.to_dict() for flag in self.flags],
            "unmeasured_fixes": self.unmeasured_fixes,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text: ``json.dumps(self.to_dict(), indent=indent,
        ensure_ascii=False)``, character for character.

        With an indent, the action rows (nearly all of a big schedule's text) are written by
        the compiled writer (``backplan._json_rows``), or by pydantic-core where the install
        built none, which escape text and write whole numbers, dates and lists as
        ``json.dumps`` does, and spliced into the rest of the document as ``json.dumps``
        writes it.

        Example:
            >>> import datetime as dt
            >>> from backplan import load_plan, schedule_plan
            >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
            ...                   "actions": [{"id": "a", "title": "Café ☕", "duration": 5}]})
            >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 18))
            >>> schedule.to_json() == json.dumps(schedule.to_dict(), indent=2, ensure_ascii=False)
            True
        """
        return "".join(p if isinstance(p, str) else p.decode() for p in _json_pieces(self, indent))

    def write_json(self, file: BinaryIO, *, indent: int | None = 2, errors: str = "strict") -> None:
        """Write :meth:`to_json`'s text to the binary ``file``, UTF-8 encoded (with ``errors``,
        as :meth:`str.encode` takes it), without making the whole text first: a big schedule's
        action rows go to the file as the compiled writer wrote them. At 100,000 actions that
        touches 35 MB of memory where ``file.write(schedule.to_json().encode())`` touches 139,
        in half the time.

        Example:
            >>> import datetime as dt, io
            >>> from backplan import load_plan, schedule_plan
            >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
            ...                   "actions": [{"id": "a", "title": "Café ☕", "duration": 5}]})
            >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 18))
            >>> out = io.BytesIO()
            >>> schedule.write_json(out)
            >>> out.getvalue() == schedule.to_json().encode()
            True
        """
        # every piece encoded first: text that cannot be encoded writes nothing (as with
        # ``file.write(schedule.to_json().encode())``)
        pieces = [p.encode("utf-8", errors) if isinstance(p, str) else p
                  for p in _json_pieces(self, indent)]
        for piece in pieces:
            file.write(piece)

    def __str__(self) -> str:
        state = "feasible" if self.feasible else "NOT feasible"
        lines = [
            f"Goal {self.goal!r} due {self.due.isoformat()} from {self.today.isoformat()}: {state}",
            f"  {counted(len(self.actions), 'action')} scheduled, "
            f"{len(self.unscheduled)} unscheduled, "
            f"earliest completion {_iso(self.earliest_completion) or '-'}, "
            f"minimum slack {self.min_slack if self.min_slack is not None else '-'}",
        ]
        if self.critical_path:
            lines.append(f"  critical path: {' -> '.join(self.critical_path)}")
        lines.extend(f"  {flag.severity}: [{flag.code}] {flag.subject}: {flag.message}"
                     for flag in self.flags)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Schedule {self.goal!r} due={self.due.isoformat()} feasible={self.feasible} "
                f"actions={len(self.actions)} flags={len(self.flags)}>")

    def _repr_html_(self) -> str:
        esc = html.escape
        state = "feasible" if self.feasible else "<b style='color:#b00'>not feasible</b>"
        rows = "".join(
            f"<tr><td>{esc(a.id)}</td><td>{esc(a.title)}</td><td>{a.start}</td><td>{a.finish}</td>"
            f"<td>{a.earliest_start}</td><td style='text-align:right'>{a.slack}</td>"
            f"<td>{'&#9679;' if a.critical else ''}</td></tr>"
            for a in sorted(self.actions, key=lambda a: (a.start, a.finish, a.id))
        )
        flags = "".join(
            f"<li><b>{esc(f.code)}</b> {esc(f.subject)}: {esc(f.message)}<ul>"
            + "".join(f"<li>{esc(fix.description)}</li>" for fix in f.fixes)
            + "</ul></li>"
            for f in self.flags
        )
        return (
            f"<div><p>Goal <b>{esc(self.goal)}</b> due {self.due} from {self.today}: {state}; "
            f"earliest completion {_iso(self.earliest_completion) or '-'}</p>"
            "<table><thead><tr><th>id</th><th>title</th><th>start</th><th>finish</th>"
            "<th>earliest start</th><th>slack</th><th>critical</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            + (f"<ul>{flags}</ul>" if flags else "")
            + "</div>"
        )


def _json_pieces(schedule: Schedule, indent: int | None) -> tuple[str | bytes, ...]:
    """:meth:`Schedule.to_json`'s text in pieces (text, or UTF-8 bytes) that join to it, with
    the action rows written natively: by the compiled writer (``backplan._json_rows``) where it
    was built, else by pydantic-core; by ``json.dumps`` alone when neither can give the same
    text (no indent, no actions, a row that is not the action's fields, or text that is not
    UTF-8, such as a lone surrogate)."""
    if isinstance(indent, int) and indent > 0 and schedule.actions:
        with paused_gc():  # a row per action, all kept until written
            pieces = _native_pieces(schedule, indent)
        if pieces is not None:
            return pieces
    return (json.dumps(schedule.to_dict(), indent=indent, ensure_ascii=False),)


def _native_pieces(schedule: Schedule, indent: int) -> tuple[str | bytes, ...] | None:
    import pydantic_core

    actions = schedule.actions
    first = actions[0].to_dict()
    document = replace(schedule, actions=()).to_dict()
    keys = type(actions[0])._fields
    if list(keys) != list(first):
        return None
    rows_text = _compiled_rows(list(actions), keys, indent)
    if rows_text is not None:
        if json.loads(_compiled_rows([actions[0]], keys, indent) or "null") != [first]:
            return None
        head = _document_text(document, indent)
        if head is None:
            return None
        return _spliced(head, rows_text, indent)
    rows = list(map(dict, map(zip, repeat(keys), actions)))
    try:
        if json.loads(pydantic_core.to_json(rows[0])) != first:
            return None
        whole = _written_alike(document)  # then all of it in one go
        if whole:
            document["actions"] = rows
        written = pydantic_core.to_json(document if whole else {"actions": rows}, indent=indent)
    except pydantic_core.PydanticSerializationError:
        return None
    del rows  # before the pieces are used: a big schedule's rows take 650 bytes each
    if whole:
        del document  # it holds the rows
        return (written,)
    # written is '{' + the line(s) of the "actions" key, at the same indent + '\n}'
    head = json.dumps(document, indent=indent, ensure_ascii=False)
    return _spliced(head, written[written.index(b"[") : -2], indent)


#: The compiled row writer (``backplan._json_rows``), or None where it was not built.
COMPILED_JSON_ROWS = compiled("backplan._json_rows")


def _compiled_rows(rows: list[Any], keys: tuple[str, ...], indent: int) -> bytes | None:
    """``rows`` as the value of a top-level key, in UTF-8, written by
    :data:`COMPILED_JSON_ROWS` (None when it was not built, or cannot write them as
    ``json.dumps`` would)."""
    if COMPILED_JSON_ROWS is None:
        return None
    rows_text: bytes | None = COMPILED_JSON_ROWS.rows_utf8(rows, keys, indent, 1)
    return rows_text


def _document_text(document: dict[str, Any], indent: int) -> str | None:
    """``json.dumps(document, indent=indent, ensure_ascii=False)``, by pydantic-core when it
    writes the same (a levelled schedule's bookings can be many)."""
    import pydantic_core

    if not _written_alike(document):
        return json.dumps(document, indent=indent, ensure_ascii=False)
    try:
        return pydantic_core.to_json(document, indent=indent).decode()
    except (pydantic_core.PydanticSerializationError, UnicodeDecodeError):
        return None


def _spliced(head: str, rows_text: bytes, indent: int) -> tuple[str, bytes, str] | None:
    """``head`` (a document with ``"actions": []``) with ``rows_text`` as its actions, in
    three pieces."""
    empty = "\n" + " " * indent + '"actions": []'  # a key of the top level: its own line
    at = head.find(empty)
    if at < 0:
        return None
    return head[:at + len(empty) - 2], rows_text, head[at + len(empty):]


_PLAIN = (str, int, bool, type(None))


def _written_alike(value: object) -> bool:
    """Whether pydantic-core writes ``value`` exactly as ``json.dumps`` does: text (it escapes
    as ``ensure_ascii=False`` does), whole numbers, booleans, nulls, and floats from 0.0001 to
    1e16 (outside that range ``json.dumps`` writes ``1e-05`` where pydantic-core writes
    ``0.00001``), in lists and in mappings with text keys."""
    if type(value) in _PLAIN:
        return True
    if type(value) is float:
        return value == 0.0 or 1e-4 <= abs(value) < 1e16
    if type(value) is list:
        return all(map(_written_alike, value))
    if type(value) is dict:
        return all(type(key) is str for key in value) and all(
            map(_written_alike, value.values()))
    return False
