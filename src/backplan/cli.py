"""The ``backplan`` command: parse arguments, call the public API, print. No logic of its own.

Exit codes: 0 success (feasible or not), 1 with ``--strict`` when the plan is infeasible,
2 bad input (the problems are printed, one per line, without a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence

import backplan
from backplan.errors import BackplanError, PlanError

__all__ = ["main"]

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2

_EPILOG_SCHEDULE = """examples:
  backplan schedule examples/fcr.yaml
  backplan schedule examples/aht.yaml --today 2026-11-23 --format json
  backplan schedule plan.yaml --strict   # exit 1 when the timeline cannot be met
"""


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backplan",
        description="Backward goal-setting: work back from a target date to dated actions.",
    )
    parser.add_argument("--version", action="version", version=f"backplan {backplan.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    schedule = commands.add_parser(
        "schedule", help="schedule a plan backward from its due date and flag what cannot be met",
        epilog=_EPILOG_SCHEDULE, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    schedule.add_argument("plan", help="plan file (YAML or JSON)")
    schedule.add_argument("--today", type=_iso_date, default=None,
                          help="plan from this date (YYYY-MM-DD); default: the current date")
    schedule.add_argument("--format", choices=("table", "json", "csv"), default="table",
                          help="output format (default: table)")
    schedule.add_argument("--strict", action="store_true",
                          help="exit 1 when the plan is infeasible")
    schedule.set_defaults(run=_run_schedule)

    validate = commands.add_parser(
        "validate", help="check a plan file and list every problem",
        epilog="example:\n  backplan validate examples/fcr.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("plan", help="plan file (YAML or JSON)")
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          help="output format (default: text)")
    validate.set_defaults(run=_run_validate)
    return parser


def _run_schedule(args: argparse.Namespace) -> int:
    plan = backplan.load_plan(args.plan)
    today = args.today if args.today is not None else dt.date.today()
    schedule = backplan.schedule_plan(plan, today=today)
    if args.format == "json":
        print(schedule.to_json())
    elif args.format == "csv":
        sys.stdout.write(backplan.to_csv(schedule))
    else:
        print(backplan.format_table(schedule, color=sys.stdout.isatty()))
    return EXIT_INFEASIBLE if args.strict and not schedule.feasible else EXIT_OK


def _run_validate(args: argparse.Namespace) -> int:
    try:
        plan = backplan.load_plan(args.plan)
    except PlanError as error:
        if args.format == "json":
            print(json.dumps({"valid": False,
                              "problems": [p.to_dict() for p in error.problems]}, indent=2))
            return EXIT_BAD_INPUT
        raise
    if args.format == "json":
        print(json.dumps({"valid": True, "problems": []}, indent=2))
    else:
        print(f"{args.plan}: valid ({plan})")
    return EXIT_OK


def _report(error: BackplanError) -> None:
    if isinstance(error, PlanError):
        print(str(error), file=sys.stderr)
    else:
        print(f"backplan: {error}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BackplanError as error:
        _report(error)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
