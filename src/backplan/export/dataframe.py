"""Results as pandas DataFrames: one row per item, ids as the index, dates as ``datetime64``.

pandas is an optional extra (``pip install "backplan[pandas]"``); it is imported only when a
frame is built, so ``import backplan`` never loads it.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "duration": 2},
    ...                               {"id": "b", "duration": 3, "after": ["a"]}]})
    >>> frame = to_dataframe(schedule_plan(plan, today=dt.date(2027, 1, 18)))
    >>> frame[["start", "finish", "slack"]]
            start     finish  slack
    id
    a  2027-01-25 2027-01-26      5
    b  2027-01-27 2027-01-29      5
    >>> frame["start"].dtype.kind
    'M'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from backplan.errors import require
from backplan.scheduling import Flag, MilestoneDate, Schedule, ScheduledAction

__all__ = [
    "ACTION_COLUMNS", "BOOKING_COLUMNS", "DAY_COLUMNS", "FLAG_COLUMNS", "MILESTONE_COLUMNS",
    "WEEK_COLUMNS", "to_dataframe",
]

Table = Literal["actions", "milestones", "flags", "bookings", "weeks", "days"]

#: Columns of the actions frame (index: ``id``). ``late`` is ``slack < 0``; ``assignees`` is the
#: list of the ids of the people booked on the action (empty when none).
ACTION_COLUMNS = (
    "title", "start", "finish", "earliest_start", "earliest_finish", "slack", "late", "critical",
    "duration_days", "milestone", "priority", "owner", "assignees",
)
#: Columns of the milestones frame (index: ``id``).
MILESTONE_COLUMNS = ("title", "date", "earliest_date", "due", "slack", "late")
#: Columns of the flags frame (index: ``subject``, the id the flag is about).
FLAG_COLUMNS = (
    "code", "severity", "message", "shortfall_days", "chain", "affected", "fixes",
)
#: Columns of a load's weekly frame (index: ``person``, ``week``), the default for a ``Load``.
WEEK_COLUMNS = ("name", "start", "working_days", "available_hours", "booked_hours",
                "utilisation")
#: Columns of a load's daily frame (index: ``person``, ``date``): one row per working day.
DAY_COLUMNS = ("name", "available_hours", "booked_hours", "over_hours")
#: Columns of a bookings frame (index: ``person``, ``date``, ``action``): the hours each person
#: is booked on each action on each working day.
BOOKING_COLUMNS = ("hours",)

_DATE_COLUMNS = {
    "actions": ("start", "finish", "earliest_start", "earliest_finish"),
    "milestones": ("date", "earliest_date", "due"),
    "flags": (),
}


def _pandas() -> Any:
    return require("pandas", extra="pandas", feature="to_dataframe()")


def _action_row(action: ScheduledAction) -> dict[str, Any]:
    return {
        "id": action.id, "title": action.title, "start": action.start, "finish": action.finish,
        "earliest_start": action.earliest_start, "earliest_finish": action.earliest_finish,
        "slack": action.slack, "late": action.slack < 0, "critical": action.critical,
        "duration_days": action.duration_days, "milestone": action.milestone,
        "priority": action.priority, "owner": action.owner,
        "assignees": list(action.assignees),
    }


def _milestone_row(milestone: MilestoneDate) -> dict[str, Any]:
    return {
        "id": milestone.id, "title": milestone.title, "date": milestone.date,
        "earliest_date": milestone.earliest_date, "due": milestone.due,
        "slack": milestone.slack, "late": milestone.slack < 0,
    }


def _flag_row(flag: Flag) -> dict[str, Any]:
    return {
        "subject": flag.subject, "code": flag.code, "severity": flag.severity,
        "message": flag.message, "shortfall_days": flag.shortfall_days,
        "chain": list(flag.chain), "affected": list(flag.affected),
        "fixes": [fix.description for fix in flag.fixes],
    }


def _frame(
    rows: Iterable[Mapping[str, Any]], *, index: str, columns: Sequence[str],
    dates: Sequence[str] = (), integers: Sequence[str] = (),
) -> Any:
    """A frame with exactly ``columns`` (even when empty), ``dates`` as datetime64."""
    pd = _pandas()
    frame = pd.DataFrame(list(rows), columns=[index, *columns])
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    for column in integers:  # nullable integers keep whole numbers whole when some are None
        frame[column] = frame[column].astype("Int64")
    return frame.set_index(index)


_TABLES: dict[str, tuple[Callable[[Any], dict[str, Any]], str, Sequence[str], Sequence[str]]] = {
    "actions": (_action_row, "id", ACTION_COLUMNS, ()),
    "milestones": (_milestone_row, "id", MILESTONE_COLUMNS, ()),
    "flags": (_flag_row, "subject", FLAG_COLUMNS, ("shortfall_days",)),
}


def _table_of(items: Sequence[Any], table: str) -> Any:
    row, index, columns, integers = _TABLES[table]
    return _frame(
        (row(item) for item in items), index=index, columns=columns,
        dates=_DATE_COLUMNS[table], integers=integers,
    )


def _glide_rows(path: Any) -> list[dict[str, Any]]:
    return [{"key_result": path.key_result, "date": day, "latest": latest, "earliest": earliest}
            for day, latest, earliest in zip(path.dates, path.latest, path.earliest, strict=True)]


def _tracking_rows(tracking: Any) -> list[dict[str, Any]]:
    return [{"key_result": tracking.key_result, "date": c.date, "value": c.value, "n": c.n,
             "expected": c.expected, "expected_earliest": c.expected_earliest, "gap": c.gap,
             "progress_pct": c.progress_pct, "score": c.score, "status": c.status}
            for c in tracking.checkins]


def _bookings(bookings: Iterable[Any]) -> Any:
    """One row per person, day and action: the hours booked (summed when listed twice)."""
    hours: dict[tuple[str, dt.date, str], float] = {}
    for b in bookings:
        key = (b.person, b.day, b.action)
        hours[key] = hours.get(key, 0.0) + b.hours
    rows = [{"person": p, "date": d, "action": a, "hours": h}
            for (p, d, a), h in sorted(hours.items())]
    frame = _frame(rows, index="person", columns=("date", "action", "hours"), dates=("date",))
    return frame.set_index(["date", "action"], append=True)


def _load(load: Any, table: str | None) -> Any:
    """A person load as weeks (default), working days or bookings."""
    part = table or "weeks"
    if part == "bookings":
        return _bookings(load.bookings)
    if part == "days":
        rows = [{"person": p.person, "date": d.day, "name": p.name,
                 "available_hours": d.available_hours, "booked_hours": d.booked_hours,
                 "over_hours": d.over_hours} for p in load.people for d in p.days]
        frame = _frame(rows, index="person", columns=("date", *DAY_COLUMNS), dates=("date",))
        return frame.set_index("date", append=True)
    if part != "weeks":
        raise ValueError(f"for a load, table must be 'weeks', 'days' or 'bookings', got {part!r}")
    rows = [{"person": p.person, "week": w.week, "name": p.name, "start": w.start,
             "working_days": w.working_days, "available_hours": w.available_hours,
             "booked_hours": w.booked_hours, "utilisation": w.utilisation}
            for p in load.people for w in p.weeks]
    frame = _frame(rows, index="person", columns=("week", *WEEK_COLUMNS), dates=("start",))
    frame["utilisation"] = frame["utilisation"].astype("float64")
    return frame.set_index("week", append=True)


def _analysis(obj: Any) -> Any:
    """Frames of the analysis results (glide paths, tracking, risk), or None for others."""
    kind = type(obj).__name__ if type(obj).__module__.startswith("backplan.analysis") else ""
    if kind in ("GlidePath", "GlidePaths"):
        paths = [obj] if kind == "GlidePath" else list(obj.paths)
        frame = _frame([row for path in paths for row in _glide_rows(path)],
                       index="key_result", columns=("date", "latest", "earliest"),
                       dates=("date",))
        return frame.set_index("date", append=True)
    if kind in ("KeyResultTracking", "TrackingReport"):
        items = [obj] if kind == "KeyResultTracking" else list(obj.key_results)
        columns: tuple[str, ...] = ("date", "value", "n", "expected", "expected_earliest", "gap",
                   "progress_pct", "score", "status")
        frame = _frame([row for item in items for row in _tracking_rows(item)],
                       index="key_result", columns=columns, dates=("date",), integers=("n",))
        return frame.set_index("date", append=True)
    if kind == "Simulation":
        columns = ("title", "criticality", "mean_duration_days", "sd_duration_days",
                   "driver_score", "distribution", "driver")
        drivers = set(obj.drivers)
        rows = [{**a.to_dict(), "driver": a.id in drivers} for a in obj.actions]
        return _frame(rows, index="id", columns=columns)
    return None


def _generic(obj: Any) -> Any:
    """Any other result: its ``to_frame_rows()`` if it has one, else its dataclass fields."""
    rows_method = getattr(obj, "to_frame_rows", None)
    if callable(rows_method):
        rows = list(rows_method())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        rows = [{f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}]
    elif isinstance(obj, Sequence) and obj and all(
        dataclasses.is_dataclass(item) and not isinstance(item, type) for item in obj
    ):
        rows = [{f.name: getattr(item, f.name) for f in dataclasses.fields(item)} for item in obj]
    else:
        raise TypeError(
            f"to_dataframe() takes a Schedule, its flags or milestones, or an analysis result; "
            f"got {type(obj).__name__}"
        )
    pd = _pandas()
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None]
        if values and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                          for v in values):
            frame[column] = pd.to_datetime(frame[column])
    for key in ("id", "date"):
        if key in frame.columns and frame[key].is_unique:
            return frame.set_index(key)
    return frame


def to_dataframe(obj: Any, *, table: Table | None = None) -> Any:
    """A pandas DataFrame of a result: one row per item, ids as the index.

    Args:
        obj: a :class:`~backplan.Schedule` (its actions, or the part named by ``table``), a
            sequence of :class:`~backplan.Flag` or :class:`~backplan.MilestoneDate`, glide
            paths (``GlidePaths``/``GlidePath``: one row per key result and date, ``latest``
            and ``earliest`` values), tracking (``TrackingReport``/``KeyResultTracking``: one
            row per key result and check-in date), a risk ``Simulation`` (one row per action:
            criticality, spread, driver score), a person ``Load`` (one row per person and week,
            or the part named by ``table``), or another result with dataclass fields.
        table: for a schedule, which part: ``"actions"`` (default), ``"milestones"``,
            ``"flags"`` or, for a levelled schedule, ``"bookings"``; for a ``Load``:
            ``"weeks"`` (default), ``"days"`` or ``"bookings"``. The frame has its columns even
            when there are no rows.

    Returns:
        A ``pandas.DataFrame``. Dates are ``datetime64`` (missing dates are ``NaT``); actions and
        milestones are indexed by ``id``, flags by ``subject`` (the id each flag is about), glide
        paths and tracking by ``(key_result, date)``, a load's weeks by ``(person, week)``, its
        days by ``(person, date)`` and bookings by ``(person, date, action)``.

    Raises:
        MissingExtraError: pandas is not installed.
        TypeError: ``obj`` is not something backplan can tabulate.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-20"},
        ...                   "actions": [{"id": "a", "duration": 5}]})
        >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 18))
        >>> flags = to_dataframe(schedule, table="flags")
        >>> flags.loc["a", "code"], int(flags.loc["a", "shortfall_days"])
        ('late-start', 2)
    """
    if isinstance(obj, Schedule):
        part = table or "actions"
        if part == "bookings":
            bookings = getattr(obj, "bookings", None)
            if bookings is None:
                raise ValueError(
                    "only a levelled schedule has bookings: use schedule_levelled(), or "
                    "to_dataframe(person_load(plan, schedule), table='bookings')")
            return _bookings(bookings)
        items = {"actions": obj.actions, "milestones": obj.milestones, "flags": obj.flags}
        if part not in items:
            raise ValueError(f"table must be 'actions', 'milestones', 'flags' or 'bookings', "
                             f"got {part!r}")
        return _table_of(items[part], part)
    if type(obj).__name__ == "Load" and type(obj).__module__ == "backplan.analysis.load":
        return _load(obj, table)
    if table is not None:
        raise ValueError("table= applies to a Schedule or a Load only")
    if isinstance(obj, Sequence) and not isinstance(obj, str | bytes):
        kinds = {ScheduledAction: "actions", MilestoneDate: "milestones", Flag: "flags"}
        for cls, name in kinds.items():
            if obj and all(isinstance(item, cls) for item in obj):
                return _table_of(obj, name)
        if not obj:
            raise ValueError(
                "cannot tell what an empty sequence holds; pass the schedule with "
                "table='flags' (or 'milestones') to get a frame with its columns"
            )
    analysed = _analysis(obj)
    return analysed if analysed is not None else _generic(obj)
