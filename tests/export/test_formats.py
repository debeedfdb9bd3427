"""DataFrames, Mermaid, iCalendar and MS Project XML carry the schedule's dates exactly."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from backplan import (
    Plan,
    Schedule,
    load_plan,
    schedule_plan,
    to_dataframe,
    to_ical,
    to_mermaid,
    to_mspdi,
)
from backplan.export.ical import event_uid

NS = {"p": "http://schemas.microsoft.com/project"}
ONE_DAY = dt.timedelta(days=1)


def small() -> tuple[Plan, Schedule]:
    plan = load_plan({
        "goal": {"id": "g", "title": "Goal: with; odd # chars", "due": "2027-01-29"},
        "calendar": {"holidays": ["2027-01-20"]},
        "milestones": [{"id": "m", "title": "Ready", "due": "2027-01-22"}],
        "actions": [
            {"id": "a", "title": "First", "duration": 2, "milestone": "m"},
            {"id": "b", "title": "Second", "duration": 3, "after": ["a"], "lag": 1},
            {"id": "w", "duration": 1, "priority": "wont"},
        ],
    })
    return plan, schedule_plan(plan, today=dt.date(2027, 1, 11))


# --- DataFrames -----------------------------------------------------------------------------
def test_dataframe_actions_have_ids_as_index_and_datetime_columns(example: tuple[Plan, Schedule]) -> None:
    _, schedule = example
    frame = to_dataframe(schedule)
    assert list(frame.index) == [a.id for a in schedule.actions]
    for column in ("start", "finish", "earliest_start", "earliest_finish"):
        assert frame[column].dtype.kind == "M"
    for action in schedule.actions:
        row = frame.loc[action.id]
        assert row["start"].date() == action.start
        assert row["finish"].date() == action.finish
        assert row["slack"] == action.slack
        assert bool(row["late"]) == (action.slack < 0)


def test_dataframe_flags_and_milestones(aht: tuple[Plan, Schedule]) -> None:
    _, schedule = aht
    flags = to_dataframe(schedule, table="flags")
    assert list(flags.index) == [f.subject for f in schedule.flags]
    assert flags.loc["aht-decomposition", "shortfall_days"] == 4
    assert flags["shortfall_days"].dtype.name == "Int64"  # nullable: warnings have none
    milestones = to_dataframe(schedule.milestones)
    assert milestones.loc["aht-at-target", "due"].date() == dt.date(2027, 4, 30)
    assert milestones["due"].dtype.kind == "M"


def test_dataframe_of_a_feasible_schedule_has_an_empty_flags_frame_with_columns() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"}, "actions": [{"id": "a", "duration": 1}]})
    frame = to_dataframe(schedule_plan(plan, today=dt.date(2027, 1, 4)), table="flags")
    assert frame.empty
    assert "code" in frame.columns
    assert frame.index.name == "subject"
    with pytest.raises(ValueError, match="empty sequence"):
        to_dataframe(())
    with pytest.raises(TypeError, match="got int"):
        to_dataframe(3)


def test_dataframe_of_glide_paths_and_tracking(example: tuple[Plan, Schedule]) -> None:
    from backplan import glide_paths, track_progress

    plan, schedule = example
    paths = glide_paths(plan, schedule)
    frame = to_dataframe(paths)
    assert frame.index.names == ["key_result", "date"]
    first = paths.paths[0]
    assert len(frame.loc[first.key_result]) == len(first.dates)
    kr = plan.goal.key_results[0]
    report = track_progress(plan, [{"key_result": kr.id, "date": "2026-12-01", "value": kr.baseline}],
                            today=dt.date(2026, 12, 10))
    tracked = to_dataframe(report)
    assert tracked.loc[(kr.id, "2026-12-01"), "value"] == kr.baseline


# --- Mermaid --------------------------------------------------------------------------------
def test_mermaid_by_hand() -> None:
    _, schedule = small()
    assert to_mermaid(schedule).splitlines() == [
        "gantt",
        "    title Goal#58; with#59; odd #35; chars",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %d %b",
        "    todayMarker off",
        "    section Ready",
        "    First :crit, a1, 2027-01-21, 2027-01-23",
        "    Ready :milestone, m1, 2027-01-22, 0d",
        "    section Other actions",
        "    Second :a2, 2027-01-27, 2027-01-30",
    ]


def test_mermaid_bars_end_the_day_after_finish(example: tuple[Plan, Schedule]) -> None:
    _, schedule = example
    bars = re.findall(r"^    (\S+) :(?:crit, )?a\d+, (\S+), (\S+)$",
                      to_mermaid(schedule, label="id"), flags=re.MULTILINE)
    assert len(bars) == len(schedule.actions)
    ends = {name: end for name, _, end in bars}
    for action in schedule.actions:
        assert ends[action.id] == (action.finish + ONE_DAY).isoformat()


# --- iCalendar ------------------------------------------------------------------------------
def test_ical_events_are_all_day_with_exclusive_end_and_stable_uids(example: tuple[Plan, Schedule]) -> None:
    import icalendar

    plan, schedule = example
    calendar = icalendar.Calendar.from_ical(to_ical(schedule))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == len(schedule.actions) + len(schedule.milestones) + 1
    for action in schedule.actions:
        event = events[event_uid(schedule.goal, action.id)]
        assert event.decoded("dtstart") == action.start
        assert event.decoded("dtend") == action.finish + ONE_DAY
        assert type(event.decoded("dtstart")) is dt.date  # all-day
    # Re-planning on a later day keeps every UID, so calendars update rather than duplicate.
    later = schedule_plan(plan, today=schedule.today + dt.timedelta(days=7))
    again = icalendar.Calendar.from_ical(to_ical(later))
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)
    assert all(int(e["sequence"]) > int(events[str(e["uid"])]["sequence"]) for e in again.walk("VEVENT"))


def test_ical_is_byte_for_byte_reproducible_and_earliest_dates_work() -> None:
    import icalendar

    _, schedule = small()
    assert to_ical(schedule) == to_ical(schedule)
    calendar = icalendar.Calendar.from_ical(to_ical(schedule, dates="earliest"))
    event = next(e for e in calendar.walk("VEVENT") if str(e["uid"]) == event_uid("g", "a"))
    assert event.decoded("dtstart") == schedule.action("a").earliest_start


# --- MS Project XML -------------------------------------------------------------------------
def _tasks(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    return {t.findtext("p:Name", namespaces=NS) or "": t for t in root.iterfind("p:Tasks/p:Task", NS)}


def test_mspdi_by_hand() -> None:
    plan, schedule = small()
    root = ET.fromstring(to_mspdi(plan, schedule))
    assert root.findtext("p:ScheduleFromStart", namespaces=NS) == "0"
    assert root.findtext("p:FinishDate", namespaces=NS) == "2027-01-29T17:00:00"
    holidays = [e.findtext("p:TimePeriod/p:FromDate", namespaces=NS)
                for e in root.iterfind("p:Calendars/p:Calendar/p:Exceptions/p:Exception", NS)]
    assert "2027-01-20T00:00:00" in holidays
    tasks = _tasks(to_mspdi(plan, schedule))
    assert "w" not in tasks  # wont actions are left out
    second = tasks["Second"]
    link = second.find("p:PredecessorLink", NS)
    assert link is not None
    assert link.findtext("p:PredecessorUID", namespaces=NS) == tasks["First"].findtext("p:UID", namespaces=NS)
    assert link.findtext("p:LinkLag", namespaces=NS) == str(1 * 4800)  # one working day
    ready = next(t for name, t in tasks.items() if name == "Ready" and t.findtext("p:Milestone", namespaces=NS) == "1")
    assert ready.findtext("p:Deadline", namespaces=NS) == "2027-01-22T17:00:00"
    assert ready.findtext("p:Duration", namespaces=NS) == "PT0H0M0S"


def test_mspdi_dates_equal_the_schedule(example: tuple[Plan, Schedule]) -> None:
    plan, schedule = example
    tasks = _tasks(to_mspdi(plan, schedule))
    for action in schedule.actions:
        task = tasks[action.title or action.id]
        assert task.findtext("p:Start", namespaces=NS) == f"{action.start}T08:00:00"
        assert task.findtext("p:Finish", namespaces=NS) == f"{action.finish}T17:00:00"
        assert task.findtext("p:Duration", namespaces=NS) == f"PT{8 * action.duration_days}H0M0S"
        assert task.findtext("p:ConstraintType", namespaces=NS) == "1"  # as late as possible
