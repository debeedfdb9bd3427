"""Portfolio files: the plans, people and objectives read, and every problem at once with its
file and line (issue 17)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from backplan import (
    PlanFileError,
    PlanValidationError,
    build_portfolio,
    is_portfolio,
    load_plan,
    load_portfolio,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "portfolio" / "portfolio.yaml"

PLAN = """\
goal: {{id: {goal}, due: 2027-03-31, parent: {parent}}}
actions:
  - {{id: audit, effort: {{hours: 8}}, assignees: [qa]}}
  - {{id: coach, duration: 3, after: [audit]}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def portfolio_file(folder: Path, *, plans: str = "[teams/*.yaml]", extra: str = "") -> Path:
    return write(folder, "portfolio.yaml", f"""\
portfolio: {{id: cx, title: CX}}
objectives:
  - {{id: csat-88, title: CSAT 88%, due: 2027-06-30}}
people:
  - {{id: qa, hours_per_day: 2}}
plans: {plans}
{extra}""")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "teams/a.yaml", PLAN.format(goal="a", parent="csat-88"))
    write(tmp_path, "teams/b.yaml", PLAN.format(goal="b", parent="a"))
    return tmp_path


def problems(path: Path) -> list[tuple[str, str, str, str | None, int | None]]:
    with pytest.raises(PlanValidationError) as caught:
        load_portfolio(path)
    return [(p.code, p.item, p.field, Path(p.file).name if p.file else None, p.line)
            for p in caught.value.problems]


def test_the_example_loads_with_its_people_shared() -> None:
    portfolio = load_portfolio(EXAMPLE)
    assert portfolio.id == "cx-2027"
    assert [e.path for e in portfolio.plans] == [
        "teams/billing.yaml", "teams/collections.yaml", "teams/onboarding.yaml",
        "teams/retention.yaml"]
    # the billing entry gives priority 1; retention's own file gives 2; the others none
    assert [e.priority for e in portfolio.plans] == [1, None, None, 2]
    shared = {p.id: p for p in portfolio.people}
    for entry in portfolio.plans:
        for person in entry.plan.people:
            assert person is shared[person.id]  # one person, not a copy per plan


def test_globs_are_sorted_relative_to_the_file_and_listed_once(folder: Path) -> None:
    path = portfolio_file(folder, plans="[teams/b.yaml, teams/*.yaml]")
    portfolio = load_portfolio(path)
    assert [e.path for e in portfolio.plans] == ["teams/b.yaml", "teams/a.yaml"]
    assert [e.file for e in portfolio.plans] == [str(folder / "teams" / "b.yaml"),
                                                 str(folder / "teams" / "a.yaml")]


def test_a_plans_entry_priority_overrides_the_plan_files(folder: Path) -> None:
    write(folder, "teams/a.yaml", "priority: 5\n" + PLAN.format(goal="a", parent="csat-88"))
    path = portfolio_file(folder, plans="[teams/*.yaml, {path: teams/a.yaml, priority: 2}]")
    portfolio = load_portfolio(path)
    assert portfolio.plan("a").priority == 2
    assert portfolio.plan("a").plan.priority == 5
    assert portfolio.plan("teams/b.yaml").priority is None


def test_two_priorities_for_one_plan_are_a_contradiction(folder: Path) -> None:
    path = portfolio_file(folder, plans="[{path: teams/a.yaml, priority: 1}, "
                                        "{path: teams/*.yaml, priority: 2}]")
    assert ("contradiction", "teams/a.yaml", "plans", "portfolio.yaml", 6) in problems(path)


def test_people_from_a_file_or_a_mapping(folder: Path) -> None:
    write(folder, "people.yaml", "people:\n  - {id: qa, hours_per_day: 3}\n")
    path = write(folder, "portfolio.yaml", "portfolio: {id: cx}\npeople: people.yaml\n"
                                           "objectives: [{id: csat-88}]\n"
                                           "plans: [teams/*.yaml]\n")
    portfolio = load_portfolio(path)
    assert portfolio.people[0].hours_per_day == 3
    assert portfolio.plans[0].plan.people[0].hours_per_day == 3


