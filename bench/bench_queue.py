"""Speed of a plan's queue (issue 18, phase 2): the spare hours of a year, and what a queue costs
the scheduler.

Run from the repository root:

    python bench/bench_queue.py                    # full run (~1 min)
    python bench/bench_queue.py --quick            # fewer repeats (~20 s)
    python bench/bench_queue.py --baseline /work/main/src   # also: plans without a queue, this
                                                            # checkout against another one

What is timed (medians of ``--repeats`` runs, ``time.perf_counter``, the garbage collector off
while timing, as in ``timeit``):

* ``year, cold``: :class:`backplan.QueueCapacity` for 365 days of 96 quarter-hours (a 24/7 line,
  every day a working day), the staffing cache emptied before each run: ``distinct days`` gives
  every date its own forecast (365 x 96 fractional volumes, all different: the worst case),
  ``weekly pattern`` a forecast by weekday with an AHT key result that falls in eleven steps over
  the year (each step a new AHT for every weekday). Everything a day needs: Erlang C for every
  interval, the roster against it, the shares of six agents.
* ``year, warm``: the same with the cache that fixes and scenarios reuse (a new QueueCapacity,
  the staffing of each distinct day already known).
* ``queue_capacity``: the pipeline's whole derivation for the weekly plan: the precedence-only
  schedule, the AHT key result's path on it, then the year.
* ``schedule``: ``schedule_plan`` of ``examples/aht-queue.yaml`` (levelled, fixes verified), and
  of the same plan with 20% more calls in March (infeasible: many fixes, each scheduled again),
  with the share of the time spent in the queue's code (its derivation for each plan scheduled,
  the precedence pass for the AHT path, the checks of each schedule).
* with ``--baseline SRC``: ``schedule_plan`` of the examples without a queue (``fcr.yaml``,
  ``capacity.yaml``) and of a generated 2,000-action plan, in this checkout and in ``SRC`` (each in
  a fresh interpreter, the same code, the two alternated over three rounds): a plan without a
  queue should cost the same.

The target of the issue: deriving the capacity of a year of 96 intervals in the tens of ms, and
no cost for plans without a queue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule import median_time

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2027, 1, 4)
TARGET_SECONDS = 0.1  # "tens of ms"


def _curve() -> list[float]:
    """A day of 96 quarter-hours of a 24/7 line: a morning and an afternoon peak of about 60
    contacts, a few an hour at night."""
    import math

    return [round(3 + 60 * (math.exp(-((hour - 10.5) / 2.0) ** 2)
                            + 0.8 * math.exp(-((hour - 15) / 2.5) ** 2)), 2)
            for hour in ((k + 0.5) / 4 for k in range(96))]


WEEK = {"mon": 1.15, "tue": 1.05, "wed": 1.0, "thu": 1.0, "fri": 0.95, "sat": 0.55, "sun": 0.35}


def year_plan(*, distinct: bool) -> Any:
    """A plan with a 24/7 queue over 2027 (96 quarter-hours a day, every day a working day), six
    agents from the queue, and an AHT key result lowered by eleven actions over the year
    (``distinct``: every date its own forecast, all 365 x 96 volumes different, and a fixed
    AHT)."""
    import random

    from backplan import load_plan

    rng = random.Random(18)
    curve = _curve()
    roster = {name: [max(2, round(v * factor * 300 / 900 / 0.7 + 3)) for v in curve]
              for name, factor in WEEK.items()}
    if distinct:
        volume: dict[str, Any] = {}
        day = dt.date(2027, 1, 1)
        while day.year == 2027:
            factor = list(WEEK.values())[day.weekday()]
            volume[day.isoformat()] = [round(v * factor * rng.uniform(0.85, 1.15), 4)
                                       for v in curve]
            day += dt.timedelta(days=1)
    else:
        volume = {name: [round(v * factor, 2) for v in curve] for name, factor in WEEK.items()}
    actions: list[dict[str, Any]] = [
        {"id": f"step-{k}", "duration": 20, "impact": {"aht": -5}, **(
            {"after": [f"step-{k - 1}"]} if k else {})} for k in range(11)]
    actions.append({"id": "project", "effort": 400, "assignees": [f"agent-{k}" for k in range(6)]})
    return load_plan({
        "goal": {"id": "g", "due": "2027-12-31", "key_results": [
            {"id": "aht", "metric": "aht", "baseline": 300, "target": 245,
             "baseline_date": TODAY.isoformat()}]},
        "calendar": {"workdays": list(WEEK)},
        "people": [{"id": f"agent-{k}", "hours_per_day": 3} for k in range(6)],
        "queue": {"interval": "15m", "volume": volume, "target": "80/20", "shrinkage": 0.3,
                  "max_occupancy": 0.85, "rostered": roster,
                  "aht": 300 if distinct else {"key_result": "aht"},
                  "people": [f"agent-{k}" for k in range(6)]},
        "actions": actions,
    })


def time_year(plan: Any, *, aht: Any, repeats: int, cold: bool) -> tuple[float, float, int]:
    """Median seconds of a year of QueueCapacity, the spare hours of the year, open days."""
    from backplan.calendars import QueueCapacity, plan_calendar
    from backplan.calendars import queue as queue_module

    calendar = plan_calendar(plan, today=TODAY)
    first, last = dt.date(2027, 1, 1), dt.date(2027, 12, 31)

    def run() -> Any:
        if cold:
            queue_module._STAFFED.clear()
        return QueueCapacity(plan, calendar, aht=aht).between(first, last)

    days = run()
    seconds = median_time(run, repeats)
    return seconds, sum(d.spare_hours for d in days), sum(d.open for d in days)


def no_queue_timings(repeats: int) -> dict[str, float]:
    """Medians of schedule_plan on plans without a queue (run in a fresh interpreter)."""
    from bench_schedule import make_plan

    from backplan import load_plan, schedule_plan

    plans = {"fcr.yaml": load_plan(ROOT / "examples" / "fcr.yaml"),
             "capacity.yaml": load_plan(ROOT / "examples" / "capacity.yaml"),
             "2,000 actions": make_plan(2000).plan}
    today = dt.date(2026, 11, 23)
    return {name: median_time(lambda p=plan: schedule_plan(p, today=today), repeats)
            for name, plan in plans.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="runs per median")
    parser.add_argument("--baseline", default=None, metavar="SRC",
                        help="another checkout's src/ to time plans without a queue against")
    parser.add_argument("--no-queue-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 15)
    if args.no_queue_json:  # the child of --baseline: one checkout's timings as JSON
        print(json.dumps(no_queue_timings(repeats)))
        return 0

    import numpy as np

    import backplan
    from backplan import load_plan, queue_capacity, schedule_plan
    from backplan.calendars import plan_calendar
    from backplan.calendars import queue as queue_module
    from backplan.scheduling.queue import aht_by_day
    from backplan.scheduling.schedule import schedule_precedence

    print(f"backplan queue bench: Python {platform.python_version()}, numpy {np.__version__} on "
          f"{platform.machine()}, {os.cpu_count()} CPUs{' (quick)' if args.quick else ''}")
    calibration = median_time(lambda: sum(range(3_000_000)), 5)
    print(f"machine speed: sum(range(3_000_000)) takes {calibration * 1000:.1f} ms "
          "(a fixed pure-Python loop; compare runs by it)")

    distinct, weekly = year_plan(distinct=True), year_plan(distinct=False)
    calendar = plan_calendar(weekly, today=TODAY)
    path = aht_by_day(weekly, schedule_precedence(weekly, today=TODAY), calendar)
    rows = []
    for name, plan, aht in (("distinct days", distinct, None), ("weekly pattern", weekly, path)):
        for cold in (True, False):
            seconds, spare, days = time_year(plan, aht=aht, repeats=repeats, cold=cold)
            rows.append((f"year, {'cold' if cold else 'warm'}, {name}", seconds,
                         f"{days} days x 96 intervals, {spare:,.0f} spare h"))

    def derive() -> Any:
        queue_module._STAFFED.clear()
        capacity = queue_capacity(weekly, today=TODAY)
        assert capacity is not None
        return capacity.between(dt.date(2027, 1, 1), dt.date(2027, 12, 31))

    rows.append(("queue_capacity, weekly (cold)", median_time(derive, repeats),
                 "precedence pass + AHT path + year"))
    example = load_plan(ROOT / "examples" / "aht-queue.yaml")
    start = dt.date(2026, 11, 23)
    few = max(3, repeats // 3)
    for name, plan in (("aht-queue.yaml", example), ("busy March", _busy(example))):
        spent = _QueueTime()

        def run(p: Any = plan, spent: _QueueTime = spent) -> Any:
            spent.runs += 1
            return schedule_plan(p, today=start)

        with spent:
            total = median_time(run, few)
        share = spent.seconds / spent.runs / total if spent.runs else 0.0
        rows.append((f"schedule, {name}", total,
                     f"levelled, fixes verified; {share:.0%} of it in the queue's code "
                     f"({spent.seconds / spent.runs * 1000:.1f} ms)"))

    print(f"{'what':<40} {'median':>10}  note")
    for what, seconds, note in rows:
        print(f"{what:<40} {seconds * 1000:8.1f} ms  {note}")
    if args.baseline:  # alternate the two checkouts, three rounds, the median of each
        rounds = [(_child(ROOT / "src", repeats), _child(Path(args.baseline), repeats))
                  for _ in range(3)]
        here = {name: statistics.median(r[0][name] for r in rounds) for name in rounds[0][0]}
        there = {name: statistics.median(r[1][name] for r in rounds) for name in rounds[0][1]}
        print(f"\nplans without a queue: schedule_plan, this checkout vs {args.baseline}")
        print(f"{'plan':<20} {'here':>10} {'baseline':>10} {'ratio':>7}")
        for name in here:
            print(f"{name:<20} {here[name] * 1000:8.1f} ms {there[name] * 1000:8.1f} ms "
                  f"{here[name] / there[name]:6.2f}x")
    best = rows[0][1]
    verdict = "PASS" if best <= TARGET_SECONDS else "MISS"
    print(f"target: a year of 96 intervals (distinct days, cold) <= {TARGET_SECONDS} s: "
          f"{best:.3f} s {verdict}")
    del backplan
    return 0


def _busy(plan: Any) -> Any:
    from backplan.models.changes import apply_changes

    return apply_changes(plan, [{"volume": "+20%", "from": "2027-03-01", "to": "2027-03-31"}])


class _QueueTime:
    """Seconds spent in the queue's code (its derivation, the AHT path's precedence pass and
    the checks of each schedule) while the block runs, per ``schedule_plan`` run."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.runs = 0

    def __enter__(self) -> _QueueTime:
        import time

        from backplan.calendars import queue as calendars_queue
        from backplan.scheduling import pipeline
        from backplan.scheduling import queue as scheduling_queue

        self._saved = [(calendars_queue.QueueCapacity, "_compute"),
                       (pipeline, "queue_capacity"), (scheduling_queue, "queue_flags")]
        self._originals = [getattr(owner, name) for owner, name in self._saved]
        depth = [0]

        def timed(fn: Any) -> Any:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                depth[0] += 1
                began = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    depth[0] -= 1
                    if not depth[0]:
                        self.seconds += time.perf_counter() - began
            return wrapper

        for (owner, name), original in zip(self._saved, self._originals, strict=True):
            setattr(owner, name, timed(original))
        return self

    def __exit__(self, *exc: object) -> None:
        for (owner, name), original in zip(self._saved, self._originals, strict=True):
            setattr(owner, name, original)


def _child(src: Path, repeats: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{Path(__file__).resolve().parent}"}
    out = subprocess.run([sys.executable, __file__, "--no-queue-json", "--repeats", str(repeats)],
                         env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    timings: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return timings


if __name__ == "__main__":
    raise SystemExit(main())
