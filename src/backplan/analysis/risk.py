"""Schedule risk: Monte Carlo over three-point estimates and the risk register.

:func:`simulate_schedule` schedules the plan many times from ``today``, each run with durations
drawn from the actions' estimates and with each risk of the register happening or not, and
answers "can we make the due date?" with a probability, the chance of meeting every deadline,
dates at chosen confidences, the actions and risks that drive the answer, and the buffer
needed, with the register on its probability x impact matrix
(:mod:`backplan.analysis.risk_matrix`).

How a run is drawn (see ``docs/risk.md``):

* an action with an ``estimate`` takes ``round(X)`` working days (nearest whole day, halves up),
  where ``X`` follows the estimate's PERT or triangular distribution on
  ``[optimistic, pessimistic]``; so ``P(duration <= k) = F(k + 1/2)``, with ``F`` the
  distribution's CDF rounded to the nearest 1/65,536 (the grid the uniforms are drawn on).
  An estimate with ``optimistic == pessimistic`` always takes that value, so a plan whose
  estimates have no spread reproduces the deterministic schedule exactly;
* an action without an estimate (or one already started or done) keeps the network's duration;
* each risk happens with its ``probability`` (rounded to 1/2^32), independently of everything
  else, and then adds ``impact`` working days to each action it names; a risk that names no
  action delays every date still to come (the completion, each milestone not yet reached and
  each action's finish, against its deadlines) by ``impact`` working days.

Which scheduler runs is chosen as :func:`backplan.schedule_plan` chooses it: a plan that books
people is levelled (:mod:`backplan.analysis._risk_levelled`, one levelled schedule per distinct
run), any other plan runs through the precedence network, vectorised with numpy
(:mod:`backplan.analysis._risk_runs`). A plan in which nothing is uncertain is scheduled once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from backplan.analysis._risk_runs import (
    GRID,
    Model,
    Tally,
    empty_tally,
    grid_tables,
    prepare_model,
    run_network,
)
from backplan.analysis.risk_matrix import RiskExposure, matrix_of, risk_exposure
from backplan.analysis.risk_results import ActionRisk, MilestoneRisk, ScheduleBuffer, Simulation
from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import require
from backplan.graph import validate_plan
from backplan.models import Plan
from backplan.models.risk import Distribution, Estimate
from backplan.scheduling.network import compile_network
from backplan.scheduling.pipeline import capacity_mode, make_scheduler
from backplan.scheduling.progress import has_progress, progress_network
from backplan.scheduling.result import CapacityMode, Fix, Flag, Schedule
from backplan.words import percent, working_days

__all__ = [
    "duration_distribution",
    "simulate_schedule",
]

_TOP = 5  # drivers named
_NAMED_GAIN = 0.005  # a risk is a driver when removing it raises the probability this much


# --------------------------------------------------------------------------------------------
# Distributions


def duration_distribution(
    estimate: Estimate, distribution: Distribution = "pert"
) -> tuple[tuple[int, float], ...]:
    """The whole working days an estimate takes in a simulation, with their probabilities.

    The duration is ``round(X)`` (halves up) with ``X`` drawn from the estimate's own
    ``distribution`` or, when it names none, from ``distribution``; the probabilities are
    multiples of 1/65,536 (the grid the simulation draws on).

    Example:
        >>> from backplan.models import Estimate
        >>> table = duration_distribution(Estimate(optimistic=2, likely=3, pessimistic=4),
        ...                               "triangular")
        >>> [(days, round(p, 4)) for days, p in table]
        [(2, 0.125), (3, 0.75), (4, 0.125)]
    """
    ((values, counts),) = grid_tables([(estimate, estimate.distribution or distribution)])
    return tuple((v, c / GRID) for v, c in zip(values, counts, strict=True))


# --------------------------------------------------------------------------------------------
# Simulation


def _quantile(histogram: dict[int, int], total: int, q: float) -> int:
    """The smallest value reached in at least a share ``q`` of the runs."""
    need = max(1, math.ceil(q * total - 1e-9))
    running = 0
    for value in sorted(histogram):
        running += histogram[value]
        if running >= need:
            return value
    return max(histogram)


def _check_share(name: str, value: float, *, closed: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r}")
    ok = 0 <= value <= 1 if closed else 0 < value < 1
    if not ok:
        bounds = "0 to 1" if closed else "between 0 and 1 (exclusive)"
        raise ValueError(f"{name} must be {bounds}, got {value!r}")
    return float(value)


def simulate_schedule(
    plan: Plan,
    *,
    today: dt.date,
    samples: int = 10_000,
    seed: int = 0,
    distribution: Distribution = "pert",
    confidence: float = 0.8,
    threshold: float = 0.5,
    scheduler: Literal["auto", "network", "levelled"] = "auto",
    ignore_capacity: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate the plan from ``today`` many times and say how likely the due date is.

    Args:
        plan: the plan; it is validated first. Actions with an ``estimate`` vary, and so do
            the risks of ``plan.risks``; everything else is as in :func:`backplan.schedule_plan`.
        today: the day work starts from (library code never reads the clock).
        samples: how many runs (at least 1). A plan in which nothing is uncertain is
            scheduled once instead (``Simulation.uncertain`` is then False).
        seed: the seed of the random generator: the same seed gives the same result.
        distribution: ``pert`` or ``triangular``, for estimates that do not name their own.
        confidence: the confidence the :class:`ScheduleBuffer` is computed for (0 < confidence < 1).
        threshold: below this probability of meeting the due date (or every deadline), a
            flag is raised (0..1).
        scheduler: ``auto`` schedules the runs as :func:`backplan.schedule_plan` does: levelled
            for people's hours when the plan books people (unless ``ignore_capacity``), else by
            precedence. ``network`` runs the precedence network, vectorised; ``levelled``
            levels every distinct run (see ``docs/risk.md`` for what it costs).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            ``schedule_plan(..., ignore_capacity=True)``); not with ``scheduler="levelled"``.
        progress: called as ``progress(done, total)`` as runs are counted.

    Returns:
        A frozen :class:`Simulation`.

    Raises:
        PlanValidationError: the plan's references are broken.
        MissingExtraError: numpy is not installed (``pip install "backplan[risk]"``).
        ValueError: a bad argument (``scheduler="levelled"`` with ``ignore_capacity``, ...).
        ScheduleRangeError: as :func:`backplan.schedule_plan` (an action its assignees can
            never book).

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan('''
        ... goal: {id: g, due: 2027-02-10}
        ... actions:
        ...   - {id: survey, estimate: {optimistic: 3, likely: 5, pessimistic: 12}}
        ...   - {id: coach, estimate: {optimistic: 5, likely: 8, pessimistic: 15}, after: [survey]}
        ... risks:
        ...   - {id: trainer-ill, probability: 0.2, impact: 5, actions: [coach]}
        ... ''')
        >>> sim = simulate_schedule(plan, today=dt.date(2027, 1, 18), samples=2000, seed=7)
        >>> sim.probability, str(sim.deterministic_completion), str(sim.p80)
        (0.842, '2027-02-03', '2027-02-10')
        >>> print(sim.buffer)
        at 80% confidence commit to 2027-02-10 (a buffer of 5 working days); 0 working days to spare before the due date
        >>> sim.drivers, sim.action("coach").criticality
        (('coach', 'survey'), 1.0)
        >>> sim.uncertain, sim.scheduler, sim.probability_all_deadlines  # no other deadline
        (True, 'network', 0.842)
    """
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, got {today!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a whole number of runs, at least 1; got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if distribution not in ("pert", "triangular"):
        raise ValueError(f"distribution must be 'pert' or 'triangular', got {distribution!r}")
    if scheduler not in ("auto", "network", "levelled"):
        raise ValueError(
            f"scheduler must be 'auto', 'network' or 'levelled', got {scheduler!r}")
    if not isinstance(ignore_capacity, bool):
        raise TypeError(f"ignore_capacity must be True or False, got {ignore_capacity!r}")
    if scheduler == "levelled" and ignore_capacity:
        raise ValueError("scheduler='levelled' counts people's hours and ignore_capacity=True "
                         "asks not to: choose one")
    confidence = _check_share("confidence", confidence, closed=False)
    threshold = _check_share("threshold", threshold, closed=True)
    np = require("numpy", extra="risk", feature="risk simulation")

    validate_plan(plan)
    capacity = capacity_mode(plan, ignore_capacity=ignore_capacity or scheduler == "network")
    runs = scheduler if scheduler != "auto" else (
        "levelled" if capacity == "levelled" else "network")
    # The plan as written, as schedule_plan schedules it (its fixes are not read here).
    planned = make_scheduler(today=today, ignore_capacity=capacity != "levelled")(plan)
    calendar = plan_calendar(plan, today=today)
    network = compile_network(plan, calendar)
    origin = calendar.number(today)  # day offsets in the runs count from here
    fixed_nodes: frozenset[int] = frozenset()
    if has_progress(plan):  # done work sits on its actual dates, possibly before today
        replanned = progress_network(plan, network, calendar, today)
        network, origin, fixed_nodes = replanned.network, replanned.start, frozenset(
            replanned.fixed)
    due = calendar.number_on_or_before(plan.goal.due) - origin
    model = prepare_model(plan, network, origin, distribution, due=due, fixed_nodes=fixed_nodes)
    made = samples if model.uncertain else 1  # without uncertainty every run is the same
    tally = empty_tally(model, len(plan.risks))
    bits = np.random.default_rng(seed).bit_generator
    if runs == "levelled":
        from backplan.analysis._risk_levelled import run_levelled

        run_levelled(np, plan, model, bits, made, tally, origin=origin, calendar=calendar,
                     today=today, planned=planned, progress=progress)
    else:
        run_network(np, model, bits, made, tally, origin=origin, progress=progress)
    return _assemble(plan, calendar, model, tally, planned, _Settings(
        today=today, origin=origin, samples=made, seed=seed, distribution=distribution,
        confidence=confidence, threshold=threshold, scheduler=runs, capacity=capacity))


@dataclass(frozen=True, slots=True)
class _Settings:
    """How a simulation was run."""

    today: dt.date
    origin: int
    samples: int
    seed: int
    distribution: Distribution
    confidence: float
    threshold: float
    scheduler: str
    capacity: CapacityMode


def _assemble(
    plan: Plan, calendar: WorkingCalendar, model: Model, tally: Tally, planned: Schedule,
    how: _Settings,
) -> Simulation:
    origin, samples, due = how.origin, how.samples, model.due

    def day(offset: int) -> dt.date:
        return calendar.day(origin + offset)

    today_offset = calendar.number(how.today) - origin
    network = model.network
    not_after = {network.ids[node]: (cap, tally.not_after_met[j] / samples)
                 for j, (node, cap) in enumerate(model.not_after)}

    scheduled = [a for a in plan.actions if a.priority != "wont"]
    actions = []
    for k, action in enumerate(scheduled):
        mean, variance = model.moments[k]
        sd = math.sqrt(variance)
        # Done work is on its actual dates: never critical (as in the deterministic schedule).
        share = 0.0 if action.status == "done" else tally.critical[model.action_nodes[k]] / samples
        cap, kept = not_after.get(action.id, (None, None))
        actions.append(ActionRisk(action.id, action.title, share, mean, sd, share * sd,
                                  model.sampled[k], None if cap is None else day(cap), kept))
    ranked = sorted((a for a in actions if a.driver_score > 0),
                    key=lambda a: (-a.driver_score, -a.criticality))
    drivers = tuple(a.id for a in ranked[:_TOP])

    histogram = tally.completion if scheduled else {}
    probability = 1.0
    deterministic = planned.earliest_completion if scheduled else None
    quantiles: list[dt.date | None] = [None, None, None]
    cdf: list[tuple[dt.date, float]] = []
    buffer: ScheduleBuffer | None = None
    if histogram and deterministic is not None:
        probability = sum(c for v, c in histogram.items() if v <= due) / samples
        planned_offset = calendar.number_on_or_before(deterministic) - origin
        quantiles = [day(_quantile(histogram, samples, q)) for q in (0.5, 0.8, 0.95)]
        running = 0
        for value in sorted(histogram):
            running += histogram[value]
            cdf.append((day(value), running / samples))
        committed = _quantile(histogram, samples, how.confidence)
        margin = due - committed
        buffer = ScheduleBuffer(how.confidence, day(committed), committed - planned_offset,
                                margin, max(0, -margin), day(today_offset + margin))

    exposures = []
    for r, risk in enumerate(plan.risks):
        without = tally.risk_without[r]
        exposures.append(risk_exposure(
            risk, tally.risk_occurred[r] / samples,
            tally.risk_met_without[r] / without if without else None,
        ))
    gains = sorted(
        ((e.probability_without - probability, e.id) for e in exposures
         if e.probability_without is not None
         and e.probability_without - probability >= _NAMED_GAIN),
        key=lambda pair: -pair[0],
    )
    risk_drivers = tuple(risk_id for _, risk_id in gains[:_TOP])
    by_id = {e.id: e for e in exposures}

    milestones = []
    for k, milestone in enumerate(plan.milestones):
        counts = tally.milestone[k]
        m_due = milestone.due
        met: float | None = None
        if m_due is not None:
            limit = calendar.number_on_or_before(m_due) - origin
            met = sum(c for v, c in counts.items() if v <= limit) / samples
        milestones.append(MilestoneRisk(
            milestone.id, m_due, met,
            *(day(_quantile(counts, samples, q)) for q in (0.5, 0.8, 0.95)),
        ))
    all_met = tally.all_met / samples

    flags: list[Flag] = []
    if not model.uncertain:
        if all_met < 1.0:
            certain = any(e.occurred == 1.0 for e in exposures)
            flags.append(_deadline_missed(plan, milestones, actions, certain))
    elif histogram and probability < how.threshold:
        flags.append(_low_confidence(
            plan, calendar, origin, today_offset, histogram, samples, due, probability,
            how.confidence, how.threshold, ranked[:_TOP], [by_id[i] for i in risk_drivers],
        ))
    elif all_met < how.threshold:
        flags.append(_low_confidence_deadlines(
            plan, calendar, origin, tally, samples, probability, all_met, how, milestones,
            actions))
    return Simulation(
        goal=plan.goal.id, goal_title=plan.goal.title, due=plan.goal.due, today=how.today,
        samples=samples, seed=how.seed, distribution=how.distribution,
        confidence=how.confidence, threshold=how.threshold, scheduler=how.scheduler,
        probability=probability, deterministic_completion=deterministic, p50=quantiles[0],
        p80=quantiles[1], p95=quantiles[2], completion_cdf=tuple(cdf),
        actions=tuple(actions), drivers=drivers, risk_drivers=risk_drivers, buffer=buffer,
        matrix=matrix_of(exposures), milestones=tuple(milestones), flags=tuple(flags),
        capacity=how.capacity, uncertain=model.uncertain, probability_all_deadlines=all_met,
        other_deadlines=sum(1 for m in plan.milestones if m.due is not None) + len(not_after),
        deterministic_feasible=planned.feasible if scheduled else None,
        deterministic_min_slack=planned.min_slack,
    )


def _missed(milestones: Sequence[MilestoneRisk], actions: Sequence[ActionRisk],
            threshold: float) -> list[tuple[float, str]]:
    """The milestone dues and not_after dates met in fewer than ``threshold`` of the runs,
    least often met first, each named."""
    missed = [(m.probability, f"milestone {m.id} (due {m.due.isoformat()})")
              for m in milestones
              if m.probability is not None and m.due is not None and m.probability < threshold]
    missed += [(a.not_after_probability, f"{a.id}'s not_after {a.not_after.isoformat()}")
               for a in actions
               if a.not_after_probability is not None and a.not_after is not None
               and a.not_after_probability < threshold]
    return sorted(missed, key=lambda pair: pair[0])


def _deadline_missed(
    plan: Plan, milestones: Sequence[MilestoneRisk], actions: Sequence[ActionRisk],
    certain: bool,
) -> Flag:
    """The ``deadline-missed`` flag of a plan in which nothing is uncertain."""
    named = [name for _, name in _missed(milestones, actions, 1.0)]
    what = f": {', '.join(named)}" if named else ""
    counted = " once the risks certain to happen are counted" if certain else ""
    return Flag(
        "deadline-missed", "error", plan.goal.id,
        f"nothing in this plan is uncertain and it misses a deadline{counted}{what}; "
        "`backplan schedule` lists the problems and their fixes",
    )


def _low_confidence_deadlines(
    plan: Plan, calendar: WorkingCalendar, origin: int, tally: Tally, samples: int,
    probability: float, all_met: float, how: _Settings, milestones: Sequence[MilestoneRisk],
    actions: Sequence[ActionRisk],
) -> Flag:
    """The ``low-confidence-deadlines`` flag: the goal is likely, every deadline is not."""
    missed = _missed(milestones, actions, how.threshold)
    named = ", ".join(f"{name} {percent(share)}" for share, name in missed)
    level = max(how.confidence, how.threshold)
    fixes = []
    for k, milestone in enumerate(plan.milestones):
        m = milestones[k]
        if m.probability is None or milestone.due is None or m.probability >= how.threshold:
            continue
        target = _quantile(tally.milestone[k], samples, level)
        limit = calendar.number_on_or_before(milestone.due) - origin
        moved = calendar.day(origin + target)
        fixes.append(Fix(
            "move-due", milestone.id,
            f"move milestone {milestone.id}'s due to {moved.isoformat()} ({percent(level)} of runs "
            f"reach it by then; buys {working_days(target - limit)})", target - limit, moved))
    return Flag(
        "low-confidence-deadlines", "warning", plan.goal.id,
        f"{percent(all_met)} chance of meeting every deadline, below the "
        f"{percent(how.threshold)} threshold, though {percent(probability)} of runs finish by the "
        f"goal's due date" + (f"; least often met: {named}" if named else ""),
        None, (), (), tuple(fixes),
    )


def _low_confidence(
    plan: Plan, calendar: WorkingCalendar, origin: int, today_offset: int,
    histogram: dict[int, int],
    samples: int, due: int, probability: float, confidence: float, threshold: float,
    drivers: list[ActionRisk], risks: list[RiskExposure],
) -> Flag:
    """The ``low-confidence`` flag: how short, what drives it, and what would fix it."""
    goal = plan.goal
    reach = _quantile(histogram, samples, threshold)
    level = max(confidence, threshold)
    target = _quantile(histogram, samples, level)
    named = [a.id for a in drivers] + [f"risk {r.id}" for r in risks]
    because = f"; driven by {', '.join(named)}" if named else ""
    commit = calendar.day(origin + target)
    start_by = calendar.day(origin + today_offset - (target - due))
    earlier = target - due
    fixes = [
        Fix("move-due", goal.id,
            f"move the goal's due date to {commit.isoformat()} ({percent(level)} of runs finish "
            f"by then; buys {working_days(earlier)})", earlier, commit),
        Fix("start-earlier", goal.id,
            f"start all work {working_days(earlier)} earlier, by "
            f"{start_by.isoformat()} ({percent(level)} confidence)", earlier, start_by),
    ]
    fixes += [
        Fix("reduce-uncertainty", a.id,
            f"narrow or shorten {a.id}: on the critical path in {percent(a.criticality)} of runs, "
            f"{a.mean_duration_days:.1f} +/- {a.sd_duration_days:.1f} working days", 0)
        for a in drivers[:3]
    ]
    fixes += [
        Fix("mitigate-risk", r.id,
            f"mitigate risk {r.id} ({percent(r.probability)}, {working_days(r.impact_days)}): without it "
            f"the chance is {percent(r.probability_without or 0.0)}", r.impact_days)
        for r in risks[:3]
    ]
    return Flag(
        "low-confidence", "warning", goal.id,
        f"{percent(probability)} chance of finishing by the due date {goal.due.isoformat()}, "
        f"below the {percent(threshold)} threshold{because}",
        reach - due, (), tuple(a.id for a in drivers), tuple(fixes),
    )
