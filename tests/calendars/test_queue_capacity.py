"""The project hours a queue spares, hand-checked, and how its people share them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan import load_plan
from backplan.calendars import QueueCapacity, WorkingCalendar, plan_calendar
from backplan.calendars.queue import shares
from backplan.models import Plan
from backplan.models.changes import apply_changes
from strategies import queue_sections

MONDAY = dt.date(2027, 1, 4)
WEEK = [MONDAY + dt.timedelta(days=k) for k in range(5)]


def queue_plan(queue: dict[str, Any], people: list[dict[str, Any]] | None = None) -> Plan:
    people = people if people is not None else [
        {"id": "ana", "hours_per_day": 8}, {"id": "ben", "hours_per_day": 8},
        {"id": "cy", "hours_per_day": 2}]
    return load_plan({"goal": {"id": "g", "due": "2027-03-31"}, "people": people,
                      "queue": {"people": [p["id"] for p in people], **queue}})


# The published example: 100 contacts in 30 minutes at 3:00, 80/20, shrinkage 0.3 and a maximum
# occupancy of 0.85 need 14 agents on the queue and 20 rostered.
PUBLISHED = {"interval": "30m", "aht": 180, "target": "80/20", "shrinkage": 0.3,
             "max_occupancy": 0.85}


def test_spare_hours_are_rostered_minus_required_per_interval_hand_checked() -> None:
    # Eight half-hours of 100 contacts, 24 agents rostered: 4 spare agents x 0.5 h x 8 = 16 h.
    plan = queue_plan({**PUBLISHED, "volume": [100] * 8, "rostered": 24})
    day = QueueCapacity(plan, WorkingCalendar()).day(MONDAY)
    assert day.agents == (14,) * 8
    assert day.required_agents == (20,) * 8
    assert day.spare_seconds == 16 * 3600
    # Shared evenly, each capped by hours_per_day: cy takes 2 h, ana and ben 7 h each.
    assert dict(day.shares) == {"ana": 7 * 3600, "ben": 7 * 3600, "cy": 2 * 3600}


def test_an_interval_short_of_agents_takes_nothing_from_the_others() -> None:
    # 100 contacts need 20 rostered, 200 need 34 (checked with required_staffing below): with 22
    # rostered the first interval spares 2 agents, the second is 12 short, not -10 overall.
    from backplan import required_staffing

    need = required_staffing(200, interval_seconds=1800, aht_seconds=180, target_service_level=0.8,
                             target_answer_seconds=20, shrinkage=0.3, max_occupancy=0.85)
    plan = queue_plan({**PUBLISHED, "volume": [100, 200], "rostered": 22})
    day = QueueCapacity(plan, WorkingCalendar()).day(MONDAY)
    assert day.required_agents == (20, need.rostered)
    assert day.spare_hours == 1.0
    assert day.short_hours == (need.rostered - 22) * 0.5


def test_weekdays_dates_profiles_and_closed_days() -> None:
    plan = queue_plan({**PUBLISHED,
                       "volume": {"mon": 200, "tue": [100, 100], "2027-01-05": [], "wed": [0]},
                       "profile": [1, 1], "rostered": {"mon": 24, "tue": [20, 21], "wed": 3}})
    capacity = QueueCapacity(plan, WorkingCalendar())
    monday, tuesday, wednesday, thursday = capacity.days(WEEK[:4])
    assert monday.contacts == (100.0, 100.0)
    assert monday.spare_hours == 4.0
    assert not tuesday.open
    assert tuesday.spare_seconds == 0
    assert wednesday.contacts == (0.0,)
    assert wednesday.spare_hours == 1.5
    assert not thursday.open
    assert capacity.days([MONDAY + dt.timedelta(days=7)])[0].rostered == (24.0, 24.0)
    assert capacity.day(dt.date(2027, 1, 9)).spare_seconds == 0  # Saturday: not a working day


def test_people_off_leave_their_share_to_the_others() -> None:
    people = [{"id": "ana", "hours_per_day": 8},
              {"id": "ben", "hours_per_day": 8, "workdays": ["mon"]},
              {"id": "cy", "hours_per_day": 8, "time_off": ["2027-01-04"]}]
    plan = queue_plan({**PUBLISHED, "volume": [100] * 6, "rostered": 24}, people)
    monday, tuesday = QueueCapacity(plan, WorkingCalendar()).days(WEEK[:2])
    assert dict(monday.shares) == {"ana": 6 * 3600, "ben": 6 * 3600}
    assert dict(tuesday.shares) == {"ana": 6 * 3600, "cy": 6 * 3600}


def test_adjust_changes_apply_in_order_over_their_dates() -> None:
    plan = queue_plan({**PUBLISHED, "volume": [100], "rostered": 20, "adjust": [
        {"add_agents": 3, "from": "2027-01-05"},
        {"volume": "-50%", "from": "2027-01-06", "to": "2027-01-06"},
        {"aht": "2:00", "from": "2027-01-07"},
        {"aht": "+50%", "from": "2027-01-08"}]})
    days = QueueCapacity(plan, WorkingCalendar()).days(WEEK)
    assert [d.rostered for d in days] == [(20.0,), (23.0,), (23.0,), (23.0,), (23.0,)]
    assert [d.contacts for d in days] == [(100.0,), (100.0,), (50.0,), (100.0,), (100.0,)]
    assert [d.aht_seconds for d in days] == [180, 180, 180, 120, 180]
    # Rostered needed (required_staffing): 100 at 3:00 -> 20; 50 at 3:00 -> 12; 100 at 2:00 -> 15.
    assert [d.required_agents for d in days] == [(20,), (20,), (12,), (15,), (20,)]
    assert [d.spare_hours for d in days] == [0.0, 1.5, 5.5, 4.0, 1.5]


def test_a_key_result_aht_needs_the_aht_of_each_day() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        {"id": "aht", "metric": "aht", "baseline": "3:00", "target": "2:30"}]},
        "queue": {**PUBLISHED, "volume": [100], "rostered": 20, "aht": {"key_result": "aht"}}})
    with pytest.raises(ValueError, match="pass its AHT per day"):
        QueueCapacity(plan, WorkingCalendar())
    falling = QueueCapacity(plan, WorkingCalendar(),
                            aht=lambda day: 180.0 if day < dt.date(2027, 1, 6) else 150.0)
    # 100 contacts at 2:30 need 18 rostered (required_staffing): 2 of the 20 spare.
    assert [d.spare_hours for d in falling.days(WEEK[:3])] == [0.0, 0.0, 1.0]


def test_an_aht_that_falls_to_nothing_is_a_plan_problem() -> None:
    from backplan import PlanValidationError

    plan = queue_plan({**PUBLISHED, "volume": [100], "rostered": 20})
    with pytest.raises(PlanValidationError, match="the AHT on 2027-01-04 would be -5 seconds"):
        QueueCapacity(plan, WorkingCalendar(), aht=lambda day: -5.0).day(MONDAY)


def test_shares_split_evenly_with_caps() -> None:
    assert shares(36000, [7200, 28800, 28800]) == [7200, 14400, 14400]
    assert shares(100, []) == []
    assert shares(7, [100, 100]) == [3, 4]  # whole seconds; the rounding goes to the last


@given(st.integers(0, 10**6), st.lists(st.integers(0, 86400), max_size=8))
def test_shares_never_exceed_the_total_or_a_cap(total: int, caps: list[int]) -> None:
    given_out = shares(total, caps)
    assert sum(given_out) <= total
    assert all(0 <= got <= cap for got, cap in zip(given_out, caps, strict=True))
    # Evenly: nobody below their cap gets less than anyone else (up to rounding).
    uncapped = [got for got, cap in zip(given_out, caps, strict=True) if got < cap]
    if uncapped:
        assert max(given_out) - min(uncapped) <= 1
        assert total - sum(given_out) < len(caps)  # only rounding stays on the queue


@given(queue_sections(people=("ana", "ben")), st.floats(1.0, 3.0))
def test_more_volume_never_gives_more_project_hours(queue: dict[str, Any], factor: float) -> None:
    people = [{"id": "ana", "hours_per_day": 8}, {"id": "ben", "hours_per_day": 3}]
    plan = queue_plan(queue, people)
    busier = apply_changes(plan, [{"volume": f"+{round((factor - 1) * 100, 1)}%"}])
    calendar = plan_calendar(plan, today=MONDAY)
    before = QueueCapacity(plan, calendar).days(WEEK)
    after = QueueCapacity(busier, calendar).days(WEEK)
    for one, two in zip(before, after, strict=True):
        assert one.spare_seconds >= 0
        assert two.spare_seconds >= 0
        assert two.spare_seconds <= one.spare_seconds
        assert sum(s for _, s in one.shares) <= one.spare_seconds
        assert all(s <= (8 if p == "ana" else 3) * 3600 for p, s in one.shares)


@given(queue_sections(people=("ana",)), st.integers(1, 5), st.floats(1.0, 1.5))
def test_more_agents_never_less_and_longer_calls_never_more(
        queue: dict[str, Any], agents: int, longer: float) -> None:
    plan = queue_plan(queue, [{"id": "ana", "hours_per_day": 24}])
    calendar = plan_calendar(plan, today=MONDAY)
    base = QueueCapacity(plan, calendar).days(WEEK)
    more = QueueCapacity(apply_changes(plan, [{"add_agents": agents}]), calendar).days(WEEK)
    slower = QueueCapacity(plan, calendar, aht=lambda day: queue["aht"] * longer).days(WEEK)
    for one, two, three in zip(base, more, slower, strict=True):
        assert two.spare_seconds >= one.spare_seconds
        assert three.spare_seconds <= one.spare_seconds
        if one.open:  # the one agent takes all of it, up to 24 hours
            assert dict(one.shares)["ana"] == min(one.spare_seconds, 86400)


def test_queue_days_as_json() -> None:
    plan = queue_plan({**PUBLISHED, "volume": [100] * 8, "rostered": 24})
    data = QueueCapacity(plan, WorkingCalendar()).day(MONDAY).to_dict()
    assert data == {"day": "2027-01-04", "aht_seconds": 180.0, "contacts": 800.0, "intervals": 8,
                    "queue_hours": 56.0, "required_hours": 80.0, "rostered_hours": 96.0,
                    "spare_hours": 16.0, "short_hours": 0.0,
                    "shares": {"ana": 7.0, "ben": 7.0, "cy": 2.0}}
