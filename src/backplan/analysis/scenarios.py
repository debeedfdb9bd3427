"""What-if scenarios: named changes applied to copies of a plan, compared side by side.

Each scenario (see :mod:`backplan.models.scenario`) is applied to a copy of the plan (the plan
itself never changes) and scheduled from the same ``today``. The comparison shows, for the plan
as written and for each scenario: whether it is feasible, the earliest completion, the minimum
slack, the P80 completion and the chance of meeting the due date where the plan has estimates or
risks (Monte Carlo, :func:`backplan.simulate_schedule`, the same ``seed`` for every scenario),
each key result's gap: how much of the needed change the planned effects (``impact``) leave
uncovered, and for a plan with a queue the project hours it spares from today to the due date
(``volume``, ``aht`` and ``add_agents`` changes move them; see docs/staffing.md).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, load_scenarios
    >>> plan = load_plan('''
    ... goal: {id: g, due: 2027-01-15}
    ... actions:
    ...   - {id: survey, duration: 6}
    ...   - {id: tips, duration: 3, after: [survey], priority: could}
    ...   - {id: coach, duration: 3, after: [tips]}
    ... ''')
    >>> scenarios = load_scenarios({"scenarios": [
    ...     {"name": "no-tips", "changes": [{"drop": "tips"}]},
    ...     {"name": "fast-survey", "changes": [{"action": "survey", "duration": 4}]},
    ...     {"name": "later", "changes": [{"due": "2027-01-22"}]}]})
    >>> comparison = compare_scenarios(plan, scenarios, today=dt.date(2027, 1, 4))
    >>> print(comparison)
    scenario     feasible  earliest completion  min slack
    as planned   no        2027-01-19                  -2
    no-tips      yes       2027-01-14                   1
    fast-survey  yes       2027-01-15                   0
    later        yes       2027-01-19                   3
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from backplan._find import find
from backplan.analysis._effects import KeyResultEffect, key_result_effects
from backplan.analysis._text import iso, table_html
from backplan.calendars import plan_calendar
from backplan.models import Plan
from backplan.models.changes import apply_changes
from backplan.models.scenario import Scenario, ScenarioSet
from backplan.scheduling import make_scheduler
from backplan.scheduling.pipeline import queue_capacity
from backplan.words import metric_value, percent

__all__ = ["ScenarioComparison", "ScenarioOutcome", "apply_scenario", "compare_scenarios"]

#: The name of the row for the plan as written.
AS_PLANNED = "as planned"


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """How the plan fares under one scenario (or as written, ``baseline``).

    Attributes:
        name: the scenario's name (``"as planned"`` for the plan as written).
        title: the scenario's title.
        baseline: True for the plan as written.
        changes: each change in words.
        due: the goal's due date under the scenario.
        feasible: whether the scenario's schedule is feasible.
        earliest_completion: its earliest completion.
        min_slack: its minimum slack (None when no action is scheduled).
        p80: the P80 completion (None when the plan has no estimates or risks).
        probability: the chance of meeting the due date (None likewise).
        effects: per key result with planned effects, the needed and planned change and gap.
        spare_hours: the project hours the plan's queue spares from today to the due date
            (None without a queue).
    """

    name: str
    title: str
    baseline: bool
    changes: tuple[str, ...]
    due: dt.date
    feasible: bool
    earliest_completion: dt.date | None
    min_slack: int | None
    p80: dt.date | None
    probability: float | None
    effects: tuple[KeyResultEffect, ...]
    spare_hours: float | None = None

    def gap(self, key_result: str) -> float | None:
        """The gap left on ``key_result`` (None when no action states an impact on it)."""
        return next((e.gap for e in self.effects if e.key_result == key_result), None)

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data."""
        return {
            "name": self.name, "title": self.title, "baseline": self.baseline,
            "changes": list(self.changes), "due": iso(self.due), "feasible": self.feasible,
            "earliest_completion": iso(self.earliest_completion), "min_slack": self.min_slack,
            "p80": iso(self.p80), "probability": self.probability,
            "key_result_gaps": {e.key_result: e.gap for e in self.effects},
            "effects": [e.to_dict() for e in self.effects],
            "spare_hours": self.spare_hours,
        }


