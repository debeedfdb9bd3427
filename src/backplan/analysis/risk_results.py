"""What a schedule-risk simulation answers: :class:`Simulation` and the figures inside it.

:func:`backplan.simulate_schedule` builds a :class:`Simulation`: the chance of meeting the due
date, dates at chosen confidences, per action its criticality and spread
(:class:`ActionRisk`), the buffer to add (:class:`ScheduleBuffer`), per milestone its dates and
chance (:class:`MilestoneRisk`), the register's matrix with simulated figures, and flags. Each
prints as text, renders as HTML in a notebook and writes itself as JSON.

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan, simulate_schedule
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
    ...                   "actions": [{"id": "a", "duration": 5}]})
    >>> simulation = simulate_schedule(plan, today=dt.date(2027, 1, 4), samples=100)
    >>> simulation.probability, simulation.to_dict()["probability"]
    (1.0, 1.0)
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from typing import Any

from backplan._find import find
from backplan.analysis._text import flag_line, flags_html, iso, table_html
from backplan.analysis.risk_matrix import RiskMatrix
from backplan.models.risk import Distribution
from backplan.scheduling.result import CapacityMode, Flag
from backplan.words import counted, percent, working_days

__all__ = ["ActionRisk", "MilestoneRisk", "ScheduleBuffer", "Simulation"]

#: What a plan must hold for two runs to differ (said when nothing does).
_NOTHING_UNCERTAIN = ("nothing in this plan is uncertain: no three-point estimates with a spread "
                     "and no risks")


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class ActionRisk:
    """How one action shapes the risk.

    Attributes:
        id: the action's id.
        criticality: the share of runs in which it lies on the critical path (0..1).
        mean_duration_days: mean working days it takes, risks included.
        sd_duration_days: standard deviation of that, in working days.
        driver_score: ``criticality * sd_duration_days``: the working days of spread it brings
            to the completion date; the actions with the largest scores are the drivers.
        distribution: how its duration was drawn (``pert``, ``triangular``) or None when fixed.
        not_after: its ``not_after`` when it has one before the goal's due and is not done.
        not_after_probability: the share of runs in which it finishes by ``not_after`` (None
            without one).
    """

    id: str
    title: str
    criticality: float
    mean_duration_days: float
    sd_duration_days: float
    driver_score: float
    distribution: Distribution | None
    not_after: dt.date | None = None
    not_after_probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The action's figures as JSON-ready data."""
        return {
            "id": self.id, "title": self.title, "criticality": self.criticality,
            "mean_duration_days": self.mean_duration_days,
            "sd_duration_days": self.sd_duration_days, "driver_score": self.driver_score,
            "distribution": self.distribution, "not_after": iso(self.not_after),
            "not_after_probability": self.not_after_probability,
        }


@dataclass(frozen=True, slots=True)
class ScheduleBuffer:
    """The buffer that reaches a chosen confidence of meeting the due date.

    Attributes:
        confidence: the chosen confidence (e.g. 0.8).
        commit_date: the completion date reached in that share of runs: the date to commit to.
        buffer_days: working days from the deterministic completion to ``commit_date``.
        margin_days: working days from ``commit_date`` to the due date (negative: short).
        start_earlier_days: how many working days earlier all work (today and every
            ``not_before``) must start to meet the due date at this confidence (0 if none).
        start_by: the latest day all work can start and still meet the due date at this
            confidence (in the past when ``start_earlier_days > 0``).
    """

    confidence: float
    commit_date: dt.date
    buffer_days: int
    margin_days: int
    start_earlier_days: int
    start_by: dt.date

    def to_dict(self) -> dict[str, Any]:
        """The buffer as JSON-ready data."""
        return {
            "confidence": self.confidence, "commit_date": iso(self.commit_date),
            "buffer_days": self.buffer_days, "margin_days": self.margin_days,
            "start_earlier_days": self.start_earlier_days, "start_by": iso(self.start_by),
        }

    def __str__(self) -> str:
        if self.start_earlier_days:
            tail = (f"work must start {working_days(self.start_earlier_days)} earlier "
                    f"(by {self.start_by.isoformat()}) to meet the due date")
        else:
            tail = f"{working_days(self.margin_days)} to spare before the due date"
        return (f"at {percent(self.confidence)} confidence commit to {self.commit_date.isoformat()} "
                f"(a buffer of {working_days(self.buffer_days)}); {tail}")


