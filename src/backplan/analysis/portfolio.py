"""A portfolio scheduled with shared capacity, and its roll-up to the company objectives.

:func:`schedule_portfolio` levels every plan of a :class:`~backplan.Portfolio` on the hours
its shared people have left after the plans ahead of it in priority
(:mod:`backplan.scheduling.portfolio_run`), flags the people the plans need more of than they
have (``over-allocated``) with fixes measured on the whole portfolio
(:mod:`backplan.scheduling.portfolio_fixes`), and rolls the goals up the alignment tree:

* a goal is **feasible** when its plan is, with shared capacity;
* an objective is **feasible** when every goal aligned to it (directly or through other goals)
  is feasible and completes by the objective's ``due``; ``objective-late`` (a warning) names
  the goals that complete after it although they meet their own due dates;
* an objective's **status**: ``off_track`` when it is not feasible or a key result of one of
  its goals is off track (from the check-ins in the plan files); ``at_risk`` when a key result
  is at risk; else ``on_track``; ``no_goals`` when no goal aligns to it. With a simulation
  (:func:`~backplan.simulate_portfolio`) the chance counts too: below ``threshold`` (0.5) off
  track, below ``confidence`` (0.8) at risk.

Example:
    >>> import datetime as dt
    >>> from backplan import load_portfolio
    >>> portfolio = load_portfolio("examples/portfolio/portfolio.yaml")
    >>> result = schedule_portfolio(portfolio, today=dt.date(2026, 11, 23))
    >>> result.feasible, [(g.goal, g.feasible) for g in result.goals]
    (False, [('billing-aht', True), ('collections-fcr', True), ('onboarding-csat', False), ('retention-fcr', True)])
    >>> [(f.code, f.subject) for f in result.flags if f.severity == "error"][:1]
    [('over-allocated', 'qa')]
    >>> result.objective("csat-88").status
    'off_track'
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from backplan.analysis._text import iso
from backplan.errors import require
from backplan.graph.portfolio import aligned_goals, objective_of
from backplan.models.portfolio import Portfolio
from backplan.scheduling.portfolio_fixes import (
    PortfolioFix,
    PortfolioFlag,
    portfolio_flags,
    rank_portfolio_fixes,
)
from backplan.scheduling.portfolio_run import PortfolioRun, level_portfolio
from backplan.scheduling.result import CapacityMode, Schedule
from backplan.words import counted, percent

__all__ = [
    "GoalOutcome",
    "ObjectiveOutcome",
    "ObjectiveStatus",
    "PortfolioSchedule",
    "objective_status",
    "schedule_portfolio",
]

#: How an objective stands: see the module docstring.
ObjectiveStatus = Literal["on_track", "at_risk", "off_track", "no_goals"]
#: A key result's status from its check-ins (as :mod:`backplan.analysis.tracking` says).
KeyResultStatus = Literal["on_track", "at_risk", "off_track"]

_WORST = {"off_track": 2, "at_risk": 1, "on_track": 0}


@dataclass(frozen=True, slots=True)
class GoalOutcome:
    """One plan's goal in the portfolio.

    Attributes:
        plan: the plan's path as the portfolio gives it.
        goal: the goal's id; ``parent`` the objective or goal it aligns to.
        objective: the objective it serves (through parent goals), None when none.
        feasible, earliest_completion, min_slack: its plan's, with shared capacity.
        priority: its plan's priority (None: none given); ``rank``: its place in the
            levelling order (1 first).
        status: the worst status of its key results' latest check-ins (None: no check-in).
    """

    plan: str
    goal: str
    title: str
    parent: str | None
    objective: str | None
    due: dt.date
    feasible: bool
    earliest_completion: dt.date | None
    min_slack: int | None
    priority: int | None
    rank: int
    status: KeyResultStatus | None = None

    def to_dict(self) -> dict[str, Any]:
        """The goal as JSON-ready data (the ``goals`` entries of ``backplan portfolio``)."""
        return {
            "plan": self.plan, "goal": self.goal, "parent": self.parent, "due": iso(self.due),
            "feasible": self.feasible, "earliest_completion": iso(self.earliest_completion),
            "min_slack": self.min_slack,
        }


@dataclass(frozen=True, slots=True)
class ObjectiveOutcome:
    """A company objective rolled up from the goals aligned to it.

    Attributes:
        goals: the ids of every goal aligned to it (directly or through other goals), in
            portfolio order.
        feasible: every such goal feasible, and complete by ``due`` when it has one.
        status: see :func:`objective_status`.
    """

    id: str
    title: str
    due: dt.date | None
    goals: tuple[str, ...]
    feasible: bool
    status: ObjectiveStatus
    priority: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The objective as JSON-ready data (the ``objectives`` entries)."""
        return {"id": self.id, "title": self.title, "due": iso(self.due),
                "goals": list(self.goals), "feasible": self.feasible, "status": self.status}


