"""Queue maths for contact centres: Erlang C and Erlang A staffing.

How many agents must be on the queue in an interval to answer, say, 80% of contacts within 20
seconds; how many to roster once shrinkage takes its share; and what service level, average
speed of answer (ASA), occupancy and probability of waiting that staffing gives. Pure maths:
this package imports nothing from backplan but its errors (numpy only inside
:func:`interval_staffing`, for many intervals at once).

Example:
    >>> from backplan.staffing import required_staffing
    >>> s = required_staffing(100, interval_seconds=1800, aht_seconds=180,
    ...                       target_service_level=0.8, target_answer_seconds=20,
    ...                       shrinkage=0.3, max_occupancy=0.85)
    >>> s.agents, s.rostered, round(s.service_level, 4), round(s.occupancy, 3)
    (14, 20, 0.8884, 0.714)
"""

from __future__ import annotations

from backplan.staffing.erlang import QueuePerformance, erlang_b, erlang_c, queue_performance
from backplan.staffing.inputs import MAX_AGENTS, StaffingError
from backplan.staffing.intervals import IntervalStaffing, interval_staffing
from backplan.staffing.requirement import (
    Staffing,
    required_staffing,
    rostered_agents,
    staffing_table,
)

__all__ = [
    "MAX_AGENTS",
    "IntervalStaffing",
    "QueuePerformance",
    "Staffing",
    "StaffingError",
    "erlang_b",
    "erlang_c",
    "interval_staffing",
    "queue_performance",
    "required_staffing",
    "rostered_agents",
    "staffing_table",
]
