"""The team's dashboard: one self-contained HTML file that opens offline and can be mailed.

It holds, in this order: the goal and whether it can be met; the Gantt chart; each key result's
glide path with its check-ins (and, with check-ins, status, progress and forecast); every flag
with its fixes; the risk summary when actions carry three-point estimates or the plan has risks;
and the dated actions. Charts are inline SVG drawn by matplotlib (``pip install
"backplan[plot]"``); there is no script, no web font and no link to fetch, so the file looks the
same in any browser, online or not. Dates never break across lines (``time`` elements and date
cells do not wrap), and the actions table says who does each action: its owner and the people
booked on it.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan({"goal": {"id": "g", "title": "Raise FCR", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "duration": 3}]})
    >>> page = report_html(plan, today=dt.date(2027, 1, 18))
    >>> page.startswith("<!DOCTYPE html>"), "<svg" in page, "http" in page.split("<svg")[0]
    (True, True, False)
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import backplan
from backplan.errors import MissingExtraError
from backplan.export._series import key_result_series
from backplan.export.gantt import figure_bytes, gantt_figure, key_result_figure
from backplan.models import Plan
from backplan.scheduling import Flag, Schedule, schedule_plan
from backplan.words import SECONDS, counted, metric_value, percent, working_days

if TYPE_CHECKING:
    from backplan.analysis.checkins import CheckInSource

__all__ = ["report_html", "write_report"]

_esc = html.escape
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _text(value: object) -> str:
    """Escaped text whose ISO dates are ``<time>`` elements, which never break across lines."""
    return _ISO_DATE.sub(lambda m: f'<time datetime="{m[0]}">{m[0]}</time>', _esc(str(value)))

_CSS = """
:root { --ink: #222; --muted: #666; --red: #b3261e; --green: #1e7b34; --amber: #a15c00;
        --line: #dde1e6; --soft: #f5f7fa; }
* { box-sizing: border-box; }
body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0 0 16px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
         font-size: .9em; color: #fff; }
.ok { background: var(--green); } .bad { background: var(--red); } .warn { background: var(--amber); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 8px;
        padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 1.25em; }
.card span { color: var(--muted); font-size: .85em; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.date, td.nowrap, time, .card b, td:first-child code { white-space: nowrap; }
tr.late td { color: var(--red); }
ul.flags { list-style: none; padding: 0; }
ul.flags > li { border-left: 4px solid var(--red); background: #fdf3f2; padding: 8px 12px; margin: 8px 0; }
ul.flags > li.warning { border-color: var(--amber); background: #fff8ec; }
ul.flags ul { margin: 4px 0 0; padding-left: 20px; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
footer { color: var(--muted); font-size: .8em; margin-top: 40px; }
@media print { main { max-width: none; } h2 { break-after: avoid; } }
"""


def _svg(figure: Any, title: str) -> str:
    """Inline SVG of a figure, without the XML prologue, labelled for screen readers."""
    text = figure_bytes(figure, "svg").decode("utf-8")
    text = text[text.index("<svg"):]
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{_esc(title)}" ', text, count=1)


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{_esc(value)}</b><span>{_esc(label)}</span></div>'


def _flags(flags: Iterable[Flag]) -> str:
    items = []
    for flag in flags:
        fixes = "".join(f"<li>{_text(fix.description)}</li>" for fix in flag.fixes)
        items.append(
            f'<li class="{_esc(flag.severity)}"><b>{_esc(flag.severity.upper())}</b> '
            f"<code>{_esc(flag.code)}</code> <b>{_esc(flag.subject)}</b>: {_text(flag.message)}"
            + (f"<ul>{fixes}</ul>" if fixes else "") + "</li>"
        )
    if not items:
        return "<p>No flags: the timeline can be met as planned.</p>"
    return f'<ul class="flags">{"".join(items)}</ul>'


def _actions_table(schedule: Schedule, names: dict[str, str]) -> str:
    rows = []
    for a in sorted(schedule.actions, key=lambda a: (a.start, a.finish, a.id)):
        people = ", ".join(names.get(p) or p for p in a.assignees)
        rows.append(
            f'<tr class="{"late" if a.slack < 0 else ""}"><td><code>{_esc(a.id)}</code></td>'
            f"<td>{_esc(a.title)}</td><td class='date'>{a.start}</td>"
            f"<td class='date'>{a.finish}</td><td class='date'>{a.earliest_start}</td>"
            f"<td class='num'>{a.slack}</td>"
            f"<td>{'yes' if a.critical else ''}</td><td>{_esc(a.milestone or '')}</td>"
            f"<td>{_esc(a.owner or '')}</td><td>{_esc(people)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>id</th><th>title</th><th>start by</th><th>finish by</th>"
        "<th>earliest start</th><th>slack</th><th>critical</th><th>milestone</th>"
        f"<th>owner</th><th>assignees</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _tracking_table(report: Any) -> str:
    rows = []
    for kr in report.key_results:
        forecast = kr.forecast

        def value(number: float, unit: str = kr.unit) -> str:
            return metric_value(number, unit)

        if forecast is None:
            outlook = "-"
        else:
            band = (f" ({value(forecast.low)} to {value(forecast.high)})"
                    if forecast.low is not None and forecast.high is not None else "")
            outlook = f"{value(forecast.value)}{band} on {forecast.due}"
        latest = "-" if kr.latest is None else f"{value(kr.latest.value)} on {kr.latest.date}"
        status = (kr.status or "no check-in").replace("_", " ")
        tone = {"on track": "ok", "at risk": "warn", "off track": "bad"}.get(status, "")
        badge = f'<span class="badge {tone}">{_esc(status)}</span>' if tone else _esc(status)
        unit = "" if kr.unit == SECONDS else f" {_esc(kr.unit)}"
        rows.append(
            f"<tr><td><code>{_esc(kr.key_result)}</code></td><td class='nowrap'>"
            f"{value(kr.baseline)} → {value(kr.target)}{unit}</td>"
            f"<td class='nowrap'>{_esc(latest)}</td>"
            f"<td class='num'>{value(kr.expected_today)}</td>"
            f"<td>{badge}</td>"
            f"<td class='num'>{'-' if kr.progress_pct is None else f'{kr.progress_pct:.0f} %'}</td>"
            f"<td class='nowrap'>{_esc(outlook)}</td></tr>"
        )
    return (
        "<table><thead><tr><th>key result</th><th>baseline → target</th><th>latest check-in</th>"
        "<th>expected today</th><th>status</th><th>progress</th><th>forecast</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _risk_section(
    plan: Plan, today: dt.date, samples: int, seed: int, ignore_capacity: bool
) -> tuple[str, list[Flag]]:
    has_estimates = any(a.estimate is not None for a in plan.actions)
    if not has_estimates and not plan.risks:
        return ("<p>No three-point estimates or risks in the plan, so no simulation; add "
                "<code>estimate: {optimistic, likely, pessimistic}</code> to actions to get "
                "the chance of meeting the due date.</p>", [])
    try:
        from backplan.analysis.risk import simulate_schedule

        sim = simulate_schedule(plan, today=today, samples=samples, seed=seed,
                                ignore_capacity=ignore_capacity)
    except MissingExtraError as error:
        return f"<p>Risk simulation skipped: {_esc(str(error))}</p>", []
    if not sim.uncertain:  # its answer is the schedule's: say so, do not show a chance
        answer = "".join(f"<li>{_esc(line.strip())}</li>" for line in str(sim).splitlines()[1:]
                         if not line.lstrip().startswith(("error:", "warning:")))
        return (f"<p>{_esc(str(sim).splitlines()[0])}</p><ul>{answer}</ul>", [])
    cards = "".join([
        _card(percent(sim.probability), f"chance of meeting {sim.due}"),
        _card(percent(sim.probability_all_deadlines), "chance of meeting every deadline"),
        _card(str(sim.p50 or "-"), "P50 completion"),
        _card(str(sim.p80 or "-"), "P80 completion"),
        _card(str(sim.p95 or "-"), "P95 completion"),
    ])
    titles = {a.id: a.title for a in sim.actions}
    drivers = "".join(
        f"<li><code>{_esc(d)}</code> {_text(titles.get(d, ''))}: critical in "
        f"{percent(sim.action(d).criticality)} of runs, ±{sim.action(d).sd_duration_days:.1f} "
        "working days</li>" for d in sim.drivers[:5]
    )
    buffer = ""
    if sim.buffer is not None:
        buffer = f"<p>{_text(sim.buffer)}</p>"
    return (
        f'<div class="cards">{cards}</div>{buffer}'
        + (f"<p>What drives the risk most:</p><ul>{drivers}</ul>" if drivers else "")
        + f"<p class='sub'>{counted(sim.samples, 'simulated run')}, seed {sim.seed}, "
          f"{_esc(sim.distribution)} durations.</p>",
        list(sim.flags),
    )


def report_html(
    plan: Plan, *, today: dt.date, checkins: CheckInSource | None = None,
    samples: int = 2000, seed: int = 0, ignore_capacity: bool = False,
) -> str:
    """The dashboard of a plan as one self-contained HTML page.

    Args:
        plan: the plan.
        today: the day the report is for (scheduling, check-ins and risk start there).
        checkins: check-ins beyond those in the plan (a CSV path, a DataFrame, records...).
        samples: Monte Carlo runs for the risk summary (only when the plan has estimates or
            risks).
        seed: the simulation's seed; the same inputs give the same page.
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        The HTML text (UTF-8), with every chart inline as SVG and no external resource.

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    schedule = schedule_plan(plan, today=today, ignore_capacity=ignore_capacity)
    series = key_result_series(plan, schedule, checkins=checkins)
    title = plan.goal.title or plan.goal.id
    state = ('<span class="badge ok">feasible</span>' if schedule.feasible
             else '<span class="badge bad">not feasible as planned</span>')
    cards = [
        _card(str(schedule.due), "due date"),
        _card(str(schedule.earliest_completion or "-"), "earliest completion"),
        _card("-" if schedule.min_slack is None else working_days(schedule.min_slack), "least slack"),
        _card(str(len(schedule.actions)), "actions scheduled"),
        _card(str(len(schedule.errors)), "errors"),
    ]
    parts = [
        f"<h1>{_esc(title)}</h1>",
        f"<p class='sub'>Goal <code>{_esc(plan.goal.id)}</code>"
        + (f", owner {_esc(plan.goal.owner)}" if plan.goal.owner else "")
        + f" · report for {_text(today.isoformat())} · {state}</p>",
        f'<div class="cards">{"".join(cards)}</div>',
        "<h2 id='timeline'>Timeline</h2>",
        f"<figure id='gantt'>"
        f"{_svg(gantt_figure(schedule, plan=plan), 'Gantt chart of ' + title)}</figure>",
    ]
    flags: list[Flag] = list(schedule.flags)
    if series:
        parts.append("<h2 id='key-results'>Key results</h2>")
        parts.append(f"<figure id='glide'>{_svg(key_result_figure(schedule, series), 'Glide paths')}"
                     "</figure>")
        from backplan.analysis.tracking import track_progress

        tracking = track_progress(plan, checkins, today=today, schedule=schedule)
        if any(kr.checkins for kr in tracking.key_results):
            parts.append(_tracking_table(tracking))
        flags += [f for f in tracking.flags if f not in flags]
    risk, risk_flags = _risk_section(plan, today, samples, seed, ignore_capacity)
    flags += risk_flags
    parts += [
        "<h2 id='flags'>Flags and fixes</h2>", _flags(flags),
        "<h2 id='risk'>Risk</h2>", risk,
        "<h2 id='actions'>Actions</h2>",
        _actions_table(schedule, {p.id: p.name for p in plan.people if p.name}),
        f"<footer>Made by backplan {backplan.__version__} from plan "
        f"<code>{_esc(plan.goal.id)}</code> on {_text(today.isoformat())}. Dates are working-day "
        "dates: <i>start by</i> / <i>finish by</i> are the latest dates that still meet the "
        "due date.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}: backplan report</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )


def write_report(
    plan: Plan, path: str | os.PathLike[str], *, today: dt.date,
    checkins: CheckInSource | None = None, samples: int = 2000, seed: int = 0,
    ignore_capacity: bool = False,
) -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(report_html(plan, today=today, checkins=checkins, samples=samples,
                                  seed=seed, ignore_capacity=ignore_capacity),
                      encoding="utf-8")
    return target
