"""``backplan gantt``, ``ics``, ``export``, ``report``, ``schema`` and ``init``: files people use."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import backplan
from backplan.cli._common import (
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_format_option,
    add_plan_argument,
    add_samples_option,
    add_seed_option,
    add_today_option,
    keep_until_exit,
    load_command_plan,
    load_command_plan_or_portfolio,
    resolve_today,
)
from backplan.errors import BackplanError
from backplan.io.starter import starter_plan

__all__ = ["STARTER_PLAN", "register"]

#: What ``backplan init`` writes, as written on 2027-01-04 (``init`` dates it from ``--today``).
STARTER_PLAN = starter_plan(today=dt.date(2027, 1, 4))


class OutputExistsError(BackplanError, FileExistsError):
    """``backplan init`` would overwrite a file; ``--force`` allows it."""


def _plan_and_schedule(args: argparse.Namespace) -> tuple[backplan.Plan, backplan.Schedule]:
    plan = load_command_plan(args)
    schedule = backplan.schedule_plan(plan, today=resolve_today(args.today),
                                      ignore_capacity=args.ignore_capacity)
    keep_until_exit(args, schedule)
    return plan, schedule


def _written(args: argparse.Namespace, path: Path, **details: object) -> int:
    if getattr(args, "format", "text") == "json":
        print(json.dumps({"written": str(path), **details}, indent=2))
    else:
        extra = "".join(f", {key.replace('_', ' ')} {value}" for key, value in details.items())
        print(f"wrote {path}{extra}")
    return EXIT_OK


def _common(parser: argparse.ArgumentParser, *, output: str,
            plan: str = "plan file (YAML or JSON)") -> None:
    add_plan_argument(parser, plan)
    add_capacity_option(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help=output)
    add_today_option(parser)
    add_format_option(parser, ("text", "json"), default="text",
                      help="how to report what was written (default: text)")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gantt``, ``ics``, ``export``, ``report``, ``schema`` and ``init``."""
    gantt = add_command(
        commands, "gantt", help="draw the schedule as a Gantt chart (PNG, SVG, PDF or HTML)",
        examples="  backplan gantt examples/fcr.yaml -o fcr.png --today 2026-11-23\n"
                 "  backplan gantt examples/aht.yaml -o aht.html --today 2026-11-23"
                 "   # interactive (plotly)\n"
                 "  backplan gantt examples/tracking.yaml -o tracking.svg --today 2027-01-20 "
                 "--checkins examples/data/tracking-checkins.csv",
    )
    _common(gantt, output="the chart; .png, .svg, .pdf (matplotlib) or .html (plotly)")
    gantt.add_argument("--key-results", action="store_true",
                       help="add a panel with each key result's glide path and check-ins")
    gantt.add_argument("--checkins", metavar="CSV", default=None,
                       help="check-ins to draw (columns key_result,date,value[,n]); "
                            "implies --key-results")
    gantt.add_argument("--label", choices=("title", "id"), default="title",
                       help="label rows with titles (default) or ids")
    gantt.set_defaults(run=run_gantt)

    ics = add_command(
        commands, "ics", help="write actions and milestones as an iCalendar file",
        examples="  backplan ics examples/fcr.yaml -o fcr.ics\n"
                 "  backplan ics examples/risk.yaml -o risk.ics --today 2026-11-23 --dates earliest",
    )
    _common(ics, output="the .ics file (import it again after re-planning: events update)")
    ics.add_argument("--dates", choices=("latest", "earliest"), default="latest",
                     help="latest dates (default: the dates the plan must keep) or earliest")
    ics.set_defaults(run=run_ics)

    export = add_command(
        commands, "export", help="write the schedule in another tool's format",
        examples="  backplan export examples/fcr.yaml --format mspdi -o fcr.xml"
                 "   # MS Project, ProjectLibre\n"
                 "  backplan export examples/capacity.yaml --format mspdi -o capacity.xml "
                 "--today 2026-11-23   # people: resources, assignments\n"
                 "  backplan export examples/risk.yaml --format mermaid -o risk.mmd "
                 "--today 2026-11-23\n"
                 "  backplan export examples/tracking.yaml --format csv -o tracking.csv "
                 "--today 2027-01-20",
    )
    add_plan_argument(export)
    add_capacity_option(export)
    add_format_option(export, ("mspdi", "mermaid", "ics", "csv", "json"), required=True,
                      help="mspdi: Microsoft Project XML (MS Project, ProjectLibre); mermaid: "
                           "Mermaid gantt text; ics: iCalendar; csv; json (the schedule)")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    add_today_option(export)
    export.set_defaults(run=run_export)

    report = add_command(
        commands, "report", help="write the team's dashboard as one self-contained HTML file",
        examples="  backplan report examples/fcr.yaml -o report.html\n"
                 "  backplan report examples/tracking.yaml --checkins "
                 "examples/data/tracking-checkins.csv -o tracking.html --today 2027-01-20\n"
                 "  backplan report examples/risk.yaml -o risk.html --today 2026-11-23"
                 "   # with the risk summary\n"
                 "  backplan report examples/portfolio/portfolio.yaml -o portfolio.html "
                 "--today 2026-11-23   # a portfolio's dashboard",
    )
    _common(report, output="the .html file (opens offline; charts inline)",
            plan="plan file, or portfolio file (YAML or JSON)")
    report.set_defaults(parser=report)
    report.add_argument("--checkins", metavar="CSV", default=None,
                        help="check-ins (columns key_result,date,value[,n])")
    add_samples_option(report, default=2000,
                       help="Monte Carlo runs for the risk summary (default: 2000)")
    add_seed_option(report, help="simulation seed (default: 0)")
    report.set_defaults(run=run_report)

    schema = add_command(
        commands, "schema", help="print or write the JSON Schema of plan files",
        examples="  backplan schema -o plan.schema.json\n"
                 "  backplan schema schedule       # the schema of `schedule --format json`",
    )
    schema.add_argument("which", nargs="?", choices=("plan", "schedule"), default="plan",
                        help="plan (default) or schedule")
    schema.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write here instead of printing")
    add_format_option(schema, ("json",), default="json",
                      help="the schema is JSON (the only choice)")
    schema.set_defaults(run=run_schema)

    init = add_command(
        commands, "init",
        help="write a commented starter plan, dated from today, that validates and lints clean",
        examples="  backplan init                 # writes plan.yaml, dated from today\n"
                 "  backplan init q2-fcr.yaml --today 2027-04-01 --force\n"
                 "  backplan init q3-fcr.yaml --force && backplan lint q3-fcr.yaml"
                 "   # a fresh plan passes the SMART check",
    )
    init.add_argument("path", nargs="?", default="plan.yaml",
                      help="file to write (default: plan.yaml)")
    add_today_option(init, "date the plan from this day (YYYY-MM-DD): the baseline, the "
                           "milestone and the goal's due date count from it; default: the "
                           "current date")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_format_option(init, ("text", "json"), default="text",
                      help="how to report what was written (default: text)")
    init.set_defaults(run=run_init)


