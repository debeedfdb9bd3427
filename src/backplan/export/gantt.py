"""Gantt charts of a schedule: static (matplotlib: PNG, SVG, PDF) and interactive (plotly: HTML).

Both draw the same picture. Actions are bars on their as-late-as-possible dates (the dates the
plan must keep), grouped under their milestone (milestones in date order; a diamond marks the
day each is reached, red when late, with a tick at its due date); actions that deliver no
milestone come last, under an "Other actions" heading. Critical actions are red; late
actions (negative slack) are hatched, with a dashed outline where they can run at the earliest
and the shortfall written beside them; the slack of the others shows as a thin grey bar from the
earliest start. Given the ``plan``, done actions are green on their actual dates and marked
"done", so finished work never reads as work still to do. Vertical lines mark today and the
goal's due date. An optional panel under the chart shows each key result's expected path,
target and check-ins on the same time axis.

matplotlib comes with ``pip install "backplan[plot]"`` and plotly with
``pip install "backplan[plotly]"``; neither is imported until a chart is drawn.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, schedule_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
    ...                   "actions": [{"id": "a", "duration": 3},
    ...                               {"id": "b", "duration": 2, "after": ["a"]}]})
    >>> figure = gantt_figure(schedule_plan(plan, today=dt.date(2027, 1, 18)))
    >>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
    ['a', 'b']
"""

from __future__ import annotations

import datetime as dt
import io
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from backplan.errors import require
from backplan.export._series import KeyResultSeries
from backplan.models import Plan
from backplan.models.tracking import ActionStatus
from backplan.scheduling import MilestoneDate, Schedule, ScheduledAction
from backplan.words import SECONDS, clock, metric_value

__all__ = [
    "DONE_COLOUR", "OTHER_ACTIONS", "GanttRow", "gantt_figure", "gantt_plotly", "gantt_rows",
    "key_result_figure", "render_gantt", "write_gantt",
]

Label = Literal["title", "id"]

_BLUE, _RED, _DARK_RED, _GREY, _GREEN, _INK = (
    "#4C78A8", "#D62728", "#8B0000", "#B8B8B8", "#2CA02C", "#222222",
)
#: The fill of done actions' bars (with the plan given), in both charts.
DONE_COLOUR = "#8CBF88"
_ONE_DAY = dt.timedelta(days=1)
_MAX_LABEL = 48
#: The heading of the actions that deliver no milestone.
OTHER_ACTIONS = "Other actions"


@dataclass(frozen=True, slots=True)
class GanttRow:
    """One row of the chart, top to bottom: a milestone heading its group, the heading of the
    actions without a milestone (``kind="section"``), or an action.

    ``status`` is the action's progress (``not_started``, ``in_progress`` or ``done``) when the
    rows were made with the plan; ``not_started`` otherwise.
    """

    kind: Literal["milestone", "section", "action"]
    id: str
    label: str
    group: int
    action: ScheduledAction | None = None
    milestone: MilestoneDate | None = None
    status: ActionStatus = "not_started"

    @property
    def done(self) -> bool:
        """Whether the row is an action that is done."""
        return self.status == "done"


def _short(text: str, width: int = _MAX_LABEL) -> str:
    return textwrap.shorten(text, width=width, placeholder="…") if len(text) > width else text


