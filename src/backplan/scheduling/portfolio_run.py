"""Shared capacity over a portfolio: each plan levelled on the hours the plans before it leave.

A shared person's hours are booked once across the whole portfolio. The plans are levelled one
after another in priority order (:func:`~backplan.models.portfolio.priority_key`: the plan's
``priority``, then its objective's, then the order of the portfolio file), each by the
scheduler :func:`~backplan.schedule_plan` uses, on each shared person's hours minus those the
plans before it booked, date by date. So a plan feasible on its own can be infeasible in the
portfolio: the hours it needs went to plans ahead of it. A plan takes the hours its levelled
schedule books (the dates the schedule shows); hours it would need before today (an infeasible
plan's) are flagged, not taken from anyone. Plans on different calendars share a person date by
date. People a plan defines itself are its own.

This is decided once over the whole portfolio, in one process: a plan's hours depend on every
plan before it. :meth:`PortfolioRun.with_changes` schedules the portfolio again with changes,
levelling again only the plans whose input changed (the plan itself, or the hours of its shared
people that the plans before it left), so that measuring a fix costs what it touches.

Each plan's search is given a budget that shrinks as the portfolio grows (see
:func:`portfolio_iterations`): a large portfolio gets a cheap levelled schedule per plan.

Example:
    >>> import datetime as dt
    >>> from backplan import build_portfolio, load_plan
    >>> def plan(goal, priority):
    ...     return load_plan({"goal": {"id": goal, "due": "2027-01-15"}, "priority": priority,
    ...                       "actions": [{"id": "audit", "effort": {"hours": 16},
    ...                                    "assignees": ["qa"]}]}, check=False)
    >>> portfolio = build_portfolio([plan("a", 2), plan("b", 1)], id="p",
    ...                             people=[{"id": "qa", "hours_per_day": 2}])
    >>> run = level_portfolio(portfolio, today=dt.date(2027, 1, 4))
    >>> [portfolio.plans[k].goal for k in run.order]
    ['b', 'a']
    >>> [(o.schedule.feasible, o.schedule.min_slack) for o in run.outcomes]
    [(False, -6), (True, 2)]

Each plan alone needs 8 of the 10 working days; together they need 16.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from backplan.calendars.window import today_problems
from backplan.errors import BackplanError, PlanValidationError, Problem
from backplan.models.portfolio import (
    Portfolio,
    PortfolioChange,
    apply_portfolio_changes,
    priority_key,
)
from backplan.scheduling.levelling_search import default_iterations
from backplan.scheduling.pipeline import capacity_mode, make_scheduler
from backplan.scheduling.result import Schedule
from backplan.scheduling.schedule import check_today

__all__ = ["PORTFOLIO_WORK", "LevellingLimitError", "PlanOutcome", "PortfolioRun",
           "level_portfolio", "portfolio_iterations", "portfolio_today_problems"]

#: Schedules decoded by the levelling searches of a whole portfolio, counted in nodes (actions
#: and milestones) decoded: each plan's budget is its share, never above what it would get
#: alone (:func:`~backplan.scheduling.levelling_search.default_iterations`), never below 1. A
#: portfolio of a few plans gets the full search; 1,000 plans of 50 actions get 4 schedules
#: each (a decode and its justification: see ``bench/README.md`` for what that costs in slack).
PORTFOLIO_WORK = 200_000

_MASK = (1 << 61) - 1
_SECONDS_PER_HOUR = 3600

#: Seconds booked per person id and date.
Booked = dict[str, dict[dt.date, int]]


def portfolio_iterations(nodes: int, plans: int) -> int:
    """The search budget of one plan of ``nodes`` nodes in a portfolio of ``plans`` plans.

    Example:
        >>> portfolio_iterations(30, 4), portfolio_iterations(50, 1000)
        (1500, 4)
    """
    share = PORTFOLIO_WORK // max(1, plans * max(1, nodes))
    return max(1, min(default_iterations(nodes), share))


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """One plan's schedule in a portfolio run.

    Attributes:
        schedule: its schedule (levelled on the hours left for it when it books people).
        booked: the seconds it books of each shared person, by date.
        signature: a fingerprint of the shared hours it was levelled on (what the plans
            before it booked of its shared people).
    """

    schedule: Schedule
    booked: Mapping[str, Mapping[dt.date, int]]
    signature: tuple[int, ...]
    contribution: Mapping[str, int]


@dataclass(frozen=True)
class PortfolioRun:
    """Every plan of a portfolio scheduled with shared capacity, in priority order.

    Attributes:
        portfolio: the portfolio scheduled.
        order: the plans' indexes (into ``portfolio.plans``) in levelling order.
        outcomes: each plan's outcome, in ``portfolio.plans`` order.
    """

    portfolio: Portfolio
    today: dt.date
    seed: int
    ignore_capacity: bool
    iterations: int | None
    order: tuple[int, ...]
    outcomes: tuple[PlanOutcome, ...]
    #: How many plans this run levelled (the others' schedules were reused).
    levelled: int = 0
    _before: dict[int, Booked] = field(default_factory=dict, compare=False, repr=False)

    @property
    def feasible(self) -> bool:
        """Every plan feasible with shared capacity."""
        return all(o.schedule.feasible for o in self.outcomes)

    @property
    def min_slack(self) -> int | None:
        """The least slack of any plan (None when no plan schedules anything)."""
        return min((o.schedule.min_slack for o in self.outcomes
                    if o.schedule.min_slack is not None), default=None)

    def schedule(self, k: int) -> Schedule:
        """The schedule of plan ``k`` (its index in ``portfolio.plans``)."""
        return self.outcomes[k].schedule

    @cached_property
    def shared(self) -> frozenset[str]:
        """The ids of the portfolio's shared people."""
        return self.portfolio.shared_people

    @cached_property
    def position(self) -> dict[int, int]:
        """Each plan's place in the levelling order (0 first), by its index."""
        return {k: n for n, k in enumerate(self.order)}

    @cached_property
    def bookers(self) -> dict[str, list[int]]:
        """The plans that book each shared person, in levelling order, by person id."""
        out: dict[str, list[int]] = {}
        for k in self.order:
            for person in self.outcomes[k].booked:
                out.setdefault(person, []).append(k)
        return out

    def before(self, k: int) -> list[int]:
        """The plans levelled before plan ``k``, in order."""
        return list(self.order[:self.position[k]])

    def booked_before(self, k: int) -> Booked:
        """The seconds of plan ``k``'s shared people that the plans before it booked."""
        if k in self._before:
            return self._before[k]
        out: Booked = {}
        here = self.position[k]
        for person in _shared_people(self.portfolio, k, self.shared):
            for j in self.bookers.get(person, ()):
                if self.position[j] >= here:
                    break
                into = out.setdefault(person, {})
                for day, seconds in self.outcomes[j].booked[person].items():
                    into[day] = into.get(day, 0) + seconds
        self._before[k] = out
        return out

    def level(self, k: int, plan: Any = None) -> Schedule:
        """Plan ``k`` (or ``plan`` in its place) scheduled as this run schedules it: on the
        hours the plans before it left."""
        entry = self.portfolio.plans[k]
        return _schedule_one(plan if plan is not None else entry.plan, self.booked_before(k),
                             today=self.today, seed=self.seed,
                             ignore_capacity=self.ignore_capacity,
                             iterations=self._budget(k))

    def alone(self, k: int) -> Schedule:
        """Plan ``k`` scheduled on its own: every shared person's hours its own."""
        return _schedule_one(self.portfolio.plans[k].plan, {}, today=self.today,
                             seed=self.seed, ignore_capacity=self.ignore_capacity,
                             iterations=self._budget(k))

    def _budget(self, k: int) -> int | None:
        if self.iterations is not None:
            return self.iterations
        plan = self.portfolio.plans[k].plan
        return portfolio_iterations(len(plan.actions) + len(plan.milestones),
                                    len(self.portfolio.plans))

    def with_changes(self, changes: Iterable[PortfolioChange | Mapping[str, Any]], *,
                     limit: int | None = None) -> PortfolioRun:
        """The portfolio scheduled again with ``changes`` applied (the same way): only the
        plans whose input changed are levelled again.

        Raises:
            PlanValidationError: a change does not apply.
            LevellingLimitError: more than ``limit`` plans would be levelled again.
        """
        changed = apply_portfolio_changes(self.portfolio, changes)
        touched = {k for k, (old, new) in enumerate(zip(self.portfolio.plans, changed.plans,
                                                        strict=True))
                   if old.plan is not new.plan}
        return _run(changed, today=self.today, seed=self.seed,
                    ignore_capacity=self.ignore_capacity, iterations=self.iterations,
                    reuse=self, touched=touched, limit=limit)


