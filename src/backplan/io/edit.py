"""Round-trip edits of a plan file: record a check-in, mark an action started or done.

The file is edited as text, at the positions PyYAML reports for the nodes it composes: a value is
replaced where it stands, a new key goes on a line of its own after the item's last line (or
after the last entry of a ``{...}`` mapping), a new check-in goes among the key result's
``checkins`` in date order. Every other byte, comments, blank lines, key order, quoting and line
endings included, stays as it was. JSON plan files are edited the same way, with JSON syntax.

Every edit holds the plan file's exclusive lock from reading the file to replacing it (see
:mod:`backplan.io.writing`): edits of one file by several processes run one after the other, and
an edit that cannot have the lock within ``wait`` seconds is refused with
:class:`~backplan.PlanBusyError`, writing nothing. Before anything is written, the edited text
is loaded again and must give exactly the plan that the edit describes (the old plan with only
that change), and the file must still be the one that was read; otherwise nothing is written.
The new text goes to a temporary file in the same directory, is flushed to disk and then renamed
over the plan (``os.replace``), so the plan file is at every moment either the old or the new
version, even if the process is killed mid-write. The file keeps its permissions; a symbolic link
is followed and the file it points to is replaced. A read-only plan file is refused unless
``force=True``.

Changes from what-if scenarios and fixes are written the same way, by
:func:`~backplan.io.change_edits.write_changes` (through :func:`run_edit`).

Recorded history is not rewritten by accident: starting a done action needs ``reopen=True``,
and a new finish (or start) date for an action that has one needs ``correct=True``; the edit then
says what it replaced (``old -> new``).

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

import datetime as dt
import difflib
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from backplan.errors import (
    BackplanError,
    PlanValidationError,
    Problem,
)
from backplan.io._problems import problem_from_error
from backplan.io.plan_files import load_plan
from backplan.io.plan_text import PlanText, cannot_edit, number_text
from backplan.io.writing import (
    DEFAULT_WAIT_SECONDS,
    plan_file_lock,
    read_only_problem,
    write_atomic,
)
from backplan.models import Action, KeyResult, Plan
from backplan.words import a_or_an

__all__ = [
    "DEFAULT_WAIT_SECONDS",
    "PlanEdit",
    "mark_done",
    "mark_started",
    "record_checkin",
    "write_atomic",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

_CLOCK = re.compile(r"(?:\d+:)?[0-5]?\d:[0-5]\d")

#: A date this many days before the plan's first date or after its last one is implausible.
PLAUSIBLE_MARGIN_DAYS = 366


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """What an edit changed: the file, a description, and the 1-based lines now holding it.

    ``lines`` is empty when the file already said so (nothing was written). ``warnings`` are
    implausible values that were written all the same (``strict=True`` refuses them instead), or
    a note that the file edited is a people file, shared by the plans that name it.
    """

    path: str
    subject: str
    description: str
    lines: tuple[int, ...]
    warnings: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        where = ""
        if self.lines:
            first, last = self.lines[0], self.lines[-1]
            where = f" (line {first})" if first == last else f" (lines {first}-{last})"
        return f"{os.path.basename(self.path)}: {self.subject}: {self.description}{where}"

    def to_dict(self) -> dict[str, Any]:
        """The edit as JSON-ready data."""
        return {"path": self.path, "subject": self.subject, "description": self.description,
                "lines": list(self.lines), "warnings": list(self.warnings)}


@dataclass(frozen=True, slots=True)
class Planned:
    """What an edit will do, worked out on the file as read (under the lock): the plan the file
    must hold after it, and what :class:`PlanEdit` will say."""

    expected: Plan
    subject: str
    description: str
    warnings: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------------------------
# Public API


def record_checkin(
    path: str | os.PathLike[str],
    key_result: str,
    value: float | str,
    *,
    date: dt.date,
    n: int | None = None,
    today: dt.date | None = None,
    strict: bool = False,
    wait: float = DEFAULT_WAIT_SECONDS,
    force: bool = False,
) -> PlanEdit:
    """Add a check-in to a key result in the plan file (or correct the one on the same date).

    A correction keeps what it does not give: a check-in recorded with ``n`` keeps that ``n``
    when corrected without one. The edit's description says what was replaced.

    Args:
        path: the plan file (YAML or JSON).
        key_result: the key result's id.
        value: the observed value; text such as ``"73.5"``, or ``"6:45"`` for metrics in seconds.
        date: the check-in's date.
        n: the sample size, for rates measured on a sample.
        today: the current date, when known: a ``date`` more than a year away from the plan's
            dates and today is implausible (a warning in the result, or refused with ``strict``).
        strict: refuse implausible dates instead of warning.
        wait: seconds to wait while another edit holds the file.
        force: edit a read-only plan file all the same.

    Returns:
        A :class:`PlanEdit` naming the lines written.

    Raises:
        PlanValidationError: the key result does not exist (with a did-you-mean), the value does
            not fit the metric (out of bounds, or a fraction given for a percentage), or, with
            ``strict``, the date is implausible (nothing is written).
        PlanFileError: the plan file cannot be read or parsed.
        PlanBusyError: another edit held the file for ``wait`` seconds (nothing is written).
        BackplanError: the file is read-only, or cannot be written (it is left unchanged).

    Example:
        >>> import datetime as dt, pathlib, tempfile
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> _ = plan_file.write_text(
        ...     "goal:\\n  id: g\\n  due: 2027-03-31\\n  key_results:\\n"
        ...     "    - id: aht\\n      metric: aht\\n      baseline: '7:00'\\n      target: '6:00'\\n")
        >>> print(record_checkin(plan_file, "aht", "6:45", date=dt.date(2027, 1, 15), n=900))
        plan.yaml: aht: check-in 2027-01-15 = "6:45" (n=900) (lines 9-10)
        >>> print(record_checkin(plan_file, "aht", "6:40", date=dt.date(2027, 1, 15)))
        plan.yaml: aht: check-in 2027-01-15 = "6:40" (n=900), replacing 405 (line 10)
        >>> print(plan_file.read_text().split("target: '6:00'\\n")[1], end="")
              checkins:
                - {date: 2027-01-15, value: "6:40", n: 900}
    """
    number, value_text = _value_text(value)

    def plan(document: PlanText) -> Planned | None:
        kr = _find(document.plan.goal.key_results, key_result, "key result",
                   "goal.key_results", document.path)
        existing = next((k for k, c in enumerate(kr.checkins) if c.date == date), None)
        old = kr.checkins[existing] if existing is not None else None
        sample = n if n is not None else (old.n if old is not None else None)
        new: dict[str, Any] = {"date": date, "value": number}
        if sample is not None:
            new["n"] = sample
        checkins: list[Any] = [c.model_dump(exclude_defaults=True) for c in kr.checkins]
        if existing is not None:
            checkins[existing] = new
        else:
            position = next((k for k, c in enumerate(kr.checkins) if c.date > date), len(checkins))
            checkins.insert(position, new)
        updated = _validated(KeyResult, {**kr.model_dump(exclude_defaults=True),
                                         "checkins": checkins}, key_result, document.path)
        if updated == kr:
            return None
        warnings = _implausible_dates(document, [(key_result, "checkins", "check-in", date)],
                                      today=today)
        expected = _replace_key_result(document.plan, updated)

        node = document.key_result_node(key_result)
        fields = [("date", document.scalar(date)), ("value", value_text)]
        if sample is not None:
            fields.append(("n", document.scalar(sample)))
        item_text = document.flow_mapping(fields)
        items = document.get(node, "checkins")
        if items is None:
            document.insert_key(node, "checkins", document.sequence_value(node, item_text))
        elif not isinstance(items, SequenceNode):
            raise cannot_edit(document, key_result, "checkins is not a list")
        elif old is not None:
            item = _item_on(document, items, date)
            document.set_key(item, "value", value_text)
            if n is not None:
                document.set_key(item, "n", document.scalar(n))
        else:
            later = next((k for k, c in enumerate(kr.checkins) if c.date > date), None)
            document.insert_item(items, item_text, before=later)
        described = f"check-in {date.isoformat()} = {value_text}"
        if sample is not None:
            described += f" (n={sample})"
        if old is not None:
            was = f"{old.value:g}" + (f" (n={old.n})" if old.n is not None and old.n != sample
                                      else "")
            described += f", replacing {was}"
        return Planned(expected, key_result, described, warnings)

    return run_edit(path, plan, strict=strict, wait=wait, force=force,
                 unchanged=lambda: (key_result, f"check-in {date.isoformat()} = {value_text} "
                                                "already recorded"))


def mark_done(
    path: str | os.PathLike[str],
    action: str,
    *,
    date: dt.date,
    start: dt.date | None = None,
    correct: bool = False,
    today: dt.date | None = None,
    strict: bool = False,
    wait: float = DEFAULT_WAIT_SECONDS,
    force: bool = False,
) -> PlanEdit:
    """Mark an action done on ``date`` in the plan file: ``status: done``, ``actual_finish``.

    ``remaining`` is removed; ``actual_start`` is set when ``start`` is given (an action in
    progress keeps its own). An action already done on ``date`` is left as it is. Recorded
    dates are history: a different finish date for a done action, or a different start date
    than the one recorded, is refused unless ``correct=True``; the description then says what
    was replaced (``old -> new``).

    Args:
        today, strict, wait, force: as for :func:`record_checkin`.

    Raises:
        PlanValidationError: the action does not exist (with a did-you-mean), ``date`` is
            before its ``actual_start``, the edit would replace a recorded date without
            ``correct``, or (``strict``) a date is implausible. Nothing is written.
        PlanFileError: the plan file cannot be read or parsed.
        PlanBusyError: another edit held the file for ``wait`` seconds (nothing is written).
        BackplanError: the file is read-only, or cannot be written (it is left unchanged).

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
        >>> print(mark_done(plan_file, "a", date=dt.date(2027, 1, 11), correct=True))
        plan.json: a: status done, actual_finish 2027-01-11; replaced actual_finish 2027-01-08 -> 2027-01-11 (line 2)
    """
    changes: dict[str, Any] = {"status": "done", "actual_finish": date, "remaining": None}
    if start is not None:
        changes["actual_start"] = start
    described = f"status done, actual_finish {date.isoformat()}"
    if start is not None:
        described = f"status done, actual_start {start.isoformat()}, " + described.split(", ")[1]
    return _set_progress(path, action, changes, described, may_replace=correct,
                         today=today, strict=strict, wait=wait, force=force)


def mark_started(
    path: str | os.PathLike[str],
    action: str,
    *,
    date: dt.date,
    remaining: int | None = None,
    reopen: bool = False,
    correct: bool = False,
    today: dt.date | None = None,
    strict: bool = False,
    wait: float = DEFAULT_WAIT_SECONDS,
    force: bool = False,
) -> PlanEdit:
    """Mark an action in progress since ``date``, optionally with ``remaining`` working days.

    A done action is reopened only with ``reopen=True`` (its ``actual_finish`` is removed); an
    action in progress since another date gets the new start date only with ``correct=True``.
    The description then says what was replaced (``old -> new``).

    Args:
        today, strict, wait, force: as for :func:`record_checkin`.

    Raises:
        PlanValidationError: the action does not exist, the edit would rewrite recorded
            progress without ``reopen``/``correct``, or (``strict``) a date is implausible.
        PlanBusyError: another edit held the file for ``wait`` seconds (nothing is written).
        BackplanError: the file is read-only, or cannot be written (it is left unchanged).

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
    return _set_progress(path, action, changes, described, may_replace=correct,
                         may_reopen=reopen, today=today, strict=strict, wait=wait, force=force)