def run_gantt(args: argparse.Namespace) -> int:
    """Draw the chart to ``--output``."""
    plan, schedule = _plan_and_schedule(args)
    series = (backplan.key_result_series(plan, schedule, checkins=args.checkins)
              if args.key_results or args.checkins else [])
    try:
        path = backplan.write_gantt(schedule, args.output, key_results=series, label=args.label,
                                    plan=plan)
    except ValueError as error:
        raise OutputFormatError(str(error)) from None
    return _written(args, path, rows=len(schedule.actions) + len(schedule.milestones))


class OutputFormatError(BackplanError, ValueError):
    """The output file's suffix names no format backplan writes."""


def run_ics(args: argparse.Namespace) -> int:
    """Write the iCalendar file."""
    _, schedule = _plan_and_schedule(args)
    path = Path(args.output)
    path.write_bytes(backplan.to_ical(schedule, dates=args.dates))
    return _written(args, path, events=len(schedule.actions) + len(schedule.milestones) + 1)


def run_export(args: argparse.Namespace) -> int:
    """Write the schedule in the format ``--format`` names."""
    plan, schedule = _plan_and_schedule(args)
    path = Path(args.output)
    if args.format == "ics":
        path.write_bytes(backplan.to_ical(schedule))
    else:
        text = {
            "mspdi": lambda: backplan.to_mspdi(plan, schedule),
            "mermaid": lambda: backplan.to_mermaid(schedule, plan=plan) + "\n",
            "csv": lambda: backplan.to_csv(schedule),
            "json": lambda: schedule.to_json() + "\n",
        }[args.format]()
        path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({args.format})")
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    """Write the HTML dashboard (of a plan, or of a portfolio when the file is one)."""
    plan = load_command_plan_or_portfolio(args)
    if isinstance(plan, backplan.Portfolio):
        if args.checkins is not None:
            args.parser.error("--checkins is for a plan; a portfolio's check-ins are read "
                              "from its plan files")
        path = backplan.write_portfolio_report(
            plan, args.output, today=resolve_today(args.today), samples=args.samples,
            seed=args.seed, ignore_capacity=args.ignore_capacity)
        return _written(args, path)
    path = backplan.write_report(plan, args.output, today=resolve_today(args.today),
                                 checkins=args.checkins, samples=args.samples, seed=args.seed,
                                 ignore_capacity=args.ignore_capacity)
    return _written(args, path)


def run_schema(args: argparse.Namespace) -> int:
    """Print or write a JSON Schema."""
    schema = backplan.plan_schema() if args.which == "plan" else backplan.schedule_schema()
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    path = Path(args.output)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    """Write the starter plan, refusing to overwrite without ``--force``."""
    path = Path(args.path)
    if path.exists() and not args.force:
        raise OutputExistsError(f"{path} exists; pass --force to overwrite it")
    path.write_text(starter_plan(today=resolve_today(args.today), path=path.name),
                    encoding="utf-8")
    return _written(args, path)
