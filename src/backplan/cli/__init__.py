"""The ``backplan`` command: parse arguments, call the public API, print. No logic of its own.

Each command lives in its own module here with ``register(commands)`` adding its subparser and
setting ``run``. Exit codes: 0 success (feasible or not), 1 with ``--strict`` when the plan is
infeasible, 2 bad input (the problems are printed, one per line, without a traceback), 70 an
internal error: an exception backplan did not expect is a bug; it is reported in one line that
names the command and asks for a bug report (``BACKPLAN_DEBUG=1`` shows the traceback), 130
interrupted (Ctrl-C), 120 the error output could not be written at the end.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn

import backplan
from backplan.cli import (
    _export,
    _fix,
    _load,
    _portfolio,
    _priorities,
    _risk,
    _schedule,
    _staffing,
    _track,
)
from backplan.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL_ERROR,
    EXIT_OK,
    refuse_output_over_input,
    report,
)
from backplan.errors import BackplanError, PlanError

__all__ = ["main", "run"]

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Exit status when the error output cannot be written at the end (as CPython's own exit).
EXIT_UNFLUSHED = 120

#: Modules whose ``register(commands)`` adds a command, in ``--help`` order.
COMMANDS = (_schedule, _fix, _track, _risk, _export, _priorities, _load, _portfolio, _staffing)


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
    start); set ``PYDANTIC_DISABLE_PLUGINS`` yourself (empty: keep them all) to choose. It
    ends the process (see :func:`_exit_now`); to run a command and go on, call :func:`main`.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _exit_now(_main(None, program=True))


def _exit_now(code: int) -> NoReturn:
    """End the program with exit status ``code``, without the interpreter's teardown.

    Teardown frees every module and object one by one: 0.06-0.1 s at each run, a quarter of a
    small plan's ``schedule`` and more after a big plan. What of it matters is done first: the
    functions registered with :mod:`atexit` run, and the output is flushed (a reader that
    stopped early is not an error; output that cannot be written is, as in :func:`main`).
    The program exits the usual way (``SystemExit``) when another thread is still running (the
    usual exit waits for it), under a profiler, a tracer or ``python -i`` (they work after the
    program returns), or where CPython offers no way to run the :mod:`atexit` functions
    (``atexit._run_exitfuncs``, in every CPython since 2.x). A program that runs backplan's
    commands within its own process calls :func:`main`, which returns the exit status.
    """
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    watched = sys.getprofile() or sys.gettrace() or sys.flags.inspect  # cProfile, trace, -i
    if run_exit_functions is None or watched or threading.active_count() > 1:
        sys.exit(code)
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, ValueError):  # the reader is gone, or the stream was closed
            pass
        except OSError as error:  # the output could not be written (a full disk)
            if stream is sys.stdout:
                _report_unwritable(error)
                code = EXIT_BAD_INPUT
            else:  # nowhere left to say it: the status CPython's own exit gives
                code = EXIT_UNFLUSHED
    os._exit(code)


def _report_unwritable(error: OSError) -> None:
    """The one line saying that output could not be written, and how to fix it."""
    where = f"{error.filename}: " if error.filename is not None else ""
    with contextlib.suppress(OSError):  # nowhere to say it: the exit status does
        print(f"backplan: {where}{error.strerror or error} (check the path, that its folder "
              "exists and that it may be written)", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises, except ``SystemExit`` from
    ``--help``, ``--version`` and argument errors, which exit 0 or 2)."""
    return _main(argv, program=False)


def _main(argv: Sequence[str] | None, *, program: bool) -> int:
    """:func:`main`; ``program``: called by :func:`run`, the ``backplan`` program itself, whose
    process ends after the command: standard output is the interpreter's own (not a stream a
    calling program may have replaced or reconfigured), and what the command keeps with
    :func:`~backplan.cli._common.keep_until_exit` is never freed."""
    args = build_parser().parse_args(argv)
    args.program = program
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        refuse_output_over_input(args)
        return run(args)
    except BackplanError as error:
        report(_in_plan_file(error, getattr(args, "plan", None)))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as error:  # an output path in a missing folder, a read-only file, a full disk
        _report_unwritable(error)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"backplan {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line for the user, the traceback on request
        if os.environ.get("BACKPLAN_DEBUG"):
            raise
        print(internal_error_line(args.command, error), file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _in_plan_file(error: BackplanError, plan: object) -> BackplanError:
    """A plan error found after loading (no file named) as coming from the plan file."""
    if not (isinstance(error, PlanError) and error.source is None and isinstance(plan, str)):
        return error
    problems = [p if p.file is not None else dataclasses.replace(p, file=plan)
                for p in error.problems]
    return type(error)(problems, source=plan, subject=error.subject)


def internal_error_line(command: str, error: BaseException) -> str:
    """The one line printed for an exception backplan did not expect.

    Example:
        >>> print(internal_error_line("schedule", OverflowError("date value out of range")))
        backplan schedule: internal error: OverflowError: date value out of range. This is a bug
        in backplan: please report it with the command and the plan file (run it again with
        BACKPLAN_DEBUG=1 for the details)
    """
    what = " ".join(str(error).split())
    if len(what) > 200:
        what = what[:197] + "..."
    problem = f"{type(error).__name__}: {what}" if what else type(error).__name__
    return (f"backplan {command}: internal error: {problem}. This is a bug in backplan: please "
            "report it with the command and the plan file (run it again with BACKPLAN_DEBUG=1 "
            "for the details)")
