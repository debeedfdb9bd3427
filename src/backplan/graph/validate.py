"""Cross-reference checks on a plan: duplicate and unknown ids, self-references, cycles.

Each item is checked on its own when the :class:`~backplan.Plan` is built; this module checks how
items refer to each other, and reports every problem at once, naming items by their ids.

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31"},
    ...     "actions": [{"id": "a", "duration": 1, "after": ["b"]},
    ...                 {"id": "b", "duration": 1, "after": ["a"]}],
    ... })
    >>> for problem in plan_problems(plan):
    ...     print(problem)
    a.after: dependencies go round in a circle: a -> b -> a (remove one of these dependencies) [cycle]
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from operator import attrgetter

from backplan.errors import PlanValidationError, Problem
from backplan.graph.key_results import key_result_problems, refers_to_key_results
from backplan.graph.order import CycleError, topological_order
from backplan.graph.people import people_problems
from backplan.graph.queue import queue_problems
from backplan.graph.refs import action_refs
from backplan.models import Plan
from backplan.models.columns import action_columns

__all__ = [
    "cycle_problems", "dependency_edges", "plan_problems", "reference_problems",
    "section_problems", "validate_plan",
]

_ID, _AFTER, _MILESTONE = attrgetter("id"), attrgetter("after"), attrgetter("milestone")

#: An edge of the dependency graph: (before, after, why) where ``why`` explains induced edges.
Edge = tuple[str, str, str]


def validate_plan(plan: Plan) -> None:
    """Raise :class:`~backplan.PlanValidationError` listing every cross-reference problem.

    Example:
        >>> from backplan.models import Plan
        >>> validate_plan(Plan.model_validate(
        ...     {"goal": {"id": "g", "due": "2027-01-29"}, "actions": [{"id": "a", "duration": 2}]}))
    """
    problems = plan_problems(plan)
    if problems:
        raise PlanValidationError(problems)


def plan_problems(plan: Plan) -> list[Problem]:
    """Every cross-reference problem in ``plan``, in file order (empty when the plan is sound)."""
    if _in_file_order(plan):  # the usual big plan, checked in C loops: only the sections left
        columns = action_columns(plan)
        return section_problems(plan, uses_impact=any(columns.impact),
                                uses_assignees=any(columns.assignees))
    problems = reference_problems(plan)
    if any(problem.code == "duplicate-id" for problem in problems):
        return problems  # which item an id means is open: cycles once ids are unique
    # With unknown ids or self-references reported, the circles among the other ids still are
    # (an unknown id has no dependencies of its own; a self-reference is reported once).
    return problems + cycle_problems(plan, self_references=not problems)


def _in_file_order(plan: Plan) -> bool:
    """Whether each id is used once, each action's ``after`` names only actions above it and its
    ``milestone`` a milestone, and no milestone has an ``after``: then every id resolves and
    nothing goes round in a circle (milestones only collect actions)."""
    if any(map(_AFTER, plan.milestones)):
        return False
    refs = action_refs(plan)
    if refs is None or not refs.in_order:
        return False
    milestones = set(map(_ID, plan.milestones))
    if len(milestones) != len(plan.milestones) or (
            plan.goal.id in refs.position or plan.goal.id in milestones
            or not milestones.isdisjoint(refs.position)):
        return False
    return milestones.issuperset(filter(None, action_columns(plan).milestone))


def reference_problems(plan: Plan) -> list[Problem]:
    """Duplicate ids, unknown ids and self-references (everything but cycles)."""
    kinds: dict[str, str] = {}
    for kind, item_id in plan.iter_ids():
        kinds.setdefault(item_id, kind)
    targets = kinds.keys() - {plan.goal.id}
    milestones = {m.id for m in plan.milestones}
    count = 1 + len(plan.milestones) + len(plan.actions)
    # Fast path: one pass with set operations; the detailed pass runs only if something is off.
    sound = len(kinds) == count and all(
        item.id not in item.after and targets.issuperset(item.after)
        for items in (plan.milestones, plan.actions) for item in items
    ) and all(a.milestone is None or a.milestone in milestones for a in plan.actions)
    extra = section_problems(plan, kinds)
    if sound:
        return extra
    return _duplicate_ids(plan) + _reference_problems(plan, kinds) + extra


def section_problems(
    plan: Plan, kinds: dict[str, str] | None = None, *,
    uses_impact: bool | None = None, uses_assignees: bool | None = None,
) -> list[Problem]:
    """Problems in the sections beyond the dependency graph: risks, key-result references
    (``impact``, ``expect``), people (``assignees``) and the queue (its people, the key result
    its AHT follows). Cheap when a section is unused.

    ``uses_impact``/``uses_assignees``: whether any action has an ``impact``/``assignees``, if
    the caller already knows (each saves a pass over the actions).
    """
    problems: list[Problem] = []
    if plan.risks:
        if kinds is None:
            kinds = {}
            for kind, item_id in plan.iter_ids():
                kinds.setdefault(item_id, kind)
        problems += _risk_problems(plan, kinds)
    if refers_to_key_results(plan, uses_impact=uses_impact):
        problems += key_result_problems(plan)
    if uses_assignees is None:
        uses_assignees = any(map(attrgetter("assignees"), plan.actions))
    if plan.people or uses_assignees:
        problems += people_problems(plan)
    if plan.queue is not None:
        problems += queue_problems(plan)
    return problems


def cycle_problems(plan: Plan, *, self_references: bool = True) -> list[Problem]:
    """One problem per group of ids whose dependencies go round in a circle, and one per
    milestone whose ``after`` names an action that delivers it (``self_references``: also an
    item that names itself, a circle of one)."""
    delivers = set(zip(map(_ID, plan.actions), map(_MILESTONE, plan.actions), strict=True))
    own = [
        Problem(
            "cycle", milestone.id, "after",
            f"dependencies go round in a circle: {before} -> {milestone.id} -> {before}; "
            f"{before} delivers {milestone.id}, which comes after {before}",
            f"remove {before!r} from {milestone.id}.after, or let {before} deliver another "
            "milestone",
        )
        for milestone in plan.milestones
        for before in milestone.after
        if (before, milestone.id) in delivers
    ]
    edges = [edge for edge in dependency_edges(plan) if self_references or edge[0] != edge[1]]
    return own + _cycle_problems(edges, [item_id for _, item_id in plan.iter_ids()])


def dependency_edges(plan: Plan) -> list[Edge]:
    """All precedence edges between ids, including those a milestone's ``after`` induces.

    ``m.after: [p]`` gives ``p -> m`` and ``p -> a`` for every action ``a`` of ``m``;
    ``a.milestone: m`` gives ``a -> m``; ``a.after: [p]`` gives ``p -> a``.
    """
    members: dict[str, list[str]] = defaultdict(list)
    edges: list[Edge] = []
    for action in plan.actions:
        edges.extend((before, action.id, "") for before in action.after)
        if action.milestone is not None:
            members[action.milestone].append(action.id)
            edges.append((action.id, action.milestone, ""))
    for milestone in plan.milestones:
        for before in milestone.after:
            edges.append((before, milestone.id, ""))
            edges.extend(
                (before, member, f"{member} delivers {milestone.id}, which comes after {before}")
                for member in members[milestone.id] if member != before  # see cycle_problems
            )
    return edges


def _duplicate_ids(plan: Plan) -> list[Problem]:
    first_kind: dict[str, str] = {}
    problems = []
    for kind, item_id in plan.iter_ids():
        if item_id in first_kind:
            problems.append(Problem(
                "duplicate-id", item_id, "id",
                f"{kind} id {item_id!r} is already used by "
                + {"goal": "the goal", "milestone": "a milestone", "action": "an action"}[
                    first_kind[item_id]],
                "ids must be unique across goal, milestones and actions; rename one",
            ))
        else:
            first_kind[item_id] = kind
    return problems


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def _reference_problems(plan: Plan, kinds: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    targets = [i for i, k in kinds.items() if k != "goal"]
    milestone_ids = [m.id for m in plan.milestones]

    def check_after(item_id: str, after: tuple[str, ...]) -> None:
        for ref in after:
            if ref == item_id:
                problems.append(Problem(
                    "self-reference", item_id, "after",
                    f"{item_id!r} lists itself in 'after'", f"remove {item_id!r} from its own 'after'",
                ))
            elif kinds.get(ref) == "goal":
                problems.append(Problem(
                    "unknown-id", item_id, "after",
                    f"{ref!r} is the goal; 'after' takes action or milestone ids",
                    "remove it: every action already finishes by the goal's due date",
                ))
            elif ref not in kinds:
                problems.append(Problem(
                    "unknown-id", item_id, "after",
                    f"{ref!r} is not an action or milestone id", _suggest(ref, targets),
                ))

    for milestone in plan.milestones:
        check_after(milestone.id, milestone.after)
    for action in plan.actions:
        check_after(action.id, action.after)
        ref = action.milestone
        if ref is not None and kinds.get(ref) != "milestone":
            what = f"is an {kinds[ref]} id" if ref in kinds else "is not a milestone id"
            problems.append(Problem(
                "unknown-id", action.id, "milestone",
                f"{ref!r} {what}; 'milestone' names the milestone this action delivers",
                _suggest(ref, milestone_ids) or "add the milestone under 'milestones:'",
            ))
    return problems


def _cycle_problems(edges: list[Edge], ids: list[str]) -> list[Problem]:
    """One problem per strongly connected group of ids, naming one cycle in order."""
    number: dict[str, int] = {item_id: i for i, item_id in enumerate(ids)}
    for before, after, _ in edges:
        number.setdefault(before, len(number))
        number.setdefault(after, len(number))
    preds: list[list[int]] = [[] for _ in number]
    for before, after, _ in edges:
        preds[number[after]].append(number[before])
    try:
        topological_order(preds)
    except CycleError:
        pass
    else:
        return []

    import networkx as nx  # only when there is a cycle to name

    graph = nx.DiGraph()
    for before, after, why in edges:
        if not graph.has_edge(before, after) or not why:
            graph.add_edge(before, after, why=why)
    order = number
    problems = []
    for component in sorted(nx.strongly_connected_components(graph), key=lambda c: min(order[n] for n in c)):
        start = min(component, key=order.__getitem__)
        if len(component) < 2 and not graph.has_edge(start, start):
            continue
        cycle = nx.find_cycle(graph.subgraph(component), source=start)
        ids = [edge[0] for edge in cycle] + [cycle[0][0]]
        reasons = [graph.edges[u, v]["why"] for u, v in cycle if graph.edges[u, v]["why"]]
        because = f"; {'; '.join(reasons)}" if reasons else ""
        problems.append(Problem(
            "cycle", ids[0], "after",
            f"dependencies go round in a circle: {' -> '.join(ids)}{because}",
            "remove one of these dependencies",
        ))
    return problems


def _risk_problems(plan: Plan, kinds: dict[str, str]) -> list[Problem]:
    """Risk ids unique (and distinct from other ids); ``actions``/``mitigation`` name actions."""
    problems: list[Problem] = []
    action_ids = [a.id for a in plan.actions]
    seen: set[str] = set()
    for risk in plan.risks:
        if risk.id in seen or risk.id in kinds:
            other = "risk" if risk.id in seen else kinds[risk.id]
            article = "an" if other == "action" else "a"
            problems.append(Problem(
                "duplicate-id", risk.id, "id",
                f"risk id {risk.id!r} is already used by {article} {other}",
                "ids must be unique across goal, milestones, actions and risks; rename one",
            ))
        seen.add(risk.id)
        for field, refs in (("actions", risk.actions), ("mitigation", risk.mitigation)):
            for ref in refs:
                if kinds.get(ref) == "action":
                    continue
                what = f"is the {kinds[ref]}" if ref in kinds else "is not an action id"
                problems.append(Problem(
                    "unknown-id", risk.id, field, f"{ref!r} {what}; {field} lists action ids",
                    _suggest(ref, action_ids) or (
                        "leave 'actions' out for a risk to the whole plan" if field == "actions"
                        else ""),
                ))
    return problems