def level_portfolio(
    portfolio: Portfolio,
    *,
    today: dt.date,
    seed: int = 0,
    ignore_capacity: bool = False,
    iterations: int | None = None,
) -> PortfolioRun:
    """Schedule every plan of ``portfolio`` with shared capacity (see the module docstring).

    Args:
        portfolio: the portfolio (:func:`backplan.load_portfolio`).
        today: the day planning starts from.
        seed: seeds every plan's levelling search.
        ignore_capacity: schedule every plan by precedence alone (nobody's hours counted, so
            nothing is shared).
        iterations: each plan's search budget (default :func:`portfolio_iterations`).

    Returns:
        The :class:`PortfolioRun`; its schedules' fixes are not verified
        (:func:`backplan.schedule_portfolio` measures them on the portfolio).

    Raises:
        PlanValidationError: :func:`portfolio_today_problems` found any.
    """
    today = check_today(today)
    problems = portfolio_today_problems(portfolio, today=today)
    if problems:
        raise PlanValidationError(problems, source=portfolio.source, subject="the portfolio")
    return _run(portfolio, today=today, seed=seed, ignore_capacity=ignore_capacity,
                iterations=iterations, reuse=None, touched=set())


def portfolio_today_problems(portfolio: Portfolio, *, today: dt.date) -> list[Problem]:
    """Every plan's :func:`~backplan.calendars.window.today_problems` (today more than a
    century from its due date), each at its plan's file: what scheduling the portfolio refuses,
    all at once, as scheduling each plan alone would.

    Example:
        >>> from backplan import build_portfolio, load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-15"}})
        >>> portfolio = build_portfolio([plan], id="p")
        >>> [(p.item, p.field) for p in portfolio_today_problems(portfolio,
        ...                                                      today=dt.date(1900, 1, 1))]
        [('g', 'due')]
    """
    return [replace(problem, file=entry.file) for entry in portfolio.plans
            for problem in today_problems(entry.plan, today=today)]


