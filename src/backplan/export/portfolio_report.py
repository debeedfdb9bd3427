"""The portfolio's dashboard: one self-contained HTML file (``backplan report PORTFOLIO``).

It holds, in this order: whether the portfolio can be met with shared capacity; the objectives
with their status (and their chance, when the plans carry estimates or risks); the alignment
tree, every goal under the objective it serves; the flags with their measured fixes (people
over-allocated first); the shared people's hours per plan; and each plan's dated actions. No
chart, script, web font or link: it opens offline and can be mailed.

Example:
    >>> import datetime as dt
    >>> from backplan import load_portfolio
    >>> page = portfolio_report_html(load_portfolio("examples/portfolio/portfolio.yaml"),
    ...                              today=dt.date(2026, 11, 23), samples=200)
    >>> page.startswith("<!DOCTYPE html>"), "over-allocated" in page, "http" in page
    (True, True, False)
"""

from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path

import backplan
from backplan.analysis.portfolio import PortfolioSchedule, portfolio_html, schedule_portfolio
from backplan.errors import MissingExtraError
from backplan.models.portfolio import Portfolio
from backplan.words import counted, percent

__all__ = ["portfolio_report_html", "write_portfolio_report"]

_esc = html.escape

_CSS = """
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #222;
       margin: 0; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #dde1e6; }
h3 { font-size: 1em; margin: 20px 0 6px; }
.sub { color: #666; margin: 0 0 16px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
         font-size: .9em; color: #fff; }
.ok { background: #1e7b34; } .bad { background: #b3261e; } .warn { background: #a15c00; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #dde1e6; vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
ul { padding-left: 20px; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
footer { color: #666; font-size: .8em; margin-top: 40px; }
"""

_TONES = {"on_track": "ok", "at_risk": "warn", "off_track": "bad", "no_goals": "warn"}


def _has_uncertainty(portfolio: Portfolio) -> bool:
    return bool(portfolio.risks) or any(
        entry.plan.risks or any(a.estimate is not None for a in entry.plan.actions)
        for entry in portfolio.plans)


def _objectives(schedule: PortfolioSchedule, chances: dict[str, float] | None,
                statuses: dict[str, str]) -> str:
    rows = []
    for objective in schedule.objectives:
        status = statuses.get(objective.id, objective.status)
        chance = "" if chances is None else f"<td class='num'>{percent(chances[objective.id])}</td>"
        rows.append(
            f"<tr><td><code>{_esc(objective.id)}</code></td><td>{_esc(objective.title)}</td>"
            f"<td>{objective.due or '-'}</td><td class='num'>{len(objective.goals)}</td>"
            f"<td>{'yes' if objective.feasible else 'no'}</td>{chance}"
            f"<td><span class='badge {_TONES[status]}'>{_esc(status.replace('_', ' '))}"
            "</span></td></tr>")
    head = "<th>chance</th>" if chances is not None else ""
    return ("<table><thead><tr><th>objective</th><th>title</th><th>due</th><th>goals</th>"
            f"<th>feasible</th>{head}<th>status</th></tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>")


def _people(schedule: PortfolioSchedule) -> str:
    hours = schedule.shared_hours()
    if not any(hours.values()):
        return "<p>No shared person is booked from today on.</p>"
    rows = "".join(
        f"<tr><td><code>{_esc(person)}</code></td><td class='num'>{sum(by_plan.values()):g}</td>"
        "<td>" + ", ".join(f"{_esc(schedule.goal(p).goal)} {h:g} h" for p, h in by_plan.items())
        + "</td></tr>" for person, by_plan in hours.items())
    return ("<table><thead><tr><th>person</th><th>hours booked</th><th>by plan (levelling "
            f"order)</th></tr></thead><tbody>{rows}</tbody></table>")


