"""Every file backplan reads says the same mistake the same way: a plan file, a portfolio file
and a scenario file name the item, the field and the line, with one message and one hint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from backplan import PlanError, load_plan, load_portfolio, load_scenarios

PLAN = """\
goal: {id: g, due: 2027-03-31}
actions:
  - {id: a, FIELD: VALUE}
"""
SCENARIOS = """\
scenarios:
  - name: lean
    changes:
      - {action: a, FIELD: VALUE}
"""
PORTFOLIO = """\
portfolio: {id: cx}
objectives:
  - {id: o, FIELD: VALUE}
plans: [plan.yaml]
"""
#: text, a field that takes a whole number, the item named, the field's path, the loader
FILES: dict[str, tuple[str, str, str, str, Callable[[Path], object]]] = {
    "plan": (PLAN, "duration", "a", "duration", load_plan),
    "scenarios": (SCENARIOS, "duration", "lean", "changes[0].duration", load_scenarios),
    "portfolio": (PORTFOLIO, "priority", "o", "priority", load_portfolio),
}


def problems_of(tmp_path: Path, kind: str, field: str, value: str) -> list[tuple[object, ...]]:
    text, _, _, _, load = FILES[kind]
    (tmp_path / "plan.yaml").write_text(PLAN.replace("FIELD", "duration").replace("VALUE", "2"),
                                        encoding="utf-8")
    path = tmp_path / f"{kind}-file.yaml"
    path.write_text(text.replace("FIELD", field).replace("VALUE", value), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load(path)
    return [(p.code, p.item, p.field, p.line, p.message, p.hint) for p in caught.value.problems]


@pytest.mark.parametrize("kind", list(FILES))
def test_a_quoted_number_is_one_message_and_hint_in_every_file(tmp_path: Path, kind: str) -> None:
    _, number_field, item, where, _ = FILES[kind]
    line = 4 if kind == "scenarios" else 3
    assert problems_of(tmp_path, kind, number_field, '"3"') == [(
        "invalid-value", item, where, line, "expected a valid integer, got text '3'",
        "write the number without quotes")]


@pytest.mark.parametrize("kind", list(FILES))
def test_a_misspelt_field_suggests_the_field_in_every_file(tmp_path: Path, kind: str) -> None:
    _, number_field, item, where, _ = FILES[kind]
    misspelt = number_field[:-2] + number_field[-1] + number_field[-2]  # "duratino", "prioriyt"
    found = [p for p in problems_of(tmp_path, kind, misspelt, "3") if p[0] == "unknown-field"]
    assert len(found) == 1
    _, named, field, _, message, hint = found[0]
    assert (named, field) == (item, where.replace(number_field, misspelt))
    assert message.startswith(f"{misspelt!r} is not a field of ")
    assert hint == f"did you mean {number_field!r}?"
