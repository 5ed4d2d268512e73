"""Working-day arithmetic with China's statutory holidays and make-up working days.

The official calendar comes from the ``chinesecalendar`` package (module ``chinese_calendar``),
which ships the State Council's yearly holiday notices.  The package only knows the years it
was released for (at the time of writing 2004-2026); for any date outside that range we fall
back to a plain Monday-Friday week.  Callers can ask :func:`has_official_calendar` to tell the
user that a deadline was computed without the holiday notice (e.g. a deadline in 2027 before
the 2027 notice is published and the package is upgraded).

Every function takes its dates explicitly; nothing here reads the clock.

Conventions:

* ``add_workdays(d, n)`` moves ``n`` working-day steps from ``d``: ``n > 0`` returns the n-th
  working day strictly after ``d``, ``n < 0`` the |n|-th working day strictly before ``d`` and
  ``n == 0`` returns ``d`` unchanged (even if ``d`` is a holiday).
* ``workdays_between(a, b)`` counts the steps between them, so that
  ``workdays_between(d, add_workdays(d, n)) == n`` for every ``n``: for ``b >= a`` it is the
  number of working days in ``(a, b]``, for ``b < a`` minus the number in ``[b, a)``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
from chinese_calendar import constants as _cc

__all__ = [
    "add_workdays",
    "has_official_calendar",
    "is_workday",
    "next_workday",
    "official_calendar_range",
    "workdays_between",
]

_ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def official_calendar_range() -> tuple[int, int]:
    """First and last year covered by the installed ``chinesecalendar`` data."""
    years = [d.year for d in _cc.holidays]
    return min(years), max(years)


def _as_date(d: dt.date) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    if not isinstance(d, dt.date):
        raise TypeError(f"需要日期类型，实际为 {type(d).__name__}")
    return d


def has_official_calendar(d: dt.date) -> bool:
    """True when ``d`` falls in a year whose holiday notice is in the installed data."""
    first, last = official_calendar_range()
    return first <= _as_date(d).year <= last


@lru_cache(maxsize=8192)
def _is_workday(d: dt.date) -> bool:
    if has_official_calendar(d):
        return bool(chinese_calendar.is_workday(d))
    # Outside the published data: weekends only (documented fallback).
    return d.weekday() < 5


def is_workday(d: dt.date) -> bool:
    """Whether ``d`` is a working day (statutory holidays off, make-up Saturdays/Sundays on)."""
    return _is_workday(_as_date(d))


def add_workdays(d: dt.date, n: int) -> dt.date:
    """Move ``n`` working days from ``d`` (see module docstring for the convention)."""
    d = _as_date(d)
    if not isinstance(n, int):
        raise TypeError("工作日数必须为整数")
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d = d + step
        if _is_workday(d):
            remaining -= 1
    return d


def next_workday(d: dt.date) -> dt.date:
    """``d`` itself if it is a working day, otherwise the first working day after it."""
    d = _as_date(d)
    while not _is_workday(d):
        d += _ONE_DAY
    return d


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Signed number of working-day steps from ``a`` to ``b``."""
    a, b = _as_date(a), _as_date(b)
    if b >= a:
        lo, hi, sign = a + _ONE_DAY, b, 1  # (a, b]
    else:
        lo, hi, sign = b, a - _ONE_DAY, -1  # [b, a)
    count = 0
    d = lo
    while d <= hi:
        if _is_workday(d):
            count += 1
        d += _ONE_DAY
    return sign * count