# --------------------------------------------------------------------------------------------
# One edit: lock, read, plan the change, verify, write


def run_edit(
    path: str | os.PathLike[str],
    plan: Callable[[PlanText], Planned | None],
    *,
    strict: bool,
    wait: float,
    force: bool,
    unchanged: Callable[[], tuple[str, str]],
) -> PlanEdit:
    """One edit of the plan file ``path``, as every edit is made (see the module docstring).

    ``plan`` works out the change on the file as read under the lock, editing the
    :class:`PlanText` it is given and saying the plan it must then hold (None: nothing to
    change; ``unchanged()`` then gives the subject and description). The text is written only
    when it reads back as that plan. With ``strict``, a planned warning refuses the edit.
    """
    name = os.fspath(path)
    if not os.path.isfile(name):
        load_plan(Path(name))  # the missing file, or a folder, reported as loading reports it
    if not force and (why := read_only_problem(name)) is not None:
        raise BackplanError(why)
    first_read = PlanText.read(name)  # problems said at once; the parsing done before waiting
    with plan_file_lock(name, wait=wait):
        document = first_read.reread()
        planned = plan(document)
        if planned is None:
            subject, described = unchanged()
            return PlanEdit(name, subject, described, ())
        if strict and planned.warnings:
            raise PlanValidationError(planned.warnings, source=name)
        warnings = tuple(f"{p.item}.{p.field}: {p.message} ({p.hint})" for p in planned.warnings)
        lines = document.commit(planned.expected, planned.subject)
        return PlanEdit(name, planned.subject, planned.description, lines, warnings)


