"""``backplan fix``: the plan's fixes, ranked, each measured; ``--apply N`` writes one in."""

from __future__ import annotations

import argparse
import json
import sys

import backplan
from backplan.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_edit_options,
    add_format_option,
    add_plan_argument,
    add_today_option,
    load_command_plan,
    resolve_today,
    whole_number,
)

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``fix``."""
    fix = add_command(
        commands, "fix",
        help="list the changes that would fix the plan, each measured by scheduling the plan "
             "with it, best first; --apply N writes fix N into the plan file (more hours "
             "for someone from a people file: into that file)",
        examples="  backplan fix examples/aht.yaml --today 2026-11-23\n"
                 "  backplan fix examples/capacity.yaml --today 2026-11-23 --format json\n"
                 "  cp examples/aht.yaml my-aht.yaml && backplan fix my-aht.yaml "
                 "--today 2026-11-23 --apply 1   # edits my-aht.yaml",
    )
    add_plan_argument(fix)
    add_today_option(fix)
    add_capacity_option(fix)
    add_format_option(fix, ("table", "json"), default="table")
    fix.add_argument("--apply", type=whole_number(1), default=None, metavar="N",
                     help="write fix N's changes into the plan file, or more hours for someone "
                          "from a people file into that file (comments and layout kept); "
                          "exit 2, writing nothing, when the files changed since the fix was "
                          "measured")
    add_edit_options(fix, strict=False)
    fix.set_defaults(run=run_fix)


def run_fix(args: argparse.Namespace) -> int:
    """List the fixes, or apply one."""
    plan = load_command_plan(args)
    schedule = backplan.schedule_plan(plan, today=resolve_today(args.today),
                                      ignore_capacity=args.ignore_capacity)
    fixes = schedule.fixes
    if args.apply is not None:
        return _apply(args, plan, schedule, fixes)
    if args.format == "json":
        print(json.dumps({
            "goal": schedule.goal, "today": schedule.today.isoformat(),
            "capacity": schedule.capacity, "feasible": schedule.feasible,
            "min_slack": schedule.min_slack,
            "fixes": [{"number": n, **fix.to_dict(),
                       "flags": [{"code": f.code, "subject": f.subject}
                                 for f in schedule.flags_fixed_by(fix)]}
                      for n, fix in enumerate(fixes, start=1)],
        }, indent=2, ensure_ascii=False))
        return EXIT_OK
    state = "feasible" if schedule.feasible else (
        f"NOT feasible ({-(schedule.min_slack or 0)} working days short)")
    print(f"Goal {schedule.goal!r} due {schedule.due.isoformat()} from "
          f"{schedule.today.isoformat()}: {state}")
    if schedule.unmeasured_fixes:
        print(f"({schedule.unmeasured_fixes} more candidate fixes were not measured: the plan is "
              "large; apply one of these and run again)")
    if not fixes:
        print("Nothing to fix." if schedule.feasible and not schedule.flags
              else "No change measured to help.")
        return EXIT_OK
    for n, fix in enumerate(fixes, start=1):
        print(f"\n{n}. {fix}")
        for change in fix.changes:
            print(f"   - {json.dumps(change.to_dict(), ensure_ascii=False)}")
        flags = ", ".join(f"{f.code} {f.subject}" for f in schedule.flags_fixed_by(fix))
        print(f"   fixes: {flags}")
    print(f"\nApply one with: backplan fix {args.plan} --apply N"
          + (f" --today {args.today.isoformat()}" if args.today else "")
          + (" --ignore-capacity" if args.ignore_capacity else ""))
    return EXIT_OK


def _apply(
    args: argparse.Namespace, plan: backplan.Plan, schedule: backplan.Schedule,
    fixes: tuple[backplan.Fix, ...],
) -> int:
    if args.apply > len(fixes):
        print(f"backplan: there is no fix {args.apply}: the plan has "
              f"{len(fixes) or 'no'} fix{'' if len(fixes) == 1 else 'es'}; run "
              f"'backplan fix {args.plan}' to list them", file=sys.stderr)
        return EXIT_BAD_INPUT
    fix = fixes[args.apply - 1]
    from backplan.io.change_edits import write_changes

    edit = write_changes(args.plan, fix.changes, wait=args.wait, force=args.force,
                         measured_on=plan)
    for warning in edit.warnings:
        print(f"backplan: note: {warning}", file=sys.stderr)
    print(edit)
    # What the file now holds, scheduled the same way: the claim, checked.
    after = backplan.schedule_plan(backplan.load_plan(args.plan), today=schedule.today,
                                   ignore_capacity=args.ignore_capacity)
    state = "feasible" if after.feasible else "still NOT feasible"
    print(f"The plan now schedules: {state}, minimum slack {after.min_slack} "
          f"(from {schedule.today.isoformat()})"
          + ("." if (after.feasible, after.min_slack) == (fix.feasible_after, fix.min_slack_after)
             else f"; the fix was measured as {fix.min_slack_after}: the file changed meanwhile."))
    return EXIT_OK
