"""Flags for timelines that cannot be met: grouped by cause, each with shortfall, chain and fixes.

Every action with negative slack is late because of one *origin*: the action at the head of the
chain of driving predecessors, whose earliest start comes from today (``late-start``) or from its
own ``not_before`` (``constraint-conflict``). One flag per origin lists every action it makes late,
so a late chain reads as one problem, not twenty.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, pairwise

from backplan.calendars import WorkingCalendar
from backplan.models import Action, Plan
from backplan.scheduling.network import Network
from backplan.scheduling.result import Fix, Flag
from backplan.words import working_days

__all__ = ["PassResult", "critical_chain", "timeline_flags"]


@dataclass(frozen=True, slots=True)
class PassResult:
    """Both passes over a network, in working-day numbers."""

    today: int
    earliest_start: list[int]
    earliest_finish: list[int]
    latest_start: list[int]
    latest_finish: list[int]
    total_slack: list[int]
    #: Every node's :meth:`driver` and :meth:`binding_successor` when an engine worked them out
    #: in bulk (the vectorized one does); else each is found when asked.
    drivers: Sequence[int | None] | None = None
    binding_successors: Sequence[int | None] | None = None

    @classmethod
    def from_passes(
        cls, today: int, earliest: tuple[list[int], list[int]], latest: tuple[list[int], list[int]]
    ) -> PassResult:
        """Bundle both passes and compute each node's total slack (latest minus earliest start)."""
        slack = list(map(operator.sub, latest[0], earliest[0]))
        return cls(today, earliest[0], earliest[1], latest[0], latest[1], slack)

    def driver(self, network: Network, i: int) -> int | None:
        """The predecessor whose finish sets node ``i``'s earliest start (None: today/not_before).

        Of several, the one numbered first (the topological order is canonical, so this does not
        depend on the order predecessors are listed in).
        """
        if self.drivers is not None:
            return self.drivers[i]
        start, finish = self.earliest_start[i], self.earliest_finish
        found: int | None = None
        for offset, nodes in network.pred_groups[i]:
            for p in nodes:
                if finish[p] + offset == start and (found is None or p < found):
                    found = p
        return found

    def binding_successor(self, network: Network, i: int) -> int | None:
        """The successor whose start sets node ``i``'s latest finish (None: its own cap); of
        several, the one numbered first."""
        if self.binding_successors is not None:
            return self.binding_successors[i]
        finish = self.latest_finish[i]
        if finish == network.cap[i]:
            return None
        found: int | None = None
        for s, offset in network.succs[i]:
            if self.latest_start[s] - offset == finish and (found is None or s < found):
                found = s
        return found


def timeline_flags(
    plan: Plan, network: Network, result: PassResult, calendar: WorkingCalendar, *,
    shown: PassResult | None = None,
) -> list[Flag]:
    """Every flag for this schedule: errors first (worst shortfall first), then warnings.

    ``shown`` gives the dates and slack the schedule shows when they are not the passes' (the
    levelled schedule's): a flag is then raised for work late in both, with the shown figures,
    and ``result`` still says which chain and which deadline make it late.
    """
    flags = _late_flags(plan, network, result, calendar.day, shown or result)
    flags += _milestone_flags(plan, network, result, calendar, shown or result)
    flags.sort(key=lambda f: (f.severity != "error", -(f.shortfall_days or 0), f.code, f.subject))
    flags += [
        Flag(
            "depends-on-wont", "warning", action_id,
            f"comes after {wont_id!r}, which is 'wont' and not scheduled; the dependency is kept "
            "through it with the lags added up",
            fixes=(Fix("remove-dependency", action_id,
                       f"remove {wont_id!r} from {action_id}.after if it no longer applies", 0,
                       chain=(wont_id,)),),
        )
        for action_id, wont_id in network.wont_dependents
    ]
    return flags


def _chain_to_cap(network: Network, result: PassResult, origin: int) -> tuple[list[int], int]:
    """Nodes from ``origin`` along binding successors to the node whose cap binds."""
    chain = [origin]
    node = origin
    while (nxt := result.binding_successor(network, node)) is not None:
        chain.append(nxt)
        node = nxt
    return chain, node


def _shrinkable(network: Network, chain: Sequence[int]) -> int:
    """Working days ``chain`` (consecutive nodes) could give: every action down to one day and
    every lag between them to none."""
    days = sum(network.duration[k] - 1 for k in chain if network.is_action[k])
    for before, after in pairwise(chain):
        offsets = [o for o, nodes in network.pred_groups[after] if before in nodes]
        days += max(0, max(offsets, default=1) - 1)
    return days


