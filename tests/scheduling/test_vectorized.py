"""The engine for large plans gives exactly the plain engine's schedules, and steps aside when it
should, compiled (``_precedence.c``) and with numpy alike.

``schedule_plan`` picks this engine for large plans only; these tests lower the size threshold
so that small random plans go through it, and compare every output with the plain loops (which
the other scheduling tests check against an independent reference). Every test runs once with
each engine (the ``engine_kind`` fixture).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import PlanValidationError
from backplan.models import Plan
from backplan.scheduling import compile_network, schedule_plan, vectorized
from backplan.scheduling.flags import PassResult
from backplan.scheduling.passes import backward_pass, forward_pass
from strategies import START, plan_dicts, plans, todays


@pytest.fixture(scope="module", autouse=True, params=["compiled", "numpy"])
def engine_kind(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each test with the compiled engine (where the install built it), then with numpy's."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "numpy":
            pytest.importorskip("numpy")
            patch.setattr(vectorized, "COMPILED_PRECEDENCE", None)
        elif vectorized.COMPILED_PRECEDENCE is None:
            pytest.skip("the compiled engine was not built (no C compiler)")
        yield str(request.param)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Send every plan, however small or deep, through the vectorized engine; the test ends
    with a check that it did compile every plan scheduled (the list holds what it returned)."""
    monkeypatch.setattr(vectorized, "MIN_NODES", 0)
    monkeypatch.setattr(vectorized, "MIN_LEVEL_WIDTH", 1)
    compiled: list[object] = []
    real = vectorized.compile_levelled

    def spy(*args: Any, **kwargs: Any) -> object:
        compiled.append(None)  # a call that raises still counts
        compiled[-1] = real(*args, **kwargs)
        return compiled[-1]

    monkeypatch.setattr(vectorized, "compile_levelled", spy)
    yield compiled
    assert compiled, "the vectorized engine was never used"


def _plain(plan: Plan, today: dt.date, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    with monkeypatch.context() as patch:
        patch.setattr(vectorized, "MIN_NODES", 10**9)
        return schedule_plan(plan, today=today).to_dict()


@given(data=plan_dicts(max_items=16), today=todays, shuffle=st.randoms(use_true_random=False))
def test_same_schedule_as_the_plain_loops(
    data: dict[str, Any], today: dt.date, shuffle: random.Random
) -> None:
    shuffle.shuffle(data["actions"])  # dependencies in any order: renumbering by levels
    plan = Plan.model_validate(data)
    passes = []
    real = vectorized.levelled_passes
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vectorized, "MIN_NODES", 0)
        patch.setattr(vectorized, "MIN_LEVEL_WIDTH", 1)
        patch.setattr(vectorized, "levelled_passes", lambda *a: passes.append(1) or real(*a))
        fast = schedule_plan(plan, today=today).to_dict()
        ran = len(passes)
        assert ran  # the vectorized engine ran (also for each fix it verified)
        patch.setattr(vectorized, "MIN_NODES", 10**9)
        plain = schedule_plan(plan, today=today).to_dict()
        assert len(passes) == ran  # and this time the plain loops
    assert fast == plain


@given(plan=plans(max_items=16), today=todays)
def test_same_network_and_passes(plan: Plan, today: dt.date) -> None:
    calendar = plan_calendar(plan, today=today)
    reference = compile_network(plan, calendar)
    compiled = vectorized.compile_levelled(plan, calendar, min_level_width=1)
    assert compiled is not None
    network, levels = compiled
    for field in ("ids", "is_action", "actions", "milestones", "duration", "not_before", "cap",
                  "cap_source", "unscheduled", "wont_dependents"):
        assert getattr(network, field) == getattr(reference, field), field
    assert [sorted(pairs) for pairs in network.preds] == [sorted(p) for p in reference.preds]
    number = calendar.number(today)
    result = vectorized.levelled_passes(levels, number)
    assert (result.earliest_start, result.earliest_finish) == forward_pass(reference, number)
    assert (result.latest_start, result.latest_finish) == backward_pass(reference)
    # Drivers and binding successors worked out in bulk match the ones found one at a time.
    plain = PassResult.from_passes(number, forward_pass(reference, number),
                                   backward_pass(reference))
    nodes = range(len(reference.ids))
    assert result.drivers is not None
    assert result.binding_successors is not None
    drivers = [plain.driver(reference, i) for i in nodes]
    assert list(result.drivers) == drivers
    assert result.drivers[:] == drivers
    assert list(result.binding_successors) == [plain.binding_successor(reference, i)
                                               for i in nodes]


