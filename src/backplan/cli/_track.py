"""``backplan track``, ``checkin``, ``start``, ``done`` and ``slip``: check-ins and progress."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import backplan
from backplan.calendars import plan_calendar
from backplan.cli._common import (
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_edit_options,
    add_format_option,
    add_plan_argument,
    add_today_option,
    iso_date,
    load_command_plan,
    resolve_today,
    share,
    whole_number,
)

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``track``, ``checkin``, ``start``, ``done`` and ``slip``."""
    track = add_command(
        commands, "track",
        help="compare check-ins with each key result's glide path: status, score, forecast",
        examples="  backplan track examples/tracking.yaml examples/data/tracking-checkins.csv "
                 "--today 2027-01-20\n"
                 "  backplan track examples/tracking.yaml examples/data/tracking-checkins.csv "
                 "--today 2027-01-20 --format json\n"
                 "  backplan track examples/tracking.yaml --today 2027-01-20"
                 "   # only the check-ins written in the plan file\n"
                 "CSV columns: key_result,date,value[,n]  (key_result may be left out when the\n"
                 "plan has one key result; n is the sample size of survey-based rates; values\n"
                 "in seconds may be written m:ss)",
    )
    add_plan_argument(track)
    add_capacity_option(track)
    track.add_argument("checkins", nargs="?", default=None,
                       help="check-ins CSV (key_result,date,value[,n]); optional when the plan "
                            "file holds them")
    add_today_option(track, "report as of this date (YYYY-MM-DD); default: the current date")
    add_format_option(track, ("table", "json"), default="table")
    track.add_argument("--tolerance", type=share(), default=0.10,
                       help="behind the glide path by at most this share of the distance from "
                            "baseline to target is on track (default: 0.10)")
    track.add_argument("--off-track", type=share(), default=0.25, dest="off_track",
                       help="behind by more than this share is off track (default: 0.25)")
    track.set_defaults(run=run_track)

    checkin = add_command(
        commands, "checkin",
        help="record a key result's observed value in the plan file (comments kept)",
        examples="  backplan checkin examples/tracking.yaml csat 78.9 --date 2027-01-25 --n 290\n"
                 "  backplan checkin examples/tracking.yaml aht 9:12 --date 2027-01-25"
                 "   # m:ss for seconds",
    )
    add_plan_argument(checkin, "plan file (YAML or JSON), edited in place")
    checkin.add_argument("key_result", metavar="KR", help="the key result's id")
    checkin.add_argument("value", help="the observed value (m:ss for metrics in seconds)")
    checkin.add_argument("--date", type=iso_date, default=None,
                         help="date of the value (YYYY-MM-DD); default: the current date")
    checkin.add_argument("--n", type=whole_number(1), default=None,
                         help="sample size (e.g. surveys) behind a rate; a correction of the "
                              "same date keeps the recorded one when left out")
    add_edit_options(checkin)
    add_format_option(checkin, ("text", "json"), default="text")
    checkin.set_defaults(run=run_checkin)

    start = add_command(
        commands, "start", help="mark an action in progress in the plan file",
        examples="  backplan start examples/tracking.yaml coaching-wave-1 --date 2027-01-25\n"
                 "  backplan start examples/tracking.yaml coaching-wave-1 --date 2027-01-25 "
                 "--remaining 4\n"
                 "  backplan start examples/tracking.yaml wrap-codes --date 2027-01-25 --reopen"
                 "   # was done",
    )
    add_plan_argument(start, "plan file (YAML or JSON), edited in place")
    start.add_argument("action", help="the action's id")
    start.add_argument("--date", type=iso_date, default=None,
                       help="the day it started (YYYY-MM-DD); default: the current date")
    start.add_argument("--remaining", type=whole_number(1), default=None,
                       help="working days of work left, from the day it is scheduled")
    start.add_argument("--reopen", action="store_true",
                       help="reopen an action that is done (its actual_finish is removed)")
    start.add_argument("--correct", action="store_true",
                       help="replace the start date an action in progress already has")
    add_edit_options(start)
    add_format_option(start, ("text", "json"), default="text")
    start.set_defaults(run=run_start)

    done = add_command(
        commands, "done", help="mark an action done in the plan file (comments kept)",
        examples="  backplan done examples/tracking.yaml guide-rewrite --date 2027-01-22\n"
                 "  backplan done examples/tracking.yaml survey-timing --date 2027-01-22 "
                 "--start 2027-01-20\n"
                 "  backplan done examples/tracking.yaml wrap-codes --date 2027-01-08 --correct"
                 "   # was 01-07",
    )
    add_plan_argument(done, "plan file (YAML or JSON), edited in place")
    done.add_argument("action", help="the action's id")
    done.add_argument("--date", type=iso_date, default=None,
                      help="the day it finished (YYYY-MM-DD); default: the current date")
    done.add_argument("--start", type=iso_date, default=None,
                      help="the day it started, when not recorded yet")
    done.add_argument("--correct", action="store_true",
                      help="replace a recorded finish (or start) date with the one given")
    add_edit_options(done)
    add_format_option(done, ("text", "json"), default="text")
    done.set_defaults(run=run_done)

    slip = add_command(
        commands, "slip",
        help="compare the current schedule with a saved baseline: slip per action and milestone",
        examples="  backplan schedule examples/tracking.yaml --format json > baseline.json"
                 "   # save it when the plan is agreed\n"
                 "  backplan slip examples/tracking.yaml examples/data/tracking-baseline.json "
                 "--today 2027-01-20\n"
                 "  backplan slip examples/tracking.yaml examples/data/tracking-baseline.json "
                 "--today 2027-01-20 --format json",
    )
    add_plan_argument(slip, "plan file (YAML or JSON), with its progress")
    add_capacity_option(slip)
    slip.add_argument("baseline", help="the saved schedule (JSON from 'schedule --format json')")
    add_today_option(slip, "schedule from this date (YYYY-MM-DD); default: the current date")
    add_format_option(slip, ("table", "json"), default="table")
    slip.set_defaults(run=run_slip)


