"""``backplan risk``: output formats, seeds, flags, exit codes and the progress bar."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from backplan.cli import _risk, main

pytest.importorskip("numpy")

PLAN = """\
goal: {id: g, due: 2027-01-20}
actions:
  - {id: survey, estimate: {optimistic: 3, likely: 5, pessimistic: 12}}
  - {id: coach, after: [survey], estimate: {optimistic: 5, likely: 8, pessimistic: 15}}
risks:
  - {id: trainer-ill, title: Trainer falls ill, probability: 0.4, impact: 6, actions: [coach],
     owner: Sam}
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_reproducible_with_a_seed(
    plan_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("risk", plan_file, "--today", "2027-01-04", "--samples", "2000", "--seed", "5",
            "--format", "json")
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["samples"] == 2000
    assert data["seed"] == 5
    assert data["flags"][0]["code"] == "low-confidence"
    assert data["matrix"]["risks"][0]["owner"] == "Sam"
    assert run(capsys, *args)[1] == out
    assert run(capsys, *args[:-4], "--seed", "6", "--format", "json")[1] != out


def test_table_output_and_options(plan_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "risk", plan_file, "--today", "2027-01-04", "--samples", "1_000",
                       "--confidence", "90%", "--threshold", "0", "--distribution", "triangular")
    assert code == 0
    assert "chance of meeting the due date" in out
    assert "at 90% confidence commit to" in out
    assert "triangular" in out
    assert "low-confidence" not in out
    assert "trainer-ill" in out  # in the matrix


def test_strict_exits_1_below_the_threshold(
    plan_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "risk", plan_file, "--today", "2027-01-04", "--samples", "500",
               "--strict")[0] == 1
    assert run(capsys, "risk", plan_file, "--today", "2027-01-04", "--samples", "500",
               "--strict", "--threshold", "0")[0] == 0


@pytest.mark.parametrize("bad", [
    ["--samples", "0"], ["--samples", "many"], ["--seed", "-1"], ["--confidence", "1"],
    ["--confidence", "150%"], ["--threshold", "2"], ["--format", "csv"],
])
def test_bad_options_exit_2(
    plan_file: str, bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["risk", plan_file, *bad])
    assert caught.value.code == 2
    assert "risk" in capsys.readouterr().err


def test_a_broken_plan_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace("actions: [coach]", "actions: [coahc]"), encoding="utf-8")
    code, out, err = run(capsys, "risk", str(path), "--today", "2027-01-04")
    assert (code, out) == (2, "")
    assert "trainer-ill.actions" in err
    assert "did you mean 'coach'?" in err


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    plan_file: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_risk, "PROGRESS_AFTER", 0.0)
    code, _, err = run(capsys, "risk", plan_file, "--today", "2027-01-04", "--samples", "25000")
    assert (code, err) == (0, "")


def test_progress_bar_draws_after_a_while_and_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    bar = _risk._ProgressBar(stream, width=10)
    bar(1, 4)
    assert stream.getvalue() == ""  # a short run stays quiet
    monkeypatch.setattr(_risk, "PROGRESS_AFTER", 0.0)
    bar(2, 4)
    assert stream.getvalue() == "\r[#####     ] 2/4 runs"
    bar.close()
    assert stream.getvalue().endswith("\r")


def test_levelled_scheduler_option(plan_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "risk", plan_file, "--today", "2027-01-04", "--samples", "40",
                       "--scheduler", "levelled", "--format", "json")
    assert code == 0
    assert json.loads(out)["scheduler"] == "levelled"


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CAPACITY = str(EXAMPLES / "capacity.yaml")


def test_risk_levels_a_plan_that_books_people_unless_told_not_to(
    capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("risk", CAPACITY, "--today", "2026-11-23", "--format", "json")
    code, out, _ = run(capsys, *args)
    data = json.loads(out)
    assert code == 0
    assert (data["scheduler"], data["capacity"], data["uncertain"], data["samples"]) == (
        "levelled", "levelled", False, 1)
    assert (data["deterministic_completion"], data["deterministic_feasible"],
            data["probability"], data["probability_all_deadlines"]) == (
        "2027-03-03", False, 1.0, 0.0)
    code, out, _ = run(capsys, *args, "--ignore-capacity")
    data = json.loads(out)
    assert (data["scheduler"], data["capacity"], data["deterministic_feasible"],
            data["probability_all_deadlines"]) == ("network", "ignored", True, 1.0)
    assert run(capsys, *args, "--scheduler", "network")[1] == out


def test_levelled_and_ignore_capacity_together_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "risk", CAPACITY, "--scheduler", "levelled",
                         "--ignore-capacity")
    assert (code, out) == (2, "")
    assert "--ignore-capacity" in err
    assert "Traceback" not in err


def test_a_plan_with_nothing_uncertain_gives_the_schedules_answer(
    capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "risk", CAPACITY, "--today", "2026-11-23", "--strict")
    assert code == 1  # the plan misses a deadline, as `backplan schedule --strict` says
    assert "nothing in this plan is uncertain" in out
    assert "runs" not in out
    assert "100%" not in out
    assert "NOT feasible: not every deadline is met: 2 working days short" in out
    assert "earliest completion 2027-03-03: 18 working days to spare" in out
    assert "[deadline-missed]" in out
    assert main(["schedule", CAPACITY, "--today", "2026-11-23", "--strict"]) == 1
    capsys.readouterr()
    code, out, _ = run(capsys, "risk", CAPACITY, "--today", "2026-11-23", "--strict",
                       "--ignore-capacity")
    assert code == 0
    assert "feasible: every deadline is met" in out


def help_examples() -> list[str]:
    import argparse

    from backplan.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    epilog = subparsers.choices["risk"].epilog or ""
    return [line.strip() for line in epilog.splitlines() if line.strip().startswith("backplan ")]


@pytest.mark.parametrize("line", help_examples())
def test_every_help_example_runs_as_written(
    line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shlex

    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "examples").symlink_to(EXAMPLES)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *shlex.split(line, comments=True)[1:])
    assert code in ((0, 1) if "--strict" in line else (0,)), err  # 1: flagged, with --strict
    assert out.strip()


def test_help_lists_the_capacity_examples() -> None:
    lines = help_examples()
    assert any("--ignore-capacity" in line for line in lines)
    assert len(lines) >= 5
