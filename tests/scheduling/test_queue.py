"""A plan's queue as its people's capacity: the levelled schedule, AHT over time, the queue's
warnings and their fixes, and the volume/AHT/agents changes of scenarios."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backplan
from backplan import load_plan, queue_capacity, schedule_plan
from backplan.models import Plan
from backplan.models.changes import apply_changes
from backplan.scheduling.queue import QueueFlag

MONDAY = dt.date(2027, 1, 4)
# 100 contacts per half-hour at 3:00 with 80/20, 30% shrinkage and occupancy <= 0.85: 14 agents
# on the queue, 20 rostered (the published example); at 3:20, 15 and 22.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
QUEUE: dict[str, Any] = {"interval": "30m", "volume": dict.fromkeys(WEEKDAYS, [100] * 8),
                         "aht": 180, "target": "80/20",
                         "shrinkage": 0.3, "max_occupancy": 0.85, "rostered": 24}


def plan_with(actions: list[dict[str, Any]], *, queue: dict[str, Any] | None = None,
              due: str = "2027-01-29", people: list[dict[str, Any]] | None = None,
              key_results: list[dict[str, Any]] | None = None) -> Plan:
    people = people or [{"id": "ana", "hours_per_day": 10}, {"id": "ben", "hours_per_day": 10}]
    return load_plan({
        "goal": {"id": "g", "due": due, "key_results": key_results or []},
        "people": people,
        "queue": {**QUEUE, "people": [p["id"] for p in people], **(queue or {})},
        "actions": actions})


def hours_by_day(schedule: backplan.LevelledSchedule, person: str) -> dict[dt.date, float]:
    out: dict[dt.date, float] = {}
    for booking in schedule.bookings:
        if booking.person == person:
            out[booking.day] = out.get(booking.day, 0.0) + booking.hours
    return out


# --------------------------------------------------------------------------- capacity


def test_the_queue_gives_its_people_their_hours_in_the_levelled_schedule() -> None:
    # 16 spare hours a day (4 agents x 8 half-hours), 8 each: 40 hours of effort take 3 days
    # (16 + 16 + 8), not the 2 days that 10 hours a day each would give.
    plan = plan_with([{"id": "wiki", "effort": 40, "assignees": ["ana", "ben"]}])
    schedule = schedule_plan(plan, today=MONDAY)
    assert schedule.capacity == "levelled"
    assert schedule.feasible
    assert schedule.action("wiki").duration_days == 3
    ana, ben = hours_by_day(schedule, "ana"), hours_by_day(schedule, "ben")
    assert max(ana.values()) == max(ben.values()) == 8.0  # each day's share
    assert sorted(ana.get(d, 0) + ben.get(d, 0) for d in ana.keys() | ben.keys()) == [8, 16, 16]
    without_queue = plan.model_copy(update={"queue": None})
    assert schedule_plan(without_queue, today=MONDAY).action("wiki").duration_days == 2


def test_a_queue_person_is_never_booked_beyond_their_share() -> None:
    plan = plan_with([{"id": "a", "effort": 30, "assignees": ["ana"]},
                      {"id": "b", "effort": 30, "assignees": ["ana", "ben"], "after": ["a"]}],
                     queue={"rostered": dict(zip(WEEKDAYS, [22, 23, 24, 25, 26], strict=True))})
    schedule = schedule_plan(plan, today=MONDAY)
    capacity = queue_capacity(plan, today=MONDAY)
    assert capacity is not None
    for person in ("ana", "ben"):
        for day, hours in hours_by_day(schedule, person).items():
            assert hours * 3600 <= dict(capacity.day(day).shares).get(person, 0) + 1e-6
    assert not [f for f in schedule.flags if f.code == "queue-at-risk"]


def test_load_shows_what_the_queue_spares() -> None:
    plan = plan_with([{"id": "wiki", "effort": 40, "assignees": ["ana", "ben"]}])
    load = backplan.person_load(plan, schedule_plan(plan, today=MONDAY))
    ana = next(p for p in load.people if p.person == "ana")
    assert {d.available_hours for d in ana.days} == {8.0}


def test_a_fixed_duration_that_never_fits_names_the_queue() -> None:
    plan = plan_with([{"id": "wiki", "duration": 2,
                       "assignees": [{"person": "ana", "hours_per_day": 9}]}])
    with pytest.raises(backplan.ScheduleRangeError, match="what the queue spares"):
        schedule_plan(plan, today=MONDAY)


def test_a_plan_without_a_queue_does_not_load_the_queue_code() -> None:
    code = ("import datetime as dt, sys, backplan; plan = backplan.load_plan('examples/fcr.yaml'); "
            "backplan.schedule_plan(plan, today=dt.date(2026, 11, 23)); "
            "print('backplan.scheduling.queue' in sys.modules, "
            "'backplan.calendars.queue' in sys.modules and 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == "False"


# --------------------------------------------------------------------------- AHT over time

AHT_KR = [{"id": "aht", "metric": "aht", "baseline": "3:20", "target": "3:00",
           "baseline_date": "2027-01-04"}]


def test_freed_hours_show_from_when_the_aht_work_finishes_on_the_precedence_schedule() -> None:
    # coach finishes on its latest day, Friday 2027-01-15: from then on the AHT is 3:00, the
    # queue needs 20 rostered instead of 22 and spares 4 agents instead of 2.
    plan = plan_with([{"id": "coach", "duration": 3, "impact": {"aht": -20}}],
                     queue={"aht": {"key_result": "aht"}}, due="2027-01-15",
                     key_results=AHT_KR)
    capacity = queue_capacity(plan, today=MONDAY)
    assert capacity is not None
    before, on = capacity.days([dt.date(2027, 1, 14), dt.date(2027, 1, 15)])
    assert (before.aht_seconds, before.required_agents[0], before.spare_hours) == (200, 22, 8.0)
    assert (on.aht_seconds, on.required_agents[0], on.spare_hours) == (180, 20, 16.0)


def test_a_ramp_frees_the_hours_step_by_step() -> None:
    plan = plan_with([{"id": "coach", "duration": 1, "impact": {"aht": -20}, "ramp": 2}],
                     queue={"aht": {"key_result": "aht"}}, due="2027-01-15",
                     key_results=AHT_KR)
    capacity = queue_capacity(plan, today=MONDAY)
    assert capacity is not None
    # Finishes 2027-01-15 (latest): half the effect that day, all of it the next working day.
    assert [d.aht_seconds for d in capacity.days(
        [dt.date(2027, 1, 14), dt.date(2027, 1, 15), dt.date(2027, 1, 18)])] == [200, 190, 180]


def test_later_work_gets_the_freed_hours() -> None:
    # The same 60 hours after the AHT coaching take fewer days than they would at 3:20.
    actions = [{"id": "coach", "duration": 5, "impact": {"aht": -20}},
               {"id": "wave", "effort": 60, "assignees": ["ana", "ben"], "after": ["coach"]}]
    falling = plan_with(actions, queue={"aht": {"key_result": "aht"}}, due="2027-02-26",
                        key_results=AHT_KR)
    flat = plan_with(actions, queue={"aht": 200}, due="2027-02-26", key_results=AHT_KR)
    fast = schedule_plan(falling, today=MONDAY).action("wave")
    slow = schedule_plan(flat, today=MONDAY).action("wave")
    assert (fast.duration_days, slow.duration_days) == (4, 8)  # 16 h a day, then 8 h a day


@st.composite
def aht_plans(draw: st.DrawFn) -> Plan:
    """Plans whose queue follows an AHT key result lowered by some actions, with effort for
    the queue's people before, between and after them."""
    actions: list[dict[str, Any]] = []
    for k in range(draw(st.integers(1, 5))):
        action: dict[str, Any] = {"id": f"a{k}"}
        if actions and draw(st.booleans()):
            action["after"] = [draw(st.sampled_from([a["id"] for a in actions]))]
        if draw(st.booleans()):
            action["duration"] = draw(st.integers(1, 6))
            action["impact"] = {"aht": -draw(st.integers(1, 15))}
            action["ramp"] = draw(st.integers(0, 5))
        else:
            action["effort"] = draw(st.integers(4, 60))
            action["assignees"] = draw(st.lists(st.sampled_from(["ana", "ben"]), min_size=1,
                                                unique=True))
        actions.append(action)
    if not any("effort" in a for a in actions):
        actions.append({"id": "work", "effort": 20, "assignees": ["ana"]})
    roster = draw(st.lists(st.integers(23, 28), min_size=5, max_size=5))  # 3:20 needs 22
    return plan_with(actions, due=draw(st.sampled_from(["2027-01-22", "2027-02-12"])),
                     key_results=AHT_KR, queue={
                         "aht": {"key_result": "aht"},
                         "rostered": dict(zip(WEEKDAYS, roster, strict=True))})


