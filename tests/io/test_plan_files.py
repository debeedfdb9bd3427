"""Plan files: lossless round trips, the file/text rule, and every reading problem with its line."""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backplan.io
from backplan.errors import PlanError, PlanFileError, PlanValidationError, Problem
from backplan.io import _yaml, dump_plan, load_plan, loads_plan
from backplan.io._yaml import MAX_ALIASES
from backplan.models import Plan
from strategies import plan_dicts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
IO_MODULES = [ROOT / "src/backplan/io" / name for name in ("__init__.py", "plan_files.py", "_yaml.py")]

SMALL = """\
goal:
  id: fcr-80
  title: Raise first-call resolution to 80%
  due: 2027-03-31
  key_results:
    - {id: fcr, metric: fcr, baseline: 71, target: 80}
calendar:
  holidays: [2026-12-25, 2027-01-01]
milestones:
  - {id: causes-known, title: Causes known, due: 2027-01-15}
actions:
  - id: export-data
    duration: 3
  - id: tag-repeats
    title: Tag repeat contacts in the CRM
    duration: 5
    after: [export-data]
    lag: 1
    milestone: causes-known
    not_before: 2026-12-01
    priority: should
"""


def problems_of(error: pytest.ExceptionInfo[PlanError]) -> list[Problem]:
    return list(error.value.problems)


def only_problem(error: pytest.ExceptionInfo[PlanError]) -> Problem:
    assert len(error.value.problems) == 1, error.value
    return error.value.problems[0]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_examples_round_trip(example: Path, fmt: str, tmp_path: Path) -> None:
    plan = load_plan(example)
    target = tmp_path / f"plan.{fmt}"
    text = dump_plan(plan, target)
    assert target.read_text(encoding="utf-8") == text
    assert load_plan(target) == plan
    assert load_plan(str(target)) == plan


def test_small_plan_round_trips_and_keeps_dates_as_dates() -> None:
    plan = loads_plan(SMALL)
    text = dump_plan(plan)
    assert "due: 2027-03-31\n" in text  # a plain YAML date, not a quoted string
    assert "holidays: [2026-12-25, 2027-01-01]" in text
    again = loads_plan(text)
    assert again == plan
    assert type(again.goal.due) is dt.date
    assert all(type(day) is dt.date for day in again.calendar.holidays)
    assert type(again.actions[1].not_before) is dt.date


def test_dump_leaves_out_defaults_and_keeps_schema_order() -> None:
    text = dump_plan(loads_plan(SMALL))
    assert "priority: must" not in text
    assert "lag: 0" not in text
    assert "workdays" not in text
    assert text.index("goal:") < text.index("calendar:") < text.index("milestones:") < (
        text.index("actions:")
    )
    action = text[text.index("- id: tag-repeats"):]
    assert action.index("duration") < action.index("after") < action.index("priority")


def test_dump_format_follows_the_suffix(tmp_path: Path) -> None:
    plan = loads_plan(SMALL)
    text = dump_plan(plan, tmp_path / "plan.json")
    assert json.loads(text)["goal"]["due"] == "2027-03-31"
    assert dump_plan(plan, tmp_path / "plan.txt", format="json") == text
    assert load_plan(tmp_path / "plan.json") == plan


def test_ids_that_look_like_numbers_or_booleans_survive() -> None:
    plan = load_plan({
        "goal": {"id": "2027", "title": "yes", "due": "2027-03-31"},
        "actions": [{"id": "on", "title": "1.5", "duration": 1},
                    {"id": "null", "title": "2027-01-01", "duration": 1, "after": ["on"]}],
    })
    assert loads_plan(dump_plan(plan)) == plan


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)  # no lone surrogates


