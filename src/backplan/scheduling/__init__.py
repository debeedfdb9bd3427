"""Backward (as late as possible) and forward (from today) scheduling, slack and flags."""

from backplan.scheduling.flags import PassResult, timeline_flags
from backplan.scheduling.levelling import (
    Booking,
    CapacityFlag,
    LevelledSchedule,
    schedule_levelled,
)
from backplan.scheduling.network import Network, compile_network
from backplan.scheduling.passes import backward_pass, forward_pass
from backplan.scheduling.result import Fix, Flag, MilestoneDate, Schedule, ScheduledAction
from backplan.scheduling.schedule import critical_path, run_passes, schedule_plan

__all__ = [
    "Booking",
    "CapacityFlag",
    "Fix",
    "Flag",
    "LevelledSchedule",
    "MilestoneDate",
    "Network",
    "PassResult",
    "Schedule",
    "ScheduledAction",
    "backward_pass",
    "compile_network",
    "critical_path",
    "forward_pass",
    "run_passes",
    "schedule_levelled",
    "schedule_plan",
    "timeline_flags",
]
