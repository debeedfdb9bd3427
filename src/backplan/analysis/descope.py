"""Descoping: when a plan cannot be met, the smallest sets of could-haves to drop, and alternatives.

A proposal drops a set of actions (their priority becomes ``wont``, so dependencies through them
are kept with the lags added up, as the scheduler does for every ``wont`` action). Rules:

* a ``must`` is never dropped, nor a done action; could-haves are tried first, and should-haves
  (with could-haves) only when no set of could-haves alone works;
* every proposal is *minimal*: dropping any proper subset of it leaves the plan infeasible;
* every proposal is checked with the real scheduler (:func:`backplan.schedule_plan`).

The search branches on the chains the scheduler's flags name: a set that makes the plan
feasible must shorten every late chain, so it must contain an action of each (an action with
slack to spare lies on no late chain and can never help). From the plan, the search takes a
late chain with the fewest droppable actions, tries dropping each, reschedules, and goes on
from the chains still late, one action more per level, until ``max_drop`` actions. This finds
every minimal set of up to ``max_drop`` actions (each such set contains an action of every
chain met on the way), while rescheduling only a few of the possible sets.

Alongside the drops, two other ways out: moving the due date (the goal's to the earliest
completion, and any milestone due or ``not_after`` that the earliest schedule passes), and, where
people are modelled, adding capacity: for each person assigned to an action sized by ``effort``
on a late chain, the fewest extra project hours per day (in half hours) that make the plan
feasible, as effort-sized actions then take fewer working days.

Proposals are ranked: could-only drops before drops with should-haves, drops that keep every
key-result target reachable before those that do not, fewer actions first, then the smaller
key-result effect lost, the fewer working days of work dropped, and plan order; then the
due-date move, then added capacity (fewest hours first). The same plan and ``today`` give the
same proposals, in the same order.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-15}
    ... actions:
    ...   - {id: survey, duration: 5}
    ...   - {id: tips, duration: 3, after: [survey], priority: could}
    ...   - {id: poster, duration: 2, after: [survey], priority: could}
    ...   - {id: coach, duration: 4, after: [tips, poster]}
    ... ''')
    >>> result = descope_proposals(plan, today=dt.date(2027, 1, 4))
    >>> result.feasible, result.shortfall_days
    (False, 2)
    >>> [(p.kind, p.drop, p.days_gained) for p in result.proposals]
    [('drop', ('tips', 'poster'), 3), ('move-due', (), 2)]
    >>> print(result.proposals[1].description)
    move the goal's due date to 2027-01-19 (2 working days later)

Dropping ``tips`` alone is not enough (``poster`` still makes ``coach`` late), so the one minimal
set drops both.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

from backplan.analysis._effects import KeyResultEffect, key_result_effects, reachable_all
from backplan.analysis._text import iso
from backplan.calendars import plan_calendar
from backplan.errors import BackplanError
from backplan.graph import validate_plan
from backplan.models import Action, Plan
from backplan.models.changes import apply_changes
from backplan.models.scenario import ScenarioChange
from backplan.scheduling import Schedule, make_scheduler
from backplan.scheduling.fixes import fewest_added_hours, moved_deadlines
from backplan.words import working_days

__all__ = ["DescopeProposal", "Descoping", "descope_proposals", "drop_actions"]

ProposalKind = Literal["drop", "move-due", "add-capacity"]

#: Flags whose chain is a chain of precedences that is too long (dropping shortens only these).
_CHAIN_FLAGS = frozenset({"late-start", "constraint-conflict", "milestone-late"})


@dataclass(frozen=True, slots=True)
class DescopeProposal:
    """One way to make the plan feasible, checked with the scheduler.

    Attributes:
        rank: 1 for the proposal to consider first.
        kind: ``drop`` (drop the actions in ``drop``) or ``move-due`` (move dates, ``changes``).
        description: the proposal in one line.
        drop: ids of the actions to drop (priority ``wont``), in plan order.
        priorities: the priority of each dropped action, in the same order.
        feasible: whether the plan is feasible once the proposal is applied.
        days_gained: working days the minimum slack improves by (the shortfall closed, or more).
        earliest_completion: the earliest completion once applied.
        min_slack: the minimum slack once applied (None when no action is left).
        effects: per key result with planned effects: what is lost and whether the target is
            still reachable.
        target_reachable: whether every key-result target is still reachable from the planned
            effects (None when no action states an ``impact``).
        changes: for ``move-due``, each date moved, as ``"id.field: old -> new"``; for
            ``add-capacity``, the person's hours, as ``"id.hours_per_day: old -> new"``.
        due: for ``move-due``, the goal's new due date.
        person: for ``add-capacity``, the person who gets more project hours.
        add_hours: for ``add-capacity``, how many more hours per working day.
    """

    rank: int
    kind: ProposalKind
    description: str
    drop: tuple[str, ...]
    priorities: tuple[str, ...]
    feasible: bool
    days_gained: int
    earliest_completion: dt.date | None
    min_slack: int | None
    effects: tuple[KeyResultEffect, ...]
    target_reachable: bool | None
    changes: tuple[str, ...] = ()
    due: dt.date | None = None
    person: str | None = None
    add_hours: float | None = None

    def effect_lost(self, key_result: str) -> float:
        """The planned effect on ``key_result`` that this proposal gives up (0 when none)."""
        return next((e.lost for e in self.effects if e.key_result == key_result), 0.0)

    def to_dict(self) -> dict[str, Any]:
        """The proposal as JSON-ready data."""
        return {
            "rank": self.rank, "kind": self.kind, "description": self.description,
            "drop": list(self.drop), "priorities": list(self.priorities),
            "feasible": self.feasible, "days_gained": self.days_gained,
            "earliest_completion": iso(self.earliest_completion), "min_slack": self.min_slack,
            "effects": [effect.to_dict() for effect in self.effects],
            "target_reachable": self.target_reachable,
            "changes": list(self.changes), "due": iso(self.due),
            "person": self.person, "add_hours": self.add_hours,
        }

    def __str__(self) -> str:
        return f"{self.rank}. {self.description}"


@dataclass(frozen=True, slots=True)
class Descoping:
    """The result of :func:`descope_proposals`: the plan's state and the ranked proposals.

    Attributes:
        goal: the goal's id.
        due: the goal's due date.
        today: the day planning starts from.
        feasible: whether the plan is feasible as written (then there is nothing to propose).
        shortfall_days: working days the plan is short (0 when feasible).
        earliest_completion: the plan's earliest completion as written.
        proposals: ranked proposals, best first.
        candidates: ids of the could- and should-haves on late chains, in plan order.
        complete: False when the search stopped at ``max_evaluations`` before trying every set
            of up to ``max_drop`` actions (the proposals found are still checked and minimal).
        evaluations: how many times the plan was rescheduled.
    """

    goal: str
    due: dt.date
    today: dt.date
    feasible: bool
    shortfall_days: int
    earliest_completion: dt.date | None
    proposals: tuple[DescopeProposal, ...]
    candidates: tuple[str, ...]
    complete: bool
    evaluations: int

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "due": iso(self.due), "today": iso(self.today),
            "feasible": self.feasible, "shortfall_days": self.shortfall_days,
            "earliest_completion": iso(self.earliest_completion),
            "proposals": [proposal.to_dict() for proposal in self.proposals],
            "candidates": list(self.candidates), "complete": self.complete,
            "evaluations": self.evaluations,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        head = f"Goal {self.goal!r} due {self.due.isoformat()} from {self.today.isoformat()}: "
        if self.feasible:
            return head + "feasible as planned; nothing to descope"
        lines = [head + f"NOT feasible, {working_days(self.shortfall_days)} short "
                        f"(earliest completion {iso(self.earliest_completion) or '-'})"]
        if not any(p.kind == "drop" for p in self.proposals):
            lines.append("  dropping cannot help: no set of could- or should-haves (up to the "
                         "limit) makes the plan feasible")
        for proposal in self.proposals:
            state = "" if proposal.feasible else " [still NOT feasible]"
            lines.append(f"  {proposal.rank}. {proposal.description}{state}")
        if not self.complete:
            lines.append(f"  (search stopped after {self.evaluations} reschedules; "
                         "larger sets were not all tried)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Descoping {self.goal!r} feasible={self.feasible} "
                f"proposals={len(self.proposals)}>")

    def _repr_html_(self) -> str:
        esc = html.escape
        if self.feasible:
            return f"<p>Goal <b>{esc(self.goal)}</b> is feasible as planned.</p>"
        rows = "".join(
            f"<tr><td>{p.rank}</td><td>{esc(p.description)}</td>"
            f"<td>{'yes' if p.feasible else 'no'}</td><td>{p.days_gained}</td>"
            f"<td>{_reach(p.target_reachable)}</td></tr>"
            for p in self.proposals
        )
        return (
            f"<div><p>Goal <b>{esc(self.goal)}</b> due {self.due}: "
            f"{working_days(self.shortfall_days)} short.</p><table><thead><tr><th>#</th>"
            "<th>proposal</th><th>feasible</th><th>days gained</th><th>target reachable</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )


def _reach(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def drop_actions(plan: Plan, action_ids: Iterable[str]) -> Plan:
    """A copy of ``plan`` with these actions' priority set to ``wont`` (the plan is unchanged).

    Raises:
        KeyError: an id is not an action of the plan.

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
        ...     "actions": [{"id": "a", "duration": 2, "priority": "could"}]})
        >>> drop_actions(plan, ["a"]).actions[0].priority, plan.actions[0].priority
        ('wont', 'could')
    """
    wanted = set(action_ids)
    unknown = wanted - {a.id for a in plan.actions}
    if unknown:
        raise KeyError(f"no action {sorted(unknown)[0]!r} in the plan")
    actions = tuple(
        a.model_copy(update={"priority": "wont"}) if a.id in wanted else a for a in plan.actions
    )
    return plan.model_copy(update={"actions": actions})


class _Oracle:
    """Schedules with some actions dropped, each set once, the way ``schedule`` schedules."""

    def __init__(self, plan: Plan, schedule: Callable[[Plan], Schedule]) -> None:
        self.plan, self.schedule = plan, schedule
        self.cache: dict[frozenset[str], Schedule] = {}

    def __call__(self, dropped: frozenset[str]) -> Schedule:
        schedule = self.cache.get(dropped)
        if schedule is None:
            schedule = self.schedule(drop_actions(self.plan, dropped))
            self.cache[dropped] = schedule
        return schedule

    def with_changes(self, changes: Sequence[ScenarioChange]) -> Schedule | None:
        """The plan scheduled with ``changes`` (None: they do not apply)."""
        try:
            return self.schedule(apply_changes(self.plan, changes))
        except BackplanError:
            return None

    @property
    def evaluations(self) -> int:
        return len(self.cache)


def _late_chains(schedule: Schedule, allowed: frozenset[str]) -> list[frozenset[str]]:
    """For each error, the droppable actions whose dropping could shorten what makes it late."""
    chains = []
    for flag in schedule.errors:
        if flag.code in _CHAIN_FLAGS and flag.chain:
            chains.append(frozenset(flag.chain) & allowed)
        else:  # not a precedence chain (e.g. capacity): any droppable action may help
            chains.append(allowed)
    if not chains and not schedule.feasible:
        chains.append(allowed)
    return chains


def descope_proposals(
    plan: Plan,
    *,
    today: dt.date,
    max_drop: int = 4,
    max_proposals: int = 5,
    max_evaluations: int = 2000,
    ignore_capacity: bool = False,
) -> Descoping:
    """Ranked ways to make an infeasible plan feasible: minimal sets of could-haves (then
    should-haves) to drop, and moving the due date.

    Args:
        plan: the plan (unchanged; proposals are applied to copies).
        today: the day planning starts from.
        max_drop: the most actions one proposal drops.
        max_proposals: the most drop proposals returned (the due-date move comes on top).
        max_evaluations: the most reschedules the search may spend.
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it; otherwise people's hours count).

    Returns:
        A frozen :class:`Descoping`; no proposals when the plan is feasible.

    Raises:
        PlanValidationError: the plan's references are broken.
        ValueError: ``max_drop``, ``max_proposals`` or ``max_evaluations`` is below 1.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-08"}, "actions": [
        ...     {"id": "must-do", "duration": 3},
        ...     {"id": "nice", "duration": 3, "after": ["must-do"], "priority": "could"}]})
        >>> result = descope_proposals(plan, today=dt.date(2027, 1, 4))
        >>> print(result.proposals[0].description)
        drop nice (could, 3 working days): gains 3 working days
    """
    for name, value in (("max_drop", max_drop), ("max_proposals", max_proposals),
                        ("max_evaluations", max_evaluations)):
        if value < 1:
            raise ValueError(f"{name} must be at least 1, got {value}")
    validate_plan(plan)
    oracle = _Oracle(plan, make_scheduler(today=today, ignore_capacity=ignore_capacity))
    original = oracle(frozenset())
    shortfall = max(0, -(original.min_slack or 0)) if not original.feasible else 0
    base = Descoping(
        goal=plan.goal.id, due=plan.goal.due, today=today, feasible=original.feasible,
        shortfall_days=shortfall, earliest_completion=original.earliest_completion,
        proposals=(), candidates=(), complete=True, evaluations=1,
    )
    if original.feasible:
        return base

    order = {a.id: k for k, a in enumerate(plan.actions)}
    late = {a.id for a in original.actions if a.slack < 0}
    open_ = [a for a in plan.actions if a.status != "done"]  # done work cannot be dropped
    could = frozenset(a.id for a in open_ if a.priority == "could")
    should = frozenset(a.id for a in open_ if a.priority == "should")
    candidates = tuple(a.id for a in plan.actions if a.id in late and a.id in could | should)

    budget = _Budget(max_evaluations - 1)
    found = _search(oracle, could, order, max_drop, budget)
    if not found:
        found = _search(oracle, could | should, order, max_drop, budget)

    by_id = {a.id: a for a in plan.actions}
    drops = [_drop_proposal(plan, by_id, order, original, oracle(s), s) for s in found]
    drops.sort(key=lambda item: item[0])
    proposals: list[DescopeProposal] = []
    for _, proposal, dropped in drops:
        if len(proposals) == max_proposals:
            break
        if oracle(dropped).feasible and _minimal(oracle, dropped):
            proposals.append(proposal)
    proposals.append(_move_due_proposal(plan, original, oracle))
    proposals += _capacity_proposals(plan, original, oracle)
    ranked = tuple(_with_rank(p, k) for k, p in enumerate(proposals, start=1))
    return Descoping(
        goal=base.goal, due=base.due, today=today, feasible=False, shortfall_days=shortfall,
        earliest_completion=original.earliest_completion, proposals=ranked,
        candidates=candidates, complete=not budget.exhausted, evaluations=oracle.evaluations,
    )


class _Budget:
    def __init__(self, left: int) -> None:
        self.left, self.exhausted = left, False

    def take(self) -> bool:
        if self.left <= 0:
            self.exhausted = True
            return False
        self.left -= 1
        return True


def _search(
    oracle: _Oracle, allowed: frozenset[str], order: dict[str, int], max_drop: int,
    budget: _Budget,
) -> list[frozenset[str]]:
    """Every minimal set of ``allowed`` actions, up to ``max_drop``, that makes the plan feasible.

    Breadth first by size; from each infeasible set, branch on one late chain (the one with
    fewest droppable actions left): any feasible superset must drop one of them.
    """
    def key(ids: frozenset[str]) -> list[int]:
        return sorted(order[i] for i in ids)

    found: list[frozenset[str]] = []
    level: list[frozenset[str]] = [frozenset()]
    seen: set[frozenset[str]] = {frozenset()}
    for _ in range(max_drop):
        following: list[frozenset[str]] = []
        for dropped in level:
            chains = _late_chains(oracle(dropped), allowed - dropped)
            if not chains or any(not chain for chain in chains):
                continue  # a late chain that nothing droppable shortens: no superset works
            chain = min(chains, key=lambda c: (len(c), key(c)))
            for action_id in sorted(chain, key=order.__getitem__):
                bigger = dropped | {action_id}
                if bigger in seen or any(f <= bigger for f in found):
                    continue
                seen.add(bigger)
                if bigger not in oracle.cache and not budget.take():
                    return found
                if oracle(bigger).feasible:
                    found.append(bigger)
                else:
                    following.append(bigger)
        level = sorted(following, key=key)
        if not level:
            break
    return found


def _minimal(oracle: _Oracle, dropped: frozenset[str]) -> bool:
    """No proper subset of ``dropped`` makes the plan feasible (checked by rescheduling)."""
    return not any(
        oracle(frozenset(subset)).feasible
        for size in range(len(dropped))
        for subset in combinations(sorted(dropped), size)
    )


def _drop_proposal(
    plan: Plan, by_id: dict[str, Action], order: dict[str, int], original: Schedule,
    schedule: Schedule, dropped: frozenset[str],
) -> tuple[tuple[Any, ...], DescopeProposal, frozenset[str]]:
    ids = tuple(sorted(dropped, key=order.__getitem__))
    priorities = tuple(by_id[i].priority for i in ids)
    effects = key_result_effects(plan, dropped=dropped)
    reachable = reachable_all(effects)
    gained = _gained(original, schedule)
    days = {a.id: a.duration_days for a in original.actions}
    work = sum(days[i] for i in ids)
    parts = ", ".join(f"{i} ({p}, {working_days(days[i])})" for i, p in zip(ids, priorities,
                                                                      strict=True))
    text = f"drop {parts}: gains {working_days(gained)}"
    lost = [e for e in effects if e.lost]
    if lost:
        text += "; effect lost: " + ", ".join(f"{e.key_result} {e.lost:+g}" for e in lost)
    if reachable is not None:
        text += "; target still reachable" if reachable else "; target no longer reachable"
    proposal = DescopeProposal(
        rank=0, kind="drop", description=text, drop=ids, priorities=priorities,
        feasible=schedule.feasible, days_gained=gained,
        earliest_completion=schedule.earliest_completion, min_slack=schedule.min_slack,
        effects=effects, target_reachable=reachable,
    )
    lost_share = sum(abs(e.lost / e.needed) for e in effects if e.needed)
    rank_key = (
        "should" in priorities, reachable is False, len(ids), priorities.count("should"),
        lost_share, work, [order[i] for i in ids],
    )
    return rank_key, proposal, dropped


def _gained(original: Schedule, schedule: Schedule) -> int:
    before = original.min_slack or 0
    if schedule.min_slack is None:  # nothing left to schedule
        return -before
    return schedule.min_slack - before


def _move_due_proposal(plan: Plan, original: Schedule, oracle: _Oracle) -> DescopeProposal:
    """Move every deadline the earliest schedule passes (the goal's due date to the earliest
    completion, milestones' dues, ``not_after``), as the ``move-due`` fix does."""
    moves = moved_deadlines(plan, original, oracle.with_changes)
    schedule = oracle.with_changes(moves) or original
    calendar = plan_calendar(plan, today=original.today)
    milestones = {m.id: m for m in plan.milestones}
    actions = {a.id: a for a in plan.actions}
    due = next((c.due for c in moves if c.kind == "due" and c.milestone is None), plan.goal.due)
    assert due is not None
    changes: list[str] = []
    for change in moves:
        if change.kind == "due" and change.milestone is None:
            changes.append(f"{plan.goal.id}.due: {plan.goal.due.isoformat()} -> {iso(due)}")
        elif change.kind == "due":
            assert change.milestone is not None
            old = milestones[change.milestone].due
            changes.append(f"{change.milestone}.due: {iso(old)} -> {iso(change.due)}")
        else:
            assert change.action is not None
            changes.append(f"{change.action}.not_after: {iso(actions[change.action].not_after)}"
                           f" -> {iso(change.not_after)}")
    later = calendar.count(calendar.on_or_before(plan.goal.due), calendar.on_or_before(due))
    if due != plan.goal.due:
        text = f"move the goal's due date to {due.isoformat()} ({working_days(later)} later)"
    else:
        text = "keep the goal's due date"
    others = [c for c in changes if not c.startswith(f"{plan.goal.id}.due:")]
    if others:
        text += "; also move " + ", ".join(others)
    effects = key_result_effects(plan)
    return DescopeProposal(
        rank=0, kind="move-due", description=text, drop=(), priorities=(),
        feasible=schedule.feasible, days_gained=_gained(original, schedule),
        earliest_completion=schedule.earliest_completion, min_slack=schedule.min_slack,
        effects=effects, target_reachable=reachable_all(effects), changes=tuple(changes), due=due,
    )


def _with_rank(proposal: DescopeProposal, rank: int) -> DescopeProposal:
    from dataclasses import replace

    return replace(proposal, rank=rank)


def _capacity_proposals(plan: Plan, original: Schedule, oracle: _Oracle) -> list[DescopeProposal]:
    """For each person on an effort-sized action of a late chain: the fewest hours that fix it
    (as the ``add-hours`` fix finds them)."""
    late = {i for flag in original.errors for i in (*flag.chain, *flag.affected)}
    names: list[str] = []
    for action in plan.actions:
        if action.id in late and action.effort is not None:
            names += [a.person for a in action.assignees if a.person not in names]
    people = {p.id: p for p in plan.people}
    proposals = []
    for person_id in sorted(names, key=[p.id for p in plan.people].index):
        more = fewest_added_hours(plan, person_id, oracle.with_changes)
        schedule = oracle.with_changes(more) if more else None
        if schedule is None or not schedule.feasible:
            continue
        person = people[person_id]
        extra = more[0].add_hours or 0.0
        new = person.hours_per_day + extra
        effects = key_result_effects(plan)
        proposals.append(DescopeProposal(
            rank=0, kind="add-capacity",
            description=f"give {person_id} {extra:g} more project hours a day "
                        f"({person.hours_per_day:g} -> {new:g}): gains "
                        f"{working_days(_gained(original, schedule))}",
            drop=(), priorities=(), feasible=schedule.feasible,
            days_gained=_gained(original, schedule),
            earliest_completion=schedule.earliest_completion, min_slack=schedule.min_slack,
            effects=effects, target_reachable=reachable_all(effects),
            changes=(f"{person_id}.hours_per_day: {person.hours_per_day:g} -> {new:g}",),
            person=person_id, add_hours=extra,
        ))
    proposals.sort(key=lambda p: (p.add_hours or 0.0, p.person or ""))
    return proposals
