"""Speed of descoping (issue 6): the chain-guided search against a plain search by set size.

Run from the repository root:

    python bench/bench_descope.py            # 30, 100 and 300 actions (~1.5 min)
    python bench/bench_descope.py --quick    # 30 and 100 actions, fewer repeats (~3 s)

Both searches find every minimal set of up to ``--max-drop`` (default 3) could-haves that makes
the plan feasible, rescheduling each candidate set with ``schedule_plan``:

* ``backplan``: :func:`backplan.descope_proposals` (branches on the late chains the flags name);
* ``baseline``: every combination of could-haves by increasing size, skipping supersets of sets
  already found (the obvious correct search), with the same scheduler.

The run checks that both find the same sets, then prints the medians, the number of schedules
each needed, and the ratio baseline / backplan. Plans are generated deterministically
(``random.Random(seed + n)``): durations 1-8 working days, 1-2 predecessors among the previous
ten actions, 60 % must-haves, 20 % should-haves, 20 % could-haves, the goal due three working
days before the earliest completion.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule import median_time

import backplan
from backplan import Plan, drop_actions, schedule_plan

TODAY = dt.date(2027, 1, 4)


def generated(n: int, seed: int) -> Plan:
    rng = random.Random(seed + n)
    actions: list[dict[str, Any]] = []
    for k in range(n):
        earlier = list(range(max(0, k - 10), k))
        after = rng.sample(earlier, min(len(earlier), rng.randint(1, 2))) if earlier else []
        roll = rng.random()
        priority = "must" if roll < 0.6 else "should" if roll < 0.8 else "could"
        actions.append({"id": f"a{k}", "duration": rng.randint(1, 8),
                        "after": [f"a{j}" for j in after], "priority": priority})
    far = {"goal": {"id": "g", "due": "2035-01-01"}, "actions": actions}
    finish = schedule_plan(backplan.load_plan(far), today=TODAY).earliest_completion
    assert finish is not None
    calendar = backplan.WorkingCalendar()
    due = calendar.shift(finish, -3)
    return backplan.load_plan({**far, "goal": {"id": "g", "due": due.isoformat()}})


def baseline(plan: Plan, max_drop: int) -> tuple[set[frozenset[str]], int]:
    could = [a.id for a in plan.actions if a.priority == "could"]
    found: list[frozenset[str]] = []
    schedules = 0
    for size in range(1, max_drop + 1):
        for subset in combinations(could, size):
            candidate = frozenset(subset)
            if any(f <= candidate for f in found):
                continue
            schedules += 1
            if schedule_plan(drop_actions(plan, candidate), today=TODAY).feasible:
                found.append(candidate)
    return set(found), schedules



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 and 100 actions only")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-drop", type=int, default=3, dest="max_drop")
    args = parser.parse_args()
    sizes = (30, 100) if args.quick else (30, 100, 300)
    repeats = 3 if args.quick else 5
    print(f"{'actions':>7} {'could':>5} {'sets':>4} {'backplan s':>10} {'schedules':>9} "
          f"{'baseline s':>10} {'schedules':>9} {'ratio':>6}")
    for n in sizes:
        plan = generated(n, args.seed)
        result = backplan.descope_proposals(plan, today=TODAY, max_drop=args.max_drop,
                                            max_proposals=10_000, max_evaluations=1_000_000)
        ours = {frozenset(p.drop) for p in result.proposals if p.kind == "drop"
                and all(q == "could" for q in p.priorities)}
        theirs, baseline_schedules = baseline(plan, args.max_drop)
        if ours != theirs:
            raise SystemExit(f"{n} actions: the searches disagree: {ours ^ theirs}")
        ours_time = median_time(lambda plan=plan: backplan.descope_proposals(
            plan, today=TODAY, max_drop=args.max_drop, max_proposals=10_000,
            max_evaluations=1_000_000), repeats)
        base_time = median_time(lambda plan=plan: baseline(plan, args.max_drop), 1)
        could = sum(a.priority == "could" for a in plan.actions)
        print(f"{n:>7} {could:>5} {len(ours):>4} {ours_time:>10.3f} {result.evaluations:>9} "
              f"{base_time:>10.3f} {baseline_schedules:>9} {base_time / ours_time:>6.1f}")


if __name__ == "__main__":
    main()
