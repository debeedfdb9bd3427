"""Changes written into a plan file: what-if scenarios' changes and fixes, in one verified edit.

:func:`write_changes` turns :class:`~backplan.ScenarioChange` objects (the changes of
``backplan compare`` scenarios and of ``backplan fix``) into an edit of the plan file, made as
every edit is made (:mod:`backplan.io.edit`: under the file's lock, comments and layout kept,
verified, replaced atomically). The plan the file then holds is exactly
:func:`backplan.apply_changes` of the plan and the changes. People's hours go into the people file
when the plan names one.

Example:
    >>> import pathlib, tempfile
    >>> from backplan import ScenarioChange
    >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
    >>> _ = plan_file.write_text("goal: {id: g, due: 2027-03-31}   # the quarter\\n")
    >>> print(write_changes(plan_file, [ScenarioChange(due="2027-04-15")]))
    plan.yaml: plan: move the goal's due date to 2027-04-15 (line 1)
    >>> print(plan_file.read_text(), end="")
    goal: {id: g, due: 2027-04-15}   # the quarter
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from backplan.errors import BackplanError, PlanBusyError, PlanValidationError, Problem
from backplan.io.edit import PlanEdit, Planned, run_edit
from backplan.io.plan_files import load_plan, people_file_path, plain_plan_data
from backplan.io.plan_text import PeopleText, PlanText
from backplan.io.writing import (
    DEFAULT_WAIT_SECONDS,
    plan_file_lock,
    read_only_problem,
    read_snapshot,
)
from backplan.models import Plan
from backplan.models.scenario import ChangeKind, ScenarioChange

__all__ = ["CHANGE_FIELDS", "write_changes"]


def write_changes(
    path: str | os.PathLike[str],
    changes: Sequence[ScenarioChange],
    *,
    wait: float = DEFAULT_WAIT_SECONDS,
    force: bool = False,
    measured_on: Plan | None = None,
) -> PlanEdit:
    """Write changes (as in what-if scenarios and fixes) into the plan file, all in one edit.

    The plan the file then holds is exactly :func:`backplan.apply_changes` (of
    ``backplan.models.changes``) of the plan and ``changes``, which ``apply_scenario`` and the
    fixes use too: ``drop`` sets ``priority: wont``; ``duration`` (``effort_hours``) sets the
    action's ``duration`` (``effort``) and removes its other sizing; ``due`` moves the goal's
    (or a ``milestone``'s) due date; ``add_hours`` raises the person's ``hours_per_day`` (in the
    people file, when the plan names one: that file is edited, the same way, and the plan file
    is not; hours and other changes at once are then refused);
    ``not_before``, ``not_after`` and ``lag`` set those fields; ``remove_after`` takes an id
    out of ``after``; ``volume``, ``aht`` and ``add_agents`` join the queue's ``adjust`` list.
    Each changed field is written once, with its value in that plan, where it stands (a new
    field on a line of its own after the item's last line). The file is edited as text under
    its lock, keeping comments and layout (YAML or JSON), verified, and replaced atomically;
    when a change cannot be made, nothing is written.

    Args:
        path: the plan file.
        changes: the changes, applied in order.
        wait: seconds to wait while another edit holds the file.
        force: edit a read-only plan file all the same.
        measured_on: the plan the changes were measured on (a fix's): when the file (with its
            people file) holds another plan by the time it is locked, nothing is written, so
            that a change measured on one plan is never applied to another (two ``fix
            --apply`` at once would otherwise both add their hours).

    Returns:
        A :class:`PlanEdit`: subject ``plan`` (``people`` for a people file, with a warning
        that every plan naming it gets the hours), the changes described, the lines written.

    Raises:
        PlanValidationError: a change names an unknown id, or the changed plan breaks a rule
            (nothing is written).
        PlanBusyError: another edit held the file for ``wait`` seconds, or the plan is no
            longer ``measured_on`` (nothing is written).
        BackplanError: the file is read-only, or cannot be written (it is left unchanged).

    Example:
        >>> import pathlib, tempfile
        >>> from backplan import ScenarioChange
        >>> plan_file = pathlib.Path(tempfile.mkdtemp()) / "plan.yaml"
        >>> _ = plan_file.write_text('''\\
        ... goal: {id: g, due: 2027-03-31}   # the quarter
        ... actions:
        ...   - id: audit
        ...     estimate: {optimistic: 3, likely: 5, pessimistic: 9}   # from last year
        ...   - {id: tips, duration: 2}
        ... ''')
        >>> print(write_changes(plan_file, [ScenarioChange(action="audit", duration=4),
        ...                                 ScenarioChange(drop="tips"),
        ...                                 ScenarioChange(due="2027-04-15")]))
        plan.yaml: plan: audit takes 4 working days; drop tips; move the goal's due date to 2027-04-15 (lines 1-5)
        >>> print(plan_file.read_text(), end="")
        goal: {id: g, due: 2027-04-15}   # the quarter
        actions:
          - id: audit
            duration: 4
          - {id: tips, duration: 2, priority: wont}
    """
    given = tuple(changes)
    hours = [change for change in given if change.kind == "add_hours"]
    if hours and os.path.isfile(name := os.fspath(path)):
        people_file = _named_people_file(name)
        if people_file is not None:  # the hours are written there
            if len(hours) < len(given):
                raise BackplanError(
                    f"{name}: the people's hours are in {people_file}, the other changes in the "
                    "plan: make them one at a time; the files are unchanged")
            return _write_people_changes(people_file, name, given, wait=wait, force=force,
                                         measured_on=measured_on)

    def plan(document: PlanText) -> Planned | None:
        _check_measured_on(document.plan, measured_on, document.path)
        expected = _changed(document, given)
        if expected is None:
            return None
        fields = dict.fromkeys(f for change in given for f in CHANGE_FIELDS[change.kind](change))
        for where in fields:
            _write_field(document, expected, where)
        return Planned(expected, "plan", "; ".join(str(change) for change in given))

    return run_edit(path, plan, strict=False, wait=wait, force=force,
                 unchanged=lambda: ("plan", "no change: the plan already says so"))


def _changed(document: PlanText, changes: tuple[ScenarioChange, ...]) -> Plan | None:
    """The plan of ``document`` with ``changes`` applied; None when that changes nothing."""
    from backplan.models.changes import apply_changes

    if not changes:
        return None
    try:
        expected = apply_changes(document.plan, changes)
    except PlanValidationError as error:
        raise PlanValidationError(
            [Problem(p.code, p.item, p.field, p.message, p.hint, document.path)
             for p in error.problems],
            source=document.path, subject="the changes") from None
    return None if expected == document.plan else expected


def _check_measured_on(plan: Plan, measured_on: Plan | None, path: str) -> None:
    """Refuse the edit when the changes were measured on a plan other than ``plan``."""
    if measured_on is not None and plan != measured_on:
        raise PlanBusyError(
            f"{path} changed after the changes were measured on it (another edit); nothing was "
            "written: measure them again (backplan fix) on the plan as it is now")


def _named_people_file(name: str) -> str | None:
    """The people file the plan file ``name`` names (``people: FILE``), as its path from here;
    None when the plan lists its people (or has none). Read the fast way where it can be (with
    line numbers, a big plan's read was most of an hours edit), else as :class:`PlanText`
    reads it, which reports the file's problems."""
    try:
        data = plain_plan_data(read_snapshot(name).data.decode("utf-8-sig"), source=name)
    except (OSError, UnicodeDecodeError):
        data = None
    if data is not None:
        people = data.get("people")
        if people is None or isinstance(people, list):
            return None
        if isinstance(people, str):
            return people_file_path(people, os.path.dirname(name)) or None
    return PlanText.read(name).people_file()


def _write_people_changes(people_file: str, plan_file: str,
                          changes: tuple[ScenarioChange, ...], *, wait: float,
                          force: bool, measured_on: Plan | None) -> PlanEdit:
    """:func:`write_changes` of people's hours into the people file a plan names (the plan file
    is not touched): under the people file's lock, checked by loading the plan again with it."""
    if not os.path.isfile(people_file):
        load_plan(Path(plan_file))  # the missing people file, reported as loading reports it
    if not force and (why := read_only_problem(people_file)) is not None:
        raise BackplanError(why)
    with plan_file_lock(people_file, wait=wait):
        document = PeopleText.of(people_file, load_plan(Path(plan_file)))
        _check_measured_on(document.plan, measured_on, plan_file)
        expected = _changed(document, changes)
        if expected is None:
            return PlanEdit(people_file, "people", "no change: the people file already says so",
                            ())
        for person in dict.fromkeys(str(change.person) for change in changes):
            _write_field(document, expected, ("people", person, "hours_per_day"))
        lines = document.commit(expected, "people")
    shared = (f"{os.path.basename(people_file)} is a people file: every plan and portfolio "
              "that names it gets these hours; a plan that lists the same person itself keeps "
              "its own hours (a portfolio with both then reports the person as defined twice)")
    return PlanEdit(people_file, "people", "; ".join(str(change) for change in changes), lines,
                    (shared,))


# --------------------------------------------------------------------------------------------
# Each kind of change names the fields it changes; each field is then written once, with its
# value in the expected plan (so repeated changes write the last).

#: A field of the plan file: the section (``goal``, ``queue``, ``milestones``, ``actions``,
#: ``people``), the item's id (None for a section of its own), and the field's name.
_Field = tuple[str, str | None, str]


def _action_fields(*names: str) -> Callable[[ScenarioChange], list[_Field]]:
    def fields(change: ScenarioChange) -> list[_Field]:
        return [("actions", change.action, name) for name in names]

    return fields


def _drop_fields(change: ScenarioChange) -> list[_Field]:
    return [("actions", ref, "priority") for ref in change.drop or ()]


def _due_fields(change: ScenarioChange) -> list[_Field]:
    return [("goal", None, "due") if change.milestone is None else
            ("milestones", change.milestone, "due")]


def _add_hours_fields(change: ScenarioChange) -> list[_Field]:
    return [("people", change.person, "hours_per_day")]


def _queue_fields(change: ScenarioChange) -> list[_Field]:
    return [("queue", None, "adjust")]  # the change joins the queue's adjust list


#: The fields each kind of change writes. A new kind of change adds its entry here (the value
#: written comes from ``backplan.models.changes.apply_changes``, which must know it too).
CHANGE_FIELDS: dict[ChangeKind, Callable[[ScenarioChange], list[_Field]]] = {
    "drop": _drop_fields,
    "duration": _action_fields("duration", "estimate", "effort"),
    "effort_hours": _action_fields("effort", "estimate", "duration"),
    "due": _due_fields,
    "add_hours": _add_hours_fields,
    "not_before": _action_fields("not_before"),
    "not_after": _action_fields("not_after"),
    "lag": _action_fields("lag"),
    "remove_after": _action_fields("after", "lag"),
    "volume": _queue_fields,
    "aht": _queue_fields,
    "add_agents": _queue_fields,
}


def _write_field(document: PlanText, expected: Plan, where: _Field) -> None:
    """Write one field as the expected plan has it: set, or removed when it is not given."""
    section, item_id, name = where
    if item_id is None:  # a section of its own: goal, queue
        item: BaseModel = getattr(expected, section)
        node = document.section_node(section)
    else:
        item = next(i for i in getattr(expected, section) if i.id == item_id)
        node = document.item_node(section, str(item_id))
    written = item.model_dump(mode="python", exclude_defaults=True, include={name},
                              by_alias=True)
    if name not in written or name not in item.model_fields_set:
        if document.get(node, name) is not None:
            document.delete_key(node, name)
        return
    document.set_key(node, name, document.flow(written[name]))
