"""``backplan staffing``: agents needed on the queue (Erlang C or A) and the headcount to roster."""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable

import backplan
from backplan.cli._common import EXIT_OK, add_command, add_format_option
from backplan.staffing.text import NUMBER as _NUMBER
from backplan.staffing.text import duration_seconds, service_level_target, share_value

__all__ = ["MAX_ROWS", "duration_seconds", "register", "target", "volumes"]

#: The most volumes one range may give (a longer table is a typo in the range or the step).
MAX_ROWS = 1_000


def _duration_type(
    what: str, *, minimum: float = 0.0, examples: str, too_short: str = "",
) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            seconds = duration_seconds(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {what} such as {examples}, got {text!r}") from None
        if not math.isfinite(seconds) or seconds <= minimum:
            limit = f"above {minimum:g} seconds" if minimum else "above 0"
            raise argparse.ArgumentTypeError(
                f"expected {what} {limit}, got {text!r}" + (f" ({too_short})" if too_short else ""))
        return seconds

    return parse


def _interval(text: str) -> float:
    seconds = _duration_type("an interval length", examples="15m, 30m, 1h or 900s")(text)
    if seconds < 60:
        raise argparse.ArgumentTypeError(
            f"expected an interval of at least 1 minute, got {text!r} ({seconds:g} seconds); "
            f"did you mean {text.strip()}m?")
    return seconds


def target(text: str) -> tuple[float, float]:
    """A service-level target ``X/T``: X% answered within T (seconds, or a duration).

    Example:
        >>> target("80/20"), target("90%/15s")
        ((0.8, 20.0), (0.9, 15.0))
    """
    try:
        return service_level_target(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def volumes(text: str) -> float | list[float]:
    """Contacts per interval: a number, or a list from a range ``FROM..TO[/STEP]`` (step 1).

    Example:
        >>> volumes("100"), volumes("80..120/20"), volumes("1.5..2.5/0.5")
        (100.0, [80.0, 100.0, 120.0], [1.5, 2.0, 2.5])
    """
    cleaned = text.strip().replace("_", "")
    match = re.fullmatch(rf"({_NUMBER})(?:\s*\.\.\s*({_NUMBER})(?:\s*/\s*({_NUMBER}))?)?", cleaned,
                         re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(
            f"expected a number of contacts (100) or a range FROM..TO/STEP (80..140/10), "
            f"got {text!r}")
    first, last, step = match.groups()
    if last is None:
        return float(first)
    start, stop, by = float(first), float(last), float(step) if step is not None else 1.0
    if stop < start or by <= 0:
        raise argparse.ArgumentTypeError(
            f"expected a range from a smaller to a larger volume with a step above 0, got {text!r}")
    count = math.floor((stop - start) / by + 1e-9) + 1
    if count > MAX_ROWS:
        raise argparse.ArgumentTypeError(
            f"the range {text!r} gives {count:,} volumes, more than {MAX_ROWS:,}; use a larger step")
    return [round(start + k * by, 9) for k in range(count)]


def _share(name: str, *, zero: bool, one: bool, hint: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = share_value(text)
        except ValueError:
            value = math.nan
        above_low = value >= 0.0 if zero else value > 0.0
        below_high = value <= 1.0 if one else value < 1.0
        if not (above_low and below_high):  # NaN fails both
            low = "from 0" if zero else "above 0"
            high = "and at most 1" if one else "up to (not including) 1"
            raise argparse.ArgumentTypeError(
                f"expected {name} as a share {low} {high}, such as 0.3 or 30%, got {text!r} "
                f"({hint})")
        return value

    return parse


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``staffing``."""
    staffing = add_command(
        commands, "staffing",
        help="agents needed on the queue for a service-level target (Erlang C, or Erlang A with "
             "a patience), the headcount to roster after shrinkage, and the service level, ASA, "
             "occupancy and probability of waiting they give",
        examples=(
            "  backplan staffing --volume 100 --interval 30m --aht 180s --target 80/20\n"
            "  backplan staffing --volume 100 --interval 30m --aht 3:00 --target 80/20 "
            "--shrinkage 0.3 --max-occupancy 0.85 --format json\n"
            "  backplan staffing --volume 80..140/10 --interval 30m --aht 180s --target 80/20 "
            "--shrinkage 30%\n"
            "  backplan staffing --volume 250 --interval 15m --aht 5:30 --target 90/30 "
            "--patience 2m"
        ),
    )
    staffing.add_argument(
        "--volume", type=volumes, required=True, metavar="CONTACTS",
        help="contacts offered in the interval, or a range FROM..TO/STEP (80..140/10) for a "
             "table of what-ifs")
    staffing.add_argument("--interval", type=_interval, required=True, metavar="LENGTH",
                          help="interval length: 15m, 30m, 1h, 900s ...")
    staffing.add_argument(
        "--aht", type=_duration_type("an average handle time", examples="180s, 3m or 3:00"),
        required=True, metavar="TIME",
        help="average handle time: 180, 180s, 3m or 3:00 (m:ss); a bare number is seconds")
    staffing.add_argument("--target", type=target, required=True, metavar="PERCENT/SECONDS",
                          help="service-level target: 80/20 is 80%% answered within 20 seconds")
    staffing.add_argument(
        "--shrinkage", type=_share("the shrinkage", zero=True, one=False,
                                   hint="a shrinkage of 100% leaves no time on the queue"),
        default=0.0, help="share of paid time off the queue: 0.3 or 30%% (default: 0)")
    staffing.add_argument(
        "--max-occupancy", type=_share("the maximum occupancy", zero=False, one=True,
                                       hint="no finite staffing keeps occupancy at 0"),
        default=None, metavar="SHARE",
        help="also keep occupancy at or below this share: 0.85 or 85%% (default: no maximum)")
    staffing.add_argument(
        "--patience", type=_duration_type("a mean patience", examples="90s, 2m or 1:30"),
        default=None, metavar="TIME",
        help="mean time a waiting contact stays before abandoning: Erlang A instead of Erlang C")
    add_format_option(staffing, ("table", "json"), default="table")
    staffing.set_defaults(run=run_staffing)


def run_staffing(args: argparse.Namespace) -> int:
    """Compute the staffing for each volume and print it."""
    level, answer = args.target
    ranged = isinstance(args.volume, list)
    rows = [
        backplan.required_staffing(
            volume, interval_seconds=args.interval, aht_seconds=args.aht,
            target_service_level=level, target_answer_seconds=answer, shrinkage=args.shrinkage,
            max_occupancy=args.max_occupancy, patience_seconds=args.patience,
        )
        for volume in (args.volume if ranged else [args.volume])
    ]
    if args.format == "json":
        data = [row.to_dict() for row in rows] if ranged else rows[0].to_dict()
        print(json.dumps(data, indent=2))
    else:
        print(backplan.staffing_table(rows) if ranged else rows[0])
    return EXIT_OK
