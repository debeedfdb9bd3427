"""A schedule as Mermaid gantt text, for Markdown that GitHub, GitLab and mkdocs render.

Each milestone becomes a section holding its actions (by start date) and ends with the milestone
itself; actions without a milestone come last. Bars use the as-late-as-possible dates with
explicit start and end dates (Mermaid's end is exclusive, so it is the day after ``finish``), so
Mermaid's own calendar (``excludes``) is not needed and cannot stretch them. Critical and late
actions are tagged ``crit``.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "title": "Raise FCR: 80%", "due": "2027-01-29"},
    ...                   "milestones": [{"id": "m", "title": "Causes known"}],
    ...                   "actions": [{"id": "a", "title": "Tag repeats", "duration": 2,
    ...                                "milestone": "m"}]})
    >>> print(to_mermaid(schedule_plan(plan, today=dt.date(2027, 1, 25))))
    gantt
        title Raise FCR - 80%
        dateFormat YYYY-MM-DD
        axisFormat %d %b
        todayMarker off
        section Causes known
        Tag repeats :crit, a1, 2027-01-28, 2027-01-30
        Causes known :milestone, m1, 2027-01-29, 0d
"""

from __future__ import annotations

import datetime as dt
import re

from backplan.scheduling import MilestoneDate, Schedule, ScheduledAction

__all__ = ["to_mermaid"]

_UNSAFE = re.compile(r"[:;#\n\r]+")


def _text(value: str) -> str:
    """Mermaid reads ``:`` as the start of the task data and ``;``/``#`` specially."""
    cleaned = _UNSAFE.sub(lambda m: " - " if ":" in m.group() else " ", value)
    return re.sub(r"\s+", " ", cleaned).strip(" -") or "-"


def _day(day: dt.date) -> str:
    return day.isoformat()


def to_mermaid(schedule: Schedule, *, label: str = "title") -> str:
    """The schedule as a Mermaid ``gantt`` block (without the Markdown fence).

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        label: ``"title"`` (falls back to the id when a title is empty) or ``"id"``.

    Returns:
        Mermaid text: one section per milestone in date order, bars at the latest dates, a
        milestone marker per milestone, ``crit`` on critical or late actions.
    """
    if label not in ("title", "id"):
        raise ValueError(f"label must be 'title' or 'id', got {label!r}")

    def name(item: ScheduledAction | MilestoneDate) -> str:
        return _text(item.title if label == "title" and item.title else item.id)

    lines = [
        "gantt",
        f"    title {_text(schedule.goal_title or schedule.goal)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %d %b",
        "    todayMarker off",
    ]
    # Mermaid ids must be simple words; plan ids may hold anything, so number them.
    counter = {"a": 0, "m": 0}

    def task_id(kind: str) -> str:
        counter[kind] += 1
        return f"{kind}{counter[kind]}"

    def action_line(action: ScheduledAction) -> str:
        tags = ["crit"] if action.critical or action.slack < 0 else []
        end = action.finish + dt.timedelta(days=1)
        data = ", ".join([*tags, task_id("a"), _day(action.start), _day(end)])
        return f"    {name(action)} :{data}"

    by_milestone: dict[str | None, list[ScheduledAction]] = {}
    for action in sorted(schedule.actions, key=lambda a: (a.start, a.finish, a.id)):
        by_milestone.setdefault(action.milestone, []).append(action)
    for milestone in sorted(schedule.milestones, key=lambda m: (m.date, m.id)):
        lines.append(f"    section {name(milestone)}")
        lines.extend(action_line(a) for a in by_milestone.pop(milestone.id, []))
        tags = "milestone, crit" if milestone.slack < 0 else "milestone"
        lines.append(
            f"    {name(milestone)} :{tags}, {task_id('m')}, {_day(milestone.date)}, 0d"
        )
    rest = [a for group in by_milestone.values() for a in group]
    if rest:
        lines.append("    section Other actions")
        lines.extend(action_line(a) for a in sorted(rest, key=lambda a: (a.start, a.id)))
    return "\n".join(lines)
