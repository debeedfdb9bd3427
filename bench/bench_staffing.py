"""Speed of the staffing maths (issue 18): a year of 96 intervals a day, Erlang C and Erlang A.

Run from the repository root:

    python bench/bench_staffing.py            # full run (~1 min)
    python bench/bench_staffing.py --quick    # fewer repeats, Erlang A on 30 days (~15 s)

What is timed (medians of ``--repeats`` runs, ``time.perf_counter``, the garbage collector off
while timing, as in ``timeit``), all in one process:

* ``interval_staffing``: :func:`backplan.interval_staffing` on 365 x 96 quarter-hours of
  Erlang C (80/20, AHT 300 s, shrinkage 0.3, maximum occupancy 0.85). ``distinct`` volumes:
  every open interval its own fractional forecast (a daily curve x a weekday factor x noise),
  the worst case; ``weekly pattern``: the same week repeated, as a plan's ``queue:`` pattern
  gives (each distinct interval computed once).
* ``per-interval loop``: the baseline, :func:`backplan.required_staffing` called for each of the
  35,040 intervals in a Python loop (the library's own one-interval search); ``ratio`` is
  baseline / ``interval_staffing``.
* ``textbook loop``: what a spreadsheet or a first script does: for each interval, try 1, 2, 3
  ... agents with Erlang C from the factorial sum ``sum A^k / k!`` (timed once; it overflows
  beyond about 170 agents, which these volumes never reach).
* ``x20 traffic``: the distinct year with every volume x 20 (up to about 1,000 Erlangs, a very
  large centre): the numpy engine's cost grows with the agents needed.
* ``Erlang A``: :func:`backplan.interval_staffing` with a mean patience of 120 s on the distinct
  year (``--quick``: its first 30 days), timed once: one search per distinct interval.

The run checks that ``interval_staffing`` and the per-interval loop agree on every interval
(agents, rostered, service level), then prints the target of issue 18: 96 x 365 intervals in
<= 0.2 s, PASS or MISS.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule import median_time

TARGET_SECONDS = 0.2
SETTINGS: dict[str, Any] = {
    "interval_seconds": 900.0, "target_service_level": 0.8, "target_answer_seconds": 20.0,
    "shrinkage": 0.3, "max_occupancy": 0.85,
}
AHT = 300.0


def year_of_volumes(*, seed: int = 18, weekly: bool = False) -> Any:
    """365 x 96 forecast contacts per quarter-hour: open 7:00-21:00, a morning and an afternoon
    peak of about 120 contacts, quieter weekends, and +-15 % noise (seeded; not rounded, so every
    open interval differs from every other, as fractional forecasts do)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    hours = (np.arange(96) + 0.5) / 4
    curve = 120 * (np.exp(-((hours - 10.5) / 2.0) ** 2) + 0.8 * np.exp(-((hours - 15) / 2.5) ** 2))
    curve[(hours < 7) | (hours >= 21)] = 0.0
    weekday = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.35])
    days = 7 if weekly else 365
    noise = rng.uniform(0.85, 1.15, size=(days, 96))
    volumes = weekday[np.arange(days) % 7, None] * curve * noise
    return np.resize(volumes, (365, 96)) if weekly else volumes


def per_interval_loop(volumes: Any) -> list[int]:
    from backplan import required_staffing

    return [required_staffing(v, aht_seconds=AHT, **SETTINGS).agents
            for v in volumes.ravel().tolist()]


def textbook_loop(volumes: Any) -> list[int]:
    """Erlang C from factorials, 1, 2, 3 ... agents until the target and the cap are met."""
    interval, level = SETTINGS["interval_seconds"], SETTINGS["target_service_level"]
    answer, cap = SETTINGS["target_answer_seconds"], SETTINGS["max_occupancy"]
    found = []
    for volume in volumes.ravel().tolist():
        a = volume * AHT / interval
        n = 0
        if a > 0:
            n = math.floor(a) + 1
            while True:
                top = a ** n / math.factorial(n) * n / (n - a)
                wait = top / (sum(a ** k / math.factorial(k) for k in range(n)) + top)
                if a / n <= cap and 1 - wait * math.exp(-(n - a) * answer / AHT) >= level:
                    break
                n += 1
        found.append(n)
    return found


