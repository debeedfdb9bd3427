"""The --help examples of the commands that edit the plan file run as written."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from backplan.cli import build_parser, main

PLAN = """\
goal:
  id: service-2027
  due: 2027-03-31
  key_results:
    - {id: fcr-rate, metric: fcr, baseline: 71, target: 80}
    - {id: csat, metric: csat, baseline: 78, target: 85}
    - {id: aht, metric: aht, baseline: '7:30', target: '6:30'}
actions:
  - {id: export-contacts, duration: 3}
  - {id: kb-audit, duration: 4}
  - {id: kb-rewrite, duration: 10, after: [kb-audit]}
"""


def help_examples(command: str) -> list[str]:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    text = sub.epilog.split("examples:\n", 1)[1]
    return [line.split("#")[0].strip() for line in text.splitlines()
            if line.strip().startswith("backplan ")]


def test_every_edit_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("plan.yaml").write_text(PLAN, encoding="utf-8")
    lines = help_examples("done") + help_examples("start") + help_examples("checkin")
    assert len(lines) == 9
    for line in lines:
        args = shlex.split(line)[1:]
        assert main(args) == 0, (line, capsys.readouterr().err)
    out = capsys.readouterr().out
    assert "replaced actual_finish 2027-01-08 -> 2027-01-11" in out
    assert "replaced status done -> in_progress" in out
