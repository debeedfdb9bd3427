"""Fixes are changes, measured by applying them: what each claims is what scheduling gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import backplan
from backplan import Plan, Schedule, apply_changes, schedule_plan
from backplan.cli import main
from backplan.errors import ScheduleRangeError
from strategies import START, people_plan_dicts, plan_dicts, todays

D = dt.date

plans_with_and_without_people = st.one_of(
    plan_dicts(max_items=10), people_plan_dicts()).map(Plan.model_validate)


def _schedule(plan: Plan, today: dt.date, **options: Any) -> Schedule | None:
    try:
        return schedule_plan(plan, today=today, **options)
    except ScheduleRangeError:  # a fixed-duration action its people can never fit
        return None


def _deadlines_met(plan: Plan, schedule: Schedule) -> bool:
    """Whether the schedule's own earliest dates meet every deadline it has to meet."""
    if schedule.earliest_completion is not None and schedule.earliest_completion > plan.goal.due:
        return False
    for milestone in schedule.milestones:  # the goal's due caps every milestone too
        if milestone.earliest_date > min(milestone.due or plan.goal.due, plan.goal.due):
            return False
    not_after = {a.id: a.not_after for a in plan.actions}
    return all(
        not_after[a.id] is None or a.earliest_finish <= not_after[a.id]  # type: ignore[operator]
        for a in schedule.actions
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans_with_and_without_people, today=todays, ignore=st.booleans())
def test_every_fix_claims_what_scheduling_with_its_changes_gives(
    plan: Plan, today: dt.date, ignore: bool
) -> None:
    schedule = _schedule(plan, today, ignore_capacity=ignore)
    if schedule is None:
        return
    for flag in schedule.flags:
        for fix in flag.fixes:
            assert fix.changes, fix
            after = schedule_plan(apply_changes(plan, fix.changes), today=today,
                                  ignore_capacity=ignore)
            assert after.capacity == schedule.capacity or after.capacity == "none"
            assert (after.feasible, after.min_slack) == (fix.feasible_after, fix.min_slack_after)
            if schedule.min_slack is not None and after.min_slack is not None:
                assert fix.days == after.min_slack - schedule.min_slack
            if fix.days > 0:
                assert f"buys {fix.days} working day" in fix.description
            # a fix that cannot help is not offered: it makes the plan feasible, buys slack or
            # clears its own flag (none of the actions it names late is late any more)
            late = {a.id for a in after.actions if a.slack < 0}
            cleared = late.isdisjoint(flag.affected) if flag.affected else (
                (flag.code, flag.subject) not in {(f.code, f.subject) for f in after.flags})
            assert fix.feasible_after or fix.days > 0 or cleared
    fixes = schedule.fixes
    if any(f.feasible_after for f in fixes):
        assert fixes[0].feasible_after  # fixes that make the plan feasible come first


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans_with_and_without_people, today=todays)
def test_earliest_dates_that_meet_every_deadline_mean_feasible(
    plan: Plan, today: dt.date
) -> None:
    schedule = _schedule(plan, today)
    if schedule is None:
        return
    if _deadlines_met(plan, schedule):
        assert schedule.feasible, schedule
        assert all(a.slack >= 0 for a in schedule.actions)


@pytest.mark.parametrize("ignore_capacity", [False, True])
def test_a_milestone_waiting_out_a_wont_actions_lag_is_a_deadline_the_earliest_dates_miss(
    ignore_capacity: bool,
) -> None:
    # Found by the property above: m9 waits for a4 plus the lag of the dropped a8 (lags add
    # up through wont actions), so it is reached the working day after a4 finishes, after the
    # goal's due date. The earliest completion stays the last earliest finish of an action
    # (the JSON contract); the plan is infeasible because m9's earliest date misses the due.
    plan = backplan.loads_plan("""
goal: {id: g, due: 2026-11-23}
calendar: {workdays: [mon, tue]}
people: [{id: p, hours_per_day: 1}]
milestones:
  - {id: m9, after: [a8]}
actions:
  - {id: a4, effort: 3, assignees: [p], not_before: 2026-11-11}
  - {id: a8, duration: 1, after: [a4], lag: 1, priority: wont}
""")
    schedule = schedule_plan(plan, today=dt.date(2026, 11, 2), ignore_capacity=ignore_capacity)
    assert schedule.capacity == ("ignored" if ignore_capacity else "levelled")
    assert schedule.action("a4").earliest_finish == dt.date(2026, 11, 23)  # Mon 16, Tue 17, Mon 23
    assert schedule.milestone("m9").earliest_date == dt.date(2026, 11, 24)
    assert schedule.earliest_completion == dt.date(2026, 11, 23)
    assert not schedule.feasible
    assert schedule.action("a4").slack == -1


