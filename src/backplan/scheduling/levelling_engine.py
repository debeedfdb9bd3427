"""The engine behind the capacity-levelled schedule: the plan in reversed time, decoded by
serial schedule generation and improved by forward-backward justification.

In reversed time (counting working days back from the due date) backward scheduling is forward
resource-constrained project scheduling (RCPSP), so the standard tools apply: a serial
schedule-generation scheme decodes a priority list into a schedule, and forward-backward
improvement (double justification, Valls et al. 2005) shifts every action right then left.
:mod:`backplan.scheduling.levelling_search` searches among priority lists with it.

Speed: each person's free hours are whole units (the common divisor of everything booked on
them) in a bytearray per person. The compiled decoder (:data:`COMPILED_DECODER`, built from
``_sgs.c`` at install when a C compiler is there) decodes whenever every person's day fits in a
byte (up to 255 units); otherwise, or without it, one compiled pattern search finds where a
fixed duration fits and one ``bytes.translate`` books it. Both place the same way: same schedules,
same search. The right shift of justification is the same placement run in mirrored time; a
schedule met again is not justified again.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from backplan._compiled import compiled
from backplan.calendars import PersonCalendar, QueueCapacity, WorkingCalendar
from backplan.calendars.people import rate_seconds
from backplan.models import Plan
from backplan.scheduling.network import Network

if TYPE_CHECKING:
    from backplan.scheduling._sgs import Decoder as CompiledDecoder

__all__ = [
    "COMPILED_DECODER",
    "REACH_DAYS",
    "Decoded",
    "Engine",
    "LevellingProblem",
    "NoRoom",
]

#: Working days the search may reach back beyond the plan before it gives up on an action.
REACH_DAYS = 3650


_SGS = compiled("backplan.scheduling._sgs")

#: The compiled serial schedule generation (``backplan.scheduling._sgs.Decoder``), or None when
#: the extension was not built; set it to None to run the Python placement (the tests compare).
COMPILED_DECODER: type[CompiledDecoder] | None = None if _SGS is None else _SGS.Decoder


# --------------------------------------------------------------------------- the problem


class NoRoom(Exception):
    """Node ``node`` cannot be booked within :data:`REACH_DAYS` working days."""

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

    Attributes (per node ``i``, in the network's numbering): ``release[i]`` (first tau day),
    ``deadline[i]`` (tau finish at or below this is on time), ``nominal[i]`` (working days),
    ``demand[i]`` (``(person, seconds)`` booked every day of a fixed duration), ``effort[i]``
    (``(seconds, [(person, daily cap seconds)])`` for effort-sized work, else None),
    ``tpreds[i]``/``tsuccs[i]`` (``(node, offset)`` in tau: tau start >= tau finish of a
    tau predecessor + offset); ``person_calendars`` and :meth:`availability` give the hours.
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
        # Tau days the plan spans before any search: back to today or the earliest
        # not_before, or to the earliest cap (a not_after or due date long past), never less
        # than none (a goal due before today).
        span = max(0, D - earliest, *self.release)
        #: Tau days the capacity arrays cover at first (they grow on demand).
        self.k_start = max(64, 2 * span + 64)
        #: Tau days an action may use at most (:class:`NoRoom` beyond).
        self.k_limit = span + sum(self.nominal) + REACH_DAYS

    def availability(self, k0: int, k1: int) -> list[list[int]]:
        """Seconds each person has on tau days ``k0 .. k1 - 1``."""
        if k1 <= k0:
            return [[] for _ in self.person_calendars]
        days = self.calendar.span(self.D - k1 + 1, self.D - k0)
        return [person.seconds_on(days)[::-1] for person in self.person_calendars]


@dataclass(slots=True)
class Decoded:
    """A schedule in tau days: per node its first and last day, and, when recorded, the
    bookings ``(node, person, tau day, seconds)``."""

    ts: list[int]
    tf: list[int]
    bookings: list[tuple[int, int, int, int]]


#: Capacity arrays hold whole units of a person's hours; up to this many units a day they are
#: bytearrays searched with compiled patterns (C speed), else lists searched in Python.
_BYTE_UNITS = 255

#: ``_SUBTRACT[a]`` maps each byte ``x`` to ``x - a`` (for ``bytes.translate``).
_SUBTRACT = [bytes((x - a) & 0xFF for x in range(256)) for a in range(256)]

_Lane = bytearray | list[int]
_Search = Callable[[bytearray, int], "re.Match[bytes] | None"]
#: A fixed-duration part: person, units a day, the pattern search and subtraction table of a
#: bytes lane (None for a list lane).
_Part = tuple[int, int, _Search | None, bytes | None]
#: Per node: kind, working days, parts (fixed: :data:`_Part`; effort: person and daily cap in
#: units), and the effort total in units (fixed: how many parts).
_Job = tuple[int, int, tuple[Any, ...], int]

_NONE, _FIXED, _EFFORT = 0, 1, 2


def _capacity_units(problem: LevellingProblem) -> tuple[list[int], list[list[int]]]:
    """Seconds per capacity unit for each person, and the groups of people who share units.

    A unit is the greatest common divisor of everything booked on a person (their hours, the
    hours of fixed actions, the daily caps and totals of effort): every remaining amount stays a
    whole number of units. People sharing an effort action share one unit (the effort left
    passes from one to the next).
    """
    count = len(problem.person_ids)
    group = list(range(count))

    def root(r: int) -> int:
        while group[r] != r:
            group[r] = group[group[r]]
            r = group[r]
        return r

    unit = [c.rate for c in problem.person_calendars]
    for parts in problem.demand:
        for r, a in parts:
            unit[r] = math.gcd(unit[r], a)
    for work in problem.effort:
        if work is not None:
            total, parts = work
            first = root(parts[0][0]) if parts else 0
            for r, cap in parts:
                unit[r] = math.gcd(unit[r], cap, total)
                group[root(r)] = first
    members: dict[int, list[int]] = {}
    for r in range(count):
        members.setdefault(root(r), []).append(r)
    groups = list(members.values())
    for rs in groups:
        shared = math.gcd(*(unit[r] for r in rs)) or 1
        for r in rs:
            unit[r] = shared
    return unit, groups


def _find_window(row: list[int], s: int, d: int, a: int) -> int:
    """The first ``t >= s`` with at least ``a`` free on each of days ``t .. t + d - 1`` of a
    list lane, or -1 if there is none before its end."""
    end = len(row)
    while True:
        e = s + d
        if e > end:
            return -1
        if (row[s] >= a) if d == 1 else (min(row[s:e]) >= a):
            return s
        u = e - 1
        while row[u] >= a:
            u -= 1
        s = u + 1


class _Rescale(Exception):
    """Availability values that person ``person``'s capacity units cannot hold."""

    def __init__(self, person: int, values: list[int]) -> None:
        super().__init__(person)
        self.person = person
        self.values = values


