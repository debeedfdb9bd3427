"""One broken plan per problem code in ``tests/data/errors/<code>.yaml``, each raising that code.

Each fixture starts with two comments: ``# <code>: what is wrong`` and
``# expect: <item>[.<field>] at line <n>``, so the fixture states the problem it must produce.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backplan.errors import PROBLEM_CODES, PlanError, PlanFileError
from backplan.io import load_plan

ERRORS = Path(__file__).resolve().parents[1] / "data" / "errors"
FIXTURES = sorted(p for p in ERRORS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
#: Codes a fixture file cannot show: a missing file is tested with a missing path.
NO_FIXTURE = {"file-not-found"}
#: Codes found while reading the text, before the schema is checked.
FILE_CODES = {"encoding", "syntax", "unsafe-yaml", "duplicate-key", "not-a-mapping"}
EXPECT = re.compile(rb"^# expect: (?P<item>[^.\s]+)(?:\.(?P<field>\S+))? at line (?P<line>\d+)$", re.M)


def expected(fixture: Path) -> tuple[str, str, int]:
    """The ``(item, field, line)`` the fixture's second comment line promises."""
    match = EXPECT.search(fixture.read_bytes().split(b"\n", 2)[1])
    assert match is not None, f"{fixture.name}: line 2 must read '# expect: item.field at line N'"
    return match["item"].decode(), (match["field"] or b"").decode(), int(match["line"])


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_raises_its_code_with_item_and_line(fixture: Path) -> None:
    code = fixture.stem
    with pytest.raises(PlanError) as error:
        load_plan(fixture)
    assert code in error.value.codes, str(error.value)
    assert isinstance(error.value, PlanFileError) == (code in FILE_CODES)
    located = [(p.item, p.field, p.line) for p in error.value.problems if p.code == code]
    assert expected(fixture) in located, str(error.value)
    for problem in error.value.problems:
        assert problem.item, problem
        assert problem.line is not None, problem
        assert problem.line >= 1, problem
        assert problem.file == str(fixture)
        assert problem.message
        assert "{" not in problem.message, problem  # templates filled in


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_says_what_is_wrong_first(fixture: Path) -> None:
    first_line = fixture.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first_line.startswith(f"# {fixture.stem}: ")
    expected(fixture)


def test_every_problem_code_has_a_fixture() -> None:
    stems = {p.stem for p in FIXTURES}
    assert stems <= set(PROBLEM_CODES), stems - set(PROBLEM_CODES)
    assert set(PROBLEM_CODES) - NO_FIXTURE <= stems, set(PROBLEM_CODES) - NO_FIXTURE - stems


def test_file_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-plan.yaml"
    with pytest.raises(PlanFileError) as error:
        load_plan(missing)
    assert error.value.codes == ["file-not-found"]
    assert error.value.problems[0].file == str(missing)