def _actions(schedule: PortfolioSchedule) -> str:
    parts = []
    for goal, plan_schedule in zip(schedule.goals, schedule.schedules, strict=True):
        late = " style='color:#b3261e'"
        rows = "".join(
            f"<tr{late if a.slack < 0 else ''}><td><code>{_esc(a.id)}"
            f"</code></td><td>{_esc(a.title)}</td><td>{a.start}</td><td>{a.finish}</td>"
            f"<td>{a.earliest_start}</td><td class='num'>{a.slack}</td>"
            f"<td>{_esc(', '.join(a.assignees))}</td></tr>"
            for a in sorted(plan_schedule.actions, key=lambda a: (a.start, a.id)))
        parts.append(
            f"<h3><code>{_esc(goal.goal)}</code> ({_esc(goal.plan)}), due {goal.due}: "
            f"{'feasible' if goal.feasible else 'not feasible'}</h3>"
            "<table><thead><tr><th>id</th><th>title</th><th>start by</th><th>finish by</th>"
            "<th>earliest start</th><th>slack</th><th>who</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
    return "".join(parts)


def portfolio_report_html(
    portfolio: Portfolio, *, today: dt.date, samples: int = 2000, seed: int = 0,
    ignore_capacity: bool = False, workers: int | None = None,
    scheduler_address: str | None = None,
) -> str:
    """The portfolio's dashboard as one self-contained HTML page (see the module docstring).

    Args:
        portfolio: the portfolio (:func:`backplan.load_portfolio`).
        today: the day the report is for.
        samples: runs of the simulation (only when a plan has estimates or risks, or the
            portfolio has shared risks).
        seed: seeds the simulation and the levelling.
        ignore_capacity: schedule by precedence alone.
        workers: run the simulation on a local Dask cluster of this many workers.
        scheduler_address: run it on the Dask cluster at this address.
    """
    schedule = schedule_portfolio(portfolio, today=today, seed=seed,
                                  ignore_capacity=ignore_capacity)
    chances: dict[str, float] | None = None
    statuses: dict[str, str] = {}
    risk = ("<p>No three-point estimates or risks in the plans, so no simulation.</p>")
    if _has_uncertainty(portfolio):
        try:
            from backplan.analysis.portfolio_risk import simulate_portfolio

            sim = simulate_portfolio(portfolio, today=today, samples=samples, seed=seed,
                                     schedule=schedule, workers=workers,
                                     scheduler_address=scheduler_address)
        except MissingExtraError as error:
            risk = f"<p>Risk simulation skipped: {_esc(str(error))}</p>"
        else:
            chances = {g.goal: g.probability for g in sim.goals}
            chances.update({o.id: o.probability for o in sim.objectives})
            statuses = {o.id: sim.status(o.id) for o in sim.objectives}
            shared = "".join(f"<li><code>{_esc(r)}</code> happened in {percent(share)} of runs</li>"
                             for r, share in sim.risks)
            risk = (f"<p>{sim.samples:,} simulated runs, seed {sim.seed}: each goal's chance of "
                    "meeting its due date, each objective's that all its goals do in the same "
                    "run; shared risks are drawn once per run for every plan they touch.</p>"
                    + (f"<ul>{shared}</ul>" if shared else ""))
    title = schedule.title or schedule.portfolio
    state = ('<span class="badge ok">feasible with shared capacity</span>' if schedule.feasible
             else '<span class="badge bad">not feasible with shared capacity</span>')
    parts = [
        f"<h1>{_esc(title)}</h1>",
        f"<p class='sub'>Portfolio <code>{_esc(schedule.portfolio)}</code> · "
        f"{counted(len(schedule.goals), 'plan')} · report for {today.isoformat()} · {state}</p>",
        "<h2 id='objectives'>Objectives</h2>", _objectives(schedule, chances, statuses),
        "<h2 id='alignment'>Alignment</h2>", portfolio_html(schedule, chances),
        "<h2 id='risk'>Risk</h2>", risk,
        "<h2 id='people'>Shared people</h2>", _people(schedule),
        "<h2 id='plans'>Plans</h2>", _actions(schedule),
        f"<footer>Made by backplan {backplan.__version__} from portfolio "
        f"<code>{_esc(schedule.portfolio)}</code> on {today.isoformat()}. Plans are levelled in "
        "priority order, each on the hours its shared people have left.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}: backplan portfolio</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )


def write_portfolio_report(
    portfolio: Portfolio, path: str | os.PathLike[str], *, today: dt.date,
    samples: int = 2000, seed: int = 0, ignore_capacity: bool = False,
    workers: int | None = None, scheduler_address: str | None = None,
) -> Path:
    """Write :func:`portfolio_report_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(portfolio_report_html(
        portfolio, today=today, samples=samples, seed=seed, ignore_capacity=ignore_capacity,
        workers=workers, scheduler_address=scheduler_address), encoding="utf-8")
    return target
