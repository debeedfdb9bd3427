"""Schedule risk: Monte Carlo over three-point estimates and the risk register.

:func:`simulate_schedule` schedules the plan many times from ``today``, each run with durations
drawn from the actions' estimates and with each risk of the register happening or not, and
answers "can we make the due date?" with a probability, the chance of meeting every deadline,
dates at chosen confidences, the actions and risks that drive the answer, and the buffer
needed. :func:`risk_matrix` places the register on a probability x impact grid without
simulating.

How a run is drawn (see ``docs/risk.md``):

* an action with an ``estimate`` takes ``round(X)`` working days (nearest whole day, halves up),
  where ``X`` follows the estimate's PERT or triangular distribution on
  ``[optimistic, pessimistic]``; so ``P(duration <= k) = F(k + 1/2)``, with ``F`` the
  distribution's CDF rounded to the nearest 1/65,536 (the grid the uniforms are drawn on).
  An estimate with ``optimistic == pessimistic`` always takes that value, so a plan whose
  estimates have no spread reproduces the deterministic schedule exactly;
* an action without an estimate (or one already started or done) keeps the network's duration;
* each risk happens with its ``probability`` (rounded to 1/2^32), independently of everything
  else, and then adds ``impact`` working days to each action it names; a risk that names no
  action delays every date still to come (the completion, each milestone not yet reached and
  each action's finish, against its deadlines) by ``impact`` working days.

Which scheduler runs is chosen as :func:`backplan.schedule_plan` chooses it: a plan that books
people is levelled (:mod:`backplan.analysis._risk_levelled`, one levelled schedule per distinct
run), any other plan runs through the precedence network, vectorised with numpy
(:mod:`backplan.analysis._risk_runs`). A plan in which nothing is uncertain is scheduled once.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from backplan._find import find
from backplan.analysis._risk_runs import (
    GRID,
    Model,
    Tally,
    empty_tally,
    grid_tables,
    prepare_model,
    run_network,
)
from backplan.analysis._text import flag_line, flags_html, iso, table_html
from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import require
from backplan.graph import validate_plan
from backplan.models import Plan
from backplan.models.risk import Distribution, Estimate, Risk
from backplan.scheduling.network import compile_network
from backplan.scheduling.pipeline import capacity_mode, make_scheduler
from backplan.scheduling.progress import has_progress, progress_network
from backplan.scheduling.result import CapacityMode, Fix, Flag, Schedule
from backplan.words import counted

__all__ = [
    "IMPACT_BANDS",
    "PROBABILITY_BANDS",
    "ActionRisk",
    "MilestoneRisk",
    "RiskExposure",
    "RiskMatrix",
    "ScheduleBuffer",
    "Simulation",
    "duration_distribution",
    "risk_matrix",
    "simulate_schedule",
]

#: Probability levels 1..5 of the matrix: (label, lower bound inclusive).
PROBABILITY_BANDS: tuple[tuple[str, float], ...] = (
    ("rare", 0.0), ("unlikely", 0.1), ("possible", 0.3), ("likely", 0.5),
    ("almost certain", 0.7),
)
#: Impact levels 1..5 of the matrix: (label, most working days in the level; None: no limit).
IMPACT_BANDS: tuple[tuple[str, int | None], ...] = (
    ("negligible", 1), ("minor", 3), ("moderate", 5), ("major", 10), ("severe", None),
)

_TOP = 5  # drivers named
_NAMED_GAIN = 0.005  # a risk is a driver when removing it raises the probability this much
#: What a plan must hold for two runs to differ (said when nothing does).
_NOTHING_UNCERTAIN = ("nothing in this plan is uncertain: no three-point estimates with a spread "
                     "and no risks")


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%" if value in (0.0, 1.0) or 0.01 <= value <= 0.99 else (
        f"{100 * value:.1f}%")


def _days(count: int) -> str:
    return f"{count} working day" if abs(count) == 1 else f"{count} working days"


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
class RiskExposure:
    """A risk of the register placed on the probability x impact matrix.

    ``exposure_days`` is ``probability * impact``; ``score`` is ``probability_level *
    impact_level`` (1..25) and ``rating`` is ``low`` (score up to 4), ``medium`` (up to 9) or
    ``high``. After a simulation, ``occurred`` is the share of runs in which it happened and
    ``probability_without`` the chance of meeting the due date in the runs where it did not
    (what removing it would give); both are None in a matrix built without simulating.
    """

    id: str
    title: str
    owner: str | None
    probability: float
    impact_days: int
    actions: tuple[str, ...]
    mitigation: tuple[str, ...]
    exposure_days: float
    probability_level: int
    impact_level: int
    score: int
    rating: Literal["low", "medium", "high"]
    occurred: float | None = None
    probability_without: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The risk's figures as JSON-ready data."""
        return {
            "id": self.id, "title": self.title, "owner": self.owner,
            "probability": self.probability, "impact_days": self.impact_days,
            "actions": list(self.actions), "mitigation": list(self.mitigation),
            "exposure_days": self.exposure_days, "probability_level": self.probability_level,
            "impact_level": self.impact_level, "score": self.score, "rating": self.rating,
            "occurred": self.occurred, "probability_without": self.probability_without,
        }