@settings(max_examples=25)
@given(aht_plans())
def test_a_levelled_plan_whose_actions_lower_aht_never_puts_the_queue_at_risk(plan: Plan) -> None:
    # The hours were counted on the precedence schedule's AHT; the levelled plan finishes the
    # AHT work no later, so its own AHT frees at least those hours.
    schedule = schedule_plan(plan, today=MONDAY)
    assert not [f for f in schedule.flags if f.code == "queue-at-risk"], schedule.flags


# --------------------------------------------------------------------------- queue-at-risk


def at_risk_plan() -> Plan:
    # 2 rostered agents beyond the 20 needed: 8 spare hours a day; the wiki books 12.
    return plan_with([{"id": "wiki", "duration": 2, "assignees": [
        {"person": "ana", "hours_per_day": 6}, {"person": "ben", "hours_per_day": 6}]},
        {"id": "tips", "duration": 1, "priority": "could", "assignees": [
            {"person": "ana", "hours_per_day": 1}]}], queue={"rostered": 22}, due="2027-01-08")


def test_queue_at_risk_names_each_day_and_the_agents_short() -> None:
    schedule = schedule_plan(at_risk_plan(), today=MONDAY, ignore_capacity=True)
    [flag] = [f for f in schedule.flags if f.code == "queue-at-risk"]
    assert isinstance(flag, QueueFlag)
    assert flag.severity == "warning"
    assert flag.subject == "queue"
    assert schedule.feasible
    # Thursday: 12 h booked, 8 spare: 4 h over 8 half-hours = 1 agent short; Friday 13 h: 2.
    assert flag.days == (dt.date(2027, 1, 7), dt.date(2027, 1, 8))
    assert flag.booked_hours == (12.0, 13.0)
    assert flag.spare_hours == (8.0, 8.0)
    assert flag.shortfall_agents == (1, 2)
    assert "2027-01-07 (1 agent short: 12 h booked, 8 h spare)" in flag.message
    assert "below 80/20" in flag.message
    assert "capacity is ignored" in flag.message
    data = flag.to_dict()
    assert data["days"] == ["2027-01-07", "2027-01-08"]
    assert data["shortfall_agents"] == [1, 2]
    assert json.loads(schedule.to_json())["flags"][-1]["code"] == "queue-at-risk"


