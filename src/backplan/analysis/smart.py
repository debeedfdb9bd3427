"""The SMART check: is the goal Specific, Measurable, Achievable, Relevant and Time-bound?

:func:`lint_plan` checks the goal and each key result and returns findings, each with a stable
code (:data:`SMART_CODES`), the item, a message and a fix:

* **Specific**: the goal has a title, the title names what changes (one of its key results'
  metrics), and there is at least one key result with a metric.
* **Measurable**: each key result has a unit and the date its baseline was measured (not after
  today, before the due date); baseline and target are required by the plan format itself.
* **Achievable**: the schedule from ``today`` is feasible; the actions' planned effects
  (``impact``) add up to each target; and, for metrics with a published benchmark
  (:data:`backplan.analysis.benchmarks.BENCHMARKS`), a warning when the improvement asked for is
  one that few contact centres achieve (e.g. fewer than 5 % raise FCR by 5 points or more in a
  year, per SQM Group).
* **Relevant**: the goal names the parent objective it serves (``goal.parent``).
* **Time-bound**: the due date is after today.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan({"goal": {"id": "fcr-80", "title": "Raise FCR to 80%",
    ...     "due": "2027-03-31", "parent": "Best service in the sector",
    ...     "key_results": [{"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80,
    ...                      "baseline_date": "2026-10-31"}]},
    ...     "actions": [{"id": "coach", "duration": 10, "impact": {"fcr": 9}}]})
    >>> report = lint_plan(plan, today=dt.date(2026, 11, 23))
    >>> [f.code for f in report.findings]
    ['achievable-rare-improvement']
    >>> report.ok
    True
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from backplan.analysis._effects import key_result_effects
from backplan.analysis._text import table_html
from backplan.analysis.benchmarks import BENCHMARKS
from backplan.analysis.findings import SEVERITY_ORDER, Finding
from backplan.models import KeyResult, Plan
from backplan.scheduling import schedule_plan
from backplan.words import counted

__all__ = ["SMART_CODES", "LintReport", "lint_plan"]

#: Every code :func:`lint_plan` reports, with its SMART letter and what it means.
SMART_CODES: dict[str, tuple[str, str]] = {
    "specific-no-title": ("S", "the goal has no title saying what is to be achieved"),
    "specific-vague-title": ("S", "the goal's title names none of its key results' metrics"),
    "specific-no-metric": ("S", "the goal has no key result, so no metric says what changes"),
    "measurable-no-unit": ("M", "a key result's metric has no unit"),
    "measurable-no-baseline-date": ("M", "a key result does not say when its baseline was measured"),
    "measurable-baseline-date": ("M", "a key result's baseline date is after today or not before the due date"),
    "achievable-infeasible": ("A", "the schedule cannot be met from today"),
    "achievable-effects-short": ("A", "the actions' planned effects do not add up to the target"),
    "achievable-no-effects": ("A", "no action states an effect on a key result"),
    "achievable-rare-improvement": ("A", "few contact centres achieve an improvement this large"),
    "relevant-no-parent": ("R", "the goal does not name the parent objective it serves"),
    "time-bound-past": ("T", "the due date is not after today"),
}

_LETTERS = "SMART"


@dataclass(frozen=True, slots=True)
class LintReport:
    """The findings of :func:`lint_plan`, errors first, then by SMART letter."""

    goal: str
    today: dt.date
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity == "error" for f in self.findings)

    def letter(self, letter: str) -> tuple[Finding, ...]:
        """The findings under one SMART letter (``"S"``, ``"M"``, ``"A"``, ``"R"`` or ``"T"``)."""
        return tuple(f for f in self.findings if SMART_CODES[f.code][0] == letter)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "today": self.today.isoformat(), "ok": self.ok,
            "findings": [
                {**f.to_dict(), "letter": SMART_CODES[f.code][0]} for f in self.findings
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        if not self.findings:
            return f"Goal {self.goal!r}: SMART, nothing to report"
        counts = {s: sum(f.severity == s for f in self.findings) for s in SEVERITY_ORDER}
        summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
        lines = [f"Goal {self.goal!r}: {summary}"]
        lines.extend(f"  {SMART_CODES[f.code][0]} {f}" for f in self.findings)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<LintReport {self.goal!r} findings={len(self.findings)} ok={self.ok}>"

    def _repr_html_(self) -> str:
        rows = [["", "severity", "code", "item", "finding", "fix"]]
        rows += [[SMART_CODES[f.code][0], f.severity, f.code, f.item, f.message, f.fix]
                 for f in self.findings]
        return table_html(rows)


def lint_plan(plan: Plan, *, today: dt.date, ignore_capacity: bool = False) -> LintReport:
    """Check the goal and its key results against SMART; every finding has a code and a fix.

    Args:
        plan: the plan.
        today: the day the check is made for (due dates must lie after it).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`LintReport` (``ok`` when no finding is an error).

    Raises:
        PlanValidationError: the plan's references are broken (the schedule cannot be built).

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2026-11-20"}})
        >>> for finding in lint_plan(plan, today=dt.date(2026, 11, 23)).findings:
        ...     print(finding.severity, finding.code)
        error time-bound-past
        warning specific-no-title
        warning specific-no-metric
        info relevant-no-parent
    """
    findings = _specific(plan) + _measurable(plan, today) + _achievable(plan, today, ignore_capacity)
    findings += _relevant(plan) + _time_bound(plan, today)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity],
                                 _LETTERS.index(SMART_CODES[f.code][0])))
    return LintReport(plan.goal.id, today, tuple(findings))


def _words(text: str) -> str:
    return " " + re.sub(r"[^0-9a-z%]+", " ", text.lower()) + " "


def _names_metric(title: str, key_result: KeyResult) -> bool:
    metric = key_result.definition()
    words = _words(title)
    names = {metric.id, metric.name, key_result.id, key_result.name or ""}
    return any(name.strip() and _words(name) in words for name in names)


def _specific(plan: Plan) -> list[Finding]:
    goal = plan.goal
    findings = []
    if not goal.title.strip():
        findings.append(Finding(
            "specific-no-title", "warning", goal.id, "title",
            "the goal has no title", "write a title that says what changes, from what to what, "
            "e.g. 'Raise first call resolution from 71% to 80%'",
        ))
    elif goal.key_results and not any(_names_metric(goal.title, kr) for kr in goal.key_results):
        metrics = ", ".join(sorted({kr.definition().name for kr in goal.key_results}))
        findings.append(Finding(
            "specific-vague-title", "info", goal.id, "title",
            f"the title {goal.title!r} names none of the metrics it is measured by ({metrics})",
            "name the metric that changes in the title",
        ))
    if not goal.key_results:
        findings.append(Finding(
            "specific-no-metric", "warning", goal.id, "key_results",
            "the goal has no key result: no metric says what changes",
            "add a key result with a metric, a baseline and a target",
        ))
    return findings


def _measurable(plan: Plan, today: dt.date) -> list[Finding]:
    findings = []
    for kr in plan.goal.key_results:
        metric = kr.definition()
        if not metric.unit.strip():
            findings.append(Finding(
                "measurable-no-unit", "warning", kr.id, "unit",
                f"metric {metric.id!r} has no unit", "give 'unit:' (e.g. %, seconds, points)",
            ))
        if kr.baseline_date is None:
            findings.append(Finding(
                "measurable-no-baseline-date", "warning", kr.id, "baseline_date",
                f"the baseline {kr.baseline:g} has no date: when was it measured?",
                "give 'baseline_date:' (the end of the period the baseline was measured over)",
            ))
        elif kr.baseline_date > today or kr.baseline_date >= plan.goal.due:
            where = "after today" if kr.baseline_date > today else "not before the due date"
            findings.append(Finding(
                "measurable-baseline-date", "warning", kr.id, "baseline_date",
                f"the baseline date {kr.baseline_date.isoformat()} is {where}",
                "give the date the baseline was measured on",
            ))
    return findings


def _achievable(plan: Plan, today: dt.date, ignore_capacity: bool) -> list[Finding]:
    findings = []
    schedule = schedule_plan(plan, today=today, ignore_capacity=ignore_capacity)
    if not schedule.feasible:
        worst = schedule.errors[0] if schedule.errors else None
        short = (f"{counted(-schedule.min_slack, 'working day')} short"
                 if schedule.min_slack else "")
        fix = (str(worst.fixes[0]) if worst is not None and worst.fixes
               else "shorten the late chain or move the due date")
        findings.append(Finding(
            "achievable-infeasible", "error", plan.goal.id, "due",
            f"the schedule cannot be met from {today.isoformat()}: {short}; earliest completion "
            f"{schedule.earliest_completion.isoformat() if schedule.earliest_completion else '-'}",
            f"{fix} (or see 'backplan descope')",
        ))
    effects = {e.key_result: e for e in key_result_effects(plan)}
    for kr in plan.goal.key_results:
        metric = kr.definition()
        effect = effects.get(kr.id)
        if effect is None:
            findings.append(Finding(
                "achievable-no-effects", "info", kr.id, "",
                "no action states an impact on it, so whether the actions add up to the target "
                "cannot be checked",
                f"give the actions that move it 'impact: {{{kr.id}: ...}}'",
            ))
        elif not effect.reachable:
            findings.append(Finding(
                "achievable-effects-short", "warning", kr.id, "target",
                f"the planned effects add up to {effect.planned:+g} of the {effect.needed:+g} "
                f"{_unit(metric.unit)} needed: {effect.gap:g} short",
                "add actions (or larger effects) or aim for a target the plan can reach",
            ))
        findings.extend(_benchmark(plan, kr, today))
    return findings


def _unit(unit: str) -> str:
    return "points" if unit == "%" else unit


def _benchmark(plan: Plan, kr: KeyResult, today: dt.date) -> list[Finding]:
    benchmark = BENCHMARKS.get(kr.definition().id)
    if benchmark is None:
        return []
    metric = kr.definition()
    sign = 1.0 if metric.direction == "increase" else -1.0
    improvement = sign * (kr.target - kr.baseline)
    start = kr.baseline_date or today
    days = (plan.goal.due - start).days
    if days <= 0:  # no time left to compare: the due date has passed (a finding of its own)
        return []
    threshold = benchmark.change * max(1.0, days / benchmark.period_days)
    if improvement < threshold:
        return []
    unit = _unit(metric.unit)
    months = round(days / 30.44)
    span = f"{months} months" if months >= 2 else f"{days} day{'' if days == 1 else 's'}"
    year = "a year" if benchmark.period_days == 365 else f"{benchmark.period_days} days"
    return [Finding(
        "achievable-rare-improvement", "warning", kr.id, "target",
        f"{metric.name} is to improve by {improvement:g} {unit} ({kr.baseline:g} -> {kr.target:g}) "
        f"in {span}; fewer than {benchmark.share:.0%} of contact centres improve it by "
        f"{benchmark.change:g} {unit} or more in {year}",
        "allow more time, set an interim target, or back the target with actions whose "
        "effects are evidenced",
        f"{benchmark.source} <{benchmark.url}>",
    )]


def _relevant(plan: Plan) -> list[Finding]:
    if plan.goal.parent is not None and plan.goal.parent.strip():
        return []
    return [Finding(
        "relevant-no-parent", "info", plan.goal.id, "parent",
        "the goal does not say which objective it serves",
        "give 'parent:', e.g. the company or department objective it supports",
    )]


def _time_bound(plan: Plan, today: dt.date) -> list[Finding]:
    if plan.goal.due > today:
        return []
    return [Finding(
        "time-bound-past", "error", plan.goal.id, "due",
        f"the due date {plan.goal.due.isoformat()} is not after today ({today.isoformat()})",
        "set a due date after today",
    )]