def gantt_rows(
    schedule: Schedule, *, label: Label = "title", plan: Plan | None = None,
) -> list[GanttRow]:
    """The rows of the chart in order: each milestone (by date) then its actions (by start),
    then, when the plan has milestones, an "Other actions" heading and the actions without one.

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        label: row labels from titles (default; the id when a title is empty) or ids.
        plan: the plan, to mark each action's progress (``status``); optional.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan, schedule_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
        ...                   "milestones": [{"id": "m", "title": "Ready"}],
        ...                   "actions": [{"id": "a", "duration": 2, "milestone": "m"},
        ...                               {"id": "b", "duration": 1}]})
        >>> [(r.kind, r.label) for r in gantt_rows(schedule_plan(plan, today=dt.date(2027, 1, 18)))]
        [('milestone', 'Ready'), ('action', 'a'), ('section', 'Other actions'), ('action', 'b')]
    """
    if label not in ("title", "id"):
        raise ValueError(f"label must be 'title' or 'id', got {label!r}")
    status: dict[str, ActionStatus] = {} if plan is None else {
        a.id: a.status for a in plan.actions}

    def name(item: ScheduledAction | MilestoneDate) -> str:
        return _short(item.title if label == "title" and item.title else item.id)

    members: dict[str | None, list[ScheduledAction]] = {}
    for action in sorted(schedule.actions, key=lambda a: (a.start, a.finish, a.id)):
        members.setdefault(action.milestone, []).append(action)
    def row(a: ScheduledAction, group: int) -> GanttRow:
        return GanttRow("action", a.id, name(a), group, action=a,
                        status=status.get(a.id, "not_started"))

    rows: list[GanttRow] = []
    for group, milestone in enumerate(sorted(schedule.milestones, key=lambda m: (m.date, m.id))):
        rows.append(GanttRow("milestone", milestone.id, name(milestone), group,
                             milestone=milestone))
        rows += [row(a, group) for a in members.pop(milestone.id, [])]
    rest = sorted((a for group in members.values() for a in group),
                  key=lambda a: (a.start, a.finish, a.id))
    group = len(schedule.milestones)
    if rest and schedule.milestones:
        rows.append(GanttRow("section", "", OTHER_ACTIONS, group))
    rows += [row(a, group) for a in rest]
    return rows


def _span(schedule: Schedule, series: Sequence[KeyResultSeries]) -> tuple[dt.date, dt.date]:
    days = [schedule.today, schedule.due]
    for a in schedule.actions:
        days += [a.start, a.finish, a.earliest_start, a.earliest_finish]
    for m in schedule.milestones:
        days += [m.date, m.earliest_date] + ([m.due] if m.due else [])
    for s in series:
        days += [d for d, _ in s.path] + [d for d, _ in s.checkins]
    return min(days), max(days) + _ONE_DAY