@st.composite
def rich_plans(draw: st.DrawFn) -> Plan:
    """Acyclic plans from the shared builder, with free text, owners and key results added."""
    data: dict[str, Any] = draw(plan_dicts())
    data["goal"]["title"] = draw(_TEXT)
    if draw(st.booleans()):
        data["goal"]["owner"] = draw(_TEXT)
    for item in [*data["milestones"], *data["actions"]]:
        if draw(st.booleans()):
            item["title"] = draw(_TEXT)
        if "duration" in item and draw(st.booleans()):
            item["owner"] = draw(_TEXT)
    baseline = draw(st.floats(0, 99, allow_nan=False))
    target = draw(st.floats(baseline, 100, exclude_min=True))
    key_results: list[dict[str, Any]] = [
        {"id": "fcr", "metric": "fcr", "baseline": baseline, "target": target},
        {"id": "own", "metric": "repeat_rate", "unit": "%", "direction": "decrease",
         "baseline": target, "target": baseline, "name": draw(_TEXT),
         "baseline_date": "2026-10-31"},
    ]
    data["goal"]["key_results"] = draw(st.lists(st.sampled_from(key_results), max_size=2,
                                                unique_by=lambda kr: kr["id"]))
    return Plan.model_validate(data)


@given(plan=rich_plans(), fmt=st.sampled_from(["yaml", "json"]))
def test_dump_then_load_is_lossless(plan: Plan, fmt: Literal["yaml", "json"]) -> None:
    assert loads_plan(dump_plan(plan, format=fmt), format=fmt) == plan


# --------------------------------------------------------------------------------------------
# What a source is: file, text or mapping


def test_mapping_input_is_validated_directly() -> None:
    data = {"goal": {"id": "g", "due": dt.date(2027, 3, 31)}, "actions": [{"id": "a", "duration": 1}]}
    plan = load_plan(data)
    assert plan.goal.due == dt.date(2027, 3, 31)
    assert load_plan(types.MappingProxyType(data)) == plan


def test_mapping_problems_name_items_by_id_without_a_file() -> None:
    with pytest.raises(PlanValidationError) as error:
        load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                   "actions": [{"id": "a", "duration": 1, "priorty": "must"}]})
    problem = only_problem(error)
    assert (problem.code, problem.item, problem.field) == ("unknown-field", "a", "priorty")
    assert problem.hint == "did you mean 'priority'?"
    assert problem.file is None
    assert problem.line is None


@pytest.mark.parametrize(
    ("source", "is_file"),
    [
        ("plan.yaml", True),
        ("plans/plan.YML", True),
        ("plan.json", True),
        ("plans/fcr", True),  # no extension, not plan text: a path, so a typo is file-not-found
        ("goal: {id: g, due: 2027-03-31}", False),
        ('{"goal": {"id": "g", "due": "2027-03-31"}}', False),
        ("{goal: {id: g, due: 2027-03-31}}", False),
        ("goal:\n  id: g\n  due: 2027-03-31\n", False),
    ],
)
def test_which_strings_are_paths(source: str, is_file: bool, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if is_file:
        with pytest.raises(PlanFileError) as error:
            load_plan(source)
        assert error.value.codes == ["file-not-found"]
        assert error.value.problems[0].file == source
    else:
        assert load_plan(source).goal.id == "g"


def test_an_existing_file_wins_over_text_rules(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "my plan: v2", SMALL)  # contains ": " but names a file
    assert load_plan("my plan: v2").goal.id == "fcr-80"


def test_path_objects_are_files(tmp_path: Path) -> None:
    path = write(tmp_path, "plan", SMALL)  # no suffix: YAML
    assert load_plan(path) == loads_plan(SMALL)


def test_json_file_and_text(tmp_path: Path) -> None:
    text = json.dumps({
        "goal": {"id": "g", "due": "2027-03-31"},
        "actions": [{"id": "a", "duration": 2}, {"id": "b", "duration": 1, "after": ["a"]}],
    }, indent=2)
    path = write(tmp_path, "plan.json", text)
    plan = load_plan(path)
    assert plan == loads_plan(text) == loads_plan(text, format="json")
    assert plan.actions[1].after == ("a",)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode())
    assert load_plan(path) == loads_plan(SMALL)