def test_the_false_infeasible_plan_of_the_issue_is_feasible() -> None:
    plan = backplan.loads_plan("""
goal: {id: g, title: false infeasible, due: 2027-02-18}
calendar: {workdays: [mon, tue, wed, thu, fri], country: US,
           blackouts: [{start: 2026-12-22, end: 2026-12-24}]}
people:
  - {id: p0, name: P0, hours_per_day: 2, rules: [every friday]}
  - {id: p2, name: P2, hours_per_day: 4, workdays: [tue, wed, thu, fri]}
actions:
  - {id: a0, title: a0, effort: {hours: 40}, assignees: [{person: p0, hours_per_day: 1}]}
  - {id: a1, title: a1, effort: {hours: 24}, assignees: [{person: p2, hours_per_day: 2}],
     after: [a0]}
  - {id: a2, title: a2, effort: {hours: 2}, assignees: [p2], after: [a1]}
  - {id: a6, title: a6, effort: {pomodoros: 49}, assignees: [{person: p0, hours_per_day: 1}, p2],
     after: [a2]}
  - {id: a7, title: a7, effort: {hours: 20}, assignees: [p0]}
""")
    schedule = schedule_plan(plan, today=D(2026, 11, 2))
    assert schedule.capacity == "levelled"
    assert schedule.earliest_completion == D(2027, 2, 18)
    assert schedule.feasible
    assert schedule.min_slack == 0


def test_the_readme_due_date_fix_moves_every_due_date_that_binds() -> None:
    plan = backplan.load_plan("examples/aht.yaml")
    schedule = schedule_plan(plan, today=D(2026, 11, 23))
    move = next(f for f in schedule.errors[0].fixes if f.kind == "move-due")
    assert [c.to_dict() for c in move.changes] == [
        {"due": "2027-05-07"}, {"due": "2027-05-07", "milestone": "aht-at-target"}]
    assert (move.feasible_after, move.days) == (True, 4)
    assert schedule_plan(apply_changes(plan, move.changes), today=D(2026, 11, 23)).feasible


def test_the_capacity_fix_waits_for_the_leave_to_end() -> None:
    plan = backplan.load_plan("examples/capacity.yaml")
    schedule = schedule_plan(plan, today=D(2026, 11, 23))
    move = next(f for f in schedule.fixes if f.kind == "move-due")
    # Nothing of gaps-known can be done in the QA analyst's leave (11-22 January).
    assert [c.to_dict() for c in move.changes] == [
        {"due": "2027-01-26", "milestone": "gaps-known"}]
    assert move.feasible_after
    assert schedule_plan(apply_changes(plan, move.changes), today=D(2026, 11, 23)).feasible


def test_a_capacity_due_date_fix_comes_from_scheduling_not_from_counting_days() -> None:
    plan = backplan.loads_plan("""
goal: {id: g, due: 2027-03-31}
people:
  - {id: p, hours_per_day: 2, time_off: [{start: 2027-03-15, end: 2027-03-30}]}
actions:
  - {id: c, duration: 20}
  - {id: a, duration: 5, assignees: [p], after: [c]}
""")
    schedule = schedule_plan(plan, today=D(2027, 2, 15))
    (move,) = [f for f in schedule.fixes if f.kind == "move-due"]
    assert move.date == D(2027, 4, 6)  # a runs on p's first five days back: 31 March - 6 April
    assert move.feasible_after
    assert move.min_slack_after == 0


def test_in_progress_work_is_late_in_words_about_what_remains() -> None:
    plan = backplan.loads_plan("""
goal: {id: g, due: 2027-01-15}
actions:
  - {id: a, duration: 10, status: in_progress, actual_start: 2027-01-04, remaining: 8}
""")
    (flag,) = schedule_plan(plan, today=D(2027, 1, 11)).errors
    assert flag.message.startswith("its remaining 8 working days must finish by 2027-01-15")
    assert "must start by" not in flag.message


def test_advice_about_a_date_already_past_says_so() -> None:
    plan = backplan.loads_plan("""
goal: {id: g, due: 2027-01-15}
actions:
  - {id: a, duration: 5, not_before: 2027-01-13}
""")
    schedule = schedule_plan(plan, today=D(2027, 1, 11))
    (flag,) = schedule.errors
    move = next(f for f in flag.fixes if f.kind == "move-not-before")
    assert "already past" not in move.description
    late = schedule_plan(backplan.loads_plan("""
goal: {id: g, due: 2027-01-15}
actions:
  - {id: a, duration: 5}
"""), today=D(2027, 1, 13))
    (flag,) = late.errors
    assert flag.message.startswith("should have started by 2027-01-11 (2 working days ago)")


