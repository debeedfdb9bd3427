"""Portfolio risk: each goal's chance of meeting its date, each objective's chance that all of
its goals do, with shared risks that hit several plans in the same run.

How it is computed (see ``docs/portfolio.md``):

* **Each plan** is simulated by :func:`~backplan.simulate_schedule` (its estimates and its own
  risks, ``samples`` runs, precedence network), seeded by the portfolio's seed and the goal's id
  only: the same answer whatever the order of the plans and the number of workers. Its runs
  start from its place in the portfolio: each run's completion is moved by the working days the
  shared capacity moves the plan (its portfolio earliest completion minus the completion it
  would have alone on the network), so with nothing uncertain the chance is 1 when the plan is
  feasible in the portfolio and 0 when it is not. A delay in one plan does not move another's
  bookings within a run.
* **A shared risk** (the portfolio's ``risks:``) happens or not once per run, for every plan it
  touches. Its draws per run come from the seed and the risk's id (not from any plan). Given
  which shared risks happened, the plans are independent, so each plan is simulated once per
  combination of the shared risks that touch it (those that happened added to it with
  probability 1), and in run ``r`` a plan makes it with the chance ``P(plan | combination of
  run r)``.
* **A goal's chance** is the mean over the runs of that chance; **an objective's chance** is the
  mean over the runs of the product of its goals' chances in the run (all of them must make it,
  in the same run): each goal by its own due date and by the objective's.

What runs where: the portfolio schedule (shared capacity, coupled) runs once in this process; the
plans' simulations are independent tasks that run here, on a local Dask cluster
(``workers``), or on an existing one (``scheduler_address``); combining the runs is done here.
The same seed gives the same numbers, byte for byte, whatever the number of workers.

Example:
    >>> import datetime as dt
    >>> from backplan import load_portfolio
    >>> portfolio = load_portfolio("examples/portfolio/portfolio.yaml")
    >>> sim = simulate_portfolio(portfolio, today=dt.date(2026, 11, 23), samples=500, seed=1)
    >>> [(g.goal, round(g.probability, 2)) for g in sim.goals]
    [('billing-aht', 1.0), ('collections-fcr', 1.0), ('onboarding-csat', 0.0), ('retention-fcr', 1.0)]
    >>> sim.objective("csat-88").probability
    0.0
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backplan.analysis._parallel import balanced, run_tasks
from backplan.analysis.portfolio import (
    PortfolioSchedule,
    objective_status,
    portfolio_html,
    schedule_portfolio,
)
from backplan.calendars import plan_calendar
from backplan.errors import require
from backplan.graph.portfolio import aligned_goals, shared_risks_by_plan
from backplan.models import Plan
from backplan.models.portfolio import Portfolio, SharedRisk
from backplan.models.risk import Distribution
from backplan.words import percent

__all__ = ["GoalChance", "ObjectiveChance", "PortfolioSimulation", "simulate_portfolio"]


@dataclass(frozen=True, slots=True)
class GoalChance:
    """A goal's chance of meeting its due date (``probability``), and of meeting its
    objective's due date too when that comes first (``probability_objective``)."""

    plan: str
    goal: str
    due: dt.date
    probability: float
    probability_objective: float


@dataclass(frozen=True, slots=True)
class ObjectiveChance:
    """An objective's chance that every goal aligned to it makes it, in the same run."""

    id: str
    due: dt.date | None
    probability: float


