"""Helpers every command shares: exit codes, date arguments, error reports, output choice."""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import BinaryIO

import backplan
from backplan.errors import BackplanError, PlanError, PlanValidationError
from backplan.io.writing import DEFAULT_WAIT_SECONDS

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_INTERNAL_ERROR", "EXIT_OK", "add_capacity_option",
    "add_command", "add_edit_options", "add_format_option", "add_plan_argument",
    "add_today_option", "iso_date", "keep_until_exit", "load_command_plan", "report",
    "resolve_today", "seconds", "share", "use_color", "utf8_stdout", "whole_number",
]

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2
#: An uncaught exception: a bug in backplan (``EX_SOFTWARE`` of sysexits.h).
EXIT_INTERNAL_ERROR = 70

#: What the ``backplan`` program's commands keep until the process ends (:func:`keep_until_exit`).
_KEPT_UNTIL_EXIT: list[object] = []


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str, *, help: str, examples: str,
) -> argparse.ArgumentParser:
    """A sub-command parser whose ``--help`` ends with ``examples``."""
    return commands.add_parser(
        name, help=help, description=help[:1].upper() + help[1:] + ".",
        epilog=f"examples:\n{examples}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_plan_argument(
    parser: argparse.ArgumentParser, help: str = "plan file (YAML or JSON)",
) -> None:
    """Add the positional ``plan`` file argument."""
    parser.add_argument("plan", help=help)


def add_today_option(
    parser: argparse.ArgumentParser,
    help: str = "plan from this date (YYYY-MM-DD); default: the current date",
) -> None:
    """Add ``--today`` (an ISO date; ``None`` means the current date)."""
    parser.add_argument("--today", type=iso_date, default=None, help=help)


def add_capacity_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--ignore-capacity``: schedule by precedence alone even when the plan books people
    (``backplan.schedule_plan(..., ignore_capacity=True)``)."""
    parser.add_argument(
        "--ignore-capacity", action="store_true", dest="ignore_capacity",
        help="schedule by precedence alone, as if people had unlimited hours (default: a plan "
             "whose actions book people is levelled to their hours)")


def add_format_option(
    parser: argparse.ArgumentParser, choices: Sequence[str], *,
    default: str | None = None, required: bool = False, help: str | None = None,
) -> None:
    """Add ``--format``; ``help`` defaults to ``output format (default: <default>)``."""
    parser.add_argument("--format", choices=choices, default=default, required=required,
                        help=help if help is not None else f"output format (default: {default})")


def iso_date(text: str) -> dt.date:
    """An argparse type for ``YYYY-MM-DD`` (only that form: not ``20270105`` or week dates)."""
    try:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


#: The arguments that name files a command reads (``-o`` may name none of them).
_INPUT_ARGUMENTS = ("plan", "portfolio", "scenarios", "checkins", "baseline")


def refuse_output_over_input(args: argparse.Namespace) -> None:
    """Refuse, before anything runs, an ``-o FILE`` that is a file the command reads: the
    output would replace what the user wrote (``backplan ics plan.yaml -o plan.yaml``).

    Example:
        >>> args = argparse.Namespace(plan="examples/fcr.yaml", output="./examples/fcr.yaml")
        >>> refuse_output_over_input(args)
        Traceback (most recent call last):
        backplan.errors.BackplanError: -o ./examples/fcr.yaml is the plan file this command ...
    """
    output = getattr(args, "output", None)
    if not isinstance(output, str) or not os.path.exists(output):
        return
    for name in _INPUT_ARGUMENTS:
        source = getattr(args, name, None)
        if isinstance(source, str) and os.path.exists(source) and os.path.samefile(source,
                                                                                   output):
            raise BackplanError(f"-o {output} is the {name} file this command reads; write the "
                                "output to another file (nothing was written)")


#: The most Monte Carlo runs a command takes: 10 million runs of a small plan take minutes.
MAX_SAMPLES = 10_000_000


def add_samples_option(parser: argparse.ArgumentParser, *, default: int, help: str) -> None:
    """``--samples N``: Monte Carlo runs, 1 to :data:`MAX_SAMPLES` (every command alike)."""
    parser.add_argument("--samples", default=default, help=help, type=whole_number(
        1, MAX_SAMPLES, unit="runs", why="10 million runs take minutes"))


def add_seed_option(parser: argparse.ArgumentParser, *, help: str) -> None:
    """``--seed N``: a whole number from 0 (every command alike)."""
    parser.add_argument("--seed", type=whole_number(0), default=0, help=help)


def whole_number(
    minimum: int | None = None, maximum: int | None = None, *, unit: str = "", why: str = "",
) -> Callable[[str], int]:
    """An argparse type for whole numbers from ``minimum`` to ``maximum`` (``10_000``/``10,000``
    too); ``why`` says what the maximum is.

    Example:
        >>> whole_number(1, unit="runs")("10_000")
        10000
        >>> whole_number(0, 1440, unit="minutes", why="a day")("2000")
        Traceback (most recent call last):
        argparse.ArgumentTypeError: expected a whole number of minutes of at most 1440 (a day), got 2000
    """
    noun = f" of {unit}" if unit else ""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number{noun}, got {text!r}") from None
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(
                f"expected a whole number{noun} of at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            because = f" ({why})" if why else ""
            raise argparse.ArgumentTypeError(
                f"expected a whole number{noun} of at most {maximum}{because}, got {value}")
        return value

    return parse


def seconds(text: str) -> float:
    """An argparse type for a wait in seconds: a number from 0 to 3600.

    Example:
        >>> seconds("2.5")
        2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"expected 0 to 3600 seconds, got {text}")
    return value


