"""Hand-checked levelled schedules: part-time people, time off, shared people, over-capacity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import backplan
from backplan import LevelledSchedule, Plan, schedule_levelled, schedule_plan
from backplan.errors import PlanValidationError, ScheduleRangeError
from backplan.scheduling import CapacityFlag

D = dt.date
TODAY = D(2027, 1, 4)  # a Monday; the goal is due Friday 2027-01-29 (four weeks, Mon-Fri)


def plan_of(people: list[dict[str, Any]], actions: list[dict[str, Any]], **extra: Any) -> Plan:
    return backplan.load_plan({"goal": {"id": "g", "due": "2027-01-29"}, "people": people,
                               "actions": actions, **extra})


def dates(schedule: LevelledSchedule, action_id: str) -> tuple[dt.date, dt.date]:
    action = schedule.action(action_id)
    return action.start, action.finish


def booked(schedule: LevelledSchedule, action_id: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for b in schedule.bookings:
        if b.action == action_id:
            out[f"{b.day.isoformat()} {b.person}"] = out.get(f"{b.day.isoformat()} {b.person}",
                                                              0) + b.hours
    return out


def test_effort_is_spread_over_a_part_timers_days_from_the_due_date_back() -> None:
    plan = plan_of([{"id": "agent", "hours_per_day": 2, "workdays": ["mon", "wed"]}],
                   [{"id": "tag", "effort": {"hours": 5}, "assignees": ["agent"]}])
    levelled = schedule_levelled(plan, today=TODAY)
    # Wed 27 (2 h), Mon 25 (2 h), Wed 20 (the last 1 h).
    assert dates(levelled, "tag") == (D(2027, 1, 20), D(2027, 1, 27))
    assert booked(levelled, "tag") == {"2027-01-20 agent": 1.0, "2027-01-25 agent": 2.0,
                                       "2027-01-27 agent": 2.0}
    assert levelled.action("tag").duration_days == 6  # working days Wed 20 .. Wed 27


def test_time_off_moves_the_work_before_it() -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2, "time_off": ["2027-01-25..2027-01-29"]}],
                   [{"id": "review", "effort": {"pomodoros": 9}, "assignees": ["qa"]}])
    levelled = schedule_levelled(plan, today=TODAY)
    # 9 pomodoros = 3 h 45 min: 2 h on Fri 22 and 1.75 h on Thu 21.
    assert booked(levelled, "review") == {"2027-01-21 qa": 1.75, "2027-01-22 qa": 2.0}
    assert levelled.feasible


def test_personal_and_calendar_rules_take_days_out() -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2, "rules": ["every friday"]}],
                   [{"id": "review", "effort": 4, "assignees": ["qa"]}],
                   calendar={"rules": ["every last thursday"]})
    # Fri 29 is qa's day off, Thu 28 is the last Thursday: Wed 27 and Tue 26.
    assert booked(schedule_levelled(plan, today=TODAY), "review") == {
        "2027-01-26 qa": 2.0, "2027-01-27 qa": 2.0}


def test_two_people_share_an_effort_each_up_to_their_hours() -> None:
    plan = plan_of([{"id": "agent", "hours_per_day": 1.5}, {"id": "lead", "hours_per_day": 3}],
                   [{"id": "pilot", "effort": 12, "assignees": [
                       "agent", {"person": "lead", "hours_per_day": 2}]}])
    levelled = schedule_levelled(plan, today=TODAY)
    # 3.5 h a day: Fri 29, Thu 28, Wed 27 make 10.5 h; the last 1.5 h on Tue 26 (agent first).
    assert dates(levelled, "pilot") == (D(2027, 1, 26), D(2027, 1, 29))
    assert booked(levelled, "pilot")["2027-01-26 agent"] == 1.5
    assert "2027-01-26 lead" not in booked(levelled, "pilot")
    assert schedule_plan(plan, today=TODAY, ignore_capacity=True).action("pilot").duration_days == 4  # 12 / 3.5


def test_fixed_durations_of_one_person_are_put_one_after_the_other() -> None:
    plan = plan_of([{"id": "lead", "hours_per_day": 3}],
                   [{"id": "a", "duration": 2, "assignees": ["lead"]},
                    {"id": "b", "duration": 2, "assignees": ["lead"]}])
    levelled = schedule_levelled(plan, today=TODAY)
    spans = sorted([dates(levelled, "a"), dates(levelled, "b")])
    assert spans == [(D(2027, 1, 26), D(2027, 1, 27)), (D(2027, 1, 28), D(2027, 1, 29))]
    core = schedule_plan(plan, today=TODAY, ignore_capacity=True)
    assert dates(core, "a") == dates(core, "b") == (D(2027, 1, 28), D(2027, 1, 29))  # type: ignore[arg-type]
    # The earliest dates keep the lead's order: one action after the other from today.
    earliest = sorted(a.earliest_start for a in levelled.actions)
    assert earliest == [D(2027, 1, 4), D(2027, 1, 6)]


def test_fixed_durations_that_fit_together_run_side_by_side() -> None:
    plan = plan_of([{"id": "lead", "hours_per_day": 3}],
                   [{"id": "a", "duration": 2, "assignees": [{"person": "lead", "hours_per_day": 1.5}]},
                    {"id": "b", "duration": 2, "assignees": [{"person": "lead", "hours_per_day": 1.5}]}])
    levelled = schedule_levelled(plan, today=TODAY)
    assert dates(levelled, "a") == dates(levelled, "b") == (D(2027, 1, 28), D(2027, 1, 29))
    assert levelled.hours_booked("lead", D(2027, 1, 28)) == 3.0


def test_a_fixed_duration_cannot_straddle_a_day_off() -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2, "time_off": ["2027-01-28"]}],
                   [{"id": "calibrate", "duration": 2, "assignees": ["qa"]}])
    assert dates(schedule_levelled(plan, today=TODAY), "calibrate") == (D(2027, 1, 26),
                                                                         D(2027, 1, 27))


def test_a_fixed_duration_a_part_timer_can_never_do_is_an_error_naming_the_fix() -> None:
    plan = plan_of([{"id": "agent", "hours_per_day": 2, "workdays": ["mon", "tue"]}],
                   [{"id": "pilot", "duration": 3, "assignees": ["agent"]}])
    with pytest.raises(ScheduleRangeError, match=r"'pilot'.*agent.*'effort' instead of 'duration'"):
        schedule_levelled(plan, today=TODAY)


def test_predecessors_lags_and_caps_still_hold() -> None:
    plan = plan_of(
        [{"id": "qa", "hours_per_day": 2}],
        [{"id": "survey", "effort": 4, "assignees": ["qa"], "milestone": "m"},
         {"id": "coach", "duration": 2, "after": ["m"], "lag": 1, "assignees": ["qa"]},
         {"id": "report", "effort": 2, "assignees": ["qa"], "not_after": "2027-01-20"}],
        milestones=[{"id": "m", "due": "2027-01-22"}],
    )
    levelled = schedule_levelled(plan, today=TODAY)
    assert dates(levelled, "coach") == (D(2027, 1, 28), D(2027, 1, 29))
    # coach starts after the milestone plus one working day of lag: survey ends by Tue 26.
    assert dates(levelled, "survey") == (D(2027, 1, 21), D(2027, 1, 22))
    assert dates(levelled, "report") == (D(2027, 1, 20), D(2027, 1, 20))
    assert levelled.milestone("m").date == D(2027, 1, 22)


def test_over_capacity_names_who_which_days_and_how_many_hours() -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2}],
                   [{"id": "audit", "effort": 18, "assignees": ["qa"]},
                    {"id": "extra", "effort": 8, "assignees": ["qa"], "priority": "could"}])
    today = D(2027, 1, 18)  # 10 working days to the due date: 20 h for 26 h of work
    levelled = schedule_levelled(plan, today=today)
    assert not levelled.feasible
    assert levelled.min_slack == -3  # 6 h before today: 3 working days at 2 h
    (flag,) = levelled.flags
    assert isinstance(flag, CapacityFlag)
    assert (flag.code, flag.severity, flag.subject, flag.person, flag.shortfall_days) == (
        "over-capacity", "error", "qa", "qa", 3)
    assert flag.shortfall_hours == 6.0
    assert flag.days == (D(2027, 1, 13), D(2027, 1, 14), D(2027, 1, 15))
    early = sum(b.hours for b in levelled.bookings if b.day < today)
    assert early == flag.shortfall_hours
    assert [fix.kind for fix in flag.fixes] == ["add-hours", "descope", "move-due"]
    hours, descope, move = flag.fixes
    assert [c.to_dict() for c in hours.changes] == [{"person": "qa", "add_hours": 1.0}]
    assert [c.to_dict() for c in descope.changes] == [{"drop": ["extra"]}]
    assert (move.date, move.days, move.min_slack_after) == (D(2027, 2, 3), 3, 0)
    for fix in flag.fixes:  # what each fix claims is what scheduling with its changes gives
        after = schedule_levelled(backplan.apply_changes(plan, fix.changes), today=today)
        assert (after.feasible, after.min_slack) == (fix.feasible_after, fix.min_slack_after)
        assert fix.days == after.min_slack - levelled.min_slack
    data = flag.to_dict()
    assert (data["person"], data["shortfall_hours"], data["days"][0]) == ("qa", 6.0, "2027-01-13")
    assert schedule_plan(plan, today=today, ignore_capacity=True).feasible  # precedence alone sees no problem


def test_every_late_action_is_covered_by_an_error_flag() -> None:
    plan = plan_of([{"id": "x", "hours_per_day": 2}, {"id": "y", "hours_per_day": 2}],
                   [{"id": "prep", "duration": 2},
                    {"id": "a", "effort": 8, "assignees": ["x"], "after": ["prep"]},
                    {"id": "b", "effort": 8, "assignees": ["y"], "after": ["a"]},
                    {"id": "c", "effort": 14, "assignees": ["y"]}])
    today = D(2027, 1, 18)
    assert schedule_plan(plan, today=today, ignore_capacity=True).feasible
    levelled = schedule_levelled(plan, today=today)
    late = {a.id for a in levelled.actions if a.slack < 0}
    # y does b last and c before it, one working day too early; b waits for c in y's queue.
    assert late == {"b", "c"}
    assert {f.subject for f in levelled.errors} == {"y"}
    assert late <= {i for f in levelled.errors for i in f.affected}
    assert dates(levelled, "prep") == (D(2027, 1, 18), D(2027, 1, 19))


def test_without_people_the_levelled_schedule_is_the_core_schedule() -> None:
    plan = backplan.load_plan("examples/aht.yaml")
    core = schedule_plan(plan, today=D(2026, 11, 23), ignore_capacity=True)
    levelled = schedule_levelled(plan, today=D(2026, 11, 23))
    for field in ("actions", "milestones", "flags", "feasible", "min_slack", "critical_path",
                  "earliest_completion", "unscheduled"):
        assert getattr(levelled, field) == getattr(core, field), field
    assert levelled.bookings == ()


def test_the_same_seed_gives_the_same_schedule_byte_for_byte() -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2}, {"id": "lead", "hours_per_day": 3}],
                   [{"id": f"a{k}", "effort": 3 + k % 4, "assignees": ["qa" if k % 2 else "lead"],
                     "after": [f"a{k - 2}"] if k >= 2 else []} for k in range(10)])
    first = schedule_levelled(plan, today=TODAY, seed=5)
    again = schedule_levelled(plan, today=TODAY, seed=5)
    assert first.to_json() == again.to_json()
    assert first.seed == 5
    assert first.iterations >= 1


def test_the_core_scheduler_sizes_effort_by_the_assignees_full_hours() -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2, "time_off": ["2027-01-25..2027-01-29"]}],
                   [{"id": "review", "effort": 5, "assignees": ["qa"]}])
    core = schedule_plan(plan, today=TODAY, ignore_capacity=True)
    # ceil(5 / 2) = 3 working days, time off ignored (the levelled scheduler honours it).
    assert dates(core, "review") == (D(2027, 1, 27), D(2027, 1, 29))  # type: ignore[arg-type]
    assert core.action("review").duration_days == 3
    assert dates(schedule_levelled(plan, today=TODAY), "review") == (D(2027, 1, 20),
                                                                      D(2027, 1, 22))


@pytest.mark.parametrize(("people", "action", "code", "field", "says"), [
    ([{"id": "qa", "hours_per_day": 2}], {"id": "a", "effort": 4, "assignees": ["qa-analyst"]},
     "unknown-id", "assignees", "'qa-analyst' is not a person id"),
    ([{"id": "qa", "hours_per_day": 2}, {"id": "qa", "hours_per_day": 3}],
     {"id": "a", "duration": 1}, "duplicate-id", "id", "listed twice"),
    ([{"id": "qa", "hours_per_day": 2}],
     {"id": "a", "duration": 1, "assignees": [{"person": "qa", "hours_per_day": 3}]},
     "contradiction", "assignees", "has 2 hours of project time a day"),
    ([{"id": "qa", "hours_per_day": 2, "workdays": ["mon", "sat"]}], {"id": "a", "duration": 1},
     "contradiction", "workdays", "sat"),
])
def test_people_cross_references_are_checked(
    people: list[dict[str, Any]], action: dict[str, Any], code: str, field: str, says: str
) -> None:
    with pytest.raises(PlanValidationError) as error:
        plan_of(people, [action])
    problem = error.value.problems[0]
    assert (problem.code, problem.field) == (code, field)
    assert says in problem.message


@pytest.mark.parametrize(("action", "code", "says"), [
    ({"id": "a"}, "missing-field", "'duration' is required"),
    ({"id": "a", "effort": 4}, "missing-field", "needs 'assignees'"),
    ({"id": "a", "effort": 4, "duration": 2, "assignees": ["qa"]}, "contradiction",
     "size it one way"),
    ({"id": "a", "effort": {"hours": 2, "pomodoros": 4}, "assignees": ["qa"]}, "contradiction",
     "not both"),
    ({"id": "a", "effort": "4 fortnights", "assignees": ["qa"]}, "invalid-value",
     "'4 fortnights' is not understood"),
    ({"id": "a", "duration": 1, "assignees": ["qa", "qa"]}, "invalid-value", "more than once"),
    ({"id": "a", "effort": {"hours": 0}, "assignees": ["qa"]}, "invalid-value", "greater than 0"),
])
def test_an_action_is_sized_exactly_one_way(action: dict[str, Any], code: str, says: str) -> None:
    with pytest.raises(PlanValidationError) as error:
        plan_of([{"id": "qa", "hours_per_day": 2}], [action])
    assert code in error.value.codes
    assert any(says in p.message for p in error.value.problems), error.value


@pytest.mark.parametrize(("effort", "seconds"), [
    (12, 43200), (1.5, 5400), ("12h", 43200), ("2.5 hours", 9000), ("30 pomodoros", 45000),
    ({"pomodoros": 1}, 1500), ({"hours": 0.25}, 900),
])
def test_effort_forms(effort: Any, seconds: int) -> None:
    plan = plan_of([{"id": "qa", "hours_per_day": 2}],
                   [{"id": "a", "effort": effort, "assignees": ["qa"]}])
    assert plan.actions[0].effort is not None
    assert plan.actions[0].effort.seconds == seconds


def test_people_and_effort_survive_dump_and_load() -> None:
    plan = plan_of(
        [{"id": "qa", "name": "Priya", "hours_per_day": 1.5, "workdays": ["mon", "wed"],
          "time_off": ["2027-01-11..2027-01-15", "2027-01-20"], "rules": ["every first monday"]}],
        [{"id": "a", "effort": "30 pomodoros", "assignees": ["qa"]},
         {"id": "b", "duration": 2, "assignees": [{"person": "qa", "hours_per_day": 1}]}],
        calendar={"country": "GB", "subdivision": "ENG", "blackouts": ["2027-01-25..2027-01-26"],
                  "rules": ["the last two weeks of december"]},
    )
    for form in ("yaml", "json"):
        assert backplan.loads_plan(backplan.dump_plan(plan, format=form)) == plan  # type: ignore[arg-type]


def test_today_must_be_a_date() -> None:
    plan = plan_of([], [{"id": "a", "duration": 1}])
    with pytest.raises(TypeError, match=r"today must be a datetime\.date"):
        schedule_levelled(plan, today=dt.datetime(2027, 1, 4))  # type: ignore[arg-type]


def test_progress_is_levelled_done_work_on_its_dates_and_work_in_progress_from_today() -> None:
    people = [{"id": "agent", "hours_per_day": 6}]
    actions = [{"id": "tag", "duration": 2, "assignees": ["agent"], "status": "done",
                "actual_start": "2027-01-04", "actual_finish": "2027-01-05"},
               {"id": "map", "duration": 4, "assignees": ["agent"], "status": "in_progress",
                "actual_start": "2027-01-14", "remaining": 2},
               {"id": "coach", "duration": 3, "after": ["tag"], "assignees": ["agent"]}]
    plan = backplan.load_plan({"goal": {"id": "g", "due": "2027-01-22"}, "people": people,
                               "actions": actions})
    levelled = schedule_levelled(plan, today=D(2027, 1, 18))
    assert dates(levelled, "tag") == (D(2027, 1, 4), D(2027, 1, 5))
    assert levelled.action("tag").slack == 0
    assert not [b for b in levelled.bookings if b.action == "tag"]  # done: books nobody
    assert levelled.action("map").start == D(2027, 1, 14)  # started on its actual date
    assert sum(b.hours for b in levelled.bookings if b.action == "map") == 12  # 2 days left
    # the agent does the 2 days left of map and the 3 of coach one after the other: 5 days
    assert levelled.earliest_completion == D(2027, 1, 22)
    assert levelled.feasible
    assert not [f for f in levelled.flags if f.code == "progress-not-levelled"]


def small_plan(people: list[dict[str, Any]], actions: list[dict[str, Any]]) -> Plan:
    return backplan.load_plan({"goal": {"id": "g", "due": "2027-01-15"}, "people": people,
                               "actions": actions})


def test_one_persons_hours_too_few_is_over_capacity_with_hours_fixes() -> None:
    plan = small_plan([{"id": "p", "hours_per_day": 2}],
                      [{"id": "a", "effort": {"hours": 14}, "assignees": ["p"]}])
    # 14 h at 2 h a day is 7 working days: Thu 7 .. Fri 15, but work can start Mon 11.
    levelled = schedule_levelled(plan, today=D(2027, 1, 11))
    assert (levelled.feasible, levelled.min_slack) == (False, -2)
    assert levelled.earliest_completion == D(2027, 1, 19)  # Mon 11 .. Tue 19
    flags = {f.code: f for f in levelled.errors}
    assert set(flags) == {"late-start", "over-capacity"}
    flag = flags["over-capacity"]
    assert isinstance(flag, CapacityFlag)
    assert (flag.person, flag.shortfall_hours, flag.shortfall_days) == ("p", 4.0, 2)
    assert flag.days == (D(2027, 1, 7), D(2027, 1, 8))
    assert (flag.chain, flag.affected) == (("a",), ("a",))
    assert [fix.kind for fix in flag.fixes] == ["add-hours", "move-due"]
    assert str(flag.fixes[0]) == ("give p 1 more project hour a day (2 -> 3) "
                                  "(buys 2 working days; then feasible)")
    # Both flags tell the same story: 2 working days, the goal can be met on Tue 19.
    late = flags["late-start"]
    assert late.shortfall_days == 2
    assert [f.date for f in (*flag.fixes, *late.fixes) if f.kind == "move-due"] == [
        D(2027, 1, 19), D(2027, 1, 19)]
    shorten = next(f for f in late.fixes if f.kind == "shorten-chain")
    assert str(shorten) == ("shorten a by 2 working days: cut a's effort to 10 h (was 14 h) "
                            "(buys 2 working days; then feasible)")


def test_effort_paced_below_the_persons_hours_is_the_core_story() -> None:
    plan = small_plan([{"id": "p", "hours_per_day": 4}],
                      [{"id": "a", "effort": 14, "assignees": [{"person": "p", "hours_per_day": 2}]}])
    levelled = schedule_levelled(plan, today=D(2027, 1, 11))
    # p has 2 h a day to spare: the plan's pace, not p's hours, makes it late.
    assert levelled.min_slack == -2
    assert [f.code for f in levelled.flags] == ["late-start"]
    assert levelled.flags == schedule_plan(plan, today=D(2027, 1, 11)).flags


def test_work_needed_before_today_because_of_what_follows_is_flagged_without_hour_fixes() -> None:
    plan = small_plan([{"id": "p", "hours_per_day": 2}],
                      [{"id": "a", "effort": 4, "assignees": ["p"]},
                       {"id": "prep", "duration": 5, "after": ["a"]}])
    levelled = schedule_levelled(plan, today=D(2027, 1, 11))
    (flag,) = [f for f in levelled.errors if f.code == "over-capacity"]
    assert isinstance(flag, CapacityFlag)
    assert (flag.person, flag.shortfall_hours, flag.days) == ("p", 4.0, (D(2027, 1, 7),
                                                                        D(2027, 1, 8)))
    # All of a is needed before today: more hours for p between today and then buy nothing.
    assert [(f.kind, f.date) for f in flag.fixes] == [("move-due", D(2027, 1, 19))]
    assert levelled.earliest_completion == D(2027, 1, 19)


def shared_person_plan() -> Plan:
    return small_plan(
        [{"id": "p", "hours_per_day": 2},
         {"id": "q", "hours_per_day": 4, "workdays": ["mon", "wed", "fri"]}],
        [{"id": "a", "effort": {"hours": 10}, "assignees": ["p"]},
         {"id": "b", "effort": {"pomodoros": 12}, "assignees": ["p"], "after": ["c"]},
         {"id": "c", "duration": 2, "assignees": ["q"]}])


def earliest(schedule: LevelledSchedule) -> dict[str, tuple[dt.date, dt.date]]:
    return {a.id: (a.earliest_start, a.earliest_finish) for a in schedule.actions}


def test_earliest_dates_book_a_shared_person_one_action_after_the_other() -> None:
    # Levelled: a Wed 6 (1 h) .. Wed 13 (1 h), b Wed 13 (1 h) .. Fri 15; they share Wed 13.
    levelled = schedule_levelled(shared_person_plan(), today=D(2027, 1, 7))
    assert dates(levelled, "a") == (D(2027, 1, 6), D(2027, 1, 13))
    assert dates(levelled, "b") == (D(2027, 1, 13), D(2027, 1, 15))
    # From Thu 7: a's 10 h fill p's days to Wed 13, b's 5 h follow Thu 14 .. Mon 18 (1 h);
    # c waits for q's Friday and Monday.
    assert earliest(levelled) == {"a": (D(2027, 1, 7), D(2027, 1, 13)),
                                  "b": (D(2027, 1, 14), D(2027, 1, 18)),
                                  "c": (D(2027, 1, 8), D(2027, 1, 11))}
    assert levelled.earliest_completion == D(2027, 1, 18)  # 15 h at 2 h a day from Thu 7
    assert levelled.critical_path == ("a", "b")
    (flag,) = levelled.errors
    assert (flag.code, flag.shortfall_days, flag.affected) == ("over-capacity", 1, ("a", "b"))
    (move,) = [f for f in flag.fixes if f.kind == "move-due"]
    assert move.date == levelled.earliest_completion


def test_earliest_dates_from_an_early_today_are_feasible_and_possible() -> None:
    levelled = schedule_levelled(shared_person_plan(), today=D(2027, 1, 1))
    assert levelled.feasible
    assert not levelled.flags
    assert earliest(levelled) == {"a": (D(2027, 1, 1), D(2027, 1, 7)),
                                  "b": (D(2027, 1, 8), D(2027, 1, 12)),
                                  "c": (D(2027, 1, 1), D(2027, 1, 4))}
    assert levelled.earliest_completion == D(2027, 1, 12)


def test_a_goal_due_decades_before_today_is_levelled_and_flagged_not_refused() -> None:
    # Found by the fuzz test: a due date 70 years back left no tau days to book in.
    plan = backplan.load_plan({
        "goal": {"id": "g", "due": "1956-08-04"},
        "people": [{"id": "p0", "hours_per_day": 7.5}],
        "actions": [{"id": "a", "effort": 8, "assignees": ["p0"]},
                    {"id": "b", "duration": 2, "after": ["a"], "not_before": "2027-01-11"}]})
    levelled = schedule_plan(plan, today=TODAY)
    ignored = schedule_plan(plan, today=TODAY, ignore_capacity=True)
    assert levelled.capacity == "levelled"
    assert not levelled.feasible
    assert levelled.action("b").finish == D(1956, 8, 3)  # Friday; the 4th is a Saturday
    assert levelled.earliest_completion == ignored.earliest_completion == D(2027, 1, 12)


def test_a_not_after_years_before_the_goal_is_levelled_and_flagged_not_refused() -> None:
    # Found by the fuzz test: a milestone before an action whose not_after is more working
    # days back than the search reaches was reported as "cannot be booked".
    plan = backplan.load_plan({
        "goal": {"id": "g", "due": "2027-01-29"},
        "calendar": {"workdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
        "people": [{"id": "p0", "hours_per_day": 1}],
        "milestones": [{"id": "m0"}],
        "actions": [{"id": "a", "effort": 1, "assignees": ["p0"], "after": ["m0"]},
                    {"id": "old", "duration": 1, "after": ["m0"], "lag": 1,
                     "not_after": "2016-10-31"}]})
    levelled = schedule_plan(plan, today=TODAY)
    assert not levelled.feasible
    assert levelled.action("old").finish == D(2016, 10, 31)
    assert levelled.milestone("m0").date < D(2016, 10, 31)
    assert any(f.subject == "old" for f in levelled.flags)


def test_the_critical_path_holds_only_critical_actions() -> None:
    """The path follows what drives each earliest start, a person's earlier work included; an
    action with slack to spare on the way (billing's 'listen': 48 days against 28) is not on it,
    as the table, CSV, Gantt and report (the critical column) say."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    plan = backplan.load_plan(root / "examples" / "portfolio" / "teams" / "billing.yaml")
    schedule = schedule_plan(plan, today=dt.date(2026, 11, 23))
    critical = [a.id for a in schedule.actions if a.critical]
    assert schedule.critical_path
    assert set(schedule.critical_path) <= set(critical)
    assert schedule.action("listen").slack > schedule.min_slack
    assert "listen" not in schedule.critical_path