@dataclass(frozen=True)
class PortfolioSimulation:
    """The result of :func:`simulate_portfolio`.

    Attributes:
        schedule: the portfolio schedule the runs start from.
        goals: each goal's chance, in portfolio order.
        objectives: each objective's chance, in file order.
        risks: each shared risk's id and the share of runs in which it happened.
        workers: the local cluster's workers (None: here or an existing cluster).
    """

    schedule: PortfolioSchedule
    samples: int
    seed: int
    distribution: Distribution
    threshold: float
    confidence: float
    goals: tuple[GoalChance, ...]
    objectives: tuple[ObjectiveChance, ...]
    risks: tuple[tuple[str, float], ...]
    workers: int | None = dataclasses.field(default=None, compare=False)

    def goal(self, ref: str) -> GoalChance:
        """The chance of the goal with this id (or of the plan with this path)."""
        for goal in self.goals:
            if ref in (goal.goal, goal.plan):
                return goal
        raise KeyError(f"no goal or plan {ref!r} in the simulation")

    def objective(self, objective_id: str) -> ObjectiveChance:
        """The chance of the objective with this id."""
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise KeyError(f"no objective {objective_id!r} in the simulation")

    def status(self, objective_id: str) -> str:
        """The objective's status with its chance counted (see
        :func:`~backplan.analysis.portfolio.objective_status`)."""
        outcome = self.schedule.objective(objective_id)
        members = [self.schedule.goal(g) for g in outcome.goals]
        return objective_status(goals=members, feasible=outcome.feasible,
                                probability=self.objective(objective_id).probability,
                                threshold=self.threshold, confidence=self.confidence)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``backplan portfolio --risk --format json``: the schedule's, with
        ``probability`` on each goal and objective (whose ``status`` counts it) and ``seed``."""
        data = self.schedule.to_dict()
        out: dict[str, Any] = {}
        for key, value in data.items():
            out[key] = value
            if key == "today":
                out["seed"] = self.seed
        for row, chance in zip(out["goals"], self.goals, strict=True):
            row["probability"] = chance.probability
        for row, objective in zip(out["objectives"], self.objectives, strict=True):
            row["probability"] = objective.probability
            row["status"] = self.status(objective.id)
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def goals_frame(self) -> Any:
        """The schedule's goals frame with ``probability`` and ``probability_objective``."""
        frame = self.schedule.goals_frame()
        frame["probability"] = [g.probability for g in self.goals]
        frame["probability_objective"] = [g.probability_objective for g in self.goals]
        return frame

    def objectives_frame(self) -> Any:
        """The schedule's objectives frame with ``probability`` and the status counting it."""
        frame = self.schedule.objectives_frame()
        frame["probability"] = [o.probability for o in self.objectives]
        frame["status"] = [self.status(o.id) for o in self.objectives]
        return frame

    def __str__(self) -> str:
        lines = [str(self.schedule), f"  chances ({self.samples:,} runs, seed {self.seed}, "
                                     f"{self.distribution}):"]
        for objective in self.objectives:
            lines.append(f"    objective {objective.id}: {percent(objective.probability)} that every "
                         f"goal makes it ({self.status(objective.id).replace('_', ' ')})")
        for goal in self.goals:
            extra = (f", {percent(goal.probability_objective)} by its objective's date"
                     if goal.probability_objective != goal.probability else "")
            lines.append(f"    {goal.goal}: {percent(goal.probability)} by {goal.due}{extra}")
        for risk, share in self.risks:
            lines.append(f"    shared risk {risk}: happened in {percent(share)} of runs")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<PortfolioSimulation {self.schedule.portfolio!r} samples={self.samples} "
                f"seed={self.seed}>")

    def _repr_html_(self) -> str:
        chances = {g.goal: g.probability for g in self.goals}
        chances.update({o.id: o.probability for o in self.objectives})
        return portfolio_html(self.schedule, chances)


# --------------------------------------------------------------------------- the tasks


@dataclass(frozen=True, slots=True)
class _Task:
    """One plan's simulations: one per combination of the shared risks that touch it."""

    index: int
    plan: Plan
    risks: tuple[tuple[SharedRisk, tuple[str, ...]], ...]
    today: dt.date
    samples: int
    seed: int
    distribution: Distribution
    earliest: dt.date | None  # its earliest completion in the portfolio
    deadlines: tuple[dt.date, ...]


def _stable(*parts: object) -> int:
    """A seed from ``parts`` that does not depend on the process (unlike ``hash``)."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big") >> 1


def _uncertain(plan: Plan) -> bool:
    return bool(plan.risks) or any(
        a.estimate is not None and a.estimate.optimistic != a.estimate.pessimistic
        for a in plan.actions if a.priority != "wont")


def simulate_task(task: _Task) -> list[list[float]]:
    """For each combination of the task's shared risks (bit ``j`` set: risk ``j`` happened),
    the plan's chance of meeting each of ``task.deadlines``."""
    from backplan.analysis.risk import simulate_schedule

    calendar = plan_calendar(task.plan, today=task.today)
    out = []
    for pattern in range(1 << len(task.risks)):
        happened = tuple(risk.as_risk(actions) for j, (risk, actions) in enumerate(task.risks)
                         if pattern >> j & 1)
        plan = task.plan if not happened else task.plan.model_copy(
            update={"risks": task.plan.risks + happened})
        if task.earliest is None or not (_uncertain(plan)):
            completion = task.earliest
            if happened and task.earliest is not None:  # certain delays: one run will do
                sim = simulate_schedule(plan, today=task.today, samples=1, seed=task.seed,
                                        distribution=task.distribution, scheduler="network")
                out.append([_shifted(sim, calendar, task.earliest, d) for d in task.deadlines])
                continue
            out.append([1.0 if completion is None or completion <= d else 0.0
                        for d in task.deadlines])
            continue
        sim = simulate_schedule(plan, today=task.today, samples=task.samples, seed=task.seed,
                                distribution=task.distribution, scheduler="network")
        out.append([_shifted(sim, calendar, task.earliest, d) for d in task.deadlines])
    return out


def _shifted(sim: Any, calendar: Any, earliest: dt.date, deadline: dt.date) -> float:
    """The share of runs that, moved by the working days the portfolio moves the plan
    (``earliest`` against the plan's own deterministic completion), finish by ``deadline``."""
    planned = sim.deterministic_completion
    if planned is None:
        return 1.0
    shift = calendar.number(earliest) - calendar.number(planned)
    limit = calendar.number_on_or_before(deadline) - shift
    return float(sim.probability_by(calendar.day(limit)))


def _chunk(tasks: Sequence[_Task]) -> list[list[list[float]]]:
    return [simulate_task(task) for task in tasks]


