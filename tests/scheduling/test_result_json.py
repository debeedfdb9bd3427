"""``Schedule.to_json`` writes the action rows natively: the text stays ``json.dumps``' own.

The JSON the CLI prints is ``json.dumps(schedule.to_dict(), indent=2, ensure_ascii=False)``,
character for character, however the rows are written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.io import load_plan
from backplan.models import Plan
from backplan.scheduling import Schedule, schedule_plan
from backplan.scheduling.result import Flag, ScheduledAction
from strategies import START, people_plan_dicts, plan_dicts

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
TODAY = dt.date(2026, 11, 23)


def reference(schedule: Schedule, indent: int | None = 2) -> str:
    return json.dumps(schedule.to_dict(), indent=indent, ensure_ascii=False)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("indent", [2, 4, 1, 0, None])
def test_examples(example: Path, indent: int | None) -> None:
    schedule = schedule_plan(load_plan(example), today=TODAY)
    assert schedule.to_json(indent=indent) == reference(schedule, indent)


def test_the_rows_are_the_actions_fields() -> None:
    """The native rows are each action's fields; ``ScheduledAction.to_dict`` says the same."""
    schedule = schedule_plan(load_plan(EXAMPLES[0]), today=TODAY)
    for action in schedule.actions:
        row = json.loads(json.dumps(action._asdict(), default=dt.date.isoformat))
        assert list(action.to_dict()) == list(ScheduledAction._fields)
        assert action.to_dict() == row


_TEXT = st.text(st.characters(codec="utf-8"), max_size=20)


@given(data=plan_dicts(), titles=st.lists(_TEXT, min_size=12, max_size=12), goal=_TEXT,
       late=st.booleans())
def test_any_text_and_any_timeline(data: dict[str, Any], titles: list[str], goal: str,
                                   late: bool) -> None:
    """Titles and owners with any character (control characters, quotes, backslashes, line and
    paragraph separators, emoji); feasible and infeasible schedules (flags with fixes)."""
    data["goal"]["title"] = goal
    for item, title in zip([*data["milestones"], *data["actions"]], titles, strict=False):
        item["title"] = title
        if "duration" in item:
            item["owner"] = title[::-1]
    if late:
        data["goal"]["due"] = (START + dt.timedelta(days=3)).isoformat()
    schedule = schedule_plan(Plan.model_validate(data), today=START)
    assert schedule.to_json() == reference(schedule)


@given(data=people_plan_dicts(), late=st.booleans())
def test_plans_with_people(data: dict[str, Any], late: bool) -> None:
    """Levelled schedules: capacity, and fixes that add hours (floats, which json.dumps and
    pydantic-core write differently)."""
    if late:
        data["goal"]["due"] = (START + dt.timedelta(days=3)).isoformat()
    schedule = schedule_plan(Plan.model_validate(data), today=START)
    assert schedule.to_json() == reference(schedule)


def test_floats_outside_the_rows_are_written_by_json_dumps() -> None:
    """A levelled schedule: bookings of 1.5 hours a day (written natively), and an effort of
    a ten-thousandth of an hour (1e-05 days, written by json.dumps)."""
    plan = load_plan({"goal": {"id": "g", "due": "2026-12-01"},
                      "people": [{"id": "p", "hours_per_day": 1.5}],
                      "actions": [{"id": "a", "effort": {"hours": 30}, "assignees": ["p"]},
                                  {"id": "b", "effort": {"hours": 0.00001}, "assignees": ["p"]}]})
    schedule = schedule_plan(plan, today=TODAY)
    text = schedule.to_json()
    assert text == reference(schedule)
    assert any(isinstance(v, float) for v in _leaves(json.loads(text)))


@pytest.mark.parametrize("value", [0.0, -0.0, 1e-4, 0.5, 1.5, 7.25, 123456.789, 9.999e15, 1e16,
                                   1e-05, 3e-7, 2.5e20, 1e300, -1e-5])
def test_any_float_outside_the_rows(value: float) -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "duration": 1}]})
    schedule = schedule_plan(plan, today=TODAY)
    flag = Flag("late-start", "error", "a", "m", shortfall_days=value)  # type: ignore[arg-type]
    odd = replace(schedule, flags=(flag,))
    assert odd.to_json() == reference(odd)


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def test_text_that_is_not_utf8_is_written_as_before() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "title": "half \udc80 pair", "duration": 1}]})
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.to_json() == reference(schedule)