def test_a_json_portfolio_file(folder: Path) -> None:
    path = folder / "portfolio.json"
    path.write_text(json.dumps({"portfolio": {"id": "cx"}, "objectives": [{"id": "csat-88"}],
                                "people": [{"id": "qa", "hours_per_day": 2}],
                                "plans": ["teams/*.yaml"]}), encoding="utf-8")
    assert [e.goal for e in load_portfolio(path).plans] == ["a", "b"]


def test_is_portfolio_reads_the_content(folder: Path) -> None:
    assert is_portfolio(portfolio_file(folder))
    assert not is_portfolio(folder / "teams" / "a.yaml")
    assert not is_portfolio(folder / "missing.yaml")


def test_every_problem_at_once_with_its_file_and_line(folder: Path) -> None:
    write(folder, "teams/a.yaml", """\
goal: {id: a, due: 2027-03-31, parent: csat-8}
people:
  - {id: qa, hours_per_day: 5}
actions:
  - {id: audit, effort: 8, assignees: [qa]}
""")
    write(folder, "teams/c.yaml", PLAN.format(goal="b", parent="csat-88"))
    path = portfolio_file(folder, extra="risks:\n  - {id: slip, probability: 0.2, impact: 3, "
                                        "actions: [nope]}\n")
    assert problems(path) == [
        ("unknown-id", "slip", "actions", "portfolio.yaml", 8),
        ("unknown-id", "a", "parent", "a.yaml", 1),         # did you mean csat-88?
        ("duplicate-id", "qa", "id", "a.yaml", 3),          # a shared person redefined
        ("duplicate-id", "b", "id", "c.yaml", 1),           # goal id used twice
    ]


def test_missing_plans_are_reported_where_the_portfolio_names_them(folder: Path) -> None:
    path = portfolio_file(folder, plans="[teams/*.yaml, teams/missing.yaml, other/*.yaml]")
    assert problems(path) == [
        ("file-not-found", "teams/missing.yaml", "plans", "portfolio.yaml", 6),
        ("file-not-found", "other/*.yaml", "plans", "portfolio.yaml", 6),
    ]


def test_unknown_parent_suggests_the_objective(folder: Path) -> None:
    write(folder, "teams/a.yaml", PLAN.format(goal="a", parent="csat-8"))
    with pytest.raises(PlanValidationError) as caught:
        load_portfolio(portfolio_file(folder))
    problem = caught.value.problems[0]
    assert problem.code == "unknown-id"
    assert problem.hint == "did you mean 'csat-88'?"
    assert str(problem).startswith(f"{folder / 'teams' / 'a.yaml'}:1: a.parent:")


def test_a_circle_of_parents_is_named_in_order(folder: Path) -> None:
    write(folder, "teams/a.yaml", PLAN.format(goal="a", parent="b"))
    found = problems(portfolio_file(folder))
    assert found == [("cycle", "a", "parent", "a.yaml", 1)]
    with pytest.raises(PlanValidationError, match=r"a -> b -> a"):
        load_portfolio(portfolio_file(folder))


def test_a_goal_may_not_share_an_objectives_id(folder: Path) -> None:
    write(folder, "teams/a.yaml", PLAN.format(goal="csat-88", parent="csat-88"))
    write(folder, "teams/b.yaml", PLAN.format(goal="b", parent="csat-88"))
    assert ("duplicate-id", "csat-88", "id", "a.yaml", 1) in problems(portfolio_file(folder))


def test_unknown_fields_and_values_in_the_portfolio_file(folder: Path) -> None:
    path = write(folder, "portfolio.yaml", """\
portfolio: {id: cx}
objectives:
  - {id: csat-88, dew: 2027-06-30}
  - {id: aht, priority: -1}
plans: [teams/*.yaml]
""")
    found = problems(path)
    assert ("unknown-field", "csat-88", "dew", "portfolio.yaml", 3) in found
    assert ("invalid-value", "aht", "priority", "portfolio.yaml", 4) in found
    with pytest.raises(PlanValidationError, match="did you mean 'due'"):
        load_portfolio(path)


