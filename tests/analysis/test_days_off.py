"""Days without project work say why: the day's time-box, the huddle, ``day_off`` itself."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import backplan
from backplan.calendars.days_off import day_off
from backplan.cli import main

D = dt.date
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLAN = """\
goal: {id: g, title: Faster answers, due: 2027-02-26}
calendar:
  holidays: [2027-01-01]
  blackouts: [{start: 2027-02-08, end: 2027-02-12, reason: peak week}]
  rules: [every first Monday]
people:
  - {id: qa, name: Priya Shah, hours_per_day: 2,
     time_off: [{start: 2027-01-18, end: 2027-01-22, reason: annual leave}]}
  - {id: lou, name: Lou Martin, hours_per_day: 1.5, workdays: [mon, tue, wed]}
actions:
  - {id: review, title: Review calls, effort: {hours: 20}, assignees: [qa], owner: Priya Shah}
  - {id: rota, title: New rota, duration: 3, owner: Sam, status: in_progress,
     actual_start: 2027-01-13}
  - {id: brief, title: Brief agents, duration: 2, after: [rota], assignees: [lou]}
"""


@pytest.fixture
def plan() -> backplan.Plan:
    return backplan.loads_plan(PLAN)


@pytest.mark.parametrize(("day", "person", "kind", "reason"), [
    (D(2027, 1, 16), None, "non-working-day", "Saturday"),
    (D(2027, 1, 1), None, "holiday", ""),
    (D(2027, 2, 9), None, "blackout", "peak week"),
    (D(2027, 2, 1), None, "day-off", "every first Monday"),
    (D(2027, 1, 19), "qa", "time-off", "annual leave"),
    (D(2027, 1, 14), "lou", "part-time", "Thursday"),
    (D(2027, 1, 1), "qa", "holiday", ""),  # a holiday is a holiday, also for someone on leave
])
def test_day_off_says_why(plan: backplan.Plan, day: dt.date, person: str | None, kind: str,
                          reason: str) -> None:
    off = day_off(plan, day, person=person)
    assert off is not None
    assert (off.kind, off.reason) == (kind, reason)
    assert day.isoformat() in str(off)


def test_a_working_day_is_not_off(plan: backplan.Plan) -> None:
    assert day_off(plan, D(2027, 1, 13)) is None
    assert day_off(plan, D(2027, 1, 13), person="qa") is None
    assert day_off(plan, D(2027, 1, 19)) is None  # qa's leave is not a day off for everyone


def test_country_holidays_have_their_names() -> None:
    pytest.importorskip("holidays")
    capacity = backplan.load_plan(EXAMPLES / "capacity.yaml")
    off = day_off(capacity, D(2026, 12, 25), person="qa-analyst")
    assert off is not None
    assert (off.kind, off.reason) == ("holiday", "Christmas Day")


# --- backplan today ------------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "person", "words"), [
    (D(2027, 1, 19), "qa", "leave (annual leave)"),
    (D(2027, 1, 1), "qa", "a holiday"),
    (D(2027, 1, 16), "qa", "not a working day (Saturday)"),
    (D(2027, 2, 10), "qa", "a blackout (peak week)"),
    (D(2027, 1, 14), "lou", "not one of their working days (Thursday)"),
])
def test_today_on_a_day_off_says_what_kind_of_day_it_is(
    plan: backplan.Plan, day: dt.date, person: str, words: str
) -> None:
    box = backplan.time_box(plan, person=person, date=day)
    assert box.available_minutes == 0
    assert not box.slots
    assert box.day_off is not None
    first = str(box).splitlines()[0]
    assert words in first
    assert "0 of 0" not in first
    assert box.to_dict()["day_off"]["kind"] == box.day_off.kind


def test_today_on_a_working_day_has_no_day_off(plan: backplan.Plan) -> None:
    box = backplan.time_box(plan, person="qa", date=D(2027, 2, 17))
    assert box.day_off is None
    assert box.slots
    assert box.to_dict()["day_off"] is None


def test_today_with_minutes_on_a_day_off_lays_out_the_time_and_notes_the_day(
    plan: backplan.Plan
) -> None:
    box = backplan.time_box(plan, person="qa", date=D(2027, 2, 20), available_minutes=60)
    assert box.slots
    assert "note: Sat 2027-02-20 is not a working day (Saturday)" in str(box)


def test_cli_today_on_leave(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["today", str(EXAMPLES / "capacity.yaml"), "--person", "qa-analyst",
                 "--date", "2027-01-18"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Priya Shah on 2027-01-18: leave (annual leave)")
    assert main(["today", str(EXAMPLES / "capacity.yaml"), "--person", "qa-analyst",
                 "--date", "2027-01-18", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["day_off"]["kind"] == "time-off"


# --- backplan huddle -----------------------------------------------------------------------------
def test_huddle_on_a_holiday_says_so(plan: backplan.Plan) -> None:
    brief = backplan.huddle_brief(plan, date=D(2027, 1, 1))
    assert brief.day_off is not None
    assert brief.day_off.kind == "holiday"
    markdown = brief.to_markdown()
    assert "**Today, Fri 2027-01-01 is a holiday: no project work.**" in markdown.splitlines()
    assert brief.to_dict()["day_off"]["kind"] == "holiday"
    assert backplan.huddle_brief(plan, date=D(2027, 1, 13)).day_off is None


def test_huddle_names_who_is_off_today(plan: backplan.Plan) -> None:
    brief = backplan.huddle_brief(plan, date=D(2027, 1, 21))  # Thursday: qa on leave, lou off
    assert {(off.person, off.kind) for off in brief.off_today} == {
        ("qa", "time-off"), ("lou", "part-time")}
    assert "Off today: Priya Shah (annual leave); Lou Martin (Thursday)." in brief.to_markdown()


def test_an_action_started_on_the_huddle_day_is_under_today(plan: backplan.Plan) -> None:
    brief = backplan.huddle_brief(plan, date=D(2027, 1, 13))
    assert [(item.kind, item.action) for item in brief.today if item.kind == "started"] == [
        ("started", "rota")]
    markdown = brief.to_markdown()
    today = markdown.split("## Today")[1].split("##")[0]
    assert "**started** rota: New rota (Sam)" in today
    later = backplan.huddle_brief(plan, date=D(2027, 1, 14))
    assert all(item.kind != "started" for item in later.today)


def test_the_tracking_example_huddle_lists_the_tools_started_that_morning() -> None:
    plan = backplan.load_plan(EXAMPLES / "tracking.yaml")
    brief = backplan.huddle_brief(plan, date=D(2027, 1, 18),
                                  checkins=EXAMPLES / "data" / "tracking-checkins.csv")
    assert ("started", "desktop-tools") in [(i.kind, i.action) for i in brief.today]
    assert "| 9:25 |" in brief.to_markdown()  # AHT as m:ss