# --------------------------------------------------------------------------------------------
# Reading problems (PlanFileError)


def test_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PlanFileError) as error:
        load_plan(missing)
    problem = only_problem(error)
    assert problem.code == "file-not-found"
    assert problem.file == str(missing)
    assert "nope.yaml" in problem.message


def test_a_directory_is_not_a_plan_file(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as error:
        load_plan(tmp_path)
    assert only_problem(error).code == "file-not-found"
    assert "directory" in only_problem(error).message


def test_undecodable_bytes_name_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"goal:\n  id: g\n  title: caf\xe9\n  due: 2027-03-31\n")
    with pytest.raises(PlanFileError) as error:
        load_plan(path)
    problem = only_problem(error)
    assert problem.code == "encoding"
    assert problem.line == 3
    assert "0xe9" in problem.message
    assert "offset 26" in problem.message
    assert "UTF-8" in problem.hint


def test_utf16_gets_a_specific_hint(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(SMALL.encode("utf-16"))
    with pytest.raises(PlanFileError) as error:
        load_plan(path)
    assert only_problem(error).code == "encoding"
    assert "UTF-16" in only_problem(error).hint


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "goal:\n  id: g\n  due: 2027-03-31\nactions:\n  - id: a\n"
                                       "    after: [b\n  - id: c\n")
    with pytest.raises(PlanFileError) as error:
        load_plan(path)
    problem = only_problem(error)
    assert (problem.code, problem.file, problem.line) == ("syntax", str(path), 7)
    assert "line 6" in problem.message  # where the unclosed list started


def test_control_characters_are_a_syntax_error() -> None:
    with pytest.raises(PlanFileError) as error:
        loads_plan("goal:\n  id: g\x07\n")
    problem = only_problem(error)
    assert (problem.code, problem.line) == ("syntax", 2)


def test_two_documents_are_a_syntax_error() -> None:
    with pytest.raises(PlanFileError) as error:
        loads_plan("goal: {id: g, due: 2027-03-31}\n---\ngoal: {id: h, due: 2027-03-31}\n")
    assert error.value.codes == ["syntax"]


def test_json_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{"goal": {"id": "g", "due": "2027-03-31"},\n'
                                       ' "actions": [\n  {"id": "a", "duration": 2,}\n]}\n')
    with pytest.raises(PlanFileError) as error:
        load_plan(path)
    problem = only_problem(error)
    assert (problem.code, problem.line) == ("syntax", 3)


def test_json_nan_is_refused() -> None:
    text = ('{"goal": {"id": "g", "due": "2027-03-31",\n "key_results": '
            '[{"id": "k", "metric": "fcr", "baseline": NaN, "target": 80}]}}')
    with pytest.raises(PlanFileError) as error:
        loads_plan(text)
    assert (only_problem(error).code, only_problem(error).line) == ("syntax", 2)


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object/apply:os.system ['echo hi']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!custom 5", "!custom"),
        ("!!set {a, b}", "!!set"),
        ("!!binary aGVsbG8=", "!!binary"),
    ],
)
def test_object_tags_are_refused(value: str, tag: str) -> None:
    text = f"goal:\n  id: g\n  due: 2027-03-31\nactions:\n  - id: a\n    duration: 1\n    title: {value}\n"
    with pytest.raises(PlanFileError) as error:
        loads_plan(text, source="plan.yaml")
    problem = only_problem(error)
    assert (problem.code, problem.item, problem.field, problem.line) == ("unsafe-yaml", "a", "title", 7)
    assert repr(tag) in problem.message


