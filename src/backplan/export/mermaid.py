"""A schedule as Mermaid gantt text, for Markdown that GitHub, GitLab and mkdocs render.

Each milestone becomes a section holding its actions (by start date) and ends with the milestone
itself; actions without a milestone come last, under "Other actions". Bars use the
as-late-as-possible dates with explicit start and end dates (Mermaid's end is exclusive, so it
is the day after ``finish``), so Mermaid's own calendar (``excludes``) is not needed and cannot
stretch them. Critical and late actions are tagged ``crit``; given the ``plan``, done actions
are tagged ``done`` and actions in progress ``active``.

Text is kept whole: the characters Mermaid reads as syntax (``:`` ``;`` ``#``) are written as
Mermaid entity codes (``#58;`` ``#59;`` ``#35;``), which it shows as the characters again, and a
title that would start like a gantt keyword (``call``, ``click``, ``section``, ``title``, a
date, ``%`` ...) has its first character written as an entity code, so the official renderer
(``@mermaid-js/mermaid-cli``) reads every line as the task it is.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "title": "Raise FCR: 80%", "due": "2027-01-29"},
    ...                   "milestones": [{"id": "m", "title": "Causes known"}],
    ...                   "actions": [{"id": "a", "title": "Call listening 7:00 to 6:00",
    ...                                "duration": 2, "milestone": "m"}]})
    >>> print(to_mermaid(schedule_plan(plan, today=dt.date(2027, 1, 25))))
    gantt
        title Raise FCR#58; 80%
        dateFormat YYYY-MM-DD
        axisFormat %d %b
        todayMarker off
        section Causes known
        #67;all listening 7#58;00 to 6#58;00 :crit, a1, 2027-01-28, 2027-01-30
        Causes known :milestone, m1, 2027-01-29, 0d
"""

from __future__ import annotations

import datetime as dt
import re

from backplan.models import Plan
from backplan.scheduling import MilestoneDate, Schedule, ScheduledAction

__all__ = ["mermaid_text", "to_mermaid"]

#: Characters Mermaid's gantt grammar reads as syntax, and the entity codes that show them.
_ENTITIES = {":": "#58;", ";": "#59;", "#": "#35;"}
_SYNTAX = re.compile("[:;#]")
#: Starts of a line Mermaid's gantt lexer reads as something else than a task's text (it matches
#: keywords without regard to case): comments, directives, keywords, dates.
_RESERVED_START = re.compile(
    r"[^\w\s]|_|.%|\d{4}-\d\d-\d\d"
    r"|acc(?:title|descr)"
    r"|(?:call|click|href|gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval"
    r"|includes|excludes|todaymarker|weekday|weekend|title|section|displaymode)(?![a-z0-9_])",
    re.IGNORECASE,
)


def mermaid_text(value: str) -> str:
    """Text for a Mermaid gantt line that the renderer shows exactly as ``value``.

    Whitespace runs (line breaks too) become one space; ``:`` ``;`` ``#`` become entity codes;
    a start that Mermaid would read as a keyword, a comment or a date is guarded by writing the
    first character as an entity code. Empty text becomes ``-``.

    Example:
        >>> mermaid_text("Call centre #1: 7:00; go"), mermaid_text("section B"), mermaid_text("")
        ('#67;all centre #35;1#58; 7#58;00#59; go', '#115;ection B', '-')
    """
    text = " ".join(value.split())
    if not text:
        return "-"
    guard = _RESERVED_START.match(text) is not None
    head = f"#{ord(text[0])};" if guard else ""
    rest = text[1:] if guard else text
    return head + _SYNTAX.sub(lambda m: _ENTITIES[m[0]], rest)


def _day(day: dt.date) -> str:
    return day.isoformat()


def to_mermaid(schedule: Schedule, *, label: str = "title", plan: Plan | None = None) -> str:
    """The schedule as a Mermaid ``gantt`` block (without the Markdown fence).

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        label: ``"title"`` (falls back to the id when a title is empty) or ``"id"``.
        plan: the plan, to tag done actions ``done`` and started ones ``active``; optional.

    Returns:
        Mermaid text: one section per milestone in date order, bars at the latest dates, a
        milestone marker per milestone, ``crit`` on critical or late actions; every title as
        written (see :func:`mermaid_text`).
    """
    if label not in ("title", "id"):
        raise ValueError(f"label must be 'title' or 'id', got {label!r}")
    status = {} if plan is None else {a.id: a.status for a in plan.actions}

    def name(item: ScheduledAction | MilestoneDate) -> str:
        return mermaid_text(item.title if label == "title" and item.title else item.id)

    lines = [
        "gantt",
        f"    title {mermaid_text(schedule.goal_title or schedule.goal)}",
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
        progress = status.get(action.id)
        tags = ["done"] if progress == "done" else ["active"] if progress == "in_progress" else []
        if progress != "done" and (action.critical or action.slack < 0):
            tags.append("crit")
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
