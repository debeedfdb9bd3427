"""Every command line a newcomer can copy runs as written, from the repository root.

The lines come from every ``--help`` epilog, README.md, docs/*.md, examples/README.md and the
"Run it" comments of the example files: each line of a shell code block (or an epilog) that
starts with ``backplan`` or ``python -m backplan`` (or copies an example with ``cp`` first),
``pip install`` steps before ``&&`` left out. Each runs on a scratch copy of the repository's
``examples/`` (commands that edit a plan file or write one never touch the checkout), on its
own, and must exit 0, or 1 where its comment documents ``exit 1``.

The default run calls the command line in-process (``backplan.cli.main``, with ``&&``, ``>``,
``cp`` and ``VAR=value`` handled here) so that all of them stay quick; the slow pass runs the
lines that lean on the shell, and the first of each source, again through ``bash`` and the
``backplan`` program.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from backplan.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
SHELLS = ("", "sh", "shell", "bash", "console")
COMMAND = re.compile(r"^(?:\$\s+)?(?:[A-Z_]+=\S*\s+)*(?:backplan|python -m backplan)\s")
#: Plain commands a line may chain before or after backplan (run here as a shell would).
HELPERS = ("cp ",)


@dataclass(frozen=True)
class Line:
    """A command line and where it was found."""

    text: str
    source: str

    @property
    def expected_exit(self) -> int:
        """1 where the line's comment documents it ("exit 1", "exits 1"), else 0."""
        comment = self.text.partition(" #")[2]
        return 1 if re.search(r"\bexits? 1\b", comment) else 0

    def __str__(self) -> str:
        return f"{self.source}: {self.text}"


def _commands(text: str) -> list[str]:
    """The backplan command lines among ``text``'s lines, install steps before ``&&`` dropped."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        parts = [p.strip() for p in line.split("&&")]
        while parts and parts[0].startswith("pip "):
            parts.pop(0)
        line = " && ".join(parts)
        first = next((k for k, p in enumerate(parts) if not p.startswith(HELPERS)), None)
        if first is not None and COMMAND.match(parts[first]) and (first == 0 or line.startswith(HELPERS)):
            found.append(line.removeprefix("$ "))
    return found


def help_lines() -> list[Line]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = []
    for name, command in subparsers.choices.items():
        lines += [Line(text, f"backplan {name} --help") for text in _commands(command.epilog or "")]
    return lines


def shell_blocks(markdown: str) -> list[str]:
    """The text of each fenced code block that is shell (``sh``, ``bash``, ``console``, none)."""
    blocks, current, language = [], [], None
    for line in markdown.splitlines():
        fence = re.match(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)", line)
        if fence and language is None:
            language, current = fence[2].lower(), []
        elif fence and not fence[2]:
            if language in SHELLS:
                blocks.append("\n".join(current))
            language = None
        elif language is not None:
            current.append(line)
    return blocks


def markdown_lines() -> list[Line]:
    files = [ROOT / "README.md", ROOT / "examples" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    lines = []
    for path in files:
        for block in shell_blocks(path.read_text(encoding="utf-8")):
            lines += [Line(text, str(path.relative_to(ROOT))) for text in _commands(block)]
    return lines


def example_comment_lines() -> list[Line]:
    """The indented command lines in the example files' comments ("#   backplan ...")."""
    lines = []
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        comments = "\n".join(line.lstrip("# ") for line in path.read_text(encoding="utf-8").splitlines()
                             if re.match(r"#\s{2,}\S", line))
        lines += [Line(text, f"{path.relative_to(ROOT)} (comments)") for text in _commands(comments)]
    return lines


ALL = help_lines() + markdown_lines() + example_comment_lines()

#: Documented lines that cannot run yet, with why. Strict: once one runs, the test says to drop
#: it from here.
NOT_YET: dict[str, str] = {}


def _expect_to_run(line: Line) -> list[pytest.MarkDecorator]:
    why = next((reason for key, reason in NOT_YET.items() if key in line.text), None)
    return [] if why is None else [pytest.mark.xfail(reason=why, strict=True)]


CASES = [pytest.param(line, marks=_expect_to_run(line), id=str(line)) for line in ALL]


def _shell_sample() -> list[object]:
    """The lines that lean on the shell (redirection, ``&&``, quotes, ``VAR=value``), and the
    first of each source: the in-process run covers the rest."""
    first: set[str] = set()
    picked = []
    for case, line in zip(CASES, ALL, strict=True):
        shell = re.search(r"[>&'\"]|^[A-Z_]+=", line.text.partition(" #")[0])
        if shell or line.source not in first:
            picked.append(case)
            first.add(line.source)
    return picked


def test_the_documentation_has_command_lines_everywhere() -> None:
    sources = {line.source for line in ALL}
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in subparsers.choices:  # every command's --help shows at least one runnable example
        assert f"backplan {name} --help" in sources, name
    assert {"README.md", "examples/README.md"} <= sources
    assert len(ALL) >= 60


def test_no_command_line_names_a_file_that_is_not_shipped_or_written_first() -> None:
    """Placeholders (PLAN, plan.yaml, checkins.csv) belong in synopses, not in command lines."""
    for line in ALL:
        words = shlex.split(line.text, comments=True)
        assert not any(w in ("PLAN", "FILE", "CSV") or w.startswith("[") for w in words), line


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of what the command lines read, as a repository root."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return tmp_path


def run_in_process(text: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run a command line with main(): ``A && B``, ``> file`` and ``VAR=value`` as a shell would."""
    monkeypatch.chdir(cwd)
    code, output = 0, ""
    for part in text.split(" && "):
        words = shlex.split(part, comments=True)
        if words[0] == "cp":  # the one plain command lines chain: copy an example to edit it
            shutil.copy(cwd / words[1], cwd / words[2])
            continue
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
            name, _, value = words.pop(0).partition("=")
            monkeypatch.setenv(name, value)
        target = None
        if ">" in words:
            at = words.index(">")
            target, words = words[at + 1], words[:at]
        words = words[3:] if words[:3] == ["python", "-m", "backplan"] else words[1:]
        raw = io.BytesIO()
        stdout = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
        stderr = io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(words)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 2
        output += raw.getvalue().decode("utf-8", "replace") + stderr.getvalue()
        if target is not None:
            (cwd / target).write_bytes(raw.getvalue())
        if code != 0:
            break
    return code, output


@pytest.mark.parametrize("line", CASES)
def test_command_line_runs_as_written(line: Line, scratch: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run_in_process(line.text, scratch, monkeypatch)
    assert code == line.expected_exit, f"{line}\nexit {code}\n{output[-2000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("line", _shell_sample())
def test_command_line_runs_in_a_shell(line: Line, scratch: Path) -> None:
    """Lines through bash and the ``backplan`` program (this checkout's code), as typed."""
    shim = scratch / "bin"
    shim.mkdir()
    (shim / "backplan").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m backplan "$@"\n')
    (shim / "backplan").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(["bash", "-c", line.text], cwd=scratch, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == line.expected_exit, f"{line}\n{run.stdout[-1000:]}{run.stderr[-2000:]}"
