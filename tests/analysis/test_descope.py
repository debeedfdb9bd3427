"""Descoping: hand-checked proposals, and properties on random plans checked by rescheduling."""

from __future__ import annotations

import datetime as dt
import json
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backplan import Plan, descope_proposals, drop_actions, load_plan, schedule_plan
from strategies import plans, todays

D = dt.date


def make(actions: list[dict[str, Any]], *, due: str = "2027-01-15", **goal: Any) -> Plan:
    return load_plan({"goal": {"id": "g", "due": due, **goal}, "actions": actions})


def feasible_without(plan: Plan, dropped: tuple[str, ...] | frozenset[str], today: dt.date) -> bool:
    return schedule_plan(drop_actions(plan, dropped), today=today).feasible


def test_feasible_plan_has_nothing_to_descope() -> None:
    result = descope_proposals(make([{"id": "a", "duration": 2}]), today=D(2027, 1, 4))
    assert result.feasible
    assert result.proposals == ()
    assert result.shortfall_days == 0


def test_could_haves_first_and_musts_never() -> None:
    # a(5) -> b(3, could) -> d(4) and a -> c(2, should) -> d: 12 working days in a window of 10.
    plan = make([
        {"id": "a", "duration": 5},
        {"id": "b", "duration": 3, "after": ["a"], "priority": "could"},
        {"id": "c", "duration": 2, "after": ["a"], "priority": "should"},
        {"id": "d", "duration": 4, "after": ["b", "c"]},
    ])
    result = descope_proposals(plan, today=D(2027, 1, 4))
    assert (result.feasible, result.shortfall_days) == (False, 2)
    # Dropping b alone leaves a -> c -> d at 11 days: still 1 short; no could-only set works, so
    # should-haves join: {b, c} is the one minimal set.
    drops = [p for p in result.proposals if p.kind == "drop"]
    assert [(p.drop, p.priorities, p.days_gained) for p in drops] == [
        (("b", "c"), ("could", "should"), 3)
    ]
    assert result.proposals[-1].kind == "move-due"
    assert result.proposals[-1].due == D(2027, 1, 19)
    assert [p.rank for p in result.proposals] == [1, 2]


def test_effect_lost_and_reachability_are_reported() -> None:
    plan = make([
        {"id": "start", "duration": 6},
        {"id": "x", "duration": 3, "after": ["start"], "priority": "could", "impact": {"fcr": 2}},
        {"id": "y", "duration": 3, "after": ["start"], "priority": "could", "impact": {"fcr": 1}},
        {"id": "z", "duration": 1, "after": ["start"], "priority": "could"},
        {"id": "end", "duration": 2, "after": ["x", "y", "z"], "impact": {"fcr": 6}},
    ], key_results=[{"id": "fcr", "metric": "fcr", "baseline": 71, "target": 79}])
    # start(6) + x or y (3) + end(2) = 11 > 10: both x and y must go (z is short enough).
    result = descope_proposals(plan, today=D(2027, 1, 4))
    drops = [p for p in result.proposals if p.kind == "drop"]
    assert [p.drop for p in drops] == [("x", "y")]
    proposal = drops[0]
    assert proposal.effect_lost("fcr") == 3
    # 6 planned points are left of the 8 needed: the target is no longer reachable.
    assert proposal.target_reachable is False
    assert "effect lost: fcr +3; target no longer reachable" in proposal.description


def test_two_minimal_sets_come_out_smallest_first() -> None:
    # a(4) -> b(2, could) -> c(2, could) -> e(3): 11 days in 10; dropping b or c alone works,
    # and dropping w (could, parallel, 1 day) never helps. c loses no effect, so it ranks first.
    plan = make([
        {"id": "a", "duration": 4},
        {"id": "w", "duration": 1, "priority": "could"},
        {"id": "b", "duration": 2, "after": ["a"], "priority": "could", "impact": {"fcr": 1}},
        {"id": "c", "duration": 2, "after": ["b"], "priority": "could"},
        {"id": "e", "duration": 3, "after": ["c", "w"], "impact": {"fcr": 5}},
    ], key_results=[{"id": "fcr", "metric": "fcr", "baseline": 70, "target": 75}])
    result = descope_proposals(plan, today=D(2027, 1, 4))
    assert [p.drop for p in result.proposals if p.kind == "drop"] == [("c",), ("b",)]
    assert [p.effect_lost("fcr") for p in result.proposals] == [0, 1, 0]
    assert result.candidates == ("b", "c")
    assert [p.target_reachable for p in result.proposals] == [True, True, True]


def test_dropping_keeps_dependencies_through_the_dropped_action() -> None:
    # b depends on x (could) with lags: dropping x keeps a -> b with the lags added up.
    plan = make([
        {"id": "a", "duration": 3},
        {"id": "x", "duration": 4, "after": ["a"], "lag": 2, "priority": "could"},
        {"id": "b", "duration": 3, "after": ["x"], "lag": 1},
    ])
    result = descope_proposals(plan, today=D(2027, 1, 4))
    drop = result.proposals[0]
    assert drop.drop == ("x",)
    after = schedule_plan(drop_actions(plan, ["x"]), today=D(2027, 1, 4))
    # b starts no earlier than the 3rd working day after a finishes (lags 2 + 1 kept).
    assert after.action("b").earliest_start == D(2027, 1, 12)
    assert drop.earliest_completion == after.earliest_completion


