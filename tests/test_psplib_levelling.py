"""PSPLIB with resources: the levelled scheduler against the instances' lower bounds.

Each instance becomes a plan whose four resources are people with per-day capacity (see
:func:`backplan.io.psplib_people.psplib_people_plan`), on a seven-day calendar, due after the sum of
all durations. For every levelled schedule: nobody is booked beyond capacity on any day, every
job runs its duration with its demand on each day, precedences hold, and the makespan is never
below the instance's lower bound (for j30, the proven optimum).

The default run checks a fixed sample of j30 and j60 instances with a short search;
``pytest -m slow`` runs all 480 j30 instances with the default settings.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import defaultdict
from pathlib import Path

import pytest

from backplan.io.psplib import (
    PsplibBounds,
    PsplibInstance,
    iter_psplib_archive,
    read_psplib_summary,
)
from backplan.io.psplib_people import psplib_people_plan, unit_hours
from backplan.scheduling import LevelledSchedule, schedule_levelled

REPO = Path(__file__).resolve().parents[1]
PSPLIB = Path(os.environ.get("BACKPLAN_PSPLIB", REPO / "tests" / "data" / "psplib"))
START = dt.date(2026, 1, 5)

needs_data = pytest.mark.skipif(
    not (PSPLIB / "summary.csv").is_file(),
    reason=f"PSPLIB data not found at {PSPLIB} (set BACKPLAN_PSPLIB to its folder)",
)


def _instances(name: str, every: int, limit: int | None = None) -> list[PsplibInstance]:
    """Every ``every``-th instance of a set in name order, at most ``limit`` of them."""
    archive = iter_psplib_archive(PSPLIB / f"{name}.sm.zip")
    return list(itertools.islice(itertools.islice(archive, 0, None, every), limit))


def _bounds() -> dict[str, PsplibBounds]:
    return read_psplib_summary(PSPLIB / "summary.csv")


def makespan(schedule: LevelledSchedule) -> int:
    first = min(a.start for a in schedule.actions)
    last = max(a.finish for a in schedule.actions)
    return (last - first).days + 1


def check(instance: PsplibInstance, bounds: PsplibBounds, schedule: LevelledSchedule) -> int:
    """Assert the instance's own rules on the schedule, in periods; return the makespan."""
    assert schedule.feasible
    period = {a.id: ((a.start - START).days, (a.finish - START).days) for a in schedule.actions}
    for job in instance.jobs:
        if instance.durations[job] == 0:
            continue
        begin, end = period[job]
        assert end - begin + 1 == instance.durations[job], job
        for succ in instance.successors[job]:
            if instance.durations[succ]:
                assert period[succ][0] > end, (job, succ)
    # Resource use per period, in units, from the bookings.
    units: dict[tuple[str, int], float] = defaultdict(float)
    per_job: dict[tuple[str, str, int], float] = {}
    scale = dict(zip(instance.resources, map(unit_hours, instance.capacities), strict=True))
    for b in schedule.bookings:
        t = (b.day - START).days
        units[(b.person, t)] += b.hours / scale[b.person]
        per_job[(b.action, b.person, t)] = b.hours / scale[b.person]
    capacity = dict(zip(instance.resources, instance.capacities, strict=True))
    for (resource, t), used in units.items():
        assert used <= capacity[resource] + 1e-9, (resource, t, used)
    for job in instance.jobs:
        if not instance.durations[job]:
            continue
        begin, end = period[job]
        for resource, demand in zip(instance.resources, instance.demands[job], strict=True):
            for t in range(begin, end + 1):
                assert per_job.get((job, resource, t), 0) == pytest.approx(demand), (job, t)
    span = makespan(schedule)
    assert span >= bounds.lower_bound, f"{instance.name}: {span} < lower bound {bounds.lower_bound}"
    assert span >= bounds.critical_path
    return span


@needs_data
@pytest.mark.parametrize(("name", "every"), [("j30", 40), ("j60", 97), ("j120", 151)])
def test_a_sample_respects_capacity_and_the_lower_bound(name: str, every: int) -> None:
    bounds = _bounds()
    instances = _instances(name, every)
    assert len(instances) >= 4
    for instance in instances:
        plan = psplib_people_plan(instance, start=START)
        check(instance, bounds[instance.name], schedule_levelled(plan, today=START,
                                                                 iterations=300))


@needs_data
def test_an_instance_with_a_known_gap_is_levelled_to_its_optimum() -> None:
    (instance,) = _instances("j30", 1, 1)  # j301_1: critical path 38, optimum 43
    bound = _bounds()[instance.name]
    assert (bound.critical_path, bound.optimum) == (38, 43)
    plan = psplib_people_plan(instance, start=START)
    assert check(instance, bound, schedule_levelled(plan, today=START)) == 43


@needs_data
def test_a_due_date_before_the_lower_bound_is_flagged_over_capacity() -> None:
    (instance,) = _instances("j30", 1, 1)
    bound = _bounds()[instance.name]
    due = START + dt.timedelta(days=bound.critical_path - 1)  # feasible without resources
    plan = psplib_people_plan(instance, start=START, due=due)
    schedule = schedule_levelled(plan, today=START)
    assert not schedule.feasible
    assert schedule.min_slack is not None
    assert schedule.min_slack <= -(bound.optimum or 0) + (
        bound.critical_path)
    assert {f.code for f in schedule.errors} == {"over-capacity"}


@needs_data
@pytest.mark.slow
def test_all_j30_instances_respect_capacity_and_their_optimum() -> None:
    bounds = _bounds()
    for instance in _instances("j30", 1):
        plan = psplib_people_plan(instance, start=START)
        check(instance, bounds[instance.name], schedule_levelled(plan, today=START))
