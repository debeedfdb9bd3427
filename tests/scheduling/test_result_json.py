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


# The compiled writer of the rows (backplan._json_rows), on its own: any record it accepts is
# written as json.dumps writes it; anything json.dumps would write differently is refused.

json_rows = pytest.importorskip("backplan._json_rows", reason="the C extension is not built")


def rows(records: list[Any], keys: tuple[Any, ...], indent: int, level: int) -> str | None:
    """The compiled writer's rows as text (None as it gives it)."""
    text = json_rows.rows_utf8(records, keys, indent, level)
    return None if text is None else text.decode()

_KEYS = st.lists(st.text(max_size=6), min_size=1, max_size=5, unique=True)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=12),
    st.dates(), st.sampled_from(["\\", '"', "\x00\x1f\x7f", "\u2028\u2029", "é☕🙂", "\b\f\n\r\t"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.lists(inner, max_size=3).map(tuple), max_leaves=6)


def _dumped(records: list[tuple[Any, ...]], keys: list[str], indent: int, level: int) -> str:
    rows = [dict(zip(keys, record, strict=True)) for record in records]
    text = json.dumps(rows, indent=indent, ensure_ascii=False, default=dt.date.isoformat)
    return text.replace("\n", "\n" + " " * (indent * level))


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, list | tuple):
        return any(map(_has_surrogate, value))
    return False


@given(keys=_KEYS, data=st.data(), indent=st.integers(0, 4), level=st.integers(0, 3))
def test_compiled_rows_are_json_dumps_text(keys: list[str], data: st.DataObject, indent: int,
                                           level: int) -> None:
    records = data.draw(st.lists(st.tuples(*[_VALUES] * len(keys)), max_size=4))
    written = rows(records, tuple(keys), indent, level)
    if _has_surrogate(records) or _has_surrogate(keys):
        assert written is None  # not UTF-8: the caller writes them as before
    else:
        assert written == _dumped(records, keys, indent, level)


@pytest.mark.parametrize("odd", [1.5, 2**63, -(2**63) - 1, {"a": 1}, dt.datetime(2027, 1, 1),
                                 True.__class__, object(), [1, 2.5], b"bytes"])
def test_compiled_rows_refuse_what_json_dumps_writes_otherwise(odd: object) -> None:
    assert rows([("a", odd)], ("id", "value"), 2, 1) is None


class _Reversed(tuple):  # type: ignore[type-arg]
    def __iter__(self) -> Any:
        return reversed(tuple(tuple.__iter__(self)))


def test_compiled_rows_refuse_a_record_of_the_wrong_length() -> None:
    assert rows([("a", 1)], ("id",), 2, 1) is None
    assert rows([["a"]], ("id",), 2, 1) is None  # not a tuple
    assert rows([_Reversed(("a", "b"))], ("x", "y"), 2, 1) is None  # zips otherwise
    assert rows([("a", "b")], ("x", "x"), 2, 1) is None  # json.dumps keeps 'b' once
    with pytest.raises(ValueError, match="keys"):
        rows([("a",)], (), 2, 1)
    with pytest.raises(TypeError):
        rows([("a",)], (1,), 2, 1)


def test_compiled_rows_leave_the_text_they_write_as_it_was() -> None:
    """Writing a title does not keep a UTF-8 copy on it (that would stay as long as the plan)."""
    import sys

    titles = ["".join(["Schulung für Erstlösung ", str(k), " \u2713"]) for k in range(3)]
    titles.append("".join(["plain ASCII ", "title"]))
    sizes = list(map(sys.getsizeof, titles))
    written = rows([(title,) for title in titles], ("title",), 2, 1)
    assert written == _dumped([(title,) for title in titles], ["title"], 2, 1)
    assert list(map(sys.getsizeof, titles)) == sizes


def test_without_the_compiled_writer_pydantic_core_writes_the_rows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from backplan.scheduling import result

    monkeypatch.setattr(result, "_compiled_rows", lambda *args: None)
    for example in EXAMPLES[:4]:
        schedule = schedule_plan(load_plan(example), today=TODAY)
        assert schedule.to_json() == reference(schedule)
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31"},
                      "actions": [{"id": "a", "title": "tab\tquote\" ☕", "duration": 1}]})
    schedule = schedule_plan(plan, today=TODAY)
    assert schedule.to_json(indent=3) == reference(schedule, 3)


# Schedule.write_json: the same text, as UTF-8 bytes, written in pieces.

@pytest.mark.parametrize("example", EXAMPLES[:6], ids=[p.stem for p in EXAMPLES[:6]])
@pytest.mark.parametrize("indent", [2, 0, None])
def test_write_json_writes_to_json_text_as_utf8(example: Path, indent: int | None) -> None:
    import io

    schedule = schedule_plan(load_plan(example), today=TODAY)
    out = io.BytesIO()
    schedule.write_json(out, indent=indent)
    assert out.getvalue() == schedule.to_json(indent=indent).encode()


@given(data=plan_dicts(), titles=st.lists(_TEXT, min_size=12, max_size=12))
def test_write_json_with_any_text(data: dict[str, Any], titles: list[str]) -> None:
    """Any character, lone surrogates too: encoded with the ``errors`` given, as
    ``str.encode`` would encode :meth:`Schedule.to_json`'s text."""
    import io

    for item, title in zip([*data["milestones"], *data["actions"]], titles, strict=False):
        item["title"] = title + "\udc80" if len(title) % 5 == 1 else title
    schedule = schedule_plan(Plan.model_validate(data), today=START)
    text = schedule.to_json()
    for errors in ("surrogateescape", "surrogatepass", "strict"):
        out = io.BytesIO()
        try:
            expected = text.encode("utf-8", errors)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                schedule.write_json(out, errors=errors)
            continue
        schedule.write_json(out, errors=errors)
        assert out.getvalue() == expected


def test_write_json_without_the_compiled_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from backplan.scheduling import result

    monkeypatch.setattr(result, "_compiled_rows", lambda *args: None)
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "title": "Lösung ☕"},
                      "actions": [{"id": "a", "title": "tab\tquote\" ☕", "duration": 1}]})
    schedule = schedule_plan(plan, today=TODAY)
    out = io.BytesIO()
    schedule.write_json(out)
    assert out.getvalue() == reference(schedule).encode()


def test_write_json_writes_nothing_when_the_text_cannot_be_encoded() -> None:
    """As ``file.write(schedule.to_json().encode())``: no half-written file (found by review:
    the pieces before the rows were written, then the text after them failed)."""
    import io

    schedule = schedule_plan(load_plan(EXAMPLES[0].with_name("capacity.yaml")), today=TODAY)
    booking = schedule.bookings[0]
    odd = replace(schedule, milestones=(replace(schedule.milestones[0], title="bad \ud800"),
                                        *schedule.milestones[1:]),
                  bookings=(replace(booking, hours=0.00001), *schedule.bookings[1:]))
    out = io.BytesIO()
    with pytest.raises(UnicodeEncodeError):
        odd.write_json(out)
    assert out.getvalue() == b""
    with pytest.raises(UnicodeEncodeError):
        odd.to_json().encode()
