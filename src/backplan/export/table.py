"""A schedule as a plain-text table for terminals: actions in date order, then flags and fixes.

Who does the work shows in two last columns when the plan says it: ``owner`` (as written) and
``assignees`` (the ids of the people booked on the action).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "title": "Tag repeats", "duration": 5}]})
    >>> print(format_table(schedule_plan(plan, today=dt.date(2027, 1, 27))))
    Goal g due 2027-01-29 from 2027-01-27: NOT feasible, earliest completion 2027-02-02
    <BLANKLINE>
      id  title        start       finish      earliest    slack  critical
      a   Tag repeats  2027-01-25  2027-01-29  2027-01-27     -2  *
    <BLANKLINE>
    ERROR [late-start] a: should have started by 2027-01-25 ... 2 working days short
      fix: shorten a by 2 working days: a takes 3 working days (was 5) (buys 2 working days; then feasible)
      fix: move the goal's due date to 2027-02-02 (was 2027-01-29) (buys 2 working days; then feasible)
"""

from __future__ import annotations

from backplan.scheduling import Schedule

__all__ = ["format_table"]

_RED, _YELLOW, _BOLD, _RESET = "\033[31m", "\033[33m", "\033[1m", "\033[0m"
_TITLE_WIDTH = 48
_OWNER_WIDTH = 28
_ASSIGNEES_WIDTH = 32


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis (the full title is in JSON/CSV)."""
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def format_table(schedule: Schedule, *, color: bool = False) -> str:
    """The schedule as aligned text: a header, actions by start date, flags with fixes.

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        color: mark late actions and flags with ANSI colours (for terminals only).

    Returns:
        The table; ``owner`` and ``assignees`` columns are added when some action has one.
    """
    state = "feasible" if schedule.feasible else "NOT feasible"
    completion = schedule.earliest_completion.isoformat() if schedule.earliest_completion else "-"
    lines = [
        f"Goal {schedule.goal} due {schedule.due.isoformat()} from {schedule.today.isoformat()}: "
        f"{state}, earliest completion {completion}",
        "",
    ]
    actions = sorted(schedule.actions, key=lambda a: (a.start, a.finish, a.id))
    owners = any(a.owner for a in actions)
    assignees = any(a.assignees for a in actions)
    header = ("id", "title", "start", "finish", "earliest", "slack", "critical",
              *(("owner",) if owners else ()), *(("assignees",) if assignees else ()))
    rows = [
        (a.id, _clip(a.title, _TITLE_WIDTH), a.start.isoformat(), a.finish.isoformat(),
         a.earliest_start.isoformat(), str(a.slack), "*" if a.critical else "",
         *((_clip(a.owner or "", _OWNER_WIDTH),) if owners else ()),
         *((_clip(", ".join(a.assignees), _ASSIGNEES_WIDTH),) if assignees else ()))
        for a in actions
    ]
    widths = [max(len(row[k]) for row in [header, *rows]) for k in range(len(header))]

    def render(row: tuple[str, ...]) -> str:
        cells = [cell.rjust(w) if k == 5 else cell.ljust(w)
                 for k, (cell, w) in enumerate(zip(row, widths, strict=True))]
        return ("  " + "  ".join(cells)).rstrip()

    lines.append(render(header))
    for row in rows:
        text = render(row)
        lines.append(f"{_RED}{text}{_RESET}" if color and int(row[5]) < 0 else text)
    if schedule.unscheduled:
        lines += ["", f"Unscheduled (wont): {', '.join(schedule.unscheduled)}"]
    for milestone in schedule.milestones:
        if milestone is schedule.milestones[0]:
            lines += ["", "Milestones:"]
        due = f" (due {milestone.due.isoformat()})" if milestone.due else ""
        lines.append(f"  {milestone.id}  {milestone.date.isoformat()}{due}")
    if schedule.flags:
        lines.append("")
    for flag in schedule.flags:
        text = str(flag)
        if color:
            tint = _RED if flag.severity == "error" else _YELLOW
            head, _, rest = text.partition("\n")
            text = f"{tint}{_BOLD}{head}{_RESET}" + (f"\n{rest}" if rest else "")
        lines.append(text)
    return "\n".join(lines)