@dataclass(frozen=True, slots=True)
class MilestoneRisk:
    """When a milestone is reached across the runs (risks to the whole plan included, unless
    it is already reached), and the chance of meeting its due."""

    id: str
    due: dt.date | None
    probability: float | None
    p50: dt.date
    p80: dt.date
    p95: dt.date

    def to_dict(self) -> dict[str, Any]:
        """The milestone's figures as JSON-ready data."""
        return {
            "id": self.id, "due": iso(self.due), "probability": self.probability,
            "p50": iso(self.p50), "p80": iso(self.p80), "p95": iso(self.p95),
        }


@dataclass(frozen=True, slots=True)
class Simulation:
    """The result of :func:`simulate_schedule`: the chance of meeting the due date, and why.

    Attributes:
        probability: share of runs that complete by the goal's due date.
        deterministic_completion: the earliest completion with the planned durations and no
            risks, as :func:`backplan.schedule_plan` computes it (capacity-aware or not, as
            the runs).
        p50, p80, p95: completion dates reached in 50, 80 and 95 % of the runs.
        completion_cdf: each completion date seen and the share of runs complete by it.
        actions: per scheduled action, in plan order: criticality, spread, driver score.
        drivers: ids of the actions that drive the risk most (largest driver scores first).
        risk_drivers: ids of the risks whose removal would raise the probability most.
        buffer: the buffer for ``confidence``.
        matrix: the probability x impact matrix, with simulated figures per risk.
        milestones: per milestone, the dates reached and the chance of meeting its due.
        flags: ``low-confidence`` when ``probability < threshold``; ``low-confidence-deadlines``
            when only the chance of meeting every deadline is below it; ``deadline-missed``
            when nothing is uncertain and the plan misses a deadline.
        samples: the runs made: as asked, or 1 when nothing is uncertain (every run would be
            the same).
        scheduler: ``network`` (precedence only) or ``levelled`` (people's hours counted).
        capacity: as :attr:`backplan.Schedule.capacity`: ``levelled``, ``ignored`` (the plan
            books people, their hours were not counted) or ``none`` (it books nobody).
        uncertain: whether anything varies between runs: an estimate with a spread on work not
            yet started, or a risk with a probability strictly between 0 and 1 that delays
            something. When False the plan was scheduled once and the answer is certain.
        probability_all_deadlines: share of runs that meet every deadline: the goal's due,
            each milestone's due and each ``not_after``, exactly the deadlines that decide
            :attr:`backplan.Schedule.feasible` (1.0 or 0.0 when nothing is uncertain).
        other_deadlines: how many deadlines the plan sets besides the goal's due (milestone
            dues, ``not_after`` dates of work not done).
        deterministic_feasible: :attr:`backplan.Schedule.feasible` of the plan as written (no
            risks), None without actions.
        deterministic_min_slack: its :attr:`backplan.Schedule.min_slack` (negative: that many
            working days short of meeting every deadline).
    """

    goal: str
    goal_title: str
    due: dt.date
    today: dt.date
    samples: int
    seed: int
    distribution: Distribution
    confidence: float
    threshold: float
    scheduler: str
    probability: float
    deterministic_completion: dt.date | None
    p50: dt.date | None
    p80: dt.date | None
    p95: dt.date | None
    completion_cdf: tuple[tuple[dt.date, float], ...]
    actions: tuple[ActionRisk, ...]
    drivers: tuple[str, ...]
    risk_drivers: tuple[str, ...]
    buffer: ScheduleBuffer | None
    matrix: RiskMatrix
    milestones: tuple[MilestoneRisk, ...]
    flags: tuple[Flag, ...]
    capacity: CapacityMode = "none"
    uncertain: bool = True
    probability_all_deadlines: float = 1.0
    other_deadlines: int = 0
    deterministic_feasible: bool | None = None
    deterministic_min_slack: int | None = None

    def action(self, action_id: str) -> ActionRisk:
        """The figures of the action with this id (KeyError naming it when there is none)."""
        return find(self.actions, "id", action_id, "scheduled action")

    def probability_by(self, day: dt.date) -> float:
        """The share of runs complete on or before ``day`` (1.0 for a plan without actions)."""
        if not self.completion_cdf:
            return 1.0
        share = 0.0
        for date, cumulative in self.completion_cdf:
            if date > day:
                break
            share = cumulative
        return share

    def to_dict(self) -> dict[str, Any]:
        """The simulation as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "goal_title": self.goal_title, "due": iso(self.due),
            "today": iso(self.today), "samples": self.samples, "seed": self.seed,
            "distribution": self.distribution, "scheduler": self.scheduler,
            "capacity": self.capacity, "uncertain": self.uncertain,
            "confidence": self.confidence, "threshold": self.threshold,
            "probability": self.probability,
            "probability_all_deadlines": self.probability_all_deadlines,
            "other_deadlines": self.other_deadlines,
            "deterministic_completion": iso(self.deterministic_completion),
            "deterministic_feasible": self.deterministic_feasible,
            "deterministic_min_slack": self.deterministic_min_slack,
            "p50": iso(self.p50), "p80": iso(self.p80), "p95": iso(self.p95),
            "buffer": None if self.buffer is None else self.buffer.to_dict(),
            "drivers": list(self.drivers), "risk_drivers": list(self.risk_drivers),
            "actions": [action.to_dict() for action in self.actions],
            "milestones": [milestone.to_dict() for milestone in self.milestones],
            "matrix": self.matrix.to_dict(),
            "completion_cdf": [[day.isoformat(), share] for day, share in self.completion_cdf],
            "flags": [flag.to_dict() for flag in self.flags],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _driver_rows(self) -> list[ActionRisk]:
        by_id = {a.id: a for a in self.actions}
        return [by_id[i] for i in self.drivers]

    def _how(self) -> str:
        """How the runs were scheduled, for the headline."""
        if self.scheduler == "levelled":
            return "levelled to people's hours" if self.capacity == "levelled" else "levelled"
        if self.capacity == "ignored":
            return "network, people's hours ignored"
        return "network"

    def _certain_risks(self) -> list[str]:
        """Ids of the risks that happened in the one run of a plan with nothing uncertain."""
        return [r.id for r in self.matrix.risks if r.occurred == 1.0]

    def _headline(self) -> str:
        """The answer in one line: the chances, or the deterministic answer."""
        goal = f"Goal {self.goal!r} due {self.due.isoformat()} from {self.today.isoformat()}: "
        if not self.uncertain:
            certain = self._certain_risks()
            note = f"; the risks certain to happen are counted: {', '.join(certain)}" if (
                certain) else ""
            return (f"{goal}{_NOTHING_UNCERTAIN}; scheduled once, not simulated "
                    f"({self._how()}){note}")
        every = (f", {percent(self.probability_all_deadlines)} chance of meeting every deadline"
                 if self.other_deadlines else "")
        return (f"{goal}{percent(self.probability)} chance of meeting the due date{every} "
                f"({counted(self.samples, 'run')}, seed {self.seed}, {self.distribution}, "
                f"{self._how()})")

    def _answer_lines(self) -> list[str]:
        """What the plan's one schedule says when nothing is uncertain."""
        lines = []
        feasible = self.probability_all_deadlines == 1.0
        short = ""
        if not self._certain_risks() and (self.deterministic_min_slack or 0) < 0:
            short = f": {working_days(-(self.deterministic_min_slack or 0))} short"
        lines.append("  feasible: every deadline is met" if feasible else
                     f"  NOT feasible: not every deadline is met{short}")
        if self.p50 is not None and self.buffer is not None:
            margin = self.buffer.margin_days
            where = (f"{working_days(margin)} to spare before the goal's due date" if margin >= 0 else
                     f"{working_days(-margin)} after the goal's due date")
            lines.append(f"  earliest completion {self.p50.isoformat()}: {where}")
        return lines

    def __str__(self) -> str:
        lines = [self._headline()]
        if not self.uncertain:
            lines += self._answer_lines()
        else:
            determined = ""
            if self.deterministic_feasible is not None:
                slack = self.deterministic_min_slack or 0
                determined = (" (feasible)" if self.deterministic_feasible else
                              f" (NOT feasible: {working_days(-slack)} short)" if slack < 0 else
                              " (NOT feasible)")
            lines.append(
                f"  completion: deterministic {iso(self.deterministic_completion) or '-'}"
                f"{determined}, P50 {iso(self.p50) or '-'}, P80 {iso(self.p80) or '-'}, "
                f"P95 {iso(self.p95) or '-'}")
            if self.buffer is not None:
                lines.append(f"  buffer: {self.buffer}")
        rows = self._driver_rows()
        if rows:
            lines.append("  drivers (criticality x spread):")
            lines.extend(
                f"    {a.id:<24} on the critical path in {percent(a.criticality):>4} of runs, "
                f"{a.mean_duration_days:.1f} +/- {a.sd_duration_days:.1f} working days"
                for a in rows
            )
        simulated = {r.id: r for r in self.matrix.risks}
        for risk_id in self.risk_drivers:
            r = simulated[risk_id]
            lines.append(
                f"  risk {r.id}: happened in {percent(r.occurred or 0.0)} of runs; without it "
                f"{percent(r.probability_without or 0.0)} chance"
            )
        for m in self.milestones:
            if m.probability is None or m.due is None:
                continue
            if self.uncertain:
                lines.append(f"  milestone {m.id}: {percent(m.probability)} chance of meeting its "
                             f"due {m.due.isoformat()} (P80 {m.p80.isoformat()})")
            else:
                verdict = "meets" if m.probability == 1.0 else "misses"
                lines.append(f"  milestone {m.id}: {verdict} its due {m.due.isoformat()} "
                             f"(reached {m.p50.isoformat()})")
        for a in self.actions:
            if a.not_after is None or a.not_after_probability is None:
                continue
            if self.uncertain:
                lines.append(f"  action {a.id}: {percent(a.not_after_probability)} chance of "
                             f"finishing by its not_after {a.not_after.isoformat()}")
            else:
                verdict = "finishes" if a.not_after_probability == 1.0 else "does not finish"
                lines.append(f"  action {a.id}: {verdict} by its not_after "
                             f"{a.not_after.isoformat()}")
        if self.matrix.risks:
            lines.append("  risk matrix:")
            lines.extend("    " + line for line in str(self.matrix).splitlines())
        for flag in self.flags:
            lines.append(f"  {flag_line(flag)}")
            lines.extend(f"    fix: {fix}" for fix in flag.fixes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Simulation {self.goal!r} due={self.due.isoformat()} "
                f"probability={self.probability:.3f} "
                f"all_deadlines={self.probability_all_deadlines:.3f} samples={self.samples}>")

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = [["driver", "criticality", "mean days", "sd days"]] + [
            [a.id, percent(a.criticality), f"{a.mean_duration_days:.1f}",
             f"{a.sd_duration_days:.1f}"]
            for a in self._driver_rows()
        ]
        if self.uncertain:
            every = (f", <b>{percent(self.probability_all_deadlines)}</b> of meeting every deadline"
                     if self.other_deadlines else "")
            summary = (
                f"<p>Goal <b>{esc(self.goal)}</b> due {self.due}: "
                f"<b>{percent(self.probability)}</b> chance of meeting the due date{every} "
                f"({counted(self.samples, 'run')}). "
                f"P50 {iso(self.p50)}, P80 {iso(self.p80)}, P95 {iso(self.p95)}.</p>"
                + (f"<p>{esc(str(self.buffer))}</p>" if self.buffer else ""))
        else:
            answer = "".join(f"<br>{esc(line.strip())}" for line in self._answer_lines())
            summary = (f"<p>Goal <b>{esc(self.goal)}</b> due {self.due}: "
                       f"{esc(_NOTHING_UNCERTAIN)}.{answer}</p>")
        return (
            "<div>" + summary
            + (table_html(rows, right=(1, 2, 3)) if len(rows) > 1 else "")
            + flags_html(self.flags)
            + "</div>"
        )
