"""Plan files are read fast first and again with line numbers only when something is wrong.

The fast readers (``plain_yaml_data``, ``plain_json_data``) must give the data the positional
readers give, or None; a plan loaded the fast way must equal the one loaded the slow way; and
problems must come out exactly as before (the slow path reports them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from backplan.errors import PlanError, PlanFileError
from backplan.io import _json, _yaml, dump_plan, load_plan, loads_plan, plan_files
from backplan.io._yaml import plain_yaml_data, read_yaml
from backplan.models import Plan
from backplan.models.fast import fast_plan
from strategies import plan_dicts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FIXTURES = sorted((ROOT / "tests/data/errors").iterdir())

pytestmark = pytest.mark.skipif(_yaml._FAST_LOADER is None,
                                reason="PyYAML was built without libyaml")


def typed(value: object) -> object:
    """``value`` with every part's type (``1``, ``True`` and ``1.0`` differ)."""
    if isinstance(value, dict):
        return (dict, [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value), [typed(v) for v in value])
    return (type(value), value)


def slow_yaml(text: str) -> object:
    """The data :func:`read_yaml` gives, or the problems it reports."""
    try:
        return typed(read_yaml(text, file="plan.yaml")[0])
    except PlanFileError as error:
        return [str(problem) for problem in error.problems]


def assert_plain_yaml_reads_like_read_yaml(text: str) -> object:
    plain = plain_yaml_data(text)
    if plain is not None:
        assert typed(plain) == slow_yaml(text)
    return plain


TRICKY_YAML = {
    "scalars": "a: yes\nb: No\nc: ~\nd:\ne: 0x1F\nf: 0o17\ng: 017\nh: 1_000\ni: 1:30\nj: .inf\n"
               "k: -.NaN\nl: 1e3\nm: 2027-02-30\nn: 2027-01-04 10:30:00\no: 2027-01-04T10:30Z\n"
               "p: '1'\nq: \"2027-01-04\"\nr: =\ns: +12\nt: 0b101\nu: 190:20:30\nv: 1.5e+3\n"
               "w: 'yes'\nx: |\n  block\ny: >-\n  folded\n  text\nz: null\n",
    "keys": "1: a\ntrue: b\n2027-01-04: c\n~: d\n1.5: e\n",
    "same-key-as-text": "a: 1\n'a': 2\n",
    "same-value-keys": "1: a\n0x1: b\n",
    "merge": "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "quoted-merge-key": "'<<': 1\n",
    "anchor": "a: &x 1\nb: 2\n",
    "alias": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "local-tag": "a: !x 1\n",
    "set": "a: !!set {x, y}\n",
    "complex-key": "? [a, b]\n: 1\n",
    "mapping-key": "? {a: 1}\n: 2\n",
    "list-document": "- a\n- b\n",
    "scalar-document": "just text\n",
    "empty": "",
    "comment-only": "# nothing\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "explicit-document": "--- \na: 1\n...\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "flow": "{goal: {id: g, due: 2027-03-31}, actions: [{id: a, duration: 1, after: []}]}\n",
    "question-in-flow": "a: [b?c]\n",
    "question-in-block": "a: b?c\n",
    "deep": "a: " + "[" * 300 + "]" * 300 + "\n",
    "at-the-limit": "a: " + "[" * 197 + "]" * 197 + "\n",
    "control": "a: \"x\x07\"\n",
    "lone-surrogate": "a: \udc80\n",
    "unicode": "title: Café ☕ \u2028 line\nid: \"\\u00e9\"\n",
    "crlf": "a: 1\r\nb: [x, y]\r\n",
    "no-final-newline": "a: 1",
    "tab": "a:\t1\n",
    "huge-int": "a: " + "1" * 5000 + "\n",
    "bad-int": "a: !!int two\n",
    "nested-lists": "a:\n- - 1\n  - 2\n- []\n- {}\nb: {c: [d, {e: f}]}\n",
}


def _texts() -> dict[str, str]:
    texts = {f"examples/{p.name}": p.read_text(encoding="utf-8") for p in EXAMPLES}
    texts |= {f"errors/{p.name}": p.read_bytes().decode("utf-8", errors="replace")
              for p in FIXTURES if p.suffix == ".yaml"}
    return texts | TRICKY_YAML


TEXTS = _texts()


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_plain_yaml_data_is_read_yamls_data_or_none(name: str) -> None:
    assert_plain_yaml_reads_like_read_yaml(TEXTS[name])


@pytest.mark.parametrize("name", ["scalars", "keys", "same-value-keys", "quoted-merge-key",
                                  "flow", "question-in-block", "at-the-limit", "unicode",
                                  "crlf", "explicit-document", "directive", "nested-lists"])
def test_plain_texts_are_read_the_fast_way(name: str) -> None:
    assert plain_yaml_data(TEXTS[name]) is not None


