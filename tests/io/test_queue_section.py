"""The plan file's queue: section: what it reads, and every mistake named with its line."""

from __future__ import annotations

import datetime as dt

import pytest

from backplan import PlanValidationError, dump_plan, load_plan, loads_plan

GOOD = """\
goal: {id: g, due: 2027-03-31, key_results: [{id: aht, metric: aht, baseline: "7:00", target: "6:00"}]}
people:
  - {id: agent-1, hours_per_day: 2.5}
queue:
  name: Billing line
  interval: 30m
  volume: {mon: [40, 60], tue: 100, '2027-03-02': [80, 90]}
  profile: [1, 3]
  aht: {key_result: aht}
  target: 80/20
  shrinkage: 35%
  max_occupancy: 0.88
  patience: 1:30
  rostered: {mon: 9, tue: [8, 10]}
  people: [agent-1]
  adjust:
    - {volume: +20%, from: 2027-03-01, to: 2027-03-31}
    - {aht: "6:30", from: 2027-04-01}
    - {aht: -5%}
    - {add_agents: 2, from: 2027-03-15, to: 2027-03-19}
actions:
  - {id: a, effort: 4, assignees: [agent-1]}
"""


def test_the_queue_reads_as_an_analyst_writes_it() -> None:
    queue = load_plan(GOOD).queue
    assert queue is not None
    assert (queue.interval_seconds, queue.aht_key_result, str(queue.target), queue.shrinkage,
            queue.max_occupancy, queue.patience) == (1800.0, "aht", "80/20", 0.35, 0.88, 90.0)
    monday, tuesday, dated = dt.date(2027, 3, 1), dt.date(2027, 3, 9), dt.date(2027, 3, 2)
    assert queue.volume_on(monday) == (40.0, 60.0)
    assert queue.volume_on(tuesday) == (25.0, 75.0)  # 100 spread 1:3 by the profile
    assert queue.volume_on(dated) == (80.0, 90.0)
    assert queue.rostered_on(dated) == (8.0, 10.0)
    assert queue.volume_on(dt.date(2027, 3, 3)) == ()  # Wednesday: closed
    assert [c.kind for c in queue.adjust] == ["volume", "aht", "aht", "add_agents"]
    assert (queue.adjust[1].aht, queue.adjust[2].aht) == (390.0, "-5%")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_queue_round_trips(fmt: str) -> None:
    plan = load_plan(GOOD)
    assert loads_plan(dump_plan(plan, format=fmt)) == plan


@pytest.mark.parametrize(("line", "replacement", "field", "code", "message"), [
    (6, "  interval: 30", "interval", "invalid-value", "at least 60 seconds"),
    (6, "  interval: 7m", "interval", "invalid-value", "does not divide a day"),
    (7, "  volume: {mon: [40, 60], tsu: 100}", "volume", "invalid-value",
     "did you mean 'tue'?"),
    (7, "  volume: {mon: [40, -1]}", "volume", "invalid-value", "contacts of at least 0"),
    (8, "  profile: [0, 0]", "profile", "invalid-value", "not all 0"),
    (9, "  aht: 7 minutes", "aht", "invalid-value", "expected an average handle time"),
    (10, "  target: 100/20", "target", "invalid-value", "below 100"),
    (11, "  shrinkage: 1.2", "shrinkage", "invalid-value", "up to (not including) 1"),
    (12, "  max_occupancy: 0", "max_occupancy", "invalid-value", "above 0"),
    (14, "  rostered: {mon: 9}", "rostered", "missing-field", "add tue: N to rostered"),
    (14, "  rostered: {mon: [1, 2, 3], tue: 8}", "rostered", "contradiction",
     "lists 3 intervals, but the volume has 2"),
    (15, "  people: [agent-2]", "people", "unknown-id", "'agent-2' is not a person id"),
    (17, "    - {volume: 20%, from: 2027-03-01}", "adjust.volume", "invalid-value",
     "signed percentage"),
    (17, "    - {volume: +20%, from: 2027-03-31, to: 2027-03-01}", "adjust",
     "contradiction", "before it starts"),
    (17, "    - {volume: +20%, aht: 300}", "adjust", "invalid-value", "exactly one of"),
    (9, "  aht: {key_result: ahtt}", "aht", "unknown-id", "'ahtt' is not a key result"),
])
def test_each_mistake_is_named_with_its_line(
        line: int, replacement: str, field: str, code: str, message: str) -> None:
    lines = GOOD.splitlines()
    lines[line - 1] = replacement
    with pytest.raises(PlanValidationError) as error:
        loads_plan("\n".join(lines) + "\n", source="q.yaml")
    [problem] = error.value.problems
    assert (problem.item, problem.field, problem.code, problem.line) == ("queue", field, code,
                                                                         line), problem
    assert message in f"{problem.message} {problem.hint}"


def test_an_unknown_key_is_an_error_with_a_hint() -> None:
    with pytest.raises(PlanValidationError) as error:
        loads_plan(GOOD.replace("  shrinkage: 35%", "  shrinkag: 35%"), source="q.yaml")
    [problem] = error.value.problems
    assert (problem.code, problem.item, problem.field, problem.line) == (
        "unknown-field", "queue", "shrinkag", 11)
    assert problem.hint == "did you mean 'shrinkage'?"


def test_a_key_result_that_is_not_a_time_cannot_give_the_aht() -> None:
    text = GOOD.replace("{id: aht, metric: aht, baseline: \"7:00\", target: \"6:00\"}",
                        "{id: aht, metric: fcr, baseline: 70, target: 80}")
    with pytest.raises(PlanValidationError, match="not a handle time in seconds"):
        loads_plan(text)