def test_shared_risks_name_goals_and_actions_the_plans_have(folder: Path) -> None:
    path = portfolio_file(folder, extra="""\
risks:
  - {id: slip, probability: 0.2, impact: 3, goals: [zz]}
  - {id: audit, probability: 0.2, impact: 3, actions: [audit]}
""")
    found = problems(path)
    assert ("unknown-id", "slip", "goals", "portfolio.yaml", 8) in found
    assert ("duplicate-id", "audit", "id", "portfolio.yaml", 9) in found


def test_a_plan_file_given_as_a_portfolio_says_so(folder: Path) -> None:
    with pytest.raises(PlanValidationError, match="this is a plan file") as caught:
        load_portfolio(folder / "teams" / "a.yaml")
    assert "backplan schedule" in caught.value.problems[0].hint


def test_an_unreadable_portfolio_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as caught:
        load_portfolio(tmp_path / "nope.yaml")
    assert caught.value.codes == ["file-not-found"]
    path = write(tmp_path, "list.yaml", "- a\n- b\n")
    with pytest.raises(PlanFileError) as caught:
        load_portfolio(path)
    assert caught.value.codes == ["not-a-mapping"]


def test_build_portfolio_checks_what_a_file_would() -> None:
    plans = [load_plan({"goal": {"id": g, "due": "2027-03-31", "parent": "o"},
                        "actions": [{"id": "a", "effort": 4, "assignees": ["qa"]}]},
                       check=False) for g in ("x", "y")]
    portfolio = build_portfolio(plans, id="p", objectives=[{"id": "o"}],
                                people=[{"id": "qa", "hours_per_day": 2}])
    assert [e.path for e in portfolio.plans] == ["x", "y"]
    with pytest.raises(PlanValidationError) as caught:
        build_portfolio(plans, id="p", objectives=[{"id": "o"}])
    assert caught.value.codes == ["unknown-id", "unknown-id"]  # qa: nobody defines it


def test_a_team_plans_dates_are_checked_as_the_plan_alone_is_checked(folder: Path) -> None:
    """One plan, one answer: a date far outside the plan's window is the same problem, at the
    same line, whether the plan is read alone or through its portfolio."""
    team = write(folder, "teams/a.yaml", PLAN.format(goal="a", parent="csat-88").replace(
        "duration: 3,", "duration: 3, not_before: 0001-01-02,"))
    assert problems(portfolio_file(folder)) == [("invalid-value", "coach", "not_before",
                                                 "a.yaml", 4)]
    with pytest.raises(PlanValidationError) as alone:
        load_plan(team)
    with pytest.raises(PlanValidationError) as through:
        load_portfolio(portfolio_file(folder))
    # (alone, the plan also lacks the portfolio's person 'qa')
    assert through.value.problems == tuple(p for p in alone.value.problems if p.line == 4)


def test_a_custom_messages_values_are_filled_in(folder: Path) -> None:
    with pytest.raises(PlanValidationError) as caught:
        load_portfolio(portfolio_file(folder, plans='[{path: ""}]'))
    (problem,) = caught.value.problems
    assert (problem.item, problem.field, problem.line) == ("plans[0]", "path", 6)
    assert problem.message == "a plan path must be non-empty text on one line, got ''"


def test_is_portfolio_reads_a_plain_file_the_quick_way(folder: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Deciding what a file is costs a quick read (a 100k-action plan: 27 s with line numbers
    before, half a second now); only text the quick read leaves is read with line numbers."""
    import yaml

    from backplan.io import portfolio_files

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml reads YAML one way only")
    careful = portfolio_files.read_yaml
    calls: list[str] = []

    def counted(text: str, *, file: str | None) -> object:
        calls.append(str(file))
        return careful(text, file=file)

    monkeypatch.setattr(portfolio_files, "read_yaml", counted)
    assert is_portfolio(portfolio_file(folder))
    assert not is_portfolio(folder / "teams" / "a.yaml")
    assert calls == []
    repeated = write(folder, "repeated.yaml", "portfolio: {id: p}\nportfolio: {id: q}\n")
    assert not is_portfolio(repeated)  # a repeated key: read carefully, which refuses it
    assert calls == [str(repeated)]
