"""MS Project XML read back by MPXJ, the library MS Project files are read with outside Project.

MPXJ (the ``mpxj`` package with JPype and a Java runtime) parses the file as a scheduling tool
would; the tasks, their dates and links, the people as resources (with their calendars' time
off) and who works how many hours on which task must come back as the plan says. CI installs
``mpxj``; without it (or without ``java``) these tests are skipped and say so.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backplan import Plan, Schedule, load_plan, schedule_plan, to_mspdi

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = dt.date(2026, 11, 23)

if shutil.which("java") is None:
    pytest.skip("no Java runtime: MPXJ needs one (CI installs default-jre-headless)",
                allow_module_level=True)
pytest.importorskip("jpype", reason="JPype is not installed: pip install mpxj JPype1 (CI does)")
pytest.importorskip("mpxj", reason="MPXJ is not installed: pip install mpxj JPype1 (CI does)")


def _examples_with_people() -> list[str]:
    names = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if load_plan(path).people:
            names.append(path.stem)
    return names


@pytest.fixture(scope="module")
def reader() -> Iterator[Any]:
    import jpype
    import mpxj  # noqa: F401 - puts MPXJ's jars on the class path

    if not jpype.isJVMStarted():
        jpype.startJVM()
    from org.mpxj.reader import UniversalProjectReader

    return UniversalProjectReader()


def _read(reader: Any, plan: Plan, schedule: Schedule, tmp_path: Path) -> Any:
    path = tmp_path / "plan.xml"
    path.write_text(to_mspdi(plan, schedule), encoding="utf-8")
    project = reader.read(str(path))
    assert project is not None
    return project


def _day(java_datetime: Any) -> dt.date:
    return dt.date.fromisoformat(str(java_datetime)[:10])


def _hours(duration: Any) -> float:
    """An MPXJ Duration in hours (MPXJ keeps the units the file gave)."""
    units = str(duration.getUnits().name())
    value = float(duration.getDuration())
    return {"HOURS": value, "MINUTES": value / 60, "DAYS": value * 8}[units]


@pytest.mark.parametrize("name", _examples_with_people())
def test_mpxj_reads_tasks_dates_links_resources_and_assignments(
    name: str, reader: Any, tmp_path: Path
) -> None:
    plan = load_plan(EXAMPLES / f"{name}.yaml")
    schedule = schedule_plan(plan, today=TODAY)
    project = _read(reader, plan, schedule, tmp_path)

    # Tasks and their dates: every scheduled action, at backplan's latest dates.
    tasks = {str(t.getName()): t for t in project.getTasks() if t.getName() is not None}
    for action in schedule.actions:
        task = tasks[action.title or action.id]
        assert (_day(task.getStart()), _day(task.getFinish())) == (action.start, action.finish)
    for milestone in schedule.milestones:
        assert _day(tasks[milestone.title or milestone.id].getFinish()) == milestone.date

    # Links: each action-to-action 'after' is a finish-to-start link with the plan's lag.
    by_id = {a.id: a for a in plan.actions}
    scheduled = {a.id for a in schedule.actions}
    for action in plan.actions:
        if action.id not in scheduled:
            continue
        task = tasks[action.title or action.id]
        links = {str(r.getPredecessorTask().getName()): r for r in task.getPredecessors()}
        for before in action.after:
            if before in by_id and before in scheduled:
                link = links[by_id[before].title or before]
                assert str(link.getType()) in ("FS", "FINISH_START")
                assert float(link.getLag().getDuration()) == action.lag

    # Resources: the plan's people, their id as the code, hours a day as units of 8 hours.
    resources = {str(r.getCode()): r for r in project.getResources() if r.getName() is not None}
    assert set(resources) == {p.id for p in plan.people}
    for person in plan.people:
        resource = resources[person.id]
        assert str(resource.getName()) == (person.name or person.id)
        assert float(resource.getMaxUnits()) == pytest.approx(person.hours_per_day / 8 * 100)
        calendar = resource.getCalendar()
        ranges = {(_day(e.getFromDate()), _day(e.getToDate()))
                  for e in calendar.getCalendarExceptions()}
        for span in person.time_off:  # leave is a non-working exception of their calendar
            assert (span.start, span.last) in ranges
            assert not calendar.isWorkingDate(_java_date(span.start))
        if person.workdays is not None:  # part-time: their other weekdays are non-working
            for day in range(7):
                date = TODAY + dt.timedelta(days=(day - TODAY.weekday()) % 7 + 7)
                name_ = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[date.weekday()]
                working = name_ in person.workdays and name_ in plan.calendar.workdays
                if date not in plan.calendar.holidays:
                    assert bool(calendar.isWorkingDate(_java_date(date))) == working, date

    # Assignments: who works on which task, and the hours of work (effort shared by rate).
    assignments = [(str(a.getTask().getName()), str(a.getResource().getCode()),
                    _hours(a.getWork())) for a in project.getResourceAssignments()]
    expected = {(by_id[a.id].title or a.id, person) for a in schedule.actions
                for person in a.assignees}
    assert {(task, who) for task, who, _ in assignments} == expected
    assert len(assignments) == len(expected)
    for action in plan.actions:
        if action.id not in scheduled or not action.assignees:
            continue
        work = sum(h for task, _, h in assignments if task == (action.title or action.id))
        if action.effort is not None:
            assert work == pytest.approx(action.effort.seconds / 3600, abs=0.02)
        else:
            days = schedule.action(action.id).duration_days
            rates = {p.id: p.hours_per_day for p in plan.people}
            booked = sum(a.hours_per_day or rates[a.person] for a in action.assignees) * days
            assert work == pytest.approx(booked, abs=0.02)


def _java_date(day: dt.date) -> Any:
    from java.time import LocalDate

    return LocalDate.of(day.year, day.month, day.day)


def test_a_plan_without_people_has_no_resources(reader: Any, tmp_path: Path) -> None:
    plan = load_plan(EXAMPLES / "fcr.yaml")
    project = _read(reader, plan, schedule_plan(plan, today=TODAY), tmp_path)
    assert [r for r in project.getResources() if r.getName() is not None] == []
    assert list(project.getResourceAssignments()) == []
