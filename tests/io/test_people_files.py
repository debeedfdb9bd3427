"""A plan's ``people:`` naming a people file: read relative to the plan, problems where they are,
the portfolio's people file shared by team plans that also run on their own, and fixes of
people's hours written into the people file."""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backplan
from backplan import (
    BackplanError,
    PlanBusyError,
    PlanValidationError,
    ScenarioChange,
    load_plan,
    load_portfolio,
    schedule_plan,
)
from backplan.cli import main
from backplan.errors import Problem
from backplan.io.change_edits import write_changes
from backplan.io.writing import plan_file_lock
from strategies import START, people_plan_dicts

ROOT = Path(__file__).resolve().parents[2]
PORTFOLIO = ROOT / "examples" / "portfolio"
TODAY = dt.date(2026, 11, 23)

PLAN = """\
goal: {id: g, due: 2027-03-31}
people: ../shared/staff.yaml
actions:
  - {id: audit, effort: {hours: 8}, assignees: [qa]}
  - {id: coach, duration: 3, after: [audit]}
"""
STAFF = """\
# the people every team shares
- id: qa
  hours_per_day: 2
- {id: trainer, hours_per_day: 4}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def located(path: Path) -> list[tuple[str, str, str, str | None, int | None]]:
    with pytest.raises(PlanValidationError) as caught:
        load_plan(path)
    return [(p.code, p.item, p.field, Path(p.file).name if p.file else None, p.line)
            for p in caught.value.problems]


def the_portfolios_one_problem(folder: Path) -> Problem:
    """The one problem of a portfolio in ``folder`` sharing shared/staff.yaml with its teams."""
    write(folder, "portfolio.yaml", "portfolio: {id: cx, title: CX}\n"
                                    "people: shared/staff.yaml\nplans: [teams/*.yaml]\n")
    with pytest.raises(PlanValidationError) as caught:
        load_portfolio(folder / "portfolio.yaml")
    (problem,) = caught.value.problems
    return problem


def test_people_come_from_the_file_relative_to_the_plan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN)
    monkeypatch.chdir(tmp_path / "shared")  # not where the plan is
    plan = load_plan(plan_path)
    assert [(p.id, p.hours_per_day) for p in plan.people] == [("qa", 2.0), ("trainer", 4.0)]
    # the same as listing them in the plan
    inline = PLAN.replace("people: ../shared/staff.yaml\n", "people:\n  - {id: qa, hours_per_day: 2}"
                          "\n  - {id: trainer, hours_per_day: 4}\n")
    assert plan == load_plan(write(tmp_path, "teams/inline.yaml", inline))


def test_a_json_plan_and_a_people_mapping(tmp_path: Path) -> None:
    write(tmp_path, "staff.json", json.dumps({"people": [{"id": "qa", "hours_per_day": 2}]}))
    data = {"goal": {"id": "g", "due": "2027-03-31"}, "people": "staff.json",
            "actions": [{"id": "audit", "effort": {"hours": 8}, "assignees": ["qa"]}]}
    plan = load_plan(write(tmp_path, "plan.json", json.dumps(data, indent=2)))
    assert [p.id for p in plan.people] == ["qa"]
    assert schedule_plan(plan, today=TODAY).capacity == "levelled"


def test_a_missing_people_file_is_named_where_the_plan_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, "teams/a.yaml", PLAN)
    with pytest.raises(PlanValidationError) as caught:
        load_plan(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.item, problem.field, problem.line) == (
        "file-not-found", "plan", "people", 2)
    assert "'../shared/staff.yaml'" in problem.message
    assert "relative to the file that names it" in problem.hint


@pytest.mark.skipif(os.sep != "/", reason="a backslash separates folders on Windows")
def test_a_windows_path_to_the_people_file_gets_the_forward_slash_hint(tmp_path: Path) -> None:
    write(tmp_path, "teams/staff.yaml", STAFF)
    path = write(tmp_path, "plan.yaml", PLAN.replace("../shared/staff.yaml", "teams\\staff.yaml"))
    with pytest.raises(PlanValidationError) as caught:
        load_plan(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.field, problem.line) == ("file-not-found", "people", 2)
    assert problem.hint.startswith("write 'teams/staff.yaml': folders are separated by '/'")


def test_problems_in_the_people_file_come_with_the_plans_at_once(tmp_path: Path) -> None:
    write(tmp_path, "shared/staff.yaml", STAFF.replace("hours_per_day: 4", "hours_per_dy: 4"))
    path = write(tmp_path, "teams/a.yaml", PLAN.replace("duration: 3", "duration: 0"))
    assert located(path) == [
        ("invalid-value", "coach", "duration", "a.yaml", 5),
        ("missing-field", "trainer", "hours_per_day", "staff.yaml", 4),
        ("unknown-field", "trainer", "hours_per_dy", "staff.yaml", 4),
    ]


@pytest.mark.parametrize(("staff", "code", "line"), [
    ("- {id: qa, hours_per_day: 2\n", "syntax", 2),
    ("qa: 2\n", "invalid-value", 1),
    ("goal: {id: g, due: 2027-03-31}\npeople: []\n", "invalid-value", 1),  # a plan
])
def test_an_unreadable_people_file_is_a_problem_in_it(
        tmp_path: Path, staff: str, code: str, line: int) -> None:
    write(tmp_path, "shared/staff.yaml", staff)
    path = write(tmp_path, "teams/a.yaml", PLAN)
    assert located(path) == [(code, "people", "", "staff.yaml", line)]


def test_every_example_team_plan_runs_on_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    for plan_path in sorted((PORTFOLIO / "teams").glob("*.yaml")):
        assert main(["schedule", str(plan_path), "--today", TODAY.isoformat(),
                     "--format", "json"]) == 0, plan_path.name
        result = json.loads(capsys.readouterr().out)
        assert result["capacity"] == "levelled"


def test_alone_a_plan_has_the_whole_hours_in_the_portfolio_what_is_left() -> None:
    # The portfolio's example: onboarding fits on its own, not after the plans before it.
    alone = schedule_plan(load_plan(PORTFOLIO / "teams" / "onboarding.yaml"), today=TODAY)
    assert alone.feasible
    from backplan import schedule_portfolio

    shared = schedule_portfolio(load_portfolio(PORTFOLIO / "portfolio.yaml"), today=TODAY)
    onboarding = next(g for g in shared.goals if g.goal == "onboarding-csat")
    assert not onboarding.feasible


def test_a_plan_naming_the_portfolios_people_file_shares_them(tmp_path: Path) -> None:
    write(tmp_path, "shared/staff.yaml", STAFF)
    write(tmp_path, "teams/a.yaml", PLAN)
    write(tmp_path, "teams/b.yaml", PLAN.replace("id: g,", "id: h,"))
    write(tmp_path, "portfolio.yaml", """\
        portfolio: {id: cx, title: CX}
        people: shared/staff.yaml
        plans: [teams/*.yaml]
        """)
    portfolio = load_portfolio(tmp_path / "portfolio.yaml")
    shared = {p.id: p for p in portfolio.people}
    for entry in portfolio.plans:  # the people each books, one object per person
        assert [p.id for p in entry.plan.people] == ["qa"]
        assert entry.plan.people[0] is shared["qa"]


def test_a_plan_may_not_give_a_shared_person_other_hours(tmp_path: Path) -> None:
    write(tmp_path, "shared/staff.yaml", STAFF)
    write(tmp_path, "teams/a.yaml", PLAN.replace(
        "people: ../shared/staff.yaml\n", "people:\n  - {id: qa, hours_per_day: 6}\n"))
    problem = the_portfolios_one_problem(tmp_path)
    assert (problem.code, problem.item, Path(problem.file or "").name, problem.line) == (
        "duplicate-id", "qa", "a.yaml", 3)
    assert "people file" in problem.hint


def test_a_fix_of_hours_from_a_people_file_is_written_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN.replace("2027-03-31", "2026-12-04")
                      .replace("hours: 8", "hours: 30"))
    plan_before = plan_path.read_bytes()
    main(["fix", str(plan_path), "--today", TODAY.isoformat(), "--format", "json"])
    fixes = json.loads(capsys.readouterr().out)["fixes"]
    number, fix = next((k, fix) for k, fix in enumerate(fixes, start=1)
                       if any("add_hours" in change for change in fix["changes"]))
    code = main(["fix", str(plan_path), "--apply", str(number), "--today", TODAY.isoformat()])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("staff.yaml: people: ")
    assert "every plan and portfolio that names it gets these hours" in err
    assert plan_path.read_bytes() == plan_before
    # The hours changed where they stand; the comment and the other person are as written.
    hours = fix["changes"][0]["add_hours"]
    new = 2 + hours
    assert staff.read_text() == STAFF.replace("hours_per_day: 2",
                                              f"hours_per_day: {new:g}")
    # The claim, checked: the plan now schedules as the fix said.
    after = backplan.schedule_plan(load_plan(plan_path), today=TODAY)
    assert (after.feasible, after.min_slack) == (fix["feasible_after"], fix["min_slack_after"])
    assert "the file changed meanwhile" not in out


@pytest.mark.parametrize(("name", "text", "careful"), [
    ("teams/a.yaml", PLAN, 0),  # read the fast way: parsed once, when the edit loads the plan
    ("teams/a.json", "\ufeff" + json.dumps(  # JSON, with a byte-order mark
        {**yaml.safe_load(PLAN), "people": "../shared/staff.yaml"}, default=str), 0),
    # an anchor: the fast reader leaves it to the careful one, which finds the people file
    ("teams/a.yaml", PLAN.replace("- {id: coach", "- &coach {id: coach"), 1),
])
def test_hours_are_written_into_the_people_file_however_the_plan_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str,
        careful: int) -> None:
    from backplan.io.plan_text import PlanText

    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = tmp_path / name
    plan_path.parent.mkdir(parents=True)
    plan_path.write_text(text, encoding="utf-8")
    plan_bytes = plan_path.read_bytes()
    careful_reads: list[str] = []
    real_read = PlanText.read.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(PlanText, "read", classmethod(
        lambda cls, path: careful_reads.append(path) or real_read(cls, path)))
    edit = write_changes(plan_path, [ScenarioChange(person="qa", add_hours=1)])
    assert (edit.subject, len(careful_reads)) == ("people", careful)
    assert plan_path.read_bytes() == plan_bytes
    assert "hours_per_day: 3" in staff.read_text()


def test_a_fix_measured_on_other_hours_is_not_applied(tmp_path: Path) -> None:
    """Two ``fix --apply`` at once, each measured on 2 hours: the second one would add its
    hours on top of the first's. Measured on a plan the files no longer hold, it writes
    nothing."""
    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN)
    measured = load_plan(plan_path)
    change = [ScenarioChange(person="qa", add_hours=2.5)]
    write_changes(plan_path, change, measured_on=measured)  # the first: 2 -> 4.5
    after_first = staff.read_bytes(), plan_path.read_bytes()
    with pytest.raises(PlanBusyError, match="changed after the changes were measured"):
        write_changes(plan_path, change, measured_on=measured)
    assert (staff.read_bytes(), plan_path.read_bytes()) == after_first
    assert load_plan(plan_path).people[0].hours_per_day == 4.5
    # A change to the plan file itself counts as well; a comment does not.
    plan_path.write_text(PLAN.replace("2027-03-31", "2027-04-30"))
    with pytest.raises(PlanBusyError):
        write_changes(plan_path, change, measured_on=load_plan(plan_path).model_copy(
            update={"actions": ()}))
    measured = load_plan(plan_path)
    plan_path.write_text("# read on Monday\n" + plan_path.read_text())
    write_changes(plan_path, change, measured_on=measured)
    assert load_plan(plan_path).people[0].hours_per_day == 7


def test_a_plan_file_change_measured_on_another_plan_is_not_applied(tmp_path: Path) -> None:
    plan_path = write(tmp_path, "plan.yaml", "goal: {id: g, due: 2027-03-31}\n"
                                             "actions:\n  - {id: a, duration: 5}  # as agreed\n")
    measured = load_plan(plan_path)
    plan_path.write_text(plan_path.read_text().replace("duration: 5", "duration: 6"))
    before = plan_path.read_bytes()
    with pytest.raises(PlanBusyError):
        write_changes(plan_path, [ScenarioChange(action="a", duration=4)], measured_on=measured)
    assert plan_path.read_bytes() == before
    write_changes(plan_path, [ScenarioChange(action="a", duration=4)],
                  measured_on=load_plan(plan_path))
    assert plan_path.read_text().endswith("{id: a, duration: 4}  # as agreed\n")


@pytest.mark.slow
def test_two_fix_applies_at_once_add_the_hours_once(tmp_path: Path) -> None:
    """Two processes apply the same measured fix of hours at the same moment: one writes it;
    the other finds the plan changed (or, measured after the first, no such fix) and exits 2."""
    import subprocess
    import sys

    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN.replace("2027-03-31", "2026-12-04")
                      .replace("hours: 8", "hours: 30"))
    measured = backplan.schedule_plan(load_plan(plan_path), today=TODAY)
    number, fix = next((k, fix) for k, fix in enumerate(measured.fixes, start=1)
                       if fix.kind == "add-hours")
    command = [sys.executable, "-m", "backplan", "fix", str(plan_path), "--apply", str(number),
               "--today", TODAY.isoformat(), "--wait", "30"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    said = [run.communicate(timeout=120) for run in runs]
    assert sorted(run.returncode for run in runs) == [0, 2], said
    hours = fix.changes[0].add_hours
    assert load_plan(plan_path).people[0].hours_per_day == 2 + (hours or 0)
    assert staff.read_text().count("hours_per_day") == 2


@pytest.mark.parametrize("style", ["list", "mapping", "json"])
def test_write_changes_edits_a_people_file_in_its_own_style(tmp_path: Path, style: str) -> None:
    texts = {
        "list": STAFF,
        "mapping": "people:   # shared\n  - id: qa\n    hours_per_day: 2\n"
                   "  - {id: trainer, hours_per_day: 4}\n",
        "json": '{"people": [\n  {"id": "qa", "hours_per_day": 2},\n'
                '  {"id": "trainer", "hours_per_day": 4}\n]}\n',
    }
    name = "staff.json" if style == "json" else "staff.yaml"
    staff = write(tmp_path, f"shared/{name}", texts[style])
    plan_path = write(tmp_path, "teams/a.yaml", PLAN.replace("staff.yaml", name))
    edit = write_changes(plan_path, [ScenarioChange(person="trainer", add_hours=1.5)])
    assert (Path(edit.path), edit.subject) == (staff, "people")
    wanted = texts[style].replace('"hours_per_day": 4', '"hours_per_day": 5.5').replace(
        "hours_per_day: 4", "hours_per_day: 5.5")
    assert staff.read_text() == wanted
    assert edit.lines == (wanted.splitlines().index(next(
        line for line in wanted.splitlines() if "5.5" in line)) + 1,)
    assert load_plan(plan_path).people[1].hours_per_day == 5.5


def test_hours_and_other_changes_together_are_refused_for_a_people_file(
        tmp_path: Path) -> None:
    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN)
    before = plan_path.read_bytes(), staff.read_bytes()
    with pytest.raises(BackplanError, match="make them one at a time"):
        write_changes(plan_path, [ScenarioChange(person="qa", add_hours=1),
                                  ScenarioChange(due="2027-04-30")])
    assert (plan_path.read_bytes(), staff.read_bytes()) == before


def test_a_people_file_edit_that_breaks_a_rule_writes_nothing(tmp_path: Path) -> None:
    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN)
    before = plan_path.read_bytes(), staff.read_bytes()
    with pytest.raises(PlanValidationError):
        write_changes(plan_path, [ScenarioChange(person="qa", add_hours=23)])  # 25 h a day
    with pytest.raises(PlanValidationError, match="nobody"):
        write_changes(plan_path, [ScenarioChange(person="nobody", add_hours=1)])
    assert (plan_path.read_bytes(), staff.read_bytes()) == before


def test_a_busy_people_file_is_refused(tmp_path: Path) -> None:
    staff = write(tmp_path, "shared/staff.yaml", STAFF)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN)
    before = staff.read_bytes()
    with plan_file_lock(str(staff)), pytest.raises(PlanBusyError):
        write_changes(plan_path, [ScenarioChange(person="qa", add_hours=1)], wait=0.1)
    assert staff.read_bytes() == before


def test_a_mapping_names_its_people_file_from_the_current_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "staff.yaml", STAFF)
    monkeypatch.chdir(tmp_path)
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"}, "people": "staff.yaml",
                      "actions": [{"id": "a", "effort": {"hours": 4}, "assignees": ["trainer"]}]})
    assert [p.id for p in plan.people] == ["qa", "trainer"]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=people_plan_dicts(), wrapped=st.booleans(), as_json=st.booleans())
def test_people_in_a_file_are_the_people_listed(
        tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any], wrapped: bool,
        as_json: bool) -> None:
    """Moving a plan's people to a people file (a list, or under 'people:'; YAML or JSON)
    changes neither the plan nor its schedule."""
    folder = tmp_path_factory.mktemp("people")
    listed = data["people"]
    content = {"people": listed} if wrapped else listed
    name = "staff.json" if as_json else "staff.yaml"
    (folder / "shared").mkdir()
    (folder / "shared" / name).write_text(
        json.dumps(content, default=str) if as_json else yaml.safe_dump(content),
        encoding="utf-8")
    inline = write(folder, "inline.yaml", yaml.safe_dump(data))
    by_file = write(folder, "team/plan.yaml", yaml.safe_dump(
        {**data, "people": f"../shared/{name}"}))
    plan = load_plan(by_file)
    assert plan == load_plan(inline)
    assert schedule_plan(plan, today=START).to_json() == schedule_plan(
        load_plan(inline), today=START).to_json()


def test_the_plans_references_are_checked_when_its_people_file_is_not_read(
        tmp_path: Path) -> None:
    # Missing: its people are unknown, but not the plan's other references (no false unknown
    # person either).
    path = write(tmp_path, "teams/a.yaml", PLAN.replace("after: [audit]", "after: [audt]"))
    assert located(path) == [
        ("file-not-found", "plan", "people", "a.yaml", 2),
        ("unknown-id", "coach", "after", "a.yaml", 5),
    ]


def test_problems_about_a_person_are_at_the_person_in_the_people_file(tmp_path: Path) -> None:
    write(tmp_path, "shared/staff.yaml", STAFF + "- {id: qa, hours_per_day: 3}\n"
                                                "- {id: lead, hours_per_day: 2, workdays: [sat]}\n")
    path = write(tmp_path, "teams/a.yaml", PLAN.replace("duration: 3", "duration: 3, "
                                                        "assignees: [lead]"))
    assert located(path) == [
        ("duplicate-id", "qa", "id", "staff.yaml", 5),  # the second qa
        ("contradiction", "lead", "workdays", "staff.yaml", 6),
    ]


@pytest.mark.parametrize("name", ["", "../shared"])
def test_a_people_path_that_is_no_file_says_so(tmp_path: Path, name: str) -> None:
    (tmp_path / "shared").mkdir()
    path = write(tmp_path, "teams/a.yaml", PLAN.replace("../shared/staff.yaml", repr(name)))
    ((code, item, field, where, line),) = located(path)
    assert (item, field, where, line) == ("plan", "people", "a.yaml", 2)
    assert code == ("invalid-value" if not name else "file-not-found")


def test_a_plans_own_people_file_redefining_a_shared_person_is_named_at_people(
        tmp_path: Path) -> None:
    write(tmp_path, "shared/staff.yaml", STAFF)
    write(tmp_path, "shared/other.yaml", "- {id: qa, hours_per_day: 6}\n")
    write(tmp_path, "teams/a.yaml", PLAN.replace("staff.yaml", "other.yaml"))
    problem = the_portfolios_one_problem(tmp_path)
    assert (problem.code, problem.item, Path(problem.file or "").name, problem.line) == (
        "duplicate-id", "qa", "a.yaml", 2)  # the line that names the other people file


@pytest.mark.parametrize("text", [
    '{"people": [{"id": "qa", "hours_per_day": 2}]}  # JSON-like YAML, with a comment\n',
    '- id: qa\n  name: "smile \\ud83d\\ude00"\n  hours_per_day: 2\n',  # escapes libyaml refuses
])
def test_an_edited_people_file_is_read_back_as_the_loader_reads_it(
        tmp_path: Path, text: str) -> None:
    staff = write(tmp_path, "shared/staff.yaml", text)
    plan_path = write(tmp_path, "teams/a.yaml", PLAN.replace("assignees: [qa]}", "assignees: [qa]}")
                      .replace("  - {id: coach, duration: 3, after: [audit]}\n", ""))
    write_changes(plan_path, [ScenarioChange(person="qa", add_hours=1)])
    assert staff.read_text() == text.replace("hours_per_day: 2", "hours_per_day: 3").replace(
        '"hours_per_day": 2', '"hours_per_day": 3')
    assert load_plan(plan_path).people[0].hours_per_day == 3
