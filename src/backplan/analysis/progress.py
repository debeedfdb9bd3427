"""Slip against a saved baseline schedule: how far each action and milestone has moved.

Save the schedule when the plan is agreed (``backplan schedule PLAN --format json > baseline.json``
or ``Schedule.to_json()``); later, compare the current schedule with it. For every action and
milestone, slip is counted in working days of the plan's calendar, positive when later:

* ``finish_slip_days`` (and ``start_slip_days`` for actions): the expected dates, that is the
  earliest schedule from each schedule's today (for done actions their actual dates). This is
  the slip a status report shows: when the work can now be done against when it could be then.
* ``latest_finish_slip_days``: the plan's own dates (as late as possible). They move when the
  plan changes: durations, dependencies, due dates.

Items only in the current schedule are ``added``, only in the baseline ``removed``; their slips
are None.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "duration": 3}, {"id": "b", "duration": 2,
    ...                                "after": ["a"]}]})
    >>> baseline = schedule_plan(plan, today=dt.date(2027, 1, 4))
    >>> current = schedule_plan(plan, today=dt.date(2027, 1, 7))  # nothing started yet
    >>> comparison = compare_schedules(baseline, current)
    >>> [(s.id, s.finish_slip_days, s.latest_finish_slip_days) for s in comparison.actions]
    [('a', 3, 0), ('b', 3, 0)]
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from backplan.analysis._text import iso, table_html
from backplan.calendars import WorkingCalendar
from backplan.errors import PlanFileError, Problem
from backplan.scheduling import Schedule

__all__ = ["ScheduleComparison", "Slip", "compare_schedules"]

SlipState = Literal["kept", "added", "removed"]


@dataclass(frozen=True, slots=True)
class Slip:
    """How one action or milestone moved between the baseline and the current schedule.

    Dates are the expected (earliest-schedule) dates; ``*_latest_finish`` are the plan's
    as-late-as-possible finishes. Milestones have no start (None). Slips are in working days,
    positive when later, None when the item is only in one of the schedules.
    """

    id: str
    kind: Literal["action", "milestone"]
    state: SlipState
    baseline_start: dt.date | None
    baseline_finish: dt.date | None
    current_start: dt.date | None
    current_finish: dt.date | None
    start_slip_days: int | None
    finish_slip_days: int | None
    baseline_latest_finish: dt.date | None
    current_latest_finish: dt.date | None
    latest_finish_slip_days: int | None

    def to_dict(self) -> dict[str, Any]:
        """The slip as JSON-ready data."""
        return {
            "id": self.id, "kind": self.kind, "state": self.state,
            "baseline_start": iso(self.baseline_start),
            "baseline_finish": iso(self.baseline_finish),
            "current_start": iso(self.current_start),
            "current_finish": iso(self.current_finish),
            "start_slip_days": self.start_slip_days, "finish_slip_days": self.finish_slip_days,
            "baseline_latest_finish": iso(self.baseline_latest_finish),
            "current_latest_finish": iso(self.current_latest_finish),
            "latest_finish_slip_days": self.latest_finish_slip_days,
        }


@dataclass(frozen=True, slots=True)
class ScheduleComparison:
    """The result of :func:`compare_schedules`: slip per action and per milestone."""

    goal: str
    baseline_today: dt.date
    current_today: dt.date
    baseline_completion: dt.date | None
    current_completion: dt.date | None
    completion_slip_days: int | None
    actions: tuple[Slip, ...]
    milestones: tuple[Slip, ...]

    @property
    def slipped(self) -> tuple[Slip, ...]:
        """Actions and milestones whose expected finish moved later, most slipped first."""
        moved = [s for s in (*self.actions, *self.milestones) if (s.finish_slip_days or 0) > 0]
        return tuple(sorted(moved, key=lambda s: -(s.finish_slip_days or 0)))

    def slip(self, item_id: str) -> Slip:
        """The slip of the action or milestone with this id (KeyError naming it otherwise)."""
        for slip in (*self.actions, *self.milestones):
            if slip.id == item_id:
                return slip
        raise KeyError(f"no action or milestone {item_id!r} in either schedule")

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data."""
        return {
            "goal": self.goal, "baseline_today": iso(self.baseline_today),
            "current_today": iso(self.current_today),
            "baseline_completion": iso(self.baseline_completion),
            "current_completion": iso(self.current_completion),
            "completion_slip_days": self.completion_slip_days,
            "actions": [slip.to_dict() for slip in self.actions],
            "milestones": [slip.to_dict() for slip in self.milestones],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _rows(self) -> list[list[str]]:
        rows = [["id", "kind", "baseline finish", "current finish", "slip", "plan slip"]]
        for slip in (*self.milestones, *self.actions):
            rows.append([
                slip.id, slip.kind if slip.state == "kept" else f"{slip.kind} ({slip.state})",
                iso(slip.baseline_finish) or "-", iso(slip.current_finish) or "-",
                "-" if slip.finish_slip_days is None else f"{slip.finish_slip_days:+d}",
                "-" if slip.latest_finish_slip_days is None
                else f"{slip.latest_finish_slip_days:+d}",
            ])
        return rows

    def __str__(self) -> str:
        rows = self._rows()
        widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
        completion = ("-" if self.completion_slip_days is None
                      else f"{self.completion_slip_days:+d} working "
                      f"{'day' if abs(self.completion_slip_days) == 1 else 'days'}")
        lines = [
            f"Goal {self.goal!r}: baseline of {self.baseline_today.isoformat()} against "
            f"{self.current_today.isoformat()}; earliest completion "
            f"{iso(self.baseline_completion) or '-'} -> {iso(self.current_completion) or '-'} "
            f"({completion})",
        ]
        lines.extend("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<ScheduleComparison {self.goal!r} slipped={len(self.slipped)} "
                f"completion_slip={self.completion_slip_days}>")

    def _repr_html_(self) -> str:
        esc = html.escape
        return (f"<div><p>Slip of <b>{esc(self.goal)}</b> since the baseline of "
                f"{self.baseline_today}</p>{table_html(self._rows())}</div>")


# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Dates:
    start: dt.date | None
    finish: dt.date
    latest_finish: dt.date


@dataclass(frozen=True, slots=True)
class _Side:
    goal: str
    today: dt.date
    completion: dt.date | None
    actions: dict[str, _Dates]
    milestones: dict[str, _Dates]


def _from_schedule(schedule: Schedule) -> _Side:
    return _Side(
        schedule.goal, schedule.today, schedule.earliest_completion,
        {a.id: _Dates(a.earliest_start, a.earliest_finish, a.finish) for a in schedule.actions},
        {m.id: _Dates(None, m.earliest_date, m.date) for m in schedule.milestones},
    )


def _date(data: Mapping[str, Any], key: str, where: str, source: str | None) -> dt.date:
    value = data.get(key)
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise PlanFileError([Problem(
            "invalid-value" if key in data else "missing-field", where, key,
            f"expected a date as YYYY-MM-DD, got {value!r}",
            "give a schedule saved with 'backplan schedule PLAN --format json'", source,
        )], source=source, subject="the saved schedule") from None


def _from_mapping(data: Mapping[str, Any], source: str | None) -> _Side:
    try:
        actions = {
            str(a["id"]): _Dates(_date(a, "earliest_start", str(a["id"]), source),
                                 _date(a, "earliest_finish", str(a["id"]), source),
                                 _date(a, "finish", str(a["id"]), source))
            for a in data["actions"]
        }
        milestones = {
            str(m["id"]): _Dates(None, _date(m, "earliest_date", str(m["id"]), source),
                                 _date(m, "date", str(m["id"]), source))
            for m in data.get("milestones", ())
        }
        completion = data.get("earliest_completion")
        return _Side(
            str(data["goal"]), _date(data, "today", "schedule", source),
            dt.date.fromisoformat(completion) if completion else None, actions, milestones,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise PlanFileError([Problem(
            "missing-field", "schedule", str(exc).strip("'"),
            "this does not look like a saved schedule",
            "save one with 'backplan schedule PLAN --format json > baseline.json'", source,
        )], source=source, subject="the saved schedule") from None


def _side(value: Schedule | Mapping[str, Any] | str | os.PathLike[str]) -> _Side:
    if isinstance(value, Schedule):
        return _from_schedule(value)
    if isinstance(value, Mapping):
        return _from_mapping(value, None)
    path = os.fspath(value)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanFileError([Problem("file-not-found", "schedule", "", f"no such file: {path!r}",
                                     "check the path of the saved schedule", path)],
                            source=path, subject="the saved schedule") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError([Problem("syntax", "schedule", "", f"cannot read it as JSON: {exc}",
                                     "give the JSON that 'backplan schedule --format json' "
                                     "prints", path)],
                            source=path, subject="the saved schedule") from None
    if not isinstance(data, Mapping):
        raise PlanFileError([Problem("not-a-mapping", "schedule", "",
                                     "a saved schedule is a JSON object", "", path)],
                            source=path, subject="the saved schedule")
    return _from_mapping(data, path)


def _slips(
    kind: Literal["action", "milestone"], before: dict[str, _Dates], after: dict[str, _Dates],
    calendar: WorkingCalendar,
) -> tuple[Slip, ...]:
    def days(a: dt.date | None, b: dt.date | None) -> int | None:
        return None if a is None or b is None else calendar.count(a, b)

    out = []
    for item_id in [*after, *(i for i in before if i not in after)]:
        old, new = before.get(item_id), after.get(item_id)
        state: SlipState = "kept" if old and new else ("added" if new else "removed")
        out.append(Slip(
            item_id, kind, state,
            old.start if old else None, old.finish if old else None,
            new.start if new else None, new.finish if new else None,
            days(old.start, new.start) if old and new else None,
            days(old.finish, new.finish) if old and new else None,
            old.latest_finish if old else None, new.latest_finish if new else None,
            days(old.latest_finish, new.latest_finish) if old and new else None,
        ))
    return tuple(out)


def compare_schedules(
    baseline: Schedule | Mapping[str, Any] | str | os.PathLike[str],
    current: Schedule | Mapping[str, Any] | str | os.PathLike[str],
    *,
    calendar: WorkingCalendar | None = None,
) -> ScheduleComparison:
    """Slip of every action and milestone from ``baseline`` to ``current`` (module rules).

    Args:
        baseline: the saved schedule: a :class:`~backplan.Schedule`, its ``to_dict()``, or the
            path of the JSON file ``Schedule.to_json()`` wrote.
        current: the current schedule, in any of the same forms.
        calendar: the working calendar slips are counted in (default: Monday to Friday); pass
            ``backplan.calendars.plan_calendar(plan, today=...)`` for the plan's own.

    Returns:
        A frozen :class:`ScheduleComparison`, items in the current schedule's order (removed
        ones last).

    Raises:
        PlanFileError: a saved schedule cannot be read, lacks the dates needed, or is of
            another goal than the current one.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
        ...                   "milestones": [{"id": "m"}],
        ...                   "actions": [{"id": "a", "duration": 3, "milestone": "m"}]})
        >>> baseline = schedule_plan(plan, today=dt.date(2027, 1, 4)).to_dict()
        >>> done = plan.model_copy(update={"actions": (plan.actions[0].model_copy(update={
        ...     "status": "done", "actual_finish": dt.date(2027, 1, 11)}),)})
        >>> comparison = compare_schedules(baseline, schedule_plan(done, today=dt.date(2027, 1, 12)))
        >>> comparison.slip("a").finish_slip_days, comparison.slip("m").finish_slip_days
        (3, 3)
    """
    before, after = _side(baseline), _side(current)
    if before.goal != after.goal:  # another plan's schedule: every row would be added/removed
        where = None if isinstance(baseline, Schedule | Mapping) else os.fspath(baseline)
        raise PlanFileError([Problem(
            "invalid-value", "schedule", "goal",
            f"the saved schedule is of goal {before.goal!r}, the plan's goal is {after.goal!r}",
            "give a schedule saved from this plan ('backplan schedule PLAN --format json'); "
            "if the goal was renamed, save a new baseline", where)],
            source=where, subject="the saved schedule")
    calendar = calendar or WorkingCalendar()
    completion = None
    if before.completion is not None and after.completion is not None:
        completion = calendar.count(before.completion, after.completion)
    return ScheduleComparison(
        after.goal, before.today, after.today, before.completion, after.completion, completion,
        _slips("action", before.actions, after.actions, calendar),
        _slips("milestone", before.milestones, after.milestones, calendar),
    )