def test_all_refused_tags_are_reported_at_once() -> None:
    text = "goal: !!python/none\nactions:\n  - !!python/dict {id: a}\n  - {id: b, duration: !x 1}\n"
    with pytest.raises(PlanFileError) as error:
        loads_plan(text)
    assert [(p.code, p.line) for p in problems_of(error)] == [
        ("unsafe-yaml", 1), ("unsafe-yaml", 3), ("unsafe-yaml", 4)
    ]


BILLION_LAUGHS = "\n".join([
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
      for prev, name in zip("abcdefgh", "bcdefghi", strict=True)),
    "goal: {id: g, due: 2027-03-31, title: *i}",
]) + "\n"


def test_alias_bomb_is_refused() -> None:
    with pytest.raises(PlanFileError) as error:
        loads_plan(BILLION_LAUGHS)
    problem = only_problem(error)
    assert problem.code == "unsafe-yaml"
    assert "alias" in problem.message


def test_too_many_aliases_are_refused() -> None:
    uses = ", ".join(["*t"] * (MAX_ALIASES + 1))
    with pytest.raises(PlanFileError) as error:
        loads_plan(f"t: &t x\nholidays: [{uses}]\n")
    assert error.value.codes == ["unsafe-yaml"]


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(PlanFileError) as error:
        loads_plan("goal: &g {id: g, due: 2027-03-31, title: [*g]}\n")
    assert error.value.codes == ["unsafe-yaml"]


def test_a_few_aliases_and_merge_keys_are_fine() -> None:
    text = """\
goal: {id: g, due: 2027-03-31}
actions:
  - &base {id: a, duration: 2, priority: should}
  - <<: *base
    id: b
    after: [a]
"""
    plan = loads_plan(text)
    assert [(a.id, a.duration, a.priority, a.after) for a in plan.actions] == [
        ("a", 2, "should", ()), ("b", 2, "should", ("a",))
    ]


def test_duplicate_keys_name_the_key_and_both_lines(tmp_path: Path) -> None:
    text = SMALL + "    duration: 8\n"
    path = write(tmp_path, "dup.yaml", text)
    with pytest.raises(PlanFileError) as error:
        load_plan(path)
    problem = only_problem(error)
    assert (problem.code, problem.item, problem.field) == ("duplicate-key", "tag-repeats", "duration")
    assert problem.line == 22
    assert "'duration'" in problem.message
    assert "lines 16 and 22" in problem.message


def test_duplicate_keys_everywhere_are_reported_together() -> None:
    text = "goal:\n  id: g\n  due: 2027-03-31\n  id: h\ngoal: {id: x}\n"
    with pytest.raises(PlanFileError) as error:
        loads_plan(text)
    assert [(p.item, p.field, p.line) for p in problems_of(error)] == [
        ("h", "id", 4), ("plan", "goal", 5)
    ]


def test_json_duplicate_keys_name_both_lines() -> None:
    text = '{"goal": {"id": "g", "due": "2027-03-31"},\n "actions": [{"id": "a",\n "duration": 2,\n "duration": 3}]}'
    with pytest.raises(PlanFileError) as error:
        loads_plan(text)
    problem = only_problem(error)
    assert (problem.code, problem.item, problem.field, problem.line) == ("duplicate-key", "a", "duration", 4)
    assert "lines 3 and 4" in problem.message


@pytest.mark.parametrize(("text", "shown"), [("", "empty"), ("- a\n- b\n", "a list"),
                                             ("just text\n", "text 'just text'")])
def test_the_document_must_be_a_mapping(text: str, shown: str) -> None:
    with pytest.raises(PlanFileError) as error:
        loads_plan(text)
    problem = only_problem(error)
    assert problem.code == "not-a-mapping"
    assert shown in problem.message


# --------------------------------------------------------------------------------------------
# Content problems (PlanValidationError): all at once, by id, with lines

