"""Fuzzing every command with mutated plans (issue 14): whatever the plan file holds, a command
exits 0, 1 or 2 with its problems said in a few lines, never a traceback or an internal error
(exit 70), and ``validate`` refuses every plan that ``schedule`` refuses. An edit that is
refused leaves the file as it was.

Plans start from valid ones (people, key results with check-ins, risks, calendar rules) and are
mutated as data (a value replaced by a nasty one: null, far dates, huge numbers, wrong types;
a key removed or added; an id repeated) and as text (cut short, a line repeated or dropped,
characters inserted, indentation broken, tags and aliases). CI's slow pass runs it
(``pytest -m slow``); ``FUZZ_EXAMPLES`` sets the examples per command (default 25).

CI draws the same examples every run (derandomized), so that a pass or a failure is the code's,
not the draw's; ``FUZZ_RANDOM=1`` draws new ones, for the long hunts run by hand
(``FUZZ_RANDOM=1 FUZZ_EXAMPLES=600 pytest -m slow tests/cli/test_fuzz.py``). What a hunt finds
becomes a named regression test beside the code it broke.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import os
import re
import signal
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backplan
from backplan.cli import main
from strategies import START, people_plan_dicts

pytestmark = pytest.mark.slow

TODAY = "2026-11-23"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
#: A command that runs longer than this is reported as a hang (not a speed check: a bound).
HANG_SECONDS = 120

NASTY_VALUES: list[Any] = [
    None, "", " ", 0, -1, 1, 3650, 3651, 10**9, 10**30, 1e308, -1e308, 0.5, float("nan"),
    float("inf"), True, False, [], {}, [None], {"x": None}, "0001-01-01", "0001-01-02",
    "9999-12-31", "9999-12-30", "1900-01-01", "2099-01-15", "2027-02-30", "2027-13-01",
    "20270101", "2027-01-01T10:00:00", "6:45", "99:99", "x" * 500, "über", "a\nb", "-", "*",
    "every monday", "RRULE:FREQ=MONTHLY;BYMONTHDAY=31", "RRULE:FREQ=DAILY",
    "DTSTART:00010101 RRULE:FREQ=YEARLY", "the last two weeks of december",
    {"start": "0001-01-02"}, {"start": "2027-01-01", "end": "9999-12-31"},
    {"optimistic": 1, "likely": 3650, "pessimistic": 3650}, {"hours": 0.001},
]

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

EXTRA_KEYS = ["duraton", "status", "remaining", "actual_start", "actual_finish", "lag", "ramp",
              "impact", "expect", "rules", "time_off", "owner", "kind", "n", "checkins"]


@st.composite
def valid_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan with people, key results, check-ins, progress, risks and calendar rules."""
    plan = draw(people_plan_dicts())
    plan["goal"]["key_results"] = [
        {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80,
         "checkins": [{"date": (START + dt.timedelta(days=7 * k)).isoformat(),
                       "value": 71 + k, **({"n": 40} if k % 2 else {})}
                      for k in range(draw(st.integers(0, 3)))]},
        {"id": "aht", "metric": "aht", "baseline": "7:00", "target": "6:00"},
    ]
    if draw(st.booleans()):
        plan["calendar"]["rules"] = [draw(st.sampled_from(
            ["every first monday", "the last two weeks of december",
             "RRULE:FREQ=MONTHLY;BYMONTHDAY=31"]))]
    actions = plan["actions"]
    if actions and draw(st.booleans()):
        actions[0]["impact"] = {"fcr": 2.0}
    if actions and draw(st.booleans()):
        first = actions[0]
        first["status"] = draw(st.sampled_from(["in_progress", "done"]))
        first["actual_start"] = START.isoformat()
        if first["status"] == "done":
            first["actual_finish"] = (START + dt.timedelta(days=3)).isoformat()
    if actions and draw(st.booleans()):
        plan["risks"] = [{"id": "r1", "probability": 0.3, "impact": 4,
                          "actions": [actions[-1]["id"]]}]
    return plan


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            yield from _paths(value, (*prefix, k))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutated_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan with one to three changes made to its data."""
    plan = copy.deepcopy(draw(valid_plans()))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(plan) if p]
        path = draw(st.sampled_from(paths))
        parent = _parent(plan, path)
        how = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add", "copy"]))
        if how == "replace":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(NASTY_VALUES)))
        elif how == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(EXTRA_KEYS))] = copy.deepcopy(
                draw(st.sampled_from(NASTY_VALUES)))
        elif how == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))  # a repeated item: a repeated id
    return plan


@st.composite
def edgy_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan with values moved to the edges of what is allowed: dates anywhere within the
    window of 100 years around the due date, durations of 1 or 3650 days, hours near 0 or 24."""
    plan = copy.deepcopy(draw(valid_plans()))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from([p for p in _paths(plan) if p]))
        parent = _parent(plan, path)
        value = parent[path[-1]]
        if isinstance(value, str) and DATE.fullmatch(value):
            day = dt.date(2027, 3, 31) + dt.timedelta(days=draw(st.integers(-36000, 36000)))
            parent[path[-1]] = day.isoformat()
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            parent[path[-1]] = draw(st.sampled_from([0, 1, 2, 3650]))
        elif isinstance(value, float):
            parent[path[-1]] = draw(st.sampled_from([0.01, 0.5, 23.99, 24.0]))
    return plan


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """A plan's YAML text, mutated as text."""
    text = yaml.safe_dump(draw(valid_plans()), sort_keys=False)
    lines = text.splitlines(keepends=True)
    how = draw(st.sampled_from(["cut", "repeat", "drop", "insert", "indent", "tag", "alias"]))
    k = draw(st.integers(0, max(len(lines) - 1, 0)))
    if how == "cut":
        text = text[:draw(st.integers(0, len(text)))]
    elif how == "repeat":
        text = "".join(lines[:k + 1] + lines[k:])
    elif how == "drop":
        text = "".join(lines[:k] + lines[k + 1:])
    elif how == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(
            [":", "- ", "{", "]", "\t", "'", '"', "#", "\n", "? ", "%", "\x00", "\ufeff"])) + text[at:]
    elif how == "indent":
        lines[k] = draw(st.sampled_from(["", " ", "   ", "\t"])) + lines[k].lstrip(" ")
        text = "".join(lines)
    elif how == "tag":
        text = text.replace("id:", "id: !!python/object:os.system", 1)
    else:
        text = "x: &a [1, 2]\n" + text.replace("priority: must", "priority: *a", 1)
    return text


