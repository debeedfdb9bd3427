"""The search behind the capacity-levelled schedule: the plan in reversed time, decoded by
serial schedule generation, improved by forward-backward justification and a genetic algorithm.

In reversed time (counting working days back from the due date) backward scheduling is forward
resource-constrained project scheduling (RCPSP), so the standard tools apply: a serial
schedule-generation scheme decodes a priority list into a schedule; forward-backward improvement
(double justification, Valls et al. 2005) shifts every action right then left; and a
steady-state genetic algorithm (two-point crossover of activity lists, Hartmann 1998) searches
among lists, seeded by regret-based biased random sampling on latest-finish priorities. It stops
at a lower bound (the precedence-only schedule), after a budget of decoded schedules, or when
the best has not improved for a while. Everything is seeded.

:mod:`backplan.scheduling.levelling` builds the results from what this module finds.

Example:
    >>> default_iterations(30)
    1200
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from backplan.calendars import PersonCalendar, QueueCapacity, WorkingCalendar
from backplan.calendars.people import rate_seconds
from backplan.models import Plan
from backplan.scheduling.network import Network

__all__ = [
    "REACH_DAYS",
    "Decoded",
    "Engine",
    "LevellingProblem",
    "NoRoom",
    "book_day",
    "default_iterations",
    "search",
]

#: Working days the search may reach back beyond the plan before it gives up on an action.
REACH_DAYS = 3650


def default_iterations(n_nodes: int) -> int:
    """How many schedules the search decodes by default for a network of ``n_nodes`` nodes.

    Example:
        >>> default_iterations(30), default_iterations(120), default_iterations(5000)
        (1200, 4800, 5000)
    """
    return max(1000, min(5000, 40 * n_nodes))



# --------------------------------------------------------------------------- the problem


class NoRoom(Exception):
    def __init__(self, node: int) -> None:
        super().__init__(node)
        self.node = node


class LevellingProblem:
    """The plan in reversed time: ``k = D - n`` for working-day number ``n``, D the goal's cap.

    ``fixed`` are nodes whose dates are settled (done work, milestones it reached): they book
    nobody and are never late. ``effort_left`` gives an effort-sized node the seconds of work
    still to do (an action in progress) instead of its whole effort. ``queue``: the plan's
    queue capacity, which gives its people their hours (see :mod:`backplan.calendars.queue`).
    ``booked`` gives, per person id, the seconds already booked on each date elsewhere (by the
    plans levelled before this one in a portfolio): the person's availability leaves them out.
    """

    def __init__(self, plan: Plan, network: Network, calendar: WorkingCalendar,
                 today: dt.date, *, fixed: Collection[int] = (),
                 effort_left: Mapping[int, int] | None = None,
                 queue: QueueCapacity | None = None,
                 booked: Mapping[str, Mapping[dt.date, int]] | None = None) -> None:
        self.plan = plan
        self.network = network
        self.calendar = calendar
        self.today = today
        self.today_number = calendar.number(today)
        n = len(network.ids)
        self.n = n
        self.D = max(network.cap) if n else self.today_number
        people = {p.id: p for p in plan.people}
        self.person_ids = [p.id for p in plan.people]
        self.person_index = {pid: r for r, pid in enumerate(self.person_ids)}
        taken = booked or {}
        self.person_calendars = [PersonCalendar(p, calendar, queue=queue, booked=taken.get(p.id))
                                 for p in plan.people]
        by_id = {a.id: a for a in plan.actions}
        self.actions = [by_id.get(node_id) for node_id in network.ids]
        self.nominal = list(network.duration)
        # Demands: fixed actions book (person, seconds) every day; effort actions book up to
        # (person, seconds cap) a day until ``effort`` seconds are done.
        self.demand: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.effort: list[tuple[int, list[tuple[int, int]]] | None] = [None] * n
        left = effort_left or {}
        self.fixed = frozenset(fixed)
        for i, action in enumerate(self.actions):
            if action is None or not action.assignees or i in fixed:
                continue
            parts = [(self.person_index[pid], rate) for pid, rate in rate_seconds(action, people)]
            if action.duration is None and action.effort is not None:
                self.effort[i] = (left.get(i, action.effort.seconds), parts)
            else:
                self.demand[i] = parts
        for i in fixed:
            self.nominal[i] = 1  # a placeholder: its dates are its actual ones
        D = self.D
        self.release = [D - c for c in network.cap]
        lower = [self.today_number if nb is None or nb < self.today_number else nb
                 for nb in network.not_before]
        self.deadline = [D - lb for lb in lower]  # tau finish at or below this is on time
        for i in fixed:
            self.deadline[i] = D - self.today_number + sum(self.nominal) + REACH_DAYS
        self.is_action = network.is_action
        # tau precedence: tau-preds of i are its real successors.
        self.tpreds = network.succs
        self.tsuccs = network.preds
        earliest = min([self.today_number, *(x for x in network.not_before if x is not None)])
        self.k_start = max(16, D - earliest + sum(self.nominal) + 8)
        self.k_limit = D - earliest + sum(self.nominal) + REACH_DAYS

    def availability(self, k0: int, k1: int) -> list[list[int]]:
        """Seconds each person has on tau days ``k0 .. k1 - 1``."""
        if k1 <= k0:
            return [[] for _ in self.person_calendars]
        days = self.calendar.span(self.D - k1 + 1, self.D - k0)
        return [person.seconds_on(days)[::-1] for person in self.person_calendars]


def book_day(
    rem: list[list[int]],
    parts: list[tuple[int, int]],
    u: int,
    left: int,
    booked: list[tuple[int, int, int, int]] | None,
    node: int,
) -> int:
    """Book up to ``left`` seconds of effort node ``node`` on tau day ``u``: each assignee
    ``(person, daily cap)`` in turn gives what they have free, up to their cap. Appends
    ``(node, person, u, seconds)`` to ``booked`` when given; returns the seconds still left."""
    for r, cap in parts:
        row = rem[r]
        free = row[u]
        if free > 0:
            take = cap if cap < free else free
            if take > left:
                take = left
            row[u] = free - take
            left -= take
            if booked is not None:
                booked.append((node, r, u, take))
            if not left:
                break
    return left


@dataclass(slots=True)
class Decoded:
    ts: list[int]
    tf: list[int]
    bookings: list[tuple[int, int, int, int]]  # node, person, tau day, seconds


class Engine:
    """Serial schedule generation in reversed time, with justification."""

    def __init__(self, problem: LevellingProblem) -> None:
        self.p = problem
        self.n = problem.n
        self.count = 0
        self.avail = problem.availability(0, problem.k_start)
        self.K = problem.k_start
        n = self.n
        # tau topological order: real order reversed.
        self.tpos = [n - 1 - i for i in range(n)]
        self.actions = [i for i in range(n) if problem.is_action[i]]
        self.has_effort = any(e is not None for e in problem.effort)
        self.tdl = problem.deadline

    # -- capacity arrays -------------------------------------------------------------------
    def _grow(self, rem: list[list[int]], need: int, node: int) -> int:
        """Make the arrays reach tau day ``need`` - 1; returns the new length."""
        if need > self.p.k_limit:
            raise NoRoom(node)
        old = self.K
        if need > old:
            new = min(max(need, 2 * old), self.p.k_limit + 1)
            for row, more in zip(self.avail, self.p.availability(old, new), strict=True):
                row.extend(more)
            self.K = new
        for r, row in enumerate(rem):
            if len(row) < self.K:
                row.extend(self.avail[r][len(row):self.K])
        return self.K

    # -- serial schedule generation --------------------------------------------------------
    def decode(self, order: Sequence[int], *, record: bool = False) -> Decoded:
        """Each node in ``order`` as early in tau (as late in real time) as capacity allows."""
        self.count += 1
        p = self.p
        tpreds, release, demand, effort, duration = (
            p.tpreds, p.release, p.demand, p.effort, p.nominal)
        rem = [row[:] for row in self.avail]
        K = self.K
        n = self.n
        ts = [0] * n
        tf = [0] * n
        bookings: list[tuple[int, int, int, int]] = []
        for i in order:
            s = release[i]
            for q, o in tpreds[i]:
                v = tf[q] + o
                if v > s:
                    s = v
            work = effort[i]
            if work is None:
                d = duration[i]
                parts = demand[i]
                if parts:
                    while True:
                        e = s + d
                        if e > K:
                            K = self._grow(rem, e, i)
                        for r, a in parts:
                            row = rem[r]
                            if (row[s] < a) if d == 1 else (min(row[s:e]) < a):
                                u = e - 1
                                while row[u] >= a:
                                    u -= 1
                                s = u + 1
                                break
                        else:
                            break
                    e = s + d
                    for r, a in parts:
                        row = rem[r]
                        row[s:e] = [x - a for x in row[s:e]]
                        if record:
                            bookings.extend((i, r, u, a) for u in range(s, e))
                ts[i] = s
                tf[i] = s + d - 1
                continue
            total, parts = work
            while True:
                if s >= K:
                    K = self._grow(rem, s + 1, i)
                if any(rem[r][s] > 0 for r, _ in parts):
                    break
                s += 1
            left, u = total, s
            booked = bookings if record else None
            while True:
                if u >= K:
                    K = self._grow(rem, u + 1, i)
                left = book_day(rem, parts, u, left, booked, i)
                if not left:
                    break
                u += 1
            ts[i] = s
            tf[i] = u
        return Decoded(ts, tf, bookings)

    def _decode_late(self, order: Sequence[int], horizon: int) -> Decoded | None:
        """Each node as late in tau (early in real time) as possible, ending by ``horizon``."""
        self.count += 1
        p = self.p
        tsuccs, release, demand, effort, duration = (
            p.tsuccs, p.release, p.demand, p.effort, p.nominal)
        rem = [row[:] for row in self.avail]
        n = self.n
        ts = [0] * n
        tf = [0] * n
        for i in order:
            f = horizon
            for q, o in tsuccs[i]:
                v = ts[q] - o
                if v < f:
                    f = v
            lo = release[i]
            work = effort[i]
            if work is None:
                d = duration[i]
                parts = demand[i]
                while True:
                    b = f - d + 1
                    if b < lo:
                        return None
                    for r, a in parts:
                        row = rem[r]
                        if (row[b] < a) if d == 1 else (min(row[b:f + 1]) < a):
                            u = b
                            while row[u] >= a:
                                u += 1
                            f = u - 1
                            break
                    else:
                        break
                b = f - d + 1
                for r, a in parts:
                    row = rem[r]
                    row[b:f + 1] = [x - a for x in row[b:f + 1]]
                ts[i] = b
                tf[i] = f
                continue
            total, parts = work
            while f >= lo and not any(rem[r][f] > 0 for r, _ in parts):
                f -= 1
            left, u = total, f
            while True:
                if u < lo:
                    return None
                left = book_day(rem, parts, u, left, None, i)
                if not left:
                    break
                u -= 1
            ts[i] = u
            tf[i] = f
        return Decoded(ts, tf, [])

    # -- objective -------------------------------------------------------------------------
    def score(self, tf: list[int]) -> tuple[int, int]:
        """(worst lateness of an action against today/not_before, tau makespan): lower is better."""
        tdl = self.tdl
        late = max([tf[i] - tdl[i] for i in self.actions], default=0)
        return late, max(tf, default=0)

    def justify(self, result: Decoded, score: tuple[int, int]) -> tuple[Decoded, tuple[int, int]]:
        """Forward-backward improvement: shift right then left while it helps."""
        tpos, n = self.tpos, self.n
        for _ in range(4):
            if score[1] >= self.K:  # actions without people may reach past the arrays
                self._grow([], score[1] + 1, -1)
            tf = result.tf
            right = self._decode_late(sorted(range(n), key=lambda i: (-tf[i], -tpos[i])),
                                      score[1])
            if right is None:
                break
            rts = right.ts
            left = self.decode(sorted(range(n), key=lambda i: (rts[i], tpos[i])))
            new = self.score(left.tf)
            if new > score:
                break
            improved = new < score
            result, score = left, new
            if not improved:
                break
        return result, score

    def as_list(self, result: Decoded) -> list[int]:
        """The activity list a schedule stands for: by tau start."""
        ts, tpos = result.ts, self.tpos
        return sorted(range(self.n), key=lambda i: (ts[i], tpos[i]))


# --------------------------------------------------------------------------- the search


def _cpm(engine: Engine) -> tuple[list[int], list[int], tuple[int, int]]:
    """Precedence-only tau schedule: earliest tau finish, latest tau finish, lower bound."""
    p = engine.p
    n = engine.n
    dur = p.nominal
    tf = [0] * n
    for i in range(n - 1, -1, -1):  # tau topological order
        s = p.release[i]
        for q, o in p.tpreds[i]:
            v = tf[q] + o
            if v > s:
                s = v
        tf[i] = s + dur[i] - 1
    horizon = max(tf, default=0)
    lf = [horizon] * n
    for i in range(n):
        f = horizon
        for q, o in p.tsuccs[i]:
            v = lf[q] - dur[q] + 1 - o
            if v < f:
                f = v
        lf[i] = f
    return tf, lf, engine.score(tf)


def _sample(engine: Engine, priority: list[int], rng: random.Random | None) -> list[int]:
    """A precedence-feasible list: lowest ``priority`` first, or regret-biased random picks."""
    p = engine.p
    n = engine.n
    waiting = [len(p.tpreds[i]) for i in range(n)]
    eligible = [i for i in range(n - 1, -1, -1) if waiting[i] == 0]
    out: list[int] = []
    while eligible:
        if rng is None:
            k = min(range(len(eligible)), key=lambda j: (priority[eligible[j]], eligible[j]))
        else:
            worst = max(priority[i] for i in eligible)
            weights = [worst - priority[i] + 1 for i in eligible]
            x = rng.random() * sum(weights)
            k = 0
            while x >= weights[k] and k < len(weights) - 1:
                x -= weights[k]
                k += 1
        i = eligible.pop(k)
        out.append(i)
        for q, _ in p.tsuccs[i]:
            waiting[q] -= 1
            if not waiting[q]:
                eligible.append(q)
    return out


def _crossover(mother: list[int], father: list[int], rng: random.Random) -> list[int]:
    """Two-point crossover of activity lists (Hartmann 1998): stays precedence-feasible."""
    n = len(mother)
    a = rng.randrange(n + 1)
    b = rng.randrange(a, n + 1)
    child = mother[:a]
    used = set(child)
    for x in father:
        if len(child) >= b:
            break
        if x not in used:
            child.append(x)
            used.add(x)
    child.extend(x for x in mother if x not in used)
    return child


def _mutate(engine: Engine, order: list[int], rng: random.Random, rate: float) -> None:
    tpreds = engine.p.tpreds
    for k in range(len(order) - 1):
        if rng.random() < rate:
            a, b = order[k], order[k + 1]
            if all(q != a for q, _ in tpreds[b]):
                order[k], order[k + 1] = b, a


_POPULATION = 40


def search(engine: Engine, rng: random.Random, budget: int) -> list[int]:
    """The best activity list found within ``budget`` decoded schedules."""
    n = engine.n
    if n == 0:
        return []
    _, lf, bound = _cpm(engine)
    capacity_free = not any(engine.p.demand) and not engine.has_effort
    candidates = [_sample(engine, lf, None)]

    def evaluate(order: list[int]) -> tuple[tuple[int, int], list[int]]:
        result = engine.decode(order)
        score = engine.score(result.tf)
        if score > bound:
            result, score = engine.justify(result, score)
        return score, engine.as_list(result)

    best_score, best = evaluate(candidates[0])
    if capacity_free or best_score <= bound or engine.count >= budget:
        return best
    population = [(best_score, best)]
    patience = max(500, budget // 2)
    last_gain = engine.count
    while len(population) < _POPULATION and engine.count < budget:
        score, order = evaluate(_sample(engine, lf, rng))
        population.append((score, order))
        if score < best_score:
            best_score, best, last_gain = score, order, engine.count
            if best_score <= bound:
                return best
    seen = {tuple(order) for _, order in population}
    while engine.count < budget and engine.count - last_gain < patience:
        size = len(population)
        a, b, c, d = (rng.randrange(size) for _ in range(4))
        mother = population[a if population[a][0] <= population[b][0] else b][1]
        father = population[c if population[c][0] <= population[d][0] else d][1]
        child = _crossover(mother, father, rng)
        _mutate(engine, child, rng, 0.05)
        score, order = evaluate(child)
        key = tuple(order)
        if key in seen:
            continue
        worst = max(range(size), key=lambda k: (population[k][0], k))
        if score <= population[worst][0]:
            seen.discard(tuple(population[worst][1]))
            population[worst] = (score, order)
            seen.add(key)
        if score < best_score:
            best_score, best, last_gain = score, order, engine.count
            if best_score <= bound:
                break
    return best
