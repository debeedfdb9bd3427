"""The daily huddle brief: a reviewed snapshot of a fixed plan and check-ins, and hand-made cases.

The snapshot files under ``tests/data/snapshots/`` were read and checked by hand against the
fixture (``tests/data/huddle/``). When the brief changes on purpose, regenerate them with
``BACKPLAN_UPDATE_SNAPSHOTS=1 python -m pytest tests/analysis/test_huddle.py``, read the diff,
and review it like code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

import backplan
from backplan import huddle_brief, load_plan
from backplan.cli import main

D = dt.date
DATA = Path(__file__).parent.parent / "data"
PLAN = DATA / "huddle" / "fcr-progress.yaml"
CHECKINS = DATA / "huddle" / "checkins.csv"
SNAPSHOTS = DATA / "snapshots"


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("BACKPLAN_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the reviewed snapshot"


def test_brief_matches_the_reviewed_snapshot() -> None:
    brief = huddle_brief(load_plan(PLAN), date=D(2026, 12, 21), checkins=CHECKINS)
    check_snapshot("huddle-fcr-2026-12-21.md", brief.to_markdown())
    check_snapshot("huddle-fcr-2026-12-21.json", brief.to_json() + "\n")


def test_snapshot_facts() -> None:
    """The facts the snapshot was reviewed for, stated on their own."""
    brief = huddle_brief(load_plan(PLAN), date=D(2026, 12, 21), checkins=CHECKINS)
    # Monday: the last working day is Friday 18th; yesterday is Sunday 20th.
    assert brief.since == D(2026, 12, 18)
    # The check-in of the 21st is today's, not yesterday's: left out.
    fcr = next(kr for kr in brief.key_results if kr.key_result == "fcr-rate")
    assert (fcr.value, fcr.value_date) == (71.6, D(2026, 12, 18))
    # QA is behind its straight glide path; FCR's path stays at 71 until the first effect.
    assert brief.focus == "qa-resolution"
    assert [w.subject for w in brief.wins] == ["agent-pulse", "fcr-rate"]
    assert [(e.date, e.kind) for e in brief.coming] == [
        (D(2026, 12, 22), "not-after"), (D(2026, 12, 22), "not-after"),
        (D(2026, 12, 23), "time-off"), (D(2026, 12, 23), "not-before"),
        (D(2026, 12, 25), "holiday"), (D(2026, 12, 28), "holiday")]
    # The one-day read-out starts and is due today; qa-sample cannot be finished in time.
    assert [(i.kind, i.action) for i in brief.today] == [
        ("start-and-due", "pulse-readout"), ("start", "qa-form")]
    assert [(a.action, a.short_days) for a in brief.late] == [("qa-sample", 1)]
    assert [(m.milestone, m.state) for m in brief.milestones_at_risk] == [
        ("causes-known", "at risk")]
    # Assignees are named by their names; in-progress work shows only when it is due.
    assert brief.today[1].owners == ("Marcus Lee",)
    assert [(i.kind, i.action) for i in brief.this_week if i.action == "tag-repeats"] == [
        ("due", "tag-repeats")]
    assert brief.week_end == D(2026, 12, 27)
    assert all(item.action not in {"agree-definition", "export-contacts", "agent-pulse"}
               for item in brief.today + brief.this_week)


def make(actions: list[dict[str, Any]], **extra: Any) -> Any:
    return load_plan({"goal": {"id": "g", "title": "Faster answers", "due": "2027-01-29",
                               **extra.pop("goal", {})}, "actions": actions, **extra})


def test_today_and_this_week_with_owners() -> None:
    plan = make([
        {"id": "rota", "title": "New rota", "duration": 3, "owner": "Sam"},
        {"id": "brief", "title": "Brief agents", "duration": 2, "after": ["rota"], "owner": "Jo"},
        {"id": "poster", "duration": 1, "owner": "Jo"},
    ])
    brief = huddle_brief(plan, date=D(2027, 1, 27))  # Wednesday
    assert [(i.kind, i.action, i.owners) for i in brief.today] == [
        ("due", "rota", ("Sam",))]
    assert [(i.date, i.kind, i.action) for i in brief.this_week] == [
        (D(2027, 1, 28), "start", "brief"), (D(2027, 1, 29), "due", "brief"),
        (D(2027, 1, 29), "start-and-due", "poster")]
    markdown = brief.to_markdown()
    assert "- **due** rota: New rota (Sam) (critical)" in markdown
    assert "- Thu 2027-01-28: **starts** brief: Brief agents (Jo) (critical)" in markdown


def test_late_actions_and_milestones_at_risk() -> None:
    plan = make(
        [{"id": "a", "duration": 6, "milestone": "m", "owner": "Ana"},
         {"id": "b", "duration": 2, "milestone": "n"}],
        milestones=[{"id": "m", "title": "Rota live", "due": "2027-01-08"},
                    {"id": "n", "due": "2027-01-07"}],
    )
    brief = huddle_brief(plan, date=D(2027, 1, 4))
    assert [(a.action, a.short_days, a.owners) for a in brief.late] == [("a", 1, ("Ana",))]
    assert [(m.milestone, m.state, m.slack) for m in brief.milestones_at_risk] == [
        ("m", "late", -1), ("n", "at risk", 2)]
    assert "- **milestone late** m: Rota live: due 2027-01-08" in brief.to_markdown()


def test_coming_up_looks_horizon_days_ahead() -> None:
    plan = make(
        [{"id": "a", "duration": 1, "not_before": "2027-01-06", "not_after": "2027-01-20"}],
        milestones=[{"id": "m", "due": "2027-01-12"}],
        calendar={"holidays": ["2027-01-01", "2027-01-08", "2027-01-15"]},
    )
    brief = huddle_brief(plan, date=D(2027, 1, 4), horizon_days=8)
    assert [(e.date, e.kind, e.subject) for e in brief.coming] == [
        (D(2027, 1, 6), "not-before", "a"), (D(2027, 1, 8), "holiday", "calendar"),
        (D(2027, 1, 12), "milestone-due", "m")]
    with pytest.raises(ValueError, match="horizon_days"):
        huddle_brief(plan, date=D(2027, 1, 4), horizon_days=0)


def test_coming_up_names_blackouts_rules_and_time_off() -> None:
    plan = make(
        [{"id": "a", "duration": 2, "assignees": ["qa"]}],
        calendar={"rules": ["every first monday"],
                  "blackouts": [{"start": "2027-01-29", "end": "2027-02-03",
                                 "reason": "month-end peak"}]},
        people=[{"id": "qa", "name": "Priya", "hours_per_day": 2,
                 "time_off": [{"start": "2027-01-27", "end": "2027-01-28", "reason": "training"}]}],
        goal={"due": "2027-02-26"},
    )
    brief = huddle_brief(plan, date=D(2027, 1, 26), horizon_days=7)
    assert [(e.date, e.end, e.kind, e.description) for e in brief.coming] == [
        (D(2027, 1, 27), D(2027, 1, 28), "time-off", "Priya off (training)"),
        (D(2027, 1, 29), D(2027, 2, 3), "blackout", "blackout, no project work: month-end peak"),
        (D(2027, 2, 1), D(2027, 2, 1), "day-off", "no project work (every first monday)"),
    ]
    assert "- Wed 2027-01-27 to Thu 2027-01-28: Priya off (training)" in brief.to_markdown()


def test_wins_look_back_to_the_last_working_day() -> None:
    done = {"status": "done", "actual_start": "2027-01-04"}
    plan = make([
        {"id": "thu", "duration": 1, **done, "actual_finish": "2027-01-07"},
        {"id": "fri", "duration": 1, **done, "actual_finish": "2027-01-08", "owner": "Jo"},
        {"id": "sat", "duration": 1, **done, "actual_finish": "2027-01-09"},
    ])
    brief = huddle_brief(plan, date=D(2027, 1, 11))  # Monday
    assert [(w.kind, w.subject) for w in brief.wins] == [
        ("action-done", "fri"), ("action-done", "sat")]
    assert brief.wins[0].description == "done: fri: fri (Jo)"


def test_focus_is_the_key_result_furthest_behind() -> None:
    goal = {"due": "2027-03-31", "key_results": [
        {"id": "fcr", "metric": "fcr", "baseline": 70, "target": 80, "baseline_date": "2027-01-01"},
        {"id": "aht", "metric": "aht", "baseline": 420, "target": 360,
         "baseline_date": "2027-01-01"}]}
    plan = make([], goal=goal)
    checkins = [{"key_result": "fcr", "date": "2027-02-01", "value": 72},
                {"key_result": "aht", "date": "2027-02-01", "value": 415}]
    brief = huddle_brief(plan, date=D(2027, 2, 2), checkins=checkins)
    behind = {kr.key_result: kr.behind for kr in brief.key_results}
    # A third of the way by 1 Feb (22 of 63 working days): FCR expected ~73.5, AHT ~399.
    assert behind["aht"] is not None
    assert behind["fcr"] is not None
    assert behind["aht"] > behind["fcr"] > 0
    assert brief.focus == "aht"
    assert "**Focus today: Average Handle Time** (aht)" in brief.to_markdown()


def test_no_key_results_no_checkins() -> None:
    brief = huddle_brief(make([{"id": "a", "duration": 2}]), date=D(2027, 1, 4))
    assert (brief.key_results, brief.focus, brief.wins) == ((), None, ())
    assert "No key results in the plan." in brief.to_markdown()


def test_cli_huddle(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["huddle", str(PLAN), "--date", "2026-12-21", "--checkins", str(CHECKINS)]
    assert main(args) == 0
    assert capsys.readouterr().out == (SNAPSHOTS / "huddle-fcr-2026-12-21.md").read_text(
        encoding="utf-8")
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["focus"] == "qa-resolution"
    assert main(["huddle", str(PLAN), "--date", "2026-12-21", "--checkins", "nope.csv"]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_a_milestone_is_late_in_the_words_of_the_flags() -> None:
    plan = backplan.loads_plan("""
goal: {id: g, due: 2027-01-29}
milestones: [{id: m, due: 2027-01-22}]
actions:
  - {id: a, duration: 3, milestone: m}
  - {id: b, duration: 14, after: [m]}
""")
    today = dt.date(2027, 1, 11)
    brief = backplan.huddle_brief(plan, date=today)
    (milestone,) = brief.milestones_at_risk
    # reached by its own due (no milestone-late flag), but the chain through it is late
    assert milestone.state == "late chain"
    flags = backplan.schedule_plan(plan, today=today).flags
    assert "milestone-late" not in {f.code for f in flags}
    text = brief.to_markdown()
    assert "**milestone on a late chain** m" in text
    assert "by its due 2027-01-22, but the work through it is 2 working days short" in text
    late = backplan.huddle_brief(backplan.loads_plan("""
goal: {id: g, due: 2027-01-29}
milestones: [{id: m, due: 2027-01-12}]
actions:
  - {id: a, duration: 3, milestone: m}
"""), date=today)
    assert [m.state for m in late.milestones_at_risk] == ["late"]
