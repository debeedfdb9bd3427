"""Round-trip edits of plan files: only the edited lines change, byte for byte; the file stays a
valid plan; a failed write leaves the original as it was."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backplan.io.edit as edit_module
from backplan import (
    BackplanError,
    CheckIn,
    PlanValidationError,
    dump_plan,
    load_plan,
    mark_done,
    mark_started,
    record_checkin,
)
from backplan.cli import main
from strategies import plan_dicts

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def copy_example(tmp_path: Path, name: str = "fcr.yaml") -> Path:
    target = tmp_path / name
    target.write_bytes((ROOT / "examples" / name).read_bytes())
    return target


def line_changes(before: bytes, after: bytes) -> list[tuple[str, list[bytes], list[bytes]]]:
    """``(tag, old lines, new lines)`` for each changed stretch, lines kept with their endings."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [(tag, old[i1:i2], new[j1:j2])
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


# --------------------------------------------------------------------------------------------
# Check-ins


def test_first_checkin_adds_two_lines_and_nothing_else(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()
    result = record_checkin(path, "fcr-rate", "71.4", date=D(2026, 12, 7))
    after = path.read_bytes()
    assert line_changes(before, after) == [
        ("insert", [], [b"      checkins:\n", b"        - {date: 2026-12-07, value: 71.4}\n"]),
    ]
    assert result.lines == (26, 27)
    assert after.splitlines()[25] == b"      checkins:"
    plan = load_plan(path)
    assert plan.goal.key_results[0].checkins == (CheckIn(date=D(2026, 12, 7), value=71.4),)
    assert plan.goal.key_results[1].checkins == ()


def test_checkins_keep_date_order_and_replace_the_same_date(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    record_checkin(path, "fcr-rate", 71.4, date=D(2026, 12, 7))
    record_checkin(path, "fcr-rate", 72, date=D(2026, 12, 21), n=310)
    before = path.read_bytes()
    record_checkin(path, "fcr-rate", 71.1, date=D(2026, 11, 30))
    changes = line_changes(before, path.read_bytes())
    assert changes == [("insert", [], [b"        - {date: 2026-11-30, value: 71.1}\n"])]
    before = path.read_bytes()
    edit = record_checkin(path, "fcr-rate", 71.9, date=D(2026, 12, 21))  # a correction: n kept
    assert line_changes(before, path.read_bytes()) == [(
        "replace", [b"        - {date: 2026-12-21, value: 72, n: 310}\n"],
        [b"        - {date: 2026-12-21, value: 71.9, n: 310}\n"],
    )]
    assert edit.description == "check-in 2026-12-21 = 71.9 (n=310), replacing 72"
    checkins = load_plan(path).goal.key_results[0].checkins
    assert [(c.date.day, c.value, c.n) for c in checkins] == [(30, 71.1, None), (7, 71.4, None),
                                                              (21, 71.9, 310)]


def test_checkin_in_a_flow_mapping_and_a_clock_value(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("goal:\n  id: g   # AHT\n  due: 2027-03-31\n  key_results:\n"
                    "    - {id: aht, metric: aht, baseline: '7:00', target: '6:00'}\n",
                    encoding="utf-8")
    record_checkin(path, "aht", "6:45", date=D(2027, 1, 15), n=900)
    assert path.read_text(encoding="utf-8").splitlines()[4] == (
        "    - {id: aht, metric: aht, baseline: '7:00', target: '6:00', "
        'checkins: [{date: 2027-01-15, value: "6:45", n: 900}]}')
    record_checkin(path, "aht", "6:40", date=D(2027, 1, 22))
    assert load_plan(path).goal.key_results[0].checkins[1].value == 400.0


def test_checkin_value_outside_the_bounds_writes_nothing(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()
    with pytest.raises(PlanValidationError) as error:
        record_checkin(path, "fcr-rate", 171, date=D(2026, 12, 7))
    assert error.value.codes == ["out-of-bounds"]
    with pytest.raises(PlanValidationError) as error:
        record_checkin(path, "fcr-rte", 71, date=D(2026, 12, 7))
    assert error.value.codes == ["unknown-id"]
    assert error.value.problems[0].hint == "did you mean 'fcr-rate'?"
    with pytest.raises(PlanValidationError, match="expected a number"):
        record_checkin(path, "fcr-rate", "lots", date=D(2026, 12, 7))
    assert path.read_bytes() == before


# --------------------------------------------------------------------------------------------
# Progress


def test_done_adds_status_and_finish_after_the_last_line_of_the_action(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()
    result = mark_done(path, "ivr-golive", date=D(2027, 2, 3))
    assert line_changes(before, path.read_bytes()) == [
        ("insert", [], [b"    status: done\n", b"    actual_finish: 2027-02-03\n"]),
    ]
    text = path.read_text(encoding="utf-8")
    assert ("    owner: Tom Becker (Telephony / WFM)\n    status: done\n"
            "    actual_finish: 2027-02-03\n\n  - id: refund-authority") in text
    assert "# IT change freeze until the end of January" in text
    assert str(result).endswith("ivr-golive: status done, actual_finish 2027-02-03 (lines 155-156)")
    action = next(a for a in load_plan(path).actions if a.id == "ivr-golive")
    assert (action.status, action.actual_finish) == ("done", D(2027, 2, 3))


def test_started_then_done_replaces_values_and_removes_remaining(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    original = path.read_bytes()
    mark_started(path, "kb-audit", date=D(2027, 1, 4), remaining=3)
    started = path.read_bytes()
    assert line_changes(original, started) == [("insert", [], [
        b"    status: in_progress\n", b"    actual_start: 2027-01-04\n", b"    remaining: 3\n"])]
    mark_done(path, "kb-audit", date=D(2027, 1, 8))
    assert line_changes(started, path.read_bytes()) == [
        ("replace", [b"    status: in_progress\n"], [b"    status: done\n"]),
        ("replace", [b"    remaining: 3\n"], [b"    actual_finish: 2027-01-08\n"]),
    ]
    action = next(a for a in load_plan(path).actions if a.id == "kb-audit")
    assert (action.status, action.actual_start, action.actual_finish, action.remaining) == (
        "done", D(2027, 1, 4), D(2027, 1, 8), None)


def test_done_before_it_started_writes_nothing(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    mark_started(path, "kb-audit", date=D(2027, 1, 4))
    before = path.read_bytes()
    with pytest.raises(PlanValidationError) as error:
        mark_done(path, "kb-audit", date=D(2027, 1, 1))
    assert error.value.codes == ["contradiction"]
    assert "actual_start 2027-01-04 is after actual_finish 2027-01-01" in str(error.value)
    with pytest.raises(PlanValidationError) as error:
        mark_done(path, "kb-adit", date=D(2027, 1, 8))
    assert error.value.problems[0].hint == "did you mean 'kb-audit'?"
    assert path.read_bytes() == before


def test_flow_style_action_and_crlf_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    text = ("# plan\r\ngoal: {id: g, due: 2027-03-31}\r\nactions:\r\n"
            "  - {id: a, duration: 2, status: in_progress, actual_start: 2027-01-04,"
            " remaining: 1}\r\n  - id: b\r\n    duration: 3   # three days\r\n")
    path.write_bytes(text.encode("utf-8"))
    mark_done(path, "a", date=D(2027, 1, 5))
    mark_done(path, "b", date=D(2027, 1, 8), start=D(2027, 1, 6))
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8") == (
        "# plan\r\ngoal: {id: g, due: 2027-03-31}\r\nactions:\r\n"
        "  - {id: a, duration: 2, status: done, actual_start: 2027-01-04,"
        " actual_finish: 2027-01-05}\r\n  - id: b\r\n    duration: 3   # three days\r\n"
        "    status: done\r\n    actual_start: 2027-01-06\r\n    actual_finish: 2027-01-08\r\n")


def test_json_plan_file_stays_json(tmp_path: Path) -> None:
    plan = load_plan(ROOT / "examples" / "csat.yaml")
    path = tmp_path / "plan.json"
    dump_plan(plan, path)
    before = path.read_bytes()
    key_result = plan.goal.key_results[0].id
    action = plan.actions[3].id
    record_checkin(path, key_result, 83.5, date=D(2026, 12, 1), n=400)
    mark_done(path, action, date=D(2026, 12, 2))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["goal"]["key_results"][0]["checkins"] == [
        {"date": "2026-12-01", "value": 83.5, "n": 400}]
    assert data["actions"][3]["status"] == "done"
    changes = line_changes(before, path.read_bytes())
    assert all(tag == "insert" for tag, _, _ in changes) or all(
        len(old) == 1 for _, old, _ in changes)
    reloaded = load_plan(path)
    assert reloaded.actions[3].actual_finish == D(2026, 12, 2)


def test_bom_and_missing_final_newline_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbfgoal: {id: g, due: 2027-03-31}\nactions:\n- id: a\n"
                     b"  duration: 2")
    mark_done(path, "a", date=D(2027, 1, 5))
    assert path.read_bytes() == (b"\xef\xbb\xbfgoal: {id: g, due: 2027-03-31}\nactions:\n"
                                 b"- id: a\n  duration: 2\n  status: done\n"
                                 b"  actual_finish: 2027-01-05\n")


# --------------------------------------------------------------------------------------------
# Writing safely


def test_a_failed_rename_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()

    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(edit_module.os, "replace", refuse)
    with pytest.raises(BackplanError, match="No space left on device; the file is unchanged"):
        mark_done(path, "kb-audit", date=D(2027, 1, 8))
    assert path.read_bytes() == before
    # no temporary left; the lock file beside the plan may stay
    assert sorted(p.name for p in tmp_path.iterdir()) == [".fcr.yaml.lock", "fcr.yaml"]


def test_an_interrupted_write_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_example(tmp_path)
    before = path.read_bytes()

    def killed(handle: int) -> None:
        raise KeyboardInterrupt  # as if the process were stopped before the rename

    monkeypatch.setattr(edit_module.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        record_checkin(path, "fcr-rate", 72, date=D(2027, 1, 8))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".fcr.yaml.lock", "fcr.yaml"]


def test_permissions_and_symbolic_links(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    path.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(path)
    mark_done(link, "kb-audit", date=D(2027, 1, 8))
    assert link.is_symlink()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert next(a for a in load_plan(path).actions if a.id == "kb-audit").status == "done"


# --------------------------------------------------------------------------------------------
# Any plan


@st.composite
def commented_plans(draw: st.DrawFn) -> tuple[str, str, dt.date]:
    data = draw(plan_dicts(max_items=8))
    data["calendar"] = {}
    text = dump_plan(load_plan(data))
    lines = text.splitlines()
    commented = []
    for k, line in enumerate(lines):
        commented.append(line)
        if draw(st.integers(0, 3)) == 0:
            indent = len(line) - len(line.lstrip(" -"))
            commented.append(" " * indent + f"# note {k}")
        elif draw(st.integers(0, 6)) == 0:
            commented.append("")
    action = draw(st.sampled_from([a["id"] for a in data["actions"]]))
    day = D(2026, 11, 2) + dt.timedelta(days=draw(st.integers(0, 60)))
    return "\n".join(commented) + "\n", action, day


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=commented_plans())
def test_done_on_any_plan_only_adds_lines(tmp_path: Path, case: tuple[str, str, dt.date]) -> None:
    text, action_id, day = case
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    before = load_plan(path)
    mark_done(path, action_id, date=day)
    changes = line_changes(text.encode(), path.read_bytes())
    assert [tag for tag, _, _ in changes] == ["insert"]
    inserted = changes[0][2]
    assert [line.strip() for line in inserted] == [
        b"status: done", f"actual_finish: {day.isoformat()}".encode()]
    after = load_plan(path)
    expected = [a.model_copy(update={"status": "done", "actual_finish": day})
                if a.id == action_id else a for a in before.actions]
    assert list(after.actions) == expected
    assert after.goal == before.goal
    assert after.milestones == before.milestones


# --------------------------------------------------------------------------------------------
# The commands


def test_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_example(tmp_path)
    assert main(["checkin", str(path), "fcr-rate", "71.4", "--date", "2026-12-07"]) == 0
    assert capsys.readouterr().out == "fcr.yaml: fcr-rate: check-in 2026-12-07 = 71.4 (lines 26-27)\n"
    assert main(["checkin", str(path), "qa-resolution", "66", "--date", "2026-12-07",
                 "--n", "35", "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert (data["subject"], data["lines"]) == ("qa-resolution", [35, 36])
    assert main(["start", str(path), "kb-audit", "--date", "2027-01-04", "--remaining", "2"]) == 0
    assert "status in_progress" in capsys.readouterr().out
    assert main(["done", str(path), "kb-audit", "--date", "2027-01-06"]) == 0
    assert "status done" in capsys.readouterr().out
    before = path.read_bytes()
    assert main(["done", str(path), "kb-adit", "--date", "2027-01-06"]) == 2
    err = capsys.readouterr().err
    assert "'kb-adit' is not an action id" in err
    assert "did you mean 'kb-audit'?" in err
    assert main(["checkin", str(path), "fcr-rate", "abc", "--date", "2027-01-06"]) == 2
    assert path.read_bytes() == before


def test_an_unknown_id_names_the_plan_file(tmp_path: Path) -> None:
    path = copy_example(tmp_path)
    for edit in (lambda: record_checkin(path, "fcr-rte", 71, date=D(2026, 12, 7)),
                 lambda: mark_done(path, "kb-adit", date=D(2026, 12, 7))):
        with pytest.raises(PlanValidationError) as error:
            edit()
        assert error.value.problems[0].file == str(path)
        assert str(error.value).startswith(f"{path}: 1 problem")