def add_edit_options(parser: argparse.ArgumentParser, *, strict: bool = True) -> None:
    """Add the options of commands that edit the plan file: ``--wait``, ``--force`` and
    (``strict``) ``--strict``."""
    parser.add_argument(
        "--wait", type=seconds, default=DEFAULT_WAIT_SECONDS, metavar="SECONDS",
        help="while another edit holds the file, wait this long before giving up "
             f"(default: {DEFAULT_WAIT_SECONDS:g})")
    parser.add_argument("--force", action="store_true",
                        help="edit the file even when it is read-only")
    if strict:
        parser.add_argument("--strict", action="store_true",
                            help="refuse implausible dates (more than a year away from the "
                                 "plan's dates and today) instead of warning")


def share(*, closed: bool = True) -> Callable[[str], float]:
    """An argparse type for a share: ``0.8`` or ``80%``, from 0 to 1 (``closed``) or strictly between.

    Example:
        >>> share()("80%"), share(closed=False)("0.5")
        (0.8, 0.5)
    """

    def parse(text: str) -> float:
        percent = text.endswith("%")
        try:
            value = float(text[:-1] if percent else text) / (100 if percent else 1)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a share such as 0.8 or 80%, got {text!r}") from None
        if not (0.0 <= value <= 1.0 if closed else 0.0 < value < 1.0):
            bounds = "from 0 to 1" if closed else "between 0 and 1 (exclusive)"
            raise argparse.ArgumentTypeError(f"expected a share {bounds}, got {text}")
        return value

    return parse


def resolve_today(value: dt.date | None) -> dt.date:
    """The ``--today`` given, else the current date (only the CLI reads the clock)."""
    return value if value is not None else dt.date.today()


def use_color() -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org:
    any value but the empty one) or the terminal is ``TERM=dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def keep_until_exit(args: argparse.Namespace, *results: object) -> None:
    """Hold a command's ``results`` (its plan, its schedule) until the ``backplan`` program ends.

    The program ends without freeing its objects one by one (:func:`backplan.cli.run`), but a
    command's own objects would be freed as it returns: 50-60 ms for a 100,000-action plan and
    its schedule, a twentieth of the whole run. Run from another program
    (:func:`backplan.cli.main`, ``args.program`` false), nothing is held.

    Example:
        >>> keep_until_exit(argparse.Namespace(program=False), object())
        >>> _KEPT_UNTIL_EXIT
        []
    """
    if getattr(args, "program", False):
        _KEPT_UNTIL_EXIT.extend(results)


def load_command_plan(args: argparse.Namespace) -> backplan.Plan:
    """The plan file ``args.plan``, loaded (:func:`backplan.load_plan`) and kept until the
    program ends (:func:`keep_until_exit`): every command loads its plan through this.

    Example:
        >>> args = argparse.Namespace(plan="examples/fcr.yaml", program=False)
        >>> load_command_plan(args).goal.id, _KEPT_UNTIL_EXIT
        ('fcr-80', [])
    """
    plan = backplan.load_plan(args.plan)
    keep_until_exit(args, plan)
    return plan


def load_command_plan_or_portfolio(
    args: argparse.Namespace,
) -> backplan.Plan | backplan.Portfolio:
    """The plan file ``args.plan`` loaded as :func:`load_command_plan` loads it or, when it is a
    portfolio file, the portfolio and its plans (:func:`backplan.load_portfolio`), kept until the
    program ends. The file is read once more only when it does not hold a plan.

    Example:
        >>> args = argparse.Namespace(plan="examples/portfolio/portfolio.yaml", program=False)
        >>> load_command_plan_or_portfolio(args).id
        'cx-2027'
    """
    try:
        return load_command_plan(args)
    except PlanValidationError:
        if not backplan.is_portfolio(args.plan):
            raise
    portfolio = backplan.load_portfolio(args.plan)
    keep_until_exit(args, portfolio)
    return portfolio


def utf8_stdout(args: argparse.Namespace) -> BinaryIO | None:
    """The bytes under standard output, flushed, when text printed there goes out as UTF-8
    unchanged: the ``backplan`` program's own ``sys.stdout`` (``args.program``, set by
    :func:`backplan.cli.run`: nothing can have reconfigured it), encoding UTF-8, where lines
    end in ``\n``. Else None (a program that runs :func:`backplan.cli.main`, which may have
    caught or reconfigured the output; another encoding; Windows): then print text."""
    stream = sys.stdout
    if not getattr(args, "program", False) or stream is not sys.__stdout__ or (
            type(stream) is not io.TextIOWrapper or os.linesep != "\n"):
        return None
    try:
        if codecs.lookup(stream.encoding).name != "utf-8":
            return None
    except LookupError:  # pragma: no cover - the stream could not have been made
        return None
    stream.flush()
    binary: BinaryIO = stream.buffer
    return binary


def report(error: BackplanError) -> None:
    """Print an error in a few lines on stderr, without a traceback."""
    if isinstance(error, PlanError):
        print(str(error), file=sys.stderr)
    else:
        print(f"backplan: {error}", file=sys.stderr)
