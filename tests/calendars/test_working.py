"""WorkingCalendar: numbers and dates agree with a plain day-by-day walk."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backplan import ScheduleRangeError, WorkingCalendar

weekday_sets = st.sets(st.integers(0, 6), min_size=1, max_size=7)
days = st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    workdays = draw(weekday_sets)
    holidays = draw(st.lists(days, max_size=40))
    return WorkingCalendar(sorted(workdays), holidays)


@given(calendar=calendars(), day=days)
def test_number_and_day_round_trip_on_working_days(calendar: WorkingCalendar, day: dt.date) -> None:
    first = calendar.on_or_after(day)
    assert calendar.is_working_day(first)
    assert first >= day
    assert all(not calendar.is_working_day(day + dt.timedelta(days=k))
               for k in range((first - day).days))
    assert calendar.day(calendar.number(first)) == first
    assert calendar.number(day) == calendar.number(first)


@given(calendar=calendars(), day=days, step=st.integers(-60, 60))
def test_shift_walks_working_days_one_by_one(calendar: WorkingCalendar, day: dt.date, step: int) -> None:
    start = calendar.on_or_after(day)
    walked, moved = start, 0
    while moved != step:
        walked += dt.timedelta(days=1 if step > 0 else -1)
        if calendar.is_working_day(walked):
            moved += 1 if step > 0 else -1
    assert calendar.shift(start, step) == walked
    assert calendar.count(start, walked) == step


@given(calendar=calendars(), day=days)
def test_on_or_before_is_the_last_working_day_not_after(calendar: WorkingCalendar, day: dt.date) -> None:
    last = calendar.on_or_before(day)
    assert last <= day
    assert calendar.is_working_day(last)
    assert calendar.number_on_or_before(day) == calendar.number(last)


@given(calendar=calendars(), day=days, length=st.integers(0, 400))
def test_span_lists_consecutive_working_days(calendar: WorkingCalendar, day: dt.date, length: int) -> None:
    first = calendar.number(day)
    span = calendar.span(first, first + length)
    assert len(span) == length + 1
    assert all(calendar.is_working_day(d) for d in span)
    assert [calendar.number(d) for d in span] == list(range(first, first + length + 1))
    assert calendar.days([first + length, first]) == [span[-1], span[0]]


@given(calendar=calendars(), first=st.integers(0, 3000),
       offsets=st.lists(st.integers(0, 60), min_size=1, max_size=500))
def test_days_converts_many_numbers_like_one_at_a_time(
    calendar: WorkingCalendar, first: int, offsets: list[int]
) -> None:
    # Numbers near the start of the calendar: long lists take the indexed path, short ones the
    # per-number one; both must agree with day().
    numbers = [first + k for k in offsets]
    assert calendar.days(numbers) == [calendar.day(n) for n in numbers]


def test_holidays_on_non_working_weekdays_change_nothing() -> None:
    plain = WorkingCalendar()
    saturday = WorkingCalendar(holidays=[dt.date(2027, 1, 2)])
    assert plain.number(dt.date(2027, 1, 4)) == saturday.number(dt.date(2027, 1, 4))


def test_weekday_names_and_errors() -> None:
    assert WorkingCalendar(["sat", "sun"]).is_working_day(dt.date(2027, 1, 2))
    with pytest.raises(ValueError, match="workdays"):
        WorkingCalendar([])
    with pytest.raises(ValueError, match="unknown weekday name 'tues'; use one of mon, tue"):
        WorkingCalendar(["mon", "tues"])


def test_dates_beyond_year_9999_are_a_range_error() -> None:
    calendar = WorkingCalendar()
    with pytest.raises(ScheduleRangeError, match=r"1\.\.9999"):
        calendar.shift(dt.date(9999, 12, 1), 100)
