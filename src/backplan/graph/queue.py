"""Cross-reference checks on the queue: its people and the key result its AHT follows.

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31", "key_results": [
    ...         {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]},
    ...     "people": [{"id": "agent-1", "hours_per_day": 4}],
    ...     "queue": {"volume": [20, 30], "aht": {"key_result": "fcr"}, "target": "80/20",
    ...               "rostered": 8, "people": ["agent-l"]}})
    >>> for problem in queue_problems(plan):
    ...     print(problem.code, problem.field, "|", problem.message)
    unknown-id people | 'agent-l' is not a person id
    contradiction aht | key result 'fcr' measures First Call Resolution in %, not a handle time in seconds
"""

from __future__ import annotations

import difflib

from backplan.errors import Problem
from backplan.models import Plan

__all__ = ["queue_problems"]

_ITEM = "queue"


def queue_problems(plan: Plan) -> list[Problem]:
    """Every problem with the queue's references (empty when all is well, or without a queue)."""
    queue = plan.queue
    if queue is None:
        return []
    problems: list[Problem] = []
    people = [p.id for p in plan.people]
    for person in queue.people:
        if person not in people:
            close = difflib.get_close_matches(person, people, n=1, cutoff=0.6)
            problems.append(Problem(
                "unknown-id", _ITEM, "people", f"{person!r} is not a person id",
                f"did you mean {close[0]!r}?" if close else
                f"add {person!r} under 'people:' with the most project hours they may take a "
                "day (hours_per_day)",
            ))
    wanted = queue.aht_key_result
    if wanted is not None:
        found = next((kr for kr in plan.goal.key_results if kr.id == wanted), None)
        known = [kr.id for kr in plan.goal.key_results]
        if found is None:
            close = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
            problems.append(Problem(
                "unknown-id", _ITEM, "aht", f"{wanted!r} is not a key result id",
                f"did you mean {close[0]!r}?" if close else
                "give the AHT in seconds (aht: '6:30'), or add an AHT key result under "
                "goal.key_results",
            ))
        elif (metric := found.definition()).unit != "seconds":
            problems.append(Problem(
                "contradiction", _ITEM, "aht",
                f"key result {wanted!r} measures {metric.name} in {metric.unit}, not a handle "
                "time in seconds",
                "name a key result on the aht metric, or give the AHT in seconds",
            ))
    return problems