def test_queue_at_risk_fixes_are_measured_and_clear_it() -> None:
    plan = at_risk_plan()
    schedule = schedule_plan(plan, today=MONDAY, ignore_capacity=True)
    [flag] = [f for f in schedule.flags if f.code == "queue-at-risk"]
    kinds = {fix.kind: fix for fix in flag.fixes}
    assert [c.to_dict() for c in kinds["add-agents"].changes] == [
        {"add_agents": 1, "from": "2027-01-07", "to": "2027-01-07"},
        {"add_agents": 2, "from": "2027-01-08", "to": "2027-01-08"}]
    assert "roster 1 more agent on 2027-01-07" in kinds["add-agents"].description
    for fix in flag.fixes:
        after = schedule_plan(apply_changes(plan, fix.changes), today=MONDAY,
                              ignore_capacity=True)
        assert not [f for f in after.flags if f.code == "queue-at-risk"] or fix.kind == "descope"
        assert after.feasible == fix.feasible_after
        assert after.min_slack == fix.min_slack_after


def test_the_levelled_schedule_of_the_same_work_leaves_the_queue_alone() -> None:
    plan = plan_with([{"id": "wiki", "effort": 24, "assignees": ["ana", "ben"]}],
                     queue={"rostered": 22}, due="2027-01-08")
    ignored = schedule_plan(plan, today=MONDAY, ignore_capacity=True)
    levelled = schedule_plan(plan, today=MONDAY)
    assert [f.code for f in ignored.flags] == ["queue-at-risk"]
    assert levelled.feasible
    assert not levelled.flags
    assert levelled.action("wiki").duration_days == 3  # 8 h a day