@dataclass(frozen=True, slots=True)
class ScenarioComparison:
    """The plan as written and each scenario, side by side (the first outcome is the plan)."""

    goal: str
    today: dt.date
    outcomes: tuple[ScenarioOutcome, ...]
    key_results: tuple[str, ...]
    simulated: bool
    #: The unit of each of ``key_results`` (gaps in seconds show as ``m:ss``).
    units: tuple[str, ...] = ()

    def outcome(self, name: str) -> ScenarioOutcome:
        """The outcome of the scenario with this name (``"as planned"``: the plan as written)."""
        return find(self.outcomes, "name", name, "scenario")

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "today": iso(self.today), "simulated": self.simulated,
            "key_results": list(self.key_results),
            "scenarios": [outcome.to_dict() for outcome in self.outcomes],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def rows(self) -> list[list[str]]:
        """The comparison as a table of text cells, the header first."""
        header = ["scenario", "feasible", "earliest completion", "min slack"]
        if self.simulated:
            header += ["P80", "chance"]
        header += [f"gap {kr}" for kr in self.key_results]
        queue = any(o.spare_hours is not None for o in self.outcomes)
        if queue:
            header.append("spare h")
        rows = [header]
        for o in self.outcomes:
            row = [o.name, "yes" if o.feasible else "no", iso(o.earliest_completion) or "-",
                   "-" if o.min_slack is None else str(o.min_slack)]
            if self.simulated:
                row += [iso(o.p80) or "-",
                        "-" if o.probability is None else percent(o.probability)]
            units = self.units or ("",) * len(self.key_results)
            row += [metric_value(o.gap(kr), unit)
                    for kr, unit in zip(self.key_results, units, strict=True)]
            if queue:
                row.append("-" if o.spare_hours is None else f"{o.spare_hours:.1f}")
            rows.append(row)
        return rows

    def __str__(self) -> str:
        rows = self.rows()
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        numeric = {k for k, name in enumerate(rows[0]) if name == "min slack"
                   or name.startswith("gap ") or name in ("chance", "spare h")}
        lines = []
        for row in rows:
            cells = [cell.rjust(widths[k]) if k in numeric and row is not rows[0]
                     else cell.ljust(widths[k]) for k, cell in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<ScenarioComparison {self.goal!r} scenarios={len(self.outcomes) - 1}>"

    def _repr_html_(self) -> str:
        return table_html(self.rows())


def apply_scenario(plan: Plan, scenario: Scenario) -> Plan:
    """A copy of ``plan`` with the scenario's changes applied, in order (``plan`` is unchanged).

    Raises:
        PlanValidationError: a change names an action, milestone or person the plan does not
            have (``unknown-id``), or the changed plan breaks a rule.

    Example:
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"},
        ...                   "actions": [{"id": "a", "duration": 5}]})
        >>> changed = apply_scenario(plan, Scenario(name="s", changes=[
        ...     {"action": "a", "duration": 3}, {"due": "2027-02-05"}]))
        >>> changed.actions[0].duration, changed.goal.due.isoformat(), plan.actions[0].duration
        (3, '2027-02-05', 5)
    """
    return apply_changes(plan, scenario.changes, name=scenario.name,
                         source=f"scenario {scenario.name!r}")


def compare_scenarios(
    plan: Plan,
    scenarios: ScenarioSet | Sequence[Scenario],
    *,
    today: dt.date,
    samples: int = 2000,
    seed: int = 0,
    ignore_capacity: bool = False,
) -> ScenarioComparison:
    """Schedule the plan and each scenario from ``today`` and compare them side by side.

    Args:
        plan: the plan (unchanged).
        scenarios: the scenarios, e.g. from :func:`backplan.load_scenarios`.
        today: the day planning starts from.
        samples: Monte Carlo runs per scenario for P80, when the plan has estimates or risks.
        seed: the seed of those runs (the same for every scenario).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`ScenarioComparison`, the plan as written first.

    Raises:
        PlanValidationError: the plan, or a scenario applied to it, is broken.
        MissingExtraError: the plan has estimates but numpy is not installed.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-01-08"},
        ...                   "actions": [{"id": "a", "duration": 6}]})
        >>> result = compare_scenarios(plan, [Scenario(name="later",
        ...     changes=[{"due": "2027-01-11"}])], today=dt.date(2027, 1, 4))
        >>> [(o.name, o.feasible) for o in result.outcomes]
        [('as planned', False), ('later', True)]
    """
    listed = scenarios.scenarios if isinstance(scenarios, ScenarioSet) else tuple(scenarios)
    simulate = any(a.estimate is not None for a in plan.actions) or bool(plan.risks)
    outcomes = [_outcome(plan, None, today, simulate, samples, seed, ignore_capacity)]
    outcomes += [_outcome(apply_scenario(plan, s), s, today, simulate, samples, seed,
                          ignore_capacity) for s in listed]
    named = {e.key_result for o in outcomes for e in o.effects}
    listed_krs = [kr for kr in plan.goal.key_results if kr.id in named]
    return ScenarioComparison(plan.goal.id, today, tuple(outcomes),
                              tuple(kr.id for kr in listed_krs), simulate,
                              tuple(kr.definition().unit for kr in listed_krs))


def _outcome(
    plan: Plan, scenario: Scenario | None, today: dt.date, simulate: bool, samples: int,
    seed: int, ignore_capacity: bool,
) -> ScenarioOutcome:
    schedule = make_scheduler(today=today, ignore_capacity=ignore_capacity)(plan)
    p80: dt.date | None = None
    probability: float | None = None
    if simulate:
        from backplan.analysis.risk import simulate_schedule

        simulation = simulate_schedule(plan, today=today, samples=samples, seed=seed,
                                       ignore_capacity=ignore_capacity)
        p80, probability = simulation.p80, simulation.probability
    return ScenarioOutcome(
        name=AS_PLANNED if scenario is None else scenario.name,
        title="" if scenario is None else scenario.title,
        baseline=scenario is None,
        changes=() if scenario is None else tuple(str(c) for c in scenario.changes),
        due=plan.goal.due, feasible=schedule.feasible,
        earliest_completion=schedule.earliest_completion, min_slack=schedule.min_slack,
        p80=p80, probability=probability, effects=key_result_effects(plan),
        spare_hours=_spare_hours(plan, today),
    )


def _spare_hours(plan: Plan, today: dt.date) -> float | None:
    """The project hours the plan's queue spares from ``today`` to the due date."""
    capacity = queue_capacity(plan, today=today)
    if capacity is None:
        return None
    calendar = plan_calendar(plan, today=today)
    first, last = calendar.number(today), calendar.number_on_or_before(plan.goal.due)
    days = calendar.span(first, last) if last >= first else []
    return sum(day.spare_seconds for day in capacity.days(days)) / 3600