def test_fix_command_lists_and_the_strict_schedule_agrees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file = tmp_path / "aht.yaml"
    plan_file.write_text(Path("examples/aht.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["fix", str(plan_file), "--today", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "1. shorten aht-decomposition" in out
    assert "2. move the goal's due date to 2027-05-07" in out
    assert main(["fix", str(plan_file), "--today", "2026-11-23", "--format", "json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert [f["number"] for f in data["fixes"]] == [1, 2, 3]
    assert data["fixes"][1]["changes"] == [
        {"due": "2027-05-07"}, {"due": "2027-05-07", "milestone": "aht-at-target"}]
    assert main(["schedule", str(plan_file), "--today", "2026-11-23", "--strict"]) == 1
    assert main(["fix", str(plan_file), "--today", "2026-11-23", "--apply", "9"]) == 2


def test_the_capacity_example_gets_one_answer_from_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    plan = "examples/capacity.yaml"
    today = ["--today", "2026-11-23"]
    import json

    answers = {}
    for command in (["schedule", plan, *today, "--format", "json"],
                    ["load", plan, *today, "--format", "json"],
                    ["fix", plan, *today, "--format", "json"],
                    ["descope", plan, *today, "--format", "json"]):
        assert main(command) == 0
        answers[command[0]] = json.loads(capsys.readouterr().out)["feasible"]
    assert main(["risk", plan, *today, "--format", "json"]) == 0
    risk = json.loads(capsys.readouterr().out)
    answers["risk"] = risk["deterministic_feasible"]
    assert (risk["capacity"], risk["probability_all_deadlines"]) == ("levelled", 0.0)
    assert main(["lint", plan, *today, "--format", "json"]) == 0
    lint = json.loads(capsys.readouterr().out)
    answers["lint"] = not any(f["code"] == "achievable-infeasible" for f in lint["findings"])
    assert main(["huddle", plan, "--date", "2026-11-23", "--format", "json"]) == 0
    answers["huddle"] = json.loads(capsys.readouterr().out)["feasible"]
    report = tmp_path / "report.html"
    assert main(["report", plan, *today, "-o", str(report)]) == 0
    capsys.readouterr()
    answers["report"] = "not feasible as planned" not in report.read_text(encoding="utf-8")
    assert set(answers.values()) == {False}, answers
    # load and schedule print the same levelled dates
    assert main(["schedule", plan, *today, "--format", "json"]) == 0
    schedule = json.loads(capsys.readouterr().out)
    assert main(["load", plan, *today, "--format", "json"]) == 0
    load = json.loads(capsys.readouterr().out)
    assert load["actions"] == schedule["actions"]
    assert schedule["capacity"] == "levelled"
    assert all("assignees" in a and "owner" in a for a in schedule["actions"])


def test_ignore_capacity_gives_the_precedence_answer_on_purpose() -> None:
    plan = backplan.load_plan("examples/capacity.yaml")
    ignored = schedule_plan(plan, today=D(2026, 11, 23), ignore_capacity=True)
    assert (ignored.capacity, ignored.feasible) == ("ignored", True)
    assert not isinstance(ignored, backplan.LevelledSchedule)
    fcr = schedule_plan(backplan.load_plan("examples/fcr.yaml"), today=START)
    assert fcr.capacity == "none"


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(plan=plans_with_and_without_people, today=todays, number=st.integers(1, 3))
def test_a_fix_applied_to_the_file_schedules_as_it_said(
    plan: Plan, today: dt.date, number: int, tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    schedule = _schedule(plan, today)
    assume(schedule is not None and len(schedule.fixes) >= number)
    assert schedule is not None
    fix = schedule.fixes[number - 1]
    path = tmp_path_factory.mktemp("fix") / "plan.yaml"
    backplan.dump_plan(plan, path)
    day = ["--today", today.isoformat()]
    assert main(["fix", str(path), *day, "--apply", str(number)]) == 0
    capsys.readouterr()
    after = schedule_plan(backplan.load_plan(path), today=today)
    assert (after.feasible, after.min_slack) == (fix.feasible_after, fix.min_slack_after)
    strict = main(["schedule", str(path), *day, "--strict", "--format", "json"])
    capsys.readouterr()
    assert strict == (0 if fix.feasible_after else 1)


def test_a_levelled_due_date_fix_is_measured_past_the_earliest_completion_when_it_must_be() -> None:
    """As docs/people-and-capacity.md says: with a later due date the levelled work (and the
    hours a queue spares) can move, so the due-date fix is levelled again round after round and
    names the date that works, which here is after the earliest completion."""
    plan = backplan.load_plan("examples/aht-queue.yaml")
    today = D(2027, 1, 25)
    schedule = schedule_plan(plan, today=today)
    move = next(f for f in schedule.fixes if f.kind == "move-due")
    assert schedule.earliest_completion == D(2027, 5, 19)
    assert move.changes[0].to_dict() == {"due": "2027-05-28"}
    assert move.feasible_after
    assert schedule_plan(apply_changes(plan, move.changes), today=today).feasible
    # The goal's due date alone at the earliest completion is not enough (in this order).
    earliest_only = apply_changes(plan, [backplan.ScenarioChange(due=D(2027, 5, 19)),
                                         *move.changes[1:]])
    assert not schedule_plan(earliest_only, today=today).feasible
