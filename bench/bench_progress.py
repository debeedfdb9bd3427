"""Speed of tracking and re-planning (issue 5): what progress, glide paths, check-ins and edits cost.

Run from the repository root:

    python bench/bench_progress.py            # 1k and 10k actions (~30 s)
    python bench/bench_progress.py --quick    # 1k actions, fewer repeats (~5 s)

Medians of ``--repeats`` runs (``time.perf_counter``), in one process. Plans come from
``bench_schedule.make_plan`` (the scheduler's own benchmark plans); on top of them:

* ``schedule``: ``schedule_plan`` with no progress (the baseline for the ratios below);
* ``schedule, 50 % done``: the first half of the actions (plan order) ``done`` on their earliest
  dates and one in progress: re-planning from progress;
* ``glide paths``: ``glide_paths`` for one key result with an ``impact`` on every tenth action,
  from a ready schedule;
* ``track``: ``track_progress`` with 52 weekly check-ins, from a ready schedule;
* ``edit: checkin`` and ``edit: done``: ``record_checkin`` / ``mark_done`` on the plan written as
  YAML (parse, edit, re-validate, atomic write).

The ratio column is each row's time over ``schedule`` on the same plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule import make_plan, median_time


def with_tracking(plan: Any, today: dt.date) -> tuple[Any, Any]:
    """The plan with a key result and effects, and the same with half its actions done."""
    from backplan import schedule_plan

    schedule = schedule_plan(plan, today=today)
    goal = plan.goal.model_copy(update={"key_results": (_key_result(),)})
    actions = [a.model_copy(update={"impact": {"fcr": 0.01}}) if k % 10 == 0 else a
               for k, a in enumerate(plan.actions)]
    tracked = plan.model_copy(update={"goal": goal, "actions": tuple(actions)})
    half = len(actions) // 2
    done = []
    for k, (action, result) in enumerate(zip(actions, schedule.actions, strict=True)):
        if k < half:
            action = action.model_copy(update={
                "status": "done", "actual_start": result.earliest_start,
                "actual_finish": result.earliest_finish})
        elif k == half:
            action = action.model_copy(update={
                "status": "in_progress", "actual_start": result.earliest_start})
        done.append(action)
    return tracked, tracked.model_copy(update={"actions": tuple(done)})


def _key_result() -> Any:
    from backplan.models import KeyResult

    return KeyResult(id="fcr", metric="fcr", baseline=60, target=80,
                     baseline_date=dt.date(2026, 11, 20))


def measure(n: int, repeats: int) -> list[tuple[str, float]]:
    """The rows for a plan of ``n`` actions; the first is the baseline (``schedule``)."""
    from backplan import (
        dump_plan,
        glide_paths,
        mark_done,
        record_checkin,
        schedule_plan,
        track_progress,
    )

    generated = make_plan(n)
    today = generated.today
    plan, progressed = with_tracking(generated.plan, today)
    schedule = schedule_plan(plan, today=today)
    checkins = [{"date": (today + dt.timedelta(weeks=w)).isoformat(), "value": 60 + 0.2 * w}
                for w in range(52)]
    later = today + dt.timedelta(weeks=52)
    rows = [
        ("schedule", median_time(lambda: schedule_plan(plan, today=today), repeats)),
        ("schedule, 50 % done", median_time(
            lambda: schedule_plan(progressed, today=today), repeats)),
        ("glide paths", median_time(lambda: glide_paths(plan, schedule), repeats)),
        ("track", median_time(
            lambda: track_progress(plan, checkins, today=later, schedule=schedule), repeats)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.yaml"
        dump_plan(plan, path)
        days = iter(range(10_000))
        rows.append(("edit: checkin", median_time(
            lambda: record_checkin(path, "fcr", 61.5,
                                   date=today + dt.timedelta(days=next(days))), repeats)))
        ids = iter(a.id for a in plan.actions)
        rows.append(("edit: done", median_time(
            lambda: mark_done(path, next(ids), date=today), repeats)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k actions, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None, help="runs per measurement")
    args = parser.parse_args(argv)
    sizes = [1_000] if args.quick else [1_000, 10_000]
    repeats = args.repeats or (3 if args.quick else 7)

    print(f"{'actions':>8}  {'what':<22} {'median s':>10} {'x schedule':>11}")
    for n in sizes:
        rows = measure(n, repeats)
        base = rows[0][1]
        for what, seconds in rows:
            print(f"{n:>8,}  {what:<22} {seconds:>10.4f} {seconds / base:>10.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
