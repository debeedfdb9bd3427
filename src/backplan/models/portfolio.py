"""A portfolio: many plans, one goal each, aligned to company objectives and sharing people.

The portfolio file (YAML or JSON, read by :func:`backplan.load_portfolio`) says what the plans
serve and who they share::

    portfolio: {id: cx-2027, title: Customer experience 2027}
    objectives:                       # company objectives (OKR level 1)
      - {id: csat-88, title: CSAT 88% across all queues, due: 2027-06-30}
    people: people.yaml               # people shared by every plan (a file, or a list inline)
    plans: [teams/*.yaml]             # paths or globs, relative to this file
    risks:                            # shared risks: one event that hits several plans at once
      - {id: vendor-late, probability: 0.2, impact: 5, actions: [crm-release]}

Each plan's ``goal.parent`` names an objective or another plan's goal: the alignment tree. A
plan's ``priority`` (in its ``plans:`` entry, else in the plan file) and its objective's decide
who gets a shared person's hours first: the smaller number first.

:class:`PortfolioFile` is the file as written (every model forbids unknown keys);
:class:`Portfolio` is what loading makes of it: the plans read, each with the portfolio people
it books. :class:`PortfolioChange` is one change to a portfolio (what a portfolio fix proposes),
and :func:`apply_portfolio_changes` applies changes to a copy.

Example:
    >>> file = PortfolioFile.model_validate({
    ...     "portfolio": {"id": "cx", "title": "CX"},
    ...     "objectives": [{"id": "csat-88", "due": "2027-06-30"}],
    ...     "plans": ["teams/*.yaml", {"path": "north.yaml", "priority": 1}]})
    >>> [(entry.path, entry.priority) for entry in file.plans]
    [('teams/*.yaml', None), ('north.yaml', 1)]
    >>> PortfolioChange.model_validate({"plan": "north.yaml", "due": "2027-05-07"}).to_dict()
    {'plan': 'north.yaml', 'due': '2027-05-07'}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from backplan.errors import PlanValidationError, Problem
from backplan.models._types import INPUT_CONFIG, Id, PlanDate, PlanPriority
from backplan.models.changes import apply_changes
from backplan.models.people import Person
from backplan.models.plan import Plan
from backplan.models.risk import Risk
from backplan.models.scenario import ScenarioChange

__all__ = [
    "MAX_SHARED_RISKS",
    "Objective",
    "PlanEntry",
    "Portfolio",
    "PortfolioChange",
    "PortfolioFile",
    "PortfolioInfo",
    "PortfolioPlan",
    "SharedRisk",
    "apply_portfolio_changes",
    "priority_key",
]

#: Most shared risks that may touch one plan: the simulation runs the plan once for each
#: combination of them (2 ** k runs of ``samples``).
MAX_SHARED_RISKS = 8

_Days = Annotated[int, Field(strict=True, ge=1, le=3650)]
_Probability = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]


def _text(value: Any) -> Any:
    if isinstance(value, str) and (not value.strip() or "\n" in value):
        raise PydanticCustomError(
            "invalid-value", "a plan path must be non-empty text on one line, got {value!r}",
            {"value": value})
    return value


_PathText = Annotated[str, BeforeValidator(_text)]


class PortfolioInfo(BaseModel):
    """The portfolio's ``id`` and ``title``.

    Example:
        >>> PortfolioInfo(id="cx-2027", title="Customer experience 2027").title
        'Customer experience 2027'
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    owner: str | None = None


