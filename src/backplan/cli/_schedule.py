"""``backplan schedule`` and ``backplan validate``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import backplan
from backplan.calendars.window import today_problems
from backplan.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_format_option,
    add_plan_argument,
    add_today_option,
    keep_until_exit,
    load_command_plan,
    load_command_plan_or_portfolio,
    resolve_today,
    use_color,
    utf8_stdout,
)
from backplan.errors import PlanError, PlanValidationError
from backplan.scheduling.portfolio_run import portfolio_today_problems
from backplan.words import counted

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schedule`` and ``validate``."""
    schedule = add_command(
        commands, "schedule",
        help="schedule a plan backward from its due date and flag what cannot be met",
        examples="  backplan schedule examples/fcr.yaml\n"
                 "  backplan schedule examples/aht.yaml --today 2026-11-23 --format json\n"
                 "  backplan schedule examples/aht.yaml --today 2026-11-23 --strict"
                 "   # exit 1: the timeline cannot be met\n"
                 "  backplan schedule examples/capacity.yaml --today 2026-11-23 --format csv"
                 "   # owner, assignees",
    )
    add_plan_argument(schedule)
    add_today_option(schedule)
    add_capacity_option(schedule)
    add_format_option(schedule, ("table", "json", "csv", "mermaid", "mspdi"), default="table",
                      help="output format (default: table; mermaid: a Mermaid gantt block; "
                           "mspdi: Microsoft Project XML)")
    schedule.add_argument("--strict", action="store_true",
                          help="exit 1 when the plan is infeasible")
    schedule.set_defaults(run=run_schedule)

    validate = add_command(
        commands, "validate",
        help="check a plan file (or a portfolio file and its plans) and list every problem",
        examples="  backplan validate examples/fcr.yaml\n"
                 "  backplan validate examples/tracking.yaml --format json\n"
                 "  backplan validate examples/tracking.yaml --today 2027-01-20\n"
                 "  backplan validate examples/portfolio/portfolio.yaml",
    )
    add_plan_argument(validate, "plan file (YAML or JSON), or a portfolio file")
    add_today_option(validate, "check the due date against this date as 'schedule' would "
                               "(YYYY-MM-DD); default: the current date")
    add_format_option(validate, ("text", "json"), default="text")
    validate.set_defaults(run=run_validate)


def run_schedule(args: argparse.Namespace) -> int:
    """Schedule the plan and print it; exit 1 with ``--strict`` when infeasible."""
    plan = load_command_plan(args)
    schedule = backplan.schedule_plan(plan, today=resolve_today(args.today),
                                      ignore_capacity=args.ignore_capacity)
    if args.format == "json":
        binary = utf8_stdout(args)
        if binary is None:
            print(schedule.to_json())
        else:  # a big schedule's rows go out as written, not copied into text and back
            schedule.write_json(binary, errors=sys.stdout.errors or "strict")
            binary.write(b"\n")
    elif args.format == "csv":
        sys.stdout.write(backplan.to_csv(schedule))
    elif args.format == "mermaid":
        print(backplan.to_mermaid(schedule, plan=plan))
    elif args.format == "mspdi":
        sys.stdout.write(backplan.to_mspdi(plan, schedule))
    else:
        print(backplan.format_table(schedule, color=use_color()))
    keep_until_exit(args, schedule)
    return EXIT_INFEASIBLE if args.strict and not schedule.feasible else EXIT_OK


def run_validate(args: argparse.Namespace) -> int:
    """Load and check the plan (or the portfolio and its plans); list every problem."""
    try:
        loaded = load_command_plan_or_portfolio(args)
        if isinstance(loaded, backplan.Portfolio):
            portfolio: backplan.Portfolio | None = loaded
            problems = portfolio_today_problems(loaded, today=resolve_today(args.today))
        else:
            plan, portfolio = loaded, None
            problems = [replace(p, file=args.plan)
                        for p in today_problems(plan, today=resolve_today(args.today))]
        if problems:  # the one thing left that scheduling would refuse
            raise PlanValidationError(problems, source=args.plan,
                                      subject="the portfolio" if portfolio else None)
    except PlanError as error:
        if args.format != "json":
            raise
        print(json.dumps({"valid": False, "problems": [p.to_dict() for p in error.problems]},
                         indent=2))
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps({"valid": True, "problems": []}, indent=2))
    elif portfolio is not None:
        counts = [counted(len(portfolio.plans), "plan"),
                  counted(len(portfolio.objectives), "objective"),
                  counted(len(portfolio.shared_people), "shared person", "shared people")]
        print(f"{args.plan}: valid (portfolio {portfolio.id!r}: {', '.join(counts)})")
    else:
        counts = [counted(len(plan.actions), "action"), counted(len(plan.milestones), "milestone"),
                  counted(len(plan.goal.key_results), "key result")]
        counts += [counted(len(plan.people), "person", "people")] if plan.people else []
        counts += [counted(len(plan.risks), "risk")] if plan.risks else []
        print(f"{args.plan}: valid (goal {plan.goal.id!r} due {plan.goal.due.isoformat()}: "
              f"{', '.join(counts)})")
    return EXIT_OK
