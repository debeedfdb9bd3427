"""How often the fixes fix: random infeasible plans, with and without people (issue 13's figures).

Run from the repository root:

    python bench/bench_fixes.py               # 400 infeasible plans (about a minute)
    python bench/bench_fixes.py --plans 100   # fewer

Plans are generated deterministically (``random.Random(seed)``): 4-14 actions with 0-3
predecessors among earlier ones, some lags, milestones with dues, ``not_before`` and
``not_after`` windows, MoSCoW priorities; half of them book 1-3 people (effort-sized actions
and fixed durations, time off, part-timers). Each plan is scheduled from a today that makes it
infeasible (plans that stay feasible are skipped). For every infeasible plan the run checks
what the issue asks: every fix's changes, applied and scheduled the same way, give exactly its
``feasible_after`` and ``min_slack_after``; and it counts how often the top-ranked fix makes the
plan feasible and how often each kind of fix is offered. It also times ``schedule_plan`` (with
its fix verification) per plan.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import statistics
import time
from typing import Any

START = dt.date(2027, 1, 4)


def make_plan(rng: random.Random, *, people: bool) -> dict[str, Any]:
    n = rng.randint(4, 14)
    actions: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    staff = [{"id": f"p{k}", "hours_per_day": rng.choice([1, 1.5, 2, 3, 7.5])}
             for k in range(rng.randint(1, 3))] if people else []
    for person in staff:
        if rng.random() < 0.3:
            first = START + dt.timedelta(days=rng.randint(0, 60))
            person["time_off"] = [f"{first}..{first + dt.timedelta(days=rng.randint(0, 10))}"]
    for k in range(n):
        action: dict[str, Any] = {"id": f"a{k}", "priority": rng.choice(
            ["must", "must", "should", "could"])}
        earlier = [a["id"] for a in actions]
        if earlier:
            action["after"] = rng.sample(earlier, rng.randint(0, min(3, len(earlier))))
            if action["after"] and rng.random() < 0.2:
                action["lag"] = rng.randint(1, 3)
        if staff and rng.random() < 0.6:
            who = rng.sample(staff, rng.randint(1, min(2, len(staff))))
            if rng.random() < 0.5:
                action["effort"] = rng.randint(2, 40)
                action["assignees"] = [p["id"] for p in who]
            else:
                action["duration"] = rng.randint(1, 8)
                action["assignees"] = [{"person": p["id"], "hours_per_day": min(
                    p["hours_per_day"], rng.choice([0.5, 1]))} for p in who
                    if "time_off" not in p] or None
                if action["assignees"] is None:
                    del action["assignees"]
        else:
            action["duration"] = rng.randint(1, 10)
        if rng.random() < 0.1:
            action["not_before"] = str(START + dt.timedelta(days=rng.randint(0, 40)))
        if rng.random() < 0.1:
            action["not_after"] = str(START + dt.timedelta(days=rng.randint(40, 90)))
            if "not_before" in action and action["not_before"] > action["not_after"]:
                del action["not_before"]
        actions.append(action)
    if rng.random() < 0.6:
        milestones.append({"id": "m0", "due": str(START + dt.timedelta(days=rng.randint(15, 60)))})
        for action in rng.sample(actions, max(1, n // 3)):
            if not action.get("after"):
                action["milestone"] = "m0"
    due = START + dt.timedelta(days=rng.randint(20, 80))
    return {"goal": {"id": "g", "due": str(due)}, "people": staff, "milestones": milestones,
            "actions": actions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=400, help="infeasible plans to try")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    import backplan
    from backplan.errors import BackplanError

    rng = random.Random(args.seed)
    offered: collections.Counter[str] = collections.Counter()
    top_feasible = any_feasible = none_offered = checked = wrong = 0
    by_capacity: collections.Counter[str] = collections.Counter()
    times: list[float] = []
    plans = 0
    while plans < args.plans:
        data = make_plan(rng, people=rng.random() < 0.5)
        try:
            plan = backplan.load_plan(data)
            today = START + dt.timedelta(days=rng.randint(0, 30))
            started = time.perf_counter()
            schedule = backplan.schedule_plan(plan, today=today)
            elapsed = time.perf_counter() - started
        except BackplanError:
            continue
        if schedule.feasible:
            continue
        plans += 1
        times.append(elapsed)
        by_capacity[schedule.capacity] += 1
        fixes = schedule.fixes
        offered.update({fix.kind for fix in fixes})
        if not fixes:
            none_offered += 1
        top_feasible += bool(fixes) and bool(fixes[0].feasible_after)
        any_feasible += any(f.feasible_after for f in fixes)
        for fix in fixes:
            after = backplan.schedule_plan(backplan.apply_changes(plan, fix.changes),
                                           today=today)
            checked += 1
            wrong += (after.feasible, after.min_slack) != (fix.feasible_after,
                                                          fix.min_slack_after)
    print(f"infeasible plans: {plans} ({dict(by_capacity)}), seed {args.seed}")
    print(f"top-ranked fix makes the plan feasible: {top_feasible} / {plans} "
          f"({100 * top_feasible / plans:.1f} %); some fix does: {any_feasible}; "
          f"no fix offered: {none_offered}")
    print("plans offered each kind of fix: " + ", ".join(
        f"{kind} {count} ({100 * count / plans:.0f} %)" for kind, count in offered.most_common()))
    print(f"fixes re-checked by applying their changes: {checked}; claims wrong: {wrong}")
    print(f"schedule_plan with fix verification: median {1000 * statistics.median(times):.1f} ms,"
          f" max {1000 * max(times):.1f} ms per plan")


if __name__ == "__main__":
    main()
