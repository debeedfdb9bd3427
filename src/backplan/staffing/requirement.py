"""The fewest agents that meet a service-level target, and the headcount to roster for them.

``agents`` is the fewest agents on the queue whose service level reaches the target and, when a
maximum occupancy is given, whose occupancy stays at or below it. The search walks up from the
least number that could do (more agents than Erlangs for Erlang C; ``target x traffic`` for
Erlang A, since no queue answers a larger share than ``agents / traffic``), carrying Erlang B's
recursion along, so each step costs a few operations.

``rostered = ceil(agents / (1 - shrinkage))``: shrinkage is the share of paid time off the queue
(breaks, training, meetings, absence). A quotient within 1e-9 of a whole number counts as that
number: in binary floating point ``1 / (1 - 0.8)`` is ``5.000000000000001``, which must not
become 6.

Example:
    >>> s = required_staffing(100, interval_seconds=1800, aht_seconds=180,
    ...                       target_service_level=0.8, target_answer_seconds=20,
    ...                       shrinkage=0.3, max_occupancy=0.85)
    >>> s.traffic_erlangs, s.agents, s.rostered, round(s.service_level, 4)
    (10.0, 14, 20, 0.8884)
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

from backplan.staffing.erlang import (
    QueuePerformance,
    erlang_a_performance,
    erlang_c_performance,
)
from backplan.staffing.inputs import (
    MAX_AGENTS,
    StaffingError,
    check_non_negative,
    check_occupancy,
    check_patience,
    check_positive,
    check_share,
    check_target,
    check_traffic,
    traffic_error,
)

__all__ = [
    "ROSTER_DECIMALS",
    "Model",
    "Staffing",
    "required_performance",
    "required_staffing",
    "rostered_agents",
    "staffing_table",
]

#: ``agents / (1 - shrinkage)`` is rounded to this many decimals before rounding up.
ROSTER_DECIMALS = 9

#: The queue model: Erlang C (nobody abandons) or Erlang A (waiting contacts abandon).
Model = Literal["erlang-c", "erlang-a"]


@dataclass(frozen=True, slots=True)
class Staffing:
    """The staffing one interval needs, with the inputs it was computed from.

    Attributes:
        volume: contacts offered in the interval.
        interval_seconds: length of the interval.
        aht_seconds: average handle time.
        target_service_level: share to answer within ``target_answer_seconds`` (0.8 for 80/20).
        target_answer_seconds: the time of the target.
        shrinkage: share of paid time off the queue.
        max_occupancy: the highest occupancy allowed, or None.
        patience_seconds: mean patience of waiting contacts (Erlang A), or None (Erlang C).
        traffic_erlangs: volume x AHT / interval length.
        agents: the fewest agents on the queue meeting the target (and the occupancy cap).
        rostered: agents to roster so that ``agents`` are on the queue after shrinkage.
        service_level: the share answered within the target time with ``agents``.
        asa_seconds: average speed of answer (mean wait of answered contacts) with ``agents``.
        occupancy: share of the agents' queue time spent handling contacts.
        wait_probability: share of contacts that wait at all.
        abandon_probability: share of contacts that abandon (0 for Erlang C).
    """

    volume: float
    interval_seconds: float
    aht_seconds: float
    target_service_level: float
    target_answer_seconds: float
    shrinkage: float
    max_occupancy: float | None
    patience_seconds: float | None
    traffic_erlangs: float
    agents: int
    rostered: int
    service_level: float
    asa_seconds: float
    occupancy: float
    wait_probability: float
    abandon_probability: float

    @property
    def model(self) -> Model:
        """``erlang-a`` when a patience is given, else ``erlang-c``."""
        return "erlang-c" if self.patience_seconds is None else "erlang-a"

    def to_dict(self) -> dict[str, Any]:
        """The inputs and results as JSON-ready data, with ``model`` first."""
        data: dict[str, Any] = {"model": self.model}
        data.update((f.name, getattr(self, f.name)) for f in fields(self))
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def __str__(self) -> str:
        lines = [
            _inputs(self, volume=True),
            f"  traffic          {self.traffic_erlangs:.2f} Erlangs",
            f"  agents on queue  {self.agents}",
            f"  rostered         {self.rostered}",
            f"  service level    {self.service_level:.4f}",
            f"  ASA              {_seconds(self.asa_seconds)}",
            f"  occupancy        {self.occupancy:.3f}",
            f"  P(wait)          {self.wait_probability:.4f}",
        ]
        if self.patience_seconds is not None:
            lines.append(f"  P(abandon)       {self.abandon_probability:.4f}")
        return "\n".join(lines)


def rostered_agents(agents: int, *, shrinkage: float) -> int:
    """Agents to roster so that ``agents`` are on the queue: ``ceil(agents / (1 - shrinkage))``.

    Example:
        >>> rostered_agents(14, shrinkage=0.3), rostered_agents(1, shrinkage=0.8)
        (20, 5)
    """
    share = check_share("shrinkage", shrinkage, upper="open")
    if not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
        raise StaffingError("agents", f"expected a whole number of at least 0, got {agents!r}")
    return math.ceil(round(agents / (1.0 - share), ROSTER_DECIMALS))


def required_performance(
    traffic: float, *, aht_seconds: float, target_service_level: float,
    target_answer_seconds: float, max_occupancy: float | None = None,
    patience_seconds: float | None = None,
) -> QueuePerformance:
    """The performance with the fewest agents meeting the target, from checked inputs.

    The search behind :func:`required_staffing` (which checks the inputs); :class:`StaffingError`
    when more than :data:`~backplan.staffing.inputs.MAX_AGENTS` would be needed.

    Example:
        >>> required_performance(10.0, aht_seconds=180.0, target_service_level=0.8,
        ...                      target_answer_seconds=20.0).agents
        14
    """
    aht, answer = aht_seconds, target_answer_seconds
    if traffic == 0:
        return erlang_c_performance(0, traffic=0.0, blocking=1.0, aht_seconds=aht,
                                    answer_seconds=answer)
    check_traffic(traffic)
    erlang_c = _erlang_c_search(traffic, aht_seconds=aht, target_service_level=target_service_level,
                                answer_seconds=answer, max_occupancy=max_occupancy)
    if patience_seconds is None:
        return erlang_c
    return _erlang_a_search(traffic, aht_seconds=aht, target_service_level=target_service_level,
                            answer_seconds=answer, max_occupancy=max_occupancy,
                            patience_seconds=patience_seconds, guess=erlang_c.agents)


def _erlang_c_search(
    traffic: float, *, aht_seconds: float, target_service_level: float, answer_seconds: float,
    max_occupancy: float | None,
) -> QueuePerformance:
    """Walk up from one agent, carrying Erlang B; test from the first count above the traffic."""
    first = math.floor(traffic) + 1
    blocking = 1.0
    for agents in range(1, MAX_AGENTS + 1):
        blocking = traffic * blocking / (agents + traffic * blocking)
        if agents < first or (max_occupancy is not None and traffic / agents > max_occupancy):
            continue
        found = erlang_c_performance(agents, traffic=traffic, blocking=blocking,
                                     aht_seconds=aht_seconds, answer_seconds=answer_seconds)
        if found.service_level >= target_service_level:
            return found
    raise traffic_error(traffic)


def _erlang_a_search(
    traffic: float, *, aht_seconds: float, target_service_level: float, answer_seconds: float,
    max_occupancy: float | None, patience_seconds: float, guess: int,
) -> QueuePerformance:
    """From Erlang C's answer, gallop down or up to a count that fails and one that meets the
    target, then bisect between them.

    Relies on Erlang A's service level rising and its occupancy falling with every agent added
    (checked against a walk over every count in the tests). No count below ``target x traffic``
    can meet the target: no queue answers a larger share than ``agents / traffic``.
    """
    blockings = [1.0]

    def performance(agents: int, *, asa: bool = False) -> QueuePerformance:
        while len(blockings) <= agents:
            previous = blockings[-1]
            blockings.append(traffic * previous / (len(blockings) + traffic * previous))
        return erlang_a_performance(
            agents, traffic=traffic, blocking=blockings[agents], aht_seconds=aht_seconds,
            answer_seconds=answer_seconds, patience_seconds=patience_seconds, asa=asa)

    def meets(agents: int) -> bool:
        found = performance(agents)
        return found.service_level >= target_service_level and (
            max_occupancy is None or found.occupancy <= max_occupancy)

    floor = math.floor(target_service_level * traffic) - 1  # fails for sure (or is < 0)
    step = 1
    if meets(guess):
        failing, meeting = guess - 1, guess
        while failing > floor and meets(failing):
            meeting, step = failing, step * 2
            failing = max(floor, meeting - step)
    else:
        failing, meeting = guess, guess + 1
        while not meets(meeting):
            if meeting >= MAX_AGENTS:
                raise traffic_error(traffic)
            failing, step = meeting, step * 2
            meeting = min(MAX_AGENTS, failing + step)
    while meeting - failing > 1:
        middle = (failing + meeting) // 2
        if meets(middle):
            meeting = middle
        else:
            failing = middle
    return performance(meeting, asa=True)


def required_staffing(
    volume: float, *, interval_seconds: float, aht_seconds: float, target_service_level: float,
    target_answer_seconds: float, shrinkage: float = 0.0, max_occupancy: float | None = None,
    patience_seconds: float | None = None,
) -> Staffing:
    """The fewest agents that answer ``target_service_level`` of contacts in time, and the roster.

    Erlang C (Poisson arrivals, exponential handle times, nobody abandons) unless
    ``patience_seconds`` is given: then Erlang A, where waiting contacts abandon after an
    exponential patience with that mean. See ``docs/staffing.md`` for when to use which.

    Args:
        volume: contacts offered in the interval (a forecast may be fractional).
        interval_seconds: length of the interval (1800 for half an hour).
        aht_seconds: average handle time (talk, hold and wrap-up).
        target_service_level: the share to answer within ``target_answer_seconds`` (0.8 for
            "80/20"); strictly between 0 and 1.
        target_answer_seconds: the time of the target (20 for "80/20").
        shrinkage: share of paid time off the queue, from 0 up to (not including) 1.
        max_occupancy: when given (above 0, at most 1), ``agents`` also keeps occupancy at or
            below it.
        patience_seconds: mean patience of waiting contacts (Erlang A); None for Erlang C.

    Returns:
        The frozen :class:`Staffing`: ``traffic_erlangs``, ``agents``, ``rostered``,
        ``service_level``, ``asa_seconds``, ``occupancy``, ``wait_probability``,
        ``abandon_probability``, with the inputs.

    Raises:
        StaffingError: an input is out of range, or the traffic needs more than 100,000 agents.

    Example:
        >>> s = required_staffing(100, interval_seconds=1800, aht_seconds=180,
        ...                       target_service_level=0.8, target_answer_seconds=20,
        ...                       shrinkage=0.3, max_occupancy=0.85)
        >>> s.agents, s.rostered, round(s.asa_seconds, 2), round(s.wait_probability, 4)
        (14, 20, 7.84, 0.1741)
    """
    volume = check_non_negative("volume", volume, unit="contacts")
    interval = check_positive("interval_seconds", interval_seconds, unit="seconds")
    aht = check_positive("aht_seconds", aht_seconds, unit="seconds")
    level, answer = check_target(target_service_level, target_answer_seconds)
    share = check_share("shrinkage", shrinkage, upper="open")
    occupancy = check_occupancy(max_occupancy)
    patience = check_patience(patience_seconds)
    found = required_performance(
        volume * aht / interval, aht_seconds=aht, target_service_level=level,
        target_answer_seconds=answer, max_occupancy=occupancy, patience_seconds=patience,
    )
    return Staffing(
        volume=volume, interval_seconds=interval, aht_seconds=aht, target_service_level=level,
        target_answer_seconds=answer, shrinkage=share, max_occupancy=occupancy,
        patience_seconds=patience, traffic_erlangs=found.traffic_erlangs, agents=found.agents,
        rostered=rostered_agents(found.agents, shrinkage=share),
        service_level=found.service_level, asa_seconds=found.asa_seconds,
        occupancy=found.occupancy, wait_probability=found.wait_probability,
        abandon_probability=found.abandon_probability,
    )


def staffing_table(rows: Sequence[Staffing]) -> str:
    """Several staffings as aligned text, one row each (say, a range of volumes), under a line
    with the first row's other inputs.

    Example:
        >>> rows = [required_staffing(v, interval_seconds=1800, aht_seconds=180,
        ...                           target_service_level=0.8, target_answer_seconds=20)
        ...         for v in (100, 120)]
        >>> print(staffing_table(rows))
        Erlang C: 30 min intervals, AHT 3 min, target 80% answered within 20 s, shrinkage 0%
        volume  traffic  agents  rostered  service level  ASA s  occupancy  P(wait)
           100    10.00      14        14         0.8884   7.84      0.714   0.1741
           120    12.00      16        16         0.8688   9.21      0.750   0.2046
    """
    abandon = any(row.patience_seconds is not None for row in rows)
    header = ["volume", "traffic", "agents", "rostered", "service level", "ASA s", "occupancy",
              "P(wait)"] + (["P(abandon)"] if abandon else [])
    cells = [
        [f"{row.volume:g}", f"{row.traffic_erlangs:.2f}", str(row.agents), str(row.rostered),
         f"{row.service_level:.4f}", _seconds(row.asa_seconds, unit=""),
         f"{row.occupancy:.3f}", f"{row.wait_probability:.4f}"]
        + ([f"{row.abandon_probability:.4f}"] if abandon else [])
        for row in rows
    ]
    widths = [max(len(line[k]) for line in [header, *cells]) for k in range(len(header))]
    title = [_inputs(rows[0], volume=False)] if rows else []
    return "\n".join(title + [
        "  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
        for line in [header, *cells]])


def _inputs(staffing: Staffing, *, volume: bool) -> str:
    """``Erlang C: 100 contacts per 30 min interval, AHT 3 min, ...`` (or ``30 min intervals``)."""
    model = "Erlang C" if staffing.patience_seconds is None else "Erlang A"
    interval = _duration(staffing.interval_seconds)
    parts = [f"{staffing.volume:g} contacts per {interval} interval" if volume else
             f"{interval} intervals",
             f"AHT {_duration(staffing.aht_seconds)}",
             f"target {_percent(staffing.target_service_level)} answered within "
             f"{_duration(staffing.target_answer_seconds)}",
             f"shrinkage {_percent(staffing.shrinkage)}"]
    if staffing.max_occupancy is not None:
        parts.append(f"max occupancy {staffing.max_occupancy:g}")
    if staffing.patience_seconds is not None:
        parts.append(f"mean patience {_duration(staffing.patience_seconds)}")
    return f"{model}: " + ", ".join(parts)


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def _seconds(value: float, *, unit: str = " s") -> str:
    return "inf" if math.isinf(value) else f"{value:.2f}{unit}"
