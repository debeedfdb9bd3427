"""The levelled scheduler on PSPLIB (issues 3 and 16): makespan against optima and best known
bounds, and CPU time per instance.

Run from the repository root:

    python bench/bench_psplib.py                      # j30 (all 480) and j120 (every 5th: 120)
    python bench/bench_psplib.py --quick              # j30 every 10th, j120 every 20th
    python bench/bench_psplib.py --sets j30 j60 j90 j120 --every 1
    python bench/bench_psplib.py --sets j120 --iterations 5000
    python bench/bench_psplib.py --python --quick     # the Python placement (no compiled decoder)

Each instance becomes a plan with :func:`backplan.io.psplib_people.psplib_people_plan`: its four
resources are people whose hours per day stand for the capacity, every job books them for its
per-period demand on each day it runs, on a seven-day calendar with the goal due after the sum of
all durations (always feasible). ``schedule_levelled(plan, today=start)`` (default settings,
``seed=0``) then gives the makespan: the days from the earliest levelled start to the due date.

Reported per set: the mean % above the optimum (j30, all proven) or above the best known upper
bound (j60, j90, j120: ``summary.csv``), how many instances hit it, the worst gap, and the CPU
time per instance (``time.process_time`` around ``schedule_levelled`` alone, the whole call;
building the plan is not timed): mean, median and max. Baseline measured in the same run:
``iterations=1``, i.e. one latest-finish-time priority list decoded by the serial
schedule-generation scheme and justified (no search), so the ratio shows what the search buys.
Every schedule is checked: no person booked beyond capacity on any day, and no makespan below
the instance's lower bound. A fixed pure-Python loop gives the machine's speed (this VM's speed
drifts: compare runs by it). The run says which placement decodes: the compiled decoder
(``backplan.scheduling._sgs``, built at install when a C compiler is there) or, with
``--python`` or without it, the Python placement, which gives the same schedules more slowly.

Targets: issue 3, j30 mean <= 0.5 % above optimum, j120 <= 4 % above best known, <= 0.2 s per
j30 instance; issue 16, j30 <= 0.33 %, j120 mean <= 0.2 s CPU per instance with the mean gap
<= 3.0 % (or a better gap at <= 0.3 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BACKPLAN_PSPLIB", REPO / "tests" / "data" / "psplib"))
START = dt.date(2026, 1, 5)
SETS = ("j30", "j60", "j90", "j120")
EVERY = {"j30": 1, "j60": 5, "j90": 5, "j120": 5}  # by default: every k-th instance
QUICK = {"j30": 10, "j60": 20, "j90": 20, "j120": 20}
GAP_TARGETS = {"j30": 0.33, "j120": 3.0}  # % above the reference (issue 16; issue 3: 0.5, 4.0)
TIME_TARGETS = {"j30": 0.2, "j120": 0.2}  # CPU seconds per instance, mean (issues 3 and 16)


@dataclass
class Row:
    name: str
    makespan: int
    baseline: int
    reference: int
    seconds: float


def makespan_of(schedule: object) -> int:
    """Days from the earliest levelled start to the latest finish, both counted."""
    actions = schedule.actions  # type: ignore[attr-defined]
    first = min(a.start for a in actions)
    last = max(a.finish for a in actions)
    return (last - first).days + 1


def check_capacity(plan: object, schedule: object) -> None:
    """Fail loudly if anyone is booked beyond their hours on any day."""
    hours = {p.id: p.hours_per_day for p in plan.people}  # type: ignore[attr-defined]
    booked: dict[tuple[str, dt.date], float] = defaultdict(float)
    for b in schedule.bookings:  # type: ignore[attr-defined]
        booked[(b.person, b.day)] += b.hours
    for (person, day), value in booked.items():
        if value > hours[person] + 1e-9:
            raise AssertionError(f"{person} booked {value} h on {day}, has {hours[person]} h")


def run_set(name: str, every: int, iterations: int | None, seed: int) -> list[Row]:
    from backplan.io.psplib import iter_psplib_archive, read_psplib_summary
    from backplan.io.psplib_people import psplib_people_plan
    from backplan.scheduling import schedule_levelled

    bounds = read_psplib_summary(DATA / "summary.csv")
    rows = []
    archive = iter_psplib_archive(DATA / f"{name}.sm.zip")
    for instance in itertools.islice(archive, 0, None, every):
        plan = psplib_people_plan(instance, start=START)
        began = time.process_time()
        schedule = schedule_levelled(plan, today=START, seed=seed, iterations=iterations)
        seconds = time.process_time() - began
        base = schedule_levelled(plan, today=START, seed=seed, iterations=1)
        check_capacity(plan, schedule)
        bound = bounds[instance.name]
        makespan = makespan_of(schedule)
        if makespan < bound.lower_bound:
            raise AssertionError(f"{instance.name}: makespan {makespan} below the lower bound "
                                 f"{bound.lower_bound}")
        reference = bound.optimum if name == "j30" and bound.optimum else bound.upper_bound
        rows.append(Row(instance.name, makespan, makespan_of(base), reference, seconds))
        if len(rows) % 20 == 0:
            print(f"  {name}: {len(rows)} instances ...", file=sys.stderr, flush=True)
    return rows


def gap_and_time(rows: list[Row]) -> tuple[float, float]:
    """The mean % above the reference, and the mean CPU seconds per instance."""
    gaps = [100 * (r.makespan - r.reference) / r.reference for r in rows]
    return statistics.mean(gaps), statistics.mean(r.seconds for r in rows)


def report(name: str, rows: list[Row]) -> bool:
    gaps = [100 * (r.makespan - r.reference) / r.reference for r in rows]
    base = [100 * (r.baseline - r.reference) / r.reference for r in rows]
    times = [r.seconds for r in rows]
    what = "optimum" if name == "j30" else "best known"
    hits = sum(r.makespan <= r.reference for r in rows)
    mean_gap, mean_time = gap_and_time(rows)
    print(f"{name}: {len(rows)} instances")
    print(f"  mean % above {what}:   {mean_gap:6.2f} %   (baseline, one LFT list + justification: "
          f"{statistics.mean(base):.2f} %; ratio {statistics.mean(base) / max(mean_gap, 1e-9):.1f}x)")
    print(f"  at the {what}:          {hits} of {len(rows)}; worst gap {max(gaps):.1f} %")
    print(f"  CPU per instance:      mean {mean_time:.3f} s, median "
          f"{statistics.median(times):.3f} s, max {max(times):.3f} s")
    ok = True
    if name in GAP_TARGETS:
        passed = mean_gap <= GAP_TARGETS[name]
        ok &= passed
        print(f"  target mean <= {GAP_TARGETS[name]} % above {what}: "
              f"{'PASS' if passed else 'MISS'}")
    if name in TIME_TARGETS:
        passed = mean_time <= TIME_TARGETS[name]
        ok &= passed
        print(f"  target <= {TIME_TARGETS[name]} s CPU per instance (mean): "
              f"{'PASS' if passed else 'MISS'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", choices=SETS, default=["j30", "j120"])
    parser.add_argument("--every", type=int, default=None,
                        help="take every k-th instance of each set (default: j30 1, others 5)")
    parser.add_argument("--quick", action="store_true",
                        help="every 10th j30 and every 20th j60/j90/j120 instance")
    parser.add_argument("--iterations", type=int, default=None,
                        help="schedules per instance (default: the library's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--python", action="store_true",
                        help="decode with the Python placement (same schedules, slower)")
    args = parser.parse_args()
    from backplan.scheduling import levelling_engine

    if args.python:
        levelling_engine.COMPILED_DECODER = None
    placement = ("compiled decoder" if levelling_engine.COMPILED_DECODER is not None
                 else "Python placement")
    if not (DATA / "summary.csv").exists():
        print(f"PSPLIB data not found in {DATA} (set BACKPLAN_PSPLIB)", file=sys.stderr)
        return 2
    began = time.process_time()
    sum(range(3_000_000))
    speed = time.process_time() - began
    print(f"backplan levelled scheduler on PSPLIB ({DATA}); Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs; seed {args.seed}; iterations {args.iterations or 'default'}; "
          f"{placement}")
    print(f"machine speed: sum(range(3_000_000)) takes {speed * 1000:.1f} ms CPU")
    ok = True
    for name in args.sets:
        every = args.every or (QUICK if args.quick else EVERY)[name]
        print(f"{name}: every {every} instance(s)")
        ok &= report(name, run_set(name, every, args.iterations, args.seed))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
