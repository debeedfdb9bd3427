"""The SMART check: one hand-made plan per finding code, benchmark boundaries, properties, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from backplan import BENCHMARKS, SMART_CODES, Plan, lint_plan, load_plan, schedule_plan
from backplan.cli import main
from strategies import plans, todays

D = dt.date
TODAY = D(2026, 11, 23)


def smart_plan(**changes: Any) -> dict[str, Any]:
    """A plan with nothing to report; ``changes`` replace goal fields (``kr`` the key result's)."""
    kr = {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 74,
          "baseline_date": "2026-10-31", **changes.pop("kr", {})}
    goal = {"id": "fcr-74", "title": "Raise first call resolution to 74%", "due": "2027-03-31",
            "parent": "Best service in UK telecoms", "key_results": [kr], **changes}
    return {"goal": goal, "actions": [
        {"id": "kb", "duration": 10, "impact": {"fcr": 2}},
        {"id": "coach", "duration": 10, "after": ["kb"], "impact": {"fcr": 1}},
    ]}


def codes(plan: dict[str, Any], today: dt.date = TODAY) -> list[str]:
    return [f.code for f in lint_plan(load_plan(plan), today=today).findings]


def test_a_smart_plan_has_nothing_to_report() -> None:
    report = lint_plan(load_plan(smart_plan()), today=TODAY)
    assert report.findings == ()
    assert report.ok
    assert str(report) == "Goal 'fcr-74': SMART, nothing to report"


def with_actions(plan: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {**plan, "actions": actions}


CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    # code, plan, severity, item, field
    ("specific-no-title", smart_plan(title=""), "warning", "fcr-74", "title"),
    ("specific-vague-title", smart_plan(title="Make customers happier"), "info", "fcr-74",
     "title"),
    ("specific-no-metric", with_actions(smart_plan(key_results=[]), []), "warning", "fcr-74",
     "key_results"),
    ("measurable-no-unit", smart_plan(kr={"metric": "repeat_rate", "unit": "",
                                          "direction": "decrease", "baseline": 20,
                                          "target": 15},
                                      title="Cut the repeat rate"),
     "warning", "fcr", "unit"),
    ("measurable-no-baseline-date", smart_plan(kr={"baseline_date": None}), "warning", "fcr",
     "baseline_date"),
    ("measurable-baseline-date", smart_plan(kr={"baseline_date": "2026-12-01"}), "warning",
     "fcr", "baseline_date"),
    ("achievable-infeasible", smart_plan(due="2026-12-04"), "error", "fcr-74", "due"),
    ("achievable-effects-short", smart_plan(kr={"target": 75}), "warning", "fcr", "target"),
    ("achievable-no-effects", with_actions(smart_plan(), [{"id": "kb", "duration": 5}]), "info",
     "fcr", ""),
    ("achievable-rare-improvement", with_actions(smart_plan(kr={"target": 76}), [
        {"id": "kb", "duration": 5, "impact": {"fcr": 5}}]), "warning", "fcr", "target"),
    ("relevant-no-parent", smart_plan(parent=None), "info", "fcr-74", "parent"),
    ("time-bound-past", with_actions(smart_plan(due="2026-11-23"), []), "error", "fcr-74", "due"),
]


@pytest.mark.parametrize(("code", "plan", "severity", "item", "field"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_finding(code: str, plan: dict[str, Any], severity: str, item: str,
                      field: str) -> None:
    report = lint_plan(load_plan(plan), today=TODAY)
    found = [f for f in report.findings if f.code == code]
    assert len(found) == 1, [f.code for f in report.findings]
    finding = found[0]
    assert (finding.severity, finding.item, finding.field) == (severity, item, field)
    assert finding.fix
    assert report.ok == (severity != "error" and not any(
        f.severity == "error" for f in report.findings))


def test_every_code_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(SMART_CODES)


def test_findings_come_errors_first_then_by_letter() -> None:
    plan = smart_plan(due="2026-11-20", title="", parent=None, kr={"baseline_date": None})
    report = lint_plan(load_plan(with_actions(plan, [])), today=TODAY)
    assert [f.code for f in report.findings] == [
        "time-bound-past",
        "specific-no-title", "measurable-no-baseline-date",
        "achievable-no-effects", "relevant-no-parent",
    ]
    assert [f.code for f in report.letter("M")] == ["measurable-no-baseline-date"]
    assert not report.ok


@pytest.mark.parametrize(("baseline", "target", "start", "due", "flagged"), [
    (71, 76, "2026-10-31", "2027-10-31", True),     # +5 points in a year: what < 5 % achieve
    (71, 75.9, "2026-10-31", "2027-10-31", False),   # just under
    (71, 74, "2026-10-31", "2027-01-31", False),     # +3 in 3 months: not scaled down
    (71, 78, "2026-10-31", "2028-04-30", False),     # +7 in 18 months: 7.5 is the bar
    (71, 79, "2026-10-31", "2028-04-30", True),      # +8 in 18 months
])
def test_fcr_benchmark_boundaries(baseline: float, target: float, start: str, due: str,
                                  flagged: bool) -> None:
    plan = smart_plan(due=due, kr={"baseline": baseline, "target": target, "baseline_date": start})
    assert ("achievable-rare-improvement" in codes(plan)) == flagged


def test_benchmark_warning_cites_its_source() -> None:
    plan = smart_plan(kr={"target": 80})
    finding = next(f for f in lint_plan(load_plan(plan), today=TODAY).findings
                   if f.code == "achievable-rare-improvement")
    assert "fewer than 5% of contact centres improve it by 5 points or more in a year" in (
        finding.message)
    assert "SQM Group" in finding.source
    assert BENCHMARKS["fcr"].url in finding.source


def test_no_benchmark_comparison_once_the_due_date_has_passed() -> None:
    plan = load_plan(smart_plan(due="2026-11-20", kr={"target": 80, "baseline_date": None}))
    codes_found = [f.code for f in lint_plan(plan, today=TODAY).findings]
    assert "time-bound-past" in codes_found
    assert "achievable-rare-improvement" not in codes_found


def test_metrics_without_a_benchmark_are_not_judged() -> None:
    plan = smart_plan(title="Cut AHT to 5 minutes", kr={"metric": "aht", "baseline": 420,
                                                         "target": 300})
    plan = with_actions(plan, [{"id": "a", "duration": 3, "impact": {"fcr": -120}}])
    assert "achievable-rare-improvement" not in codes(plan)


def test_effects_are_counted_in_the_better_direction() -> None:
    plan = smart_plan(title="Cut AHT to 6 minutes", kr={"metric": "aht", "baseline": 420,
                                                         "target": 360})
    enough = with_actions(plan, [{"id": "a", "duration": 3, "impact": {"fcr": -60}}])
    wrong_way = with_actions(plan, [{"id": "a", "duration": 3, "impact": {"fcr": 60}}])
    assert "achievable-effects-short" not in codes(enough)
    assert "achievable-effects-short" in codes(wrong_way)


@settings(max_examples=40)
@given(plan=plans(max_items=8), today=todays)
def test_achievable_and_time_bound_follow_the_schedule(plan: Plan, today: dt.date) -> None:
    found = {f.code for f in lint_plan(plan, today=today).findings}
    assert ("achievable-infeasible" in found) == (not schedule_plan(plan, today=today).feasible)
    assert ("time-bound-past" in found) == (plan.goal.due <= today)
    assert found <= set(SMART_CODES)


def test_cli_lint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(smart_plan(due="2026-12-04")), encoding="utf-8")
    assert main(["lint", str(path), "--today", "2026-11-23"]) == 0
    assert "error [achievable-infeasible]" in capsys.readouterr().out
    assert main(["lint", str(path), "--today", "2026-11-23", "--strict"]) == 1
    capsys.readouterr()
    assert main(["lint", str(path), "--today", "2026-11-23", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["findings"][0]["letter"] == "A"
    good = tmp_path / "good.json"
    good.write_text(json.dumps(smart_plan()), encoding="utf-8")
    assert main(["lint", str(good), "--today", "2026-11-23", "--strict"]) == 0