def _shorten_fix(network: Network, chain_nodes: Sequence[int], shortfall: int) -> Fix | None:
    """Shortening the chain by the shortfall, or by all it can give when that is less; None when
    it cannot give a day (one-day actions back to back)."""
    chain = tuple(network.ids[k] for k in chain_nodes if network.is_action[k])
    bought = min(shortfall, _shrinkable(network, chain_nodes))
    if not chain or bought <= 0:
        return None
    limit = "" if bought == shortfall else (
        f" (all it can give: every action down to one day, no lags; {working_days(shortfall - bought)} "
        "more must come from another fix)")
    return Fix("shorten-chain", chain[0],
               f"shorten {' -> '.join(chain)} by {working_days(bought)} in total{limit}", bought,
               chain=chain)


def _chain_from_origin(network: Network, result: PassResult, node: int) -> list[int]:
    """Nodes from the origin along driving predecessors to ``node``, in order."""
    chain = [node]
    while (prev := result.driver(network, chain[-1])) is not None:
        chain.append(prev)
    chain.reverse()
    return chain


def critical_chain(network: Network, result: PassResult, nodes: Sequence[int]) -> tuple[str, ...]:
    """Action ids of the critical chain among ``nodes``, in order: from the least-slack node that
    finishes last back along its driving predecessors."""
    if not nodes:
        return ()
    slack = list(map(result.total_slack.__getitem__, nodes))
    least = min(slack)
    end = max(compress(nodes, map(least.__eq__, slack)),
              key=lambda i: (result.earliest_finish[i], -i))
    return tuple(network.ids[i] for i in _chain_from_origin(network, result, end)
                 if network.is_action[i])


def _cap_fix(
    plan: Plan, network: Network, capped: int, days: int, new_finish: dt.date
) -> Fix:
    node_id, source = network.ids[capped], network.cap_source[capped]
    when = new_finish.isoformat()
    if source == "goal":
        return Fix("move-due", plan.goal.id,
                   f"move the goal's due date to {when} (buys {working_days(days)})", days, new_finish)
    if source == "due":
        return Fix("move-due", node_id,
                   f"move milestone {node_id}'s due to {when} (buys {working_days(days)})",
                   days, new_finish)
    return Fix("move-not-after", node_id,
               f"move {node_id}.not_after to {when} (buys {working_days(days)})", days, new_finish)


def _cap_phrase(
    plan: Plan, network: Network, capped: int, day: dt.date, action: Callable[[str], Action]
) -> str:
    """The cap in words, with the date as the user wrote it (and the working day it means when
    that is another)."""
    node_id, source = network.ids[capped], network.cap_source[capped]
    if source == "goal":
        name, written = "the goal's due date", plan.goal.due
    elif source == "due":
        name = f"milestone {node_id}'s due"
        written = next(m.due for m in plan.milestones if m.id == node_id) or day
    else:
        name = f"{node_id}.not_after"
        written = action(node_id).not_after or day
    if written == day:
        return f"{name} ({day.isoformat()})"
    return f"{name} ({written.isoformat()}; the last working day by then is {day.isoformat()})"


def _action_lookup(plan: Plan) -> Callable[[str], Action]:
    """A plan's actions by id, indexed on first use (most flags never need it)."""
    by_id: dict[str, Action] = {}

    def action(action_id: str) -> Action:
        if not by_id:
            by_id.update((a.id, a) for a in plan.actions)
        return by_id[action_id]

    return action


