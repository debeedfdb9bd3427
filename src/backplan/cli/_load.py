"""``backplan load``: each person's hours booked against hours available, from the levelled plan."""

from __future__ import annotations

import argparse
import json

import backplan
from backplan.cli._common import (
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_format_option,
    add_plan_argument,
    add_seed_option,
    add_today_option,
    load_command_plan,
    resolve_today,
    use_color,
)

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``load``."""
    load = add_command(
        commands, "load",
        help="level the plan to people's hours and show each person's load per week and day",
        examples="  backplan load examples/capacity.yaml --today 2026-11-23\n"
                 "  backplan load examples/capacity.yaml --today 2026-11-23 --format json"
                 "   # days, weeks and flags for tools\n"
                 "  backplan load examples/capacity.yaml --today 2026-11-23 --seed 3"
                 "   # another seed for the search",
    )
    add_plan_argument(load, "plan file (YAML or JSON) with people")
    add_today_option(load)
    add_capacity_option(load)
    add_format_option(load, ("table", "json"), default="table")
    add_seed_option(load, help="seed of the levelling search (default: 0)")
    load.set_defaults(run=run_load)


def run_load(args: argparse.Namespace) -> int:
    """Level the plan, then print each person's load and the schedule it comes from (the same
    dates, flags and fixes as ``backplan schedule``)."""
    plan = load_command_plan(args)
    schedule = backplan.schedule_plan(plan, today=resolve_today(args.today), seed=args.seed,
                                      ignore_capacity=args.ignore_capacity)
    load = backplan.person_load(plan, schedule)
    if args.format == "json":
        data = load.to_dict()
        data.update(capacity=schedule.capacity, min_slack=schedule.min_slack,
                    earliest_completion=(schedule.earliest_completion.isoformat()
                                         if schedule.earliest_completion else None),
                    actions=[action.to_dict() for action in schedule.actions],
                    flags=[flag.to_dict() for flag in schedule.flags])
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(load)
    print()
    print(backplan.format_table(schedule, color=use_color()))
    return EXIT_OK