@pytest.mark.parametrize("name", ["same-key-as-text", "merge", "anchor", "alias", "tag",
                                  "local-tag", "set", "complex-key", "mapping-key",
                                  "list-document", "scalar-document", "empty", "two-documents",
                                  "question-in-flow", "deep", "control", "lone-surrogate",
                                  "no-final-newline", "tab", "huge-int", "bad-int"])
def test_what_is_not_plain_is_left_to_read_yaml(name: str) -> None:
    assert plain_yaml_data(TEXTS[name]) is None


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_are_plain(example: Path) -> None:
    assert plain_yaml_data(example.read_text(encoding="utf-8")) is not None


_SCALAR_TEXT = st.text(st.sampled_from("a1:-_.,?!&*#'\"[]{}|>%@` \t\n0xoe+~=<Nnyt\u00e9\u2028"),
                       max_size=12)


@given(key=_SCALAR_TEXT, value=_SCALAR_TEXT, flow=st.booleans())
def test_any_scalar_text(key: str, value: str, flow: bool) -> None:
    """Random text where a key and a value go, in block and in flow style."""
    text = f"{{{key}: {value}, b: [{value}]}}\n" if flow else f"{key}: {value}\nb:\n  - {value}\n"
    assert_plain_yaml_reads_like_read_yaml(text)


_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(st.characters(codec="utf-8"), max_size=8), st.dates())


@given(data=st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=6),
                            st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=3)
                                         | st.dictionaries(st.text(max_size=4), inner,
                                                           max_size=3), max_leaves=10),
                            min_size=1, max_size=4),
       flow=st.sampled_from([False, True, None]))
def test_any_data_dumped_by_pyyaml(data: dict[str, Any], flow: bool | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert_plain_yaml_reads_like_read_yaml(text)


# --------------------------------------------------------------------------------------------
# JSON

TRICKY_JSON = {
    "plain": '{"goal": {"id": "g", "due": "2027-03-31"}, "actions": []}',
    "repeated-key": '{"a": 1, "a": 2}',
    "repeated-nested-key": '{"a": [{"b": 1, "c": 2, "b": 3}]}',
    "nan": '{"a": NaN}',
    "infinity": '{"a": -Infinity}',
    "list": "[1, 2]",
    "string": '"a"',
    "syntax": '{"a": 1,}',
    "surrogate-escape": '{"a": "\\ud800"}',
    "deep": '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "unicode": '{"a": "caf\\u00e9 \u2028", "\u00e9": 1e400}',
}


@pytest.mark.parametrize("name", sorted(TRICKY_JSON))
def test_plain_json_data_is_read_json_data_or_none(name: str) -> None:
    text = TRICKY_JSON[name]
    plain = _json.plain_json_data(text)
    try:
        slow: object = typed(_json.read_json(text, file="plan.json")[0])
    except PlanFileError:
        slow = None
    if plain is not None:
        assert typed(plain) == slow
    assert (plain is not None) == (name in ("plain", "surrogate-escape", "unicode"))


_JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(),
                         st.floats(allow_nan=False, allow_infinity=False),
                         st.text(st.characters(codec="utf-8"), max_size=8))


@given(data=st.recursive(_JSON_LEAVES,
                         lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                         max_leaves=12).filter(lambda v: isinstance(v, dict)))
def test_any_json_object(data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=1, ensure_ascii=False)
    assert typed(_json.plain_json_data(text)) == typed(
        _json.read_json(text, file=None)[0])


# --------------------------------------------------------------------------------------------
# Loading: the fast way gives the slow way's plan, and the slow way's problems


