"""The risk register on a 5 x 5 probability x impact matrix, without simulating.

Each risk gets a probability level (:data:`PROBABILITY_BANDS`) and an impact level
(:data:`IMPACT_BANDS`, in working days); its score is their product (1..25) and its rating
``low`` (up to 4), ``medium`` (up to 9) or ``high``. :func:`backplan.simulate_schedule` fills in,
for each risk, how often it happened and the chance of meeting the due date without it.

Example:
    >>> from backplan import load_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
    ...                   "actions": [{"id": "a", "duration": 5}],
    ...                   "risks": [{"id": "vendor", "probability": 0.6, "impact": 4}]})
    >>> print(risk_matrix(plan).risks[0].rating)
    high
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from backplan.models import Plan
from backplan.models.risk import Risk

__all__ = [
    "IMPACT_BANDS",
    "PROBABILITY_BANDS",
    "RiskExposure",
    "RiskMatrix",
    "matrix_of",
    "risk_exposure",
    "risk_matrix",
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


def risk_exposure(
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


def matrix_of(exposures: Sequence[RiskExposure]) -> RiskMatrix:
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
    return matrix_of([risk_exposure(risk) for risk in plan.risks])
