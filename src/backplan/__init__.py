"""backplan: backward goal-setting and OKR planning for customer-service operations.

Start from the target date and work back: which milestones must be reached by when, which
actions must start by which day, and whether that is possible from today.

Example:
    >>> import datetime as dt
    >>> import backplan
    >>> plan = backplan.load_plan({
    ...     "goal": {"id": "fcr-80", "title": "Raise FCR to 80%", "due": "2027-03-31",
    ...              "key_results": [{"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]},
    ...     "actions": [{"id": "analyse", "duration": 10},
    ...                 {"id": "coach", "duration": 15, "after": ["analyse"]}],
    ... })
    >>> schedule = backplan.schedule_plan(plan, today=dt.date(2026, 11, 23))
    >>> schedule.feasible, schedule.action("coach").start.isoformat()
    (True, '2027-03-11')

Names are imported on first use, so ``import backplan`` stays fast (no networkx, pandas or
plotting until needed).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> module that defines it. Kept sorted by module, then name.
_EXPORTS: dict[str, str] = {
    "BENCHMARKS": "backplan.analysis.benchmarks",
    "Benchmark": "backplan.analysis.benchmarks",
    "DescopeProposal": "backplan.analysis.descope",
    "Descoping": "backplan.analysis.descope",
    "descope_proposals": "backplan.analysis.descope",
    "drop_actions": "backplan.analysis.descope",
    "Finding": "backplan.analysis.findings",
    "ActionEffect": "backplan.analysis.glide",
    "GlidePath": "backplan.analysis.glide",
    "GlidePaths": "backplan.analysis.glide",
    "InterimTarget": "backplan.analysis.glide",
    "glide_paths": "backplan.analysis.glide",
    "HuddleBrief": "backplan.analysis.huddle",
    "huddle_brief": "backplan.analysis.huddle",
    "MoscowSummary": "backplan.analysis.moscow",
    "PriorityShare": "backplan.analysis.moscow",
    "moscow_summary": "backplan.analysis.moscow",
    "AccuracyRow": "backplan.analysis.pomodoro",
    "ActionAccuracy": "backplan.analysis.pomodoro",
    "EstimationAccuracy": "backplan.analysis.pomodoro",
    "TimeBox": "backplan.analysis.pomodoro",
    "TimeBoxItem": "backplan.analysis.pomodoro",
    "TimeBoxSlot": "backplan.analysis.pomodoro",
    "UnknownPersonError": "backplan.analysis.pomodoro",
    "estimate_pomodoros": "backplan.analysis.pomodoro",
    "estimation_accuracy": "backplan.analysis.pomodoro",
    "record_pomodoros": "backplan.analysis.pomodoro",
    "time_box": "backplan.analysis.pomodoro",
    "ScheduleComparison": "backplan.analysis.progress",
    "Slip": "backplan.analysis.progress",
    "compare_schedules": "backplan.analysis.progress",
    "ScenarioComparison": "backplan.analysis.scenarios",
    "ScenarioOutcome": "backplan.analysis.scenarios",
    "apply_scenario": "backplan.analysis.scenarios",
    "compare_scenarios": "backplan.analysis.scenarios",
    "ActionRisk": "backplan.analysis.risk",
    "MilestoneRisk": "backplan.analysis.risk",
    "RiskExposure": "backplan.analysis.risk",
    "RiskMatrix": "backplan.analysis.risk",
    "ScheduleBuffer": "backplan.analysis.risk",
    "Simulation": "backplan.analysis.risk",
    "duration_distribution": "backplan.analysis.risk",
    "risk_matrix": "backplan.analysis.risk",
    "simulate_schedule": "backplan.analysis.risk",
    "LintReport": "backplan.analysis.smart",
    "SMART_CODES": "backplan.analysis.smart",
    "lint_plan": "backplan.analysis.smart",
    "CheckInStatus": "backplan.analysis.tracking",
    "Forecast": "backplan.analysis.tracking",
    "KeyResultTracking": "backplan.analysis.tracking",
    "StatusRule": "backplan.analysis.tracking",
    "TrackingReport": "backplan.analysis.tracking",
    "okr_score": "backplan.analysis.tracking",
    "progress_pct": "backplan.analysis.tracking",
    "read_checkins": "backplan.analysis.tracking",
    "status_of": "backplan.analysis.tracking",
    "track_progress": "backplan.analysis.tracking",
    "wilson_interval": "backplan.analysis.tracking",
    "WorkingCalendar": "backplan.calendars",
    "PROBLEM_CODES": "backplan.errors",
    "BackplanError": "backplan.errors",
    "InfeasibleScheduleError": "backplan.errors",
    "MissingExtraError": "backplan.errors",
    "PlanError": "backplan.errors",
    "PlanFileError": "backplan.errors",
    "PlanValidationError": "backplan.errors",
    "Problem": "backplan.errors",
    "ScheduleRangeError": "backplan.errors",
    "CheckInError": "backplan.errors",
    "KeyResultSeries": "backplan.export",
    "format_table": "backplan.export",
    "gantt_figure": "backplan.export",
    "gantt_plotly": "backplan.export",
    "key_result_series": "backplan.export",
    "plan_schema": "backplan.export",
    "report_html": "backplan.export",
    "schedule_schema": "backplan.export",
    "to_csv": "backplan.export",
    "to_dataframe": "backplan.export",
    "to_ical": "backplan.export",
    "to_mermaid": "backplan.export",
    "to_mspdi": "backplan.export",
    "write_gantt": "backplan.export",
    "write_report": "backplan.export",
    "build_graph": "backplan.graph",
    "plan_problems": "backplan.graph",
    "validate_plan": "backplan.graph",
    "dump_plan": "backplan.io",
    "load_plan": "backplan.io",
    "loads_plan": "backplan.io",
    "PlanEdit": "backplan.io.edit",
    "mark_done": "backplan.io.edit",
    "mark_started": "backplan.io.edit",
    "record_checkin": "backplan.io.edit",
    "load_scenarios": "backplan.io.scenario_files",
    "METRICS": "backplan.models",
    "Action": "backplan.models",
    "Calendar": "backplan.models",
    "Estimate": "backplan.models",
    "Goal": "backplan.models",
    "KeyResult": "backplan.models",
    "Metric": "backplan.models",
    "Milestone": "backplan.models",
    "Plan": "backplan.models",
    "Risk": "backplan.models",
    "Scenario": "backplan.models.scenario",
    "ScenarioChange": "backplan.models.scenario",
    "ScenarioSet": "backplan.models.scenario",
    "CheckIn": "backplan.models.tracking",
    "Fix": "backplan.scheduling",
    "Flag": "backplan.scheduling",
    "MilestoneDate": "backplan.scheduling",
    "Schedule": "backplan.scheduling",
    "ScheduledAction": "backplan.scheduling",
    "schedule_plan": "backplan.scheduling",
}

__all__ = [
    "BENCHMARKS",
    "METRICS",
    "PROBLEM_CODES",
    "SMART_CODES",
    "AccuracyRow",
    "Action",
    "ActionAccuracy",
    "ActionEffect",
    "ActionRisk",
    "BackplanError",
    "Benchmark",
    "Calendar",
    "CheckIn",
    "CheckInError",
    "CheckInStatus",
    "DescopeProposal",
    "Descoping",
    "Estimate",
    "EstimationAccuracy",
    "Finding",
    "Fix",
    "Flag",
    "Forecast",
    "GlidePath",
    "GlidePaths",
    "Goal",
    "HuddleBrief",
    "InfeasibleScheduleError",
    "InterimTarget",
    "KeyResult",
    "KeyResultSeries",
    "KeyResultTracking",
    "LintReport",
    "Metric",
    "Milestone",
    "MilestoneDate",
    "MilestoneRisk",
    "MissingExtraError",
    "MoscowSummary",
    "Plan",
    "PlanEdit",
    "PlanError",
    "PlanFileError",
    "PlanValidationError",
    "PriorityShare",
    "Problem",
    "Risk",
    "RiskExposure",
    "RiskMatrix",
    "Scenario",
    "ScenarioChange",
    "ScenarioComparison",
    "ScenarioOutcome",
    "ScenarioSet",
    "Schedule",
    "ScheduleBuffer",
    "ScheduleComparison",
    "ScheduleRangeError",
    "ScheduledAction",
    "Simulation",
    "Slip",
    "StatusRule",
    "TimeBox",
    "TimeBoxItem",
    "TimeBoxSlot",
    "TrackingReport",
    "UnknownPersonError",
    "WorkingCalendar",
    "__version__",
    "apply_scenario",
    "build_graph",
    "compare_scenarios",
    "compare_schedules",
    "descope_proposals",
    "drop_actions",
    "dump_plan",
    "duration_distribution",
    "estimate_pomodoros",
    "estimation_accuracy",
    "format_table",
    "gantt_figure",
    "gantt_plotly",
    "glide_paths",
    "huddle_brief",
    "key_result_series",
    "lint_plan",
    "load_plan",
    "load_scenarios",
    "loads_plan",
    "mark_done",
    "mark_started",
    "moscow_summary",
    "okr_score",
    "plan_problems",
    "plan_schema",
    "progress_pct",
    "read_checkins",
    "record_checkin",
    "record_pomodoros",
    "report_html",
    "risk_matrix",
    "schedule_plan",
    "schedule_schema",
    "simulate_schedule",
    "status_of",
    "time_box",
    "to_csv",
    "to_dataframe",
    "to_ical",
    "to_mermaid",
    "to_mspdi",
    "track_progress",
    "validate_plan",
    "wilson_interval",
    "write_gantt",
    "write_report",
]

if TYPE_CHECKING:
    from backplan.analysis.benchmarks import BENCHMARKS, Benchmark
    from backplan.analysis.descope import (
        DescopeProposal,
        Descoping,
        descope_proposals,
        drop_actions,
    )
    from backplan.analysis.findings import Finding
    from backplan.analysis.glide import (
        ActionEffect,
        GlidePath,
        GlidePaths,
        InterimTarget,
        glide_paths,
    )
    from backplan.analysis.huddle import HuddleBrief, huddle_brief
    from backplan.analysis.moscow import MoscowSummary, PriorityShare, moscow_summary
    from backplan.analysis.pomodoro import (
        AccuracyRow,
        ActionAccuracy,
        EstimationAccuracy,
        TimeBox,
        TimeBoxItem,
        TimeBoxSlot,
        UnknownPersonError,
        estimate_pomodoros,
        estimation_accuracy,
        record_pomodoros,
        time_box,
    )
    from backplan.analysis.progress import ScheduleComparison, Slip, compare_schedules
    from backplan.analysis.risk import (
        ActionRisk,
        MilestoneRisk,
        RiskExposure,
        RiskMatrix,
        ScheduleBuffer,
        Simulation,
        duration_distribution,
        risk_matrix,
        simulate_schedule,
    )
    from backplan.analysis.scenarios import (
        ScenarioComparison,
        ScenarioOutcome,
        apply_scenario,
        compare_scenarios,
    )
    from backplan.analysis.smart import SMART_CODES, LintReport, lint_plan
    from backplan.analysis.tracking import (
        CheckInStatus,
        Forecast,
        KeyResultTracking,
        StatusRule,
        TrackingReport,
        okr_score,
        progress_pct,
        read_checkins,
        status_of,
        track_progress,
        wilson_interval,
    )
    from backplan.calendars import WorkingCalendar
    from backplan.errors import (
        PROBLEM_CODES,
        BackplanError,
        CheckInError,
        InfeasibleScheduleError,
        MissingExtraError,
        PlanError,
        PlanFileError,
        PlanValidationError,
        Problem,
        ScheduleRangeError,
    )
    from backplan.export import (
        KeyResultSeries,
        format_table,
        gantt_figure,
        gantt_plotly,
        key_result_series,
        plan_schema,
        report_html,
        schedule_schema,
        to_csv,
        to_dataframe,
        to_ical,
        to_mermaid,
        to_mspdi,
        write_gantt,
        write_report,
    )
    from backplan.graph import build_graph, plan_problems, validate_plan
    from backplan.io import dump_plan, load_plan, loads_plan
    from backplan.io.edit import PlanEdit, mark_done, mark_started, record_checkin
    from backplan.io.scenario_files import load_scenarios
    from backplan.models import (
        METRICS,
        Action,
        Calendar,
        Estimate,
        Goal,
        KeyResult,
        Metric,
        Milestone,
        Plan,
        Risk,
    )
    from backplan.models.scenario import Scenario, ScenarioChange, ScenarioSet
    from backplan.models.tracking import CheckIn
    from backplan.scheduling import (
        Fix,
        Flag,
        MilestoneDate,
        Schedule,
        ScheduledAction,
        schedule_plan,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'backplan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
