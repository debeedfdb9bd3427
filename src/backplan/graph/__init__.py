"""The plan as a dependency graph: validation and a networkx view."""

from backplan.graph.build import build_graph
from backplan.graph.validate import dependency_edges, plan_problems, validate_plan

__all__ = ["build_graph", "dependency_edges", "plan_problems", "validate_plan"]
