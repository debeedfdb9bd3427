"""From file to file: load, validate, schedule and write big plans, against a quick script (issue 16).

Run from the repository root:

    python bench/bench_files.py            # 1k, 10k, 100k (JSON), 10k (YAML): ~3 min when quiet
    python bench/bench_files.py --quick    # 1k and 10k, fewer repeats (~30 s)
    python bench/bench_files.py --also-src OTHER/src   # the end-to-end run of another checkout too

For each size a plan is generated (``bench_schedule.make_plan``: 2-4 predecessors, mean 3, a lag on
one action in ten, holidays) and written as a JSON plan file with ``dump_plan``; 10k also as YAML
(``dump_plan``'s block style). Then, all in this one run:

* stages in this process (medians, garbage collector as in the CLI: on, except where backplan
  pauses it): ``load`` (read the file, parse the text), ``validate`` (items, references: a
  ``Plan``), ``load_plan`` (the two through the public function), ``schedule``
  (``schedule_plan``), ``write`` (``Schedule.write_json`` into a file, as the CLI writes);
* ``end to end``: ``backplan schedule PLAN --format json --today ... > out.json`` as a
  subprocess (file in, file out; modules loaded from their bytecode cache, as after an
  installation), its peak RSS (``ru_maxrss`` of the child);
* ``quick script``: ``bench/quick_schedule.py`` on the same file (``json.load`` or PyYAML's C
  loader, networkx, two loops), run alternately with the CLI so both see the same machine;
  ``ratio`` = end to end / quick script.

Then the levelled scheduler on PSPLIB (``bench_psplib.py``'s default sets: all 480 j30 and every
5th j120 instance; ``--quick``: every 10th and every 20th; ``--no-psplib``: none): the mean gap to
the optimum or best known makespan, and the CPU time per instance.

The run checks that the CLI's JSON and the quick script agree on the minimum slack and the
earliest completion, then prints issue 16's targets with PASS or MISS: 100k JSON end to end
<= 0.25 x the quick script, YAML 10k end to end <= the quick script, peak RSS at 100k <= 1 GiB,
PSPLIB j30 mean gap <= 0.33 % and j120 <= 3.0 %, each at <= 0.2 s CPU per instance.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_schedule import TODAY, make_plan

REPO = Path(__file__).resolve().parents[1]
QUICK_SCRIPT = REPO / "bench" / "quick_schedule.py"
GIB = 1 << 30


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()``; what it returns is let go, and a full collection run,
    between runs (not inside one's time)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        del result
    return statistics.median(times)


#: Runs a command and reports its wall time and peak RSS: a small process of its own forks it, so
#: that the child's peak is its own (a child forked or spawned from this process inherits this
#: process's peak, and this process holds the generated plans).
_RUNNER = """
import os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(report, "w") as out:
    out.write(f"{elapsed} {usage.ru_maxrss * 1024} {os.waitstatus_to_exitcode(status)}")
