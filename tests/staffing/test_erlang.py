"""Erlang B, C and A against tables, closed forms, limits and an exact Markov-chain computation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.staffing import StaffingError, erlang_b, erlang_c, queue_performance
from backplan.staffing.erlang import erlang_a_performance, erlang_c_performance

HALF_HOUR = 1800.0


def perform(agents: int, volume: float, *, aht: float = 180.0, answer: float = 20.0,
            patience: float | None = None, interval: float = HALF_HOUR):
    return queue_performance(agents, volume=volume, interval_seconds=interval, aht_seconds=aht,
                             target_answer_seconds=answer, patience_seconds=patience)


# --- Erlang B and C ---------------------------------------------------------------------------


@pytest.mark.parametrize(("agents", "traffic"), [
    (5, 1.361), (10, 4.461), (20, 12.031), (30, 20.337), (50, 37.901), (100, 84.064),
])
def test_erlang_b_matches_the_one_percent_table(agents: int, traffic: float) -> None:
    # The classic Erlang B table: the traffic that n trunks carry at 1 % blocking.
    assert erlang_b(agents, traffic) == pytest.approx(0.01, abs=5e-5)


@pytest.mark.parametrize(("agents", "traffic", "wait"), [
    (1, 0.5, 0.5),                  # M/M/1: C = rho
    (2, 1.0, 1 / 3),                # M/M/2: C = 2 rho^2 / (1 + rho)
    (3, 2.0, 4 / 9),
    (14, 10.0, 0.1741),             # the published example
])
def test_erlang_c_matches_closed_forms(agents: int, traffic: float, wait: float) -> None:
    assert erlang_c(agents, traffic) == pytest.approx(wait, abs=5e-5)


def test_m_m_1_service_level_and_asa_match_their_closed_forms() -> None:
    rho, aht, answer = 0.75, 240.0, 30.0
    p = perform(1, rho * HALF_HOUR / aht, aht=aht, answer=answer)
    assert p.service_level == pytest.approx(1 - rho * math.exp(-(1 - rho) * answer / aht))
    assert p.asa_seconds == pytest.approx(rho / (1 - rho) * aht)
    assert p.occupancy == pytest.approx(rho)


def test_erlang_b_is_stable_for_thousands_of_agents() -> None:
    # Poisson pmf / cdf in log space, summed directly: an independent formula.
    agents, traffic = 2_000, 1_900.0
    log_terms = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(agents + 1)]
    top = max(log_terms)
    expected = math.exp(log_terms[-1] - top) / math.fsum(math.exp(t - top) for t in log_terms)
    assert erlang_b(agents, traffic) == pytest.approx(expected, rel=1e-9)
    assert 0 < erlang_c(5_000, 4_900.0) < 1
    assert erlang_b(3_000, 10.0) == 0.0  # underflows gently, no OverflowError


def test_a_queue_that_cannot_keep_up_waits_forever() -> None:
    p = perform(10, 100.0)  # 10 Erlangs on 10 agents
    assert (p.wait_probability, p.service_level, p.occupancy) == (1.0, 0.0, 1.0)
    assert math.isinf(p.asa_seconds)
    assert p.to_dict()["asa_seconds"] is None


def test_no_contacts_need_no_agents() -> None:
    p = perform(0, 0.0)
    assert (p.service_level, p.asa_seconds, p.occupancy, p.wait_probability) == (1.0, 0, 0, 0)
    assert erlang_c(0, 0.0) == 0.0


@pytest.mark.parametrize(("call", "field"), [
    (lambda: erlang_b(-1, 3.0), "agents"),
    (lambda: erlang_b(2.5, 3.0), "agents"),  # type: ignore[arg-type]
    (lambda: erlang_c(3, -1.0), "traffic_erlangs"),
    (lambda: perform(3, float("nan")), "volume"),
    (lambda: perform(3, 10.0, aht=0.0), "aht_seconds"),
    (lambda: perform(3, 10.0, interval=-1.0), "interval_seconds"),
    (lambda: perform(3, 10.0, answer=-5.0), "target_answer_seconds"),
    (lambda: perform(3, 10.0, patience=0.0), "patience_seconds"),
])
def test_bad_input_names_the_argument(call, field: str) -> None:
    with pytest.raises(StaffingError) as caught:
        call()
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


@given(agents=st.integers(1, 400), traffic=st.floats(0.01, 400.0))
def test_more_agents_never_serve_worse(agents: int, traffic: float) -> None:
    volume = traffic * HALF_HOUR / 180.0
    fewer, more = perform(agents, volume), perform(agents + 1, volume)
    assert more.service_level >= fewer.service_level
    assert more.wait_probability <= fewer.wait_probability
    assert more.asa_seconds <= fewer.asa_seconds
    assert 0.0 <= more.service_level <= 1.0
    assert 0.0 <= more.wait_probability <= 1.0


# --- Erlang A ---------------------------------------------------------------------------------


def exact_erlang_a(agents: int, traffic: float, *, aht: float, patience: float,
                   answer: float) -> dict[str, float]:
    """Erlang A straight from its Markov chains, with numpy: the stationary distribution of the
    number in system (truncated far out), then the tagged contact's own chain (customers ahead,
    answered, abandoned) over ``answer`` seconds by uniformisation."""
    np = pytest.importorskip("numpy")
    mu, theta, lam = 1 / aht, 1 / patience, traffic / aht
    top = agents + 400
    log_p = np.zeros(top + 1)
    for k in range(1, top + 1):
        death = min(k, agents) * mu + max(k - agents, 0) * theta
        log_p[k] = log_p[k - 1] + math.log(lam) - math.log(death)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    ahead = p[agents:top]  # an arrival finding j waiting ahead of it (PASTA)
    size = ahead.size
    advance = agents * mu + theta * np.arange(size)
    served_if = np.cumprod(advance / (advance + theta))  # P(answered | j ahead)
    answered_wait = served_if * np.cumsum(1 / (advance + theta))  # E[wait; answered | j]
    rate = float(advance.max() + theta)
    # uniformised chain on (j ahead ..., answered, abandoned)
    step = np.zeros((size + 2, size + 2))
    for j in range(size):
        step[j, j - 1 if j else size] += advance[j] / rate
        step[j, size + 1] += theta / rate
        step[j, j] = 1 - (advance[j] + theta) / rate
    step[size, size] = step[size + 1, size + 1] = 1.0
    state = np.concatenate([ahead, [0.0, 0.0]])
    mass, total, k = math.exp(-rate * answer), np.zeros(size + 2), 0
    while True:
        total += mass * state
        k += 1
        state = state @ step
        mass *= rate * answer / k
        if k > rate * answer and mass < 1e-18:
            break
    abandon = float((ahead * (1 - served_if)).sum())
    return {
        "wait_probability": float(ahead.sum()),
        "service_level": float(p[:agents].sum() + total[size]),
        "abandon_probability": abandon,
        "asa_seconds": float((ahead * answered_wait).sum()) / (1 - abandon),
        "occupancy": traffic * (1 - abandon) / agents,
    }


@pytest.mark.parametrize(("agents", "traffic", "aht", "patience", "answer"), [
    (14, 10.0, 180.0, 120.0, 20.0),    # the published example's queue with impatient callers
    (10, 10.0, 180.0, 60.0, 20.0),     # as many agents as Erlangs: only abandonment keeps it finite
    (5, 10.0, 180.0, 30.0, 10.0),      # heavily overloaded
    (20, 10.0, 180.0, 600.0, 30.0),    # patient callers, comfortable staffing
    (50, 100.0, 300.0, 90.0, 20.0),    # half the agents needed: half the callers leave
    (3, 0.8, 420.0, 45.0, 0.0),        # a small team, service level at 0 seconds
])
def test_erlang_a_matches_the_markov_chain(agents: int, traffic: float, aht: float,
                                           patience: float, answer: float) -> None:
    volume = traffic * HALF_HOUR / aht
    got = perform(agents, volume, aht=aht, answer=answer, patience=patience)
    expected = exact_erlang_a(agents, traffic, aht=aht, patience=patience, answer=answer)
    for name, value in expected.items():
        assert getattr(got, name) == pytest.approx(value, rel=1e-7, abs=1e-10), name


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = perform(14, 100.0)
    a = perform(14, 100.0, patience=1e9)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-5)
    assert a.wait_probability == pytest.approx(c.wait_probability, rel=1e-5)
    assert a.abandon_probability < 1e-7


@pytest.mark.parametrize("patience", [1e11, 1e12, 1e14, 1e16, 1e20, 1e308])
def test_erlang_a_with_a_patience_beyond_any_caller_is_erlang_c(patience: float) -> None:
    # Found by fuzzing the CLI: a patience of 1e308 s overflowed (an internal error), and from
    # about 1e14 s the series lost their digits (fewer agents than Erlang C for the same target).
    c = perform(107, 1000.0)
    a = perform(107, 1000.0, patience=patience)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-5)
    assert a.wait_probability == pytest.approx(c.wait_probability, rel=1e-5)
    assert a.abandon_probability < 1e-7


@pytest.mark.parametrize("patience", [1e11, 1e12, 1e14, 1e308])
def test_too_few_agents_and_a_patience_beyond_any_caller_lose_the_excess(patience: float) -> None:
    a = perform(90, 1000.0, patience=patience)  # 100 Erlangs
    assert a.abandon_probability == pytest.approx(0.1, abs=1e-6)
    assert a.service_level == pytest.approx(0.0, abs=1e-3)
    assert a.asa_seconds == pytest.approx(patience * math.log(100 / 90), rel=1e-3)


def test_erlang_a_tends_to_erlang_b_as_patience_vanishes() -> None:
    # Callers who will not wait: those who find every agent busy are lost at once.
    a = perform(14, 100.0, patience=1e-6)
    assert a.service_level == pytest.approx(1 - erlang_b(14, 10.0), abs=1e-8)
    assert a.abandon_probability == pytest.approx(erlang_b(14, 10.0), rel=1e-6)


def test_erlang_a_is_stable_for_large_traffic_and_long_patience() -> None:
    for agents, traffic, patience in [(4_000, 4_000.0, 600.0), (3_000, 4_000.0, 6_000.0),
                                      (10, 1_000.0, 1e5), (5_200, 5_000.0, 60.0)]:
        p = erlang_a_performance(agents, traffic=traffic, blocking=erlang_b(agents, traffic),
                                 aht_seconds=180.0, answer_seconds=20.0,
                                 patience_seconds=patience)
        values = (p.service_level, p.asa_seconds, p.occupancy, p.wait_probability,
                  p.abandon_probability)
        assert all(math.isfinite(v) for v in values), p
        assert all(-1e-9 <= v <= 1 + 1e-9 for v in values if v is not p.asa_seconds), p
        if agents < traffic:  # the fluid limit: the share abandoning is 1 - agents / traffic
            assert p.abandon_probability == pytest.approx(1 - agents / traffic, abs=1e-3)


def test_no_agents_with_impatient_callers_answer_nobody() -> None:
    p = perform(0, 10.0, patience=60.0)
    assert (p.service_level, p.abandon_probability, p.wait_probability) == (0.0, 1.0, 1.0)
    assert math.isinf(p.asa_seconds)


def test_erlang_c_building_block_agrees_with_queue_performance() -> None:
    p = erlang_c_performance(14, traffic=10.0, blocking=erlang_b(14, 10.0), aht_seconds=180.0,
                             answer_seconds=20.0)
    assert p == perform(14, 100.0)
