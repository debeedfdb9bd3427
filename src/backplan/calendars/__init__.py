"""Working calendars: working days, holidays and arithmetic in working days."""

from backplan.calendars.working import WorkingCalendar

__all__ = ["WorkingCalendar"]