def test_adding_capacity_where_people_are_modelled() -> None:
    plan = load_plan({
        "goal": {"id": "g", "due": "2027-01-15"},
        "people": [{"id": "ana", "hours_per_day": 2}, {"id": "bo", "hours_per_day": 1}],
        "actions": [
            {"id": "survey", "effort": {"hours": 12}, "assignees": ["ana"]},   # 6 days at 2 h
            {"id": "tips", "duration": 3, "after": ["survey"], "priority": "could"},
            {"id": "coach", "effort": {"hours": 4}, "assignees": ["bo"], "after": ["tips"]},
        ],
    })
    result = descope_proposals(plan, today=D(2027, 1, 4))
    assert result.shortfall_days == 3
    capacity = [p for p in result.proposals if p.kind == "add-capacity"]
    # ana at 4 h: survey takes 3 days; bo at 4 h: coach takes 1 day. 3.5 h would not do for bo
    # (2 days), nor 3.5 h for ana (4 days).
    assert [(p.person, p.add_hours, p.days_gained) for p in capacity] == [
        ("ana", 2.0, 3), ("bo", 3.0, 3)]
    assert capacity[0].changes == ("ana.hours_per_day: 2 -> 4",)
    assert [p.kind for p in result.proposals] == ["drop", "move-due", "add-capacity",
                                                 "add-capacity"]
    for proposal in capacity:
        more = plan.model_copy(update={"people": tuple(
            p.model_copy(update={"hours_per_day": p.hours_per_day + (proposal.add_hours or 0)})
            if p.id == proposal.person else p for p in plan.people)})
        assert schedule_plan(more, today=D(2027, 1, 4)).feasible


def test_original_plan_is_untouched() -> None:
    plan = load_plan("examples/fcr.yaml")
    before = plan.model_dump()
    descope_proposals(plan, today=D(2026, 12, 21))
    assert plan.model_dump() == before


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="max_drop"):
        descope_proposals(make([{"id": "a", "duration": 1}]), today=D(2027, 1, 4), max_drop=0)


def test_result_serialises() -> None:
    plan = load_plan("examples/aht.yaml")
    result = descope_proposals(plan, today=D(2026, 11, 23))
    data = result.to_dict()
    assert data["feasible"] is False
    assert data["proposals"][-1]["kind"] == "move-due"
    assert data["proposals"][-1]["due"] == "2027-05-07"
    assert "NOT feasible" in str(result)
    assert "<table>" in result._repr_html_()


# -- properties -------------------------------------------------------------------------------


def brute_force_minimal(plan: Plan, today: dt.date, pool: list[str], max_drop: int) -> set[frozenset[str]]:
    feasible = [frozenset(s) for k in range(1, max_drop + 1) for s in combinations(pool, k)
                if feasible_without(plan, s, today)]
    return {s for s in feasible if not any(t < s for t in feasible)}


@settings(max_examples=60)
@given(plan=plans(max_items=8), today=todays)
def test_proposals_are_feasible_minimal_and_never_drop_a_must(plan: Plan, today: dt.date) -> None:
    result = descope_proposals(plan, today=today, max_drop=3, max_proposals=100)
    assert result.feasible == schedule_plan(plan, today=today).feasible
    priority = {a.id: a.priority for a in plan.actions}
    for proposal in result.proposals:
        if proposal.kind == "move-due":
            assert proposal.feasible
            continue
        assert all(priority[i] in ("could", "should") for i in proposal.drop)
        assert proposal.feasible
        assert feasible_without(plan, proposal.drop, today), "claimed feasible but is not"
        for size in range(len(proposal.drop)):
            for subset in combinations(proposal.drop, size):
                assert not feasible_without(plan, subset, today), f"{subset} already works"


@settings(max_examples=40)
@given(plan=plans(max_items=7), today=todays)
def test_search_finds_every_minimal_set_a_brute_force_finds(plan: Plan, today: dt.date) -> None:
    result = descope_proposals(plan, today=today, max_drop=3, max_proposals=1000)
    if result.feasible:
        return
    could = [a.id for a in plan.actions if a.priority == "could"]
    should = [a.id for a in plan.actions if a.priority == "should"]
    expected = brute_force_minimal(plan, today, could, 3)
    if not expected:  # then should-haves join
        expected = brute_force_minimal(plan, today, could + should, 3)
    got = {frozenset(p.drop) for p in result.proposals if p.kind == "drop"}
    assert result.complete
    assert got == expected


@settings(max_examples=25)
@given(plan=plans(max_items=8), today=todays)
def test_descoping_is_deterministic(plan: Plan, today: dt.date) -> None:
    first = descope_proposals(plan, today=today).to_dict()
    assert descope_proposals(plan, today=today).to_dict() == first


@given(data=st.data())
@settings(max_examples=20)
def test_drop_actions_only_changes_priorities(data: st.DataObject) -> None:
    plan = data.draw(plans(max_items=6))
    ids = data.draw(st.sets(st.sampled_from([a.id for a in plan.actions])))
    dropped = drop_actions(plan, ids)
    for old, new in zip(plan.actions, dropped.actions, strict=True):
        assert new.priority == ("wont" if old.id in ids else old.priority)
        assert new.model_copy(update={"priority": old.priority}) == old


def test_cli_descope(capsys: pytest.CaptureFixture[str]) -> None:
    from backplan.cli import main

    assert main(["descope", "examples/aht.yaml", "--today", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "NOT feasible, 4 working days short" in out
    assert "move the goal's due date to 2027-05-07" in out
    assert "warning [moscow-must-share]" in out
    assert main(["descope", "examples/aht.yaml", "--today", "2026-11-23", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["feasible"], data["shortfall_days"]) == (False, 4)
    assert data["moscow"]["shares"][0]["priority"] == "must"
    with pytest.raises(SystemExit) as exited:
        main(["descope", "examples/aht.yaml", "--max-drop", "0"])
    assert exited.value.code == 2
    assert "at least 1" in capsys.readouterr().err
