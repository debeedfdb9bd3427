"""Helpers every command shares: exit codes, date arguments, error reports, output choice."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from backplan.errors import BackplanError, PlanError

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_OK", "add_command", "iso_date", "report",
    "resolve_today", "use_color",
]

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2



def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str, *, help: str, examples: str,
) -> argparse.ArgumentParser:
    """A sub-command parser whose ``--help`` ends with ``examples``."""
    return commands.add_parser(
        name, help=help, description=help[:1].upper() + help[1:] + ".",
        epilog=f"examples:\n{examples}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def iso_date(text: str) -> dt.date:
    """An argparse type for ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def resolve_today(value: dt.date | None) -> dt.date:
    """The ``--today`` given, else the current date (only the CLI reads the clock)."""
    return value if value is not None else dt.date.today()


def use_color() -> bool:
    """Colour only on a terminal."""
    return sys.stdout.isatty()


def report(error: BackplanError) -> None:
    """Print an error in a few lines on stderr, without a traceback."""
    if isinstance(error, PlanError):
        print(str(error), file=sys.stderr)
    else:
        print(f"backplan: {error}", file=sys.stderr)
