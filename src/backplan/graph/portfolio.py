"""Cross-references of a portfolio: the alignment tree, and the shared risks.

A goal's ``parent`` names an objective of the portfolio or another plan's goal: the alignment
tree. This module checks it (every problem at once, each naming the goal by its id), checks what
the shared risks name, and answers the questions the roll-up asks: which objective a goal
serves, which goals serve an objective, and which shared risks touch which plan.

Example:
    >>> from backplan.models import Plan
    >>> from backplan.models.portfolio import Objective, Portfolio, PortfolioPlan
    >>> def entry(goal, parent):
    ...     return PortfolioPlan(f"{goal}.yaml", Plan.model_validate(
    ...         {"goal": {"id": goal, "due": "2027-03-31", "parent": parent}}))
    >>> portfolio = Portfolio("p", "", (Objective(id="csat"),), (),
    ...                       (entry("site", "csat"), entry("team", "site"), entry("x", "cast")))
    >>> for problem in alignment_problems(portfolio):
    ...     print(problem)
    x.parent: 'cast' is not an objective or a goal of the portfolio (did you mean 'csat'?) [unknown-id]
    >>> aligned_goals(portfolio)["csat"]
    ('site', 'team')
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from backplan.errors import Problem
from backplan.models.portfolio import MAX_SHARED_RISKS, Portfolio, SharedRisk

__all__ = [
    "aligned_goals", "alignment_problems", "objective_of", "parents", "portfolio_problems",
    "shared_risk_problems", "shared_risks_by_plan",
]


def parents(portfolio: Portfolio) -> dict[str, str | None]:
    """Each goal's parent (an objective or a goal id, None when it names none), by goal id."""
    return {entry.goal: entry.plan.goal.parent for entry in portfolio.plans}


def alignment_problems(portfolio: Portfolio) -> list[Problem]:
    """Every problem with the alignment tree, in plan order: a goal id used twice (by two
    plans, or by a plan and an objective), an objective id used twice, a parent that names no
    objective or goal, and goals whose parents go round in a circle."""
    problems: list[Problem] = []
    objectives: dict[str, int] = {}
    for objective in portfolio.objectives:
        if objective.id in objectives:
            problems.append(Problem(
                "duplicate-id", objective.id, "id",
                f"objective id {objective.id!r} is listed twice",
                "objective ids must be unique; rename one or merge the two"))
        objectives.setdefault(objective.id, 0)
    goals: dict[str, str] = {}
    for entry in portfolio.plans:
        goal = entry.goal
        if goal in goals:
            problems.append(Problem(
                "duplicate-id", goal, "id",
                f"goal id {goal!r} is also the goal of {goals[goal]}",
                "goal ids must be unique across the portfolio's plans; rename one"))
            continue
        if goal in objectives:
            problems.append(Problem(
                "duplicate-id", goal, "id",
                f"goal id {goal!r} is also an objective of the portfolio",
                "rename the goal or the objective, so that a parent names one of them"))
        goals[goal] = entry.path
    known = list(objectives) + list(goals)
    for entry in portfolio.plans:
        parent = entry.plan.goal.parent
        if parent is None or parent in objectives or parent in goals:
            continue
        close = difflib.get_close_matches(parent, known, n=1, cutoff=0.6)
        problems.append(Problem(
            "unknown-id", entry.goal, "parent",
            f"{parent!r} is not an objective or a goal of the portfolio",
            f"did you mean {close[0]!r}?" if close else (
                f"the portfolio has: {', '.join(known[:8])}" + (", ..." if len(known) > 8
                                                                else "")) if known
            else "add the objective under 'objectives:'"))
    if not any(p.code == "duplicate-id" for p in problems):
        problems += _cycles(parents(portfolio))
    return problems


def _cycles(parent_of: Mapping[str, str | None]) -> list[Problem]:
    """One problem per circle of goals, named in order from the goal listed first."""
    problems = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    order = list(parent_of)
    for start in order:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            circle = path[path.index(node):]
            first = min(circle, key=order.index)
            k = circle.index(first)
            circle = circle[k:] + circle[:k]
            text = " -> ".join([*circle, first])
            problems.append(Problem(
                "cycle", first, "parent",
                f"goals align to each other in a circle: {text}",
                f"let one of them name an objective as its parent (e.g. {first}.parent)"))
        for item in path:
            state[item] = 2
    return problems


