"""Ids given as text of another type, such as numpy's ``str_`` (what a pandas column holds)."""

from __future__ import annotations

import pytest

from backplan import load_plan
from backplan.models import Action


class Label(str):
    """Text of a str subclass."""


def test_an_id_of_a_str_subclass_is_kept_as_plain_text() -> None:
    # Found by the tests of the compiled builder: interning refused the subclass (TypeError).
    action = Action(id=Label("survey"), duration=1, after=[Label("export")], milestone=Label("m"))
    assert (action.id, action.after, action.milestone) == ("survey", ("export",), "m")
    assert {type(action.id), type(action.after[0]), type(action.milestone)} == {str}


def test_ids_from_a_numpy_column_load_as_a_plan() -> None:
    np = pytest.importorskip("numpy")
    ids = np.array(["export", "survey"])
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"}, "actions": [
        {"id": ids[0], "duration": 2}, {"id": ids[1], "duration": 1, "after": [ids[0]]}]})
    assert [a.id for a in plan.actions] == ["export", "survey"]
    assert type(plan.actions[1].after[0]) is str
