"""Mermaid gantt text that the official renderer draws with every title intact.

Two levels:

* always: every line of every example's chart, and of a chart whose titles start with each
  gantt keyword and hold ``: ; # , "``, lexes as Mermaid's gantt grammar reads it (the lexer
  rules below are Mermaid 11's, in order, case-insensitive), and its entity codes decode to
  the title as written;
* with the Mermaid CLI (``mmdc`` from ``@mermaid-js/mermaid-cli`` and a Chromium; CI installs
  both): all those charts are rendered to SVG in one run and the texts read back from the SVG
  are the titles as written. Without ``mmdc`` that test is skipped and says so.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from backplan import Plan, load_plan, schedule_plan, to_mermaid
from backplan.export.mermaid import mermaid_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2026, 11, 23)

#: Every keyword of Mermaid's gantt grammar (and tags and a few look-alikes), as a title start.
KEYWORDS = [
    "gantt", "dateFormat", "axisFormat", "tickInterval", "includes", "excludes", "todayMarker",
    "inclusiveEndDates", "topAxis", "weekday monday", "weekend friday", "title", "section",
    "accTitle", "accDescr", "accDescription", "call", "Call", "click", "Click", "href",
    "displayMode", "done", "active", "crit", "milestone", "after", "vert", "%%", "%% {init}",
    "% of calls", "5% fewer", "2027-01-05", "#59;", "&amp;", "<b>bold</b>", "{", "}%", "-",
]
#: The characters Mermaid reads as syntax (and two it does not), in every title.
TAIL = ': 7:00 to 6:00; #1, "quoted"'


def keyword_plan() -> Plan:
    milestones, actions = [], []
    for k, keyword in enumerate(KEYWORDS):
        milestones.append({"id": f"m{k}", "title": f"{keyword} milestone{TAIL}"})
        actions.append({"id": f"a{k}", "title": f"{keyword} action{TAIL}", "duration": 2,
                        "milestone": f"m{k}"})
    actions.append({"id": "loose", "title": f"Click me{TAIL}", "duration": 1})
    return load_plan({"goal": {"id": "g", "title": f"Call centre{TAIL}", "due": "2027-03-31"},
                      "milestones": milestones, "actions": actions})


def example_plans() -> dict[str, Plan]:
    return {path.stem: load_plan(path) for path in sorted(EXAMPLES.glob("*.yaml"))}


def charts() -> dict[str, tuple[Plan, str]]:
    """Every chart to check: the examples and the keyword plan, with the text written."""
    plans = {**example_plans(), "keywords": keyword_plan()}
    out = {}
    for name, plan in plans.items():
        schedule = schedule_plan(plan, today=TODAY)
        out[name] = (plan, to_mermaid(schedule, plan=plan))
    return out


def expected_texts(plan: Plan) -> dict[str, list[str]]:
    """What the chart must show: the title, section names, bar and milestone texts."""
    schedule = schedule_plan(plan, today=TODAY)
    milestones = [m.title or m.id for m in schedule.milestones]
    sections = milestones + (["Other actions"] if any(a.milestone is None
                                                      for a in schedule.actions) else [])
    return {
        "title": [" ".join((plan.goal.title or plan.goal.id).split())],
        "sections": sorted(" ".join(s.split()) for s in sections),
        "tasks": sorted(" ".join(t.split()) for t in
                        [a.title or a.id for a in schedule.actions] + milestones),
    }


# --- Mermaid 11's gantt lexer, in rule order (jison: the first rule that matches wins) --------
_LEXER = [
    ("directive", r"%%\{"), ("acc_title", r"accTitle\s*:\s*"), ("acc_descr", r"accDescr\s*:\s*"),
    ("acc_descr_multiline", r"accDescr\s*\{\s*"), ("comment", r"%%(?!\{)*[^\n]*"),
    ("comment", r"[^\}]%%*[^\n]*"), ("comment", r"%%*[^\n]*[\n]*"), ("newline", r"[\n]+"),
    ("space", r"\s+"), ("comment", r"%[^\n]*"), ("href", r'href[\s]+["]'), ("call", r"call[\s]+"),
    ("click", r"click[\s]+"), ("gantt", r"gantt\b"), ("dateFormat", r"dateFormat\s[^#\n;]+"),
    ("inclusiveEndDates", r"inclusiveEndDates\b"), ("topAxis", r"topAxis\b"),
    ("axisFormat", r"axisFormat\s[^#\n;]+"), ("tickInterval", r"tickInterval\s[^#\n;]+"),
    ("includes", r"includes\s[^#\n;]+"), ("excludes", r"excludes\s[^#\n;]+"),
    ("todayMarker", r"todayMarker\s[^\n;]+"),
    *[("weekday", rf"weekday\s+{day}\b") for day in
      ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")],
    ("weekend", r"weekend\s+friday\b"), ("weekend", r"weekend\s+saturday\b"),
    ("date", r"\d\d\d\d-\d\d-\d\d\b"), ("title", r"title\s[^\n]+"),
    ("accDescription", r"accDescription\s[^#\n;]+"), ("section", r"section\s[^\n]+"),
    ("taskTxt", r"[^:\n]+"), ("taskData", r":[^#\n;]+"),
]
_RULES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _LEXER]


def tokens(line: str) -> list[str]:
    """The kinds of tokens Mermaid's gantt lexer reads from one line."""
    # Mermaid first turns entity codes (#58;) into placeholders, so they never look like syntax.
    text = re.sub(r"#\w+;", lambda m: "\ufb02" + m[0][1:-1] + "\u00b6", line)
    kinds, at = [], 0
    while at < len(text):
        for kind, rule in _RULES:
            match = rule.match(text, at)
            if match and match.end() > at:
                if kind != "space":
                    kinds.append(kind)
                at = match.end()
                break
        else:
            raise AssertionError(f"nothing lexes {text[at:]!r}")
    return kinds


