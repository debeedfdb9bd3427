"""The plan as a networkx DiGraph, for analysis and drawing with networkx's tools.

networkx is imported when this is called, not when backplan is imported.

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31"},
    ...     "milestones": [{"id": "m"}],
    ...     "actions": [{"id": "a", "duration": 2, "milestone": "m"},
    ...                 {"id": "b", "duration": 1, "after": ["a"], "lag": 2}],
    ... })
    >>> graph = build_graph(plan)
    >>> sorted(graph.edges(data="lag"))
    [('a', 'b', 2), ('a', 'm', 0)]
    >>> graph.nodes["a"]["kind"], graph.nodes["a"]["duration"]
    ('action', 2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backplan.calendars.people import nominal_duration_days
from backplan.graph.validate import dependency_edges
from backplan.models import Plan

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["build_graph"]


def build_graph(plan: Plan) -> nx.DiGraph:
    """A DiGraph with a node per milestone and action and an edge per precedence.

    Nodes carry ``kind`` (``"action"`` or ``"milestone"``), ``title``, ``priority`` and, for
    actions, ``duration`` (working days; for an effort-sized action, the days its assignees take
    at their full hours). Edges carry ``lag`` (working days) and ``why`` (non-empty for edges a
    milestone's ``after`` induces on its actions). The plan is not validated here.
    """
    import networkx as nx

    graph = nx.DiGraph(goal=plan.goal.id, due=plan.goal.due)
    for milestone in plan.milestones:
        graph.add_node(milestone.id, kind="milestone", title=milestone.title,
                       priority=milestone.priority, due=milestone.due)
    lags = {action.id: action.lag for action in plan.actions}
    people = {person.id: person for person in plan.people}
    for action in plan.actions:
        graph.add_node(action.id, kind="action", title=action.title, priority=action.priority,
                       duration=nominal_duration_days(action, people))
    for before, after, why in dependency_edges(plan):
        if why and graph.has_edge(before, after):
            continue  # the user's own edge (with its lag) already says it
        lag = lags[after] if after in lags and not why else 0
        graph.add_edge(before, after, lag=lag, why=why)
    return graph