def objective_of(portfolio: Portfolio) -> dict[str, str | None]:
    """The objective each goal serves (through parent goals), by goal id; None when its chain
    of parents names no objective."""
    objectives = {o.id for o in portfolio.objectives}
    parent_of = parents(portfolio)
    out: dict[str, str | None] = {}
    for goal in parent_of:
        node: str | None = goal
        seen: set[str] = set()
        while node is not None and node in parent_of and node not in seen:
            seen.add(node)
            node = parent_of[node]
        out[goal] = node if node in objectives else None
    return out


def aligned_goals(portfolio: Portfolio) -> dict[str, tuple[str, ...]]:
    """The goals that serve each objective (directly or through parent goals), in plan order,
    by objective id (every objective, with ``()`` when none serves it)."""
    serves = objective_of(portfolio)
    out: dict[str, list[str]] = {o.id: [] for o in portfolio.objectives}
    for entry in portfolio.plans:
        objective = serves.get(entry.goal)
        if objective is not None:
            out[objective].append(entry.goal)
    return {k: tuple(v) for k, v in out.items()}


def portfolio_problems(portfolio: Portfolio) -> list[Problem]:
    """:func:`alignment_problems` and :func:`shared_risk_problems` (the plans' own problems
    are each plan's business: :func:`backplan.plan_problems`)."""
    return alignment_problems(portfolio) + shared_risk_problems(portfolio)


def shared_risks_by_plan(
    portfolio: Portfolio,
) -> dict[str, tuple[tuple[SharedRisk, tuple[str, ...]], ...]]:
    """The shared risks that touch each plan, by goal id, in register order, each with the
    plan's actions it delays (``()``: the whole plan)."""
    out: dict[str, list[tuple[SharedRisk, tuple[str, ...]]]] = {
        entry.goal: [] for entry in portfolio.plans}
    for risk in portfolio.risks:
        for entry in portfolio.plans:
            if risk.goals and entry.goal not in risk.goals:
                continue
            if not risk.actions:
                out[entry.goal].append((risk, ()))
                continue
            own = {a.id for a in entry.plan.actions}
            hit = tuple(a for a in risk.actions if a in own)
            if hit:
                out[entry.goal].append((risk, hit))
    return {goal: tuple(risks) for goal, risks in out.items()}


def shared_risk_problems(portfolio: Portfolio) -> list[Problem]:
    """Every problem with the shared risks: an id used twice or also used in a plan it
    touches, a goal or an action that no plan it touches has, or a plan touched by more than
    :data:`~backplan.models.portfolio.MAX_SHARED_RISKS` of them."""
    problems: list[Problem] = []
    goals = [entry.goal for entry in portfolio.plans]
    touched = shared_risks_by_plan(portfolio)
    seen: set[str] = set()
    for risk in portfolio.risks:
        if risk.id in seen:
            problems.append(Problem("duplicate-id", risk.id, "id",
                                    f"shared risk id {risk.id!r} is listed twice",
                                    "rename one, or merge the two"))
        seen.add(risk.id)
        for goal in risk.goals:
            if goal not in goals:
                close = difflib.get_close_matches(goal, goals, n=1, cutoff=0.6)
                problems.append(Problem(
                    "unknown-id", risk.id, "goals",
                    f"{goal!r} is not the goal of a plan of the portfolio",
                    f"did you mean {close[0]!r}?" if close else "list goal ids"))
        entries = [e for e in portfolio.plans if not risk.goals or e.goal in risk.goals]
        for action in risk.actions:
            if not any(a.id == action for e in entries for a in e.plan.actions):
                problems.append(Problem(
                    "unknown-id", risk.id, "actions",
                    f"{action!r} is not an action of "
                    + ("the plans of its goals" if risk.goals else "any plan of the portfolio"),
                    "list action ids; leave 'actions' out for a risk to the whole plan"))
        for entry in entries:
            if any(r.id == risk.id for r, _ in touched[entry.goal]) and risk.id in {
                    item for _, item in entry.plan.iter_ids()} | {r.id for r in entry.plan.risks}:
                problems.append(Problem(
                    "duplicate-id", risk.id, "id",
                    f"shared risk id {risk.id!r} is also an id in plan {entry.path}",
                    "rename the shared risk"))
    for entry in portfolio.plans:
        many = touched[entry.goal]
        if len(many) > MAX_SHARED_RISKS:
            problems.append(Problem(
                "invalid-value", many[MAX_SHARED_RISKS][0].id, "goals",
                f"plan {entry.path} is touched by {len(many)} shared risks "
                f"({', '.join(r.id for r, _ in many)}); at most {MAX_SHARED_RISKS} may touch one "
                "plan (it is simulated once for each combination)",
                "narrow the risks' goals or actions, or merge risks"))
    return problems