def load_slowly(text: str, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> object:
    """:func:`loads_plan` with the fast readers switched off: the plan, or the problems."""
    with monkeypatch.context() as patch:
        patch.setattr(plan_files, "plain_yaml_data", lambda text: None)
        patch.setattr(plan_files, "plain_json_data", lambda text: None)
        return load_or_problems(text, **kwargs)


def load_or_problems(text: str, **kwargs: Any) -> object:
    try:
        return loads_plan(text, **kwargs)
    except PlanError as error:
        return [(type(error), str(problem)) for problem in error.problems]


@pytest.mark.parametrize("path", [*EXAMPLES, *FIXTURES], ids=lambda p: p.name)
@pytest.mark.parametrize("check", [True, False])
def test_loading_gives_the_same_plan_or_problems(
    path: Path, check: bool, monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    fast = load_or_problems(text, source=path.name, check=check)
    assert fast == load_slowly(text, monkeypatch, source=path.name, check=check)
    if path in EXAMPLES:
        assert isinstance(fast, Plan)
        as_json = dump_plan(fast, format="json")
        assert load_or_problems(as_json, check=check) == fast
        assert load_slowly(as_json, monkeypatch, check=check) == fast


def _as_json(path: Path) -> str | None:
    try:
        data, _ = read_yaml(path.read_text(encoding="utf-8"), file=None)
    except (PlanFileError, UnicodeDecodeError):
        return None
    return json.dumps(data, indent=2, default=str)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_error_fixtures_as_json_give_the_same_problems(
    path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _as_json(path)
    if text is None:
        pytest.skip("not readable as YAML")
    fast = load_or_problems(text, source="plan.json")
    assert isinstance(fast, list)  # every fixture is broken
    assert fast == load_slowly(text, monkeypatch, source="plan.json")


@pytest.mark.parametrize("path", [p for p in FIXTURES if p.stem != "encoding"],  # bytes
                         ids=lambda p: p.name)
def test_the_fast_way_never_takes_a_broken_plan(path: Path) -> None:
    data = plain_yaml_data(path.read_text(encoding="utf-8"))
    plan = fast_plan(data) if data is not None else None
    assert plan is None or plan_files.plan_check_problems(plan)


@given(data=plan_dicts(), fmt=st.sampled_from(["yaml", "json"]), check=st.booleans())
def test_generated_plans_load_alike(data: dict[str, Any], fmt: str, check: bool) -> None:
    text = dump_plan(Plan.model_validate(data), format=fmt)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as patch:
        slow = load_slowly(text, patch, check=check)
    assert load_or_problems(text, check=check) == slow


REFERENCE_PROBLEMS = {
    "yaml": """\
goal: {id: g, due: 2027-03-31}
actions:
  - id: a
    duration: 1
    after: [c]
  - id: b
    duration: 1
    after: [b]
  - id: a
    duration: 1
""",
    "json": """\
{"goal": {"id": "g", "due": "2027-03-31"},
 "actions": [
  {"id": "a", "duration": 1,
   "after": ["c"]},
  {"id": "b", "duration": 1,
   "after": ["b"]},
  {"id": "a", "duration": 1}]}
""",
}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_reference_problems_found_the_fast_way_are_reported_with_lines(
    fmt: str, tmp_path: Path,
) -> None:
    """The items validate (the fast way), the references do not: the problems still carry the
    file, line, item and field, all at once."""
    path = tmp_path / f"plan.{fmt}"
    path.write_text(REFERENCE_PROBLEMS[fmt])
    with pytest.raises(PlanError) as error:
        load_plan(path)
    lines = (5, 8, 9) if fmt == "yaml" else (4, 6, 7)
    assert [(p.code, p.item, p.field, p.line) for p in error.value.problems] == [
        ("unknown-id", "a", "after", lines[0]),
        ("self-reference", "b", "after", lines[1]),
        ("duplicate-id", "a", "id", lines[2]),
    ]
    assert all(p.file == str(path) for p in error.value.problems)


def test_mappings_take_the_fast_way_and_report_like_before() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "duration": 1}]})
    assert plan.actions[0].id == "a"
    with pytest.raises(PlanError) as error:
        load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                   "actions": [{"id": "a", "duration": 1, "after": ["x"]}]})
    assert [(p.code, p.item, p.field, p.line) for p in error.value.problems] == [
        ("unknown-id", "a", "after", None)]


PEOPLE_PLAN = """\
goal: {id: g, due: 2027-03-31}
people: staff.yaml   # shared with the other teams
actions:
  - {id: audit, effort: {hours: 8}, assignees: [qa]}
  - {id: coach, duration: 3, after: [audit]}
"""


@pytest.mark.parametrize("staff", [
    "- {id: qa, hours_per_day: 2}\n",
    "people:\n  - id: qa\n    hours_per_day: 2.5\n  - {id: lead, hours_per_day: 1}\n",
])
def test_a_plan_naming_a_people_file_takes_the_fast_way(
    staff: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "staff.yaml").write_text(staff)
    path = tmp_path / "plan.yaml"
    path.write_text(PEOPLE_PLAN)
    with monkeypatch.context() as patch:
        patch.setattr(plan_files, "plain_yaml_data", lambda text: None)
        slow = load_plan(path)
    with monkeypatch.context() as patch:
        patch.setattr(plan_files, "_build", lambda *args, **kwargs: pytest.fail("slow way"))
        fast = load_plan(path)
    assert fast == slow
    assert fast.people[0].id == "qa"


@pytest.mark.parametrize(("staff", "plan_text"), [
    ("- {id: qa, hours_per_day: 30}\n", PEOPLE_PLAN),  # a problem in the people file
    ("- {id: qa, hours_per_day: 2}\n", PEOPLE_PLAN.replace("[qa]", "[nobody]")),  # in the plan
    ("- {id: qa, hours_per_day: 2}\n", PEOPLE_PLAN.replace("staff.yaml", "gone.yaml")),
    ("- {id: audit, hours_per_day: 2}\n", PEOPLE_PLAN),  # a person with an action's id
])
def test_a_plan_naming_a_people_file_reports_like_before(
    staff: str, plan_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "staff.yaml").write_text(staff)
    path = tmp_path / "plan.yaml"
    path.write_text(plan_text)
    slow = load_slowly(plan_text, monkeypatch, source=str(path))
    assert isinstance(slow, list)
    assert load_or_problems(plan_text, source=str(path)) == slow
