"""Invariants of the risk simulation over generated plans and calendars."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backplan import ScheduleRangeError, dump_plan, loads_plan, schedule_plan
from backplan.analysis.risk import simulate_schedule
from backplan.models import Plan
from helpers import Days, rule_edges
from strategies import people_plan_dicts, plan_dicts, todays

pytest.importorskip("numpy")


@st.composite
def risky_plans(draw: st.DrawFn, *, spread: bool) -> dict[str, Any]:
    """A generated plan with estimates on some actions and a few risks.

    Without ``spread`` every estimate is ``duration`` three times and every risk is certain or
    impossible, so each run is the same.
    """
    data = draw(plan_dicts())
    actions = data["actions"]
    for action in actions:
        if draw(st.booleans()):
            d = action["duration"]
            if spread:
                low, high = draw(st.integers(1, d)), d + draw(st.integers(0, 6))
                action["estimate"] = {"optimistic": low, "likely": d, "pessimistic": high,
                                      "distribution": draw(st.sampled_from(["pert", "triangular"]))}
            else:
                action["estimate"] = {"optimistic": d, "likely": d, "pessimistic": d}
            if draw(st.booleans()):
                del action["duration"]
    ids = [a["id"] for a in actions]
    risks = []
    for k in range(draw(st.integers(0, 3))):
        named = draw(st.lists(st.sampled_from(ids), unique=True, max_size=2))
        probability = draw(st.floats(0.05, 0.95) if spread else st.sampled_from([0.0, 1.0]))
        risks.append({"id": f"risk{k}", "probability": probability,
                      "impact": draw(st.integers(1, 5)), "actions": named})
    data["risks"] = risks
    return data


def critical_actions(plan: Plan, today: dt.date, days: Days) -> set[str]:
    """Actions on a chain of tight edges ending at the latest earliest finish (by hand)."""
    schedule = schedule_plan(plan, today=today)
    start = {a.id: days.index[a.earliest_start] for a in schedule.actions}
    finish = {a.id: days.index[a.earliest_finish] for a in schedule.actions}
    for m in schedule.milestones:
        start[m.id] = finish[m.id] = days.index[m.earliest_date]
    end = max(finish[a.id] for a in schedule.actions)
    critical = {a.id for a in schedule.actions if finish[a.id] == end}
    edges = list(rule_edges(plan))
    changed = True
    while changed:
        changed = False
        for before, after, offset in edges:
            if after in critical and before not in critical and (
                    finish[before] + offset == start[after]):
                critical.add(before)
                changed = True
    return critical & {a.id for a in schedule.actions}


def with_certain_risks_applied(plan: Plan) -> tuple[Plan, int]:
    """The plan with each certain risk's impact added to its actions' durations, and the days
    certain whole-plan risks add to the completion."""
    extra: dict[str, int] = {}
    whole = 0
    for risk in plan.risks:
        if risk.probability == 1.0:
            if not risk.actions:
                whole += risk.impact
            for action_id in risk.actions:
                extra[action_id] = extra.get(action_id, 0) + risk.impact
    actions = tuple(
        a.model_copy(update={"duration": a.duration + extra.get(a.id, 0), "estimate": None})
        for a in plan.actions
    )
    return plan.model_copy(update={"actions": actions, "risks": ()}), whole


@given(data=risky_plans(spread=False), today=todays)
def test_without_spread_the_simulation_is_the_deterministic_schedule(
    data: dict[str, Any], today: dt.date
) -> None:
    plan = loads_plan(dump_plan(Plan.model_validate(data)))
    sim = simulate_schedule(plan, today=today, samples=64, seed=0)
    fixed, whole = with_certain_risks_applied(plan)
    schedule = schedule_plan(fixed, today=today)
    if not schedule.actions:
        assert sim.p50 is None
        assert sim.probability == 1.0
        return
    days = Days(plan)
    assert schedule.earliest_completion is not None
    completion = days.dates[days.index[schedule.earliest_completion] + whole]
    assert sim.p50 == sim.p80 == sim.p95 == completion
    assert sim.completion_cdf == ((completion,  1.0),)
    assert sim.probability == (1.0 if completion <= plan.goal.due else 0.0)
    critical = critical_actions(fixed, today, days)
    assert {a.id: a.criticality for a in sim.actions} == {
        a.id: 1.0 if a.id in critical else 0.0 for a in sim.actions}
    if all(risk.probability == 0.0 for risk in plan.risks):  # the plan as written, no risks
        assert sim.deterministic_completion == completion


@given(data=risky_plans(spread=True), today=todays, later=st.integers(1, 40),
       seed=st.integers(0, 2**32))
def test_a_later_due_date_never_lowers_the_probability(
    data: dict[str, Any], today: dt.date, later: int, seed: int
) -> None:
    plan = Plan.model_validate(data)
    moved = plan.model_copy(update={"goal": plan.goal.model_copy(
        update={"due": plan.goal.due + dt.timedelta(days=later)})})
    before = simulate_schedule(plan, today=today, samples=300, seed=seed)
    after = simulate_schedule(moved, today=today, samples=300, seed=seed)
    assert after.probability >= before.probability
    assert after.completion_cdf == before.completion_cdf  # the runs do not depend on the due date
    assert before.probability == before.probability_by(plan.goal.due)


@given(data=risky_plans(spread=True), today=todays)
def test_dates_are_ordered_working_days_and_shares_are_shares(
    data: dict[str, Any], today: dt.date
) -> None:
    plan = Plan.model_validate(data)
    sim = simulate_schedule(plan, today=today, samples=200, seed=1)
    days = Days(plan)
    if sim.p50 is None:
        return
    assert sim.p50 <= sim.p80 <= sim.p95  # type: ignore[operator]
    shares = [share for _, share in sim.completion_cdf]
    assert shares == sorted(shares)
    assert shares[-1] == 1.0
    assert all(days.is_working(day) for day, _ in sim.completion_cdf)
    assert all(0.0 <= a.criticality <= 1.0 for a in sim.actions)
    assert max(a.criticality for a in sim.actions) > 0
    assert set(sim.drivers) <= {a.id for a in sim.actions if a.driver_score > 0}
    # A run that meets every deadline meets the goal's (no work is done yet in these plans).
    assert sim.probability_all_deadlines <= sim.probability


@given(data=risky_plans(spread=True))
def test_plans_with_estimates_and_risks_round_trip(data: dict[str, Any]) -> None:
    plan = Plan.model_validate(data)
    for form in ("yaml", "json"):
        again = loads_plan(dump_plan(plan, format=form), format=form)  # type: ignore[arg-type]
        assert again == plan
        assert [("duration" in a.model_fields_set) for a in again.actions] == [
            ("duration" in a.model_fields_set) for a in plan.actions]


@st.composite
def certain_plans(draw: st.DrawFn, *, people: bool) -> dict[str, Any]:
    """A generated plan (with people booked, or not) in which nothing is uncertain: estimates
    without a spread and risks that never happen."""
    data = draw(people_plan_dicts() if people else plan_dicts())
    for action in data["actions"]:
        if "duration" in action and draw(st.booleans()):
            d = action["duration"]
            action["estimate"] = {"optimistic": d, "likely": d, "pessimistic": d}
    ids = [a["id"] for a in data["actions"]]
    data["risks"] = [
        {"id": f"risk{k}", "probability": 0.0, "impact": draw(st.integers(1, 5)),
         "actions": draw(st.lists(st.sampled_from(ids), unique=True, max_size=2))}
        for k in range(draw(st.integers(0, 2)))
    ]
    return data


def check_every_deadline_is_feasibility(plan: Plan, today: dt.date, *, ignore: bool) -> None:
    try:
        schedule = schedule_plan(plan, today=today, ignore_capacity=ignore)
    except ScheduleRangeError:  # an action its assignees can never book: risk says the same
        with pytest.raises(ScheduleRangeError):
            simulate_schedule(plan, today=today, ignore_capacity=ignore)
        return
    sim = simulate_schedule(plan, today=today, ignore_capacity=ignore)
    assert (sim.uncertain, sim.samples, sim.capacity) == (False, 1, schedule.capacity)
    assert sim.probability_all_deadlines == (1.0 if schedule.feasible else 0.0)
    assert sim.deterministic_completion == schedule.earliest_completion
    if schedule.actions:
        assert (sim.deterministic_feasible, sim.deterministic_min_slack) == (
            schedule.feasible, schedule.min_slack)
        assert sim.p50 == sim.p95 == schedule.earliest_completion
    assert [f.code for f in sim.flags] == ([] if schedule.feasible else ["deadline-missed"])


@given(data=certain_plans(people=False), today=todays)
def test_without_uncertainty_every_deadline_is_met_iff_the_schedule_is_feasible(
    data: dict[str, Any], today: dt.date
) -> None:
    check_every_deadline_is_feasibility(Plan.model_validate(data), today, ignore=False)


@settings(max_examples=40)
@given(data=certain_plans(people=True), today=todays, ignore=st.booleans())
def test_without_uncertainty_every_deadline_is_met_iff_the_schedule_is_feasible_with_people(
    data: dict[str, Any], today: dt.date, ignore: bool
) -> None:
    check_every_deadline_is_feasibility(Plan.model_validate(data), today, ignore=ignore)


@settings(max_examples=30)
@given(data=risky_plans(spread=True), today=todays, seed=st.integers(0, 2**32))
def test_the_vectorised_runs_count_deadlines_as_the_schedules_of_the_runs_do(
    data: dict[str, Any], today: dt.date, seed: int
) -> None:
    """Without people a levelled run is the precedence schedule of the run's plan: the
    deadlines its Schedule says are met must be those the vectorised runs count."""
    plan = Plan.model_validate(data)
    network = simulate_schedule(plan, today=today, samples=40, seed=seed, scheduler="network")
    levelled = simulate_schedule(plan, today=today, samples=40, seed=seed, scheduler="levelled")
    assert levelled.probability_all_deadlines == network.probability_all_deadlines
    assert levelled.completion_cdf == network.completion_cdf
    assert levelled.milestones == network.milestones
    assert [(a.not_after, a.not_after_probability) for a in levelled.actions] == [
        (a.not_after, a.not_after_probability) for a in network.actions]
