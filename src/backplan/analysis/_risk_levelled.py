"""Risk simulation through the capacity-levelled scheduler: one levelled schedule per run.

Used by :func:`backplan.analysis.risk.simulate_schedule` with ``scheduler="levelled"``. The runs
are drawn exactly as in the vectorised path (same seed, same draws, in the same order); each run
then becomes a plan with those durations, scheduled by
:func:`~backplan.scheduling.levelling.schedule_levelled` with one decode of its priority list
(no search), so that nobody is booked beyond their hours in any run. A run's completion is the
levelled schedule's earliest completion (plus the whole-plan risks that happened), and an action
is critical in a run when that schedule marks it critical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from backplan.calendars import WorkingCalendar
from backplan.models import Plan
from backplan.scheduling.levelling import schedule_levelled

__all__ = ["LEVELLED_ITERATIONS", "run_levelled"]

#: Schedules the levelled scheduler decodes per run (its default search would take thousands).
LEVELLED_ITERATIONS = 1
_PROGRESS_EVERY = 100


def run_levelled(
    np: Any, plan: Plan, model: Any, bits: Any, samples: int, chunk: int, due: int, origin: int,
    tally: Any, *, calendar: WorkingCalendar, today: dt.date, seed: int,
    progress: Callable[[int, int], None] | None,
) -> int | None:
    """Run ``samples`` levelled schedules into ``tally``; return the planned completion offset
    (the plan as written, levelled the same way), or None without actions."""
    from backplan.analysis.risk import _draw_risks

    network = model.network
    by_id = {action.id: action for action in plan.actions}
    for i, extra in enumerate(model.extras):
        action = by_id.get(network.ids[i])
        if extra and action is not None and action.duration is None:
            raise ValueError(
                f"risk {plan.risks[extra[0][0]].id!r} delays {action.id!r}, which is sized by "
                "effort: a levelled simulation can only lengthen actions with a duration; use "
                "scheduler='network' or size the action in working days"
            )
    node_of = network.index
    planned_schedule = schedule_levelled(plan, today=today, seed=seed,
                                         iterations=LEVELLED_ITERATIONS)
    planned = (None if planned_schedule.earliest_completion is None
               else calendar.number(planned_schedule.earliest_completion) - origin)
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        happened = _draw_risks(np, model, bits, size)
        durations = _draw_durations(np, model, bits, size, happened)
        whole = np.zeros(size, dtype=np.int64)
        for risk_index, impact in model.plan_extras:
            whole += happened[risk_index] * impact
        varying = [(network.ids[i], column.tolist()) for i, column in durations.items()]
        whole_list = whole.tolist()
        for run in range(size):
            actions = tuple(
                by_id[action_id].model_copy(update={"duration": column[run]})
                for action_id, column in varying
            )
            if actions:
                changed = {a.id: a for a in actions}
                run_plan = plan.model_copy(update={"actions": tuple(
                    changed.get(a.id, a) for a in plan.actions)})
            else:
                run_plan = plan
            levelled = schedule_levelled(run_plan, today=today, seed=seed,
                                         iterations=LEVELLED_ITERATIONS)
            if levelled.earliest_completion is None:
                continue
            completion = calendar.number(levelled.earliest_completion) - origin + whole_list[run]
            tally.completion[completion] = tally.completion.get(completion, 0) + 1
            for row in levelled.actions:
                if row.critical:
                    tally.critical[node_of[row.id]] += 1
            for k, milestone in enumerate(levelled.milestones):
                offset = calendar.number(milestone.earliest_date) - origin
                counts = tally.milestone[k]
                counts[offset] = counts.get(offset, 0) + 1
            met = completion <= due
            for risk_index, occurred in enumerate(happened):
                if occurred[run]:
                    tally.risk_occurred[risk_index] += 1
                else:
                    tally.risk_without[risk_index] += 1
                    tally.risk_met_without[risk_index] += met
            if progress is not None and (done + run + 1) % _PROGRESS_EVERY == 0:
                progress(done + run + 1, samples)
        done += size
        if progress is not None:
            progress(done, samples)
    return planned


def _draw_durations(
    np: Any, model: Any, bits: Any, size: int, happened: list[Any]
) -> dict[int, Any]:
    """Working days per run of every node whose duration varies: the same draws, in the same
    order, as the vectorised passes make."""
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
