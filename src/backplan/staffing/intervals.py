"""Staffing for many intervals at once (a day, a year of days): numpy, one step per agent count.

The same answer as :func:`~backplan.staffing.required_staffing` for each interval, computed for
all of them together. Intervals with the same traffic and AHT are computed once. For Erlang C,
Erlang B's recursion runs over every interval at once, one step per number of agents, and an
interval leaves the arrays as soon as its service level reaches the target; the cost is about
(agents needed) x (intervals) array operations, a few hundredths of a second for 96 intervals
over 365 days. Erlang A intervals are searched one distinct (traffic, AHT) pair at a time.

Needs numpy (``pip install "backplan[fast]"``).

Example:
    >>> import numpy as np
    >>> week = interval_staffing(np.array([[100, 120], [80, 0]]), interval_seconds=1800,
    ...                          aht_seconds=180, target_service_level=0.8,
    ...                          target_answer_seconds=20, shrinkage=0.3)
    >>> week.agents.tolist(), week.rostered.tolist()
    ([[14, 16], [11, 0]], [[20, 23], [16, 0]])
    >>> week.queue_hours().sum(axis=1).tolist()  # agent-hours on the queue per row (day)
    [15.0, 5.5]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from backplan.errors import require
from backplan.staffing.inputs import (
    MAX_AGENTS,
    StaffingError,
    check_occupancy,
    check_patience,
    check_positive,
    check_share,
    check_target,
    check_traffic,
)
from backplan.staffing.requirement import (
    Model,
    Staffing,
    required_performance,
    rostered_agents,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]
    HoursArray = npt.NDArray[np.floating[Any]]

__all__ = ["IntervalStaffing", "interval_staffing"]


@dataclass(frozen=True, slots=True, eq=False)
class IntervalStaffing:
    """Staffing for an array of intervals: one read-only numpy array per measure, all of the
    shape of ``volume`` (say days x intervals of the day).

    Attributes:
        interval_seconds: length of every interval.
        target_service_level: share to answer within ``target_answer_seconds``.
        target_answer_seconds: the time of the target.
        shrinkage: share of paid time off the queue.
        max_occupancy: the highest occupancy allowed, or None.
        patience_seconds: mean patience (Erlang A), or None (Erlang C).
        volume: contacts offered in each interval.
        aht_seconds: average handle time in each interval.
        traffic_erlangs: volume x AHT / interval length.
        agents: the fewest agents on the queue meeting the target, per interval.
        rostered: ``ceil(agents / (1 - shrinkage))`` per interval.
        service_level: share answered within the target time with ``agents``.
        asa_seconds: average speed of answer with ``agents``.
        occupancy: occupancy with ``agents``.
        wait_probability: share of contacts that wait.
        abandon_probability: share of contacts that abandon (0 for Erlang C).
    """

    interval_seconds: float
    target_service_level: float
    target_answer_seconds: float
    shrinkage: float
    max_occupancy: float | None
    patience_seconds: float | None
    volume: FloatArray
    aht_seconds: FloatArray
    traffic_erlangs: FloatArray
    agents: IntArray
    rostered: IntArray
    service_level: FloatArray
    asa_seconds: FloatArray
    occupancy: FloatArray
    wait_probability: FloatArray
    abandon_probability: FloatArray

    @property
    def model(self) -> Model:
        """``erlang-a`` when a patience is given, else ``erlang-c``."""
        return "erlang-c" if self.patience_seconds is None else "erlang-a"

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of every array."""
        return tuple(self.agents.shape)

    def queue_hours(self) -> HoursArray:
        """Agent-hours needed on the queue in each interval (``agents x interval / 3600``)."""
        return self.agents * (self.interval_seconds / 3600.0)

    def rostered_hours(self) -> HoursArray:
        """Agent-hours to roster in each interval (``rostered x interval / 3600``)."""
        return self.rostered * (self.interval_seconds / 3600.0)

    def at(self, *index: int) -> Staffing:
        """One interval's staffing, as :func:`~backplan.staffing.required_staffing` gives it."""
        return Staffing(
            volume=float(self.volume[index]), interval_seconds=self.interval_seconds,
            aht_seconds=float(self.aht_seconds[index]),
            target_service_level=self.target_service_level,
            target_answer_seconds=self.target_answer_seconds, shrinkage=self.shrinkage,
            max_occupancy=self.max_occupancy, patience_seconds=self.patience_seconds,
            traffic_erlangs=float(self.traffic_erlangs[index]),
            agents=int(self.agents[index]), rostered=int(self.rostered[index]),
            service_level=float(self.service_level[index]),
            asa_seconds=float(self.asa_seconds[index]),
            occupancy=float(self.occupancy[index]),
            wait_probability=float(self.wait_probability[index]),
            abandon_probability=float(self.abandon_probability[index]),
        )

    def __repr__(self) -> str:
        return (f"IntervalStaffing({self.model}, shape={self.shape}, "
                f"agents={int(self.agents.sum())} agent-intervals, "
                f"rostered={int(self.rostered.sum())})")


