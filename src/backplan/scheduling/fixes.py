"""Fixes that are changes a user can apply, each measured by applying it.

The flags of a schedule name what would fix them (shorten a chain, move the deadlines, move a
``not_before``, give someone more hours, descope, drop a dependency). :func:`verify_fixes` turns
each into the :class:`~backplan.ScenarioChange` list that does it, applies the changes to a copy
of the plan, schedules that copy the same way (capacity-aware or not, through ``reschedule``) and
keeps what it measured: ``feasible_after``, ``min_slack_after`` and the working days the fix
buys (``days``: the change in minimum slack). The words say what was measured. A fix that does
not help (no more slack, no fewer late actions, its flag not cleared) is not offered; a warning's
fix must clear its warning.

How each fix kind becomes changes (one copy of each rule, used by every flag):

* ``move-due``: every deadline the earliest schedule passes moves to the date it is reached
  (the goal's due date to the earliest completion, each milestone's due, each ``not_after``),
  so that no other deadline still binds; when people's hours make the earliest dates move with
  the deadlines, this is repeated from the new schedule (a few rounds at most);
* ``shorten-chain``: the chain's longest actions lose a working day at a time (down to one
  day) until the shortfall is covered: a ``duration`` change, or for an action sized by effort
  an ``effort_hours`` change in proportion;
* ``move-not-before``: the action's ``not_before`` change;
* ``add-hours``: the fewest extra project hours a day (in half hours) that make the plan
  feasible, or, when none does, that give the most slack;
* ``descope``: ``drop`` the could- and should-haves the flag names;
* ``remove-dependency``: ``remove_after``;
* ``add-agents`` (the queue's warnings, :mod:`backplan.scheduling.queue`): the ``add_agents``
  changes the flag itself gives, on the days it names; a fix that carries its changes is
  measured as it is.

Fixes are ranked: those that make the plan feasible first, then fewer changes, then the least
moved (working days, hours or actions), then the most slack after.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-08}
    ... milestones: [{id: m, due: 2027-01-06}]
    ... actions:
    ...   - {id: a, duration: 4, milestone: m}
    ...   - {id: b, duration: 3, after: [a]}
    ... ''')
    >>> schedule = schedule_plan(plan, today=dt.date(2027, 1, 4))
    >>> for fix in schedule.fixes:
    ...     print(fix.kind, [c.to_dict() for c in fix.changes], fix.feasible_after, fix.days)
    shorten-chain [{'action': 'a', 'duration': 2}] True 2
    move-due [{'due': '2027-01-12'}, {'due': '2027-01-07', 'milestone': 'm'}] True 2
    shorten-chain [{'action': 'a', 'duration': 3}] False 1

Shortening ``a`` to two days makes the plan feasible with one change; moving the deadlines
takes two; the milestone's own flag offers shortening ``a`` by the day it is late, which is not
enough for ``b``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import BackplanError
from backplan.models import Plan
from backplan.models.changes import apply_changes
from backplan.models.scenario import ScenarioChange
from backplan.scheduling.result import Fix, Flag, Schedule, rank_fixes
from backplan.words import working_days

__all__ = [
    "HOURS_STEP", "Measure", "cleared", "deadline_changes", "describe_changes",
    "fewest_added_hours", "hour_steps", "measuring_budget", "moved_deadlines", "shorten_changes",
    "verify_fixes",
]

#: Extra project hours a day are tried in steps of this many hours.
HOURS_STEP = 0.5
#: What fix measuring may spend (see :func:`measuring_budget`): schedules by precedence alone
#: cost in proportion to the nodes, levelled ones about their square root; at least 12.
_LEVELLED_WORK = 900
_PRECEDENCE_WORK = 2_000_000
_MIN_SCHEDULES = 12
#: Rounds of moving the deadlines to the earliest dates (people's hours can move those dates).
_DEADLINE_ROUNDS = 4


def verify_fixes(
    plan: Plan, schedule: Schedule, *, reschedule: Callable[[Plan], Schedule]
) -> Schedule:
    """``schedule`` with each flag's fixes as changes, measured by ``reschedule`` (the way the
    schedule itself was made), worded by what was measured, unhelpful ones left out, ranked."""
    if not any(flag.fixes for flag in schedule.flags):
        return schedule
    verifier = _Verifier(plan, schedule, reschedule)
    if any(f.kind in ("move-due", "move-not-after") for flag in schedule.flags
           for f in flag.fixes):
        verifier.deadlines()  # shared by every flag: measured first
    flags = tuple(verifier.verified(flag) for flag in schedule.flags)
    return dataclasses.replace(schedule, flags=flags, unmeasured_fixes=verifier.unmeasured)


def measuring_budget(schedule: Schedule) -> int:
    """How many schedules :func:`verify_fixes` may make to measure fixes: many for a small plan,
    fewer as a plan grows (a levelled schedule of 5,000 actions takes about half a second), so
    that a large plan with many flags is still answered in seconds. Flags are served in their
    order (errors, the worst first), the deadline move shared by all of them before any."""
    nodes = max(1, len(schedule.actions) + len(schedule.milestones))
    if schedule.capacity == "levelled":  # its cost grows more slowly than the plan
        return max(_MIN_SCHEDULES, int(_LEVELLED_WORK / math.sqrt(nodes)))
    return max(_MIN_SCHEDULES, _PRECEDENCE_WORK // nodes)


def deadline_changes(plan: Plan, schedule: Schedule) -> list[ScenarioChange]:
    """Every deadline that ``schedule``'s earliest dates pass, moved to the date it is reached:
    the goal's due date (to the earliest completion, or a milestone reached later), each
    milestone's ``due`` and each open action's ``not_after``."""
    changes: list[ScenarioChange] = []
    reach = [d for d in (schedule.earliest_completion,
                         *(m.earliest_date for m in schedule.milestones)) if d is not None]
    due = max([plan.goal.due, *reach])
    if due != plan.goal.due:
        changes.append(ScenarioChange(due=due))
    reached = {m.id: m.earliest_date for m in schedule.milestones}
    for milestone in plan.milestones:
        day = reached.get(milestone.id)
        if milestone.due is not None and day is not None and day > milestone.due:
            changes.append(ScenarioChange(due=day, milestone=milestone.id))
    finishes = {a.id: a.earliest_finish for a in schedule.actions}
    for action in plan.actions:
        finish = finishes.get(action.id)
        if (action.not_after is not None and finish is not None and finish > action.not_after
                and action.status != "done"):
            changes.append(ScenarioChange(action=action.id, not_after=finish))
    return changes


def shorten_changes(
    plan: Plan, schedule: Schedule, chain: Sequence[str], days: int
) -> tuple[list[ScenarioChange], int]:
    """Changes that shorten ``chain`` by ``days`` working days in all, or by as many as it can
    give: its actions a day at a time from the longest (each down to one day), then the lags
    between them.

    An action sized by effort keeps its sizing: its effort shrinks in proportion, rounded up to
    a quarter hour. Actions started or done are left as they are. Returns the changes and the
    working days they take off.
    """
    by_id = {a.id: a for a in plan.actions}
    open_ids = [a for a in dict.fromkeys(chain)
                if a in by_id and by_id[a].status == "not_started"]
    wanted = set(open_ids)
    found = {a.id: a.duration_days for a in schedule.actions if a.id in wanted}  # one pass
    lengths = {a: found[a] for a in open_ids}
    old = dict(lengths)
    position = {a: k for k, a in enumerate(open_ids)}
    left = days
    while left > 0:
        longest = max(lengths, key=lambda a: (lengths[a], -position[a]), default=None)
        if longest is None or lengths[longest] <= 1:
            break
        lengths[longest] -= 1
        left -= 1
    changes = []
    for action_id in open_ids:
        if lengths[action_id] == old[action_id]:
            continue
        action = by_id[action_id]
        if action.duration is None and action.effort is not None:
            hours = action.effort.seconds / 3600 * lengths[action_id] / old[action_id]
            changes.append(ScenarioChange(action=action_id,
                                          effort_hours=math.ceil(hours * 4) / 4))
        else:
            changes.append(ScenarioChange(action=action_id, duration=lengths[action_id]))
    for before, after in pairwise(chain):
        waiting = by_id.get(after)
        if left <= 0 or waiting is None or waiting.status != "not_started":
            continue
        if before in waiting.after and waiting.lag:
            cut = min(left, waiting.lag)
            changes.append(ScenarioChange(action=after, lag=waiting.lag - cut))
            left -= cut
    return changes, days - left


Measure = Callable[[Sequence[ScenarioChange]], "Schedule | None"]


def moved_deadlines(plan: Plan, schedule: Schedule, measure: Measure) -> list[ScenarioChange]:
    """:func:`deadline_changes`, repeated from the schedule they give while it is still
    infeasible (people's hours can move the earliest dates with the deadlines): the changes
    that move every deadline that must move. ``measure`` schedules the plan with changes (None:
    they do not apply)."""
    changes = deadline_changes(plan, schedule)
    for _ in range(_DEADLINE_ROUNDS):
        after = measure(changes) if changes else None
        if after is None or after.feasible:
            break
        more = deadline_changes(apply_changes(plan, changes), after)
        if not more:
            break
        changes = _merged(changes, more)
    return changes


def hour_steps(hours_per_day: float) -> int:
    """How many :data:`HOURS_STEP` steps a person of ``hours_per_day`` may gain (up to 24 a
    day)."""
    return int((24 - hours_per_day) / HOURS_STEP + 1e-9)


def fewest_added_hours(plan: Plan, person_id: str, measure: Measure) -> list[ScenarioChange]:
    """The fewest extra project hours a day for ``person_id`` (in steps of :data:`HOURS_STEP`,
    up to 24 a day) that make the plan feasible, or, when no number does, that give as much
    slack as the most; ``[]`` when the person cannot have more hours."""
    person = next((p for p in plan.people if p.id == person_id), None)
    if person is None:
        return []
    steps = hour_steps(person.hours_per_day)
    if steps < 1:
        return []

    def change(k: int) -> list[ScenarioChange]:
        return [ScenarioChange(person=person_id, add_hours=k * HOURS_STEP)]

    most = measure(change(steps))
    if most is None:
        return []

    def good(k: int) -> bool:
        after = measure(change(k))
        if after is None:
            return False
        if most.feasible:
            return after.feasible
        return (after.min_slack or 0) >= (most.min_slack or 0)

    low, high = 0, steps  # not good at low (no hours), good at high
    while high - low > 1:
        middle = (low + high) // 2
        if good(middle):
            high = middle
        else:
            low = middle
    return change(high)


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class _Outcome:
    feasible: bool
    min_slack: int | None
    schedule: Schedule


def _key(changes: Iterable[ScenarioChange]) -> str:
    return json.dumps([c.to_dict() for c in changes], sort_keys=True)


class _Verifier:
    def __init__(
        self, plan: Plan, schedule: Schedule, reschedule: Callable[[Plan], Schedule]
    ) -> None:
        self.plan = plan
        self.schedule = schedule
        self.reschedule = reschedule
        self.calendar: WorkingCalendar = plan_calendar(plan, today=schedule.today)
        self.outcomes: dict[str, _Outcome | None] = {}
        self._deadlines: list[ScenarioChange] | None = None
        self.left = measuring_budget(schedule)
        self.unmeasured = 0

    def measure(self, changes: Sequence[ScenarioChange]) -> _Outcome | None:
        """The schedule of the plan with ``changes`` applied (None: they do not apply)."""
        key = _key(changes)
        if key not in self.outcomes:
            if self.left <= 0:  # over budget: not measured, so not offered
                self.unmeasured += 1
                return None
            self.left -= 1
            try:
                after = self.reschedule(apply_changes(self.plan, changes, name="fix"))
            except BackplanError:
                self.outcomes[key] = None
            else:
                self.outcomes[key] = _Outcome(after.feasible, after.min_slack, after)
        return self.outcomes[key]

    # -- the changes of each kind --------------------------------------------------------------
    def schedule_with(self, changes: Sequence[ScenarioChange]) -> Schedule | None:
        outcome = self.measure(changes)
        return None if outcome is None else outcome.schedule

    def deadlines(self) -> list[ScenarioChange]:
        """Every deadline moved as far as the earliest dates need (the same for every flag)."""
        if self._deadlines is None:
            self._deadlines = moved_deadlines(self.plan, self.schedule, self.schedule_with)
        return self._deadlines

    def add_hours(self, person_id: str) -> list[ScenarioChange]:
        return fewest_added_hours(self.plan, person_id, self.schedule_with)

    def candidates(self, flag: Flag, fix: Fix) -> list[ScenarioChange]:
        if fix.changes:  # a flag that knows its changes (the queue's): measured as they are
            return list(fix.changes)
        kind = fix.kind
        if kind in ("move-due", "move-not-after"):
            return self.deadlines()
        if kind == "shorten-chain":
            return shorten_changes(self.plan, self.schedule, fix.chain, _target(flag, fix))[0]
        if kind == "move-not-before" and fix.date is not None:
            return [ScenarioChange(action=fix.subject, not_before=fix.date)]
        if kind == "add-hours":
            return self.add_hours(fix.subject)
        if kind == "descope" and fix.chain:
            return [ScenarioChange(drop=fix.chain)]
        if kind == "remove-dependency" and fix.chain:
            return [ScenarioChange(action=fix.subject, remove_after=fix.chain[0])]
        return []

    # -- a flag's fixes ------------------------------------------------------------------------
    def verified(self, flag: Flag) -> Flag:
        fixes: dict[str, Fix] = {}
        for fix in flag.fixes:
            changes = self.candidates(flag, fix)
            key = _key(changes)
            if not changes or key in fixes:
                continue
            outcome = self.measure(changes)
            if outcome is None or not self.helps(flag, outcome):
                continue
            fixes[key] = self.worded(fix, changes, outcome, flag)
        return dataclasses.replace(flag, fixes=rank_fixes(fixes.values()))

    def helps(self, flag: Flag, outcome: _Outcome) -> bool:
        """Whether the fix makes the plan feasible, buys slack, or clears its own flag (a
        warning's fix must clear it: that is what its words say)."""
        before = self.schedule
        if flag.severity != "error":
            return cleared(flag, outcome.schedule)
        if outcome.feasible:
            return True
        if before.min_slack is not None and (outcome.min_slack or 0) > before.min_slack:
            return True
        return cleared(flag, outcome.schedule)

    def worded(self, fix: Fix, changes: list[ScenarioChange], outcome: _Outcome,
               flag: Flag) -> Fix:
        before = self.schedule.min_slack
        gained = 0 if before is None or outcome.min_slack is None else (
            outcome.min_slack - before)
        what = describe_changes(self.plan, changes, today=self.schedule.today)
        if fix.kind == "shorten-chain":
            target = _target(flag, fix)
            cut = shorten_changes(self.plan, self.schedule, fix.chain, target)[1]
            limit = " (all it can give)" if cut < target else ""
            what = f"shorten {_chain_text(fix.chain)} by {working_days(cut)}{limit}: {what}"
        if flag.severity != "error":
            effect = "clears this warning" + (f"; buys {working_days(gained)}" if gained > 0 else "")
        elif outcome.feasible:
            effect = f"buys {working_days(gained)}; then feasible" if gained > 0 else "then feasible"
        elif gained > 0:
            effect = (f"buys {working_days(gained)}; still {working_days(-(outcome.min_slack or 0))} short")
        else:
            effect = ("clears this flag; the plan stays "
                      f"{working_days(-(outcome.min_slack or 0))} short through other flags")
        kind = fix.kind
        if kind in ("move-due", "move-not-after"):
            kind = "move-due" if any(c.kind == "due" for c in changes) else "move-not-after"
        date = next((d for c in changes if (d := c.due or c.not_before or c.not_after)), None)
        subject = fix.subject
        if kind == "move-due":
            first = changes[0]
            subject = (first.milestone or self.plan.goal.id) if first.kind == "due" else subject
        return Fix(kind, subject, f"{what} ({effect})", gained, date, fix.chain,
                   changes=tuple(changes), feasible_after=outcome.feasible,
                   min_slack_after=outcome.min_slack, moved=self.moved(changes))

    def moved(self, changes: Sequence[ScenarioChange]) -> float:
        """How far the changes move the plan: working days for dates and durations, hours for
        effort and people's hours, one per dropped action or dependency."""
        by_id = {a.id: a for a in self.plan.actions}
        milestones = {m.id: m for m in self.plan.milestones}
        total = 0.0
        for change in changes:
            kind = change.kind
            if kind == "due":
                old = (self.plan.goal.due if change.milestone is None
                       else milestones[change.milestone].due)
                total += self._between(old, change.due)
            elif kind in ("not_before", "not_after"):
                assert change.action is not None
                old = getattr(by_id[change.action], kind)
                total += self._between(old, change.not_before or change.not_after)
            elif kind == "duration":
                assert change.action is not None
                assert change.duration is not None
                total += abs(self.schedule.action(change.action).duration_days - change.duration)
            elif kind == "effort_hours":
                assert change.action is not None
                assert change.effort_hours is not None
                effort = by_id[change.action].effort
                total += abs((effort.seconds / 3600 if effort else 0) - change.effort_hours)
            elif kind == "add_hours":
                total += change.add_hours or 0
            elif kind == "lag":
                assert change.action is not None
                total += by_id[change.action].lag - (change.lag or 0)
            elif kind == "add_agents":
                total += change.add_agents or 0
            else:
                total += len(change.drop or ()) or 1
        return total

    def _between(self, old: dt.date | None, new: dt.date | None) -> int:
        if old is None or new is None:
            return 0
        first, last = sorted((old, new))
        return self.calendar.count(self.calendar.on_or_after(first),
                                   self.calendar.on_or_before(last))


def _chain_text(chain: Sequence[str]) -> str:
    """A chain in words: every id when short, else its ends and length."""
    if len(chain) <= 4:
        return " -> ".join(chain)
    return f"{chain[0]} -> {chain[1]} -> ... -> {chain[-1]} ({len(chain)} actions)"


def cleared(flag: Flag, after: Schedule) -> bool:
    """Whether ``flag``'s problem is gone from ``after``: none of the actions it makes late is
    late any more (a flag without such actions: no flag of its code on its subject)."""
    if flag.affected:
        late = {a.id for a in after.actions if a.slack < 0}
        return late.isdisjoint(flag.affected)
    return (flag.code, flag.subject) not in {(f.code, f.subject) for f in after.flags}


def _target(flag: Flag, fix: Fix) -> int:
    """The working days a fix of ``flag`` should buy: its shortfall."""
    return max(flag.shortfall_days or 0, fix.days)


def _merged(first: list[ScenarioChange], more: list[ScenarioChange]) -> list[ScenarioChange]:
    """``first`` with ``more``: a later date for a deadline already moved, new ones added."""
    out = {(c.kind, c.milestone, c.action): c for c in first}
    for change in more:
        out[(change.kind, change.milestone, change.action)] = change
    return list(out.values())


def describe_changes(
    plan: Plan, changes: Sequence[ScenarioChange], *, today: dt.date
) -> str:
    """The changes in words, with the values they replace and a note on dates already past.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
        ...     "actions": [{"id": "a", "duration": 5, "not_before": "2027-01-20"}]})
        >>> print(describe_changes(plan, [ScenarioChange(due="2027-02-05"),
        ...     ScenarioChange(action="a", not_before="2027-01-04")], today=dt.date(2027, 1, 11)))
        move the goal's due date to 2027-02-05 (was 2027-01-29); move a.not_before to
        2027-01-04 (was 2027-01-20; already past: it no longer holds a back)
    """
    by_id = {a.id: a for a in plan.actions}
    milestones = {m.id: m for m in plan.milestones}
    people = {p.id: p for p in plan.people}
    parts = []
    for change in changes:
        kind = change.kind
        if kind == "due":
            assert change.due is not None
            if change.milestone is None:
                text = (f"move the goal's due date to {change.due.isoformat()} "
                        f"(was {plan.goal.due.isoformat()}")
            else:
                old = milestones[change.milestone].due
                text = (f"move milestone {change.milestone}'s due to {change.due.isoformat()} "
                        f"(was {old.isoformat() if old else 'none'}")
            text += "; already past)" if change.due < today else ")"
        elif kind in ("not_before", "not_after"):
            day = change.not_before or change.not_after
            assert day is not None
            assert change.action is not None
            old = getattr(by_id[change.action], kind)
            text = (f"move {change.action}.{kind} to {day.isoformat()} "
                    f"(was {old.isoformat() if old else 'none'}")
            when = "already past" if day < today else "today" if day == today else ""
            if when and kind == "not_before":
                text += f"; {when}: it no longer holds {change.action} back)"
            else:
                text += f"; {when})" if day < today else ")"
        elif kind == "duration":
            assert change.action is not None
            assert change.duration is not None
            old_days = by_id[change.action].duration
            was = f" (was {old_days})" if old_days is not None else ""
            text = f"{change.action} takes {working_days(change.duration)}{was}"
        elif kind == "lag":
            assert change.action is not None
            text = (f"{change.action} waits {working_days(change.lag or 0)} after its predecessors "
                    f"(was {by_id[change.action].lag})")
        elif kind == "effort_hours":
            assert change.action is not None
            assert change.effort_hours is not None
            effort = by_id[change.action].effort
            was = f" (was {effort.seconds / 3600:g} h)" if effort is not None else ""
            text = f"cut {change.action}'s effort to {change.effort_hours:g} h{was}"
        elif kind == "add_hours":
            assert change.person is not None
            assert change.add_hours is not None
            base = people[change.person].hours_per_day
            hours = "hour" if change.add_hours == 1 else "hours"
            text = (f"give {change.person} {change.add_hours:g} more project {hours} a day "
                    f"({base:g} -> {base + change.add_hours:g})")
            if plan.queue is not None and change.person in plan.queue.people:
                text = (f"let {change.person} take up to {base + change.add_hours:g} project "
                        f"hours a day of what the queue spares (was {base:g})")
        elif kind == "drop":
            text = "descope " + ", ".join(change.drop or ()) + " (priority wont)"
        elif kind == "add_agents":
            text = "roster " + str(change).replace(" rostered", "", 1)
        else:
            text = str(change)
        parts.append(text)
    return "; ".join(parts)