class Objective(BaseModel):
    """A company objective (OKR level 1) that goals align to through their ``goal.parent``.

    ``due`` is the date the objective is to be met: every goal aligned to it must be complete
    by then (and by its own due date). ``priority`` passes to the plans aligned to it (after a
    plan's own priority): the smaller first.

    Example:
        >>> Objective(id="csat-88", title="CSAT 88%", due="2027-06-30").due.isoformat()
        '2027-06-30'
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    due: PlanDate | None = None
    priority: PlanPriority | None = None
    owner: str | None = None


def _entry(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


class PlanEntry(BaseModel):
    """One entry of ``plans:``: a path or a glob (``teams/*.yaml``), relative to the portfolio
    file, with an optional ``priority`` for every plan it names. Written as a plain string when
    there is no priority.

    Example:
        >>> PlanEntry.model_validate({"path": "teams/*.yaml", "priority": 2}).priority
        2
    """

    model_config = INPUT_CONFIG

    path: _PathText
    priority: PlanPriority | None = None


class SharedRisk(BaseModel):
    """A risk of the portfolio's register: one event that, when it happens, hits every plan it
    names in the same run.

    Attributes:
        id: the risk's id (distinct from the ids of the plans it touches).
        probability: the chance that it happens, from 0 to 1.
        impact: working days it adds, to each action of ``actions`` (in every plan that has an
            action with that id), or to the completion of each plan it touches when
            ``actions`` is empty.
        goals: the goals (their plans) it touches; empty means every plan (that has one of
            ``actions``, when ``actions`` are given).
        actions: action ids; empty means the whole plan.

    Example:
        >>> SharedRisk(id="vendor-late", probability=0.2, impact=5,
        ...            actions=["crm-release"]).goals
        ()
    """

    model_config = INPUT_CONFIG

    id: Id
    title: str = ""
    probability: _Probability
    impact: _Days
    goals: tuple[Id, ...] = ()
    actions: tuple[Id, ...] = ()
    owner: str | None = None

    def as_risk(self, actions: Sequence[str]) -> Risk:
        """The plan risk it becomes in a plan where it surely happens and delays ``actions``
        (the whole plan when empty)."""
        return Risk(id=self.id, title=self.title, probability=1.0, impact=self.impact,
                    actions=tuple(actions), owner=self.owner)


class PortfolioFile(BaseModel):
    """The portfolio file as written (see the module docstring).

    Example:
        >>> PortfolioFile.model_validate({"portfolio": {"id": "p"}, "plans": ["a.yaml"],
        ...                               "people": [{"id": "qa", "hours_per_day": 2}]}).people
        (Person(id='qa', name='', hours_per_day=2.0, workdays=None, time_off=(), rules=()),)
    """

    model_config = INPUT_CONFIG

    portfolio: PortfolioInfo
    objectives: tuple[Objective, ...] = ()
    #: The people every plan shares. In a file, ``people:`` may instead name a file holding
    #: the list (:func:`backplan.load_portfolio` reads it).
    people: tuple[Person, ...] = ()
    plans: tuple[Annotated[PlanEntry, BeforeValidator(_entry)], ...] = Field(min_length=1)
    risks: tuple[SharedRisk, ...] = ()

    @field_validator("plans", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str | dict) else value


@dataclass(frozen=True, slots=True)
class PortfolioPlan:
    """One plan of a loaded portfolio.

    Attributes:
        path: the plan's path as the portfolio file gives it (a glob's match, relative to the
            portfolio file as the glob is written); the JSON's ``plan``.
        plan: the plan, its ``people`` holding the portfolio people it books after its own.
        priority: its priority: its ``plans:`` entry's, else the plan file's (None: none).
        file: the file it was read from (None when built in memory).
    """

    path: str
    plan: Plan
    priority: int | None = None
    file: str | None = None

    @property
    def goal(self) -> str:
        """The id of the plan's goal."""
        return self.plan.goal.id

    def __repr__(self) -> str:
        return f"<PortfolioPlan {self.path!r} goal={self.goal!r} priority={self.priority}>"


@dataclass(frozen=True, slots=True)
class Portfolio:
    """A loaded portfolio: the plans read and checked, their people shared.

    Build it with :func:`backplan.load_portfolio`, which checks what the plans refer to
    (parents, shared people, shared risks); building it yourself skips those checks.

    Attributes:
        id, title: from the file's ``portfolio:``.
        objectives: the company objectives, in file order.
        people: the people every plan shares (a plan may not redefine them).
        plans: the plans, in the order the file lists them (globs sorted by name).
        risks: the shared risks.
        source: the portfolio file (None when built from a mapping).
    """

    id: str
    title: str
    objectives: tuple[Objective, ...]
    people: tuple[Person, ...]
    plans: tuple[PortfolioPlan, ...]
    risks: tuple[SharedRisk, ...] = ()
    source: str | None = None

    @property
    def shared_people(self) -> frozenset[str]:
        """The ids of the portfolio's people (those whose hours the plans share)."""
        return frozenset(p.id for p in self.people)

    def plan(self, ref: str) -> PortfolioPlan:
        """The plan with this path (as given) or whose goal has this id.

        Raises:
            KeyError: no plan has this path or goal, naming those there are.
        """
        for entry in self.plans:
            if ref in (entry.path, entry.goal):
                return entry
        known = ", ".join(entry.path for entry in self.plans[:8])
        raise KeyError(f"no plan {ref!r} in portfolio {self.id!r}; its plans: {known}")

    def objective(self, objective_id: str) -> Objective:
        """The objective with this id (KeyError naming it when there is none)."""
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise KeyError(f"no objective {objective_id!r} in portfolio {self.id!r}")

    def __str__(self) -> str:
        return (f"Portfolio {self.id!r}: {len(self.plans)} plans, {len(self.objectives)} "
                f"objectives, {len(self.people)} shared people, {len(self.risks)} shared risks")

    def __repr__(self) -> str:
        return (f"<Portfolio {self.id!r} plans={len(self.plans)} "
                f"objectives={len(self.objectives)} people={len(self.people)}>")


def priority_key(portfolio: Portfolio) -> list[tuple[float, float, int]]:
    """Each plan's place in the levelling order, in ``portfolio.plans`` order: its own
    priority, then its objective's (the objective its goal aligns to, through parent goals),
    then its position in the file; the smaller first, no priority after every priority.

    Example:
        >>> from backplan.models import Plan
        >>> def entry(goal, parent, priority=None):
        ...     plan = Plan.model_validate({"goal": {"id": goal, "due": "2027-03-31",
        ...                                          "parent": parent}})
        ...     return PortfolioPlan(f"{goal}.yaml", plan, priority)
        >>> portfolio = Portfolio("p", "", (Objective(id="o1"), Objective(id="o2", priority=1)),
        ...                       (), (entry("a", "o1"), entry("b", "o2"), entry("c", "b", 5)))
        >>> sorted(range(3), key=priority_key(portfolio).__getitem__)
        [2, 1, 0]
    """
    objectives = {o.id: o for o in portfolio.objectives}
    parents = {entry.goal: entry.plan.goal.parent for entry in portfolio.plans}
    inf = float("inf")
    keys = []
    for k, entry in enumerate(portfolio.plans):
        node: str | None = entry.goal
        seen: set[str] = set()
        while node is not None and node in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        objective = objectives.get(node) if node is not None else None
        own = inf if entry.priority is None else float(entry.priority)
        inherited = inf if objective is None or objective.priority is None else float(
            objective.priority)
        keys.append((own, inherited, k))
    return keys


# --------------------------------------------------------------------------- changes


class PortfolioChange(BaseModel):
    """One change to a portfolio: a plan's change, a shared person's hours, or a plan's priority.

    Written as a scenario change (:class:`~backplan.ScenarioChange`) with ``plan`` naming the
    plan it applies to (its path as the portfolio gives it), or ``plan`` with ``priority`` (the
    plan's new priority). A change of a shared person's hours (``person`` with ``add_hours``)
    names no plan: that person has the hours in every plan.

    Example:
        >>> PortfolioChange.model_validate({"plan": "teams/c.yaml", "priority": 0}).kind
        'priority'
        >>> PortfolioChange.model_validate({"person": "qa", "add_hours": 1.5}).to_dict()
        {'person': 'qa', 'add_hours': 1.5}
    """

    model_config = INPUT_CONFIG

    plan: _PathText | None = None
    priority: PlanPriority | None = None
    change: ScenarioChange | None = None

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "change" not in data:
            rest = {k: v for k, v in data.items() if k not in ("plan", "priority")}
            data = {k: v for k, v in data.items() if k in ("plan", "priority")}
            if rest:
                data["change"] = rest
        return data

    @model_validator(mode="after")
    def _one_thing(self) -> PortfolioChange:
        if (self.priority is None) == (self.change is None):
            raise PydanticCustomError(
                "invalid-value",
                "a portfolio change gives a plan's 'priority' or one scenario change; found "
                "{found}", {"found": "both" if self.priority is not None else "neither"})
        if self.plan is None and (self.change is None or self.change.kind != "add_hours"):
            raise PydanticCustomError(
                "missing-field", "this change needs 'plan': say which plan it changes",
                {"field": "plan"})
        return self

    @property
    def kind(self) -> str:
        """``priority``, or the scenario change's kind (``due``, ``add_hours``, ``drop`` ...)."""
        return "priority" if self.change is None else self.change.kind

    def to_dict(self) -> dict[str, Any]:
        """The change as JSON-ready data: ``plan`` (when it names one), then the change."""
        data: dict[str, Any] = {} if self.plan is None else {"plan": self.plan}
        if self.change is None:
            data["priority"] = self.priority
        else:
            data.update(self.change.to_dict())
        return data

    def __str__(self) -> str:
        if self.change is None:
            return f"{self.plan}: priority {self.priority}"
        return f"{self.plan}: {self.change}" if self.plan is not None else str(self.change)


def apply_portfolio_changes(
    portfolio: Portfolio, changes: Iterable[PortfolioChange | Mapping[str, Any]]
) -> Portfolio:
    """A copy of ``portfolio`` with ``changes`` applied in order (the portfolio is unchanged).

    A change naming a plan applies to that plan (:func:`~backplan.apply_changes`), or sets its
    priority; ``add_hours`` without a plan gives a shared person more hours in every plan.

    Raises:
        PlanValidationError: a change names a plan, or a person, the portfolio does not have,
            or does not apply to its plan (every problem at once).

    Example:
        >>> from backplan.models import Plan
        >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-03-31"},
        ...     "people": [{"id": "qa", "hours_per_day": 2}],
        ...     "actions": [{"id": "a", "effort": 4, "assignees": ["qa"]}]})
        >>> portfolio = Portfolio("p", "", (), plan.people, (PortfolioPlan("g.yaml", plan),))
        >>> changed = apply_portfolio_changes(portfolio, [{"person": "qa", "add_hours": 1},
        ...                                               {"plan": "g.yaml", "priority": 2}])
        >>> changed.people[0].hours_per_day, changed.plans[0].plan.people[0].hours_per_day
        (3.0, 3.0)
        >>> changed.plans[0].priority, portfolio.plans[0].priority
        (2, None)
    """
    plans = list(portfolio.plans)
    people = list(portfolio.people)
    problems: list[Problem] = []
    index = {entry.path: k for k, entry in enumerate(plans)}
    for k, entry in enumerate(plans):
        index.setdefault(entry.goal, k)
    for n, given in enumerate(changes):
        change = given if isinstance(given, PortfolioChange) else PortfolioChange.model_validate(
            given)
        field = f"changes[{n}]"
        if change.plan is None:  # a shared person's hours, in every plan that books them
            assert change.change is not None
            person_id = change.change.person or ""
            at = next((i for i, p in enumerate(people) if p.id == person_id), None)
            if at is None:
                problems.append(Problem(
                    "unknown-id", portfolio.id, f"{field}.person",
                    f"{person_id!r} is not a person of the portfolio",
                    "name the plan too, for a person only that plan defines"))
                continue
            try:
                for i, entry in enumerate(plans):
                    if any(p.id == person_id for p in entry.plan.people):
                        plans[i] = dataclasses.replace(
                            entry, plan=apply_changes(entry.plan, [change.change],
                                                      name=entry.path, source=entry.path))
                hours = people[at].hours_per_day + (change.change.add_hours or 0)
                if hours > 24:
                    problems.append(Problem(
                        "invalid-value", portfolio.id, f"{field}.add_hours",
                        f"{person_id} would have {hours:g} project hours a day, more than 24",
                        "add fewer hours"))
                    continue
                people[at] = people[at].model_copy(update={"hours_per_day": hours})
            except PlanValidationError as error:
                problems += error.problems
            continue
        found = index.get(change.plan)
        if found is None:
            problems.append(Problem(
                "unknown-id", portfolio.id, f"{field}.plan",
                f"{change.plan!r} is not a plan of the portfolio",
                "give the plan's path as the portfolio lists it, or its goal's id"))
            continue
        entry = plans[found]
        if change.change is None:
            plans[found] = dataclasses.replace(entry, priority=change.priority)
            continue
        try:
            plans[found] = dataclasses.replace(entry, plan=apply_changes(
                entry.plan, [change.change], name=entry.path, source=entry.path))
        except PlanValidationError as error:
            problems += error.problems
    if problems:
        raise PlanValidationError(problems, source=portfolio.source, subject="the changes")
    return dataclasses.replace(portfolio, plans=tuple(plans), people=tuple(people))