def test_level_order_when_plan_order_is_not_topological() -> None:
    plan = Plan.model_validate({
        "goal": {"id": "g", "due": "2027-01-29"},
        "milestones": [{"id": "m"}],
        "actions": [{"id": "late", "duration": 1, "after": ["m"]},
                    {"id": "b", "duration": 2, "after": ["a"]},
                    {"id": "a", "duration": 3, "milestone": "m"}],
    })
    calendar = WorkingCalendar()
    network, _ = vectorized.compile_levelled(plan, calendar, min_level_width=1) or (None, None)
    assert network is not None
    # Levels: a (0); b and m (1, in plan numbering b before m); late (2).
    assert network.ids == ("a", "b", "m", "late") == compile_network(plan, calendar).ids


def test_a_long_chain_goes_to_the_plain_loops_with_numpy_only(engine_kind: str) -> None:
    actions = [{"id": f"a{k}", "duration": 1, "after": [f"a{k - 1}"] if k else []}
               for k in range(200)]
    plan = Plan.model_validate({"goal": {"id": "g", "due": "2028-12-29"}, "actions": actions})
    calendar = WorkingCalendar()
    compiled = vectorized.compile_levelled(plan, calendar)  # 1 node per level
    if engine_kind == "numpy":  # numpy pays per level
        assert compiled is None
    else:  # the compiled loops do not
        assert compiled is not None
        assert isinstance(compiled[1], vectorized.Edges)
    assert vectorized.compile_levelled(plan, calendar, min_level_width=1) is not None


def test_wide_plan_is_compiled_by_levels(engine_kind: str) -> None:
    actions = [{"id": f"a{k}", "duration": 1 + k % 3,
                "after": [f"a{k - 100}", f"a{k - 101 - k % 49}"] if k >= 150 else []}
               for k in range(1_000)]
    plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-12-31"}, "actions": actions})
    compiled = vectorized.compile_levelled(plan, WorkingCalendar())
    assert compiled is not None
    _, levels = compiled
    if engine_kind == "numpy":
        assert isinstance(levels, vectorized.Levels)
        assert len(levels.bounds) - 1 == 10  # a0..a149 on level 0, each further hundred one up
    else:  # plan order is topological: the edges as the after lists give them
        assert isinstance(levels, vectorized.Edges)
        assert levels.pred.tolist() == [int(p[1:]) for a in actions for p in a["after"]]
        assert levels.first_edge.tolist() == [0] * 151 + list(range(2, 1_701, 2))


def test_cycle_is_named_as_by_the_plain_engine(engine: list[object]) -> None:
    plan = Plan.model_validate({
        "goal": {"id": "g", "due": "2027-01-29"},
        "actions": [{"id": "a", "duration": 1, "after": ["c"]},
                    {"id": "b", "duration": 1, "after": ["a"]},
                    {"id": "c", "duration": 1, "after": ["b"]},
                    {"id": "d", "duration": 1}],
    })
    with pytest.raises(PlanValidationError) as caught:
        schedule_plan(plan, today=START)
    assert "a -> b -> c -> a" in str(caught.value)


