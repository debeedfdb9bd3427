"""Plan files in and out (YAML or JSON), with the file and line of every problem.

Example:
    >>> from backplan.io import dump_plan, loads_plan
    >>> plan = loads_plan("goal: {id: g, due: 2027-03-31}\\nactions: [{id: a, duration: 1}]")
    >>> loads_plan(dump_plan(plan)) == plan
    True
"""

from backplan.io.plan_files import dump_plan, load_plan, loads_plan

__all__ = ["dump_plan", "load_plan", "loads_plan"]
