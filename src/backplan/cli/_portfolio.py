"""``backplan portfolio``: many plans with shared people, rolled up to the company objectives."""

from __future__ import annotations

import argparse

import backplan
from backplan.cli._common import (
    EXIT_INFEASIBLE,
    EXIT_OK,
    add_capacity_option,
    add_command,
    add_format_option,
    add_samples_option,
    add_seed_option,
    add_today_option,
    resolve_today,
    whole_number,
)

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``portfolio``."""
    portfolio = add_command(
        commands, "portfolio",
        help="schedule every plan of a portfolio with people's hours shared across the plans, "
             "flag over-allocated people, and roll the goals up to the objectives",
        examples="  backplan portfolio examples/portfolio/portfolio.yaml --today 2026-11-23\n"
                 "  backplan portfolio examples/portfolio/portfolio.yaml --today 2026-11-23 "
                 "--format json\n"
                 "  backplan portfolio examples/portfolio/portfolio.yaml --today 2026-11-23 "
                 "--risk --samples 2000 --seed 7\n"
                 "  backplan portfolio examples/portfolio/portfolio.yaml --today 2026-11-23 "
                 "--risk --workers 2   # a local Dask cluster\n"
                 "  (--scheduler tcp://HOST:8786 runs the simulation on an existing Dask "
                 "cluster instead)",
    )
    portfolio.add_argument("portfolio", help="portfolio file (YAML or JSON)")
    add_today_option(portfolio)
    add_format_option(portfolio, ("table", "json"), default="table")
    add_capacity_option(portfolio)
    portfolio.add_argument("--risk", action="store_true",
                           help="simulate: each goal's chance of meeting its due date, each "
                                "objective's chance that all its goals do (shared risks drawn "
                                "once per run)")
    add_samples_option(portfolio, default=10_000, help="runs of the simulation (default: 10000)")
    add_seed_option(portfolio, help="seed of the levelling and the simulation; the same seed "
                                    "gives the same output whatever the workers (default: 0)")
    cluster = portfolio.add_mutually_exclusive_group()
    cluster.add_argument("--workers", type=whole_number(1, unit="workers"), default=None,
                         help="run the plans' simulations on a local Dask cluster of N worker "
                              "processes (pip install \"backplan[distributed]\")")
    cluster.add_argument("--scheduler", metavar="ADDRESS", default=None,
                         help="run them on the existing Dask cluster at ADDRESS instead")
    portfolio.add_argument("--strict", action="store_true",
                           help="exit 1 when a goal is not feasible with shared capacity")
    portfolio.set_defaults(run=run_portfolio, parser=portfolio)


def run_portfolio(args: argparse.Namespace) -> int:
    """Schedule (and with ``--risk`` simulate) the portfolio and print it."""
    if (args.workers is not None or args.scheduler is not None) and not args.risk:
        args.parser.error("--workers and --scheduler run the simulation: add --risk (the "
                          "shared-capacity schedule itself runs once, in this process)")
    portfolio = backplan.load_portfolio(args.portfolio)
    today = resolve_today(args.today)
    schedule = backplan.schedule_portfolio(portfolio, today=today, seed=args.seed,
                                           ignore_capacity=args.ignore_capacity)
    result: backplan.PortfolioSchedule | backplan.PortfolioSimulation = schedule
    if args.risk:
        result = backplan.simulate_portfolio(
            portfolio, today=today, samples=args.samples, seed=args.seed, schedule=schedule,
            workers=args.workers, scheduler_address=args.scheduler)
    print(result.to_json() if args.format == "json" else result)
    return EXIT_INFEASIBLE if args.strict and not schedule.feasible else EXIT_OK
