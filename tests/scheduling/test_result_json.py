"""``Schedule.to_json`` writes the action rows natively: the text stays ``json.dumps``' own.

The JSON the CLI prints is ``json.dumps(schedule.to_dict(), indent=2, ensure_ascii=False)``,
character for character, however the rows are written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.io import load_plan
from backplan.models import Plan
from backplan.scheduling import Schedule, schedule_plan
from backplan.scheduling.result import ScheduledAction
from strategies import START, plan_dicts

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


def test_text_that_is_not_utf8_is_written_as_before() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "title": "half \udc80 pair", "duration": 1}]})
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.to_json() == reference(schedule)
