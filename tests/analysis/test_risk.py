"""Risk simulation: hand-checked cases, analytic distributions, seeds, risks, buffer and flag."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from backplan import MissingExtraError, load_plan, schedule_plan
from backplan.analysis.risk import Simulation, duration_distribution, simulate_schedule
from backplan.analysis.risk_matrix import IMPACT_BANDS, risk_matrix
from backplan.calendars import WorkingCalendar
from backplan.models import Estimate, Plan

pytest.importorskip("numpy")

TODAY = dt.date(2027, 1, 4)  # a Monday
CAL = WorkingCalendar()


def plan_with(actions: list[dict[str, Any]], *, due: str = "2027-06-30",
              risks: list[dict[str, Any]] | None = None, **extra: Any) -> Plan:
    return load_plan({"goal": {"id": "g", "due": due}, "actions": actions,
                      "risks": risks or [], **extra})


def span_days(sim: Simulation, day: dt.date) -> int:
    """Working days from today to ``day``, both counted (a chain's total duration)."""
    return CAL.count(TODAY, day) + 1


def cdf_by_span(sim: Simulation) -> dict[int, float]:
    return {span_days(sim, day): share for day, share in sim.completion_cdf}


def mean_span(sim: Simulation) -> float:
    before, total = 0.0, 0.0
    for day, share in sim.completion_cdf:
        total += span_days(sim, day) * (share - before)
        before = share
    return total


def triangular_cdf(x: float, low: float, mode: float, high: float) -> float:
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    if x <= mode:
        return (x - low) ** 2 / ((high - low) * (mode - low))
    return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))


# ------------------------------------------------------------------------------- models


