"""Pomodoro time-boxing: the 25/5/long-break rules, what does not fit, iCalendar, accuracy."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backplan import (
    Plan,
    TimeBox,
    UnknownPersonError,
    estimation_accuracy,
    load_plan,
    record_pomodoros,
    time_box,
)
from backplan.cli import main

D = dt.date
MONDAY = D(2027, 1, 25)


def plan_with(actions: list[dict[str, Any]], *, hours: float = 4, due: str = "2027-01-29",
              **person: Any) -> Plan:
    return load_plan({
        "goal": {"id": "g", "due": due},
        "people": [{"id": "ana", "name": "Ana", "hours_per_day": hours, **person},
                   {"id": "bo", "name": "Bo", "hours_per_day": 3}],
        "actions": actions,
    })


def task(action_id: str, pomodoros: int, **extra: Any) -> dict[str, Any]:
    return {"id": action_id, "effort": {"pomodoros": pomodoros}, "assignees": ["ana"],
            "not_after": "2027-01-25", **extra}


def assert_follows_the_rules(box: TimeBox) -> None:
    """Slots are back to back inside the available time; breaks between pomodoros only."""
    end = box.start + dt.timedelta(minutes=box.available_minutes)
    slots = box.slots
    for slot in slots:
        assert box.start <= slot.start < slot.end <= end
    for before, after in itertools.pairwise(slots):
        assert before.end == after.start
        assert (before.kind == "pomodoro") != (after.kind == "pomodoro"), "breaks alternate"
    if slots:
        assert slots[0].kind == slots[-1].kind == "pomodoro"
    pomodoros = [s for s in slots if s.kind == "pomodoro"]
    assert [p.number for p in pomodoros] == list(range(1, len(pomodoros) + 1))
    for slot in slots:
        if slot.kind == "pomodoro":
            assert slot.minutes == 25
    for k, slot in enumerate(slots):
        if slot.kind != "pomodoro":
            after_number = slots[k - 1].number
            if after_number % 4 == 0:
                assert (slot.kind, slot.minutes) == ("long-break", box.long_break_minutes)
                assert 15 <= slot.minutes <= 30
            else:
                assert (slot.kind, slot.minutes) == ("short-break", 5)
    assert box.used_minutes <= box.available_minutes
    # Never split, and nothing left out that would have fitted.
    for item in box.items:
        assert item.planned + item.not_fitting == item.due_today
    if box.not_fitting:
        last = slots[-1].end if slots else box.start
        pause = 0 if not pomodoros else (
            box.long_break_minutes if len(pomodoros) % 4 == 0 else 5)
        assert last + dt.timedelta(minutes=pause + 25) > end


def test_four_pomodoros_then_a_long_break() -> None:
    plan = plan_with([task("kb", 8)], hours=5)
    box = time_box(plan, person="ana", date=MONDAY, long_break_minutes=20)
    assert [(s.kind, s.start.strftime("%H:%M"), s.minutes) for s in box.slots] == [
        ("pomodoro", "09:00", 25), ("short-break", "09:25", 5),
        ("pomodoro", "09:30", 25), ("short-break", "09:55", 5),
        ("pomodoro", "10:00", 25), ("short-break", "10:25", 5),
        ("pomodoro", "10:30", 25), ("long-break", "10:55", 20),
        ("pomodoro", "11:15", 25), ("short-break", "11:40", 5),
        ("pomodoro", "11:45", 25), ("short-break", "12:10", 5),
        ("pomodoro", "12:15", 25), ("short-break", "12:40", 5),
        ("pomodoro", "12:45", 25),
    ]
    assert (box.pomodoros, box.used_minutes, box.not_fitting) == (8, 250, 0)
    assert_follows_the_rules(box)


def test_what_does_not_fit_is_shown_and_never_split() -> None:
    # 2 h: 4 pomodoros and 3 breaks take 115 minutes; a fifth needs 15 + 25 more.
    plan = plan_with([task("kb", 6)], hours=2)
    box = time_box(plan, person="ana", date=MONDAY)
    item = box.items[0]
    assert (item.due_today, item.planned, item.not_fitting) == (6, 4, 2)
    assert box.used_minutes == 115
    assert "does not fit: 2 pomodoros of kb" in str(box)
    assert_follows_the_rules(box)


def test_critical_first_then_earliest_deadline() -> None:
    plan = plan_with([
        task("later", 2, not_after="2027-01-27"),
        task("sooner", 2, not_after="2027-01-26"),
        task("late", 2, not_after="2027-01-22"),      # cannot be met: critical
        {"id": "bos", "effort": {"pomodoros": 2}, "assignees": ["bo"], "not_after": "2027-01-25"},
    ], hours=8)
    box = time_box(plan, person="ana", date=D(2027, 1, 26))
    # 'later' (one day's work, due Wednesday) need not start before Wednesday: not due yet;
    # 'bos' is Bo's.
    assert [(i.action, i.critical) for i in box.items] == [("late", True), ("sooner", False)]
    assert [s.action for s in box.slots if s.kind == "pomodoro"] == ["late"] * 2 + ["sooner"] * 2


def test_remaining_work_is_spread_over_the_days_left() -> None:
    # 9 pomodoros, 3 done, due by Wednesday: 6 left over Mon-Wed = 2 today.
    plan = plan_with([task("kb", 9, not_after="2027-01-27", actual_pomodoros=3)], hours=1.5)
    box = time_box(plan, person="ana", date=MONDAY)
    item = box.items[0]
    assert (item.estimate, item.done, item.due_today) == (9, 3, 2)
    assert item.split is True
    assert box.split == ("kb",)
    assert "split kb: estimated at 9 pomodoros (more than 7)" in str(box)


def test_effort_in_hours_and_shared_between_assignees() -> None:
    plan = plan_with([{"id": "kb", "effort": {"hours": 5}, "assignees": ["ana", "bo"],
                       "not_after": "2027-01-25"}], hours=8)
    # 5 hours = 12 pomodoros (rounded up), half each.
    box = time_box(plan, person="ana", date=MONDAY)
    assert (box.items[0].estimate, box.items[0].due_today) == (6, 6)


def test_days_off_have_no_time() -> None:
    plan = plan_with([task("kb", 4)], time_off=["2027-01-25"])
    box = time_box(plan, person="ana", date=MONDAY)
    assert (box.available_minutes, box.slots, box.not_fitting) == (0, (), 4)
    weekend = time_box(plan, person="ana", date=D(2027, 1, 23))
    assert weekend.available_minutes == 0


def test_owners_and_unknown_people() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-01-25"}, "actions": [
        {"id": "a", "duration": 1, "owner": "Jo Hart"}]})
    with pytest.raises(UnknownPersonError, match="not among the plan's people"):
        time_box(plan, person="Jo Hart", date=MONDAY)
    box = time_box(plan, person="Jo Hart", date=MONDAY, available_minutes=60)
    assert box.unsized == ("a",)
    assert box.slots == ()
    with pytest.raises(UnknownPersonError, match="known: Jo Hart"):
        time_box(plan, person="Jo", date=MONDAY, available_minutes=60)
    with pytest.raises(ValueError, match="15 to 30"):
        time_box(plan, person="Jo Hart", date=MONDAY, available_minutes=60,
                 long_break_minutes=10)


def test_done_and_future_work_are_not_due() -> None:
    plan = plan_with([
        task("done", 2, status="done", actual_start="2027-01-18", actual_finish="2027-01-22"),
        task("next-week", 2, not_after="2027-02-05"),
        task("now", 2),
    ])
    assert [i.action for i in time_box(plan, person="ana", date=MONDAY).items] == ["now"]


@settings(max_examples=60)
@given(
    efforts=st.lists(st.integers(1, 12), min_size=1, max_size=5),
    deadlines=st.lists(st.integers(0, 4), min_size=5, max_size=5),
    minutes=st.integers(0, 600),
    long_break=st.integers(15, 30),
    start=st.times(max_value=dt.time(12, 0)),
)
def test_time_box_keeps_the_rules(efforts: list[int], deadlines: list[int], minutes: int,
                                  long_break: int, start: dt.time) -> None:
    actions = [task(f"a{k}", n, not_after=(MONDAY + dt.timedelta(days=deadlines[k])).isoformat())
               for k, n in enumerate(efforts)]
    plan = plan_with(actions, hours=8)
    box = time_box(plan, person="ana", date=MONDAY, available_minutes=minutes,
                   long_break_minutes=long_break, start=start.replace(microsecond=0))
    assert_follows_the_rules(box)
    assert box.pomodoros == sum(item.planned for item in box.items)
    # Pomodoros follow the order of the items: each item's pomodoros in one run.
    order = [s.action for s in box.slots if s.kind == "pomodoro"]
    assert order == [i.action for i in box.items for _ in range(i.planned)]


def test_ical_export_has_stable_uids() -> None:
    icalendar = pytest.importorskip("icalendar")
    plan = plan_with([task("kb", 5, title="Rewrite KB")], hours=3)
    box = time_box(plan, person="ana", date=MONDAY)
    calendar = icalendar.Calendar.from_ical(box.to_ical())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == len(box.slots) == 9
    assert str(events[0]["summary"]) == "Pomodoro 1: Rewrite KB"
    assert events[0].decoded("dtstart") == dt.datetime(2027, 1, 25, 9, 0)
    assert str(events[7]["summary"]) == "Long break"
    assert box.to_ical() == time_box(plan, person="ana", date=MONDAY).to_ical()
    assert str(events[0]["uid"]) == "2027-01-25-ana-1@backplan"


def test_estimation_accuracy_per_person_and_kind() -> None:
    done = {"status": "done", "actual_start": "2027-01-04", "actual_finish": "2027-01-08"}
    plan = plan_with([
        task("a", 4, kind="analysis", actual_pomodoros=6, **done),
        task("b", 8, kind="analysis", actual_pomodoros=8, **done),
        {"id": "c", "effort": {"pomodoros": 10}, "assignees": ["ana", "bo"], "kind": "coaching",
         "actual_pomodoros": 5, **done},
        task("open", 4, kind="analysis", actual_pomodoros=9),         # not done: left out
        task("unrecorded", 4, kind="analysis", **done),               # no actuals: left out
    ])
    accuracy = estimation_accuracy(plan)
    assert [a.action for a in accuracy.actions] == ["a", "b", "c"]
    rows = {r.group: r for r in accuracy.by_person}
    assert (rows["ana"].actions, rows["ana"].estimated, rows["ana"].actual) == (3, 22, 19)
    assert (rows["bo"].estimated, rows["bo"].actual, rows["bo"].ratio) == (10, 5, 0.5)
    kinds = {r.group: r for r in accuracy.by_kind}
    assert (kinds["analysis"].ratio, kinds["analysis"].mean_abs_error) == (1.1667, 0.25)
    assert kinds["coaching"].ratio == 0.5
    assert "by kind:" in str(accuracy)


def test_record_pomodoros_returns_a_new_plan() -> None:
    plan = plan_with([task("kb", 5)])
    recorded = record_pomodoros(plan, "kb", 2)
    assert (recorded.actions[0].actual_pomodoros, plan.actions[0].actual_pomodoros) == (2, None)
    with pytest.raises(KeyError, match="'nope'"):
        record_pomodoros(plan, "nope", 1)
    with pytest.raises(ValueError, match="at least 1"):
        record_pomodoros(plan, "kb", 0)


def test_cli_today(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "goal: {id: g, due: 2027-01-29}\n"
        "people: [{id: ana, name: Ana, hours_per_day: 1}]\n"
        "actions:\n"
        "  - {id: kb, title: Rewrite KB, effort: {pomodoros: 3}, assignees: [ana],"
        " not_after: 2027-01-25}\n", encoding="utf-8")
    args = ["today", str(path), "--person", "ana", "--date", "2027-01-25"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Ana on 2027-01-25: 2 pomodoros in 55 of 60 available minutes"
    assert "does not fit: 1 pomodoro of kb" in out
    assert main([*args, "--format", "json", "--start", "13:30"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["slots"][0]["start"] == "2027-01-25T13:30:00"
    assert data["not_fitting"] == 1
    pytest.importorskip("icalendar")
    ics = tmp_path / "today.ics"
    assert main([*args, "--format", "ics", "-o", str(ics)]) == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert main(["today", str(path), "--person", "zed", "--date", "2027-01-25"]) == 2
    assert "'zed' is not a person of the plan" in capsys.readouterr().err
