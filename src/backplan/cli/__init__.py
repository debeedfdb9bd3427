"""The ``backplan`` command: parse arguments, call the public API, print. No logic of its own.

Each command lives in its own module here with ``register(commands)`` adding its subparser and
setting ``run``. Exit codes: 0 success (feasible or not), 1 with ``--strict`` when the plan is
infeasible, 2 bad input (the problems are printed, one per line, without a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import backplan
from backplan.cli import _export, _fix, _load, _priorities, _risk, _schedule, _staffing, _track
from backplan.cli._common import EXIT_BAD_INPUT, EXIT_OK, report
from backplan.errors import BackplanError

__all__ = ["main", "run"]

#: Modules whose ``register(commands)`` adds a command, in ``--help`` order.
COMMANDS = (_schedule, _fix, _track, _risk, _export, _priorities, _load, _staffing)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="backplan",
        description="Backward goal-setting: work back from a target date to dated actions.",
    )
    parser.add_argument("--version", action="version", version=f"backplan {backplan.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    return parser


def run() -> NoReturn:
    """The ``backplan`` program: :func:`main`, with pydantic plugins off unless asked for.

    Looking for pydantic plugins reads every installed package's metadata (about 50 ms at each
    start); set ``PYDANTIC_DISABLE_PLUGINS`` yourself (empty: keep them all) to choose.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BackplanError as error:
        report(error)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:  # an output path in a missing folder, a read-only file, a full disk
        where = f"{error.filename}: " if error.filename is not None else ""
        print(f"backplan: {where}{error.strerror or error} (check the path, that its folder "
              "exists and that it may be written)", file=sys.stderr)
        return EXIT_BAD_INPUT
