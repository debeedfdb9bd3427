"""PSPLIB instances as plans with people: the resources become people, the jobs book them.

Each of an instance's renewable resources becomes a :class:`~backplan.models.Person` whose hours
per day stand for the resource's capacity, and each job books ``hours_per_day`` of a person for
every unit of that resource it needs, on every day it runs (a fixed ``duration``). The calendar has
seven working days a week, so day ``t`` is period ``t``, as in :func:`~backplan.io.psplib_plan`.

A person has at most 24 hours a day, so a resource with capacity ``c`` above 24 counts in units
of ``1/m`` hour, where ``m`` is the smallest divisor of 3600 with ``c / m <= 24``: hours stay
whole seconds and every sum is exact.

Example:
    >>> import datetime as dt
    >>> from backplan.io.psplib import PsplibInstance
    >>> inst = PsplibInstance(name="tiny", jobs=("job-2", "job-3"),
    ...     durations={"job-2": 2, "job-3": 3}, successors={"job-2": (), "job-3": ()},
    ...     demands={"job-2": (2,), "job-3": (1,)}, resources=("R1",), capacities=(2,),
    ...     mpm_time=3, horizon=5)
    >>> plan = psplib_people_plan(inst, start=dt.date(2026, 1, 5))
    >>> plan.people[0].id, plan.people[0].hours_per_day, plan.actions[0].assignees[0].hours_per_day
    ('R1', 2.0, 2.0)
    >>> plan.goal.due.isoformat()  # start + horizon - 1: every job one after another fits
    '2026-01-09'
"""

from __future__ import annotations

import datetime as dt

from backplan.io.psplib import PsplibInstance, psplib_plan
from backplan.models import Assignee, Person, Plan

__all__ = ["psplib_people_plan", "unit_hours"]


def unit_hours(capacity: int) -> float:
    """Hours that stand for one unit of a resource with this capacity (at most 24 h a day).

    Example:
        >>> unit_hours(12), unit_hours(30), unit_hours(100)
        (1.0, 0.5, 0.2)
    """
    if capacity <= 24:
        return 1.0
    m = next(m for m in range(1, 3601) if 3600 % m == 0 and capacity <= 24 * m)
    return 1 / m


def psplib_people_plan(
    instance: PsplibInstance, *, start: dt.date, due: dt.date | None = None
) -> Plan:
    """The instance as a plan with its resources as people (see the module docstring).

    Args:
        instance: the PSPLIB instance.
        start: the date of period 0 (pass it as ``today``).
        due: the goal's due date; default ``start + horizon - 1`` days, where running every
            job one after the other fits, so the levelled schedule is always feasible and its
            makespan is ``due - (earliest start) + 1`` days.
    """
    base = psplib_plan(instance, start=start,
                       due=due or start + dt.timedelta(days=instance.horizon - 1))
    scale = [unit_hours(c) for c in instance.capacities]
    people = tuple(
        Person(id=name, name=f"PSPLIB resource {name}", hours_per_day=capacity * unit)
        for name, capacity, unit in zip(instance.resources, instance.capacities, scale,
                                        strict=True)
    )
    actions = tuple(
        action.model_copy(update={"assignees": tuple(
            Assignee(person=name, hours_per_day=units * unit)
            for name, units, unit in zip(instance.resources, instance.demands[action.id], scale,
                                         strict=True)
            if units > 0
        )})
        for action in base.actions
    )
    return Plan.model_validate({
        **base.model_dump(exclude={"actions"}),
        "goal": base.goal.model_copy(update={"title": f"PSPLIB {instance.name} (resources as "
                                                      "people)"}),
        "people": people,
        "actions": actions,
    })
