"""``backplan descope``, ``compare``, ``lint``, ``huddle`` and ``today``: priorities and rhythm."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import backplan
from backplan.cli._common import (
    EXIT_INFEASIBLE,
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_format_option,
    add_plan_argument,
    add_samples_option,
    add_seed_option,
    add_today_option,
    iso_date,
    load_command_plan,
    resolve_today,
    whole_number,
)

__all__ = ["register"]


_minutes = whole_number(0, 1440, unit="minutes", why="a day")


def _long_break(text: str) -> int:
    value = _minutes(text)
    if not 15 <= value <= 30:
        raise argparse.ArgumentTypeError(f"a long break is 15 to 30 minutes, got {value}")
    return value


def _clock(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a time as HH:MM, got {text!r}") from None


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``descope``, ``compare``, ``lint``, ``huddle`` and ``today``."""
    descope = add_command(
        commands, "descope",
        help="propose the smallest sets of could-haves (then should-haves) to drop, or a later "
             "due date, to make an infeasible plan feasible",
        examples="  backplan descope examples/aht.yaml --today 2026-11-23\n"
                 "  backplan descope examples/aht.yaml --today 2026-11-23 --format json\n"
                 "  backplan descope examples/aht.yaml --today 2026-11-23 --max-drop 2"
                 "   # proposals drop at most 2 actions",
    )
    add_plan_argument(descope)
    add_capacity_option(descope)
    add_today_option(descope)
    add_format_option(descope, ("table", "json"), default="table")
    descope.add_argument("--max-drop", type=whole_number(1), default=4, dest="max_drop",
                         help="the most actions one proposal drops (default: 4)")
    descope.add_argument("--max-proposals", type=whole_number(1), default=5, dest="max_proposals",
                         help="the most drop proposals listed (default: 5)")
    descope.set_defaults(run=run_descope)

    compare = add_command(
        commands, "compare",
        help="apply named what-if scenarios to copies of a plan and compare them side by side",
        examples="  backplan compare examples/risk.yaml examples/data/risk-scenarios.yaml "
                 "--today 2026-11-23\n"
                 "  backplan compare examples/risk.yaml examples/data/risk-scenarios.yaml "
                 "--today 2026-11-23 --format json --seed 7\n"
                 "a scenario file (as examples/data/risk-scenarios.yaml):\n"
                 "  scenarios:\n"
                 "    - name: agency-hiring\n"
                 "      changes: [{action: recruit, duration: 15}]\n"
                 "    - name: lean-and-later\n"
                 "      changes: [{drop: ivr-deflection}, {due: 2027-05-14}]",
    )
    add_plan_argument(compare)
    add_capacity_option(compare)
    compare.add_argument("scenarios", help="scenario file (YAML or JSON) with 'scenarios:'")
    add_today_option(compare)
    add_format_option(compare, ("table", "json"), default="table")
    add_samples_option(compare, default=2000,
                       help="Monte Carlo runs per scenario for P80, when the plan has "
                            "estimates or risks (default: 2000)")
    add_seed_option(compare, help="seed of those runs (default: 0)")
    compare.set_defaults(run=run_compare)

    lint = add_command(
        commands, "lint",
        help="check the goal and its key results: Specific, Measurable, Achievable, Relevant, "
             "Time-bound",
        examples="  backplan lint examples/fcr.yaml --today 2026-11-23\n"
                 "  backplan lint examples/risk.yaml --today 2026-11-23 --format json\n"
                 "  backplan lint examples/aht.yaml --today 2026-11-23 --strict"
                 "   # exit 1: a finding is an error",
    )
    add_plan_argument(lint)
    add_capacity_option(lint)
    add_today_option(lint)
    add_format_option(lint, ("text", "json"), default="text")
    lint.add_argument("--strict", action="store_true",
                      help="exit 1 when any finding is an error")
    lint.set_defaults(run=run_lint)

    huddle = add_command(
        commands, "huddle",
        help="the daily huddle brief: key results against their glide paths, the focus metric, "
             "today's and this week's actions, what is late, what is coming, and wins",
        examples="  backplan huddle examples/tracking.yaml --date 2027-01-18 "
                 "--checkins examples/data/tracking-checkins.csv\n"
                 "  backplan huddle examples/tracking.yaml --date 2027-01-18 --format json\n"
                 "  backplan huddle examples/tracking.yaml > huddle.md   # Markdown, for today",
    )
    add_plan_argument(huddle)
    add_capacity_option(huddle)
    huddle.add_argument("--date", type=iso_date, default=None,
                        help="day of the huddle (YYYY-MM-DD); default: the current date")
    huddle.add_argument("--checkins", default=None,
                        help="check-ins CSV (key_result,date,value[,n]) beside those in the plan")
    huddle.add_argument("--days", type=whole_number(1), default=7,
                        help="calendar days ahead for 'coming up' (default: 7)")
    add_format_option(huddle, ("markdown", "json"), default="markdown")
    huddle.set_defaults(run=run_huddle)

    today = add_command(
        commands, "today",
        help="lay a person's due work into their project time as 25-minute pomodoros",
        examples="  backplan today examples/capacity.yaml --person qa-analyst --date 2026-12-08\n"
                 "  backplan today examples/capacity.yaml --person qa-analyst --date 2027-01-18"
                 "   # on leave: says so\n"
                 "  backplan today examples/tracking.yaml --person sam --date 2027-01-18 "
                 "--format ics -o today.ics\n"
                 "  backplan today examples/tracking.yaml --person 'Jo Hart' --minutes 90 "
                 "--start 13:30 --date 2027-01-18",
    )
    add_plan_argument(today)
    add_capacity_option(today)
    today.add_argument("--person", required=True,
                       help="the person's id (or an action owner as written, with --minutes)")
    today.add_argument("--date", type=iso_date, default=None,
                       help="the day to plan (YYYY-MM-DD); default: the current date")
    today.add_argument("--start", type=_clock, default=dt.time(9, 0),
                       help="when project time starts (HH:MM, default: 09:00)")
    today.add_argument("--minutes", type=_minutes, default=None,
                       help="project minutes available (default: the person's hours_per_day)")
    today.add_argument("--long-break", type=_long_break, default=15, dest="long_break",
                       help="minutes of the break after every fourth pomodoro, 15-30 "
                            "(default: 15)")
    add_format_option(today, ("table", "json", "ics"), default="table",
                      help="output format (default: table; ics needs backplan[ical])")
    today.add_argument("-o", "--output", default=None,
                       help="write to this file instead of standard output")
    today.set_defaults(run=run_today)