MANY = """\
goal:
  id: fcr-80
  due: 2027-03-31
  key_results:
    - {id: fcr, metric: fcr, baseline: 71, target: 80, unti: "%"}
calendar:
  workdays: [mon, tue, wed, thu, fri, sat, sun, mon]
actions:
  - id: export-data
    duration: 3
    lag: -1
  - id: tag-repeats
    durration: 5
    after: export-data
  - id: coach
    duration: 2
    priority: mst
    after: [export-data,
            7]
  - duration: 1
  - just a string
"""


def test_every_schema_problem_at_once_by_id_with_lines() -> None:
    with pytest.raises(PlanValidationError) as error:
        loads_plan(MANY, source="many.yaml")
    got = [(p.code, p.item, p.field, p.line) for p in problems_of(error)]
    assert got == [
        ("unknown-field", "fcr", "unti", 5),
        ("invalid-value", "calendar", "workdays", 7),
        ("invalid-value", "export-data", "lag", 11),
        ("missing-field", "tag-repeats", "duration", 12),
        ("unknown-field", "tag-repeats", "durration", 13),
        ("invalid-value", "tag-repeats", "after", 14),
        ("invalid-value", "coach", "priority", 17),
        ("invalid-value", "coach", "after", 19),
        ("missing-field", "actions[3]", "id", 20),
        ("not-a-mapping", "actions[4]", "", 21),
    ]
    assert all(p.file == "many.yaml" for p in problems_of(error))
    by_field = {(p.item, p.field): p for p in problems_of(error)}
    assert by_field["fcr", "unti"].hint == "did you mean 'unit'?"
    assert by_field["tag-repeats", "durration"].hint == "did you mean 'duration'?"
    assert by_field["coach", "priority"].hint == "did you mean 'must'?"
    assert "got text 'mst'" in by_field["coach", "priority"].message
    assert "'must', 'should', 'could' or 'wont'" in by_field["coach", "priority"].message
    assert "greater than or equal to 0, got number -1" in by_field["export-data", "lag"].message
    assert by_field["tag-repeats", "after"].hint == "write a list, e.g. [export-data]"
    assert "7" in by_field["coach", "after"].message


def test_unknown_field_hint_uses_the_right_model() -> None:
    cases = {
        "golas: 1\n": ("plan", "golas", "did you mean 'goal'?"),
        "calendar: {workday: [mon]}\n": ("calendar", "workday", "did you mean 'workdays'?"),
        "milestones: [{id: m, dew: 2027-01-01}]\n": ("m", "dew", "did you mean 'due'?"),
    }
    for text, (item, field, hint) in cases.items():
        with pytest.raises(PlanValidationError) as error:
            loads_plan("goal: {id: g, due: 2027-03-31}\n" + text)
        problem = only_problem(error)
        assert (problem.code, problem.item, problem.field, problem.line) == (
            "unknown-field", item, field, 2
        )
        assert problem.hint == hint
    with pytest.raises(PlanValidationError) as error:
        loads_plan("goal: {id: g, due: 2027-03-31, dew: 1}\n")
    assert only_problem(error).hint == "did you mean 'due'?"
    with pytest.raises(PlanValidationError) as error:
        loads_plan("goal: {id: g, due: 2027-03-31}\naction: []\n")
    assert only_problem(error).hint == "did you mean 'actions'?"


def test_model_problem_codes_are_kept_and_point_at_the_field() -> None:
    text = """\
goal:
  id: g
  due: 2027-03-31
  key_results:
    - id: aht
      metric: aht
      baseline: "7:00"
      target: "7:30"
    - id: nps
      metric: nps
      baseline: 10
      target: 120
    - id: mystery
      metric: mystery_metric
      baseline: 1
      target: 2
actions:
  - id: a
    duration: 1
    not_before: 2027-03-01
    not_after: 2027-02-01
"""
    with pytest.raises(PlanValidationError) as error:
        loads_plan(text)
    got = [(p.code, p.item, p.field, p.line) for p in problems_of(error)]
    assert got == [
        ("target-not-improving", "aht", "target", 8),
        ("out-of-bounds", "nps", "target", 12),
        ("unknown-metric", "mystery", "metric", 14),
        ("contradiction", "a", "", 18),
    ]
    messages = " ".join(p.message for p in problems_of(error))
    assert "{" not in messages  # every placeholder filled in


