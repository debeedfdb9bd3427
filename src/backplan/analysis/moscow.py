"""MoSCoW: the effort share of each priority, and the DSDM guideline on Must-haves.

DSDM (the Agile Business Consortium's framework, which named MoSCoW) advises that Must-haves take
no more than 60 % of the effort of a timebox, and that Could-haves (about 20 %) are the
contingency: what is dropped first when time runs short. Here the timebox is the plan from today
to the goal's due date.

* The *effort* of an action is its scheduled duration in working days. A ``wont`` action is not
  scheduled: its ``duration`` counts (else its likely estimate; an action sized only by
  ``effort`` counts 0 working days there).
* The *effort that fits before the due date* counts, for every action that is not ``wont``, the
  working days of the earliest schedule from today that fall on or before the due date. When the
  plan is feasible, that is all the planned effort; when it is not, the work that would spill past
  the due date does not count.

Findings (see :class:`~backplan.analysis.findings.Finding`):

* ``moscow-must-share`` (warning): the Must-haves' effort exceeds 60 % of the effort that fits.
* ``moscow-no-contingency`` (warning): no Could-have is left (not done, not ``wont``) to drop
  when time runs short.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"}, "actions": [
    ...     {"id": "a", "duration": 8}, {"id": "b", "duration": 2, "priority": "should"}]})
    >>> summary = moscow_summary(plan, today=dt.date(2027, 1, 4))
    >>> [(s.priority, s.effort_days, s.share) for s in summary.shares]
    [('must', 8, 0.8), ('should', 2, 0.2), ('could', 0, 0.0), ('wont', 0, 0.0)]
    >>> [f.code for f in summary.findings]
    ['moscow-must-share', 'moscow-no-contingency']
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Any

from backplan.analysis.findings import Finding
from backplan.calendars import plan_calendar
from backplan.models import Action, Plan
from backplan.scheduling import Schedule, schedule_plan
from backplan.words import counted

__all__ = ["MUST_SHARE_LIMIT", "MoscowSummary", "PriorityShare", "moscow_summary"]

#: DSDM: Must-haves should not exceed this share of the effort of the timebox.
MUST_SHARE_LIMIT = 0.6

_PRIORITIES = ("must", "should", "could", "wont")


@dataclass(frozen=True, slots=True)
class PriorityShare:
    """Effort of one priority: actions, working days, and the share of the effort that fits.

    ``share`` is ``effort_days`` over the effort that fits before the due date (``wont`` is
    shown with its effort but a share of 0: it is not planned).
    """

    priority: str
    actions: int
    effort_days: int
    share: float

    def to_dict(self) -> dict[str, Any]:
        """The share as JSON-ready data."""
        return {"priority": self.priority, "actions": self.actions,
                "effort_days": self.effort_days, "share": self.share}


@dataclass(frozen=True, slots=True)
class MoscowSummary:
    """Effort per priority against the effort that fits before the due date, with findings."""

    goal: str
    due: dt.date
    today: dt.date
    planned_days: int
    fits_days: int
    shares: tuple[PriorityShare, ...]
    findings: tuple[Finding, ...]

    def share(self, priority: str) -> PriorityShare:
        """The share of one priority (``must``, ``should``, ``could`` or ``wont``)."""
        for share in self.shares:
            if share.priority == priority:
                return share
        raise KeyError(f"no priority {priority!r}; use one of {', '.join(_PRIORITIES)}")

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "goal": self.goal, "due": self.due.isoformat(), "today": self.today.isoformat(),
            "planned_days": self.planned_days, "fits_days": self.fits_days,
            "must_share_limit": MUST_SHARE_LIMIT,
            "shares": [share.to_dict() for share in self.shares],
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        lines = [f"MoSCoW for {self.goal!r}: {counted(self.planned_days, 'working day')} of "
                 f"effort planned, {self.fits_days} fit before {self.due.isoformat()}"]
        lines.extend(f"  {s.priority:<6} {s.actions:>3} {'action ' if s.actions == 1 else 'actions'}"
                     f" {s.effort_days:>5} {'day ' if s.effort_days == 1 else 'days'} "
                     f"{s.share:>6.0%}" for s in self.shares)
        lines.extend(f"  {finding}" for finding in self.findings)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<MoscowSummary {self.goal!r} must={self.share('must').share:.0%}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{s.priority}</td><td>{s.actions}</td><td>{s.effort_days}</td>"
            f"<td>{s.share:.0%}</td></tr>" for s in self.shares
        )
        notes = "".join(f"<li>{html.escape(str(f))}</li>" for f in self.findings)
        return ("<div><table><thead><tr><th>priority</th><th>actions</th><th>effort (days)</th>"
                f"<th>share</th></tr></thead><tbody>{rows}</tbody></table>"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def _unscheduled_days(action: Action) -> int:
    """Working days of a ``wont`` action: its duration, else its likely estimate, else 0."""
    if action.duration is not None:
        return action.duration
    return action.estimate.likely if action.estimate is not None else 0


def moscow_summary(
    plan: Plan, *, today: dt.date, schedule: Schedule | None = None,
    ignore_capacity: bool = False,
) -> MoscowSummary:
    """Effort per MoSCoW priority and the DSDM findings (Musts over 60 %, no contingency).

    Args:
        plan: the plan.
        today: the day planning starts from.
        schedule: the plan's schedule from ``today``, when already computed.
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`MoscowSummary`.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan("examples/fcr.yaml")
        >>> summary = moscow_summary(plan, today=dt.date(2026, 11, 23))
        >>> round(summary.share("must").share, 2), summary.share("could").effort_days
        (0.83, 10)
    """
    if schedule is None:
        schedule = schedule_plan(plan, today=today, ignore_capacity=ignore_capacity)
    calendar = plan_calendar(plan, today=today)
    due = calendar.number_on_or_before(plan.goal.due)
    fitting = {
        a.id: max(0, min(calendar.number(a.earliest_finish), due)
                  - calendar.number(a.earliest_start) + 1)
        for a in schedule.actions
    }
    days = {a.id: a.duration_days for a in schedule.actions}
    days.update({a.id: _unscheduled_days(a) for a in plan.actions if a.id not in days})
    planned = sum(days[a.id] for a in plan.actions if a.priority != "wont")
    fits = sum(fitting.values())
    shares = []
    for priority in _PRIORITIES:
        members = [a for a in plan.actions if a.priority == priority]
        effort = sum(days[a.id] for a in members)
        share = 0.0 if priority == "wont" or not fits else effort / fits
        shares.append(PriorityShare(priority, len(members), effort, round(share, 4)))
    findings = []
    must = shares[0]
    if must.effort_days > MUST_SHARE_LIMIT * fits:
        findings.append(Finding(
            "moscow-must-share", "warning", plan.goal.id, "",
            f"Must-haves take {must.effort_days} of the {counted(fits, 'working day')} of "
            f"effort that fit before the due date ({must.share:.0%}); DSDM advises at most "
            f"{MUST_SHARE_LIMIT:.0%}",
            "make some must-haves should- or could-haves, add time, or move the due date",
        ))
    contingency = [a for a in plan.actions if a.priority == "could" and a.status != "done"]
    if not contingency:
        findings.append(Finding(
            "moscow-no-contingency", "warning", plan.goal.id, "",
            "no could-have is left to drop when time runs short (DSDM keeps about 20 % of the "
            "effort as could-haves for contingency)",
            "mark the actions the goal can live without as priority: could",
        ))
    return MoscowSummary(
        goal=plan.goal.id, due=plan.goal.due, today=today, planned_days=planned, fits_days=fits,
        shares=tuple(shares), findings=tuple(findings),
    )