# --------------------------------------------------------------------------- key results


def test_a_service_level_key_result_the_roster_cannot_reach() -> None:
    # 20 rostered put 14 agents on the queue: 88.8% within 20 s at 3:00; 95% needs more.
    sl = [{"id": "sl", "metric": "service_level", "baseline": 80, "target": 95}]
    plan = plan_with([{"id": "a", "duration": 1}], key_results=sl, due="2027-01-15",
                     queue={"rostered": 20, "target": "95/20"})
    schedule = schedule_plan(plan, today=MONDAY)
    [flag] = [f for f in schedule.flags if f.code == "queue-kr-inconsistent"]
    assert flag.subject == "sl"
    assert flag.severity == "warning"
    assert "answer at best 88.8% within 20 s in the week to 2027-01-15" in flag.message
    [fix] = flag.fixes
    [change] = fix.changes
    assert change.kind == "add_agents"
    assert (change.first, change.last) == (
        dt.date(2027, 1, 11), dt.date(2027, 1, 15))
    after = schedule_plan(apply_changes(plan, fix.changes), today=MONDAY)
    assert not [f for f in after.flags if f.code == "queue-kr-inconsistent"]
    fewer = apply_changes(plan, [{"add_agents": change.add_agents - 1, "from": "2027-01-11"}]) \
        if change.add_agents > 1 else None
    if fewer is not None:  # the fewest agents that do it
        assert [f for f in schedule_plan(fewer, today=MONDAY).flags
                if f.code == "queue-kr-inconsistent"]


def test_a_service_level_key_result_above_the_queue_target() -> None:
    sl = [{"id": "sl", "metric": "service_level", "baseline": 80, "target": 85}]
    plan = plan_with([{"id": "a", "duration": 1}], key_results=sl, due="2027-01-15",
                     queue={"rostered": 30})
    [flag] = [f for f in schedule_plan(plan, today=MONDAY).flags
              if f.code == "queue-kr-inconsistent"]
    assert "staffed for 80/20 but sl asks 85%" in flag.message
    assert not flag.fixes
    consistent = plan_with([{"id": "a", "duration": 1}], key_results=sl, due="2027-01-15",
                           queue={"rostered": 30, "target": "85/20"})
    assert not schedule_plan(consistent, today=MONDAY).flags


def test_an_asa_key_result_the_roster_cannot_reach() -> None:
    asa = [{"id": "asa", "metric": "asa", "baseline": 30, "target": 5}]
    plan = plan_with([{"id": "a", "duration": 1}], key_results=asa, due="2027-01-15",
                     queue={"rostered": 20})
    [flag] = [f for f in schedule_plan(plan, today=MONDAY).flags
              if f.code == "queue-kr-inconsistent"]
    assert "the ASA is at best 7.8 s" in flag.message
    assert "asks 5 s" in flag.message
    assert flag.fixes
    assert flag.fixes[0].feasible_after


