"""Plan edits never lose what a user wrote: locked and verified edits, guarded history,
read-only files refused, comments kept with their items (issue 14)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import backplan
from backplan import (
    BackplanError,
    PlanBusyError,
    PlanValidationError,
    load_plan,
    mark_done,
    mark_started,
    plan_file_lock,
    record_checkin,
)
from backplan.cli import main

D = dt.date
ROOT = Path(__file__).resolve().parents[2]

PLAN = """\
goal:
  id: g
  due: 2027-03-31
  key_results:
    - {id: fcr, metric: fcr, baseline: 71, target: 80}
"""

ACTIONS = """\
actions:
  - id: audit   # knowledge base
    duration: 3
    status: done
    actual_start: 2027-01-04
    actual_finish: 2027-01-06
  - id: coach
    duration: 5
    status: in_progress
    actual_start: 2027-01-11
"""


def write_plan(tmp_path: Path, text: str = PLAN + ACTIONS, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Parallel edits: all of them in the file, or refused as busy


@dataclass(frozen=True)
class Outcome:
    kind: str
    subject: str
    exit_code: int
    stderr: str


def parallel_plan(count: int) -> str:
    lines = [PLAN.rstrip("\n"), "actions:"]
    lines += [f"  - id: a{k}   # action {k}\n    duration: 2" for k in range(count)]
    return "\n".join(lines) + "\n"


def edit_command(k: int, path: Path) -> tuple[str, str, list[str]]:
    """The k-th of the mixed edits: a check-in, a start or a done, each on its own subject."""
    kind = ("checkin", "start", "done")[k % 3]
    if kind == "checkin":
        day = f"2027-01-{10 + k:02d}"
        return kind, day, ["checkin", str(path), "fcr", f"7{k % 10}.5", "--date", day]
    return kind, f"a{k}", [kind, str(path), f"a{k}", "--date", "2027-01-11"]


def run_parallel_edits(folder: Path, count: int = 20, wait: float | None = None) -> list[Outcome]:
    """Start ``count`` edit commands on one file at once; their outcomes."""
    path = folder / "plan.yaml"
    path.write_text(parallel_plan(count), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    jobs = []
    for k in range(count):
        kind, subject, args = edit_command(k, path)
        if wait is not None:
            args += ["--wait", str(wait)]
        process = subprocess.Popen([sys.executable, "-m", "backplan", *args], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        jobs.append((kind, subject, process))
    outcomes = []
    for kind, subject, process in jobs:
        _, stderr = process.communicate(timeout=300)
        outcomes.append(Outcome(kind, subject, process.returncode, stderr))
    return outcomes


def edits_in_file(path: Path) -> set[tuple[str, str]]:
    plan = load_plan(path)
    found = {("checkin", c.date.isoformat()) for c in plan.goal.key_results[0].checkins}
    for action in plan.actions:
        if action.status == "in_progress":
            found.add(("start", action.id))
        elif action.status == "done":
            found.add(("done", action.id))
    return found


def check_parallel_outcomes(folder: Path, outcomes: list[Outcome]) -> tuple[int, int]:
    """Every edit that exited 0 is in the file; every other one was refused as busy and is not.
    Returns (edits in the file, edits refused busy)."""
    found = edits_in_file(folder / "plan.yaml")
    busy = 0
    for outcome in outcomes:
        key = (outcome.kind, outcome.subject)
        if outcome.exit_code == 0:
            assert key in found, f"{key} exited 0 but is not in the file"
        else:
            assert outcome.exit_code == 2, outcome.stderr
            assert "is busy" in outcome.stderr, outcome.stderr
            assert "try again" in outcome.stderr
            assert key not in found
            busy += 1
    assert len(found) == len(outcomes) - busy
    return len(found), busy


def test_twenty_processes_editing_one_file_lose_nothing(tmp_path: Path) -> None:
    outcomes = run_parallel_edits(tmp_path)
    in_file, busy = check_parallel_outcomes(tmp_path, outcomes)
    assert in_file + busy == 20


@pytest.mark.slow
def test_twenty_processes_repeated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The figures of issue 14: 25 runs of 20 parallel edits (``PARALLEL_RUNS`` to change)."""
    runs = int(os.environ.get("PARALLEL_RUNS", "25"))
    totals = {"in_file": 0, "busy": 0}
    for run in range(runs):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        in_file, busy = check_parallel_outcomes(folder, run_parallel_edits(folder))
        totals["in_file"] += in_file
        totals["busy"] += busy
    with capsys.disabled():
        print(f"\n{runs} runs of 20 parallel edits: {totals['in_file']} in the file (every one "
              f"that exited 0), {totals['busy']} refused busy, none lost")
    assert totals["in_file"] + totals["busy"] == 20 * runs


