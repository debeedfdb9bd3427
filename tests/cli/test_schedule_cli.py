"""``backplan schedule`` and ``backplan validate``: output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import backplan.cli
from backplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
FCR, AHT = str(ROOT / "examples" / "fcr.yaml"), str(ROOT / "examples" / "aht.yaml")
ERRORS = ROOT / "tests" / "data" / "errors"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_contract_fields_and_iso_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", AHT, "--today", "2026-11-23", "--format", "json")
    assert code == 0  # infeasible is still success without --strict
    data = json.loads(out)
    assert data["feasible"] is False
    assert data["goal"] == "aht-6min"
    assert data["due"] == "2027-04-30"
    assert data["today"] == "2026-11-23"
    assert data["critical_path"][0] == data["flags"][0]["subject"]
    assert data["unscheduled"] == ["ai-call-summary"]
    action = data["actions"][0]
    for key in ("id", "title", "start", "finish", "earliest_start", "earliest_finish", "slack",
                "critical", "milestone", "priority"):
        assert key in action
    assert all(len(m["date"]) == 10 for m in data["milestones"])
    flag = data["flags"][0]
    assert {"code", "severity", "subject", "message", "shortfall_days", "fixes"} <= set(flag)


def test_strict_exits_1_only_when_infeasible(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schedule", AHT, "--today", "2026-11-23", "--strict")[0] == 1
    assert run(capsys, "schedule", FCR, "--today", "2026-11-23", "--strict")[0] == 0


def test_csv_has_one_row_per_scheduled_action(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "schedule", FCR, "--today", "2026-11-23", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    _, js, _ = run(capsys, "schedule", FCR, "--today", "2026-11-23", "--format", "json")
    assert [r["id"] for r in rows] == [a["id"] for a in json.loads(js)["actions"]]
    assert {r["critical"] for r in rows} <= {"true", "false"}


def test_table_lists_actions_in_date_order_then_flags(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "schedule", AHT, "--today", "2026-11-23")
    assert "NOT feasible" in out
    assert "ERROR [late-start] aht-decomposition" in out
    assert "fix: move the goal's due date to 2027-05-07" in out
    assert "\x1b[" not in out  # no colour when not on a terminal


@pytest.mark.parametrize("fixture", sorted(ERRORS.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_input_exits_2_with_a_short_message(
    fixture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("schedule", "validate"):
        code, _, err = run(capsys, command, str(fixture), "--today", "2026-11-23") if (
            command == "schedule") else run(capsys, command, str(fixture))
        assert code == 2
        assert "Traceback" not in err
        assert f"[{fixture.stem}]" in err
        assert 1 <= len(err.strip().splitlines()) <= 12


def test_validate_json_lists_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(ERRORS / "cycle.yaml"), "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert data["valid"] is False
    assert data["problems"][0]["code"] == "cycle"
    assert run(capsys, "validate", FCR)[0] == 0


def test_missing_file_and_bad_date_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "schedule", "no-such-plan.yaml")
    assert code == 2
    assert "file-not-found" in err
    for other_form in ("31/03/2027", "20270331", "2027-W13-3", "2027-3-31"):
        with pytest.raises(SystemExit) as raised:
            main(["schedule", FCR, "--today", other_form])
        assert raised.value.code == 2
        assert "expected a date as YYYY-MM-DD" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backplan", "schedule", FCR, "--today", "2026-11-23",
         "--format", "json"], capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["feasible"] is True


@pytest.mark.parametrize("argv", [
    ("ics", FCR, "--today", "2026-11-23", "-o", "{missing}/fcr.ics"),
    ("export", FCR, "--today", "2026-11-23", "--format", "csv", "-o", "{missing}/fcr.csv"),
    ("schema", "-o", "{missing}/plan.schema.json"),
    ("init", "{missing}/plan.yaml"),
])
def test_an_unwritable_output_exits_2_naming_the_file(
    argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "no-such-folder"
    code, _, err = run(capsys, *(arg.format(missing=missing) for arg in argv))
    assert code == 2
    assert str(missing) in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_report_rejects_zero_samples_as_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("goal: {id: g, title: G, due: 2027-02-26}\n"
                    "actions:\n  - {id: a, estimate: {optimistic: 3, likely: 5, pessimistic: 12}}\n",
                    encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(plan), "-o", str(tmp_path / "r.html"), "--samples", "0"])
    assert exit_.value.code == 2
    assert "--samples" in capsys.readouterr().err


def test_the_program_turns_pydantic_plugins_off_unless_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["backplan", "--version"])
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    with pytest.raises(SystemExit):
        backplan.cli.run()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "__all__"
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")  # the user keeps their plugins
    with pytest.raises(SystemExit):
        backplan.cli.run()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == ""
    assert "backplan" in capsys.readouterr().out


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "ascii"])
def test_json_output_is_the_same_text_whatever_the_output_encoding(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    """As UTF-8 the program writes the rows' bytes as the compiled writer wrote them; otherwise
    it prints the text: the output is the same text either way (here in ASCII, which each
    encoding can write)."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"goal": {"id": "g", "due": "2027-03-31", "title": "Raise FCR"},
                                "actions": [{"id": f"a{k}", "title": f"Step {k}", "duration": 2,
                                             "after": [f"a{k - 1}"] if k else []}
                                            for k in range(300)]}), encoding="utf-8")
    argv = ["schedule", str(plan), "--today", "2026-11-23", "--format", "json"]
    done = subprocess.run([sys.executable, "-m", "backplan", *argv], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": encoding}, check=False)
    assert done.returncode == 0, done.stderr
    assert main(argv) == 0
    assert done.stdout == capsys.readouterr().out.encode(encoding)


def test_json_output_in_utf8_keeps_every_character(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("goal: {id: g, due: 2027-03-31, title: Erstlösung ☕}\n"
                    "actions:\n"
                    "  - {id: a, title: \"Schulung \\t für \\\"alle\\\" 🙂\", duration: 2}\n"
                    "  - {id: b, title: \"\\u2028 Absatz\", duration: 1, after: [a]}\n",
                    encoding="utf-8")
    argv = ["schedule", str(plan), "--today", "2026-11-23", "--format", "json"]
    done = subprocess.run([sys.executable, "-m", "backplan", *argv], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    assert done.returncode == 0, done.stderr
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Erstlösung ☕" in printed
    assert done.stdout.decode("utf-8") == printed


def test_a_program_that_asks_for_crlf_lines_gets_them(tmp_path: Path) -> None:
    """A program calling :func:`main` may have reconfigured its output: the JSON is printed as
    text then, in its line endings (found by review)."""
    code = (
        "import sys\n"
        "from backplan.cli import main\n"
        "sys.stdout.reconfigure(newline='\\r\\n')\n"
        f"main(['schedule', {FCR!r}, '--format', 'json', '--today', '2026-11-23'])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split(b"\n")
    assert len(lines) > 100
    assert all(line.endswith(b"\r") for line in lines[:-1])
    assert lines[-1] == b""
