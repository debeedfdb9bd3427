"""The project hours a queue spares each day, and how its people share them.

For each working day the queue is open, every interval of the day is staffed by Erlang C (or
Erlang A with a ``patience``) with :func:`backplan.staffing.interval_staffing`: the agents the
service-level target needs on the queue, and the agents to roster for them once shrinkage takes
its share (``ceil(agents / (1 - shrinkage))``). What the roster has beyond that, interval by
interval and never below 0, is the queue's spare time:

    spare hours of a day = sum over its intervals of max(0, rostered - required rostered)
                           x interval length

An interval short of agents is the roster's problem; it takes nothing from the spare time of
the others. The day's spare time is shared among the queue's people who work that day: evenly,
each capped by their own ``hours_per_day`` (the most project hours they take from the queue in a
day); what a capped person cannot take goes to the others, and what nobody can take stays on
the queue. Shares are whole seconds (the odd seconds of an uneven split go to the last), and
never add up to more than the spare time.

The AHT of a day is the queue's ``aht`` (or what the caller passes: the pipeline follows an AHT
key result's glide path, see :func:`backplan.scheduling.pipeline.queue_capacity`), then the
queue's ``adjust`` changes in order: ``volume: +20%`` scales the day's contacts, ``aht`` sets
or scales the AHT, ``add_agents`` adds to the roster. Days are computed in batches as they are
asked for (numpy, ``pip install "backplan[fast]"``) and kept.

Example:
    >>> import datetime as dt
    >>> from backplan.calendars import WorkingCalendar
    >>> from backplan.models import Plan
    >>> plan = Plan.model_validate({
    ...     "goal": {"id": "g", "due": "2027-01-29"},
    ...     "people": [{"id": "ana", "hours_per_day": 6}, {"id": "ben", "hours_per_day": 2}],
    ...     "queue": {"interval": "30m", "volume": [100, 100], "aht": 180, "target": "80/20",
    ...               "shrinkage": 0.3, "rostered": 24, "people": ["ana", "ben"]}})
    >>> capacity = QueueCapacity(plan, WorkingCalendar())
    >>> day = capacity.day(dt.date(2027, 1, 4))
    >>> day.required_agents, day.spare_hours, dict(day.shares)
    ((20, 20), 4.0, {'ana': 7200, 'ben': 7200})
    >>> day
    <QueueDay 2027-01-04 AHT 180 s, 2 intervals, spare 4 h: ana 2 h, ben 2 h>

100 contacts in half an hour at 3 minutes need 14 agents on the queue, 20 rostered after 30%
shrinkage; 24 rostered leave 4 agents for half an hour twice: 4 hours, 2 each.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from backplan.calendars.people import PersonCalendar
from backplan.calendars.working import WorkingCalendar
from backplan.errors import PlanValidationError, Problem, require
from backplan.models import Plan
from backplan.models.queue import Queue
from backplan.staffing import StaffingError, interval_staffing

__all__ = ["AhtByDay", "QueueCapacity", "QueueDay", "shares"]

#: The AHT of a day, in seconds, before the queue's ``adjust`` changes.
AhtByDay = Callable[[dt.date], float]

#: Smallest AHT a path or a change may give (seconds): below it the units must be wrong.
_MIN_AHT = 1.0


@dataclass(frozen=True, slots=True)
class QueueDay:
    """The queue on one working day.

    Attributes:
        day: the date.
        aht_seconds: the AHT the day is staffed with (after the ``adjust`` changes).
        contacts: the contacts offered per interval (after the changes).
        rostered: the agents rostered per interval (after the changes).
        agents: the fewest agents on the queue meeting the target, per interval.
        required_agents: the agents to roster for them after shrinkage, per interval.
        interval_seconds: the length of an interval.
        spare_seconds: project time the queue spares: the rostered agents beyond those required,
            interval by interval (never below 0), times the interval length.
        shares: ``(person id, seconds)``: each of the queue's people working that day, with the
            project time they get (see the module docstring for the rule).
    """

    day: dt.date
    aht_seconds: float
    contacts: tuple[float, ...]
    rostered: tuple[float, ...]
    agents: tuple[int, ...]
    required_agents: tuple[int, ...]
    interval_seconds: float
    spare_seconds: int
    shares: tuple[tuple[str, int], ...]

    @property
    def open(self) -> bool:
        """Whether the queue takes contacts (has intervals) on this day."""
        return bool(self.contacts)

    @property
    def spare_hours(self) -> float:
        """``spare_seconds`` in hours."""
        return self.spare_seconds / 3600

    @property
    def short_hours(self) -> float:
        """Rostered agent-hours missing in the intervals the roster leaves short of the target
        (none of the plan's doing: the roster is below what the queue needs)."""
        return sum(max(0.0, need - have) for need, have in zip(
            self.required_agents, self.rostered, strict=True)) * self.interval_seconds / 3600

    def __repr__(self) -> str:
        if not self.open:
            return f"<QueueDay {self.day.isoformat()} closed>"
        shares = ", ".join(f"{person} {seconds / 3600:g} h" for person, seconds in self.shares)
        return (f"<QueueDay {self.day.isoformat()} AHT {self.aht_seconds:g} s, "
                f"{len(self.contacts)} intervals, spare {self.spare_hours:g} h"
                + (f": {shares}>" if shares else ">"))

    def to_dict(self) -> dict[str, Any]:
        """The day as JSON-ready data."""
        return {"day": self.day.isoformat(), "aht_seconds": self.aht_seconds,
                "contacts": sum(self.contacts), "intervals": len(self.contacts),
                "queue_hours": sum(self.agents) * self.interval_seconds / 3600,
                "required_hours": sum(self.required_agents) * self.interval_seconds / 3600,
                "rostered_hours": sum(self.rostered) * self.interval_seconds / 3600,
                "spare_hours": self.spare_hours, "short_hours": self.short_hours,
                "shares": {person: seconds / 3600 for person, seconds in self.shares}}


def shares(total: int, caps: Sequence[int]) -> list[int]:
    """``total`` seconds shared evenly among people capped at ``caps`` seconds each: what a
    capped person cannot take goes to the others; whole seconds, at most ``total`` in all.

    Example:
        >>> shares(36000, [7200, 28800, 28800])
        [7200, 14400, 14400]
        >>> shares(10, [3, 3, 3]), shares(0, [3600])
        ([3, 3, 3], [0])
    """
    out = [0] * len(caps)
    left, count = total, len(caps)
    for index in sorted(range(len(caps)), key=lambda k: (caps[k], k)):
        give = min(caps[index], left // count)
        out[index] = give
        left -= give
        count -= 1
    return out


class QueueCapacity:
    """Project time per day for the people of a plan's queue (see the module docstring).

    Args:
        plan: the plan; its ``queue`` must be set.
        calendar: the plan's working calendar.
        aht: the AHT of each day before the ``adjust`` changes (default: the queue's ``aht``,
            which must then be a number of seconds).
    """

    __slots__ = ("_aht", "_base", "_calendar", "_dated", "_days", "_plain", "_shared", "people",
                 "queue")

    def __init__(self, plan: Plan, calendar: WorkingCalendar, *, aht: AhtByDay | None = None) -> None:
        if plan.queue is None:
            raise ValueError("the plan has no queue")
        self.queue: Queue = plan.queue
        named = set(self.queue.people)
        #: The queue's people, in plan order.
        self.people: tuple[str, ...] = tuple(p.id for p in plan.people if p.id in named)
        self._calendar = calendar
        self._base = [PersonCalendar(p, calendar) for p in plan.people if p.id in named]
        if aht is None:
            constant = self.queue.aht_seconds
            if constant is None:
                raise ValueError("the queue's AHT follows a key result: pass its AHT per day")
            aht = _constant(constant)
        self._aht = aht
        self._days: dict[dt.date, QueueDay] = {}
        self._shared: dict[dt.date, dict[str, int]] = {}
        # A day's contacts and roster before the changes, by weekday or (when dated) date.
        self._dated = {key for values in (self.queue.volume, self.queue.rostered)
                       if isinstance(values, dict) for key in values if key[0].isdigit()}
        self._plain: dict[str | int, tuple[tuple[float, ...], tuple[float, ...]]] = {}

    def __repr__(self) -> str:
        return f"<QueueCapacity people={list(self.people)} days={len(self._days)}>"

    def day(self, day: dt.date) -> QueueDay:
        """The queue on ``day`` (closed, with no spare time, on a non-working day)."""
        return self.days([day])[0]

    def days(self, days: Iterable[dt.date]) -> list[QueueDay]:
        """The queue on each of ``days`` (computed once, then kept)."""
        wanted = list(days)
        missing = sorted({d for d in wanted if d not in self._days})
        if missing:
            self._compute(missing)
        return [self._days[d] for d in wanted]

    def between(self, first: dt.date, last: dt.date) -> list[QueueDay]:
        """The queue on each working day from ``first`` to ``last`` (both included).

        Example:
            >>> from backplan.models import Plan
            >>> plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"},
            ...     "queue": {"volume": [100], "aht": 180, "target": "80/20", "rostered": 15}})
            >>> week = QueueCapacity(plan, WorkingCalendar()).between(dt.date(2027, 1, 4),
            ...                                                      dt.date(2027, 1, 10))
            >>> tuple(day.spare_hours for day in week)
            (0.5, 0.5, 0.5, 0.5, 0.5)
        """
        calendar = self._calendar
        low, high = calendar.number(first), calendar.number_on_or_before(last)
        return self.days(calendar.span(low, high)) if high >= low else []

    def seconds_on(self, person: str, days: Sequence[dt.date]) -> list[int]:
        """Project seconds ``person`` gets from the queue on each of ``days``."""
        missing = [d for d in days if d not in self._days]
        if missing:
            self._compute(sorted(set(missing)))
        shared = self._shared
        return [shared[d].get(person, 0) for d in days]

    # -- computing ---------------------------------------------------------------------------
    def _compute(self, days: list[dt.date]) -> None:
        queue, calendar = self.queue, self._calendar
        interval = queue.interval_seconds
        rows: list[tuple[dt.date, float, tuple[float, ...], tuple[float, ...]]] = []
        for day in days:
            contacts, roster, aht = self._inputs(day) if calendar.is_working_day(day) else (
                (), (), 0.0)
            if not contacts:
                self._days[day] = QueueDay(day, aht, (), (), (), (), interval, 0, ())
                self._shared[day] = {}
                continue
            rows.append((day, aht, contacts, roster))
        if not rows:
            return
        staffed = self._staff(rows)
        present = self._present([day for day, *_ in rows])
        for (day, aht, contacts, roster), (agents, required, spare) in zip(
                rows, staffed, strict=True):
            here = present[day]
            given = tuple(zip([person for person, _ in here],
                              shares(spare, [cap for _, cap in here]), strict=True))
            self._days[day] = QueueDay(day, aht, contacts, roster, agents, required, interval,
                                       spare, given)
            self._shared[day] = dict(given)

    def _inputs(self, day: dt.date) -> tuple[tuple[float, ...], tuple[float, ...], float]:
        """The day's contacts and roster per interval and its AHT, after the changes."""
        queue = self.queue
        key = day.isoformat() if day.isoformat() in self._dated else day.weekday()
        found = self._plain.get(key)
        if found is None:
            found = self._plain[key] = (queue.volume_on(day), queue.rostered_on(day))
        contacts, roster = found
        if not contacts:
            return (), (), 0.0
        aht = float(self._aht(day))
        for change in queue.adjust:
            if not change.covers(day):
                continue
            if change.volume is not None:
                factor = 1 + float(change.volume.rstrip("%")) / 100
                contacts = tuple(c * factor for c in contacts)
            elif isinstance(change.aht, str):
                aht *= 1 + float(change.aht.rstrip("%")) / 100
            elif change.aht is not None:
                aht = change.aht
            elif change.add_agents is not None:
                roster = tuple(r + change.add_agents for r in roster)
        if not math.isfinite(aht) or aht < _MIN_AHT:
            raise PlanValidationError([Problem(
                "invalid-value", "queue", "aht",
                f"the AHT on {day.isoformat()} would be {aht:g} seconds",
                "check the AHT key result's baseline and the actions' impact on it, and the "
                "queue's aht changes")])
        return contacts, roster, aht

    def _staff(
        self, rows: list[tuple[dt.date, float, tuple[float, ...], tuple[float, ...]]]
    ) -> list[tuple[tuple[int, ...], tuple[int, ...], int]]:
        """Per row: agents on the queue and required rostered agents per interval, and the
        spare seconds; each distinct (contacts, AHT, roster) computed once, and never twice for
        the same queue settings."""
        queue = self.queue
        settings = (queue.interval_seconds, queue.target.service_level,
                    queue.target.answer_seconds, queue.shrinkage, queue.max_occupancy,
                    queue.patience)
        keys = [(settings, contacts, aht, roster) for _, aht, contacts, roster in rows]
        new = list(dict.fromkeys(k for k in keys if k not in _STAFFED))
        if new:
            if len(_STAFFED) + len(new) > _STAFFED_MOST:
                _STAFFED.clear()
            _STAFFED.update(zip(new, _staff_rows(queue, [k[1:] for k in new]), strict=True))
        return [_STAFFED[k] for k in keys]

    def _present(self, days: list[dt.date]) -> dict[dt.date, list[tuple[str, int]]]:
        """Per day, the queue's people working that day with their caps (seconds)."""
        out: dict[dt.date, list[tuple[str, int]]] = {d: [] for d in days}
        for person, base in zip(self.people, self._base, strict=True):
            for day, cap in zip(days, base.seconds_on(days), strict=True):
                if cap > 0:
                    out[day].append((person, cap))
        return out


#: A day's staffing by (queue settings, contacts, AHT, roster), shared by every QueueCapacity
#: (fixes and scenarios schedule many variants of one queue): agents on the queue and required
#: rostered agents per interval, and the spare seconds.
_STAFFED: dict[tuple[Any, ...], tuple[tuple[int, ...], tuple[int, ...], int]] = {}
_STAFFED_MOST = 20_000


def _staff_rows(
    queue: Queue, rows: Sequence[tuple[tuple[float, ...], float, tuple[float, ...]]]
) -> list[tuple[tuple[int, ...], tuple[int, ...], int]]:
    """The staffing of each ``(contacts per interval, AHT, roster per interval)`` row, in one
    call of :func:`~backplan.staffing.interval_staffing`: agents on the queue, required rostered
    agents, and the spare seconds (rostered beyond required, per interval, never below 0)."""
    np = require("numpy", extra="fast", feature="a plan's queue")
    width = max(len(contacts) for contacts, _, _ in rows)
    volume = np.zeros((len(rows), width))
    roster = np.zeros((len(rows), width))
    for r, (contacts, _, rostered) in enumerate(rows):
        volume[r, :len(contacts)] = contacts
        roster[r, :len(rostered)] = rostered
    aht = np.array([[aht] for _, aht, _ in rows], dtype=np.float64)
    try:
        staffed = interval_staffing(
            volume, interval_seconds=queue.interval_seconds, aht_seconds=aht,
            target_service_level=queue.target.service_level,
            target_answer_seconds=queue.target.answer_seconds, shrinkage=queue.shrinkage,
            max_occupancy=queue.max_occupancy, patience_seconds=queue.patience)
    except StaffingError as error:
        raise PlanValidationError([Problem(
            "invalid-value", "queue", "volume", str(error), error.hint)]) from None
    spare = np.floor(np.clip(roster - staffed.rostered, 0.0, None).sum(axis=1)
                     * queue.interval_seconds + 1e-6).astype(np.int64).tolist()
    agents, required = staffed.agents.tolist(), staffed.rostered.tolist()
    return [(tuple(agents[r][:len(contacts)]), tuple(required[r][:len(contacts)]), spare[r])
            for r, (contacts, _, _) in enumerate(rows)]


def _constant(seconds: float) -> AhtByDay:
    def aht(day: dt.date) -> float:
        return seconds

    return aht