class Engine:
    """Serial schedule generation in reversed time, with justification.

    Capacity is held per person as free units per tau day (see :func:`_capacity_units`): a
    bytearray when a day's hours fit in a byte, where a compiled pattern finds the first run of
    days with enough free for a fixed duration in one call, else a list.
    """

    def __init__(self, problem: LevellingProblem, *, compiled: bool = True) -> None:
        self.p = problem
        #: Whether to decode with :data:`COMPILED_DECODER` where it can (False: the Python
        #: placement only, for comparisons).
        self.use_compiled = compiled
        self.n = problem.n
        self.count = 0
        self.tdl = problem.deadline
        self.actions = [i for i in range(self.n) if problem.is_action[i]]
        deadlines = set(self.tdl)
        self.same_deadline = (deadlines.pop() if len(deadlines) == 1
                              and len(self.actions) == self.n else None)
        self.has_effort = any(e is not None for e in problem.effort)
        self.unit, self.groups = _capacity_units(problem)
        self.wide: set[int] = set()  # people whose lanes are lists
        self._build()

    # -- capacity arrays -------------------------------------------------------------------
    def _build(self) -> None:
        """Capacity arrays and compiled jobs for the current units (made finer when the
        availability needs it)."""
        while True:
            try:
                return self._build_once()
            except _Rescale as stuck:
                self._refine(stuck)

    def _build_once(self) -> None:
        p = self.p
        unit = self.unit
        seconds = p.availability(0, min(p.k_start, p.k_limit))
        for r, row in enumerate(seconds):
            if max([p.person_calendars[r].rate, *row]) // unit[r] > _BYTE_UNITS:
                self.wide.add(r)
        self.lanes: list[_Lane] = [self._lane(r, row) for r, row in enumerate(seconds)]
        patterns: dict[tuple[int, int], _Search] = {}
        jobs: list[_Job] = []
        for i in range(self.n):
            d = p.nominal[i]
            work = p.effort[i]
            if work is not None:
                total, effort_parts = work
                g = unit[effort_parts[0][0]] if effort_parts else 1
                jobs.append((_EFFORT, d, tuple((r, cap // g) for r, cap in effort_parts),
                             total // g))
            elif p.demand[i]:
                parts: list[_Part] = []
                for r, seconds_a in p.demand[i]:
                    a = seconds_a // unit[r]
                    if r in self.wide or a > _BYTE_UNITS:
                        parts.append((r, a, None, None))
                        continue
                    key = (a, d)
                    if key not in patterns:
                        patterns[key] = re.compile(
                            b"[\\x%02x-\\xff]{%d}" % (a, d), re.DOTALL).search
                    parts.append((r, a, patterns[key], _SUBTRACT[a]))
                jobs.append((_FIXED, d, tuple(parts), len(parts)))
            else:
                jobs.append((_NONE, d, (), 0))
        self.jobs = jobs
        self.compiled = self._compiled_decoder()

    def _compiled_decoder(self) -> CompiledDecoder | None:
        """The compiled decoder for these jobs, or None where it cannot place them (a person's
        lane a list) or is not built."""
        if COMPILED_DECODER is None or not self.use_compiled or self.wide:
            return None
        parts: list[tuple[tuple[int, int], ...]] = []
        effort: list[int] = []
        for kind, _, job_parts, total in self.jobs:
            if kind == _EFFORT:
                parts.append(job_parts)
                effort.append(total)
                continue
            if any(search is None for _, _, search, _ in job_parts):
                return None
            parts.append(tuple((r, a) for r, a, _, _ in job_parts))
            effort.append(-1)
        p = self.p
        return COMPILED_DECODER(p.nominal, parts, effort, p.tpreds, p.tsuccs, p.release,
                                p.k_limit, len(self.lanes))

    def _lane(self, r: int, seconds: list[int]) -> _Lane:
        """Person ``r``'s capacity in units on the days of ``seconds``."""
        g = self.unit[r]
        if any(x % g for x in seconds):
            raise _Rescale(r, seconds)
        units = [x // g for x in seconds] if g != 1 else seconds
        if r in self.wide:
            return units
        if max(units, default=0) > _BYTE_UNITS:
            raise _Rescale(r, seconds)
        return bytearray(units)

    def _refine(self, stuck: _Rescale) -> None:
        """Units that also hold ``stuck.values`` (days with other hours than the usual)."""
        r = stuck.person
        group = next(rs for rs in self.groups if r in rs)
        shared = math.gcd(self.unit[r], *stuck.values) or 1
        for q in group:
            self.unit[q] = shared
        if max(stuck.values, default=0) // shared > _BYTE_UNITS:
            self.wide.add(r)

    def _rescale(self, stuck: _Rescale) -> None:
        """Units and lanes that also hold ``stuck.values``."""
        self._refine(stuck)
        self._build()

    @property
    def K(self) -> int:
        """Tau days the capacity arrays cover."""
        return len(self.lanes[0]) if self.lanes else self.p.k_start

    def _grow(self, rows: list[_Lane], need: int) -> int:
        """Make the arrays (and ``rows``, copies being booked) reach ``need`` tau days, up to
        ``k_limit``; returns their length."""
        lanes = self.lanes
        if not lanes:
            return need
        old = len(lanes[0])
        if need > old and old < self.p.k_limit:
            new = min(max(need, 2 * old), self.p.k_limit)
            for r, more in enumerate(self.p.availability(old, new)):
                lanes[r].extend(self._lane(r, more))
        for r, row in enumerate(rows):
            if len(row) < len(lanes[r]):
                row.extend(lanes[r][len(row):])
        return len(lanes[0])

    # -- serial schedule generation --------------------------------------------------------
    def decode(self, order: Sequence[int], *, record: bool = False) -> Decoded:
        """Each node in ``order`` as early in tau (as late in real time) as capacity allows.

        Raises:
            NoRoom: a node cannot be booked within ``k_limit`` tau days.
        """
        self.count += 1
        if self.compiled is not None and not record:
            out = self.compiled.forward(order, cast(list[bytearray], self.lanes))
            if isinstance(out, int):
                raise NoRoom(out)
            if out is not None:  # None: beyond the lanes, grown by the Python placement below
                return Decoded(out[0], out[1], [])
        p = self.p
        end = [p.k_limit] * self.n
        while True:
            rows: list[_Lane] = [row[:] for row in self.lanes]
            bookings: list[tuple[int, int, int, int]] | None = [] if record else None
            try:
                out = self._sgs(order, p.tpreds, p.release, rows, end, True, bookings)
            except _Rescale as stuck:
                self._rescale(stuck)
                continue
            if isinstance(out, int):
                raise NoRoom(out)
            return Decoded(out[0], out[1], bookings or [])

    def decode_late(self, order: Sequence[int], horizon: int) -> Decoded | None:
        """Each node as late in tau (early in real time) as possible, ending by ``horizon``;
        None if one would start before its release. Runs :meth:`_sgs` in mirrored time
        ``m = horizon - k``, where it is the same forward placement."""
        self.count += 1
        p = self.p
        while True:
            try:
                if horizon >= self.K:
                    self._grow([], horizon + 1)
                break
            except _Rescale as stuck:
                self._rescale(stuck)
        if self.compiled is not None:
            late = self.compiled.backward(order, cast(list[bytearray], self.lanes), horizon)
            return None if late is None else Decoded(late[0], late[1], [])
        rows: list[_Lane] = [row[horizon::-1] for row in self.lanes]
        if rows and len(rows[0]) <= horizon:  # beyond k_limit: no hours there
            pad = horizon + 1 - len(rows[0])
            rows = [bytearray(pad) + row if isinstance(row, bytearray) else [0] * pad + row
                    for row in rows]
        end = [horizon + 1 - k for k in p.release]
        out = self._sgs(order, p.tsuccs, [0] * self.n, rows, end, False, None)
        if isinstance(out, int):
            return None
        ms, mf = out
        return Decoded([horizon - x for x in mf], [horizon - x for x in ms], [])

    def _sgs(
        self,
        order: Sequence[int],
        preds: Sequence[Sequence[tuple[int, int]]],
        first: Sequence[int],
        rows: list[_Lane],
        end: Sequence[int],
        grow: bool,
        booked: list[tuple[int, int, int, int]] | None,
    ) -> tuple[list[int], list[int]] | int:
        """The serial schedule-generation scheme: each node of ``order`` at the first day from
        ``first`` and its ``preds`` (``(node, offset)``: start >= finish + offset) where its
        people have the hours, booked into ``rows``; its days before ``end``. Returns the first
        and last days, or the node that does not fit (the arrays grow up to ``k_limit`` days
        when ``grow``)."""
        n = self.n
        jobs = self.jobs
        unit = self.unit
        ts = [0] * n
        tf = [0] * n
        K = len(rows[0]) if rows else 1 << 62
        FIXED, EFFORT = _FIXED, _EFFORT
        for i in order:
            s = first[i]
            for q, o in preds[i]:
                v = tf[q] + o
                if v > s:
                    s = v
            kind, d, parts, total = jobs[i]
            if kind == FIXED and total == 1:  # total: how many people
                r, a, search, sub = parts[0]
                match = search(rows[r], s) if search is not None else None
                if match is not None:
                    s = match.start()
                else:
                    s = self._window(rows, r, s, d, a, search, grow)
                    if s < 0:
                        return i
                    K = len(rows[0])
                e = s + d
                if e > end[i]:
                    return i
                row = rows[r]
                if sub is not None:
                    row[s:e] = row[s:e].translate(sub)
                else:
                    row[s:e] = [x - a for x in row[s:e]]
                if booked is not None:
                    seconds = a * unit[r]
                    booked.extend((i, r, u, seconds) for u in range(s, e))
                ts[i] = s
                tf[i] = e - 1
            elif kind == FIXED:
                k = stable = 0
                while True:  # each person's first run of days in turn, until all agree
                    r, a, search, sub = parts[k]
                    match = search(rows[r], s) if search is not None else None
                    if match is not None:
                        t = match.start()
                    else:
                        t = self._window(rows, r, s, d, a, search, grow)
                        if t < 0:
                            return i
                        K = len(rows[0])
                    if t != s:
                        s = t
                        stable = 1
                    else:
                        stable += 1
                    if stable >= total:
                        break
                    k += 1
                    if k == total:
                        k = 0
                e = s + d
                if e > end[i]:
                    return i
                for r, a, _, sub in parts:
                    row = rows[r]
                    if sub is not None:
                        row[s:e] = row[s:e].translate(sub)
                    else:
                        row[s:e] = [x - a for x in row[s:e]]
                if booked is not None:
                    for r, a, _, _ in parts:
                        seconds = a * unit[r]
                        booked.extend((i, r, u, seconds) for u in range(s, e))
                ts[i] = s
                tf[i] = e - 1
            elif kind == EFFORT:
                stop = end[i] - 1
                while True:  # the first day someone has hours free
                    if s > stop:
                        return i
                    if s >= K:
                        if not grow:
                            return i
                        K = self._grow(rows, s + 1)
                        if s >= K:
                            return i
                    for r, _ in parts:
                        if rows[r][s]:
                            break
                    else:
                        s += 1
                        continue
                    break
                left, u = total, s
                while True:
                    if u > stop:
                        return i
                    if u >= K:
                        if not grow:
                            return i
                        K = self._grow(rows, u + 1)
                        if u >= K:
                            return i
                    for r, cap in parts:
                        row = rows[r]
                        free = row[u]
                        if free:
                            take = cap if cap < free else free
                            if take > left:
                                take = left
                            row[u] = free - take
                            left -= take
                            if booked is not None:
                                booked.append((i, r, u, take * unit[r]))
                            if not left:
                                break
                    if not left:
                        break
                    u += 1
                ts[i] = s
                tf[i] = u
            else:
                if s + d > end[i]:
                    return i
                ts[i] = s
                tf[i] = s + d - 1
        return ts, tf

    def _window(self, rows: list[_Lane], r: int, s: int, d: int, a: int,
                search: _Search | None, grow: bool) -> int:
        """The first ``t >= s`` where person ``r`` has ``a`` units free on ``d`` days running
        (``search``: its pattern, on a bytes lane), growing the arrays when ``grow`` allows; -1
        if there is none."""
        while True:
            row = rows[r]
            if search is not None:
                match = search(row, s)  # type: ignore[arg-type]
                if match is not None:
                    return match.start()
            else:
                t = _find_window(row, s, d, a)  # type: ignore[arg-type]
                if t >= 0:
                    return t
            if not grow or len(row) >= self.p.k_limit:
                return -1
            self._grow(rows, 2 * len(row))

    # -- objective -------------------------------------------------------------------------
    def score(self, tf: list[int]) -> tuple[int, int]:
        """(worst lateness of an action against today/not_before, tau makespan): lower is better."""
        top = max(tf, default=0)
        if self.same_deadline is not None:  # every node an action, all due by the same day
            return top - self.same_deadline, top
        tdl = self.tdl
        late = max([tf[i] - tdl[i] for i in self.actions], default=0)
        return late, top

    def justify(
        self,
        result: Decoded,
        score: tuple[int, int],
        memo: dict[tuple[int, ...], tuple[Decoded, tuple[int, int]]] | None = None,
        *,
        rounds: int | None = None,
    ) -> tuple[Decoded, tuple[int, int]]:
        """Forward-backward improvement: shift right then left while it helps (Valls et al.),
        at most ``rounds`` times (default: no limit).

        The right shift keeps the schedule's span; when work sized by effort cannot be booked
        back within it (a shared day is split differently in the other direction), it gets
        room beyond. ``memo`` remembers where the improvement of each schedule (by its finish
        days) ends, for schedules met again."""
        seen: list[tuple[int, ...]] = []
        done = 0
        while rounds is None or done < rounds:  # ends: each round that goes on improves
            if memo is not None:
                key = tuple(result.tf)
                if key in memo:
                    result, score = memo[key]
                    break
                seen.append(key)
            order = self.by_finish(result.tf)
            right = self.decode_late(order, score[1])
            if right is None and self.has_effort:
                right = self.decode_late(order, score[1] + max(16, score[1] // 4))
            if right is None:
                break
            left = self.decode(self.by_start(right.ts))
            new = self.score(left.tf)
            if new > score:
                break
            improved = new < score
            result, score = left, new
            done += 1
            if not improved:
                break
        if memo is not None:
            for key in seen:
                memo[key] = (result, score)
        return result, score

    def as_list(self, result: Decoded) -> list[int]:
        """The activity list a schedule stands for: by tau start."""
        return self.by_start(result.ts)

    def by_start(self, ts: list[int]) -> list[int]:
        """Nodes by tau start, earliest first; of one start, the higher node first."""
        if self.compiled is not None:
            return self.compiled.by_start(ts)
        n = self.n
        return sorted(range(n), key=[t * n + n - 1 - i for i, t in enumerate(ts)].__getitem__)

    def by_finish(self, tf: list[int]) -> list[int]:
        """Nodes by tau finish, latest first; of one finish, the lower node first."""
        if self.compiled is not None:
            return self.compiled.by_finish(tf)
        n = self.n
        return sorted(range(n), key=[i - t * n for i, t in enumerate(tf)].__getitem__)