# --------------------------------------------------------------------------- scenarios


def test_volume_aht_and_agent_changes_move_the_spare_hours() -> None:
    plan = plan_with([{"id": "wiki", "effort": 40, "assignees": ["ana", "ben"]}])
    scenarios = backplan.load_scenarios({"scenarios": [
        {"name": "busy", "changes": [{"volume": "+20%", "from": "2027-01-04",
                                      "to": "2027-01-15"}]},
        {"name": "slower", "changes": [{"aht": "3:20"}]},
        {"name": "agents", "changes": [{"add_agents": 2}]}]})
    comparison = backplan.compare_scenarios(plan, scenarios, today=MONDAY)
    spare = {o.name: o.spare_hours for o in comparison.outcomes}
    # 20 working days to the due date, 16 h a day as planned.
    assert spare["as planned"] == 20 * 16
    assert spare["busy"] is not None
    assert spare["busy"] < spare["as planned"]
    assert spare["slower"] == 20 * 8
    assert spare["agents"] == 20 * 24
    assert "spare h" in str(comparison).splitlines()[0]
    assert comparison.to_dict()["scenarios"][0]["spare_hours"] == 320


def test_queue_changes_need_a_queue() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
                      "actions": [{"id": "a", "duration": 1}]})
    with pytest.raises(backplan.PlanValidationError, match="the plan has none") as error:
        apply_changes(plan, [{"volume": "+20%"}], name="busy")
    assert error.value.problems[0].field == "changes[0].volume"


def test_scenario_changes_land_in_the_queue_as_written() -> None:
    plan = plan_with([{"id": "a", "duration": 1}])
    changed = apply_changes(plan, [{"volume": "+20%", "from": "2027-03-01", "to": "2027-03-31"},
                                   {"aht": "6:30", "from": "2027-03-01"}])
    assert changed.queue is not None
    assert [str(c) for c in changed.queue.adjust] == [
        "volume +20% from 2027-03-01 to 2027-03-31", "AHT 6:30 from 2027-03-01"]
    assert load_plan(backplan.dump_plan(changed)) == changed


def test_agents_are_added_over_runs_of_working_days() -> None:
    # Friday and Monday are next to each other in working days: one change over the weekend;
    # Monday and Wednesday are not: Tuesday is not at risk and gets no agents.
    def fix_changes(actions: list[dict[str, Any]], due: str) -> list[dict[str, Any]]:
        plan = plan_with(actions, queue={"rostered": 22}, due=due)
        schedule = schedule_plan(plan, today=MONDAY, ignore_capacity=True)
        [flag] = [f for f in schedule.flags if f.code == "queue-at-risk"]
        [fix] = [f for f in flag.fixes if f.kind == "add-agents"]
        return [c.to_dict() for c in fix.changes]

    over = [{"person": "ana", "hours_per_day": 5}, {"person": "ben", "hours_per_day": 5}]
    assert fix_changes([{"id": "w", "duration": 2, "assignees": over}], "2027-01-11") == [
        {"add_agents": 1, "from": "2027-01-08", "to": "2027-01-11"}]
    assert fix_changes([{"id": "w", "duration": 1, "assignees": over},
                        {"id": "v", "duration": 1, "assignees": over, "not_after": "2027-01-11"}],
                       "2027-01-13") == [
        {"add_agents": 1, "from": "2027-01-11", "to": "2027-01-11"},
        {"add_agents": 1, "from": "2027-01-13", "to": "2027-01-13"}]


def test_time_boxes_use_the_share_of_a_queue_person() -> None:
    plan = plan_with([{"id": "wiki", "effort": 40, "assignees": ["ana", "ben"]}],
                     queue={"rostered": 22})  # 8 spare hours a day: 4 each
    box = backplan.time_box(plan, person="ana", date=MONDAY)
    assert box.available_minutes == 240