# --------------------------------------------------------------------------- the portfolio


def simulate_portfolio(
    portfolio: Portfolio,
    *,
    today: dt.date,
    samples: int = 10_000,
    seed: int = 0,
    schedule: PortfolioSchedule | None = None,
    distribution: Distribution = "pert",
    threshold: float = 0.5,
    confidence: float = 0.8,
    ignore_capacity: bool = False,
    workers: int | None = None,
    scheduler_address: str | None = None,
) -> PortfolioSimulation:
    """Each goal's chance of meeting its due date and each objective's chance that every goal
    aligned to it does, with the shared risks drawn once per run (see the module docstring).

    Args:
        portfolio: the portfolio (:func:`backplan.load_portfolio`).
        today: the day the runs start from.
        samples: runs (at least 1).
        seed: the same seed gives the same result, whatever ``workers``.
        schedule: the portfolio's schedule, when already made with the same ``today`` (else
            :func:`~backplan.schedule_portfolio` with ``seed`` and ``ignore_capacity``).
        distribution: ``pert`` or ``triangular``, for estimates that name none.
        threshold: an objective whose chance is below this is off track.
        confidence: an objective whose chance is below this is at risk.
        ignore_capacity: schedule the portfolio by precedence alone.
        workers: simulate the plans on a local Dask cluster of this many worker processes.
        scheduler_address: simulate them on the Dask cluster at this address instead.

    Returns:
        A frozen :class:`PortfolioSimulation`.

    Raises:
        MissingExtraError: numpy (``backplan[risk]``) or, with a cluster, ``dask.distributed``
            (``backplan[distributed]``) is not installed.
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a whole number of runs, at least 1; got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    for name, value in (("threshold", threshold), ("confidence", confidence)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be from 0 to 1, got {value!r}")
    np = require("numpy", extra="risk", feature="portfolio risk")
    if schedule is None:
        schedule = schedule_portfolio(portfolio, today=today, seed=seed,
                                      ignore_capacity=ignore_capacity)
    elif schedule.today != today:
        raise ValueError(f"the schedule is from {schedule.today}, the simulation from {today}")
    touching = shared_risks_by_plan(portfolio)
    aligned = aligned_goals(portfolio)
    objective_due = {}
    for objective in portfolio.objectives:
        for goal in aligned[objective.id]:
            objective_due[goal] = objective.due
    tasks = []
    for k, entry in enumerate(portfolio.plans):
        due = entry.plan.goal.due
        other = objective_due.get(entry.goal)
        deadlines = (due,) if other is None or other >= due else (due, other)
        tasks.append(_Task(k, entry.plan, touching[entry.goal], today, samples,
                           _stable(seed, "goal", entry.goal), distribution,
                           schedule.goals[k].earliest_completion, deadlines))
    parallel = workers is not None or scheduler_address is not None
    parts = 1 if not parallel else max(1, (workers or 2) * 16)
    costs = [float((len(t.plan.actions) + 1) * (1 << len(t.risks))) for t in tasks]
    groups = balanced(costs, parts)
    answers = run_tasks(_chunk, [[tasks[i] for i in group] for group in groups],
                        workers=workers, scheduler_address=scheduler_address)
    chances: list[list[list[float]]] = [[] for _ in tasks]
    for group, answer in zip(groups, answers, strict=True):
        for i, result in zip(group, answer, strict=True):
            chances[i] = result

    # The shared risks, drawn once per run from the seed and each risk's id.
    happened = {}
    for risk in portfolio.risks:
        generator = np.random.default_rng(_stable(seed, "shared-risk", risk.id))
        happened[risk.id] = generator.random(samples) < risk.probability
    per_goal: list[Any] = []  # per plan: its chance in each run (own due, objective's due)
    goals = []
    for task, table in zip(tasks, chances, strict=True):
        index = np.zeros(samples, dtype=np.int64)
        for j, (risk, _) in enumerate(task.risks):
            index |= happened[risk.id].astype(np.int64) << j
        values = np.asarray(table, dtype=np.float64)[index]  # runs x deadlines
        own, objective_value = values[:, 0], values[:, -1]
        per_goal.append(objective_value)
        entry = portfolio.plans[task.index]
        goals.append(GoalChance(entry.path, entry.goal, entry.plan.goal.due,
                                float(own.mean()), float(objective_value.mean())))
    index_of = {entry.goal: k for k, entry in enumerate(portfolio.plans)}
    objectives = []
    for objective in portfolio.objectives:
        product = np.ones(samples, dtype=np.float64)
        for goal in aligned[objective.id]:
            product *= per_goal[index_of[goal]]
        objectives.append(ObjectiveChance(objective.id, objective.due,
                                          float(product.mean()) if aligned[objective.id]
                                          else 1.0))
    risks = tuple((risk.id, float(happened[risk.id].mean())) for risk in portfolio.risks)
    return PortfolioSimulation(schedule, samples, seed, distribution, threshold, confidence,
                               tuple(goals), tuple(objectives), risks, workers)
