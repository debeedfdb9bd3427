"""Gantt charts, the JSON Schemas and the HTML report: what they show, and that it is offline."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from backplan import (
    CheckInError,
    Plan,
    Schedule,
    dump_plan,
    gantt_figure,
    gantt_plotly,
    key_result_series,
    load_plan,
    report_html,
    schedule_plan,
    write_gantt,
)
from backplan.cli import main
from backplan.cli._export import STARTER_PLAN
from backplan.export.gantt import gantt_rows, render_gantt
from backplan.export.schema import SCHEMA_FILES, schema_text, shipped_schema

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2026, 11, 23)


# --- Gantt ----------------------------------------------------------------------------------
def test_rows_group_actions_under_their_milestone_in_date_order(example: tuple[Plan, Schedule]) -> None:
    _, schedule = example
    rows = gantt_rows(schedule, label="id")
    heads = [r.id for r in rows if r.kind == "milestone"]
    assert heads == [m.id for m in sorted(schedule.milestones, key=lambda m: (m.date, m.id))]
    assert sorted(r.id for r in rows if r.kind == "action") == sorted(a.id for a in schedule.actions)
    current = None
    for row in rows:
        if row.kind == "milestone":
            current = row.id
        elif row.action is not None and row.action.milestone is not None:
            assert row.action.milestone == current


def test_matplotlib_chart_draws_each_row_lines_and_late_marks(aht: tuple[Plan, Schedule]) -> None:
    from matplotlib import dates as mdates

    plan, schedule = aht
    figure = gantt_figure(schedule, key_results=key_result_series(plan, schedule))
    chart = figure.axes[0]
    loose = any(a.milestone is None for a in schedule.actions)  # under an "Other actions" heading
    assert len(chart.get_yticklabels()) == len(schedule.actions) + len(schedule.milestones) + loose
    assert ("Other actions" in [t.get_text() for t in chart.get_yticklabels()]) == loose
    lines = {round(line.get_xdata()[0]) for line in chart.lines if len(set(line.get_xdata())) == 1}
    assert round(mdates.date2num(TODAY)) in lines
    assert round(mdates.date2num(schedule.due + dt.timedelta(days=1))) in lines
    late = [a for a in schedule.actions if a.slack < 0]
    texts = [t.get_text() for t in chart.texts]
    assert texts.count("4 d late") == len(late)
    assert len(figure.axes) == 1 + len(plan.goal.key_results)


def test_labels_do_not_overlap_and_fit_in_the_png(tmp_path: Path, example: tuple[Plan, Schedule]) -> None:
    _, schedule = example
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = gantt_figure(schedule)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].get_yticklabels()]
    for upper, lower in itertools.pairwise(boxes):
        assert upper.y0 >= lower.y1 - 0.5  # no two row labels overlap
    width, height = figure.bbox.width, figure.bbox.height
    for box in boxes:
        assert box.x0 >= 0
        assert box.x1 <= width
        assert box.y0 >= 0
        assert box.y1 <= height


def test_static_charts_are_reproducible_and_the_suffix_picks_the_format(tmp_path: Path) -> None:
    plan = load_plan(EXAMPLES / "fcr.yaml")
    schedule = schedule_plan(plan, today=TODAY)
    assert render_gantt(schedule, "svg") == render_gantt(schedule, "svg")
    png = write_gantt(schedule, tmp_path / "c.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert write_gantt(schedule, tmp_path / "c.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf or \.html"):
        write_gantt(schedule, tmp_path / "c.gif")


def test_a_plan_with_nothing_to_draw_gives_an_empty_chart_and_report(tmp_path: Path) -> None:
    # Found by fuzzing `backplan report`: no actions and no milestones set identical y limits,
    # and matplotlib's warning ended the command (warnings are errors in the tests).
    plan = load_plan({"goal": {"id": "g", "due": "2026-11-12", "key_results": [
        {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]}})
    schedule = schedule_plan(plan, today=TODAY)
    assert write_gantt(schedule, tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")
    plan_file = tmp_path / "plan.yaml"
    dump_plan(plan, plan_file)
    assert main(["report", str(plan_file), "-o", str(tmp_path / "r.html"), "--today",
                 TODAY.isoformat(), "--samples", "100"]) == 0


def test_plotly_chart_has_bars_milestones_and_an_offline_html(tmp_path: Path, aht: tuple[Plan, Schedule]) -> None:
    _, schedule = aht
    figure = gantt_plotly(schedule)
    names = {trace.name for trace in figure.data}
    assert {"late", "milestone", "earliest possible (late)"} <= names
    bars = sum(len(t.y) for t in figure.data if t.type == "bar" and t.name in ("action", "critical chain", "late"))
    assert bars == len(schedule.actions)
    page = write_gantt(schedule, tmp_path / "c.html").read_text()
    external = re.findall(r"<script[^>]*\ssrc=", page)
    assert external == []  # plotly.js is inline: the file works offline
    assert "Plotly.newPlot" in page


# --- JSON Schema ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_shipped_schemas_equal_the_generated_ones(name: str) -> None:
    assert shipped_schema(name) == schema_text(name), (  # type: ignore[arg-type]
        "the shipped schema is stale: run `python -m backplan.export.schema`"
    )


def _as_json(data: object) -> object:
    return json.loads(json.dumps(data, default=str))  # YAML dates become ISO strings, as in editors


@pytest.mark.parametrize("text", [*(p.read_text() for p in sorted(EXAMPLES.glob("*.yaml"))), STARTER_PLAN])
def test_examples_and_the_starter_plan_validate_against_the_plan_schema(text: str) -> None:
    import jsonschema

    schema = json.loads(shipped_schema("plan"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(_as_json(yaml.safe_load(text)))] == []
    load_plan(text)  # and backplan agrees


def test_plan_schema_rejects_what_backplan_rejects() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(shipped_schema("plan")))
    typo = {"goal": {"id": "g", "due": "2027-01-29"}, "actions": [{"id": "a", "duraton": 2}]}
    messages = [e.message for e in validator.iter_errors(typo)]
    assert any("'duraton' was unexpected" in m for m in messages)


def test_schedule_json_validates_against_the_schedule_schema(example: tuple[Plan, Schedule]) -> None:
    import jsonschema

    _, schedule = example
    schema = json.loads(shipped_schema("schedule"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors(json.loads(schedule.to_json()))] == []


def test_series_read_check_ins_as_tracking_does(tmp_path: Path) -> None:
    plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]},
        "actions": [{"id": "a", "duration": 5}]})
    schedule = schedule_plan(plan, today=TODAY)
    one = tmp_path / "one.csv"
    one.write_text("date,value\n2027-01-08,72.5\n")  # one key result: no key_result column
    [series] = key_result_series(plan, schedule, checkins=one)
    assert series.checkins == ((dt.date(2027, 1, 8), 72.5),)
    stray = tmp_path / "stray.csv"
    stray.write_text("key_result,date,value\nfrc,2027-01-08,72.5\n")
    with pytest.raises(CheckInError) as error:  # never silently left out of the chart
        key_result_series(plan, schedule, checkins=stray)
    assert error.value.problems[0].hint == "did you mean 'fcr'?"
    assert str(error.value).startswith(f"{stray}: 1 problem in the check-ins")


# --- HTML report ----------------------------------------------------------------------------
CHECKINS = "key_result,date,value,n\nfcr-rate,2026-11-30,71.2,400\nfcr-rate,2026-12-07,71.9,380\n"


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    (folder / "checkins.csv").write_text(CHECKINS)
    out = folder / "report.html"
    code = main(["report", str(EXAMPLES / "fcr.yaml"), "--checkins", str(folder / "checkins.csv"),
                 "-o", str(out), "--today", "2026-12-10"])
    assert code == 0
    return out


def test_report_is_self_contained_and_has_every_section(report_file: Path) -> None:
    page = report_file.read_text()
    assert page.count("<svg") == 2
    for anchor in ("timeline", "key-results", "flags", "risk", "actions"):
        assert f"id='{anchor}'" in page
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "fcr-rate" in page
    assert "71.9 on 2026-12-07" in page


def test_report_shows_flags_with_fixes_and_a_risk_summary_with_estimates() -> None:
    plan = load_plan({
        "goal": {"id": "g", "due": "2027-01-22"},
        "actions": [{"id": "a", "duration": 5, "estimate": {"optimistic": 3, "likely": 5, "pessimistic": 12}},
                    {"id": "b", "duration": 9, "after": ["a"]}],
    })
    page = report_html(plan, today=dt.date(2027, 1, 11), samples=300)
    assert "late-start" in page
    assert "move the goal&#x27;s due date" in page
    assert "chance of meeting 2027-01-22" in page
    assert "P80 completion" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
browser = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (CI installs Debian's chromium)")


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "HOME": str(profile)})


@browser
def test_report_renders_in_a_real_browser(report_file: Path, tmp_path: Path) -> None:
    dom = _chromium("--dump-dom", report_file.as_uri(), profile=tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<svg" in dom.stdout
    assert "Raise first call resolution" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    shot = tmp_path / "report.png"
    result = _chromium(f"--screenshot={shot}", "--window-size=1300,2400", "--hide-scrollbars",
                       report_file.as_uri(), profile=tmp_path / "p2")
    assert result.returncode == 0, result.stderr[-2000:]
    from matplotlib import image

    pixels = image.imread(shot)
    assert pixels.shape[:2] == (2400, 1300)
    assert pixels[..., :3].std() > 0.05  # not a blank page: the chart and tables are drawn


# --- CLI ------------------------------------------------------------------------------------
def test_cli_writes_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(EXAMPLES / "aht.yaml")
    day = ["--today", "2026-11-23"]
    assert main(["gantt", plan, "-o", str(tmp_path / "g.svg"), *day]) == 0
    assert main(["gantt", plan, "-o", str(tmp_path / "g.png"), "--key-results", "--format", "json", *day]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["written"].endswith("g.png")
    assert main(["ics", plan, "-o", str(tmp_path / "p.ics"), *day]) == 0
    assert main(["export", plan, "--format", "mspdi", "-o", str(tmp_path / "p.xml"), *day]) == 0
    assert (tmp_path / "p.xml").read_text().startswith("<?xml")
    assert main(["schedule", plan, "--format", "mermaid", *day]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("    ")
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "backplan plan file"
    assert main(["gantt", plan, "-o", str(tmp_path / "g.gif"), *day]) == 2
    assert "use .png, .svg, .pdf or .html" in capsys.readouterr().err


def test_cli_init_writes_a_plan_that_validates_and_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "plan.yaml"
    assert main(["init", str(target)]) == 0
    assert main(["validate", str(target)]) == 0
    schedule = schedule_plan(load_plan(target), today=dt.date(2027, 1, 4))
    assert schedule.feasible
    assert "#" in target.read_text()  # commented
    assert main(["init", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["init", str(target), "--force"]) == 0
