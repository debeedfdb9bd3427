"""Working calendars: working days, holidays and arithmetic in working days; people's hours, and the
project hours a queue spares."""

from backplan.calendars.working import WorkingCalendar  # noqa: I001 - rules build on it
from backplan.calendars.people import PersonCalendar, available_hours, nominal_duration_days
from backplan.calendars.queue import QueueCapacity, QueueDay
from backplan.calendars.rules import non_working_days, plan_calendar

__all__ = [
    "PersonCalendar",
    "QueueCapacity",
    "QueueDay",
    "WorkingCalendar",
    "available_hours",
    "nominal_duration_days",
    "non_working_days",
    "plan_calendar",
]
