"""Risk simulation through the capacity-levelled scheduler: one levelled schedule per distinct run.

Used by :func:`backplan.analysis.risk.simulate_schedule` when the runs are levelled (the default
for a plan that books people). The runs are drawn exactly as in the vectorised path (same seed,
same draws, in the same order); each run becomes the plan with those durations, scheduled by
:func:`~backplan.scheduling.levelling.level` (fixes are not verified: a run reads only dates,
criticality and feasibility), so that nobody is booked beyond their hours in any run.

A risk on an action sized by ``effort`` adds the effort its assignees do in ``impact``
working days at their booked hours.

Runs with the same durations have the same schedule, so each distinct set of durations is
levelled once (a register of a few risks that may or may not happen gives a handful; every
run is the same when nothing is uncertain). The run whose durations are the plan's own is the
plan's schedule, as :func:`backplan.schedule_plan` levels it. The others share a budget of
:data:`LEVELLED_DECODES` decodes of the levelling search: each gets the search's default
(:func:`~backplan.scheduling.levelling.default_iterations`) while there are few of them, fewer
(at least one) when there are many.

A run's completion is its schedule's earliest completion and its milestones their earliest
dates (plus the plan-wide risks that happened); an action is critical in a run when that
schedule marks it critical; a run meets every deadline when its schedule is feasible and,
with the plan-wide delay added, every open action still finishes by its deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backplan.analysis._risk_runs import Model, Tally, batch_size, draw_durations, draw_risks
from backplan.calendars import WorkingCalendar
from backplan.calendars.people import rate_seconds
from backplan.models import Action, Effort, Plan
from backplan.scheduling.levelling import default_iterations, level
from backplan.scheduling.result import Schedule

__all__ = ["LEVELLED_DECODES", "run_levelled"]

#: Decodes of the levelling search shared by the distinct runs of one simulation.
LEVELLED_DECODES = 20_000
_PROGRESS_EVERY = 100
_HOUR = 3600  # seconds


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the tallies need from the schedule of one distinct run (day offsets)."""

    completion: int | None
    critical: tuple[int, ...]
    milestones: tuple[int, ...]
    feasible: bool
    room: int | None  # least (deadline - earliest finish) over Model.deadlines
    not_after_room: tuple[int, ...]  # per Model.not_after entry