@dataclass(frozen=True, slots=True)
class RiskMatrix:
    """The probability x impact matrix of a risk register.

    ``cells[p - 1][i - 1]`` lists the ids of the risks at probability level ``p`` and impact
    level ``i`` (see :data:`PROBABILITY_BANDS` and :data:`IMPACT_BANDS`).

    Example:
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
        ...                   "actions": [{"id": "a", "duration": 5}],
        ...                   "risks": [{"id": "r1", "probability": 0.4, "impact": 8}]})
        >>> matrix = risk_matrix(plan)
        >>> matrix.cells[2][3], matrix.risks[0].rating
        (('r1',), 'high')
    """

    risks: tuple[RiskExposure, ...]
    cells: tuple[tuple[tuple[str, ...], ...], ...]

    def to_dict(self) -> dict[str, Any]:
        """The matrix as JSON-ready data: the bands, the cells and every risk."""
        return {
            "probability_levels": [
                {"level": k, "label": label, "from": low}
                for k, (label, low) in enumerate(PROBABILITY_BANDS, start=1)
            ],
            "impact_levels": [
                {"level": k, "label": label, "up_to_days": most}
                for k, (label, most) in enumerate(IMPACT_BANDS, start=1)
            ],
            "cells": [[list(cell) for cell in row] for row in self.cells],
            "risks": [risk.to_dict() for risk in self.risks],
        }

    def __str__(self) -> str:
        if not self.risks:
            return "no risks in the register"
        width = max(12, *(len(", ".join(c)) for row in self.cells for c in row))
        head = " " * 16 + " | ".join(f"{label:<{width}}" for label, _ in IMPACT_BANDS)
        lines = ["probability \\ impact", head]
        for level in range(len(PROBABILITY_BANDS), 0, -1):
            label = PROBABILITY_BANDS[level - 1][0]
            row = self.cells[level - 1]
            lines.append(f"{label:<16}" + " | ".join(f"{', '.join(c):<{width}}" for c in row))
        return "\n".join(line.rstrip() for line in lines)


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
            tail = (f"work must start {_days(self.start_earlier_days)} earlier "
                    f"(by {self.start_by.isoformat()}) to meet the due date")
        else:
            tail = f"{_days(self.margin_days)} to spare before the due date"
        return (f"at {_pct(self.confidence)} confidence commit to {self.commit_date.isoformat()} "
                f"(a buffer of {_days(self.buffer_days)}); {tail}")


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
        every = (f", {_pct(self.probability_all_deadlines)} chance of meeting every deadline"
                 if self.other_deadlines else "")
        return (f"{goal}{_pct(self.probability)} chance of meeting the due date{every} "
                f"({counted(self.samples, 'run')}, seed {self.seed}, {self.distribution}, "
                f"{self._how()})")

    def _answer_lines(self) -> list[str]:
        """What the plan's one schedule says when nothing is uncertain."""
        lines = []
        feasible = self.probability_all_deadlines == 1.0
        short = ""
        if not self._certain_risks() and (self.deterministic_min_slack or 0) < 0:
            short = f": {_days(-(self.deterministic_min_slack or 0))} short"
        lines.append("  feasible: every deadline is met" if feasible else
                     f"  NOT feasible: not every deadline is met{short}")
        if self.p50 is not None and self.buffer is not None:
            margin = self.buffer.margin_days
            where = (f"{_days(margin)} to spare before the goal's due date" if margin >= 0 else
                     f"{_days(-margin)} after the goal's due date")
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
                              f" (NOT feasible: {_days(-slack)} short)" if slack < 0 else
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
                f"    {a.id:<24} on the critical path in {_pct(a.criticality):>4} of runs, "
                f"{a.mean_duration_days:.1f} +/- {a.sd_duration_days:.1f} working days"
                for a in rows
            )
        simulated = {r.id: r for r in self.matrix.risks}
        for risk_id in self.risk_drivers:
            r = simulated[risk_id]
            lines.append(
                f"  risk {r.id}: happened in {_pct(r.occurred or 0.0)} of runs; without it "
                f"{_pct(r.probability_without or 0.0)} chance"
            )
        for m in self.milestones:
            if m.probability is None or m.due is None:
                continue
            if self.uncertain:
                lines.append(f"  milestone {m.id}: {_pct(m.probability)} chance of meeting its "
                             f"due {m.due.isoformat()} (P80 {m.p80.isoformat()})")
            else:
                verdict = "meets" if m.probability == 1.0 else "misses"
                lines.append(f"  milestone {m.id}: {verdict} its due {m.due.isoformat()} "
                             f"(reached {m.p50.isoformat()})")
        for a in self.actions:
            if a.not_after is None or a.not_after_probability is None:
                continue
            if self.uncertain:
                lines.append(f"  action {a.id}: {_pct(a.not_after_probability)} chance of "
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
            [a.id, _pct(a.criticality), f"{a.mean_duration_days:.1f}",
             f"{a.sd_duration_days:.1f}"]
            for a in self._driver_rows()
        ]
        if self.uncertain:
            every = (f", <b>{_pct(self.probability_all_deadlines)}</b> of meeting every deadline"
                     if self.other_deadlines else "")
            summary = (
                f"<p>Goal <b>{esc(self.goal)}</b> due {self.due}: "
                f"<b>{_pct(self.probability)}</b> chance of meeting the due date{every} "
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


# --------------------------------------------------------------------------------------------
# Distributions


def duration_distribution(
    estimate: Estimate, distribution: Distribution = "pert"
) -> tuple[tuple[int, float], ...]:
    """The whole working days an estimate takes in a simulation, with their probabilities.

    The duration is ``round(X)`` (halves up) with ``X`` drawn from the estimate's own
    ``distribution`` or, when it names none, from ``distribution``; the probabilities are
    multiples of 1/65,536 (the grid the simulation draws on).

    Example:
        >>> from backplan.models import Estimate
        >>> table = duration_distribution(Estimate(optimistic=2, likely=3, pessimistic=4),
        ...                               "triangular")
        >>> [(days, round(p, 4)) for days, p in table]
        [(2, 0.125), (3, 0.75), (4, 0.125)]
    """
    ((values, counts),) = grid_tables([(estimate, estimate.distribution or distribution)])
    return tuple((v, c / GRID) for v, c in zip(values, counts, strict=True))


# --------------------------------------------------------------------------------------------
# The matrix


def _probability_level(probability: float) -> int:
    level = 1
    for k, (_, low) in enumerate(PROBABILITY_BANDS, start=1):
        if probability >= low:
            level = k
    return level


def _impact_level(days: int) -> int:
    for k, (_, most) in enumerate(IMPACT_BANDS, start=1):
        if most is None or days <= most:
            return k
    return len(IMPACT_BANDS)


def _exposure(
    risk: Risk, occurred: float | None = None, without: float | None = None
) -> RiskExposure:
    p_level, i_level = _probability_level(risk.probability), _impact_level(risk.impact)
    score = p_level * i_level
    rating: Literal["low", "medium", "high"] = (
        "low" if score <= 4 else "medium" if score <= 9 else "high")
    return RiskExposure(
        risk.id, risk.title, risk.owner, risk.probability, risk.impact, risk.actions,
        risk.mitigation, risk.probability * risk.impact, p_level, i_level, score, rating,
        occurred, without,
    )


def _matrix(exposures: Sequence[RiskExposure]) -> RiskMatrix:
    cells = [[[] for _ in IMPACT_BANDS] for _ in PROBABILITY_BANDS]  # type: list[list[list[str]]]
    for e in exposures:
        cells[e.probability_level - 1][e.impact_level - 1].append(e.id)
    return RiskMatrix(tuple(exposures),
                      tuple(tuple(tuple(cell) for cell in row) for row in cells))


def risk_matrix(plan: Plan) -> RiskMatrix:
    """The plan's risk register on a 5 x 5 probability x impact matrix (no simulation).

    Example:
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
        ...                   "actions": [{"id": "a", "duration": 5}],
        ...                   "risks": [{"id": "late-vendor", "probability": 0.2, "impact": 3,
        ...                              "actions": ["a"]}]})
        >>> r = risk_matrix(plan).risks[0]
        >>> r.probability_level, r.impact_level, r.score, r.rating, r.exposure_days
        (2, 2, 4, 'low', 0.6...)
    """
    return _matrix([_exposure(risk) for risk in plan.risks])


# --------------------------------------------------------------------------------------------
# Simulation


def _quantile(histogram: dict[int, int], total: int, q: float) -> int:
    """The smallest value reached in at least a share ``q`` of the runs."""
    need = max(1, math.ceil(q * total - 1e-9))
    running = 0
    for value in sorted(histogram):
        running += histogram[value]
        if running >= need:
            return value
    return max(histogram)


def _check_share(name: str, value: float, *, closed: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number between 0 and 1, got {value!r}")
    ok = 0 <= value <= 1 if closed else 0 < value < 1
    if not ok:
        bounds = "0 to 1" if closed else "between 0 and 1 (exclusive)"
        raise ValueError(f"{name} must be {bounds}, got {value!r}")
    return float(value)


def simulate_schedule(
    plan: Plan,
    *,
    today: dt.date,
    samples: int = 10_000,
    seed: int = 0,
    distribution: Distribution = "pert",
    confidence: float = 0.8,
    threshold: float = 0.5,
    scheduler: Literal["auto", "network", "levelled"] = "auto",
    ignore_capacity: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate the plan from ``today`` many times and say how likely the due date is.

    Args:
        plan: the plan; it is validated first. Actions with an ``estimate`` vary, and so do
            the risks of ``plan.risks``; everything else is as in :func:`backplan.schedule_plan`.
        today: the day work starts from (library code never reads the clock).
        samples: how many runs (at least 1). A plan in which nothing is uncertain is
            scheduled once instead (``Simulation.uncertain`` is then False).
        seed: the seed of the random generator: the same seed gives the same result.
        distribution: ``pert`` or ``triangular``, for estimates that do not name their own.
        confidence: the confidence the :class:`ScheduleBuffer` is computed for (0 < confidence < 1).
        threshold: below this probability of meeting the due date (or every deadline), a
            flag is raised (0..1).
        scheduler: ``auto`` schedules the runs as :func:`backplan.schedule_plan` does: levelled
            for people's hours when the plan books people (unless ``ignore_capacity``), else by
            precedence. ``network`` runs the precedence network, vectorised; ``levelled``
            levels every distinct run (see ``docs/risk.md`` for what it costs).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            ``schedule_plan(..., ignore_capacity=True)``); not with ``scheduler="levelled"``.
        progress: called as ``progress(done, total)`` as runs are counted.

    Returns:
        A frozen :class:`Simulation`.

    Raises:
        PlanValidationError: the plan's references are broken.
        MissingExtraError: numpy is not installed (``pip install "backplan[risk]"``).
        ValueError: a bad argument (``scheduler="levelled"`` with ``ignore_capacity``, ...).
        ScheduleRangeError: as :func:`backplan.schedule_plan` (an action its assignees can
            never book).

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan('''
        ... goal: {id: g, due: 2027-02-10}
        ... actions:
        ...   - {id: survey, estimate: {optimistic: 3, likely: 5, pessimistic: 12}}
        ...   - {id: coach, estimate: {optimistic: 5, likely: 8, pessimistic: 15}, after: [survey]}
        ... risks:
        ...   - {id: trainer-ill, probability: 0.2, impact: 5, actions: [coach]}
        ... ''')
        >>> sim = simulate_schedule(plan, today=dt.date(2027, 1, 18), samples=2000, seed=7)
        >>> sim.probability, str(sim.deterministic_completion), str(sim.p80)
        (0.842, '2027-02-03', '2027-02-10')
        >>> print(sim.buffer)
        at 80% confidence commit to 2027-02-10 (a buffer of 5 working days); 0 working days to spare before the due date
        >>> sim.drivers, sim.action("coach").criticality
        (('coach', 'survey'), 1.0)
        >>> sim.uncertain, sim.scheduler, sim.probability_all_deadlines  # no other deadline
        (True, 'network', 0.842)
    """
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, got {today!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a whole number of runs, at least 1; got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if distribution not in ("pert", "triangular"):
        raise ValueError(f"distribution must be 'pert' or 'triangular', got {distribution!r}")
    if scheduler not in ("auto", "network", "levelled"):
        raise ValueError(
            f"scheduler must be 'auto', 'network' or 'levelled', got {scheduler!r}")
    if not isinstance(ignore_capacity, bool):
        raise TypeError(f"ignore_capacity must be True or False, got {ignore_capacity!r}")
    if scheduler == "levelled" and ignore_capacity:
        raise ValueError("scheduler='levelled' counts people's hours and ignore_capacity=True "
                         "asks not to: choose one")
    confidence = _check_share("confidence", confidence, closed=False)
    threshold = _check_share("threshold", threshold, closed=True)
    np = require("numpy", extra="risk", feature="risk simulation")

    validate_plan(plan)
    capacity = capacity_mode(plan, ignore_capacity=ignore_capacity or scheduler == "network")
    runs = scheduler if scheduler != "auto" else (
        "levelled" if capacity == "levelled" else "network")
    # The plan as written, as schedule_plan schedules it (its fixes are not read here).
    planned = make_scheduler(today=today, ignore_capacity=capacity != "levelled")(plan)
    calendar = plan_calendar(plan, today=today)
    network = compile_network(plan, calendar)
    origin = calendar.number(today)  # day offsets in the runs count from here
    fixed_nodes: frozenset[int] = frozenset()
    if has_progress(plan):  # done work sits on its actual dates, possibly before today
        replanned = progress_network(plan, network, calendar, today)
        network, origin, fixed_nodes = replanned.network, replanned.start, frozenset(
            replanned.fixed)
    due = calendar.number_on_or_before(plan.goal.due) - origin
    model = prepare_model(plan, network, origin, distribution, due=due, fixed_nodes=fixed_nodes)
    made = samples if model.uncertain else 1  # without uncertainty every run is the same
    tally = empty_tally(model, len(plan.risks))
    bits = np.random.default_rng(seed).bit_generator
    if runs == "levelled":
        from backplan.analysis._risk_levelled import run_levelled

        run_levelled(np, plan, model, bits, made, tally, origin=origin, calendar=calendar,
                     today=today, planned=planned, progress=progress)
    else:
        run_network(np, model, bits, made, tally, origin=origin, progress=progress)
    return _assemble(plan, calendar, model, tally, planned, _Settings(
        today=today, origin=origin, samples=made, seed=seed, distribution=distribution,
        confidence=confidence, threshold=threshold, scheduler=runs, capacity=capacity))


@dataclass(frozen=True, slots=True)
class _Settings:
    """How a simulation was run."""

    today: dt.date
    origin: int
    samples: int
    seed: int
    distribution: Distribution
    confidence: float
    threshold: float
    scheduler: str
    capacity: CapacityMode


def _assemble(
    plan: Plan, calendar: WorkingCalendar, model: Model, tally: Tally, planned: Schedule,
    how: _Settings,
) -> Simulation:
    origin, samples, due = how.origin, how.samples, model.due

    def day(offset: int) -> dt.date:
        return calendar.day(origin + offset)

    today_offset = calendar.number(how.today) - origin
    network = model.network
    not_after = {network.ids[node]: (cap, tally.not_after_met[j] / samples)
                 for j, (node, cap) in enumerate(model.not_after)}

    scheduled = [a for a in plan.actions if a.priority != "wont"]
    actions = []
    for k, action in enumerate(scheduled):
        mean, variance = model.moments[k]
        sd = math.sqrt(variance)
        # Done work is on its actual dates: never critical (as in the deterministic schedule).
        share = 0.0 if action.status == "done" else tally.critical[model.action_nodes[k]] / samples
        cap, kept = not_after.get(action.id, (None, None))
        actions.append(ActionRisk(action.id, action.title, share, mean, sd, share * sd,
                                  model.sampled[k], None if cap is None else day(cap), kept))
    ranked = sorted((a for a in actions if a.driver_score > 0),
                    key=lambda a: (-a.driver_score, -a.criticality))
    drivers = tuple(a.id for a in ranked[:_TOP])

    histogram = tally.completion if scheduled else {}
    probability = 1.0
    deterministic = planned.earliest_completion if scheduled else None
    quantiles: list[dt.date | None] = [None, None, None]
    cdf: list[tuple[dt.date, float]] = []
    buffer: ScheduleBuffer | None = None
    if histogram and deterministic is not None:
        probability = sum(c for v, c in histogram.items() if v <= due) / samples
        planned_offset = calendar.number_on_or_before(deterministic) - origin
        quantiles = [day(_quantile(histogram, samples, q)) for q in (0.5, 0.8, 0.95)]
        running = 0
        for value in sorted(histogram):
            running += histogram[value]
            cdf.append((day(value), running / samples))
        committed = _quantile(histogram, samples, how.confidence)
        margin = due - committed
        buffer = ScheduleBuffer(how.confidence, day(committed), committed - planned_offset,
                                margin, max(0, -margin), day(today_offset + margin))

    exposures = []
    for r, risk in enumerate(plan.risks):
        without = tally.risk_without[r]
        exposures.append(_exposure(
            risk, tally.risk_occurred[r] / samples,
            tally.risk_met_without[r] / without if without else None,
        ))
    gains = sorted(
        ((e.probability_without - probability, e.id) for e in exposures
         if e.probability_without is not None
         and e.probability_without - probability >= _NAMED_GAIN),
        key=lambda pair: -pair[0],
    )
    risk_drivers = tuple(risk_id for _, risk_id in gains[:_TOP])
    by_id = {e.id: e for e in exposures}

    milestones = []
    for k, milestone in enumerate(plan.milestones):
        counts = tally.milestone[k]
        m_due = milestone.due
        met: float | None = None
        if m_due is not None:
            limit = calendar.number_on_or_before(m_due) - origin
            met = sum(c for v, c in counts.items() if v <= limit) / samples
        milestones.append(MilestoneRisk(
            milestone.id, m_due, met,
            *(day(_quantile(counts, samples, q)) for q in (0.5, 0.8, 0.95)),
        ))
    all_met = tally.all_met / samples

    flags: list[Flag] = []
    if not model.uncertain:
        if all_met < 1.0:
            certain = any(e.occurred == 1.0 for e in exposures)
            flags.append(_deadline_missed(plan, milestones, actions, certain))
    elif histogram and probability < how.threshold:
        flags.append(_low_confidence(
            plan, calendar, origin, today_offset, histogram, samples, due, probability,
            how.confidence, how.threshold, ranked[:_TOP], [by_id[i] for i in risk_drivers],
        ))
    elif all_met < how.threshold:
        flags.append(_low_confidence_deadlines(
            plan, calendar, origin, tally, samples, probability, all_met, how, milestones,
            actions))
    return Simulation(
        goal=plan.goal.id, goal_title=plan.goal.title, due=plan.goal.due, today=how.today,
        samples=samples, seed=how.seed, distribution=how.distribution,
        confidence=how.confidence, threshold=how.threshold, scheduler=how.scheduler,
        probability=probability, deterministic_completion=deterministic, p50=quantiles[0],
        p80=quantiles[1], p95=quantiles[2], completion_cdf=tuple(cdf),
        actions=tuple(actions), drivers=drivers, risk_drivers=risk_drivers, buffer=buffer,
        matrix=_matrix(exposures), milestones=tuple(milestones), flags=tuple(flags),
        capacity=how.capacity, uncertain=model.uncertain, probability_all_deadlines=all_met,
        other_deadlines=sum(1 for m in plan.milestones if m.due is not None) + len(not_after),
        deterministic_feasible=planned.feasible if scheduled else None,
        deterministic_min_slack=planned.min_slack,
    )


def _missed(milestones: Sequence[MilestoneRisk], actions: Sequence[ActionRisk],
            threshold: float) -> list[tuple[float, str]]:
    """The milestone dues and not_after dates met in fewer than ``threshold`` of the runs,
    least often met first, each named."""
    missed = [(m.probability, f"milestone {m.id} (due {m.due.isoformat()})")
              for m in milestones
              if m.probability is not None and m.due is not None and m.probability < threshold]
    missed += [(a.not_after_probability, f"{a.id}'s not_after {a.not_after.isoformat()}")
               for a in actions
               if a.not_after_probability is not None and a.not_after is not None
               and a.not_after_probability < threshold]
    return sorted(missed, key=lambda pair: pair[0])


def _deadline_missed(
    plan: Plan, milestones: Sequence[MilestoneRisk], actions: Sequence[ActionRisk],
    certain: bool,
) -> Flag:
    """The ``deadline-missed`` flag of a plan in which nothing is uncertain."""
    named = [name for _, name in _missed(milestones, actions, 1.0)]
    what = f": {', '.join(named)}" if named else ""
    counted = " once the risks certain to happen are counted" if certain else ""
    return Flag(
        "deadline-missed", "error", plan.goal.id,
        f"nothing in this plan is uncertain and it misses a deadline{counted}{what}; "
        "`backplan schedule` lists the problems and their fixes",
    )


def _low_confidence_deadlines(
    plan: Plan, calendar: WorkingCalendar, origin: int, tally: Tally, samples: int,
    probability: float, all_met: float, how: _Settings, milestones: Sequence[MilestoneRisk],
    actions: Sequence[ActionRisk],
) -> Flag:
    """The ``low-confidence-deadlines`` flag: the goal is likely, every deadline is not."""
    missed = _missed(milestones, actions, how.threshold)
    named = ", ".join(f"{name} {_pct(share)}" for share, name in missed)
    level = max(how.confidence, how.threshold)
    fixes = []
    for k, milestone in enumerate(plan.milestones):
        m = milestones[k]
        if m.probability is None or milestone.due is None or m.probability >= how.threshold:
            continue
        target = _quantile(tally.milestone[k], samples, level)
        limit = calendar.number_on_or_before(milestone.due) - origin
        moved = calendar.day(origin + target)
        fixes.append(Fix(
            "move-due", milestone.id,
            f"move milestone {milestone.id}'s due to {moved.isoformat()} ({_pct(level)} of runs "
            f"reach it by then; buys {_days(target - limit)})", target - limit, moved))
    return Flag(
        "low-confidence-deadlines", "warning", plan.goal.id,
        f"{_pct(all_met)} chance of meeting every deadline, below the "
        f"{_pct(how.threshold)} threshold, though {_pct(probability)} of runs finish by the "
        f"goal's due date" + (f"; least often met: {named}" if named else ""),
        None, (), (), tuple(fixes),
    )


def _low_confidence(
    plan: Plan, calendar: WorkingCalendar, origin: int, today_offset: int,
    histogram: dict[int, int],
    samples: int, due: int, probability: float, confidence: float, threshold: float,
    drivers: list[ActionRisk], risks: list[RiskExposure],
) -> Flag:
    """The ``low-confidence`` flag: how short, what drives it, and what would fix it."""
    goal = plan.goal
    reach = _quantile(histogram, samples, threshold)
    level = max(confidence, threshold)
    target = _quantile(histogram, samples, level)
    named = [a.id for a in drivers] + [f"risk {r.id}" for r in risks]
    because = f"; driven by {', '.join(named)}" if named else ""
    commit = calendar.day(origin + target)
    start_by = calendar.day(origin + today_offset - (target - due))
    earlier = target - due
    fixes = [
        Fix("move-due", goal.id,
            f"move the goal's due date to {commit.isoformat()} ({_pct(level)} of runs finish "
            f"by then; buys {_days(earlier)})", earlier, commit),
        Fix("start-earlier", goal.id,
            f"start all work {_days(earlier)} earlier, by "
            f"{start_by.isoformat()} ({_pct(level)} confidence)", earlier, start_by),
    ]
    fixes += [
        Fix("reduce-uncertainty", a.id,
            f"narrow or shorten {a.id}: on the critical path in {_pct(a.criticality)} of runs, "
            f"{a.mean_duration_days:.1f} +/- {a.sd_duration_days:.1f} working days", 0)
        for a in drivers[:3]
    ]
    fixes += [
        Fix("mitigate-risk", r.id,
            f"mitigate risk {r.id} ({_pct(r.probability)}, {_days(r.impact_days)}): without it "
            f"the chance is {_pct(r.probability_without or 0.0)}", r.impact_days)
        for r in risks[:3]
    ]
    return Flag(
        "low-confidence", "warning", goal.id,
        f"{_pct(probability)} chance of finishing by the due date {goal.due.isoformat()}, "
        f"below the {_pct(threshold)} threshold{because}",
        reach - due, (), tuple(a.id for a in drivers), tuple(fixes),
    )
