"""The command line never crashes on a plan and never shows a traceback (issue 14): far dates and
nulls are refused as bad input by every command and by ``validate``; an unexpected exception is
one line and exit 70; implausible values are refused or warned about."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

import backplan
from backplan.cli import main
from backplan.cli._common import EXIT_INTERNAL_ERROR

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-23"

#: The plans the issue's fuzzing found crashing, each as written by a user.
CRASHING_PLANS = {
    "rules-and-time-off-in-year-1": """\
goal: {id: g, due: 2027-03-31}
calendar: {rules: [the last two weeks of December]}
people:
  - {id: ann, hours_per_day: 6, time_off: [{start: 0001-01-02}]}
actions:
  - {id: a, duration: 3, assignees: [ann]}
""",
    "monthly-rule-and-time-off-to-9999": """\
goal: {id: g, due: 2027-03-31}
calendar: {rules: ['RRULE:FREQ=MONTHLY;BYMONTHDAY=31']}
people:
  - {id: ann, hours_per_day: 6, time_off: [{start: 2027-01-01, end: 9999-12-31}]}
actions:
  - {id: a, duration: 3, assignees: [ann]}
""",
    "milestone-due-9999": """\
goal: {id: g, due: 2027-03-31}
milestones:
  - {id: m, due: 9999-12-31}
actions:
  - {id: a, duration: 3, milestone: m}
""",
    "milestone-due-1900": """\
goal: {id: g, due: 2027-03-31}
milestones:
  - {id: m, due: 1900-01-01}
actions:
  - {id: a, duration: 3, milestone: m}
""",
    "duration-null": """\
goal: {id: g, due: 2027-03-31}
actions:
  - {id: a, duration: null}
""",
    "goal-due-9999-with-key-results": """\
goal:
  id: g
  due: 9999-12-30
  key_results:
    - {id: fcr, metric: fcr, baseline: 71, target: 80}
actions:
  - {id: a, duration: 3}
""",
}

#: Every command that reads a plan, with the arguments that make it run on one.
PLAN_COMMANDS = {
    "schedule": ["--today", TODAY],
    "track": ["--today", TODAY],
    "slip": ["BASELINE", "--today", TODAY],
    "risk": ["--today", TODAY, "--samples", "200"],
    "gantt": ["--today", TODAY, "-o", "OUT.png"],
    "ics": ["--today", TODAY, "-o", "OUT.ics"],
    "export": ["--today", TODAY, "--format", "csv", "-o", "OUT.csv"],
    "report": ["--today", TODAY, "-o", "OUT.html"],
    "descope": ["--today", TODAY],
    "lint": ["--today", TODAY],
    "huddle": ["--date", TODAY],
    "today": ["--person", "ann", "--date", TODAY, "--minutes", "120"],
    "load": ["--today", TODAY],
}


def command_line(command: str, plan: Path, folder: Path) -> list[str]:
    args = [arg.replace("OUT", str(folder / "out")) for arg in PLAN_COMMANDS[command]]
    if "BASELINE" in args:
        baseline = folder / "baseline.json"
        simple = backplan.load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                                     "actions": [{"id": "a", "duration": 3}]})
        baseline.write_text(backplan.schedule_plan(simple, today=dt.date(2026, 11, 23)).to_json(),
                            encoding="utf-8")
        args[args.index("BASELINE")] = str(baseline)
    return [command, str(plan), *args]


@pytest.mark.parametrize("name", sorted(CRASHING_PLANS))
def test_validate_refuses_what_crashed(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(CRASHING_PLANS[name], encoding="utf-8")
    assert main(["validate", str(plan), "--today", TODAY]) == 2
    err = capsys.readouterr().err
    assert f"{plan}:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", sorted(PLAN_COMMANDS))
@pytest.mark.parametrize("name", sorted(CRASHING_PLANS))
def test_every_command_refuses_what_crashed(
    name: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(CRASHING_PLANS[name], encoding="utf-8")
    code = main(command_line(command, plan, tmp_path))
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert "problem" in err  # the problem, named with the plan file


def test_the_problems_name_the_item_field_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(CRASHING_PLANS["monthly-rule-and-time-off-to-9999"], encoding="utf-8")
    assert main(["schedule", str(plan), "--today", TODAY]) == 2
    assert (f"{plan}:4: ann.time_off: 9999-12-31 is 7972 years after the goal's due date "
            "2027-03-31; plan dates must lie within 100 years of it") in capsys.readouterr().err
    plan.write_text(CRASHING_PLANS["duration-null"], encoding="utf-8")
    assert main(["validate", str(plan)]) == 2
    assert f"{plan}:3: a.duration: duration is null" in capsys.readouterr().err


def test_today_far_from_the_due_date_is_refused_by_validate_and_schedule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("goal: {id: g, due: 2027-03-31}\nactions:\n  - {id: a, duration: 3}\n",
                    encoding="utf-8")
    for command in ("validate", "schedule"):
        assert main([command, str(plan), "--today", "2200-01-02"]) == 2
        err = capsys.readouterr().err
        assert "is 172 years before today (2200-01-02)" in err
        assert f"{plan}" in err
    assert main(["validate", str(plan), "--today", "2126-01-02"]) == 0


def test_dates_in_the_window_stay_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A milestone 94 years after the due date and one 97 years before: every command answers."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("""\
goal:
  id: g
  due: 2027-03-31
  key_results:
    - {id: fcr, metric: fcr, baseline: 71, target: 80, checkins: [{date: 2030-01-04, value: 72}]}
