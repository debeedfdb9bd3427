"""What-if scenarios: changes applied to copies, compared side by side; the scenario file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backplan import (
    Plan,
    PlanValidationError,
    Scenario,
    apply_scenario,
    compare_scenarios,
    load_plan,
    load_scenarios,
    schedule_plan,
)
from backplan.cli import main
from strategies import plans, todays

D = dt.date

PLAN = {
    "goal": {"id": "g", "due": "2027-01-15",
             "key_results": [{"id": "fcr", "metric": "fcr", "baseline": 71, "target": 75}]},
    "milestones": [{"id": "m", "due": "2027-01-11"}],
    "actions": [
        {"id": "survey", "duration": 6, "milestone": "m", "impact": {"fcr": 1}},
        {"id": "tips", "duration": 3, "after": ["survey"], "priority": "could",
         "impact": {"fcr": 1}},
        {"id": "coach", "duration": 3, "after": ["tips"], "impact": {"fcr": 2}},
    ],
}


def scenario(name: str, *changes: dict[str, Any]) -> Scenario:
    return Scenario.model_validate({"name": name, "changes": list(changes)})


def test_each_kind_of_change_is_applied_to_a_copy() -> None:
    plan = load_plan(PLAN)
    before = plan.model_dump()
    changed = apply_scenario(plan, scenario(
        "all", {"drop": "tips"}, {"action": "survey", "duration": 4}, {"due": "2027-01-22"},
        {"due": "2027-01-11", "milestone": "m"},
    ))
    by_id = {a.id: a for a in changed.actions}
    assert by_id["tips"].priority == "wont"
    assert by_id["survey"].duration == 4
    assert changed.goal.due == D(2027, 1, 22)
    assert changed.milestones[0].due == D(2027, 1, 11)
    assert plan.model_dump() == before


def test_add_hours_shortens_effort_sized_work() -> None:
    plan = load_plan({
        "goal": {"id": "g", "due": "2027-01-15"},
        "people": [{"id": "ana", "hours_per_day": 2}],
        "actions": [{"id": "kb", "effort": {"hours": 24}, "assignees": ["ana"]}],
    })
    comparison = compare_scenarios(plan, [scenario("more", {"person": "ana", "add_hours": 2})],
                                   today=D(2027, 1, 4))
    planned, more = comparison.outcomes
    # 24 h at 2 h a day is 12 working days; at 4 h, 6.
    assert (planned.feasible, planned.earliest_completion) == (False, D(2027, 1, 19))
    assert (more.feasible, more.earliest_completion) == (True, D(2027, 1, 11))
    assert more.changes == ("ana +2 h/day",)
    with pytest.raises(PlanValidationError, match="'anna' is not a person of the plan"):
        apply_scenario(plan, scenario("x", {"person": "anna", "add_hours": 1}))
    with pytest.raises(PlanValidationError, match="more than 24"):
        apply_scenario(plan, scenario("x", {"person": "ana", "add_hours": 23}))


def test_changes_apply_in_order() -> None:
    plan = load_plan(PLAN)
    changed = apply_scenario(plan, scenario(
        "twice", {"action": "coach", "duration": 5}, {"action": "coach", "duration": 2}))
    assert {a.id: a.duration for a in changed.actions}["coach"] == 2


def test_unknown_ids_are_reported_together_with_hints() -> None:
    plan = load_plan(PLAN)
    with pytest.raises(PlanValidationError) as error:
        apply_scenario(plan, scenario("bad", {"drop": ["tipz", "coach"]},
                                      {"action": "survey2", "duration": 2},
                                      {"due": "2027-02-01", "milestone": "mm"}))
    problems = error.value.problems
    assert [(p.code, p.item, p.field) for p in problems] == [
        ("unknown-id", "bad", "changes[0].drop"),
        ("unknown-id", "bad", "changes[1].action"),
        ("unknown-id", "bad", "changes[2].milestone"),
    ]
    assert problems[0].hint == "did you mean 'tips'?"


def test_comparison_side_by_side() -> None:
    plan = load_plan(PLAN)
    comparison = compare_scenarios(plan, [
        scenario("no-tips", {"drop": "tips"}),
        scenario("later", {"due": "2027-01-22"}, {"due": "2027-01-13", "milestone": "m"}),
    ], today=D(2027, 1, 4))
    rows = {o.name: o for o in comparison.outcomes}
    assert list(rows) == ["as planned", "no-tips", "later"]
    # As planned: 6 + 3 + 3 = 12 working days from Mon 4 Jan, due Fri 15 Jan (10): 2 short;
    # survey alone just meets its milestone's due (Mon 11 Jan).
    assert (rows["as planned"].feasible, rows["as planned"].min_slack) == (False, -2)
    assert rows["as planned"].earliest_completion == D(2027, 1, 19)
    # Dropping tips leaves 9 days (feasible) but loses its +1 FCR: 3 of the 4 points planned.
    assert (rows["no-tips"].feasible, rows["no-tips"].gap("fcr")) == (True, 1.0)
    assert rows["as planned"].gap("fcr") == 0.0
    assert (rows["later"].feasible, rows["later"].due) == (True, D(2027, 1, 22))
    assert rows["later"].changes == ("move the goal's due date to 2027-01-22",
                                     "move milestone m's due date to 2027-01-13")
    assert comparison.key_results == ("fcr",)
    assert not comparison.simulated
    assert rows["later"].p80 is None
    text = str(comparison)
    assert text.splitlines()[0].split() == ["scenario", "feasible", "earliest", "completion",
                                            "min", "slack", "gap", "fcr"]
    data = comparison.to_dict()
    assert data["scenarios"][1]["key_result_gaps"] == {"fcr": 1.0}
    json.dumps(data)


def test_p80_where_estimates_exist() -> None:
    pytest.importorskip("numpy")
    plan = load_plan({
        "goal": {"id": "g", "due": "2027-02-26"},
        "actions": [{"id": "a", "estimate": {"optimistic": 5, "likely": 8, "pessimistic": 20}},
                    {"id": "b", "duration": 5, "after": ["a"]}],
    })
    comparison = compare_scenarios(plan, [scenario("fixed", {"action": "a", "duration": 5})],
                                   today=D(2027, 1, 4), samples=500, seed=3)
    planned, fixed = comparison.outcomes
    assert comparison.simulated
    assert planned.p80 is not None
    assert fixed.p80 is not None
    # Fixing a's duration at 5 takes its spread away: P80 is then the deterministic completion.
    assert fixed.p80 == fixed.earliest_completion == D(2027, 1, 15)
    assert planned.p80 > fixed.p80
    again = compare_scenarios(plan, [scenario("fixed", {"action": "a", "duration": 5})],
                              today=D(2027, 1, 4), samples=500, seed=3)
    assert again.to_dict() == comparison.to_dict()


@settings(max_examples=30)
@given(plan=plans(max_items=8), today=todays, data=st.data())
def test_dropping_in_a_scenario_equals_marking_wont(plan: Plan, today: dt.date,
                                                      data: st.DataObject) -> None:
    ids = data.draw(st.sets(st.sampled_from([a.id for a in plan.actions]), min_size=1))
    changed = apply_scenario(plan, scenario("drop", {"drop": sorted(ids)}))
    by_hand = plan.model_copy(update={"actions": tuple(
        a.model_copy(update={"priority": "wont"}) if a.id in ids else a for a in plan.actions)})
    assert schedule_plan(changed, today=today).to_dict() == schedule_plan(by_hand,
                                                                          today=today).to_dict()
    outcome = compare_scenarios(plan, [scenario("drop", {"drop": sorted(ids)})],
                                today=today).outcomes[1]
    assert outcome.feasible == schedule_plan(by_hand, today=today).feasible


# -- the scenario file -------------------------------------------------------------------------


def test_scenario_file_problems_name_the_scenario_and_line(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        "scenarios:\n"
        "  - name: lean\n"
        "    changes:\n"
        "      - drop: tips\n"
        "      - action: survey\n"
        "        duraton: 4\n"
        "  - name: lean\n"
        "    changes: [{due: 2027-01-22, drop: tips}]\n", encoding="utf-8")
    with pytest.raises(PlanValidationError) as error:
        load_scenarios(path)
    found = [(p.code, p.item, p.field, p.line) for p in error.value.problems]
    assert ("unknown-field", "lean", "changes[1].duraton", 6) in found
    assert ("invalid-value", "lean", "changes[0]", 8) in found


def test_a_bad_change_is_one_problem_not_a_cascade(tmp_path: Path) -> None:
    path = tmp_path / "scenarios.yaml"
    path.write_text("scenarios:\n  - name: x\n    changes:\n      - {action: survey, duration: '3'}\n",
                    encoding="utf-8")
    with pytest.raises(PlanValidationError) as error:
        load_scenarios(path)
    assert [(p.item, p.field, p.line) for p in error.value.problems] == [
        ("x", "changes[0].duration", 4)]
    assert str(error.value).startswith(f"{path}: 1 problem in the scenarios")


def test_an_unknown_id_without_a_close_match_lists_the_plans_ids() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "duration": 2}, {"id": "b", "duration": 2}]})
    with pytest.raises(PlanValidationError) as error:
        apply_scenario(plan, scenario("s", {"action": "zz", "duration": 2}))
    assert error.value.problems[0].hint == "the plan has: a, b"
    assert "scenario 's': 1 problem in its changes" in str(error.value)


def test_scenario_names_are_distinct() -> None:
    with pytest.raises(PlanValidationError, match="scenario name 'a' is used more than once"):
        load_scenarios({"scenarios": [{"name": "a", "changes": [{"drop": "x"}]},
                                      {"name": "a", "changes": [{"drop": "y"}]}]})


@pytest.mark.parametrize(("change", "message"), [
    ({"action": "a"}, "exactly one of drop, duration, effort_hours, due, add_hours, not_before, not_after, lag, "
                      "remove_after, volume, aht, add_agents; found none"),
    ({"volume": "+20%", "action": "a"}, "action does not go with volume"),
    ({"due": "2027-01-08", "from": "2027-01-04"}, "from/to go with volume, aht and add_agents"),
    ({"volume": "20%"}, "expected a signed percentage such as"),
    ({"aht": "6:30", "from": "2027-03-02", "to": "2027-03-01"}, "before it starts on 2027-03-02"),
    ({"duration": 3}, "duration needs action"),
    ({"drop": "a", "action": "b"}, "action does not go with drop"),
    ({"drop": []}, "drop names no action"),
])
def test_a_change_does_exactly_one_thing(change: dict[str, Any], message: str) -> None:
    with pytest.raises(PlanValidationError, match=message):
        load_scenarios({"scenarios": [{"name": "s", "changes": [change]}]})


def test_cli_compare_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_path = tmp_path / "plan.json"
    plan_path.write_text(json.dumps(PLAN), encoding="utf-8")
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("scenarios:\n  - name: no-tips\n    changes: [{drop: tips}]\n",
                         encoding="utf-8")
    assert main(["compare", str(plan_path), str(scenarios), "--today", "2027-01-04"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].split()[:3] == ["no-tips", "yes", "2027-01-14"]
    assert main(["compare", str(plan_path), str(scenarios), "--today", "2027-01-04",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["scenarios"]] == ["as planned", "no-tips"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - name: x\n    changes: [{drop: nope}]\n", encoding="utf-8")
    assert main(["compare", str(plan_path), str(bad), "--today", "2027-01-04"]) == 2
    assert "'nope' is not an action of the plan" in capsys.readouterr().err
