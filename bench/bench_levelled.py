"""Speed of the capacity-levelled schedule on generated plans with people (issue 16).

Run from the repository root:

    python bench/bench_levelled.py            # 50, 500 and 5,000 actions, feasible and tight
    python bench/bench_levelled.py --quick    # one run of each (a smoke run)

What is timed (CPU time, ``time.process_time``, medians of ``--repeats`` runs, the garbage
collector off while timing as in ``timeit``):

* ``level``: one levelled schedule, ``backplan.scheduling.levelling.level(plan, today=...)``
  with its defaults: id checks, network, the search, the bookings, earliest dates, flags,
  result objects (the fixes not yet measured). Building the ``Plan`` is not timed.
* ``search``: the search alone (``levelling_search.search`` on a ready engine), and how many
  schedules it decoded.
* ``verified``: ``schedule_levelled(plan, today=...)``, which also measures every fix the flags
  offer by levelling the changed plan again (one run; a tight 5,000-action plan takes minutes,
  so ``--verify-all`` is needed for it).
* baselines in the same run: ``level(..., iterations=1)`` (one latest-finish list, decoded and
  justified, no search) and ``schedule_plan(..., ignore_capacity=True)`` (precedence alone).

Plans are generated deterministically (``random.Random``, ``--seed``): people with 7.5, 6 or 4
hours a day, some on four days a week, some with a stretch of time off; half of the actions
sized by effort (2-40 hours, one or two assignees), four in ten with a fixed duration of 1-5
days booking 1, 2 or 4 hours a day of one or two people (who work every weekday), one in ten
without people; 1-3
predecessors among the 200 actions before (a lag on one in ten), a Monday-Friday calendar.
``feasible`` plans are due 30 % beyond the longer of the critical path and the busiest
person's work; ``tight`` ones 10 % before it, so they are late and carry over-capacity flags.

Target (issue 16): 5,000 actions with 50 people, one levelled schedule (search, assembly,
earliest dates, flags) <= 2 s, feasible or not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench_schedule import median_time

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)
SIZES = ((50, 5), (500, 20), (5_000, 50))
TARGET_SECONDS = 2.0  # 5,000 actions, 50 people


def make_people_plan(n: int, people: int, *, seed: int = 16, tight: bool = False) -> Any:
    """A random plan of ``n`` actions booking ``people`` people (see the module docstring)."""
    from backplan.calendars import plan_calendar
    from backplan.models import Plan
    from backplan.scheduling import schedule_plan

    rng = random.Random(seed * 1_000_003 + n * 101 + people)
    persons: list[dict[str, Any]] = []
    for k in range(people):
        person: dict[str, Any] = {"id": f"p{k:03d}",
                                  "hours_per_day": rng.choice([7.5, 7.5, 7.5, 6, 4])}
        if rng.random() < 0.2:
            person["workdays"] = ["mon", "tue", "wed", "thu"]
        if rng.random() < 0.3:
            first = TODAY + dt.timedelta(days=rng.randint(0, 300))
            last = first + dt.timedelta(days=rng.randint(0, 10))
            person["time_off"] = [f"{first.isoformat()}..{last.isoformat()}"]
        persons.append(person)
    actions: list[dict[str, Any]] = []
    hours = [0.0] * people
    for i in range(n):
        action: dict[str, Any] = {"id": f"a{i:05d}"}
        lo = max(0, i - 200)
        k = min(i - lo, rng.choice((1, 2, 2, 3)))
        if k:
            action["after"] = [f"a{j:05d}" for j in sorted(rng.sample(range(lo, i), k))]
            if rng.random() < 0.1:
                action["lag"] = rng.randint(1, 3)
        who = rng.sample(range(people), rng.choice((1, 1, 1, 2)))
        kind = rng.random()
        if kind < 0.5:
            effort = rng.randint(2, 40)
            action["effort"] = {"hours": effort}
            action["assignees"] = [f"p{r:03d}" for r in who]
            for r in who:
                hours[r] += effort / len(who)
        elif kind < 0.9:
            days = rng.randint(1, 5)
            action["duration"] = days
            action["assignees"] = []
            # A fixed duration needs its people on consecutive working days: full weeks only.
            for r in (r for r in who if "workdays" not in persons[r]):
                per_day = rng.choice([1, 2, 4])
                action["assignees"].append({"person": f"p{r:03d}", "hours_per_day": per_day})
                hours[r] += days * per_day
        else:
            action["duration"] = rng.randint(1, 5)
        actions.append(action)
    far = TODAY + dt.timedelta(days=365 * 20)
    data = {"goal": {"id": f"levelled-{n}", "due": far.isoformat()}, "people": persons,
            "actions": actions}
    plan = Plan.model_validate(data)
    calendar = plan_calendar(plan, today=TODAY)
    core = schedule_plan(plan, today=TODAY)
    assert core.earliest_completion is not None
    critical = calendar.number(core.earliest_completion) - calendar.number(TODAY) + 1
    busiest = max(h / p["hours_per_day"] * (5 / len(p.get("workdays", "12345")))
                  for h, p in zip(hours, persons, strict=True))
    days = round(max(critical, busiest) * (0.9 if tight else 1.3))
    data["goal"]["due"] = calendar.shift(TODAY, days - 1).isoformat()
    return Plan.model_validate(data)


def cpu_median(fn: Callable[[], object], repeats: int) -> float:
    """Median CPU time of ``fn()`` over ``repeats`` runs, the garbage collector paused."""
    return median_time(fn, repeats, clock=time.process_time)


def search_alone(plan: Any) -> tuple[Callable[[], object], Callable[[], int]]:
    """A timer for the search alone on ``plan``, and the number of schedules it decoded."""
    from backplan.calendars import plan_calendar
    from backplan.scheduling.levelling_engine import Engine, LevellingProblem
    from backplan.scheduling.levelling_search import default_iterations, search
    from backplan.scheduling.network import compile_network

    calendar = plan_calendar(plan, today=TODAY)
    network = compile_network(plan, calendar)
    problem = LevellingProblem(plan, network, calendar, TODAY)
    budget = default_iterations(problem.n)
    engines: list[Engine] = []

    def run() -> object:
        engine = Engine(problem)
        engines.append(engine)
        return search(engine, random.Random(0), budget)

    return run, lambda: engines[-1].count


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="one run of each size")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs per timing (default 9, 5 and 3 by size)")
    parser.add_argument("--verify-all", action="store_true",
                        help="also time schedule_levelled (fixes measured) at 5,000 actions")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)

    from backplan.scheduling import schedule_levelled, schedule_plan
    from backplan.scheduling.levelling import level

    print(f"backplan levelled bench: Python {platform.python_version()} on "
          f"{platform.machine()}, {os.cpu_count()} CPUs{' (quick)' if args.quick else ''}")
    speed = cpu_median(lambda: sum(range(3_000_000)), 5)
    print(f"machine speed: sum(range(3_000_000)) takes {fmt(speed).strip()} CPU "
          "(a fixed pure-Python loop; compare runs by it)")
    print(f"{'actions':>7} {'people':>6} {'plan':>8} {'level':>12} {'search':>12} "
          f"{'decoded':>7} {'iter=1':>12} {'precedence':>12} {'verified':>12} {'feasible':>8} "
          f"{'flags':>5}")
    ok = True
    for n, people in SIZES:
        repeats = 1 if args.quick else (args.repeats or {50: 9, 500: 5}.get(n, 3))
        for tight in (False, True):
            plan = make_people_plan(n, people, seed=args.seed, tight=tight)
            schedule = level(plan, today=TODAY)
            levelled = cpu_median(partial(level, plan, today=TODAY), repeats)
            run, decoded = search_alone(plan)
            searched = cpu_median(run, repeats)
            once = cpu_median(partial(level, plan, today=TODAY, iterations=1), repeats)
            core = cpu_median(partial(schedule_plan, plan, today=TODAY, ignore_capacity=True),
                              repeats)
            verified = "skipped"
            if n < 5_000 or args.verify_all or not schedule.flags:
                verified = fmt(cpu_median(partial(schedule_levelled, plan, today=TODAY), 1))
            print(f"{n:>7} {people:>6} {'tight' if tight else 'feasible':>8} {fmt(levelled)} "
                  f"{fmt(searched)} {decoded():>7} {fmt(once)} {fmt(core)} {verified:>12} "
                  f"{schedule.feasible!s:>8} {len(schedule.flags):>5}")
            if n == 5_000:
                passed = levelled <= TARGET_SECONDS
                ok &= passed
                print(f"        target: one levelled schedule of {n} actions, {people} people "
                      f"<= {TARGET_SECONDS:g} s ({'tight' if tight else 'feasible'}): "
                      f"{'PASS' if passed else 'MISS'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
