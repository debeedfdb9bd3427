"""The --help examples of the commands that edit the plan file, run one after the other on one
copy of the example (each also runs on its own in test_documented_commands)."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from backplan.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def help_examples(command: str) -> list[str]:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    text = sub.epilog.split("examples:\n", 1)[1]
    return [line.split("#")[0].strip() for line in text.splitlines()
            if line.strip().startswith("backplan ")]


def test_the_edit_examples_run_in_sequence_and_say_what_they_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    lines = help_examples("done") + help_examples("start") + help_examples("checkin")
    for line in lines:
        assert main(shlex.split(line)[1:]) == 0, (line, capsys.readouterr().err)
    out = capsys.readouterr().out
    assert "replaced actual_finish 2027-01-07 -> 2027-01-08" in out
    assert "replaced status done -> in_progress" in out
