"""Working days: which dates count, and arithmetic over them in whole working days.

Every working day has a *number*: how many working days lie between 0001-01-01 and it. Numbers
make working-day arithmetic plain integer arithmetic: the working day after ``d`` is
``day(number(d) + 1)``, and the working days from ``a`` to ``b`` are ``number(b) - number(a)``.
A date that is not a working day has the number of the next working day.

Example:
    >>> import datetime as dt
    >>> cal = WorkingCalendar(holidays=[dt.date(2026, 12, 25)])
    >>> cal.on_or_after(dt.date(2026, 12, 25))          # Friday holiday -> Monday
    datetime.date(2026, 12, 28)
    >>> cal.shift(dt.date(2026, 12, 24), 1)
    datetime.date(2026, 12, 28)
    >>> cal.count(dt.date(2026, 12, 21), dt.date(2026, 12, 28))
    4
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from backplan.errors import ScheduleRangeError

if TYPE_CHECKING:
    from backplan.models.calendar import Calendar

__all__ = ["WorkingCalendar"]

_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_ORDINAL = dt.date.max.toordinal()


class WorkingCalendar:
    """Working weekdays minus holidays, with O(log holidays) conversions between dates and numbers.

    Args:
        workdays: working weekdays as ``date.weekday()`` numbers (Monday = 0) or names
            (``"mon"``); Monday to Friday by default.
        holidays: non-working dates; those on non-working weekdays change nothing.
    """

    __slots__ = ("_holidays", "_prefix", "_week", "_workdays", "_wwd_offsets")

    def __init__(
        self,
        workdays: Iterable[int | str] = (0, 1, 2, 3, 4),
        holidays: Iterable[dt.date] = (),
    ) -> None:
        workdays = list(workdays)
        names = [d for d in workdays if isinstance(d, str) and d not in _WEEKDAY_NAMES]
        if names:
            raise ValueError(f"unknown weekday name {names[0]!r}; use one of "
                             f"{', '.join(_WEEKDAY_NAMES)} or 0 (Monday) to 6 (Sunday)")
        days = {_WEEKDAY_NAMES.index(d) if isinstance(d, str) else int(d) for d in workdays}
        if not days or not days <= set(range(7)):
            raise ValueError(f"workdays must name 1 to 7 weekdays, got {sorted(days)}")
        self._workdays = frozenset(days)
        self._week = len(days)
        # _prefix[r]: working weekdays among the first r days of a week (Monday first).
        self._prefix = [sum(1 for w in range(r) if w in days) for r in range(8)]
        self._wwd_offsets = sorted(days)
        self._holidays: list[int] = sorted(
            {h.toordinal() for h in holidays if h.weekday() in days}
        )

    @classmethod
    def from_model(
        cls, calendar: Calendar, *, window: tuple[dt.date, dt.date] | None = None
    ) -> WorkingCalendar:
        """The working calendar a plan's :class:`~backplan.Calendar` describes.

        Blackout days count as holidays; recurring ``rules`` and ``country`` holidays are
        expanded over ``window`` (default :data:`backplan.calendars.rules.DEFAULT_WINDOW`).
        ``schedule_plan`` uses :func:`backplan.calendars.plan_calendar`, which widens the window
        to cover the plan's own dates.
        """
        if not (calendar.country or calendar.blackouts or calendar.rules):
            return cls(calendar.workdays, calendar.holidays)
        from backplan.calendars.rules import DEFAULT_WINDOW, non_working_days

        first, last = window if window is not None else DEFAULT_WINDOW
        return cls(calendar.workdays,
                   [*calendar.holidays, *non_working_days(calendar, first, last)])

    @property
    def workdays(self) -> frozenset[int]:
        """Working weekdays as ``date.weekday()`` numbers."""
        return self._workdays

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working weekday and not a holiday."""
        if day.weekday() not in self._workdays:
            return False
        ordinal = day.toordinal()
        i = bisect_right(self._holidays, ordinal)
        return not (i and self._holidays[i - 1] == ordinal)

    # -- numbers ---------------------------------------------------------------------------
    def _weekdays_before(self, ordinal: int) -> int:
        """Working weekdays (holidays ignored) in [0001-01-01, ordinal)."""
        weeks, rest = divmod(ordinal - 1, 7)
        return weeks * self._week + self._prefix[rest]

    def number(self, day: dt.date) -> int:
        """The number of ``day``, or of the next working day when ``day`` is not one."""
        ordinal = day.toordinal()
        return self._weekdays_before(ordinal) - bisect_right(self._holidays, ordinal - 1)

    def _weekday_ordinal(self, m: int) -> int:
        """Ordinal of the m-th (0-based) working weekday, holidays ignored."""
        weeks, rest = divmod(m, self._week)
        return 1 + 7 * weeks + self._wwd_offsets[rest]

    def day(self, number: int) -> dt.date:
        """The working day with this number.

        Raises:
            ScheduleRangeError: the day would fall outside the years 1..9999.
        """
        # Smallest m whose prefix of working weekdays holds number + 1 non-holidays.
        holidays = self._holidays
        lo, hi = number, number + len(holidays)
        while lo < hi:
            mid = (lo + hi) // 2
            if mid + 1 - bisect_right(holidays, self._weekday_ordinal(mid)) >= number + 1:
                hi = mid
            else:
                lo = mid + 1
        ordinal = self._weekday_ordinal(lo)
        if not 1 <= ordinal <= _MAX_ORDINAL:
            raise ScheduleRangeError(
                "the schedule needs dates outside the years 1..9999; "
                "check for durations or lags far longer than intended"
            )
        return dt.date.fromordinal(ordinal)

    def days(self, numbers: Sequence[int]) -> list[dt.date]:
        """Dates for many numbers at once (one walk over the span they cover)."""
        if not numbers:
            return []
        low, high = min(numbers), max(numbers)
        table = self.span(low, high)
        if len(numbers) < low // 8:
            return [table[n - low] for n in numbers]
        # Many numbers: index a list by the numbers themselves (``low`` Nones in front), which
        # saves the subtraction per number, half the time at 100,000 actions.
        by_number: list[Any] = [None] * low
        by_number += table
        return list(map(by_number.__getitem__, numbers))

    def span(self, first: int, last: int) -> list[dt.date]:
        """Working days numbered ``first`` to ``last`` inclusive, in order."""
        start = self.day(first)
        if last > first:
            self.day(last)  # range check before walking
        workdays, holidays = self._workdays, set(self._holidays)
        out = [start]
        ordinal, weekday = start.toordinal(), start.weekday()
        need = last - first
        fromordinal = dt.date.fromordinal
        while need > 0:
            ordinal += 1
            weekday = (weekday + 1) % 7
            if weekday in workdays and ordinal not in holidays:
                out.append(fromordinal(ordinal))
                need -= 1
        return out

    # -- date helpers ----------------------------------------------------------------------
    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next working day."""
        return self.day(self.number(day))

    def on_or_before(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the previous working day."""
        return self.day(self.number_on_or_before(day))

    def number_on_or_before(self, day: dt.date) -> int:
        """The number of ``day``, or of the previous working day when ``day`` is not one."""
        return self.number(day + dt.timedelta(days=1)) - 1 if day < dt.date.max else (
            self.number(day) if self.is_working_day(day) else self.number(day) - 1
        )

    def shift(self, day: dt.date, working_days: int) -> dt.date:
        """The working day ``working_days`` after (or before, if negative) ``day``.

        ``day`` itself is first moved to the next working day when it is not one.
        """
        return self.day(self.number(day) + working_days)

    def count(self, start: dt.date, end: dt.date) -> int:
        """Signed working days from ``start`` to ``end`` (numbers of the days, subtracted)."""
        return self.number(end) - self.number(start)

    def __repr__(self) -> str:
        names = ",".join(_WEEKDAY_NAMES[d] for d in sorted(self._workdays))
        return f"<WorkingCalendar {names} holidays={len(self._holidays)}>"