def interval_staffing(
    volume: Any, *, interval_seconds: float, aht_seconds: Any, target_service_level: float,
    target_answer_seconds: float, shrinkage: float = 0.0, max_occupancy: float | None = None,
    patience_seconds: float | None = None,
) -> IntervalStaffing:
    """:func:`~backplan.staffing.required_staffing` for every interval of an array at once.

    Args:
        volume: contacts offered per interval: a number, a sequence or a numpy array of any
            shape (days x intervals of the day, for instance).
        interval_seconds: length of every interval.
        aht_seconds: average handle time: one number, or an array that broadcasts against
            ``volume`` (one AHT per day as a column, to follow an AHT glide path).
        target_service_level: share to answer within ``target_answer_seconds`` (0.8).
        target_answer_seconds: the time of the target (20).
        shrinkage: share of paid time off the queue.
        max_occupancy: the highest occupancy allowed, or None.
        patience_seconds: mean patience (Erlang A), or None (Erlang C).

    Returns:
        The frozen :class:`IntervalStaffing`, whose arrays have the broadcast shape.

    Raises:
        StaffingError: an input is out of range (the message gives the index of a bad interval),
            or an interval needs more than 100,000 agents.
        MissingExtraError: numpy is not installed.

    Example:
        >>> s = interval_staffing([100, 50, 0], interval_seconds=1800, aht_seconds=180,
        ...                       target_service_level=0.8, target_answer_seconds=20)
        >>> s.agents.tolist(), s.service_level.round(4).tolist()
        ([14, 8, 0], [0.8884, 0.8801, 1.0])
    """
    np = require("numpy", extra="fast", feature="interval_staffing")
    interval = check_positive("interval_seconds", interval_seconds, unit="seconds")
    level, answer = check_target(target_service_level, target_answer_seconds)
    share = check_share("shrinkage", shrinkage, upper="open")
    occupancy_cap = check_occupancy(max_occupancy)
    patience = check_patience(patience_seconds)
    try:
        volumes, ahts = np.broadcast_arrays(np.asarray(volume, dtype=np.float64),
                                            np.asarray(aht_seconds, dtype=np.float64))
    except ValueError as error:
        raise StaffingError("aht_seconds", f"cannot be matched to the volumes: {error}",
                            hint="give one AHT, or an array that broadcasts against volume "
                                 "(one per day as a column)") from None
    _check_array(np, "volume", volumes, positive=False, unit="contacts")
    _check_array(np, "aht_seconds", ahts, positive=True, unit="seconds")
    with np.errstate(over="ignore"):  # an overflow is refused just below, by its check
        traffic = volumes * ahts / interval
    if traffic.size:
        check_traffic(float(traffic.max()))
    # Distinct (traffic, AHT) pairs: one complex number each (exactly the two floats), which
    # sorts as a plain 1-D array, three times faster than the rows of a 2-D one.
    pairs = np.empty(traffic.size, dtype=np.complex128)
    pairs.real, pairs.imag = traffic.ravel(), ahts.ravel()
    keys, inverse = np.unique(pairs, return_inverse=True)
    unique_traffic, unique_aht = keys.real.copy(), keys.imag.copy()
    if patience is None:
        measures = _erlang_c(np, unique_traffic, unique_aht, level=level, answer=answer,
                             occupancy_cap=occupancy_cap)
    else:
        rows = [required_performance(float(t), aht_seconds=float(a), target_service_level=level,
                                     target_answer_seconds=answer, max_occupancy=occupancy_cap,
                                     patience_seconds=patience)
                for t, a in zip(unique_traffic.tolist(), unique_aht.tolist(), strict=True)]
        measures = {
            "agents": np.array([r.agents for r in rows], dtype=np.int64),
            "service_level": np.array([r.service_level for r in rows]),
            "asa_seconds": np.array([r.asa_seconds for r in rows]),
            "occupancy": np.array([r.occupancy for r in rows]),
            "wait_probability": np.array([r.wait_probability for r in rows]),
            "abandon_probability": np.array([r.abandon_probability for r in rows]),
        }
    agent_counts, agent_index = np.unique(measures["agents"], return_inverse=True)
    roster = np.array([rostered_agents(int(n), shrinkage=share) for n in agent_counts.tolist()],
                      dtype=np.int64)
    measures["rostered"] = roster[agent_index.ravel()]
    shape = traffic.shape
    spread = {name: _frozen(values[inverse.ravel()].reshape(shape))
              for name, values in measures.items()}
    return IntervalStaffing(
        interval_seconds=interval, target_service_level=level, target_answer_seconds=answer,
        shrinkage=share, max_occupancy=occupancy_cap, patience_seconds=patience,
        volume=_frozen(volumes.copy()), aht_seconds=_frozen(ahts.copy()),
        traffic_erlangs=_frozen(traffic), **spread,
    )


