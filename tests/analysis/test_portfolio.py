"""The portfolio rolled up to its objectives: the JSON contract, statuses, the alignment tree,
the DataFrames and the example's story (issue 17)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from backplan import (
    PlanValidationError,
    PortfolioSchedule,
    apply_portfolio_changes,
    build_portfolio,
    load_plan,
    load_portfolio,
    schedule_plan,
    schedule_portfolio,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "portfolio" / "portfolio.yaml"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def example() -> PortfolioSchedule:
    return schedule_portfolio(load_portfolio(EXAMPLE), today=TODAY)


def test_the_json_contract(example: PortfolioSchedule) -> None:
    data = json.loads(example.to_json())
    assert list(data) == ["portfolio", "today", "feasible", "goals", "objectives", "flags"]
    assert data["portfolio"] == "cx-2027"
    assert data["today"] == "2026-11-23"
    assert data["feasible"] is False
    for goal in data["goals"]:
        assert list(goal) == ["plan", "goal", "parent", "due", "feasible",
                              "earliest_completion", "min_slack"]
    assert [g["plan"] for g in data["goals"]] == [
        "teams/billing.yaml", "teams/collections.yaml", "teams/onboarding.yaml",
        "teams/retention.yaml"]
    (objective,) = data["objectives"]
    assert list(objective) == ["id", "title", "due", "goals", "feasible", "status"]
    assert objective["goals"] == [g["goal"] for g in data["goals"]]
    assert (objective["feasible"], objective["status"]) == (False, "off_track")
    over = [f for f in data["flags"] if f["code"] == "over-allocated"]
    assert [f["subject"] for f in over] == ["qa"]
    assert {"code", "severity", "subject", "message", "shortfall_days", "chain", "affected",
            "fixes", "person", "plans", "days", "shortfall_hours"} <= set(over[0])
    for fix in over[0]["fixes"]:
        assert {"changes", "feasible_after", "min_slack_after"} <= set(fix)


def test_the_example_tells_its_story(example: PortfolioSchedule) -> None:
    portfolio = load_portfolio(EXAMPLE)
    for entry in portfolio.plans:  # every team plan is feasible on its own
        assert schedule_plan(entry.plan, today=TODAY).feasible
    assert example.order == ("teams/billing.yaml", "teams/retention.yaml",
                             "teams/collections.yaml", "teams/onboarding.yaml")
    assert [g.goal for g in example.goals if not g.feasible] == ["onboarding-csat"]
    best = example.fixes[0]
    assert best.feasible_after
    fixed = schedule_portfolio(apply_portfolio_changes(portfolio, best.portfolio_changes),
                               today=TODAY)
    assert fixed.feasible
    assert fixed.objective("csat-88").status == "on_track"
    assert example.goal("retention-fcr").status == "on_track"  # from its check-in


def test_the_table_shows_the_tree_people_and_flags(example: PortfolioSchedule) -> None:
    text = str(example)
    assert "NOT feasible" in text
    lines = text.splitlines()
    tree = [line for line in lines if "csat-88" in line or "teams/" in line]
    assert tree[0].lstrip().startswith("csat-88")
    assert all(line.startswith("    ") for line in tree[1:])
    assert "qa: " in text
    assert "[over-allocated] qa" in text
    assert "<table>" in example._repr_html_()


def goal_plan(goal: str, parent: str | None, *, due: str = "2027-03-31", days: int = 5,
              **extra: Any) -> Any:
    return load_plan({"goal": {"id": goal, "due": due, "parent": parent, **extra},
                      "actions": [{"id": "a", "duration": days}]})


def test_goals_roll_up_through_parent_goals() -> None:
    plans = [goal_plan("site", "o"), goal_plan("team", "site"), goal_plan("loose", None)]
    result = schedule_portfolio(build_portfolio(
        plans, id="p", objectives=[{"id": "o"}, {"id": "empty"}]), today=TODAY)
    assert result.objective("o").goals == ("site", "team")
    assert result.objective("empty").status == "no_goals"
    assert [(depth, name) for depth, name, _ in result.tree()] == [
        (0, "o"), (1, "site"), (2, "team"), (0, "empty"), (0, "(not aligned)"), (1, "loose")]
    assert result.goal("team").objective == "o"
    assert result.goal("loose").objective is None


def test_an_objective_due_before_a_goal_completes_is_not_feasible() -> None:
    plans = [goal_plan("g", "o", due="2027-06-30", days=60)]
    result = schedule_portfolio(build_portfolio(
        plans, id="p", objectives=[{"id": "o", "due": "2027-01-15"}]), today=TODAY)
    assert result.feasible
    assert result.goal("g").feasible
    objective = result.objective("o")
    assert not objective.feasible
    assert objective.status == "off_track"
    (flag,) = result.flags
    assert (flag.code, flag.severity, flag.subject) == ("objective-late", "warning", "o")


def test_status_counts_the_worst_check_in() -> None:
    key_result = {"id": "fcr", "metric": "fcr", "baseline": 70, "target": 80,
                  "baseline_date": "2026-10-01",
                  "checkins": [{"date": "2026-11-20", "value": 69}]}
    behind = goal_plan("behind", "o", key_results=[key_result])
    result = schedule_portfolio(build_portfolio(
        [behind, goal_plan("fine", "o")], id="p", objectives=[{"id": "o"}]), today=TODAY)
    assert result.goal("behind").status == "off_track"
    assert result.objective("o").status == "off_track"


def test_dataframes(example: PortfolioSchedule) -> None:
    pytest.importorskip("pandas")
    goals = example.goals_frame()
    assert list(goals.index) == [g.goal for g in example.goals]
    assert goals.loc["onboarding-csat", "feasible"] == False  # noqa: E712
    assert goals["due"].dtype.kind == "M"
    objectives = example.objectives_frame()
    assert objectives.loc["csat-88", "status"] == "off_track"
    load = example.load_frame()
    assert set(load.columns) == {"person", "day", "plan", "goal", "action", "hours", "shared"}
    shared = load[load["shared"]]
    per_day = shared.groupby(["person", "day"])["hours"].sum()
    assert (per_day <= 2.0 + 1e-9)[("qa",)].all()  # the analyst's hours are booked once


def test_today_far_from_the_plans_names_every_plan_file() -> None:
    """As ``schedule`` says of one plan: today more than a century from a due date is refused,
    for every plan at once, each problem at its plan's file."""
    portfolio = load_portfolio(EXAMPLE)
    with pytest.raises(PlanValidationError) as caught:
        schedule_portfolio(portfolio, today=dt.date(1, 1, 1))
    problems = caught.value.problems
    assert [(p.item, p.field, p.file) for p in problems] == [
        (entry.goal, "due", entry.file) for entry in portfolio.plans]
    alone = portfolio.plans[0]
    with pytest.raises(PlanValidationError) as single:
        schedule_plan(alone.plan, today=dt.date(1, 1, 1))
    assert problems[0].message == single.value.problems[0].message
