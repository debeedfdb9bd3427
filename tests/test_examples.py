"""The bundled example plans load, schedule and tell the story their README promises.

Every example is scheduled from the same "today" the docs use (2026-11-23). The FCR and CSAT
plans fit with a little slack; the AHT plan is a handful of working days short and must say so.
The assertions are about behaviour (feasibility, flags, calendars, constraints), not date dumps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from backplan.models import METRICS, Plan
from backplan.scheduling import Schedule, schedule_plan

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = dt.date(2026, 11, 23)
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

FEASIBLE = ["fcr", "csat"]
INFEASIBLE = ["aht"]
ALL = FEASIBLE + INFEASIBLE


def load_example(name: str) -> Plan:
    from backplan.io import load_plan

    return load_plan(EXAMPLES / f"{name}.yaml")


@pytest.fixture(scope="module", params=ALL)
def example(request: pytest.FixtureRequest) -> tuple[str, Plan, Schedule]:
    plan = load_example(request.param)
    return request.param, plan, schedule_plan(plan, today=TODAY)


def is_working_day(plan: Plan, day: dt.date) -> bool:
    return WEEKDAY_NAMES[day.weekday()] in plan.calendar.workdays and (
        day not in plan.calendar.holidays
    )


def working_days_between(plan: Plan, first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last`` (``first < last``)."""
    days = (first + dt.timedelta(n) for n in range(1, (last - first).days + 1))
    return sum(is_working_day(plan, day) for day in days)


def predecessor_actions(plan: Plan, action_id: str) -> Iterator[tuple[str, int]]:
    """(predecessor action id, required lag) for the scheduled action ``action_id``.

    Follows ``after`` through milestones (their member actions) and a milestone's own ``after``.
    Won't actions are skipped here: their dependencies are checked by the scheduler's own tests.
    """
    actions = {a.id: a for a in plan.actions}
    milestones = {m.id: m for m in plan.milestones}

    def members(item: str) -> list[str]:
        if item in actions:
            return [item]
        return [a.id for a in plan.actions if a.milestone == item]

    action = actions[action_id]
    for before in action.after:
        for pred in members(before):
            yield pred, action.lag
    if action.milestone is not None:
        for before in milestones[action.milestone].after:
            for pred in members(before):
                yield pred, 0


# --- what the examples are -----------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_example_is_a_realistic_plan(name: str) -> None:
    plan = load_example(name)
    assert 15 <= len(plan.actions) <= 40
    assert len(plan.milestones) >= 3
    assert all(m.due is not None for m in plan.milestones)
    assert any(m.after for m in plan.milestones)
    assert any(a.lag > 0 for a in plan.actions)
    assert any(a.not_before is not None for a in plan.actions)
    assert any(a.not_after is not None for a in plan.actions)
    assert {a.priority for a in plan.actions} >= {"must", "should", "could", "wont"}
    assert all(a.owner and a.title for a in plan.actions)
    assert plan.calendar.holidays, "a holiday calendar is part of the example"
    kr = plan.goal.key_results[0]
    assert kr.metric == name
    assert kr.metric in METRICS
    assert kr.baseline_date is not None
    assert kr.baseline_date <= TODAY


def test_aht_example_reads_clock_times_as_seconds() -> None:
    kr = load_example("aht").goal.key_results[0]
    assert (kr.baseline, kr.target) == (420.0, 360.0)


# --- feasibility ----------------------------------------------------------------------


@pytest.mark.parametrize("name", FEASIBLE)
def test_feasible_examples_fit_with_a_little_slack(name: str) -> None:
    plan = load_example(name)
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.feasible
    assert not schedule.errors
    assert schedule.min_slack is not None
    assert 2 <= schedule.min_slack <= 10
    assert all(a.slack >= 0 for a in schedule.actions)
    assert schedule.earliest_completion is not None
    assert schedule.earliest_completion <= plan.goal.due
    assert all(m.earliest_date <= m.due for m in schedule.milestones if m.due is not None)


