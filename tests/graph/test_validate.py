"""Cross-reference validation: every problem named by id, with a hint; scheduling refuses them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from backplan import Plan, PlanValidationError, build_graph, plan_problems, schedule_plan


def plan(actions: list[dict[str, Any]], milestones: list[dict[str, Any]] | None = None) -> Plan:
    return Plan.model_validate({"goal": {"id": "goal", "due": "2027-03-31"},
                                "milestones": milestones or [], "actions": actions})


CASES = [
    ([{"id": "a", "duration": 1}, {"id": "a", "duration": 2}], [], "duplicate-id", "a", "id"),
    ([{"id": "goal", "duration": 1}], [], "duplicate-id", "goal", "id"),
    ([{"id": "export-data", "duration": 1}, {"id": "b", "duration": 1, "after": ["export-dta"]}],
     [], "unknown-id", "b", "after"),
    ([{"id": "a", "duration": 1, "after": ["a"]}], [], "self-reference", "a", "after"),
    ([{"id": "a", "duration": 1, "after": ["goal"]}], [], "unknown-id", "a", "after"),
    ([{"id": "a", "duration": 1, "milestone": "b"}, {"id": "b", "duration": 1}], [],
     "unknown-id", "a", "milestone"),
    ([{"id": "a", "duration": 1, "milestone": "m-typo"}], [{"id": "m"}], "unknown-id", "a",
     "milestone"),
    ([{"id": "a", "duration": 1}], [{"id": "m", "after": ["m"]}], "self-reference", "m", "after"),
]


@pytest.mark.parametrize(("actions", "milestones", "code", "item", "field"), CASES)
def test_each_problem_is_named_and_scheduling_refuses_it(
    actions: list[dict[str, Any]], milestones: list[dict[str, Any]], code: str, item: str,
    field: str,
) -> None:
    broken = plan(actions, milestones)
    problems = plan_problems(broken)
    assert [(p.code, p.item, p.field) for p in problems] == [(code, item, field)]
    with pytest.raises(PlanValidationError) as raised:
        schedule_plan(broken, today=dt.date(2027, 1, 4))
    assert raised.value.codes == [code]


def test_unknown_id_suggests_the_closest() -> None:
    problem = plan_problems(plan([{"id": "export-data", "duration": 1},
                                 {"id": "b", "duration": 1, "after": ["export-dta"]}]))[0]
    assert problem.hint == "did you mean 'export-data'?"


def test_cycle_is_listed_in_order_from_the_first_id_in_the_file() -> None:
    broken = plan([{"id": "x", "duration": 1, "after": ["z"]},
                   {"id": "y", "duration": 1, "after": ["x"]},
                   {"id": "z", "duration": 1, "after": ["y"]}])
    (problem,) = plan_problems(broken)
    assert problem.code == "cycle"
    assert "x -> y -> z -> x" in problem.message


def test_cycle_through_a_milestone_after_explains_the_induced_edge() -> None:
    broken = plan([{"id": "p", "duration": 1, "after": ["a"]},
                   {"id": "a", "duration": 1, "milestone": "m"}],
                  [{"id": "m", "after": ["p"]}])
    (problem,) = plan_problems(broken)
    assert problem.code == "cycle"
    assert "a delivers m, which comes after p" in problem.message


@pytest.mark.parametrize(("actions", "milestones", "item", "cycle"), [
    # A milestone after one of its own actions: that action would have to start after it ends.
    ([{"id": "a", "duration": 1, "milestone": "m"}], [{"id": "m", "after": ["a"]}],
     "m", "a -> m -> a"),
    # The same through a 'wont' action, which the scheduler bridges over.
    ([{"id": "w", "duration": 1, "priority": "wont", "milestone": "m"},
      {"id": "a", "duration": 1, "milestone": "m"}], [{"id": "m", "after": ["w"]}],
     "m", "w -> m -> w"),
    # 'wont' actions after each other, with or without anything depending on them.
    ([{"id": "w", "duration": 1, "priority": "wont", "after": ["v"]},
      {"id": "v", "duration": 1, "priority": "wont", "after": ["w"]},
      {"id": "a", "duration": 1, "after": ["w"]}], [], "w", "w -> v -> w"),
    ([{"id": "w", "duration": 1, "priority": "wont", "after": ["v"]},
      {"id": "v", "duration": 1, "priority": "wont", "after": ["w"]},
      {"id": "a", "duration": 1}], [], "w", "w -> v -> w"),
])
def test_cycles_through_milestones_and_wont_actions_are_named(
    actions: list[dict[str, Any]], milestones: list[dict[str, Any]], item: str, cycle: str,
) -> None:
    broken = plan(actions, milestones)
    (problem,) = plan_problems(broken)
    assert (problem.code, problem.item, problem.field) == ("cycle", item, "after")
    assert cycle in problem.message
    with pytest.raises(PlanValidationError) as raised:
        schedule_plan(broken, today=dt.date(2027, 1, 4))
    assert raised.value.codes == ["cycle"]


def test_two_separate_cycles_are_two_problems() -> None:
    broken = plan([{"id": "a", "duration": 1, "after": ["b"]}, {"id": "b", "duration": 1, "after": ["a"]},
                   {"id": "c", "duration": 1, "after": ["d"]}, {"id": "d", "duration": 1, "after": ["c"]}])
    assert [p.item for p in plan_problems(broken)] == ["a", "c"]


def test_a_cycle_is_reported_beside_unknown_ids_and_self_references() -> None:
    broken = plan([{"id": "a", "duration": 1, "after": ["zz"]},
                   {"id": "b", "duration": 1, "after": ["b"]}],
                  milestones=[{"id": "m2", "after": ["m3"]}, {"id": "m3", "after": ["m2"]}])
    assert sorted((p.code, p.item) for p in plan_problems(broken)) == [
        ("cycle", "m2"), ("self-reference", "b"), ("unknown-id", "a")]
    # With an id used twice, which item it means is open: cycles wait until ids are unique.
    twice = plan([{"id": "a", "duration": 1, "after": ["c"]}, {"id": "a", "duration": 1},
                  {"id": "c", "duration": 1, "after": ["d"]}, {"id": "d", "duration": 1, "after": ["c"]}])
    assert [p.code for p in plan_problems(twice)] == ["duplicate-id"]


def test_build_graph_keeps_the_users_lag_over_an_induced_edge() -> None:
    graph = build_graph(plan([{"id": "p", "duration": 1},
                              {"id": "a", "duration": 1, "after": ["p"], "lag": 3, "milestone": "m"}],
                             [{"id": "m", "after": ["p"]}]))
    assert graph.edges["p", "a"] == {"lag": 3, "why": ""}
    assert graph.edges["p", "m"]["lag"] == 0


@pytest.mark.parametrize(("extra", "code", "item", "field"), [
    ({"people": [{"id": "ann", "name": "Ann", "hours_per_day": 2}],
      "actions": [{"id": "a", "effort": {"hours": 10}, "assignees": ["bob"]}]},
     "unknown-id", "a", "assignees"),
    ({"actions": [{"id": "a", "duration": 2, "impact": {"fcx": 1.0}}]}, "unknown-id", "a", "impact"),
])
def test_scheduling_checks_the_other_sections_of_a_python_built_plan(
    extra: dict[str, Any], code: str, item: str, field: str
) -> None:
    data: dict[str, Any] = {"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]}, **extra}
    broken = Plan.model_validate(data)
    with pytest.raises(PlanValidationError) as raised:
        schedule_plan(broken, today=dt.date(2027, 1, 4))
    problem = raised.value.problems[0]
    assert (problem.code, problem.item, problem.field.split(".")[0]) == (code, item, field)


def test_long_and_branching_wont_chains_schedule_without_recursion() -> None:
    """Dependencies through thousands of 'wont' actions keep their lags, without hitting the
    recursion limit, and layers of wont actions after each other do not multiply the work."""
    chain = [{"id": "a0", "duration": 1}] + [
        {"id": f"w{k}", "duration": 1, "priority": "wont", "after": [f"w{k - 1}" if k else "a0"]}
        for k in range(3_000)] + [{"id": "b", "duration": 1, "after": ["w2999"], "lag": 2}]
    schedule = schedule_plan(plan(chain), today=dt.date(2027, 1, 4))
    assert schedule.action("b").earliest_start == dt.date(2027, 1, 7)  # a0 Mon + 1 + lag 2
    layers = [{"id": "a0", "duration": 1}]
    previous = ["a0"]
    for k in range(40):  # 2^40 paths through the layers
        layer = [f"x{k}a", f"x{k}b"]
        layers += [{"id": i, "duration": 1, "priority": "wont", "after": previous} for i in layer]
        previous = layer
    layers.append({"id": "b", "duration": 1, "after": previous})
    schedule = schedule_plan(plan(layers), today=dt.date(2027, 1, 4))
    assert schedule.action("b").earliest_start == dt.date(2027, 1, 5)
