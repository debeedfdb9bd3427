"""write_changes: scenario changes written into the plan file in one locked, verified edit that
keeps comments, and gives exactly the plan apply_scenario gives."""

from __future__ import annotations

import json
import threading
import time
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backplan import (
    PlanBusyError,
    PlanEdit,
    PlanValidationError,
    Scenario,
    ScenarioChange,
    apply_scenario,
    dump_plan,
    load_plan,
    plan_file_lock,
)
from backplan.io.change_edits import CHANGE_FIELDS, write_changes
from backplan.models.scenario import ChangeKind
from strategies import people_plan_dicts

ROOT = Path(__file__).resolve().parents[2]

YAML_PLAN = """\
# Raise FCR: the team's plan
goal:
  id: fcr-80
  due: 2027-03-31   # end of Q1
milestones:
  - id: fixes-live
    due: 2027-02-19   # agreed with ops
people:
  - id: ann
    hours_per_day: 2   # after the queue
actions:
  - id: audit       # knowledge base
    estimate: {optimistic: 3, likely: 5, pessimistic: 9}
    milestone: fixes-live
  - id: coach
    effort: 12       # hours
    assignees: [ann]
    after: [audit]
  - {id: tips, duration: 2, priority: could}   # nice to have
"""

CHANGES = [
    ScenarioChange(action="audit", duration=4),
    ScenarioChange(action="coach", duration=6),
    ScenarioChange(drop=("tips",)),
    ScenarioChange(due="2027-04-15"),
    ScenarioChange(due="2027-03-05", milestone="fixes-live"),
    ScenarioChange(person="ann", add_hours=1.5),
]


def expected_plan(path: Path, changes: list[ScenarioChange]) -> typing.Any:
    return apply_scenario(load_plan(path), Scenario(name="s", changes=changes))


def test_every_kind_of_change_in_one_edit_keeps_the_comments(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_PLAN, encoding="utf-8")
    expected = expected_plan(path, CHANGES)
    edit = write_changes(path, CHANGES)
    assert isinstance(edit, PlanEdit)
    assert load_plan(path) == expected
    assert path.read_text(encoding="utf-8") == """\
# Raise FCR: the team's plan
goal:
  id: fcr-80
  due: 2027-04-15   # end of Q1
milestones:
  - id: fixes-live
    due: 2027-03-05   # agreed with ops
people:
  - id: ann
    hours_per_day: 3.5   # after the queue
actions:
  - id: audit       # knowledge base
    milestone: fixes-live
    duration: 4
  - id: coach
    assignees: [ann]
    after: [audit]
    duration: 6
  - {id: tips, duration: 2, priority: wont}   # nice to have
"""
    assert edit.subject == "plan"
    assert "audit takes 4 working days" in edit.description
    assert "ann +1.5 h/day" in edit.description
    assert edit.lines == (4, 7, 10, 14, 18, 19)  # the lines written (removals leave none)


