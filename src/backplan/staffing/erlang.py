"""Erlang B, C and A: how a queue performs with a given number of agents.

Traffic ``A`` (Erlangs) is the work offered per unit of time: contacts per interval times AHT
over the interval length. With ``n`` agents:

* Erlang B (blocking), by the recursion ``B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1))``: no
  factorial and no power, so stable for any ``n`` (it underflows gently towards 0, never
  overflows);
* Erlang C (probability of waiting, nobody abandons) ``C = n B / (n - A (1 - B))`` for
  ``n > A``; then service level ``1 - C exp(-(n - A) T / AHT)``, ASA ``C AHT / (n - A)`` and
  occupancy ``A / n``. With ``n <= A`` the queue grows without end: everyone waits, ASA is
  infinite;
* Erlang A (M/M/n+M, Palm's queue with exponential patience): waiting contacts leave after a
  mean patience. Its measures are the closed forms of Garnett, Mandelbaum and Reiman (2002),
  written with the series ``M(x, z) = sum_j z^j / ((x+1)...(x+j))`` (Kummer's function, the
  incomplete gamma function in disguise) summed outward from its largest term in log space, so
  that nothing overflows however large the traffic or the patience. ``docs/staffing.md`` derives
  them.

Example:
    >>> round(erlang_b(14, 10.0), 4), round(erlang_c(14, 10.0), 4)
    (0.0568, 0.1741)
    >>> p = queue_performance(14, volume=100, interval_seconds=1800, aht_seconds=180,
    ...                       target_answer_seconds=20)
    >>> round(p.service_level, 4), round(p.asa_seconds, 2), round(p.occupancy, 3)
    (0.8884, 7.84, 0.714)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from backplan.staffing.inputs import (
    StaffingError,
    check_non_negative,
    check_patience,
    check_positive,
)

__all__ = [
    "QueuePerformance",
    "erlang_a_performance",
    "erlang_b",
    "erlang_c",
    "erlang_c_performance",
    "queue_performance",
]

#: Sums stop when what is left is below this share of what has been summed.
_EPSILON = 1e-17


@dataclass(frozen=True, slots=True)
class QueuePerformance:
    """How a queue performs with a given number of agents in one interval.

    Attributes:
        agents: agents on the queue (logged in and taking contacts).
        traffic_erlangs: work offered, in Erlangs (volume x AHT / interval length).
        service_level: share of all offered contacts answered within the target time
            (contacts that abandon count as not answered in time).
        asa_seconds: average speed of answer: the mean wait of answered contacts
            (``math.inf`` when the queue cannot keep up and nobody is answered in finite time).
        occupancy: share of the agents' time on the queue spent handling contacts.
        wait_probability: share of contacts that wait at all (Erlang C's ``C``).
        abandon_probability: share of contacts that leave before an answer (0 for Erlang C).
    """

    agents: int
    traffic_erlangs: float
    service_level: float
    asa_seconds: float
    occupancy: float
    wait_probability: float
    abandon_probability: float

    def to_dict(self) -> dict[str, Any]:
        """The measures as JSON-ready data (an infinite ASA as None)."""
        data = asdict(self)
        if math.isinf(self.asa_seconds):
            data["asa_seconds"] = None
        return data


def erlang_b(agents: int, traffic_erlangs: float) -> float:
    """Erlang B: the probability that a contact finds all ``agents`` busy, with no queue.

    Computed by the stable recursion (no factorials), so thousands of agents are fine.

    Example:
        >>> round(erlang_b(1, 1.0), 3), erlang_b(0, 5.0), round(erlang_b(2_000, 1_900.0), 6)
        (0.5, 1.0, 0.000679)
    """
    _check_agents(agents)
    traffic = check_non_negative("traffic_erlangs", traffic_erlangs, unit="Erlangs")
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic_erlangs: float) -> float:
    """Erlang C: the probability that a contact waits, with ``agents`` and nobody abandoning.

    1.0 when ``agents <= traffic_erlangs`` (the queue cannot keep up); 0.0 with no traffic.

    Example:
        >>> round(erlang_c(14, 10.0), 4), erlang_c(10, 10.0), erlang_c(3, 0.0)
        (0.1741, 1.0, 0.0)
    """
    blocking = erlang_b(agents, traffic_erlangs)
    return _wait_probability_c(agents, float(traffic_erlangs), blocking)


def _wait_probability_c(agents: int, traffic: float, blocking: float) -> float:
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_c_performance(
    agents: int, *, traffic: float, blocking: float, aht_seconds: float, answer_seconds: float,
) -> QueuePerformance:
    """Erlang C measures for ``agents`` given Erlang B's ``blocking`` for them (no input checks).

    The building block of :func:`queue_performance` and of the staffing search, which carries
    ``blocking`` from one number of agents to the next.

    Example:
        >>> p = erlang_c_performance(14, traffic=10.0, blocking=erlang_b(14, 10.0),
        ...                          aht_seconds=180.0, answer_seconds=20.0)
        >>> round(p.wait_probability, 4)
        0.1741
    """
    if traffic == 0:
        return QueuePerformance(agents, traffic, 1.0, 0.0, 0.0, 0.0, 0.0)
    if agents <= traffic:
        return QueuePerformance(agents, traffic, 0.0, math.inf, 1.0 if agents else 0.0, 1.0, 0.0)
    wait = agents * blocking / (agents - traffic * (1.0 - blocking))
    service_level = 1.0 - wait * math.exp(-(agents - traffic) * answer_seconds / aht_seconds)
    asa = wait * aht_seconds / (agents - traffic)
    return QueuePerformance(agents, traffic, service_level, asa, traffic / agents, wait, 0.0)


def _exp(power: float) -> float:
    """``exp`` that gives ``inf`` instead of raising for large powers."""
    return math.exp(power) if power < 709.0 else math.inf


def _harmonic(x: float, count: int) -> float:
    """``1/(x+1) + ... + 1/(x+count)``: summed when short, else as ``digamma(x+count+1) -
    digamma(x+1)`` from its asymptotic series (the logarithm by ``log1p``, so a small sum
    against a large ``x`` keeps its digits)."""
    if count <= 100_000:
        return math.fsum(1.0 / (x + i) for i in range(1, count + 1))
    a, b = x + 1.0, x + count + 1.0
    head = 0.0
    while a < 10.0:  # digamma(a) = digamma(a + 1) - 1 / a, until the series is exact
        head += 1.0 / a
        a += 1.0

    def tail(z: float) -> float:
        w = 1.0 / (z * z)
        return 1.0 / (2.0 * z) + w * (1.0 / 12.0 - w * (1.0 / 120.0 - w * (1.0 / 252.0 - w / 240.0)))

    return head + math.log1p((b - a) / a) - tail(b) + tail(a)


def _kummer(x: float, z: float, *, harmonic: bool = False) -> tuple[float, float, float, float]:
    """The series of Erlang A around their largest term: ``(log_scale, m, k, h)`` with

    ``M = sum_{j>=0} w_j = exp(log_scale) m``, ``K = sum_j j w_j = exp(log_scale) k`` and
    ``L = sum_j w_j H_j = exp(log_scale) h`` where ``w_j = z^j / ((x+1)...(x+j))`` and
    ``H_j = 1/(x+1) + ... + 1/(x+j)`` (``h`` only when ``harmonic``; else 0).

    Terms rise while ``j <= z - x`` and fall after, so the sum starts at the peak (its log from
    ``lgamma``) and walks both ways until a geometric bound on the rest is negligible.
    """
    if z <= 0.0:
        return 0.0, 1.0, 0.0, 0.0
    peak = max(0, math.floor(z - x))
    log_scale = peak * math.log(z) - (math.lgamma(x + peak + 1.0) - math.lgamma(x + 1.0))
    h_peak = _harmonic(x, peak) if harmonic else 0.0
    m, k, h = 1.0, float(peak), h_peak
    term, j, h_j = 1.0, peak, h_peak
    while True:  # upward: ratio z / (x + j) < 1 from here on
        j += 1
        term *= z / (x + j)
        if harmonic:
            h_j += 1.0 / (x + j)
        m += term
        k += j * term
        h += term * h_j
        ratio = z / (x + j + 1)
        if ratio < 1.0:
            rest = term * ratio / (1.0 - ratio)  # bounds the rest of m
            rest_k = rest * (j + 1.0 / (1.0 - ratio))  # bounds the rest of k
            rest_h = h_j * rest + rest_k / (x + 1.0)  # H_i - H_j <= i / (x + 1)
            if rest <= _EPSILON * m and rest_k <= _EPSILON * k and (
                    not harmonic or rest_h <= _EPSILON * h):
                break
    term, j, h_j = 1.0, peak, h_peak
    while j > 0:  # downward: ratio (x + j) / z <= 1, shrinking
        if harmonic:
            h_j -= 1.0 / (x + j)
        term *= (x + j) / z
        j -= 1
        m += term
        k += j * term
        h += term * h_j
        ratio = (x + j) / z
        if ratio < 1.0:
            rest = term * ratio / (1.0 - ratio)  # bounds the rest of m; of k: j rest; of h: h_j rest
            if rest <= _EPSILON * m and j * rest <= _EPSILON * k and h_j * rest <= _EPSILON * h:
                break
    return log_scale, m, k, h


#: Below this abandonment rate (AHT / mean patience: a patience of ten million handling times),
#: Erlang A equals Erlang C to double precision while its series lose their digits, so
#: :func:`erlang_a_performance` gives the limit (Erlang C; with too few agents, the excess
#: abandons).
PATIENT_RATE = 1e-7


def erlang_a_performance(
    agents: int, *, traffic: float, blocking: float, aht_seconds: float, answer_seconds: float,
    patience_seconds: float, asa: bool = True,
) -> QueuePerformance:
    """Erlang A (M/M/n+M) measures for ``agents`` given Erlang B's ``blocking`` for them.

    Time is counted in mean patiences: ``x = n AHT / patience``, ``y = A AHT / patience`` and
    ``y_T = y exp(-T / patience)``. With ``M``, ``K`` and ``L`` from the series above:
    ``P(wait) = M B / (1 + (M - 1) B)``; for a contact that waits, ``P(abandon) = K(y) / (y
    M(y))``, ``P(still waiting at T) = exp(-T/patience) G`` and ``P(abandoned by T) =
    P(abandon) - G K(y_T) / (y M(y_T))`` where ``G = exp(-x T / patience + y - y_T) M(y_T) /
    M(y)``; the mean wait of those answered is ``x patience L(y) / (y M(y))`` over the share
    answered. ``asa=False`` skips that last series (the staffing search does not need it).

    Example:
        >>> p = erlang_a_performance(14, traffic=10.0, blocking=erlang_b(14, 10.0),
        ...                          aht_seconds=180.0, answer_seconds=20.0,
        ...                          patience_seconds=120.0)
        >>> round(p.service_level, 4), round(p.abandon_probability, 4)
        (0.9327, 0.0228)
    """
    if traffic == 0:
        return QueuePerformance(agents, traffic, 1.0, 0.0, 0.0, 0.0, 0.0)
    if agents == 0:  # everyone waits until they give up
        return QueuePerformance(agents, traffic, 0.0, math.inf, 0.0, 1.0, 1.0)
    rate = aht_seconds / patience_seconds  # abandonment rate in handling times
    if rate < PATIENT_RATE:  # as good as nobody leaves: the limit, Erlang C
        if agents > traffic:
            return erlang_c_performance(agents, traffic=traffic, blocking=blocking,
                                        aht_seconds=aht_seconds, answer_seconds=answer_seconds)
        # too few agents: the queue grows until the contacts beyond them give up, and those
        # answered have waited patience x ln(traffic / agents) on average (unbounded as the
        # agents just match the traffic)
        mean_wait = (patience_seconds * math.log(traffic / agents) if traffic > agents
                     else math.inf)
        return QueuePerformance(agents, traffic, 0.0, mean_wait, 1.0, 1.0, 1.0 - agents / traffic)
    x, y = agents / rate, traffic / rate
    y_t = y * math.exp(-answer_seconds / patience_seconds)
    log_m, m, k, h = _kummer(x, y, harmonic=asa)
    log_mt, mt, kt, _ = _kummer(x, y_t)
    log_big_m = log_m + math.log(m)
    # P(wait) = M B / (1 + (M - 1) B); B underflowed to 0: nobody waits
    wait = 0.0 if blocking == 0.0 else 1.0 / (
        1.0 + (1.0 - blocking) * _exp(-(math.log(blocking) + log_big_m)))
    abandon_if_wait = k / (y * m)
    shift = -x * answer_seconds / patience_seconds + y - y_t + log_mt - log_big_m
    still_waiting = math.exp(-answer_seconds / patience_seconds + shift + math.log(mt))
    abandoned_by_t = abandon_if_wait - (math.exp(shift + math.log(kt) - math.log(y)) if kt else 0.0)
    answered_by_t = min(1.0, max(0.0, 1.0 - still_waiting - abandoned_by_t))
    service_level = (1.0 - wait) + wait * answered_by_t
    abandon = wait * abandon_if_wait
    answered = 1.0 - abandon
    occupancy = traffic * answered / agents if agents else 0.0
    if not asa:
        asa_seconds = math.nan
    elif answered <= 0.0:
        asa_seconds = math.inf
    else:
        mean_wait_if_answered_wait = x * patience_seconds * h / (y * m)
        asa_seconds = wait * mean_wait_if_answered_wait / answered
    return QueuePerformance(agents, traffic, service_level, asa_seconds, occupancy, wait, abandon)


def queue_performance(
    agents: int, *, volume: float, interval_seconds: float, aht_seconds: float,
    target_answer_seconds: float, patience_seconds: float | None = None,
) -> QueuePerformance:
    """How a queue performs with ``agents`` on it: service level, ASA, occupancy, waits.

    Args:
        agents: agents on the queue in the interval.
        volume: contacts offered in the interval (a forecast may be fractional).
        interval_seconds: length of the interval.
        aht_seconds: average handle time (talk, hold and wrap-up).
        target_answer_seconds: the service level counts contacts answered within this time.
        patience_seconds: mean time a waiting contact stays before abandoning (Erlang A);
            None: nobody abandons (Erlang C).

    Returns:
        The frozen :class:`QueuePerformance`.

    Raises:
        StaffingError: an input is out of range.

    Example:
        >>> p = queue_performance(13, volume=100, interval_seconds=1800, aht_seconds=180,
        ...                       target_answer_seconds=20)
        >>> round(p.service_level, 4), round(p.wait_probability, 4)
        (0.7956, 0.2853)
    """
    _check_agents(agents)
    volume = check_non_negative("volume", volume, unit="contacts")
    interval = check_positive("interval_seconds", interval_seconds, unit="seconds")
    aht = check_positive("aht_seconds", aht_seconds, unit="seconds")
    answer = check_non_negative("target_answer_seconds", target_answer_seconds, unit="seconds")
    patience = check_patience(patience_seconds)
    traffic = volume * aht / interval
    blocking = erlang_b(agents, traffic)
    if patience is None:
        return erlang_c_performance(agents, traffic=traffic, blocking=blocking, aht_seconds=aht,
                                    answer_seconds=answer)
    return erlang_a_performance(agents, traffic=traffic, blocking=blocking, aht_seconds=aht,
                                answer_seconds=answer, patience_seconds=patience)


def _check_agents(agents: int) -> None:
    if not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
        raise StaffingError("agents", f"expected a whole number of at least 0, got {agents!r}")
