"""Views a newcomer opens: who does what, loads as frames, Gantt charts, the report in a browser."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import backplan
from backplan.export.gantt import OTHER_ACTIONS, gantt_figure, gantt_plotly, gantt_rows

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TRACKING_DAY = dt.date(2027, 1, 20)
CHECKINS = EXAMPLES / "data" / "tracking-checkins.csv"
#: The day each example is read on (the one its README uses).
DAYS = {"tracking": TRACKING_DAY}


def _example(name: str) -> tuple[backplan.Plan, backplan.Schedule]:
    plan = backplan.load_plan(EXAMPLES / f"{name}.yaml")
    return plan, backplan.schedule_plan(plan, today=DAYS.get(name, dt.date(2026, 11, 23)))


# --- who -----------------------------------------------------------------------------------------
def test_the_dataframe_has_owner_and_assignees() -> None:
    _, schedule = _example("tracking")
    frame = backplan.to_dataframe(schedule)
    assert list(frame.columns[-2:]) == ["owner", "assignees"]
    assert frame.loc["coaching-wave-1", "owner"] == "Ana Costa"
    assert frame.loc["coaching-wave-1", "assignees"] == ["ana", "lee"]
    assert frame.loc["survey-timing", "assignees"] == []


def test_the_report_names_the_owner_and_the_people_of_each_action() -> None:
    plan = backplan.load_plan(EXAMPLES / "tracking.yaml")
    page = backplan.report_html(plan, today=TRACKING_DAY, checkins=CHECKINS, samples=50)
    table = page.split("id='actions'")[1]
    assert "<th>owner</th><th>assignees</th>" in table
    row = table.split("<code>coaching-wave-1</code>")[1].split("</tr>")[0]
    assert "<td>Ana Costa</td><td>Ana Costa, Lee Chen</td>" in row


# --- load as frames --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def load() -> backplan.Load:
    pytest.importorskip("holidays")
    plan = backplan.load_plan(EXAMPLES / "capacity.yaml")
    return backplan.person_load(plan, backplan.schedule_levelled(plan, today=dt.date(2026, 11, 23)))


def test_load_lists_every_week_even_one_without_a_working_day(load: backplan.Load) -> None:
    for person in load.people:
        mondays = [w.start for w in person.weeks]
        assert all(b - a == dt.timedelta(days=7) for a, b in itertools.pairwise(mondays))
        assert mondays[0] <= load.first
        assert mondays[-1] + dt.timedelta(days=6) >= load.last
        christmas = [w for w in person.weeks if w.week in ("2026-W52", "2026-W53")]
        assert [(w.working_days, w.available_hours, w.booked_hours) for w in christmas] == [
            (0, 0.0, 0.0), (0, 0.0, 0.0)]
    text = str(load)
    assert "2026-W52" in text
    assert "no working day" in text


def test_a_load_is_a_frame_per_person_and_week_day_or_booking(load: backplan.Load) -> None:
    weeks = backplan.to_dataframe(load)
    assert list(weeks.index.names) == ["person", "week"]
    assert len(weeks) == sum(len(p.weeks) for p in load.people)
    assert weeks.loc[("qa-analyst", "2027-W03"), "available_hours"] == 0.0  # on leave
    days = backplan.to_dataframe(load, table="days")
    assert list(days.index.names) == ["person", "date"]
    assert len(days) == sum(len(p.days) for p in load.people)
    bookings = backplan.to_dataframe(load, table="bookings")
    assert list(bookings.index.names) == ["person", "date", "action"]
    by_person = bookings.groupby(level="person")["hours"].sum()
    for person in load.people:
        assert by_person.get(person.person, 0.0) == pytest.approx(person.booked_hours)
        booked_days = days.loc[person.person]["booked_hours"]
        assert booked_days.sum() == pytest.approx(person.booked_hours)
    with pytest.raises(ValueError, match="'weeks', 'days' or 'bookings'"):
        backplan.to_dataframe(load, table="flags")


def test_a_levelled_schedule_has_a_bookings_frame() -> None:
    pytest.importorskip("holidays")
    plan = backplan.load_plan(EXAMPLES / "capacity.yaml")
    levelled = backplan.schedule_levelled(plan, today=dt.date(2026, 11, 23))
    frame = backplan.to_dataframe(levelled, table="bookings")
    assert frame["hours"].sum() == pytest.approx(sum(b.hours for b in levelled.bookings))
    plain = backplan.schedule_plan(plan, today=dt.date(2026, 11, 23))
    if not hasattr(plain, "bookings"):
        with pytest.raises(ValueError, match="levelled schedule"):
            backplan.to_dataframe(plain, table="bookings")


# --- Gantt charts ----------------------------------------------------------------------------------
def test_actions_without_a_milestone_sit_under_a_labelled_heading() -> None:
    _, schedule = _example("aht")
    rows = gantt_rows(schedule)
    at = [k for k, row in enumerate(rows) if row.kind == "section"]
    assert len(at) == 1
    assert rows[at[0]].label == OTHER_ACTIONS
    assert all(row.kind == "action" and row.action is not None and row.action.milestone is None
               for row in rows[at[0] + 1:])
    figure = gantt_figure(schedule)
    labels = figure.axes[0].get_yticklabels()
    heading = next(label for label in labels if label.get_text() == OTHER_ACTIONS)
    assert heading.get_fontweight() == "bold"
    _, fcr = _example("fcr")  # every action delivers a milestone: no heading
    assert all(row.kind != "section" for row in gantt_rows(fcr))


def test_done_actions_are_drawn_apart_when_the_plan_is_given() -> None:
    from matplotlib.colors import to_hex

    from backplan.export.gantt import DONE_COLOUR

    plan, schedule = _example("tracking")
    done = {a.id for a in plan.actions if a.status == "done"}
    rows = gantt_rows(schedule, plan=plan)
    assert {row.id for row in rows if row.done} == done
    figure = gantt_figure(schedule, plan=plan)
    chart = figure.axes[0]
    green = [p for p in chart.patches if to_hex(p.get_facecolor()) == DONE_COLOUR.lower()]
    assert len(green) == len(done)
    assert [t.get_text() for t in chart.texts].count("done") == len(done)
    assert "done" in [t.get_text() for t in chart.get_legend().get_texts()]
    without = gantt_figure(schedule).axes[0]  # no plan: nothing is known to be done
    assert not [p for p in without.patches if to_hex(p.get_facecolor()) == DONE_COLOUR.lower()]


def test_the_plotly_chart_marks_milestone_dues_and_done_actions() -> None:
    plan, schedule = _example("tracking")
    figure = gantt_plotly(schedule, plan=plan)
    traces = {trace.name: trace for trace in figure.data}
    dues = traces["milestone due"]
    expected = sorted((m.due + dt.timedelta(days=1)).isoformat()
                      for m in schedule.milestones if m.due is not None)
    assert sorted(dues.x) == expected
    assert len(traces["done"].y) == sum(a.status == "done" for a in plan.actions)
    assert all(t.cliponaxis is False for t in figure.data if t.name in ("done",))


# --- a real browser -----------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
browser = pytest.mark.skipif(CHROMIUM is None,
                             reason="no Chromium on this machine (CI installs Debian's chromium)")

#: Appended to a page: after load, measures what a reader sees and writes it into the DOM.
_PROBE = """<script>
window.addEventListener('load', () => setTimeout(() => {
  const result = {width: window.innerWidth, dates: 0, wrapped: [], texts: 0, clipped: []};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const iso = /\\d{4}-\\d{2}-\\d{2}/g;
  let node;
  while ((node = walker.nextNode())) {
    if (!node.parentElement || node.parentElement.closest('svg')) continue;
    let m;
    while ((m = iso.exec(node.data))) {
      result.dates++;
      const range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + 10);
      const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                                .map(r => Math.round(r.top)));
      if (tops.size > 1) result.wrapped.push(m[0]);
    }
  }
  // Plotly: every text inside the figure, and the bar labels inside the plot area (the axes
  // clip what lies beyond their range).
  const area = document.querySelector('.nsewdrag');
  for (const svg of document.querySelectorAll('svg.main-svg')) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (!text.textContent.trim() || r.width === 0) continue;
      result.texts++;
      const bound = text.classList.contains('bartext') && area ? area.getBoundingClientRect() : box;
      if (r.right > bound.right + 0.5 || r.left < box.left - 0.5) result.clipped.push(text.textContent);
    }
  }
  const out = document.createElement('pre'); out.id = 'probe';
  out.textContent = JSON.stringify(result); document.body.appendChild(out);
}, 500));
</script>"""


def _measure(page: Path, tmp_path: Path, *, width: int = 1280) -> dict[str, object]:
    assert CHROMIUM is not None
    probed = tmp_path / f"probed-{page.name}"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
                      encoding="utf-8")
    profile = tmp_path / "profile"
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--window-size={width},2000",
         "--virtual-time-budget=10000", "--dump-dom", probed.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
        env={**os.environ, "HOME": str(profile)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    start = run.stdout.index('<pre id="probe">') + len('<pre id="probe">')
    import html

    return json.loads(html.unescape(run.stdout[start:run.stdout.index("</pre>", start)]))


#: Examples measured in the default run (long owners and titles squeeze the date columns); the
#: others in the slow pass.
QUICK = ("fcr", "tracking")


@browser
@pytest.mark.parametrize("name", [
    pytest.param(p.stem, marks=() if p.stem in QUICK else pytest.mark.slow)
    for p in sorted(EXAMPLES.glob("*.yaml"))])
def test_report_dates_never_wrap_at_1280_pixels(name: str, tmp_path: Path) -> None:
    if name == "capacity":
        pytest.importorskip("holidays")
    plan = backplan.load_plan(EXAMPLES / f"{name}.yaml")
    checkins = CHECKINS if name == "tracking" else None
    page = backplan.write_report(plan, tmp_path / "report.html", samples=200,
                                 today=DAYS.get(name, dt.date(2026, 11, 23)), checkins=checkins)
    seen = _measure(page, tmp_path)
    assert seen["width"] == 1280
    assert seen["dates"] > len(plan.actions)  # the action table's dates, at least, were measured
    assert seen["wrapped"] == []


@browser
@pytest.mark.parametrize("name", ["aht", pytest.param("tracking", marks=pytest.mark.slow)])
def test_the_plotly_chart_keeps_every_label_inside(name: str, tmp_path: Path) -> None:
    plan, schedule = _example(name)
    page = backplan.write_gantt(schedule, tmp_path / f"{name}.html", plan=plan)
    seen = _measure(page, tmp_path)
    assert seen["texts"] > len(schedule.actions)  # the row labels at least
    assert seen["clipped"] == []