def test_window_lag_predecessor_and_effort_changes(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("""\
goal: {id: g, due: 2027-03-31}
people:
  - {id: ann, hours_per_day: 4}
actions:
  - id: audit
    duration: 3
    assignees: [ann]
  - id: export   # from the CRM
    duration: 2
  - id: coach
    duration: 5          # two waves
    after:
      - audit
      - export   # the data first
    lag: 2
    not_after: 2027-03-01
  - {id: tips, duration: 2, after: [audit], lag: 1}
""", encoding="utf-8")
    changes = [
        ScenarioChange(action="coach", remove_after="export"),
        ScenarioChange(action="coach", not_before="2027-01-11"),
        ScenarioChange(action="coach", not_after="2027-03-10"),
        ScenarioChange(action="tips", remove_after="audit"),  # no predecessor left: no lag
        ScenarioChange(action="audit", effort_hours=12),
        ScenarioChange(action="coach", lag=0),
    ]
    expected = expected_plan(path, changes)
    write_changes(path, changes)
    assert load_plan(path) == expected
    assert path.read_text(encoding="utf-8") == """\
goal: {id: g, due: 2027-03-31}
people:
  - {id: ann, hours_per_day: 4}
actions:
  - id: audit
    assignees: [ann]
    effort: {hours: 12}
  - id: export   # from the CRM
    duration: 2
  - id: coach
    duration: 5          # two waves
    not_after: 2027-03-10
    after: [audit]
    not_before: 2027-01-11
  - {id: tips, duration: 2}
"""


def test_queue_changes_join_the_queue_adjust_list(tmp_path: Path) -> None:
    path = tmp_path / "aht-queue.yaml"
    path.write_bytes((ROOT / "examples" / "aht-queue.yaml").read_bytes())
    before = path.read_text(encoding="utf-8")
    changes = [ScenarioChange.model_validate(c) for c in (
        {"volume": "+20%", "from": "2027-03-01", "to": "2027-03-31"},
        {"aht": "-5%"},
        {"add_agents": 2, "from": "2027-02-01"},
    )]
    expected = expected_plan(path, changes)
    write_changes(path, changes)
    assert load_plan(path) == expected
    after = path.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(added) == 1
    assert added[0].startswith("  adjust: [{volume: ")
    assert "# Agents on shift in each half-hour" in after  # the comments stay


def test_json_plans_stay_json(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({
        "goal": {"id": "g", "due": "2027-03-31"},
        "people": [{"id": "ann", "hours_per_day": 2}],
        "actions": [{"id": "a", "estimate": {"optimistic": 2, "likely": 3, "pessimistic": 5}},
                    {"id": "b", "duration": 2, "after": ["a"]}],
    }, indent=2) + "\n", encoding="utf-8")
    changes = [ScenarioChange(action="a", duration=2), ScenarioChange(drop=("b",)),
               ScenarioChange(person="ann", add_hours=1), ScenarioChange(due="2027-04-30")]
    expected = expected_plan(path, changes)
    write_changes(path, changes)
    assert load_plan(path) == expected
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["actions"][0] == {"id": "a", "duration": 2}
    assert data["actions"][1]["priority"] == "wont"
    assert data["people"][0]["hours_per_day"] == 3
    assert data["goal"]["due"] == "2027-04-30"


def test_an_unknown_id_writes_nothing_and_names_the_plan_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_PLAN, encoding="utf-8")
    with pytest.raises(PlanValidationError) as error:
        write_changes(path, [ScenarioChange(drop=("tip",)), ScenarioChange(due="2027-04-15")])
    assert error.value.codes == ["unknown-id"]
    assert error.value.problems[0].hint == "did you mean 'tips'?"
    assert str(path) in str(error.value)
    assert path.read_text(encoding="utf-8") == YAML_PLAN


def test_no_changes_or_changes_already_made_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_PLAN, encoding="utf-8")
    assert write_changes(path, []).lines == ()
    assert write_changes(path, [ScenarioChange(due="2027-03-31")]).lines == ()
    assert path.read_text(encoding="utf-8") == YAML_PLAN


def test_it_holds_the_lock_and_refuses_when_busy(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_PLAN, encoding="utf-8")
    with plan_file_lock(path, wait=1):
        with pytest.raises(PlanBusyError):
            write_changes(path, CHANGES, wait=0.1)
        results: list[PlanEdit] = []
        worker = threading.Thread(target=lambda: results.append(
            write_changes(path, [ScenarioChange(drop=("tips",))], wait=10)))
        worker.start()
        time.sleep(0.3)
        assert not results  # waiting while the lock is held
    worker.join(10)
    assert results
    assert load_plan(path).actions[2].priority == "wont"