def test_aht_example_is_a_handful_of_working_days_short() -> None:
    plan = load_example("aht")
    schedule = schedule_plan(plan, today=TODAY)
    assert not schedule.feasible
    assert schedule.min_slack is not None
    assert -8 <= schedule.min_slack <= -3
    shortfall = -schedule.min_slack

    late = [f for f in schedule.flags if f.code == "late-start"]
    assert len(late) == 1, "a late chain reads as one problem"
    (flag,) = late
    assert flag.severity == "error"
    assert flag.shortfall_days == shortfall
    assert flag.chain
    assert schedule.action(flag.chain[0]).earliest_start == TODAY
    assert all(schedule.action(i).slack == schedule.min_slack for i in flag.chain)
    # The fixes say when the goal could be met instead, and one buys the whole shortfall.
    assert schedule.earliest_completion is not None
    assert schedule.earliest_completion > plan.goal.due
    assert any(fix.date == schedule.earliest_completion for fix in flag.fixes)
    assert any(fix.days == shortfall for fix in flag.fixes)

    final = next(m for m in plan.milestones if m.due == plan.goal.due)
    assert any(
        f.code == "milestone-late" and f.subject == final.id and f.severity == "error"
        for f in schedule.flags
    )


def test_aht_example_warns_about_a_dependency_on_a_wont_action() -> None:
    plan = load_example("aht")
    schedule = schedule_plan(plan, today=TODAY)
    wont = {a.id for a in plan.actions if a.priority == "wont"}
    dependants = {a.id for a in plan.actions if wont & set(a.after) and a.id not in wont}
    assert dependants
    warned = {f.subject for f in schedule.flags if f.code == "depends-on-wont"}
    assert warned == dependants
    assert all(f.severity == "warning" for f in schedule.flags if f.code == "depends-on-wont")


# --- every example: calendar, constraints, won't actions ------------------------------------


def test_every_date_is_a_working_day(example: tuple[str, Plan, Schedule]) -> None:
    _, plan, schedule = example
    for a in schedule.actions:
        for field in ("start", "finish", "earliest_start", "earliest_finish"):
            day = getattr(a, field)
            assert is_working_day(plan, day), f"{a.id}.{field} = {day} is not a working day"
    for m in schedule.milestones:
        assert is_working_day(plan, m.date), f"milestone {m.id} on {m.date}"
        assert is_working_day(plan, m.earliest_date), f"milestone {m.id} earliest {m.earliest_date}"


def test_wont_actions_are_unscheduled(example: tuple[str, Plan, Schedule]) -> None:
    _, plan, schedule = example
    wont = {a.id for a in plan.actions if a.priority == "wont"}
    scheduled = {a.id for a in schedule.actions}
    assert wont
    assert set(schedule.unscheduled) == wont
    assert not scheduled & wont
    assert scheduled | wont == {a.id for a in plan.actions}


def test_schedule_honours_durations_caps_and_windows(example: tuple[str, Plan, Schedule]) -> None:
    _, plan, schedule = example
    actions = {a.id: a for a in plan.actions}
    milestone_due = {m.id: m.due for m in plan.milestones}
    for s in schedule.actions:
        a = actions[s.id]
        assert working_days_between(plan, s.start, s.finish) == a.duration - 1
        assert working_days_between(plan, s.earliest_start, s.earliest_finish) == a.duration - 1
        assert s.finish <= plan.goal.due
        if a.milestone is not None and milestone_due[a.milestone] is not None:
            assert s.finish <= milestone_due[a.milestone]
        if a.not_after is not None:
            assert s.finish <= a.not_after
        if a.not_before is not None:
            assert s.earliest_start >= a.not_before
        assert s.earliest_start >= TODAY


