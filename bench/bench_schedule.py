"""Speed of backplan's scheduler against a straightforward networkx loop (issue 2's targets).

Run from the repository root:

    python bench/bench_schedule.py            # 1k, 10k, 100k actions + import + CLI (~1-2 min)
    python bench/bench_schedule.py --quick    # 1k and 10k, fewer repeats (a smoke run, ~10 s)

What is timed (medians of ``--repeats`` runs, ``time.perf_counter``, the garbage collector off
while timing as in ``timeit``):

* ``schedule``: ``backplan.scheduling.schedule_plan(plan, today=...)`` from a ready ``Plan``
  (validation, both passes, slack, critical path, flags, result objects). Building the plan is
  not timed; each run schedules a new shallow copy, so that nothing the plan kept from an earlier
  run (its actions' columns, see ``backplan._plan_memo``) is reused; the same plan scheduled
  again is printed beside it.
* ``passes``: ``forward_pass`` + ``backward_pass`` alone on a precompiled network.
* ``baseline``: a per-node loop over a networkx ``DiGraph`` from the same ``Plan``: build the
  graph, topological sort, forward pass (max over predecessors), backward pass (min over
  successors), slack, working days as integers, dates back. ``baseline passes`` is its two loops
  alone on the prebuilt graph.
* ``import backplan`` in a fresh interpreter, minus an empty interpreter (medians of 5).
* the CLI end to end: ``backplan schedule examples/fcr.yaml --today 2026-11-23`` (median of 5).

Plans are generated deterministically (``random.Random(seed)``): durations 1..10 working days,
2-4 predecessors (mean 3) drawn uniformly among earlier actions, a lag of 1-3 days on one
dependency in ten, a Monday-Friday calendar with 11 fixed-date holidays a year, and the goal due
5 % beyond the critical path (feasible).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)
HOLIDAYS_MD = ((1, 1), (1, 2), (4, 3), (5, 1), (5, 25), (7, 4), (8, 31), (10, 12), (11, 11),
               (12, 25), (12, 26))
TARGETS = {  # issue 2, seconds
    "schedule 100k": 0.5,
    "passes 100k": 0.1,
    "import backplan": 0.2,
    "CLI fcr.yaml": 0.4,
}


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Generated:
    plan: Any  # backplan.Plan
    today: dt.date
    critical_days: int  # working days on the longest path


def _holidays(first_year: int, last_year: int) -> list[dt.date]:
    return [dt.date(y, m, d) for y in range(first_year, last_year + 1) for m, d in HOLIDAYS_MD]


def make_plan(n: int, *, seed: int = 20261123, margin: float = 0.05) -> Generated:
    """A random acyclic plan of ``n`` actions, due ``margin`` beyond its critical path."""
    from backplan.calendars import WorkingCalendar
    from backplan.models import Action, Calendar, Goal, Plan

    rng = random.Random(seed + n)
    ids = [f"a{i:06d}" for i in range(n)]
    durations = [rng.randint(1, 10) for _ in range(n)]
    finish = [0] * n  # working-day number of the earliest finish, first day = 1
    actions = []
    for i in range(n):
        k = min(i, rng.choice((2, 3, 4)))
        preds = sorted(rng.sample(range(i), k)) if k else []
        lag = rng.randint(1, 3) if preds and rng.random() < 0.1 else 0
        start = max((finish[p] + 1 + lag for p in preds), default=1)
        finish[i] = start + durations[i] - 1
        actions.append(Action(id=ids[i], duration=durations[i], after=tuple(ids[p] for p in preds),
                              lag=lag))
    critical = max(finish)
    span_days = int(critical * (1 + margin)) + 1
    years = span_days // 230 + 2
    holidays = _holidays(TODAY.year, TODAY.year + years)
    cal = WorkingCalendar(holidays=holidays)
    due = cal.shift(TODAY, span_days - 1)
    plan = Plan(
        goal=Goal(id=f"bench-{n}", title=f"{n} generated actions", due=due),
        calendar=Calendar(holidays=tuple(holidays)),
        actions=tuple(actions),
    )
    return Generated(plan=plan, today=TODAY, critical_days=critical)


def _due_after(plan: Any, working_days: int) -> Any:
    """``plan`` with its goal due on its ``working_days``-th working day from :data:`TODAY`."""
    from backplan.calendars import plan_calendar

    due = plan_calendar(plan, today=TODAY).shift(TODAY, working_days - 1)
    return plan.model_copy(update={"goal": plan.goal.model_copy(update={"due": due})})


# --------------------------------------------------------------------------- baseline


def _working_day_table(plan: Any, today: dt.date, low: int, high: int) -> dict[int, dt.date]:
    """Working days numbered from the first working day on/after ``today`` (= 0)."""
    workdays = {("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(d)
                for d in plan.calendar.workdays}
    holidays = set(plan.calendar.holidays)

    def working(day: dt.date) -> bool:
        return day.weekday() in workdays and day not in holidays

    table: dict[int, dt.date] = {}
    day = today
    while not working(day):
        day += dt.timedelta(days=1)
    first = day
    number = 0
    while number <= high:
        if working(day):
            table[number] = day
            number += 1
        day += dt.timedelta(days=1)
    day, number = first - dt.timedelta(days=1), -1
    while number >= low:
        if working(day):
            table[number] = day
            number -= 1
        day -= dt.timedelta(days=1)
    return table


def due_working_day(plan: Any, today: dt.date) -> int:
    """The number of the last working day on or before the due date (today's first = 0)."""
    first = _working_day_table(plan, today, 0, 0)[0]
    table = _working_day_table(plan, today, 0, (plan.goal.due - first).days + 1)
    return max(n for n, d in table.items() if d <= plan.goal.due)


def baseline_graph(plan: Any) -> Any:
    import networkx as nx

    graph = nx.DiGraph()
    for action in plan.actions:
        graph.add_node(action.id, duration=action.duration)
    for action in plan.actions:
        for before in action.after:
            graph.add_edge(before, action.id, offset=1 + action.lag)
    return graph


def baseline_passes(graph: Any, due_number: int) -> tuple[dict[str, int], dict[str, int],
                                                          dict[str, int], dict[str, int]]:
    import networkx as nx

    order = list(nx.topological_sort(graph))
    nodes, edges = graph.nodes, graph.edges
    earliest_start: dict[str, int] = {}
    earliest_finish: dict[str, int] = {}
    for node in order:
        start = 0
        for pred in graph.predecessors(node):
            start = max(start, earliest_finish[pred] + edges[pred, node]["offset"])
        earliest_start[node] = start
        earliest_finish[node] = start + nodes[node]["duration"] - 1
    latest_start: dict[str, int] = {}
    latest_finish: dict[str, int] = {}
    for node in reversed(order):
        finish = due_number
        for succ in graph.successors(node):
            finish = min(finish, latest_start[succ] - edges[node, succ]["offset"])
        latest_finish[node] = finish
        latest_start[node] = finish - nodes[node]["duration"] + 1
    return earliest_start, earliest_finish, latest_start, latest_finish


def baseline_schedule(plan: Any, today: dt.date) -> dict[str, Any]:
    """The straightforward version, from a Plan to dates, slack and the critical set."""
    graph = baseline_graph(plan)
    due_number = due_working_day(plan, today)
    es, ef, ls, lf = baseline_passes(graph, due_number)
    slack = {node: ls[node] - es[node] for node in es}
    min_slack = min(slack.values())
    low = min(min(ls.values()), 0)
    high = max(max(ef.values()), due_number)
    table = _working_day_table(plan, today, low, high)
    return {
        "min_slack": min_slack,
        "critical": [node for node, s in slack.items() if s == min_slack],
        "dates": {node: (table[es[node]], table[ef[node]], table[ls[node]], table[lf[node]])
                  for node in es},
        "earliest_completion": table[max(ef.values())],
    }


# --------------------------------------------------------------------------- timing


def median_time(fn: Callable[[], object], repeats: int, *,
                clock: Callable[[], float] = time.perf_counter) -> float:
    """Median time of ``fn()`` over ``repeats`` runs: wall time, or ``clock`` (such as
    ``time.process_time`` for CPU time).

    As ``timeit`` does, the cyclic garbage collector is off while timing (after one full
    collection), so that a collection of objects left by earlier work (a 100k-action plan is a
    million objects: about 0.2 s per full collection here) does not land in one run's time.
    """
    import gc

    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    times = []
    try:
        for _ in range(repeats):
            start = clock()
            fn()
            times.append(clock() - start)
    finally:
        if enabled:
            gc.enable()
    return statistics.median(times)


def import_time(module: str, *, env: dict[str, str], repeats: int = 5) -> float:
    """Median cumulative import time of ``module`` in a fresh interpreter (``-X importtime``)."""
    samples = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                              capture_output=True, text=True, env=env, check=True)
        line = next(row for row in reversed(done.stderr.splitlines())
                    if row.rsplit("|", 1)[-1].strip() == module)
        samples.append(int(line.split("|")[1]) / 1e6)
    return statistics.median(samples)


