"""Hypothesis builders shared by the tests: calendars and acyclic plans by construction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from backplan.models import WEEKDAYS, Plan

START = dt.date(2026, 11, 2)


@st.composite
def calendars(draw: st.DrawFn) -> dict[str, Any]:
    """A calendar mapping: some working weekdays and holidays near :data:`START`."""
    workdays = draw(st.sets(st.sampled_from(WEEKDAYS), min_size=1, max_size=7))
    holidays = draw(st.sets(
        st.integers(0, 200).map(lambda d: (START + dt.timedelta(days=d)).isoformat()), max_size=12
    ))
    return {
        "workdays": sorted(workdays, key=WEEKDAYS.index),
        "holidays": sorted(holidays),
    }


@st.composite
def plan_dicts(draw: st.DrawFn, *, max_items: int = 12, wont: bool = True) -> dict[str, Any]:
    """A plan mapping whose dependencies are acyclic by construction.

    Items are drawn in a sequence; every ``after`` names an earlier item, and an action delivers
    only a later milestone whose own ``after`` items all come before the action.
    """
    n = draw(st.integers(1, max_items))
    kinds = draw(st.lists(st.sampled_from(["action", "action", "milestone"]), min_size=n, max_size=n))
    if "action" not in kinds:
        kinds[0] = "action"
    ids = [f"{kind[0]}{k}" for k, kind in enumerate(kinds)]
    due_offset = draw(st.integers(10, 160))
    due = START + dt.timedelta(days=due_offset)

    def some_date() -> str:
        return (START + dt.timedelta(days=draw(st.integers(-5, 170)))).isoformat()

    milestone_after: dict[int, list[int]] = {}
    items: list[dict[str, Any]] = []
    for k, kind in enumerate(kinds):
        earlier = list(range(k))
        after = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
        if kind == "milestone":
            milestone_after[k] = after
            item: dict[str, Any] = {"id": ids[k], "after": [ids[j] for j in after]}
            if draw(st.booleans()):
                item["due"] = some_date()
        else:
            item = {"id": ids[k], "duration": draw(st.integers(1, 8)),
                    "after": [ids[j] for j in after]}
            if after and draw(st.booleans()):
                item["lag"] = draw(st.integers(0, 4))
            priorities = ["must", "should", "could"] + (["wont"] if wont else [])
            item["priority"] = draw(st.sampled_from(priorities))
            if draw(st.integers(0, 4)) == 0:
                item["not_before"] = some_date()
            if draw(st.integers(0, 4)) == 0:
                item["not_after"] = some_date()
                if "not_before" in item and item["not_before"] > item["not_after"]:
                    item["not_before"], item["not_after"] = item["not_after"], item["not_before"]
        items.append(item)
    for k, kind in enumerate(kinds):
        if kind != "action":
            continue
        candidates = [m for m in range(k + 1, n) if kinds[m] == "milestone"
                      and all(j < k for j in milestone_after[m])]
        if candidates and draw(st.booleans()):
            items[k]["milestone"] = ids[draw(st.sampled_from(candidates))]
    return {
        "goal": {"id": "goal", "due": due.isoformat()},
        "calendar": draw(calendars()),
        "milestones": [item for item, kind in zip(items, kinds, strict=True) if kind == "milestone"],
        "actions": [item for item, kind in zip(items, kinds, strict=True) if kind == "action"],
    }


def plans(**kwargs: Any) -> st.SearchStrategy[Plan]:
    """Validated :class:`Plan` objects built from :func:`plan_dicts`."""
    return plan_dicts(**kwargs).map(Plan.model_validate)


todays = st.integers(-10, 60).map(lambda d: START + dt.timedelta(days=d))


@st.composite
def checkin_series(
    draw: st.DrawFn, *, low: float = 0.0, high: float = 100.0, start: dt.date = START,
    max_size: int = 12,
) -> list[dict[str, Any]]:
    """Check-in mappings of one key result: distinct dates after ``start`` in order, values in
    ``low..high``, some with a sample size ``n``."""
    offsets = draw(st.lists(st.integers(1, 150), unique=True, min_size=1, max_size=max_size))
    series = []
    for offset in sorted(offsets):
        item: dict[str, Any] = {
            "date": (start + dt.timedelta(days=offset)).isoformat(),
            "value": draw(st.floats(low, high, allow_nan=False, allow_infinity=False)),
        }
        if draw(st.booleans()):
            item["n"] = draw(st.integers(1, 5000))
        series.append(item)
    return series


@st.composite
def people_plan_dicts(
    draw: st.DrawFn, *, unlimited: bool = False, odd_hours: bool = False
) -> dict[str, Any]:
    """A plan mapping from :func:`plan_dicts` with people booked on its actions (issue 3).

    Some actions become effort-sized (hours or pomodoros); the others keep their duration and
    may book people too. With ``unlimited=True`` nobody's hours ever bind: everyone has 24 hours
    a day, no days off, and every booking names a small ``hours_per_day``. With
    ``odd_hours=True`` people's hours and efforts take awkward values (7.33 h, 0.01 h, ...),
    whose common divisor is a few seconds.
    """
    plan = draw(plan_dicts(max_items=10, wont=False))
    workdays = plan["calendar"]["workdays"]
    people = []
    for k in range(draw(st.integers(1, 3))):
        person: dict[str, Any] = {"id": f"p{k}", "hours_per_day": 24 if unlimited else draw(
            st.sampled_from([1, 1.5, 2, 3, 7.5] + ([7.33, 2.71, 0.35] if odd_hours else [])))}
        if not unlimited and draw(st.booleans()):
            person["workdays"] = draw(st.lists(st.sampled_from(workdays), min_size=1,
                                               unique=True).map(sorted))
        if not unlimited and draw(st.booleans()):
            first = START + dt.timedelta(days=draw(st.integers(0, 120)))
            last = first + dt.timedelta(days=draw(st.integers(0, 12)))
            person["time_off"] = [f"{first.isoformat()}..{last.isoformat()}"]
        people.append(person)
    plan["people"] = people
    full_time = [p for p in people if "workdays" not in p and "time_off" not in p]
    for action in plan["actions"]:
        kind = draw(st.sampled_from(["effort", "fixed", "none"]))
        if kind == "effort":
            del action["duration"]
            who = draw(st.lists(st.sampled_from(people), min_size=1, max_size=2,
                                unique_by=lambda p: p["id"]))
            action["effort"] = draw(st.one_of(
                st.integers(1, 24), st.builds(lambda n: {"pomodoros": n}, st.integers(1, 40)),
                *([st.sampled_from([0.01, 3.33, 11.07])] if odd_hours else [])))
            action["assignees"] = [
                {"person": p["id"], "hours_per_day": min(0.5, p["hours_per_day"])}
                if unlimited or draw(st.booleans())
                else p["id"] for p in who
            ]
        elif kind == "fixed" and full_time:
            # Only full-time people without days off: a part-timer may never have the same
            # hours on enough consecutive days.
            who = draw(st.lists(st.sampled_from(full_time), min_size=1, max_size=2,
                                unique_by=lambda p: p["id"]))
            action["assignees"] = [
                {"person": p["id"], "hours_per_day": 0.5 if unlimited else min(
                    p["hours_per_day"], draw(st.sampled_from([0.5, 1, 1.5])))} for p in who
            ]
    return plan


@st.composite
def queue_inputs(draw: st.DrawFn, *, patience: bool | None = False) -> dict[str, Any]:
    """Keyword arguments of :func:`backplan.required_staffing` for one interval: a contact
    centre from a handful of contacts to a few hundred agents (``patience=None``: with or without
    Erlang A's patience; ``True``: always).
    """
    kwargs: dict[str, Any] = {
        "volume": draw(st.floats(0.0, 2_000.0, allow_nan=False).map(lambda v: round(v, 1))),
        "interval_seconds": draw(st.sampled_from([900.0, 1800.0, 3600.0])),
        "aht_seconds": draw(st.floats(30.0, 900.0).map(lambda v: round(v, 1))),
        "target_service_level": draw(st.sampled_from([0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99])),
        "target_answer_seconds": draw(st.sampled_from([0.0, 10.0, 15.0, 20.0, 30.0, 60.0])),
        "shrinkage": draw(st.sampled_from([0.0, 0.15, 0.3, 0.35, 0.5, 0.8, 0.9])),
        "max_occupancy": draw(st.sampled_from([None, None, 0.8, 0.85, 0.9, 1.0])),
    }
    with_patience = draw(st.booleans()) if patience is None else patience
    if with_patience:
        kwargs["patience_seconds"] = draw(st.floats(5.0, 1_200.0).map(lambda v: round(v, 1)))
    return kwargs


@st.composite
def queue_sections(draw: st.DrawFn, *, people: tuple[str, ...] = ()) -> dict[str, Any]:
    """A plan's ``queue:`` mapping: a few intervals a day by weekday, a fixed AHT, a target,
    shrinkage and a roster per interval (often short of what the queue needs, often beyond),
    with ``people`` as its people."""
    intervals = draw(st.integers(1, 6))
    volumes = st.lists(st.floats(0.0, 150.0, allow_nan=False).map(lambda v: round(v, 1)),
                       min_size=intervals, max_size=intervals)
    rosters = st.lists(st.integers(0, 40), min_size=intervals, max_size=intervals)
    days = draw(st.lists(st.sampled_from(WEEKDAYS[:5]), min_size=1, max_size=5, unique=True))
    return {
        "interval": draw(st.sampled_from(["15m", "30m", "1h"])),
        "volume": {day: draw(volumes) for day in days},
        "aht": draw(st.floats(60.0, 600.0).map(lambda v: round(v, 1))),
        "target": draw(st.sampled_from(["80/20", "90/30", "70/60", "95/10"])),
        "shrinkage": draw(st.sampled_from([0.0, 0.2, 0.3, 0.35])),
        "max_occupancy": draw(st.sampled_from([None, 0.85, 0.9])),
        "rostered": {day: draw(rosters) for day in days},
        "people": list(people),
    }


@st.composite
def portfolio_parts(draw: st.DrawFn) -> dict[str, Any]:
    """A portfolio in parts (issue 17): ``plans`` (plan mappings, each booking some of the
    shared ``people`` without defining them, goal ``g<k>`` under objective ``o``, some with a
    ``priority``) and ``people`` (one to three shared people, no part-time workdays so that
    every plan's calendar can book them)."""
    people = []
    for k in range(draw(st.integers(1, 3))):
        person: dict[str, Any] = {"id": f"s{k}",
                                  "hours_per_day": draw(st.sampled_from([1, 2, 3]))}
        if draw(st.booleans()):
            first = START + dt.timedelta(days=draw(st.integers(0, 60)))
            last = first + dt.timedelta(days=draw(st.integers(0, 10)))
            person["time_off"] = [f"{first.isoformat()}..{last.isoformat()}"]
        people.append(person)
    plans = []
    for j in range(draw(st.integers(2, 4))):
        plan = draw(plan_dicts(max_items=6, wont=False))
        plan["goal"]["id"] = f"g{j}"
        plan["goal"]["parent"] = "o"
        if draw(st.booleans()):
            plan["priority"] = draw(st.integers(0, 3))
        for action in plan["actions"]:
            if draw(st.booleans()):
                del action["duration"]
                who = draw(st.lists(st.sampled_from(people), min_size=1, max_size=2,
                                    unique_by=lambda p: p["id"]))
                action["effort"] = draw(st.integers(1, 16))
                action["assignees"] = [p["id"] for p in who]
        plans.append(plan)
    return {"plans": plans, "people": people}