def test_read_only_plans_need_force(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_PLAN, encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(Exception, match="is read-only"):
        write_changes(path, CHANGES)
    write_changes(path, CHANGES, force=True)
    assert load_plan(path).goal.due.isoformat() == "2027-04-15"


def test_every_kind_of_change_has_a_writer() -> None:
    """A new kind of scenario change must say how it is written into the plan file."""
    assert set(CHANGE_FIELDS) == set(typing.get_args(ChangeKind))


@st.composite
def plans_and_changes(draw: st.DrawFn) -> tuple[dict[str, typing.Any], list[ScenarioChange]]:
    plan = draw(people_plan_dicts())
    actions = [a["id"] for a in plan["actions"]]
    milestones = [m["id"] for m in plan["milestones"]]
    people = [p["id"] for p in plan["people"]]
    queue_kinds = {"volume", "aht", "add_agents"}  # these plans have no queue: tested above
    kinds = st.sampled_from([k for k in typing.get_args(ChangeKind) if k not in queue_kinds])
    changes = []
    for kind in draw(st.lists(kinds, min_size=1, max_size=4)):
        if kind == "drop":
            changes.append(ScenarioChange(drop=tuple(draw(st.lists(
                st.sampled_from(actions), min_size=1, max_size=2, unique=True)))))
        elif kind == "duration":
            changes.append(ScenarioChange(action=draw(st.sampled_from(actions)),
                                          duration=draw(st.integers(1, 30))))
        elif kind == "due":
            day = f"2027-0{draw(st.integers(1, 6))}-{draw(st.integers(10, 28))}"
            target = draw(st.sampled_from([None, *milestones]))
            changes.append(ScenarioChange(due=day, milestone=target))
        elif kind == "add_hours":
            changes.append(ScenarioChange(person=draw(st.sampled_from(people)),
                                          add_hours=draw(st.sampled_from([0.5, 1, 2.25]))))
        elif kind in ("not_before", "not_after"):
            day = f"2027-0{draw(st.integers(1, 6))}-{draw(st.integers(10, 28))}"
            changes.append(ScenarioChange(action=draw(st.sampled_from(actions)), **{kind: day}))
        elif kind == "effort_hours":
            changes.append(ScenarioChange(action=draw(st.sampled_from(actions)),
                                          effort_hours=draw(st.sampled_from([1, 7.5, 40]))))
        elif kind == "lag":
            changes.append(ScenarioChange(action=draw(st.sampled_from(actions)),
                                          lag=draw(st.integers(0, 5))))
        else:
            action = draw(st.sampled_from(plan["actions"]))
            before = draw(st.sampled_from([*action.get("after", []), "nothing"]))
            changes.append(ScenarioChange(action=action["id"], remove_after=before))
    return plan, changes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=plans_and_changes(), style=st.sampled_from(["yaml", "json"]))
def test_the_file_holds_what_apply_scenario_gives(
    case: tuple[dict[str, typing.Any], list[ScenarioChange]], style: str, tmp_path: Path
) -> None:
    data, changes = case
    path = tmp_path / f"plan.{style}"
    text = dump_plan(load_plan(data))
    if style == "json":
        text = json.dumps(load_plan(data).model_dump(mode="json", exclude_defaults=True))
    path.write_text(text, encoding="utf-8")
    try:
        expected = expected_plan(path, changes)
    except PlanValidationError:
        with pytest.raises(PlanValidationError):
            write_changes(path, changes)
        assert path.read_text(encoding="utf-8") == text
        return
    write_changes(path, changes)
    assert load_plan(path) == expected


def test_hours_are_written_as_a_user_would_write_them(tmp_path: Path) -> None:
    """0.1 + 0.2 hours is 0.3 in the file (and in the plan the fix is measured on), not
    0.30000000000000004."""
    path = tmp_path / "plan.yaml"
    path.write_text(YAML_PLAN.replace("hours_per_day: 2 ", "hours_per_day: 0.1 "))
    write_changes(path, [ScenarioChange(person="ann", add_hours=0.2)])
    assert "hours_per_day: 0.3   # after the queue" in path.read_text()
    scenario = Scenario(name="more", changes=(ScenarioChange(person="ann", add_hours=0.2),))
    assert apply_scenario(load_plan(path), scenario).people[0].hours_per_day == 0.5


def test_write_changes_is_public_where_it_was_documented() -> None:
    import backplan
    import backplan.io.edit

    assert backplan.io.edit.write_changes is write_changes is backplan.write_changes