def run_descope(args: argparse.Namespace) -> int:
    """Print descoping proposals (and the MoSCoW effort shares)."""
    plan = load_command_plan(args)
    today = resolve_today(args.today)
    result = backplan.descope_proposals(plan, today=today, max_drop=args.max_drop,
                                        max_proposals=args.max_proposals,
                                        ignore_capacity=args.ignore_capacity)
    moscow = backplan.moscow_summary(plan, today=today, ignore_capacity=args.ignore_capacity)
    if args.format == "json":
        print(json.dumps({**result.to_dict(), "moscow": moscow.to_dict()}, indent=2,
                         ensure_ascii=False))
    else:
        print(result)
        print()
        print(moscow)
    return EXIT_OK


def run_compare(args: argparse.Namespace) -> int:
    """Print the scenario comparison."""
    plan = load_command_plan(args)
    scenarios = backplan.load_scenarios(args.scenarios)
    comparison = backplan.compare_scenarios(plan, scenarios, today=resolve_today(args.today),
                                            samples=args.samples, seed=args.seed,
                                            ignore_capacity=args.ignore_capacity)
    print(comparison.to_json() if args.format == "json" else comparison)
    return EXIT_OK


def run_lint(args: argparse.Namespace) -> int:
    """Print the SMART findings; exit 1 with ``--strict`` when one is an error."""
    plan = load_command_plan(args)
    report = backplan.lint_plan(plan, today=resolve_today(args.today),
                                ignore_capacity=args.ignore_capacity)
    print(report.to_json() if args.format == "json" else report)
    return EXIT_INFEASIBLE if args.strict and not report.ok else EXIT_OK


def run_huddle(args: argparse.Namespace) -> int:
    """Print the huddle brief."""
    plan = load_command_plan(args)
    brief = backplan.huddle_brief(plan, date=resolve_today(args.date), checkins=args.checkins,
                                  horizon_days=args.days, ignore_capacity=args.ignore_capacity)
    if args.format == "json":
        print(brief.to_json())
    else:
        sys.stdout.write(brief.to_markdown())
    return EXIT_OK


def run_today(args: argparse.Namespace) -> int:
    """Print (or write) the person's pomodoro time-box."""
    plan = load_command_plan(args)
    box = backplan.time_box(plan, person=args.person, date=resolve_today(args.date),
                            start=args.start, long_break_minutes=args.long_break,
                            available_minutes=args.minutes,
                            ignore_capacity=args.ignore_capacity)
    if args.format == "ics":
        data = box.to_ical()
        if args.output:
            Path(args.output).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
        return EXIT_OK
    text = box.to_json() + "\n" if args.format == "json" else str(box) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
