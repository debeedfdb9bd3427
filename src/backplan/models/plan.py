"""The plan: one goal, its calendar, milestones and actions (and the queue its people serve)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from backplan.models._types import INPUT_CONFIG, PlanPriority
from backplan.models.calendar import Calendar
from backplan.models.goal import Goal
from backplan.models.people import Person
from backplan.models.queue import Queue
from backplan.models.risk import Risk
from backplan.models.work import Action, Milestone
from backplan.words import counted

__all__ = ["Plan"]


class Plan(BaseModel):
    """Everything backplan needs to work back from the goal's due date.

    Building a plan checks each item on its own (types, ranges, unknown keys). Cross-references
    (unknown ids, cycles) are checked by :func:`backplan.validate_plan`, which scheduling runs.

    Example:
        >>> plan = Plan.model_validate({
        ...     "goal": {"id": "fcr-80", "due": "2027-03-31"},
        ...     "actions": [{"id": "a", "duration": 3}, {"id": "b", "duration": 2, "after": ["a"]}],
        ... })
        >>> [a.id for a in plan.actions], plan.calendar.workdays[-1]
        (['a', 'b'], 'fri')
    """

    model_config = INPUT_CONFIG

    goal: Goal
    calendar: Calendar = Field(default_factory=Calendar)
    #: The people who do the work, with their project hours (see docs/people-and-capacity.md).
    people: tuple[Person, ...] = ()
    #: The contact queue some of the people come from (see docs/staffing.md): their project
    #: hours are what the queue spares each day.
    queue: Queue | None = None
    milestones: tuple[Milestone, ...] = ()
    actions: tuple[Action, ...] = ()
    #: The risk register (see docs/risk.md): events that may add working days.
    risks: tuple[Risk, ...] = ()
    #: Its place in a portfolio (docs/portfolio.md): plans with a smaller number get contested
    #: people's hours first; a plan alone ignores it.
    priority: PlanPriority | None = None

    def __str__(self) -> str:
        return (
            f"Plan {self.goal.id!r} due {self.goal.due.isoformat()}: "
            f"{counted(len(self.actions), 'action')}, "
            f"{counted(len(self.milestones), 'milestone')}, "
            f"{counted(len(self.goal.key_results), 'key result')}"
        )

    def __repr__(self) -> str:
        return f"<Plan {self.goal.id!r} due {self.goal.due.isoformat()} actions={len(self.actions)}>"

    def iter_ids(self) -> Iterator[tuple[str, str]]:
        """Yield ``(kind, id)`` for the goal, every milestone and every action, in file order."""
        yield "goal", self.goal.id
        for milestone in self.milestones:
            yield "milestone", milestone.id
        for action in self.actions:
            yield "action", action.id
