"""The staffing search: the published example, the fewest agents, the roster, and bad input."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import backplan
from backplan.staffing import (
    MAX_AGENTS,
    StaffingError,
    erlang_b,
    queue_performance,
    required_staffing,
    rostered_agents,
)
from backplan.staffing.erlang import erlang_a_performance
from helpers import assert_staffing_is_fewest
from strategies import queue_inputs

EXAMPLE: dict[str, Any] = {
    "interval_seconds": 1800, "aht_seconds": 180, "target_service_level": 0.8,
    "target_answer_seconds": 20, "shrinkage": 0.3, "max_occupancy": 0.85,
}


def test_the_published_example_is_reproduced() -> None:
    s = backplan.required_staffing(100, **EXAMPLE)
    assert s.traffic_erlangs == 10.0
    assert s.agents == 14
    assert round(s.service_level, 4) == 0.8884
    assert round(s.asa_seconds, 2) == 7.84
    assert round(s.occupancy, 3) == 0.714
    assert round(s.wait_probability, 4) == 0.1741
    assert s.rostered == 20  # 14 / 0.7 is 20.000000000000004 in floating point
    assert s.abandon_probability == 0.0
    assert s.model == "erlang-c"
    assert_staffing_is_fewest(s)


def test_thirteen_agents_miss_the_published_target() -> None:
    thirteen = queue_performance(13, volume=100, interval_seconds=1800, aht_seconds=180,
                                 target_answer_seconds=20)
    assert round(thirteen.service_level, 4) == 0.7956 < 0.8


def test_the_result_prints_and_serialises() -> None:
    s = required_staffing(100, **EXAMPLE)
    text = str(s)
    for figure in ("10.00 Erlangs", "agents on queue  14", "rostered         20", "0.8884",
                   "7.84 s", "0.714", "0.1741", "max occupancy 0.85", "shrinkage 30%"):
        assert figure in text
    data = json.loads(s.to_json())
    assert data["model"] == "erlang-c"
    assert data["agents"] == 14
    assert data["patience_seconds"] is None


@pytest.mark.parametrize(("agents", "shrinkage", "rostered"), [
    (14, 0.3, 20), (1, 0.8, 5), (2, 0.9, 20), (7, 0.3, 10), (15, 0.3, 22), (0, 0.5, 0),
    (10, 0.0, 10), (3, 0.35, 5), (100, 0.99, 10_000),
])
def test_rostered_rounds_up_without_floating_point_surprises(
        agents: int, shrinkage: float, rostered: int) -> None:
    assert rostered_agents(agents, shrinkage=shrinkage) == rostered


@given(agents=st.integers(0, 5_000), percent=st.integers(0, 99), tenths=st.integers(0, 9))
def test_rostered_is_the_fewest_that_covers_the_queue(agents: int, percent: int, tenths: int) -> None:
    shrinkage = float(f"0.{percent:02d}{tenths}")
    on_queue = 1 - Fraction(f"0.{percent:02d}{tenths}")
    rostered = rostered_agents(agents, shrinkage=shrinkage)
    assert rostered == math.ceil(agents / on_queue)


def test_an_occupancy_cap_can_decide_the_answer() -> None:
    # 100 Erlangs reach 80/20 with about 108 agents; keeping occupancy at 85% takes 118.
    free = required_staffing(2_000, interval_seconds=1800, aht_seconds=90,
                             target_service_level=0.8, target_answer_seconds=20)
    capped = required_staffing(2_000, interval_seconds=1800, aht_seconds=90,
                               target_service_level=0.8, target_answer_seconds=20,
                               max_occupancy=0.85)
    assert free.traffic_erlangs == 100.0
    assert free.agents < capped.agents == math.ceil(100 / 0.85) == 118
    assert capped.occupancy <= 0.85 < 100 / 117
    assert_staffing_is_fewest(capped)


def test_an_occupancy_cap_of_exactly_the_occupancy_is_met() -> None:
    # 8.5 Erlangs on 10 agents is exactly 85 %: allowed, not rounded up to 11.
    s = required_staffing(85, interval_seconds=1800, aht_seconds=180, target_service_level=0.5,
                          target_answer_seconds=20, max_occupancy=0.85)
    assert (s.agents, s.occupancy) == (10, 0.85)


def test_no_contacts_need_nobody() -> None:
    s = required_staffing(0, **EXAMPLE)
    assert (s.agents, s.rostered, s.service_level, s.asa_seconds, s.occupancy) == (0, 0, 1, 0, 0)
    assert s.wait_probability == 0.0


def test_large_traffic_needs_about_the_square_root_staffing() -> None:
    # Halfin-Whitt: agents ~ A + beta sqrt(A); thousands of agents, no overflow.
    s = required_staffing(100_000, interval_seconds=1800, aht_seconds=180,
                          target_service_level=0.8, target_answer_seconds=20)
    assert s.traffic_erlangs == 10_000.0
    assert 10_000 < s.agents < 10_000 + 3 * math.sqrt(10_000)
    assert_staffing_is_fewest(s)


def test_traffic_beyond_any_sensible_staffing_is_refused() -> None:
    with pytest.raises(StaffingError, match=r"more than 100,000 agents") as caught:
        required_staffing(1e9, **EXAMPLE)
    assert caught.value.field == "volume"
    assert "check the units" in caught.value.hint
    assert MAX_AGENTS == 100_000


@pytest.mark.parametrize(("aht", "shown"), [
    (1e308, "the traffic (volume x AHT / interval) is too large to compute"),  # found by fuzzing
    (1e20, "a traffic of 5.56e+18 Erlangs"),  # 100 x 1e20 s / 1800 s
])
def test_traffic_too_large_to_write_out_is_refused_in_a_short_line(aht: float, shown: str) -> None:
    with pytest.raises(StaffingError) as caught:
        required_staffing(100, **{**EXAMPLE, "aht_seconds": aht})
    assert caught.value.field == "volume"
    assert shown in str(caught.value)
    assert len(str(caught.value)) < 250


@pytest.mark.parametrize(("change", "field"), [
    ({"volume": -1}, "volume"),
    ({"volume": math.inf}, "volume"),
    ({"interval_seconds": 0}, "interval_seconds"),
    ({"aht_seconds": -180}, "aht_seconds"),
    ({"aht_seconds": math.nan}, "aht_seconds"),
    ({"target_service_level": 1.0}, "target_service_level"),
    ({"target_service_level": 0.0}, "target_service_level"),
    ({"target_service_level": 80}, "target_service_level"),
    ({"target_answer_seconds": -1}, "target_answer_seconds"),
    ({"shrinkage": 1.0}, "shrinkage"),
    ({"shrinkage": -0.1}, "shrinkage"),
    ({"max_occupancy": 0.0}, "max_occupancy"),
    ({"max_occupancy": 1.2}, "max_occupancy"),
    ({"patience_seconds": -3}, "patience_seconds"),
    ({"patience_seconds": math.inf}, "patience_seconds"),
])
def test_bad_input_is_a_staffing_error_naming_the_argument(
        change: dict[str, Any], field: str) -> None:
    kwargs = {"volume": 100, **EXAMPLE, **change}
    with pytest.raises(StaffingError) as caught:
        required_staffing(**kwargs)
    assert caught.value.field == field
    assert isinstance(caught.value, backplan.BackplanError)


# --- Erlang A: where it changes the answer --------------------------------------------------


def test_impatient_callers_need_fewer_agents_than_erlang_c_says() -> None:
    c = required_staffing(100, **EXAMPLE)
    a = required_staffing(100, **EXAMPLE, patience_seconds=90)
    assert a.model == "erlang-a"
    assert a.agents < c.agents
    assert a.abandon_probability > 0.01
    assert_staffing_is_fewest(a)


def test_very_impatient_callers_need_more_agents_than_erlang_c_says() -> None:
    # Callers who leave after 10 s on average: to answer 95 % within 2 minutes, few may wait at
    # all, while Erlang C's patient callers would nearly all be answered within 2 minutes.
    kwargs = {**EXAMPLE, "shrinkage": 0.0, "max_occupancy": None, "target_service_level": 0.95,
              "target_answer_seconds": 120}
    c = required_staffing(100, **kwargs)
    a = required_staffing(100, **kwargs, patience_seconds=10)
    assert (c.agents, a.agents) == (13, 14)
    assert_staffing_is_fewest(a)


def walk_every_count(kwargs: dict[str, Any]) -> int:
    """The definition itself: try 0, 1, 2 ... agents until one meets target and cap."""
    traffic = kwargs["volume"] * kwargs["aht_seconds"] / kwargs["interval_seconds"]
    blocking = 1.0
    for agents in range(MAX_AGENTS):
        if agents:
            blocking = traffic * blocking / (agents + traffic * blocking)
        if traffic == 0:
            return 0
        p = erlang_a_performance(agents, traffic=traffic, blocking=blocking,
                                 aht_seconds=kwargs["aht_seconds"],
                                 answer_seconds=kwargs["target_answer_seconds"],
                                 patience_seconds=kwargs["patience_seconds"], asa=False)
        cap = kwargs["max_occupancy"]
        if p.service_level >= kwargs["target_service_level"] and (cap is None or p.occupancy <= cap):
            return agents
    raise AssertionError("no staffing found")


@given(queue_inputs(patience=True))
def test_erlang_a_search_finds_what_walking_every_count_finds(kwargs: dict[str, Any]) -> None:
    assume(kwargs["volume"] * kwargs["aht_seconds"] / kwargs["interval_seconds"] < 150)
    assert required_staffing(**kwargs).agents == walk_every_count(kwargs)


# --- properties -------------------------------------------------------------------------------


@given(queue_inputs(patience=None))
def test_staffing_is_the_fewest_meeting_the_target(kwargs: dict[str, Any]) -> None:
    s = required_staffing(**kwargs)
    assert s.service_level >= s.target_service_level
    assert s.max_occupancy is None or s.occupancy <= s.max_occupancy
    assert s.rostered >= s.agents
    if s.patience_seconds is None and s.volume > 0:
        assert s.agents > s.traffic_erlangs
    assert_staffing_is_fewest(s)


@given(queue_inputs(patience=None), st.floats(1.0, 1.5))
def test_more_volume_or_longer_handling_never_needs_fewer_agents(
        kwargs: dict[str, Any], factor: float) -> None:
    base = required_staffing(**kwargs)
    more_volume = required_staffing(**{**kwargs, "volume": kwargs["volume"] * factor})
    longer = required_staffing(**{**kwargs, "aht_seconds": kwargs["aht_seconds"] * factor})
    assert more_volume.agents >= base.agents
    assert longer.agents >= base.agents
    assert more_volume.rostered >= base.rostered
    assert longer.rostered >= base.rostered


@given(queue_inputs(patience=None), st.floats(0.0, 0.2))
def test_a_stricter_target_never_needs_fewer_agents(kwargs: dict[str, Any], more: float) -> None:
    stricter = {**kwargs, "target_service_level": min(0.995, kwargs["target_service_level"] + more)}
    assert required_staffing(**stricter).agents >= required_staffing(**kwargs).agents


@given(st.integers(1, 300), st.floats(0.1, 300.0), st.floats(5.0, 1_200.0),
       st.sampled_from([0.0, 20.0, 60.0]))
def test_erlang_a_service_level_rises_with_every_agent(
        agents: int, traffic: float, patience: float, answer: float) -> None:
    def at(n: int):
        return erlang_a_performance(n, traffic=traffic, blocking=erlang_b(n, traffic),
                                    aht_seconds=180.0, answer_seconds=answer,
                                    patience_seconds=patience)

    fewer, more = at(agents), at(agents + 1)
    assert more.service_level >= fewer.service_level - 1e-9
    assert more.occupancy <= fewer.occupancy + 1e-9
    assert more.abandon_probability <= fewer.abandon_probability + 1e-9
