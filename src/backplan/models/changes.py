"""Changes applied to a copy of a plan: what scenarios try and what fixes propose.

:func:`apply_changes` gives the plan the changes describe (the plan itself never changes). Only
the items a change touches are rebuilt (and checked again, as loading the plan file would check
them); every other item is shared with the original, so a change to a large plan costs little.
The result equals loading the plan file with the changes written into it.

Example:
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
    ...     "milestones": [{"id": "m", "due": "2027-01-15"}],
    ...     "actions": [{"id": "a", "duration": 5, "milestone": "m"}]})
    >>> changed = apply_changes(plan, [{"action": "a", "duration": 3},
    ...                                {"due": "2027-01-20", "milestone": "m"}])
    >>> changed.actions[0].duration, changed.milestones[0].due.isoformat()
    (3, '2027-01-20')
    >>> plan.actions[0].duration
    5
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from backplan.errors import PROBLEM_CODES, PlanValidationError, Problem
from backplan.models.goal import Goal
from backplan.models.people import Person
from backplan.models.plan import Plan
from backplan.models.queue import QUEUE_CHANGE_KINDS, Queue
from backplan.models.scenario import ScenarioChange
from backplan.models.work import Action, Milestone

__all__ = ["apply_changes"]

#: Most project hours a person can have in a day.
_MAX_HOURS = 24


def apply_changes(
    plan: Plan,
    changes: Iterable[ScenarioChange | Mapping[str, Any]],
    *,
    name: str = "changes",
    source: str = "the changes",
) -> Plan:
    """A copy of ``plan`` with ``changes`` applied in order (each a :class:`ScenarioChange` or
    its mapping, as a scenario file writes it).

    Args:
        plan: the plan (unchanged).
        changes: the changes.
        name: the item errors name (a scenario's name); the field is ``changes[k].<field>``.
        source: the changes in the errors' summary (e.g. ``scenario 'lean'``).

    Raises:
        PlanValidationError: a change names an action, milestone or person the plan does not
            have (``unknown-id``, with a did-you-mean), or a changed item breaks a rule (every
            problem at once).
    """
    editor = _Editor(plan)
    problems: list[Problem] = []
    for k, change in enumerate(changes):
        if not isinstance(change, ScenarioChange):
            change = ScenarioChange.model_validate(change)
        problems += editor.apply(change, f"changes[{k}]", name)
    if not problems:
        changed, problems = editor.build(source)
        if not problems:
            return changed
    raise PlanValidationError(problems, source=source, subject="its changes")


class _Editor:
    """The plan's items as data, copied out when first changed."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.action_index = {a.id: i for i, a in enumerate(plan.actions)}
        self.milestone_index = {m.id: i for i, m in enumerate(plan.milestones)}
        self.person_index = {p.id: i for i, p in enumerate(plan.people)}
        self.actions: dict[int, dict[str, Any]] = {}
        self.milestones: dict[int, dict[str, Any]] = {}
        self.people: dict[int, dict[str, Any]] = {}
        self.goal: dict[str, Any] | None = None
        self.queue: dict[str, Any] | None = None

    @staticmethod
    def _data(edits: dict[int, dict[str, Any]], items: Sequence[BaseModel], i: int
              ) -> dict[str, Any]:
        if i not in edits:
            # as the plan file would be written (see dump_plan), so it validates back the same
            edits[i] = items[i].model_dump(mode="python", exclude_defaults=True)
        return edits[i]

    def action(self, ref: str) -> dict[str, Any] | None:
        i = self.action_index.get(ref)
        return None if i is None else self._data(self.actions, self.plan.actions, i)

    def apply(self, change: ScenarioChange, field: str, source: str) -> list[Problem]:
        kind = change.kind
        if kind == "drop":
            problems = []
            for ref in change.drop or ():
                data = self.action(ref)
                if data is None:
                    problems.append(_unknown(source, f"{field}.drop", "an action", ref,
                                             list(self.action_index)))
                else:
                    data["priority"] = "wont"
            return problems
        if kind == "due":
            if change.milestone is None:
                if self.goal is None:
                    self.goal = self.plan.goal.model_dump(mode="python", exclude_defaults=True)
                self.goal["due"] = change.due
                return []
            i = self.milestone_index.get(change.milestone)
            if i is None:
                return [_unknown(source, f"{field}.milestone", "a milestone", change.milestone,
                                 list(self.milestone_index))]
            self._data(self.milestones, self.plan.milestones, i)["due"] = change.due
            return []
        if kind in QUEUE_CHANGE_KINDS:
            if self.plan.queue is None:
                return [Problem(
                    "unknown-id", source, f"{field}.{kind}",
                    f"a {kind} change needs the plan's queue, and the plan has none",
                    "add a queue: section (see docs/staffing.md), or drop the change")]
            if self.queue is None:
                self.queue = self.plan.queue.model_dump(mode="python", exclude_defaults=True,
                                                       by_alias=True)
            entry = {k: v for k, v in change.to_dict().items() if k in (kind, "from", "to")}
            self.queue["adjust"] = [*self.queue.get("adjust", ()), entry]
            return []
        if kind == "add_hours":
            assert change.person is not None
            assert change.add_hours is not None
            i = self.person_index.get(change.person)
            if i is None:
                return [_unknown(source, f"{field}.person", "a person", change.person,
                                 list(self.person_index))]
            person = self._data(self.people, self.plan.people, i)
            # rounded past any hours a plan can tell apart: 0.1 + 0.2 is 0.3, as a user
            # would write it (not 0.30000000000000004)
            hours = round(person["hours_per_day"] + change.add_hours, 9)
            if hours > _MAX_HOURS:
                return [Problem(
                    "invalid-value", source, f"{field}.add_hours",
                    f"{change.person} would have {hours:g} project hours a day, more than 24",
                    "add fewer hours",
                )]
            person["hours_per_day"] = hours
            return []
        assert change.action is not None  # every other kind names an action (the model checks)
        data = self.action(change.action)
        if data is None:
            return [_unknown(source, f"{field}.action", "an action", change.action,
                             list(self.action_index))]
        if kind == "duration":
            data["duration"] = change.duration
            for sizing in ("estimate", "effort"):
                data.pop(sizing, None)
        elif kind == "effort_hours":
            data["effort"] = {"hours": change.effort_hours}
            for sizing in ("estimate", "duration"):
                data.pop(sizing, None)
        elif kind == "not_before":
            data["not_before"] = change.not_before
        elif kind == "not_after":
            data["not_after"] = change.not_after
        elif kind == "lag":
            if change.lag:
                data["lag"] = change.lag
            else:
                data.pop("lag", None)
        else:  # remove_after
            after = tuple(data.get("after", ()))
            if change.remove_after not in after:
                return [Problem(
                    "unknown-id", source, f"{field}.remove_after",
                    f"{change.action} does not wait for {change.remove_after!r}",
                    f"its after: {', '.join(after) or '(none)'}",
                )]
            data["after"] = tuple(ref for ref in after if ref != change.remove_after)
            if not data["after"]:
                data.pop("after")
                data.pop("lag", None)  # a lag counts from a predecessor
        return []

    def build(self, source: str) -> tuple[Plan, list[Problem]]:
        """The changed plan, or the problems of the changed items."""
        problems: list[Problem] = []
        update: dict[str, Any] = {}
        if self.goal is not None:
            goal = _validated(Goal, self.goal, self.plan.goal.id, source, problems)
            update["goal"] = goal
        if self.queue is not None:
            update["queue"] = _validated(Queue, self.queue, "queue", source, problems)
        for name, edits, model, items in (
            ("actions", self.actions, Action, self.plan.actions),
            ("milestones", self.milestones, Milestone, self.plan.milestones),
            ("people", self.people, Person, self.plan.people),
        ):
            if not edits:
                continue
            new = list(items)
            for i, data in edits.items():
                item = _validated(model, data, str(data.get("id")), source, problems)
                if item is not None:
                    new[i] = item
            update[name] = tuple(new)
        return self.plan.model_copy(update=update), problems


def _validated(
    model: type[BaseModel], data: dict[str, Any], item_id: str, source: str,
    problems: list[Problem],
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            code = error["type"] if error["type"] in PROBLEM_CODES else "invalid-value"
            context = error.get("ctx") or {}
            field = str(context.get("field") or ".".join(str(p) for p in error["loc"]))
            problems.append(Problem(code, item_id, field, str(error["msg"]),
                                    f"after applying {source}"))
        return None


def _unknown(source: str, field: str, what: str, ref: str, known: Sequence[str]) -> Problem:
    close = difflib.get_close_matches(ref, list(known), n=1, cutoff=0.6)
    listed = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
    return Problem("unknown-id", source, field, f"{ref!r} is not {what} of the plan",
                   f"did you mean {close[0]!r}?" if close else
                   f"the plan has: {listed}" if known else "the plan has none")
