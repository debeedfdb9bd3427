"""Portfolio risk: each goal's chance, each objective's chance that all its goals make it in
the same run, shared risks drawn once per run, and the same answer on any number of Dask
workers (issue 17)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from backplan import (
    MissingExtraError,
    Portfolio,
    build_portfolio,
    load_plan,
    load_portfolio,
    schedule_portfolio,
    simulate_portfolio,
)

pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "portfolio" / "portfolio.yaml"
TODAY = dt.date(2027, 1, 4)


def team(goal: str, *, risks: Any = (), estimate: bool = False) -> Any:
    action: dict[str, Any] = {"id": "work", "duration": 5}
    if estimate:
        action = {"id": "work", "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 12}}
    return load_plan({"goal": {"id": goal, "due": "2027-01-15", "parent": "o"},
                      "actions": [action, {"id": "crm", "duration": 2, "after": ["work"]}],
                      "risks": list(risks)})


def portfolio(*plans: Any, risks: Any = ()) -> Portfolio:
    return build_portfolio(plans, id="p", objectives=[{"id": "o", "due": "2027-01-31"}],
                           risks=risks)


def test_a_shared_risk_hits_every_plan_in_the_same_run() -> None:
    # Each plan has 3 working days to spare; the risk adds 5 to its crm work when it happens.
    shared = portfolio(team("a"), team("b"),
                       risks=[{"id": "vendor", "probability": 0.4, "impact": 5,
                               "actions": ["crm"]}])
    sim = simulate_portfolio(shared, today=TODAY, samples=4000, seed=3)
    a, b = (g.probability for g in sim.goals)
    assert a == b == pytest.approx(0.6, abs=0.03)
    assert sim.objective("o").probability == pytest.approx(a)  # together, not 0.6 * 0.6
    (risk,) = sim.risks
    assert risk[0] == "vendor"
    assert risk[1] == pytest.approx(0.4, abs=0.03)


def test_each_plans_own_risk_is_drawn_apart() -> None:
    own = [{"id": "vendor", "probability": 0.4, "impact": 5, "actions": ["crm"]}]
    sim = simulate_portfolio(portfolio(team("a", risks=own), team("b", risks=own)),
                             today=TODAY, samples=4000, seed=3)
    a, b = (g.probability for g in sim.goals)
    assert a == pytest.approx(0.6, abs=0.03)
    assert b == pytest.approx(0.6, abs=0.03)
    assert sim.objective("o").probability == pytest.approx(a * b, abs=0.03)


def test_without_uncertainty_the_chance_is_the_schedules_answer() -> None:
    # Shared capacity makes b late though it is feasible alone: its chance is 0.
    def plan(goal: str) -> Any:
        return load_plan({"goal": {"id": goal, "due": "2027-01-15", "parent": "o"},
                          "actions": [{"id": "x", "effort": 16, "assignees": ["qa"]}]},
                         check=False)

    shared = build_portfolio([plan("a"), plan("b")], id="p", objectives=[{"id": "o"}],
                             people=[{"id": "qa", "hours_per_day": 2}])
    sim = simulate_portfolio(shared, today=TODAY, samples=200)
    assert [g.probability for g in sim.goals] == [1.0, 0.0]
    assert sim.objective("o").probability == 0.0
    assert sim.status("o") == "off_track"


def test_the_json_adds_probability_and_seed() -> None:
    sim = simulate_portfolio(portfolio(team("a", estimate=True), team("b")), today=TODAY,
                             samples=1000, seed=11)
    data = json.loads(sim.to_json())
    assert data["seed"] == 11
    assert list(data)[:4] == ["portfolio", "today", "seed", "feasible"]
    assert all(0 <= g["probability"] <= 1 for g in data["goals"])
    objective = data["objectives"][0]
    assert objective["probability"] == pytest.approx(
        data["goals"][0]["probability"] * data["goals"][1]["probability"])
    # an objective below the 80 % confidence is at risk even when feasible
    assert objective["feasible"] is True
    assert objective["status"] == ("on_track" if objective["probability"] >= 0.8 else
                                   "at_risk" if objective["probability"] >= 0.5 else
                                   "off_track")


def test_the_same_seed_gives_the_same_answer() -> None:
    shared = load_portfolio(EXAMPLE)
    today = dt.date(2026, 11, 23)
    schedule = schedule_portfolio(shared, today=today)
    first = simulate_portfolio(shared, today=today, samples=500, seed=5, schedule=schedule)
    again = simulate_portfolio(shared, today=today, samples=500, seed=5, schedule=schedule)
    assert first.to_json() == again.to_json()


def test_the_same_answer_on_a_dask_cluster() -> None:
    distributed = pytest.importorskip("distributed")
    shared = portfolio(team("a", estimate=True), team("b", estimate=True), team("c"),
                       risks=[{"id": "vendor", "probability": 0.3, "impact": 4,
                               "actions": ["crm"]}])
    here = simulate_portfolio(shared, today=TODAY, samples=2000, seed=9)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster:
        there = simulate_portfolio(shared, today=TODAY, samples=2000, seed=9,
                                   scheduler_address=cluster.scheduler_address,
                                   schedule=here.schedule)
    assert there.to_json() == here.to_json()


@pytest.mark.slow
def test_the_same_answer_on_a_local_cluster_of_worker_processes() -> None:
    pytest.importorskip("distributed")
    shared = load_portfolio(EXAMPLE)
    today = dt.date(2026, 11, 23)
    here = simulate_portfolio(shared, today=today, samples=1000, seed=2)
    there = simulate_portfolio(shared, today=today, samples=1000, seed=2, workers=2,
                               schedule=here.schedule)
    assert there.to_json() == here.to_json()


def test_a_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(MissingExtraError, match=r'pip install "backplan\[distributed\]"'):
        simulate_portfolio(portfolio(team("a")), today=TODAY, samples=10, workers=2)


def test_bad_arguments_are_refused() -> None:
    shared = portfolio(team("a"))
    with pytest.raises(ValueError, match="samples"):
        simulate_portfolio(shared, today=TODAY, samples=0)
    with pytest.raises(ValueError, match="not both"):
        simulate_portfolio(shared, today=TODAY, samples=10, workers=2,
                           scheduler_address="tcp://localhost:1")
