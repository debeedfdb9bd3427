"""Glide paths: hand-checked steps, ramps, straight lines and interim targets; the two flags;
and invariants over generated plans."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan import glide_paths, load_plan, schedule_plan
from backplan.analysis.glide import GlidePaths, ramp_fraction
from backplan.calendars import WorkingCalendar
from backplan.models import Plan
from strategies import plan_dicts

D = dt.date
TODAY = D(2027, 1, 4)  # a Monday


def plan_with(
    actions: list[dict[str, Any]],
    *,
    milestones: list[dict[str, Any]] | None = None,
    kr: dict[str, Any] | None = None,
    due: str = "2027-01-29",
) -> Plan:
    key_result = {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 78,
                  "baseline_date": "2027-01-01"}
    key_result.update(kr or {})
    return load_plan({
        "goal": {"id": "g", "due": due, "key_results": [key_result]},
        "milestones": milestones or [],
        "actions": actions,
    })


def paths_of(plan: Plan, today: dt.date = TODAY) -> GlidePaths:
    return glide_paths(plan, schedule_plan(plan, today=today))


TWO_STEPS = [
    {"id": "a", "duration": 5, "impact": {"fcr": 4.0}},
    {"id": "b", "duration": 5, "after": ["a"], "impact": {"fcr": 3.0}, "ramp": 5},
]


# --------------------------------------------------------------------------------------------
# Hand-checked paths


def test_steps_and_ramps_follow_both_schedules() -> None:
    # Latest: a Jan 18-22, b Jan 25-29. Earliest: a Jan 4-8, b Jan 11-15.
    path = paths_of(plan_with(TWO_STEPS)).path("fcr")
    assert path.source == "impact"
    assert path.start == D(2027, 1, 1)
    assert path.dates[0] == D(2027, 1, 1)
    assert path.dates[-1] == D(2027, 1, 29)
    assert len(path.dates) == 29
    latest = {day: path.value_on(day) for day in path.dates}
    assert latest[D(2027, 1, 21)] == 71.0
    assert latest[D(2027, 1, 22)] == 75.0  # counts from the end of the finish day
    assert latest[D(2027, 1, 28)] == 75.0
    assert latest[D(2027, 1, 29)] == pytest.approx(75.6)  # first fifth of the ramp
    earliest = [path.value_on(D(2027, 1, d), schedule="earliest") for d in range(7, 22)]
    assert earliest == pytest.approx([
        71.0, 75.0, 75.0, 75.0,  # Thu 7, Fri 8 (a done), Sat, Sun
        75.0, 75.0, 75.0, 75.0, 75.6,  # Mon 11 .. Fri 15 (b done: 1/5)
        75.6, 75.6, 76.2, 76.8, 77.4, 78.0,  # Sat, Sun, Mon 18 .. Thu 21 (5/5)
    ])
    assert path.planned_change == 7.0
    assert path.needed_change == 7.0
    assert path.shortfall == 0.0
    assert [(e.action, e.change, e.ramp_days, e.latest_finish, e.earliest_finish)
            for e in path.effects] == [
        ("a", 4.0, 0, D(2027, 1, 22), D(2027, 1, 8)),
        ("b", 3.0, 5, D(2027, 1, 29), D(2027, 1, 15)),
    ]


def test_no_flags_when_effects_add_up_and_show_in_time() -> None:
    assert paths_of(plan_with(TWO_STEPS)).flags == ()


def test_straight_line_in_working_days_when_no_action_has_an_effect() -> None:
    plan = plan_with([{"id": "a", "duration": 3}],
                     kr={"metric": "aht", "baseline": 420, "target": 360})
    path = paths_of(plan).path("fcr")
    assert path.source == "linear"
    assert path.planned_change is None
    # 20 working days from Fri Jan 1 to Fri Jan 29: 3 s per working day.
    assert path.value_on(D(2027, 1, 1)) == 420.0
    assert path.value_on(D(2027, 1, 15)) == 390.0
    assert path.value_on(D(2027, 1, 16)) == 390.0  # Saturday keeps Friday's value
    assert path.value_on(D(2027, 1, 17)) == 390.0
    assert path.value_on(D(2027, 1, 18)) == 387.0
    assert path.value_on(D(2027, 1, 29)) == 360.0
    assert path.value_on(D(2026, 12, 1)) == 420.0  # before the start: the baseline
    assert path.value_on(D(2027, 6, 1)) == 360.0  # after the due date: the due date's value
    assert path.latest == path.earliest


def test_straight_line_keeps_still_over_a_blackout() -> None:
    # 15 working days from Fri Jan 1 to Fri Jan 29 once Jan 11-15 is blacked out: 1 point a day.
    plan = plan_with([], kr={"target": 86})
    plan = plan.model_copy(update={"calendar": plan.calendar.model_validate(
        {"blackouts": ["2027-01-11..2027-01-15"]})})
    path = paths_of(plan).path("fcr")
    assert [path.value_on(D(2027, 1, d)) for d in (8, 11, 15, 18, 29)] == [
        76.0, 76.0, 76.0, 77.0, 86.0]


def test_straight_line_passes_through_interim_targets() -> None:
    plan = plan_with(
        [{"id": "a", "duration": 3, "milestone": "m"}],
        milestones=[{"id": "m", "due": "2027-01-08", "expect": {"fcr": 69}}],
        kr={"metric": "aht", "baseline": 420, "target": 360},
    )
    # the interim target of 'fcr' (an AHT key result here) at 400 s
    plan = plan.model_copy(update={"milestones": (
        plan.milestones[0].model_copy(update={"expect": {"fcr": 400.0}}),)})
    path = paths_of(plan).path("fcr")
    assert path.value_on(D(2027, 1, 8)) == 400.0  # 5 working days in
    assert path.value_on(D(2027, 1, 6)) == 408.0
    assert path.value_on(D(2027, 1, 15)) == pytest.approx(400 - 40 * 5 / 15)
    assert [(t.milestone, t.expect, t.reachable) for t in path.interim] == [("m", 400.0, True)]


def test_interim_target_without_due_uses_the_scheduled_dates() -> None:
    plan = plan_with(
        [{"id": "a", "duration": 10, "milestone": "m"}],
        milestones=[{"id": "m", "expect": {"fcr": 75}}],
    )
    path = paths_of(plan).path("fcr")
    # m is reached on Fri Jan 29 (latest) and Fri Jan 15 (earliest)
    assert path.value_on(D(2027, 1, 15), schedule="earliest") == 75.0
    assert path.value_on(D(2027, 1, 29), schedule="earliest") == 78.0
    assert path.value_on(D(2027, 1, 29)) == 78.0
    # latest: m falls on the due date itself, where the target rules
    assert path.value_on(D(2027, 1, 15)) == pytest.approx(71 + 7 * 10 / 20)


def test_decreasing_metric_with_negative_effects() -> None:
    plan = plan_with(
        [{"id": "templates", "duration": 5, "impact": {"aht": -40}},
         {"id": "coaching", "duration": 5, "after": ["templates"], "impact": {"aht": -20}}],
        kr={"id": "aht", "metric": "aht", "baseline": "7:00", "target": "6:00"},
    )
    paths = paths_of(plan)
    path = paths.path("aht")
    assert path.value_on(D(2027, 1, 22)) == 380.0
    assert path.value_on(D(2027, 1, 29)) == 360.0
    assert paths.flags == ()


def test_wont_actions_bring_nothing() -> None:
    plan = plan_with([
        {"id": "a", "duration": 5, "impact": {"fcr": 4.0}},
        {"id": "b", "duration": 5, "impact": {"fcr": 3.0}, "priority": "wont"},
    ])
    paths = paths_of(plan)
    assert paths.path("fcr").planned_change == 4.0
    assert [f.code for f in paths.flags] == ["impact-short"]


def test_effects_before_the_baseline_date_are_in_the_baseline() -> None:
    plan = plan_with(TWO_STEPS, kr={"baseline_date": "2027-01-12"})
    path = paths_of(plan).path("fcr")
    # On the earliest schedule a (+4) is done by Jan 8, before the baseline date: not added.
    assert path.value_on(D(2027, 1, 12), schedule="earliest") == 71.0
    assert path.value_on(D(2027, 1, 21), schedule="earliest") == 74.0
    # On the latest schedule both still come.
    assert path.value_on(D(2027, 1, 22)) == 75.0


# --------------------------------------------------------------------------------------------
# Flags


def test_impact_short_says_by_how_much() -> None:
    plan = plan_with([{"id": "a", "duration": 5, "impact": {"fcr": 4.0}},
                      {"id": "b", "duration": 5, "impact": {"fcr": 1.5}}])
    paths = paths_of(plan)
    (flag,) = paths.flags
    assert (flag.code, flag.severity, flag.subject) == ("impact-short", "warning", "fcr")
    assert "+5.5 of the +7 needed" in flag.message
    assert "1.5 percentage points short" in flag.message
    assert paths.path("fcr").shortfall == pytest.approx(1.5)
    assert [fix.kind for fix in flag.fixes] == ["add-impact", "move-target"]
    assert "76.5" in flag.fixes[1].description


def test_impact_short_for_a_decreasing_metric() -> None:
    plan = plan_with([{"id": "a", "duration": 5, "impact": {"aht": -45}}],
                     kr={"id": "aht", "metric": "aht", "baseline": 420, "target": 360})
    (flag,) = paths_of(plan).flags
    assert flag.code == "impact-short"
    assert "-45 of the -60 needed" in flag.message
    assert "15 seconds short" in flag.message


def test_impact_short_when_ramps_do_not_finish_by_the_due_date() -> None:
    # The effects add up, but b ramps over 20 working days and finishes late: at best
    # (earliest) b finishes Jan 15 and shows 11/20 of +3 by Jan 29.
    plan = plan_with([TWO_STEPS[0], {**TWO_STEPS[1], "ramp": 20}])
    paths = paths_of(plan)
    (flag,) = paths.flags
    assert flag.code == "impact-short"
    assert "add up to +7, but even on the earliest schedule only +5.65 shows" in flag.message
    assert paths.path("fcr").shortfall == pytest.approx(1.35)


def test_interim_unreachable_when_actions_by_then_cannot_deliver() -> None:
    plan = plan_with(
        [*TWO_STEPS[:1], {**TWO_STEPS[1], "milestone": "m"}],
        milestones=[{"id": "m", "due": "2027-01-12", "expect": {"fcr": 76}}],
    )
    paths = paths_of(plan)
    (flag,) = paths.flags
    assert (flag.code, flag.severity, flag.subject) == ("interim-unreachable", "warning", "m")
    assert "expects fcr at 76 by 2027-01-12" in flag.message
    assert "at best 75: 1 percentage points short" in flag.message
    (target,) = paths.path("fcr").interim
    assert (target.reachable, target.earliest, target.shortfall) == (False, 75.0, 1.0)


def test_interim_target_reachable_raises_nothing() -> None:
    plan = plan_with(
        TWO_STEPS, milestones=[{"id": "m", "due": "2027-01-12", "expect": {"fcr": 75}}])
    paths = paths_of(plan)
    assert paths.flags == ()
    assert paths.path("fcr").interim[0].reachable


def test_results_are_json_ready_and_printable() -> None:
    paths = paths_of(plan_with(TWO_STEPS[:1]))
    data = json.loads(json.dumps(paths.to_dict()))
    assert data["paths"][0]["points"][0] == {"date": "2027-01-01", "latest": 71.0,
                                             "earliest": 71.0}
    assert data["flags"][0]["code"] == "impact-short"
    assert "fcr (fcr): 71 -> 78 %" in str(paths)
    assert "<table>" in paths._repr_html_()
    with pytest.raises(KeyError, match="'nope'"):
        paths.path("nope")


# --------------------------------------------------------------------------------------------
# Invariants over generated plans


@st.composite
def plans_with_effects(draw: st.DrawFn) -> tuple[Plan, dt.date]:
    data = draw(plan_dicts(max_items=8))
    data["calendar"] = {}
    ramp_free = draw(st.booleans())
    for action in data["actions"]:
        action.pop("not_after", None)
        if draw(st.booleans()):
            action["impact"] = {"kr": draw(st.floats(0.5, 5.0).map(lambda x: round(x, 2)))}
            if not ramp_free:
                action["ramp"] = draw(st.integers(0, 8))
    data["goal"]["key_results"] = [{"id": "kr", "metric": "fcr", "baseline": 50, "target": 60,
                                    "baseline_date": "2026-10-30"}]
    today = dt.date(2026, 11, 2) + dt.timedelta(days=draw(st.integers(0, 20)))
    return Plan.model_validate(data), today


@given(plans_with_effects())
def test_path_invariants(case: tuple[Plan, dt.date]) -> None:
    plan, today = case
    schedule = schedule_plan(plan, today=today)
    paths = glide_paths(plan, schedule)
    path = paths.path("kr")
    calendar = WorkingCalendar.from_model(plan.calendar)
    assert path.dates[0] == path.start == dt.date(2026, 10, 30)
    assert path.dates[-1] == plan.goal.due
    assert all((b - a).days == 1 for a, b in zip(path.dates, path.dates[1:], strict=False))
    assert path.latest[0] == path.earliest[0] == 50.0
    for k, day in enumerate(path.dates[1:], start=1):
        if not calendar.is_working_day(day):
            assert path.latest[k] == path.latest[k - 1]
            assert path.earliest[k] == path.earliest[k - 1]
    total = sum(a.impact.get("kr", 0.0) for a in plan.actions if a.priority != "wont")
    # Effects only add (all positive) and a straight line rises: the paths never fall, and
    # never pass the planned total (or the target on a straight line).
    ceiling = 50.0 + total if path.source == "impact" else 60.0
    for values in (path.latest, path.earliest):
        assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
        assert values[-1] <= ceiling + 1e-9
    if path.source == "impact":
        assert path.planned_change == pytest.approx(total)
        short = "impact-short" in [f.code for f in paths.flags]
        assert short == (path.shortfall > 0)
        assert path.shortfall == pytest.approx(max(0.0, 60.0 - path.earliest[-1]))
    if schedule.feasible:
        # Earlier finishes deliver at least as much on every date.
        assert all(e >= la - 1e-9 for e, la in zip(path.earliest, path.latest, strict=True))
        if all(a.ramp <= 1 for a in plan.actions):
            assert path.latest[-1] == pytest.approx(50.0 + total if path.source == "impact"
                                                    else 60.0)


def test_ramp_fraction_is_a_share_that_grows() -> None:
    for ramp in range(0, 6):
        shares = [ramp_fraction(day, 10, ramp) for day in range(5, 20)]
        assert all(0.0 <= s <= 1.0 for s in shares)
        assert shares == sorted(shares)
        assert ramp_fraction(10 + max(ramp, 1) - 1, 10, ramp) == 1.0
        assert ramp_fraction(9, 10, ramp) == 0.0