def test_an_edit_that_cannot_have_the_lock_is_refused_as_busy(tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    before = path.read_bytes()
    with plan_file_lock(path, wait=1):
        with pytest.raises(PlanBusyError, match=r"plan.yaml is busy.*try again"):
            record_checkin(path, "fcr", 72, date=D(2027, 1, 15), wait=0.2)
        code = main(["checkin", str(path), "fcr", "72", "--date", "2027-01-15", "--wait", "0"])
    assert code == 2
    assert path.read_bytes() == before


def test_the_lock_is_held_for_the_whole_edit(tmp_path: Path) -> None:
    """A second edit waits for the first, then edits the file the first wrote."""
    path = write_plan(tmp_path)
    done: list[backplan.PlanEdit] = []

    def second() -> None:
        done.append(record_checkin(path, "fcr", 73, date=D(2027, 1, 22), wait=10))

    with plan_file_lock(path, wait=1):
        worker = threading.Thread(target=second)
        worker.start()
        time.sleep(0.3)
        assert not done  # waiting for the lock
        record_path = path.read_text(encoding="utf-8").replace(
            "target: 80}", "target: 80, checkins: [{date: 2027-01-15, value: 72}]}")
        path.write_text(record_path, encoding="utf-8")  # an edit made under the lock
    worker.join(10)
    checkins = load_plan(path).goal.key_results[0].checkins
    assert [(c.date.day, c.value) for c in checkins] == [(15, 72), (22, 73)]


def test_a_file_changed_behind_the_lock_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that does not take the lock (an editor) writes the file while an edit runs:
    the edit is refused, and what the other program wrote stays."""
    path = write_plan(tmp_path)
    import backplan.io.plan_text as plan_text

    real_reads_back = plan_text.PlanText._reads_back

    def meanwhile(self: plan_text.PlanText, text: str) -> object:
        path.write_text(PLAN.replace("due: 2027-03-31", "due: 2027-04-30") + ACTIONS,
                        encoding="utf-8")
        return real_reads_back(self, text)

    monkeypatch.setattr(plan_text.PlanText, "_reads_back", meanwhile)
    with pytest.raises(PlanBusyError, match="changed while it was being edited"):
        record_checkin(path, "fcr", 72, date=D(2027, 1, 15))
    assert load_plan(path).goal.due == D(2027, 4, 30)
    assert load_plan(path).goal.key_results[0].checkins == ()


# --------------------------------------------------------------------------------------------
# History is rewritten only on purpose


def test_start_on_a_done_action_is_refused_without_reopen(tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    before = path.read_bytes()
    with pytest.raises(PlanValidationError) as error:
        mark_started(path, "audit", date=D(2027, 1, 11))
    assert "audit is done (actual_finish 2027-01-06)" in str(error.value)
    assert "--reopen" in str(error.value)
    assert path.read_bytes() == before
    edit = mark_started(path, "audit", date=D(2027, 1, 11), reopen=True)
    assert "status done -> in_progress" in edit.description
    assert "actual_start 2027-01-04 -> 2027-01-11" in edit.description
    assert "actual_finish 2027-01-06 -> (none)" in edit.description
    audit = load_plan(path).actions[0]
    assert (audit.status, audit.actual_start, audit.actual_finish) == (
        "in_progress", D(2027, 1, 11), None)


def test_done_on_a_done_action_with_another_date_needs_correct(tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    before = path.read_bytes()
    with pytest.raises(PlanValidationError, match=r"audit finished on 2027-01-06.*--correct"):
        mark_done(path, "audit", date=D(2027, 1, 8))
    assert path.read_bytes() == before
    same = mark_done(path, "audit", date=D(2027, 1, 6))  # already so: nothing to write
    assert same.lines == ()
    assert path.read_bytes() == before
    edit = mark_done(path, "audit", date=D(2027, 1, 8), correct=True)
    assert edit.description.endswith("replaced actual_finish 2027-01-06 -> 2027-01-08")
    assert load_plan(path).actions[0].actual_finish == D(2027, 1, 8)


def test_a_recorded_start_date_is_replaced_only_with_correct(tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    with pytest.raises(PlanValidationError, match="coach started on 2027-01-11"):
        mark_started(path, "coach", date=D(2027, 1, 12), remaining=2)
    with pytest.raises(PlanValidationError, match="coach started on 2027-01-11"):
        mark_done(path, "coach", date=D(2027, 1, 15), start=D(2027, 1, 12))
    mark_started(path, "coach", date=D(2027, 1, 11), remaining=2)  # same day: only remaining
    assert load_plan(path).actions[1].remaining == 2
    edit = mark_started(path, "coach", date=D(2027, 1, 12), correct=True)
    assert "actual_start 2027-01-11 -> 2027-01-12" in edit.description


def test_history_refusals_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plan(tmp_path)
    before = path.read_bytes()
    assert main(["start", str(path), "audit", "--date", "2027-01-11"]) == 2
    assert main(["done", str(path), "audit", "--date", "2027-01-08"]) == 2
    err = capsys.readouterr().err
    assert "--reopen" in err
    assert "--correct" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    assert main(["done", str(path), "audit", "--date", "2027-01-08", "--correct"]) == 0
    assert "actual_finish 2027-01-06 -> 2027-01-08" in capsys.readouterr().out
    assert main(["start", str(path), "audit", "--date", "2027-01-11", "--reopen"]) == 0
    assert "status done -> in_progress" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# Read-only plan files and folders


def test_a_read_only_plan_file_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_plan(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(BackplanError, match=r"plan\.yaml is read-only"):
        record_checkin(path, "fcr", 72, date=D(2027, 1, 15))
    assert main(["done", str(path), "coach", "--date", "2027-01-15"]) == 2
    err = capsys.readouterr().err
    assert f"{path} is read-only" in err
    assert path.read_bytes() == before
    assert main(["done", str(path), "coach", "--date", "2027-01-15", "--force"]) == 0
    assert load_plan(path).actions[1].status == "done"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # still read-only


def run_as_another_user(action: str, path: Path) -> tuple[str, str]:
    """Run an edit in a forked child that has given up root; (outcome, message)."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child process
        os.close(read)
        try:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            if action == "checkin":
                record_checkin(path, "fcr", 72, date=D(2027, 1, 15))
            message = "ok: written"
        except BackplanError as error:
            message = f"error: {error}"
        except BaseException as error:
            message = f"crash: {type(error).__name__}: {error}"
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    outcome, _, message = b"".join(chunks).decode().partition(": ")
    return outcome, message


needs_root_to_fork_a_user = pytest.mark.skipif(
    not hasattr(os, "fork") or not hasattr(os, "getuid") or os.getuid() != 0,
    reason="the other user is made by a root process giving up root (fork + setuid)",
)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can enter (pytest's own are private to their owner)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="backplan-shared-"))
    folder.chmod(0o755)
    yield folder
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


@needs_root_to_fork_a_user
def test_a_plan_file_the_user_may_not_write_is_refused(shared_folder: Path) -> None:
    import filelock  # noqa: F401  - imported before the child gives up root

    path = write_plan(shared_folder)
    path.chmod(0o644)  # root's file: others may read it, not write it
    before = path.read_bytes()
    outcome, message = run_as_another_user("checkin", path)
    assert outcome == "error", message
    assert f"{path} is read-only" in message
    assert path.read_bytes() == before


@needs_root_to_fork_a_user
def test_a_read_only_folder_is_named_with_the_plan_never_a_temporary_file(
    shared_folder: Path,
) -> None:
    import filelock  # noqa: F401

    path = write_plan(shared_folder)
    path.chmod(0o666)  # the file may be written, its folder (root's, 0755) not
    before = path.read_bytes()
    outcome, message = run_as_another_user("checkin", path)
    assert outcome == "error", message
    assert str(path) in message
    assert ".tmp" not in message
    assert "the file is unchanged" in message
    assert path.read_bytes() == before


def test_a_failed_temporary_file_names_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_plan(tmp_path)
    before = path.read_bytes()
    import tempfile

    def refuse(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(tmp_path / ".plan.yaml.x1.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(BackplanError) as error:
        record_checkin(path, "fcr", 72, date=D(2027, 1, 15))
    assert str(error.value).startswith(f"cannot write {path}: Permission denied")
    assert ".tmp" not in str(error.value)
    assert path.read_bytes() == before


# --------------------------------------------------------------------------------------------
# Small losses: n kept, comments stay with their items


def test_a_checkin_correction_keeps_its_sample_size(tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    record_checkin(path, "fcr", 72, date=D(2027, 1, 15), n=310)
    edit = record_checkin(path, "fcr", 72.4, date=D(2027, 1, 15))
    assert edit.description == "check-in 2027-01-15 = 72.4 (n=310), replacing 72"
    checkin = load_plan(path).goal.key_results[0].checkins[0]
    assert (checkin.value, checkin.n) == (72.4, 310)
    record_checkin(path, "fcr", 72.4, date=D(2027, 1, 15), n=300)
    assert load_plan(path).goal.key_results[0].checkins[0].n == 300


def test_a_new_checkin_goes_above_the_comment_of_the_next_one(tmp_path: Path) -> None:
    path = write_plan(tmp_path, """\
goal:
  id: g
  due: 2027-03-31
  key_results:
    - id: fcr
      metric: fcr
      baseline: 71
      target: 80
      checkins:
        - {date: 2027-01-08, value: 71.5}
        # survey week: a small sample
        # (see the QA channel)
        - {date: 2027-01-22, value: 72.5, n: 40}
""")
    record_checkin(path, "fcr", 72, date=D(2027, 1, 15))
    assert path.read_text(encoding="utf-8").splitlines()[9:14] == [
        "        - {date: 2027-01-08, value: 71.5}",
        "        - {date: 2027-01-15, value: 72}",
        "        # survey week: a small sample",
        "        # (see the QA channel)",
        "        - {date: 2027-01-22, value: 72.5, n: 40}",
    ]


def test_a_new_field_stays_with_its_item_not_the_next_comment(tmp_path: Path) -> None:
    path = write_plan(tmp_path, PLAN + """\
actions:
  - id: a
    duration: 3
  # b waits for the vendor
  - id: b
    duration: 2
""")
    mark_done(path, "a", date=D(2027, 1, 8))
    assert path.read_text(encoding="utf-8").splitlines()[6:11] == [
        "  - id: a", "    duration: 3", "    status: done", "    actual_finish: 2027-01-08",
        "  # b waits for the vendor",
    ]
