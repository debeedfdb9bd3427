"""Property tests: the scheduler obeys every rule on random acyclic plans and calendars."""

from __future__ import annotations

import datetime as dt

from hypothesis import given

from backplan.models import Plan
from backplan.scheduling import schedule_plan
from helpers import Days, assert_schedule_follows_rules, rule_edges
from strategies import plans, todays


@given(plan=plans(), today=todays)
def test_schedule_follows_every_rule(plan: Plan, today: dt.date) -> None:
    assert_schedule_follows_rules(plan, schedule_plan(plan, today=today))


@given(plan=plans(), today=todays)
def test_latest_dates_are_latest(plan: Plan, today: dt.date) -> None:
    """Moving any action one working day later breaks a cap or a successor's start."""
    schedule = schedule_plan(plan, today=today)
    days = Days(plan)
    start = {a.id: days.index[a.start] for a in schedule.actions}
    finish = {a.id: days.index[a.finish] for a in schedule.actions}
    for m in schedule.milestones:
        start[m.id] = finish[m.id] = days.index[m.date]
    edges = list(rule_edges(plan))
    for action in plan.actions:
        if action.priority == "wont":
            continue
        later = finish[action.id] + 1
        caps = [days.on_or_before(plan.goal.due)]
        if action.not_after:
            caps.append(days.on_or_before(action.not_after))
        broken = later > min(caps) or any(
            b == action.id and later + o > start[c] for b, c, o in edges
        )
        assert broken, f"{action.id} could finish a day later"


@given(plan=plans(wont=False), today=todays)
def test_later_due_never_reduces_slack(plan: Plan, today: dt.date) -> None:
    later = plan.model_copy(update={"goal": plan.goal.model_copy(
        update={"due": plan.goal.due + dt.timedelta(days=7)})})
    before = schedule_plan(plan, today=today)
    after = schedule_plan(later, today=today)
    for a, b in zip(before.actions, after.actions, strict=True):
        assert b.slack >= a.slack
        assert b.earliest_start == a.earliest_start
