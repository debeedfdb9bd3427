"""Many intervals at once: the same answers as one interval at a time, in arrays."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.staffing import StaffingError, interval_staffing, required_staffing
from strategies import queue_inputs

np = pytest.importorskip("numpy")

TARGET: dict[str, Any] = {"target_service_level": 0.8, "target_answer_seconds": 20.0}


def assert_same_as_one_at_a_time(result: Any, kwargs: dict[str, Any]) -> None:
    for index in np.ndindex(result.shape):
        one = required_staffing(float(result.volume[index]), **{
            **kwargs, "aht_seconds": float(result.aht_seconds[index])})
        assert result.agents[index] == one.agents, index
        assert result.rostered[index] == one.rostered, index
        got = result.at(*index)
        for name in ("traffic_erlangs", "service_level", "asa_seconds", "occupancy",
                     "wait_probability", "abandon_probability"):
            assert getattr(got, name) == pytest.approx(getattr(one, name), rel=1e-12, abs=1e-15)


def test_a_year_of_days_matches_one_interval_at_a_time() -> None:
    rng = np.random.default_rng(7)
    volume = rng.uniform(0, 120, size=(20, 24)).round(1)
    volume[3, :] = 0.0  # a closed day
    aht = rng.uniform(150, 420, size=(20, 1)).round()  # one AHT per day: a glide path
    kwargs = {"interval_seconds": 900.0, **TARGET, "shrinkage": 0.3, "max_occupancy": 0.85}
    result = interval_staffing(volume, aht_seconds=aht, **kwargs)
    assert result.shape == (20, 24)
    assert result.model == "erlang-c"
    assert result.agents.dtype == np.int64
    assert (result.agents[3] == 0).all()
    assert_same_as_one_at_a_time(result, dict(kwargs.items()))


@given(st.lists(queue_inputs(patience=None), min_size=1, max_size=1),
       st.lists(st.floats(0, 400).map(lambda v: round(v, 1)), min_size=1, max_size=12))
def test_any_inputs_match_one_interval_at_a_time(
        base: list[dict[str, Any]], volumes: list[float]) -> None:
    kwargs = dict(base[0])
    del kwargs["volume"]
    aht = kwargs.pop("aht_seconds")
    result = interval_staffing(volumes, aht_seconds=aht, **kwargs)
    assert result.model == ("erlang-c" if "patience_seconds" not in kwargs else "erlang-a")
    assert_same_as_one_at_a_time(result, {**kwargs, "aht_seconds": aht})


def test_erlang_a_intervals_match_one_at_a_time() -> None:
    volume = np.array([[0.0, 35.5, 100.0], [100.0, 80.0, 240.0]])
    kwargs = {"interval_seconds": 1800.0, **TARGET, "patience_seconds": 90.0}
    result = interval_staffing(volume, aht_seconds=180.0, **kwargs)
    assert result.model == "erlang-a"
    assert (result.abandon_probability[volume > 0] > 0).all()
    assert_same_as_one_at_a_time(result, kwargs)


def test_hours_per_day_and_repeated_intervals() -> None:
    day = [100.0] * 4 + [0.0] * 4
    result = interval_staffing([day, day], interval_seconds=1800, aht_seconds=180, **TARGET,
                               shrinkage=0.3)
    assert result.queue_hours().sum(axis=1).tolist() == [28.0, 28.0]  # 4 x 14 agents x 0.5 h
    assert result.rostered_hours().sum(axis=1).tolist() == [40.0, 40.0]  # 4 x 20 x 0.5 h
    assert "shape=(2, 8)" in repr(result)


def test_results_are_read_only() -> None:
    result = interval_staffing([100, 120], interval_seconds=1800, aht_seconds=180, **TARGET)
    with pytest.raises(ValueError, match="read-only"):
        result.agents[0] = 1


def test_an_empty_array_gives_empty_results() -> None:
    result = interval_staffing(np.zeros((0, 96)), interval_seconds=900, aht_seconds=300, **TARGET)
    assert result.shape == (0, 96)
    assert result.agents.size == 0


@pytest.mark.parametrize(("volume", "aht", "field", "where"), [
    ([[10, 20], [30, -1]], 180, "volume", "[1, 1]"),
    ([10, float("nan")], 180, "volume", "index 1"),
    ([10, 20], [180, 0], "aht_seconds", "index 1"),
    ([10, 20, 30], [180, 200], "aht_seconds", "cannot be matched"),
    ([1e9], 180, "volume", "100,000 agents"),
    ([100], 1e308, "volume", "too large to compute"),  # volume x AHT overflows to infinity
])
def test_bad_intervals_are_named_by_index(volume: Any, aht: Any, field: str, where: str) -> None:
    with pytest.raises(StaffingError) as caught:
        interval_staffing(volume, interval_seconds=1800, aht_seconds=aht, **TARGET)
    assert caught.value.field == field
    assert where in str(caught.value)


def test_scalar_inputs_are_checked_like_one_interval() -> None:
    with pytest.raises(StaffingError, match="shrinkage"):
        interval_staffing([10], interval_seconds=1800, aht_seconds=180, **TARGET, shrinkage=1.0)