def _late_flags(
    plan: Plan, network: Network, result: PassResult, day: Callable[[int], dt.date],
    shown: PassResult,
) -> list[Flag]:
    ids, is_action = network.ids, network.is_action
    slack = shown.total_slack
    late = [i for i in network.actions if slack[i] < 0 and result.total_slack[i] < 0]
    if not late:
        return []
    origin = list(range(len(ids)))
    drivers = (result.drivers if result.drivers is not None
               else [result.driver(network, i) for i in range(len(ids))])
    # Each node's origin: the first action of its driving chain (topological order: a driver's
    # origin is known first). A chain starts at an action, never at a milestone.
    for i, driver in enumerate(drivers):
        if driver is not None and is_action[origin[driver]]:
            origin[i] = origin[driver]
    completion = max(map(shown.earliest_finish.__getitem__, network.actions))
    groups: dict[int, list[int]] = {}
    for i in sorted(late, key=lambda node: (origin[node], node)):
        groups.setdefault(origin[i], []).append(i)

    flags = []
    action = _action_lookup(plan)
    for head, members in groups.items():
        shortfall = -slack[head]
        chain_nodes, capped = _chain_to_cap(network, result, head)
        chain = tuple(ids[k] for k in chain_nodes if is_action[k])
        cap_day = day(network.cap[capped])
        # A later cap fixes this chain at its cap plus the shortfall. For the goal's due date,
        # name the date the whole goal can be met: the earliest completion (never earlier).
        moved_cap, bought = network.cap[capped] + shortfall, shortfall
        if network.cap_source[capped] == "goal":
            moved_cap = max(moved_cap, completion)
            bought = moved_cap - network.cap[capped]
        reachable = day(moved_cap)
        latest = day(shown.latest_start[head])
        bound = network.not_before[head]
        shorten = _shorten_fix(network, chain_nodes, shortfall)
        move_cap = _cap_fix(plan, network, capped, bought, reachable)
        if bound is not None and bound > result.today:
            gained = min(shortfall, bound - result.today)
            written = action(ids[head]).not_before  # None: a bound from finished work
            move_bound = None if written is None else Fix(
                "move-not-before", ids[head],
                f"move {ids[head]}.not_before to {day(bound - gained).isoformat()}", gained,
                day(bound - gained),
            )
            bound_text = day(bound).isoformat() if written is None or written == day(
                bound) else f"{written.isoformat()} (first working day {day(bound).isoformat()})"
            flags.append(Flag(
                "constraint-conflict", "error", ids[head],
                f"not_before {bound_text} is after the latest start {latest.isoformat()} "
                f"that {_cap_phrase(plan, network, capped, cap_day, action)} allows: "
                f"{working_days(shortfall)} short",
                shortfall, chain, tuple(ids[k] for k in members),
                tuple(f for f in (move_bound, shorten, move_cap) if f is not None),
            ))
        else:
            flags.append(Flag(
                "late-start", "error", ids[head],
                _late_start_message(
                    action(ids[head]), shown, head, day,
                    _cap_phrase(plan, network, capped, cap_day, action), shortfall),
                shortfall, chain, tuple(ids[k] for k in members),
                tuple(f for f in (shorten, move_cap) if f is not None),
            ))
    return flags


def _late_start_message(
    head: Action, shown: PassResult, node: int, day: Callable[[int], dt.date], cap: str,
    shortfall: int,
) -> str:
    """Why ``head`` is late, in the words its status calls for: work in progress must finish
    its remaining days by its latest finish; work not started must start by its latest start
    (said to be past when it is)."""
    if head.status == "in_progress":
        left = shown.earliest_finish[node] - shown.earliest_start[node] + 1
        return (f"its remaining {working_days(left)} must finish by "
                f"{day(shown.latest_finish[node]).isoformat()} to meet {cap}, but they finish "
                f"at the earliest on {day(shown.earliest_finish[node]).isoformat()}: "
                f"{working_days(shortfall)} short")
    latest = shown.latest_start[node]
    verb = "must start by" if latest >= shown.today else (
        "should have started by")
    ago = "" if latest >= shown.today else f" ({working_days(shown.today - latest)} ago)"
    return (f"{verb} {day(latest).isoformat()}{ago} to meet {cap}, but the earliest start is "
            f"{day(shown.earliest_start[node]).isoformat()}: {working_days(shortfall)} short")


def _milestone_flags(
    plan: Plan, network: Network, result: PassResult, calendar: WorkingCalendar,
    shown: PassResult,
) -> list[Flag]:
    flags = []
    day = calendar.day
    for k, milestone in zip(network.milestones, plan.milestones, strict=True):
        if milestone.due is None:
            continue
        due = calendar.number_on_or_before(milestone.due)
        if result.earliest_finish[k] <= due:
            continue
        reach = shown.earliest_finish[k]
        if reach <= due:
            continue
        shortfall = reach - due
        path = _chain_from_origin(network, result, k)
        chain = tuple(network.ids[i] for i in path if network.is_action[i])
        fixes = [Fix(
            "move-due", milestone.id,
            f"move milestone {milestone.id}'s due to {day(reach).isoformat()} "
            f"(buys {working_days(shortfall)})", shortfall, day(reach),
        )]
        shorten = _shorten_fix(network, path, shortfall)
        if shorten is not None:
            fixes.insert(0, shorten)
        flags.append(Flag(
            "milestone-late", "error" if chain else "warning", milestone.id,
            f"due {milestone.due.isoformat()} but reachable from today at the earliest on "
            f"{day(reach).isoformat()}: {working_days(shortfall)} short",
            shortfall, chain, (), tuple(fixes),
        ))
    return flags