def gantt_figure(
    schedule: Schedule, *, key_results: Sequence[KeyResultSeries] = (),
    label: Label = "title", width: float = 13.0, title: str | None = None,
    plan: Plan | None = None,
) -> Any:
    """A matplotlib Figure of the schedule (and, optionally, a key-result panel).

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        key_results: series to draw under the chart (see
            :func:`backplan.export.key_result_series`), one small plot each.
        label: row labels from titles (default; the id when a title is empty) or ids.
        width: figure width in inches; the height follows from the number of rows.
        title: the chart title; default: the goal's title, due date and state.
        plan: the plan, to draw done actions apart (green, marked "done"); optional.

    Returns:
        A ``matplotlib.figure.Figure`` (not attached to pyplot; save it with ``savefig``).

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    require("matplotlib", extra="plot", feature="Gantt charts")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    rows = gantt_rows(schedule, label=label, plan=plan)
    n_rows = max(len(rows), 1)
    chart_height = 0.8 + 0.27 * n_rows
    panel_height = 1.7 * len(key_results)
    figure = Figure(figsize=(width, chart_height + panel_height + 1.6), layout="constrained")
    ratios = [chart_height] + [1.7] * len(key_results)
    grid = figure.add_gridspec(1 + len(key_results), 1, height_ratios=ratios)
    ax = figure.add_subplot(grid[0])
    first, last = _span(schedule, key_results)
    x: Any = mdates.date2num

    # Alternate shading per group, and thin separators.
    for index, row in enumerate(rows):
        if row.group % 2 == 1:
            ax.axhspan(index - 0.5, index + 0.5, color="#F3F5F8", zorder=0, lw=0)
    for index in range(1, len(rows)):
        if rows[index].group != rows[index - 1].group:
            ax.axhline(index - 0.5, color="#C9CED6", lw=0.8, zorder=1)

    bar_height = 0.62
    for index, row in enumerate(rows):
        if row.action is not None and row.done:
            a = row.action
            ax.barh(index, (a.finish - a.start).days + 1, left=x(a.start), height=bar_height,
                    color=DONE_COLOUR, edgecolor=_INK, linewidth=0.4, zorder=3)
            ax.annotate("done", (x(a.finish + _ONE_DAY), index), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7.5, color=_INK,
                        zorder=5)
        elif row.action is not None:
            a = row.action
            late = a.slack < 0
            colour = _RED if a.critical else _BLUE
            if a.slack > 0:  # slack: from the earliest start to the latest start
                ax.barh(index, x(a.start) - x(a.earliest_start), left=x(a.earliest_start),
                        height=0.18, color=_GREY, zorder=2)
            ax.barh(index, (a.finish - a.start).days + 1, left=x(a.start), height=bar_height,
                    color=colour, edgecolor=_DARK_RED if late else "none",
                    hatch="////" if late else None, linewidth=0.8 if late else 0, zorder=3)
            if late:
                ax.add_patch(Rectangle(
                    (x(a.earliest_start), index - bar_height / 2),
                    (a.earliest_finish - a.earliest_start).days + 1, bar_height,
                    fill=False, edgecolor=_DARK_RED, linestyle="--", linewidth=1.0, zorder=4,
                ))
                ax.annotate(f"{-a.slack} d late", (x(a.earliest_finish + _ONE_DAY), index),
                            xytext=(4, 0), textcoords="offset points", va="center",
                            fontsize=7.5, color=_DARK_RED, fontweight="bold", zorder=5)
        elif row.milestone is not None:
            m = row.milestone
            day = x(m.date + _ONE_DAY)  # reached at the end of the day
            ax.scatter([day], [index], marker="D", s=46, zorder=6,
                       color=_RED if m.slack < 0 else _INK, edgecolors="white", linewidths=0.6)
            if m.due is not None:
                ax.plot([x(m.due + _ONE_DAY)] * 2, [index - 0.38, index + 0.38],
                        color=_RED, lw=1.6, zorder=5, solid_capstyle="butt")

    ax.axvline(x(schedule.today), color=_GREEN, lw=1.4, ls="--", zorder=7)
    ax.axvline(x(schedule.due + _ONE_DAY), color=_RED, lw=1.4, zorder=7)
    top = -0.5
    ax.annotate(f"today {schedule.today:%d %b}", (x(schedule.today), top), xytext=(0, 4),
                textcoords="offset points", ha="center", va="bottom", fontsize=8,
                color=_GREEN, annotation_clip=False)
    ax.annotate(f"due {schedule.due:%d %b}", (x(schedule.due + _ONE_DAY), top), xytext=(0, 4),
                textcoords="offset points", ha="center", va="bottom", fontsize=8,
                color=_RED, annotation_clip=False)

    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # one empty row when there is nothing to draw
    ax.set_yticks(range(len(rows)), [row.label for row in rows])
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_fontsize(8)
        if row.kind != "action":
            tick.set_fontweight("bold")
        if row.kind == "section":
            tick.set_fontstyle("italic")
    any_late = any(r.action.slack < 0 for r in rows if r.action is not None and not r.done)
    span_days = (last - first).days  # room on the right for "N d late" and the due label
    pad = dt.timedelta(days=max(7, span_days // 12 if any_late else span_days // 25))
    ax.set_xlim(x(first - 2 * _ONE_DAY), x(last + pad))
    _date_axis(ax, mdates, first, last)
    ax.grid(axis="x", which="major", color="#DDDDDD", lw=0.6, zorder=0)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    state = "feasible" if schedule.feasible else "NOT feasible"
    completion = (f", earliest completion {schedule.earliest_completion:%d %b %Y}"
                  if schedule.earliest_completion else "")
    ax.set_title(title if title is not None else
                 f"{schedule.goal_title or schedule.goal}\n"
                 f"due {schedule.due:%d %b %Y} · planned {schedule.today:%d %b %Y} · "
                 f"{state}{completion}", fontsize=10, loc="left", pad=18)

    handles = [
        Patch(color=_BLUE, label="action (latest dates)"),
        Patch(color=_RED, label="critical chain"),
        Line2D([], [], color=_GREY, lw=4, label="slack"),
        Line2D([], [], marker="D", color=_INK, lw=0, label="milestone reached"),
        Line2D([], [], color=_RED, marker="|", lw=0, markersize=9, mew=1.6,
               label="milestone due"),
        Line2D([], [], color=_GREEN, ls="--", label="today"),
        Line2D([], [], color=_RED, label="goal due"),
    ]
    if any_late:
        handles[2:2] = [
            Patch(facecolor=_RED, edgecolor=_DARK_RED, hatch="////",
                  label="late (needs earlier start)"),
            Patch(fill=False, edgecolor=_DARK_RED, linestyle="--",
                  label="earliest possible (late)"),
        ]
    if any(row.done for row in rows):
        handles.insert(2, Patch(facecolor=DONE_COLOUR, edgecolor=_INK, linewidth=0.4, label="done"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06 * 12 / n_rows - 0.02)
              if not key_results else (0.5, -0.02), ncols=5, fontsize=7.5, frameon=False)

    for k, series in enumerate(key_results, start=1):
        panel = figure.add_subplot(grid[k], sharex=ax)
        _draw_series(panel, series, schedule, x)
        _date_axis(panel, mdates, first, last)
    return figure


def key_result_figure(
    schedule: Schedule, key_results: Sequence[KeyResultSeries], *, width: float = 13.0,
) -> Any:
    """A matplotlib Figure with one small plot per key result: its expected path, target, and
    check-ins, with today and the due date marked.

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    require("matplotlib", extra="plot", feature="key-result charts")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, 0.4 + 2.0 * max(len(key_results), 1)), layout="constrained")
    first, last = _span(schedule, key_results)
    axes = figure.subplots(max(len(key_results), 1), 1, squeeze=False)[:, 0]
    for panel, series in zip(axes, key_results, strict=False):
        date2num: Any = mdates.date2num
        _draw_series(panel, series, schedule, date2num)
        _date_axis(panel, mdates, first, last)
        panel.set_xlim(date2num(first - 2 * _ONE_DAY), date2num(last + 7 * _ONE_DAY))
    return figure