def run_levelled(
    np: Any, plan: Plan, model: Model, bits: Any, samples: int, tally: Tally, *,
    origin: int, calendar: WorkingCalendar, today: dt.date, planned: Schedule,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Draw ``samples`` runs, level each distinct one, and count them into ``tally``.

    ``planned`` is the plan's own levelled schedule (the run with the plan's durations).
    """
    network = model.network
    by_id = {action.id: action for action in plan.actions}
    varying = [i for i in range(model.n) if model.samplers[i] is not None or model.extras[i]]
    runs = _draw(np, model, bits, samples, varying)
    keys = list(dict.fromkeys(durations for durations, _ in runs))  # first seen first
    own = tuple(network.duration[i] for i in varying)
    searched = sum(1 for key in keys if key != own)
    iterations = max(1, min(default_iterations(model.n), LEVELLED_DECODES // max(1, searched)))
    counts: dict[tuple[int, ...], int] = {}
    for (durations, _), count in runs.items():
        counts[durations] = counts.get(durations, 0) + count
    outcomes: dict[tuple[int, ...], _Outcome] = {}
    covered = 0
    for key in keys:
        if key == own:
            schedule = planned
        else:
            schedule = level(_run_plan(plan, model, varying, key, by_id), today=today,
                             iterations=iterations)
        outcomes[key] = _outcome(schedule, model, calendar, origin)
        before, covered = covered, covered + counts[key]
        if progress is not None and (covered // _PROGRESS_EVERY > before // _PROGRESS_EVERY
                                     or covered == samples):
            progress(covered, samples)
    for (durations, happened), count in runs.items():
        _count(model, tally, outcomes[durations], happened, count)


def _draw(
    np: Any, model: Model, bits: Any, samples: int, varying: list[int]
) -> dict[tuple[tuple[int, ...], tuple[bool, ...]], int]:
    """The runs, counted by (durations of the ``varying`` nodes, which risks happened)."""
    runs: dict[tuple[tuple[int, ...], tuple[bool, ...]], int] = {}
    chunk = batch_size(model)
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        happened = draw_risks(np, model, bits, size)
        durations = draw_durations(np, model, bits, size, happened)
        columns = [durations[i].tolist() for i in varying]
        occurred = [h.tolist() for h in happened]
        for run in range(size):
            key = (tuple(column[run] for column in columns),
                   tuple(column[run] for column in occurred))
            runs[key] = runs.get(key, 0) + 1
        done += size
    return runs


def _run_plan(
    plan: Plan, model: Model, varying: list[int], durations: tuple[int, ...],
    by_id: dict[str, Action],
) -> Plan:
    """The plan with these working days on the varying actions.

    An action in progress gets them as its ``remaining`` days; one sized by ``effort`` gets the
    days a risk adds as more effort: the hours its assignees book in that many working days
    (so its nominal days grow by as many, as in the network runs).
    """
    people = {person.id: person for person in plan.people}
    changed = {}
    for node, days in zip(varying, durations, strict=True):
        action = by_id[model.network.ids[node]]
        update: dict[str, Any]
        if action.status == "in_progress":
            update = {"remaining": days}
        elif action.duration is None and action.effort is not None:
            per_day = sum(rate for _, rate in rate_seconds(action, people))
            extra = (days - model.network.duration[node]) * per_day
            update = {"effort": Effort(hours=(action.effort.seconds + extra) / _HOUR)}
        else:
            update = {"duration": days}
        changed[action.id] = action.model_copy(update=update)
    return plan.model_copy(update={"actions": tuple(changed.get(a.id, a) for a in plan.actions)})


def _outcome(
    schedule: Schedule, model: Model, calendar: WorkingCalendar, origin: int
) -> _Outcome:
    network = model.network
    node_of = network.index

    def offset(day: dt.date) -> int:
        return calendar.number_on_or_before(day) - origin

    finish = {node_of[a.id]: offset(a.earliest_finish) for a in schedule.actions}
    return _Outcome(
        completion=None if schedule.earliest_completion is None
        else offset(schedule.earliest_completion),
        critical=tuple(node_of[a.id] for a in schedule.actions if a.critical),
        milestones=tuple(offset(m.earliest_date) for m in schedule.milestones),
        feasible=schedule.feasible,
        room=min((cap - finish[node] for node, cap in model.deadlines), default=None),
        not_after_room=tuple(cap - finish[node] for node, cap in model.not_after),
    )


def _count(
    model: Model, tally: Tally, outcome: _Outcome, happened: tuple[bool, ...], count: int
) -> None:
    """Add ``count`` runs with this schedule and these risks to ``tally``."""
    whole = sum(impact for r, impact in model.plan_extras if happened[r])
    met = True
    if outcome.completion is not None:
        completion = outcome.completion + whole
        tally.completion[completion] = tally.completion.get(completion, 0) + count
        met = completion <= model.due
    for node in outcome.critical:
        tally.critical[node] += count
    for k, reached in enumerate(outcome.milestones):
        day = reached + whole if model.shifted[k] else reached
        tally.milestone[k][day] = tally.milestone[k].get(day, 0) + count
    if outcome.feasible and (whole == 0 or outcome.room is None or whole <= outcome.room):
        tally.all_met += count
    for j, room in enumerate(outcome.not_after_room):
        if whole <= room:
            tally.not_after_met[j] += count
    for r, occurred in enumerate(happened):
        if occurred:
            tally.risk_occurred[r] += count
        else:
            tally.risk_without[r] += count
            tally.risk_met_without[r] += count if met else 0
