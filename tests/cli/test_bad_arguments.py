"""What a session's audit of the command line found (every command, about 2,000 bad inputs):
each case is refused with exit 2 and a line that says what to give instead, and no file a
command reads is ever replaced by its output."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

import backplan
from backplan.cli import main
from backplan.io.starter import starter_plan

ROOT = Path(__file__).resolve().parents[2]
TODAY = ("--today", "2026-11-23")


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path / "examples")
    return tmp_path / "examples"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("argv", [
    ["report", "risk.yaml", "-o", "r.html", "--seed", "-1", *TODAY],
    ["compare", "risk.yaml", "data/risk-scenarios.yaml", "--seed", "-1", *TODAY],
    ["risk", "risk.yaml", "--seed", "-1", *TODAY],
    ["risk", "risk.yaml", "--samples", "1000000000000", *TODAY],
    ["compare", "risk.yaml", "data/risk-scenarios.yaml", "--samples", "1000000000", *TODAY],
    ["report", "risk.yaml", "-o", "r.html", "--samples", "0", *TODAY],
], ids=lambda argv: " ".join(argv[:1] + argv[-4:-2]))
def test_seeds_and_samples_are_checked_alike_by_every_command(
        examples: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["ics", "tracking.yaml", "-o", "tracking.yaml", "--today", "2027-01-20"],
    ["report", "tracking.yaml", "-o", "./tracking.yaml", "--today", "2027-01-20"],
    ["export", "tracking.yaml", "--format", "csv", "-o", "tracking.yaml"],
    ["gantt", "tracking.yaml", "-o", "data/tracking-checkins.csv",
     "--checkins", "data/tracking-checkins.csv", "--today", "2027-01-20"],
    ["today", "tracking.yaml", "--person", "sam", "--date", "2027-01-20", "-o", "tracking.yaml"],
], ids=lambda argv: argv[0])
def test_the_output_never_replaces_a_file_the_command_reads(
        examples: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    before = {p: digest(p) for p in (examples / "tracking.yaml",
                                     examples / "data" / "tracking-checkins.csv")}
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "file this command reads; write the output to another file" in err
    assert {p: digest(p) for p in before} == before


def test_init_refuses_a_today_too_near_the_years_1_or_9999(
        examples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for today in ("0001-01-01", "9999-12-31"):
        assert main(["init", "new.yaml", "--today", today]) == 2
        assert "give --today from 0001-02-01 to 9998-09-01" in capsys.readouterr().err
        assert not (examples / "new.yaml").exists()
    for today in ("0001-02-01", "9998-09-01"):  # the first and last it takes: valid plans
        assert main(["init", f"{today}.yaml", "--today", today]) == 0
        assert main(["validate", f"{today}.yaml", "--today", today]) == 0


def test_init_writes_json_for_a_json_file(examples: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    assert main(["init", "new.json", *TODAY]) == 0
    text = (examples / "new.json").read_text(encoding="utf-8")
    assert json.loads(text)["goal"]["id"] == "fcr-75"
    assert backplan.load_plan(examples / "new.json") == backplan.loads_plan(
        starter_plan(today=dt.date(2026, 11, 23)))
    capsys.readouterr()
    assert main(["validate", "new.json", *TODAY]) == 0


@pytest.mark.parametrize("argv", [
    ["gantt", "tracking.yaml", "--checkins", "data/tracking-checkins.csv", "--key-results",
     "-o", "g.svg", "--today", "2027-01-20"],
    ["track", "tracking.yaml", "data/tracking-checkins.csv", "--today", "2027-01-20"],
    ["huddle", "tracking.yaml", "--checkins", "data/tracking-checkins.csv", "--date",
     "2027-01-20"],
    ["report", "tracking.yaml", "--checkins", "data/tracking-checkins.csv", "-o", "r.html",
     "--today", "2027-01-20"],
], ids=lambda argv: argv[0])
def test_a_check_in_dated_far_from_the_plan_is_refused_as_in_the_plan_file(
        examples: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    csv = examples / "data" / "tracking-checkins.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("aht,2026-12-21,", "aht,9999-12-21,"),
                   encoding="utf-8")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert ("aht.date: 9999-12-21 is 7972 years after the goal's due date 2027-03-31; plan "
            "dates must lie within 100 years of it (check the year) [invalid-value]") in err


def test_slip_refuses_a_baseline_of_another_goal(examples: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "risk.yaml", *TODAY, "--format", "json"]) == 0
    (examples / "other.json").write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["slip", "tracking.yaml", "other.json", "--today", "2027-01-20"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "other.json: 1 problem in the saved schedule"
    assert ("schedule.goal: the saved schedule is of goal 'sl-80', the plan's goal is "
            "'tech-support-aht'") in err


def test_a_shared_people_files_problem_is_said_once(examples: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    people = examples / "portfolio" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "hours_per_day: 4", 'hours_per_day: "4"'), encoding="utf-8")
    assert main(["portfolio", "portfolio/portfolio.yaml", *TODAY]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["portfolio/portfolio.yaml: 1 problem in the portfolio",
                   "  portfolio/people.yaml:10: trainer.hours_per_day: expected a number of "
                   "hours (e.g. 1.5), got '4' [invalid-value]"]
