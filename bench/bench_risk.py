"""Speed of backplan's risk simulation against a networkx loop and the Monte Carlo schedulers on PyPI.

Run from the repository root:

    python bench/bench_risk.py            # 10,000 runs on a 1,000-action plan (~1 min)
    python bench/bench_risk.py --quick    # fewer repeats (~20 s)

What is timed (medians of ``--repeats`` runs, ``time.perf_counter``, one process, one run):

* ``backplan``: ``simulate_schedule(plan, today=..., samples=10_000, seed=...)`` from a ready
  ``Plan``: validation, network, sampling, forward passes, criticality, quantiles, drivers,
  buffer, flags. Warm (numpy imported); the first call is shown apart.
* ``backplan + risks``: the same plan with 20 risks on random actions and 2 on the whole plan.
* ``backplan levelled``: ``scheduler="levelled"`` (one capacity-levelled schedule per run),
  timed on 20 runs and scaled to 10,000: what levelling every run costs.
* ``networkx loop``: a per-run loop in plain Python over a networkx ``DiGraph`` of the same plan:
  draw each duration (PERT beta, rounded), forward pass in topological order, trace the critical
  path back, count. Timed on ``--baseline-samples`` runs and scaled linearly to 10,000 (a
  per-run loop costs the same for every run); ``--full-baseline`` times all 10,000.
* ``pmcontrols``: ``pmcontrols.pert(activities, n_sim=10_000, seed=...)`` (numpy, float
  durations, criticality by slack).
* ``trueppm``: ``trueppm_scheduler.monte_carlo(project, runs=10_000, seed=...)`` (numpy,
  working-day calendar, sensitivity tornado).

The plan: ``bench_schedule.make_plan(1000)`` (durations 1-10 working days, 2-4 predecessors
among earlier actions, Monday-Friday with holidays) without its lags (pmcontrols has none),
with an estimate on every action: optimistic = duration - (0..2) (at least 1), likely =
duration, pessimistic = duration + (0..6). A competitor that cannot be imported or run is
reported with the reason and left out of the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule import TODAY, make_plan, median_time

SAMPLES = 10_000
TARGET_SECONDS = 0.25  # issue 4: 10,000 runs on 1,000 actions
TARGET_RATIO = 2.0  # and at least twice as fast as the fastest competitor


def make_risk_plan(n: int, *, seed: int) -> Any:
    """The bench plan of ``n`` actions, lags removed, with a three-point estimate on each."""
    from backplan.models import Estimate

    plan = make_plan(n, seed=seed).plan
    rng = random.Random(seed)
    actions = []
    for action in plan.actions:
        d = action.duration
        estimate = Estimate(optimistic=max(1, d - rng.randint(0, 2)), likely=d,
                            pessimistic=d + rng.randint(0, 6))
        actions.append(action.model_copy(update={"lag": 0, "estimate": estimate}))
    return plan.model_copy(update={"actions": tuple(actions)})


def with_risks(plan: Any, *, seed: int) -> Any:
    from backplan.models import Risk

    rng = random.Random(seed)
    ids = [a.id for a in plan.actions]
    risks = [Risk(id=f"risk{k}", probability=round(rng.uniform(0.05, 0.5), 2),
                  impact=rng.randint(1, 8), actions=tuple(rng.sample(ids, rng.randint(1, 3))))
             for k in range(20)]
    risks += [Risk(id=f"plan-risk{k}", probability=0.1, impact=5) for k in range(2)]
    return plan.model_copy(update={"risks": tuple(risks)})



# --------------------------------------------------------------------------- baseline


def networkx_loop(plan: Any, samples: int, seed: int) -> dict[str, Any]:
    """Monte Carlo the plain way: one Python forward pass over a networkx graph per run."""
    import networkx as nx

    graph = nx.DiGraph()
    for action in plan.actions:
        e = action.estimate
        span = e.pessimistic - e.optimistic
        alpha = 1 + 4 * (e.likely - e.optimistic) / span if span else 0.0
        beta = 1 + 4 * (e.pessimistic - e.likely) / span if span else 0.0
        graph.add_node(action.id, low=e.optimistic, span=span, alpha=alpha, beta=beta)
    for action in plan.actions:
        for before in action.after:
            graph.add_edge(before, action.id, offset=1 + action.lag)
    order = list(nx.topological_sort(graph))
    rng = random.Random(seed)
    critical = dict.fromkeys(order, 0)
    completions = []
    for _ in range(samples):
        start: dict[str, int] = {}
        finish: dict[str, int] = {}
        for node in order:
            data = graph.nodes[node]
            days = data["low"]
            if data["span"]:
                days = int(data["low"] + data["span"] * rng.betavariate(data["alpha"],
                                                                        data["beta"]) + 0.5)
            s = max((finish[p] + graph.edges[p, node]["offset"]
                     for p in graph.predecessors(node)), default=0)
            start[node], finish[node] = s, s + days - 1
        end = max(finish.values())
        completions.append(end)
        stack = [node for node in order if finish[node] == end]
        seen = set(stack)
        while stack:
            node = stack.pop()
            for p in graph.predecessors(node):
                if p not in seen and finish[p] + graph.edges[p, node]["offset"] == start[node]:
                    seen.add(p)
                    stack.append(p)
        for node in seen:
            critical[node] += 1
    completions.sort()
    return {"p50": completions[len(completions) // 2] + 1,
            "p80": completions[math.ceil(0.8 * len(completions)) - 1] + 1}


# --------------------------------------------------------------------------- competitors


def pmcontrols_runner(plan: Any, seed: int) -> tuple[Callable[[], Any] | None, str]:
    try:
        import pmcontrols
    except ImportError as error:
        return None, f"cannot import pmcontrols ({error}); pip install pmcontrols"
    activities = [
        {"id": a.id, "predecessors": list(a.after), "a": a.estimate.optimistic,
         "m": a.estimate.likely, "b": a.estimate.pessimistic}
        for a in plan.actions
    ]

    def run() -> Any:
        return pmcontrols.pert(activities, n_sim=SAMPLES, seed=seed)

    return run, f"pmcontrols {getattr(pmcontrols, '__version__', '?')}"


def trueppm_runner(plan: Any, seed: int) -> tuple[Callable[[], Any] | None, str]:
    try:
        import trueppm_scheduler as tp
    except ImportError as error:
        return None, f"cannot import trueppm_scheduler ({error}); pip install trueppm-scheduler"
    day = dt.timedelta(days=1)
    tasks = [
        tp.Task(id=a.id, name=a.id, duration=a.duration * day,
                optimistic_duration=a.estimate.optimistic * day,
                most_likely_duration=a.estimate.likely * day,
                pessimistic_duration=a.estimate.pessimistic * day)
        for a in plan.actions
    ]
    dependencies = [tp.Dependency(predecessor_id=before, successor_id=a.id)
                    for a in plan.actions for before in a.after]
    holidays = [tp.DateRange(start=h, end=h) for h in plan.calendar.holidays]
    project = tp.Project(id="bench", name="bench", start_date=TODAY, tasks=tasks,
                         dependencies=dependencies, calendar=tp.Calendar(exceptions=holidays))

    def run() -> Any:
        return tp.monte_carlo(project, runs=SAMPLES, seed=seed)

    return run, f"trueppm-scheduler {tp.__version__}"


# --------------------------------------------------------------------------- main


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:9.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="repeats of backplan")
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--baseline-samples", type=int, default=300)
    parser.add_argument("--full-baseline", action="store_true",
                        help="time the networkx loop on all 10,000 runs")
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 11)
    competitor_repeats = 1 if args.quick else 3

    from backplan import simulate_schedule
    from backplan.calendars import WorkingCalendar

    plan = make_risk_plan(args.actions, seed=args.seed)
    risky = with_risks(plan, seed=args.seed)
    calendar = WorkingCalendar.from_model(plan.calendar)
    print(f"backplan risk bench: {args.actions} actions, {SAMPLES:,} runs; "
          f"python {platform.python_version()} on {platform.machine()}")

    def ours(p: Any = plan, seed: int = 1) -> Any:
        return simulate_schedule(p, today=TODAY, samples=SAMPLES, seed=seed)

    start = time.perf_counter()
    result = ours()
    first = time.perf_counter() - start
    backplan_time = median_time(ours, repeats)
    risky_time = median_time(lambda: ours(risky), repeats)
    p50 = calendar.count(TODAY, result.p50) + 1
    p80 = calendar.count(TODAY, result.p80) + 1

    rows: list[tuple[str, float | None, str]] = [
        ("backplan", backplan_time, f"P50 {p50} / P80 {p80} working days"),
        ("backplan + 22 risks", risky_time, ""),
        ("backplan first call", first, "includes importing numpy"),
    ]
    levelled_runs = 5 if args.quick else 20
    levelled_start = time.perf_counter()
    simulate_schedule(plan, today=TODAY, samples=levelled_runs, seed=1, scheduler="levelled")
    levelled_time = (time.perf_counter() - levelled_start) * SAMPLES / levelled_runs
    rows.append(("backplan levelled", levelled_time,
                 f"scheduler='levelled': one levelled schedule per run; timed on "
                 f"{levelled_runs} runs, scaled"))
    base_samples = SAMPLES if args.full_baseline else args.baseline_samples
    base_start = time.perf_counter()
    base = networkx_loop(plan, base_samples, seed=1)
    base_time = (time.perf_counter() - base_start) * SAMPLES / base_samples
    note = "" if args.full_baseline else f"timed on {base_samples:,} runs, scaled"
    rows.append(("networkx loop", base_time,
                 f"P50 {base['p50']} / P80 {base['p80']} working days; {note}"))

    competitors: dict[str, float] = {}
    for name, factory in (("pmcontrols", pmcontrols_runner), ("trueppm", trueppm_runner)):
        run, label = factory(plan, 1)
        if run is None:
            rows.append((name, None, label))
            continue
        try:
            outcome = run()
            seconds = median_time(run, competitor_repeats)
        except Exception as error:  # report why a competitor cannot run, keep benchmarking
            rows.append((name, None, f"{label} failed: {type(error).__name__}: {error}"))
            continue
        competitors[name] = seconds
        if name == "pmcontrols":
            detail = (f"P50 {outcome.stats['mc_p50']:.1f} / P80 {outcome.stats['mc_p80']:.1f} "
                      "days (floats, no rounding)")
        else:
            detail = (f"P50 {calendar.count(TODAY, outcome.p50) + 1} / "
                      f"P80 {calendar.count(TODAY, outcome.p80) + 1} working days "
                      "(samples floored at the duration)")
        rows.append((name, seconds, f"{label}; {detail}"))

    print(f"\n{'':24}{'median':>12}  {'ratio':>7}  notes")
    for name, seconds, notes in rows:
        ratio = "" if seconds is None or name.startswith("backplan") else (
            f"{seconds / backplan_time:6.1f}x")
        print(f"{name:24}{fmt(seconds):>12}  {ratio:>7}  {notes}")

    print()
    ok = True
    verdict = backplan_time <= TARGET_SECONDS
    ok &= verdict
    print(f"{'PASS' if verdict else 'MISS'}  10,000 runs on {args.actions} actions in "
          f"{backplan_time * 1000:.0f} ms (target <= {TARGET_SECONDS * 1000:.0f} ms)")
    if competitors:
        fastest = min(competitors, key=competitors.__getitem__)
        ratio = competitors[fastest] / backplan_time
        verdict = ratio >= TARGET_RATIO
        ok &= verdict
        print(f"{'PASS' if verdict else 'MISS'}  {ratio:.1f}x faster than the fastest "
              f"competitor ({fastest}; target >= {TARGET_RATIO:.0f}x)")
    else:
        print("MISS  no competitor could be run; see the notes above")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
