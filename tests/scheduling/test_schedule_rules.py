"""Hand-checked small plans: each scheduling rule of the core, with weekends and holidays.

January 2027: Mon 4, 11, 18, 25; Fri 1 (holiday in these plans), 8, 15, 22, 29.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from backplan import InfeasibleScheduleError, Plan, schedule_plan

D = dt.date


def make(actions: list[dict[str, Any]], *, due: str = "2027-01-29",
         milestones: list[dict[str, Any]] | None = None, holidays: list[str] | None = None,
         workdays: list[str] | None = None) -> Plan:
    calendar: dict[str, Any] = {"holidays": holidays or []}
    if workdays:
        calendar["workdays"] = workdays
    return Plan.model_validate({
        "goal": {"id": "goal", "due": due}, "calendar": calendar,
        "milestones": milestones or [], "actions": actions,
    })


def dates(schedule: Any, action_id: str) -> tuple[str, str, str, str, int]:
    a = schedule.action(action_id)
    return (a.start.isoformat(), a.finish.isoformat(), a.earliest_start.isoformat(),
            a.earliest_finish.isoformat(), a.slack)


def test_one_day_action_starts_and_finishes_on_the_due_day() -> None:
    s = schedule_plan(make([{"id": "a", "duration": 1}]), today=D(2027, 1, 25))
    assert dates(s, "a") == ("2027-01-29", "2027-01-29", "2027-01-25", "2027-01-25", 4)


def test_due_on_a_sunday_caps_at_the_friday_before() -> None:
    s = schedule_plan(make([{"id": "a", "duration": 2}], due="2027-01-31"), today=D(2027, 1, 4))
    assert (s.action("a").start, s.action("a").finish) == (D(2027, 1, 28), D(2027, 1, 29))


def test_duration_spans_weekend_and_holiday() -> None:
    plan = make([{"id": "a", "duration": 4}], due="2027-01-05", holidays=["2027-01-01"])
    s = schedule_plan(plan, today=D(2026, 12, 21))
    # Finish Tue 5 Jan; back over Mon 4, (weekend), (holiday Fri 1), Thu 31 Dec.
    assert (s.action("a").start, s.action("a").finish) == (D(2026, 12, 30), D(2027, 1, 5))


def test_lag_counts_working_days_after_the_predecessor_finishes() -> None:
    plan = make([{"id": "a", "duration": 1}, {"id": "b", "duration": 1, "after": ["a"], "lag": 2}],
                due="2027-01-06", holidays=["2027-01-01"])
    s = schedule_plan(plan, today=D(2026, 12, 28))
    # b on Wed 6; lag 2 skips Tue 5 and Mon 4; a finishes on Thu 31 Dec (Fri 1 is a holiday).
    assert s.action("b").start == D(2027, 1, 6)
    assert s.action("a").finish == D(2026, 12, 31)
    # Forward: a on Mon 28; b earliest on the 3rd working day after: Thu 31.
    assert s.action("b").earliest_start == D(2026, 12, 31)


def test_today_on_a_weekend_counts_from_monday() -> None:
    s = schedule_plan(make([{"id": "a", "duration": 2}]), today=D(2027, 1, 9))
    assert s.action("a").earliest_start == D(2027, 1, 11)


def test_action_after_a_milestone_starts_the_day_after_it_is_reached() -> None:
    plan = make(
        [{"id": "a", "duration": 2, "milestone": "m"},
         {"id": "b", "duration": 3},
         {"id": "c", "duration": 1, "after": ["m"]}],
        milestones=[{"id": "m"}],
    )
    s = schedule_plan(plan, today=D(2027, 1, 4))
    assert s.milestone("m").earliest_date == D(2027, 1, 5)
    assert s.action("c").earliest_start == D(2027, 1, 6)
    assert s.action("c").start == D(2027, 1, 29)
    assert s.milestone("m").date == s.action("a").finish == D(2027, 1, 28)


def test_milestone_after_milestone_holds_its_actions_back() -> None:
    plan = make(
        [{"id": "a", "duration": 3, "milestone": "m1"},
         {"id": "b", "duration": 2, "milestone": "m2"}],
        milestones=[{"id": "m1", "due": "2027-01-15"}, {"id": "m2", "after": ["m1"]}],
    )
    s = schedule_plan(plan, today=D(2027, 1, 4))
    # b (of m2) starts after m1 is reached; m1's due caps a.
    assert s.action("b").earliest_start == D(2027, 1, 7)
    assert s.action("a").finish == D(2027, 1, 15)
    assert s.action("b").finish == D(2027, 1, 29)
    assert s.milestone("m2").date >= s.milestone("m1").date


def test_milestone_due_and_not_after_cap_finishes_not_before_bounds_start() -> None:
    plan = make(
        [{"id": "a", "duration": 2, "milestone": "m"},
         {"id": "b", "duration": 2, "not_after": "2027-01-20", "not_before": "2027-01-13"}],
        milestones=[{"id": "m", "due": "2027-01-17"}],  # a Sunday: Friday the 15th
    )
    s = schedule_plan(plan, today=D(2027, 1, 4))
    assert s.action("a").finish == D(2027, 1, 15)
    assert s.action("b").finish == D(2027, 1, 20)
    assert s.action("b").earliest_start == D(2027, 1, 13)


def test_empty_milestone_dates_at_the_latest_its_successors_allow() -> None:
    plan = make([{"id": "a", "duration": 5, "after": ["gate"]}],
                milestones=[{"id": "gate", "due": "2027-01-27"}])
    s = schedule_plan(plan, today=D(2027, 1, 4))
    assert s.milestone("gate").date == D(2027, 1, 22)


def test_wont_is_unscheduled_and_lags_add_up_through_it() -> None:
    plan = make([
        {"id": "a", "duration": 1},
        {"id": "w", "duration": 4, "after": ["a"], "lag": 1, "priority": "wont"},
        {"id": "b", "duration": 1, "after": ["w"], "lag": 2},
    ])
    s = schedule_plan(plan, today=D(2027, 1, 4))
    assert s.unscheduled == ("w",)
    assert [a.id for a in s.actions] == ["a", "b"]
    # a -> b with lag 1 + 2 = 3: b starts on the 4th working day after a finishes.
    assert s.action("b").earliest_start == D(2027, 1, 8)
    assert s.action("a").finish == D(2027, 1, 25)
    warning = next(f for f in s.flags if f.code == "depends-on-wont")
    assert (warning.severity, warning.subject) == ("warning", "b")


def test_critical_path_and_earliest_completion() -> None:
    plan = make([
        {"id": "a", "duration": 3}, {"id": "b", "duration": 5, "after": ["a"]},
        {"id": "c", "duration": 1, "after": ["a"]}, {"id": "d", "duration": 2, "after": ["b", "c"]},
    ])
    s = schedule_plan(plan, today=D(2027, 1, 4))
    assert s.critical_path == ("a", "b", "d")
    assert [a.id for a in s.actions if a.critical] == ["a", "b", "d"]
    assert s.earliest_completion == D(2027, 1, 15)
    assert s.action("c").slack == s.min_slack + 4


def test_late_chain_reads_as_one_flag_with_shortfall_chain_and_fixes() -> None:
    chain = [{"id": f"s{k}", "duration": 2, "after": [f"s{k - 1}"] if k else []} for k in range(20)]
    s = schedule_plan(make(chain, due="2027-02-26"), today=D(2027, 1, 4))
    # 40 working days from Mon 4 Jan end on Fri 26 Feb: exactly feasible.
    assert s.feasible
    assert s.min_slack == 0
    s = schedule_plan(make(chain, due="2027-02-23"), today=D(2027, 1, 4))
    assert not s.feasible
    errors = [f for f in s.flags if f.severity == "error"]
    late = [f for f in errors if f.code == "late-start"]
    assert len(late) == 1
    flag = late[0]
    assert (flag.subject, flag.shortfall_days) == ("s0", 3)
    assert flag.chain == tuple(f"s{k}" for k in range(20))
    assert len(flag.affected) == 20
    kinds = {fix.kind: fix for fix in flag.fixes}
    assert kinds["move-due"].date == s.earliest_completion == D(2027, 2, 26)
    assert kinds["shorten-chain"].days == 3
    with pytest.raises(InfeasibleScheduleError) as raised:
        s.raise_if_infeasible()
    assert raised.value.flags == tuple(errors)


def test_constraint_conflict_names_not_before_and_its_fix() -> None:
    plan = make([{"id": "a", "duration": 5, "not_before": "2027-01-27"}])
    s = schedule_plan(plan, today=D(2027, 1, 4))
    flag = s.errors[0]
    assert (flag.code, flag.subject, flag.shortfall_days) == ("constraint-conflict", "a", 2)
    assert flag.fixes[0].kind == "move-not-before"
    assert flag.fixes[0].date == D(2027, 1, 25)


def test_milestone_late_when_its_due_cannot_be_met() -> None:
    plan = make([{"id": "a", "duration": 5, "milestone": "m"}],
                milestones=[{"id": "m", "due": "2027-01-06"}])
    s = schedule_plan(plan, today=D(2027, 1, 4))
    flag = next(f for f in s.flags if f.code == "milestone-late")
    assert (flag.subject, flag.severity, flag.shortfall_days) == ("m", "error", 2)
    assert flag.fixes[-1].date == D(2027, 1, 8)


def test_milestone_due_before_today_without_work_is_a_warning_only() -> None:
    plan = make([{"id": "a", "duration": 1}], milestones=[{"id": "m", "due": "2026-12-01"}])
    s = schedule_plan(plan, today=D(2027, 1, 4))
    assert s.feasible
    assert [(f.code, f.severity) for f in s.flags] == [("milestone-late", "warning")]


def test_today_must_be_a_date_not_a_datetime() -> None:
    with pytest.raises(TypeError, match="today"):
        schedule_plan(make([{"id": "a", "duration": 1}]), today=dt.datetime(2027, 1, 4))  # type: ignore[arg-type]


def test_schedule_does_not_change_the_plan_and_json_has_the_contract_fields() -> None:
    plan = make([{"id": "a", "duration": 2, "milestone": "m"}], milestones=[{"id": "m"}])
    before = plan.model_dump()
    data = schedule_plan(plan, today=D(2027, 1, 4)).to_dict()
    assert plan.model_dump() == before
    for key in ("goal", "due", "today", "feasible", "earliest_completion", "critical_path",
                "actions", "unscheduled", "milestones", "flags"):
        assert key in data
    assert set(data["actions"][0]) >= {"id", "title", "start", "finish", "earliest_start",
                                       "earliest_finish", "slack", "critical", "milestone",
                                       "priority"}
    assert data["milestones"] == [{"id": "m", "title": "", "date": "2027-01-29",
                                   "earliest_date": "2027-01-05", "due": None, "slack": 18}]


def test_dates_past_year_9999_raise_a_range_error() -> None:
    from backplan import ScheduleRangeError

    plan = make([{"id": "a", "duration": 3650}], due="9999-12-31")
    with pytest.raises(ScheduleRangeError):
        schedule_plan(plan, today=D(9999, 6, 1))


def test_goal_due_before_today_flags_every_chain_head() -> None:
    plan = make([{"id": "a", "duration": 2}, {"id": "b", "duration": 1, "after": ["a"]},
                 {"id": "c", "duration": 1}], due="2027-01-08")
    s = schedule_plan(plan, today=D(2027, 1, 18))
    assert not s.feasible
    heads = sorted(f.subject for f in s.errors if f.code == "late-start")
    assert heads == ["a", "c"]
    by_subject = {f.subject: f for f in s.errors}
    assert by_subject["a"].affected == ("a", "b")
    assert by_subject["a"].shortfall_days == -s.action("a").slack


def test_every_late_chain_at_the_goal_names_the_earliest_completion_as_its_due_fix() -> None:
    plan = make([{"id": "long", "duration": 12}, {"id": "short", "duration": 7}],
                due="2027-01-08")
    s = schedule_plan(plan, today=D(2027, 1, 4))
    shortfalls = {f.subject: f.shortfall_days for f in s.errors}
    assert shortfalls == {"long": 7, "short": 2}
    for flag in s.errors:
        move = next(fix for fix in flag.fixes if fix.kind == "move-due")
        assert move.date == s.earliest_completion == D(2027, 1, 19)
        assert move.days == 7


def test_a_milestone_that_waits_for_nothing_does_not_hold_back_what_follows_it() -> None:
    # kickoff has no actions and no predecessors: reached already, so a may start today.
    plan = make([{"id": "a", "duration": 5, "after": ["kickoff"]},
                 {"id": "b", "duration": 5},
                 {"id": "c", "duration": 1, "after": ["kickoff"], "lag": 2}],
                milestones=[{"id": "kickoff"}], due="2027-01-15")
    s = schedule_plan(plan, today=D(2027, 1, 11))
    assert dates(s, "a") == ("2027-01-11", "2027-01-15", "2027-01-11", "2027-01-15", 0)
    assert s.action("c").earliest_start == D(2027, 1, 13)  # the lag counts from today
    assert s.feasible
    assert s.flags == ()
    assert s.milestone("kickoff").earliest_date == D(2027, 1, 8)  # the working day before


def test_a_late_chain_after_an_empty_milestone_is_flagged_on_its_first_action() -> None:
    plan = make([{"id": "a", "duration": 6, "after": ["kickoff"]},
                 {"id": "b", "duration": 1, "after": ["a"]}],
                milestones=[{"id": "kickoff"}], due="2027-01-15")
    s = schedule_plan(plan, today=D(2027, 1, 11))
    [flag] = s.flags
    assert (flag.code, flag.subject, flag.shortfall_days, flag.chain) == (
        "late-start", "a", 2, ("a", "b"))


def test_shortening_is_offered_only_as_far_as_the_chain_can_shrink() -> None:
    # d cannot start before Wed 3 Feb but must finish by Fri 29 Jan: a one-day action cannot
    # be shortened, so the fixes are moving not_before or the due date.
    s = schedule_plan(make([{"id": "d", "duration": 1, "not_before": "2027-02-03"}]),
                      today=D(2027, 1, 4))
    [flag] = s.flags
    assert (flag.code, flag.shortfall_days) == ("constraint-conflict", 3)
    assert [f.kind for f in flag.fixes] == ["move-not-before", "move-due"]
    # Two actions of 2 days with a lag of 1 can give 3 days (1 + 1 + the lag), not 5.
    chain = [{"id": "a", "duration": 2}, {"id": "b", "duration": 2, "after": ["a"], "lag": 1}]
    for due, short, bought in (("2027-01-07", 1, 1), ("2027-01-04", 4, 3)):
        [flag] = schedule_plan(make(chain, due=due), today=D(2027, 1, 4)).flags
        [shorten] = [f for f in flag.fixes if f.kind == "shorten-chain"]
        assert (flag.shortfall_days, shorten.days, shorten.chain) == (short, bought, ("a", "b"))
        assert ("all it can give" in shorten.description) == (bought < short)
        assert shorten.feasible_after == (bought == short)


def test_flag_messages_quote_dates_as_written_and_the_working_day_meant() -> None:
    # Due Sunday 31 Jan (work must finish Friday 29); not_before Saturday 30 (Monday 1 Feb).
    plan = make([{"id": "a", "duration": 3, "not_before": "2027-01-30"}], due="2027-01-31")
    [flag] = schedule_plan(plan, today=D(2027, 1, 4)).flags
    assert flag.code == "constraint-conflict"
    assert flag.message.startswith("not_before 2027-01-30 (first working day 2027-02-01) is after")
    assert "the goal's due date (2027-01-31; the last working day by then is 2027-01-29)" in (
        flag.message)
