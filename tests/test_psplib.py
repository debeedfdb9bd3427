"""PSPLIB as an external oracle for the scheduler, and the ``.sm`` reader itself.

Each instance becomes a precedence-only plan on a seven-day calendar (see
:func:`backplan.io.psplib.psplib_plan`). The header's MPM-Time is the critical-path length, so:

* due on the MPM-Time, scheduled from ``today = start``: exactly feasible, minimum slack 0, and the
  earliest completion is the due date;
* due ``k`` days earlier: minimum slack ``-k``, infeasible, flagged ``late-start`` ``k`` days short.

The data live in ``tests/data/psplib`` (a copy of ``../shared/data/psplib``; ``BACKPLAN_PSPLIB`` overrides the folder).
The default run checks a fixed sample of 40 j30 instances; ``pytest -m slow`` runs all 2,040.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from backplan.errors import PlanFileError, PlanValidationError
from backplan.io.psplib import (
    PsplibInstance,
    format_psplib,
    iter_psplib_archive,
    psplib_plan,
    read_psplib,
    read_psplib_summary,
)

REPO = Path(__file__).resolve().parents[1]
PSPLIB = Path(os.environ.get("BACKPLAN_PSPLIB", REPO / "tests" / "data" / "psplib"))
START = dt.date(2026, 11, 23)
SHORTFALLS = (1, 3, 7)
SETS = ("j30", "j60", "j90", "j120")

needs_data = pytest.mark.skipif(
    not (PSPLIB / "j30").is_dir(),
    reason=f"PSPLIB data not found at {PSPLIB} (expected tests/data/psplib; "
    "set BACKPLAN_PSPLIB to its folder)",
)


def _sample_j30(count: int = 40) -> list[Path]:
    """A fixed spread over the 480 j30 files: every 12th in name order (all 48 groups hit)."""
    files = sorted((PSPLIB / "j30").glob("*.sm"))
    step = max(1, len(files) // count)
    return files[::step][:count]


def _require_scheduler() -> None:
    try:
        from backplan.scheduling import schedule_plan  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"backplan.scheduling.schedule_plan is not available yet: {exc}")


def _oracle_failures(instance: PsplibInstance) -> list[str]:
    """Schedule ``instance`` due on its MPM-Time and k days earlier; describe every mismatch."""
    from backplan.scheduling import schedule_plan

    failures: list[str] = []
    exact_due = START + dt.timedelta(days=instance.mpm_time - 1)

    schedule = schedule_plan(psplib_plan(instance, start=START), today=START)
    got = (schedule.feasible, schedule.min_slack, schedule.earliest_completion)
    if got != (True, 0, exact_due):
        failures.append(f"{instance.name} due on MPM-Time {instance.mpm_time}: expected "
                        f"(feasible, min_slack, earliest_completion) = (True, 0, {exact_due}), "
                        f"got {got}")

    for k in SHORTFALLS:
        due = exact_due - dt.timedelta(days=k)
        schedule = schedule_plan(psplib_plan(instance, start=START, due=due), today=START)
        late = [f.shortfall_days for f in schedule.flags if f.code == "late-start"]
        worst = max((s for s in late if s is not None), default=None)
        got_k = (schedule.feasible, schedule.min_slack, worst)
        if got_k != (False, -k, k):
            failures.append(f"{instance.name} due {k} days early: expected (feasible, min_slack, "
                            f"max late-start shortfall) = (False, {-k}, {k}), got {got_k}")
    return failures


def _assert_oracle(instances: Iterable[PsplibInstance], *, expected_count: int) -> None:
    failures: list[str] = []
    count = 0
    for instance in instances:
        count += 1
        failures.extend(_oracle_failures(instance))
    assert count == expected_count
    assert not failures, f"{len(failures)} mismatches, first 10:\n" + "\n".join(failures[:10])


# --------------------------------------------------------------------------- the oracle


@needs_data
@pytest.mark.parametrize("path", _sample_j30() if (PSPLIB / "j30").is_dir() else [],
                         ids=lambda p: p.stem)
def test_j30_sample_matches_mpm_time(path: Path) -> None:
    _require_scheduler()
    assert _oracle_failures(read_psplib(path)) == []


@needs_data
def test_sample_is_forty_spread_instances() -> None:
    sample = _sample_j30()
    assert len(sample) == 40
    assert len({p.stem.split("_")[0] for p in sample}) == 40  # 40 distinct parameter groups


@pytest.mark.slow
@needs_data
@pytest.mark.parametrize(("name", "count"), [("j30", 480), ("j60", 480), ("j90", 480),
                                             ("j120", 600)])
def test_all_psplib_instances_match_mpm_time(name: str, count: int) -> None:
    _require_scheduler()
    _assert_oracle(iter_psplib_archive(PSPLIB / f"{name}.sm.zip"), expected_count=count)


# --------------------------------------------------------------------------- the reader


@needs_data
def test_reader_matches_hand_read_j301_1() -> None:
    inst = read_psplib(PSPLIB / "j30" / "j301_1.sm")
    assert inst.name == "j301_1"
    assert inst.jobs == tuple(f"job-{n}" for n in range(2, 32))
    assert (inst.mpm_time, inst.horizon) == (38, 158)
    assert inst.resources == ("R1", "R2", "R3", "R4")
    assert inst.capacities == (12, 13, 4, 12)
    # Line "2  1  3  6 11 15" and "2  1  8  4 0 0 0".
    assert inst.successors["job-2"] == ("job-6", "job-11", "job-15")
    assert (inst.durations["job-2"], inst.demands["job-2"]) == (8, (4, 0, 0, 0))
    # Line "16 1 2 21 22" and "16 1 10 0 0 0 5".
    assert inst.successors["job-16"] == ("job-21", "job-22")
    assert (inst.durations["job-16"], inst.demands["job-16"]) == (10, (0, 0, 0, 5))
    # Jobs 29, 30, 31 lead only to the sink 32, which is dropped.
    assert inst.successors["job-29"] == inst.successors["job-30"] == inst.successors["job-31"] == ()
    # Jobs 2, 3, 4 follow only the source 1, which is dropped.
    preds = inst.predecessors()
    assert preds["job-2"] == preds["job-3"] == preds["job-4"] == ()
    assert preds["job-20"] == ("job-5", "job-11", "job-18")
    assert sum(inst.durations.values()) == inst.horizon
    assert inst.critical_path_length() == inst.mpm_time


@needs_data
def test_plan_from_j301_1() -> None:
    plan = psplib_plan(read_psplib(PSPLIB / "j30" / "j301_1.sm"), start=START)
    assert plan.goal.id == "j301_1"
    assert plan.goal.due == START + dt.timedelta(days=37)
    assert plan.calendar.workdays == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert plan.calendar.holidays == ()
    actions = {a.id: a for a in plan.actions}
    assert len(actions) == 30
    job_20 = actions["job-20"]
    assert (job_20.duration, job_20.after) == (7, ("job-5", "job-11", "job-18"))
    assert all(a.lag == 0 and a.priority == "must" for a in plan.actions)


@needs_data
def test_archive_equals_unpacked_folder() -> None:
    from_zip = list(iter_psplib_archive(PSPLIB / "j30.sm.zip"))
    assert len(from_zip) == 480
    assert from_zip[:3] == [read_psplib(PSPLIB / "j30" / f"j301_{i}.sm") for i in (1, 2, 3)]
    assert from_zip[-1].name == "j3048_10"
    by_name = {inst.name: inst for inst in from_zip}
    for path in _sample_j30():
        assert by_name[path.stem] == read_psplib(path)


@needs_data
def test_summary_bounds() -> None:
    bounds = read_psplib_summary(PSPLIB / "summary.csv")
    assert len(bounds) == 2040
    j301_1 = bounds["j301_1"]
    assert (j301_1.critical_path, j301_1.optimum, j301_1.upper_bound) == (38, 43, 43)
    assert bounds["j12060_7"].optimum is None
    assert all(b.lower_bound >= b.critical_path for b in bounds.values())


def test_round_trip_and_zero_duration_jobs_are_bypassed() -> None:
    # 2 -> 3 (0 days) -> 4 and 2 -> 5: job 3 takes no time, so job 4 follows job 2 directly.
    inst = PsplibInstance(
        name="zero", jobs=("job-2", "job-3", "job-4", "job-5"),
        durations={"job-2": 2, "job-3": 0, "job-4": 4, "job-5": 1},
        successors={"job-2": ("job-3", "job-5"), "job-3": ("job-4",), "job-4": (), "job-5": ()},
        demands=dict.fromkeys(("job-2", "job-3", "job-4", "job-5"), (1, 0)),
        resources=("R1", "R2"), capacities=(2, 2), mpm_time=6, horizon=7,
    )
    assert read_psplib(format_psplib(inst), name="zero") == inst
    assert inst.critical_path_length() == 6
    plan = psplib_plan(inst, start=START)
    assert [(a.id, a.after) for a in plan.actions] == [
        ("job-2", ()), ("job-4", ("job-2",)), ("job-5", ("job-2",)),
    ]
    assert plan.goal.due == START + dt.timedelta(days=5)


def test_all_zero_durations_is_rejected() -> None:
    inst = PsplibInstance(
        name="empty", jobs=("job-2",), durations={"job-2": 0}, successors={"job-2": ()},
        demands={"job-2": (0,)}, resources=("R1",), capacities=(1,), mpm_time=0, horizon=0,
    )
    with pytest.raises(PlanValidationError) as info:
        psplib_plan(inst, start=START)
    assert info.value.codes == ["invalid-value"]


def test_malformed_and_missing_files(tmp_path: Path) -> None:
    good = format_psplib(PsplibInstance(
        name="tiny", jobs=("job-2",), durations={"job-2": 3}, successors={"job-2": ()},
        demands={"job-2": (1,)}, resources=("R1",), capacities=(1,), mpm_time=3, horizon=3,
    ))
    with pytest.raises(PlanFileError) as info:
        read_psplib(good.replace("PRECEDENCE RELATIONS:", "PRECEDENCE:"), name="tiny")
    assert info.value.codes == ["syntax"]
    assert "PRECEDENCE RELATIONS" in str(info.value)

    with pytest.raises(PlanFileError) as info:
        read_psplib(good.replace("  2      1     3", "  2      1     x"), name="tiny")
    assert info.value.problems[0].field == "REQUESTS/DURATIONS"

    with pytest.raises(PlanFileError) as info:
        read_psplib(tmp_path / "nope.sm")
    assert info.value.codes == ["file-not-found"]

    (tmp_path / "bad.sm").write_bytes(b"\xff\xfe")
    with pytest.raises(PlanFileError) as info:
        read_psplib(tmp_path / "bad.sm")
    assert info.value.codes == ["encoding"]

    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/j1_1.sm", good)
        zf.writestr("readme.txt", "not an instance")
        zf.writestr("j1_2.sm", good.replace("horizon", "horizn"))
    instances = iter_psplib_archive(archive)
    assert next(instances).name == "j1_1"
    with pytest.raises(PlanFileError, match=r"mixed\.zip:j1_2\.sm"):
        next(instances)
