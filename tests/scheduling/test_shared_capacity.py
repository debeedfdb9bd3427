"""Shared capacity across a portfolio: one person's hours booked once, in priority order, and
fixes whose claims are what scheduling the portfolio with their changes gives (issue 17)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backplan import (
    OverAllocationFlag,
    Portfolio,
    PortfolioChange,
    PortfolioFix,
    apply_portfolio_changes,
    build_portfolio,
    load_plan,
    schedule_plan,
    schedule_portfolio,
)
from backplan.models.changes import apply_changes
from backplan.scheduling.portfolio_run import level_portfolio
from strategies import START, portfolio_parts

TODAY = dt.date(2027, 1, 4)


def plan(goal: str, *, hours: float = 16, due: str = "2027-01-15", priority: int | None = None,
         parent: str | None = "o", person: str = "qa", **extra: Any) -> Any:
    data: dict[str, Any] = {
        "goal": {"id": goal, "due": due, "parent": parent},
        "actions": [{"id": "audit", "effort": {"hours": hours}, "assignees": [person]}],
        **extra,
    }
    if priority is not None:
        data["priority"] = priority
    return load_plan(data, check=False)


def portfolio(*plans: Any, hours: float = 2, objectives: Any = None) -> Portfolio:
    return build_portfolio(plans, id="p", objectives=objectives or [{"id": "o"}],
                           people=[{"id": "qa", "hours_per_day": hours}])


def test_a_plan_feasible_alone_is_late_when_plans_ahead_take_the_hours() -> None:
    # Each needs 8 of the 10 working days of the analyst's 2 hours a day.
    both = portfolio(plan("a"), plan("b"))
    for entry in both.plans:
        assert schedule_plan(entry.plan, today=TODAY).feasible
    result = schedule_portfolio(both, today=TODAY)
    assert [g.feasible for g in result.goals] == [True, False]  # file order decides
    assert not result.feasible
    flag = result.flags[0]
    assert isinstance(flag, OverAllocationFlag)
    assert (flag.code, flag.subject, flag.person) == ("over-allocated", "qa", "qa")
    assert flag.plans == ("a", "b")
    assert flag.late_plans == ("b",)
    assert flag.shortfall_hours == 12.0  # 16 h needed, 4 h left before its due date
    assert flag.days[0] == dt.date(2027, 1, 6)
    assert flag.days[-1] == dt.date(2027, 1, 15)
    assert flag.to_dict()["subject"] == "qa"


def test_priority_then_objective_priority_then_file_order() -> None:
    result = schedule_portfolio(portfolio(plan("a"), plan("b", priority=1)), today=TODAY)
    assert [g.feasible for g in result.goals] == [False, True]
    assert result.order == ("b", "a")
    objectives = [{"id": "o"}, {"id": "first", "priority": 1}]
    result = schedule_portfolio(portfolio(plan("a"), plan("b", parent="first"),
                                          objectives=objectives), today=TODAY)
    assert result.order == ("b", "a")
    # a plan's own priority counts before its objective's
    result = schedule_portfolio(portfolio(plan("a", priority=2), plan("b", parent="first"),
                                          objectives=objectives), today=TODAY)
    assert result.order == ("a", "b")


def test_people_a_plan_defines_itself_are_its_own() -> None:
    own = [{"id": "lead", "hours_per_day": 2}]
    a = plan("a", person="lead", people=own)
    b = plan("b", person="lead", people=own)
    result = schedule_portfolio(portfolio(a, b), today=TODAY)
    assert result.feasible
    assert result.schedule("b").to_dict() == schedule_plan(b, today=TODAY).to_dict() | {
        "flags": []}


def test_ignore_capacity_schedules_every_plan_by_precedence() -> None:
    result = schedule_portfolio(portfolio(plan("a"), plan("b")), today=TODAY,
                                ignore_capacity=True)
    assert result.feasible
    assert result.capacity == "ignored"
    assert not result.flags


def test_plans_on_different_calendars_share_a_person_date_by_date() -> None:
    # b works on Saturdays too; the analyst (no workdays of her own) works every working day
    # of each plan's calendar: what a books on a weekday is gone for b, not on Saturday.
    a = plan("a", hours=16)
    b = plan("b", hours=20, calendar={"workdays": ["mon", "tue", "wed", "thu", "fri", "sat"]})
    result = schedule_portfolio(portfolio(a, b), today=TODAY)
    booked: dict[dt.date, float] = defaultdict(float)
    for schedule in result.schedules:
        for booking in schedule.bookings:
            booked[booking.day] += booking.hours
    assert all(hours <= 2 for hours in booked.values())
    assert any(d.weekday() == 5 for d in booked)  # b books her on Saturdays, a never does
    assert not any(b.day.weekday() == 5 for b in result.schedule("a").bookings)


def test_the_fixes_of_over_allocation_are_measured_on_the_portfolio() -> None:
    both = portfolio(plan("a"), plan("b"))
    result = schedule_portfolio(both, today=TODAY)
    fixes = result.flags[0].fixes
    kinds = [f.kind for f in fixes]
    assert "add-hours" in kinds
    assert "move-due" in kinds
    for fix in fixes:
        assert isinstance(fix, PortfolioFix)
        assert fix.measured_on == "portfolio"
        after = schedule_portfolio(apply_portfolio_changes(both, fix.portfolio_changes),
                                   today=TODAY)
        assert (after.feasible, after.min_slack) == (fix.feasible_after, fix.min_slack_after)
    hours = next(f for f in fixes if f.kind == "add-hours")
    assert hours.to_dict()["changes"] == [{"person": "qa", "add_hours": 1.5}]
    # the fewest: a half hour less is not enough
    fewer = apply_portfolio_changes(both, [{"person": "qa", "add_hours": 1.0}])
    assert not schedule_portfolio(fewer, today=TODAY).feasible


def test_a_fix_that_moves_the_problem_to_another_plan_is_not_offered() -> None:
    # Putting b first would make a late instead: neither feasible nor more slack.
    both = portfolio(plan("a"), plan("b"))
    run = level_portfolio(both, today=TODAY)
    swapped = run.with_changes([{"plan": "b", "priority": 0}])
    assert [o.schedule.feasible for o in swapped.outcomes] == [False, True]
    fixes = schedule_portfolio(both, today=TODAY).flags[0].fixes
    assert "raise-priority" not in [f.kind for f in fixes]


def test_raising_a_late_plans_priority_is_offered_when_it_helps() -> None:
    # b can only work on the 11th and 12th; a, first in the file, takes those very days.
    a = plan("a", hours=4, due="2027-01-12")
    b = load_plan({"goal": {"id": "b", "due": "2027-01-12", "parent": "o"},
                   "actions": [{"id": "audit", "effort": {"hours": 4}, "assignees": ["qa"],
                                "not_before": "2027-01-11"}]}, check=False)
    result = schedule_portfolio(portfolio(a, b), today=TODAY)
    assert [g.feasible for g in result.goals] == [True, False]
    raised = [f for f in result.flags[0].fixes if f.kind == "raise-priority"]
    assert raised[0].feasible_after
    assert raised[0].to_dict()["changes"] == [{"plan": "b", "priority": 1}]
    assert "ahead of a" in raised[0].description


def test_a_plans_own_flags_keep_the_fixes_measured_on_the_plan() -> None:
    # c alone cannot make its date (its own problem); nobody shares its person.
    c = load_plan({"goal": {"id": "c", "due": "2027-01-08", "parent": "o"},
                   "actions": [{"id": "x", "duration": 10}]})
    result = schedule_portfolio(portfolio(plan("a"), c), today=TODAY)
    own = [f for f in result.flags if f.goal == "c"]
    assert own
    assert all(f.plan == "c" for f in own)
    for flag in own:
        for fix in flag.fixes:
            assert fix.measured_on == "plan"
            changed = apply_changes(c, [ch.change for ch in fix.portfolio_changes])
            again = schedule_plan(changed, today=TODAY)
            assert again.feasible == fix.feasible_after


def test_a_small_fix_budget_says_what_it_left_unmeasured() -> None:
    from backplan.scheduling.portfolio_fixes import portfolio_flags

    run = level_portfolio(portfolio(plan("a"), plan("b")), today=TODAY)
    _, flags = portfolio_flags(run, fix_budget=1)
    codes = [f.code for f in flags]
    assert codes == ["over-allocated", "fixes-not-measured"]
    assert all(fix.feasible_after is not None for f in flags for fix in f.fixes)


# --------------------------------------------------------------------------- properties


def random_portfolio(parts: dict[str, Any]) -> Portfolio:
    plans = [load_plan(p, check=False) for p in parts["plans"]]
    return build_portfolio(plans, id="p", objectives=[{"id": "o"}], people=parts["people"])


@settings(max_examples=25)
@given(portfolio_parts())
def test_a_shared_persons_hours_are_booked_once(parts: dict[str, Any]) -> None:
    shared = random_portfolio(parts)
    run = level_portfolio(shared, today=START)
    rate = {p.id: round(p.hours_per_day * 3600) for p in shared.people}
    total: dict[tuple[str, dt.date], int] = defaultdict(int)
    for outcome in run.outcomes:
        for person, days in outcome.booked.items():
            for day, seconds in days.items():
                total[person, day] += seconds
    assert all(seconds <= rate[person] for (person, _), seconds in total.items())
    # and every plan that books nobody shared schedules as it would alone
    for k, entry in enumerate(shared.plans):
        if not {p.id for p in entry.plan.people} & shared.shared_people:
            alone = schedule_plan(entry.plan, today=START)
            assert run.schedule(k).min_slack == alone.min_slack


@settings(max_examples=25)
@given(portfolio_parts(), st.data())
def test_scheduling_again_with_changes_equals_scheduling_the_changed_portfolio(
    parts: dict[str, Any], data: st.DataObject,
) -> None:
    shared = random_portfolio(parts)
    run = level_portfolio(shared, today=START)
    entry = data.draw(st.sampled_from(shared.plans))
    change = data.draw(st.sampled_from([
        {"plan": entry.path, "priority": 0},
        {"person": shared.people[0].id, "add_hours": 1},
        {"plan": entry.path, "due": (entry.plan.goal.due + dt.timedelta(days=7)).isoformat()},
    ]))
    again = run.with_changes([change])
    fresh = level_portfolio(apply_portfolio_changes(shared, [PortfolioChange.model_validate(
        change)]), today=START)
    assert again.order == fresh.order
    assert [o.schedule.to_dict() for o in again.outcomes] == [
        o.schedule.to_dict() for o in fresh.outcomes]


@settings(max_examples=15)
@given(portfolio_parts())
def test_every_portfolio_fix_does_what_it_claims(parts: dict[str, Any]) -> None:
    shared = random_portfolio(parts)
    result = schedule_portfolio(shared, today=START)
    assert result.feasible == all(g.feasible for g in result.goals)
    assert result.feasible == (not any(f.severity == "error" for f in result.flags))
    for fix in result.fixes:
        if fix.measured_on != "portfolio":
            continue
        after = schedule_portfolio(apply_portfolio_changes(shared, fix.portfolio_changes),
                                   today=START)
        assert after.feasible == fix.feasible_after
        assert after.min_slack == fix.min_slack_after


def test_a_change_naming_nothing_the_portfolio_has_is_refused() -> None:
    from backplan import PlanValidationError

    shared = portfolio(plan("a"))
    with pytest.raises(PlanValidationError) as caught:
        apply_portfolio_changes(shared, [{"plan": "zz", "priority": 1},
                                         {"person": "nobody", "add_hours": 1}])
    assert caught.value.codes == ["unknown-id", "unknown-id"]