def test_estimate_alone_plans_with_the_likely_value_and_is_written_back_alone() -> None:
    from backplan import dump_plan, loads_plan

    plan = plan_with([{"id": "a", "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 9}},
                      {"id": "b", "duration": 4, "after": ["a"],
                       "estimate": {"optimistic": 2, "likely": 3, "pessimistic": 6}}])
    assert [a.duration for a in plan.actions] == [5, 4]
    text = dump_plan(plan)
    assert "duration: 5" not in text
    assert "duration: 4" in text
    assert loads_plan(text) == plan
    assert schedule_plan(plan, today=TODAY).action("a").duration_days == 5


@pytest.mark.parametrize(("action", "code", "field"), [
    ({"id": "a", "estimate": {"optimistic": 5, "likely": 3, "pessimistic": 9}},
     "contradiction", "estimate"),
    ({"id": "a", "duration": 12, "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 9}},
     "contradiction", "duration"),
    ({"id": "a", "estimate": {"optimistic": 0, "likely": 3, "pessimistic": 9}},
     "invalid-value", "estimate.optimistic"),
    ({"id": "a", "estimate": {"optimistic": 1, "likely": 3, "pessimistic": 9,
                              "distribution": "normal"}}, "invalid-value",
     "estimate.distribution"),
    ({"id": "a", "estimate": {"optimistic": 1, "likely": 3, "pesimistic": 9}},
     "unknown-field", "estimate.pesimistic"),
    ({"id": "a", "estimate": None}, "missing-field", "duration"),
])
def test_bad_estimates_are_named(action: dict[str, Any], code: str, field: str) -> None:
    from backplan import PlanValidationError

    with pytest.raises(PlanValidationError) as caught:
        plan_with([action])
    problems = [(p.code, p.item, p.field) for p in caught.value.problems]
    assert (code, "a", field) in problems
    assert {item for _, item, _ in problems} == {"a"}


@pytest.mark.parametrize(("risk", "code", "field"), [
    ({"id": "r", "probability": 1.5, "impact": 2}, "invalid-value", "probability"),
    ({"id": "r", "probability": "30%", "impact": 2}, "invalid-value", "probability"),
    ({"id": "r", "probability": 0.3, "impact": 0}, "invalid-value", "impact"),
    ({"id": "r", "probability": 0.3, "impact": 2, "actions": ["b"]}, "unknown-id", "actions"),
    ({"id": "r", "probability": 0.3, "impact": 2, "mitigation": ["g"]}, "unknown-id",
     "mitigation"),
    ({"id": "a", "probability": 0.3, "impact": 2}, "duplicate-id", "id"),
    ({"id": "r", "probability": 0.3, "impact": 2, "actions": ["a", "a"]}, "invalid-value",
     "actions"),
    ({"id": "r", "probability": 0.3}, "missing-field", "impact"),
])
def test_bad_risks_are_named(risk: dict[str, Any], code: str, field: str) -> None:
    from backplan import PlanValidationError

    with pytest.raises(PlanValidationError) as caught:
        plan_with([{"id": "a", "duration": 2}], risks=[risk])
    assert [(p.code, p.item, p.field) for p in caught.value.problems] == [
        (code, risk["id"], field)]


def test_unknown_risk_action_suggests_the_close_id() -> None:
    from backplan import PlanValidationError

    with pytest.raises(PlanValidationError) as caught:
        plan_with([{"id": "coach", "duration": 2}],
                  risks=[{"id": "r", "probability": 0.3, "impact": 2, "actions": ["coahc"]}])
    assert caught.value.problems[0].hint == "did you mean 'coach'?"


# ------------------------------------------------------------------- distributions


@pytest.mark.parametrize(("low", "mode", "high"), [(2, 5, 12), (1, 1, 6), (3, 9, 9), (4, 5, 6)])
def test_triangular_table_is_the_rounded_distribution(low: int, mode: int, high: int) -> None:
    table = duration_distribution(
        Estimate(optimistic=low, likely=mode, pessimistic=high), "triangular")
    assert [days for days, _ in table] == list(range(low, high + 1))
    cumulative = 0.0
    for days, p in table:
        cumulative += p
        assert cumulative == pytest.approx(triangular_cdf(days + 0.5, low, mode, high),
                                           abs=1 / 65_536)
    assert cumulative == 1.0


def test_pert_table_matches_the_closed_form_beta() -> None:
    # likely in the middle: alpha = beta = 3, and I_x(3, 3) = sum_j C(5, j) x^j (1 - x)^(5 - j).
    table = duration_distribution(Estimate(optimistic=2, likely=6, pessimistic=10), "pert")

    def cdf(x: float) -> float:
        return sum(math.comb(5, j) * x ** j * (1 - x) ** (5 - j) for j in range(3, 6))

    cumulative = 0.0
    for days, p in table:
        cumulative += p
        expected = cdf(min(1.0, (days + 0.5 - 2) / 8))
        assert cumulative == pytest.approx(expected, abs=1 / 65_536)


def test_pert_cdf_agrees_with_numerical_integration_when_skewed() -> None:
    from backplan.analysis._risk_runs import beta_cdf

    a, b = 1 + 4 * 2 / 13, 1 + 4 * 11 / 13  # optimistic 3, likely 5, pessimistic 16
    steps = 200_000
    norm = math.gamma(a + b) / (math.gamma(a) * math.gamma(b))
    for x in (0.05, 0.2, 0.5, 0.8, 0.97):
        h = x / steps  # midpoint rule
        integral = sum(((k + 0.5) * h) ** (a - 1) * (1 - (k + 0.5) * h) ** (b - 1)
                       for k in range(steps)) * h * norm
        assert beta_cdf([x], [a], [b])[0] == pytest.approx(integral, abs=1e-8)


def test_an_estimate_without_spread_is_its_value() -> None:
    assert duration_distribution(Estimate(optimistic=4, likely=4, pessimistic=4)) == ((4, 1.0),)


# ------------------------------------------------------------------ analytic checks


def test_one_triangular_action_has_its_known_distribution() -> None:
    plan = plan_with([{"id": "a", "estimate": {"optimistic": 2, "likely": 5, "pessimistic": 12,
                                               "distribution": "triangular"}}])
    sim = simulate_schedule(plan, today=TODAY, samples=40_000, seed=11)
    seen = cdf_by_span(sim)
    assert set(seen) <= set(range(2, 13))
    tolerance = 4 * math.sqrt(0.25 / 40_000)  # four standard errors of a share
    for k in range(2, 13):
        below = max((share for span, share in seen.items() if span <= k), default=0.0)
        assert below == pytest.approx(triangular_cdf(k + 0.5, 2, 5, 12), abs=tolerance)
    exact_mean = sum(d * p for d, p in duration_distribution(
        Estimate(optimistic=2, likely=5, pessimistic=12), "triangular"))
    assert exact_mean == pytest.approx((2 + 5 + 12) / 3, abs=0.02)  # rounding keeps the mean
    sd = math.sqrt((2**2 + 5**2 + 12**2 - 2 * 5 - 2 * 12 - 5 * 12) / 18)
    assert mean_span(sim) == pytest.approx(exact_mean, abs=4 * sd / math.sqrt(40_000))


def test_means_add_up_along_a_chain() -> None:
    estimates = [(2, 4, 9), (1, 3, 4), (5, 8, 15), (3, 3, 7), (2, 6, 6), (1, 2, 10)]
    actions = [{"id": f"a{k}", "after": [f"a{k - 1}"] if k else [],
                "estimate": {"optimistic": o, "likely": m, "pessimistic": p}}
               for k, (o, m, p) in enumerate(estimates)]
    sim = simulate_schedule(plan_with(actions), today=TODAY, samples=20_000, seed=3)
    tables = [duration_distribution(Estimate(optimistic=o, likely=m, pessimistic=p))
              for o, m, p in estimates]
    means = [sum(d * q for d, q in t) for t in tables]
    variance = sum(sum(q * (d - mu) ** 2 for d, q in t) for t, mu in zip(tables, means, strict=True))
    assert mean_span(sim) == pytest.approx(sum(means), abs=4 * math.sqrt(variance / 20_000))
    for action, mu in zip(sim.actions, means, strict=True):
        assert action.mean_duration_days == pytest.approx(mu)
        assert action.criticality == 1.0  # a chain is critical in every run


def test_parallel_branches_share_the_criticality() -> None:
    # Two identical independent branches: each finishes last about half the time (ties count
    # for both), and the join is always critical.
    est = {"optimistic": 2, "likely": 5, "pessimistic": 12}
    plan = plan_with([{"id": "left", "estimate": est}, {"id": "right", "estimate": est},
                      {"id": "join", "duration": 1, "after": ["left", "right"]}])
    sim = simulate_schedule(plan, today=TODAY, samples=20_000, seed=5)
    left, right = sim.action("left").criticality, sim.action("right").criticality
    assert left == pytest.approx(right, abs=0.03)
    assert 0.5 < left < 0.7  # more than half: ties make both critical
    assert sim.action("join").criticality == 1.0


# ------------------------------------------------------------------- hand-checked


def test_without_spread_a_plan_simulates_to_its_schedule() -> None:
    plan = plan_with([
        {"id": "a", "estimate": {"optimistic": 3, "likely": 3, "pessimistic": 3}},
        {"id": "b", "duration": 4, "after": ["a"]},
        {"id": "c", "duration": 2},
    ], due="2027-01-08")
    sim = simulate_schedule(plan, today=TODAY, samples=500, seed=1)
    schedule = schedule_plan(plan, today=TODAY)
    assert sim.p50 == sim.p80 == sim.p95 == schedule.earliest_completion == dt.date(2027, 1, 12)
    assert sim.deterministic_completion == schedule.earliest_completion
    assert sim.probability == 0.0
    assert [a.criticality for a in sim.actions] == [1.0, 1.0, 0.0]
    assert sim.buffer is not None
    assert (sim.buffer.buffer_days, sim.buffer.margin_days, sim.buffer.start_earlier_days) == (
        0, -2, 2)
    assert sim.buffer.start_by == dt.date(2026, 12, 31)  # two working days before today


def test_a_risk_on_an_action_adds_its_impact_in_its_share_of_runs() -> None:
    plan = plan_with([{"id": "a", "duration": 5}, {"id": "b", "duration": 3}],
                     risks=[{"id": "vendor", "probability": 0.3, "impact": 4, "actions": ["b"],
                             "owner": "Priya", "mitigation": ["a"]}], due="2027-01-08")
    sim = simulate_schedule(plan, today=TODAY, samples=20_000, seed=2)
    spans = cdf_by_span(sim)
    assert set(spans) == {5, 7}  # b alone: 3 + 4 = 7 days; otherwise a's 5 days
    assert spans[5] == pytest.approx(0.7, abs=0.015)
    assert sim.probability == spans[5]
    assert sim.action("b").criticality == pytest.approx(0.3, abs=0.015)
    assert sim.action("b").mean_duration_days == pytest.approx(3 + 0.3 * 4)
    assert sim.action("b").sd_duration_days == pytest.approx(4 * math.sqrt(0.21))
    exposure = sim.matrix.risks[0]
    assert exposure.occurred == pytest.approx(0.3, abs=0.015)
    assert exposure.probability_without == 1.0
    assert sim.risk_drivers == ("vendor",)
    assert (exposure.owner, exposure.mitigation) == ("Priya", ("a",))


def test_a_risk_to_the_whole_plan_delays_completion_not_criticality() -> None:
    plan = plan_with([{"id": "a", "duration": 5}],
                     risks=[{"id": "audit", "probability": 1.0, "impact": 2}])
    sim = simulate_schedule(plan, today=TODAY, samples=1000, seed=2)
    assert sim.p50 == CAL.shift(TODAY, 6)
    assert sim.action("a").criticality == 1.0
    assert sim.matrix.risks[0].probability_without is None  # it happened in every run


def test_risks_and_estimates_on_wont_actions_change_nothing() -> None:
    plan = plan_with([{"id": "a", "duration": 5},
                      {"id": "w", "priority": "wont",
                       "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 30}}],
                     risks=[{"id": "r", "probability": 1.0, "impact": 9, "actions": ["w"]}])
    sim = simulate_schedule(plan, today=TODAY, samples=200)
    assert sim.p95 == CAL.shift(TODAY, 4)
    assert [a.id for a in sim.actions] == ["a"]


def test_milestones_get_their_own_chances() -> None:
    plan = plan_with([{"id": "a", "estimate": {"optimistic": 2, "likely": 4, "pessimistic": 10},
                       "milestone": "m"}, {"id": "b", "duration": 1, "after": ["m"]}],
                     milestones=[{"id": "m", "due": "2027-01-07"}, {"id": "n"}])
    sim = simulate_schedule(plan, today=TODAY, samples=5000, seed=4)
    m, n = sim.milestones
    assert m.id == "m"
    assert m.due == dt.date(2027, 1, 7)
    a_within_4 = sum(p for d, p in duration_distribution(
        Estimate(optimistic=2, likely=4, pessimistic=10)) if d <= 4)
    assert m.probability == pytest.approx(a_within_4, abs=0.03)
    assert n.probability is None
    # n waits for nothing: reached the working day before today, as in schedule_plan
    assert n.p50 == dt.date(2027, 1, 1) == schedule_plan(plan, today=TODAY).milestone("n").earliest_date
    assert m.p50 <= m.p80 <= m.p95


def test_not_before_holds_in_every_run() -> None:
    plan = plan_with([{"id": "a", "not_before": "2027-01-18",
                       "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 3}}])
    sim = simulate_schedule(plan, today=TODAY, samples=500)
    assert min(day for day, _ in sim.completion_cdf) >= dt.date(2027, 1, 18)


def test_long_plans_use_wide_integers_and_stay_exact() -> None:
    actions = [{"id": f"a{k}", "duration": 3000, "after": [f"a{k - 1}"] if k else [],
                "estimate": {"optimistic": 3000, "likely": 3000, "pessimistic": 3000}}
               for k in range(12)]
    plan = plan_with(actions, due="2126-12-31")  # within 100 years of today
    sim = simulate_schedule(plan, today=TODAY, samples=300)
    assert sim.p50 == schedule_plan(plan, today=TODAY).earliest_completion


# ------------------------------------------------------------------ flag and buffer


def spread_plan(due: str) -> Plan:
    return plan_with([
        {"id": "survey", "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 12}},
        {"id": "coach", "after": ["survey"],
         "estimate": {"optimistic": 5, "likely": 8, "pessimistic": 15}},
        {"id": "memo", "duration": 2},
    ], due=due, risks=[{"id": "trainer-ill", "probability": 0.4, "impact": 6,
                        "actions": ["coach"]}])


def test_low_confidence_names_the_drivers_and_the_fixes() -> None:
    sim = simulate_schedule(spread_plan("2027-01-25"), today=TODAY, samples=4000, seed=9)
    assert sim.probability < 0.5
    (flag,) = sim.flags
    assert (flag.code, flag.severity, flag.subject) == ("low-confidence", "warning", "g")
    assert flag.affected[:2] == ("coach", "survey")
    assert "memo" not in flag.affected
    assert "coach" in flag.message
    assert "risk trainer-ill" in flag.message
    kinds = [fix.kind for fix in flag.fixes]
    assert kinds[:2] == ["move-due", "start-earlier"]
    assert "reduce-uncertainty" in kinds
    assert "mitigate-risk" in kinds
    move = flag.fixes[0]
    assert sim.buffer is not None
    assert move.date == sim.buffer.commit_date == sim.p80
    assert move.days == sim.buffer.start_earlier_days == -sim.buffer.margin_days
    assert flag.shortfall_days == CAL.count(dt.date(2027, 1, 25), sim.p50)  # type: ignore[arg-type]


def test_threshold_is_settable_and_no_flag_above_it() -> None:
    plan = spread_plan("2027-01-29")
    sim = simulate_schedule(plan, today=TODAY, samples=4000, seed=9)
    assert sim.flags == () if sim.probability >= 0.5 else sim.flags
    stricter = simulate_schedule(plan, today=TODAY, samples=4000, seed=9,
                                 threshold=min(1.0, sim.probability + 0.01))
    assert [f.code for f in stricter.flags] == ["low-confidence"]
    assert simulate_schedule(plan, today=TODAY, samples=4000, seed=9, threshold=0.0).flags == ()


def test_buffer_follows_the_confidence() -> None:
    plan = spread_plan("2027-02-26")
    sim = simulate_schedule(plan, today=TODAY, samples=4000, seed=9, confidence=0.95)
    assert sim.buffer is not None
    assert sim.buffer.commit_date == sim.p95
    assert sim.deterministic_completion is not None
    assert sim.buffer.buffer_days == CAL.count(sim.deterministic_completion, sim.p95)  # type: ignore[arg-type]
    assert sim.buffer.margin_days == CAL.count(sim.p95, dt.date(2027, 2, 26))  # type: ignore[arg-type]
    assert sim.buffer.start_by == CAL.shift(TODAY, sim.buffer.margin_days)


# ------------------------------------------------------------------ reproducibility


def test_same_seed_same_result_and_other_seed_differs() -> None:
    plan = spread_plan("2027-01-29")
    one = simulate_schedule(plan, today=TODAY, samples=3000, seed=42)
    two = simulate_schedule(plan, today=TODAY, samples=3000, seed=42)
    other = simulate_schedule(plan, today=TODAY, samples=3000, seed=43)
    assert one == two
    assert one.to_json() == two.to_json()
    assert other.completion_cdf != one.completion_cdf


def test_batches_and_progress() -> None:
    calls: list[tuple[int, int]] = []
    plan = spread_plan("2027-01-29")
    sim = simulate_schedule(plan, today=TODAY, samples=25_000, seed=1,
                            progress=lambda done, total: calls.append((done, total)))
    assert calls == [(10_000, 25_000), (20_000, 25_000), (25_000, 25_000)]
    assert sim.completion_cdf[-1][1] == 1.0
    assert sim == simulate_schedule(plan, today=TODAY, samples=25_000, seed=1)


def test_a_plan_without_actions() -> None:
    sim = simulate_schedule(plan_with([]), today=TODAY, samples=10)
    assert (sim.probability, sim.p50, sim.buffer, sim.flags) == (1.0, None, None, ())


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"samples": 0}, ValueError), ({"samples": 2.5}, ValueError), ({"seed": -1}, ValueError),
    ({"confidence": 1.0}, ValueError), ({"confidence": 0}, ValueError),
    ({"threshold": 1.5}, ValueError), ({"threshold": True}, TypeError),
    ({"distribution": "normal"}, ValueError), ({"today": dt.datetime(2027, 1, 4)}, TypeError),
    ({"scheduler": "greedy"}, ValueError), ({"ignore_capacity": 1}, TypeError),
    ({"scheduler": "levelled", "ignore_capacity": True}, ValueError),
])
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception]) -> None:
    arguments: dict[str, Any] = {"today": TODAY, **kwargs}
    with pytest.raises(error):
        simulate_schedule(plan_with([{"id": "a", "duration": 1}]), **arguments)


def test_missing_numpy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(MissingExtraError, match=r'pip install "backplan\[risk\]"'):
        simulate_schedule(plan_with([{"id": "a", "duration": 1}]), today=TODAY)


# ------------------------------------------------------------------ matrix and output


def test_matrix_places_risks_by_probability_and_impact() -> None:
    plan = plan_with([{"id": "a", "duration": 1}], risks=[
        {"id": "r1", "probability": 0.05, "impact": 1},
        {"id": "r2", "probability": 0.3, "impact": 5},
        {"id": "r3", "probability": 0.95, "impact": 30},
        {"id": "r4", "probability": 0.1, "impact": 2},
    ])
    matrix = risk_matrix(plan)
    assert matrix.cells[0][0] == ("r1",)
    assert matrix.cells[2][2] == ("r2",)
    assert matrix.cells[4][4] == ("r3",)
    assert matrix.cells[1][1] == ("r4",)
    assert [r.rating for r in matrix.risks] == ["low", "medium", "high", "low"]
    assert sum(len(cell) for row in matrix.cells for cell in row) == 4
    data = matrix.to_dict()
    assert len(data["cells"]) == 5
    assert len(data["impact_levels"]) == len(IMPACT_BANDS)
    assert "r3" in str(matrix)


def test_result_is_json_ready_and_readable() -> None:
    sim = simulate_schedule(spread_plan("2027-01-25"), today=TODAY, samples=1000, seed=1)
    data = json.loads(sim.to_json())
    assert data["p80"] == sim.p80.isoformat()  # type: ignore[union-attr]
    assert data["flags"][0]["code"] == "low-confidence"
    assert data["matrix"]["risks"][0]["id"] == "trainer-ill"
    assert data["buffer"]["confidence"] == 0.8
    assert sim.probability_by(sim.p80) >= 0.8  # type: ignore[arg-type]
    text = str(sim)
    assert "chance of meeting the due date" in text
    assert "coach" in text
    assert "<table>" in sim._repr_html_()
    assert repr(sim).startswith("<Simulation 'g'")


def test_progress_keeps_done_work_on_its_dates_and_in_progress_work_fixed() -> None:
    plan = plan_with([
        {"id": "export", "duration": 3, "status": "done", "actual_finish": "2027-01-06"},
        {"id": "tag", "after": ["export"], "status": "in_progress", "actual_start": "2027-01-07",
         "remaining": 2, "estimate": {"optimistic": 1, "likely": 5, "pessimistic": 9}},
        {"id": "coach", "after": ["tag"],
         "estimate": {"optimistic": 4, "likely": 4, "pessimistic": 4}},
        {"id": "old", "duration": 2, "status": "done", "actual_start": "2026-12-01",
         "actual_finish": "2026-12-02"},
    ], due="2027-01-29")
    today = dt.date(2027, 1, 11)
    sim = simulate_schedule(plan, today=today, samples=200, seed=1)
    schedule = schedule_plan(plan, today=today)
    assert sim.p50 == sim.p95 == schedule.earliest_completion == dt.date(2027, 1, 18)
    assert sim.deterministic_completion == schedule.earliest_completion
    assert [(a.id, a.criticality) for a in sim.actions] == [
        ("export", 0.0), ("tag", 1.0), ("coach", 1.0), ("old", 0.0)]
    assert sim.action("tag").distribution is None  # in progress: the remaining days hold
    assert sim.buffer is not None
    assert sim.buffer.start_by == CAL.shift(today, sim.buffer.margin_days)


def test_all_work_done_completes_on_its_actual_finish() -> None:
    plan = plan_with([{"id": "a", "duration": 2, "status": "done",
                       "actual_finish": "2026-12-16"}], due="2027-01-29")
    sim = simulate_schedule(plan, today=TODAY, samples=50)
    assert (sim.p50, sim.probability, sim.action("a").criticality) == (
        dt.date(2026, 12, 16), 1.0, 0.0)


# ------------------------------------------------------------------ levelled runs


def test_levelled_runs_without_people_are_the_network_runs() -> None:
    plan = spread_plan("2027-01-29")
    network = simulate_schedule(plan, today=TODAY, samples=300, seed=8)
    levelled = simulate_schedule(plan, today=TODAY, samples=300, seed=8, scheduler="levelled")
    assert levelled.scheduler == "levelled"
    assert levelled.completion_cdf == network.completion_cdf
    assert levelled.probability == network.probability
    assert [a.criticality for a in levelled.actions] == [a.criticality for a in network.actions]
    assert levelled.deterministic_completion == network.deterministic_completion


def test_levelled_runs_keep_a_shared_person_to_her_hours() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-02-26"},
                      "people": [{"id": "sam", "hours_per_day": 8}],
                      "actions": [
                          {"id": "a", "assignees": ["sam"],
                           "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 9}},
                          {"id": "b", "assignees": ["sam"],
                           "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 9}}]})
    network = simulate_schedule(plan, today=TODAY, samples=200, seed=2, scheduler="network")
    levelled = simulate_schedule(plan, today=TODAY, samples=200, seed=2)  # auto: people booked
    assert (network.scheduler, network.capacity) == ("network", "ignored")
    assert (levelled.scheduler, levelled.capacity) == ("levelled", "levelled")
    spans_network, spans_levelled = cdf_by_span(network), cdf_by_span(levelled)
    assert max(spans_network) <= 9  # in parallel: the longer of the two
    assert min(spans_levelled) >= 6  # one after the other: at least 3 + 3
    assert [a.criticality for a in levelled.actions] == [1.0, 1.0]
    assert levelled.deterministic_completion == schedule_plan(
        plan, today=TODAY).earliest_completion == CAL.shift(TODAY, 9)
    assert network.deterministic_completion == schedule_plan(
        plan, today=TODAY, ignore_capacity=True).earliest_completion == CAL.shift(TODAY, 4)


def test_levelled_runs_lengthen_effort_by_the_hours_of_the_days_a_risk_adds() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-02-26"},
                      "people": [{"id": "sam", "hours_per_day": 8}],
                      "actions": [{"id": "a", "effort": {"hours": 16}, "assignees": ["sam"]}],
                      "risks": [{"id": "r", "probability": 0.5, "impact": 2, "actions": ["a"]}]})
    network = simulate_schedule(plan, today=TODAY, samples=50, scheduler="network")
    levelled = simulate_schedule(plan, today=TODAY, samples=50)
    assert levelled.scheduler == "levelled"
    assert levelled.p95 == network.p95 == CAL.shift(TODAY, 3)  # 16 h + 2 days of 8 h
    assert levelled.completion_cdf == network.completion_cdf


# ---------------------------------------------------- one plan, one answer (issue 13)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CAPACITY_TODAY = dt.date(2026, 11, 23)


def people_plan(**extra: Any) -> Plan:
    """Two actions that each need all of sam's hours: levelled, they cannot run side by side."""
    return load_plan({"goal": {"id": "g", "due": "2027-01-15"},
                      "people": [{"id": "sam", "hours_per_day": 8}],
                      "actions": [{"id": "a", "duration": 5, "assignees": ["sam"]},
                                  {"id": "b", "duration": 5, "assignees": ["sam"]}], **extra})


def test_auto_levels_a_plan_that_books_people_as_schedule_plan_does() -> None:
    plan = people_plan(risks=[{"id": "r", "probability": 0.5, "impact": 1, "actions": ["a"]}])
    levelled = simulate_schedule(plan, today=TODAY, samples=200)
    assert (levelled.scheduler, levelled.capacity) == ("levelled", "levelled")
    schedule = schedule_plan(plan, today=TODAY)
    assert levelled.deterministic_completion == schedule.earliest_completion == dt.date(2027, 1, 15)
    assert levelled.deterministic_feasible is schedule.feasible is True
    assert levelled.p50 == dt.date(2027, 1, 15)  # one after the other, 10 days
    ignored = simulate_schedule(plan, today=TODAY, samples=200, ignore_capacity=True)
    assert (ignored.scheduler, ignored.capacity) == ("network", "ignored")
    assert ignored.deterministic_completion == schedule_plan(
        plan, today=TODAY, ignore_capacity=True).earliest_completion == dt.date(2027, 1, 8)
    assert simulate_schedule(plan, today=TODAY, samples=200, scheduler="network").to_dict() == (
        ignored.to_dict())
    assert levelled.to_dict()["capacity"] == "levelled"


def test_the_capacity_example_gives_the_schedules_answer() -> None:
    plan = load_plan(EXAMPLES / "capacity.yaml")
    schedule = schedule_plan(plan, today=CAPACITY_TODAY)
    sim = simulate_schedule(plan, today=CAPACITY_TODAY)
    assert (sim.scheduler, sim.uncertain, sim.samples) == ("levelled", False, 1)
    assert sim.deterministic_completion == schedule.earliest_completion
    assert (sim.deterministic_feasible, sim.deterministic_min_slack) == (
        schedule.feasible, schedule.min_slack) == (False, -2)
    assert (sim.probability, sim.probability_all_deadlines) == (1.0, 0.0)
    text = str(sim)
    assert "NOT feasible: not every deadline is met: 2 working days short" in text
    assert "milestone gaps-known: misses its due 2027-01-08" in text
    assert [f.code for f in sim.flags] == ["deadline-missed"]


def test_levelled_runs_level_each_distinct_draw_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from backplan.analysis import _risk_levelled
    from backplan.scheduling import levelling

    calls: list[int | None] = []

    def counting(plan: Plan, **kwargs: Any) -> Any:
        calls.append(kwargs.get("iterations"))
        return real(plan, **kwargs)

    real = levelling.level
    monkeypatch.setattr(levelling, "level", counting)
    monkeypatch.setattr(_risk_levelled, "level", counting)
    plan = people_plan(risks=[{"id": "r", "probability": 0.5, "impact": 1, "actions": ["a"]},
                              {"id": "s", "probability": 0.3, "impact": 2, "actions": ["b"]},
                              {"id": "t", "probability": 0.1, "impact": 3}])
    sim = simulate_schedule(plan, today=TODAY, samples=3000, seed=3)
    assert sim.samples == 3000
    # The plan's own schedule, then one levelling per other distinct draw of r and s (t names
    # no action: it moves the dates, not the schedule), each with the default search.
    assert calls == [None, *[levelling.default_iterations(2)] * 3]
    assert sim.matrix.risks[0].occurred == pytest.approx(0.5, abs=0.03)


def test_levelled_runs_are_the_distinct_schedules_counted() -> None:
    plan = people_plan(risks=[{"id": "r", "probability": 0.5, "impact": 1, "actions": ["a"]}])
    sim = simulate_schedule(plan, today=TODAY, samples=1000, seed=5)
    share = sim.matrix.risks[0].occurred
    assert share is not None
    # 10 working days of sam's work, 11 when r happens: done 2027-01-15 or 2027-01-18.
    assert sim.completion_cdf == ((dt.date(2027, 1, 15), 1 - share), (dt.date(2027, 1, 18), 1.0))
    assert sim.probability == sim.probability_all_deadlines == 1 - share


@pytest.mark.parametrize("risks", [
    [],
    [{"id": "never", "probability": 0.0, "impact": 5}],
    [{"id": "on-wont", "probability": 0.5, "impact": 5, "actions": ["w"]}],
])
def test_a_plan_with_nothing_uncertain_is_scheduled_once_and_says_so(
    risks: list[dict[str, Any]]
) -> None:
    plan = plan_with([
        {"id": "a", "duration": 14, "milestone": "m",
         "estimate": {"optimistic": 14, "likely": 14, "pessimistic": 14}},
        {"id": "b", "duration": 3, "after": ["m"]},
        {"id": "w", "duration": 3, "priority": "wont"},
    ], due="2027-01-29", milestones=[{"id": "m", "due": "2027-01-20"}], risks=risks)
    sim = simulate_schedule(plan, today=TODAY, samples=10_000)
    schedule = schedule_plan(plan, today=TODAY)
    assert (sim.uncertain, sim.samples) == (False, 1)
    assert (sim.probability, sim.probability_all_deadlines) == (1.0, 0.0)
    assert sim.deterministic_completion == schedule.earliest_completion == sim.p50
    assert (sim.deterministic_feasible, sim.deterministic_min_slack) == (False, -1)
    text = str(sim)
    first = text.splitlines()[0]
    assert "nothing in this plan is uncertain: no three-point estimates with a spread and no " \
           "risks" in first
    assert "runs" not in first
    assert "chance" not in text
    assert "NOT feasible: not every deadline is met: 1 working day short" in text
    assert "earliest completion 2027-01-26: 3 working days to spare" in text
    assert "milestone m: misses its due 2027-01-20 (reached 2027-01-21)" in text
    (flag,) = sim.flags
    assert (flag.code, flag.severity) == ("deadline-missed", "error")
    assert "milestone m (due 2027-01-20)" in flag.message
    data = json.loads(sim.to_json())
    assert (data["uncertain"], data["samples"], data["deterministic_feasible"],
            data["deterministic_min_slack"], data["probability_all_deadlines"]) == (
        False, 1, False, -1, 0.0)
    assert "nothing in this plan is uncertain" in sim._repr_html_()


def test_a_certain_risk_is_counted_and_named() -> None:
    plan = plan_with([{"id": "a", "duration": 5}], due="2027-01-12",
                     risks=[{"id": "audit", "probability": 1.0, "impact": 2}])
    sim = simulate_schedule(plan, today=TODAY)
    assert (sim.uncertain, sim.samples, sim.probability) == (False, 1, 1.0)
    assert sim.p50 == CAL.shift(TODAY, 6)
    assert sim.deterministic_completion == CAL.shift(TODAY, 4)  # the plan as written
    text = str(sim)
    assert "the risks certain to happen are counted: audit" in text
    assert "feasible: every deadline is met" in text
    late = plan.model_copy(update={"goal": plan.goal.model_copy(
        update={"due": dt.date(2027, 1, 8)})})
    missed = simulate_schedule(late, today=TODAY)
    assert (missed.probability_all_deadlines, missed.deterministic_feasible) == (0.0, True)
    assert "once the risks certain to happen are counted" in missed.flags[0].message
    assert "working days short" not in str(missed)  # the schedule's slack leaves out the risk


def test_every_deadline_counts_milestone_dues_and_not_after() -> None:
    plan = plan_with([
        {"id": "a", "estimate": {"optimistic": 2, "likely": 4, "pessimistic": 10},
         "milestone": "m"},
        {"id": "b", "duration": 1, "after": ["m"]},
        {"id": "c", "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 6},
         "not_after": "2027-01-06"},
    ], due="2027-03-31", milestones=[{"id": "m", "due": "2027-01-07"}])
    sim = simulate_schedule(plan, today=TODAY, samples=4000, seed=6)
    assert sim.probability == 1.0
    assert sim.other_deadlines == 2
    m_met = sim.milestones[0].probability
    c = sim.action("c")
    assert (c.not_after, sim.action("a").not_after) == (dt.date(2027, 1, 6), None)
    assert m_met is not None
    assert c.not_after_probability is not None
    c_within_3 = sum(p for d, p in duration_distribution(
        Estimate(optimistic=1, likely=2, pessimistic=6)) if d <= 3)
    assert c.not_after_probability == pytest.approx(c_within_3, abs=0.03)
    # a and c are drawn independently: every deadline is met when both are
    assert sim.probability_all_deadlines == pytest.approx(m_met * c.not_after_probability,
                                                          abs=0.03)
    assert sim.probability_all_deadlines < min(m_met, c.not_after_probability)
    first = str(sim).splitlines()[0]
    assert (f"100% chance of meeting the due date, {_pct(sim.probability_all_deadlines)} "
            "chance of meeting every deadline") in first
    assert f"action c: {_pct(c.not_after_probability)} chance of finishing by its not_after " \
           "2027-01-06" in str(sim)
    data = sim.to_dict()
    assert data["probability_all_deadlines"] == sim.probability_all_deadlines
    assert data["actions"][2]["not_after_probability"] == c.not_after_probability
    assert "of meeting every deadline" in sim._repr_html_()


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def test_low_confidence_deadlines_when_only_the_deadlines_are_at_risk() -> None:
    plan = plan_with([
        {"id": "a", "estimate": {"optimistic": 2, "likely": 6, "pessimistic": 10},
         "milestone": "m"},
    ], due="2027-03-31", milestones=[{"id": "m", "due": "2027-01-08"}])
    sim = simulate_schedule(plan, today=TODAY, samples=2000, seed=2)
    assert sim.probability == 1.0
    assert sim.probability_all_deadlines < 0.5
    (flag,) = sim.flags
    assert (flag.code, flag.severity, flag.subject) == ("low-confidence-deadlines", "warning", "g")
    assert "milestone m (due 2027-01-08)" in flag.message
    (fix,) = flag.fixes
    assert (fix.kind, fix.subject, fix.date) == ("move-due", "m", sim.milestones[0].p80)
    assert simulate_schedule(plan, today=TODAY, samples=2000, seed=2, threshold=0.0).flags == ()


def test_a_plan_wide_risk_delays_a_milestone_due_with_the_goal_alike() -> None:
    plan = plan_with([
        {"id": "a", "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 9},
         "milestone": "m"},
        {"id": "prep", "duration": 1, "not_after": "2027-01-06"},
    ], due="2027-01-13", milestones=[{"id": "m", "due": "2027-01-13"}],
        risks=[{"id": "peak", "probability": 0.3, "impact": 2}])
    sim = simulate_schedule(plan, today=TODAY, samples=3000, seed=4)
    m = sim.milestones[0]
    assert m.probability == sim.probability < 1.0
    assert (m.p50, m.p80, m.p95) == (sim.p50, sim.p80, sim.p95)
    peak = sim.matrix.risks[0]
    assert peak.occurred is not None
    # prep finishes on 2027-01-04; two days later it still meets its not_after, three would not
    assert sim.action("prep").not_after_probability == 1.0
    assert sim.action("a").criticality == 1.0


def test_a_plan_wide_risk_can_make_an_action_miss_its_not_after() -> None:
    plan = plan_with([
        {"id": "a", "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 3},
         "not_after": "2027-01-08"},
    ], due="2027-03-31", risks=[{"id": "peak", "probability": 0.4, "impact": 5}])
    sim = simulate_schedule(plan, today=TODAY, samples=3000, seed=8)
    peak = sim.matrix.risks[0]
    assert peak.occurred is not None
    assert sim.probability == 1.0
    # a finishes by 2027-01-06 at the latest; five days later it misses 2027-01-08
    assert sim.action("a").not_after_probability == pytest.approx(1 - peak.occurred)
    assert sim.probability_all_deadlines == pytest.approx(1 - peak.occurred)


def test_milestones_reached_by_done_work_are_not_delayed() -> None:
    plan = plan_with([
        {"id": "a", "duration": 2, "status": "done", "actual_finish": "2027-01-05",
         "milestone": "m"},
        {"id": "b", "estimate": {"optimistic": 1, "likely": 2, "pessimistic": 4}, "after": ["m"]},
    ], due="2027-01-29", milestones=[{"id": "m", "due": "2027-01-05"}],
        risks=[{"id": "peak", "probability": 0.5, "impact": 3}])
    sim = simulate_schedule(plan, today=dt.date(2027, 1, 11), samples=500, seed=1)
    m = sim.milestones[0]
    assert (m.p50, m.p95, m.probability) == (dt.date(2027, 1, 5), dt.date(2027, 1, 5), 1.0)
    assert sim.probability_all_deadlines == 1.0
