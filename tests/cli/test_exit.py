"""How the ``backplan`` program ends (``backplan.cli.run``): without the interpreter's teardown,
but with everything teardown does that a user or a tool could notice.

Each test runs the program in its own process, as a shell would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backplan.cli import main

ROOT = Path(__file__).resolve().parents[2]
FCR = str(ROOT / "examples" / "fcr.yaml")
TODAY = "2026-11-23"


def program(prelude: str, *args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``backplan ARGS`` in a new process after ``prelude`` (Python run first)."""
    code = textwrap.dedent(prelude) + (
        "\nimport sys\nfrom backplan.cli import run\n"
        f"sys.argv = ['backplan', *{list(args)!r}]\nrun()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def full_disk(stream: str) -> str:
    """Python that makes ``sys.<stream>`` fail to flush, as on a full disk (what the program
    writes stays buffered: it fails at the last flush)."""
    return f"""
        import errno, io, sys
        class Full(io.StringIO):
            def flush(self):
                raise OSError(errno.ENOSPC, "No space left on device")
        sys.{stream} = Full()
    """


def test_the_whole_output_arrives(capsys: pytest.CaptureFixture[str]) -> None:
    """The output is flushed before the process ends: a reader gets all of it (here about
    40 KB of JSON), as :func:`main` prints it."""
    done = program("", "schedule", FCR, "--today", TODAY, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert main(["schedule", FCR, "--today", TODAY, "--format", "json"]) == 0
    assert done.stdout == capsys.readouterr().out
    assert json.loads(done.stdout)["goal"] == "fcr-80"


@pytest.mark.parametrize(("args", "code"), [
    (["schedule", FCR, "--today", TODAY], 0),
    (["schedule", FCR, "--today", "2027-03-30", "--strict"], 1),  # infeasible: too late
    (["schedule", str(ROOT / "no-such-plan.yaml")], 2),
    (["schedule"], 2),  # argparse's own exit: the usual way out
])
def test_exit_codes_are_kept(args: list[str], code: int) -> None:
    done = program("", *args)
    assert done.returncode == code, done.stderr


def test_functions_registered_with_atexit_still_run() -> None:
    done = program("""
        import atexit, sys
        atexit.register(lambda: print("saved by atexit", file=sys.stderr))
    """, "schedule", FCR, "--today", TODAY)
    assert done.returncode == 0
    assert done.stderr.strip() == "saved by atexit"


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    """Another thread still running (a tool importing backplan may start one): the usual exit,
    which lets it finish."""
    marker = tmp_path / "finished"
    done = program(f"""
        import threading, time
        def work():
            time.sleep(0.5)
            open({str(marker)!r}, "w").close()
        threading.Thread(target=work).start()
    """, "schedule", FCR, "--today", TODAY)
    assert done.returncode == 0, done.stderr
    assert marker.exists()


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    """``backplan schedule ... | head -1``: the reader goes away; the program ends quietly."""
    plan = tmp_path / "long.json"
    plan.write_text(json.dumps({
        "goal": {"id": "g", "due": "2035-12-31"},
        "actions": [{"id": f"a{k}", "duration": 1, "after": [f"a{k - 1}"] if k else []}
                    for k in range(3000)]}))  # about 1 MB of JSON out: more than a pipe holds
    code = (f"import sys; sys.argv = ['backplan', 'schedule', {str(plan)!r}, '--today', "
            f"{TODAY!r}, '--format', 'json']\nfrom backplan.cli import run\nrun()\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env) as writer:
        assert writer.stdout is not None
        assert writer.stderr is not None
        assert writer.stdout.read(10) == b'{\n  "goal"'
        writer.stdout.close()  # stop reading, as head does
        errors = writer.stderr.read().decode()
        assert writer.wait(timeout=120) == 0
    assert errors == ""


def test_output_that_cannot_be_written_is_reported() -> None:
    """The last of the output is written when the program ends: a full disk then is exit 2
    with the one line :func:`main` prints, never a traceback."""
    done = program(full_disk("stdout"), "schedule", FCR, "--today", TODAY)
    assert done.returncode == 2
    assert done.stderr.startswith("backplan: No space left on device (check the path")
    assert "Traceback" not in done.stderr


def test_under_a_profiler_the_program_ends_the_usual_way(tmp_path: Path) -> None:
    """``python -m cProfile -o FILE -m backplan ...`` writes its figures after the program
    returns: the program must return."""
    figures = tmp_path / "profile.out"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(figures), "-m", "backplan",
                           "schedule", FCR, "--today", TODAY], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert figures.stat().st_size > 0


def test_error_output_that_cannot_be_written_is_exit_120() -> None:
    """Nowhere left to say it: the status CPython's own exit gives when a flush fails."""
    done = program(full_disk("stderr"), "schedule", FCR, "--today", TODAY)
    assert done.returncode == 120
    assert done.stdout.startswith("Goal fcr-80 due 2027-03-31")  # the output itself arrived


@pytest.mark.parametrize("command", [["schedule", "--format", "csv"], ["fix"], ["lint"],
                                     ["descope"], ["validate"]])
def test_the_program_keeps_its_plan_until_the_end(command: list[str]) -> None:
    """The program holds a command's plan (and schedule) until the process ends (freeing a big
    one object by object would cost a twentieth of the run); a program calling :func:`main`
    gets them freed as the command returns."""
    prelude = """
        import atexit, weakref
        import backplan
        seen = []
        real = backplan.load_plan
        def spy(source, **kwargs):
            plan = real(source, **kwargs)
            seen.append(weakref.ref(plan))
            return plan
        backplan.load_plan = spy
        atexit.register(lambda: print("alive", [ref() is not None for ref in seen]))
    """
    name, *options = command
    done = program(prelude, name, FCR, "--today", TODAY, *options)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "alive [True]"
    code = textwrap.dedent(prelude) + (
        f"\nfrom backplan.cli import main\nmain([{name!r}, {FCR!r}, '--today', {TODAY!r}])\n"
        "import gc\ngc.collect()\nprint('after main', [ref() is not None for ref in seen])\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    called = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120, check=True)
    assert "after main [False]" in called.stdout.splitlines()