def _set_progress(
    path: str | os.PathLike[str],
    action_id: str,
    changes: dict[str, Any],
    described: str,
    *,
    may_replace: bool,
    may_reopen: bool = False,
    today: dt.date | None,
    strict: bool,
    wait: float,
    force: bool,
) -> PlanEdit:
    def plan(document: PlanText) -> Planned | None:
        action = _find(document.plan.actions, action_id, "action", "actions", document.path)
        data = action.model_dump(exclude_defaults=True)
        replaced = _history_replaced(action, changes)
        refusal = _history_refusal(action, changes, replaced, may_replace=may_replace,
                                   may_reopen=may_reopen)
        if refusal is not None:
            raise PlanValidationError([Problem("contradiction", action_id, refusal[0],
                                               refusal[1], refusal[2], document.path)],
                                      source=document.path)
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        updated = _validated(Action, data, action_id, document.path)
        if updated == action:
            return None
        dated = [(action_id, name, name.replace("_", " "), value)
                 for name, value in changes.items() if isinstance(value, dt.date)]
        warnings = _implausible_dates(document, dated, today=today)
        expected = document.plan.model_copy(update={"actions": tuple(
            updated if a.id == action_id else a for a in document.plan.actions)})
        node = document.action_node(action_id)
        for name in ("status", "actual_start", "actual_finish", "remaining"):
            if name not in changes:
                continue
            value = changes[name]
            if value is None:
                document.delete_key(node, name)
            else:
                document.set_key(node, name, document.scalar(value))
        text = described
        if replaced:
            text += "; replaced " + ", ".join(f"{name} {old} -> {new}"
                                              for name, old, new in replaced)
        return Planned(expected, action_id, text, warnings)

    return run_edit(path, plan, strict=strict, wait=wait, force=force,
                 unchanged=lambda: (action_id, described.replace("status ", "already ", 1)))


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _history_replaced(action: Action, changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(field, old, new)`` for each recorded progress value the changes would replace."""
    replaced: list[tuple[str, str, str]] = []
    if action.status == "done" and changes.get("status") != "done":
        replaced.append(("status", action.status, str(changes["status"])))
    for name in ("actual_start", "actual_finish"):
        old = getattr(action, name)
        if old is not None and name in changes and changes[name] != old:
            replaced.append((name, _shown(old), _shown(changes[name])))
    return replaced


def _history_refusal(
    action: Action, changes: dict[str, Any], replaced: list[tuple[str, str, str]], *,
    may_replace: bool, may_reopen: bool,
) -> tuple[str, str, str] | None:
    """``(field, message, hint)`` when the changes would rewrite history without permission."""
    if action.status == "done" and changes.get("status") != "done":
        if may_reopen:
            return None
        return ("status",
                f"{action.id} is done (actual_finish {_shown(action.actual_finish)}); starting it "
                "again would erase when it finished",
                "to reopen it deliberately, pass --reopen, or reopen=True in Python")
    dates = [(name, old, new) for name, old, new in replaced if name != "status"]
    if not dates or may_replace:
        return None
    name, old, new = dates[0]
    what = "finished" if name == "actual_finish" else "started"
    return (name,
            f"{action.id} {what} on {old} ({name}); this edit would replace it with {new}",
            "to correct the recorded date, pass --correct, or correct=True in Python")


def _implausible_dates(
    document: PlanText, dated: Iterable[tuple[str, str, str, dt.date]], *,
    today: dt.date | None,
) -> tuple[Problem, ...]:
    """Problems for dates more than a year before or after the plan's dates (and ``today``)."""
    dated = list(dated)
    if not dated:
        return ()
    first, last = _plan_span(document.plan, today)
    margin = dt.timedelta(days=PLAUSIBLE_MARGIN_DAYS)
    found = []
    for item, field_name, label, day in dated:
        if first - margin <= day <= last + margin:
            continue
        side = "before" if day < first else "after"
        years = abs((day - (first if day < first else last)).days) / 365.25
        found.append(Problem(
            "invalid-value", item, field_name,
            f"the {label} date {day.isoformat()} is {years:.1f} years {side} the plan's dates"
            f"{' and today' if today is not None else ''} ({first.isoformat()} to "
            f"{last.isoformat()})", "check the year; --strict refuses such dates", document.path))
    return tuple(found)


def _plan_span(plan: Plan, today: dt.date | None) -> tuple[dt.date, dt.date]:
    """The first and last date the plan itself talks about (work, milestones, measurements)."""
    dates = [plan.goal.due] + ([today] if today is not None else [])
    for kr in plan.goal.key_results:
        dates += [c.date for c in kr.checkins]
        if kr.baseline_date is not None:
            dates.append(kr.baseline_date)
    dates += [m.due for m in plan.milestones if m.due is not None]
    for a in plan.actions:
        dates += [d for d in (a.not_before, a.not_after, a.actual_start, a.actual_finish)
                  if d is not None]
    return min(dates), max(dates)


# --------------------------------------------------------------------------------------------
# Helpers


def _validated(model: type[ModelT], data: dict[str, Any], item_id: str, path: str) -> ModelT:
    """``model`` built from ``data``, or the problems as a :class:`PlanValidationError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        def name(data_path: Sequence[str | int]) -> tuple[str, str, int | None]:
            return item_id, ".".join(str(part) for part in data_path), None

        problems = [problem_from_error(error, model, name, file=path) for error in exc.errors()]
        raise PlanValidationError(problems, source=path) from None


def _find(items: Any, item_id: str, kind: str, where: str, path: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    ids = [item.id for item in items]
    close = difflib.get_close_matches(item_id, ids, n=1, cutoff=0.6)
    raise PlanValidationError([Problem(
        "unknown-id", item_id, "",
        f"{item_id!r} is not {a_or_an(kind)} id of the plan",
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
    return number, number_text(number)


def _item_on(document: PlanText, items: SequenceNode, date: dt.date) -> MappingNode:
    for item in items.value:
        if isinstance(item, MappingNode):
            found = document.get(item, "date")
            if isinstance(found, ScalarNode) and found.value.strip("'\"") == date.isoformat():
                return item
    raise cannot_edit(document, date.isoformat(), "the check-in on this date was not found")


def __getattr__(name: str) -> Any:
    """``backplan.io.edit.write_changes``, where it was documented before it had a module of its
    own (:mod:`backplan.io.change_edits`; also ``backplan.write_changes``)."""
    if name == "write_changes":
        from backplan.io.change_edits import write_changes

        return write_changes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