def plan_texts() -> st.SearchStrategy[str]:
    def as_yaml(data: dict[str, Any]) -> str:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    return st.one_of(
        valid_plans().map(as_yaml),
        edgy_data().map(as_yaml),
        edgy_data().map(as_yaml),
        mutated_data().map(as_yaml),
        mutated_data().map(lambda d: json.dumps(d, allow_nan=True)),
        mutated_text(),
    )


# --------------------------------------------------------------------------------------------
# Running a command


@contextlib.contextmanager
def hang_alarm(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"the command ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(args: list[str]) -> tuple[int, str]:
    """Run the command line in this process; (exit code, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), hang_alarm(
            HANG_SECONDS), warnings.catch_warnings():
        # matplotlib's own warnings (an empty chart's axis limits) reach a user as a warning
        # line, not a failure; the test suite turns every other warning into an error.
        warnings.filterwarnings("ignore", category=UserWarning, module="matplotlib")
        try:
            code = main(args)
        except SystemExit as exit_:  # argparse: --help, bad arguments
            code = exit_.code if isinstance(exit_.code, int) else 2
    return code, err.getvalue()


def ids_in(text: str, section: str) -> list[str]:
    """Ids of a section's items, as far as the text can be read (for the commands' arguments)."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
        items = data[section] if section != "key_results" else data["goal"]["key_results"]
        return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    except Exception:
        return []


def command_args(command: str, plan: Path, folder: Path, text: str) -> list[str]:
    p, today = str(plan), ["--today", TODAY]
    actions = ids_in(text, "actions") or ["a0"]
    people = ids_in(text, "people") or ["p0"]
    key_results = ids_in(text, "key_results") or ["fcr"]
    if command == "slip":
        baseline = folder / "baseline.json"
        simple = backplan.load_plan({"goal": {"id": "goal", "due": "2027-03-31"},
                                     "actions": [{"id": actions[0], "duration": 3}]})
        baseline.write_text(backplan.schedule_plan(simple, today=START).to_json(),
                            encoding="utf-8")
        return ["slip", p, str(baseline), *today]
    if command == "compare":
        scenarios = folder / "scenarios.yaml"
        scenarios.write_text(f"scenarios:\n  - name: lean\n    changes: [{{drop: {actions[0]!r}}}]\n",
                             encoding="utf-8")
        return ["compare", p, str(scenarios), *today, "--samples", "100"]
    if command == "portfolio":  # the fuzzed plan as one team of a portfolio
        portfolio = folder / "portfolio.yaml"
        portfolio.write_text(
            "portfolio: {id: fuzz}\nobjectives: [{id: obj, due: 2027-06-30}]\n"
            f"plans: [{plan.name}]\n", encoding="utf-8")
        return ["portfolio", str(portfolio), *today, "--format", "json"]
    return {
        "schedule": ["schedule", p, *today, "--format", "json"],
        "validate": ["validate", p, *today],
        "track": ["track", p, *today],
        "risk": ["risk", p, *today, "--samples", "200"],
        "gantt": ["gantt", p, *today, "--key-results", "-o", str(folder / "out.svg")],
        "ics": ["ics", p, *today, "-o", str(folder / "out.ics")],
        "export": ["export", p, *today, "--format", "mspdi", "-o", str(folder / "out.xml")],
        "report": ["report", p, *today, "--samples", "100", "-o", str(folder / "out.html")],
        "descope": ["descope", p, *today],
        "lint": ["lint", p, *today],
        "huddle": ["huddle", p, "--date", TODAY],
        "today": ["today", p, "--person", people[0], "--date", TODAY],
        "load": ["load", p, *today],
        "checkin": ["checkin", p, key_results[0], "72.5", "--date", TODAY],
        "start": ["start", p, actions[0], "--date", TODAY],
        "done": ["done", p, actions[-1], "--date", TODAY],
        "fix": ["fix", p, *today],
        "fix --apply": ["fix", p, *today, "--apply", "1"],
        "init": ["init", str(folder / "new.yaml"), "--force"],
        "schema": ["schema", "plan", "-o", str(folder / "schema.json")],
    }[command]