"""


def run_child(cmd: list[str], *, env: dict[str, str], stdout: Path | None = None
              ) -> tuple[float, int]:
    """Wall time and peak RSS (bytes) of ``cmd`` run as a child process (see :data:`_RUNNER`)."""
    with open(stdout or os.devnull, "wb") as out, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report"
        done = subprocess.run([sys.executable, "-c", _RUNNER, str(report), *cmd], stdout=out,
                              stderr=subprocess.PIPE, env=env, check=False)
        elapsed, rss, code = report.read_text().split()
        if int(code) != 0 or done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
            raise SystemExit(f"{' '.join(cmd)}: exit {code}: {message[-1]}")
    return float(elapsed), int(rss)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def cli_command() -> list[str]:
    """The console script pip installed beside this interpreter (a version manager's shim on
    ``PATH``, such as pyenv's, would add its own start-up), else ``python -m backplan``."""
    beside = Path(sys.executable).with_name("backplan")
    script = str(beside) if beside.exists() else shutil.which("backplan")
    return [script] if script else [sys.executable, "-m", "backplan"]


def child_env(src: Path) -> dict[str, str]:
    """Environment for the children: ``src`` first on the path, bytecode cached as installed."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, env=env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env


def stages(path: Path, out: Path, repeats: int) -> dict[str, float]:
    """Medians of each stage, in this process (see the module docstring)."""
    from backplan._gc import paused_gc
    from backplan.io import load_plan
    from backplan.io.plan_files import plain_plan_data, plan_check_problems
    from backplan.models.fast import fast_plan
    from backplan.scheduling import schedule_plan

    def parse() -> object:
        with paused_gc():  # as load_plan reads
            text = path.read_text(encoding="utf-8")
            return plain_plan_data(text, source=str(path))

    data = parse()
    assert isinstance(data, dict), "the generated plan must read the fast way"

    def validate() -> object:
        with paused_gc():
            plan = fast_plan(data)
            if plan is None or plan_check_problems(plan):
                raise RuntimeError("the generated plan must validate the fast way")
            return plan

    plan = load_plan(path)
    schedule = schedule_plan(plan, today=TODAY)
    return {
        "load": median_time(parse, repeats),
        "validate": median_time(validate, repeats),
        "load_plan": median_time(lambda: load_plan(path), repeats),
        "schedule": median_time(lambda: schedule_plan(plan, today=TODAY), repeats),
        "write": median_time(lambda: write(schedule, out), repeats),
    }


def write(schedule: Any, out: Path) -> None:
    """What the CLI does with ``--format json`` (UTF-8 output): the text in pieces, and a
    newline."""
    with out.open("wb") as file:
        schedule.write_json(file)
        file.write(b"\n")


def end_to_end(path: Path, out: Path, repeats: int, *, env: dict[str, str],
               also: dict[str, str] | None) -> dict[str, float]:
    """The CLI and the quick script, alternately; medians, the CLI's peak RSS, and checks."""
    cli = [*cli_command(), "schedule", str(path), "--format", "json", "--today",
           TODAY.isoformat()]
    quick = [sys.executable, str(QUICK_SCRIPT), str(path), TODAY.isoformat()]
    quick_out = out.with_suffix(".quick.json")
    run_child(cli, env=env, stdout=out)  # warm the file cache
    run_child(quick, env=env, stdout=quick_out)
    answer = json.loads(quick_out.read_text())
    result = json.loads(out.read_text(encoding="utf-8"))
    for key in ("min_slack", "earliest_completion"):
        if result[key] != answer[key]:
            print(f"  WARNING: {path.name}: backplan {key} {result[key]} != quick script "
                  f"{answer[key]}")
    times: dict[str, list[float]] = {"cli": [], "quick": [], "also": []}
    peak = 0
    for _ in range(repeats):
        elapsed, rss = run_child(cli, env=env, stdout=out)
        times["cli"].append(elapsed)
        peak = max(peak, rss)
        times["quick"].append(run_child(quick, env=env, stdout=quick_out)[0])
        if also is not None:
            times["also"].append(run_child(cli, env=also, stdout=out.with_suffix(".also"))[0])
    figures = {name: statistics.median(values) for name, values in times.items() if values}
    figures["rss"] = peak
    if also is not None and out.with_suffix(".also").read_bytes() != out.read_bytes():
        print(f"  NOTE: {path.name}: the other checkout's output differs")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer repeats")
    parser.add_argument("--sizes", type=int, nargs="+", help="action counts (default 1k 10k 100k)")
    parser.add_argument("--repeats", type=int, help="end-to-end runs per size (default 5, 3 quick)")
    parser.add_argument("--also-src", type=Path,
                        help="the src folder of another checkout, to run end to end as well")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--no-psplib", action="store_true", dest="no_psplib",
                        help="leave out the levelled scheduler on PSPLIB j30/j120")
    args = parser.parse_args(argv)

    sizes = args.sizes or ([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000])
    runs = args.repeats or (3 if args.quick else 5)
    print(f"backplan file bench: Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs{' (quick)' if args.quick else ''}")
    gc.collect()
    calibration = statistics.median(
        _timed(lambda: sum(range(3_000_000))) for _ in range(5))
    print(f"machine speed: sum(range(3_000_000)) takes {fmt(calibration).strip()} "
          "(compare runs by it)")
    env = child_env(REPO / "src")
    also = child_env(args.also_src.resolve()) if args.also_src else None
    verdicts: dict[str, tuple[float, float, str]] = {}
    with tempfile.TemporaryDirectory(prefix="backplan-bench-") as folder:
        files = []
        for n in sizes:
            from backplan.io import dump_plan

            plan = make_plan(n, seed=args.seed).plan
            files.append((n, Path(folder) / f"plan-{n}.json"))
            dump_plan(plan, files[-1][1])
            if n == 10_000:
                files.append((n, Path(folder) / f"plan-{n}.yaml"))
                dump_plan(plan, files[-1][1])
        print(f"{'plan':>12} {'load':>12} {'validate':>12} {'load_plan':>12} {'schedule':>12} "
              f"{'write':>12} | {'end to end':>12} {'quick script':>12} {'ratio':>6} "
              f"{'peak RSS':>9}" + (f" {'other src':>12}" if also else ""))
        for n, path in files:
            out = path.with_suffix(".out.json")
            repeats = {1_000: 11, 10_000: 5}.get(n, 3)
            stage = stages(path, out, 3 if args.quick else repeats)
            e2e = end_to_end(path, out, runs, env=env, also=also)
            ratio = e2e["cli"] / e2e["quick"]
            label = f"{n // 1000}k {path.suffix[1:]}"
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            print(f"{label:>12} " + " ".join(fmt(stage[k]) for k in (
                "load", "validate", "load_plan", "schedule", "write"))
                + f" | {fmt(e2e['cli'])} {fmt(e2e['quick'])} {ratio:6.2f} "
                f"{e2e['rss'] / 2**20:6.0f} MB" + (f" {fmt(e2e['also'])}" if also else "")
                + f"   ({size})")
            if n == 100_000 and path.suffix == ".json":
                verdicts["100k JSON end to end / quick script"] = (ratio, 0.25, "x")
                verdicts["100k JSON peak RSS"] = (e2e["rss"] / GIB, 1.0, "GiB")
            if n == 10_000 and path.suffix == ".yaml":
                verdicts["10k YAML end to end / quick script"] = (ratio, 1.0, "x")
    if not args.no_psplib:
        verdicts |= psplib_verdicts(quick=args.quick)
    print("targets (issue 16):")
    for name, (got, target, unit) in verdicts.items():
        digits = 3 if unit == "s" else 2
        print(f"  {name:<38} {got:6.{digits}f} {unit:<3} target <= {target:.2f} {unit:<3} "
              f"{'PASS' if got <= target else 'MISS'}")
    return 0


def psplib_verdicts(*, quick: bool) -> dict[str, tuple[float, float, str]]:
    """The levelled scheduler on PSPLIB j30 and j120 (``bench_psplib.py``'s default sets, or its
    ``--quick`` ones), reported as that bench reports them; its issue-16 targets."""
    from bench_psplib import (
        DATA,
        EVERY,
        GAP_TARGETS,
        QUICK,
        TIME_TARGETS,
        gap_and_time,
        report,
        run_set,
    )

    if not (DATA / "summary.csv").exists():
        print(f"PSPLIB data not found in {DATA} (set BACKPLAN_PSPLIB)")
        return {}
    verdicts = {}
    for name in ("j30", "j120"):
        every = (QUICK if quick else EVERY)[name]
        print(f"PSPLIB {name}, every {every} instance(s), levelled schedule (seed 0):")
        rows = run_set(name, every, None, 0)
        report(name, rows)
        gap, seconds = gap_and_time(rows)
        verdicts[f"PSPLIB {name} mean gap"] = (gap, GAP_TARGETS[name], "%")
        verdicts[f"PSPLIB {name} CPU per instance"] = (seconds, TIME_TARGETS[name], "s")
    return verdicts


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
