"""Per-person load: booked against available hours, by day and ISO week; ``backplan load``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import backplan
from backplan.cli import main

D = dt.date
PLAN = """\
goal: {id: g, due: 2027-01-29}
people:
  - {id: qa, name: Priya, hours_per_day: 2, time_off: ["2027-01-25..2027-01-26"]}
  - {id: lead, hours_per_day: 3, workdays: [mon, tue, wed]}
actions:
  - {id: audit, effort: {hours: 7}, assignees: [qa]}
  - {id: coach, duration: 2, assignees: [lead], after: [audit]}
"""


@pytest.fixture
def plan() -> backplan.Plan:
    return backplan.loads_plan(PLAN)


def test_levelled_load_books_within_the_hours_by_day_and_week(plan: backplan.Plan) -> None:
    levelled = backplan.schedule_levelled(plan, today=D(2027, 1, 18))
    load = backplan.person_load(plan, levelled)
    assert load.levelled
    assert load.feasible
    assert (load.first, load.last) == (D(2027, 1, 18), D(2027, 1, 29))
    lead = load.person("lead")
    # coach: Tue 26 and Wed 27, the lead's last two working days in a row (Mon-Wed).
    assert {d.day: d.booked_hours for d in lead.days if d.booked_hours} == {
        D(2027, 1, 26): 3.0, D(2027, 1, 27): 3.0}
    assert [(w.week, w.available_hours, w.booked_hours) for w in lead.weeks] == [
        ("2027-W03", 9.0, 0.0), ("2027-W04", 9.0, 6.0)]
    qa = load.person("qa")
    # audit ends before coach starts and qa is off on Mon 25: Fri 22, Thu 21, Wed 20 (2 h
    # each) and Tue 19 (1 h).
    assert {d.day: d.booked_hours for d in qa.days if d.booked_hours} == {
        D(2027, 1, 19): 1.0, D(2027, 1, 20): 2.0, D(2027, 1, 21): 2.0, D(2027, 1, 22): 2.0}
    assert qa.booked_hours == 7.0
    assert qa.available_hours == 16.0
    assert all(not p.over_days for p in load.people)


def test_a_capacity_blind_schedule_shows_where_people_are_overbooked() -> None:
    plan = backplan.loads_plan(PLAN.replace("duration: 2, assignees: [lead], after: [audit]",
                                            "duration: 2, assignees: [qa]"))
    blind = backplan.schedule_plan(plan, today=D(2027, 1, 18), ignore_capacity=True)
    load = backplan.person_load(plan, blind)
    assert not load.levelled
    qa = load.person("qa")
    # Core: audit = ceil(7 / 2) = 4 days Tue 26 - Fri 29, coach Thu 28 - Fri 29, time off ignored.
    assert qa.over_days == (D(2027, 1, 26), D(2027, 1, 28), D(2027, 1, 29))
    by_day = {d.day: d for d in qa.days}
    assert by_day[D(2027, 1, 28)].booked_hours == 4.0
    assert by_day[D(2027, 1, 28)].over_hours == 2.0
    assert by_day[D(2027, 1, 26)].available_hours == 0.0


def test_load_to_dict_is_json_ready(plan: backplan.Plan) -> None:
    load = backplan.person_load(plan, backplan.schedule_levelled(plan, today=D(2027, 1, 18)))
    data = json.loads(load.to_json())
    assert data["levelled"] is True
    assert data["today"] == "2027-01-18"
    qa = data["people"][0]
    assert (qa["id"], qa["name"], qa["hours_per_day"], qa["booked_hours"]) == ("qa", "Priya", 2.0,
                                                                               7.0)
    assert qa["weeks"][0] == {"week": "2027-W03", "start": "2027-01-18", "working_days": 5,
                              "available_hours": 10.0, "booked_hours": 7.0, "utilisation": 0.7}
    assert qa["days"][0] == {"date": "2027-01-18", "available_hours": 2.0, "booked_hours": 0.0,
                             "over_hours": 0.0}
    assert "2027-W04" in str(load)
    assert "<table>" in load._repr_html_()


def test_cli_load_prints_weeks_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    assert main(["load", str(path), "--today", "2027-01-18"]) == 0
    out = capsys.readouterr().out
    assert "qa" in out
    assert "2027-W04" in out
    assert "feasible" in out


def test_cli_load_json_has_people_and_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("hours: 7", "hours: 30"))
    assert main(["load", str(path), "--today", "2027-01-18", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["feasible"] is False
    (flag,) = [f for f in data["flags"] if f["code"] == "over-capacity"]
    assert flag["person"] == "qa"
    assert flag["shortfall_hours"] > 0
    assert flag["days"]
    assert [p["id"] for p in data["people"]] == ["qa", "lead"]


def test_cli_load_reports_bad_input_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("assignees: [qa]", "assignees: [qa-analyst]"))
    assert main(["load", str(path), "--today", "2027-01-18"]) == 2
    assert "'qa-analyst' is not a person id" in capsys.readouterr().err


def test_cli_load_refuses_a_negative_seed_as_risk_does(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "capacity.yaml"
    with pytest.raises(SystemExit) as raised:
        main(["load", str(example), "--today", "2026-11-23", "--seed", "-1"])
    assert raised.value.code == 2
    assert "at least 0" in capsys.readouterr().err
