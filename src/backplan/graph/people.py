"""Cross-reference checks on people: unknown assignees, repeated person ids, impossible hours.

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-03-31"},
    ...     "people": [{"id": "qa-analyst", "hours_per_day": 2}],
    ...     "actions": [{"id": "a", "effort": 4, "assignees": ["qa-anlyst"]}],
    ... })
    >>> for problem in people_problems(plan):
    ...     print(problem)
    a.assignees: 'qa-anlyst' is not a person id (did you mean 'qa-analyst'?) [unknown-id]
"""

from __future__ import annotations

import difflib

from backplan.errors import Problem
from backplan.models import WEEKDAYS, Person, Plan

__all__ = ["people_problems"]


def people_problems(plan: Plan) -> list[Problem]:
    """Every problem with people and assignees, in plan order (empty when all is well)."""
    problems: list[Problem] = []
    people: dict[str, Person] = {}
    plan_days = set(plan.calendar.workdays)
    for person in plan.people:
        if person.id in people:
            problems.append(Problem(
                "duplicate-id", person.id, "id", f"person id {person.id!r} is listed twice",
                "person ids must be unique; rename one or merge the two entries",
            ))
            continue
        people[person.id] = person
        extra = [d for d in person.workdays or () if d not in plan_days]
        if extra:
            days = ", ".join(sorted(extra, key=WEEKDAYS.index))
            problems.append(Problem(
                "contradiction", person.id, "workdays",
                f"{person.id} works on {days}, which the plan's calendar does not count as "
                "working days",
                f"remove {days} from {person.id}.workdays, or add it to calendar.workdays",
            ))
    for action in plan.actions:
        for assignee in action.assignees:
            known = people.get(assignee.person)
            if known is None:
                close = difflib.get_close_matches(assignee.person, list(people), n=1, cutoff=0.6)
                problems.append(Problem(
                    "unknown-id", action.id, "assignees",
                    f"{assignee.person!r} is not a person id",
                    f"did you mean {close[0]!r}?" if close else
                    f"add {assignee.person!r} under 'people:' with its hours_per_day",
                ))
            elif assignee.hours_per_day is not None and (
                    assignee.hours_per_day > known.hours_per_day):
                problems.append(Problem(
                    "contradiction", action.id, "assignees",
                    f"books {known.id} for {assignee.hours_per_day:g} hours a day, but "
                    f"{known.id} has {known.hours_per_day:g} hours of project time a day",
                    f"book at most {known.hours_per_day:g} hours, or raise "
                    f"{known.id}.hours_per_day",
                ))
    return problems
