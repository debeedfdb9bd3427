"""``backplan portfolio`` and ``backplan report PORTFOLIO`` (issue 17)."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from backplan.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "portfolio" / "portfolio.yaml")
TODAY = ("--today", "2026-11-23")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def help_examples() -> list[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    epilog = subparsers.choices["portfolio"].epilog or ""
    return [line.split("#")[0].strip() for line in epilog.splitlines()
            if line.strip().startswith("backplan ")]


@pytest.mark.parametrize("line", [
    pytest.param(line, marks=[pytest.mark.slow] if "--workers" in line else [])
    for line in help_examples()])
def test_every_help_example_runs_as_written(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, line: str,
) -> None:
    if "--workers" in line:
        pytest.importorskip("distributed")
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, *shlex.split(line)[1:])
    assert code == 0, err
    assert "cx-2027" in out


def test_json_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "portfolio", EXAMPLE, *TODAY, "--format", "json")
    assert code == 0  # not feasible is still success without --strict
    data = json.loads(out)
    assert list(data) == ["portfolio", "today", "feasible", "goals", "objectives", "flags"]
    assert data["goals"][0]["plan"] == "teams/billing.yaml"  # the path as the file gives it
    assert any(f["code"] == "over-allocated" and f["subject"] == "qa" for f in data["flags"])


def test_risk_adds_probability_and_seed(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("numpy")
    code, out, _ = run(capsys, "portfolio", EXAMPLE, *TODAY, "--format", "json", "--risk",
                       "--samples", "500", "--seed", "4")
    data = json.loads(out)
    assert code == 0
    assert data["seed"] == 4
    assert all("probability" in g for g in data["goals"] + data["objectives"])


def test_strict_exits_1_when_a_goal_is_not_feasible(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "portfolio", EXAMPLE, *TODAY, "--strict")[0] == 1
    assert run(capsys, "portfolio", EXAMPLE, *TODAY, "--strict", "--ignore-capacity")[0] == 0


def test_workers_need_risk(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["portfolio", EXAMPLE, "--workers", "2"])
    assert caught.value.code == 2
    assert "add --risk" in capsys.readouterr().err


def test_a_broken_portfolio_exits_2_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("goal: {id: a, due: 2027-03-31, parent: nope}\n",
                                     encoding="utf-8")
    (tmp_path / "p.yaml").write_text("portfolio: {id: p}\nplans: [a.yaml, b.yaml]\n",
                                     encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "backplan", "portfolio",
                             str(tmp_path / "p.yaml")], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'p.yaml'}:2: b.yaml.plans: no such file" in result.stderr


def test_report_writes_a_portfolio_dashboard(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    target = tmp_path / "portfolio.html"
    code, out, _ = run(capsys, "report", EXAMPLE, *TODAY, "-o", str(target), "--samples", "200")
    assert code == 0
    assert str(target) in out
    page = target.read_text(encoding="utf-8")
    for part in ("id='objectives'", "id='alignment'", "over-allocated", "onboarding-csat"):
        assert part in page
    with pytest.raises(SystemExit):
        main(["report", EXAMPLE, "-o", str(target), "--checkins", "x.csv"])


def test_validate_checks_a_portfolio_and_its_plans(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate", EXAMPLE, *TODAY)
    assert code == 0
    assert out == (f"{EXAMPLE}: valid (portfolio 'cx-2027': 4 plans, 1 objective, "
                   "2 shared people)\n")
    code, out, _ = run(capsys, "validate", EXAMPLE, *TODAY, "--format", "json")
    assert (code, json.loads(out)) == (0, {"valid": True, "problems": []})

    # A team plan's mistake, at its own file and line, as validating that plan says it.
    (tmp_path / "a.yaml").write_text(
        "goal: {id: a, due: 2027-03-31}\nactions:\n  - {id: x, duration: '3'}\n",
        encoding="utf-8")
    portfolio = tmp_path / "p.yaml"
    portfolio.write_text("portfolio: {id: p}\nplans: [a.yaml]\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(portfolio), *TODAY, "--format", "json")
    alone_code, alone, _ = run(capsys, "validate", str(tmp_path / "a.yaml"), *TODAY,
                               "--format", "json")
    assert code == alone_code == 2
    assert json.loads(out)["problems"] == json.loads(alone)["problems"]
    assert [(p["item"], p["field"], p["line"]) for p in json.loads(out)["problems"]] == [
        ("x", "duration", 3)]

    # Today more than a century from the due dates: every plan, as 'portfolio' refuses it.
    code, out, _ = run(capsys, "validate", EXAMPLE, "--today", "1900-01-01", "--format", "json")
    problems = json.loads(out)["problems"]
    assert code == 2
    assert [(p["item"], p["field"]) for p in problems] == [
        ("billing-aht", "due"), ("collections-fcr", "due"), ("onboarding-csat", "due"),
        ("retention-fcr", "due")]
    assert main(["portfolio", EXAMPLE, "--today", "1900-01-01"]) == 2
    assert capsys.readouterr().err.count("[invalid-value]") == 4


@pytest.mark.parametrize("command", ["schedule", "fix", "lint", "descope", "risk", "track"])
def test_a_plan_command_given_a_portfolio_names_the_command_to_run(
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, _, err = run(capsys, command, EXAMPLE, *TODAY)
    assert code == 2
    assert err.splitlines()[1:] == [
        f"  {EXAMPLE}:19: plan.goal: this is a portfolio file (it has 'portfolio:'), not a plan "
        "(run it with 'backplan portfolio' or 'backplan report'; a plan file starts with "
        "'goal:') [missing-field]"]
