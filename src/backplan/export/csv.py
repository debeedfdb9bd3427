"""A schedule as CSV: one row per scheduled action, the JSON's action fields as columns.

``owner`` is the action's owner as written; ``assignees`` the ids of the people booked on it,
separated by ``;`` (empty when none).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "duration": 2}]})
    >>> print(to_csv(schedule_plan(plan, today=dt.date(2027, 1, 25))), end="")
    id,title,start,finish,earliest_start,earliest_finish,slack,critical,duration_days,milestone,priority,owner,assignees
    a,,2027-01-28,2027-01-29,2027-01-25,2027-01-26,3,true,2,,must,,
"""

from __future__ import annotations

import csv
import io

from backplan.scheduling import Schedule

__all__ = ["CSV_COLUMNS", "to_csv"]

CSV_COLUMNS = (
    "id", "title", "start", "finish", "earliest_start", "earliest_finish", "slack", "critical",
    "duration_days", "milestone", "priority", "owner", "assignees",
)


def to_csv(schedule: Schedule) -> str:
    """The scheduled actions as CSV text (booleans as ``true``/``false``, empty for none).

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
        ...                   "people": [{"id": "qa", "hours_per_day": 2},
        ...                              {"id": "lead", "hours_per_day": 3}],
        ...                   "actions": [{"id": "a", "duration": 2, "owner": "Jo Hart",
        ...                                "assignees": ["qa", "lead"]}]})
        >>> to_csv(schedule_plan(plan, today=dt.date(2027, 1, 25))).splitlines()[1]
        'a,,2027-01-28,2027-01-29,2027-01-25,2027-01-26,3,true,2,,must,Jo Hart,qa;lead'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for action in schedule.actions:
        row = action.to_dict()
        row["assignees"] = ";".join(action.assignees)
        writer.writerow(
            "" if row[c] is None else str(row[c]).lower() if isinstance(row[c], bool) else row[c]
            for c in CSV_COLUMNS
        )
    return buffer.getvalue()
