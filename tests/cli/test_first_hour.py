"""What a newcomer notices in the first hour: counts, colour, clock times, files, a fresh plan."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backplan
from backplan.cli import main
from backplan.cli._common import use_color
from backplan.io.starter import starter_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: A plan with one of everything, so that every count a command prints is 1.
ONE = """\
goal:
  id: g
  title: Cut handle time (AHT) from 7:00 to 6:30
  due: 2027-01-29
  parent: Faster answers
  key_results:
    - {id: aht, metric: aht, baseline: "7:00", target: "6:30", baseline_date: 2027-01-04,
       checkins: [{date: 2027-01-08, value: "6:58"}, {date: 2027-01-11, value: "6:55"}]}
people:
  - {id: jo, name: Jo Hart, hours_per_day: 2}
milestones:
  - {id: m, title: Done, due: 2027-01-29}
actions:
  - {id: a, title: Do it, effort: {hours: 1}, assignees: [jo], milestone: m, owner: Jo Hart,
     impact: {aht: -30}}
risks:
  - {id: r, probability: 0.2, impact: 2, actions: [a]}
"""
PLURAL_AFTER_ONE = re.compile(
    r"(?<![\d.,])1 (actions|milestones|key results|people|persons|risks|pomodoros|runs|days|"
    r"working days|problems|errors|warnings|infos|findings|check-ins|hours|minutes|weeks)\b")


@pytest.fixture
def one(tmp_path: Path) -> Path:
    path = tmp_path / "one.yaml"
    path.write_text(ONE)
    return path


@pytest.mark.parametrize("args", [
    ["validate", "{plan}"],
    ["schedule", "{plan}", "--today", "2027-01-11"],
    ["track", "{plan}", "--today", "2027-01-12"],
    ["risk", "{plan}", "--today", "2027-01-11", "--samples", "1"],
    ["lint", "{plan}", "--today", "2027-01-11"],
    ["huddle", "{plan}", "--date", "2027-01-12"],
    ["today", "{plan}", "--person", "jo", "--date", "2027-01-29"],
    ["load", "{plan}", "--today", "2027-01-11"],
    ["descope", "{plan}", "--today", "2027-01-11"],
])
def test_a_count_of_one_is_singular(args: list[str], one: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main([a.format(plan=one) for a in args]) == 0
    out = capsys.readouterr().out
    assert not PLURAL_AFTER_ONE.search(out), PLURAL_AFTER_ONE.search(out)


def test_validate_counts_what_the_plan_holds(one: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(one)]) == 0
    assert capsys.readouterr().out.strip().endswith(
        "valid (goal 'g' due 2027-01-29: 1 action, 1 milestone, 1 key result, 1 person, 1 risk)")
    assert main(["validate", str(EXAMPLES / "capacity.yaml")]) == 0
    assert "12 actions, 3 milestones, 1 key result, 4 people" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False), ("", True)])
def test_no_color_turns_colour_off_on_a_terminal(no_color: str | None, coloured: bool,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert use_color() is coloured
    assert main(["schedule", str(EXAMPLES / "aht.yaml"), "--today", "2026-11-23"]) == 0
    assert ("\x1b[" in terminal.getvalue()) is coloured


def test_a_dumb_terminal_gets_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setattr("sys.stdout", _Terminal())
    assert use_color() is False


def test_metrics_in_seconds_show_as_clock_times_in_tables(
    one: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["track", str(one), "--today", "2027-01-12"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("aht "))
    assert "6:55" in row
    assert "415" not in row
    assert re.search(r"\b\d:\d\d\b.*\b\d:\d\d\b", row)  # value and expected as m:ss
    assert main(["huddle", str(one), "--date", "2027-01-12", "--format", "markdown"]) == 0
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| Average")]
    assert table
    assert "| 6:55 |" in table[0]
    assert "| 6:30 |" in table[0]
    report = backplan.track_progress(backplan.load_plan(one), None, today=dt.date(2027, 1, 12))
    assert all("seconds" not in flag.message or ":" in flag.message for flag in report.flags)


def test_a_missing_scenarios_file_is_not_a_problem_in_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "scenarios.yaml"
    assert main(["compare", str(EXAMPLES / "risk.yaml"), str(missing)]) == 2
    err = capsys.readouterr().err
    assert "1 problem in the scenario file" in err
    assert "in the plan" not in err
    assert "file-not-found" in err
    missing.write_text("scenarios: [\n")
    assert main(["compare", str(EXAMPLES / "risk.yaml"), str(missing)]) == 2
    err = capsys.readouterr().err
    assert "in the scenario file" in err
    assert "[syntax]" in err
    assert "plan:" not in err


# --- init: a plan dated from today -------------------------------------------------------------
def test_init_dates_the_plan_from_today(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "q3.yaml"
    assert main(["init", str(target), "--today", "2027-07-05"]) == 0
    text = target.read_text()
    plan = backplan.load_plan(target)
    assert plan.goal.due == dt.date(2027, 7, 5) + dt.timedelta(weeks=16)
    assert plan.goal.key_results[0].baseline_date == dt.date(2027, 6, 30)
    assert "2026" not in text
    assert "backplan validate q3.yaml" in text
    assert main(["lint", str(target), "--today", "2027-07-05", "--strict"]) == 0
    assert "nothing to report" in capsys.readouterr().out


def test_init_without_today_uses_the_current_date(tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    assert main(["init", str(target)]) == 0
    plan = backplan.load_plan(target)
    today = dt.date.today()
    assert plan.goal.due == today + dt.timedelta(weeks=16)
    assert not backplan.lint_plan(plan, today=today).findings


@settings(max_examples=30, deadline=None)
@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_a_fresh_starter_plan_lints_clean_and_fits_whatever_the_day(today: dt.date) -> None:
    plan = backplan.loads_plan(starter_plan(today=today))
    schedule = backplan.schedule_plan(plan, today=today)
    assert schedule.feasible
    assert backplan.lint_plan(plan, today=today).findings == ()
    baseline = plan.goal.key_results[0].baseline_date
    assert baseline is not None
    assert baseline < today <= plan.goal.due


# --- who does the work, in the table and the CSV ----------------------------------------------
def test_the_table_and_the_csv_say_who_does_each_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", str(EXAMPLES / "tracking.yaml"), "--today", "2027-01-20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.strip().startswith("id "))
    assert header.split()[-2:] == ["owner", "assignees"]
    coaching = next(line for line in lines if line.strip().startswith("coaching-wave-1 "))
    assert "Ana Costa" in coaching
    assert coaching.rstrip().endswith("ana, lee")
    assert main(["schedule", str(EXAMPLES / "tracking.yaml"), "--today", "2027-01-20",
                 "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split(",")[-2:] == ["owner", "assignees"]
    assert any(row.startswith("coaching-wave-1,") and row.endswith(",Ana Costa,ana;lee")
               for row in rows)
    plain = backplan.loads_plan("goal: {id: g, due: 2027-01-29}\nactions: [{id: a, duration: 2}]")
    table = backplan.format_table(backplan.schedule_plan(plain, today=dt.date(2027, 1, 25)))
    assert "owner" not in table
    assert "assignees" not in table


def test_json_of_the_schedule_lists_assignees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", str(EXAMPLES / "capacity.yaml"), "--today", "2026-11-23",
                 "--format", "json"]) == 0
    actions = {a["id"]: a for a in json.loads(capsys.readouterr().out)["actions"]}
    assert actions["sample-calls"]["assignees"] == ["qa-analyst", "team-lead"]