def test_dates_that_are_not_real_are_invalid_values() -> None:
    with pytest.raises(PlanValidationError) as error:
        loads_plan("goal:\n  id: g\n  due: 2027-02-30\n")
    problem = only_problem(error)
    assert (problem.code, problem.item, problem.field, problem.line) == ("invalid-value", "g", "due", 3)


def test_an_id_that_is_a_number_names_its_item_as_written() -> None:
    with pytest.raises(PlanValidationError) as error:
        loads_plan("goal: {id: g, due: 2027-03-31}\nactions:\n  - {id: a, duration: 1}\n"
                   "  - id: 2027\n    duration: x\n")
    got = [(p.item, p.field, p.line) for p in problems_of(error)]
    assert got == [("2027", "id", 4), ("2027", "duration", 5)]
    with pytest.raises(PlanValidationError) as error:
        loads_plan('{"goal": {"id": "g", "due": "2027-03-31"},\n'
                   ' "actions": [{"id": 2027, "duration": 2}]}')
    assert [(p.item, p.field, p.line) for p in problems_of(error)] == [("2027", "id", 2)]


def test_an_item_without_a_usable_id_falls_back_to_position_and_line() -> None:
    with pytest.raises(PlanValidationError) as error:
        loads_plan("goal: {id: g, due: 2027-03-31}\nactions:\n  - {id: a, duration: 1}\n"
                   "  - id: null\n    duration: x\n")
    got = [(p.item, p.field, p.line) for p in problems_of(error)]
    assert got == [("actions[1]", "id", 4), ("actions[1]", "duration", 5)]


def test_a_bare_equals_sign_is_text() -> None:
    plan = loads_plan("goal: {id: g, due: 2027-03-31, title: =}\n")
    assert plan.goal.title == "="


def test_json_problems_have_lines_too() -> None:
    text = ('{"goal": {"id": "g", "due": "2027-03-31"},\n "actions": [\n'
            '  {"id": "a", "duration": "2"},\n  {"id": "b",\n   "duraton": 1}]}')
    with pytest.raises(PlanValidationError) as error:
        loads_plan(text, source="plan.json")
    got = [(p.code, p.item, p.field, p.line) for p in problems_of(error)]
    assert got == [
        ("invalid-value", "a", "duration", 3),
        ("missing-field", "b", "duration", 4),
        ("unknown-field", "b", "duraton", 5),
    ]
    assert problems_of(error)[0].hint == "write the number without quotes"


# --------------------------------------------------------------------------------------------
# Cross-reference problems from backplan.graph, located in the file


def test_cross_reference_problems_get_file_and_line(tmp_path: Path) -> None:
    text = """\
goal: {id: g, due: 2027-03-31}
milestones:
  - id: m
actions:
  - id: a
    duration: 1
  - id: b
    duration: 1
    after: [a, c]
    milestone: q
  - id: a
    duration: 2
"""
    path = write(tmp_path, "refs.yaml", text)
    with pytest.raises(PlanValidationError) as error:
        load_plan(path)
    got = {(p.code, p.item, p.field, p.line) for p in problems_of(error)}
    assert got == {
        ("duplicate-id", "a", "id", 11),
        ("unknown-id", "b", "after", 9),
        ("unknown-id", "b", "milestone", 10),
    }
    assert all(p.file == str(path) for p in problems_of(error))
    lines = [p.line or 0 for p in problems_of(error)]
    assert lines == sorted(lines)  # in file order
    assert load_plan(path, check=False).actions[2].id == "a"