people:
  - {id: ann, hours_per_day: 6, time_off: ["2027-01-01..2126-12-31"]}
milestones:
  - {id: m, due: 2120-12-31}
  - {id: old, due: 1930-01-01}
actions:
  - {id: a, duration: 3, milestone: m}
  - {id: b, duration: 3, milestone: old}
""", encoding="utf-8")
    for command in sorted(PLAN_COMMANDS):
        code = main(command_line(command, plan, tmp_path))
        err = capsys.readouterr().err
        assert code in (0, 1), (command, err)


# --------------------------------------------------------------------------------------------
# An unexpected exception: one line, exit 70


def test_an_unexpected_exception_is_one_line_and_exit_70(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("goal: {id: g, due: 2027-03-31}\nactions:\n  - {id: a, duration: 3}\n",
                    encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(backplan, "schedule_plan", broken)
    assert main(["schedule", str(plan), "--today", TODAY]) == EXIT_INTERNAL_ERROR == 70
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("backplan schedule: internal error: ZeroDivisionError: "
                               "division by zero. This is a bug in backplan: please report it")
    assert captured.out == ""
    monkeypatch.setenv("BACKPLAN_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["schedule", str(plan), "--today", TODAY])


def test_a_real_process_exits_70_without_a_traceback(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("goal: {id: g, due: 2027-03-31}\n", encoding="utf-8")
    code = ("import sys, backplan\n"
            "def broken(*a, **k): raise RuntimeError('boom')\n"
            "backplan.schedule_plan = broken\n"
            "from backplan.cli import run\n"
            f"sys.argv = ['backplan', 'schedule', {str(plan)!r}, '--today', '{TODAY}']\n"
            "run()\n")
    env = {k: v for k, v in os.environ.items() if k != "BACKPLAN_DEBUG"}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 70
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("backplan schedule: internal error: RuntimeError: boom")


# --------------------------------------------------------------------------------------------
# Implausible values


KR_PLAN = """\
goal:
  id: g
  due: 2027-03-31
  key_results:
    - {id: fcr, metric: fcr, baseline: 71, target: 80}
    - {id: fcr-share, metric: fcr, baseline: 0.71, target: 0.8}
    - {id: abandon, metric: abandonment_rate, baseline: 5, target: 3}
actions:
  - {id: a, duration: 3}
"""


@pytest.mark.parametrize(("key_result", "value", "meant"), [
    ("fcr", "0.72", "did you mean 72?"),
    ("fcr", "0.3", "did you mean 30?"),
    ("fcr-share", "72", "did you mean 0.72?"),
])
def test_a_fraction_for_a_percentage_and_the_reverse_are_refused(
    key_result: str, value: str, meant: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(KR_PLAN, encoding="utf-8")
    assert main(["checkin", str(plan), key_result, value, "--date", "2027-01-15"]) == 2
    err = capsys.readouterr().err
    assert meant in err
    assert "looks like a" in err
    assert plan.read_text(encoding="utf-8") == KR_PLAN


@pytest.mark.parametrize(("key_result", "value"), [("abandon", "0.9"), ("fcr", "72"),
                                                    ("fcr-share", "0.7"), ("fcr", "0")])
def test_plausible_values_are_recorded(key_result: str, value: str, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(KR_PLAN, encoding="utf-8")
    assert main(["checkin", str(plan), key_result, value, "--date", "2027-01-15"]) == 0


@pytest.mark.parametrize("args", [
    ["checkin", "PLAN", "fcr", "72", "--date", "2099-01-15"],
    ["checkin", "PLAN", "fcr", "72", "--date", "2020-01-15"],
    ["done", "PLAN", "a", "--date", "2099-01-15"],
    ["start", "PLAN", "a", "--date", "2020-01-15"],
])
def test_dates_far_from_the_plan_warn_and_strict_refuses_them(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(KR_PLAN, encoding="utf-8")
    command = [str(plan) if a == "PLAN" else a for a in args]
    assert main([*command, "--strict"]) == 2
    err = capsys.readouterr().err
    assert "years" in err
    assert "the plan's dates" in err
    assert plan.read_text(encoding="utf-8") == KR_PLAN
    assert main(command) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(f"backplan: warning: {plan}: ")
    assert "check the year" in captured.err
    day = dt.date.fromisoformat(args[args.index("--date") + 1])
    assert day.isoformat() in plan.read_text(encoding="utf-8")


def test_dates_near_the_plan_and_today_do_not_warn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(KR_PLAN, encoding="utf-8")
    assert main(["checkin", str(plan), "fcr", "72", "--date", "2026-06-01", "--strict"]) == 0
    assert main(["checkin", str(plan), "fcr", "72"]) == 0  # today
    assert capsys.readouterr().err == ""


def test_a_date_past_the_window_is_refused_even_without_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(KR_PLAN, encoding="utf-8")
    assert main(["checkin", str(plan), "fcr", "72", "--date", "2150-01-15"]) == 2
    assert "plan dates must lie within 100 years" in capsys.readouterr().err
    assert plan.read_text(encoding="utf-8") == KR_PLAN


def test_today_minutes_beyond_a_day_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(KR_PLAN, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["today", str(plan), "--person", "ann", "--minutes", "2000"])
    assert exit_.value.code == 2
    assert "at most 1440 (a day)" in capsys.readouterr().err