def once(fn: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, Erlang A on 30 days")
    parser.add_argument("--repeats", type=int, default=None, help="runs per median")
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 15)

    import numpy as np

    from backplan import interval_staffing

    print(f"backplan staffing bench: Python {platform.python_version()}, numpy {np.__version__} "
          f"on {platform.machine()}, {os.cpu_count()} CPUs{' (quick)' if args.quick else ''}")
    calibration = median_time(lambda: sum(range(3_000_000)), 5)
    print(f"machine speed: sum(range(3_000_000)) takes {calibration * 1000:.1f} ms "
          "(a fixed pure-Python loop; compare runs by it)")

    distinct, weekly = year_of_volumes(), year_of_volumes(weekly=True)
    large = distinct * 20

    def staff(volumes: Any, **extra: Any) -> Any:
        return interval_staffing(volumes, aht_seconds=AHT, **SETTINGS, **extra)

    result = staff(distinct)
    loop_seconds, loop_agents = once(lambda: per_interval_loop(distinct))
    agree = result.agents.ravel().tolist() == loop_agents
    sample = [result.at(d, i) for d in (0, 100, 200) for i in (30, 42, 60, 80)]
    from backplan import required_staffing
    agree = agree and all(s == required_staffing(s.volume, aht_seconds=AHT, **SETTINGS)
                          for s in sample)
    textbook_seconds, textbook_agents = once(lambda: textbook_loop(distinct))
    agree = agree and textbook_agents == loop_agents

    rows = [
        ("interval_staffing, distinct", median_time(lambda: staff(distinct), repeats)),
        ("interval_staffing, weekly pattern", median_time(lambda: staff(weekly), repeats)),
        ("interval_staffing, x20 traffic", median_time(lambda: staff(large), max(3, repeats // 3))),
    ]
    days = 30 if args.quick else 365
    erlang_a_seconds, erlang_a = once(lambda: staff(distinct[:days], patience_seconds=120.0))

    intervals = distinct.size
    open_intervals = int((distinct > 0).sum())
    print(f"intervals: 365 days x 96 = {intervals:,} ({open_intervals:,} open, all different; "
          f"the weekly pattern has {int(np.unique(weekly).size):,} different volumes); busiest "
          f"interval {distinct.max():.1f} contacts = {distinct.max() * AHT / 900:.1f} Erlangs, "
          f"{int(result.agents.max())} agents; x20: {int(staff(large).agents.max())} agents")
    print(f"{'what':<36} {'median':>10} {'per interval':>14} {'x loop':>8}")
    for what, seconds in rows:
        print(f"{what:<36} {seconds * 1000:8.1f} ms {seconds / intervals * 1e6:11.2f} us "
              f"{loop_seconds / seconds:7.1f}x")
    print(f"{'per-interval loop (baseline, once)':<36} {loop_seconds * 1000:8.1f} ms "
          f"{loop_seconds / intervals * 1e6:11.2f} us {1.0:7.1f}x")
    print(f"{'textbook loop (factorials, once)':<36} {textbook_seconds * 1000:8.1f} ms "
          f"{textbook_seconds / intervals * 1e6:11.2f} us {loop_seconds / textbook_seconds:7.1f}x")
    print(f"{f'Erlang A, {days} days (once)':<36} {erlang_a_seconds * 1000:8.1f} ms "
          f"{erlang_a_seconds / erlang_a.agents.size * 1e6:11.2f} us "
          f"(agents {int(erlang_a.agents.sum()):,} vs Erlang C "
          f"{int(result.agents[:days].sum()):,} agent-intervals)")
    print(f"agreement: interval_staffing, per-interval loop and textbook loop give the same agents "
          f"on every interval: {'yes' if agree else 'NO'}")
    best = rows[0][1]
    verdict = "PASS" if best <= TARGET_SECONDS else "MISS"
    print(f"target: 96 x 365 intervals (distinct volumes) <= {TARGET_SECONDS} s: "
          f"{best:.3f} s {verdict}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
