"""Re-planning from progress: done actions stay on their actual dates, work in progress runs its
remaining days from today, the rest is planned from today; and slip against a saved baseline."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan import (
    PlanFileError,
    PlanValidationError,
    WorkingCalendar,
    compare_schedules,
    glide_paths,
    load_plan,
    schedule_plan,
)
from backplan.cli import main
from backplan.models import Plan
from helpers import rule_edges
from strategies import plan_dicts

D = dt.date
TODAY = D(2027, 1, 11)  # a Monday


def plan_of(actions: list[dict[str, Any]], milestones: list[dict[str, Any]] | None = None,
            due: str = "2027-01-29") -> Plan:
    return load_plan({"goal": {"id": "g", "due": due}, "milestones": milestones or [],
                      "actions": actions})


def test_done_actions_keep_their_actual_dates() -> None:
    plan = plan_of([
        {"id": "a", "duration": 3, "status": "done", "actual_start": "2027-01-04",
         "actual_finish": "2027-01-07"},  # took 4 days instead of 3
        {"id": "b", "duration": 2, "after": ["a"]},
    ])
    for today in (TODAY, D(2027, 1, 14), D(2027, 1, 20)):
        schedule = schedule_plan(plan, today=today)
        a = schedule.action("a")
        assert (a.start, a.finish, a.earliest_start, a.earliest_finish) == (
            D(2027, 1, 4), D(2027, 1, 7), D(2027, 1, 4), D(2027, 1, 7))
        assert (a.slack, a.critical) == (0, False)
        b = schedule.action("b")
        assert b.earliest_start == today  # the rest is planned from today
        assert b.finish == D(2027, 1, 29)
        assert schedule.min_slack == b.slack
        assert schedule.critical_path == ("b",)


def test_done_without_actual_start_spans_its_duration() -> None:
    plan = plan_of([{"id": "a", "duration": 3, "status": "done", "actual_finish": "2027-01-05"}])
    a = schedule_plan(plan, today=TODAY).action("a")
    assert (a.start, a.finish) == (D(2027, 1, 1), D(2027, 1, 5))  # Fri, [weekend], Mon, Tue


def test_effort_sized_progress_uses_the_nominal_duration() -> None:
    # 20 hours at 2 hours a day: 10 working days, as schedule_plan plans it when not started.
    plan = load_plan({
        "goal": {"id": "g", "due": "2027-03-31"},
        "people": [{"id": "qa", "hours_per_day": 2}],
        "actions": [
            {"id": "started", "effort": {"hours": 20}, "assignees": ["qa"],
             "status": "in_progress", "actual_start": "2027-01-04"},
            {"id": "done", "effort": {"hours": 20}, "assignees": ["qa"], "status": "done",
             "actual_finish": "2027-01-15"},
        ],
    })
    schedule = schedule_plan(plan, today=D(2027, 1, 5))
    started = schedule.action("started")  # one of its 10 days worked: 9 left from today
    assert (started.earliest_start, started.earliest_finish) == (D(2027, 1, 4), D(2027, 1, 15))
    done = schedule.action("done")  # its 10 days end on actual_finish
    assert (done.start, done.finish) == (D(2027, 1, 4), D(2027, 1, 15))


def test_in_progress_runs_its_remaining_days_from_today() -> None:
    plan = plan_of([
        {"id": "a", "duration": 5, "status": "in_progress", "actual_start": "2027-01-06",
         "remaining": 4},
        {"id": "b", "duration": 5, "status": "in_progress", "actual_start": "2027-01-06"},
        {"id": "c", "duration": 2, "after": ["a", "b"]},
    ])
    schedule = schedule_plan(plan, today=TODAY)
    a, b, c = (schedule.action(i) for i in "abc")
    assert (a.start, a.earliest_start, a.earliest_finish) == (
        D(2027, 1, 6), D(2027, 1, 6), D(2027, 1, 14))
    # b: 3 of its 5 days worked (Wed, Thu, Fri): 2 left, Mon and Tue
    assert (b.start, b.earliest_finish) == (D(2027, 1, 6), D(2027, 1, 12))
    assert c.earliest_start == D(2027, 1, 15)
    assert (a.finish, b.finish) == (D(2027, 1, 27), D(2027, 1, 27))
    assert a.slack == 9  # the remaining work may resume as late as Jan 21
    assert schedule.critical_path == ("a", "c")


def test_successors_wait_for_the_actual_finish_and_lag_but_not_before_today() -> None:
    plan = plan_of([
        {"id": "a", "duration": 2, "status": "done", "actual_finish": "2027-01-08"},
        {"id": "b", "duration": 1, "after": ["a"], "lag": 5},
        {"id": "c", "duration": 1, "after": ["a"]},
    ])
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.action("b").earliest_start == D(2027, 1, 18)  # 6th working day after Jan 8
    assert schedule.action("c").earliest_start == TODAY


def test_done_work_never_makes_a_plan_infeasible_and_reached_milestones_are_not_late() -> None:
    plan = plan_of(
        [{"id": "a", "duration": 2, "milestone": "m", "status": "done",
          "actual_finish": "2027-01-08"},
         {"id": "b", "duration": 2, "after": ["m"]}],
        milestones=[{"id": "m", "due": "2027-01-05"}, {"id": "n", "after": ["m"]}],
    )
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.feasible
    assert [flag.code for flag in schedule.flags] == []
    m, n = schedule.milestone("m"), schedule.milestone("n")
    assert (m.date, m.earliest_date, m.slack) == (D(2027, 1, 8), D(2027, 1, 8), 0)
    assert (n.date, n.earliest_date) == (D(2027, 1, 8), D(2027, 1, 8))


def test_late_remaining_work_is_still_flagged() -> None:
    plan = plan_of([
        {"id": "a", "duration": 10, "status": "in_progress", "actual_start": "2027-01-04",
         "remaining": 12},
        {"id": "b", "duration": 5, "after": ["a"]},
    ])
    schedule = schedule_plan(plan, today=TODAY)
    assert not schedule.feasible
    (flag,) = schedule.errors
    assert (flag.code, flag.subject, flag.shortfall_days) == ("late-start", "a", 2)


def test_glide_path_follows_actual_finishes() -> None:
    plan = load_plan({
        "goal": {"id": "g", "due": "2027-01-29", "key_results": [
            {"id": "fcr", "metric": "fcr", "baseline": 70, "target": 72,
             "baseline_date": "2027-01-01"}]},
        "actions": [{"id": "a", "duration": 2, "impact": {"fcr": 2.0}, "status": "done",
                     "actual_finish": "2027-01-06"}],
    })
    path = glide_paths(plan, schedule_plan(plan, today=TODAY)).path("fcr")
    assert path.value_on(D(2027, 1, 5)) == 70.0
    assert path.value_on(D(2027, 1, 6)) == 72.0
    assert path.value_on(D(2027, 1, 6), schedule="earliest") == 72.0


@st.composite
def plans_with_progress(draw: st.DrawFn) -> tuple[Plan, dt.date]:
    data = draw(plan_dicts(max_items=10, wont=False))
    data["calendar"] = {}
    today = D(2026, 11, 16)
    # Done in order, one after another, before today; then maybe one in progress.
    finish = D(2026, 11, 2)
    done_count = draw(st.integers(0, len(data["actions"])))
    for k, action in enumerate(data["actions"]):
        if k < done_count:
            start = finish + dt.timedelta(days=draw(st.integers(0, 2)))
            finish = start + dt.timedelta(days=draw(st.integers(0, 3)))
            if finish >= today:
                break
            action.update(status="done", actual_finish=finish.isoformat())
            if draw(st.booleans()):
                action["actual_start"] = start.isoformat()
        elif k == done_count and draw(st.booleans()):
            action.update(status="in_progress", actual_start=finish.isoformat())
            if draw(st.booleans()):
                action["remaining"] = draw(st.integers(1, 6))
            break
    return Plan.model_validate(data), today


@given(plans_with_progress())
def test_replanning_invariants(case: tuple[Plan, dt.date]) -> None:
    plan, today = case
    calendar = WorkingCalendar()
    schedule = schedule_plan(plan, today=today)
    again = schedule_plan(plan, today=today + dt.timedelta(days=7))
    by_id = {a.id: a for a in plan.actions}
    today_n = calendar.number(today)
    for result in schedule.actions:
        action = by_id[result.id]
        if action.status == "done":
            assert result.finish == result.earliest_finish == action.actual_finish
            assert result.start == result.earliest_start
            if action.actual_start is not None:
                assert result.start == action.actual_start
            assert (result.slack, result.critical) == (0, False)
            assert again.action(result.id) == result  # a later today moves nothing done
        elif action.status == "in_progress":
            assert result.start == result.earliest_start == action.actual_start
            assert calendar.number(result.earliest_finish) >= today_n
        else:
            assert calendar.number(result.earliest_start) >= today_n
    open_slack = [a.slack for a in schedule.actions if by_id[a.id].status != "done"]
    assert schedule.min_slack == (min(open_slack) if open_slack else None)
    assert schedule.feasible == (not open_slack or min(open_slack) >= 0)
    # Precedence into work not yet started holds on the earliest schedule.
    # (an actual finish on a weekend counts as the working day before it)
    finish = {a.id: calendar.number_on_or_before(a.earliest_finish) for a in schedule.actions}
    finish.update({m.id: calendar.number(m.earliest_date) for m in schedule.milestones})
    start = {a.id: calendar.number(a.earliest_start) for a in schedule.actions}
    start.update({m.id: calendar.number(m.earliest_date) for m in schedule.milestones})
    for before, after, offset in rule_edges(plan):
        if after in by_id and by_id[after].status != "not_started":
            continue
        assert start[after] >= finish[before] + offset, (before, after)


# --------------------------------------------------------------------------------------------
# Slip against a baseline


def test_slip_per_action_and_milestone(tmp_path: Path) -> None:
    plan = plan_of(
        [{"id": "a", "duration": 3, "milestone": "m"}, {"id": "b", "duration": 2, "after": ["m"]}],
        milestones=[{"id": "m", "due": "2027-01-15"}],
    )
    baseline = schedule_plan(plan, today=D(2027, 1, 4))
    saved = tmp_path / "baseline.json"
    saved.write_text(baseline.to_json(), encoding="utf-8")
    progressed = plan_of(
        [{"id": "a", "duration": 3, "milestone": "m", "status": "done",
          "actual_start": "2027-01-05", "actual_finish": "2027-01-11"},
         {"id": "b", "duration": 4, "after": ["m"]}, {"id": "c", "duration": 1}],
        milestones=[{"id": "m", "due": "2027-01-15"}],
    )
    current = schedule_plan(progressed, today=D(2027, 1, 12))
    comparison = compare_schedules(saved, current)
    a, b, c = (comparison.slip(i) for i in "abc")
    assert (a.baseline_finish, a.current_finish, a.finish_slip_days, a.start_slip_days) == (
        D(2027, 1, 6), D(2027, 1, 11), 3, 1)
    assert (b.baseline_start, b.current_start, b.finish_slip_days) == (
        D(2027, 1, 7), D(2027, 1, 12), 5)
    assert (b.latest_finish_slip_days, a.latest_finish_slip_days) == (0, -4)
    assert (c.state, c.finish_slip_days) == ("added", None)
    m = comparison.slip("m")
    assert (m.kind, m.start_slip_days, m.finish_slip_days) == ("milestone", None, 3)
    assert [s.id for s in comparison.slipped] == ["b", "a", "m"]
    assert comparison.completion_slip_days == 5
    assert compare_schedules(baseline.to_dict(), current) == comparison
    assert json.loads(comparison.to_json())["actions"][0]["finish_slip_days"] == 3
    assert "+5" in str(comparison)
    removed = compare_schedules(current, baseline).slip("c")
    assert removed.state == "removed"


def test_slip_from_an_unreadable_baseline(tmp_path: Path) -> None:
    schedule = schedule_plan(plan_of([{"id": "a", "duration": 1}]), today=TODAY)
    with pytest.raises(PlanFileError, match="no such file"):
        compare_schedules(tmp_path / "missing.json", schedule)
    bad = tmp_path / "bad.json"
    bad.write_text('{"goal": "g", "today": "2027-01-11", "actions": [{"id": "a"}]}',
                   encoding="utf-8")
    with pytest.raises(PlanFileError) as error:
        compare_schedules(bad, schedule)
    assert error.value.codes == ["missing-field"]


def test_slip_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text("goal: {id: g, due: 2027-01-29}\nactions:\n  - {id: a, duration: 3}\n",
                         encoding="utf-8")
    assert main(["schedule", str(plan_file), "--today", "2027-01-04", "--format", "json"]) == 0
    baseline = tmp_path / "baseline.json"
    baseline.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["slip", str(plan_file), str(baseline), "--today", "2027-01-06",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["actions"][0]["finish_slip_days"] == 2
    assert main(["slip", str(plan_file), str(tmp_path / "nope.json")]) == 2


def test_remaining_measured_on_a_day_does_not_go_stale() -> None:
    # 6 working days left, measured on Monday 11 January: the work still ends on Monday 18,
    # whichever day the plan is scheduled from (nobody touched it).
    plan = load_plan({"goal": {"id": "g", "due": "2027-02-26"}, "actions": [
        {"id": "a", "duration": 10, "status": "in_progress", "actual_start": "2027-01-04",
         "remaining": 6, "remaining_as_of": "2027-01-11"}]})
    for day in (11, 12, 15):
        assert schedule_plan(plan, today=D(2027, 1, day)).action("a").earliest_finish == D(
            2027, 1, 18)
    # without the date, the remainder counts from each run's today
    stale = load_plan({"goal": {"id": "g", "due": "2027-02-26"}, "actions": [
        {"id": "a", "duration": 10, "status": "in_progress", "actual_start": "2027-01-04",
         "remaining": 6}]})
    assert schedule_plan(stale, today=D(2027, 1, 15)).action("a").earliest_finish == D(
        2027, 1, 22)
    with pytest.raises(PlanValidationError, match="remaining_as_of"):
        load_plan({"goal": {"id": "g", "due": "2027-02-26"}, "actions": [
            {"id": "a", "duration": 10, "remaining_as_of": "2027-01-11"}]})
