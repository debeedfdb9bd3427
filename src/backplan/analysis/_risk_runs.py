"""How the runs of a risk simulation are drawn, and the runs through the precedence network.

Used by :mod:`backplan.analysis.risk` (which states the rules a run follows) and by
:mod:`backplan.analysis._risk_levelled` (the same draws, levelled): the duration tables of the
three-point estimates, the :class:`Model` prepared once per simulation, the draws (risks first,
then one block of uniforms per sampled node, in node order) and the vectorised forward passes
with their counts (:class:`Tally`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from backplan.errors import require
from backplan.models import Plan
from backplan.models.risk import Distribution, Estimate
from backplan.scheduling.network import MILESTONE_RELEASE, Network
from backplan.scheduling.passes import forward_pass

__all__ = [
    "GRID", "Model", "Tally", "batch_size", "beta_cdf", "draw_durations", "draw_risks",
    "empty_tally", "grid_tables", "prepare_model", "run_network",
]

_GRID_BITS = 16
GRID = 1 << _GRID_BITS  # uniforms for durations are drawn on this grid
RISK_GRID = 1 << 32  # and for risks on this one
_CHUNK = 10_000  # samples per batch (fewer when the plan is large, to bound memory)
_CELLS_PER_CHUNK = 40_000_000  # nodes x samples held at once (about 200 MB with 16-bit days)


# --------------------------------------------------------------------------------------------
# Distributions


def beta_cdf(x: Sequence[float], a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Regularized incomplete beta ``I_x(a, b)`` for ``0 < x < 1`` and ``a, b >= 1``, many at once.

    The continued fraction of Numerical Recipes (modified Lentz), on whichever side of the mean
    it converges fast, vectorised with numpy; accurate to about 1e-15.
    """
    np = require("numpy", extra="risk", feature="risk simulation")
    x_, a_, b_ = (np.asarray(v, dtype=float) for v in (x, a, b))
    if not x_.size:
        return []
    log_beta = np.array([math.lgamma(p + q) - math.lgamma(p) - math.lgamma(q)
                         for p, q in zip(a_.tolist(), b_.tolist(), strict=True)])
    front = np.exp(log_beta + a_ * np.log(x_) + b_ * np.log1p(-x_))
    swap = x_ >= (a_ + 1.0) / (a_ + b_ + 2.0)
    p_, q_, y = np.where(swap, b_, a_), np.where(swap, a_, b_), np.where(swap, 1.0 - x_, x_)
    tiny = 1e-300

    def guard(v: Any) -> Any:
        return np.where(np.abs(v) < tiny, tiny, v)

    c = np.ones_like(y)
    d = 1.0 / guard(1.0 - (p_ + q_) * y / (p_ + 1.0))
    h = d.copy()
    for m in range(1, 300):
        m2 = 2 * m
        step = np.ones_like(y)
        for aa in (m * (q_ - m) * y / ((p_ - 1.0 + m2) * (p_ + m2)),
                   -(p_ + m) * (p_ + q_ + m) * y / ((p_ + m2) * (p_ + 1.0 + m2))):
            d = 1.0 / guard(1.0 + aa * d)
            c = guard(1.0 + aa / c)
            step = d * c
            h = h * step
        if float(np.max(np.abs(step - 1.0))) < 1e-15:
            break
    value = front * h / p_
    return np.where(swap, 1.0 - value, value).tolist()  # type: ignore[no-any-return]


def triangular_cdf(estimate: Estimate, x: float) -> float:
    low, mode, high = estimate.optimistic, estimate.likely, estimate.pessimistic
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    if x <= mode:
        return (x - low) ** 2 / ((high - low) * (mode - low))
    return 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))