def test_schedule_honours_dependencies_and_lags(example: tuple[str, Plan, Schedule]) -> None:
    _, plan, schedule = example
    dated = {a.id: a for a in schedule.actions}
    for s in schedule.actions:
        for pred, lag in predecessor_actions(plan, s.id):
            if pred not in dated:  # a won't action
                continue
            p = dated[pred]
            assert p.finish < s.start, f"{pred} -> {s.id}"
            assert working_days_between(plan, p.finish, s.start) >= lag + 1, f"{pred} -> {s.id}"
            assert p.earliest_finish < s.earliest_start, f"{pred} -> {s.id}"
            gap = working_days_between(plan, p.earliest_finish, s.earliest_start)
            assert gap >= lag + 1, f"{pred} -> {s.id}"


def test_critical_actions_have_the_least_slack(example: tuple[str, Plan, Schedule]) -> None:
    _, _, schedule = example
    least = min(a.slack for a in schedule.actions)
    assert schedule.min_slack == least
    assert {a.id for a in schedule.actions if a.critical} == {
        a.id for a in schedule.actions if a.slack == least
    }
    assert schedule.critical_path
    assert all(schedule.action(i).critical for i in schedule.critical_path)


# --- the feature examples: risk, tracking, who does what ------------------------------------


def test_every_example_runs_on_the_core_install_except_the_country_holidays() -> None:
    """Only capacity.yaml needs an extra to schedule (country holidays); the others list theirs."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        from backplan.io import load_plan

        plan = load_plan(path)
        assert (plan.calendar.country is not None) == (path.stem == "capacity"), path.stem
        assert all(a.owner or a.assignees for a in plan.actions), f"{path.stem}: who does it?"


def test_risk_example_fits_as_planned_but_is_a_coin_toss_once_simulated() -> None:
    pytest.importorskip("numpy")
    from backplan.analysis.risk import simulate_schedule

    plan = load_example("risk")
    assert sum(a.estimate is not None for a in plan.actions) >= 10
    assert len(plan.risks) >= 4
    assert any(r.actions for r in plan.risks)
    assert any(not r.actions for r in plan.risks), "a risk on the whole plan too"
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.feasible
    assert schedule.min_slack is not None
    assert 3 <= schedule.min_slack <= 10
    simulation = simulate_schedule(plan, today=TODAY, samples=4000, seed=0)
    assert 0.4 <= simulation.probability <= 0.7  # interesting: neither safe nor hopeless
    assert simulation.p50 is not None
    assert simulation.p80 is not None
    assert simulation.p80 > plan.goal.due  # committing at 80 % needs more time than planned
    assert simulation.buffer is not None
    assert simulation.buffer.start_earlier_days > 0
    assert set(simulation.drivers) & {"recruit", "induction", "nesting"}
    assert simulation.risk_drivers


def test_risk_scenarios_change_the_chance() -> None:
    pytest.importorskip("numpy")
    from backplan import compare_scenarios, load_scenarios

    comparison = compare_scenarios(load_example("risk"),
                                   load_scenarios(EXAMPLES / "data" / "risk-scenarios.yaml"),
                                   today=TODAY, samples=1000, seed=0)
    assert comparison.simulated
    planned = comparison.outcome("as planned")
    assert planned.probability is not None
    others = [o for o in comparison.outcomes if o is not planned]
    assert len(others) >= 3
    assert all(o.probability is not None and o.probability > planned.probability for o in others)


TRACKING_DAY = dt.date(2027, 1, 20)
CHECKINS = EXAMPLES / "data" / "tracking-checkins.csv"


def test_tracking_example_is_in_flight_with_effects_and_check_ins() -> None:
    from backplan.analysis.tracking import track_progress

    plan = load_example("tracking")
    statuses = {a.status for a in plan.actions}
    assert statuses == {"done", "in_progress", "not_started"}
    assert sum(bool(a.impact) for a in plan.actions) >= 6
    assert any(m.expect for m in plan.milestones)
    assert plan.people
    assert any(a.assignees for a in plan.actions)
    started_today = [a.id for a in plan.actions if a.actual_start == dt.date(2027, 1, 18)]
    assert started_today == ["desktop-tools"]
    report = track_progress(plan, CHECKINS, today=TRACKING_DAY)
    status = {kr.key_result: kr.status for kr in report.key_results}
    assert status == {"aht": "at_risk", "csat": "on_track"}
    assert all(len(kr.checkins) >= 5 for kr in report.key_results)
    assert any(f.code == "off-trajectory" for f in report.flags)


def test_tracking_baseline_is_the_schedule_agreed_before_the_work_started() -> None:
    import json

    from backplan.analysis.progress import compare_schedules
    from backplan.calendars import plan_calendar

    plan = load_example("tracking")
    baseline = json.loads((EXAMPLES / "data" / "tracking-baseline.json").read_text())
    assert baseline["today"] == "2026-11-30"
    assert {a["id"] for a in baseline["actions"]} == {
        a.id for a in plan.actions if a.priority != "wont"}
    current = schedule_plan(plan, today=TRACKING_DAY)
    slip = compare_schedules(EXAMPLES / "data" / "tracking-baseline.json", current,
                             calendar=plan_calendar(plan, today=TRACKING_DAY))
    assert slip.completion_slip_days is not None
    assert slip.completion_slip_days > 0


# --- the AHT goal paid for by the queue (examples/aht-queue.yaml) ----------------------


@pytest.fixture(scope="module")
def queue_example() -> tuple[Plan, Schedule]:
    plan = load_example("aht-queue")
    return plan, schedule_plan(plan, today=TODAY)


def test_queue_example_is_feasible_and_levelled(queue_example: tuple[Plan, Schedule]) -> None:
    plan, schedule = queue_example
    assert plan.queue is not None
    assert plan.queue.aht_key_result == "aht-billing"
    assert schedule.capacity == "levelled"
    assert schedule.feasible
    assert not schedule.flags
    assert schedule.min_slack is not None
    assert 2 <= schedule.min_slack <= 10


def test_queue_example_freed_hours_fund_the_later_waves(
        queue_example: tuple[Plan, Schedule]) -> None:
    from backplan import queue_capacity

    plan, schedule = queue_example
    waves = [schedule.action(f"coaching-wave-{k}") for k in (1, 2, 3)]
    # Each wave is the same 200 hours; the first is paid at 7:00, the others as AHT falls.
    assert waves[0].duration_days > waves[1].duration_days >= waves[2].duration_days
    capacity = queue_capacity(plan, today=TODAY)
    assert capacity is not None
    early = capacity.between(TODAY, dt.date(2026, 12, 18))
    late = capacity.between(dt.date(2027, 4, 5), plan.goal.due)
    assert {d.aht_seconds for d in early} == {420.0}
    assert max(d.aht_seconds for d in late) < 390
    champions = list(plan.queue.people)
    given_early = sum(s for d in early for p, s in d.shares if p in champions) / len(early)
    given_late = sum(s for d in late for p, s in d.shares if p in champions) / len(late)
    assert given_late > 1.5 * given_early


def test_queue_example_busy_march_what_if(capsys: pytest.CaptureFixture[str]) -> None:
    from backplan.cli import main

    scenarios = EXAMPLES / "data" / "aht-queue-scenarios.yaml"
    assert main(["compare", str(EXAMPLES / "aht-queue.yaml"), str(scenarios), "--today",
                 TODAY.isoformat(), "--format", "json"]) == 0
    import json

    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["scenarios"]}
    assert rows["as planned"]["feasible"]
    assert not rows["busy-march"]["feasible"]
    assert rows["busy-march"]["spare_hours"] < rows["as planned"]["spare_hours"]
    assert rows["aht-stalls"]["spare_hours"] < rows["as planned"]["spare_hours"]
    assert rows["more-agents"]["min_slack"] > rows["as planned"]["min_slack"]
