"""Calendar rules: readable recurring forms, RFC 5545 RRULEs, blackouts and country holidays."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import backplan
from backplan.calendars import WorkingCalendar, non_working_days, plan_calendar
from backplan.calendars.rules import country_holidays, rule_days
from backplan.errors import MissingExtraError, PlanValidationError
from backplan.models import Calendar, Plan
from backplan.models.recurrence import check_rule, parse_rule

D = dt.date


def days(rule: str, first: dt.date, last: dt.date) -> list[str]:
    return [d.isoformat() for d in rule_days(rule, first, last)]


@pytest.mark.parametrize(("rule", "expected"), [
    # 2027-01: Mondays 4, 11, 18, 25; Fridays 1, 8, 15, 22, 29.
    ("every first Monday", ["2027-01-04"]),
    ("every last friday", ["2027-01-29"]),
    ("every last Friday of the month", ["2027-01-29"]),
    ("every second last wednesday", ["2027-01-20"]),
    ("every friday", ["2027-01-01", "2027-01-08", "2027-01-15", "2027-01-22", "2027-01-29"]),
    ("mondays and fridays", ["2027-01-01", "2027-01-04", "2027-01-08", "2027-01-11",
                             "2027-01-15", "2027-01-18", "2027-01-22", "2027-01-25",
                             "2027-01-29"]),
    ("the 15th of every month", ["2027-01-15"]),
    ("day 3 of every month", ["2027-01-03"]),
    ("the last day of every month", ["2027-01-31"]),
    ("the first two days of every month", ["2027-01-01", "2027-01-02"]),
    ("the third thursday of january", ["2027-01-21"]),
    ("every year on 6 january", ["2027-01-06"]),
    ("every January 6th", ["2027-01-06"]),
    ("RRULE:FREQ=MONTHLY;BYDAY=+2TU", ["2027-01-12"]),
    ("FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=6", ["2027-01-06"]),
    ("DTSTART:20270104 RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", ["2027-01-04", "2027-01-18"]),
])
def test_readable_and_rfc_rules_give_the_days_they_say(rule: str, expected: list[str]) -> None:
    assert days(rule, D(2027, 1, 1), D(2027, 1, 31)) == expected


def test_the_last_two_weeks_of_december_are_the_last_fourteen_days() -> None:
    got = days("the last two weeks of December", D(2026, 1, 1), D(2027, 12, 31))
    assert got[0] == "2026-12-18"
    assert got[13] == "2026-12-31"
    assert got[14] == "2027-12-18"
    assert got[-1] == "2027-12-31"
    assert len(got) == 28


def test_a_yearly_range_wraps_the_year_end_and_reaches_into_the_window() -> None:
    got = days("every year from 24 december to 2 january", D(2027, 1, 1), D(2027, 12, 25))
    assert got == ["2027-01-01", "2027-01-02", "2027-12-24", "2027-12-25"]


def test_a_multi_day_run_that_starts_before_the_window_still_counts() -> None:
    assert days("the last two weeks of december", D(2027, 1, 1), D(2027, 1, 31)) == []
    assert days("the last two weeks of december", D(2026, 12, 30), D(2027, 1, 2)) == [
        "2026-12-30", "2026-12-31"]


@pytest.mark.parametrize(("rule", "says"), [
    ("every blue moon", "not a rule backplan understands"),
    ("every 32nd of the month", "day 32 does not exist"),
    ("every year on 30 february", "day 30 does not exist in month 2"),
    ("the last five weeks of march", "do not fit in every month"),
    ("FREQ=HOURLY", "days off repeat DAILY, WEEKLY, MONTHLY or YEARLY"),
    ("FREQ=WEEKLY", "add BYDAY"),
    ("RRULE:FREQ=DAILY;INTERVAL=2", "add one, e.g. 'DTSTART:"),
    ("RRULE:FREQ=MONTHLY;BYDAY=XX", "cannot be read"),
    ("FREQ=DAILY;BYHOUR=9", "whole days"),
])
def test_unusable_rules_say_why(rule: str, says: str) -> None:
    problem = check_rule(rule)
    assert problem is not None
    assert says in problem


def test_a_bad_rule_in_a_plan_file_names_the_field_and_the_forms() -> None:
    with pytest.raises(PlanValidationError) as error:
        backplan.load_plan("goal: {id: g, due: 2027-01-29}\ncalendar:\n  rules: [every blue moon]\n")
    problem = error.value.problems[0]
    assert (problem.code, problem.item, problem.field, problem.line) == (
        "invalid-value", "calendar", "rules", 3)
    assert "every first Monday" in problem.message


def test_blackouts_accept_ranges_single_dates_and_mappings() -> None:
    calendar = Calendar(blackouts=["2026-11-23..2026-11-25", "2026-12-24",
                                   {"start": "2026-12-28", "end": "2026-12-29", "reason": "freeze"},
                                   {"from": "2027-01-04", "to": "2027-01-05"}])
    got = non_working_days(calendar, D(2000, 1, 1), D(2000, 1, 2))  # blackouts ignore the window
    assert [d.isoformat() for d in got] == [
        "2026-11-23", "2026-11-24", "2026-11-25", "2026-12-24", "2026-12-28", "2026-12-29",
        "2027-01-04", "2027-01-05"]


def test_a_blackout_that_ends_before_it_starts_is_a_contradiction() -> None:
    with pytest.raises(PlanValidationError) as error:
        backplan.load_plan({"goal": {"id": "g", "due": "2027-01-29"},
                            "calendar": {"blackouts": [{"start": "2027-01-10", "end": "2027-01-05"}]}})
    assert error.value.codes == ["contradiction"]
    assert error.value.problems[0].field == "blackouts"


def test_country_holidays_come_from_the_holidays_package() -> None:
    got = country_holidays("GB", "ENG", D(2027, 1, 1), D(2027, 5, 31))
    assert [d.isoformat() for d in got] == [
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31"]
    scotland = country_holidays("GB", "SCT", D(2027, 1, 1), D(2027, 1, 31))
    assert D(2027, 1, 4) in scotland  # 2 January falls on a Saturday: moved to Monday


@pytest.mark.parametrize(("calendar", "field", "says"), [
    ({"country": "XQ"}, "country", "not known to the holidays package"),
    ({"country": "GB", "subdivision": "XYZ"}, "subdivision", "use one of: ENG"),
])
def test_unknown_countries_and_subdivisions_are_plan_problems(
    calendar: dict[str, str], field: str, says: str
) -> None:
    plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-01-29"}, "calendar": calendar})
    with pytest.raises(PlanValidationError) as error:
        backplan.schedule_plan(plan, today=D(2027, 1, 4))
    problem = error.value.problems[0]
    assert (problem.code, problem.item, problem.field) == ("invalid-value", "calendar", field)
    assert says in problem.message + problem.hint
    # Loading the plan file finds it already, at its line.
    text = "goal: {id: g, due: 2027-01-29}\ncalendar:\n" + "".join(
        f"  {key}: {value}\n" for key, value in calendar.items())
    with pytest.raises(PlanValidationError) as error:
        backplan.loads_plan(text)
    [problem] = error.value.problems
    assert (problem.item, problem.field, problem.line) == ("calendar", field, 2 + len(calendar))


@pytest.mark.parametrize(("calendar", "says"), [
    ({"country": "gb"}, "in capitals"),
    ({"subdivision": "ENG"}, "without a country"),
])
def test_country_fields_are_checked_when_the_plan_loads(calendar: dict[str, str], says: str) -> None:
    with pytest.raises(PlanValidationError) as error:
        backplan.load_plan({"goal": {"id": "g", "due": "2027-01-29"}, "calendar": calendar})
    assert says in error.value.problems[0].message


def test_without_the_holidays_package_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(MissingExtraError, match=r'pip install "backplan\[holidays\]"'):
        country_holidays("GB", None, D(2027, 1, 1), D(2027, 1, 31))


def test_the_core_scheduler_skips_blackouts_rules_and_country_holidays() -> None:
    plan = backplan.load_plan({
        "goal": {"id": "g", "due": "2027-01-08"},
        "calendar": {"country": "GB", "subdivision": "ENG", "rules": ["every first monday"],
                     "blackouts": ["2027-01-06..2027-01-07"]},
        "actions": [{"id": "a", "duration": 3}],
    })
    schedule = backplan.schedule_plan(plan, today=D(2026, 12, 21))
    # Working days back from Fri 8 Jan: 8; 7-6 blackout; 5, 4 is the first Monday; 1 Jan New
    # Year's Day; Thu 31 Dec.
    action = schedule.action("a")
    assert (action.start, action.finish) == (D(2026, 12, 31), D(2027, 1, 8))


def test_plan_calendar_agrees_with_from_model_inside_the_default_window() -> None:
    calendar = Calendar(rules=["every last friday"], blackouts=["2027-02-01..2027-02-03"])
    plan = Plan.model_validate({"goal": {"id": "g", "due": "2027-06-30"}, "calendar": calendar})
    ours = plan_calendar(plan, today=D(2027, 1, 4))
    theirs = WorkingCalendar.from_model(calendar)
    span = [D(2026, 1, 1) + dt.timedelta(days=k) for k in range(730)]
    assert [ours.is_working_day(d) for d in span] == [theirs.is_working_day(d) for d in span]
    assert not ours.is_working_day(D(2027, 1, 29))
    assert not ours.is_working_day(D(2027, 2, 2))


def test_plan_calendar_reaches_dates_far_outside_the_default_window() -> None:
    plan = Plan.model_validate({"goal": {"id": "g", "due": "2090-06-30"},
                                "calendar": {"rules": ["every friday"]}})
    assert not plan_calendar(plan, today=D(2090, 1, 2)).is_working_day(D(2090, 6, 30))


@given(st.sampled_from(["first", "second", "third", "fourth", "last"]),
       st.sampled_from(["monday", "tuesday", "wednesday", "thursday", "friday"]),
       st.integers(2020, 2035))
def test_every_nth_weekday_gives_one_day_a_month_on_that_weekday(
    ordinal: str, weekday: str, year: int
) -> None:
    got = rule_days(f"every {ordinal} {weekday}", D(year, 1, 1), D(year, 12, 31))
    assert len(got) == 12
    assert {d.month for d in got} == set(range(1, 13))
    assert {d.strftime("%A").lower() for d in got} == {weekday}
    position = {"first": 0, "second": 7, "third": 14, "fourth": 21}
    for day in got:
        if ordinal == "last":
            assert (day + dt.timedelta(days=7)).month != day.month
        else:
            assert position[ordinal] < day.day <= position[ordinal] + 7


def test_parse_rule_keeps_rfc_text_as_written() -> None:
    assert parse_rule(" RRULE:FREQ=WEEKLY;BYDAY=FR ").rrule == "RRULE:FREQ=WEEKLY;BYDAY=FR"