def _date_axis(ax: Any, mdates: Any, first: dt.date, last: dt.date) -> None:
    span = (last - first).days
    if span <= 70:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    elif span <= 3 * 366:
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.xaxis.set_minor_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    else:  # years: a dozen ticks at most, so that far dates stay quick to draw
        locator = mdates.AutoDateLocator(maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=8)


def _unit_label(series: KeyResultSeries) -> str:
    """The unit in brackets for titles and axes: ``(%)``, ``(m:ss)`` for seconds."""
    if not series.unit:
        return ""
    return " (m:ss)" if series.unit == SECONDS else f" ({series.unit})"


def _series_title(series: KeyResultSeries) -> str:
    """``aht: 9:30 → 8:30 (m:ss)``: the key result, baseline and target, as people read them."""
    return (f"{series.id}: {metric_value(series.baseline, series.unit)} → "
            f"{metric_value(series.target, series.unit)}{_unit_label(series)}")


def _clock_ticks(values: Sequence[float]) -> tuple[list[float], list[str]]:
    """Round-number ticks in seconds over ``values``, labelled ``m:ss``."""
    low, high = min(values), max(values)
    span = max(high - low, 1.0)
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
                if span / s <= 6)
    first = step * (low // step)
    ticks = [first + k * step for k in range(int((high - first) // step) + 2)]
    return ticks, [clock(t) for t in ticks]


def _draw_series(ax: Any, series: KeyResultSeries, schedule: Schedule, x: Any) -> None:
    days = [x(d) for d, _ in series.path]
    values = [v for _, v in series.path]
    ax.plot(days, values, color=_BLUE, lw=1.6, drawstyle="steps-post" if series.steps else "default",
            label=f"expected ({series.source})")
    ax.axhline(series.target, color=_RED, lw=0.9, ls=":",
               label=f"target {metric_value(series.target, series.unit)}")
    if series.checkins:
        ax.plot([x(d) for d, _ in series.checkins], [v for _, v in series.checkins],
                marker="o", ms=4, lw=0.8, color=_INK, label="check-ins")
    ax.axvline(x(schedule.today), color=_GREEN, lw=1.2, ls="--")
    ax.axvline(x(schedule.due + _ONE_DAY), color=_RED, lw=1.2)
    ax.set_ylabel(f"{_short(series.name, 24)}{_unit_label(series)}", fontsize=8)
    ax.set_title(_series_title(series), fontsize=9, loc="left")
    if series.unit == SECONDS:  # AHT and the like read as m:ss on the axis too
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: clock(value)))
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(color="#EEEEEE", lw=0.6)
    ax.legend(fontsize=7.5, loc="best", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def gantt_plotly(
    schedule: Schedule, *, key_results: Sequence[KeyResultSeries] = (), label: Label = "title",
    plan: Plan | None = None,
) -> Any:
    """An interactive plotly Figure of the schedule: hover a bar for its dates, slack and who.

    Args:
        schedule: the result of :func:`backplan.schedule_plan`.
        key_results: series to draw under the chart, one small plot each.
        label: row labels from titles (default) or ids.
        plan: the plan, to draw done actions apart (green, marked "done"); optional.

    Returns:
        A ``plotly.graph_objects.Figure``; ``write_gantt`` saves it as one HTML file.

    Raises:
        MissingExtraError: plotly is not installed.
    """
    go: Any = require("plotly.graph_objects", extra="plotly", feature="interactive Gantt charts")
    make_subplots: Any = require("plotly.subplots", extra="plotly",
                                 feature="interactive Gantt charts").make_subplots

    rows = gantt_rows(schedule, label=label, plan=plan)
    n_panels = len(key_results)
    chart_px = 120 + 24 * max(len(rows), 1)
    figure = make_subplots(
        rows=1 + n_panels, cols=1, shared_xaxes=True, vertical_spacing=0.04 if n_panels else 0,
        row_heights=[chart_px] + [180] * n_panels,
        subplot_titles=[""] + [_series_title(s) for s in key_results],
    )
    y_labels = [f"◆ {r.label}" if r.kind == "milestone" else
                f"<b><i>{r.label}</i></b>" if r.kind == "section" else r.label for r in rows]
    ms_per_day = 86_400_000

    def who(a: ScheduledAction) -> str:
        people = ", ".join(a.assignees)
        return " · ".join(part for part in (a.owner or "", people) if part)

    def bars(selected: list[tuple[int, ScheduledAction]], name: str, colour: str,
             pattern: str = "") -> None:
        if not selected:
            return
        figure.add_trace(go.Bar(
            orientation="h", name=name,
            y=[y_labels[i] for i, _ in selected],
            base=[a.start.isoformat() for _, a in selected],
            x=[((a.finish - a.start).days + 1) * ms_per_day for _, a in selected],
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=[[a.id, a.start.isoformat(), a.finish.isoformat(),
                         a.earliest_start.isoformat(), a.slack, who(a)]
                        for _, a in selected],
            hovertemplate="<b>%{customdata[0]}</b><br>start by %{customdata[1]}, "
                          "finish by %{customdata[2]}<br>earliest start %{customdata[3]}<br>"
                          "slack %{customdata[4]} working days<br>%{customdata[5]}"
                          "<extra></extra>",
        ), row=1, col=1)

    indexed = [(i, r.action) for i, r in enumerate(rows) if r.action is not None and not r.done]
    done = [(i, r.action) for i, r in enumerate(rows) if r.action is not None and r.done]
    if done:
        figure.add_trace(go.Bar(
            orientation="h", name="done", y=[y_labels[i] for i, _ in done],
            base=[a.start.isoformat() for _, a in done],
            x=[((a.finish - a.start).days + 1) * ms_per_day for _, a in done],
            marker={"color": DONE_COLOUR, "line": {"color": _INK, "width": 0.5}},
            text=["done"] * len(done), textposition="outside", cliponaxis=False,
            customdata=[[a.id, a.start.isoformat(), a.finish.isoformat(), who(a)]
                        for _, a in done],
            hovertemplate="<b>%{customdata[0]}</b> (done)<br>%{customdata[1]} to "
                          "%{customdata[2]}<br>%{customdata[3]}<extra></extra>",
        ), row=1, col=1)
    slack = [(i, a) for i, a in indexed if a.slack > 0]
    if slack:
        figure.add_trace(go.Bar(
            orientation="h", name="slack", y=[y_labels[i] for i, _ in slack],
            base=[a.earliest_start.isoformat() for _, a in slack],
            x=[(a.start - a.earliest_start).days * ms_per_day for _, a in slack],
            width=0.2, marker={"color": _GREY}, hoverinfo="skip",
        ), row=1, col=1)
    bars([(i, a) for i, a in indexed if a.slack >= 0 and not a.critical], "action", _BLUE)
    bars([(i, a) for i, a in indexed if a.slack >= 0 and a.critical], "critical chain", _RED)
    late = [(i, a) for i, a in indexed if a.slack < 0]
    bars(late, "late", _RED, "/")
    if late:
        figure.add_trace(go.Bar(
            orientation="h", name="earliest possible (late)", y=[y_labels[i] for i, _ in late],
            base=[a.earliest_start.isoformat() for _, a in late],
            x=[((a.earliest_finish - a.earliest_start).days + 1) * ms_per_day for _, a in late],
            marker={"color": "rgba(0,0,0,0)", "line": {"color": _DARK_RED, "width": 1.5}},
            text=[f"{-a.slack} d late" for _, a in late], textposition="outside",
            cliponaxis=False, hoverinfo="skip",
        ), row=1, col=1)
    milestones = [(i, r.milestone) for i, r in enumerate(rows) if r.milestone is not None]
    if milestones:
        figure.add_trace(go.Scatter(
            mode="markers", name="milestone", y=[y_labels[i] for i, _ in milestones],
            x=[(m.date + _ONE_DAY).isoformat() for _, m in milestones],
            marker={"symbol": "diamond", "size": 11,
                    "color": [_RED if m.slack < 0 else _INK for _, m in milestones]},
            customdata=[[m.id, m.date.isoformat(), m.due.isoformat() if m.due else "-", m.slack]
                        for _, m in milestones],
            hovertemplate="<b>%{customdata[0]}</b><br>reached %{customdata[1]}<br>"
                          "due %{customdata[2]}<br>slack %{customdata[3]}<extra></extra>",
        ), row=1, col=1)
    dues = [(i, m) for i, m in milestones if m.due is not None]
    if dues:
        figure.add_trace(go.Scatter(
            mode="markers", name="milestone due", y=[y_labels[i] for i, _ in dues],
            x=[(m.due + _ONE_DAY).isoformat() for _, m in dues if m.due is not None],
            marker={"symbol": "line-ns", "size": 16, "line": {"color": _RED, "width": 2.5}},
            customdata=[[m.id, m.due.isoformat() if m.due else "-"] for _, m in dues],
            hovertemplate="<b>%{customdata[0]}</b> due %{customdata[1]}<extra></extra>",
        ), row=1, col=1)
    for when, text, colour, dash in (
        (schedule.today, f"today {schedule.today:%d %b}", _GREEN, "dash"),
        (schedule.due + _ONE_DAY, f"due {schedule.due:%d %b}", _RED, "solid"),
    ):
        for panel in range(1, 2 + n_panels):
            figure.add_vline(x=when.isoformat(), line={"color": colour, "dash": dash, "width": 1.5},
                             row=panel, col=1)
        figure.add_annotation(x=when.isoformat(), y=1.0, yref="y domain", yanchor="bottom",
                              text=text, showarrow=False, font={"color": colour, "size": 11},
                              row=1, col=1)
    for k, series in enumerate(key_results, start=2):
        figure.add_trace(go.Scatter(
            x=[d.isoformat() for d, _ in series.path], y=[v for _, v in series.path],
            mode="lines", name=f"{series.id} expected",
            line={"color": _BLUE, "shape": "hv" if series.steps else "linear"},
        ), row=k, col=1)
        figure.add_hline(y=series.target, line={"color": _RED, "dash": "dot", "width": 1},
                         row=k, col=1)
        if series.checkins:
            figure.add_trace(go.Scatter(
                x=[d.isoformat() for d, _ in series.checkins],
                y=[v for _, v in series.checkins], mode="lines+markers",
                name=f"{series.id} check-ins", line={"color": _INK, "width": 1},
            ), row=k, col=1)
        if series.unit == SECONDS:
            shown = [v for _, v in (*series.path, *series.checkins)] + [series.target]
            ticks, texts = _clock_ticks(shown)
            figure.update_yaxes(tickvals=ticks, ticktext=texts, row=k, col=1)
    first, last = _span(schedule, key_results)
    state = "feasible" if schedule.feasible else "NOT feasible"
    figure.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=y_labels,
                        row=1, col=1)
    # Room on the right for the last "N d late" or "done" label and the due-date label.
    span_days = (last - first).days
    labelled = late or done
    pad = dt.timedelta(days=max(7, span_days // 10 if labelled else span_days // 25))
    figure.update_xaxes(type="date", range=[(first - 2 * _ONE_DAY).isoformat(),
                                            (last + pad).isoformat()])
    figure.update_layout(
        barmode="overlay", height=chart_px + 200 * n_panels + 80, template="plotly_white",
        title={"text": f"{schedule.goal_title or schedule.goal}<br><sup>due {schedule.due} · "
                       f"planned {schedule.today} · {state}</sup>"},
        legend={"orientation": "h", "y": -0.08 if not n_panels else -0.03},
        margin={"l": 10, "r": 60, "t": 90, "b": 40},
    )
    return figure


def write_gantt(
    schedule: Schedule, path: str | os.PathLike[str], *,
    key_results: Sequence[KeyResultSeries] = (), label: Label = "title",
    plan: Plan | None = None,
) -> Path:
    """Save a Gantt chart; the suffix picks the kind: ``.png``, ``.svg``, ``.pdf`` (matplotlib)
    or ``.html`` (plotly, one self-contained file that works offline). ``plan`` marks done
    actions (see :func:`gantt_figure`).

    Returns:
        The path written.

    Raises:
        ValueError: the suffix is not one of those.
        MissingExtraError: the library for that kind is not installed.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".html":
        text = gantt_plotly(schedule, key_results=key_results, label=label, plan=plan).to_html(
            include_plotlyjs=True, full_html=True, config={"displaylogo": False},
        )
        target.write_text(text, encoding="utf-8")
        return target
    if suffix not in (".png", ".svg", ".pdf"):
        raise ValueError(f"cannot tell the chart format from {target.name!r}: "
                         "use .png, .svg, .pdf or .html")
    fmt: Literal["png", "svg", "pdf"] = "png" if suffix == ".png" else (
        "svg" if suffix == ".svg" else "pdf")
    target.write_bytes(render_gantt(schedule, fmt, key_results=key_results, label=label,
                                    plan=plan))
    return target


def render_gantt(
    schedule: Schedule, fmt: Literal["png", "svg", "pdf"], *,
    key_results: Sequence[KeyResultSeries] = (), label: Label = "title", dpi: int = 130,
    plan: Plan | None = None,
) -> bytes:
    """The static chart as bytes in ``fmt``; the same schedule gives the same bytes."""
    return figure_bytes(gantt_figure(schedule, key_results=key_results, label=label, plan=plan),
                        fmt, dpi=dpi)


def figure_bytes(figure: Any, fmt: Literal["png", "svg", "pdf"], *, dpi: int = 130) -> bytes:
    """A matplotlib figure as bytes, without timestamps (same figure, same bytes)."""
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"png": {"Software": None}, "svg": {"Date": None},
                                "pdf": {"CreationDate": None, "ModDate": None}}[fmt]
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "backplan", "svg.fonttype": "path"}):
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()
