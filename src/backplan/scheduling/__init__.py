"""Backward (as late as possible) and forward (from today) scheduling, slack and flags.

Resource levelling (:func:`schedule_levelled` and its results) is imported on first use.
"""

from typing import TYPE_CHECKING

from backplan._lazy import lazy_exports
from backplan.scheduling.flags import PassResult, timeline_flags
from backplan.scheduling.network import Network, compile_network
from backplan.scheduling.passes import backward_pass, forward_pass
from backplan.scheduling.pipeline import (
    capacity_mode,
    make_scheduler,
    queue_capacity,
    schedule_plan,
)
from backplan.scheduling.result import (
    CapacityMode,
    Fix,
    Flag,
    MilestoneDate,
    Schedule,
    ScheduledAction,
    rank_fixes,
)
from backplan.scheduling.schedule import critical_path, run_passes

if TYPE_CHECKING:
    from backplan.scheduling.levelling import Booking, LevelledSchedule, schedule_levelled
    from backplan.scheduling.levelling_flags import CapacityFlag

__all__ = [
    "Booking",
    "CapacityFlag",
    "CapacityMode",
    "Fix",
    "Flag",
    "LevelledSchedule",
    "MilestoneDate",
    "Network",
    "PassResult",
    "Schedule",
    "ScheduledAction",
    "backward_pass",
    "capacity_mode",
    "compile_network",
    "critical_path",
    "forward_pass",
    "make_scheduler",
    "queue_capacity",
    "rank_fixes",
    "run_passes",
    "schedule_levelled",
    "schedule_plan",
    "timeline_flags",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    **dict.fromkeys(("Booking", "LevelledSchedule", "schedule_levelled"),
                    "backplan.scheduling.levelling"),
    "CapacityFlag": "backplan.scheduling.levelling_flags",
})