def run_track(args: argparse.Namespace) -> int:
    """Track the plan's key results and print the report."""
    plan = load_command_plan(args)
    if args.tolerance > args.off_track:
        raise backplan.BackplanError(
            f"--tolerance {args.tolerance:g} is above --off-track {args.off_track:g}; "
            "the on-track band must lie inside the at-risk one"
        )
    rule = backplan.StatusRule(tolerance=args.tolerance, off_track=args.off_track)
    report = backplan.track_progress(plan, args.checkins, today=resolve_today(args.today),
                                     rule=rule, ignore_capacity=args.ignore_capacity)
    print(report.to_json() if args.format == "json" else str(report))
    return EXIT_OK


def _print_edit(edit: backplan.PlanEdit, output: str) -> int:
    for warning in edit.warnings:
        print(f"backplan: warning: {edit.path}: {warning}", file=sys.stderr)
    print(json.dumps(edit.to_dict(), indent=2) if output == "json" else str(edit))
    return EXIT_OK


def run_checkin(args: argparse.Namespace) -> int:
    """Record the check-in in the plan file."""
    edit = backplan.record_checkin(args.plan, args.key_result, args.value,
                                   date=resolve_today(args.date), n=args.n, today=dt.date.today(),
        strict=args.strict, wait=args.wait, force=args.force)
    return _print_edit(edit, args.format)


def run_start(args: argparse.Namespace) -> int:
    """Mark the action in progress in the plan file."""
    edit = backplan.mark_started(args.plan, args.action, date=resolve_today(args.date),
                                 remaining=args.remaining, reopen=args.reopen,
                                 correct=args.correct, today=dt.date.today(),
        strict=args.strict, wait=args.wait, force=args.force)
    return _print_edit(edit, args.format)


def run_done(args: argparse.Namespace) -> int:
    """Mark the action done in the plan file."""
    edit = backplan.mark_done(args.plan, args.action, date=resolve_today(args.date),
                              start=args.start, correct=args.correct, today=dt.date.today(),
        strict=args.strict, wait=args.wait, force=args.force)
    return _print_edit(edit, args.format)


def run_slip(args: argparse.Namespace) -> int:
    """Schedule the plan and compare it with the saved baseline."""
    plan = load_command_plan(args)
    current = backplan.schedule_plan(plan, today=resolve_today(args.today),
                                     ignore_capacity=args.ignore_capacity)
    comparison = backplan.compare_schedules(
        args.baseline, current, calendar=plan_calendar(plan, today=current.today))
    print(comparison.to_json() if args.format == "json" else str(comparison))
    return EXIT_OK