def test_cycles_point_at_the_first_id_of_the_cycle() -> None:
    text = ("goal: {id: g, due: 2027-03-31}\nactions:\n"
            "  - {id: a, duration: 1, after: [c]}\n"
            "  - {id: b, duration: 1,\n     after: [a]}\n"
            "  - {id: c, duration: 1, after: [b]}\n")
    with pytest.raises(PlanValidationError) as error:
        loads_plan(text)
    problem = only_problem(error)
    assert (problem.code, problem.item, problem.field, problem.line) == ("cycle", "a", "after", 3)
    assert "a -> b -> c -> a" in problem.message
    assert loads_plan(text, check=False).actions[0].after == ("c",)


# --------------------------------------------------------------------------------------------
# The module's shape


def test_public_surface_is_sorted_and_complete() -> None:
    assert backplan.io.__all__ == sorted(backplan.io.__all__)
    assert {"dump_plan", "load_plan", "loads_plan"} <= set(backplan.io.__all__)


@pytest.mark.parametrize("module", IO_MODULES, ids=[p.name for p in IO_MODULES])
def test_io_never_imports_the_cli_or_networkx_at_import(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    top_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    names = [alias.name for node in top_level if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module or "" for node in top_level if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names if n.startswith(("backplan.cli", "networkx", "backplan.export"))]


def test_importing_io_does_not_import_networkx() -> None:
    code = "import sys, backplan.io; print('networkx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def _plan_texts() -> dict[str, str]:
    """The bundled examples and error fixtures, and texts where libyaml and PyYAML's own scanner
    differ or where libyaml could crash."""
    files = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests/data/errors").glob("*.yaml")])
    texts = {f"{path.parent.name}/{path.name}":
             path.read_bytes().decode("utf-8", errors="replace")  # one fixture is not UTF-8
             for path in files}
    return texts | {
        "tab-after-value": "goal:\n  id: g\t\n  due: 2027-03-31\n",
        "tab-before-comment": "goal: {id: g, due: 2027-03-31}  \t# c\n",
        "lone-surrogate": "goal: {id: g, due: 2027-01-01, title: \udc80}\n",
        "deep-nesting": "a: " + "[" * 30_000 + "]" * 30_000 + "\n",
        "nesting-at-the-limit": "a: " + "[" * 199 + "]" * 199 + "\n",
        "nesting-past-the-limit": "a: " + "[" * 200 + "]" * 200 + "\n",
        "nesting-near-recursion": "a: " + "[" * 329 + "]" * 329 + "\n",
        "many-aliases": "x: &x 1\nl:\n" + "  - *x\n" * (MAX_ALIASES + 1),
        "bom": "\ufeffgoal: {id: g, due: 2027-03-31}\n",
        "bom-inside": "# plan\n\ufeffgoal: {id: g, due: 2027-03-31}\n",
        "question-in-flow": "goal: {id: g, due: 2027-03-31}\nactions:\n"
                            "  - {id: a, duration: 1, title: Ready?}\n",
        "question-in-flow-list": "goal: {id: g, due: 2027-03-31}\nactions:\n"
                                 "  - {id: a, duration: 1, after: [a?b]}\n",
        "block-header-comment": "goal: {id: g, due: 2027-03-31}\nx: |# note\n  text\n",
        "bare-tag": "goal: {id: g, due: 2027-03-31, title: !}\n",
        "no-final-newline": "---",
        "key-at-end": "a: 1\n? ",
        "bad-int": "goal: {id: g, due: 2027-03-31}\nx: !!int two\n",
        "empty-bool": "a: !!bool\n",
        "huge-int": "goal: {id: g, due: 2027-03-31}\nactions:\n"
                    "  - {id: a, duration: " + "1" * 5_000 + "}\n",
    }


_PLAN_TEXTS = _plan_texts()


@pytest.mark.skipif(_yaml._FAST_LOADER is None, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("name", sorted(_PLAN_TEXTS))
def test_libyaml_reads_like_the_python_loader(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans read through libyaml give the same data, lines and problems as the pure-Python
    loader (whose messages the docs show), and nothing but a PlanFileError comes out."""
    text = _PLAN_TEXTS[name]

    def read(*, fast: bool) -> object:
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(_yaml, "_FAST_LOADER", None)
            try:
                return _yaml.read_yaml(text, file="plan.yaml")
            except PlanFileError as error:
                return [str(problem) for problem in error.problems]

    assert read(fast=True) == read(fast=False)


def test_the_fast_loader_reads_plain_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is not between two Python loaders: libyaml does read plain plans."""
    if _yaml._FAST_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    used: list[type] = []
    real = _yaml._read
    monkeypatch.setattr(_yaml, "_read", lambda text, file, cls: used.append(cls) or real(
        text, file, cls))
    _yaml.read_yaml(_PLAN_TEXTS["examples/fcr.yaml"], file="fcr.yaml")
    assert used == [_yaml._FAST_LOADER]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028"])
def test_a_control_character_is_named_on_its_line_whatever_the_line_breaks(newline: str) -> None:
    text = newline.join(["goal: {id: g, due: 2027-03-31}", "actions:", "  - {id: a, duration: 1}",
                         "  - {id: b, duration: 1, title: \"x\x07\"}", ""])
    with pytest.raises(PlanFileError) as error:
        loads_plan(text)
    problem = only_problem(error)
    assert (problem.code, problem.line) == ("syntax", 4)
    assert "U+0007" in problem.message


def test_catalogue_metrics_are_found_in_any_case_and_kept_as_written() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        {"id": "fcr", "metric": "FCR", "baseline": 71, "target": 80},
        {"id": "sl", "metric": "Service level", "baseline": 70, "target": 80},
        {"id": "aht", "metric": "AHT", "baseline": "7:00", "target": "6:00"}]}})
    fcr, sl, aht = plan.goal.key_results
    assert (fcr.metric, fcr.definition().id, fcr.definition().unit) == ("FCR", "fcr", "%")
    assert sl.definition().id == "service_level"
    assert (aht.baseline, aht.target, aht.definition().direction) == (420, 360, "decrease")
    with pytest.raises(PlanValidationError) as error:
        load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
            {"id": "k", "metric": "fcrr", "baseline": 71, "target": 80}]}})
    assert "(did you mean 'fcr'?)" in error.value.problems[0].message


