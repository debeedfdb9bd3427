"""``backplan risk``: Monte Carlo schedule risk, the buffer to commit to, and the risk matrix."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

import backplan
from backplan.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_format_option,
    add_plan_argument,
    add_samples_option,
    add_seed_option,
    add_today_option,
    load_command_plan,
    resolve_today,
    share,
)

__all__ = ["register"]

#: Draw the progress bar only once a run has taken this long (seconds), so short runs stay quiet.
PROGRESS_AFTER = 0.5


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``risk``."""
    risk = add_command(
        commands, "risk",
        help="simulate the plan many times: the chance of meeting the due date, P50/P80/P95 "
             "dates, the actions and risks that drive it, and the buffer to commit to",
        examples="  backplan risk examples/risk.yaml --today 2026-11-23\n"
                 "  backplan risk examples/capacity.yaml --today 2026-11-23   # levelled\n"
                 "  backplan risk examples/capacity.yaml --today 2026-11-23 --ignore-capacity\n"
                 "  backplan risk examples/risk.yaml --today 2026-11-23 --samples 100000 --seed 7 "
                 "--format json\n"
                 "  backplan risk examples/risk.yaml --today 2026-11-23 --confidence 90% "
                 "--threshold 0.7 --strict   # exit 1: below a 70% chance",
    )
    add_plan_argument(risk)
    add_samples_option(risk, default=10_000, help="number of runs (default: 10000)")
    add_seed_option(risk, help="random seed; the same seed gives the same result (default: 0)")
    add_today_option(risk, "simulate from this date (YYYY-MM-DD); default: the current date")
    risk.add_argument("--confidence", type=share(closed=False), default=0.8,
                      help="confidence the buffer and commit date are given for (default: 0.8)")
    risk.add_argument("--threshold", type=share(closed=True), default=0.5,
                      help="flag low-confidence below this chance of meeting the due date "
                           "(default: 0.5)")
    risk.add_argument("--distribution", choices=("pert", "triangular"), default="pert",
                      help="spread of estimates that do not name one (default: pert)")
    risk.add_argument("--scheduler", choices=("auto", "network", "levelled"), default="auto",
                      help="auto: as every command schedules, levelled to people's hours when "
                           "the plan books people, else by precedence; network: precedence only "
                           "(fast, vectorised); levelled: level every distinct run "
                           "(default: auto)")
    add_capacity_option(risk)
    add_format_option(risk, ("table", "json"), default="table")
    risk.add_argument("--strict", action="store_true",
                      help="exit 1 when the chance of meeting the due date or every deadline "
                           "is below the threshold, or when nothing is uncertain and the plan "
                           "misses a deadline")
    risk.set_defaults(run=run_risk)


class _ProgressBar:
    """A one-line bar on a terminal's stderr, drawn only once a run has lasted a while."""

    def __init__(self, stream: TextIO, *, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.began = time.monotonic()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.drawn and time.monotonic() - self.began < PROGRESS_AFTER:
            return
        filled = round(self.width * done / total)
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.width - filled)}] "
                          f"{done:,}/{total:,} runs")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
            self.stream.flush()


def run_risk(args: argparse.Namespace) -> int:
    """Simulate the plan and print the result; exit 1 with ``--strict`` on any flag."""
    if args.scheduler == "levelled" and args.ignore_capacity:
        print("backplan risk: --scheduler levelled counts people's hours and --ignore-capacity "
              "asks not to: give one of them", file=sys.stderr)
        return EXIT_BAD_INPUT
    plan = load_command_plan(args)
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        simulation = backplan.simulate_schedule(
            plan, today=resolve_today(args.today), samples=args.samples, seed=args.seed,
            distribution=args.distribution, confidence=args.confidence,
            threshold=args.threshold, scheduler=args.scheduler,
            ignore_capacity=args.ignore_capacity, progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    print(simulation.to_json() if args.format == "json" else simulation)
    return EXIT_INFEASIBLE if args.strict and simulation.flags else EXIT_OK
