"""Fixtures for the export tests: the bundled examples scheduled from the docs' "today"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backplan import Plan, Schedule, load_plan, schedule_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session", params=["fcr", "aht", "csat"])
def example(request: pytest.FixtureRequest) -> tuple[Plan, Schedule]:
    plan = load_plan(EXAMPLES / f"{request.param}.yaml")
    return plan, schedule_plan(plan, today=TODAY)


@pytest.fixture(scope="session")
def aht() -> tuple[Plan, Schedule]:
    plan = load_plan(EXAMPLES / "aht.yaml")
    return plan, schedule_plan(plan, today=TODAY)
