"""Values derived from a plan are kept for the last plan asked about, and go when it dies."""

from __future__ import annotations

import gc
import weakref

from backplan._plan_memo import derived
from backplan.models import Plan

DATA = {"goal": {"id": "g", "due": "2027-03-31"}, "actions": [{"id": "a", "duration": 1}]}


class Probe:
    """A derived value the test can watch."""


def test_a_value_is_derived_once_per_plan_and_key() -> None:
    plan, calls = Plan.model_validate(DATA), []
    first = derived(plan, "probe", lambda p: calls.append(p) or Probe())
    assert derived(plan, "probe", lambda p: calls.append(p) or Probe()) is first
    assert derived(plan, "other", lambda p: 2) == 2  # another key: derived on its own
    assert len(calls) == 1
    again = Plan.model_validate(DATA)  # an equal plan is another plan
    assert derived(again, "probe", lambda p: Probe()) is not first


def test_the_values_go_with_the_plan() -> None:
    plan = Plan.model_validate(DATA)
    probe = weakref.ref(derived(plan, "probe", lambda p: Probe()))
    del plan
    gc.collect()
    assert probe() is None


def test_only_the_last_plan_keeps_its_values() -> None:
    first, second = Plan.model_validate(DATA), Plan.model_validate(DATA)
    probe = weakref.ref(derived(first, "probe", lambda p: Probe()))
    derived(second, "probe", lambda p: Probe())
    gc.collect()
    assert probe() is None  # first is alive, its value is not kept


def test_a_plan_holding_a_list_of_actions_keeps_nothing() -> None:
    """A plan built with ``model_construct`` may hold a list, which can change."""
    valid = Plan.model_validate(DATA)
    plan = Plan.model_construct(**{**dict(valid), "actions": list(valid.actions)})
    calls: list[Plan] = []
    derived(plan, "count", lambda p: calls.append(p) or len(p.actions))
    plan.actions.append(plan.actions[0])
    assert derived(plan, "count", lambda p: calls.append(p) or len(p.actions)) == 2
    assert len(calls) == 2