def objective_status(
    *, goals: Sequence[GoalOutcome], feasible: bool, probability: float | None = None,
    threshold: float = 0.5, confidence: float = 0.8,
) -> ObjectiveStatus:
    """An objective's status from its goals (see the module docstring).

    Example:
        >>> objective_status(goals=[], feasible=True)
        'no_goals'
    """
    if not goals:
        return "no_goals"
    statuses = [g.status for g in goals if g.status is not None]
    worst = max((_WORST[s] for s in statuses), default=0)
    if not feasible or worst == 2 or (probability is not None and probability < threshold):
        return "off_track"
    if worst == 1 or (probability is not None and probability < confidence):
        return "at_risk"
    return "on_track"


@dataclass(frozen=True)
class PortfolioSchedule:
    """The result of :func:`schedule_portfolio`: every plan with shared capacity, rolled up.

    Attributes:
        portfolio, title: the portfolio's id and title.
        capacity: ``levelled`` (people's hours shared across the plans), ``ignored`` (asked
            for), ``none`` (no plan books people).
        feasible: every goal feasible with shared capacity.
        min_slack: the least slack of any plan.
        goals: one per plan, in portfolio order.
        objectives: one per objective, in file order.
        flags: ``over-allocated`` flags, each plan's own, and ``objective-late`` warnings.
        schedules: each plan's schedule, in portfolio order (its flags' fixes measured on the
            portfolio).
        order: the plans' paths in levelling order.
        people: the shared people's ids.
    """

    portfolio: str
    title: str
    today: dt.date
    capacity: CapacityMode
    feasible: bool
    min_slack: int | None
    goals: tuple[GoalOutcome, ...]
    objectives: tuple[ObjectiveOutcome, ...]
    flags: tuple[PortfolioFlag, ...]
    schedules: tuple[Schedule, ...]
    order: tuple[str, ...]
    people: tuple[str, ...]
    seed: int = 0
    run: PortfolioRun | None = field(default=None, compare=False, repr=False)

    def goal(self, ref: str) -> GoalOutcome:
        """The goal with this id, or of the plan with this path (KeyError naming it)."""
        for goal in self.goals:
            if ref in (goal.goal, goal.plan):
                return goal
        raise KeyError(f"no goal or plan {ref!r} in portfolio {self.portfolio!r}")

    def objective(self, objective_id: str) -> ObjectiveOutcome:
        """The objective with this id (KeyError naming it)."""
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise KeyError(f"no objective {objective_id!r} in portfolio {self.portfolio!r}")

    def schedule(self, ref: str) -> Schedule:
        """The schedule of the plan with this path, or of the goal with this id."""
        return self.schedules[self.goals.index(self.goal(ref))]

    @property
    def fixes(self) -> tuple[PortfolioFix, ...]:
        """Every flag's fixes without repeats, best first."""
        return rank_portfolio_fixes(fix for flag in self.flags for fix in flag.fixes
                                    if isinstance(fix, PortfolioFix))

    @property
    def errors(self) -> tuple[PortfolioFlag, ...]:
        """Flags of severity ``error``."""
        return tuple(flag for flag in self.flags if flag.severity == "error")

    # -- data ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``backplan portfolio --format json``: ``portfolio`` (its id, as a
        schedule's ``goal`` is the goal's), ``today``, ``feasible``, ``goals``, ``objectives``
        and ``flags``."""
        return {
            "portfolio": self.portfolio,
            "today": iso(self.today),
            "feasible": self.feasible,
            "goals": [goal.to_dict() for goal in self.goals],
            "objectives": [objective.to_dict() for objective in self.objectives],
            "flags": [flag.to_dict() for flag in self.flags],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def goals_frame(self) -> Any:
        """The goals as a pandas DataFrame (index ``goal``), dates as ``datetime64``."""
        return _frame([_goal_row(g) for g in self.goals], "goal", _GOAL_COLUMNS,
                      ("due", "earliest_completion"), ("min_slack", "priority"))

    def objectives_frame(self) -> Any:
        """The objectives as a pandas DataFrame (index ``id``)."""
        return _frame([{"id": o.id, "title": o.title, "due": o.due, "goals": list(o.goals),
                        "feasible": o.feasible, "status": o.status} for o in self.objectives],
                      "id", ("title", "due", "goals", "feasible", "status"), ("due",), ())

    def load_frame(self) -> Any:
        """People's load: one row per person, plan, action and working day with the hours
        booked (``shared``: a person of the portfolio, whose hours the plans share), sorted by
        person and day."""
        rows = []
        shared = set(self.people)
        for goal, schedule in zip(self.goals, self.schedules, strict=True):
            for booking in getattr(schedule, "bookings", ()):
                rows.append({"person": booking.person, "day": booking.day, "plan": goal.plan,
                             "goal": goal.goal, "action": booking.action,
                             "hours": booking.hours, "shared": booking.person in shared})
        rows.sort(key=lambda r: (r["person"], r["day"], r["plan"], r["action"]))
        pd = require("pandas", extra="pandas", feature="load_frame()")
        frame = pd.DataFrame(rows, columns=["person", "day", "plan", "goal", "action", "hours",
                                            "shared"])
        frame["day"] = pd.to_datetime(frame["day"])
        return frame

    def shared_hours(self) -> dict[str, dict[str, float]]:
        """Hours each shared person is booked from today on, per plan path (levelling
        order), by person id."""
        out: dict[str, dict[str, float]] = {p: {} for p in self.people}
        by_plan = {g.plan: s for g, s in zip(self.goals, self.schedules, strict=True)}
        for path in self.order:
            for booking in getattr(by_plan[path], "bookings", ()):
                if booking.person in out and booking.day >= self.today:
                    row = out[booking.person]
                    row[path] = row.get(path, 0.0) + booking.hours
        return out

    # -- views ---------------------------------------------------------------------------------
    def tree(self) -> list[tuple[int, str, GoalOutcome | ObjectiveOutcome | None]]:
        """The alignment tree as rows ``(depth, id, outcome)``: each objective with the goals
        under it (depth 1 and below), then ``(0, "(not aligned)", None)`` and the goals that
        serve no objective."""
        children: dict[str | None, list[GoalOutcome]] = {}
        goal_ids = {g.goal for g in self.goals}
        objective_ids = {o.id for o in self.objectives}
        for goal in self.goals:
            parent = goal.parent if goal.parent in goal_ids | objective_ids else None
            children.setdefault(parent, []).append(goal)
        rows: list[tuple[int, str, GoalOutcome | ObjectiveOutcome | None]] = []
        placed: set[str] = set()

        def walk(node: str, depth: int) -> None:
            for goal in children.get(node, []):
                if goal.goal in placed:
                    continue
                placed.add(goal.goal)
                rows.append((depth, goal.goal, goal))
                walk(goal.goal, depth + 1)

        for objective in self.objectives:
            rows.append((0, objective.id, objective))
            walk(objective.id, 1)
        rest = [g for g in self.goals if g.goal not in placed]
        if rest:
            rows.append((0, "(not aligned)", None))
            for goal in rest:
                if goal.goal not in placed and goal.objective is None and (
                        goal.parent not in goal_ids):
                    placed.add(goal.goal)
                    rows.append((1, goal.goal, goal))
                    walk(goal.goal, 2)
        return rows

    def _table(self) -> list[list[str]]:
        rows = [["alignment", "plan", "priority", "due", "feasible", "earliest", "slack",
                 "status"]]
        for depth, name, item in self.tree():
            pad = "  " * depth
            if isinstance(item, ObjectiveOutcome):
                rows.append([f"{pad}{name}" + (f"  {item.title}" if item.title else ""), "",
                             "" if item.priority is None else str(item.priority),
                             iso(item.due) or "-", "yes" if item.feasible else "NO", "", "",
                             item.status.replace("_", " ")])
            elif isinstance(item, GoalOutcome):
                rows.append([
                    f"{pad}{name}", item.plan, "" if item.priority is None else str(
                        item.priority), iso(item.due) or "", "yes" if item.feasible else "NO",
                    iso(item.earliest_completion) or "-",
                    "-" if item.min_slack is None else str(item.min_slack),
                    (item.status or "").replace("_", " ")])
            else:
                rows.append([name, "", "", "", "", "", "", ""])
        return rows

    def __str__(self) -> str:
        state = "feasible" if self.feasible else "NOT feasible"
        how = {"levelled": "people's hours shared across the plans",
               "ignored": "people's hours ignored", "none": "no plan books people"}[
                   self.capacity]
        lines = [
            f"Portfolio {self.portfolio!r}" + (f" ({self.title})" if self.title else "")
            + f" from {self.today.isoformat()}: {state} ({how})",
            f"  {counted(len(self.goals), 'plan')}, {counted(len(self.objectives), 'objective')}, "
            f"{counted(len(self.people), 'shared person', 'shared people')}; levelled in priority "
            "order: "
            + ", ".join(self.goal(path).goal for path in self.order[:12])
            + (", ..." if len(self.order) > 12 else ""),
        ]
        lines += ["  " + line for line in _aligned(self._table())]
        hours = self.shared_hours()
        if any(hours.values()):
            lines.append("  shared people (hours booked from today on):")
            for person, by_plan in hours.items():
                if by_plan:
                    parts = ", ".join(f"{self.goal(p).goal} {h:g} h" for p, h in
                                      list(by_plan.items())[:6])
                    more = f" and {len(by_plan) - 6} more" if len(by_plan) > 6 else ""
                    lines.append(f"    {person}: {sum(by_plan.values()):g} h ({parts}{more})")
        if self.flags:
            lines.append("  flags:")
            lines += ["    " + line for flag in self.flags for line in str(flag).splitlines()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<PortfolioSchedule {self.portfolio!r} feasible={self.feasible} "
                f"plans={len(self.goals)} flags={len(self.flags)}>")

    def _repr_html_(self) -> str:
        return portfolio_html(self)


def portfolio_html(result: PortfolioSchedule, probabilities: Mapping[str, float] | None = None
                   ) -> str:
    """The alignment tree and the flags as an HTML fragment (notebooks, the report).
    ``probabilities`` (by goal and objective id) add a chance column."""
    esc = html.escape
    rows = result._table()
    head = rows[0] + (["chance"] if probabilities is not None else [])
    body = []
    for (depth, name, item), row in zip(result.tree(), rows[1:], strict=True):
        cells = list(row)
        if probabilities is not None:
            chance = probabilities.get(name)
            cells.append("" if chance is None else percent(chance))
        bad = isinstance(item, GoalOutcome | ObjectiveOutcome) and not item.feasible
        style = " style='color:#b3261e'" if bad else ""
        first = f"<td style='padding-left:{8 + 18 * depth}px'>{esc(cells[0].strip())}</td>"
        body.append(f"<tr{style}>{first}" + "".join(f"<td>{esc(c)}</td>" for c in cells[1:])
                    + "</tr>")
    flags = "".join(
        f"<li><b>{esc(f.code)}</b> {esc(f.subject)}"
        + (f" ({esc(f.plan)})" if f.plan else "") + f": {esc(f.message)}<ul>"
        + "".join(f"<li>{esc(fix.description)}</li>" for fix in f.fixes) + "</ul></li>"
        for f in result.flags)
    state = "feasible" if result.feasible else "<b style='color:#b3261e'>not feasible</b>"
    return (
        f"<div><p>Portfolio <b>{esc(result.portfolio)}</b> from {result.today}: {state} "
        f"with shared capacity</p><table><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
        + (f"<ul>{flags}</ul>" if flags else "") + "</div>")


def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


_GOAL_COLUMNS = ("plan", "title", "parent", "objective", "priority", "rank", "due", "feasible",
                 "earliest_completion", "min_slack", "status")


def _goal_row(goal: GoalOutcome) -> dict[str, Any]:
    return {"goal": goal.goal, **{name: getattr(goal, name) for name in _GOAL_COLUMNS}}


def _frame(rows: list[dict[str, Any]], index: str, columns: Sequence[str],
           dates: Sequence[str], integers: Sequence[str]) -> Any:
    pd = require("pandas", extra="pandas", feature="portfolio DataFrames")
    frame = pd.DataFrame(rows, columns=[index, *columns])
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    for column in integers:
        frame[column] = frame[column].astype("Int64")
    return frame.set_index(index)


# --------------------------------------------------------------------------- scheduling


def schedule_portfolio(
    portfolio: Portfolio,
    *,
    today: dt.date,
    ignore_capacity: bool = False,
    seed: int = 0,
    iterations: int | None = None,
    fix_budget: int | None = None,
) -> PortfolioSchedule:
    """Schedule every plan of ``portfolio`` with people's hours shared across the plans, flag
    over-allocation with fixes measured on the portfolio, and roll the goals up to the
    objectives.

    Args:
        portfolio: the portfolio (:func:`backplan.load_portfolio`).
        today: the day planning starts from (library code never reads the clock).
        ignore_capacity: schedule every plan by precedence alone (nothing is then shared).
        seed: seeds the levelling searches: the same inputs give the same result.
        iterations: each plan's search budget (default: its share of
            :data:`~backplan.scheduling.portfolio_run.PORTFOLIO_WORK`, see
            :func:`~backplan.scheduling.portfolio_run.portfolio_iterations`).
        fix_budget: the plan schedules that measuring fixes may level (default: half a
            schedule per plan, at least 200): what it leaves unmeasured is not offered, and a
            ``fixes-not-measured`` warning says so.

    Returns:
        A frozen :class:`PortfolioSchedule`.

    Raises:
        PlanValidationError: ``today`` lies more than a century from a plan's due date (every
            plan's problem, each at its file).
        ScheduleRangeError: a plan's action can never be booked, or dates fall outside
            1..9999.
    """
    run = level_portfolio(portfolio, today=today, seed=seed, ignore_capacity=ignore_capacity,
                          iterations=iterations)
    run, flags = portfolio_flags(run, fix_budget=fix_budget)
    return rolled_up(run, flags)


def rolled_up(run: PortfolioRun, flags: Sequence[PortfolioFlag]) -> PortfolioSchedule:
    """The :class:`PortfolioSchedule` of a run and its flags: goals, objectives, statuses and
    ``objective-late`` warnings."""
    portfolio = run.portfolio
    serves = objective_of(portfolio)
    rank = {k: n + 1 for n, k in enumerate(run.order)}
    goals = []
    for k, entry in enumerate(portfolio.plans):
        schedule = run.schedule(k)
        goals.append(GoalOutcome(
            entry.path, entry.goal, entry.plan.goal.title, entry.plan.goal.parent,
            serves.get(entry.goal), entry.plan.goal.due, schedule.feasible,
            schedule.earliest_completion, schedule.min_slack, entry.priority, rank[k],
            _checkin_status(entry.plan, schedule, run.today)))
    by_goal = {g.goal: g for g in goals}
    objectives = []
    late_flags: list[PortfolioFlag] = []
    for objective in portfolio.objectives:
        members = [by_goal[g] for g in aligned_goals(portfolio)[objective.id]]
        after = [g for g in members if objective.due is not None and (
            g.earliest_completion is not None and g.earliest_completion > objective.due)]
        feasible = all(g.feasible for g in members) and not after
        if after and all(g.feasible for g in after):
            late_flags.append(_objective_late(objective.id, objective.due, after))
        objectives.append(ObjectiveOutcome(
            objective.id, objective.title, objective.due, tuple(g.goal for g in members),
            feasible, objective_status(goals=members, feasible=feasible), objective.priority))
    modes = {run.schedule(k).capacity for k in range(len(portfolio.plans))}
    capacity: CapacityMode = ("levelled" if "levelled" in modes else
                              "ignored" if "ignored" in modes else "none")
    return PortfolioSchedule(
        portfolio.id, portfolio.title, run.today, capacity, run.feasible, run.min_slack,
        tuple(goals), tuple(objectives), tuple(flags) + tuple(late_flags),
        tuple(o.schedule for o in run.outcomes),
        tuple(portfolio.plans[k].path for k in run.order),
        tuple(p.id for p in portfolio.people), run.seed, run)


def _objective_late(objective: str, due: dt.date | None, after: Sequence[GoalOutcome]
                    ) -> PortfolioFlag:
    assert due is not None
    names = ", ".join(f"{g.goal} completes {iso(g.earliest_completion)} (due {iso(g.due)})"
                      for g in after)
    return PortfolioFlag(
        "objective-late", "warning", objective,
        f"{objective} is due {due.isoformat()}, but {names}: the goals meet their own due "
        "dates, not the objective's", None, (), tuple(g.goal for g in after), ())


def _checkin_status(plan: Any, schedule: Schedule, today: dt.date) -> KeyResultStatus | None:
    """The worst status of the plan's key results' latest check-ins (None: none)."""
    if not any(kr.checkins for kr in plan.goal.key_results):
        return None
    from backplan.analysis.tracking import track_progress

    report = track_progress(plan, today=today, schedule=schedule)
    statuses = [kr.status for kr in report.key_results if kr.status is not None]
    if not statuses:
        return None
    return max(statuses, key=_WORST.__getitem__)