COMMANDS = ["schedule", "validate", "fix", "fix --apply", "track", "slip", "risk", "gantt", "ics",
            "export", "report", "descope", "compare", "lint", "huddle", "today", "load", "checkin",
            "start", "done", "init", "schema", "portfolio"]
EDITS = {"checkin", "start", "done", "fix --apply"}
#: Charts and the report draw with matplotlib: fewer examples keep the pass to minutes.
HEAVY = {"gantt": 0.4, "report": 0.3, "risk": 0.6, "compare": 0.6, "fix": 0.6,
         "fix --apply": 0.6}


def test_every_command_is_fuzzed(tmp_path: Path) -> None:
    parser_commands = set(backplan.cli.build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    fuzzed = {command_args(c, tmp_path / "plan.yaml", tmp_path, "")[0] for c in COMMANDS}
    assert fuzzed | {"staffing"} == parser_commands  # staffing reads no plan: fuzzed below


def check(command: str, text: str, folder: Path) -> None:
    plan = folder / "plan.yaml"
    plan.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = plan.read_bytes()
    args = command_args(command, plan, folder, text)
    code, err = run(args)
    assert code in (0, 1, 2), f"{args}: exit {code}\n{err}"
    assert "Traceback" not in err, f"{args}:\n{err}"
    assert len(err.splitlines()) < 200
    if command in EDITS and code != 0:
        assert plan.read_bytes() == before, f"{args} exited {code} and changed the file"
    if command in EDITS and code == 0:
        assert run(["validate", str(plan), "--today", TODAY])[0] == 0, "an edit wrote a bad plan"
    if command == "schedule" and code == 2:
        assert run(["validate", str(plan), "--today", TODAY])[0] == 2, (
            f"schedule refused what validate accepts:\n{err}")


@pytest.mark.parametrize("command", COMMANDS)
def test_fuzzed_plans_never_crash_a_command(command: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    examples = max(3, int(EXAMPLES * HEAVY.get(command, 1.0)))

    @settings(max_examples=examples, deadline=None, database=None, derandomize=DERANDOMIZE,
              suppress_health_check=list(HealthCheck))
    @given(text=plan_texts())
    def fuzz(text: str) -> None:
        check(command, text, tmp_path_factory.mktemp(command))

    fuzz()


AMOUNTS = ["100", "0", "-5", "1e9", "80..140/10", "1..100000/1", "x", "", "100000000", "1.5",
           "nan", "inf", "140..80/10", "1..2/0"]
DURATIONS = ["180", "180s", "3m", "3:00", "0", "-1", "59s", "1h30m", "9999999h", "x", "", "nan",
             "1e308", "0:00", "99:99"]
TARGETS = ["80/20", "90%/15s", "100/20", "0/20", "80/0", "80", "x/y", "", "99.99/1", "1/1e9"]
SHARES = ["0", "0.3", "30%", "1", "100%", "-0.1", "x", "nan"]


@settings(max_examples=EXAMPLES * 4, deadline=None, database=None, derandomize=DERANDOMIZE)
@given(volume=st.sampled_from(AMOUNTS), interval=st.sampled_from(DURATIONS),
       aht=st.sampled_from(DURATIONS), target=st.sampled_from(TARGETS),
       shrinkage=st.sampled_from([None, *SHARES]), occupancy=st.sampled_from([None, *SHARES]),
       patience=st.sampled_from([None, *DURATIONS]), output=st.sampled_from(["table", "json"]))
def test_fuzzed_staffing_arguments_never_crash(
    volume: str, interval: str, aht: str, target: str, shrinkage: str | None,
    occupancy: str | None, patience: str | None, output: str,
) -> None:
    args = ["staffing", f"--volume={volume}", f"--interval={interval}", f"--aht={aht}",
            f"--target={target}", "--format", output]
    for option, value in (("--shrinkage", shrinkage), ("--max-occupancy", occupancy),
                          ("--patience", patience)):
        if value is not None:
            args.append(f"{option}={value}")
    code, err = run(args)
    assert code in (0, 1, 2), f"{args}: exit {code}\n{err}"
    assert "Traceback" not in err, f"{args}:\n{err}"