def grid_tables(
    wanted: Sequence[tuple[Estimate, Distribution]],
) -> list[tuple[list[int], list[int]]]:
    """For each estimate: the values ``optimistic..pessimistic`` and how many of the 65,536 grid
    points draw each, that is ``round(F(k + 1/2) * 65,536)`` differenced."""
    cdfs: list[list[float]] = []
    pert_points: list[float] = []
    alphas: list[float] = []
    betas: list[float] = []
    for estimate, kind in wanted:
        low, mode, high = estimate.optimistic, estimate.likely, estimate.pessimistic
        points = [k + 0.5 for k in range(low, high)]
        if kind == "triangular" or low == high:
            cdfs.append([triangular_cdf(estimate, x) for x in points])
            continue
        span = high - low
        pert_points += [(x - low) / span for x in points]
        alphas += [1.0 + 4.0 * (mode - low) / span] * len(points)
        betas += [1.0 + 4.0 * (high - mode) / span] * len(points)
        cdfs.append([])
    pert = iter(beta_cdf(pert_points, alphas, betas))
    tables = []
    for (estimate, kind), cdf in zip(wanted, cdfs, strict=True):
        low, high = estimate.optimistic, estimate.pessimistic
        if kind != "triangular" and low != high:
            cdf = [next(pert) for _ in range(high - low)]
        thresholds = [min(GRID, max(0, round(f * GRID))) for f in cdf] + [GRID]
        counts, before = [], 0
        for t in thresholds:
            t = max(t, before)
            counts.append(t - before)
            before = t
        tables.append((list(range(low, high + 1)), counts))
    return tables


_COUNT_LIMIT = 12  # thresholds compared one by one up to this many; a lookup table beyond


@dataclass(frozen=True, slots=True)
class Sampler:
    """How to draw ``duration - 1`` from a 16-bit uniform ``u``: ``low`` plus the number of
    ``thresholds`` at or below ``u`` (or, for wide estimates, ``table[u]``, the same values)."""

    low: int
    thresholds: tuple[int, ...]
    table: Any


def make_sampler(np: Any, values: list[int], counts: list[int]) -> Sampler:
    low = values[0] - 1
    edges, before = [], 0
    for c in counts[:-1]:
        before += c
        edges.append(before)  # u >= edge means a longer duration than this value
    always = sum(1 for e in edges if e <= 0)
    thresholds = tuple(e for e in edges if 0 < e < GRID)
    low += always
    if not thresholds:
        return Sampler(low, (), None)
    if len(thresholds) <= _COUNT_LIMIT:
        return Sampler(low, thresholds, None)
    table = np.repeat(np.asarray(values, dtype=np.int32) - 1, counts)
    return Sampler(low, thresholds, table.astype(np.int16 if values[-1] <= 32_000 else np.int32))


@dataclass(slots=True)
class Model:
    """Everything the runs need, prepared once per simulation; day numbers are offsets from
    the simulation's origin (today, or the earliest actual start of done work)."""

    network: Network
    n: int
    # per node: earliest start relative to today (from not_before), >= 0; -1 for a milestone
    # (one that waits for nothing is reached the day before today, as in forward_pass)
    base: list[int]
    fixed: list[int]  # per node: duration - 1 when not sampled
    samplers: list[Sampler | None]  # per node: how its duration is drawn, or None (fixed)
    extras: list[list[tuple[int, int]]]  # per node: (risk index, impact) added when it happens
    plan_extras: list[tuple[int, int]]  # (risk index, impact) added to the completion
    action_nodes: list[int]  # nodes of the scheduled actions, in plan order
    moments: list[tuple[float, float]]  # per action (plan order): mean, variance of duration
    sampled: list[Distribution | None]  # per action (plan order)
    probabilities: list[float]  # per risk, on the grid it is drawn on
    ends: list[int]  # action nodes from which no other action follows
    is_end: list[bool]
    always_tight: list[bool]  # one predecessor, no not_before: the start is always tight
    due: int  # the goal's due date (its last working day on or before)
    # (open action node, the last day it may finish on): a run meets every deadline (the
    # goal's due, each milestone's due, each not_after) when each of these finishes in time
    deadlines: list[tuple[int, int]]
    not_after: list[tuple[int, int]]  # (open action node, its own not_after), in plan order
    shifted: list[bool]  # per milestone (plan order): not reached yet, plan-wide risks delay it
    uncertain: bool  # whether two runs can differ (a spread, or a risk that may or may not happen)


