"""Pydantic models of plans: goal, key results, calendar, milestones, actions."""

from backplan.models.calendar import WEEKDAYS, Calendar
from backplan.models.goal import Goal, KeyResult
from backplan.models.metrics import METRICS, Metric
from backplan.models.people import Assignee, DateRange, Effort, Person
from backplan.models.plan import Plan
from backplan.models.queue import Queue, QueueChange
from backplan.models.risk import Estimate, Risk
from backplan.models.work import Action, Milestone

__all__ = [
    "METRICS", "WEEKDAYS", "Action", "Assignee", "Calendar", "DateRange", "Effort", "Estimate",
    "Goal", "KeyResult", "Metric", "Milestone", "Person", "Plan", "Queue", "QueueChange", "Risk",
]
