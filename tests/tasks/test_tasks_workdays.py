import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diaodu.tasks.workdays import (
    add_workdays,
    has_official_calendar,
    is_workday,
    next_workday,
    official_calendar_range,
    workdays_between,
)

D = dt.date


def _days(a, b):
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_matches_chinesecalendar_for_every_day(year):
    for d in _days(D(year, 1, 1), D(year, 12, 31)):
        assert is_workday(d) == chinese_calendar.is_workday(d), d


def _holiday_name(d):
    _on_holiday, holiday = chinese_calendar.get_holiday_detail(d)
    return getattr(holiday, "value", holiday)


def test_2025_national_day_and_makeup_days():
    # 2025: 10-01..10-08 off (National Day + Mid-autumn), Sun 09-28 and Sat 10-11 worked.
    for d in _days(D(2025, 10, 1), D(2025, 10, 8)):
        assert not is_workday(d)
        assert not chinese_calendar.is_workday(d)
    assert _holiday_name(D(2025, 10, 1)) == "National Day"
    assert D(2025, 9, 28).weekday() == 6 and is_workday(D(2025, 9, 28))
    assert D(2025, 10, 11).weekday() == 5 and is_workday(D(2025, 10, 11))
    assert chinese_calendar.is_workday(D(2025, 9, 28)) and chinese_calendar.is_workday(D(2025, 10, 11))
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_workdays(D(2025, 10, 9), 2) == D(2025, 10, 11)  # Fri, then the make-up Saturday
    assert workdays_between(D(2025, 9, 26), D(2025, 10, 12)) == 6  # 9-28, 9-29, 9-30, 10-9, 10-10, 10-11


def test_2026_national_day_and_makeup_days():
    for d in _days(D(2026, 10, 1), D(2026, 10, 7)):
        assert not is_workday(d) and not chinese_calendar.is_workday(d)
    assert is_workday(D(2026, 9, 20)) and D(2026, 9, 20).weekday() == 6
    assert is_workday(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    assert is_workday(D(2026, 10, 8))
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3


def test_2025_spring_festival():
    for d in _days(D(2025, 1, 28), D(2025, 2, 4)):
        assert not is_workday(d)
    assert _holiday_name(D(2025, 1, 29)) == "Spring Festival"
    assert is_workday(D(2025, 1, 26)) and D(2025, 1, 26).weekday() == 6
    assert is_workday(D(2025, 2, 8)) and D(2025, 2, 8).weekday() == 5
    assert add_workdays(D(2025, 1, 27), 1) == D(2025, 2, 5)
    # (1-24, 2-8]: Sun 1-26 (make-up), 1-27, 2-5, 2-6, 2-7, Sat 2-8 (make-up)
    assert workdays_between(D(2025, 1, 24), D(2025, 2, 8)) == 6
    expected = sum(1 for d in _days(D(2025, 1, 25), D(2025, 2, 8)) if chinese_calendar.is_workday(d))
    assert workdays_between(D(2025, 1, 24), D(2025, 2, 8)) == expected


def test_2026_spring_festival():
    for d in _days(D(2026, 2, 15), D(2026, 2, 23)):
        assert not is_workday(d)
    assert _holiday_name(D(2026, 2, 17)) == "Spring Festival"
    assert is_workday(D(2026, 2, 14)) and D(2026, 2, 14).weekday() == 5
    assert is_workday(D(2026, 2, 28)) and D(2026, 2, 28).weekday() == 5
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert next_workday(D(2026, 2, 15)) == D(2026, 2, 24)
    assert next_workday(D(2026, 2, 24)) == D(2026, 2, 24)


def test_fallback_outside_data_is_weekends_only():
    first, last = official_calendar_range()
    assert first <= 2025 and last >= 2026
    outside = D(last + 1, 1, 1)
    assert not has_official_calendar(outside)
    assert has_official_calendar(D(2026, 5, 1))
    # New Year's Day of an unpublished year is a plain weekday here (documented fallback).
    for d in _days(outside, outside + dt.timedelta(days=13)):
        assert is_workday(d) == (d.weekday() < 5)
    before = D(first - 1, 6, 1)
    assert is_workday(before) == (before.weekday() < 5)
    # Arithmetic keeps working across the data boundary.
    end = D(last, 12, 31)
    assert workdays_between(end, add_workdays(end, 10)) == 10


def test_zero_and_datetime_inputs():
    assert add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert workdays_between(D(2026, 10, 3), D(2026, 10, 3)) == 0
    assert is_workday(dt.datetime(2026, 10, 8, 9, 30))
    with pytest.raises(TypeError):
        is_workday("2026-10-08")


dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 12, 31))
steps = st.integers(min_value=-400, max_value=400)


@settings(max_examples=200, deadline=None)
@given(dates, steps)
def test_add_then_count_roundtrip(d, n):
    assert workdays_between(d, add_workdays(d, n)) == n


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(min_value=-300, max_value=300))
def test_add_is_strictly_monotone_in_n(d, n):
    assert add_workdays(d, n) < add_workdays(d, n + 1)
    if n != 0:
        assert is_workday(add_workdays(d, n))


@settings(max_examples=200, deadline=None)
@given(dates, dates, steps)
def test_add_is_monotone_in_start_date(d1, d2, n):
    lo, hi = min(d1, d2), max(d1, d2)
    assert add_workdays(lo, n) <= add_workdays(hi, n)


@settings(max_examples=150, deadline=None)
@given(dates, st.integers(0, 200), st.integers(0, 200))
def test_additivity(d, a, b):
    assert add_workdays(add_workdays(d, a), b) == add_workdays(d, a + b)
    x, y = sorted([add_workdays(d, a), add_workdays(d, a + b)])
    assert workdays_between(d, x) + workdays_between(x, y) == workdays_between(d, y)