def _frozen(array: Any) -> Any:
    array.flags.writeable = False
    return array


def _check_array(np: Any, field: str, values: Any, *, positive: bool, unit: str) -> None:
    bad = ~np.isfinite(values) | ((values <= 0) if positive else (values < 0))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        at = f" at index {where[0] if len(where) == 1 else list(where)}" if where else ""
        bound = "above 0" if positive else "of at least 0"
        raise StaffingError(field, f"expected numbers of {unit} {bound}, got "
                                   f"{float(values[where])!r}{at}")


def _erlang_c(
    np: Any, traffic: FloatArray, aht: FloatArray, *, level: float, answer: float,
    occupancy_cap: float | None,
) -> dict[str, Any]:
    """Erlang C staffing for distinct (traffic, AHT) pairs, all at once."""
    size = traffic.size
    agents = np.zeros(size, dtype=np.int64)
    blocking_at = np.ones(size)
    active = np.flatnonzero(traffic > 0)
    load, handle, blocking = traffic[active], aht[active], np.ones(active.size)
    agents_now = 0
    while active.size:
        agents_now += 1
        if agents_now > MAX_AGENTS:  # pragma: no cover - traffic below MAX_AGENTS always ends
            raise StaffingError("volume", f"needs more than {MAX_AGENTS:,} agents")
        blocking = load * blocking / (agents_now + load * blocking)
        can = agents_now > load
        if occupancy_cap is not None:
            can &= load / agents_now <= occupancy_cap
        candidates = np.flatnonzero(can)
        if not candidates.size:
            continue
        a, b = load[candidates], blocking[candidates]
        wait = agents_now * b / (agents_now - a * (1.0 - b))
        met = 1.0 - wait * np.exp(-(agents_now - a) * answer / handle[candidates]) >= level
        done = candidates[met]
        if not done.size:
            continue
        agents[active[done]] = agents_now
        blocking_at[active[done]] = blocking[done]
        keep = np.ones(active.size, dtype=bool)
        keep[done] = False
        active, load, handle, blocking = active[keep], load[keep], handle[keep], blocking[keep]
    return _erlang_c_measures(np, traffic, aht, agents, blocking_at, answer=answer)


def _erlang_c_measures(
    np: Any, traffic: FloatArray, aht: FloatArray, agents: IntArray, blocking: FloatArray, *,
    answer: float,
) -> dict[str, Any]:
    """Erlang C's measures with ``agents`` (above the traffic, or 0 with no traffic)."""
    busy = traffic > 0
    n = np.where(busy, agents, 1).astype(np.float64)  # 1 keeps the idle rows finite, then masked
    wait = np.where(busy, n * blocking / (n - traffic * (1.0 - blocking)), 0.0)
    level = np.where(busy, 1.0 - wait * np.exp(-(n - traffic) * answer / aht), 1.0)
    asa = np.where(busy, wait * aht / (n - traffic), 0.0)
    occupancy = np.where(busy, traffic / n, 0.0)
    return {"agents": agents, "service_level": level, "asa_seconds": asa,
            "occupancy": occupancy, "wait_probability": wait,
            "abandon_probability": np.zeros(traffic.size)}
