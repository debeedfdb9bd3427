"""Cross-references to key results: actions' ``impact``, milestones' ``expect``.

Example:
    >>> from backplan.models import KeyResult, Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31",
    ...              "key_results": [{"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]},
    ...     "actions": [{"id": "a", "duration": 2, "impact": {"fcrr": 2.0}}],
    ... })
    >>> for problem in key_result_problems(plan):
    ...     print(problem)
    a.impact: 'fcrr' is not a key result id (did you mean 'fcr'?) [unknown-id]
"""

from __future__ import annotations

import difflib
from operator import attrgetter

from backplan.errors import Problem
from backplan.models import KeyResult, Plan

__all__ = ["key_result_problems", "refers_to_key_results"]


def refers_to_key_results(plan: Plan, *, uses_impact: bool | None = None) -> bool:
    """Whether anything in ``plan`` names key results (so that :func:`key_result_problems` has
    work to do); ``uses_impact``: whether any action has an ``impact``, if already known."""
    if uses_impact is None:
        uses_impact = any(map(attrgetter("impact"), plan.actions))
    return len(plan.goal.key_results) > 1 or uses_impact or any(m.expect for m in plan.milestones)


def key_result_problems(plan: Plan) -> list[Problem]:
    """Duplicate key-result ids, and ``impact``/``expect`` keys that name no key result or give a
    value outside its metric's bounds."""
    problems: list[Problem] = []
    key_results: dict[str, KeyResult] = {}
    for key_result in plan.goal.key_results:
        if key_result.id in key_results:
            problems.append(Problem(
                "duplicate-id", key_result.id, "id",
                f"key result id {key_result.id!r} is used twice",
                "key results need distinct ids; rename one",
            ))
        key_results.setdefault(key_result.id, key_result)
    known = list(key_results)

    def unknown(item_id: str, field: str, name: str) -> Problem:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]!r}?" if close else
                f"key results: {', '.join(known)}" if known else
                "add the key result under goal.key_results")
        return Problem("unknown-id", item_id, field, f"{name!r} is not a key result id", hint)

    for action in plan.actions:
        problems.extend(unknown(action.id, "impact", name) for name in action.impact
                        if name not in key_results)
    for milestone in plan.milestones:
        for name, value in milestone.expect.items():
            if name not in key_results:
                problems.append(unknown(milestone.id, "expect", name))
                continue
            metric = key_results[name].definition()
            if not metric.allows(value):
                problems.append(Problem(
                    "out-of-bounds", milestone.id, "expect",
                    f"expects {name} at {value:g}, outside {metric.name}'s bounds "
                    f"{metric.bounds} {metric.unit}", "",
                ))
    return problems