def test_unknown_id_is_named_as_by_the_plain_engine(engine: list[object]) -> None:
    plan = Plan.model_validate({
        "goal": {"id": "g", "due": "2027-01-29"},
        "actions": [{"id": "coach", "duration": 1}, {"id": "b", "duration": 1, "after": ["coahc"]}],
    })
    with pytest.raises(PlanValidationError) as caught:
        schedule_plan(plan, today=START)
    assert "coahc" in str(caught.value)
    assert "coach" in str(caught.value)  # the did-you-mean hint


def test_infeasible_flags_match(engine: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    from backplan import load_plan

    plan = load_plan("examples/aht.yaml")
    today = dt.date(2026, 11, 23)
    fast = schedule_plan(plan, today=today)
    assert not fast.feasible
    assert fast.flags
    assert fast.to_dict() == _plain(plan, today, monkeypatch)


def test_predecessor_view_reads_like_a_list() -> None:
    plan = Plan.model_validate({
        "goal": {"id": "g", "due": "2027-01-29"},
        "actions": [{"id": "a", "duration": 1}, {"id": "b", "duration": 1},
                    {"id": "c", "duration": 1, "after": ["a", "b"], "lag": 2}],
    })
    compiled = vectorized.compile_levelled(plan, WorkingCalendar(), min_level_width=1)
    assert compiled is not None
    groups = compiled[0].pred_groups
    assert len(groups) == 3
    assert groups[2] == ((3, [0, 1]),)
    assert list(groups) == [(), (), ((3, [0, 1]),)] == groups[0:3]


@given(data=plan_dicts(max_items=16), today=todays, shuffle=st.randoms(use_true_random=False))
def test_same_json_without_the_compiled_loops(
    data: dict[str, Any], today: dt.date, shuffle: random.Random
) -> None:
    """Where the install built no C loops (reading the actions' fields, numbering ``after`` ids,
    writing the rows), the Python ones give the same schedule, to the character."""
    from backplan import _columns
    from backplan.graph import refs
    from backplan.scheduling import result

    shuffle.shuffle(data["actions"])
    plan = Plan.model_validate(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vectorized, "MIN_NODES", 0)
        patch.setattr(vectorized, "MIN_LEVEL_WIDTH", 1)
        compiled = schedule_plan(plan, today=today).to_json()
        patch.setattr(_columns, "COMPILED_FIELD_COLUMNS", None)
        patch.setattr(refs, "COMPILED_REF_NUMBERS", None)
        patch.setattr(result, "_compiled_rows", lambda *args: None)
        assert schedule_plan(plan, today=today).to_json() == compiled


def test_the_engine_loads_no_more_of_numpy_than_it_needs(engine_kind: str) -> None:
    """The compiled engine imports no numpy at all (50 ms or more of each big schedule's start);
    numpy's does without ``numpy.unique``, which imports ``numpy.ma`` on first use (20 ms)."""
    import subprocess
    import sys

    loaded = "numpy" if engine_kind == "compiled" else "numpy.ma"
    code = (
        "import sys, datetime as dt\n"
        "from backplan import load_plan, schedule_plan\n"
        "from backplan.scheduling import vectorized\n"
        "vectorized.MIN_NODES, vectorized.MIN_LEVEL_WIDTH = 0, 1\n"
        f"if {engine_kind == 'numpy'}: vectorized.COMPILED_PRECEDENCE = None\n"
        "plan = load_plan({'goal': {'id': 'g', 'due': '2027-06-30'}, 'actions': [\n"
        "    {'id': f'a{k}', 'duration': 2, 'after': [f'a{j}' for j in (k - 1, k - 2) if j >= 0]}\n"
        "    for k in range(50)]})\n"
        "real = vectorized.compile_levelled\n"
        "used = []\n"
        "vectorized.compile_levelled = lambda *a, **k: used.append(1) or real(*a, **k)\n"
        "schedule_plan(plan, today=dt.date(2027, 1, 4))\n"
        f"print(bool(used), {loaded!r} in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == ["True", "False"]