def decoded(text: str) -> str:
    """What Mermaid shows for text with entity codes (``#58;`` -> ``:``)."""
    return html.unescape(re.sub(r"#(\d+);", r"&#\1;", text))


@pytest.mark.parametrize(("name", "chart"), [(k, v[1]) for k, v in charts().items()])
def test_every_line_lexes_as_the_gantt_statement_it_is(name: str, chart: str) -> None:
    lines = chart.splitlines()
    assert lines[0] == "gantt"
    shown: dict[str, list[str]] = {"title": [], "sections": [], "tasks": []}
    for line in lines[1:]:
        kinds = tokens(line)
        head = line.strip().split(" ", 1)[0]
        if head in ("title", "section", "dateFormat", "axisFormat", "todayMarker"):
            assert kinds == [head], line
            if head in ("title", "section"):
                shown["title" if head == "title" else "sections"].append(
                    decoded(line.strip().split(" ", 1)[1]))
        else:
            assert kinds == ["taskTxt", "taskData"], line
            text, _, _data = line.strip().rpartition(" :")
            assert not re.search(r"[:;#]", re.sub(r"#\d+;", "", text)), line
            shown["tasks"].append(decoded(text))
    plan = charts()[name][0]
    assert {k: sorted(v) for k, v in shown.items()} == {
        k: sorted(v) for k, v in expected_texts(plan).items()}


def test_mermaid_text_keeps_every_character_and_guards_keywords() -> None:
    for keyword in KEYWORDS:
        title = f"{keyword} action{TAIL}"
        written = mermaid_text(title)
        assert decoded(written) == title
        assert tokens(f"    {written} :a1, 2027-01-04, 2027-01-05") == ["taskTxt", "taskData"]
    assert mermaid_text("Plain text, no guard") == "Plain text, no guard"
    assert mermaid_text(" two\n lines ") == "two lines"


def test_done_and_started_actions_are_tagged() -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-01-29"}, "actions": [
        {"id": "a", "duration": 2, "status": "done", "actual_start": "2027-01-04",
         "actual_finish": "2027-01-05"},
        {"id": "b", "duration": 3, "after": ["a"], "status": "in_progress",
         "actual_start": "2027-01-06"},
        {"id": "c", "duration": 2, "after": ["b"]}]})
    text = to_mermaid(schedule_plan(plan, today=dt.date(2027, 1, 11)), plan=plan, label="id")
    tags = {line.split(" :")[0].strip(): line.split(" :")[1].split(", ")[0]
            for line in text.splitlines()[5:] if " :" in line}
    assert tags["a"] == "done"
    assert tags["b"] == "active"
    assert tags["c"] not in ("done", "active")


# --- the official renderer ---------------------------------------------------------------------
MMDC = shutil.which("mmdc")
CHROMIUM = (os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium")
            or shutil.which("chromium-browser") or shutil.which("google-chrome"))


@pytest.mark.skipif(MMDC is None or CHROMIUM is None,
                    reason="the Mermaid CLI is not here (npm install -g @mermaid-js/mermaid-cli "
                           "with a Chromium; CI installs both)")
def test_the_mermaid_cli_renders_every_example_with_its_titles_intact(tmp_path: Path) -> None:
    assert MMDC is not None
    assert CHROMIUM is not None
    drawn = charts()
    names = list(drawn)
    source = "\n".join(f"```mermaid\n{drawn[n][1]}\n```\n" for n in names)
    (tmp_path / "charts.md").write_text(source, encoding="utf-8")
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM,
                                  "args": ["--no-sandbox", "--disable-gpu",
                                           "--disable-dev-shm-usage"]}))
    run = subprocess.run(
        [MMDC, "-p", str(config), "-i", str(tmp_path / "charts.md"),
         "-o", str(tmp_path / "out.md"), "-q"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    for k, name in enumerate(names, start=1):
        svg = ET.fromstring((tmp_path / f"out-{k}.svg").read_text(encoding="utf-8"))
        shown: dict[str, list[str]] = {"title": [], "sections": [], "tasks": []}
        for element in svg.iter():
            if not element.tag.endswith("}text"):
                continue
            css = element.get("class") or ""
            text = " ".join("".join(element.itertext()).split())
            if "titleText" in css:
                shown["title"].append(text)
            elif "sectionTitle" in css:
                shown["sections"].append(text)
            elif "taskText" in css:
                shown["tasks"].append(text)
        assert {key: sorted(v) for key, v in shown.items()} == expected_texts(drawn[name][0]), name
    assert len(names) >= 5  # every example plan and the keyword chart were rendered