def prepare_model(
    plan: Plan, network: Network, origin: int, distribution: Distribution, *, due: int,
    fixed_nodes: Collection[int] = (),
) -> Model:
    """The :class:`Model` of ``plan`` compiled to ``network`` (progress applied: the nodes of
    done work and reached milestones are ``fixed_nodes``); ``due`` is the goal's due date."""
    np = require("numpy", extra="risk", feature="risk simulation")
    n = len(network.ids)
    base = [0 if is_action else MILESTONE_RELEASE for is_action in network.is_action]
    for i, bound in enumerate(network.not_before):
        if bound is not None and bound > origin:
            base[i] = bound - origin
    fixed = [d - 1 for d in network.duration]
    samplers: list[Sampler | None] = [None] * n
    index = network.index
    scheduled = [a for a in plan.actions if a.priority != "wont"]
    # Which actions vary: an estimate with spread on work not yet started (the network then
    # holds the planned duration); one table per distinct estimate, computed together.
    kinds: list[Distribution | None] = []
    wanted: dict[tuple[int, int, int, Distribution], Estimate] = {}
    for action in scheduled:
        node = index[action.id]
        estimate = action.estimate
        planned = action.status == "not_started" and network.duration[node] == action.duration
        if estimate is None or not planned:
            kinds.append(None)
            continue
        if estimate.optimistic == estimate.pessimistic:
            fixed[node] = estimate.optimistic - 1
            kinds.append(None)
            continue
        kind = estimate.distribution or distribution
        kinds.append(kind)
        wanted.setdefault((estimate.optimistic, estimate.likely, estimate.pessimistic, kind),
                          estimate)
    cache: dict[tuple[int, int, int, Distribution], tuple[Sampler, float, float]] = {}
    for key, (values, counts) in zip(
        wanted, grid_tables([(e, key[3]) for key, e in wanted.items()]), strict=True
    ):
        mean = sum(v * c for v, c in zip(values, counts, strict=True)) / GRID
        var = sum(c * (v - mean) ** 2 for v, c in zip(values, counts, strict=True)) / GRID
        cache[key] = (make_sampler(np, values, counts), mean, var)
    moments: list[tuple[float, float]] = []
    for action, drawn in zip(scheduled, kinds, strict=True):
        node = index[action.id]
        if drawn is None:
            moments.append((float(fixed[node] + 1), 0.0))
            continue
        estimate = action.estimate
        assert estimate is not None
        samplers[node], mean, var = cache[
            (estimate.optimistic, estimate.likely, estimate.pessimistic, drawn)]
        moments.append((mean, var))
    sampled = kinds

    extras: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    plan_extras: list[tuple[int, int]] = []
    position = {a.id: k for k, a in enumerate(scheduled)}
    for r, risk in enumerate(plan.risks):
        if not risk.actions:
            plan_extras.append((r, risk.impact))
            continue
        p = quantised(risk.probability)
        for action_id in risk.actions:
            k = position.get(action_id)
            if k is None or scheduled[k].status == "done":
                continue  # a wont (unscheduled) or finished action is not delayed
            extras[index[action_id]].append((r, risk.impact))
            mean, var = moments[k]
            moments[k] = (mean + p * risk.impact, var + p * (1 - p) * risk.impact ** 2)
    # An action followed (directly or through milestones) by another action never finishes last.
    action_nodes = [index[a.id] for a in scheduled]
    is_action = network.is_action
    leads_to_action = [False] * n
    for i in range(n - 1, -1, -1):
        if is_action[i] or leads_to_action[i]:
            for _, nodes in network.pred_groups[i]:
                for p in nodes:
                    leads_to_action[p] = True
    is_end = [is_action[i] and not leads_to_action[i] for i in range(n)]
    probabilities = [quantised(risk.probability) for risk in plan.risks]
    effective = {r for r, _ in plan_extras} | {r for extra in extras for r, _ in extra}
    deadlines, not_after = _deadlines(network, origin, action_nodes, fixed_nodes)
    return Model(
        network=network, n=n, base=base, fixed=fixed, samplers=samplers, extras=extras,
        plan_extras=plan_extras, action_nodes=action_nodes, moments=moments, sampled=sampled,
        probabilities=probabilities,
        ends=[i for i in action_nodes if is_end[i]], is_end=is_end,
        always_tight=[
            len(groups) == 1 and len(groups[0][1]) == 1 and base[i] <= 0
            for i, groups in enumerate(network.pred_groups)
        ],
        due=due, deadlines=deadlines, not_after=not_after,
        shifted=[k not in fixed_nodes for k in network.milestones],
        uncertain=any(sampler is not None for sampler in samplers)
        or any(0.0 < probabilities[r] < 1.0 for r in effective),
    )


