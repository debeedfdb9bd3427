"""Schedule risk: Monte Carlo over three-point estimates and the risk register.

:func:`simulate_schedule` runs the forward pass of the compiled
:class:`~backplan.scheduling.network.Network` many times from ``today``, each run with durations
drawn from the actions' estimates and with each risk of the register happening or not, and
answers "can we make the due date?" with a probability, dates at chosen confidences, the
actions and risks that drive the answer, and the buffer needed. :func:`risk_matrix` places the
register on a probability x impact grid without simulating.

How a run is drawn (see ``docs/risk.md``):

* an action with an ``estimate`` takes ``round(X)`` working days (nearest whole day, halves up),
  where ``X`` follows the estimate's PERT or triangular distribution on
  ``[optimistic, pessimistic]``; so ``P(duration <= k) = F(k + 1/2)``, with ``F`` the
  distribution's CDF rounded to the nearest 1/65,536 (the grid the uniforms are drawn on).
  An estimate with ``optimistic == pessimistic`` always takes that value, so a plan whose
  estimates have no spread reproduces the deterministic schedule exactly;
* an action without an estimate (or one already started or done) keeps the network's duration;
* each risk happens with its ``probability`` (rounded to 1/2^32), independently of everything
  else, and then adds ``impact`` working days to each action it names, or to the completion.

Runs are vectorised with numpy: one array of samples per node, nodes in topological order.
With ``scheduler="levelled"`` each run is instead scheduled by the capacity-levelled scheduler
(see :mod:`backplan.analysis._risk_levelled`), from the same draws.
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
from backplan.analysis._text import flag_line, flags_html, iso, table_html
from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import require
from backplan.graph import validate_plan
from backplan.models import Plan
from backplan.models.risk import Distribution, Estimate, Risk
from backplan.scheduling.network import MILESTONE_RELEASE, Network, compile_network
from backplan.scheduling.passes import forward_pass
from backplan.scheduling.progress import has_progress, progress_network
from backplan.scheduling.result import Fix, Flag

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

_GRID_BITS = 16
_GRID = 1 << _GRID_BITS  # uniforms for durations are drawn on this grid
_RISK_GRID = 1 << 32  # and for risks on this one
_CHUNK = 10_000  # samples per batch (fewer when the plan is large, to bound memory)
_CELLS_PER_CHUNK = 40_000_000  # nodes x samples held at once (about 200 MB with 16-bit days)
_TOP = 5  # drivers named
_NAMED_GAIN = 0.005  # a risk is a driver when removing it raises the probability this much


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
    """

    id: str
    title: str
    criticality: float
    mean_duration_days: float
    sd_duration_days: float
    driver_score: float
    distribution: Distribution | None

    def to_dict(self) -> dict[str, Any]:
        """The action's figures as JSON-ready data."""
        return {
            "id": self.id, "title": self.title, "criticality": self.criticality,
            "mean_duration_days": self.mean_duration_days,
            "sd_duration_days": self.sd_duration_days, "driver_score": self.driver_score,
            "distribution": self.distribution,
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
    """When a milestone is reached across the runs, and the chance of meeting its due."""

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
            risks (as :func:`backplan.schedule_plan` computes it).
        p50, p80, p95: completion dates reached in 50, 80 and 95 % of the runs.
        completion_cdf: each completion date seen and the share of runs complete by it.
        actions: per scheduled action, in plan order: criticality, spread, driver score.
        drivers: ids of the actions that drive the risk most (largest driver scores first).
        risk_drivers: ids of the risks whose removal would raise the probability most.
        buffer: the buffer for ``confidence``.
        matrix: the probability x impact matrix, with simulated figures per risk.
        milestones: per milestone, the dates reached and the chance of meeting its due.
        flags: ``low-confidence`` when ``probability < threshold``.
        scheduler: ``network`` (precedence only) or ``levelled``.
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
            "confidence": self.confidence, "threshold": self.threshold,
            "probability": self.probability,
            "deterministic_completion": iso(self.deterministic_completion),
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

    def __str__(self) -> str:
        lines = [
            f"Goal {self.goal!r} due {self.due.isoformat()} from {self.today.isoformat()}: "
            f"{_pct(self.probability)} chance of meeting the due date "
            f"({self.samples:,} runs, seed {self.seed}, {self.distribution}, {self.scheduler})",
            f"  completion: deterministic {iso(self.deterministic_completion) or '-'}, "
            f"P50 {iso(self.p50) or '-'}, P80 {iso(self.p80) or '-'}, "
            f"P95 {iso(self.p95) or '-'}",
        ]
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
            if m.probability is not None and m.due is not None:
                lines.append(f"  milestone {m.id}: {_pct(m.probability)} chance of meeting its "
                             f"due {m.due.isoformat()} (P80 {m.p80.isoformat()})")
        if self.matrix.risks:
            lines.append("  risk matrix:")
            lines.extend("    " + line for line in str(self.matrix).splitlines())
        for flag in self.flags:
            lines.append(f"  {flag_line(flag)}")
            lines.extend(f"    fix: {fix}" for fix in flag.fixes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Simulation {self.goal!r} due={self.due.isoformat()} "
                f"probability={self.probability:.3f} samples={self.samples}>")

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = [["driver", "criticality", "mean days", "sd days"]] + [
            [a.id, _pct(a.criticality), f"{a.mean_duration_days:.1f}",
             f"{a.sd_duration_days:.1f}"]
            for a in self._driver_rows()
        ]
        return (
            f"<div><p>Goal <b>{esc(self.goal)}</b> due {self.due}: "
            f"<b>{_pct(self.probability)}</b> chance ({self.samples:,} runs). "
            f"P50 {iso(self.p50)}, P80 {iso(self.p80)}, P95 {iso(self.p95)}.</p>"
            + (f"<p>{esc(str(self.buffer))}</p>" if self.buffer else "")
            + (table_html(rows, right=(1, 2, 3)) if len(rows) > 1 else "")
            + flags_html(self.flags)
            + "</div>"
        )


# --------------------------------------------------------------------------------------------
# Distributions


def _beta_cdf(x: Sequence[float], a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Regularized incomplete beta ``I_x(a, b)`` for ``0 < x < 1`` and ``a, b >= 1``, many at once.

    The continued fraction of Numerical Recipes (modified Lentz), on whichever side of the mean
    it converges fast, vectorised with numpy; accurate to about 1e-15.
    """
    np = require("numpy", extra="risk", feature="risk simulation")
    x_, a_, b_ = (np.asarray(v, dtype=float) for v in (x, a, b))
    if not x_.size:
        return []
    log_beta = np.array([math.lgamma(p + q) - math.lgamma(p) - math.lgamma(q)
                         for p, q in zip(a_.tolist(), b_.tolist(), strict=True)])
    front = np.exp(log_beta + a_ * np.log(x_) + b_ * np.log1p(-x_))
    swap = x_ >= (a_ + 1.0) / (a_ + b_ + 2.0)
    p_, q_, y = np.where(swap, b_, a_), np.where(swap, a_, b_), np.where(swap, 1.0 - x_, x_)
    tiny = 1e-300

    def guard(v: Any) -> Any:
        return np.where(np.abs(v) < tiny, tiny, v)

    c = np.ones_like(y)
    d = 1.0 / guard(1.0 - (p_ + q_) * y / (p_ + 1.0))
    h = d.copy()
    for m in range(1, 300):
        m2 = 2 * m
        step = np.ones_like(y)
        for aa in (m * (q_ - m) * y / ((p_ - 1.0 + m2) * (p_ + m2)),
                   -(p_ + m) * (p_ + q_ + m) * y / ((p_ + m2) * (p_ + 1.0 + m2))):
            d = 1.0 / guard(1.0 + aa * d)
            c = guard(1.0 + aa / c)
            step = d * c
            h = h * step
        if float(np.max(np.abs(step - 1.0))) < 1e-15:
            break
    value = front * h / p_
    return np.where(swap, 1.0 - value, value).tolist()  # type: ignore[no-any-return]


def _triangular_cdf(estimate: Estimate, x: float) -> float:
    low, mode, high = estimate.optimistic, estimate.likely, estimate.pessimistic
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    if x <= mode:
        return (x - low) ** 2 / ((high - low) * (mode - low))
    return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))


def _grid_tables(
    wanted: Sequence[tuple[Estimate, Distribution]],
) -> list[tuple[list[int], list[int]]]:
    """For each estimate: the values ``optimistic..pessimistic`` and how many of the 65,536 grid
    points draw each, that is ``round(F(k + 1/2) * 65,536)`` differenced."""
    cdfs: list[list[float]] = []
    pert_points: list[float] = []
    alphas: list[float] = []
    betas: list[float] = []
    for estimate, kind in wanted:
        low, mode, high = estimate.optimistic, estimate.likely, estimate.pessimistic
        points = [k + 0.5 for k in range(low, high)]
        if kind == "triangular" or low == high:
            cdfs.append([_triangular_cdf(estimate, x) for x in points])
            continue
        span = high - low
        pert_points += [(x - low) / span for x in points]
        alphas += [1.0 + 4.0 * (mode - low) / span] * len(points)
        betas += [1.0 + 4.0 * (high - mode) / span] * len(points)
        cdfs.append([])
    pert = iter(_beta_cdf(pert_points, alphas, betas))
    tables = []
    for (estimate, kind), cdf in zip(wanted, cdfs, strict=True):
        low, high = estimate.optimistic, estimate.pessimistic
        if kind != "triangular" and low != high:
            cdf = [next(pert) for _ in range(high - low)]
        thresholds = [min(_GRID, max(0, round(f * _GRID))) for f in cdf] + [_GRID]
        counts, before = [], 0
        for t in thresholds:
            t = max(t, before)
            counts.append(t - before)
            before = t
        tables.append((list(range(low, high + 1)), counts))
    return tables


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
    ((values, counts),) = _grid_tables([(estimate, estimate.distribution or distribution)])
    return tuple((v, c / _GRID) for v, c in zip(values, counts, strict=True))


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


_COUNT_LIMIT = 12  # thresholds compared one by one up to this many; a lookup table beyond


@dataclass(frozen=True, slots=True)
class _Sampler:
    """How to draw ``duration - 1`` from a 16-bit uniform ``u``: ``low`` plus the number of
    ``thresholds`` at or below ``u`` (or, for wide estimates, ``table[u]``, the same values)."""

    low: int
    thresholds: tuple[int, ...]
    table: Any


def _sampler(np: Any, values: list[int], counts: list[int]) -> _Sampler:
    low = values[0] - 1
    edges, before = [], 0
    for c in counts[:-1]:
        before += c
        edges.append(before)  # u >= edge means a longer duration than this value
    always = sum(1 for e in edges if e <= 0)
    thresholds = tuple(e for e in edges if 0 < e < _GRID)
    low += always
    if not thresholds:
        return _Sampler(low, (), None)
    if len(thresholds) <= _COUNT_LIMIT:
        return _Sampler(low, thresholds, None)
    table = np.repeat(np.asarray(values, dtype=np.int32) - 1, counts)
    return _Sampler(low, thresholds, table.astype(np.int16 if values[-1] <= 32_000 else np.int32))


@dataclass(slots=True)
class _Model:
    """Everything the vectorised passes need, prepared once per simulation."""

    network: Network
    n: int
    # per node: earliest start relative to today (from not_before), >= 0; -1 for a milestone
    # (one that waits for nothing is reached the day before today, as in forward_pass)
    base: list[int]
    fixed: list[int]  # per node: duration - 1 when not sampled
    samplers: list[_Sampler | None]  # per node: how its duration is drawn, or None (fixed)
    extras: list[list[tuple[int, int]]]  # per node: (risk index, impact) added when it happens
    plan_extras: list[tuple[int, int]]  # (risk index, impact) added to the completion
    action_nodes: list[int]  # nodes of the scheduled actions, in plan order
    moments: list[tuple[float, float]]  # per action (plan order): mean, variance of duration
    sampled: list[Distribution | None]  # per action (plan order)
    probabilities: list[float]  # per risk, on the grid it is drawn on
    ends: list[int]  # action nodes from which no other action follows
    is_end: list[bool]
    always_tight: list[bool]  # one predecessor, no not_before: the start is always tight


def _prepare(
    plan: Plan, network: Network, origin: int, distribution: Distribution
) -> _Model:
    np = require("numpy", extra="risk", feature="risk simulation")
    n = len(network.ids)
    base = [0 if is_action else MILESTONE_RELEASE for is_action in network.is_action]
    for i, bound in enumerate(network.not_before):
        if bound is not None and bound > origin:
            base[i] = bound - origin
    fixed = [d - 1 for d in network.duration]
    samplers: list[_Sampler | None] = [None] * n
    index = network.index
    scheduled = [a for a in plan.actions if a.priority != "wont"]
    # Which actions vary: an estimate with spread on work not yet started (the network then
    # holds the planned duration); one table per distinct estimate, computed together.
    kinds: list[Distribution | None] = []
    wanted: dict[tuple[int, int, int, Distribution], Estimate] = {}
    for action in scheduled:
        node = index[action.id]
        estimate = action.estimate
        planned = action.status == "not_started" and network.duration[node] == action.duration
        if estimate is None or not planned:
            kinds.append(None)
            continue
        if estimate.optimistic == estimate.pessimistic:
            fixed[node] = estimate.optimistic - 1
            kinds.append(None)
            continue
        kind = estimate.distribution or distribution
        kinds.append(kind)
        wanted.setdefault((estimate.optimistic, estimate.likely, estimate.pessimistic, kind),
                          estimate)
    cache: dict[tuple[int, int, int, Distribution], tuple[_Sampler, float, float]] = {}
    for key, (values, counts) in zip(
        wanted, _grid_tables([(e, key[3]) for key, e in wanted.items()]), strict=True
    ):
        mean = sum(v * c for v, c in zip(values, counts, strict=True)) / _GRID
        var = sum(c * (v - mean) ** 2 for v, c in zip(values, counts, strict=True)) / _GRID
        cache[key] = (_sampler(np, values, counts), mean, var)
    moments: list[tuple[float, float]] = []
    for action, drawn in zip(scheduled, kinds, strict=True):
        node = index[action.id]
        if drawn is None:
            moments.append((float(fixed[node] + 1), 0.0))
            continue
        estimate = action.estimate
        assert estimate is not None
        samplers[node], mean, var = cache[
            (estimate.optimistic, estimate.likely, estimate.pessimistic, drawn)]
        moments.append((mean, var))
    sampled = kinds

    extras: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    plan_extras: list[tuple[int, int]] = []
    position = {a.id: k for k, a in enumerate(scheduled)}
    for r, risk in enumerate(plan.risks):
        if not risk.actions:
            plan_extras.append((r, risk.impact))
            continue
        p = _quantised(risk.probability)
        for action_id in risk.actions:
            k = position.get(action_id)
            if k is None or scheduled[k].status == "done":
                continue  # a wont (unscheduled) or finished action is not delayed
            extras[index[action_id]].append((r, risk.impact))
            mean, var = moments[k]
            moments[k] = (mean + p * risk.impact, var + p * (1 - p) * risk.impact ** 2)
    # An action followed (directly or through milestones) by another action never finishes last.
    action_nodes = [index[a.id] for a in scheduled]
    is_action = network.is_action
    leads_to_action = [False] * n
    for i in range(n - 1, -1, -1):
        if is_action[i] or leads_to_action[i]:
            for _, nodes in network.pred_groups[i]:
                for p in nodes:
                    leads_to_action[p] = True
    is_end = [is_action[i] and not leads_to_action[i] for i in range(n)]
    return _Model(
        network=network, n=n, base=base, fixed=fixed, samplers=samplers, extras=extras,
        plan_extras=plan_extras, action_nodes=action_nodes, moments=moments, sampled=sampled,
        probabilities=[_quantised(risk.probability) for risk in plan.risks],
        ends=[i for i in action_nodes if is_end[i]], is_end=is_end,
        always_tight=[
            len(groups) == 1 and len(groups[0][1]) == 1 and base[i] <= 0
            for i, groups in enumerate(network.pred_groups)
        ],
    )


def _quantised(probability: float) -> float:
    return round(probability * _RISK_GRID) / _RISK_GRID


@dataclass(slots=True)
class _Tally:
    """Counts accumulated over the batches."""

    completion: dict[int, int]
    critical: list[int]  # per node
    milestone: list[dict[int, int]]  # per milestone (plan order)
    risk_occurred: list[int]
    risk_met_without: list[int]  # runs without the risk that met the due date
    risk_without: list[int]


def _histogram(np: Any, values: Any, into: dict[int, int]) -> None:
    low = int(values.min())
    counts = np.bincount(values - low)
    for offset in np.flatnonzero(counts).tolist():
        into[low + offset] = into.get(low + offset, 0) + int(counts[offset])


def _draw_risks(np: Any, model: _Model, bits: Any, size: int) -> list[Any]:
    """Whether each risk happens in each of ``size`` runs.

    A batch draws the risks first, one block of 32-bit uniforms each, then one block of 16-bit
    uniforms per sampled node in node order: the draws of one risk or node do not depend on the
    others, nor on the due date.
    """
    happened = []
    for probability in model.probabilities:
        threshold = round(probability * _RISK_GRID)
        draws = bits.random_raw((size + 1) // 2).view(np.uint32)[:size]
        happened.append(np.ones(size, dtype=bool) if threshold >= _RISK_GRID
                        else draws < threshold)
    return happened


def _run_batch(
    np: Any, model: _Model, bits: Any, size: int, due: int, tally: _Tally,
    start: Any, finish: Any, critical: Any,
) -> None:
    """Draw ``size`` runs, pass forward, trace the critical paths back, and count."""
    network = model.network
    groups_of = network.pred_groups
    dtype = start.dtype
    happened = _draw_risks(np, model, bits, size)
    added: dict[tuple[int, int], Any] = {}

    def extra(risk_index: int, impact: int) -> Any:
        key = (risk_index, impact)
        if key not in added:
            added[key] = happened[risk_index].astype(dtype) * dtype.type(impact)
        return added[key]

    completion = np.zeros(size, dtype=dtype)
    spare = np.empty(size, dtype=dtype)
    hits = np.empty(size, dtype=bool)
    count = np.empty(size, dtype=bool)
    hits_u8, count_u8 = hits.view(np.uint8), count.view(np.uint8)
    words = (size + 3) // 4
    base, fixed, samplers, extras, is_end = (
        model.base, model.fixed, model.samplers, model.extras, model.is_end)
    add, maximum, greater_equal = np.add, np.maximum, np.greater_equal
    for i in range(model.n):
        row = start[i]
        first = True
        for offset, nodes in groups_of[i]:
            target = row if first else spare
            if len(nodes) == 1:
                add(finish[nodes[0]], offset, out=target)
            else:
                maximum(finish[nodes[0]], finish[nodes[1]], out=target)
                for p in nodes[2:]:
                    maximum(target, finish[p], out=target)
                if offset:
                    add(target, offset, out=target)
            if not first:
                maximum(row, spare, out=row)
            first = False
        if first:
            row.fill(base[i])
        elif base[i] > 0:
            maximum(row, base[i], out=row)
        out = finish[i]
        sampler = samplers[i]
        if sampler is None:
            add(row, fixed[i], out=out)
        else:
            # duration - 1 = sampler.low + #{t in thresholds : t <= u}, u uniform on the grid
            draws = bits.random_raw(words).view(np.uint16)[:size]
            if sampler.table is not None:
                add(row, sampler.table.take(draws), out=out)
            else:
                thresholds = sampler.thresholds
                greater_equal(draws, thresholds[0], out=count)
                for t in thresholds[1:]:
                    greater_equal(draws, t, out=hits)
                    add(count_u8, hits_u8, out=count_u8)
                add(row, count_u8, out=out, dtype=dtype)
                if sampler.low:
                    add(out, sampler.low, out=out)
        for risk_index, impact in extras[i]:
            add(out, extra(risk_index, impact), out=out)
        if is_end[i]:
            maximum(completion, out, out=completion)

    # Criticality: per run, the actions finishing last, then back through tight predecessors.
    # Only an action from which no other action follows can finish last (``is_end``).
    marked: set[int] = set()
    for i in model.ends:
        np.equal(finish[i], completion, out=critical[i])
        marked.add(i)
    equal, logical_and, logical_or, subtract = (
        np.equal, np.logical_and, np.logical_or, np.subtract)
    for i in range(model.n - 1, -1, -1):
        groups = groups_of[i]
        if not groups or i not in marked:
            continue
        row = critical[i]
        if not row.any():
            continue
        if model.always_tight[i]:  # one predecessor and nothing else bounds the start
            p = groups[0][1][0]
            if p in marked:
                logical_or(critical[p], row, out=critical[p])
            else:
                critical[p] = row
                marked.add(p)
            continue
        for offset, nodes in groups:
            subtract(start[i], offset, out=spare)
            for p in nodes:
                if p in marked:
                    equal(finish[p], spare, out=hits)
                    logical_and(hits, row, out=hits)
                    logical_or(critical[p], hits, out=critical[p])
                else:
                    equal(finish[p], spare, out=critical[p])
                    logical_and(critical[p], row, out=critical[p])
                    marked.add(p)
    for i in model.action_nodes:
        if i in marked:
            tally.critical[i] += int(np.count_nonzero(critical[i]))

    for risk_index, impact in model.plan_extras:
        add(completion, extra(risk_index, impact), out=completion)
    _histogram(np, completion, tally.completion)
    for k, node in enumerate(network.milestones):
        _histogram(np, finish[node], tally.milestone[k])
    if happened:
        limits = np.iinfo(dtype)
        met = completion <= min(max(due, int(limits.min)), int(limits.max))
        for risk_index, occurred in enumerate(happened):
            count_occurred = int(np.count_nonzero(occurred))
            tally.risk_occurred[risk_index] += count_occurred
            tally.risk_without[risk_index] += size - count_occurred
            tally.risk_met_without[risk_index] += int(np.count_nonzero(met & ~occurred))


def _longest(network: Network, model: _Model, origin: int) -> int:
    """An upper bound on any finish (days from today): the longest durations, every risk."""
    longest = [
        (fixed if sampler is None else sampler.low + len(sampler.thresholds)) + 1
        + sum(impact for _, impact in extra)
        for fixed, sampler, extra in zip(model.fixed, model.samplers, model.extras, strict=True)
    ]
    # Every start is at most the latest not_before (or today): start them all there.
    _, finish = forward_pass(network, origin + max(model.base, default=0), longest)
    return max(finish, default=origin) - origin + sum(
        impact for _, impact in model.plan_extras)


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
    scheduler: Literal["network", "levelled"] = "network",
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Simulate the plan from ``today`` many times and say how likely the due date is.

    Args:
        plan: the plan; it is validated first. Actions with an ``estimate`` vary, and so do
            the risks of ``plan.risks``; everything else is as in :func:`backplan.schedule_plan`.
        today: the day work starts from (library code never reads the clock).
        samples: how many runs (at least 1).
        seed: the seed of the random generator: the same seed gives the same result.
        distribution: ``pert`` or ``triangular``, for estimates that do not name their own.
        confidence: the confidence the :class:`ScheduleBuffer` is computed for (0 < confidence < 1).
        threshold: below this probability of meeting the due date, a ``low-confidence``
            flag is raised (0..1).
        scheduler: ``network`` runs the precedence network, vectorised; ``levelled`` runs
            :func:`~backplan.scheduling.levelling.schedule_levelled` (one decode, no search)
            once per run, so that people's hours hold in every run: about a thousand times
            slower (see ``docs/risk.md``).
        progress: called as ``progress(done, samples)`` after each batch of runs.

    Returns:
        A frozen :class:`Simulation`.

    Raises:
        PlanValidationError: the plan's references are broken.
        MissingExtraError: numpy is not installed (``pip install "backplan[risk]"``).

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
    """
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise TypeError(f"today must be a datetime.date, got {today!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a whole number of runs, at least 1; got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if distribution not in ("pert", "triangular"):
        raise ValueError(f"distribution must be 'pert' or 'triangular', got {distribution!r}")
    if scheduler not in ("network", "levelled"):
        raise ValueError(f"scheduler must be 'network' or 'levelled', got {scheduler!r}")
    confidence = _check_share("confidence", confidence, closed=False)
    threshold = _check_share("threshold", threshold, closed=True)
    np = require("numpy", extra="risk", feature="risk simulation")

    validate_plan(plan)
    calendar = plan_calendar(plan, today=today)
    network = compile_network(plan, calendar)
    today_number = calendar.number(today)
    origin = today_number  # day offsets in the runs count from here
    if has_progress(plan):  # done work sits on its actual dates, possibly before today
        replanned = progress_network(plan, network, calendar, today)
        network, origin = replanned.network, replanned.start
    due = calendar.number_on_or_before(plan.goal.due) - origin
    model = _prepare(plan, network, origin, distribution)
    n_risks = len(plan.risks)

    tally = _Tally({}, [0] * model.n, [{} for _ in network.milestones], [0] * n_risks,
                   [0] * n_risks, [0] * n_risks)
    bits = np.random.default_rng(seed).bit_generator
    chunk = max(256, min(_CHUNK, _CELLS_PER_CHUNK // max(1, model.n)))
    if scheduler == "levelled":
        from backplan.analysis._risk_levelled import run_levelled

        planned = run_levelled(np, plan, model, bits, samples, chunk, due, origin, tally,
                               calendar=calendar, today=today, seed=seed, progress=progress)
        return _assemble(plan, network, calendar, model, tally, today, origin, due, samples,
                         seed, distribution, confidence, threshold, scheduler, planned)
    first = min(chunk, samples)
    # Day offsets from today fit in 16 bits unless every draw at its longest could pass 32,767.
    dtype = np.int16 if _longest(network, model, origin) < 32_000 else np.int32
    start = np.empty((model.n, first), dtype=dtype)
    finish = np.empty((model.n, first), dtype=dtype)
    critical = np.empty((model.n, first), dtype=bool)
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        _run_batch(np, model, bits, size, due, tally,
                   start[:, :size], finish[:, :size], critical[:, :size])
        done += size
        if progress is not None:
            progress(done, samples)
    return _assemble(plan, network, calendar, model, tally, today, origin, due, samples,
                     seed, distribution, confidence, threshold, scheduler, None)


def _assemble(
    plan: Plan, network: Network, calendar: WorkingCalendar, model: _Model, tally: _Tally,
    today: dt.date, origin: int, due: int, samples: int, seed: int,
    distribution: Distribution, confidence: float, threshold: float, scheduler: str,
    planned: int | None,
) -> Simulation:
    def day(offset: int) -> dt.date:
        return calendar.day(origin + offset)

    today_offset = calendar.number(today) - origin

    scheduled = [a for a in plan.actions if a.priority != "wont"]
    actions = []
    for k, action in enumerate(scheduled):
        mean, variance = model.moments[k]
        sd = math.sqrt(variance)
        # Done work is on its actual dates: never critical (as in the deterministic schedule).
        share = 0.0 if action.status == "done" else tally.critical[model.action_nodes[k]] / samples
        actions.append(ActionRisk(action.id, action.title, share, mean, sd, share * sd,
                                  model.sampled[k]))
    ranked = sorted((a for a in actions if a.driver_score > 0),
                    key=lambda a: (-a.driver_score, -a.criticality))
    drivers = tuple(a.id for a in ranked[:_TOP])

    histogram = tally.completion if scheduled else {}
    probability = 1.0
    deterministic: dt.date | None = None
    quantiles: list[dt.date | None] = [None, None, None]
    cdf: list[tuple[dt.date, float]] = []
    buffer: ScheduleBuffer | None = None
    if histogram:
        probability = sum(c for v, c in histogram.items() if v <= due) / samples
        if planned is None:  # the deterministic completion, as schedule_plan has it
            _, earliest_finish = forward_pass(network, origin)
            planned = max(earliest_finish[i] for i in model.action_nodes) - origin
        deterministic = day(planned)
        quantiles = [day(_quantile(histogram, samples, q)) for q in (0.5, 0.8, 0.95)]
        running = 0
        for value in sorted(histogram):
            running += histogram[value]
            cdf.append((day(value), running / samples))
        committed = _quantile(histogram, samples, confidence)
        margin = due - committed
        buffer = ScheduleBuffer(confidence, day(committed), committed - planned, margin,
                        max(0, -margin), day(today_offset + margin))

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

    flags: list[Flag] = []
    if histogram and probability < threshold:
        flags.append(_low_confidence(
            plan, calendar, origin, today_offset, histogram, samples, due, probability,
            confidence,
            threshold, ranked[:_TOP], [by_id[i] for i in risk_drivers],
        ))
    return Simulation(
        goal=plan.goal.id, goal_title=plan.goal.title, due=plan.goal.due, today=today,
        samples=samples, seed=seed, distribution=distribution, confidence=confidence,
        threshold=threshold, scheduler=scheduler, probability=probability,
        deterministic_completion=deterministic, p50=quantiles[0], p80=quantiles[1],
        p95=quantiles[2], completion_cdf=tuple(cdf),
        actions=tuple(actions), drivers=drivers, risk_drivers=risk_drivers, buffer=buffer,
        matrix=_matrix(exposures), milestones=tuple(milestones), flags=tuple(flags),
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