def subprocess_median(cmd: list[str], repeats: int, *, env: dict[str, str]) -> float:
    def run() -> None:
        subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=REPO, env=env)

    run()  # warm the file cache and any .pyc files
    return median_time(run, repeats)


def _stage_timers(plan: Any, today: dt.date) -> tuple[str, dict[str, Callable[[], object]]]:
    """The engine ``schedule_plan`` picks for ``plan``, and timers for its stages: compile,
    passes, results.

    ``compile`` includes the id checks ``schedule_plan`` relies on (a plan whose ids do not
    resolve is handed to ``plan_problems`` for naming, which a sound plan never needs);
    ``results`` is dates, slack, critical path, flags and the frozen result objects. Each runs
    with the garbage collector paused, as ``schedule_plan`` runs.
    """
    import gc

    from backplan.calendars import plan_calendar
    from backplan.scheduling import compile_network, run_passes
    from backplan.scheduling.network import resolve_nodes
    from backplan.scheduling.schedule import _assemble, _compile_levelled

    calendar = plan_calendar(plan, today=today)
    nodes = resolve_nodes(plan)
    levelled = _compile_levelled(plan, calendar, nodes)

    def paused(fn: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            gc.disable()
            try:
                return fn()
            finally:
                gc.enable()
        return run

    if levelled is not None:
        from backplan.scheduling.vectorized import Edges, levelled_passes

        network, levels = levelled
        number = calendar.number(today)
        result = levelled_passes(levels, number)
        return "compiled" if isinstance(levels, Edges) else "vectorized (numpy)", {
            "compile": paused(lambda: _compile_levelled(fresh := plan.model_copy(),
                                                        plan_calendar(fresh, today=today))),
            "passes": paused(lambda: levelled_passes(levels, number)),
            "results": paused(lambda: _assemble(plan, nodes, network, result, calendar, today)),
        }
    network = compile_network(plan, calendar)
    result = run_passes(network, calendar, today)
    return "plain loops", {
        "compile": paused(lambda: compile_network(fresh := plan.model_copy(),
                                                  plan_calendar(fresh, today=today))),
        "passes": paused(lambda: run_passes(network, calendar, today)),
        "results": paused(lambda: _assemble(plan, nodes, network, result, calendar, today)),
    }


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:9.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer repeats")
    parser.add_argument("--sizes", type=int, nargs="+", help="action counts (default 1k 10k 100k)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)

    from backplan.scheduling import schedule_plan

    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    repeats = {1_000: 15, 10_000: 7, 100_000: 5}
    if args.quick:
        repeats = {1_000: 5, 10_000: 3}

    print(f"backplan bench: Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs{' (quick)' if args.quick else ''}")
    calibration = median_time(lambda: sum(range(3_000_000)), 5)
    print(f"machine speed: sum(range(3_000_000)) takes {fmt(calibration).strip()} "
          "(a fixed pure-Python loop; compare runs by it)")
    results: dict[str, float] = {}
    header = (f"{'actions':>8} {'repeats':>7} {'schedule':>12} {'passes':>12} {'baseline':>12} "
              f"{'bl passes':>12} {'ratio':>7} {'passes ratio':>12}")
    print(header)
    for n in sizes:
        gen = make_plan(n, seed=args.seed)
        plan, today = gen.plan, gen.today
        r = repeats.get(n, 3)

        result = schedule_plan(plan, today=today)
        reference = baseline_schedule(plan, today)
        if result.min_slack != reference["min_slack"]:
            print(f"  WARNING: {n}: backplan min_slack {result.min_slack} != baseline "
                  f"{reference['min_slack']}")
        if result.earliest_completion != reference["earliest_completion"]:
            print(f"  WARNING: {n}: earliest completion {result.earliest_completion} != baseline "
                  f"{reference['earliest_completion']}")

        # A new plan object each time (a shallow copy): a plan keeps the columns its first
        # check or schedule read (backplan._plan_memo); the target is a plan's first schedule.
        t_schedule = median_time(
            lambda: schedule_plan(plan.model_copy(), today=today), r)  # noqa: B023
        t_again = median_time(lambda: schedule_plan(plan, today=today), r)  # noqa: B023
        engine, stages = _stage_timers(plan, today)
        t_passes = median_time(stages["passes"], r) if "passes" in stages else None
        t_baseline = median_time(lambda: baseline_schedule(plan, today), r)  # noqa: B023
        graph = baseline_graph(plan)
        due_number = due_working_day(plan, today)
        t_bl_passes = median_time(lambda: baseline_passes(graph, due_number), r)  # noqa: B023
        ratio = t_baseline / t_schedule
        passes_ratio = f"{t_bl_passes / t_passes:11.1f}x" if t_passes else f"{'n/a':>12}"
        print(f"{n:>8} {r:>7} {fmt(t_schedule)} {fmt(t_passes)} {fmt(t_baseline)} "
              f"{fmt(t_bl_passes)} {ratio:6.1f}x {passes_ratio}")
        print(f"{'':>8} engine: {engine}; min slack {result.min_slack}, critical path "
              f"{gen.critical_days} working days, {len(result.flags)} flags; the same plan "
              f"again (its columns kept): {fmt(t_again).strip()}")
        other = {name: median_time(fn, max(1, r // 2))
                 for name, fn in stages.items() if name != "passes"}
        if other:
            parts = ", ".join(f"{name} {fmt(t).strip()}" for name, t in other.items())
            print(f"{'':>8} stages: {parts}, passes {fmt(t_passes).strip()}")
        label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
        results[f"schedule {label}"] = t_schedule
        if t_passes is not None:
            results[f"passes {label}"] = t_passes
        # The same plan due 5 % before its critical path ends: late chains flagged (no target).
        short = max(1, gen.critical_days // 20)
        late = _due_after(plan, gen.critical_days - short)
        flagged = schedule_plan(late, today=today)
        t_late = median_time(lambda: schedule_plan(late.model_copy(), today=today),  # noqa: B023
                             max(1, r // 2))
        print(f"{'':>8} infeasible, due {short} working days too early: {fmt(t_late).strip()}, "
              f"{len(flagged.flags)} flags, min slack {flagged.min_slack}")

    env = dict(os.environ)
    # Time what users run: modules loaded from their bytecode cache, as after installation.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], check=True,
                   env=env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    t_import = import_time("backplan", env=env)
    results["import backplan"] = t_import
    print(f"import backplan: {fmt(t_import)} (python -X importtime, cumulative, median of 5)")
    # Public names resolve lazily; show the cost of loading the scheduler too.
    print(f"import backplan.scheduling (the scheduler loaded): "
          f"{fmt(import_time('backplan.scheduling', env=env))}")

    example = REPO / "examples" / "fcr.yaml"
    # The console script pip installed beside this interpreter (a version manager's shim on
    # PATH, such as pyenv's, would add its own start-up to the figure).
    beside = Path(sys.executable).with_name("backplan")
    script = str(beside) if beside.exists() else shutil.which("backplan")
    cli = [script] if script else [sys.executable, "-m", "backplan"]
    if example.exists():
        cmd = [*cli, "schedule", str(example.relative_to(REPO)), "--today", "2026-11-23"]
        check = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        if check.returncode != 0:  # no --strict: 0 whether feasible or not
            last = (check.stderr.strip().splitlines() or ["no message"])[-1]
            print(f"CLI: failed (exit {check.returncode}), not timed: {last[:200]}")
        else:
            results["CLI fcr.yaml"] = subprocess_median(cmd, 5, env=env)
            bare = subprocess_median([sys.executable, "-c", "pass"], 5, env=env)
            print(f"CLI {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}: "
                  f"{fmt(results['CLI fcr.yaml'])} (of which starting a bare interpreter, "
                  f"python -c pass: {fmt(bare).strip()})")
    else:
        print(f"CLI: skipped, {example.relative_to(REPO)} not found")

    print("targets (issue 2):")
    for name, target in TARGETS.items():
        got = results.get(name)
        verdict = "n/a" if got is None else ("PASS" if got <= target else "MISS")
        print(f"  {name:<16} {fmt(got)}  target <= {target * 1000:.0f} ms  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