def _deadlines(
    network: Network, origin: int, action_nodes: list[int], fixed_nodes: Collection[int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The finishes a run must keep to meet every deadline, and the actions' own not_after.

    The schedule is feasible exactly when every action not yet done finishes by its own cap
    (the goal's due, or its ``not_after``) and by the due of every milestone it leads to
    through milestones alone (less the offsets on the way): a milestone is reached when the
    last of that work finishes. An action is left out when an action that follows it directly
    (offset 1 or more, so finishing later in every run) must meet a deadline at least as early.
    """
    cap = [c - origin for c in network.cap]
    reach = list(cap)
    is_action, groups_of = network.is_action, network.pred_groups
    for i in range(len(cap) - 1, -1, -1):  # successors first: a milestone passes its due back
        if is_action[i]:
            continue
        for offset, nodes in groups_of[i]:
            for p in nodes:
                if reach[i] - offset < reach[p]:
                    reach[p] = reach[i] - offset
    fixed = set(fixed_nodes)
    covered = [False] * len(cap)  # an open action directly after it finishes later, as early
    for s in action_nodes:
        if s in fixed:
            continue
        for offset, nodes in groups_of[s]:
            if offset >= 1:
                for p in nodes:
                    if reach[s] <= reach[p]:
                        covered[p] = True
    open_actions = [i for i in action_nodes if i not in fixed]
    deadlines = [(i, reach[i]) for i in open_actions if not covered[i]]
    not_after = [(i, cap[i]) for i in open_actions if network.cap_source[i] == "not_after"]
    return deadlines, not_after


def quantised(probability: float) -> float:
    """A risk's probability on the grid it is drawn on (a multiple of 1/2^32)."""
    return round(probability * RISK_GRID) / RISK_GRID


@dataclass(slots=True)
class Tally:
    """Counts accumulated over the batches (the histograms map a day offset to its runs)."""

    completion: dict[int, int]
    critical: list[int]  # per node
    milestone: list[dict[int, int]]  # per milestone (plan order)
    risk_occurred: list[int]
    risk_met_without: list[int]  # runs without the risk that met the due date
    risk_without: list[int]
    all_met: int = 0  # runs that met every deadline
    not_after_met: list[int] = field(default_factory=list)  # per Model.not_after entry


def empty_tally(model: Model, risks: int) -> Tally:
    """A :class:`Tally` with nothing counted yet."""
    return Tally({}, [0] * model.n, [{} for _ in model.network.milestones], [0] * risks,
                 [0] * risks, [0] * risks, 0, [0] * len(model.not_after))


def batch_size(model: Model) -> int:
    """Runs drawn at once: up to 10,000, fewer when the plan is large (to bound memory)."""
    return max(256, min(_CHUNK, _CELLS_PER_CHUNK // max(1, model.n)))


def add_histogram(np: Any, values: Any, into: dict[int, int]) -> None:
    """Count each value of ``values`` (one per run) into ``into``."""
    low = int(values.min())
    counts = np.bincount(values - low)
    for offset in np.flatnonzero(counts).tolist():
        into[low + offset] = into.get(low + offset, 0) + int(counts[offset])


def draw_risks(np: Any, model: Model, bits: Any, size: int) -> list[Any]:
    """Whether each risk happens in each of ``size`` runs.

    A batch draws the risks first, one block of 32-bit uniforms each, then one block of 16-bit
    uniforms per sampled node in node order: the draws of one risk or node do not depend on the
    others, nor on the due date.
    """
    happened = []
    for probability in model.probabilities:
        threshold = round(probability * RISK_GRID)
        draws = bits.random_raw((size + 1) // 2).view(np.uint32)[:size]
        happened.append(np.ones(size, dtype=bool) if threshold >= RISK_GRID
                        else draws < threshold)
    return happened


def run_batch(
    np: Any, model: Model, bits: Any, size: int, due: int, tally: Tally,
    start: Any, finish: Any, critical: Any,
) -> None:
    """Draw ``size`` runs, pass forward, trace the critical paths back, and count."""
    network = model.network
    groups_of = network.pred_groups
    dtype = start.dtype
    happened = draw_risks(np, model, bits, size)
    added: dict[tuple[int, int], Any] = {}

    def extra(risk_index: int, impact: int) -> Any:
        key = (risk_index, impact)
        if key not in added:
            added[key] = happened[risk_index].astype(dtype) * dtype.type(impact)
        return added[key]

    completion = np.zeros(size, dtype=dtype)
    spare = np.empty(size, dtype=dtype)
    hits = np.empty(size, dtype=bool)
    count = np.empty(size, dtype=bool)
    hits_u8, count_u8 = hits.view(np.uint8), count.view(np.uint8)
    words = (size + 3) // 4
    base, fixed, samplers, extras, is_end = (
        model.base, model.fixed, model.samplers, model.extras, model.is_end)
    add, maximum, greater_equal = np.add, np.maximum, np.greater_equal
    for i in range(model.n):
        row = start[i]
        first = True
        for offset, nodes in groups_of[i]:
            target = row if first else spare
            if len(nodes) == 1:
                add(finish[nodes[0]], offset, out=target)
            else:
                maximum(finish[nodes[0]], finish[nodes[1]], out=target)
                for p in nodes[2:]:
                    maximum(target, finish[p], out=target)
                if offset:
                    add(target, offset, out=target)
            if not first:
                maximum(row, spare, out=row)
            first = False
        if first:
            row.fill(base[i])
        elif base[i] > 0:
            maximum(row, base[i], out=row)
        out = finish[i]
        sampler = samplers[i]
        if sampler is None:
            add(row, fixed[i], out=out)
        else:
            # duration - 1 = sampler.low + #{t in thresholds : t <= u}, u uniform on the grid
            draws = bits.random_raw(words).view(np.uint16)[:size]
            if sampler.table is not None:
                add(row, sampler.table.take(draws), out=out)
            else:
                thresholds = sampler.thresholds
                greater_equal(draws, thresholds[0], out=count)
                for t in thresholds[1:]:
                    greater_equal(draws, t, out=hits)
                    add(count_u8, hits_u8, out=count_u8)
                add(row, count_u8, out=out, dtype=dtype)
                if sampler.low:
                    add(out, sampler.low, out=out)
        for risk_index, impact in extras[i]:
            add(out, extra(risk_index, impact), out=out)
        if is_end[i]:
            maximum(completion, out, out=completion)

    # Criticality: per run, the actions finishing last, then back through tight predecessors.
    # Only an action from which no other action follows can finish last (``is_end``).
    marked: set[int] = set()
    for i in model.ends:
        np.equal(finish[i], completion, out=critical[i])
        marked.add(i)
    equal, logical_and, logical_or, subtract = (
        np.equal, np.logical_and, np.logical_or, np.subtract)
    for i in range(model.n - 1, -1, -1):
        groups = groups_of[i]
        if not groups or i not in marked:
            continue
        row = critical[i]
        if not row.any():
            continue
        if model.always_tight[i]:  # one predecessor and nothing else bounds the start
            p = groups[0][1][0]
            if p in marked:
                logical_or(critical[p], row, out=critical[p])
            else:
                critical[p] = row
                marked.add(p)
            continue
        for offset, nodes in groups:
            subtract(start[i], offset, out=spare)
            for p in nodes:
                if p in marked:
                    equal(finish[p], spare, out=hits)
                    logical_and(hits, row, out=hits)
                    logical_or(critical[p], hits, out=critical[p])
                else:
                    equal(finish[p], spare, out=critical[p])
                    logical_and(critical[p], row, out=critical[p])
                    marked.add(p)
    for i in model.action_nodes:
        if i in marked:
            tally.critical[i] += int(np.count_nonzero(critical[i]))

    # Plan-wide risks delay every date still to come: the completion, the milestones not yet
    # reached and each action's finish (against the deadlines); the critical paths stay.
    whole = None
    for risk_index, impact in model.plan_extras:
        whole = extra(risk_index, impact) if whole is None else whole + extra(risk_index, impact)
    if whole is not None:
        add(completion, whole, out=completion)
    add_histogram(np, completion, tally.completion)
    for k, node in enumerate(network.milestones):
        add_histogram(np, finish[node] if whole is None or not model.shifted[k]
                      else finish[node] + whole, tally.milestone[k])
    limits = np.iinfo(dtype)
    rooms: dict[int, Any] = {}

    most = 0 if whole is None else int(whole.max())

    def room(cap: int) -> Any:
        """The last finish that meets ``cap`` in each run (a number when the same in all)."""
        if whole is None:
            return min(max(cap, int(limits.min)), int(limits.max))
        if cap not in rooms:
            wide = np.subtract(cap, whole, dtype=np.int64)
            fits = int(limits.min) <= cap - most and cap <= int(limits.max)
            rooms[cap] = wide.astype(dtype) if fits else wide
        return rooms[cap]

    met_all = np.ones(size, dtype=bool)
    for node, cap in model.deadlines:
        np.less_equal(finish[node], room(cap), out=hits)
        logical_and(met_all, hits, out=met_all)
    tally.all_met += int(np.count_nonzero(met_all))
    for j, (node, cap) in enumerate(model.not_after):
        np.less_equal(finish[node], room(cap), out=hits)
        tally.not_after_met[j] += int(np.count_nonzero(hits))
    if happened:
        met = completion <= min(max(due, int(limits.min)), int(limits.max))
        for risk_index, occurred in enumerate(happened):
            count_occurred = int(np.count_nonzero(occurred))
            tally.risk_occurred[risk_index] += count_occurred
            tally.risk_without[risk_index] += size - count_occurred
            tally.risk_met_without[risk_index] += int(np.count_nonzero(met & ~occurred))


def longest_offset(network: Network, model: Model, origin: int) -> int:
    """An upper bound on any finish (days from today): the longest durations, every risk."""
    longest = [
        (fixed if sampler is None else sampler.low + len(sampler.thresholds)) + 1
        + sum(impact for _, impact in extra)
        for fixed, sampler, extra in zip(model.fixed, model.samplers, model.extras, strict=True)
    ]
    # Every start is at most the latest not_before (or today): start them all there.
    _, finish = forward_pass(network, origin + max(model.base, default=0), longest)
    return max(finish, default=origin) - origin + sum(
        impact for _, impact in model.plan_extras)


def run_network(
    np: Any, model: Model, bits: Any, samples: int, tally: Tally, *, origin: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Draw ``samples`` runs through the precedence network, in batches, into ``tally``."""
    chunk = batch_size(model)
    first = min(chunk, samples)
    # Day offsets fit in 16 bits unless every draw at its longest could pass 32,767.
    dtype = np.int16 if longest_offset(model.network, model, origin) < 32_000 else np.int32
    start = np.empty((model.n, first), dtype=dtype)
    finish = np.empty((model.n, first), dtype=dtype)
    critical = np.empty((model.n, first), dtype=bool)
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        run_batch(np, model, bits, size, model.due, tally,
                  start[:, :size], finish[:, :size], critical[:, :size])
        done += size
        if progress is not None:
            progress(done, samples)


def draw_durations(
    np: Any, model: Model, bits: Any, size: int, happened: list[Any]
) -> dict[int, Any]:
    """Working days per run of every node whose duration varies (a sampled estimate, or a risk
    on it), drawn as :func:`run_batch` draws them: the same draws, in the same order."""
    words = (size + 3) // 4
    out: dict[int, Any] = {}
    for i in range(model.n):
        sampler = model.samplers[i]
        days = None
        if sampler is not None:
            draws = bits.random_raw(words).view(np.uint16)[:size]
            if sampler.table is not None:
                days = sampler.table.take(draws).astype(np.int64) + 1
            else:
                days = np.full(size, sampler.low + 1, dtype=np.int64)
                for t in sampler.thresholds:
                    days += draws >= t
        if model.extras[i]:
            if days is None:
                days = np.full(size, model.fixed[i] + 1, dtype=np.int64)
            for risk_index, impact in model.extras[i]:
                days = days + happened[risk_index] * impact
        if days is not None:
            out[i] = days
    return out