def _shared_people(portfolio: Portfolio, k: int, shared: frozenset[str] | None = None
                   ) -> frozenset[str]:
    """The shared people plan ``k`` books (``shared``: the portfolio's, when known)."""
    shared = portfolio.shared_people if shared is None else shared
    return frozenset(p.id for p in portfolio.plans[k].plan.people if p.id in shared)


class LevellingLimitError(BackplanError):
    """Scheduling a portfolio again would level more plans than its ``limit`` allows."""


def _run(
    portfolio: Portfolio, *, today: dt.date, seed: int, ignore_capacity: bool,
    iterations: int | None, reuse: PortfolioRun | None, touched: set[int],
    limit: int | None = None,
) -> PortfolioRun:
    keys = priority_key(portfolio)
    order = sorted(range(len(portfolio.plans)), key=keys.__getitem__)
    shared = portfolio.shared_people
    mass: dict[str, int] = {}  # person -> sum of the contributions booked so far
    # person -> what the plans settled so far booked of them: summed as they settle in a first
    # run; in a rerun, the settled plans' own bookings, summed only for a plan levelled again
    running: Booked = {}
    booked_by: dict[str, list[Mapping[dt.date, int]]] = {}
    outcomes: list[PlanOutcome | None] = [None] * len(portfolio.plans)
    plans = len(portfolio.plans)
    levelled = 0
    for k in order:
        entry = portfolio.plans[k]
        mine = sorted(_shared_people(portfolio, k, shared))
        signature = tuple(mass.get(person, 0) for person in mine)
        old = reuse.outcomes[k] if reuse is not None else None
        if old is not None and k not in touched and old.signature == signature:
            outcome = old
        else:
            if limit is not None and levelled >= limit:
                raise LevellingLimitError(f"more than {limit} plans to level again")
            if reuse is None:
                booked = {p: running[p] for p in mine if p in running}
            else:
                booked = {p: _summed(booked_by[p]) for p in mine if p in booked_by}
            budget = iterations if iterations is not None else portfolio_iterations(
                len(entry.plan.actions) + len(entry.plan.milestones), plans)
            schedule = _schedule_one(entry.plan, booked, today=today, seed=seed,
                                     ignore_capacity=ignore_capacity, iterations=budget)
            levelled += 1
            own = _bookings(schedule, frozenset(mine))
            outcome = PlanOutcome(schedule, own, signature, {
                person: hash((entry.path, tuple(sorted(days.items())))) & _MASK
                for person, days in own.items()})
        outcomes[k] = outcome
        for person, value in outcome.contribution.items():
            mass[person] = (mass.get(person, 0) + value) & _MASK
        for person, days in outcome.booked.items():
            if reuse is None:
                into = running.setdefault(person, {})
                for day, seconds in days.items():
                    into[day] = into.get(day, 0) + seconds
            else:
                booked_by.setdefault(person, []).append(days)
    done = tuple(o for o in outcomes if o is not None)
    assert len(done) == len(outcomes)
    return PortfolioRun(portfolio, today, seed, ignore_capacity, iterations, tuple(order), done,
                        levelled)


def _summed(parts: Iterable[Mapping[dt.date, int]]) -> dict[dt.date, int]:
    out: dict[dt.date, int] = {}
    for days in parts:
        for day, seconds in days.items():
            out[day] = out.get(day, 0) + seconds
    return out


def _bookings(schedule: Schedule, shared: frozenset[str]) -> Booked:
    """The seconds a levelled schedule books of each shared person, by date."""
    out: Booked = {}
    for booking in getattr(schedule, "bookings", ()):
        if booking.person in shared:
            days = out.setdefault(booking.person, {})
            days[booking.day] = days.get(booking.day, 0) + round(
                booking.hours * _SECONDS_PER_HOUR)
    return out


def _schedule_one(
    plan: Any, booked: Mapping[str, Mapping[dt.date, int]], *, today: dt.date, seed: int,
    ignore_capacity: bool, iterations: int | None,
) -> Schedule:
    """``plan`` scheduled as :func:`~backplan.schedule_plan` would (fixes not verified), on the
    hours ``booked`` leaves when it is levelled."""
    if capacity_mode(plan, ignore_capacity=ignore_capacity) == "levelled":
        from backplan.scheduling.levelling import level

        return level(plan, today=today, seed=seed, iterations=iterations, booked=booked)
    return make_scheduler(today=today, ignore_capacity=ignore_capacity)(plan)