def test_a_lag_without_predecessors_is_refused_not_ignored() -> None:
    with pytest.raises(PlanValidationError) as error:
        load_plan("goal: {id: g, due: 2027-03-31}\nactions:\n  - {id: a, duration: 1, lag: 2}\n")
    [problem] = error.value.problems
    assert (problem.code, problem.item, problem.field, problem.line) == (
        "contradiction", "a", "lag", 3)
    assert load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "duration": 1, "lag": 0}]}).actions[0].lag == 0


def test_reference_problems_come_with_field_problems() -> None:
    text = ("goal: {id: g, due: 2027-03-31}\nactions:\n"
            "  - {id: a, duration: 0}\n"
            "  - {id: b, duration: 2, after: [aa, 7], colour: red}\n"
            "  - {id: a, duration: 1}\n"
            "  - {id: 2027, duration: 1}\n"
            "  - {id: c, duration: 1, after: ['2027']}\n")
    with pytest.raises(PlanValidationError) as error:
        loads_plan(text)
    got = [(p.code, p.item, p.field, p.line) for p in problems_of(error)]
    assert got == [
        ("invalid-value", "a", "duration", 3),
        ("invalid-value", "b", "after", 4),  # the 7: reported once, not again as unknown
        ("unknown-field", "b", "colour", 4),
        ("unknown-id", "b", "after", 4),  # 'aa'
        ("duplicate-id", "a", "id", 5),
        ("invalid-value", "2027", "id", 6),  # c's '2027' still resolves: no unknown-id
    ]
